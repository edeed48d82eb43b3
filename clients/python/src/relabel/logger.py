"""Buffered loggers for model servers: ``log()`` returns at once, a background thread sends batches.

Contract (the same for :class:`PredictionLogger` and :class:`EventLogger`):

- ``log(...)`` never raises and never blocks on the network. It serialises the row (so later changes
  to the caller's dicts do not leak in), gives it an ``id`` when it has none (relabel's idempotency
  key: a re-sent row with the same id is a duplicate, not a second row) and a ``timestamp`` of now,
  and queues it. It returns the row's id, or None when the row could not be queued.
- The queue holds at most ``max_queue`` rows. When it is full, the row being logged is dropped
  (drop newest), counted in ``stats.dropped`` and reported to ``on_dropped``; a warning is logged at
  most every 10 seconds. A row that is not JSON (NaN, an object) is rejected at ``log()`` the same way.
- The flusher sends a batch when ``batch_size`` rows are queued or ``flush_interval`` seconds passed.
- Network errors, 429, 503, 507 and other 5xx are retried with jittered exponential backoff that
  honours ``Retry-After``, for up to ``retry_for`` seconds per batch; then the batch is dropped
  (counted, reported). Re-sends are safe: the service stores a row once per id.
- Any other 4xx is final and never retried. A 400 names the bad rows by index: those rows are
  rejected (``stats.rejected``, ``on_rejected`` with each row and its field errors) and the rest of
  the batch is sent again at once (a batch is stored whole or not at all, so they were not stored).
  A 409 id conflict rejects the conflicting ids the same way. A 413 splits the batch. Other 4xx
  (401, 403, 404) reject the whole batch.
- ``flush(timeout)`` waits until every row logged before the call is settled (stored, duplicate,
  rejected or dropped) and returns a :class:`FlushResult` counting those rows; it raises
  :class:`~relabel.errors.FlushTimeout` if they are not all settled in time (they stay queued and
  are still sent). Rows counted ``accepted`` are in the service's database: nothing confirmed is
  lost by a later restart of the service.
- ``close(timeout)`` (also run at interpreter exit, ``close_at_exit`` seconds) flushes what it can within ``timeout``, then stops the thread; rows still
  unsent are dropped and counted. Logging after close drops the row.
"""

from __future__ import annotations

import atexit
import json
import logging
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Callable, Deque, Dict, List, Mapping, Optional, Tuple

import httpx

from . import _http
from .errors import ApiError, FlushTimeout, error_for, is_retryable_status

log = logging.getLogger("relabel")


@dataclass(frozen=True)
class Rejection:
    """A row the service refused for good (4xx), with why."""

    row: Dict[str, Any]
    status: int
    message: str
    errors: List[Mapping[str, Any]] = field(default_factory=list)


@dataclass
class LoggerStats:
    """Counters since the logger started (rows, not requests)."""

    logged: int = 0
    sent: int = 0
    """rows the service confirmed (stored now, or a duplicate of a stored row)"""
    duplicates: int = 0
    retried: int = 0
    """row re-sends after a retryable failure"""
    dropped: int = 0
    """queue full, retries given up, logged after or unsent at close"""
    rejected: int = 0
    """refused for good: a 4xx, or not JSON"""
    requests: int = 0
    queued: int = 0


@dataclass(frozen=True)
class FlushResult:
    """What became of the rows that were waiting when ``flush()`` was called."""

    accepted: int
    rejected: int
    dropped: int

    @property
    def ok(self) -> bool:
        return self.rejected == 0 and self.dropped == 0


@dataclass
class _Row:
    seq: int
    row_id: str
    text: str
    settled: bool = False


class _Waiter:
    def __init__(self, target: int, outstanding: int) -> None:
        self.target = target
        self.outstanding = outstanding
        self.accepted = 0
        self.rejected = 0
        self.dropped = 0


_ACCEPTED, _REJECTED, _DROPPED = "accepted", "rejected", "dropped"


