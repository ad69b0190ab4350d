"""The organizer workspace's own data: API tokens for team members' tools."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q


class ApiTokenQuerySet(models.QuerySet):
    def live(self):
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    """A secret a team member's tool sends as `Authorization: Bearer <token>` to /api/v1.

    It acts as that member (their role still decides what it may do, and leaving the team
    ends it), narrowed to reading or writing and, optionally, to chosen events. Only a hash
    is stored: the token is shown once, when it is created.
    """

    class Scope(models.TextChoices):
        READ = "read", "Read only"
        WRITE = "write", "Read and write"

    PREFIX = "gt_"

    organizer = models.ForeignKey(
        "events.Organizer", on_delete=models.CASCADE, related_name="api_tokens"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=80)
    scope = models.CharField(max_length=5, choices=Scope.choices, default=Scope.READ)
    # Empty: every event the member can reach.
    events = models.ManyToManyField("events.Event", blank=True, related_name="+")
    digest = models.CharField(max_length=64, unique=True, editable=False)
    hint = models.CharField(
        max_length=12, editable=False, help_text="The token's first characters."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(scope__in=["read", "write"]), name="token_scope")
        ]

    def __str__(self):
        return f"{self.name} ({self.hint}…)"

    @staticmethod
    def digest_of(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @classmethod
    def new_secret(cls) -> str:
        return cls.PREFIX + secrets.token_urlsafe(32)

    @property
    def can_write(self) -> bool:
        return self.scope == self.Scope.WRITE


class Activity(models.Model):
    """Who changed what on an organizer's side, and when: one row per successful change made
    through the workspace's pages (organizer.middleware.ActivityLogMiddleware). Refunds,
    admissions and order changes also keep their own `requested_by`, `checked_in_by`, `actor`.
    """

    organizer = models.ForeignKey(
        "events.Organizer", on_delete=models.CASCADE, related_name="activities"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=60)  # the URL name of the change
    event = models.ForeignKey(
        "events.Event", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    path = models.CharField(max_length=255)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name_plural = "activities"

    LABELS = {
        "event_create": "created an event",
        "event_edit": "edited the event",
        "event_publish": "published the event",
        "event_unpublish": "unpublished the event",
        "event_cancel": "cancelled the event",
        "ticket_type_add": "added a ticket type",
        "ticket_type_edit": "edited a ticket type",
        "ticket_type_delete": "removed a ticket type",
        "seat_section_add": "added a seat section",
        "seat_section_rename": "renamed a seat section",
        "seat_section_delete": "deleted a seat section",
        "seat_row_rename": "renamed a seat row",
        "seat_selection": "changed seats",
        "promo_code_create": "created a promo code",
        "promo_code_edit": "edited a promo code",
        "promo_code_deactivate": "deactivated a promo code",
        "organizer_order": "refunded an order",
        "order_resend": "resent an order's tickets",
        "waitlist_offer": "sent a waitlist offer",
        "waitlist_remove": "removed someone from the waitlist",
        "team": "invited someone to the team",
        "team_revoke": "withdrew an invitation",
        "team_remove": "removed a team member",
        "payout_details": "changed the payout details",
    }

    def __str__(self):
        return f"{self.actor} {self.action} at {self.at:%Y-%m-%d %H:%M}"

    @property
    def label(self) -> str:
        return self.LABELS.get(self.action, self.action.replace("_", " "))
