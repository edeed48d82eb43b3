"""Exceptions raised by the relabel client.

relabel answers every error as JSON ``{statusCode, error, message, details?}``; ``details`` lists each
bad field, with the row ``index`` in batches. :class:`ApiError` keeps all of it.
"""

from __future__ import annotations

from typing import Any, List, Mapping, Optional


class RelabelError(Exception):
    """Base class of every error this package raises."""


class TransportError(RelabelError):
    """The service could not be reached (connection refused, reset, timed out)."""


class ApiError(RelabelError):
    """An HTTP error answer from relabel, with its machine-readable ``message`` and ``details``."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        error: str = "",
        details: Any = None,
        retry_after: Optional[float] = None,
        request_id: Optional[str] = None,
        body: Any = None,
    ) -> None:
        self.status = status
        self.message = message
        self.error = error
        self.details = details
        self.retry_after = retry_after
        self.request_id = request_id
        self.body = body
        super().__init__(self._describe())

    @property
    def field_errors(self) -> List[Mapping[str, Any]]:
        """``details`` as a list of ``{index?, field, message}`` (empty when details is not a list)."""
        if isinstance(self.details, list):
            return [d for d in self.details if isinstance(d, Mapping)]
        return []

    @property
    def row_errors(self) -> dict[int, List[Mapping[str, Any]]]:
        """The field errors of a batch, grouped by row index."""
        rows: dict[int, List[Mapping[str, Any]]] = {}
        for d in self.field_errors:
            index = d.get("index")
            if isinstance(index, int):
                rows.setdefault(index, []).append(d)
        return rows

    def _describe(self) -> str:
        text = f"{self.status} {self.message}"
        errors = self.field_errors
        if errors:
            shown = "; ".join(_detail_text(d) for d in errors[:5])
            more = f" (+{len(errors) - 5} more)" if len(errors) > 5 else ""
            text += f": {shown}{more}"
        if self.request_id:
            text += f" [request {self.request_id}]"
        return text


def _detail_text(d: Mapping[str, Any]) -> str:
    where = f"row {d['index']} " if isinstance(d.get("index"), int) else ""
    return f"{where}{d.get('field', '')}: {d.get('message', '')}"


class BadRequest(ApiError):
    """400: the request is invalid; ``details`` names each bad field (and row index)."""


class Unauthorized(ApiError):
    """401: the token is missing, unknown or revoked."""


class Forbidden(ApiError):
    """403: the token's role may not call this route."""


class NotFound(ApiError):
    """404: no such model, prediction, export, ..."""


class Conflict(ApiError):
    """409: e.g. a prediction id stored with different content, or an export not ready yet."""


class UnacknowledgedFindings(Conflict):
    """409 on an export request: the feedback report has findings not acknowledged.

    ``report`` is the feedback report; ``unacknowledged`` the severities that need an acknowledgement.
    """

    @property
    def report(self) -> Mapping[str, Any]:
        return self.details.get("report", {}) if isinstance(self.details, Mapping) else {}

    @property
    def unacknowledged(self) -> Any:
        return self.details.get("unacknowledged") if isinstance(self.details, Mapping) else None


class PayloadTooLarge(ApiError):
    """413: the body is over the service's limit."""


class RateLimited(ApiError):
    """429: too many requests (``retry_after`` seconds)."""


class ServiceUnavailable(ApiError):
    """503 or 507: the database is unavailable or full; retry after ``retry_after`` seconds."""


class ServerError(ApiError):
    """Any other 5xx."""


class ExportFailed(RelabelError):
    """An export ended with status ``failed``; ``export`` is its last status."""

    def __init__(self, export: Mapping[str, Any]) -> None:
        self.export = export
        super().__init__(f"export {export.get('id')} failed: {export.get('error')}")


class ChecksumMismatch(RelabelError):
    """A downloaded export's sha256 differs from its manifest's."""


class FlushTimeout(RelabelError):
    """``flush(timeout)`` ran out of time; ``outstanding`` rows are still queued or being retried."""

    def __init__(self, outstanding: int, timeout: float) -> None:
        self.outstanding = outstanding
        super().__init__(f"{outstanding} rows not settled within {timeout:g}s; they are still being sent")


_BY_STATUS = {
    400: BadRequest,
    401: Unauthorized,
    403: Forbidden,
    404: NotFound,
    409: Conflict,
    413: PayloadTooLarge,
    429: RateLimited,
    503: ServiceUnavailable,
    507: ServiceUnavailable,
}


def error_for(status: int, body: Any, headers: Mapping[str, str]) -> ApiError:
    """The exception for an error answer (``body`` is the parsed JSON, or text when it was not JSON)."""
    payload = body if isinstance(body, Mapping) else {}
    message = str(payload.get("message") or (body if isinstance(body, str) and body else f"HTTP {status}"))
    cls = _BY_STATUS.get(status) or (ServerError if status >= 500 else ApiError)
    if status == 409 and message.startswith("unacknowledged_findings"):
        cls = UnacknowledgedFindings
    return cls(
        status,
        message,
        error=str(payload.get("error", "")),
        details=payload.get("details"),
        retry_after=parse_retry_after(headers.get("retry-after")),
        request_id=headers.get("x-request-id") or payload.get("requestId"),
        body=body,
    )


def parse_retry_after(value: Optional[str]) -> Optional[float]:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date), or None."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    from email.utils import parsedate_to_datetime
    from datetime import datetime, timezone

    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())


def is_retryable_status(status: int) -> bool:
    """429 and every 5xx are worth retrying; every other 4xx is final."""
    return status == 429 or status >= 500