class BufferedLogger:
    """The queue, flusher thread and retry loop behind both loggers; see the module docstring."""

    path = ""
    batch_key = ""

    def __init__(
        self,
        client: Any,
        *,
        batch_size: int = 500,
        flush_interval: float = 1.0,
        max_queue: int = 100_000,
        retry_for: float = 120.0,
        backoff: _http.Backoff = _http.DEFAULT_BACKOFF,
        on_rejected: Optional[Callable[[List[Rejection]], None]] = None,
        on_dropped: Optional[Callable[[List[Dict[str, Any]], str], None]] = None,
        request_timeout: float = 30.0,
        close_at_exit: Optional[float] = 5.0,
    ) -> None:
        """``close_at_exit``: seconds the interpreter's exit gives :meth:`close` (None: no exit hook).

        ``on_rejected`` and ``on_dropped`` run on the flusher thread, except for rows refused inside
        ``log()`` (queue full, closed, not JSON), where they run on the caller's: keep them quick.
        """
        if not 1 <= batch_size <= 10_000:
            raise ValueError("batch_size must be 1..10,000 (the service's batch limit)")
        self.batch_size = batch_size
        self.flush_interval = flush_interval
        self.max_queue = max_queue
        self.retry_for = retry_for
        self.backoff = backoff
        self.on_rejected = on_rejected
        self.on_dropped = on_dropped
        self._stats = LoggerStats()
        self._queue: Deque[_Row] = deque()
        self._in_flight = 0
        self._seq = 0
        self._settled = 0
        self._waiters: List[_Waiter] = []
        self._lock = threading.Condition()
        self._wake = threading.Event()
        self._closing = False
        self._abandon_at: Optional[float] = None
        self._last_warning = 0.0
        self._http: httpx.Client = client.new_http_client()
        self._http.timeout = httpx.Timeout(request_timeout)
        self._thread = threading.Thread(target=self._run, name=f"relabel-{self.batch_key}-flusher", daemon=True)
        self._thread.start()
        if close_at_exit is not None:
            atexit.register(self.close, close_at_exit)

    # -- caller side ----------------------------------------------------------------------------

    @property
    def stats(self) -> LoggerStats:
        with self._lock:
            snapshot = LoggerStats(**vars(self._stats))
            snapshot.queued = len(self._queue) + self._in_flight
            return snapshot

    def _enqueue(self, row: Dict[str, Any]) -> Optional[str]:
        """Queues a complete row; never raises."""
        try:
            try:
                text = _http.dumps(row)
            except (TypeError, ValueError) as error:
                with self._lock:
                    self._stats.logged += 1
                    seq = self._next_seq()
                self._settle_one(seq, _REJECTED)
                self._report_rejected([Rejection(row, 0, f"not JSON: {error}")])
                return None
            row_id = str(row["id"])
            with self._lock:
                self._stats.logged += 1
                seq = self._next_seq()
                if self._closing or len(self._queue) + self._in_flight >= self.max_queue:
                    reason = "closed" if self._closing else "queue_full"
                    full = True
                else:
                    self._queue.append(_Row(seq, row_id, text))
                    full = False
                    ready = len(self._queue) >= self.batch_size
            if full:
                self._settle_one(seq, _DROPPED)
                self._report_dropped([row], reason)
                return None
            if ready:
                self._wake.set()
            return row_id
        except Exception:  # log() must never raise into a request handler
            log.exception("relabel: could not queue a row")
            return None

    def flush(self, timeout: Optional[float] = 30.0) -> FlushResult:
        """Waits until every row logged before this call is settled; see the module docstring."""
        with self._lock:
            waiter = _Waiter(self._seq, self._seq - self._settled)
            if waiter.outstanding == 0:
                return FlushResult(0, 0, 0)
            self._waiters.append(waiter)
        self._wake.set()
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._lock:
            while waiter.outstanding > 0:
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    self._waiters.remove(waiter)
                    raise FlushTimeout(waiter.outstanding, timeout or 0.0)
                self._lock.wait(left if left is None else min(left, 0.5))
            self._waiters.remove(waiter)
            return FlushResult(waiter.accepted, waiter.rejected, waiter.dropped)

    def close(self, timeout: float = 30.0) -> LoggerStats:
        """Sends what it can within ``timeout``, then stops; rows left unsent are dropped and counted."""
        with self._lock:
            if self._closing:
                already = True
            else:
                already = False
                self._closing = True
                self._abandon_at = time.monotonic() + timeout
        if not already:
            self._wake.set()
            self._thread.join(timeout + 5.0)
            self._http.close()
            atexit.unregister(self.close)
        return self.stats

    def __enter__(self) -> "BufferedLogger":
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # -- bookkeeping (call with the lock NOT held unless said) ------------------------------------

    def _next_seq(self) -> int:  # lock held
        self._seq += 1
        return self._seq

    def _settle(self, rows: List[_Row], outcome: str) -> None:
        with self._lock:
            for r in rows:
                if not r.settled:
                    r.settled = True
                    self._count(r.seq, outcome)
            self._lock.notify_all()

    def _settle_one(self, seq: int, outcome: str) -> None:
        with self._lock:
            self._count(seq, outcome)
            self._lock.notify_all()

    def _count(self, seq: int, outcome: str) -> None:  # lock held
        self._settled += 1
        if outcome == _ACCEPTED:
            self._stats.sent += 1
        elif outcome == _REJECTED:
            self._stats.rejected += 1
        else:
            self._stats.dropped += 1
        for w in self._waiters:
            if seq <= w.target and w.outstanding > 0:
                w.outstanding -= 1
                setattr(w, outcome, getattr(w, outcome) + 1)

    def _report_rejected(self, rejections: List[Rejection]) -> None:
        if not rejections:
            return
        first = rejections[0]
        log.warning(
            "relabel: %d %s rejected (%s %s), e.g. %s",
            len(rejections),
            self.batch_key,
            first.status,
            first.message,
            first.errors[:3],
        )
        if self.on_rejected:
            try:
                self.on_rejected(rejections)
            except Exception:
                log.exception("relabel: on_rejected callback failed")

    def _report_dropped(self, rows: List[Dict[str, Any]], reason: str) -> None:
        now = time.monotonic()
        if now - self._last_warning > 10.0:
            self._last_warning = now
            log.warning("relabel: dropped %d %s (%s); stats %s", len(rows), self.batch_key, reason, self.stats)
        if self.on_dropped:
            try:
                self.on_dropped(rows, reason)
            except Exception:
                log.exception("relabel: on_dropped callback failed")

    # -- flusher thread -------------------------------------------------------------------------

    def _run(self) -> None:
        leftover: List[_Row] = []
        while True:
            self._wake.wait(self.flush_interval)
            self._wake.clear()
            while not self._abandoned():
                batch = self._take()
                if not batch:
                    break
                try:
                    self._deliver(batch)
                except Exception:  # a bug here must not kill the thread and strand the queue
                    log.exception("relabel: flusher failed on a batch")
                    self._finish(batch, _DROPPED, "internal_error")
                if len(self._queue) < self.batch_size and not self._flushing() and not self._closing:
                    break
            with self._lock:
                if self._closing and (not self._queue or self._abandoned()):
                    leftover = list(self._queue)
                    self._queue.clear()
                    break
        if leftover:
            self._finish(leftover, _DROPPED, "closed")

    def _flushing(self) -> bool:
        with self._lock:
            return bool(self._waiters) and bool(self._queue)

    def _abandoned(self) -> bool:
        return self._abandon_at is not None and time.monotonic() >= self._abandon_at

    def _take(self) -> List[_Row]:
        with self._lock:
            n = min(self.batch_size, len(self._queue))
            batch = [self._queue.popleft() for _ in range(n)]
            self._in_flight = n
            return batch

    def _finish(self, rows: List[_Row], outcome: str, reason: str = "") -> None:
        rows = [r for r in rows if not r.settled]
        if not rows:
            return
        with self._lock:
            self._in_flight = max(0, self._in_flight - len(rows))
        self._settle(rows, outcome)
        if outcome == _DROPPED:
            self._report_dropped([json.loads(r.text) for r in rows], reason)

    def _deliver(self, batch: List[_Row]) -> None:
        """Sends one batch until every row in it is settled."""
        pending: List[List[_Row]] = [batch]
        while pending:
            rows = pending.pop()
            started = time.monotonic()
            attempt = 0
            while rows:
                status, body, headers, problem = self._post(rows)
                with self._lock:
                    self._stats.requests += 1
                if status is not None and status < 300:
                    duplicates = int(body.get("duplicates", 0)) if isinstance(body, Mapping) else 0
                    with self._lock:
                        self._stats.duplicates += duplicates
                    self._finish(rows, _ACCEPTED)
                    break
                if status is not None and not is_retryable_status(status):
                    error = error_for(status, body, headers)
                    if status == 413 and len(rows) > 1:
                        half = len(rows) // 2
                        pending.extend([rows[half:], rows[:half]])
                        break
                    rows = self._reject(rows, error)
                    continue
                # retryable: network error, 429, 5xx
                retry_after = error_for(status, body, headers).retry_after if status is not None else None
                give_up = time.monotonic() - started >= self.retry_for or self._abandoned()
                if give_up:
                    self._finish(rows, _DROPPED, f"gave up after {attempt + 1} attempts: {problem}")
                    break
                delay = self.backoff.delay(attempt, retry_after)
                if self._abandon_at is not None:
                    delay = min(delay, max(0.0, self._abandon_at - time.monotonic()))
                log.info("relabel: %s, retrying %d %s in %.2fs", problem, len(rows), self.batch_key, delay)
                self._sleep(delay)
                attempt += 1
                with self._lock:
                    self._stats.retried += len(rows)

    def _sleep(self, seconds: float) -> None:
        end = time.monotonic() + seconds
        while True:
            left = end - time.monotonic()
            if left <= 0 or self._abandoned():
                return
            time.sleep(min(left, 0.05))

    def _post(self, rows: List[_Row]) -> Tuple[Optional[int], Any, Mapping[str, str], str]:
        body = ('{"%s":[' % self.batch_key + ",".join(r.text for r in rows) + "]}").encode()
        try:
            response = self._http.post(self.path, content=body, headers={"Content-Type": "application/json"})
        except httpx.TransportError as error:
            return None, None, {}, f"network error ({type(error).__name__}: {error})"
        except Exception as error:  # e.g. httpx errors outside TransportError
            return None, None, {}, f"request failed ({type(error).__name__}: {error})"
        try:
            parsed: Any = response.json()
        except ValueError:
            parsed = response.text
        return response.status_code, parsed, response.headers, f"HTTP {response.status_code}"

    def _reject(self, rows: List[_Row], error: ApiError) -> List[_Row]:
        """Settles the rows a final 4xx names as rejected; returns the rows to send again (maybe none)."""
        by_index = error.row_errors if error.status == 400 else {}
        conflicting: "set[str]" = set()
        if error.status == 409 and isinstance(error.details, Mapping):
            conflicting = {str(i.get("id")) for i in error.details.get("ids", []) if isinstance(i, Mapping)}
        if by_index:
            bad = [i for i in sorted(by_index) if 0 <= i < len(rows)]
        elif conflicting:
            bad = [i for i, r in enumerate(rows) if r.row_id in conflicting]
        else:
            bad = []
        if not bad:  # the error names no row: the whole batch is refused
            bad = list(range(len(rows)))
        bad_set = set(bad)
        rejected = [rows[i] for i in bad]
        self._finish(rejected, _REJECTED)
        self._report_rejected(
            [
                Rejection(json.loads(rows[i].text), error.status, error.message, list(by_index.get(i, [])))
                for i in bad
            ]
        )
        return [r for i, r in enumerate(rows) if i not in bad_set]


