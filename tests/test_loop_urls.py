"""`{% loop_url %}` writes exactly the URL `{% url %}` writes, reversing each view once."""

import pytest
from django.template import Context, Template
from django.urls import NoReverseMatch, reverse

from getiickets.templatetags.loop_urls import loop_reverse, url_shape


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("dashboard:ticket_qr", [7]),
        ("dashboard:ticket_qr", ["123456"]),
        ("orders:detail", ["GT-AB12_cd"]),
        ("orders:detail", ["naïve ref?"]),  # quoted by reverse(), not cut from the shape
        ("events:detail", ["lagos-jazz-night"]),
        ("events:list", []),
    ],
)
def test_the_same_url_as_reverse(name, args):
    assert loop_reverse(name, *args) == reverse(name, args=args)


def test_an_argument_the_pattern_refuses_is_refused_as_by_reverse():
    with pytest.raises(NoReverseMatch):
        loop_reverse("dashboard:ticket_qr", "abc")


def test_the_view_is_reversed_once_per_process():
    url_shape.cache_clear()
    template = Template(
        "{% load loop_urls %}{% for i in r %}{% loop_url 'dashboard:ticket_qr' i %} {% endfor %}"
    )
    out = template.render(Context({"r": [1, 2, 3]}))
    assert out.split() == [reverse("dashboard:ticket_qr", args=[i]) for i in (1, 2, 3)]
    assert url_shape.cache_info().misses == 1
