from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.utils.functional import SimpleLazyObject

from accounts import roles, viewer


def defers_session_check(view):
    """Marks a view that may answer without reading the session (the on-sale crowd's hold
    requests that this process can already refuse): the middleware leaves the session alone
    and the view calls `end_session_if_lapsed` before it first asks who the buyer is."""
    view.defers_session_check = True
    return view


def end_session_if_lapsed(request) -> None:
    """Ends a session that outlived its role's lifetime (8 hours as a buyer, 2 hours as an
    organizer), and starts the clock for sessions signed in some other way (admin sign-in).
    Runs once per request."""
    if getattr(request, "_session_lifetime_checked", False):
        return
    request._session_lifetime_checked = True
    # The session's keys say whether it is signed in; the user row is loaded only when
    # something asks for it (the on-sale crowd's hold requests never do).
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
    """Puts the session's active role on the request as `request.active_role`, ends
    sessions that outlived their role (`end_session_if_lapsed`) before the view runs, unless
    the view does that itself (`defers_session_check`), and refreshes what pages show about
    the signed-in user when the request loaded the user row anyway (accounts.viewer)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.active_role = SimpleLazyObject(lambda: roles.active_role(request))
        response = self.get_response(request)
        viewer.remember_if_loaded(request)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not getattr(view_func, "defers_session_check", False):
            end_session_if_lapsed(request)
        return None
