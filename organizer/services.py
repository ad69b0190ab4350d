"""Organizer operations: the numbers behind the dashboard, analytics and exports.

Every function takes the organizer (or one of their events, fetched through `event_for`).
Sales figures are read from the rollup `orders.sales` keeps as orders are paid and refunded
(a few rows per event and day), so a page costs a fixed number of small queries however many
orders there are.
"""

import csv
import logging
from dataclasses import dataclass, field
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db import transaction
from django.db.models import (
    Count,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce, TruncHour
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from events import cache as event_cache
from events.models import Event, TicketType, seat_place
from getiickets.errors import DomainError
from orders import sales
from orders.models import Order, OrderItem, SalesRollup, WaitlistEntry
from organizer.models import ApiToken
from tickets.inventory.availability import Stock, stock_by_event
from tickets.models import CheckIn, Ticket

log = logging.getLogger(__name__)

# Orders whose money the organizer keeps (a partial refund keeps the rest): orders.sales.
SALE_STATUSES = sales.SALE_STATUSES
SELLING_OUT_RATIO = 0.9


def lagos() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def event_for(organizer, event_id) -> Event:
    """The organizer's own event, or 404 — never another organizer's."""
    if organizer is None:
        raise Http404
    return get_object_or_404(
        Event.objects.select_related("venue"), pk=event_id, organizer=organizer
    )


# --- Cached figures ----------------------------------------------------------------------

# Failed deliveries and payment mismatches move no version: the dashboard shows them within
# this long. Everything else it shows moves a version (a payment or refund, an event edit).
DASHBOARD_CACHE_SECONDS = 30
ANALYTICS_CACHE_SECONDS = 10 * 60


def cached_figures(name: str, *, version_keys, build, timeout: int):
    """`build()`, kept in the cache under the current values of `version_keys` (the
    organizer's sales figures version first; see orders.sales): any change to what it was
    built from moves one of them on, and the next request builds it again. The versions are
    read before the data, so a copy is never filed under a version newer than its rows.
    Without the cache, built every time."""
    versions = event_cache.versions(*version_keys)
    if versions is None:
        return build()
    key = f"organizer:{name}:" + ":".join(str(v) for v in versions)
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, timeout)
    return value


# --- Dashboard -------------------------------------------------------------------------


DASHBOARD_PAGE_SIZE = 20
DASHBOARD_SECTIONS = ("upcoming", "drafts", "past")


def _money():
    """Sums of rollup rows: what buyers paid (fees in), refunded, fees, and paid orders."""
    return dict(
        total=Coalesce(Sum("total_kobo"), 0),
        refunded=Coalesce(Sum("refunded_kobo"), 0),
        fees=Coalesce(Sum("fees_kobo"), 0),
        n=Coalesce(Sum("orders"), 0),
    )


def _figures_by_event(event_ids) -> tuple[dict, dict]:
    """Stock per event (the inventory's availability read model) and money per event (the
    sales rollup): one grouped query each."""
    stock = stock_by_event(event_ids)
    money = {
        row["event"]: row
        for row in SalesRollup.objects.filter(event_id__in=event_ids)
        .values("event")
        .annotate(**_money())
        .order_by()
    }
    return stock, money


def attach_figures(events: list) -> list:
    """Put capacity_total, sold_total, gross_kobo, fees_kobo, net_kobo, paid_orders and
    sold_percent on each of `events` (a page of them): two queries whatever their number."""
    stock, money = _figures_by_event([e.pk for e in events])
    for event in events:
        s, m = stock.get(event.pk, Stock(0, 0, 0)), money.get(event.pk, {})
        event.capacity_total = s.capacity
        event.sold_total = s.sold
        event.remaining = s.remaining
        event.gross_kobo = m.get("total", 0) - m.get("refunded", 0)
        event.fees_kobo = m.get("fees") or 0
        event.paid_orders = m.get("n") or 0
        event.net_kobo = event.gross_kobo - event.fees_kobo
        event.sold_ratio = (event.sold_total / event.capacity_total) if event.capacity_total else 0
        event.sold_percent = round(event.sold_ratio * 100)
    return events


