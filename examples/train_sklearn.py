"""A small training job: a scikit-learn classifier on a synthetic data set, printing its progress.

Runs in any image with NumPy and scikit-learn (the job runner's notebook images; on the local cluster the
process runtime runs it for real: `python /opt/examples/train_sklearn.py`). Options:
  --epochs N         passes over the data (default 20)
  --samples N        size of the synthetic data set (default 20000)
  --output DIR       where the model is written (default: $OUTPUT_DIR, else the working directory)
  --seed N           random seed (default 0)
Exits 0 after writing model.pkl and metrics.json; exits 2 on bad options.
"""

import argparse
import json
import os
import pickle
import sys
import time

import numpy as np
from sklearn.datasets import make_classification
from sklearn.linear_model import SGDClassifier
from sklearn.metrics import accuracy_score, log_loss
from sklearn.model_selection import train_test_split


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--samples", type=int, default=20000)
    parser.add_argument("--output", default=os.environ.get("OUTPUT_DIR", "."))
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if args.epochs < 1 or args.samples < 100:
        parser.error("--epochs must be >= 1 and --samples >= 100")

    print(f"numpy {np.__version__}; generating {args.samples} samples (seed {args.seed})", flush=True)
    x, y = make_classification(n_samples=args.samples, n_features=40, n_informative=12, n_classes=3,
                               random_state=args.seed)
    x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.2, random_state=args.seed)
    model = SGDClassifier(loss="log_loss", learning_rate="adaptive", eta0=0.01, random_state=args.seed)
    classes = np.unique(y)

    started = time.monotonic()
    for epoch in range(1, args.epochs + 1):
        model.partial_fit(x_train, y_train, classes=classes)
        loss = log_loss(y_test, model.predict_proba(x_test), labels=classes)
        acc = accuracy_score(y_test, model.predict(x_test))
        print(f"epoch {epoch}/{args.epochs} loss={loss:.4f} val_acc={acc:.4f} "
              f"elapsed={time.monotonic() - started:.2f}s", flush=True)

    os.makedirs(args.output, exist_ok=True)
    with open(os.path.join(args.output, "model.pkl"), "wb") as f:
        pickle.dump(model, f)
    metrics = {"val_accuracy": acc, "val_loss": loss, "epochs": args.epochs}
    with open(os.path.join(args.output, "metrics.json"), "w") as f:
        json.dump(metrics, f)
    print(f"training finished: val_acc={acc:.4f}; model written to {os.path.abspath(args.output)}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
