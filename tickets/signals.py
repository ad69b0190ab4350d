"""Signals other apps listen to.

``stock_freed(sender, ticket_type_ids=[...])`` is sent after commit whenever held or sold
stock goes back on sale (a release, an expiry, a refund through ``return_sold``); the waitlist
listens to it to offer the freed tickets.
"""

from django.dispatch import Signal

stock_freed = Signal()
