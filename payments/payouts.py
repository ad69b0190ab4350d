"""Organizer payouts: verified bank accounts, an append-only ledger per organizer in kobo, and
Paystack transfers of what is available, each confirmed only by a signed transfer webhook.

* The ledger (LedgerEntry) is the truth: every balance is a sum of its rows. A paid order adds
  its sale (+total) and the platform fee (−); a confirmed refund, a chargeback and a payout
  take money out; a failed or reversed payout and a won chargeback put it back. Credits are
  payable PAYOUT_DELAY_HOURS after their event ends (at once for a `release_early` organizer);
  debits count at once, so refunds and disputes come out of what is payable first.
* A payout is created under the organizer's PayoutAccount row lock for exactly the available
  amount, with its ledger row in the same transaction; on PostgreSQL a trigger refuses any
  payout row that would take more than is available (it takes a per-organizer advisory lock
  and sums again), even written past this module. So the job, a staff click and the
  organizer racing pay out once: the second finds nothing available.
* Paystack is called with no transaction open: claim (queued → sending), call, record. A
  process dying after the claim leaves `sending`; the retry asks Paystack for the reference
  before sending again.
"""

import logging
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Min, Q, Sum
from django.utils import timezone

from getiickets.datetimes import format_when
from getiickets.errors import DomainError
from getiickets.templatetags.money import format_naira
from orders.models import Order
from payments import gateway
from payments.models import LedgerEntry, Payment, Payout, PayoutAccount, Refund

log = logging.getLogger(__name__)
K = LedgerEntry.Kind
BANKS_CACHE_KEY = "paystack:banks:ng:v1"


class PayoutRefused(DomainError):
    """That payout is not possible."""

    status_code = 409


class AccountRefused(DomainError):
    """Those bank details could not be verified."""

    status_code = 400


# --- Who may set payout details ------------------------------------------------------------
def owners_of(organizer) -> list:
    """Everyone with the owner role: the account owning the organizer and team owners."""
    from accounts.models import TeamMember, TeamRole

    team = TeamMember.objects.filter(organizer=organizer, role=TeamRole.OWNER).select_related(
        "user"
    )
    return [organizer.user, *(member.user for member in team)]


def is_owner(user, organizer) -> bool:
    """May set payout details (accounts.permissions decides: PAYOUT_DETAILS)."""
    from accounts import permissions as perms

    membership = perms.membership_for(user)
    return (
        membership is not None
        and membership.organizer.pk == organizer.pk
        and membership.can(perms.PAYOUT_DETAILS)
    )


# --- Bank accounts ---------------------------------------------------------------------------
def banks() -> list[gateway.Bank]:
    """Paystack's Nigerian bank list, cached for a day (it rarely changes)."""
    cached = cache.get(BANKS_CACHE_KEY)
    if cached:
        return [gateway.Bank(code=c, name=n) for c, n in cached]
    found = gateway.list_banks()
    cache.set(BANKS_CACHE_KEY, [(b.code, b.name) for b in found], 24 * 3600)
    return found


def bank_name(code: str) -> str:
    return next((b.name for b in banks() if b.code == code), "")


def resolve_account(*, bank_code: str, account_number: str) -> str:
    """The name on the account, for the owner to confirm."""
    if not bank_name(bank_code):
        raise AccountRefused("Choose your bank from the list.")
    try:
        return gateway.resolve_account(account_number=account_number, bank_code=bank_code)
    except gateway.GatewayError as exc:
        raise AccountRefused(f"We could not verify that account: {exc}") from exc


def set_payout_account(
    *, organizer, user, bank_code: str, account_number: str, confirmed_name: str | None = None
) -> PayoutAccount:
    """The owner confirmed the resolved name: create the Paystack recipient (no transaction
    open), then save the account and tell every owner. `confirmed_name` is the name the owner
    saw; if the bank now answers another (the number was changed), nothing is saved."""
    if not is_owner(user, organizer):
        raise AccountRefused("Only an owner of the organizer can change payout details.")
    name = resolve_account(bank_code=bank_code, account_number=account_number)
    if confirmed_name is not None and confirmed_name != name:
        raise AccountRefused(f"That account belongs to {name}. Check it and confirm again.")
    try:
        code = gateway.create_recipient(
            name=name, account_number=account_number, bank_code=bank_code
        )
    except gateway.GatewayError as exc:
        raise AccountRefused(f"Paystack could not add that account: {exc}") from exc
    with transaction.atomic():
        account_for(organizer.pk)
        account = PayoutAccount.objects.select_for_update().get(organizer=organizer)
        account.bank_code = bank_code
        account.bank_name = bank_name(bank_code)
        account.account_number = account_number
        account.account_name = name
        account.recipient_code = code
        account.verified_at = timezone.now()
        account.set_by = user
        account.save()
        account_id = account.pk
        transaction.on_commit(lambda: _enqueue_account_notice(account_id, user.pk))
    return account


