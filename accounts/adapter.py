from urllib.parse import urlencode

from allauth.account.adapter import DefaultAccountAdapter
from django.urls import reverse


class AccountAdapter(DefaultAccountAdapter):
    """allauth hooks: every sign-in goes through accounts.views.after_login, which sends
    users with both roles to /auth/select-role and everyone else on to `next` (or home)."""

    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "too_many_login_attempts": (
            "Too many failed sign-in attempts. Please wait a few minutes and try again, "
            "or reset your password."
        ),
        "email_password_mismatch": "That email and password don't match. Please try again.",
    }

    def post_login(self, request, user, *, redirect_url=None, **kwargs):
        target = reverse("accounts:after_login")
        if redirect_url and self.is_safe_url(redirect_url):
            target += "?" + urlencode({"next": redirect_url})
        return super().post_login(request, user, redirect_url=target, **kwargs)
