"""Guest checkout (issue 18 item 3): buying with a name, an email and a +234 number, no password.

A guest is a `User` row with `is_guest` set, one per email address: inactive, with no usable
password and no allauth EmailAddress, so nobody signs in as it or resets a password into it.
The browser is never signed in as that row. The session (stored on the server) names the
guest it checks out for, and lists the holds and orders *this session* made or opened by
their signed link: typing somebody's email into the guest form binds a session to the same
guest row but shows none of that person's reservations or orders.

An email that belongs to a real account is refused here (the buyer signs in instead). When
a real account is created with a guest's email the guest row's `email` steps aside; once the
account verifies the address, everything the guest owned moves to it (`claim`), so the
dashboard shows those orders. An unverified sign-up reveals nothing.
"""

from __future__ import annotations

import logging
from functools import wraps

from allauth.account.models import EmailAddress
from allauth.account.signals import email_confirmed
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.db import IntegrityError, transaction
from django.dispatch import Signal, receiver

from accounts import user_cache
from accounts.models import User
from getiickets.errors import DomainError

log = logging.getLogger(__name__)

SESSION_KEY = "guest_checkout"
OFFER_KEY = "guest_checkout_offered"
# Sent when a session starts checking out as a guest (tickets.resume holds the selection).
guest_started = Signal()  # sender=User, request, guest, phone, previous_hold_ids


class HasAccount(DomainError):
    """There is a getiickets account for this email address. Sign in to buy with it."""

    status_code = 409


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def real_account_exists(email: str) -> bool:
    """A (non-guest) account uses this address as its email, or has verified it."""
    email = normalise_email(email)
    return (
        User.objects.filter(email__iexact=email, is_guest=False).exists()
        or EmailAddress.objects.filter(
            email__iexact=email, verified=True, user__is_guest=False
        ).exists()
    )


def _placeholder_email(pk: int) -> str:
    return f"guest-{pk}@guests.invalid"


def guest_for(*, email: str, full_name: str, phone: str) -> User:
    """The guest buyer for this email (created the first time), with the name and phone
    given now. HasAccount when a real account owns the address."""
    email = normalise_email(email)
    if real_account_exists(email):
        raise HasAccount()
    for _attempt in range(2):
        try:
            with transaction.atomic():
                guest = (
                    User.objects.select_for_update()
                    .filter(is_guest=True, guest_email=email)
                    .first()
                )
                if guest is None:
                    guest = User(
                        email=email,
                        guest_email=email,
                        is_guest=True,
                        is_active=False,  # Django and allauth refuse sign-in and resets
                    )
                    guest.set_unusable_password()
                guest.full_name = full_name
                guest.phone = phone
                guest.save()
                return guest
        except IntegrityError:  # two first checkouts for one email at once: use the other
            continue
    raise HasAccount()  # the email was taken by a real account meanwhile


def step_aside(email: str) -> None:
    """A real account is being created with this email: the guest row gives up `email`
    (unique), keeping `guest_email` for the claim after verification."""
    for pk in User.objects.filter(is_guest=True, email__iexact=normalise_email(email)).values_list(
        "pk", flat=True
    ):
        User.objects.filter(pk=pk).update(email=_placeholder_email(pk))
        user_cache.forget(pk)  # update() sends no signal


def guests_with_email(email: str):
    return User.objects.filter(is_guest=True, guest_email=normalise_email(email))


# --- Moving what a guest owns to the account that verified the email ----------------------


def _owned_relations():
    """Every foreign key to User outside accounts and allauth: holds, orders, tickets,
    waitlist entries, promo redemptions, order log actors... (accounts is the lowest layer
    and does not name them)."""
    for rel in User._meta.related_objects:
        field = rel.field
        if not (rel.one_to_many and field.concrete):  # foreign keys, not one-to-ones
            continue
        if rel.related_model._meta.app_label in ("accounts", "account", "admin", "sessions"):
            continue
        yield rel.related_model, field.name


@transaction.atomic
def claim(*, user: User, email: str) -> int:
    """Move everything the guest(s) with this verified email own to `user`. Rows a unique
    rule forbids moving (a live hold or waitlist entry the account already has for the same
    event) stay with the guest and lapse. Returns how many rows moved."""
    if user.is_guest:
        return 0
    moved = 0
    for guest in guests_with_email(email).select_for_update():
        for model, name in _owned_relations():
            rows = model._base_manager.filter(**{name: guest})
            try:
                with transaction.atomic():
                    moved += rows.update(**{name: user})
            except IntegrityError:
                for pk in rows.values_list("pk", flat=True):
                    try:
                        with transaction.atomic():
                            moved += model._base_manager.filter(pk=pk).update(**{name: user})
                    except IntegrityError:
                        log.info("%s %s stays with guest %s (unique rule)", model, pk, guest.pk)
        if not user.full_name and guest.full_name:
            user.full_name = guest.full_name
        if not user.phone and guest.phone:
            user.phone = guest.phone
        user.save(update_fields=["full_name", "phone"])
        guest.email = _placeholder_email(guest.pk)
        guest.guest_email = ""  # claimed: a later guest checkout with it would need sign-in
        guest.save(update_fields=["email", "guest_email"])
    return moved


