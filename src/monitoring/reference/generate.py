"""Reference values for src/monitoring/*.spec.ts, computed with numpy, scipy and scikit-learn.

Run: python3 -m venv /tmp/mvenv && /tmp/mvenv/bin/pip install numpy scipy scikit-learn
     /tmp/mvenv/bin/python src/monitoring/reference/generate.py
It rewrites statistics.json and calibration.json beside this file.
"""
import json
import os

import numpy as np
from scipy import stats
from scipy.spatial.distance import jensenshannon
from sklearn.isotonic import IsotonicRegression

HERE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(20261201)


def r(a):
    return [round(float(v), 6) for v in a]


def numeric_cases():
    cases = []
    for name, a, b in [
        ("normal shift 0.3", rng.normal(0, 1, 300), rng.normal(0.3, 1, 200)),
        ("same normal", rng.normal(5, 2, 150), rng.normal(5, 2, 180)),
        ("scale x100 (unit change)", rng.lognormal(3, 0.5, 120), rng.lognormal(3, 0.5, 80) * 100),
        ("small integers", rng.integers(0, 5, 40).astype(float), rng.integers(1, 6, 35).astype(float)),
    ]:
        a = np.round(a, 4)
        b = np.round(b, 4)
        ks = stats.ks_2samp(a, b, method="asymp")
        cases.append({
            "name": name,
            "a": r(a),
            "b": r(b),
            "wasserstein": float(stats.wasserstein_distance(a, b)),
            "stdA": float(np.std(a)),
            "ksStatistic": float(ks.statistic),
            # The limiting (Kolmogorov) distribution, as scipy's "asymp" used before 1.5: newer scipy
            # uses kstwo at round(en), which differs by a few percent at these sizes.
            "ksPValue": float(stats.kstwobign.sf(np.sqrt(len(a) * len(b) / (len(a) + len(b))) * ks.statistic)),
            "ksPValueScipy": float(ks.pvalue),
        })
    # Weighted values, as a sketch's buckets are.
    u, v = [0.5, 1.5, 3.0, 7.0], [1.0, 2.0, 3.0, 9.0]
    uw, vw = [3, 1, 4, 2], [1, 5, 2, 2]
    weighted = {"u": u, "v": v, "uw": uw, "vw": vw, "wasserstein": float(stats.wasserstein_distance(u, v, uw, vw))}
    return cases, weighted


def categorical_cases():
    cases = []
    for name, ref, cur in [
        ("mild", [500, 300, 200], [480, 320, 200]),
        ("shifted", [500, 300, 200], [200, 300, 500]),
        ("new category", [600, 400, 0], [500, 300, 200]),
        ("five", [10, 20, 30, 25, 15], [12, 18, 33, 20, 17]),
    ]:
        ref_a = np.array(ref, float)
        cur_a = np.array(cur, float)
        shares = np.where(ref_a / ref_a.sum() == 0, 1e-4, ref_a / ref_a.sum())
        expected = shares * cur_a.sum()
        # scipy's chisquare wants equal sums: the statistic itself is what Evidently's test uses.
        stat = float(((cur_a - expected) ** 2 / expected).sum())
        p = float(stats.chi2.sf(stat, len(ref) - 1))
        rs = ref_a / ref_a.sum()
        cs = cur_a / cur_a.sum()
        rs_p = np.where(rs == 0, 0.0001, rs)
        cs_p = np.where(cs == 0, 0.0001, cs)
        cases.append({
            "name": name,
            "reference": ref,
            "current": cur,
            "jensenShannon": float(jensenshannon(ref_a, cur_a)),
            "chiSquared": stat,
            "chiSquaredPValue": p,
            "psi": float(((cs_p - rs_p) * np.log(cs_p / rs_p)).sum()),
        })
    return cases


def chi2_sf_cases():
    return [{"x": x, "df": df, "sf": float(stats.chi2.sf(x, df))} for x, df in
            [(0.5, 1), (3.84, 1), (10.0, 3), (25.0, 10), (2.0, 7), (120.0, 99), (1e-3, 2)]]


def kolmogorov_cases():
    return [{"x": x, "sf": float(stats.kstwobign.sf(x))} for x in [0.3, 0.5, 0.8, 1.0, 1.36, 2.0, 3.0]]


def bh_cases():
    p = r(rng.uniform(0, 0.2, 12)) + [0.001, 0.04, 0.5]
    m = len(p)
    order = np.argsort(p)
    ranked = np.array(p)[order] * m / np.arange(1, m + 1)
    adj = np.minimum.accumulate(ranked[::-1])[::-1]
    out = np.empty(m)
    out[order] = np.minimum(adj, 1)
    return {"p": p, "adjusted": r(out)}


def calibration_cases():
    cases = []
    for name, n in [("overconfident", 400), ("small", 25)]:
        s = rng.uniform(0.34, 1.0, n)
        truth = rng.uniform(0, 1, n) < (s - 0.2)  # right less often than the score says
        s = np.round(s, 3)
        y = truth.astype(float)
        iso = IsotonicRegression(out_of_bounds="clip").fit(s, y)
        grid = [0.2, 0.35, 0.5, 0.62, 0.75, 0.9, 0.99, 1.2]
        cal = iso.predict(s)
        cases.append({
            "name": name,
            "scores": r(s),
            "correct": r(y),
            "grid": grid,
            "predicted": r(iso.predict(grid)),
            "meanCalibrated": float(np.mean(cal)),
            "ci95HalfWidth": float(1.959964 * np.sqrt(np.sum(cal * (1 - cal))) / n),
        })
    # Weighted fit with ties.
    x = [1, 2, 2, 3, 4, 4, 5]
    y = [1, 3, 2, 2, 5, 1, 4]
    w = [1, 2, 1, 1, 1, 3, 2]
    iso = IsotonicRegression(out_of_bounds="clip").fit(x, y, sample_weight=w)
    weighted = {"x": x, "y": y, "w": w, "grid": [0, 1, 1.5, 2, 2.5, 3, 4, 4.5, 5, 6], "predicted": r(iso.predict([0, 1, 1.5, 2, 2.5, 3, 4, 4.5, 5, 6]))}
    return cases, weighted


numeric, weighted = numeric_cases()
with open(os.path.join(HERE, "statistics.json"), "w") as f:
    json.dump({
        "numeric": numeric,
        "weighted": weighted,
        "categorical": categorical_cases(),
        "chi2Sf": chi2_sf_cases(),
        "kolmogorovSf": kolmogorov_cases(),
        "benjaminiHochberg": bh_cases(),
    }, f, indent=1)
cal, wcal = calibration_cases()
with open(os.path.join(HERE, "calibration.json"), "w") as f:
    json.dump({"cases": cal, "weighted": wcal}, f, indent=1)
print("written")
