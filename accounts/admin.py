from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from accounts import services
from accounts.models import OrganizerRequest, User
from getiickets.errors import DomainError


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "phone", "is_guest", "is_staff", "date_joined"]
    list_filter = ["is_guest", "is_staff", "is_superuser", "is_active"]
    search_fields = ["email", "guest_email", "full_name", "phone"]
    readonly_fields = ["is_guest", "guest_email"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Profile", {"fields": ("full_name", "phone")}),
        ("Guest checkout", {"fields": ("is_guest", "guest_email")}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)


def _decide(modeladmin, request, queryset, service, verb):
    done, failed = 0, []
    for organizer_request in queryset.order_by("pk"):
        try:
            service(organizer_request=organizer_request, decided_by=request.user)
            done += 1
        except DomainError as exc:
            failed.append(str(exc))
    if done:
        modeladmin.message_user(
            request,
            f"{verb.capitalize()} {done} request{'s' if done != 1 else ''}; "
            "the requester has been emailed.",
            messages.SUCCESS,
        )
    for message in failed:
        modeladmin.message_user(request, message, messages.WARNING)


@admin.register(OrganizerRequest)
class OrganizerRequestAdmin(admin.ModelAdmin):
    list_display = ["organization_name", "user", "city", "contact_phone", "status", "created_at"]
    list_filter = ["status", "city"]
    search_fields = ["organization_name", "user__email"]
    readonly_fields = ["user", "status", "decided_by", "decided_at", "created_at"]
    actions = ["approve", "reject"]

    @admin.action(description="Approve selected requests (creates the organizer, emails them)")
    def approve(self, request, queryset):
        _decide(self, request, queryset, services.approve_organizer_request, "approved")

    @admin.action(description="Reject selected requests (emails them)")
    def reject(self, request, queryset):
        _decide(self, request, queryset, services.reject_organizer_request, "rejected")

    def has_add_permission(self, request):
        return False