@receiver(email_confirmed, dispatch_uid="accounts.guests.claim_on_verification")
def claim_on_verification(sender, request=None, email_address=None, **kwargs):
    if email_address is not None:
        claim(user=email_address.user, email=email_address.email)


# --- The session's guest ------------------------------------------------------------------


def _state(request) -> dict:
    session = getattr(request, "session", None)
    return (session.get(SESSION_KEY) if session is not None else None) or {}


def _save(request, state: dict) -> None:
    request.session[SESSION_KEY] = state


def start_session(request, *, guest: User, phone: str) -> None:
    """Bind this session to the guest. Holds made for another guest in this session are
    handed to tickets.resume to release (one reservation per session and event)."""
    state = _state(request)
    previous = [] if state.get("guest") == guest.pk else list(state.get("holds", []))
    # A new session key, as at sign-in: a session id planted or seen before cannot follow.
    request.session.cycle_key()
    _save(
        request,
        {
            "guest": guest.pk,
            "phone": phone,
            "holds": [] if previous else list(state.get("holds", [])),
            "orders": list(state.get("orders", [])),
        },
    )
    request.session.pop(OFFER_KEY, None)
    request.__dict__.pop("_guest_buyer", None)
    guest_started.send(
        sender=User, request=request, guest=guest, phone=phone, previous_hold_ids=previous
    )


def session_guest_id(request) -> int | None:
    return _state(request).get("guest")


def session_guest(request) -> User | None:
    guest_id = session_guest_id(request)
    if not guest_id:
        return None
    return User.objects.filter(pk=guest_id, is_guest=True).first()


def current_buyer(request) -> User | None:
    """Who buys in this request: the signed-in user, else the session's guest, else None.
    The guest is read once per request (views ask more than once)."""
    if request.user.is_authenticated:
        return request.user
    if not hasattr(request, "_guest_buyer"):
        request._guest_buyer = session_guest(request)
    return request._guest_buyer


def buyer_required(view):
    """Steps only a buyer takes (a reservation, checkout): the signed-in user or this
    browser's guest; anybody else signs in first."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if current_buyer(request) is None:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapped


def guest_phone(request) -> str:
    """The +234 number the session's guest gave (E.164): their per-phone limit."""
    if request.user.is_authenticated:
        return ""
    return _state(request).get("phone", "")


def remember_hold(request, hold_id: int) -> None:
    state = _state(request)
    if state and not request.user.is_authenticated:
        state["holds"] = [*state.get("holds", [])[-19:], hold_id]
        _save(request, state)


def session_hold_ids(request) -> list[int]:
    return list(_state(request).get("holds", []))


def guest_hold_rules(request, buyer) -> dict:
    """What tickets.inventory needs to hold for `buyer`: nothing more for an account; for
    the session's guest its phone (the per-phone limit) and the holds this browser made
    (the only ones it may replace)."""
    if not buyer.is_guest:
        return {}
    state = _state(request)
    return {"phone": state.get("phone", ""), "own_hold_ids": list(state.get("holds", []))}


def remember_order(request, order_id: int) -> None:
    """The session placed this order or opened its signed link: it may show it."""
    state = _state(request) or {"orders": []}
    if order_id not in state.get("orders", []):
        state["orders"] = [*state.get("orders", [])[-19:], order_id]
        _save(request, state)


def session_order_ids(request) -> list[int]:
    return list(_state(request).get("orders", []))


def offer(request) -> None:
    """A signed-out buyer is sent to sign in mid-purchase: the page offers guest checkout."""
    request.session[OFFER_KEY] = True


def is_offered(request) -> bool:
    return bool(getattr(request, "session", {}).get(OFFER_KEY))


@receiver(user_logged_in, dispatch_uid="accounts.guests.end_on_sign_in")
def end_on_sign_in(sender, request=None, user=None, **kwargs):
    """Signing in ends checking out as a guest in this browser."""
    if request is not None and hasattr(request, "session"):
        request.session.pop(SESSION_KEY, None)
        request.session.pop(OFFER_KEY, None)
