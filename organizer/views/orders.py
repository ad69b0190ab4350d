from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import NoReverseMatch, reverse

from accounts.decorators import organizer_required
from orders.models import Order
from organizer import services
from organizer.filters import OrderFilter

PAGE_SIZE = 25


def _filtered(request, event):
    orders = Order.objects.filter(event=event).select_related("promo_code")
    return OrderFilter(request.GET or None, queryset=orders, event=event)


@organizer_required
def order_list(request, event_id):
    event = services.event_for(request.user.organizer, event_id)
    filterset = _filtered(request, event)
    orders = filterset.qs if filterset.is_bound else filterset.queryset
    page = Paginator(orders.order_by("-created_at", "-pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "organizer/ops/orders.html",
        {
            "event": event,
            "filter": filterset,
            "page": page,
            "query": query.urlencode(),
        },
    )


def optional_url(name: str, *attempts) -> str | None:
    """The URL of an endpoint another area provides, or None when it is not there (yet).

    Each attempt is (args, kwargs); the first that reverses wins.
    """
    for args, kwargs in attempts:
        try:
            return reverse(name, args=args, kwargs=kwargs)
        except NoReverseMatch:
            continue
    return None


@organizer_required
def order_detail(request, event_id, reference):
    event = services.event_for(request.user.organizer, event_id)
    order = get_object_or_404(
        Order.objects.select_related("promo_code", "buyer"), event=event, reference=reference
    )
    tickets = order.tickets.select_related("ticket_type", "seat", "check_in").order_by("pk")
    refundable = order.status in (Order.Status.PAID, Order.Status.PARTIALLY_REFUNDED)
    context = {
        "event": event,
        "order": order,
        "items": order.items.select_related("ticket_type", "seat"),
        "tickets": tickets,
        "history": order.history.select_related("actor"),
        "refund_url": refundable
        and optional_url(
            "orders:organizer_refund",
            ((), {"reference": order.reference}),
            ((order.pk,), {}),
            ((), {"event_id": event.pk, "reference": order.reference}),
        ),
        # The checkout area's organizer order page carries the refund form (a link, not a POST).
        "refund_page_url": refundable
        and optional_url("orders:organizer_order", ((), {"reference": order.reference})),
        "resend_url": order.status != Order.Status.PENDING
        and optional_url(
            "tickets:resend",
            ((), {"reference": order.reference}),
            ((order.pk,), {}),
        ),
    }
    return render(request, "organizer/ops/order_detail.html", context)


def _csv_response(filename, header, rows):
    response = StreamingHttpResponse(
        services.csv_rows(header, rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@organizer_required
def export_orders(request, event_id):
    """The orders matching the current filters, streamed."""
    event = services.event_for(request.user.organizer, event_id)
    filterset = _filtered(request, event)
    orders = filterset.qs if filterset.is_bound else filterset.queryset
    return _csv_response(
        f"{event.slug}-orders.csv", services.ORDER_HEADER, services.order_export_rows(orders)
    )


@organizer_required
def export_attendees(request, event_id):
    event = services.event_for(request.user.organizer, event_id)
    return _csv_response(
        f"{event.slug}-attendees.csv",
        services.ATTENDEE_HEADER,
        services.attendee_export_rows(event=event),
    )
