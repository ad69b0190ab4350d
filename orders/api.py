"""JSON endpoints for a buyer's own orders (session or personal token)."""

from rest_framework import serializers
from rest_framework.generics import ListAPIView, RetrieveAPIView

from getiickets.api import SignedInBuyer
from orders.models import Order, OrderItem

PLACE_HELP = 'How the seat is named to people: "Balcony · Row A · Seat 4".'


class OrderItemSerializer(serializers.ModelSerializer):
    ticket_type = serializers.CharField(source="ticket_type.name")
    seat = serializers.CharField(source="seat.label", allow_null=True, default=None)
    seat_place = serializers.CharField(
        source="seat.place", allow_null=True, default=None, help_text=PLACE_HELP
    )
    refunded = serializers.SerializerMethodField()

    class Meta:
        model = OrderItem
        fields = [
            "id",
            "ticket_type",
            "seat",
            "seat_place",
            "unit_price_kobo",
            "attendee_name",
            "refunded",
        ]

    def get_refunded(self, item) -> bool:
        return item.refunded_at is not None


class OrderSerializer(serializers.ModelSerializer):
    event = serializers.CharField(source="event.slug")
    event_title = serializers.CharField(source="event.title")
    items = OrderItemSerializer(many=True)

    class Meta:
        model = Order
        fields = [
            "reference",
            "event",
            "event_title",
            "status",
            "subtotal_kobo",
            "discount_kobo",
            "fee_kobo",
            "total_kobo",
            "refunded_kobo",
            "created_at",
            "paid_at",
            "items",
        ]


def my_orders(user):
    return (
        Order.objects.filter(buyer=user)
        .select_related("event")
        .prefetch_related("items__ticket_type", "items__seat__section")
    )


class MyOrderList(SignedInBuyer, ListAPIView):
    """The signed-in buyer's orders, newest first."""

    serializer_class = OrderSerializer

    def get_queryset(self):
        return my_orders(self.request.user).order_by("-created_at", "-pk")


class MyOrderDetail(SignedInBuyer, RetrieveAPIView):
    """One of the buyer's orders by its reference (another buyer's answers 404)."""

    serializer_class = OrderSerializer
    lookup_field = "reference"

    def get_queryset(self):
        return my_orders(self.request.user)
