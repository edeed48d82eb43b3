"""Retrain from relabel: pull the recommended export into pandas and fit scikit-learn with its weights.

    RELABEL_URL=http://localhost:3000 RELABEL_TOKEN=<admin token> python examples/retrain.py shop --acknowledge warn

Without ``--mitigation`` the export uses the feedback report's recommendation. Prints one JSON line:
rows, mitigation, the train/validation sizes and the weighted validation accuracy.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import sys

from sklearn.compose import make_column_transformer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

import relabel


def main(argv: list) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model")
    parser.add_argument("--mitigation", default=None, help="default: the feedback report's recommendation")
    parser.add_argument("--acknowledge", default="", help="comma-separated: warn, block")
    parser.add_argument("--out", default=None, help="pickle the fitted pipeline here")
    args = parser.parse_args(argv)

    with relabel.Client(os.environ["RELABEL_URL"], os.environ["RELABEL_TOKEN"]) as client:
        report = client.feedback_report(args.model)
        print(f"feedback report: {report['worst']}; recommended mitigation: {report['recommendation']['mitigation']}", file=sys.stderr)
        try:
            export = client.export(
                args.model,
                "parquet",
                mitigation=args.mitigation,
                acknowledge=[a for a in args.acknowledge.split(",") if a],
                split={"validation": 0.2, "by": "random", "seed": 1},
                progress=lambda s: print(f"export {s['status']} {s['progress']:.0%}", file=sys.stderr),
            )
        except relabel.UnacknowledgedFindings as error:
            for check in error.report["checks"]:
                if check["severity"] in ("warn", "block"):
                    print(f"{check['severity']}: {check['name']}: {check['explanation']}", file=sys.stderr)
            print("acknowledge with --acknowledge warn[,block] once you have read them", file=sys.stderr)
            return 2

    df = export.to_pandas()
    X, y, w = export.training_data("train")
    X_val, y_val, w_val = export.training_data("validation")
    numeric = [c for c in X.columns if X[c].dtype.kind in "fi"]
    categorical = [c for c in X.columns if c not in numeric]
    pipeline = make_pipeline(
        make_column_transformer((StandardScaler(), numeric), (OneHotEncoder(handle_unknown="ignore"), categorical)),
        LogisticRegression(max_iter=1000),
    )
    pipeline.fit(X, y, logisticregression__sample_weight=w)
    accuracy = float(pipeline.score(X_val, y_val, sample_weight=w_val)) if len(X_val) else None
    if args.out:
        with open(args.out, "wb") as f:
            pickle.dump(pipeline, f)
    print(
        json.dumps(
            {
                "export": export.id,
                "rows": len(df),
                "mitigation": export.manifest["mitigation"],
                "train": len(X),
                "validation": len(X_val),
                "weights": {"min": float(w.min()), "max": float(w.max()), "mean": float(w.mean())},
                "validationAccuracy": accuracy,
                "classes": [str(c) for c in pipeline.classes_],
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
