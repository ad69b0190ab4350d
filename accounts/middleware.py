from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.utils.functional import SimpleLazyObject

from accounts import roles


def end_session_if_lapsed(request) -> None:
    """Ends a session that outlived its role's lifetime (8 hours as a buyer, 2 hours as an
    organizer), and starts the clock for sessions signed in some other way (admin sign-in).
    Runs once per request."""
    if getattr(request, "_session_lifetime_checked", False):
        return
    request._session_lifetime_checked = True
    if SESSION_KEY not in getattr(request, "session", {}):
        return
    if roles.session_has_ended(request):
        role = request.session.get(roles.SESSION_KEY, roles.BUYER)
        hours = int(roles.session_age(role).total_seconds() // 3600)
        logout(request)
        messages.info(
            request,
            f"For your security you were signed out after {hours} hours. Please sign in again.",
        )
    elif roles.DEADLINE_KEY not in request.session and request.user.is_authenticated:
        roles.set_active_role(request, roles.active_role(request))


class ActiveRoleMiddleware:
    """Puts the session's active role on the request as `request.active_role` and ends
    sessions that outlived their role (`end_session_if_lapsed`) before the view runs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.active_role = SimpleLazyObject(lambda: roles.active_role(request))
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        end_session_if_lapsed(request)
        return None
