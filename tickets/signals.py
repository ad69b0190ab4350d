"""Signals other apps listen to.

stock_freed: sent (on commit) when held or sold stock goes back on sale — an expired or
released hold, a refund. Keyword argument: ticket_type_ids (list of TicketType pks).
"""

from django.dispatch import Signal

stock_freed = Signal()
