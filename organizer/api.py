"""The organizer's JSON API: events and ticket types, orders and attendees, refunds, promo
codes, waitlist, and check-in for scanner apps.

A caller is a team member, signed in or sending one of their API tokens. What they may do
is decided by `accounts.permissions` (the same table as the pages); a token narrows it
further to reading, and optionally to chosen events. Writes go through the same forms and
services as the pages, so every rule lives once.
"""

from decimal import Decimal

from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.mixins import ListModelMixin
from rest_framework.permissions import SAFE_METHODS, BasePermission, IsAuthenticated
from rest_framework.response import Response

from accounts import permissions as perms
from events import services as event_services
from events.forms import EventForm, TicketTypeForm
from events.models import Category, Event, TicketType
from getiickets.api import NewestFirstCursor
from orders.api import PLACE_HELP
from orders.forms import PromoCodeForm
from orders.models import Order, PromoCode
from organizer import services
from organizer.filters import OrderFilter
from organizer.models import ApiToken
from payments import services as payments
from tickets import checkin
from tickets.models import Ticket

# --- Who is calling ------------------------------------------------------------------


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "organizer.authentication.ApiTokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return build_bearer_security_scheme_object(
            header_name="Authorization", token_prefix="Bearer"
        )


def calling_token(request) -> ApiToken | None:
    return request.auth if isinstance(request.auth, ApiToken) else None


class TeamPermission(BasePermission):
    """The caller's role has the view's `permission`; a read token never writes, and a token
    works only for the organizer it was made on (a member who left loses it at once)."""

    message = "Your role on this organizer's team does not allow this."

    def has_permission(self, request, view):
        membership = perms.membership_for(request.user)
        token = calling_token(request)
        if membership is None or (token and token.organizer_id != membership.organizer.pk):
            self.message = "You are not on an organizer's team (or this token's team)."
            return False
        if token and request.method not in SAFE_METHODS and not token.can_write:
            self.message = "This token is read-only."
            return False
        request.membership = membership
        return membership.can(view.permission)


class OrganizerView(GenericAPIView):
    permission_classes = (IsAuthenticated, TeamPermission)
    permission = perms.MANAGE_EVENTS

    def events(self):
        """The events this caller may reach: the member's, narrowed by the token's."""
        queryset = self.request.membership.events(Event.objects.all())
        token = calling_token(self.request)
        if token is not None:
            chosen = list(token.events.values_list("pk", flat=True))
            if chosen:
                queryset = queryset.filter(pk__in=chosen)
        return queryset

    def event(self) -> Event:
        return get_object_or_404(
            self.events().select_related("venue", "category"), pk=self.kwargs["event_id"]
        )


def form_errors(form) -> ValidationError:
    """The form's messages, field by field, as a 400 problem."""
    errors = form.errors.get_json_data()
    return ValidationError({name: [e["message"] for e in errs] for name, errs in errors.items()})


def form_data(current, changes: dict) -> dict:
    """Data for a bound form: an unbound form's values (the instance's, for PATCH, or the
    defaults, for POST) with the caller's changes on top."""
    data = {}
    for name, field in current.fields.items():
        value = current[name].value()
        if value is None or getattr(field.widget, "input_type", "") == "file":
            continue
        data[name] = value
    for key, value in changes.items():
        data[key] = "on" if value is True else "" if value is False else value
    # A checkbox left out is False, as in a browser's form post.
    return {k: v for k, v in data.items() if v not in (None, "", False)}


# --- Events and ticket types ---------------------------------------------------------


class OrganizerTicketTypeSerializer(serializers.ModelSerializer):
    available = serializers.IntegerField(read_only=True)

    class Meta:
        model = TicketType
        fields = [
            "id",
            "name",
            "description",
            "price_kobo",
            "capacity",
            "held",
            "sold",
            "available",
            "sales_start",
            "sales_end",
            "min_per_order",
            "max_per_order",
            "is_visible",
            "is_transferable",
        ]
        read_only_fields = ["held", "sold"]


