"""What counts as sold, and the running tally of it that the organizer's pages read.

The one definition: an order's money counts while the order is paid or partially refunded
(`sale_orders`); an admission counts while its order does and it is not refunded itself
(`sold_admissions`). Ticket revenue is what buyers paid for those admissions, after discounts
(`OrderItem.paid_kobo`); service fees are apart.

`SalesRollup` holds those figures per event × Lagos day of payment × ticket type × promo code.
The services that pay or refund an order book the change in the same transaction (`book_paid`,
`tracking`), as increments that concurrent payments cannot lose; `reconcile` recomputes the
rollup from the orders and fixes any drift (the backfill migration and `reconcile_sales`).

Each organizer has a figures version (`figures_version_key`) that every booking moves on when
its transaction commits: the organizer's pages cache what they compute from the rollup under
it, so a payment or refund shows on the next request.
"""

from collections import defaultdict
from contextlib import contextmanager
from zoneinfo import ZoneInfo

from django.apps import apps as global_apps
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Sum
from django.db.models.functions import TruncDate

from events import cache as event_cache

# Orders whose money the organizer keeps (a partial refund keeps the rest).
SALE_STATUSES = ("paid", "partially_refunded")
FIGURES = (
    "orders",
    "total_kobo",
    "refunded_kobo",
    "fees_kobo",
    "discount_kobo",
    "tickets",
    "revenue_kobo",
)
RECONCILE_EVENTS_PER_TRANSACTION = 200


def _model(name, apps=global_apps):
    return apps.get_model("orders", name)


def sale_orders(*, apps=global_apps):
    """Orders whose money counts: paid (or partly refunded) and not wholly refunded."""
    return _model("Order", apps).objects.filter(status__in=SALE_STATUSES, paid_at__isnull=False)


def sold_admissions(*, apps=global_apps):
    """Admissions that count as sold: in a sale order and not refunded themselves."""
    return _model("OrderItem", apps).objects.filter(
        order__status__in=SALE_STATUSES, order__paid_at__isnull=False, refunded_at__isnull=True
    )


def _lagos():
    return ZoneInfo(settings.TIME_ZONE)


def _tally(*, apps=global_apps, **order_filter) -> dict:
    """{(event, day, ticket type, promo code): figures} of the sale orders matching
    `order_filter` (Order lookups) and their sold admissions: two grouped queries."""
    tally = defaultdict(lambda: dict.fromkeys(FIGURES, 0))
    orders = (
        sale_orders(apps=apps)
        .filter(**order_filter)
        .annotate(day=TruncDate("paid_at", tzinfo=_lagos()))
        .values("event_id", "day", "promo_code_id")
        .annotate(
            n=Count("pk"),
            total=Sum("total_kobo"),
            refunded=Sum("refunded_kobo"),
            fees=Sum("fee_kobo"),
            discount=Sum("discount_kobo"),
        )
        .order_by()
    )
    for row in orders:
        figures = tally[(row["event_id"], row["day"], None, row["promo_code_id"])]
        figures["orders"] += row["n"]
        figures["total_kobo"] += row["total"] or 0
        figures["refunded_kobo"] += row["refunded"] or 0
        figures["fees_kobo"] += row["fees"] or 0
        figures["discount_kobo"] += row["discount"] or 0
    items = (
        sold_admissions(apps=apps)
        .filter(**{f"order__{lookup}": value for lookup, value in order_filter.items()})
        .annotate(day=TruncDate("order__paid_at", tzinfo=_lagos()))
        .values("order__event_id", "day", "ticket_type_id", "order__promo_code_id")
        .annotate(n=Count("pk"), kobo=Sum("paid_kobo"))
        .order_by()
    )
    for row in items:
        key = (
            row["order__event_id"],
            row["day"],
            row["ticket_type_id"],
            row["order__promo_code_id"],
        )
        tally[key]["tickets"] += row["n"]
        tally[key]["revenue_kobo"] += row["kobo"] or 0
    return dict(tally)


def _difference(after: dict, before: dict) -> dict:
    changes = {}
    for key in after.keys() | before.keys():
        new, old = after.get(key, {}), before.get(key, {})
        delta = {f: new.get(f, 0) - old.get(f, 0) for f in FIGURES}
        if any(delta.values()):
            changes[key] = delta
    return changes


def _key_order(item):
    event, day, ticket_type, promo = item[0]
    return (event, day, ticket_type or 0, promo or 0)


def figures_version_key(organizer_id) -> str:
    """The version of an organizer's sales figures (events.cache keeps it)."""
    return f"sales:v:organizer:{organizer_id}"


