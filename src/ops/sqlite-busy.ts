/**
 * SQLite busy retries of this process. Db's retry loop lives outside Nest (it is built before the
 * app), so it counts here and MetricsService reports the total as relabel_sqlite_busy_retries_total.
 */
let retries = 0;

export function countSqliteBusyRetry(n = 1): void {
  retries += n;
}

export function sqliteBusyRetries(): number {
  return retries;
}
