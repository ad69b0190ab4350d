"""Public JSON endpoints for the catalogue: the same filters, cache and availability as the
pages (/events, /events/<slug>), for organizers' websites and apps."""

from django.http import Http404
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.generics import GenericAPIView, ListAPIView
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.utils.urls import replace_query_param

from events import cache, services
from events.filters import SORT_CHOICES, WHEN_CHOICES, catalogue_page, clean_params
from events.models import Event, TicketType
from events.validators import validate_sane_date
from getiickets.api import PagePagination
from tickets.inventory.availability import Row


class PublicThrottle(AnonRateThrottle):
    """Per IP, signed in or not: the public endpoints are read by scripts."""

    scope = "public"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class VenueSerializer(serializers.Serializer):
    name = serializers.CharField()
    address = serializers.CharField()
    city = serializers.CharField()
    state = serializers.CharField()


class TicketTypeSerializer(serializers.ModelSerializer):
    available = serializers.IntegerField(help_text="Tickets left right now.")
    status = serializers.SerializerMethodField(
        help_text="on_sale, low, sold_out, not_yet (sales not open) or ended."
    )

    class Meta:
        model = TicketType
        fields = [
            "id",
            "name",
            "description",
            "price_kobo",
            "available",
            "status",
            "min_per_order",
            "max_per_order",
            "sales_start",
            "sales_end",
        ]

    def get_status(self, ticket_type) -> str:
        return Row(ticket_type, max(ticket_type.available, 0), seated=False).code


class EventSummarySerializer(serializers.ModelSerializer):
    venue = VenueSerializer()
    category = serializers.CharField(source="category.slug")
    url = serializers.SerializerMethodField()
    min_price_kobo = serializers.IntegerField(
        source="min_price", allow_null=True, help_text="Cheapest ticket still on sale."
    )
    remaining = serializers.IntegerField(help_text="Tickets left across visible types.")

    class Meta:
        model = Event
        fields = [
            "slug",
            "title",
            "starts_at",
            "ends_at",
            "status",
            "seating",
            "category",
            "venue",
            "min_price_kobo",
            "remaining",
            "url",
        ]

    def get_url(self, event) -> str:
        return self.context["request"].build_absolute_uri(event.get_absolute_url())


class EventDetailSerializer(EventSummarySerializer):
    description = serializers.CharField()
    organizer = serializers.CharField(source="organizer.name")
    ticket_types = serializers.SerializerMethodField()

    class Meta(EventSummarySerializer.Meta):
        fields = [*EventSummarySerializer.Meta.fields, "description", "organizer", "ticket_types"]

    @extend_schema_field(TicketTypeSerializer(many=True))
    def get_ticket_types(self, event):
        return TicketTypeSerializer(
            self.context["ticket_types"], many=True, context=self.context
        ).data


class CatalogueQuery(serializers.Serializer):
    """The /events filters, validated before anything reaches the database."""

    q = serializers.CharField(required=False, max_length=100, allow_blank=True)
    category = serializers.SlugField(required=False, max_length=90)
    city = serializers.CharField(required=False, max_length=80)
    when = serializers.ChoiceField(choices=WHEN_CHOICES, required=False)
    date_from = serializers.DateField(required=False, validators=[validate_sane_date])
    date_to = serializers.DateField(required=False, validators=[validate_sane_date])
    sort = serializers.ChoiceField(choices=SORT_CHOICES, required=False)
    page = serializers.IntegerField(required=False, min_value=1, max_value=10_000)
    page_size = serializers.IntegerField(required=False, min_value=1, max_value=50)

    def validate(self, attrs):
        start, end = attrs.get("date_from"), attrs.get("date_to")
        if start and end and end < start:
            raise ValidationError({"date_to": ["“To” must not be before “From”."]})
        return attrs


def published_event_data(slug: str) -> dict:
    """The cached detail data of a published event (what its page shows), or 404."""
    data = cache.get_detail(slug, lambda: services.event_detail_data(slug))
    if data is None or data["event"].status != Event.Status.PUBLISHED:
        raise Http404
    return data


class EventListView(ListAPIView):
    """Published upcoming events, filtered and sorted as on /events."""

    authentication_classes = ()
    permission_classes = ()
    throttle_classes = (PublicThrottle,)
    pagination_class = PagePagination
    serializer_class = EventSummarySerializer

    @extend_schema(parameters=[CatalogueQuery])
    def get(self, request, *args, **kwargs):
        query = CatalogueQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = clean_params(request.query_params)
        size = query.validated_data.get("page_size", PagePagination.page_size)

        data = cache.get_list(
            {**params, "api": f"v1:{size}"},
            lambda: catalogue_page(params, page_size=size),
        )
        if data["errors"]:
            raise ValidationError(data["errors"])
        number, last = data["number"], data["num_pages"]
        url = request.build_absolute_uri()
        return Response(
            {
                "count": data["count"],
                # The count stops at 1,000: then `count_capped` is true and there are more.
                "count_capped": data.get("count_capped", False),
                "next": replace_query_param(url, "page", number + 1) if number < last else None,
                "previous": replace_query_param(url, "page", number - 1) if number > 1 else None,
                "results": self.get_serializer(data["events"], many=True).data,
            }
        )


class EventDetailView(GenericAPIView):
    """One published event with its ticket types and what is left of each."""

    authentication_classes = ()
    permission_classes = ()
    throttle_classes = (PublicThrottle,)
    serializer_class = EventDetailSerializer

    def get(self, request, slug: str):
        data = published_event_data(slug)
        context = {
            **self.get_serializer_context(),
            "ticket_types": data["ticket_types"],
        }
        event = data["event"]
        event.min_price, event.remaining = data["min_price"], data["remaining"]
        return Response(EventDetailSerializer(event, context=context).data)
