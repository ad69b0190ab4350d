from django.contrib import admin

from events.models import Category, Event, Organizer, Seat, SeatSection, TicketType, Venue


@admin.register(Organizer)
class OrganizerAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "city", "is_active", "created_at"]
    list_filter = ["is_active", "city"]
    search_fields = ["name", "user__email", "business_name"]
    prepopulated_fields = {"slug": ["name"]}
    raw_id_fields = ["user"]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position"]
    list_editable = ["position"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Venue)
class VenueAdmin(admin.ModelAdmin):
    list_display = ["name", "city", "state", "organizer"]
    list_filter = ["city", "state"]
    search_fields = ["name", "address", "city"]
    raw_id_fields = ["organizer"]


class TicketTypeInline(admin.TabularInline):
    model = TicketType
    extra = 0
    fields = ["name", "price_kobo", "capacity", "sold", "held", "is_visible", "position"]
    readonly_fields = ["sold", "held"]


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["title", "organizer", "venue", "starts_at", "status", "is_featured"]
    list_filter = ["status", "is_featured", "seating", "category", "venue__city"]
    list_editable = ["is_featured"]
    search_fields = ["title", "slug", "organizer__name", "venue__name"]
    date_hierarchy = "starts_at"
    raw_id_fields = ["organizer", "venue"]
    list_select_related = ["organizer", "venue"]
    inlines = [TicketTypeInline]


@admin.register(SeatSection)
class SeatSectionAdmin(admin.ModelAdmin):
    list_display = ["name", "event", "position"]
    raw_id_fields = ["event"]


@admin.register(Seat)
class SeatAdmin(admin.ModelAdmin):
    list_display = ["label", "event", "section", "ticket_type", "is_blocked"]
    list_filter = ["is_blocked"]
    search_fields = ["label", "event__title"]
    raw_id_fields = ["event", "section", "ticket_type"]
