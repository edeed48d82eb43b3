"""``Client``: relabel's public HTTP API, one method per route, typed answers, clear errors."""

from __future__ import annotations

import time
from datetime import datetime
from typing import TYPE_CHECKING, Any, Callable, Dict, Iterable, List, Mapping, Optional, Sequence, Union, cast

import httpx

from . import _http
from .errors import ApiError, TransportError, is_retryable_status
from .types import (
    Alert,
    Baseline,
    CreatedToken,
    DriftReport,
    EventIngestResult,
    ExportStatus,
    FeedbackReport,
    Health,
    IngestResult,
    LabelingTask,
    LabelQuality,
    ManualLabelResult,
    Model,
    Prediction,
    SliceReport,
)

if TYPE_CHECKING:
    from .exports import ExportResult
    from .logger import EventLogger, PredictionLogger

When = Union[str, datetime, None]
Params = Dict[str, Any]


def _window(from_: When = None, to: When = None, version: Optional[str] = None, **extra: Any) -> Params:
    params: Params = {"from": from_, "to": to, "version": version, **extra}
    return {k: (_http.iso(v) if isinstance(v, datetime) else v) for k, v in params.items() if v is not None}


class Client:
    """A relabel service at ``url`` with an API token (``Authorization: Bearer``).

    Every method raises :class:`~relabel.errors.ApiError` (a subclass per status) for an error answer,
    keeping relabel's ``message`` and ``details``, and :class:`~relabel.errors.TransportError` when the
    service cannot be reached. Requests that are safe to repeat (reads, and ingest, which is idempotent
    by row id) are retried ``retries`` times on network errors, 429, 503 and other 5xx, with jittered
    exponential backoff that honours ``Retry-After``.

    Use it as a context manager, or call :meth:`close`.
    """

    def __init__(
        self,
        url: str,
        token: str,
        *,
        timeout: float = 30.0,
        retries: int = 3,
        backoff: _http.Backoff = _http.DEFAULT_BACKOFF,
        transport: Optional[httpx.BaseTransport] = None,
    ) -> None:
        self.url = url.rstrip("/")
        self.token = token
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self._transport = transport
        self._http = self.new_http_client()

    def new_http_client(self) -> httpx.Client:
        """A fresh httpx client with this client's base URL, token and timeout (loggers use their own)."""
        return httpx.Client(
            base_url=self.url,
            timeout=self.timeout,
            headers={"Authorization": f"Bearer {self.token}", "User-Agent": _http.USER_AGENT},
            transport=self._transport,
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # -- plumbing -------------------------------------------------------------------------------

    def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Optional[Params] = None,
        content: Optional[bytes] = None,
        headers: Optional[Dict[str, str]] = None,
        retry: bool = False,
    ) -> httpx.Response:
        """One call; raises for a non-2xx answer. ``retry`` repeats it on retryable failures."""
        sent_headers = {**_http.trace_headers(), **(headers or {})}
        body = content
        if json is not None:
            body = _http.dumps(json).encode()
            sent_headers["Content-Type"] = "application/json"
        attempt = 0
        while True:
            try:
                response = self._http.request(method, path, params=params, content=body, headers=sent_headers)
            except httpx.TransportError as error:
                if not retry or attempt >= self.retries:
                    raise TransportError(f"{method} {self.url}{path}: {error}") from error
                time.sleep(self.backoff.delay(attempt))
                attempt += 1
                continue
            if response.status_code < 400:
                return response
            try:
                _http.raise_for(response)
            except ApiError as error:
                if not retry or attempt >= self.retries or not is_retryable_status(error.status):
                    raise
                time.sleep(self.backoff.delay(attempt, error.retry_after))
                attempt += 1

    def _get(self, path: str, params: Optional[Params] = None) -> Any:
        return self.request("GET", path, params=params, retry=True).json()

    # -- operations and tokens ------------------------------------------------------------------

    def health(self) -> Health:
        """GET /health (no token needed); raises ServiceUnavailable when the service says 503."""
        return cast(Health, self._get("/health"))

    def create_token(self, name: str, role: str) -> CreatedToken:
        """POST /api/v1/tokens (admin): a new token; its ``token`` secret is returned only here."""
        return cast(CreatedToken, self.request("POST", "/api/v1/tokens", json={"name": name, "role": role}).json())

    def tokens(self) -> List[Dict[str, Any]]:
        return cast(List[Dict[str, Any]], self._get("/api/v1/tokens"))

    def revoke_token(self, token_id: str) -> None:
        self.request("DELETE", f"/api/v1/tokens/{token_id}")

    # -- models ---------------------------------------------------------------------------------

    def put_model(self, name: str, definition: Mapping[str, Any]) -> Model:
        """PUT /api/v1/models/:model (admin): create or replace a model definition."""
        return cast(Model, self.request("PUT", f"/api/v1/models/{_seg(name)}", json=definition, retry=True).json())

    def models(self) -> List[Model]:
        return cast(List[Model], self._get("/api/v1/models")["models"])

    def model(self, name: str) -> Model:
        return cast(Model, self._get(f"/api/v1/models/{_seg(name)}"))

    # -- predictions, events, labels ------------------------------------------------------------

    def log_predictions(self, rows: Sequence[Mapping[str, Any]]) -> IngestResult:
        """POST /api/v1/predictions: a batch of up to 10,000, stored whole or not at all.

        Rows are sent as given (camelCase fields: ``id``, ``model``, ``modelVersion``, ``features``,
        ``prediction``, ``scores``, ``exposure``...). A 400 raises BadRequest whose ``row_errors``
        maps each bad row's index to its field errors. For model servers use :class:`PredictionLogger`.
        """
        body = {"predictions": list(rows)}
        return cast(IngestResult, self.request("POST", "/api/v1/predictions", json=body, retry=True).json())

    def prediction(self, model: str, prediction_id: str) -> Prediction:
        """GET /api/v1/models/:model/predictions/:id: with its events, labels and effective label."""
        return cast(Prediction, self._get(f"/api/v1/models/{_seg(model)}/predictions/{_seg(prediction_id)}"))

    def log_events(self, rows: Sequence[Mapping[str, Any]]) -> EventIngestResult:
        """POST /api/v1/events: a batch of behaviour events (``id``, ``model``, ``predictionId``, ``type``...)."""
        body = {"events": list(rows)}
        return cast(EventIngestResult, self.request("POST", "/api/v1/events", json=body, retry=True).json())

    def label(self, model: str, prediction_id: str, label: str) -> ManualLabelResult:
        """POST /api/v1/labels (labeler): the calling labeler's manual label; a second call replaces it."""
        body = {"model": model, "predictionId": prediction_id, "label": label}
        return cast(ManualLabelResult, self.request("POST", "/api/v1/labels", json=body).json())

    # -- human labeling -------------------------------------------------------------------------

    def create_labeling_batch(self, model: str, size: int, **options: Any) -> Dict[str, Any]:
        """POST /api/v1/models/:model/labeling-batches (admin): ``strategy``, ``quotas``, ``auditFraction``,
        ``filters``... as in the README; the answer says per class what was asked and filled."""
        body = {"size": size, **options}
        return cast(Dict[str, Any], self.request("POST", f"/api/v1/models/{_seg(model)}/labeling-batches", json=body).json())

    def labeling_batches(self, model: str) -> List[Dict[str, Any]]:
        return cast(List[Dict[str, Any]], self._get(f"/api/v1/models/{_seg(model)}/labeling-batches"))

    def labeling_batch(self, batch_id: str) -> Dict[str, Any]:
        return cast(Dict[str, Any], self._get(f"/api/v1/labeling-batches/{_seg(batch_id)}"))

    def next_task(self, model: str, batch: Optional[str] = None) -> Optional[LabelingTask]:
        """GET .../labeling/next: lease the next task, or None when there is none (204)."""
        response = self.request("GET", f"/api/v1/models/{_seg(model)}/labeling/next", params=_window(batch=batch))
        return None if response.status_code == 204 else cast(LabelingTask, response.json())

    def submit_task(self, task_id: str, label: Optional[str] = None, *, skip: bool = False) -> Dict[str, Any]:
        """POST /api/v1/labeling/tasks/:id: ``label`` it, or ``skip=True``."""
        body: Dict[str, Any] = {"skip": True} if skip else {"label": label}
        return cast(Dict[str, Any], self.request("POST", f"/api/v1/labeling/tasks/{_seg(task_id)}", json=body).json())

    # -- figures --------------------------------------------------------------------------------

    def slices(
        self, model: str, *, from_: When = None, to: When = None, version: Optional[str] = None, source: Optional[str] = None
    ) -> SliceReport:
        """GET .../slices: accuracy per slice with Wilson intervals and the audit-corrected ``estimated``."""
        return cast(SliceReport, self._get(f"/api/v1/models/{_seg(model)}/slices", _window(from_, to, version, source=source)))

    def slice_series(
        self, model: str, key: str, value: str, *, bucket: str = "day", from_: When = None, to: When = None,
        version: Optional[str] = None, source: Optional[str] = None,
    ) -> Dict[str, Any]:
        """GET .../slices/:key/:value/series: a slice's accuracy by ``hour`` or ``day`` (``*``/``*``: the model)."""
        params = _window(from_, to, version, source=source, bucket=bucket)
        return cast(Dict[str, Any], self._get(f"/api/v1/models/{_seg(model)}/slices/{_seg(key)}/{_seg(value)}/series", params))

    def alerts(self, model: str, *, state: str = "all", kind: str = "all", limit: Optional[int] = None) -> List[Alert]:
        params = _window(state=state, kind=kind, limit=limit)
        return cast(List[Alert], self._get(f"/api/v1/models/{_seg(model)}/alerts", params)["alerts"])

    def feedback_report(self, model: str, *, from_: When = None, to: When = None, version: Optional[str] = None) -> FeedbackReport:
        return cast(FeedbackReport, self._get(f"/api/v1/models/{_seg(model)}/feedback-report", _window(from_, to, version)))

    def label_quality(self, model: str, *, from_: When = None, to: When = None, version: Optional[str] = None) -> LabelQuality:
        return cast(LabelQuality, self._get(f"/api/v1/models/{_seg(model)}/label-quality", _window(from_, to, version)))

    def create_baseline(self, model: str, name: str, **options: Any) -> Baseline:
        """POST .../baselines (admin): from a log window (``from``, ``to``, ``version``) or training ``rows``."""
        body = {"name": name, **{("from" if k == "from_" else k): v for k, v in options.items()}}
        return cast(Baseline, self.request("POST", f"/api/v1/models/{_seg(model)}/baselines", json=body).json())

    def baselines(self, model: str) -> List[Baseline]:
        return cast(List[Baseline], self._get(f"/api/v1/models/{_seg(model)}/baselines")["baselines"])

    def drift(
        self,
        model: str,
        *,
        baseline: Optional[str] = None,
        from_: When = None,
        to: When = None,
        version: Optional[str] = None,
        metric: Optional[str] = None,
    ) -> DriftReport:
        params = _window(from_, to, version, baseline=baseline, metric=metric)
        return cast(DriftReport, self._get(f"/api/v1/models/{_seg(model)}/drift", params))

    def estimated_performance(self, model: str, *, from_: When = None, to: When = None, version: Optional[str] = None) -> Dict[str, Any]:
        return cast(Dict[str, Any], self._get(f"/api/v1/models/{_seg(model)}/estimated-performance", _window(from_, to, version)))

    # -- weak supervision -----------------------------------------------------------------------

    def put_labeling_function(self, model: str, name: str, definition: Mapping[str, Any]) -> Dict[str, Any]:
        """PUT .../labeling-functions/:name (admin): ``{kind, label, ...}`` as in the README."""
        path = f"/api/v1/models/{_seg(model)}/labeling-functions/{_seg(name)}"
        return cast(Dict[str, Any], self.request("PUT", path, json=definition, retry=True).json())

    def labeling_functions(self, model: str) -> Dict[str, Any]:
        """GET .../labeling-functions: ``{functions: [...], labelModel}`` with coverage, conflict, accuracy."""
        return cast(Dict[str, Any], self._get(f"/api/v1/models/{_seg(model)}/labeling-functions"))

    def log_lf_votes(self, model: str, function: str, votes: Sequence[Mapping[str, Any]]) -> Dict[str, Any]:
        """POST .../lf-votes (ingest): an external function's ``[{predictionId, label}]``, idempotent per prediction."""
        body = {"function": function, "votes": list(votes)}
        return cast(Dict[str, Any], self.request("POST", f"/api/v1/models/{_seg(model)}/lf-votes", json=body, retry=True).json())

    # -- exports --------------------------------------------------------------------------------

    def start_export(self, model: str, format: str = "parquet", **options: Any) -> str:
        """POST .../exports (admin): the export's id. Raises UnacknowledgedFindings (409) with the report."""
        body = {"format": format, **{("from" if k == "from_" else k): v for k, v in options.items() if v is not None}}
        return str(self.request("POST", f"/api/v1/models/{_seg(model)}/exports", json=body).json()["id"])

    def export_status(self, export_id: str) -> ExportStatus:
        return cast(ExportStatus, self._get(f"/api/v1/exports/{_seg(export_id)}"))

    def exports(self, model: str) -> List[ExportStatus]:
        return cast(List[ExportStatus], self._get(f"/api/v1/models/{_seg(model)}/exports")["exports"])

    def delete_export(self, export_id: str) -> None:
        self.request("DELETE", f"/api/v1/exports/{_seg(export_id)}")

    def download_export(self, export_id: str, path: str, *, chunk_size: int = 1 << 16) -> str:
        """Streams the export's file to ``path`` and returns its sha256 (hex)."""
        import hashlib

        digest = hashlib.sha256()
        try:
            with self._http.stream("GET", f"/api/v1/exports/{_seg(export_id)}/download") as response:
                if response.status_code >= 400:
                    response.read()
                    _http.raise_for(response)
                with open(path, "wb") as out:
                    for chunk in response.iter_bytes(chunk_size):
                        digest.update(chunk)
                        out.write(chunk)
        except httpx.TransportError as error:
            raise TransportError(f"download of export {export_id}: {error}") from error
        return digest.hexdigest()

    def export(
        self,
        model: str,
        format: str = "parquet",
        *,
        mitigation: Optional[str] = None,
        acknowledge: Union[str, Iterable[str], None] = None,
        path: Optional[str] = None,
        progress: Optional[Callable[[ExportStatus], None]] = None,
        poll_interval: float = 0.5,
        timeout: float = 600.0,
        **options: Any,
    ) -> "ExportResult":
        """Starts an export, waits for it, downloads it and checks the manifest's sha256.

        ``mitigation`` None uses the feedback report's recommendation (the manifest says which).
        ``acknowledge`` accepts the report's findings: ``"warn"``, ``"block"`` or both
        (``{"warn", "block"}``); without it a report with findings raises UnacknowledgedFindings,
        whose ``report`` says what to look at. ``progress`` is called with each status polled.
        Other options (``split``, ``from_``, ``to``, ``versions``, ``labelSources``) go into the request.
        """
        from .exports import run_export

        return run_export(
            self,
            model,
            format,
            mitigation=mitigation,
            acknowledge=acknowledge,
            path=path,
            progress=progress,
            poll_interval=poll_interval,
            timeout=timeout,
            options=options,
        )

    # -- loggers --------------------------------------------------------------------------------

    def prediction_logger(self, model: str, model_version: Optional[str] = None, **options: Any) -> "PredictionLogger":
        """A buffered, background :class:`~relabel.logger.PredictionLogger` for this service."""
        from .logger import PredictionLogger

        return PredictionLogger(self, model, model_version=model_version, **options)

    def event_logger(self, model: str, **options: Any) -> "EventLogger":
        from .logger import EventLogger

        return EventLogger(self, model, **options)


def _seg(value: str) -> str:
    """A URL path segment."""
    from urllib.parse import quote

    return quote(str(value), safe="")


