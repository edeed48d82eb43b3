import { bucketOf, GRAINS, type Grain } from './window.js';

/** The whole-model row: every labeled prediction is in it. */
export const OVERALL = '*';
/** Joins the two keys (and the two values) of a declared cross: country×device = de×mobile. */
export const CROSS = '×';

export interface SliceCoordinate {
  key: string;
  value: string;
}

/** What a prediction contributes to the rollups, besides its label. */
export interface RolledPrediction {
  model: string;
  modelVersion: string;
  ts: number;
  predicted: string;
  /** Slice key -> value, as stored with the prediction at ingest. */
  slices: Record<string, string>;
}

export interface CellKey {
  model: string;
  modelVersion: string;
  key: string;
  value: string;
  grain: Grain;
  bucket: number;
  source: string;
  actual: string;
  predicted: string;
}

export const crossKey = (a: string, b: string) => `${a}${CROSS}${b}`;

/** The whole model, each slice the prediction has a value for, and each declared cross it has both values of. */
export function coordinatesOf(
  slices: Record<string, string>,
  crosses: readonly (readonly [string, string])[],
): SliceCoordinate[] {
  const out: SliceCoordinate[] = [{ key: OVERALL, value: OVERALL }];
  for (const key of Object.keys(slices).sort()) out.push({ key, value: slices[key] });
  for (const [a, b] of crosses) {
    if (Object.hasOwn(slices, a) && Object.hasOwn(slices, b))
      out.push({ key: crossKey(a, b), value: crossKey(slices[a], slices[b]) });
  }
  return out;
}

/** Every cell (each coordinate at each grain) that a prediction with this label is counted in. */
export function cellsOf(
  p: RolledPrediction,
  label: { label: string; source: string },
  crosses: readonly (readonly [string, string])[],
): CellKey[] {
  const cells: CellKey[] = [];
  for (const { key, value } of coordinatesOf(p.slices, crosses)) {
    for (const grain of GRAINS) {
      cells.push({
        model: p.model,
        modelVersion: p.modelVersion,
        key,
        value,
        grain,
        bucket: bucketOf(p.ts, grain),
        source: label.source,
        actual: label.label,
        predicted: p.predicted,
      });
    }
  }
  return cells;
}

/** Count changes per cell, summed in memory so that each cell is written once per transaction. */
export class CellDeltas {
  private readonly byCell = new Map<string, { cell: CellKey; delta: number }>();

  add(cells: readonly CellKey[], delta: number): void {
    for (const cell of cells) {
      const id = cellId(cell);
      const entry = this.byCell.get(id);
      if (entry) entry.delta += delta;
      else this.byCell.set(id, { cell, delta });
    }
  }

  /** Moves a prediction from its old cell (if it had a label) to its new one (if it has one). */
  move(
    p: RolledPrediction,
    before: { label: string; source: string } | null,
    after: { label: string; source: string } | null,
    crosses: readonly (readonly [string, string])[],
  ): void {
    if (before) this.add(cellsOf(p, before, crosses), -1);
    if (after) this.add(cellsOf(p, after, crosses), 1);
  }

  get size(): number {
    return this.byCell.size;
  }

  /** The non-zero changes in key order, so that a chunk's writes walk the table's key in order. */
  changes(): { cell: CellKey; delta: number }[] {
    return [...this.byCell.entries()]
      .filter(([, e]) => e.delta !== 0)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, e]) => e);
  }

  clear(): void {
    this.byCell.clear();
  }
}

/** A cell's identity, its fields in the order of the table's key, so that sorted ids are in key order. */
export function cellId(c: CellKey): string {
  return `${c.model}\u0000${c.grain}\u0000${c.bucket}\u0000${c.modelVersion}\u0000${c.key}\u0000${c.value}\u0000${c.source}\u0000${c.actual}\u0000${c.predicted}`;
}
