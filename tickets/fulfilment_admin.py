"""Admin for fulfilment: the delivery log as an inline on orders, transfers, delivery logs.

Imported from TicketsConfig.ready(), which runs after admin autodiscovery: if orders/admin.py
registered Order, the inline is added to it; otherwise a small read-only Order admin is
registered here so staff can see delivery logs either way.
"""

from django.contrib import admin

from orders.models import Order
from tickets.models import DeliveryLog, TicketTransfer


class DeliveryLogInline(admin.TabularInline):
    model = DeliveryLog
    extra = 0
    can_delete = False
    fields = ["channel", "kind", "state", "recipient", "attempts", "provider_id", "sent_at"]
    readonly_fields = fields + ["last_error"]
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(DeliveryLog)
class DeliveryLogAdmin(admin.ModelAdmin):
    list_display = ["order", "channel", "kind", "state", "recipient", "attempts", "sent_at"]
    list_filter = ["channel", "state"]
    search_fields = ["order__reference", "recipient", "provider_id"]
    readonly_fields = [f.name for f in DeliveryLog._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(TicketTransfer)
class TicketTransferAdmin(admin.ModelAdmin):
    list_display = ["ticket", "sender", "to_email", "to_phone", "status", "created_at"]
    list_filter = ["status"]
    search_fields = ["to_email", "to_phone", "sender__email"]
    readonly_fields = [f.name for f in TicketTransfer._meta.fields if f.name != "status"]
    exclude = ["token"]


def attach_inline() -> None:
    model_admin = admin.site._registry.get(Order)
    if model_admin is None:

        @admin.register(Order)
        class OrderDeliveryAdmin(admin.ModelAdmin):
            list_display = ["reference", "buyer", "event", "status", "total_kobo", "created_at"]
            search_fields = ["reference", "email"]
            list_filter = ["status"]
            inlines = [DeliveryLogInline]

        return
    if DeliveryLogInline not in model_admin.inlines:
        model_admin.inlines = [*model_admin.inlines, DeliveryLogInline]


attach_inline()
