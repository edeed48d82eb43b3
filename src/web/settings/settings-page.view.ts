import type { ModelEntity } from '../../models/model.entity.js';

export const SETTINGS_DOCS = '/static/docs/model-settings.html';

/** Sections of a definition in the order the docs describe them; sections added later follow, by name. */
const KNOWN_SECTIONS: Record<string, string> = {
  classes: 'Classes',
  sliceKeys: 'Slice keys',
  sliceCrosses: 'Slice crosses',
  featureSchema: 'Feature schema',
  labelRules: 'Label rules',
  implicitLabel: 'Implicit label',
  labelSourceOrder: 'Label source order',
  eventRetention: 'Event retention',
  eventGrace: 'Event grace',
  labeling: 'Labeling',
  alerts: 'Alerts',
  feedback: 'Feedback-loop thresholds',
  exports: 'Exports',
};

export interface SettingsSection {
  name: string;
  title: string;
  docsHref: string;
  /** The section's value as JSON, indented. */
  value: string;
  /** Scalars read better in one line. */
  inline: boolean;
}

/** /models/:model/settings: the registry's definition of the model, section by section, read-only. */
export function settingsPageView(model: ModelEntity, isAdmin: boolean) {
  const values: Record<string, unknown> = {
    classes: model.classes,
    sliceKeys: model.sliceKeys,
    sliceCrosses: model.sliceCrosses,
    featureSchema: model.featureSchema,
    ...model.settings,
  };
  const order = Object.keys(KNOWN_SECTIONS);
  const rank = (name: string) => (order.includes(name) ? order.indexOf(name) : order.length);
  const sections: SettingsSection[] = Object.keys(values)
    .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b))
    .map((name) => {
      const value = values[name] ?? null;
      const inline = value === null || typeof value !== 'object';
      return {
        name,
        title: KNOWN_SECTIONS[name] ?? name,
        docsHref: `${SETTINGS_DOCS}#${KNOWN_SECTIONS[name] ? name : 'other-sections'}`,
        value: inline ? JSON.stringify(value) : JSON.stringify(value, null, 2),
        inline,
      };
    });
  return {
    title: `Settings · ${model.name}`,
    styles: ['pages.css'],
    model: model.name,
    revision: model.revision,
    updatedAt: model.updatedAt,
    apiPath: `/api/v1/models/${encodeURIComponent(model.name)}`,
    docsHref: SETTINGS_DOCS,
    isAdmin,
    sections,
  };
}
