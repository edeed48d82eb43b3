"""relabel: the Python client of the relabel service.

- :class:`Client`: the public HTTP API with typed answers and errors carrying relabel's ``details``.
- :class:`PredictionLogger`, :class:`EventLogger`: buffered, background logging for model servers.
- :meth:`Client.export` and :func:`read_export`: retraining sets into pandas, weights and splits included.
"""

from ._http import Backoff
from .client import Client
from .errors import (
    ApiError,
    BadRequest,
    ChecksumMismatch,
    Conflict,
    ExportFailed,
    FlushTimeout,
    Forbidden,
    NotFound,
    PayloadTooLarge,
    RateLimited,
    RelabelError,
    ServerError,
    ServiceUnavailable,
    TransportError,
    Unauthorized,
    UnacknowledgedFindings,
)
from .exports import ExportResult, read_export, training_data, verify_file
from .logger import EventLogger, FlushResult, LoggerStats, PredictionLogger, Rejection

__version__ = "0.1.0"

__all__ = [
    "ApiError",
    "Backoff",
    "BadRequest",
    "ChecksumMismatch",
    "Client",
    "Conflict",
    "EventLogger",
    "ExportFailed",
    "ExportResult",
    "FlushResult",
    "FlushTimeout",
    "Forbidden",
    "LoggerStats",
    "NotFound",
    "PayloadTooLarge",
    "PredictionLogger",
    "RateLimited",
    "Rejection",
    "RelabelError",
    "ServerError",
    "ServiceUnavailable",
    "TransportError",
    "Unauthorized",
    "UnacknowledgedFindings",
    "read_export",
    "training_data",
    "verify_file",
]
