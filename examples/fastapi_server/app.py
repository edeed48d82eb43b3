"""A FastAPI model server that logs every prediction to relabel, with exposure and propensity.

    RELABEL_URL=http://localhost:3000 RELABEL_TOKEN=<ingest token> uvicorn app:app --app-dir examples/fastapi_server

The model decides whether to show an offer (``buy``: show it). An epsilon-greedy policy explores:
with probability EPSILON the offer is shown or hidden at random, so relabel's feedback report sees
labels that do not depend on the model, and exports can weight rows by 1/propensity.
"""

from __future__ import annotations

import os
import random
from contextlib import asynccontextmanager
from typing import Dict, Literal

import numpy as np
from fastapi import FastAPI
from pydantic import BaseModel
from sklearn.linear_model import LogisticRegression

import relabel

MODEL = os.environ.get("RELABEL_MODEL", "shop")
VERSION = "2026-12-01"
EPSILON = float(os.environ.get("EXPLORATION", "0.1"))
COUNTRIES = ["de", "fr", "us"]
MODEL_DEFINITION = {  # register once with an admin token: client.put_model(MODEL, MODEL_DEFINITION)
    "classes": ["buy", "skip"],
    "sliceKeys": ["country"],
    "featureSchema": {"price": {"type": "number", "min": 0}, "country": {"type": "category", "values": COUNTRIES}},
    "labelRules": [{"event": "purchase", "label": "buy", "within": "1h", "priority": 10}],
}


def encode(price: float, country: str) -> list:
    return [price / 100, *(1.0 if country == c else 0.0 for c in COUNTRIES)]


def train_toy_model() -> LogisticRegression:
    rng = np.random.default_rng(0)
    prices, countries = rng.uniform(0, 100, 500), rng.choice(COUNTRIES, 500)
    X = np.array([encode(p, c) for p, c in zip(prices, countries)])
    y = np.where(prices + np.where(countries == "de", 20, 0) < 50, "buy", "skip")
    return LogisticRegression().fit(X, y)


class Features(BaseModel):
    price: float
    country: Literal["de", "fr", "us"]


class Feedback(BaseModel):
    id: str
    type: str = "purchase"


@asynccontextmanager
async def lifespan(app: FastAPI):
    client = relabel.Client(os.environ["RELABEL_URL"], os.environ["RELABEL_TOKEN"])
    app.state.model = train_toy_model()
    app.state.predictions = client.prediction_logger(MODEL, model_version=VERSION, flush_interval=0.2)
    app.state.events = client.event_logger(MODEL, flush_interval=0.2)
    yield
    app.state.predictions.close()
    app.state.events.close()
    client.close()


app = FastAPI(lifespan=lifespan)


@app.post("/predict")
def predict(features: Features) -> Dict[str, object]:
    model: LogisticRegression = app.state.model
    probabilities = model.predict_proba([encode(features.price, features.country)])[0]
    scores = {str(c): round(float(p), 6) for c, p in zip(model.classes_, probabilities)}
    greedy = max(scores, key=scores.get) == "buy"
    explored = random.random() < EPSILON
    shown = random.random() < 0.5 if explored else greedy
    propensity = (1 - EPSILON) * (shown == greedy) + EPSILON / 2
    request_id = app.state.predictions.log(
        features=features.model_dump(),
        prediction=max(scores, key=scores.get),
        scores=scores,
        exposure={"policy": "explore" if explored else "model", "propensity": propensity, "shown": shown},
    )
    return {"id": request_id, "scores": scores, "showOffer": shown}


@app.post("/feedback")
def feedback(body: Feedback) -> Dict[str, object]:
    return {"id": app.state.events.log(prediction_id=body.id, type=body.type)}


@app.get("/healthz")
def healthz() -> Dict[str, object]:
    return {"predictions": vars(app.state.predictions.stats), "events": vars(app.state.events.stats)}
