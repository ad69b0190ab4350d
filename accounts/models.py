import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models import Q
from phonenumber_field.modelfields import PhoneNumberField


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    """Everyone is a buyer; an approved `events.Organizer` profile, or a place on an
    organizer's team, makes them an organizer too."""

    username = None
    first_name = None
    last_name = None
    email = models.EmailField("email address", unique=True)
    full_name = models.CharField(max_length=150, blank=True)
    phone = PhoneNumberField(blank=True)
    # A buyer who checked out without an account (accounts.guests): inactive, no usable
    # password, never signed in as. `guest_email` is the address they gave; it stays when a
    # real account takes the email (User.email then steps aside) so the verified account can
    # claim what the guest bought.
    is_guest = models.BooleanField(default=False)
    guest_email = models.EmailField(blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []
    objects = UserManager()

    class Meta:
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(
                fields=["guest_email"],
                condition=Q(is_guest=True) & ~Q(guest_email=""),
                name="one_guest_per_email",
            )
        ]

    def __str__(self):
        return self.email

    def get_full_name(self):
        return self.full_name or self.email

    def get_short_name(self):
        return (self.full_name.split() or [self.email])[0]

    @property
    def is_organizer(self) -> bool:
        """Owns an active organizer, or is on the team of one (organizer.TeamMember)."""
        organizer = getattr(self, "organizer", None)
        if organizer is not None and organizer.is_active:
            return True
        member = getattr(self, "team_membership", None)
        return member is not None and member.organizer.is_active

    @property
    def buyer_profile_complete(self) -> bool:
        return bool(self.full_name and self.phone)


class OrganizerRequest(models.Model):
    """A buyer asks for organizer access; staff approve or reject it in the admin."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending review"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="organizer_requests"
    )
    organization_name = models.CharField(max_length=150)
    contact_phone = PhoneNumberField()
    city = models.CharField(max_length=80)
    description = models.TextField(max_length=2000)
    website = models.URLField(blank=True)
    instagram = models.CharField(max_length=100, blank=True)
    twitter = models.CharField(max_length=100, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(status="pending"),
                name="one_pending_organizer_request_per_user",
            )
        ]

    def __str__(self):
        return f"{self.organization_name} ({self.get_status_display()})"


class TeamRole(models.TextChoices):
    OWNER = "owner", "Owner"
    MANAGER = "manager", "Manager"
    DOOR_STAFF = "door_staff", "Door staff"


def new_invitation_token() -> str:
    return secrets.token_urlsafe(32)


class TeamMember(models.Model):
    """A person on an organizer's team. The account that owns the organizer (Organizer.user)
    is its owner without a row here; a person belongs to one team."""

    organizer = models.ForeignKey("events.Organizer", on_delete=models.CASCADE, related_name="team")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="team_membership"
    )
    role = models.CharField(max_length=20, choices=TeamRole.choices)
    # Door staff check in these events only; owners and managers work on every event.
    events = models.ManyToManyField("events.Event", blank=True, related_name="+")
    # Door staff scan; searching the guest list and admitting by hand is granted per person.
    can_admit_by_hand = models.BooleanField(default=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["joined_at"]

    def __str__(self):
        return f"{self.user} ({self.get_role_display()} at {self.organizer})"


class Invitation(models.Model):
    """An emailed invitation to join a team with a role; accepted once, by that email."""

    organizer = models.ForeignKey(
        "events.Organizer", on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField()
    role = models.CharField(max_length=20, choices=TeamRole.choices)
    events = models.ManyToManyField("events.Event", blank=True, related_name="+")
    can_admit_by_hand = models.BooleanField(default=False)
    token = models.CharField(max_length=64, unique=True, default=new_invitation_token)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organizer", "email"],
                condition=Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="one_open_invitation_per_email",
            )
        ]

    def __str__(self):
        return f"{self.email} as {self.get_role_display()} ({self.organizer})"

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None
