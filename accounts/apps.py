from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Users and organizer requests"

    def ready(self):
        # Imported for its receivers: the claim on verification, the end of a guest session.
        from accounts import guests  # noqa: F401
