"""The benchmarks' bare page is a route of benchmarks.urls only, never of the product."""

import pytest


@pytest.mark.django_db
def test_the_product_has_no_benchmark_route(client):
    assert client.get("/bench/ceiling").status_code == 404


@pytest.mark.django_db
def test_the_benchmarks_settings_add_the_bare_page(client, settings):
    from benchmarks import settings as bench

    settings.ROOT_URLCONF = bench.ROOT_URLCONF
    settings.TEMPLATES = bench.TEMPLATES
    response = client.get("/bench/ceiling")
    assert response.status_code == 200
    assert b"A bare page rendered from a template" in response.content
