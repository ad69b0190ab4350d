"""The buyer's dashboard: tickets, orders, QR for the gate, PDF download, transfers."""

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from accounts import guests
from accounts.views import safe_next
from getiickets.errors import DomainError
from orders import access
from orders.models import Order
from tickets import dashboard, delivery, fulfilment, pdf, qr, transfers
from tickets.models import TicketTransfer

RESEND_RATE = "3/h"


def _my_tickets(request):
    """The tickets this browser may show: the account's, or in a guest's browser those of
    the orders it placed or opened by their link (still held by that order's buyer)."""
    if request.user.is_authenticated:
        tickets = dashboard.valid_tickets(request.user)
    else:
        tickets = dashboard.valid_tickets_of_orders(access.visible_orders(request))
    return tickets.select_related("event", "event__venue", "ticket_type", "seat__section", "order")


def order_viewer_required(view):
    """The signed-in buyer, or a guest's browser (accounts.guests): it sees the orders it
    placed or opened by their link, and nothing (404) of anybody else's."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if guests.session_guest_id(request) is None and not access.can_see_any(request):
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapped


@login_required
def tickets(request):
    """Upcoming events with their tickets grouped by order; past events folded below. The
    main part is cached per holder until something it shows changes (tickets.dashboard)."""
    page, past = request.GET.get("page"), request.GET.get("past")

    def build():
        mine = dashboard.my_tickets(request.user, page=page, past_page=past)
        context = {
            "page": mine.page,
            "groups": mine.groups,
            "past_page": mine.past_page,
            "past": mine.past,
            "preparing": dashboard.preparing(request.user),
            "csrf_token": dashboard.CSRF_PLACEHOLDER,
        }
        return render_to_string("tickets/dashboard/_tickets_main.html", context, request), mine

    main = dashboard.cached_tickets_page(request.user, page=page, past=past, build=build)
    if dashboard.CSRF_PLACEHOLDER in main:
        main = main.replace(dashboard.CSRF_PLACEHOLDER, get_token(request))
    main = mark_safe(main)  # noqa: S308 - rendered (and escaped) by our own template above
    response = render(request, "tickets/dashboard/tickets.html", {"main": main})
    patch_cache_control(response, private=True)
    return response


@order_viewer_required
def ticket_qr(request, pk: int):
    ticket = get_object_or_404(_my_tickets(request), pk=pk)
    response = render(
        request,
        "tickets/dashboard/ticket_qr.html",
        {"ticket": ticket, "qr_svg": qr.svg(ticket.qr_payload)},
    )
    # Kept by the phone for the day: it opens again at the gate without a signal.
    patch_cache_control(response, private=True, max_age=12 * 3600)
    return response


@order_viewer_required
def ticket_qr_svg(request, pk: int):
    """The QR code alone, as an image (the success page shows one per ticket)."""
    ticket = get_object_or_404(_my_tickets(request), pk=pk)
    response = HttpResponse(qr.svg(ticket.qr_payload), content_type="image/svg+xml")
    patch_cache_control(response, private=True, max_age=12 * 3600)
    return response


@login_required
def ticket_transfer(request, pk: int):
    ticket = get_object_or_404(_my_tickets(request), pk=pk)
    error = None
    if request.method == "POST":
        try:
            transfer = transfers.start_transfer(
                ticket=ticket, sender=request.user, recipient=request.POST.get("recipient", "")
            )
        except DomainError as exc:
            error = exc.message
        else:
            messages.success(
                request,
                f"We sent a claim link to {transfer.recipient}. The ticket stays yours "
                "until they claim it.",
            )
            return redirect("dashboard:tickets")
    try:
        transfers.check_transferable(ticket)
        refusal = None
    except DomainError as exc:
        refusal = exc.message
    return render(
        request,
        "tickets/dashboard/transfer.html",
        {
            "ticket": ticket,
            "error": error,
            "refusal": refusal,
            "recipient": request.POST.get("recipient", ""),
        },
        status=400 if error else 200,
    )


@require_POST
@login_required
def transfer_cancel(request, pk: int):
    transfer = get_object_or_404(TicketTransfer, pk=pk, sender=request.user)
    try:
        transfers.cancel_transfer(transfer=transfer, sender=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Transfer cancelled; the claim link no longer works.")
    return redirect("dashboard:tickets")


def transfer_claim(request, token: str):
    try:
        transfer = transfers.pending_transfer(token)
    except DomainError as exc:
        return render(
            request, "tickets/dashboard/claim.html", {"gone": exc.message}, status=exc.status_code
        )
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.path)
        try:
            transfers.claim_transfer(token=token, user=request.user)
        except DomainError as exc:
            return render(
                request,
                "tickets/dashboard/claim.html",
                {"transfer": transfer, "error": exc.message},
                status=exc.status_code,
            )
        messages.success(request, f"The ticket for {transfer.ticket.event.title} is yours.")
        return redirect("dashboard:tickets")
    return render(request, "tickets/dashboard/claim.html", {"transfer": transfer})


@login_required
def orders(request):
    return render(
        request,
        "tickets/dashboard/orders.html",
        {"page": dashboard.orders(request.user, request.GET.get("page"))},
    )


def _my_order(request, reference: str) -> Order:
    return get_object_or_404(
        access.visible_orders(request).select_related("event", "event__venue"),
        reference=reference,
    )


@order_viewer_required
def order_tickets(request, reference: str):
    """The htmx-polled fragment: "being prepared" until the tickets are ready."""
    return render(request, "tickets/_order_tickets.html", {"order": _my_order(request, reference)})


@order_viewer_required
def order_passes(request, reference: str):
    """The success page's htmx-polled fragment: progress, then the tickets' QR codes."""
    response = render(
        request, "tickets/_order_passes.html", {"order": _my_order(request, reference)}
    )
    response["Cache-Control"] = "no-store"
    return response


@order_viewer_required
def order_pdf(request, reference: str):
    order = _my_order(request, reference)
    storage = pdf.private_storage()
    path = pdf.order_pdf_path(order)
    if order.status != Order.Status.PAID or not fulfilment.tickets_ready(order):
        raise Http404("The tickets for this order are not ready.")
    unstored = delivery.ensure_pdf(order=order)
    if unstored is not None:  # a worker is storing it this instant: this copy is not kept
        response = HttpResponse(unstored, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="tickets-{reference}.pdf"'
        patch_cache_control(response, private=True, no_store=True)
        return response
    if getattr(storage, "querystring_auth", False) and hasattr(storage, "bucket_name"):
        # S3: a presigned URL that expires in minutes; the bucket stays private.
        url = storage.url(
            path,
            parameters={
                "ResponseContentDisposition": f'attachment; filename="tickets-{reference}.pdf"'
            },
            expire=getattr(settings, "AWS_QUERYSTRING_EXPIRE", 300),
        )
        response = HttpResponseRedirect(url)
    else:
        response = FileResponse(
            storage.open(path, "rb"),
            as_attachment=True,
            filename=f"tickets-{reference}.pdf",
            content_type="application/pdf",
        )
    patch_cache_control(response, private=True, no_store=True)
    return response


@require_POST
@login_required
@ratelimit(key="user", rate=RESEND_RATE, method="POST", block=False)
def order_resend(request, reference: str):
    order = _my_order(request, reference)
    target = safe_next(request, reverse("dashboard:orders"))
    if getattr(request, "limited", False):
        messages.error(request, "You asked for your tickets a few times already; try later.")
        return redirect(target)
    try:
        fulfilment.request_resend(order=order)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"We are sending your tickets to {order.email} again.")
    return redirect(target)
