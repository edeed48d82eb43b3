import { chunks } from './sql.js';
import type { Tx } from './tx.js';

/**
 * The tables of maintained counts (slice_cells, quality_cells, feedback_cells): a key of columns and
 * a count n. Deltas are upserted many rows per statement; a cell whose count reaches 0 is removed.
 */
export class CountCells {
  private readonly list: string;
  private readonly deleteEmpty: string;

  constructor(
    private readonly table: string,
    private readonly columns: readonly string[],
    private readonly rowsPerUpsert: number,
  ) {
    this.list = columns.join(', ');
    this.deleteEmpty = `DELETE FROM ${table} WHERE ${columns.map((c) => `${c} = ?`).join(' AND ')} AND n = 0`;
  }

  /** Adds each delta to its cell (key values in `columns` order), creating it as needed. */
  async add(tx: Tx, changes: readonly { key: readonly unknown[]; delta: number }[]): Promise<void> {
    const row = `(${'?, '.repeat(this.columns.length)}?)`;
    for (const batch of chunks(changes, this.rowsPerUpsert)) {
      await tx.run(
        `INSERT INTO ${this.table} (${this.list}, n) VALUES ${batch.map(() => row).join(', ')}
         ON CONFLICT (${this.list}) DO UPDATE SET n = ${this.table}.n + excluded.n`,
        batch.flatMap(({ key, delta }) => [...key, delta]),
      );
    }
    for (const { key, delta } of changes) if (delta < 0) await tx.run(this.deleteEmpty, [...key]);
  }
}

/** A model's cells of one grain whose bucket starts in [from, to); null is unbounded. */
export interface CellSegment {
  grain: string;
  from: number | null;
  to: number | null;
}

/** The WHERE clause of a segment's cells, of one version (null: all) and, for slice cells, one source. */
export function cellWhere(
  model: string,
  segment: CellSegment,
  filter: { version: string | null; source?: string | null },
): { where: string; params: unknown[] } {
  const conditions: [string, unknown][] = [
    ['model = ?', model],
    ['grain = ?', segment.grain],
  ];
  if (segment.from !== null) conditions.push(['bucket >= ?', segment.from]);
  if (segment.to !== null) conditions.push(['bucket < ?', segment.to]);
  if (filter.version !== null) conditions.push(['model_version = ?', filter.version]);
  if (filter.source !== undefined && filter.source !== null) conditions.push(['source = ?', filter.source]);
  return { where: conditions.map(([sql]) => sql).join(' AND '), params: conditions.map(([, value]) => value) };
}
