"""The examples, run for real: the FastAPI model server under uvicorn, then the retraining script."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from typing import Iterator, List

import httpx
import pytest

import relabel
from conftest import wait_for
from service import REPO_ROOT, ServiceProcess, free_port, record_pid

EXAMPLES = os.path.join(REPO_ROOT, "examples")
sys.path.insert(0, os.path.join(EXAMPLES, "fastapi_server"))
from app import MODEL_DEFINITION  # noqa: E402


@pytest.fixture()
def example_model(admin: relabel.Client) -> str:
    name = f"shop-{os.getpid()}-{int(time.time() * 1000) % 10**8}"
    admin.put_model(name, MODEL_DEFINITION)
    return name


@pytest.fixture()
def model_server(service: ServiceProcess, ingest_token: str, example_model: str) -> Iterator[str]:
    port = free_port()
    env = {**os.environ, "RELABEL_URL": service.url, "RELABEL_TOKEN": ingest_token, "RELABEL_MODEL": example_model, "EXPLORATION": "0.3"}
    log_path = os.path.join(service.data_dir, f"uvicorn-{port}.log")
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "app:app", "--app-dir", os.path.join(EXAMPLES, "fastapi_server"),
             "--host", "127.0.0.1", "--port", str(port)],
            env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
    record_pid(proc.pid)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: proc.poll() is None and httpx.get(f"{url}/healthz", timeout=1).status_code == 200, timeout=60,
                 what=f"uvicorn on {url}")
        yield url
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)  # lets the lifespan close the loggers
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=5)


def test_the_model_server_logs_every_prediction_and_retrain_fits_on_its_export(
    service: ServiceProcess, admin: relabel.Client, model_server: str, example_model: str
) -> None:
    served: List[dict] = []
    with httpx.Client(base_url=model_server, timeout=10) as http:
        for i in range(60):
            answer = http.post("/predict", json={"price": float((i * 7) % 100), "country": ["de", "fr", "us"][i % 3]})
            assert answer.status_code == 200, answer.text
            served.append(answer.json())
        for s in served[::2]:
            assert http.post("/feedback", json={"id": s["id"], "type": "purchase"}).status_code == 200

    stored = wait_for(
        lambda: all(_exists(admin, example_model, s["id"]) for s in served) and served, timeout=30, what="every prediction in relabel"
    )
    first = admin.prediction(example_model, stored[0]["id"])
    assert first["exposure"]["policy"] in ("model", "explore")
    assert 0 < first["exposure"]["propensity"] <= 1
    assert first["exposure"]["shown"] == stored[0]["showOffer"]
    assert first["scores"] == pytest.approx(stored[0]["scores"])

    # Labelers label what no purchase did: the set has both classes.
    wait_for(lambda: admin.slices(example_model)["overall"]["n"] >= 30, what="the purchases' direct labels")
    for s in served[1::2]:
        admin.label(example_model, s["id"], "skip")
    wait_for(lambda: admin.slices(example_model)["overall"]["n"] == 60, what="60 labels")

    result = subprocess.run(
        [sys.executable, os.path.join(EXAMPLES, "retrain.py"), example_model, "--mitigation", "ips_weights",
         "--acknowledge", "warn,block"],
        env={**os.environ, "RELABEL_URL": service.url, "RELABEL_TOKEN": service.admin_token},
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary["rows"] == 60 and summary["train"] + summary["validation"] == 60
    assert summary["mitigation"]["name"] == "ips_weights"
    assert summary["weights"]["max"] > summary["weights"]["min"], "IPS weights should vary with propensity"
    assert summary["classes"] == ["buy", "skip"]
    assert 0.0 <= summary["validationAccuracy"] <= 1.0


def test_retrain_refuses_until_findings_are_acknowledged(service: ServiceProcess, admin: relabel.Client, ingest: relabel.Client, example_model: str) -> None:
    rows = [
        {"id": f"p{i}", "model": example_model, "modelVersion": "v1", "features": {"price": 10.0, "country": "de"},
         "prediction": "buy", "scores": {"buy": 0.9, "skip": 0.1}, "exposure": {"policy": "model", "propensity": 0.9}}
        for i in range(3)
    ]
    ingest.log_predictions(rows)
    ingest.log_events([{"id": f"e{i}", "model": example_model, "predictionId": f"p{i}", "type": "purchase"} for i in range(3)])
    wait_for(lambda: admin.slices(example_model)["overall"]["n"] == 3, what="3 labels")
    result = subprocess.run(
        [sys.executable, os.path.join(EXAMPLES, "retrain.py"), example_model],
        env={**os.environ, "RELABEL_URL": service.url, "RELABEL_TOKEN": service.admin_token},
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 2, result.stderr
    assert "block: exploration_share" in result.stderr


def _exists(client: relabel.Client, model: str, prediction_id: str) -> bool:
    try:
        client.prediction(model, prediction_id)
        return True
    except relabel.NotFound:
        return False
