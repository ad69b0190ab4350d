"""The site's URLs plus /bench/ceiling: a bare page rendered from a template with no database,
the ceiling every benchmark figure is measured against (through the same middleware)."""

from django.shortcuts import render
from django.urls import include, path


def ceiling(request):
    return render(request, "benchmarks/ceiling.html", {"title": "ceiling"})


urlpatterns = [
    path("bench/ceiling", ceiling, name="bench_ceiling"),
    path("", include("getiickets.urls")),
]
