from django.apps import AppConfig


class SiteConfig(AppConfig):
    """Site-wide pages: home, content pages, newsletter, support, health."""

    name = "getiickets"
    verbose_name = "Site"

    def ready(self):
        from anymail.signals import pre_send

        pre_send.connect(_no_transaction_open, dispatch_uid="getiickets.external.email")


def _no_transaction_open(sender, message, esp_name, **kwargs):
    """Every email through an ESP (Brevo) leaves with no database transaction open."""
    from getiickets.external import ensure_outside_transaction

    ensure_outside_transaction(esp_name)