class TicketTypeWrite(serializers.Serializer):
    """Amounts in kobo; the same rules as the ticket form in the workspace."""

    name = serializers.CharField(max_length=100, required=False)
    description = serializers.CharField(max_length=255, required=False, allow_blank=True)
    price_kobo = serializers.IntegerField(min_value=0, max_value=10**12, required=False)
    capacity = serializers.IntegerField(min_value=0, max_value=2_000_000, required=False)
    sales_start = serializers.DateTimeField(required=False, allow_null=True)
    sales_end = serializers.DateTimeField(required=False, allow_null=True)
    min_per_order = serializers.IntegerField(min_value=1, max_value=1000, required=False)
    max_per_order = serializers.IntegerField(min_value=1, max_value=1000, required=False)
    is_visible = serializers.BooleanField(required=False)
    is_transferable = serializers.BooleanField(required=False)


class OrganizerEventSerializer(serializers.ModelSerializer):
    category = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    venue = serializers.CharField(source="venue.name", read_only=True)
    city = serializers.CharField(source="venue.city", read_only=True)
    ticket_types = OrganizerTicketTypeSerializer(many=True, read_only=True)

    class Meta:
        model = Event
        fields = [
            "id",
            "slug",
            "title",
            "description",
            "status",
            "seating",
            "fee_mode",
            "category",
            "venue",
            "city",
            "starts_at",
            "ends_at",
            "ticket_types",
        ]


class EventWrite(serializers.Serializer):
    """An event's details; a venue is one of yours (`venue`) or a new one (`new_venue_*`)."""

    title = serializers.CharField(max_length=200, required=False)
    description = serializers.CharField(max_length=10_000, required=False)
    category = serializers.SlugField(max_length=90, required=False, help_text="Category slug.")
    starts_at = serializers.DateTimeField(required=False, help_text="To the minute.")
    ends_at = serializers.DateTimeField(required=False, help_text="To the minute.")
    venue = serializers.IntegerField(min_value=1, required=False)
    new_venue_name = serializers.CharField(max_length=150, required=False)
    new_venue_address = serializers.CharField(max_length=255, required=False)
    new_venue_city = serializers.CharField(max_length=80, required=False)
    new_venue_state = serializers.CharField(max_length=80, required=False)
    seating = serializers.ChoiceField(choices=Event.Seating.choices, required=False)
    fee_mode = serializers.ChoiceField(choices=Event.FeeMode.choices, required=False)


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def _event_changes(validated: dict) -> dict:
    changes = dict(validated)
    if "category" in changes:
        category = Category.objects.filter(slug=changes["category"]).first()
        if category is None:
            raise ValidationError({"category": ["No such category."]})
        changes["category"] = category.pk
    for name in ("starts_at", "ends_at"):
        if name in changes:
            changes[name] = _local(changes[name])
    return changes


def _ticket_type_changes(validated: dict) -> dict:
    changes = dict(validated)
    if "price_kobo" in changes:  # the form takes naira
        changes["price_kobo"] = f"{Decimal(changes['price_kobo']) / 100:.2f}"
    for name in ("sales_start", "sales_end"):
        if name in changes:
            changes[name] = _local(changes[name]) if changes[name] else ""
    return changes


class EventListCreate(ListModelMixin, OrganizerView):
    """The events you work on (newest first); POST creates a draft."""

    serializer_class = OrganizerEventSerializer

    def get_queryset(self):
        return (
            self.events()
            .select_related("venue", "category")
            .prefetch_related("ticket_types")
            .order_by("-starts_at", "-pk")
        )

    def get(self, request, *args, **kwargs):
        return self.list(request, *args, **kwargs)

    @extend_schema(request=EventWrite, responses={201: OrganizerEventSerializer})
    def post(self, request):
        body = EventWrite(data=request.data)
        body.is_valid(raise_exception=True)
        organizer = request.membership.organizer
        defaults = EventForm(organizer=organizer)
        form = EventForm(
            form_data(defaults, _event_changes(body.validated_data)), organizer=organizer
        )
        if not form.is_valid():
            raise form_errors(form)
        kwargs = form.service_kwargs()
        kwargs.pop("remove_cover_image", None)
        event = event_services.create_event(organizer=request.membership.organizer, **kwargs)
        return Response(OrganizerEventSerializer(event).data, status=status.HTTP_201_CREATED)


