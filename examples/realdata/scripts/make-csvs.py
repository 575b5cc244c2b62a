#!/usr/bin/env python3
"""Writes the real data sets the realdata test trains on, once, and scikit-learn's scores on them.

Run from the repository root with Debian's scikit-learn (apt-get install python3-sklearn):

    /usr/bin/python3 examples/realdata/scripts/make-csvs.py

For each of iris, wine and breast_cancer (classification) and diabetes (regression), as scikit-learn ships them,
it writes examples/realdata/data/<name>/train.csv and test.csv: a header row (the feature names, then the target),
one row per sample, a fixed 75/25 split (stratified by class for classification, seed 0). Then it fits
scikit-learn's MLPClassifier / MLPRegressor on StandardScaler features (fitted on train.csv only) and writes the
held-out accuracy / R² to examples/realdata/data/sklearn-scores.json. The output is deterministic.
"""

import csv
import json
import os
import warnings

import numpy as np
import sklearn
from sklearn import datasets
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import accuracy_score, mean_absolute_error, r2_score
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.preprocessing import StandardScaler

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "data")
SEED = 0
TEST_SIZE = 0.25
HIDDEN = (16,)
MAX_ITER = 2000
# The regressor fits the raw target (25…346) at scikit-learn's default learning rate: it needs more passes.
MAX_ITER_REGRESSION = 20000
SEEDS = range(5)


def number(v):
    """The shortest text that reads back as the same float64 (and integers without a decimal point)."""
    f = float(v)
    return str(int(f)) if f.is_integer() else repr(f)


def write(path, header, X, y):
    with open(path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        for row, target in zip(X, y):
            w.writerow([number(v) for v in row] + [target])


def classification(name, bunch, target):
    X, y = bunch.data, bunch.target
    labels = np.array(bunch.target_names)[y]
    Xtr, Xte, ytr, yte, ltr, lte = train_test_split(
        X, y, labels, test_size=TEST_SIZE, stratify=y, random_state=SEED
    )
    os.makedirs(os.path.join(OUT, name), exist_ok=True)
    header = [str(f) for f in bunch.feature_names] + [target]
    write(os.path.join(OUT, name, "train.csv"), header, Xtr, ltr)
    write(os.path.join(OUT, name, "test.csv"), header, Xte, lte)
    scaler = StandardScaler().fit(Xtr)
    scores = []
    for seed in SEEDS:
        mlp = MLPClassifier(hidden_layer_sizes=HIDDEN, max_iter=MAX_ITER, random_state=seed)
        mlp.fit(scaler.transform(Xtr), ytr)
        scores.append(accuracy_score(yte, mlp.predict(scaler.transform(Xte))))
    linear = LogisticRegression(max_iter=MAX_ITER).fit(scaler.transform(Xtr), ytr)
    return {
        "task": "classification",
        "target": target,
        "classes": [str(c) for c in bunch.target_names],
        "features": len(header) - 1,
        "train_rows": len(ytr),
        "test_rows": len(yte),
        "metric": "accuracy",
        "mlp_random_state_0": round(scores[0], 4),
        "mlp_random_states_0_to_4": [round(s, 4) for s in scores],
        "mlp_mean": round(float(np.mean(scores)), 4),
        "logistic_regression": round(accuracy_score(yte, linear.predict(scaler.transform(Xte))), 4),
    }


def regression(name, bunch, target):
    X, y = bunch.data, bunch.target
    Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=TEST_SIZE, random_state=SEED)
    os.makedirs(os.path.join(OUT, name), exist_ok=True)
    header = [str(f) for f in bunch.feature_names] + [target]
    write(os.path.join(OUT, name, "train.csv"), header, Xtr, [number(v) for v in ytr])
    write(os.path.join(OUT, name, "test.csv"), header, Xte, [number(v) for v in yte])
    scaler = StandardScaler().fit(Xtr)
    scores, maes = [], []
    for seed in SEEDS:
        mlp = MLPRegressor(hidden_layer_sizes=HIDDEN, max_iter=MAX_ITER_REGRESSION, random_state=seed)
        mlp.fit(scaler.transform(Xtr), ytr)
        p = mlp.predict(scaler.transform(Xte))
        scores.append(r2_score(yte, p))
        maes.append(mean_absolute_error(yte, p))
    linear = LinearRegression().fit(scaler.transform(Xtr), ytr)
    return {
        "task": "regression",
        "target": target,
        "features": len(header) - 1,
        "train_rows": len(ytr),
        "test_rows": len(yte),
        "metric": "r2",
        "mlp_random_state_0": round(scores[0], 4),
        "mlp_random_states_0_to_4": [round(s, 4) for s in scores],
        "mlp_mean": round(float(np.mean(scores)), 4),
        "mlp_mae_random_state_0": round(maes[0], 4),
        "linear_regression": round(r2_score(yte, linear.predict(scaler.transform(Xte))), 4),
    }


def main():
    warnings.simplefilter("error", ConvergenceWarning)  # MAX_ITER must be enough
    results = {
        "iris": classification("iris", datasets.load_iris(), "species"),
        "wine": classification("wine", datasets.load_wine(), "cultivar"),
        "breast_cancer": classification("breast_cancer", datasets.load_breast_cancer(), "diagnosis"),
        "diabetes": regression("diabetes", datasets.load_diabetes(scaled=False), "progression"),
    }
    doc = {
        "scikit_learn": sklearn.__version__,
        "model": {
            "features": "StandardScaler fitted on train.csv",
            "hidden_layer_sizes": list(HIDDEN),
            "max_iter": MAX_ITER,
            "max_iter_regression": MAX_ITER_REGRESSION,
            "other": "scikit-learn defaults (relu, adam, learning_rate_init 0.001, alpha 1e-4, batch 200)",
            "baselines": "LogisticRegression / LinearRegression on the same features (scikit-learn defaults)",
        },
        "split": {"test_size": TEST_SIZE, "random_state": SEED, "stratified": "classification only"},
        "datasets": results,
    }
    with open(os.path.join(OUT, "sklearn-scores.json"), "w") as f:
        json.dump(doc, f, indent=2)
        f.write("\n")
    for name, r in results.items():
        base = r.get("logistic_regression", r.get("linear_regression"))
        print(f"{name}: {r['metric']} {r['mlp_random_state_0']} (seeds 0-4: {r['mlp_random_states_0_to_4']}; linear {base})")


if __name__ == "__main__":
    main()
