"""Exports: start, progress, download with sha256 check, and pandas frames equal to the API's rows."""

from __future__ import annotations

import os
from typing import Dict, List

import pandas as pd
import pytest

import relabel
from conftest import prediction_row, wait_for

N = 40


@pytest.fixture()
def labeled_model(ingest: relabel.Client, admin: relabel.Client, model: str) -> str:
    """N predictions: even ones bought (direct label), odd ones labeled skip by hand."""
    rows = [prediction_row(model, i) for i in range(N)]
    ingest.log_predictions(rows)
    ingest.log_events([{"id": f"e-{i}", "model": model, "predictionId": f"r-{i}", "type": "purchase"} for i in range(0, N, 2)])
    for i in range(1, N, 2):
        admin.label(model, f"r-{i}", "skip")
    wait_for(lambda: admin.slices(model)["overall"]["n"] == N, what="every prediction labeled")
    return model


def expected_ips_weights(model: str) -> Dict[str, float]:
    """1/propensity clipped at 20 (the default exports.maxIpsWeight), normalised to mean 1."""
    raw = {f"r-{i}": min(1 / prediction_row(model, i)["exposure"]["propensity"], 20.0) for i in range(N)}
    mean = sum(raw.values()) / len(raw)
    return {k: v / mean for k, v in raw.items()}


@pytest.mark.parametrize("fmt", ["parquet", "csv", "jsonl"])
def test_an_export_reads_into_pandas_equal_to_the_apis_rows(admin: relabel.Client, labeled_model: str, fmt: str) -> None:
    seen: List[str] = []
    export = admin.export(
        labeled_model, fmt, mitigation="ips_weights", acknowledge={"warn", "block"},
        split={"validation": 0.25, "by": "random", "seed": 7}, progress=lambda s: seen.append(s["status"]),
    )
    assert seen[-1] == "done"
    assert export.manifest["rowCount"] == N and export.manifest["mitigation"]["name"] == "ips_weights"
    relabel.verify_file(export.path, export.manifest)
    df = export.to_pandas()
    assert len(df) == N and df["id"].is_unique
    weights = expected_ips_weights(labeled_model)
    for row in df.to_dict("records"):
        api = admin.prediction(labeled_model, row["id"])
        assert row["label"] == api["effectiveLabel"]["label"]
        assert row["label_source"] == api["effectiveLabel"]["source"]
        assert row["prediction"] == api["prediction"]
        assert row["model_version"] == api["modelVersion"]
        assert row["timestamp"] == pd.Timestamp(api["timestamp"])
        assert {k: row[f"feature.{k}"] for k in api["features"]} == api["features"]
        assert {k: row[f"score.{k}"] for k in ("buy", "skip")} == pytest.approx(api["scores"])
        assert row["slice.country"] == api["slices"]["country"]
        assert row["weight"] == pytest.approx(weights[row["id"]], rel=1e-9)
        assert pd.isna(row["label_probability"])
    assert df["split"].value_counts().to_dict() == export.manifest["counts"]["bySplit"]
    X, y, w = export.training_data("train")
    assert list(X.columns) == ["country", "price"]
    assert len(X) == len(y) == len(w) == export.manifest["counts"]["bySplit"]["train"]


def test_every_format_reads_into_the_same_frame(admin: relabel.Client, labeled_model: str) -> None:
    frames = {
        fmt: admin.export(labeled_model, fmt, acknowledge={"warn", "block"}).to_pandas().sort_values("id").reset_index(drop=True)
        for fmt in ("parquet", "csv", "jsonl")
    }
    columns = sorted(frames["parquet"].columns)
    for fmt, df in frames.items():
        assert sorted(df.columns) == columns, fmt
        pd.testing.assert_frame_equal(
            df[columns].astype(object).where(df[columns].notna(), None),
            frames["parquet"][columns].astype(object).where(frames["parquet"][columns].notna(), None),
            check_dtype=False,
            obj=fmt,
        )


def test_an_export_with_unacknowledged_findings_raises_with_the_report(ingest: relabel.Client, admin: relabel.Client, model: str) -> None:
    # Only model-driven exposures and behaviour labels: nothing independent of the model, a block finding.
    ingest.log_predictions([prediction_row(model, i, exposure={"policy": "model", "propensity": 0.9}) for i in range(5)])
    ingest.log_events([{"id": f"e-{i}", "model": model, "predictionId": f"r-{i}", "type": "purchase"} for i in range(5)])
    wait_for(lambda: admin.slices(model)["overall"]["n"] == 5, what="5 labels")
    with pytest.raises(relabel.UnacknowledgedFindings) as caught:
        admin.export(model, "csv", acknowledge="warn")
    assert caught.value.status == 409
    report = caught.value.report
    assert report["worst"] == "block"
    assert "exploration_share" in {c["name"] for c in report["checks"] if c["severity"] == "block"}
    assert admin.exports(model) == []


def test_a_tampered_file_fails_the_checksum(admin: relabel.Client, labeled_model: str) -> None:
    export = admin.export(labeled_model, "csv", acknowledge={"warn", "block"})
    with open(export.path, "ab") as f:
        f.write(b"r-999,,,\r\n")
    with pytest.raises(relabel.ChecksumMismatch):
        relabel.verify_file(export.path, export.manifest)
    os.remove(export.path)


def test_the_recommended_mitigation_is_used_when_none_is_named(admin: relabel.Client, labeled_model: str) -> None:
    recommended = admin.feedback_report(labeled_model)["recommendation"]["mitigation"]
    export = admin.export(labeled_model, "jsonl", acknowledge={"warn", "block"})
    assert export.manifest["mitigation"]["name"] == recommended
    assert export.manifest["mitigation"]["chosenBy"] == "recommendation"


@pytest.mark.parametrize("schema", [True, False], ids=["feature-columns", "features-json"])
def test_csv_text_keeps_formula_like_values_and_schemaless_features_become_columns(
    ingest: relabel.Client, admin: relabel.Client, schema: bool
) -> None:
    model = f"t{os.getpid()}{'s' if schema else 'n'}{len(admin.models())}"
    definition = {"classes": ["buy", "skip"], "sliceKeys": []}
    if schema:
        definition["featureSchema"] = {"title": {"type": "text"}, "n": {"type": "number"}}
    admin.put_model(model, definition)
    titles = ["=SUM(A1:A9)", "-minus", "+plus", "@at", "plain, with comma", "'quoted"]
    ingest.log_predictions(
        [
            {"id": f"q{i}", "model": model, "modelVersion": "v1", "features": {"title": t, "n": i - 2},
             "prediction": "buy", "scores": {"buy": 0.6, "skip": 0.4}, "exposure": {"policy": "explore", "propensity": 0.5}}
            for i, t in enumerate(titles)
        ]
    )
    for i in range(len(titles)):
        admin.label(model, f"q{i}", "buy" if i % 2 else "skip")
    wait_for(lambda: admin.slices(model)["overall"]["n"] == len(titles), what="labels")
    export = admin.export(model, "csv", acknowledge={"warn", "block"})
    raw = open(export.path, encoding="utf-8").read()
    # The file guards text cells (the JSON features column starts with "{", so it needs none) ...
    assert ("'=SUM(A1:A9)" in raw) is schema
    df = export.to_pandas().sort_values("id")
    assert list(df["feature.title"]) == titles  # ... the frame has the values as logged
    assert list(df["feature.n"]) == [float(i - 2) for i in range(len(titles))]
