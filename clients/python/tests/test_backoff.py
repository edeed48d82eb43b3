"""Pure parts: backoff bounds, Retry-After parsing, which statuses are retried."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import pytest

from relabel._http import Backoff, dumps
from relabel.errors import BadRequest, UnacknowledgedFindings, error_for, is_retryable_status, parse_retry_after


@pytest.mark.parametrize("attempt, lo, hi", [(0, 0.1, 0.2), (1, 0.2, 0.4), (3, 0.8, 1.6), (10, 5.0, 10.0), (60, 5.0, 10.0)])
def test_backoff_is_jittered_exponential_and_capped(attempt: int, lo: float, hi: float) -> None:
    delays = [Backoff(base=0.2, cap=10.0).delay(attempt) for _ in range(200)]
    assert lo <= min(delays) and max(delays) <= hi
    assert len(set(delays)) > 100  # jittered, not one fixed value


def test_retry_after_wins_over_the_backoff_with_a_little_jitter() -> None:
    delays = [Backoff().delay(0, retry_after=5) for _ in range(100)]
    assert 5.0 <= min(delays) and max(delays) <= 5.5


def test_retry_after_reads_seconds_and_http_dates() -> None:
    assert parse_retry_after("5") == 5.0
    assert parse_retry_after(None) is None and parse_retry_after("soon") is None
    later = format_datetime(datetime.now(timezone.utc) + timedelta(seconds=30), usegmt=True)
    assert 25 <= (parse_retry_after(later) or 0) <= 30


@pytest.mark.parametrize("status, retried", [(400, False), (401, False), (403, False), (404, False), (409, False),
                                             (413, False), (429, True), (500, True), (502, True), (503, True), (507, True)])
def test_only_429_and_5xx_are_retried(status: int, retried: bool) -> None:
    assert is_retryable_status(status) is retried


def test_errors_keep_relabels_message_and_details() -> None:
    body = {"statusCode": 400, "error": "Bad Request", "message": "invalid_predictions: 1 of 2 rows are invalid",
            "details": [{"index": 1, "field": "scores", "message": "must sum to 1"}]}
    error = error_for(400, body, {"x-request-id": "abc"})
    assert isinstance(error, BadRequest) and error.request_id == "abc"
    assert error.row_errors == {1: [body["details"][0]]}
    assert str(error) == "400 invalid_predictions: 1 of 2 rows are invalid: row 1 scores: must sum to 1 [request abc]"
    conflict = error_for(409, {"message": "unacknowledged_findings", "details": {"report": {"worst": "block"}}}, {})
    assert isinstance(conflict, UnacknowledgedFindings) and conflict.report == {"worst": "block"}


def test_numpy_scalars_serialise_and_nan_is_refused() -> None:
    import numpy as np  # installed with the [pandas] extra
    assert dumps({"a": np.int64(3), "b": np.float32(0.5), "c": np.bool_(True)}) == '{"a":3,"b":0.5,"c":true}'
    with pytest.raises(ValueError):
        dumps({"a": float("nan")})