def _optional_model(app_label: str, model_name: str):
    """Models other areas add (DeliveryLog, Payment) may not exist in every build."""
    if not apps.is_installed(app_label):
        return None
    try:
        return apps.get_model(app_label, model_name)
    except LookupError:
        return None


def _failed_deliveries_by_event(organizer) -> dict[int, int]:
    model = _optional_model("tickets", "DeliveryLog")
    if model is None:
        return {}
    try:
        rows = (
            model.objects.filter(order__event__organizer=organizer, state="failed")
            .values("order__event")
            .annotate(n=Count("order", distinct=True))
        )
        return {row["order__event"]: row["n"] for row in rows}
    except Exception:  # noqa: BLE001 - a differently shaped model must not break the dashboard
        log.exception("could not count failed deliveries")
        return {}


def _payment_mismatches_by_event(organizer) -> dict[int, int]:
    model = _optional_model("payments", "Payment")
    if model is None:
        return {}
    try:
        rows = (
            model.objects.filter(order__event__organizer=organizer, status="mismatch")
            .values("order__event")
            .annotate(n=Count("pk"))
        )
        return {row["order__event"]: row["n"] for row in rows}
    except Exception:  # noqa: BLE001
        log.exception("could not count payment mismatches")
        return {}


@dataclass
class Attention:
    event: Event
    kind: str  # selling_out, sold_out, failed_deliveries, payment_mismatch
    text: str


@dataclass
class Dashboard:
    drafts: list = field(default_factory=list)
    upcoming: list = field(default_factory=list)
    past: list = field(default_factory=list)
    attention: list = field(default_factory=list)
    totals: dict = field(default_factory=dict)
    pages: dict = field(default_factory=dict)


def _section_page(queryset, number):
    page = Paginator(queryset, DASHBOARD_PAGE_SIZE).get_page(number)
    return page, list(page.object_list)


def _page_number(value) -> int:
    try:
        return max(int(value), 1)
    except (TypeError, ValueError):
        return 1  # as Paginator.get_page reads it


def dashboard(*, organizer, pages: dict | None = None) -> Dashboard:
    """The organizer's figures, attention list and a page of each section, cached per
    organizer and pages under their sales figures version and the events' version."""
    numbers = {name: _page_number((pages or {}).get(name)) for name in DASHBOARD_SECTIONS}
    stored = cached_figures(
        f"dashboard:{organizer.pk}:" + "-".join(str(n) for n in numbers.values()),
        version_keys=[sales.figures_version_key(organizer.pk), event_cache.CATALOGUE_VERSION_KEY],
        build=lambda: _storable(_build_dashboard(organizer=organizer, pages=numbers)),
        timeout=DASHBOARD_CACHE_SECONDS,
    )
    return _revived(stored)


def _storable(board: Dashboard) -> Dashboard:
    """The board without its Page objects (they hold querysets): each page's number and count."""
    pages = {name: (page.number, page.paginator.count) for name, page in board.pages.items()}
    return Dashboard(**{**board.__dict__, "pages": pages})


def _revived(stored: Dashboard) -> Dashboard:
    pages = {
        name: Page(getattr(stored, name), number, Paginator(range(count), DASHBOARD_PAGE_SIZE))
        for name, (number, count) in stored.pages.items()
    }
    return Dashboard(**{**stored.__dict__, "pages": pages})


