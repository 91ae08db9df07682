"""A small training job that tracks itself in the team's MLflow: parameters, a metric per epoch, the model.

Runs in a team with experiment tracking on: the portal gives its pods MLFLOW_TRACKING_URI, so the MLflow client
needs no other setting (`python /opt/examples/train_mlflow.py`). Needs NumPy, scikit-learn and the MLflow client
(mlflow-skinny or mlflow). Options:
  --experiment NAME  the experiment the run goes to (default "examples")
  --model NAME       registers the trained model under this name in the team's model registry (default: none)
  --epochs N         passes over the data (default 10)
  --samples N        size of the synthetic data set (default 5000)
  --seed N           random seed (default 0)
The run's tag "probe" holds a few test rows and the predictions the trained model gives them in-process (JSON:
{"inputs": [[...], ...], "predictions": [...]}), so a deployment of the model can be checked against them.
Prints the run id; exits 0 once the run is finished, 1 when tracking is not set up, 2 on bad options.
"""

import argparse
import json
import os
import sys

import mlflow
import mlflow.sklearn
import numpy as np
from sklearn.datasets import make_classification
from sklearn.linear_model import SGDClassifier
from sklearn.metrics import accuracy_score, log_loss
from sklearn.model_selection import train_test_split


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--experiment", default="examples")
    parser.add_argument("--model", default=None)
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--samples", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if args.epochs < 1 or args.samples < 100:
        parser.error("--epochs must be >= 1 and --samples >= 100")
    if not os.environ.get("MLFLOW_TRACKING_URI"):
        print("MLFLOW_TRACKING_URI is not set: switch on experiment tracking for the team first", flush=True)
        return 1

    print(f"tracking to {os.environ['MLFLOW_TRACKING_URI']} (mlflow {mlflow.__version__})", flush=True)
    mlflow.set_experiment(args.experiment)
    x, y = make_classification(n_samples=args.samples, n_features=20, n_informative=8, n_classes=3,
                               random_state=args.seed)
    x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.2, random_state=args.seed)
    classes = np.unique(y)
    model = SGDClassifier(loss="log_loss", learning_rate="adaptive", eta0=0.01, random_state=args.seed)

    with mlflow.start_run() as run:
        print(f"run {run.info.run_id} in experiment {args.experiment}", flush=True)
        mlflow.log_params({"epochs": args.epochs, "samples": args.samples, "seed": args.seed, "eta0": 0.01})
        for epoch in range(1, args.epochs + 1):
            model.partial_fit(x_train, y_train, classes=classes)
            loss = log_loss(y_test, model.predict_proba(x_test), labels=classes)
            acc = accuracy_score(y_test, model.predict(x_test))
            mlflow.log_metrics({"val_loss": loss, "val_accuracy": acc}, step=epoch)
            print(f"epoch {epoch}/{args.epochs} loss={loss:.4f} val_acc={acc:.4f}", flush=True)
        # what a deployment of this model must answer: a few test rows and their predictions, in-process
        probe = x_test[:5]
        mlflow.set_tag("probe", json.dumps({"inputs": probe.tolist(),
                                            "predictions": model.predict(probe).tolist()}))
        # naming the requirements spares MLflow loading the model again in a subprocess to infer them;
        # cloudpickle, as MLflow before 3.17 did (its new default, skops, is one more package in the image)
        mlflow.sklearn.log_model(model, name="model", registered_model_name=args.model,
                                 pip_requirements=["scikit-learn", "numpy", "cloudpickle"],
                                 serialization_format=mlflow.sklearn.SERIALIZATION_FORMAT_CLOUDPICKLE)
    print(f"run {run.info.run_id} finished: val_acc={acc:.4f}"
          + (f"; model registered as {args.model}" if args.model else ""), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
