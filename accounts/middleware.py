from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.utils.functional import SimpleLazyObject

from accounts import roles


class ActiveRoleMiddleware:
    """Puts the session's active role on the request as `request.active_role`.

    It also ends sessions that outlived their role's lifetime (8 hours as a buyer, 2 hours as
    an organizer), and starts the clock for sessions signed in some other way (admin sign-in).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # The session's keys say whether it is signed in; the user row is loaded only when
        # something asks for it (the on-sale crowd's hold requests never do).
        if SESSION_KEY in getattr(request, "session", {}):
            if roles.session_has_ended(request):
                role = request.session.get(roles.SESSION_KEY, roles.BUYER)
                hours = int(roles.session_age(role).total_seconds() // 3600)
                logout(request)
                messages.info(
                    request,
                    f"For your security you were signed out after {hours} hours. "
                    "Please sign in again.",
                )
            elif roles.DEADLINE_KEY not in request.session and request.user.is_authenticated:
                roles.set_active_role(request, roles.active_role(request))
        request.active_role = SimpleLazyObject(lambda: roles.active_role(request))
        return self.get_response(request)
