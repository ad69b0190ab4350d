from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    """Hook for allauth: where to go after sign-in is decided by accounts.views.after_login."""
