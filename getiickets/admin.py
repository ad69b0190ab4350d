from urllib.parse import urlencode

from django.contrib import admin
from django.shortcuts import redirect, render
from django.urls import reverse

from accounts.views import safe_next
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


def staff_login(request, extra_context=None):
    """/admin/login/ signs no one in: staff use the site's sign-in (allauth's, with its
    failed-attempt limits), and come back to the admin. Signed in without staff access, they
    are told so (a redirect back to sign-in would loop)."""
    target = safe_next(request, default=reverse("admin:index"))
    if request.user.is_authenticated:
        if request.user.is_active and request.user.is_staff:
            return redirect(target)
        return render(request, "admin/no_staff_access.html", status=403)
    return redirect(f"{reverse('account_login')}?{urlencode({'next': target})}")


admin.site.login = staff_login
