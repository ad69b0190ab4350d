import django_filters
from django import forms
from django.db.models import Q

from events.validators import validate_sane_date
from orders.models import Order


class OrderFilter(django_filters.FilterSet):
    """Orders of one event: search by reference, buyer name or email; filter by status,
    ticket type and the day the order was placed (Lagos time)."""

    q = django_filters.CharFilter(
        method="search",
        label="Search",
        widget=forms.TextInput(attrs={"placeholder": "Reference, name or email", "type": "search"}),
    )
    status = django_filters.ChoiceFilter(choices=Order.Status.choices, empty_label="Any status")
    ticket_type = django_filters.ChoiceFilter(
        method="by_ticket_type", label="Ticket type", empty_label="Any ticket type"
    )
    date_from = django_filters.DateFilter(
        validators=[validate_sane_date],
        field_name="created_at",
        lookup_expr="date__gte",
        label="From",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = django_filters.DateFilter(
        validators=[validate_sane_date],
        field_name="created_at",
        lookup_expr="date__lte",
        label="To",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = Order
        fields = ["q", "status", "ticket_type", "date_from", "date_to"]

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        self.filters["ticket_type"].extra["choices"] = [
            (str(pk), name) for pk, name in event.ticket_types.values_list("pk", "name")
        ]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(reference__iexact=value)
            | Q(reference__icontains=value)
            | Q(full_name__icontains=value)
            | Q(email__icontains=value)
        )

    def by_ticket_type(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(
            pk__in=self.event.orders.filter(items__ticket_type_id=value).values("pk")
        )
