"""Who may do what on an organizer's side: one permission table and one decorator.

Every organizer view is wrapped in `organizer_permission(<permission>)`. It finds the signed-in
person's membership (the account owning an organizer is its owner; others are TeamMember
rows), refuses what their role may not do (403), hides the events a door-staff member was not
given (404, as another organizer's events are), and puts `request.organizer` and
`request.membership` on the request for the view. Views then fetch objects through
`request.organizer` only, so another organizer's objects are never reachable.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import render

from accounts.models import TeamMember, TeamRole
from accounts.roles import ORGANIZER

OWNER, MANAGER, DOOR_STAFF = TeamRole.OWNER, TeamRole.MANAGER, TeamRole.DOOR_STAFF

# Permission -> the roles that have it. The one place a role's reach is decided.
VIEW_DASHBOARD = "view_dashboard"
MANAGE_EVENTS = "manage_events"
VIEW_ORDERS = "view_orders"
REFUND_ORDERS = "refund_orders"
MANAGE_PROMO_CODES = "manage_promo_codes"
MANAGE_WAITLIST = "manage_waitlist"
CHECK_IN = "check_in"  # scan tickets at the door (camera, scanner, offline list)
CHECK_IN_BY_HAND = "check_in_by_hand"  # search the guest list and admit without a scan
MANAGE_TEAM = "manage_team"
PAYOUT_DETAILS = "payout_details"
API_TOKENS = "api_tokens"  # make tokens for one's own tools (they act with one's own role)
VIEW_MONEY = "view_money"  # balances, payouts and statements (payments.payout_views)

PERMISSIONS: dict[str, frozenset[str]] = {
    VIEW_DASHBOARD: frozenset({OWNER, MANAGER}),
    MANAGE_EVENTS: frozenset({OWNER, MANAGER}),
    VIEW_ORDERS: frozenset({OWNER, MANAGER}),
    REFUND_ORDERS: frozenset({OWNER, MANAGER}),
    MANAGE_PROMO_CODES: frozenset({OWNER, MANAGER}),
    MANAGE_WAITLIST: frozenset({OWNER, MANAGER}),
    CHECK_IN: frozenset({OWNER, MANAGER, DOOR_STAFF}),
    CHECK_IN_BY_HAND: frozenset({OWNER, MANAGER}),  # + door staff given it (can_admit_by_hand)
    MANAGE_TEAM: frozenset({OWNER}),
    PAYOUT_DETAILS: frozenset({OWNER}),
    API_TOKENS: frozenset({OWNER, MANAGER, DOOR_STAFF}),
    VIEW_MONEY: frozenset({OWNER, MANAGER}),
}


@dataclass(frozen=True)
class Membership:
    organizer: object  # events.Organizer
    role: str
    event_ids: frozenset[int] | None = None  # None: every event of the organizer
    can_admit_by_hand: bool = False

    @property
    def role_label(self) -> str:
        return TeamRole(self.role).label

    def can(self, permission: str) -> bool:
        if permission not in PERMISSIONS:
            raise KeyError(f"Unknown organizer permission {permission!r}")
        if permission == CHECK_IN_BY_HAND and self.role == DOOR_STAFF:
            return self.can_admit_by_hand
        return self.role in PERMISSIONS[permission]

    def covers_event(self, event_id) -> bool:
        return self.event_ids is None or int(event_id) in self.event_ids

    def events(self, queryset):
        """`queryset` (of events) narrowed to this member's organizer and events."""
        queryset = queryset.filter(organizer=self.organizer)
        if self.event_ids is not None:
            queryset = queryset.filter(pk__in=self.event_ids)
        return queryset


def membership_for(user) -> Membership | None:
    """The user's place on an active organizer's team, or None."""
    if not user.is_authenticated:
        return None
    organizer = getattr(user, "organizer", None)
    if organizer is not None and organizer.is_active:
        return Membership(organizer=organizer, role=OWNER)
    member = (
        TeamMember.objects.select_related("organizer")
        .filter(user=user, organizer__is_active=True)
        .first()
    )
    if member is None:
        return None
    event_ids = None
    if member.role == DOOR_STAFF:
        event_ids = frozenset(member.events.values_list("pk", flat=True))
    return Membership(
        organizer=member.organizer,
        role=member.role,
        event_ids=event_ids,
        can_admit_by_hand=member.can_admit_by_hand,
    )


def request_membership(request) -> Membership | None:
    """The membership of the request's user, looked up once per request."""
    if not hasattr(request, "_organizer_membership"):
        request._organizer_membership = membership_for(request.user)
    return request._organizer_membership


def _forbidden(request, *, membership=None):
    """Not organizing right now (or not an organizer at all): say so and offer the switch."""
    return render(
        request,
        "accounts/forbidden.html",
        {
            "needed_role": ORGANIZER,
            "can_switch": membership is not None,
            "next": request.get_full_path(),
        },
        status=403,
    )


def organizer_permission(permission: str):
    """Signed-in, organizing (active role), on a team whose role has `permission`; an
    `event_id` in the URL must be one of the member's events (404 otherwise)."""
    if permission not in PERMISSIONS:
        raise KeyError(f"Unknown organizer permission {permission!r}")

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            membership = request_membership(request)
            if membership is None or request.active_role != ORGANIZER:
                return _forbidden(request, membership=membership)
            if not membership.can(permission):
                return render(
                    request, "organizer/forbidden.html", {"membership": membership}, status=403
                )
            event_id = kwargs.get("event_id")
            if event_id is not None and not membership.covers_event(event_id):
                raise Http404
            request.organizer = membership.organizer
            request.membership = membership
            return view(request, *args, **kwargs)

        wrapped.organizer_permission = permission
        return wrapped

    return decorator
