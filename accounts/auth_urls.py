"""allauth under /auth/, at the PRD's addresses. The URL names are allauth's own
(account_login, account_signup, account_reset_password, ...), so allauth and our templates
reverse them as usual; allauth's remaining views keep their default paths."""

from allauth.account import urls as allauth_account_urls
from allauth.account import views as allauth_views
from django.urls import path, re_path
from django.views.generic import RedirectView

from accounts import views

overridden = [
    path("login", views.login, name="account_login"),
    path("login/", RedirectView.as_view(pattern_name="account_login", query_string=True)),
    path("logout", allauth_views.logout, name="account_logout"),
    path("register", allauth_views.signup, name="account_signup"),
    path("signup/", RedirectView.as_view(pattern_name="account_signup", query_string=True)),
    path("forgot-password", allauth_views.password_reset, name="account_reset_password"),
    path(
        "forgot-password/sent",
        allauth_views.password_reset_done,
        name="account_reset_password_done",
    ),
    path("reset-password", views.reset_password, name="reset_password"),
    path(
        "reset-password/done",
        allauth_views.password_reset_from_key_done,
        name="account_reset_password_from_key_done",
    ),
    re_path(
        r"^reset-password/(?P<uidb36>[0-9A-Za-z]+)-(?P<key>.+)$",
        allauth_views.password_reset_from_key,
        name="account_reset_password_from_key",
    ),
    path(
        "verify-email",
        allauth_views.email_verification_sent,
        name="account_email_verification_sent",
    ),
    re_path(
        r"^verify-email/(?P<key>[-:\w]+)$",
        allauth_views.confirm_email,
        name="account_confirm_email",
    ),
    path("email", allauth_views.email, name="account_email"),
    path("password/change", allauth_views.password_change, name="account_change_password"),
    path("password/set", allauth_views.password_set, name="account_set_password"),
]

_names = {p.name for p in overridden if p.name}
urlpatterns = overridden + [
    p for p in allauth_account_urls.urlpatterns if getattr(p, "name", None) not in _names
]