class PredictionLogger(BufferedLogger):
    """Logs predictions of one model from a model server; see the module docstring for the contract.

    >>> logger = client.prediction_logger("shop", model_version="2026-11-01")
    >>> request_id = logger.log(features={"price": 9.5}, prediction="click",
    ...                         scores={"click": 0.6, "ignore": 0.4},
    ...                         exposure={"policy": "model", "propensity": 0.6})
    """

    path = "/api/v1/predictions"
    batch_key = "predictions"

    def __init__(self, client: Any, model: str, *, model_version: Optional[str] = None, **options: Any) -> None:
        self.model = model
        self.model_version = model_version
        super().__init__(client, **options)

    def log(
        self,
        *,
        features: Mapping[str, Any],
        prediction: str,
        scores: Mapping[str, float],
        id: Optional[str] = None,
        model_version: Optional[str] = None,
        timestamp: Optional[Any] = None,
        slices: Optional[Mapping[str, str]] = None,
        item_id: Optional[str] = None,
        exposure: Optional[Mapping[str, Any]] = None,
        propensity: Optional[float] = None,
        policy: Optional[str] = None,
        trace_id: Optional[str] = None,
    ) -> Optional[str]:
        """Queues one prediction and returns its id (generated when None), or None if it was not queued.

        ``exposure`` is ``{policy, propensity, shown}``; ``policy``/``propensity`` are shortcuts for it.
        ``trace_id`` defaults to the active OpenTelemetry span's trace, when opentelemetry is installed.
        """
        try:
            row: Dict[str, Any] = {
                "id": id or _http.new_id(),
                "model": self.model,
                "modelVersion": model_version or self.model_version,
                "timestamp": _timestamp(timestamp),
                "features": dict(features),
                "prediction": prediction,
                "scores": dict(scores),
            }
            if slices is not None:
                row["slices"] = dict(slices)
            if item_id is not None:
                row["itemId"] = item_id
            exp = dict(exposure or {})
            if policy is not None:
                exp["policy"] = policy
            if propensity is not None:
                exp["propensity"] = propensity
            if exp:
                row["exposure"] = exp
            trace = trace_id or _http.current_trace_id()
            if trace:
                row["traceId"] = trace
            return self._enqueue(row)
        except Exception:
            log.exception("relabel: could not build a prediction row")
            return None

    def log_row(self, row: Mapping[str, Any]) -> Optional[str]:
        """Queues a row already in the API's shape (camelCase); ``id``, ``model``, ``timestamp`` filled in."""
        try:
            full = {"model": self.model, "modelVersion": self.model_version, **row}
            full.setdefault("id", _http.new_id())
            full["timestamp"] = _timestamp(full.get("timestamp"))
            if "traceId" not in full:
                trace = _http.current_trace_id()
                if trace:
                    full["traceId"] = trace
            return self._enqueue(full)
        except Exception:
            log.exception("relabel: could not build a prediction row")
            return None


