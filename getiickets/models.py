"""Site-wide records: newsletter sign-ups and messages sent from the support page."""

from django.conf import settings
from django.db import models


class NewsletterSubscriber(models.Model):
    """One address on the "what's on" newsletter. Stored lower-cased; one row per address."""

    email = models.EmailField(unique=True)
    source = models.CharField(
        max_length=40, blank=True, default="home", help_text="Where the visitor signed up."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return self.email


class SupportMessage(models.Model):
    """A message from the /support contact form. Staff are emailed at SUPPORT_EMAIL."""

    class Topic(models.TextChoices):
        BUYING = "buying", "Buying tickets"
        PAYMENT = "payment", "Payment problem (charged but no ticket)"
        TICKETS = "tickets", "I can't find my tickets"
        TRANSFER = "transfer", "Transferring a ticket"
        REFUND = "refund", "Refunds and cancelled events"
        ORGANIZER = "organizer", "Selling tickets as an organizer"
        ACCOUNT = "account", "My account and sign-in"
        OTHER = "other", "Something else"

    name = models.CharField(max_length=100)
    email = models.EmailField()
    topic = models.CharField(max_length=20, choices=Topic.choices)
    order_reference = models.CharField(max_length=40, blank=True)
    message = models.TextField()
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="support_messages",
    )
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    is_resolved = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.get_topic_display()} — {self.name} <{self.email}>"
