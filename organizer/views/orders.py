from django.contrib import messages
from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from accounts import permissions as perms
from accounts.permissions import organizer_permission
from getiickets.errors import DomainError
from orders.models import Order
from organizer import services
from organizer.filters import OrderFilter
from tickets import fulfilment

PAGE_SIZE = 25


def _filtered(request, event):
    orders = Order.objects.filter(event=event).select_related("promo_code")
    return OrderFilter(request.GET or None, queryset=orders, event=event)


@organizer_permission(perms.VIEW_ORDERS)
def order_list(request, event_id):
    event = services.event_for(request.organizer, event_id)
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


@organizer_permission(perms.VIEW_ORDERS)
def order_detail(request, event_id, reference):
    event = services.event_for(request.organizer, event_id)
    order = get_object_or_404(
        Order.objects.select_related("promo_code", "buyer"), event=event, reference=reference
    )
    tickets = order.tickets.select_related("ticket_type", "seat__section", "check_in").order_by(
        "pk"
    )
    refundable = order.status in (Order.Status.PAID, Order.Status.PARTIALLY_REFUNDED)
    context = {
        "event": event,
        "order": order,
        "items": order.items.select_related("ticket_type", "seat__section"),
        "tickets": tickets,
        "history": order.history.select_related("actor"),
        # The orders app's organizer page carries the refund form (full or chosen tickets).
        "refund_page_url": refundable
        and reverse("orders:organizer_order", kwargs={"reference": order.reference}),
        "resend_url": order.status != Order.Status.PENDING
        and reverse("organizer:order_resend", args=[event.pk, order.reference]),
    }
    return render(request, "organizer/ops/order_detail.html", context)


@require_POST
@organizer_permission(perms.VIEW_ORDERS)
@ratelimit(key="user", rate="10/h", block=False)
def order_resend(request, event_id, reference):
    event = services.event_for(request.organizer, event_id)
    order = get_object_or_404(Order, event=event, reference=reference)
    if getattr(request, "limited", False):
        messages.error(request, "Tickets for this order were resent several times; try later.")
    else:
        try:
            fulfilment.request_resend(order=order)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"Tickets are being sent to {order.email} again.")
    return redirect("organizer:order_detail", event.pk, order.reference)


def _csv_response(filename, header, rows):
    response = StreamingHttpResponse(
        services.csv_rows(header, rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@organizer_permission(perms.VIEW_ORDERS)
def export_orders(request, event_id):
    """The orders matching the current filters, streamed."""
    event = services.event_for(request.organizer, event_id)
    filterset = _filtered(request, event)
    orders = filterset.qs if filterset.is_bound else filterset.queryset
    return _csv_response(
        f"{event.slug}-orders.csv", services.ORDER_HEADER, services.order_export_rows(orders)
    )


@organizer_permission(perms.VIEW_ORDERS)
def export_attendees(request, event_id):
    event = services.event_for(request.organizer, event_id)
    return _csv_response(
        f"{event.slug}-attendees.csv",
        services.ATTENDEE_HEADER,
        services.attendee_export_rows(event=event),
    )
