"""JSON endpoints of the tickets app: live seat availability (public) and a buyer's
issued tickets with their QR payload and PDF link."""

from django.http import Http404
from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.generics import GenericAPIView, ListAPIView, RetrieveAPIView
from rest_framework.response import Response

from events.api import PublicThrottle, published_event_data
from events.models import Seat
from getiickets.api import SignedInBuyer
from tickets import inventory
from tickets.dashboard import valid_tickets
from tickets.models import Ticket

SEAT_STATUSES = [("free", "Free"), ("taken", "Held or sold"), ("blocked", "Not for sale")]


class SeatSerializer(serializers.ModelSerializer):
    section = serializers.CharField(source="section.name")
    row = serializers.CharField(source="row_label")
    ticket_type = serializers.IntegerField(source="ticket_type_id")
    status = serializers.ChoiceField(choices=SEAT_STATUSES)

    class Meta:
        model = Seat
        fields = ["id", "label", "section", "row", "number", "ticket_type", "status"]


class SeatAvailabilityView(GenericAPIView):
    """Every seat of a reserved-seating event and whether it can be bought now."""

    authentication_classes = ()
    permission_classes = ()
    throttle_classes = (PublicThrottle,)
    serializer_class = SeatSerializer

    @extend_schema(responses=SeatSerializer(many=True))
    def get(self, request, slug: str):
        event = published_event_data(slug)["event"]
        if not event.is_reserved_seating:
            raise Http404
        taken = inventory.unavailable_seats(event)
        seats = list(Seat.objects.filter(event=event).select_related("section"))
        for seat in seats:
            seat.status = "blocked" if seat.is_blocked else "taken" if seat.pk in taken else "free"
        return Response(SeatSerializer(seats, many=True).data)


class TicketSerializer(serializers.ModelSerializer):
    event = serializers.CharField(source="event.slug")
    event_title = serializers.CharField(source="event.title")
    starts_at = serializers.DateTimeField(source="event.starts_at")
    ticket_type = serializers.CharField(source="ticket_type.name")
    seat = serializers.CharField(source="seat.label", allow_null=True, default=None)
    seat_place = serializers.CharField(
        source="seat.place",
        allow_null=True,
        default=None,
        help_text='How the seat is named to people: "Balcony · Row A · Seat 4".',
    )
    order = serializers.CharField(source="order.reference")
    qr_payload = serializers.CharField(help_text="The signed text the gate's scanner reads.")
    pdf_url = serializers.SerializerMethodField()

    class Meta:
        model = Ticket
        fields = [
            "id",
            "event",
            "event_title",
            "starts_at",
            "ticket_type",
            "seat",
            "seat_place",
            "attendee_name",
            "status",
            "order",
            "qr_payload",
            "pdf_url",
        ]

    def get_pdf_url(self, ticket) -> str:
        path = reverse("dashboard:order_pdf", args=[ticket.order.reference])
        return self.context["request"].build_absolute_uri(path)


def my_tickets(user):
    return valid_tickets(user).select_related("event", "ticket_type", "seat__section", "order")


class MyTicketList(SignedInBuyer, ListAPIView):
    """The signed-in buyer's tickets, soonest event first."""

    serializer_class = TicketSerializer

    def get_queryset(self):
        return my_tickets(self.request.user).order_by("event__starts_at", "pk")


class MyTicketDetail(SignedInBuyer, RetrieveAPIView):
    """One of the buyer's tickets (another buyer's id answers 404)."""

    serializer_class = TicketSerializer

    def get_queryset(self):
        return my_tickets(self.request.user)
