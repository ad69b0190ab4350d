"""The organizer's money: balances, payouts, the statement, and the payout bank account.
Thin: each view checks who is asking, calls payments.payouts and renders."""

import csv

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from accounts import permissions as perms
from accounts.permissions import organizer_permission
from payments import gateway, payouts
from payments.models import Payout, PayoutAccount
from payments.payout_forms import BankAccountForm, StatementForm


@organizer_permission(perms.VIEW_MONEY)
@require_GET
def money(request):
    organizer = request.organizer
    today = timezone.localdate()
    return render(
        request,
        "payments/money.html",
        {
            "organizer": organizer,
            "figures": payouts.figures_for(organizer),
            "account": PayoutAccount.objects.filter(organizer=organizer).first(),
            "payouts": Payout.objects.filter(organizer=organizer)[:20],
            "statement_form": StatementForm(initial={"start": today.replace(day=1), "end": today}),
            "is_owner": payouts.is_owner(request.user, organizer),
        },
    )


@organizer_permission(perms.VIEW_MONEY)
@require_GET
def statement(request):
    organizer = request.organizer
    form = StatementForm(request.GET)
    if not form.is_valid():
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
        return render(
            request,
            "payments/money.html",
            {
                "organizer": organizer,
                "figures": payouts.figures_for(organizer),
                "account": PayoutAccount.objects.filter(organizer=organizer).first(),
                "payouts": Payout.objects.filter(organizer=organizer)[:20],
                "statement_form": form,
                "is_owner": payouts.is_owner(request.user, organizer),
            },
            status=400,
        )
    start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="statement-{organizer.slug}-{start}-{end}.csv"'
    )
    writer = csv.writer(response)
    writer.writerow(
        ["date (Lagos)", "type", "event", "order", "details", "amount (NGN)", "balance (NGN)"]
    )
    for entry, balance in payouts.statement_rows(organizer, start, end):
        writer.writerow(
            [
                timezone.localtime(entry.created_at).strftime("%Y-%m-%d %H:%M"),
                entry.get_kind_display(),
                _cell(entry.event.title if entry.event else ""),
                entry.order.reference if entry.order else "",
                _cell(entry.memo),
                f"{entry.amount_kobo / 100:.2f}",
                f"{balance / 100:.2f}",
            ]
        )
    return response


def _cell(text: str) -> str:
    """No spreadsheet formulas from event titles (CSV injection)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


@organizer_permission(perms.PAYOUT_DETAILS)  # owners only
@reauthentication_required  # a fresh sign-in even to look
@require_http_methods(["GET", "POST"])
def payout_account(request):
    """Choose the bank, type the number, see the name the bank holds, confirm. Changing it
    needs a fresh sign-in (allauth reauthentication) and emails every owner."""
    organizer = request.organizer
    try:
        banks = payouts.banks()
    except gateway.GatewayError as exc:
        messages.error(request, f"The bank list is unavailable right now: {exc}")
        banks = []
    form = BankAccountForm(request.POST or None, banks=banks)
    context = {
        "organizer": organizer,
        "form": form,
        "account": PayoutAccount.objects.filter(organizer=organizer).first(),
    }
    status = 200
    if request.method == "POST":
        if not form.is_valid():
            status = 400
        else:
            details = form.cleaned_data
            try:
                if request.POST.get("action") == "confirm":
                    account = payouts.set_payout_account(
                        organizer=organizer,
                        user=request.user,
                        bank_code=details["bank_code"],
                        account_number=details["account_number"],
                        confirmed_name=request.POST.get("resolved_name", ""),
                    )
                    messages.success(request, f"Payouts now go to {payouts.masked(account)}.")
                    return redirect("payments:money")
                context["resolved_name"] = payouts.resolve_account(
                    bank_code=details["bank_code"], account_number=details["account_number"]
                )
                context["bank_name"] = payouts.bank_name(details["bank_code"])
            except payouts.AccountRefused as refused:
                messages.error(request, refused.message)
                status = refused.status_code
    return render(request, "payments/payout_account.html", context, status=status)