def _bump_figures(event_ids) -> None:
    """After the transaction commits (a reader takes the version before the rows, so it
    never files rows from before the commit under the new version): the figures of these
    events' organizers have changed."""
    event_ids = set(event_ids)

    def bump():
        events = global_apps.get_model("events", "Event").objects.filter(pk__in=event_ids)
        organizers = events.values_list("organizer_id", flat=True).distinct()
        for organizer_id in organizers:
            event_cache.bump_version(figures_version_key(organizer_id))

    if event_ids:
        transaction.on_commit(bump)


def _book(changes: dict) -> None:
    """Add `changes` to the rollup in one INSERT … ON CONFLICT DO UPDATE: each row is
    incremented in the database, so concurrent payments never overwrite each other's counts.
    Rows go in one order (by key) so two transactions cannot deadlock on them."""
    if not changes:
        return
    table = _model("SalesRollup")._meta.db_table
    columns = ["event_id", "day", "ticket_type_id", "promo_code_id", *FIGURES]
    rows, params = [], []
    for key, delta in sorted(changes.items(), key=_key_order):
        rows.append("(" + ", ".join(["%s"] * len(columns)) + ")")
        params.extend([*key, *(delta[f] for f in FIGURES)])
    increments = ", ".join(f"{f} = {table}.{f} + excluded.{f}" for f in FIGURES)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES {', '.join(rows)} "  # noqa: S608 - our own names; values are parameters
            f"ON CONFLICT (event_id, day, (COALESCE(ticket_type_id, 0)), "
            f"(COALESCE(promo_code_id, 0))) DO UPDATE SET {increments}",
            params,
        )
    _bump_figures(event for event, *_ in changes)


def book_paid(*, order_id: int) -> None:
    """The order was just paid (in this transaction): add it to the rollup."""
    _book(_tally(pk=order_id))


@contextmanager
def tracking(*, order_id: int):
    """Wrap a change to a locked order (a refund): the rollup moves by the difference
    between what the order counted for before and after."""
    before = _tally(pk=order_id)
    yield
    _book(_difference(_tally(pk=order_id), before))


def _stored(event_ids, *, apps=global_apps) -> dict:
    rollup = _model("SalesRollup", apps)
    return {
        (r.event_id, r.day, r.ticket_type_id, r.promo_code_id): r
        for r in rollup.objects.filter(event_id__in=event_ids)
    }


def reconcile(*, event_ids=None, apps=global_apps) -> int:
    """Recompute the rollup from the orders and correct every row that differs (missing,
    wrong, or left over); returns how many rows were corrected. Runs a few hundred events
    per transaction, each holding a lock that makes payments wait rather than slip between
    the recount and the correction."""
    rollup = _model("SalesRollup", apps)
    if event_ids is None:
        event_ids = set(sale_orders(apps=apps).values_list("event_id", flat=True).distinct())
        event_ids |= set(rollup.objects.values_list("event_id", flat=True).distinct())
    event_ids = sorted(event_ids)
    corrected = 0
    for start in range(0, len(event_ids), RECONCILE_EVENTS_PER_TRANSACTION):
        chunk = event_ids[start : start + RECONCILE_EVENTS_PER_TRANSACTION]
        with transaction.atomic():
            if connection.vendor == "postgresql":
                # Waits for payments in flight to commit and holds new ones back until the
                # correction commits: the recount then matches the rows it corrects.
                with connection.cursor() as cursor:
                    cursor.execute(
                        f"LOCK TABLE {rollup._meta.db_table} IN SHARE ROW EXCLUSIVE MODE"
                    )
            truth = _tally(apps=apps, event_id__in=chunk)
            stored = _stored(chunk, apps=apps)
            for key in truth.keys() | stored.keys():
                want = truth.get(key, dict.fromkeys(FIGURES, 0))
                row = stored.get(key)
                if row is None:
                    event_id, day, ticket_type_id, promo_code_id = key
                    rollup.objects.create(
                        event_id=event_id,
                        day=day,
                        ticket_type_id=ticket_type_id,
                        promo_code_id=promo_code_id,
                        **want,
                    )
                elif not any(want.values()):
                    row.delete()
                    if not any(getattr(row, f) for f in FIGURES):
                        continue  # an emptied row tidied away: not a drift
                elif any(getattr(row, f) != want[f] for f in FIGURES):
                    rollup.objects.filter(pk=row.pk).update(**want)
                else:
                    continue
                corrected += 1
            if corrected and apps is global_apps:  # not from a migration's historical models
                _bump_figures(chunk)
    return corrected
