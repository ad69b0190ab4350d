"""Catalogue filters (django-filter): category, city, date, text search, sort."""

from datetime import datetime, time, timedelta

import django_filters
from django import forms
from django.utils import timezone

from events import services
from events.models import Event
from events.validators import validate_sane_date

WHEN_CHOICES = [
    ("today", "Today"),
    ("weekend", "This weekend"),
    ("month", "This month"),
]
SORT_CHOICES = [
    ("soonest", "Soonest"),
    ("price", "Price: low to high"),
    ("newest", "Newest"),
]
PARAMS = ("q", "category", "city", "when", "date_from", "date_to", "sort", "page")


class CatalogueForm(forms.Form):
    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            raise forms.ValidationError(
                "The “To” date is before the “From” date. Pick an end date on or after the start."
            )
        return data


class EventFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label="Search", max_length=100)
    category = django_filters.CharFilter(field_name="category__slug", label="Category")
    city = django_filters.CharFilter(field_name="venue__city", lookup_expr="iexact", label="City")
    when = django_filters.ChoiceFilter(
        choices=WHEN_CHOICES, method="filter_when", label="When", empty_label="Any date"
    )
    date_from = django_filters.DateFilter(
        validators=[validate_sane_date],
        method="filter_from",
        label="From",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = django_filters.DateFilter(
        validators=[validate_sane_date],
        method="filter_to",
        label="To",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    sort = django_filters.ChoiceFilter(
        choices=SORT_CHOICES, method="filter_sort", label="Sort", empty_label=None
    )

    class Meta:
        model = Event
        fields = []
        form = CatalogueForm

    def filter_q(self, queryset, name, value):
        return services.search(queryset, value)

    def filter_when(self, queryset, name, value):
        window = services.date_window(value)
        return services.overlapping(queryset, *window) if window else queryset

    def filter_from(self, queryset, name, value):
        start = timezone.make_aware(datetime.combine(value, time.min))
        return queryset.filter(ends_at__gt=start)

    def filter_to(self, queryset, name, value):
        end = timezone.make_aware(datetime.combine(value + timedelta(days=1), time.min))
        return queryset.filter(starts_at__lt=end)

    def filter_sort(self, queryset, name, value):
        if value == "price":
            return services.order_by_price(queryset)
        if value == "newest":
            return queryset.order_by("-created_at", "-pk")
        return queryset.order_by("starts_at", "pk")

    @property
    def qs(self):
        queryset = super().qs
        data = self.form.cleaned_data if self.is_bound and self.form.is_valid() else {}
        if data.get("q") and not data.get("sort") and "rank" in queryset.query.annotations:
            queryset = queryset.order_by("-rank", "starts_at", "pk")
        return queryset


def clean_params(querydict) -> dict[str, str]:
    """Only the parameters the catalogue understands (the cache key and links use these)."""
    return {k: querydict.get(k, "").strip()[:100] for k in PARAMS if querydict.get(k, "").strip()}


def _page_number(value) -> int:
    try:
        return max(int(value), 1)
    except (TypeError, ValueError):
        return 1


def catalogue_page(params: dict, *, page_size: int) -> dict:
    """One page of the catalogue for /events and /api/v1/events: filter, count and page plain
    event rows (the index does the work), then load the availability of that page only.

    The count stops at `services.CATALOGUE_COUNT_CAP` ("1,000+ events"): counting every one
    of 100,000 events costs more than the rest of the page. Past the counted pages, a full
    page still links to the next one.
    """
    filterset = EventFilter(params, queryset=services.catalogue_listing())
    if not filterset.is_valid():
        return {"errors": filterset.errors.get_json_data(), "events": [], "count": 0}
    ids = filterset.qs.values_list("pk", flat=True)
    cap = services.CATALOGUE_COUNT_CAP
    counted = ids[: cap + 1].count()
    capped = counted > cap
    count = min(counted, cap)
    last = max(1, -(-count // page_size))
    number = _page_number(params.get("page"))
    if not capped:
        number = min(number, last)
    start = (number - 1) * page_size
    page = list(ids[start : start + page_size + 1])  # one more: is there a next page?
    return {
        "errors": None,
        "events": services.events_by_ids(page[:page_size]),
        "count": count,
        "count_capped": capped,
        "number": number,
        "num_pages": max(last, number + 1 if len(page) > page_size else number),
    }
