"""PredictionLogger / EventLogger against the real service, and through a proxy that injects faults."""

from __future__ import annotations

import socket
import threading
import time
from collections import Counter
from typing import List

import pytest

import relabel
from conftest import prediction_row, stored_ids, wait_for
from faulty_proxy import FaultyProxy
from service import ServiceProcess, free_port


def log_row(logger: relabel.PredictionLogger, i: int, **overrides) -> str:
    row = prediction_row(logger.model, i)
    kwargs = dict(
        features=row["features"], prediction=row["prediction"], scores=row["scores"], exposure=row["exposure"]
    )
    kwargs.update(overrides)
    return logger.log(**kwargs)  # type: ignore[return-value]


def test_rows_logged_from_many_threads_arrive_exactly_once(service: ServiceProcess, ingest: relabel.Client, model: str) -> None:
    logger = ingest.prediction_logger(model, model_version="v1", batch_size=100, flush_interval=0.05)
    ids: List[str] = []
    lock = threading.Lock()

    def work(t: int) -> None:
        mine = [log_row(logger, t * 1000 + i) for i in range(250)]
        with lock:
            ids.extend(mine)

    threads = [threading.Thread(target=work, args=(t,)) for t in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    result = logger.flush(timeout=60)
    stats = logger.close()
    assert result.ok
    assert stats.sent == 2000 and stats.dropped == 0 and stats.rejected == 0 and stats.queued == 0
    assert len(set(ids)) == 2000 and None not in ids
    stored = Counter(stored_ids(service, model))
    assert set(stored) == set(ids)
    assert max(stored.values()) == 1


def test_nothing_flush_confirmed_is_lost_when_the_service_restarts_mid_stream(
    service: ServiceProcess, ingest: relabel.Client, model: str
) -> None:
    logger = ingest.prediction_logger(
        model, model_version="v1", batch_size=50, flush_interval=0.05, retry_for=120, backoff=relabel.Backoff(0.1, 1.0)
    )
    confirmed: List[str] = []
    logged: List[str] = []
    stop = threading.Event()

    def stream() -> None:
        i = 0
        while not stop.is_set():
            chunk = [log_row(logger, i + k) for k in range(20)]
            i += 20
            logged.extend(chunk)
            try:
                result = logger.flush(timeout=60)
            except relabel.FlushTimeout:
                continue
            if result.ok:
                confirmed.extend(chunk)
            time.sleep(0.01)

    writer = threading.Thread(target=stream)
    writer.start()
    try:
        wait_for(lambda: len(confirmed) >= 200, timeout=30, what="200 confirmed rows before the restart")
        service.restart()  # SIGKILL: no graceful shutdown
        before = len(confirmed)
        wait_for(lambda: len(confirmed) >= before + 200, timeout=60, what="rows confirmed after the restart")
    finally:
        stop.set()
        writer.join(timeout=90)
    logger.flush(timeout=60)
    stats = logger.close()
    stored = Counter(stored_ids(service, model))
    assert stats.retried > 0, "the restart should have made the logger retry"
    assert set(confirmed) <= set(stored)
    assert set(stored) == set(logged) and max(stored.values()) == 1
    assert stats.dropped == 0 and stats.rejected == 0


def test_invalid_rows_are_reported_by_index_and_the_rest_of_the_batch_is_stored(
    service: ServiceProcess, ingest: relabel.Client, model: str
) -> None:
    rejected: List[relabel.Rejection] = []
    logger = ingest.prediction_logger(model, model_version="v1", batch_size=10, flush_interval=10, on_rejected=rejected.extend)
    good = [log_row(logger, i) for i in range(4)]
    bad = log_row(logger, 4, features={"price": -2, "country": "de"})
    good += [log_row(logger, i) for i in range(5, 8)]
    result = logger.flush(timeout=30)
    stats = logger.close()
    assert (result.accepted, result.rejected, result.dropped) == (7, 1, 0)
    assert [r.row["id"] for r in rejected] == [bad]
    assert rejected[0].status == 400
    assert [(e["index"], e["field"]) for e in rejected[0].errors] == [(4, "features.price")]
    assert sorted(stored_ids(service, model)) == sorted(good)
    assert stats.retried == 0 and stats.rejected == 1


def test_503_and_429_are_retried_honouring_retry_after(service: ServiceProcess, ingest_token: str, model: str) -> None:
    script = [(503, {"Retry-After": "1"}), (429, {"Retry-After": "0"}), "reset", (502, {})]
    with FaultyProxy(service.url, free_port(), script) as proxy:
        with relabel.Client(proxy.url, ingest_token) as client:
            # A backoff of milliseconds: only Retry-After can make the retries take a second.
            logger = client.prediction_logger(
                model, model_version="v1", batch_size=5, flush_interval=0.05, backoff=relabel.Backoff(0.01, 0.02)
            )
            ids = [log_row(logger, i) for i in range(5)]
            started = time.monotonic()
            result = logger.flush(timeout=30)
            took = time.monotonic() - started
            stats = logger.close()
    assert result.ok and result.accepted == 5
    assert took >= 1.0, "Retry-After: 1 was not honoured"
    assert stats.retried == 4 * 5 and stats.requests == 5
    assert proxy.count("forwarded") == 1
    assert sorted(stored_ids(service, model)) == sorted(ids)


def test_a_final_4xx_is_not_retried(service: ServiceProcess, model: str) -> None:
    rejected: List[relabel.Rejection] = []
    with relabel.Client(service.url, "rl_not_a_real_token_000000000000") as client:
        logger = client.prediction_logger(model, model_version="v1", batch_size=3, flush_interval=0.05, on_rejected=rejected.extend)
        for i in range(3):
            log_row(logger, i)
        result = logger.flush(timeout=30)
        stats = logger.close()
    assert (result.accepted, result.rejected) == (0, 3)
    assert stats.requests == 1 and stats.retried == 0
    assert {r.status for r in rejected} == {401}
    assert stored_ids(service, model) == []


def test_a_full_queue_drops_the_newest_rows_and_counts_them_without_raising(model: str) -> None:
    # Nothing listens there: every send fails and is retried, so the queue fills.
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{s.getsockname()[1]}"
    dropped: List[str] = []
    with relabel.Client(dead, "rl_unused") as client:
        logger = client.prediction_logger(
            model, model_version="v1", max_queue=10, batch_size=5, flush_interval=0.01, retry_for=300,
            on_dropped=lambda rows, reason: dropped.extend(reason for _ in rows),
        )
        slowest = 0.0
        returned = []
        for i in range(50):
            t = time.monotonic()
            returned.append(log_row(logger, i))
            slowest = max(slowest, time.monotonic() - t)
        stats = logger.stats
        assert stats.logged == 50 and stats.dropped == 40 and stats.queued == 10
        assert returned[10:] == [None] * 40 and None not in returned[:10]
        assert dropped == ["queue_full"] * 40
        assert slowest < 0.05, f"log() blocked for {slowest:.3f}s"
        with pytest.raises(relabel.FlushTimeout) as caught:
            logger.flush(timeout=0.3)
        assert caught.value.outstanding == 10
        final = logger.close(timeout=0.5)
    assert final.dropped == 50 and final.sent == 0 and final.queued == 0
    assert len(dropped) == 50 and all(r == "closed" or r.startswith("gave up") for r in dropped[40:])


def test_log_never_raises_on_rows_that_are_not_json(ingest: relabel.Client, model: str) -> None:
    rejected: List[relabel.Rejection] = []
    logger = ingest.prediction_logger(model, model_version="v1", on_rejected=rejected.extend)
    assert logger.log(features={"price": float("nan")}, prediction="buy", scores={"buy": 1.0}) is None
    assert logger.log(features={"when": object()}, prediction="buy", scores={"buy": 1.0}) is None
    assert logger.flush(timeout=5).accepted == 0
    stats = logger.close()
    assert stats.rejected == 2 and len(rejected) == 2 and stats.requests == 0


def test_events_are_logged_and_join_their_predictions(ingest: relabel.Client, admin: relabel.Client, model: str) -> None:
    with ingest.prediction_logger(model, model_version="v1") as predictions, ingest.event_logger(model) as events:
        pid = log_row(predictions, 1)
        eid = events.log(prediction_id=pid, type="purchase", value=3.5, attributes={"page": "cart"})
        assert predictions.flush(timeout=30).accepted == 1
        assert events.flush(timeout=30).accepted == 1
    got = wait_for(lambda: (p := admin.prediction(model, pid)) and p["effectiveLabel"] and p, what="the direct label")
    assert got["effectiveLabel"] == {"label": "buy", "source": "direct"}
    assert [(e["id"], e["value"], e["attributes"]) for e in got["events"]] == [(eid, 3.5, {"page": "cart"})]


def test_the_active_opentelemetry_trace_is_stored_with_the_row(ingest: relabel.Client, admin: relabel.Client, model: str) -> None:
    from opentelemetry import trace  # installed by ci.sh: the SDK's optional trace support is under test
    context = trace.SpanContext(
        trace_id=0x4BF92F3577B34DA6A3CE929D0E0E4736, span_id=0x00F067AA0BA902B7, is_remote=True,
        trace_flags=trace.TraceFlags(1),
    )
    with ingest.prediction_logger(model, model_version="v1") as logger:
        with trace.use_span(trace.NonRecordingSpan(context)):
            pid = log_row(logger, 1)
        assert logger.flush(timeout=30).accepted == 1
    assert admin.prediction(model, pid)["traceId"] == "4bf92f3577b34da6a3ce929d0e0e4736"


def test_a_413_splits_the_batch_and_every_row_is_stored(service: ServiceProcess, ingest_token: str, model: str) -> None:
    with FaultyProxy(service.url, free_port(), [(413, {})]) as proxy:
        with relabel.Client(proxy.url, ingest_token) as client:
            logger = client.prediction_logger(model, model_version="v1", batch_size=8, flush_interval=10)
            ids = [log_row(logger, i) for i in range(8)]
            result = logger.flush(timeout=30)
            stats = logger.close()
    assert (result.accepted, result.rejected) == (8, 0)
    assert stats.requests == 3 and proxy.count("forwarded") == 2  # 8 refused, then 4 + 4
    assert sorted(stored_ids(service, model)) == sorted(ids)


def test_an_id_stored_with_other_content_is_rejected_and_the_rest_stored(
    service: ServiceProcess, ingest: relabel.Client, model: str
) -> None:
    ingest.log_predictions([prediction_row(model, 0, id="taken")])
    rejected: List[relabel.Rejection] = []
    logger = ingest.prediction_logger(model, model_version="v2", batch_size=3, flush_interval=10, on_rejected=rejected.extend)
    others = [log_row(logger, 1), log_row(logger, 2)]
    log_row(logger, 3, id="taken")
    result = logger.flush(timeout=30)
    logger.close()
    assert (result.accepted, result.rejected) == (2, 1)
    assert [(r.status, r.row["id"]) for r in rejected] == [(409, "taken")]
    assert sorted(stored_ids(service, model)) == sorted(others + ["taken"])


def test_a_resent_row_is_a_duplicate_not_a_second_row(service: ServiceProcess, ingest: relabel.Client, model: str) -> None:
    with ingest.prediction_logger(model, model_version="v1", flush_interval=10) as logger:
        row = prediction_row(model, 5, modelVersion="v1", timestamp="2026-11-30T10:00:00Z")
        logger.log_row(row)
        logger.log_row(row)
        assert logger.flush(timeout=30).accepted == 2
        assert logger.stats.duplicates == 1
    assert stored_ids(service, model) == ["r-5"]


def test_rows_logged_just_before_the_interpreter_exits_are_sent(service: ServiceProcess, ingest_token: str, model: str) -> None:
    import subprocess
    import sys

    script = (
        "import relabel, sys\n"
        "logger = relabel.Client(sys.argv[1], sys.argv[2]).prediction_logger(sys.argv[3], model_version='v1', flush_interval=60)\n"
        "for i in range(25):\n"
        "    logger.log(id=f'exit-{i}', features={'price': 1.0, 'country': 'de'}, prediction='buy', scores={'buy': 1.0})\n"
    )
    done = subprocess.run([sys.executable, "-c", script, service.url, ingest_token, model], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert sorted(stored_ids(service, model)) == sorted(f"exit-{i}" for i in range(25))