class EventDetail(OrganizerView):
    """One of your events with its ticket types; PATCH changes the fields given."""

    serializer_class = OrganizerEventSerializer

    def get(self, request, event_id: int):
        return Response(self.get_serializer(self.event()).data)

    @extend_schema(request=EventWrite, responses=OrganizerEventSerializer)
    def patch(self, request, event_id: int):
        event = self.event()
        body = EventWrite(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        organizer = request.membership.organizer
        current = EventForm(instance=event, organizer=organizer)
        form = EventForm(
            form_data(current, _event_changes(body.validated_data)),
            instance=event,
            organizer=organizer,
        )
        if not form.is_valid():
            raise form_errors(form)
        event_services.update_event(event=event, **form.service_kwargs())
        return Response(self.get_serializer(self.event()).data)


class EventPublish(OrganizerView):
    """Publish a draft (it must have tickets on sale and the business details complete)."""

    serializer_class = OrganizerEventSerializer

    @extend_schema(request=None, responses=OrganizerEventSerializer)
    def post(self, request, event_id: int):
        event = event_services.publish_event(event=self.event())
        return Response(self.get_serializer(event).data)


class TicketTypeCreate(OrganizerView):
    serializer_class = OrganizerTicketTypeSerializer

    @extend_schema(request=TicketTypeWrite, responses={201: OrganizerTicketTypeSerializer})
    def post(self, request, event_id: int):
        event = self.event()
        body = TicketTypeWrite(data=request.data)
        body.is_valid(raise_exception=True)
        defaults = TicketTypeForm(event=event)
        form = TicketTypeForm(
            form_data(defaults, _ticket_type_changes(body.validated_data)), event=event
        )
        if not form.is_valid():
            raise form_errors(form)
        ticket_type = event_services.add_ticket_type(event=event, **form.cleaned_data)
        return Response(self.get_serializer(ticket_type).data, status=status.HTTP_201_CREATED)


class TicketTypeDetail(OrganizerView):
    serializer_class = OrganizerTicketTypeSerializer

    @extend_schema(request=TicketTypeWrite, responses=OrganizerTicketTypeSerializer)
    def patch(self, request, event_id: int, ticket_type_id: int):
        event = self.event()
        ticket_type = get_object_or_404(event.ticket_types, pk=ticket_type_id)
        body = TicketTypeWrite(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        current = TicketTypeForm(instance=ticket_type, event=event)
        form = TicketTypeForm(
            form_data(current, _ticket_type_changes(body.validated_data)),
            instance=ticket_type,
            event=event,
        )
        if not form.is_valid():
            raise form_errors(form)
        updated = event_services.update_ticket_type(ticket_type=ticket_type, **form.cleaned_data)
        return Response(self.get_serializer(updated).data)


# --- Orders, attendees, refunds --------------------------------------------------------


class OrderItemOut(serializers.Serializer):
    id = serializers.IntegerField()
    ticket_type = serializers.CharField(source="ticket_type.name")
    seat = serializers.CharField(source="seat.label", allow_null=True, default=None)
    seat_place = serializers.CharField(
        source="seat.place", allow_null=True, default=None, help_text=PLACE_HELP
    )
    unit_price_kobo = serializers.IntegerField()
    refunded_at = serializers.DateTimeField(allow_null=True)


class OrganizerOrderSerializer(serializers.ModelSerializer):
    items = OrderItemOut(many=True)

    class Meta:
        model = Order
        fields = [
            "reference",
            "status",
            "full_name",
            "email",
            "phone",
            "subtotal_kobo",
            "discount_kobo",
            "fee_kobo",
            "total_kobo",
            "refunded_kobo",
            "created_at",
            "paid_at",
            "items",
        ]


class OrderQuery(serializers.Serializer):
    q = serializers.CharField(required=False, max_length=100, help_text="Reference, name or email.")
    status = serializers.ChoiceField(choices=Order.Status.choices, required=False)
    date_from = serializers.DateField(required=False)
    date_to = serializers.DateField(required=False)


class OrderList(ListModelMixin, OrganizerView):
    """An event's orders, newest first, filtered as on the orders page (cursor pages)."""

    permission = perms.VIEW_ORDERS
    serializer_class = OrganizerOrderSerializer
    pagination_class = NewestFirstCursor

    def get_queryset(self):
        event = self.event()
        query = OrderQuery(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        params = {k: str(v) for k, v in query.validated_data.items()}
        orders = Order.objects.filter(event=event).prefetch_related(
            "items__ticket_type", "items__seat__section"
        )
        filterset = OrderFilter(params, queryset=orders, event=event)
        if not filterset.is_valid():
            raise ValidationError(filterset.errors.get_json_data())
        return filterset.qs

    @extend_schema(parameters=[OrderQuery])
    def get(self, request, *args, **kwargs):
        return self.list(request, *args, **kwargs)


def _event_order(view, reference: str) -> Order:
    return get_object_or_404(
        Order.objects.filter(event__in=view.events()).prefetch_related(
            "items__ticket_type", "items__seat__section"
        ),
        reference=reference,
    )


class OrderDetail(OrganizerView):
    permission = perms.VIEW_ORDERS
    serializer_class = OrganizerOrderSerializer

    def get(self, request, reference: str):
        return Response(self.get_serializer(_event_order(self, reference)).data)


class AttendeeSerializer(serializers.ModelSerializer):
    ticket_type = serializers.CharField(source="ticket_type.name")
    seat = serializers.CharField(source="seat.label", allow_null=True, default=None)
    seat_place = serializers.CharField(
        source="seat.place", allow_null=True, default=None, help_text=PLACE_HELP
    )
    order = serializers.CharField(source="order.reference")
    email = serializers.CharField(source="order.email")
    checked_in_at = serializers.DateTimeField(
        source="check_in.checked_in_at", allow_null=True, default=None
    )
    created_at = serializers.DateTimeField(source="issued_at")

    class Meta:
        model = Ticket
        fields = [
            "id",
            "attendee_name",
            "email",
            "ticket_type",
            "seat",
            "seat_place",
            "status",
            "order",
            "checked_in_at",
            "created_at",
        ]


class AttendeeCursor(NewestFirstCursor):
    ordering = ("-issued_at", "-pk")


class AttendeeList(ListModelMixin, OrganizerView):
    """An event's issued tickets and who holds them (cursor pages)."""

    permission = perms.VIEW_ORDERS
    serializer_class = AttendeeSerializer
    pagination_class = AttendeeCursor

    def get_queryset(self):
        return Ticket.objects.filter(event=self.event()).select_related(
            "ticket_type", "seat__section", "order", "check_in"
        )

    def get(self, request, *args, **kwargs):
        return self.list(request, *args, **kwargs)


class RefundWrite(serializers.Serializer):
    amount_kobo = serializers.IntegerField(
        min_value=1, max_value=10**12, required=False, help_text="Leave out: what was paid."
    )
    item_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**62),
        required=False,
        max_length=500,
        help_text="Refund these admissions only (their tickets are voided).",
    )
    reason = serializers.CharField(max_length=255, required=False, allow_blank=True)


class RefundOut(serializers.Serializer):
    id = serializers.IntegerField()
    amount_kobo = serializers.IntegerField()
    status = serializers.CharField()


class RefundCreate(OrganizerView):
    """Refund an order, in full or some of its admissions; Paystack confirms it later."""

    permission = perms.REFUND_ORDERS
    serializer_class = RefundOut

    @extend_schema(request=RefundWrite, responses={201: RefundOut})
    def post(self, request, reference: str):
        order = _event_order(self, reference)
        body = RefundWrite(data=request.data)
        body.is_valid(raise_exception=True)
        refund = payments.request_refund(
            order=order,
            amount_kobo=body.validated_data.get("amount_kobo"),
            item_ids=body.validated_data.get("item_ids", ()),
            reason=body.validated_data.get("reason", ""),
            actor=request.user,
            source="organizer",
        )
        return Response(RefundOut(refund).data, status=status.HTTP_201_CREATED)


# --- Promo codes and waitlist ------------------------------------------------------------


class PromoCodeSerializer(serializers.ModelSerializer):
    events = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = PromoCode
        fields = [
            "id",
            "code",
            "kind",
            "value",
            "max_uses",
            "max_uses_per_buyer",
            "valid_from",
            "valid_until",
            "is_active",
            "events",
        ]


class PromoCodeWrite(serializers.Serializer):
    code = serializers.RegexField(r"^[A-Za-z0-9_-]{3,30}$", max_length=30)
    kind = serializers.ChoiceField(choices=PromoCode.Kind.choices)
    value = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0.01"),
        help_text="Percent (10 for 10 %) or naira (2000 for ₦2,000), as on the form.",
    )
    max_uses = serializers.IntegerField(min_value=1, max_value=1_000_000, required=False)
    max_uses_per_buyer = serializers.IntegerField(min_value=1, max_value=1000, required=False)
    valid_from = serializers.DateTimeField(required=False)
    valid_until = serializers.DateTimeField(required=False)
    events = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**62), required=False, max_length=200
    )


