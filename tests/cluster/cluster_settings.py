"""Settings of the cluster test's processes (web nodes, workers, beats): the application's own,
with beat's schedule replaced by one short job whose runs the test counts."""

import os

from config.settings import *  # noqa: F403

CELERY_IMPORTS = ["tests.cluster.tasks"]
CELERY_BEAT_SCHEDULE = {
    "cluster-tick": {
        "task": "tests.cluster.tasks.tick",
        "schedule": float(os.environ.get("CLUSTER_TICK_SECONDS", "2")),
    }
}