def _build_dashboard(*, organizer, pages: dict) -> Dashboard:
    """The organizer's figures, attention list and a page of each section (upcoming, drafts,
    past). A fixed number of queries however many events and orders: each table is grouped
    once, and only the shown page of events is fetched."""
    now = timezone.now()
    board = Dashboard()
    mine = Event.objects.filter(organizer=organizer).select_related("venue")
    live = mine.exclude(status=Event.Status.DRAFT)
    sections = {
        "upcoming": live.filter(ends_at__gte=now).order_by("starts_at", "pk"),
        "drafts": mine.filter(status=Event.Status.DRAFT).order_by("starts_at", "pk"),
        "past": live.filter(ends_at__lt=now).order_by("-starts_at", "-pk"),
    }
    shown = []
    for name, queryset in sections.items():
        page, events = _section_page(queryset, pages.get(name))
        setattr(board, name, events)
        board.pages[name] = page
        shown.extend(events)
    attach_figures(shown)

    stock = TicketType.objects.filter(event__organizer=organizer).aggregate(
        capacity=Coalesce(Sum("capacity"), 0), sold=Coalesce(Sum("sold"), 0)
    )
    money = SalesRollup.objects.filter(event__organizer=organizer).aggregate(**_money())
    gross = money["total"] - money["refunded"]
    board.totals = {
        "sold": stock["sold"],
        "capacity": stock["capacity"],
        "gross_kobo": gross,
        "fees_kobo": money["fees"],
        "net_kobo": gross - money["fees"],
    }

    # Attention: live events at 90 % or more, failed deliveries, payment mismatches.
    selling = (
        Event.objects.filter(organizer=organizer, status=Event.Status.PUBLISHED, ends_at__gte=now)
        .annotate(
            capacity_total=Sum("ticket_types__capacity"), sold_total=Sum("ticket_types__sold")
        )
        .filter(capacity_total__gt=0, sold_total__gte=F("capacity_total") * SELLING_OUT_RATIO)
        .order_by("starts_at")
    )
    failed = _failed_deliveries_by_event(organizer)
    mismatched = _payment_mismatches_by_event(organizer)
    flagged = {e.pk: e for e in selling}
    others = set(failed) | set(mismatched)
    for event in Event.objects.filter(pk__in=others - set(flagged)):
        flagged[event.pk] = event
    for event in selling:
        left = event.capacity_total - event.sold_total
        percent = round(100 * event.sold_total / event.capacity_total)
        if left <= 0:
            board.attention.append(
                Attention(event, "sold_out", f"All {event.capacity_total:,} tickets sold")
            )
        else:
            board.attention.append(
                Attention(event, "selling_out", f"{percent}% sold — {left:,} left")
            )
    for pk, n in failed.items():
        board.attention.append(
            Attention(
                flagged[pk],
                "failed_deliveries",
                f"{n} order{'s' if n != 1 else ''} with a failed ticket delivery",
            )
        )
    for pk, n in mismatched.items():
        board.attention.append(
            Attention(
                flagged[pk],
                "payment_mismatch",
                f"{n} payment{'s' if n != 1 else ''} not matching the order",
            )
        )
    return board


# --- Analytics -------------------------------------------------------------------------


def _days(start: date, end: date):
    day = start
    while day <= end:
        yield day
        day += timedelta(days=1)


def tickets_sold(*, event: Event):
    """The event's admissions that count as sold (`orders.sales.sold_admissions`: in a paid
    order and not refunded). Ticket revenue is what buyers paid for them, after discounts
    (`OrderItem.paid_kobo`); service fees are not in it. The analytics below read the same
    figures from the sales rollup, which `orders.sales.reconcile` checks against this set."""
    return sales.sold_admissions().filter(order__event=event)


def _rollup(event: Event):
    return SalesRollup.objects.filter(event=event)


def service_fees_kobo(*, event: Event) -> int:
    """Service fees buyers paid on the event's sold orders (kept on a partial refund)."""
    return _rollup(event).aggregate(kobo=Coalesce(Sum("fees_kobo"), 0))["kobo"]


