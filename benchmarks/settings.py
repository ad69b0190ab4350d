"""The site's settings plus the benchmarks' bare page, for the servers the benchmarks start
(DJANGO_SETTINGS_MODULE=benchmarks.settings). Production never loads this module, so the
bare page is not a route of the product."""

from getiickets.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.urls"
TEMPLATES[0]["DIRS"] = [*TEMPLATES[0]["DIRS"], BASE_DIR / "benchmarks" / "templates"]  # noqa: F405
