/**
 * Turns for the steps of background drains (label join, rollups, profiles, retention) on this
 * thread: one step per turn of the event loop, whoever asks. A drain awaits backgroundTurn()
 * between two of its steps. With setImmediate alone, every drain that was waiting ran its next step
 * in the same check phase, so a request that came in waited for all of them (each up to
 * JOB_STEP_BUDGET_MS on SQLite) instead of one. Waiters are served in the order they asked.
 */
const waiting: (() => void)[] = [];
let scheduled = false;

export function backgroundTurn(): Promise<void> {
  return new Promise((granted) => {
    waiting.push(granted);
    schedule();
  });
}

function schedule(): void {
  if (scheduled) return;
  scheduled = true;
  setImmediate(grant);
}

function grant(): void {
  scheduled = false;
  waiting.shift()?.();
  // Set in the check phase, the next grant runs in the next turn's: requests that arrived during
  // this step are read in the poll phase between the two.
  if (waiting.length > 0) schedule();
}
