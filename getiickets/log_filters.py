"""Logging filters."""

import logging


class SkipSoldOutAnswers(logging.Filter):
    """django.request logs every 4xx as a warning. A 409 (sold out, seat just taken) is the
    expected answer to most of an on-sale crowd: thousands a second would drown the logs."""

    def filter(self, record: logging.LogRecord) -> bool:
        return getattr(record, "status_code", None) != 409
