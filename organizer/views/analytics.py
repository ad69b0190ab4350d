from django.http import Http404, StreamingHttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string

from accounts import permissions as perms
from accounts.permissions import organizer_permission
from events import cache as event_cache
from orders import sales as sales_versions
from organizer import charts, services


def _sales_chart(rows, *, cumulative: bool):
    days = [r["day"] for r in rows]
    if cumulative:
        return charts.line_chart(
            title="Cumulative tickets sold",
            x=days,
            empty="No tickets sold yet.",
            series=[charts.Series("Tickets sold to date", [r["cumulative_tickets"] for r in rows])],
        )
    return charts.line_chart(
        title="Tickets sold per day",
        x=days,
        empty="No tickets sold yet.",
        series=[charts.Series("Tickets per day", [r["tickets"] for r in rows])],
    )


def _sales_figures(event) -> dict:
    """What the page shows from the sales rollup, with its charts drawn."""
    sales = services.sales_by_day(event=event)
    by_type = services.revenue_by_ticket_type(event=event)
    promos = services.promo_code_usage(event=event)
    return {
        "sales": sales,
        "totals": {
            "tickets": sum(r["tickets"] for r in sales),
            "revenue_kobo": sum(r["revenue_kobo"] for r in sales),
            "service_fees_kobo": services.service_fees_kobo(event=event),
        },
        "by_type": by_type,
        "promos": promos,
        "charts": {
            "daily": _sales_chart(sales, cumulative=False),
            "cumulative": _sales_chart(sales, cumulative=True),
            "revenue": charts.line_chart(
                title="Ticket revenue to date",
                x=[r["day"] for r in sales],
                money=True,
                series=[
                    charts.Series(
                        "Ticket revenue to date", [r["cumulative_revenue_kobo"] for r in sales]
                    )
                ],
            ),
            "ticket_types": charts.bar_chart(
                title="Revenue by ticket type",
                labels=[r["ticket_type"] for r in by_type],
                values=[r["revenue_kobo"] for r in by_type],
                money=True,
                notes=[f"{r['tickets']:,} sold" for r in by_type],
            ),
            "promo_codes": charts.bar_chart(
                title="Orders per promo code",
                labels=[r["code"] for r in promos],
                values=[r["orders"] for r in promos],
                colour=charts.ACCENT,
                empty="No promo codes used yet.",
            ),
        },
    }


# Check-ins are not versioned (the door adds them every second on the day): the page shows
# them at most this old.
CHECK_IN_FRESH_SECONDS = 5


def _page_main(event) -> str:
    """The page below its header: the sales figures (kept until a sale, refund or edit moves
    their versions on) with the check-in figures of the moment."""
    figures = services.cached_figures(
        f"analytics:{event.pk}",
        version_keys=_version_keys(event),
        build=lambda: _sales_figures(event),
        timeout=services.ANALYTICS_CACHE_SECONDS,
    )
    progress = services.check_in_progress(event=event)
    check_in_charts = {
        "check_in_ring": charts.progress_ring(
            title="Checked in", done=progress["admitted"], total=progress["valid"]
        ),
        "check_in": charts.line_chart(
            title="Admissions over the day",
            x=[r["hour"] for r in progress["by_hour"]],
            empty="Nobody checked in yet.",
            series=[
                charts.Series("Checked in to date", [r["cumulative"] for r in progress["by_hour"]])
            ],
        ),
    }
    context = {
        **figures,
        "event": event,
        "progress": progress,
        "charts": {**figures["charts"], **check_in_charts},
    }
    return render_to_string("organizer/ops/_analytics_main.html", context)


def _version_keys(event):
    # Sales move the organizer's figures version, ticket types and edits the event's.
    return [
        sales_versions.figures_version_key(event.organizer_id),
        event_cache.event_version_key(event.pk),
    ]


@organizer_permission(perms.VIEW_ORDERS)
def analytics(request, event_id):
    event = services.event_for(request.organizer, event_id)
    # Nothing in it depends on who asks (the ownership check above does): one copy for the
    # team, rebuilt when the figures move on or the check-ins are CHECK_IN_FRESH_SECONDS old.
    main = services.cached_figures(
        f"analytics-page:{event.pk}",
        version_keys=_version_keys(event),
        build=lambda: _page_main(event),
        timeout=CHECK_IN_FRESH_SECONDS,
    )
    return render(request, "organizer/ops/analytics.html", {"event": event, "main": main})


def _csv_table(event, chart):
    if chart == "sales":
        rows = services.sales_by_day(event=event)
        return (
            [
                "Date",
                "Tickets",
                "Ticket revenue (NGN)",
                "Tickets to date",
                "Ticket revenue to date (NGN)",
            ],
            (
                [
                    r["day"].isoformat(),
                    r["tickets"],
                    services.naira_plain(r["revenue_kobo"]),
                    r["cumulative_tickets"],
                    services.naira_plain(r["cumulative_revenue_kobo"]),
                ]
                for r in rows
            ),
        )
    if chart == "ticket-types":
        rows = services.revenue_by_ticket_type(event=event)
        return (
            ["Ticket type", "Price (NGN)", "Capacity", "Tickets sold", "Ticket revenue (NGN)"],
            (
                [
                    r["ticket_type"],
                    services.naira_plain(r["price_kobo"]),
                    r["capacity"],
                    r["tickets"],
                    services.naira_plain(r["revenue_kobo"]),
                ]
                for r in rows
            ),
        )
    if chart == "promo-codes":
        rows = services.promo_code_usage(event=event)
        return (
            ["Promo code", "Orders", "Discount given (NGN)", "Ticket revenue (NGN)"],
            (
                [
                    r["code"],
                    r["orders"],
                    services.naira_plain(r["discount_kobo"]),
                    services.naira_plain(r["revenue_kobo"]),
                ]
                for r in rows
            ),
        )
    if chart == "check-in":
        progress = services.check_in_progress(event=event)
        return (
            ["Hour (Lagos)", "Checked in", "Checked in to date"],
            (
                [r["hour"].strftime("%Y-%m-%d %H:00"), r["checked_in"], r["cumulative"]]
                for r in progress["by_hour"]
            ),
        )
    raise Http404


CHARTS = ("sales", "ticket-types", "promo-codes", "check-in")


@organizer_permission(perms.VIEW_ORDERS)
def analytics_csv(request, event_id, chart):
    event = services.event_for(request.organizer, event_id)
    header, rows = _csv_table(event, chart)
    response = StreamingHttpResponse(
        services.csv_rows(header, rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{event.slug}-{chart}.csv"'
    return response
