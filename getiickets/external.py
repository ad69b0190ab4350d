"""Calls that leave the building (Paystack, Brevo, Twilio, S3) are never made inside a
database transaction.

A transaction or row lock held for a network round trip stalls everybody queued behind that
row (on SQLite: behind the whole file) for as long as the provider takes to answer, and on
the embedded site the provider can be this very server (the Paystack sandbox), which then
waits on itself. So every such call first asks `ensure_outside_transaction`: in development
and tests (STRICT_EXTERNAL_CALLS) a call inside a transaction raises; in production it is
logged as an error and goes ahead, so a missed path is slow, never a failed payment.
"""

import logging

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

log = logging.getLogger(__name__)


class CalledInsideTransaction(RuntimeError):
    """A call to an external service was made while a database transaction was open."""


def in_transaction(using: str = DEFAULT_DB_ALIAS) -> bool:
    """True inside an `atomic` block of our own (not the one a Django TestCase wraps around
    each test, which stands for autocommit)."""
    return any(
        not getattr(block, "_from_testcase", False) for block in connections[using].atomic_blocks
    )


def ensure_outside_transaction(what: str) -> None:
    if not in_transaction():
        return
    message = f"{what} was called inside a database transaction"
    if settings.STRICT_EXTERNAL_CALLS:
        raise CalledInsideTransaction(message)
    log.error(message)
