"""Client against the real service: routes, field names, typed answers and errors with details."""

from __future__ import annotations

import pytest

import relabel
from conftest import MODEL_DEFINITION, prediction_row, stored_ids, wait_for


def test_models_are_registered_and_listed_with_defaults(admin: relabel.Client, model: str) -> None:
    got = admin.model(model)
    assert got["name"] == model
    assert got["classes"] == ["buy", "skip"]
    assert got["labelSourceOrder"][0] == "manual"
    assert model in [m["name"] for m in admin.models()]
    replaced = admin.put_model(model, {**MODEL_DEFINITION, "sliceCrosses": []})
    assert replaced["revision"] == 2


def test_predictions_are_stored_once_and_read_back_with_uncertainty(
    ingest: relabel.Client, admin: relabel.Client, model: str
) -> None:
    rows = [prediction_row(model, i) for i in range(3)]
    assert ingest.log_predictions(rows) == {"accepted": 3, "duplicates": 0}
    assert ingest.log_predictions(rows) == {"accepted": 0, "duplicates": 3}
    got = admin.prediction(model, "r-1")
    assert got["features"] == rows[1]["features"]
    assert got["scores"] == rows[1]["scores"]
    assert got["exposure"] == {"policy": "model", "propensity": 0.5, "shown": None}
    assert got["uncertainty"]["leastConfidence"] == pytest.approx(1 - max(rows[1]["scores"].values()))
    assert got["effectiveLabel"] is None


def test_an_invalid_batch_raises_bad_request_naming_row_index_and_field(ingest: relabel.Client, service, model: str) -> None:
    rows = [prediction_row(model, 0), prediction_row(model, 1, features={"price": -1, "country": "de"})]
    with pytest.raises(relabel.BadRequest) as caught:
        ingest.log_predictions(rows)
    error = caught.value
    assert error.status == 400
    assert error.message.startswith("invalid_predictions")
    assert list(error.row_errors) == [1]
    assert error.row_errors[1][0]["field"] == "features.price"
    assert "row 1 features.price" in str(error)
    assert stored_ids(service, model) == []  # the batch is atomic


def test_the_same_id_with_other_content_is_a_conflict_listing_the_ids(ingest: relabel.Client, model: str) -> None:
    ingest.log_predictions([prediction_row(model, 0)])
    with pytest.raises(relabel.Conflict) as caught:
        ingest.log_predictions([prediction_row(model, 0, modelVersion="v2")])
    assert caught.value.details == {"ids": [{"model": model, "id": "r-0"}]}


def test_roles_are_enforced_as_forbidden_and_unknown_things_as_not_found(ingest: relabel.Client, admin: relabel.Client, model: str) -> None:
    with pytest.raises(relabel.Forbidden):
        ingest.slices(model)
    with pytest.raises(relabel.NotFound) as caught:
        admin.prediction(model, "no-such-id")
    assert caught.value.message == "prediction_not_found"


def test_events_label_predictions_and_slices_report_accuracy(ingest: relabel.Client, admin: relabel.Client, model: str) -> None:
    rows = [prediction_row(model, i) for i in range(6)]
    ingest.log_predictions(rows)
    result = ingest.log_events(
        [{"id": f"e-{i}", "model": model, "predictionId": f"r-{i}", "type": "purchase"} for i in range(6)]
    )
    assert result == {"accepted": 6, "duplicates": 0, "joined": 6, "pending": 0}
    report = wait_for(lambda: (r := admin.slices(model)) and r["overall"]["n"] == 6 and r, what="6 labels in the slices")
    correct = sum(1 for r in rows if r["prediction"] == "buy")
    assert report["overall"]["correct"] == correct
    assert report["overall"]["accuracy"] == pytest.approx(correct / 6)
    lo, hi = report["overall"]["ci"]
    assert lo <= correct / 6 <= hi
    assert {s["value"] for s in report["slices"] if s["key"] == "country"} == {"de", "fr", "us"}
    assert report["overall"]["estimated"] is None and report["overall"]["estimatedReason"] == "no_audit_labels"