def _enqueue_account_notice(account_id: int, user_id: int) -> None:
    from payments.tasks import notify_payout_account_changed

    notify_payout_account_changed.delay(account_id, user_id)


def verified_account_label(organizer_id: int) -> str:
    """Where payouts go now ("" until an account is verified), for pages that say so."""
    account = PayoutAccount.objects.filter(organizer_id=organizer_id).first()
    return masked(account) if account and account.is_verified else ""


def masked(account: PayoutAccount) -> str:
    return f"{account.bank_name} ••••{account.account_number[-4:]} ({account.account_name})"


def send_account_notice(*, account_id: int, user_id: int) -> None:
    account = PayoutAccount.objects.select_related("organizer", "set_by").get(pk=account_id)
    who = account.set_by.get_full_name() if account.set_by else "An owner"
    for owner in owners_of(account.organizer):
        send_mail(
            f"Payout account changed for {account.organizer.name}",
            f"{who} set the payout account of {account.organizer.name} to {masked(account)} "
            f"on {format_when(account.updated_at)} (Lagos time).\n\n"
            "If this was not you or your team, contact support at once: payouts go to this "
            "account from now on.\n\ngetiickets",
            settings.DEFAULT_FROM_EMAIL,
            [owner.email],
        )


# --- Writing the ledger ----------------------------------------------------------------------
def account_for(organizer_id: int) -> PayoutAccount:
    account, _ = PayoutAccount.objects.get_or_create(
        organizer_id=organizer_id, defaults={"payout_delay_hours": settings.PAYOUT_DELAY_HOURS}
    )
    return account


def payable_from(event, account: PayoutAccount) -> datetime:
    return event.ends_at + timedelta(hours=account.payout_delay_hours)


def _write(entries: list[LedgerEntry]) -> None:
    """Add rows; a fact already written (a unique constraint) is skipped, so any reporter may
    write it first and the others change nothing."""
    for entry in entries:
        try:
            with transaction.atomic():
                entry.save()
        except IntegrityError:
            log.info("ledger: %s for %s already written", entry.kind, entry.organizer_id)


def record_sale(*, order_id: int) -> None:
    """A paid order: its sale and the platform's fee, payable after its event."""
    order = Order.objects.select_related("event").get(pk=order_id)
    if order.total_kobo == 0:
        return
    account_for(order.event.organizer_id)  # staff see every organizer with money
    fee = order.fee_kobo + order.absorbed_fee_kobo
    paystack_fee = (
        Payment.objects.filter(order=order, status=Payment.Status.SUCCESS)
        .values_list("paystack_fee_kobo", flat=True)
        .first()
        or 0
    )
    common = dict(
        organizer_id=order.event.organizer_id,
        event=order.event,
        order=order,
    )
    _write(
        [
            LedgerEntry(
                kind=K.SALE,
                amount_kobo=order.total_kobo,
                paystack_fee_kobo=paystack_fee,
                memo=f"order {order.reference}",
                **common,
            ),
            LedgerEntry(
                kind=K.PLATFORM_FEE, amount_kobo=-fee, memo=f"order {order.reference}", **common
            ),
        ]
    )


def record_refund(*, refund_id: int) -> None:
    """A confirmed refund comes out of the organizer's money, except the part that was the
    buyer-paid service fee: the platform returns that itself."""
    refund = Refund.objects.select_related("order", "order__event").get(pk=refund_id)
    order = refund.order
    if not LedgerEntry.objects.filter(order=order, kind=K.SALE).exists():
        return  # never sold (a late payment refunded at once): nothing of it was credited
    tickets_part = order.total_kobo - order.fee_kobo
    after = order.refunded_kobo
    before = after - refund.amount_kobo
    fee_part = max(0, after - tickets_part) - max(0, before - tickets_part)
    common = dict(
        organizer_id=order.event.organizer_id,
        event=order.event,
        order=order,
        refund=refund,
        memo=f"order {order.reference}",
    )
    entries = [LedgerEntry(kind=K.REFUND, amount_kobo=-refund.amount_kobo, **common)]
    if fee_part > 0:
        entries.append(LedgerEntry(kind=K.FEE_RETURNED, amount_kobo=fee_part, **common))
    _write(entries)


