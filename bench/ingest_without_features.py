"""`casefile ingest` with the per-message analysis features switched off in the workers: the
baseline `ingest_bench.py --only analysis` compares against. Bench use only."""
import sys

import casefile.ingest.registry as registry
import casefile.ingest.runner as runner
from casefile.cli import main

registry.add_features = lambda doc, own_text, defer_sketch=False: None   # the workers fork after this
runner.sketch_batch = lambda blobs: None

if __name__ == "__main__":
    sys.exit(main())
