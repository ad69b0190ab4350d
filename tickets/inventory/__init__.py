"""Inventory: how many are left and who holds what, for quantities and seats.

The one service API the rest of the site uses (orders, payments, the organizer pages):
availability (`of_event`, `unavailable_seats`), hold (`hold_tickets`, `hold_seats`),
release (`release_hold`), expire (`expire_lapsed_holds`, `expire_if_lapsed`) and sell
(`sell_hold`, `sell_lapsed_hold`, `return_sold`). PostgreSQL is the truth (holds.py); the
Redis gate in front of it (gate.py, lua/) is kept in step by these services themselves; the
waiting room (waiting_room.py) meters a rush before the selector.
"""

from tickets.inventory.availability import LOW_STOCK, Availability, Row, of_event, unavailable_seats
from tickets.inventory.holds import (
    HOLD_GRACE_SECONDS,
    HoldExpired,
    HoldInProgress,
    InvalidSelection,
    LimitExceeded,
    SalesClosed,
    SeatTaken,
    SoldOut,
    check_event_on_sale,
    check_ticket_type,
    ended_message,
    expire_if_lapsed,
    expire_lapsed_holds,
    hold_duration,
    hold_seats,
    hold_tickets,
    newer_hold,
    reconcile_gate,
    release_hold,
    return_sold,
    sell_hold,
    sell_lapsed_hold,
    sweep_event,
    tickets_bought,
)

__all__ = [
    "HOLD_GRACE_SECONDS",
    "LOW_STOCK",
    "Availability",
    "HoldExpired",
    "HoldInProgress",
    "InvalidSelection",
    "LimitExceeded",
    "Row",
    "SalesClosed",
    "SeatTaken",
    "SoldOut",
    "check_event_on_sale",
    "check_ticket_type",
    "ended_message",
    "expire_if_lapsed",
    "expire_lapsed_holds",
    "hold_duration",
    "hold_seats",
    "hold_tickets",
    "newer_hold",
    "of_event",
    "reconcile_gate",
    "release_hold",
    "return_sold",
    "sell_hold",
    "sell_lapsed_hold",
    "sweep_event",
    "tickets_bought",
    "unavailable_seats",
]
