"""Retraining exports: start, wait with progress, download, verify sha256, read into pandas.

Every format reads into the same DataFrame: one row per labeled prediction with columns ``id``,
``timestamp`` (UTC datetime), ``model_version``, ``feature.<name>``, ``label``, ``label_source``,
``prediction``, ``score.<class>``, ``slice.<key>``, ``weight``, ``split`` (``train``/``validation``) and
``label_probability``. :func:`training_data` turns it into ``X, y, sample_weight``.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Dict, Iterable, List, Mapping, Optional, Tuple, Union

from .errors import ChecksumMismatch, ExportFailed, RelabelError
from .types import ExportManifest, ExportStatus

if TYPE_CHECKING:
    import pandas as pd

    from .client import Client

_EXTENSIONS = {"csv": "csv", "jsonl": "jsonl", "parquet": "parquet"}
# The CSV writer prefixes text a spreadsheet would run as a formula with a single quote.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


@dataclass(frozen=True)
class ExportResult:
    """A finished, downloaded and verified export."""

    id: str
    path: str
    manifest: ExportManifest

    @property
    def sha256(self) -> str:
        return self.manifest["sha256"]

    def to_pandas(self) -> "pd.DataFrame":
        """The rows as a DataFrame (needs the ``[pandas]`` extra); see :func:`read_export`."""
        return read_export(self.path, self.manifest)

    def training_data(self, split: Optional[str] = "train") -> Tuple["pd.DataFrame", "pd.Series", "pd.Series"]:
        """``X, y, sample_weight`` of one split (None: all rows); see :func:`training_data`."""
        return training_data(self.to_pandas(), split)


def _acknowledgement(acknowledge: Union[str, Iterable[str], None]) -> Dict[str, bool]:
    if acknowledge is None:
        wanted: "set[str]" = set()
    elif isinstance(acknowledge, str):
        wanted = {acknowledge}
    else:
        wanted = set(acknowledge)
    unknown = wanted - {"warn", "block"}
    if unknown:
        raise ValueError(f"acknowledge takes 'warn' and/or 'block', not {sorted(unknown)}")
    return {"acknowledgeWarnings": "warn" in wanted, "acknowledgeBlocking": "block" in wanted}


def run_export(
    client: "Client",
    model: str,
    format: str,
    *,
    mitigation: Optional[str],
    acknowledge: Union[str, Iterable[str], None],
    path: Optional[str],
    progress: Optional[Callable[[ExportStatus], None]],
    poll_interval: float,
    timeout: float,
    options: Mapping[str, Any],
) -> ExportResult:
    """The body of :meth:`relabel.Client.export`."""
    if format not in _EXTENSIONS:
        raise ValueError(f"format must be one of {sorted(_EXTENSIONS)}")
    export_id = client.start_export(model, format, mitigation=mitigation, **_acknowledgement(acknowledge), **options)
    status = wait_for_export(client, export_id, progress=progress, poll_interval=poll_interval, timeout=timeout)
    manifest = status["manifest"]
    if manifest is None:
        raise RelabelError(f"export {export_id} is done but has no manifest")
    target = path or os.path.join(tempfile.mkdtemp(prefix="relabel-export-"), f"{model}-{export_id}.{_EXTENSIONS[format]}")
    digest = client.download_export(export_id, target)
    if digest != manifest["sha256"]:
        raise ChecksumMismatch(f"export {export_id}: downloaded sha256 {digest}, manifest says {manifest['sha256']}")
    return ExportResult(export_id, target, manifest)


def wait_for_export(
    client: "Client",
    export_id: str,
    *,
    progress: Optional[Callable[[ExportStatus], None]] = None,
    poll_interval: float = 0.5,
    timeout: float = 600.0,
) -> ExportStatus:
    """Polls the export until it is done; raises ExportFailed, or TimeoutError after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while True:
        status = client.export_status(export_id)
        if progress is not None:
            progress(status)
        if status["status"] == "done":
            return status
        if status["status"] == "failed":
            raise ExportFailed(status)
        if time.monotonic() > deadline:
            raise TimeoutError(f"export {export_id} still {status['status']} after {timeout:g}s")
        time.sleep(poll_interval)