def record_dispute(*, data: dict, resolved: bool) -> str:
    """charge.dispute.create takes the disputed amount out; charge.dispute.resolve with the
    merchant winning ("declined") puts it back."""
    dispute_id = str(data.get("id") or "")
    tx = data.get("transaction") if isinstance(data.get("transaction"), dict) else {}
    order = Order.objects.select_related("event").filter(reference=str(tx.get("reference") or ""))
    order = order.first()
    if not dispute_id or order is None:
        return "unmatched"
    amount = gateway.to_kobo(data.get("refund_amount")) or gateway.to_kobo(tx.get("amount"))
    amount = min(amount or order.total_kobo, order.total_kobo)
    common = dict(
        organizer_id=order.event.organizer_id,
        event=order.event,
        order=order,
        dispute_id=dispute_id,
        memo=f"dispute {dispute_id} on order {order.reference}",
    )
    if not resolved:
        _write([LedgerEntry(kind=K.CHARGEBACK, amount_kobo=-amount, **common)])
        return "applied"
    taken = LedgerEntry.objects.filter(dispute_id=dispute_id, kind=K.CHARGEBACK).first()
    if taken and str(data.get("resolution") or "") == "declined":
        _write([LedgerEntry(kind=K.CHARGEBACK_WON, amount_kobo=-taken.amount_kobo, **common)])
    return "applied"


# --- Reading the ledger ----------------------------------------------------------------------
def _payable(now, account: PayoutAccount | None) -> Q:
    """Rows that may be paid out now (the same rule as the PostgreSQL trigger)."""
    if account is not None and account.release_early:
        return Q()
    delay = timedelta(hours=account.payout_delay_hours if account else settings.PAYOUT_DELAY_HOURS)
    return Q(event__isnull=True) | Q(event__ends_at__lte=now - delay)


def available_kobo(organizer, account: PayoutAccount | None = None, now=None) -> int:
    now = now or timezone.now()
    if account is None:
        account = PayoutAccount.objects.filter(organizer=organizer).first()
    rows = LedgerEntry.objects.filter(organizer=organizer).filter(_payable(now, account))
    return rows.aggregate(s=Sum("amount_kobo"))["s"] or 0


@dataclass
class Figures:
    gross_kobo: int = 0
    paystack_fees_kobo: int = 0
    platform_fee_kobo: int = 0
    refunds_kobo: int = 0
    chargebacks_kobo: int = 0
    net_kobo: int = 0
    paid_out_kobo: int = 0
    in_transit_kobo: int = 0
    pending_kobo: int = 0
    available_kobo: int = 0
    next_payout_at: datetime | None = None
    events: list = field(default_factory=list)


def _sums(rows) -> dict:
    out = {}
    for row in rows.values("kind").annotate(s=Sum("amount_kobo"), pf=Sum("paystack_fee_kobo")):
        out[row["kind"]] = row
    return out


def _fill(figures: Figures, sums: dict) -> Figures:
    def s(kind):
        return sums.get(kind, {}).get("s") or 0

    figures.gross_kobo = s(K.SALE)
    figures.paystack_fees_kobo = sums.get(K.SALE, {}).get("pf") or 0
    figures.platform_fee_kobo = -(s(K.PLATFORM_FEE) + s(K.FEE_RETURNED))
    figures.refunds_kobo = -s(K.REFUND)
    figures.chargebacks_kobo = -(s(K.CHARGEBACK) + s(K.CHARGEBACK_WON))
    figures.net_kobo = (
        figures.gross_kobo
        - figures.platform_fee_kobo
        - figures.refunds_kobo
        - figures.chargebacks_kobo
    )
    return figures


