from django.contrib import admin

from payments.models import (
    Payment,
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
