from django.contrib import admin

from getiickets.models import NewsletterSubscriber, SupportMessage


@admin.register(NewsletterSubscriber)
class NewsletterSubscriberAdmin(admin.ModelAdmin):
    list_display = ["email", "source", "created_at"]
    list_filter = ["source", "created_at"]
    search_fields = ["email"]
    date_hierarchy = "created_at"
    readonly_fields = ["created_at"]


@admin.register(SupportMessage)
class SupportMessageAdmin(admin.ModelAdmin):
    list_display = ["created_at", "name", "email", "topic", "order_reference", "is_resolved"]
    list_filter = ["is_resolved", "topic", "created_at"]
    list_editable = ["is_resolved"]
    search_fields = ["name", "email", "order_reference", "message"]
    date_hierarchy = "created_at"
    readonly_fields = ["created_at", "user", "ip_address"]
    actions = ["mark_resolved"]

    @admin.action(description="Mark selected messages as resolved")
    def mark_resolved(self, request, queryset):
        updated = queryset.update(is_resolved=True)
        self.message_user(request, f"{updated} message(s) marked as resolved.")
