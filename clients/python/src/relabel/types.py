"""Typed shapes of relabel's answers (TypedDicts: the JSON as the service sends it, field names unchanged).

relabel extends its answers over time; these name the fields the public contract fixes
(README "API", DESIGN "The public contract"). Fields not listed here are still in the dicts.
"""

from __future__ import annotations

import sys
from typing import Any, Dict, List, Optional, Tuple, Union

if sys.version_info >= (3, 11):
    from typing import Literal, NotRequired, TypedDict
else:  # pragma: no cover
    from typing_extensions import Literal, NotRequired, TypedDict

JSONScalar = Union[str, int, float, bool, None]
Features = Dict[str, JSONScalar]
Interval = Tuple[float, float]


class IngestResult(TypedDict):
    accepted: int
    duplicates: int


class EventIngestResult(TypedDict):
    accepted: int
    duplicates: int
    joined: int
    pending: int


class Model(TypedDict):
    name: str
    classes: List[str]
    sliceKeys: List[str]
    sliceCrosses: List[List[str]]
    featureSchema: Optional[Dict[str, Dict[str, Any]]]
    labelRules: List[Dict[str, Any]]
    implicitLabel: Optional[Dict[str, Any]]
    labelSourceOrder: List[str]
    labeling: Dict[str, Any]
    alerts: Dict[str, Any]
    feedback: Dict[str, Any]
    exports: Dict[str, Any]
    revision: int
    createdAt: str
    updatedAt: str


class Exposure(TypedDict, total=False):
    policy: Optional[Literal["model", "explore", "none"]]
    propensity: Optional[float]
    shown: Optional[bool]


class Uncertainty(TypedDict):
    leastConfidence: float
    margin: float
    entropy: float


class Label(TypedDict, total=False):
    label: str
    source: str
    by: Optional[str]
    rule: Any
    eventIds: List[str]
    final: bool
    createdAt: str
    updatedAt: str


class EffectiveLabel(TypedDict):
    label: str
    source: str


class Prediction(TypedDict):
    id: str
    model: str
    modelVersion: str
    timestamp: str
    features: Features
    prediction: str
    scores: Dict[str, float]
    slices: Dict[str, str]
    itemId: Optional[str]
    exposure: Optional[Exposure]
    traceId: Optional[str]
    uncertainty: Uncertainty
    receivedAt: str
    events: List[Dict[str, Any]]
    labels: List[Label]
    effectiveLabel: Optional[EffectiveLabel]


class ManualLabelResult(TypedDict, total=False):
    model: str
    predictionId: str
    effectiveLabel: Optional[EffectiveLabel]


class Estimated(TypedDict):
    accuracy: float
    ci: Interval
    method: Literal["ppi++", "ppi", "audit_only"]
    n: int
    nAudit: int
    note: str


class Accuracy(TypedDict):
    n: int
    correct: int
    accuracy: Optional[float]
    ci: Optional[Interval]


class SliceOverall(Accuracy):
    perClass: Dict[str, Dict[str, Any]]
    confusion: Dict[str, Dict[str, int]]
    estimated: Optional[Estimated]
    estimatedReason: Optional[str]
    biased: bool
    audit: Dict[str, Any]


class SliceRow(SliceOverall):
    key: str
    value: str
    delta: float
    flagged: bool
    flagReason: Optional[str]


class SliceReport(TypedDict):
    model: str
    window: Dict[str, Optional[str]]
    version: Optional[str]
    source: str
    overall: SliceOverall
    audit: Optional[Accuracy]
    slices: List[SliceRow]


class Alert(TypedDict):
    id: str
    model: str
    kind: Literal["accuracy", "drift"]
    feature: Optional[str]
    state: Literal["firing", "resolved"]
    reason: str
    slice: Dict[str, str]
    message: str
    resolution: Any
    recommendation: Any
    startedAt: str
    endedAt: Optional[str]
    updatedAt: str
    details: Dict[str, Any]


class FeedbackCheck(TypedDict):
    name: str
    value: Optional[float]
    threshold: Optional[float]
    severity: Literal["ok", "warn", "block", "unknown"]
    explanation: str
    action: str


class FeedbackReport(TypedDict):
    model: str
    window: Dict[str, Optional[str]]
    version: Optional[str]
    worst: Literal["ok", "warn", "block"]
    checks: List[FeedbackCheck]
    recommendation: Dict[str, Any]


class LabelSourceQuality(TypedDict, total=False):
    source: str
    rule: Any
    n: int
    nAudit: int
    agreement: Optional[float]
    ci: Optional[Interval]
    confusion: Dict[str, Dict[str, int]]


class LabelQuality(TypedDict):
    model: str
    sources: List[LabelSourceQuality]
    bySlice: List[Dict[str, Any]]


class DriftCell(TypedDict, total=False):
    feature: str
    slice: Optional[Dict[str, str]]
    type: str
    metric: str
    value: Optional[float]
    threshold: float
    drifted: Optional[bool]
    n: int
    nBaseline: int
    missingRate: float
    violations: int
    oovRate: float


class DriftReport(TypedDict):
    baseline: Any
    window: Dict[str, Optional[str]]
    features: List[DriftCell]
    predictions: Dict[str, Any]


class Baseline(TypedDict, total=False):
    name: str
    model: str
    default: bool
    rows: int


class LabelingTask(TypedDict):
    taskId: str
    batchId: str
    predictionId: str
    reason: Literal["least_confidence", "margin", "entropy", "random", "audit"]
    score: Optional[float]
    leaseExpiresAt: str
    prediction: Prediction


class ExportColumn(TypedDict):
    name: str
    type: Literal["string", "number", "boolean", "object"]


class ExportManifest(TypedDict):
    id: str
    model: str
    format: Literal["csv", "jsonl", "parquet"]
    file: str
    parameters: Dict[str, Any]
    report: FeedbackReport
    acknowledgement: Optional[Dict[str, Any]]
    rowCount: int
    bytes: int
    sha256: str
    columns: List[ExportColumn]
    counts: Dict[str, Any]
    weights: Dict[str, Any]
    mitigation: Dict[str, Any]
    labelQuality: NotRequired[Optional[Dict[str, Any]]]
    createdAt: str
    finishedAt: str


class ExportStatus(TypedDict):
    id: str
    model: str
    format: str
    status: Literal["queued", "running", "done", "failed"]
    progress: float
    parameters: Dict[str, Any]
    acknowledgement: Optional[Dict[str, Any]]
    requestedBy: Optional[str]
    error: Optional[str]
    createdAt: str
    finishedAt: Optional[str]
    manifest: Optional[ExportManifest]


class CreatedToken(TypedDict):
    id: str
    name: str
    role: Literal["admin", "labeler", "ingest"]
    prefix: str
    createdAt: str
    token: str


class Health(TypedDict, total=False):
    status: str
    role: str
    database: Dict[str, Any]
    queue: Dict[str, Any]
    deadLetters: Dict[str, int]