def sales_by_day(*, event: Event) -> list[dict]:
    """Per Lagos day: tickets sold, ticket revenue (kobo, `tickets_sold`), and the running
    totals; gaps are zero."""
    per_day = {
        row["day"]: row
        for row in _rollup(event)
        .values("day")
        .annotate(n=Sum("tickets"), kobo=Sum("revenue_kobo"))
        .filter(n__gt=0)
        .order_by()
    }
    if not per_day:
        return []
    days = sorted(per_day)
    rows, total_tickets, total_kobo = [], 0, 0
    for day in _days(days[0], days[-1]):
        row = per_day.get(day, {})
        n, kobo = row.get("n", 0), row.get("kobo") or 0
        total_tickets += n
        total_kobo += kobo
        rows.append(
            {
                "day": day,
                "tickets": n,
                "revenue_kobo": kobo,
                "cumulative_tickets": total_tickets,
                "cumulative_revenue_kobo": total_kobo,
            }
        )
    return rows


def revenue_by_ticket_type(*, event: Event) -> list[dict]:
    """Per ticket type: tickets sold and their ticket revenue (`tickets_sold`); the rows sum
    to the totals of `sales_by_day`."""
    sold = {
        row["ticket_type"]: row
        for row in _rollup(event)
        .filter(ticket_type__isnull=False)
        .values("ticket_type")
        .annotate(tickets=Sum("tickets"), revenue_kobo=Sum("revenue_kobo"))
        .order_by()
    }
    rows = []
    for tt in event.ticket_types.all().order_by("position", "price_kobo", "pk"):
        row = sold.get(tt.pk, {})
        rows.append(
            {
                "ticket_type": tt.name,
                "price_kobo": tt.price_kobo,
                "capacity": tt.capacity,
                "tickets": row.get("tickets") or 0,
                "revenue_kobo": row.get("revenue_kobo") or 0,
            }
        )
    return rows


def promo_code_usage(*, event: Event) -> list[dict]:
    """Per promo code: sold orders, the discount given, and the ticket revenue of those
    orders (`tickets_sold`, the same definition as every other revenue figure)."""
    return [
        {
            "code": row["promo_code__code"],
            "orders": row["orders"],
            "discount_kobo": row["discount_kobo"] or 0,
            "revenue_kobo": row["revenue_kobo"] or 0,
        }
        for row in _rollup(event)
        .filter(promo_code__isnull=False)
        .values("promo_code__code")
        .annotate(
            orders=Sum("orders"),
            discount_kobo=Sum("discount_kobo"),
            revenue_kobo=Sum("revenue_kobo"),
        )
        .filter(orders__gt=0)
        .order_by("-orders", "promo_code__code")
    ]


def check_in_progress(*, event: Event) -> dict:
    """Valid tickets, admitted so far, and admissions per hour (Lagos) with a running total."""
    figures = Ticket.objects.filter(event=event, status=Ticket.Status.VALID).aggregate(
        valid=Count("pk"), admitted=Count("check_in")
    )
    per_hour = (
        CheckIn.objects.filter(ticket__event=event, ticket__status=Ticket.Status.VALID)
        .annotate(hour=TruncHour("checked_in_at", tzinfo=lagos()))
        .values("hour")
        .annotate(n=Count("pk"))
        .order_by("hour")
    )
    rows, total = [], 0
    for row in per_hour:
        total += row["n"]
        rows.append({"hour": row["hour"], "checked_in": row["n"], "cumulative": total})
    valid = figures["valid"]
    return {
        "valid": valid,
        "admitted": figures["admitted"],
        "percent": round(100 * figures["admitted"] / valid) if valid else 0,
        "by_hour": rows,
    }


def check_in_by_device(*, event: Event) -> list[dict]:
    """Admissions per device (each gate names its devices), most first."""
    return list(
        CheckIn.objects.filter(ticket__event=event, ticket__status=Ticket.Status.VALID)
        .values("device")
        .annotate(admitted=Count("pk"))
        .order_by("-admitted", "device")
    )


