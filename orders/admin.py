from django.contrib import admin, messages

from orders.models import Order, OrderEvent, OrderItem, PromoCode, PromoRedemption
from payments.models import Payment, Refund


class OrderItemInline(admin.TabularInline):
    model = OrderItem
    extra = 0
    can_delete = False
    readonly_fields = ["ticket_type", "seat", "unit_price_kobo", "attendee_name"]


class OrderEventInline(admin.TabularInline):
    model = OrderEvent
    extra = 0
    can_delete = False
    readonly_fields = ["created_at", "from_status", "to_status", "actor", "source", "note"]

    def has_add_permission(self, request, obj=None):
        return False


class PaymentInline(admin.TabularInline):
    model = Payment
    extra = 0
    can_delete = False
    readonly_fields = [
        "paystack_reference",
        "status",
        "amount_kobo",
        "currency",
        "channel",
        "paid_at",
        "source",
        "note",
    ]

    def has_add_permission(self, request, obj=None):
        return False


class RefundInline(admin.TabularInline):
    model = Refund
    extra = 0
    can_delete = False
    readonly_fields = [
        "amount_kobo",
        "status",
        "paystack_refund_id",
        "source",
        "reason",
        "created_at",
    ]

    def has_add_permission(self, request, obj=None):
        return False


class HasMismatchFilter(admin.SimpleListFilter):
    title = "payment mismatch"
    parameter_name = "mismatch"

    def lookups(self, request, model_admin):
        return [("yes", "Has a mismatched payment")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(payments__status=Payment.Status.MISMATCH).distinct()
        return queryset


@admin.action(description="Refund in full through Paystack")
def refund_in_full(modeladmin, request, queryset):
    from payments import gateway
    from payments import services as payments

    done = 0
    for order in queryset:
        try:
            payments.request_refund(
                order=order, amount_kobo=None, actor=request.user, source="staff", reason="staff"
            )
            done += 1
        except (payments.RefundRefused, gateway.GatewayError) as exc:
            modeladmin.message_user(request, f"{order.reference}: {exc}", messages.ERROR)
    if done:
        modeladmin.message_user(request, f"Refund requested for {done} order(s).")


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ["reference", "event", "buyer", "status", "total_kobo", "created_at"]
    list_filter = ["status", HasMismatchFilter, "created_at"]
    search_fields = ["reference", "email", "full_name", "buyer__email"]
    inlines = [OrderItemInline, PaymentInline, RefundInline, OrderEventInline]
    actions = [refund_in_full]
    readonly_fields = [f.name for f in Order._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(PromoCode)
class PromoCodeAdmin(admin.ModelAdmin):
    list_display = ["code", "organizer", "kind", "value", "uses", "max_uses", "is_active"]
    list_filter = ["is_active", "kind"]
    search_fields = ["code", "organizer__name"]
    filter_horizontal = ["events", "ticket_types"]


@admin.register(PromoRedemption)
class PromoRedemptionAdmin(admin.ModelAdmin):
    list_display = ["promo_code", "order", "buyer", "discount_kobo", "created_at", "released_at"]
    list_filter = ["released_at"]