def verify_file(path: str, manifest: Mapping[str, Any]) -> None:
    """Raises ChecksumMismatch unless the file's sha256 is the manifest's."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 16), b""):
            digest.update(chunk)
    if digest.hexdigest() != manifest["sha256"]:
        raise ChecksumMismatch(f"{path}: sha256 {digest.hexdigest()}, manifest says {manifest['sha256']}")


def read_export(path: str, manifest: Optional[Mapping[str, Any]] = None) -> "pd.DataFrame":
    """Reads an export file (CSV, JSONL or Parquet, by the manifest's format or the file's extension).

    ``manifest`` (the export's, or the ``<id>.manifest.json`` beside a file) types the CSV columns;
    without it numbers are inferred. The CSV formula-guard quote before ``= + - @`` is removed.
    """
    try:
        import pandas as pd
    except ImportError as error:  # pragma: no cover
        raise ImportError("read_export needs pandas: pip install 'relabel[pandas]'") from error
    fmt = (manifest or {}).get("format") or os.path.splitext(path)[1].lstrip(".")
    columns: List[Mapping[str, str]] = list((manifest or {}).get("columns") or [])
    if fmt == "parquet":
        df = pd.read_parquet(path)
    elif fmt == "jsonl":
        df = _read_jsonl(path)
    elif fmt == "csv":
        df = _read_csv(path, columns)
    else:
        raise ValueError(f"unknown export format {fmt!r}")
    if "features" in df.columns and not any(c.startswith("feature.") for c in df.columns):
        df = _expand(df, "features", "feature.", parse_json=True)
    if "timestamp" in df.columns:
        df["timestamp"] = pd.to_datetime(df["timestamp"], utc=True, format="ISO8601")
    for name in ("weight", "label_probability"):
        if name in df.columns:
            df[name] = pd.to_numeric(df[name], errors="coerce").astype("float64")
    for name in df.columns:
        if name.startswith(("score.", "feature.")) and pd.api.types.is_integer_dtype(df[name]):
            df[name] = df[name].astype("float64")
    return df[_canonical_order(list(df.columns))]


def _canonical_order(columns: List[str]) -> List[str]:
    """The CSV/Parquet column order, so that every format reads into the same frame."""
    head = ["id", "timestamp", "model_version"]
    middle = ["label", "label_source", "prediction"]
    tail = ["weight", "split", "label_probability"]

    def group(prefix: str) -> List[str]:
        return sorted(c for c in columns if c.startswith(prefix))

    known = head + group("feature.") + middle + group("score.") + group("slice.") + tail
    ordered = [c for c in known if c in columns]
    return ordered + [c for c in columns if c not in ordered]


def training_data(df: "pd.DataFrame", split: Optional[str] = "train") -> Tuple["pd.DataFrame", "pd.Series", "pd.Series"]:
    """``X`` (the ``feature.*`` columns, named by feature), ``y`` (label) and ``sample_weight`` (weight).

    ``split`` selects ``train`` or ``validation`` rows (None: all), so that
    ``model.fit(X, y, sample_weight=w)`` trains on what the export weighed.
    """
    rows = df if split is None else df[df["split"] == split]
    feature_columns = [c for c in rows.columns if c.startswith("feature.")]
    X = rows[feature_columns].rename(columns=lambda c: c[len("feature.") :]).reset_index(drop=True)
    return X, rows["label"].reset_index(drop=True), rows["weight"].reset_index(drop=True)


def _read_jsonl(path: str) -> "pd.DataFrame":
    import pandas as pd

    records = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                records.append(json.loads(line))
    flat = []
    for r in records:
        row = {k: v for k, v in r.items() if k not in ("features", "scores", "slices")}
        for key, prefix in (("features", "feature."), ("scores", "score."), ("slices", "slice.")):
            for name, value in (r.get(key) or {}).items():
                row[prefix + name] = value
        flat.append(row)
    return pd.DataFrame(flat)


def _read_csv(path: str, columns: List[Mapping[str, str]]) -> "pd.DataFrame":
    import pandas as pd

    types = {c["name"]: c["type"] for c in columns}
    dtype = {name: ("string" if t in ("string", "object") else "float64" if t == "number" else "object") for name, t in types.items()}
    df = pd.read_csv(path, dtype=dtype or None, keep_default_na=False, na_values=[""])
    for name in df.columns:
        kind = types.get(name)
        if kind == "boolean":
            df[name] = df[name].map({"true": True, "false": False, True: True, False: False}).astype("boolean")
        elif kind in ("string", "object") or (kind is None and df[name].dtype == object):
            df[name] = df[name].map(_unguard).astype(object).where(df[name].notna(), None)
    return df


def _unguard(value: Any) -> Any:
    if isinstance(value, str) and len(value) > 1 and value[0] == "'" and value[1] in _FORMULA_START:
        return value[1:]
    return value


def _expand(df: "pd.DataFrame", column: str, prefix: str, *, parse_json: bool) -> "pd.DataFrame":
    import pandas as pd

    values = [json.loads(v) if parse_json and isinstance(v, str) else (v or {}) for v in df[column]]
    wide = pd.DataFrame(values, index=df.index).add_prefix(prefix)
    at = list(df.columns).index(column)
    left, right = df.iloc[:, :at], df.iloc[:, at + 1 :]
    return pd.concat([left, wide, right], axis=1)
