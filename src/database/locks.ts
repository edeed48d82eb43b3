/**
 * Every PostgreSQL advisory lock the service takes, in one place so two never collide. A keyed lock
 * (with a scope such as a model name) uses the two-int form, whose key space is separate.
 */
export enum LockKey {
  /** Session lock: one process migrates at a time. */
  Migration = 724_311_001,
  /** Whoever writes slice cells. */
  Rollup = 724_311_005,
  /** Whoever writes feature profiles. */
  Profiles = 724_311_006,
  /** First-start admin token creation across API processes. */
  BootstrapAdmin = 724_311_101,
  /** Batch selection of one model (scope: the model). */
  LabelingSelect = 724_311_201,
  /** Leasing for one labeler of one model (scope: model and labeler). */
  LabelingLease = 724_311_202,
}

/** The statement that takes a transaction-scoped advisory lock, with `?` placeholders. */
export function advisoryLockSql(key: LockKey, scope?: string): { sql: string; params: unknown[] } {
  return scope === undefined
    ? { sql: 'SELECT pg_advisory_xact_lock(?)', params: [key] }
    : { sql: 'SELECT pg_advisory_xact_lock(?, hashtext(?))', params: [key, scope] };
}
