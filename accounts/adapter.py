from functools import partial
from urllib.parse import urlencode

from allauth.account.adapter import DefaultAccountAdapter
from django.urls import reverse

from accounts.tasks import queue_account_email


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

    def render_mail(self, *args, **kwargs):
        """Every account email (confirmation, "you already have an account", password
        reset) is rendered in the request and sent by a task, the same way for each."""
        message = super().render_mail(*args, **kwargs)
        message.send = partial(queue_account_email, message)
        return message

    def post_login(self, request, user, *, redirect_url=None, **kwargs):
        target = reverse("accounts:after_login")
        if redirect_url and self.is_safe_url(redirect_url):
            target += "?" + urlencode({"next": redirect_url})
        return super().post_login(request, user, redirect_url=target, **kwargs)
