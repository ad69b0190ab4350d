"""The project's Celery app, with broker redelivery tuned for the worker-crash tests.

`celery -A tests.standins.celery_worker worker` runs the real app and tasks; only the Redis
transport's visibility timeout is short (GT_VISIBILITY_TIMEOUT seconds), so a message held
by a SIGKILLed worker is handed to the next worker within seconds instead of an hour.

The crash tests choose where a worker is when they kill it from outside the product: the
Brevo and Twilio stand-ins can take a message and hold their answer (`hold_next_reply`),
`HangsAfterWritingBackend` is a mail server that never says OK, and
STANDIN_SLOW_PDF_SECONDS makes this worker's PDF rendering slow (a very large order).
"""

import os
import threading
import time

from celery.signals import worker_init

from getiickets.celery import app
from getiickets.mail import ConsoleEmailBackend

app.conf.broker_transport_options = {
    **app.conf.broker_transport_options,
    "visibility_timeout": int(os.environ.get("GT_VISIBILITY_TIMEOUT", "600")),
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}


class HangsAfterWritingBackend(ConsoleEmailBackend):
    """Writes the email like the console backend, then never returns while the test runs."""

    def send_messages(self, email_messages):
        sent = super().send_messages(email_messages)
        threading.Event().wait(600)
        return sent


@worker_init.connect
def slow_pdf_rendering(**kwargs):
    seconds = float(os.environ.get("STANDIN_SLOW_PDF_SECONDS") or 0)
    if not seconds:
        return
    import django

    django.setup()
    from tickets import pdf

    render = pdf.render_pdf_bytes

    def slowly(**kwargs):
        time.sleep(seconds)
        return render(**kwargs)

    pdf.render_pdf_bytes = slowly


__all__ = ["app"]
