/**
 * What a client should hear when the infrastructure fails rather than the request: the database is
 * down or restarting (503, retry shortly), or the disk is full (507). Anything else is a 500.
 */
export interface Fault {
  status: 503 | 507;
  message: 'database_unavailable' | 'insufficient_storage';
  retryAfterSeconds: number;
}

// PostgreSQL SQLSTATEs: connection exceptions (08xxx), admin / crash shutdown, cannot connect now,
// too many connections; and disk full.
const PG_UNAVAILABLE = new Set(['08000', '08001', '08003', '08004', '08006', '57P01', '57P02', '57P03', '53300']);
const PG_DISK_FULL = '53100';
const NODE_UNAVAILABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND']);
const UNAVAILABLE_TEXT =
  /Connection terminated|connection timeout|timeout exceeded when trying to connect|the database system is (starting up|shutting down|in recovery mode)|terminating connection due to administrator command|Client has encountered a connection error|Cannot use a pool after calling end/i;

export function faultOf(error: unknown): Fault | null {
  for (let e = error, depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    const { code, message } = e as { code?: unknown; message?: unknown };
    if (code === PG_DISK_FULL || code === 'SQLITE_FULL' || code === 'ENOSPC' || code === 'EDQUOT') {
      return { status: 507, message: 'insufficient_storage', retryAfterSeconds: 60 };
    }
    if (
      (typeof code === 'string' && (PG_UNAVAILABLE.has(code) || NODE_UNAVAILABLE.has(code) || code.startsWith('SQLITE_BUSY'))) ||
      (typeof message === 'string' && UNAVAILABLE_TEXT.test(message))
    ) {
      return { status: 503, message: 'database_unavailable', retryAfterSeconds: 5 };
    }
    const next = e as { driverError?: unknown; cause?: unknown };
    e = next.driverError ?? next.cause;
  }
  return null;
}
