"""HTTP plumbing shared by the client and the loggers: JSON encoding, errors, backoff, trace context."""

from __future__ import annotations

import json
import random
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Dict, Optional

import httpx

from .errors import error_for

USER_AGENT = "relabel-python/0.1.0"


def _default(value: Any) -> Any:
    # numpy and pandas scalars (np.int64, np.bool_, pd.Timestamp) reach us from model code.
    item = getattr(value, "item", None)
    if callable(item):
        return item()
    if isinstance(value, datetime):
        return iso(value)
    isoformat = getattr(value, "isoformat", None)
    if callable(isoformat):
        return isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def dumps(value: Any) -> str:
    """Compact JSON; numpy scalars and datetimes are converted, NaN and Infinity refused."""
    return json.dumps(value, default=_default, separators=(",", ":"), allow_nan=False)


def iso(when: datetime) -> str:
    """ISO 8601 in UTC with milliseconds, the extended form relabel accepts."""
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return when.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def now_iso() -> str:
    return iso(datetime.now(timezone.utc))


def new_id() -> str:
    """A request id for a row the caller gave none: random, so a re-send of the same row stays a duplicate."""
    return uuid.uuid4().hex


def raise_for(response: httpx.Response) -> None:
    """Raises the matching :class:`~relabel.errors.ApiError` for a non-2xx answer."""
    if response.status_code < 400:
        return
    try:
        body: Any = response.json()
    except ValueError:
        body = response.text
    raise error_for(response.status_code, body, response.headers)


@dataclass(frozen=True)
class Backoff:
    """Jittered exponential backoff: attempt n waits uniform(base * 2**n / 2, base * 2**n), capped."""

    base: float = 0.2
    cap: float = 10.0

    def delay(self, attempt: int, retry_after: Optional[float] = None) -> float:
        ceiling = min(self.cap, self.base * (2 ** min(attempt, 30)))
        jittered = random.uniform(ceiling / 2, ceiling)
        if retry_after is not None:
            # The service said when; a little jitter keeps many clients from coming back at once.
            return min(max(retry_after, 0.0) + random.uniform(0, 0.1 * max(retry_after, 0.1)), 300.0)
        return jittered


DEFAULT_BACKOFF = Backoff()


try:  # optional: trace context is propagated only when opentelemetry-api is installed
    from opentelemetry import propagate as _otel_propagate
    from opentelemetry import trace as _otel_trace
except ImportError:  # pragma: no cover - depends on the environment
    _otel_propagate = None  # type: ignore[assignment]
    _otel_trace = None  # type: ignore[assignment]


def current_trace_id() -> Optional[str]:
    """The active OpenTelemetry span's trace id (32 hex digits), or None (no opentelemetry, no span)."""
    if _otel_trace is None:
        return None
    context = _otel_trace.get_current_span().get_span_context()
    if not context.is_valid:
        return None
    return format(context.trace_id, "032x")


def trace_headers() -> Dict[str, str]:
    """W3C ``traceparent``/``tracestate`` of the current OpenTelemetry context, when there is one."""
    if _otel_propagate is None:
        return {}
    carrier: Dict[str, str] = {}
    _otel_propagate.inject(carrier)
    return {k: v for k, v in carrier.items() if k in ("traceparent", "tracestate")}
