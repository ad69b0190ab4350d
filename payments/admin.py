from django.contrib import admin, messages

from getiickets.templatetags.money import format_naira
from payments.models import (
    LedgerEntry,
    Payment,
    Payout,
    PayoutAccount,
    Refund,
    RefundBatch,
    RejectedCharge,
    SandboxTransaction,
    WebhookEvent,
)


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    list_display = ["paystack_reference", "order", "status", "amount_kobo", "currency", "source"]
    list_filter = ["status", "source", "currency"]
    search_fields = ["paystack_reference", "order__reference"]
    readonly_fields = [f.name for f in Payment._meta.fields]


@admin.register(RejectedCharge)
class RejectedChargeAdmin(admin.ModelAdmin):
    list_display = ["created_at", "reference", "kind", "paystack_status", "amount_kobo", "reason"]
    list_filter = ["kind", "paystack_status", "source"]
    search_fields = ["reference", "order__reference", "customer_email"]
    readonly_fields = [f.name for f in RejectedCharge._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(WebhookEvent)
class WebhookEventAdmin(admin.ModelAdmin):
    list_display = ["received_at", "event_type", "reference", "outcome"]
    list_filter = ["outcome", "event_type"]
    search_fields = ["reference"]
    readonly_fields = [f.name for f in WebhookEvent._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(Refund)
class RefundAdmin(admin.ModelAdmin):
    list_display = ["order", "amount_kobo", "status", "source", "created_at", "processed_at"]
    list_filter = ["status", "source"]
    search_fields = ["order__reference", "paystack_refund_id"]


@admin.register(RefundBatch)
class RefundBatchAdmin(admin.ModelAdmin):
    list_display = ["event", "status", "total", "refunded", "failed", "created_at"]


@admin.register(SandboxTransaction)
class SandboxTransactionAdmin(admin.ModelAdmin):
    list_display = ["reference", "amount_kobo", "status", "created_at"]
    list_filter = ["status"]


# --- Organizer payouts --------------------------------------------------------------------
@admin.action(description="Hold payouts (organizer under review)")
def hold_payouts(modeladmin, request, queryset):
    queryset.update(on_hold=True)


@admin.action(description="Resume payouts")
def resume_payouts(modeladmin, request, queryset):
    queryset.update(on_hold=False, hold_reason="")


@admin.action(description="Release early: revenue payable at once (trusted organizer)")
def release_early(modeladmin, request, queryset):
    queryset.update(release_early=True)


@admin.action(description="Pay out the available balance now")
def pay_out_now(modeladmin, request, queryset):
    from payments import payouts

    for account in queryset.select_related("organizer"):
        try:
            payout = payouts.start_payout(
                organizer=account.organizer, source="staff", actor=request.user
            )
        except payouts.PayoutRefused as refused:
            modeladmin.message_user(request, f"{account.organizer}: {refused}", messages.ERROR)
            continue
        if payout is None:
            modeladmin.message_user(request, f"{account.organizer}: nothing available.")
        else:
            modeladmin.message_user(
                request, f"{account.organizer}: payout {payout.reference} started."
            )


@admin.register(PayoutAccount)
class PayoutAccountAdmin(admin.ModelAdmin):
    """Every organizer with money on the platform, with its balances (sums of the ledger)."""

    list_display = [
        "organizer",
        "balance",
        "available",
        "account",
        "verified_at",
        "on_hold",
        "release_early",
    ]
    list_filter = ["on_hold", "release_early"]
    search_fields = ["organizer__name", "account_number", "account_name"]
    fields = [
        "organizer",
        "on_hold",
        "hold_reason",
        "release_early",
        "bank_name",
        "account_number",
        "account_name",
        "recipient_code",
        "verified_at",
        "set_by",
    ]
    readonly_fields = [
        "organizer",
        "bank_name",
        "account_number",
        "account_name",
        "recipient_code",
        "verified_at",
        "set_by",
    ]
    actions = [hold_payouts, resume_payouts, release_early, pay_out_now]

    def has_add_permission(self, request):
        return False

    @admin.display(description="Balance")
    def balance(self, obj):
        from django.db.models import Sum

        total = LedgerEntry.objects.filter(organizer_id=obj.organizer_id).aggregate(
            s=Sum("amount_kobo")
        )["s"]
        return format_naira(total or 0)

    @admin.display(description="Available now")
    def available(self, obj):
        from payments import payouts

        return format_naira(payouts.available_kobo(obj.organizer, obj))

    @admin.display(description="Bank account")
    def account(self, obj):
        return f"{obj.bank_name} {obj.account_number} {obj.account_name}".strip() or "—"


@admin.register(Payout)
class PayoutAdmin(admin.ModelAdmin):
    list_display = ["created_at", "organizer", "amount_kobo", "status", "reference", "source"]
    list_filter = ["status", "source"]
    search_fields = ["reference", "transfer_code", "organizer__name"]
    readonly_fields = [f.name for f in Payout._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(LedgerEntry)
class LedgerEntryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "organizer", "event", "kind", "amount_kobo"]
    list_filter = ["kind"]
    search_fields = ["organizer__name", "order__reference", "memo"]
    readonly_fields = [f.name for f in LedgerEntry._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
