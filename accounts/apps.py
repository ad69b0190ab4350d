from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Users and organizer requests"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        # guests: imported for its receivers (the claim on verification, the end of a guest
        # session).
        from accounts import guests, user_cache  # noqa: F401
        from accounts.models import TeamMember, User
        from events.models import Organizer

        # Who is signed in is cached between requests (accounts.user_cache): a change to the
        # user, their organizer or their team membership makes the next request read it again.
        for signal in (post_save, post_delete):
            signal.connect(user_cache.user_changed, sender=User, dispatch_uid=f"uc-user-{signal}")
            signal.connect(
                user_cache.organizer_changed, sender=Organizer, dispatch_uid=f"uc-org-{signal}"
            )
            signal.connect(
                user_cache.membership_changed, sender=TeamMember, dispatch_uid=f"uc-team-{signal}"
            )
