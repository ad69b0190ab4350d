from functools import wraps
from urllib.parse import urlencode

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect, render
from django.urls import reverse

from accounts.roles import ORGANIZER


def _forbidden(request, role):
    """A 403 page that says why and what to do next (switch role or request access)."""
    return render(
        request,
        "accounts/forbidden.html",
        {
            "needed_role": role,
            "can_switch": request.user.is_organizer,
            "next": request.get_full_path(),
        },
        status=403,
    )


def requires_role(role: str):
    """Anonymous users go to sign-in with `next`; signed-in users without the role get 403.

    For the organizer role the account must be an approved organizer *and* the session's
    active role must be organizer. Every user is a buyer, so the buyer role only needs sign-in.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if role == ORGANIZER and not (
                request.user.is_organizer and request.active_role == ORGANIZER
            ):
                return _forbidden(request, role)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


organizer_required = requires_role(ORGANIZER)


class OrganizerRequiredMixin:
    """Class-based views: the same rule as `organizer_required`."""

    @classmethod
    def as_view(cls, **initkwargs):
        return organizer_required(super().as_view(**initkwargs))


def buyer_profile_required(view):
    """Checkout and the like: a buyer must have a full name and phone first.

    Anonymous users sign in first; an incomplete profile goes to /onboarding/buyer and comes
    back here afterwards (`next`).
    """

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not request.user.buyer_profile_complete:
            query = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse('accounts:onboarding_buyer')}?{query}")
        return view(request, *args, **kwargs)

    return wrapped
