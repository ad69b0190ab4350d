"""The organizer side's navigation and each event's tabs, showing only what the signed-in
member's role allows (organizer.permissions)."""

from django import template
from django.urls import reverse

from accounts import permissions as perms

register = template.Library()

# (label, url name, permission, the current-page key)
SECTIONS = [
    ("Dashboard", "organizer:dashboard", perms.VIEW_DASHBOARD, "dashboard"),
    ("Events", "organizer:events", perms.MANAGE_EVENTS, "events"),
    ("Create event", "organizer:event_create", perms.MANAGE_EVENTS, "create"),
    ("Promo codes", "organizer:promo_codes", perms.MANAGE_PROMO_CODES, "promo_codes"),
    ("Check-in", "organizer:check_in_home", perms.CHECK_IN, "check_in"),
    ("Money", "payments:money", perms.VIEW_MONEY, "money"),
    ("Business details", "organizer:payout_details", perms.PAYOUT_DETAILS, "payout"),
    ("Team", "organizer:team", perms.MANAGE_TEAM, "team"),
    ("API tokens", "organizer:api_tokens", perms.API_TOKENS, "api_tokens"),
]

EVENT_TABS = [
    ("Edit", "organizer:event_edit", perms.MANAGE_EVENTS, "edit"),
    ("Tickets", "organizer:event_tickets", perms.MANAGE_EVENTS, "tickets"),
    ("Seats", "organizer:event_seats", perms.MANAGE_EVENTS, "seats"),
    ("Orders", "organizer:orders", perms.VIEW_ORDERS, "orders"),
    ("Analytics", "organizer:analytics", perms.VIEW_ORDERS, "analytics"),
    ("Waitlist", "organizer:waitlist", perms.MANAGE_WAITLIST, "waitlist"),
    ("Waiting room", "organizer:waiting_room", perms.MANAGE_EVENTS, "waiting_room"),
    ("Check-in", "organizer:check_in", perms.CHECK_IN, "check_in"),
    ("Refunds", "orders:event_refunds", perms.REFUND_ORDERS, "refunds"),
]


def _links(membership, entries, current, args=()):
    if membership is None:
        return []
    return [
        {"label": label, "url": reverse(name, args=args), "current": key == current}
        for label, name, permission, key in entries
        if membership.can(permission)
    ]


# The section a page belongs to, by the start of its path (most specific first).
CURRENT_BY_PATH = [
    ("/organizer/events/create", "create"),
    ("/organizer/events", "events"),
    ("/organizer/orders", "events"),
    ("/organizer/dashboard", "dashboard"),
    ("/organizer/promo-codes", "promo_codes"),
    ("/organizer/check-in", "check_in"),
    ("/organizer/payout-details", "payout"),
    ("/organizer/money", "money"),
    ("/organizer/team", "team"),
    ("/organizer/api-tokens", "api_tokens"),
]


def current_section(path: str) -> str:
    return next((key for prefix, key in CURRENT_BY_PATH if path.startswith(prefix)), "")


@register.inclusion_tag("organizer/_nav.html", takes_context=True)
def organizer_nav(context):
    request = context["request"]
    membership = perms.request_membership(request)
    current = current_section(request.path)
    return {"membership": membership, "links": _links(membership, SECTIONS, current)}


@register.inclusion_tag("organizer/_event_tabs.html", takes_context=True)
def event_tabs(context, event, current=""):
    membership = perms.request_membership(context["request"])
    # A seat map belongs to reserved seating only.
    tabs = [t for t in EVENT_TABS if t[3] != "seats" or event.is_reserved_seating]
    return {"event": event, "links": _links(membership, tabs, current, args=[event.pk])}


@register.simple_tag(takes_context=True)
def may(context, permission_name: str) -> bool:
    """{% may "MANAGE_EVENTS" as can_edit %}: whether the signed-in member has it."""
    membership = perms.request_membership(context["request"])
    return bool(membership and membership.can(getattr(perms, permission_name)))
