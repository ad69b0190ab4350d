from django.apps import AppConfig


class SiteConfig(AppConfig):
    """Site-wide pages: home, content pages, newsletter, support, health."""

    name = "getiickets"
    verbose_name = "Site"