def check_in_counts(*, event: Event, device: str) -> dict:
    """What a door shows: the event's total inside, of how many, and this device's count."""
    figures = CheckIn.objects.filter(
        ticket__event=event, ticket__status=Ticket.Status.VALID
    ).aggregate(inside=Count("pk"), this_device=Count("pk", filter=Q(device=device)))
    valid = Ticket.objects.filter(event=event, status=Ticket.Status.VALID).count()
    return {
        "inside": figures["inside"],
        "valid": valid,
        "device": device,
        "device_count": figures["this_device"],
    }


# --- CSV exports -----------------------------------------------------------------------

DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """Neutralise spreadsheet formulas (CSV injection): '=cmd()' becomes "'=cmd()"."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(DANGEROUS_PREFIXES):
        return "'" + value
    return value


class _Echo:
    """csv.writer writes into this and we hand the line straight to the response."""

    def write(self, value):
        return value


def csv_rows(header, rows, *, lines_per_chunk: int = 500):
    """Yield the CSV in chunks of a few hundred lines: header first, every cell made safe.

    Memory stays flat however many rows there are (see benchmarks/export_memory.py).
    """
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(header)  # BOM: spreadsheets then read ₦ and names right
    chunk = []
    for row in rows:
        chunk.append(writer.writerow([safe_cell(cell) for cell in row]))
        if len(chunk) >= lines_per_chunk:
            yield "".join(chunk)
            chunk = []
    if chunk:
        yield "".join(chunk)


def naira_plain(kobo) -> str:
    kobo = int(kobo or 0)
    sign = "-" if kobo < 0 else ""
    naira, rest = divmod(abs(kobo), 100)
    return f"{sign}{naira}.{rest:02d}"


def _local(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


CHUNK = 2000

ORDER_HEADER = [
    "Reference",
    "Status",
    "Created (Lagos)",
    "Paid (Lagos)",
    "Buyer name",
    "Email",
    "Phone",
    "Tickets",
    "Promo code",
    "Subtotal (NGN)",
    "Discount (NGN)",
    "Fee (NGN)",
    "Total (NGN)",
    "Refunded (NGN)",
]


def order_export_rows(orders):
    """`orders`: a (filtered) Order queryset of one event. Streams without loading it all."""
    ticket_count = (
        OrderItem.objects.filter(order=OuterRef("pk"))
        .order_by()
        .values("order")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    rows = (
        orders.order_by("created_at", "pk")
        .annotate(items_n=Coalesce(Subquery(ticket_count, output_field=IntegerField()), 0))
        .values_list(
            "reference",
            "status",
            "created_at",
            "paid_at",
            "full_name",
            "email",
            "phone",
            "items_n",
            "promo_code__code",
            "subtotal_kobo",
            "discount_kobo",
            "fee_kobo",
            "total_kobo",
            "refunded_kobo",
        )
        .iterator(chunk_size=CHUNK)
    )
    labels = dict(Order.Status.choices)
    for ref, status, created, paid, name, email, phone, n, code, sub, disc, fee, tot, ref_k in rows:
        yield [
            ref,
            labels.get(status, status),
            _local(created),
            _local(paid),
            name,
            email,
            phone,
            n,
            code or "",
            naira_plain(sub),
            naira_plain(disc),
            naira_plain(fee),
            naira_plain(tot),
            naira_plain(ref_k),
        ]


ATTENDEE_HEADER = [
    "Ticket",
    "Attendee",
    "Holder email",
    "Ticket type",
    "Seat",
    "Order",
    "Buyer name",
    "Buyer phone",
    "Status",
    "Checked in (Lagos)",
    "Device",
]


def attendee_export_rows(*, event: Event):
    rows = (
        Ticket.objects.filter(event=event)
        .order_by("pk")
        .values_list(
            "pk",
            "attendee_name",
            "holder__email",
            "ticket_type__name",
            "seat__section__name",
            "seat__row_label",
            "seat__number",
            "order__reference",
            "order__full_name",
            "order__phone",
            "status",
            "check_in__checked_in_at",
            "check_in__device",
        )
        .iterator(chunk_size=CHUNK)
    )
    labels = dict(Ticket.Status.choices)
    for pk, attendee, email, tt, *seat, ref, buyer, phone, status, at, device in rows:
        yield [
            pk,
            attendee or buyer,
            email,
            tt,
            seat_place(*seat) if seat[0] else "",
            ref,
            buyer,
            phone,
            labels.get(status, status),
            _local(at),
            device or "",
        ]


# --- Check-in manifest -----------------------------------------------------------------


def check_in_manifest(*, event: Event) -> dict:
    """Everything a scanner needs to admit people without a network.

    Secrets never leave the server: each ticket carries sha256(secret), which the page
    compares with the secret inside a QR whose signature it has verified.
    """
    from tickets import signing
    from tickets.checkin import secret_hash

    tickets = []
    for pk, secret, status, name, buyer, ref, tt, at, device in (
        Ticket.objects.filter(event=event)
        .order_by("pk")
        .values_list(
            "pk",
            "secret",
            "status",
            "attendee_name",
            "order__full_name",
            "order__reference",
            "ticket_type__name",
            "check_in__checked_in_at",
            "check_in__device",
        )
        .iterator(chunk_size=CHUNK)
    ):
        tickets.append(
            {
                "id": pk,
                "h": secret_hash(secret),
                "status": status,
                "name": name or buyer,
                "order": ref,
                "type": tt,
                "checked_in_at": at.isoformat() if at else None,
                "device": device or "",
            }
        )
    return {
        "event": {"id": event.pk, "title": event.title},
        "public_key": signing.public_key_for_event(event.pk),
        "generated_at": timezone.now().isoformat(),
        "tickets": tickets,
    }


def search_tickets(*, event: Event, query: str, limit: int = 20):
    """Manual check-in search: attendee or buyer name, email, or order reference."""
    query = (query or "").strip()
    if len(query) < 2:
        return Ticket.objects.none()
    return (
        Ticket.objects.filter(event=event)
        .filter(
            Q(attendee_name__icontains=query)
            | Q(order__full_name__icontains=query)
            | Q(order__email__icontains=query)
            | Q(holder__email__icontains=query)
            | Q(order__reference__iexact=query)
        )
        .select_related("order", "ticket_type", "check_in")
        .order_by("attendee_name", "pk")[:limit]
    )


def waitlist_queue(*, event: Event):
    return (
        WaitlistEntry.objects.filter(event=event)
        .exclude(status=WaitlistEntry.Status.REMOVED)
        .select_related("ticket_type", "buyer", "hold")
        .order_by("created_at", "pk")
    )


# --- API tokens ---------------------------------------------------------------------------

TOKEN_USE_RESOLUTION = timedelta(minutes=1)


def create_api_token(*, membership, user, name: str, scope: str, events=()) -> tuple:
    """A new token for `user` on their team; returns (token row, the secret to show once)."""
    allowed = membership.events(Event.objects.all())
    chosen = list(allowed.filter(pk__in=[e.pk for e in events]))
    if len(chosen) != len(set(events)):
        raise DomainError("Choose only events you work on.")
    secret = ApiToken.new_secret()
    with transaction.atomic():
        token = ApiToken.objects.create(
            organizer=membership.organizer,
            user=user,
            name=name,
            scope=scope,
            digest=ApiToken.digest_of(secret),
            hint=secret[:10],
        )
        token.events.set(chosen)
    return token, secret


def revoke_api_token(*, token) -> None:
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())


def note_token_use(token) -> None:
    """Remember when a token was last used (at most one write a minute per token)."""
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= TOKEN_USE_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
