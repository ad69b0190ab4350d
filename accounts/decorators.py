from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from accounts.roles import ORGANIZER


def requires_role(role: str):
    """Anonymous users go to sign-in with `next`; signed-in users without the role get 403.

    For the organizer role the account must be an approved organizer *and* the session's
    active role must be organizer.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if role == ORGANIZER and not (
                request.user.is_organizer and request.active_role == ORGANIZER
            ):
                raise PermissionDenied("Switch to your organizer account to open this page.")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


organizer_required = requires_role(ORGANIZER)
