"""A training job that fails: it starts, prints a little progress, then exits with status 1.

Used to show (and test) how a failed job looks: the pod ends Failed with exit code 1 and the traceback is in
its log. `python /opt/examples/fail_training.py`
"""

import sys


def main():
    for step in range(1, 4):
        print(f"step {step}/3 loss={1.0 / step:.3f}", flush=True)
    print("Traceback (most recent call last):", file=sys.stderr)
    print("ValueError: the training data is empty (this example fails on purpose)", file=sys.stderr, flush=True)
    return 1


if __name__ == "__main__":
    sys.exit(main())