class EventLogger(BufferedLogger):
    """Logs behaviour events (clicks, purchases) that become labels by the model's rules."""

    path = "/api/v1/events"
    batch_key = "events"

    def __init__(self, client: Any, model: str, **options: Any) -> None:
        self.model = model
        super().__init__(client, **options)

    def log(
        self,
        *,
        prediction_id: str,
        type: str,
        id: Optional[str] = None,
        timestamp: Optional[Any] = None,
        value: Optional[float] = None,
        attributes: Optional[Mapping[str, Any]] = None,
    ) -> Optional[str]:
        """Queues one event and returns its id (generated when None), or None if it was not queued."""
        try:
            row: Dict[str, Any] = {
                "id": id or _http.new_id(),
                "model": self.model,
                "predictionId": prediction_id,
                "type": type,
                "timestamp": _timestamp(timestamp),
            }
            if value is not None:
                row["value"] = value
            if attributes is not None:
                row["attributes"] = dict(attributes)
            return self._enqueue(row)
        except Exception:
            log.exception("relabel: could not build an event row")
            return None


def _timestamp(value: Any) -> str:
    if value is None:
        return _http.now_iso()
    if isinstance(value, str):
        return value
    from datetime import datetime

    if isinstance(value, datetime):
        return _http.iso(value)
    return str(value)
