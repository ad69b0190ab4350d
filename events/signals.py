from django.dispatch import Signal

# Sent with `event` when an organizer cancels an event; payments refunds its paid orders.
event_cancelled = Signal()
