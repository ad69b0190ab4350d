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