def test_audit_labels_give_the_corrected_estimate(ingest: relabel.Client, admin: relabel.Client, model: str) -> None:
    ingest.log_predictions([prediction_row(model, i) for i in range(12)])
    batch = admin.create_labeling_batch(model, 6, strategy="random", auditFraction=1.0, seed=1)
    assert batch["id"]
    labeled = 0
    while (task := admin.next_task(model)) is not None:
        assert task["reason"] == "audit"
        admin.submit_task(task["taskId"], label=task["prediction"]["prediction"])
        labeled += 1
    assert labeled == 6
    report = wait_for(lambda: (r := admin.slices(model)) and r["overall"]["estimated"] and r, what="an audit estimate")
    estimated = report["overall"]["estimated"]
    assert estimated["nAudit"] == 6
    assert estimated["method"] in ("ppi++", "ppi", "audit_only")
    assert estimated["ci"][0] <= estimated["accuracy"] <= estimated["ci"][1]
    assert report["audit"]["n"] == 6 and report["audit"]["accuracy"] == 1.0
    assert admin.labeling_batch(batch["id"])["id"] == batch["id"]


def test_reports_answer_with_their_documented_fields(ingest: relabel.Client, admin: relabel.Client, model: str) -> None:
    ingest.log_predictions([prediction_row(model, i) for i in range(4)])
    admin.label(model, "r-0", "skip")
    feedback = admin.feedback_report(model)
    assert feedback["worst"] in ("ok", "warn", "block")
    assert {"exploration_share", "missing_propensities"} <= {c["name"] for c in feedback["checks"]}
    assert "mitigation" in feedback["recommendation"]
    quality = admin.label_quality(model)
    assert quality["sources"] == [] and "bySlice" in quality
    assert admin.alerts(model) == []
    with pytest.raises(relabel.NotFound) as caught:
        admin.drift(model)
    assert caught.value.message == "no_default_baseline"
    admin.create_baseline(model, "training", rows=[{"price": float(i), "country": "de"} for i in range(40)])
    assert [b["name"] for b in admin.baselines(model)] == ["training"]
    drift = wait_for(lambda: (d := admin.drift(model)) and d["features"] and d, what="drift cells")
    assert {c["feature"] for c in drift["features"]} >= {"price", "country"}
    assert "predictions" in drift
    assert "overall" in admin.estimated_performance(model)


def test_calls_carry_the_active_trace_as_a_w3c_traceparent(ingest: relabel.Client, admin: relabel.Client, model: str) -> None:
    from opentelemetry import trace  # installed by ci.sh: the SDK's optional trace support is under test

    context = trace.SpanContext(
        trace_id=0x0AF7651916CD43DD8448EB211C80319C, span_id=0xB7AD6B7169203331, is_remote=True,
        trace_flags=trace.TraceFlags(1),
    )
    with trace.use_span(trace.NonRecordingSpan(context)):
        ingest.log_predictions([prediction_row(model, 0)])
    assert admin.prediction(model, "r-0")["traceId"] == "0af7651916cd43dd8448eb211c80319c"


def test_reads_are_retried_on_503_and_429_but_not_on_404(service, ingest_token: str, admin: relabel.Client, model: str) -> None:
    from faulty_proxy import FaultyProxy
    from service import free_port

    script = [(503, {"Retry-After": "0"}), (429, {"Retry-After": "0"})]
    with FaultyProxy(service.url, free_port(), script) as proxy:
        with relabel.Client(proxy.url, service.admin_token) as client:
            assert client.model(model)["name"] == model
            assert proxy.count("forwarded") == 1 and len(proxy.requests) == 3
            with pytest.raises(relabel.NotFound):
                client.model("no-such-model")
            assert len(proxy.requests) == 4
    with FaultyProxy(service.url, free_port(), [(503, {"Retry-After": "0"})] * 5) as proxy:
        with relabel.Client(proxy.url, service.admin_token, retries=2) as client:
            with pytest.raises(relabel.ServiceUnavailable) as caught:
                client.models()
            assert caught.value.retry_after == 0 and len(proxy.requests) == 3


def test_slice_series_and_external_labeling_function_votes(ingest: relabel.Client, admin: relabel.Client, model: str) -> None:
    ingest.log_predictions([prediction_row(model, i) for i in range(3)])
    ingest.log_events([{"id": f"e-{i}", "model": model, "predictionId": f"r-{i}", "type": "purchase"} for i in range(3)])
    wait_for(lambda: admin.slices(model)["overall"]["n"] == 3, what="3 labels")
    series = admin.slice_series(model, "*", "*", bucket="hour")
    assert series["bucket"] == "hour" and sum(p["n"] for p in series["points"]) == 3
    admin.put_labeling_function(model, "reputation", {"kind": "external", "label": "skip"})
    votes = [{"predictionId": "r-0", "label": "skip"}, {"predictionId": "nope", "label": "skip"}]
    result = ingest.log_lf_votes(model, "reputation", votes)
    assert (result["accepted"], result["unknown"], result["unknownIds"]) == (1, 1, ["nope"])
    assert [f["name"] for f in admin.labeling_functions(model)["functions"]] == ["reputation"]
