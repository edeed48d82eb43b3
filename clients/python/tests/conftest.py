"""Fixtures: one real relabel service for the session, clients with admin and ingest tokens, fresh models."""

from __future__ import annotations

import os
import secrets
import sqlite3
import sys
import time
import uuid
from typing import Any, Callable, Dict, Iterator, List, Optional

import pytest

sys.path.insert(0, os.path.dirname(__file__))

import relabel  # noqa: E402
from service import ServiceProcess  # noqa: E402

MODEL_DEFINITION: Dict[str, Any] = {
    "classes": ["buy", "skip"],
    "sliceKeys": ["country"],
    "featureSchema": {
        "price": {"type": "number", "min": 0},
        "country": {"type": "category", "values": ["de", "fr", "us"]},
    },
    "labelRules": [{"event": "purchase", "label": "buy", "within": "1h", "priority": 10}],
}


@pytest.fixture(scope="session")
def service() -> Iterator[ServiceProcess]:
    svc = ServiceProcess(admin_token=f"rl_py_admin_{secrets.token_hex(16)}")
    try:
        svc.start()
        yield svc
    finally:
        svc.close()


@pytest.fixture(scope="session")
def admin(service: ServiceProcess) -> Iterator[relabel.Client]:
    with relabel.Client(service.url, service.admin_token) as client:
        yield client


@pytest.fixture(scope="session")
def ingest_token(admin: relabel.Client) -> str:
    return admin.create_token("py-tests-ingest", "ingest")["token"]


@pytest.fixture()
def ingest(service: ServiceProcess, ingest_token: str) -> Iterator[relabel.Client]:
    with relabel.Client(service.url, ingest_token) as client:
        yield client


@pytest.fixture()
def model(admin: relabel.Client) -> str:
    """A freshly registered model of its own for each test."""
    name = f"m{uuid.uuid4().hex[:10]}"
    admin.put_model(name, MODEL_DEFINITION)
    return name


def prediction_row(model: str, i: int, **overrides: Any) -> Dict[str, Any]:
    buy = 0.3 + (i % 7) / 10
    row: Dict[str, Any] = {
        "id": f"r-{i}",
        "model": model,
        "modelVersion": "v1",
        "features": {"price": float(i % 50), "country": ["de", "fr", "us"][i % 3]},
        "prediction": "buy" if buy >= 0.5 else "skip",
        "scores": {"buy": round(buy, 3), "skip": round(1 - buy, 3)},
        "exposure": {"policy": "explore" if i % 4 == 0 else "model", "propensity": [0.25, 0.5, 0.8, 1.0][i % 4]},
    }
    row.update(overrides)
    return row


def stored_ids(service: ServiceProcess, model: str) -> List[str]:
    """Every prediction id stored for the model, read from the SQLite file itself (repeats kept)."""
    path = os.path.join(service.data_dir, "relabel.sqlite")
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10) as db:
        return [r[0] for r in db.execute("SELECT id FROM predictions WHERE model = ?", (model,))]


def wait_for(check: Callable[[], Any], timeout: float = 30.0, every: float = 0.2, what: str = "condition") -> Any:
    """Polls ``check`` until it returns something truthy; fails the test after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    last: Optional[BaseException] = None
    while time.monotonic() < deadline:
        try:
            value = check()
            if value:
                return value
        except Exception as error:  # noqa: BLE001 - keep polling, report the last one
            last = error
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout:g}s waiting for {what}" + (f" (last error: {last!r})" if last else ""))
