from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth import get_user_model

from accounts import user_cache


class AuthenticationBackend(AllauthBackend):
    """allauth's backend, loading the signed-in user together with their organizer row:
    every page's header asks whether the user is an organizer, which was a second query on
    every signed-in request (and a team member's organizer, for the same question). The
    loaded user is kept in the shared cache between requests (accounts.user_cache)."""

    def get_user(self, user_id):
        user = user_cache.get(user_id, lambda: self._load(user_id))
        return user if user is not None and self.user_can_authenticate(user) else None

    def _load(self, user_id):
        # No ordering: one row by its key (the model's ordering costs compile time here,
        # on every signed-in request).
        users = (
            get_user_model()
            ._default_manager.select_related("organizer", "team_membership__organizer")
            .order_by()
        )
        try:
            return users.get(pk=user_id)
        except users.model.DoesNotExist:
            return None

    def user_can_authenticate(self, user):
        # A guest buyer (accounts.guests) is never signed in as, whatever is typed.
        return super().user_can_authenticate(user) and not getattr(user, "is_guest", False)
