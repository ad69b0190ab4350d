from django.contrib import messages
from django.contrib.auth import logout

from accounts import roles


class ActiveRoleMiddleware:
    """Puts the session's active role on the request as `request.active_role`.

    It also ends sessions that outlived their role's lifetime (8 hours as a buyer, 2 hours as
    an organizer), and starts the clock for sessions signed in some other way (admin sign-in).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            if roles.session_has_ended(request):
                role = request.session.get(roles.SESSION_KEY, roles.BUYER)
                hours = int(roles.session_age(role).total_seconds() // 3600)
                logout(request)
                messages.info(
                    request,
                    f"For your security you were signed out after {hours} hours. "
                    "Please sign in again.",
                )
            elif roles.DEADLINE_KEY not in request.session:
                roles.set_active_role(request, roles.active_role(request))
        request.active_role = roles.active_role(request)
        return self.get_response(request)