class EveryEventToken(TeamPermission):
    """Promo codes span the organizer's events: a token limited to some events may not."""

    def has_permission(self, request, view):
        token = calling_token(request)
        if token is not None and token.events.exists():
            self.message = "This token is limited to chosen events; promo codes span them all."
            return False
        return super().has_permission(request, view)


class PromoCodeListCreate(ListModelMixin, OrganizerView):
    permission = perms.MANAGE_PROMO_CODES
    permission_classes = (IsAuthenticated, EveryEventToken)
    serializer_class = PromoCodeSerializer

    def get_queryset(self):
        organizer = self.request.membership.organizer
        return (
            PromoCode.objects.filter(organizer=organizer).prefetch_related("events").order_by("-pk")
        )

    def get(self, request, *args, **kwargs):
        return self.list(request, *args, **kwargs)

    @extend_schema(request=PromoCodeWrite, responses={201: PromoCodeSerializer})
    def post(self, request):
        body = PromoCodeWrite(data=request.data)
        body.is_valid(raise_exception=True)
        changes = dict(body.validated_data)
        changes["value_input"] = str(changes.pop("value"))
        changes["is_active"] = True
        for name in ("valid_from", "valid_until"):
            if name in changes:
                changes[name] = _local(changes[name])
        organizer = request.membership.organizer
        defaults = PromoCodeForm(organizer=organizer)
        form = PromoCodeForm(form_data(defaults, changes), organizer=organizer)
        if not form.is_valid():
            raise form_errors(form)
        return Response(self.get_serializer(form.save()).data, status=status.HTTP_201_CREATED)


class WaitlistEntrySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.CharField(source="buyer.email")
    ticket_type = serializers.CharField(source="ticket_type.name", allow_null=True, default=None)
    quantity = serializers.IntegerField()
    status = serializers.CharField()
    created_at = serializers.DateTimeField()


class WaitlistList(ListModelMixin, OrganizerView):
    """An event's waitlist in the order offers are made."""

    permission = perms.MANAGE_WAITLIST
    serializer_class = WaitlistEntrySerializer

    def get_queryset(self):
        return services.waitlist_queue(event=self.event())

    def get(self, request, *args, **kwargs):
        return self.list(request, *args, **kwargs)


# --- Check-in for scanner apps -------------------------------------------------------------


class GuestList(OrganizerView):
    """Everything a scanner needs to admit offline: the event's public key and each ticket's
    hashed secret (secrets never leave the server)."""

    permission = perms.CHECK_IN
    serializer_class = None

    @extend_schema(
        responses=inline_serializer(
            "GuestList",
            {
                "event": serializers.DictField(),
                "public_key": serializers.CharField(),
                "generated_at": serializers.DateTimeField(),
                "tickets": serializers.ListField(child=serializers.DictField()),
            },
        )
    )
    def get(self, request, event_id: int):
        return Response(services.check_in_manifest(event=self.event()))


class Admission(serializers.Serializer):
    ticket_id = serializers.IntegerField(min_value=1, max_value=2**62)
    checked_in_at = serializers.DateTimeField(help_text="When the device admitted it.")


class AdmissionBatch(serializers.Serializer):
    device = serializers.RegexField(r"^[^\x00-\x1f]{1,80}$", help_text="The scanner's name.")
    admissions = Admission(many=True, max_length=checkin.MAX_SYNC_RECORDS)


class AdmissionReport(serializers.Serializer):
    applied = serializers.ListField(child=serializers.DictField())
    already = serializers.ListField(child=serializers.DictField())
    conflicts = serializers.ListField(child=serializers.DictField())
    rejected = serializers.ListField(child=serializers.DictField())


class AdmissionSync(OrganizerView):
    """Admissions a scanner recorded (offline or not), in a batch: the earliest admission of
    a ticket stands; a later one from another device comes back as a conflict."""

    permission = perms.CHECK_IN
    serializer_class = AdmissionReport

    @extend_schema(request=AdmissionBatch, responses=AdmissionReport)
    def post(self, request, event_id: int):
        event = self.event()
        body = AdmissionBatch(data=request.data)
        body.is_valid(raise_exception=True)
        records = [
            {"ticket_id": a["ticket_id"], "checked_in_at": a["checked_in_at"].isoformat()}
            for a in body.validated_data["admissions"]
        ]
        report = checkin.sync_offline(
            event=event, records=records, device=body.validated_data["device"], by=request.user
        )
        return Response(report.as_dict())
