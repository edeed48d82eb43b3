import { differenceInterval } from '../alerts/evaluation.js';
import type { FeedbackSettings } from '../models/model-settings.js';
import type { FeedbackCheck } from './feedback.types.js';
import type { Tally } from './tally.js';

export const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

export function unknown(name: string, threshold: number | null, why: string, action: string): FeedbackCheck {
  return { name, value: null, threshold, severity: 'unknown', explanation: `Cannot be computed: ${why}.`, action };
}

/** Exploration share; blocks when nothing at all (no explore, no audit label) was chosen independently of the model. */
export function explorationShare(model: string, t: Tally, s: FeedbackSettings): FeedbackCheck {
  const name = 'exploration_share';
  const threshold = s.minExplorationShare;
  const route = `route 5-10% of ${model}'s traffic to an exploration policy (exposure.policy "explore") and log its propensity`;
  if (t.labeled === 0)
    return unknown(name, threshold, `${model} has no labeled predictions in this window`, 'widen the window or wait for labels');
  if (t.withPolicy === 0)
    return unknown(
      name,
      threshold,
      `none of ${model}'s labeled predictions logged an exposure policy`,
      `send exposure.policy with each prediction; then ${route}`,
    );
  const value = t.explore / t.labeled;
  const base = `${pct(value)} of ${model}'s ${t.labeled} labeled examples were shown by exploration rather than chosen by the model.`;
  if (t.explore === 0 && t.reference.n === 0) {
    return {
      name,
      value,
      threshold,
      severity: 'block',
      explanation: `${base} Blocking: no label in this window was collected independently of the model (no exploration, no audit), so the data cannot show where ${model} is wrong about what it chose not to show.`,
      action: `${route}, or label an audit sample; until then nothing in the set can correct the model's view of what it hid`,
    };
  }
  if (value < threshold) {
    return {
      name,
      value,
      threshold,
      severity: 'warn',
      explanation: `${base} Below ${pct(threshold)}, a retrained model mostly learns from its own choices.`,
      action: `${route}; meanwhile export with mitigation explore_only or ips_weights`,
    };
  }
  return {
    name,
    value,
    threshold,
    severity: 'ok',
    explanation: `${base} Enough to estimate ${model} on data it did not choose.`,
    action: 'none needed; keep exploration running',
  };
}

export function modelDrivenShare(model: string, t: Tally, s: FeedbackSettings): FeedbackCheck {
  const name = 'model_driven_label_share';
  const threshold = s.maxModelDrivenShare;
  if (t.labeled === 0)
    return unknown(name, threshold, `${model} has no labeled predictions in this window`, 'widen the window or wait for labels');
  const value = t.modelDriven.n / t.labeled;
  const explanation = `${pct(value)} of ${model}'s labels are direct or implicit labels on items the model itself chose to show: their existence depends on the model's decision.`;
  if (value > threshold) {
    return {
      name,
      value,
      threshold,
      severity: 'warn',
      explanation: `${explanation} Above ${pct(threshold)}, the set says little about items the model did not pick.`,
      action: 'add exploration traffic or audit labels; export with mitigation downsample_model_driven or ips_weights',
    };
  }
  return { name, value, threshold, severity: 'ok', explanation, action: 'none needed' };
}

/** Agreement on model-driven labels minus agreement on audit and explore labels, with a Newcombe interval. */
export function selfAgreementGap(model: string, t: Tally, s: FeedbackSettings): FeedbackCheck {
  const name = 'self_agreement_gap';
  const threshold = s.maxSelfAgreementGap;
  if (t.modelDriven.n === 0)
    return unknown(
      name,
      threshold,
      `${model} has no direct or implicit labels on model-policy exposures`,
      'log exposure.policy "model" for the predictions the model chose to show',
    );
  if (t.reference.n === 0)
    return unknown(
      name,
      threshold,
      `${model} has no audit or exploration labels to compare its own labels against`,
      'route 5-10% of traffic to exploration or run labeling batches with an audit fraction',
    );
  const { estimate, ci } = differenceInterval(t.modelDriven, t.reference);
  const explanation =
    `${model} agrees with ${pct(t.modelDriven.correct / t.modelDriven.n)} of the labels on its own exposures (n=${t.modelDriven.n}) ` +
    `but with ${pct(t.reference.correct / t.reference.n)} of audit and exploration labels (n=${t.reference.n}); ` +
    `the gap is ${estimate.toFixed(3)}, 95% interval [${ci[0].toFixed(3)}, ${ci[1].toFixed(3)}].`;
  const check = { name, value: estimate, threshold, interval: ci as [number, number], explanation };
  if (ci[0] > s.blockSelfAgreementGap) {
    return {
      ...check,
      severity: 'block',
      explanation: `${explanation} Blocking: the whole interval lies above ${s.blockSelfAgreementGap}, so the model-driven labels mostly confirm the model.`,
      action:
        'do not retrain on model-driven labels alone: export with mitigation explore_only, or ips_weights with logged propensities',
    };
  }
  if (ci[0] > threshold) {
    return {
      ...check,
      severity: 'warn',
      explanation: `${explanation} The whole interval lies above ${threshold}: labels on its own choices flatter the model.`,
      action: 'export with mitigation ips_weights or explore_only; judge the model on audit labels',
    };
  }
  return { ...check, severity: 'ok', action: 'none needed' };
}

export function implicitEcho(model: string, t: Tally, s: FeedbackSettings): FeedbackCheck {
  const name = 'implicit_label_echo';
  const threshold = s.maxImplicitEcho;
  if (t.implicit.n === 0) return unknown(name, threshold, `${model} has no implicit labels in this window`, 'none needed');
  const value = t.implicit.correct / t.implicit.n;
  const explanation = `${pct(value)} of ${model}'s ${t.implicit.n} implicit labels ("no event came") equal the model's own prediction: they may only echo it.`;
  if (value > threshold) {
    return {
      name,
      value,
      threshold,
      severity: 'warn',
      explanation: `${explanation} Above ${pct(threshold)}, implicit labels add little that the model did not already believe.`,
      action: 'lengthen implicitLabel.after or drop implicit labels from the export (labelSources); compare with audit labels',
    };
  }
  return { name, value, threshold, severity: 'ok', explanation, action: 'none needed' };
}

export function missingPropensities(model: string, t: Tally, s: FeedbackSettings): FeedbackCheck {
  const name = 'missing_propensities';
  const threshold = s.maxMissingPropensityShare;
  if (t.modelPolicy.n === 0)
    return unknown(name, threshold, `${model} has no labeled model-policy exposures`, 'log exposure.policy with each prediction');
  const value = t.modelPolicy.correct / t.modelPolicy.n;
  const explanation = `${pct(value)} of ${model}'s ${t.modelPolicy.n} labeled model-driven rows have no propensity, so they cannot be weighted by 1/propensity.`;
  if (value > threshold) {
    return {
      name,
      value,
      threshold,
      severity: 'warn',
      explanation: `${explanation} Above ${pct(threshold)}, ips_weights cannot correct the selection.`,
      action: 'log propensities: send exposure.propensity, the probability that the serving policy showed the item',
    };
  }
  return { name, value, threshold, severity: 'ok', explanation, action: 'none needed' };
}
