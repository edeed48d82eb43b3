/** How a batch's audit sample is drawn: uniformly over the window, or stratified over one slice key. */
export type AuditMode = 'uniform' | 'by_slice';
export const AUDIT_MODES: readonly AuditMode[] = ['uniform', 'by_slice'];

export interface AuditRequest {
  mode: AuditMode;
  /** The stratifying slice key (by_slice only). */
  sliceKey: string | null;
  /** Restricts the audit to one value of sliceKey. */
  sliceValue: string | null;
}

/** One stratum of the audit: its frame (population) when drawn, how many were asked and drawn. */
export interface AuditStratum {
  /** The slice value; '*' for a uniform audit. */
  value: string;
  population: number;
  asked: number;
  filled: number;
  /** population / filled: what each audit label of the stratum stands for; null when none was drawn. */
  weight: number | null;
}

/**
 * What an estimate needs to weight the audit labels: the frame is every prediction of the model in
 * the batch's window (its filters) without an audit label, whatever its other labels.
 */
export interface AuditDesign {
  mode: AuditMode;
  sliceKey: string | null;
  sliceValue: string | null;
  population: number;
  strata: AuditStratum[];
}

/**
 * Equal allocation of `total` over strata, capped by each stratum's size: what a small stratum cannot
 * take goes to the others, equally, until the total is placed or every stratum is full. Remainders go
 * to the strata first in order.
 */
export function equalAllocation(total: number, capacities: ReadonlyMap<string, number>): Map<string, number> {
  const out = new Map([...capacities.keys()].map((k) => [k, 0]));
  let left = Math.max(0, Math.floor(total));
  for (;;) {
    const open = [...capacities].filter(([k, cap]) => out.get(k)! < cap);
    if (left === 0 || open.length === 0) return out;
    const share = Math.max(1, Math.floor(left / open.length));
    for (const [k, cap] of open) {
      const give = Math.min(cap - out.get(k)!, share, left);
      out.set(k, out.get(k)! + give);
      left -= give;
    }
  }
}

export function stratum(value: string, population: number, asked: number, filled: number): AuditStratum {
  return { value, population, asked, filled, weight: filled === 0 ? null : population / filled };
}
