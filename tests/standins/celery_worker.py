"""The project's Celery app, with broker redelivery tuned for the worker-crash tests.

`celery -A tests.standins.celery_worker worker` runs the real app and tasks; only the Redis
transport's visibility timeout is short (GT_VISIBILITY_TIMEOUT seconds), so a message held
by a SIGKILLed worker is handed to the next worker within seconds instead of an hour.
"""

import os

from getiickets.celery import app

app.conf.broker_transport_options = {
    **app.conf.broker_transport_options,
    "visibility_timeout": int(os.environ.get("GT_VISIBILITY_TIMEOUT", "600")),
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}

__all__ = ["app"]
