"""API token authentication for /api/v1 (kept apart from organizer.api: DRF imports it
while loading its own settings)."""

from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed

from organizer import services
from organizer.models import ApiToken


class ApiTokenAuthentication(BaseAuthentication):
    """`Authorization: Bearer gt_...`: the team member who created the token."""

    def authenticate(self, request):
        words = get_authorization_header(request).split()
        if not words or words[0].lower() != b"bearer":
            return None
        if len(words) != 2:
            raise AuthenticationFailed("Send the header as `Authorization: Bearer <token>`.")
        try:
            secret = words[1].decode("ascii")
        except UnicodeDecodeError:
            raise AuthenticationFailed("This token is not valid or was revoked.") from None
        token = (
            ApiToken.objects.live()
            .select_related("user", "organizer")
            .filter(digest=ApiToken.digest_of(secret))
            .first()
        )
        if token is None or not token.user.is_active:
            raise AuthenticationFailed("This token is not valid or was revoked.")
        services.note_token_use(token)
        return token.user, token

    def authenticate_header(self, request):
        return 'Bearer realm="getiickets"'