def figures_for(organizer, now=None) -> Figures:
    """What the organizer's money page shows, overall and per event, all from the ledger."""
    now = now or timezone.now()
    account = PayoutAccount.objects.filter(organizer=organizer).first()
    rows = LedgerEntry.objects.filter(organizer=organizer)
    overall = _fill(Figures(), _sums(rows))
    payouts = Payout.objects.filter(organizer=organizer)
    overall.paid_out_kobo = (
        payouts.filter(status=Payout.Status.PAID).aggregate(s=Sum("amount_kobo"))["s"] or 0
    )
    overall.in_transit_kobo = (
        payouts.filter(status__in=Payout.OPEN).aggregate(s=Sum("amount_kobo"))["s"] or 0
    )
    overall.available_kobo = available_kobo(organizer, account, now)
    balance = rows.aggregate(s=Sum("amount_kobo"))["s"] or 0
    overall.pending_kobo = balance - overall.available_kobo
    overall.next_payout_at = next_payout_at(organizer, account, now, overall.available_kobo)
    from events.models import Event

    for event in (
        Event.objects.filter(ledger__organizer=organizer).distinct().order_by("-starts_at")
    ):
        figures = _fill(Figures(), _sums(rows.filter(event=event)))
        waiting = account is None or not account.release_early
        if waiting and payable_from(event, account or account_for(organizer.pk)) > now:
            figures.next_payout_at = payable_from(event, account or account_for(organizer.pk))
            figures.pending_kobo = figures.net_kobo
        overall.events.append((event, figures))
    return overall


def next_payout_at(organizer, account, now, available) -> datetime | None:
    """The next payout run that will pay something: the next run if money is payable now,
    else the run after the next event's money becomes payable."""
    if account is None or account.on_hold:
        return None
    if available > 0:
        return _next_run(now)
    from events.models import Event

    ended = now - timedelta(hours=account.payout_delay_hours)
    first = Event.objects.filter(ledger__organizer=organizer, ends_at__gt=ended).aggregate(
        m=Min("ends_at")
    )["m"]
    return _next_run(first + timedelta(hours=account.payout_delay_hours)) if first else None


def _next_run(after: datetime) -> datetime:
    """Payout runs are daily at PAYOUT_RUN_HOUR, Lagos time."""
    local = timezone.localtime(after)
    run = local.replace(hour=settings.PAYOUT_RUN_HOUR, minute=0, second=0, microsecond=0)
    return run if run >= local else run + timedelta(days=1)


def statement_rows(organizer, start, end):
    """Ledger rows from `start` to `end` (Lagos dates, inclusive) with a running balance
    that starts from everything before."""
    tz = timezone.get_current_timezone()
    since = timezone.make_aware(datetime.combine(start, datetime.min.time()), tz)
    until = timezone.make_aware(datetime.combine(end + timedelta(days=1), datetime.min.time()), tz)
    rows = LedgerEntry.objects.filter(organizer=organizer)
    balance = rows.filter(created_at__lt=since).aggregate(s=Sum("amount_kobo"))["s"] or 0
    for entry in rows.filter(created_at__gte=since, created_at__lt=until).select_related(
        "event", "order", "payout"
    ):
        balance += entry.amount_kobo
        yield entry, balance


# --- Paying out ------------------------------------------------------------------------------
def new_payout_reference() -> str:
    return "PO-" + secrets.token_hex(8).upper()


def start_payout(*, organizer, source: str, actor=None) -> Payout | None:
    """Create a payout of everything available, once: under the account's row lock, with its
    ledger row in the same transaction. None when nothing is available (someone else just
    paid it out, or nothing is due). The transfer is sent after commit."""
    with transaction.atomic():
        account = PayoutAccount.objects.select_for_update().filter(organizer=organizer).first()
        if account is None or not account.is_verified:
            raise PayoutRefused("Add and verify a payout bank account first.")
        if account.on_hold:
            raise PayoutRefused("Payouts for this organizer are on hold while staff review it.")
        amount = available_kobo(organizer, account)
        if amount < settings.PAYOUT_MINIMUM_KOBO:
            return None
        payout = Payout.objects.create(
            organizer=organizer,
            amount_kobo=amount,
            reference=new_payout_reference(),
            recipient_code=account.recipient_code,
            account_label=masked(account),
            requested_by=actor if getattr(actor, "pk", None) else None,
            source=source,
        )
        LedgerEntry.objects.create(
            organizer=organizer,
            kind=K.PAYOUT,
            amount_kobo=-amount,
            payout=payout,
            memo=f"payout {payout.reference} to {payout.account_label}",
        )
        payout_id = payout.pk
        transaction.on_commit(lambda: _enqueue_send(payout_id))
    return payout


def _enqueue_send(payout_id: int) -> None:
    from payments.tasks import send_payout

    send_payout.delay(payout_id)


def send_payout(*, payout_id: int) -> Payout:
    """POST /transfer for a queued payout, once (see the module docstring)."""
    if not Payout.objects.filter(pk=payout_id, status=Payout.Status.QUEUED).update(
        status=Payout.Status.SENDING
    ):
        payout = Payout.objects.get(pk=payout_id)
        if payout.status != Payout.Status.SENDING:
            return payout
        # A retry of a claim that never recorded an answer: did Paystack take it?
        found = gateway.find_transfer(payout.reference)
        if found is not None:
            return _record_sent(payout, found)
    payout = Payout.objects.get(pk=payout_id)
    try:
        result = gateway.initiate_transfer(
            amount_kobo=payout.amount_kobo,
            recipient_code=payout.recipient_code,
            reference=payout.reference,
            reason=f"getiickets payout {payout.reference}",
        )
    except gateway.GatewayError as exc:
        Payout.objects.filter(pk=payout_id).update(failure=str(exc)[:255])
        raise
    return _record_sent(payout, result)


def _record_sent(payout: Payout, result: gateway.TransferResult) -> Payout:
    Payout.objects.filter(pk=payout.pk, status=Payout.Status.SENDING).update(
        status=Payout.Status.PENDING, transfer_code=result.transfer_code[:60], failure=""
    )
    payout.refresh_from_db()
    return payout


def transfer_finished(*, kind: str, data: dict) -> str:
    """transfer.success / transfer.failed / transfer.reversed, signed by Paystack."""
    result = gateway.transfer_from(data)
    payout = Payout.objects.filter(reference=result.reference).first()
    if payout is None:
        return "unmatched"
    if result.amount_kobo and result.amount_kobo != payout.amount_kobo:
        log.error(
            "transfer %s reports %s kobo for a payout of %s",
            payout.reference,
            result.amount_kobo,
            payout.amount_kobo,
        )
        return "mismatch"
    now = timezone.now()
    with transaction.atomic():
        if kind == "transfer.success":
            moved = Payout.objects.filter(pk=payout.pk, status__in=Payout.OPEN).update(
                status=Payout.Status.PAID, finished_at=now
            )
        else:
            to = Payout.Status.REVERSED if kind == "transfer.reversed" else Payout.Status.FAILED
            moved = Payout.objects.filter(
                pk=payout.pk, status__in=[*Payout.OPEN, Payout.Status.PAID]
            ).update(status=to, finished_at=now, failure=str(data.get("reason") or "")[:255])
            if moved:
                LedgerEntry.objects.create(
                    organizer_id=payout.organizer_id,
                    kind=K.PAYOUT_RETURNED,
                    amount_kobo=payout.amount_kobo,
                    payout=payout,
                    memo=f"payout {payout.reference} {to}: back in the balance",
                )
        if not moved:
            return "duplicate"
        payout_id = payout.pk
        transaction.on_commit(lambda: _enqueue_payout_email(payout_id))
    return "applied"


def _enqueue_payout_email(payout_id: int) -> None:
    from payments.tasks import email_payout

    email_payout.delay(payout_id)


def send_payout_email(*, payout_id: int) -> None:
    payout = Payout.objects.select_related("organizer").get(pk=payout_id)
    amount = format_naira(payout.amount_kobo)
    if payout.status == Payout.Status.PAID:
        subject = f"Payout of {amount} sent"
        body = (
            f"We sent {amount} to {payout.account_label} (reference {payout.reference}). "
            "Banks usually show it within minutes."
        )
    else:
        subject = f"Payout of {amount} did not go through"
        body = (
            f"The payout {payout.reference} of {amount} to {payout.account_label} was "
            f"{payout.get_status_display().split(' —')[0].lower()}. The money is back in your "
            "balance and goes out with the next payout; check your payout account."
        )
    for owner in owners_of(payout.organizer):
        send_mail(
            subject,
            f"{body}\n\nYour money page: {settings.SITE_URL}/organizer/money\n\ngetiickets",
            settings.DEFAULT_FROM_EMAIL,
            [owner.email],
        )


def run_due_payouts() -> int:
    """The daily job: pay every verified, not-held organizer what is available."""
    started = 0
    for account in PayoutAccount.objects.filter(on_hold=False).exclude(recipient_code=""):
        try:
            started += start_payout(organizer=account.organizer, source="job") is not None
        except PayoutRefused as refused:
            log.info("no payout for %s: %s", account.organizer_id, refused.message)
    return started
