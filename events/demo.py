"""Demo catalogue: categories, venues in four cities, a dozen events (one sold out, one with
reserved seating), generated cover pictures. Idempotent: rows are looked up before made."""

import io
from datetime import datetime, time, timedelta

from django.core.files.base import ContentFile
from django.utils import timezone

CATEGORIES = ["Concerts", "Comedy", "Tech", "Festivals", "Sports", "Theatre"]

VENUES = {
    "eko": (
        "Eko Convention Centre",
        "Plot 1415 Adetokunbo Ademola St, Victoria Island",
        "Lagos",
        "Lagos",
        6.4253,
        3.4074,
    ),
    "muri": (
        "Muri Okunola Park",
        "Muri Okunola St, Victoria Island",
        "Lagos",
        "Lagos",
        6.4320,
        3.4206,
    ),
    "landmark": (
        "Landmark Event Centre",
        "Water Corporation Dr, Oniru, Victoria Island",
        "Lagos",
        "Lagos",
        6.4237,
        3.4470,
    ),
    "terra": (
        "Terra Kulture Arena",
        "1376 Tiamiyu Savage St, Victoria Island",
        "Lagos",
        "Lagos",
        6.4296,
        3.4219,
    ),
    "teslim": ("Teslim Balogun Stadium", "Surulere", "Lagos", "Lagos", 6.4985, 3.3622),
    "icc": (
        "International Conference Centre",
        "Herbert Macaulay Way, Central Business District",
        "Abuja",
        "FCT",
        9.0556,
        7.4893,
    ),
    "transcorp": (
        "Transcorp Hilton Abuja",
        "1 Aguiyi Ironsi St, Maitama",
        "Abuja",
        "FCT",
        9.0744,
        7.4936,
    ),
    "pleasure": (
        "Port Harcourt Pleasure Park",
        "Aba Rd, Rumuola",
        "Port Harcourt",
        "Rivers",
        4.8426,
        7.0031,
    ),
    "adokiye": (
        "Adokiye Amiesimaka Stadium",
        "Omagwa",
        "Port Harcourt",
        "Rivers",
        4.9786,
        6.9366,
    ),
    "agodi": ("Agodi Gardens", "Agodi GRA", "Ibadan", "Oyo", 7.4045, 3.9079),
    "mokola": ("Cultural Centre Mokola", "Mokola Rd", "Ibadan", "Oyo", 7.4043, 3.8862),
}

# slug, title, category, venue, days ahead, start hour, hours, featured, tickets, description
# tickets: (name, price naira, capacity)
REGULAR_VIP_TABLE = [("Regular", 15_000, 800), ("VIP", 50_000, 150), ("Table for 6", 500_000, 20)]
EVENTS = [
    (
        "lagos-afrobeats-night",
        "Lagos Afrobeats Night",
        "Concerts",
        "eko",
        12,
        19,
        6,
        True,
        REGULAR_VIP_TABLE,
        "A night of Afrobeats and Amapiano with live bands and the best DJs in Lagos.\n\n"
        "Gates open at 6 PM. Food and drinks on sale inside.",
    ),
    (
        "laugh-out-lagos",
        "Laugh Out Lagos: Comedy Special",
        "Comedy",
        "muri",
        "weekend",
        18,
        4,
        True,
        [("Regular", 10_000, 500), ("VIP", 30_000, 100), ("Table for 6", 250_000, 15)],
        "Nigeria's funniest stand-up comedians on one open-air stage in Victoria Island.",
    ),
    (
        "naija-tech-summit-2027",
        "Naija Tech Summit",
        "Tech",
        "landmark",
        30,
        9,
        9,
        True,
        [("Early bird", 25_000, 300), ("Regular", 40_000, 700), ("VIP", 120_000, 80)],
        "Two tracks of talks on fintech, AI and startups building for Africa, plus a founders' "
        "pitch competition and a job fair.",
    ),
    (
        "wakaa-the-musical",
        "Wakaa! The Musical",
        "Theatre",
        "terra",
        20,
        18,
        3,
        True,
        "seated",
        "The hit Nigerian musical returns: a story of ambition, love and Lagos hustle.\n\n"
        "Reserved seating — pick your seat on the seat map.",
    ),
    (
        "abuja-comedy-jam",
        "Abuja Comedy Jam",
        "Comedy",
        "icc",
        18,
        19,
        4,
        False,
        [("Regular", 8_000, 1200), ("VIP", 25_000, 200)],
        "The capital's biggest night of laughs, with surprise guest acts.",
    ),
    (
        "abuja-startup-week",
        "Abuja Startup Week",
        "Tech",
        "transcorp",
        45,
        10,
        8,
        False,
        [("Regular", 20_000, 400), ("VIP", 75_000, 60)],
        "Workshops, investor office hours and demo day for startups from across the north.",
    ),
    (
        "ph-carnival-block-party",
        "Port Harcourt Carnival Block Party",
        "Festivals",
        "pleasure",
        25,
        14,
        10,
        True,
        [("Regular", 5_000, 3000), ("VIP", 20_000, 300), ("Table for 6", 150_000, 30)],
        "Music, masquerades, food stalls and the Garden City's best DJs from afternoon till late.",
    ),
    (
        "rivers-derby",
        "Rivers Derby: Rivers United vs Dolphins",
        "Sports",
        "adokiye",
        9,
        16,
        3,
        False,
        [("Popular stand", 2_000, 12), ("Covered stand", 5_000, 4)],
        "The derby everyone in Port Harcourt is talking about. This one sold out fast.",
    ),
    (
        "ibadan-food-music-festival",
        "Ibadan Food & Music Festival",
        "Festivals",
        "agodi",
        35,
        12,
        9,
        False,
        [("Regular", 6_000, 1500), ("VIP", 25_000, 150)],
        "Amala, suya and small chops from the city's favourite spots, with juju and fuji on stage.",
    ),
    (
        "highlife-evening-ibadan",
        "Highlife & Jazz Evening",
        "Concerts",
        "mokola",
        40,
        18,
        4,
        False,
        [("Regular", 7_500, 400), ("VIP", 20_000, 60)],
        "Classic highlife and jazz standards with a 12-piece band.",
    ),
    (
        "lagos-10k-city-run",
        "Lagos 10K City Run",
        "Sports",
        "teslim",
        55,
        6,
        5,
        False,
        [("Runner", 10_000, 2000), ("Runner + kit", 18_000, 500)],
        "A flat, fast 10K through Surulere. Bibs, medals and water stations included.",
    ),
    (
        "felabration-tribute-live",
        "Felabration Tribute Live",
        "Concerts",
        "eko",
        60,
        20,
        5,
        False,
        REGULAR_VIP_TABLE,
        "A tribute to Fela Anikulapo-Kuti with a full Afrobeat orchestra and special guests.",
    ),
]
# Sold out by a few fans' paid orders (tickets.demo.seed_sold_out_event): small, so the seed
# stays fast, and every sold ticket has its order, tickets and ledger lines.
SOLD_OUT = "rivers-derby"
SOLD_OUT_CAPACITY = {
    name: capacity
    for slug, *_, tickets, _ in EVENTS
    if slug == SOLD_OUT
    for name, _, capacity in tickets
}
SEATED_BANDS = [("Orchestra", 35_000), ("Balcony", 20_000), ("Box", 80_000)]
SEATED_SECTIONS = [
    ("Orchestra", 8, 16, "Orchestra"),
    ("Balcony", 6, 18, "Balcony"),
    ("Boxes", 2, 8, "Box"),
]

COLOURS = {
    "Concerts": ("#3a0ca3", "#f72585"),
    "Comedy": ("#f77f00", "#fcbf49"),
    "Tech": ("#03045e", "#00b4d8"),
    "Festivals": ("#d62828", "#fcbf49"),
    "Sports": ("#1b4332", "#95d5b2"),
    "Theatre": ("#370617", "#e85d04"),
}


def cover_picture(title: str, category: str) -> ContentFile:
    """A 1200×675 JPEG: a diagonal gradient in the category's colours and the title."""
    from PIL import Image, ImageChops, ImageDraw, ImageFont, ImageOps

    start, end = COLOURS.get(category, ("#0b6e4f", "#f2c14e"))
    vertical = Image.linear_gradient("L")
    diagonal = ImageChops.add(vertical, vertical.rotate(90), scale=2.0).resize((1200, 675))
    image = ImageOps.colorize(diagonal, start, end).convert("RGB")
    draw = ImageDraw.Draw(image)
    # A few soft rings, like stage lights.
    for cx, cy, r in ((980, 140, 260), (1120, 520, 180), (760, -40, 150)):
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=(255, 255, 255), width=3)
    try:
        big = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf", 72)
        small = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf", 32)
    except OSError:
        big = small = ImageFont.load_default()
    words, lines, line = title.split(), [], ""
    for word in words:
        trial = f"{line} {word}".strip()
        if draw.textlength(trial, font=big) > 1040 and line:
            lines.append(line)
            line = word
        else:
            line = trial
    lines.append(line)
    y = 675 - 90 - len(lines) * 86
    draw.text((80, y - 56), category.upper(), font=small, fill=(255, 255, 255))
    for text in lines:
        draw.text((80, y), text, font=big, fill=(255, 255, 255))
        y += 86
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=82)
    return ContentFile(buffer.getvalue())


def _start(days, hour):
    today = timezone.localdate()
    if days == "weekend":
        days = (5 - today.weekday()) % 7 or 7  # next Saturday
    return timezone.make_aware(datetime.combine(today + timedelta(days=days), time(hour)))


def seed_events():
    from accounts.models import User
    from events import services
    from events.models import Category, Event, Organizer, TicketType, Venue

    for position, name in enumerate(CATEGORIES):
        Category.objects.get_or_create(
            slug=name.lower(), defaults={"name": name, "position": position}
        )
    venues = {}
    for key, (name, address, city, state, lat, lng) in VENUES.items():
        venues[key], _ = Venue.objects.get_or_create(
            name=name,
            city=city,
            defaults={"address": address, "state": state, "latitude": lat, "longitude": lng},
        )

    user = User.objects.get(email="organizer@demo.getiickets.ng")
    organizer, _ = Organizer.objects.get_or_create(
        user=user,
        defaults={
            "name": "Eko Live Events",
            "slug": "eko-live-events",
            "contact_phone": "+2348031234567",
            "city": "Lagos",
            "description": "Concerts, comedy and culture across Nigeria since 2015.",
        },
    )
    if not organizer.profile_complete:
        organizer.business_name = organizer.business_name or "Eko Live Events Ltd"
        organizer.business_address = organizer.business_address or "12 Admiralty Way, Lekki, Lagos"
        organizer.save()

    categories = {c.name: c for c in Category.objects.all()}
    for slug, title, category, venue, days, hour, hours, featured, tickets, text in EVENTS:
        seated = tickets == "seated"
        starts = _start(days, hour)
        event, created = Event.objects.get_or_create(
            slug=slug,
            defaults={
                "organizer": organizer,
                "title": title,
                "description": text,
                "category": categories[category],
                "venue": venues[venue],
                "starts_at": starts,
                "ends_at": starts + timedelta(hours=hours),
                "status": Event.Status.PUBLISHED,
                "is_featured": featured,
                "seating": Event.Seating.RESERVED if seated else Event.Seating.GENERAL,
            },
        )
        if not event.cover_image:
            event.cover_image.save(f"{slug}.jpg", cover_picture(title, category), save=True)
        if seated:
            bands = {}
            for position, (name, naira) in enumerate(SEATED_BANDS):
                bands[name], _ = TicketType.objects.get_or_create(
                    event=event,
                    name=name,
                    defaults={"price_kobo": naira * 100, "capacity": 0, "position": position},
                )
            if not event.sections.exists():
                for name, rows, per_row, band in SEATED_SECTIONS:
                    services.generate_section(
                        event=event,
                        name=name,
                        rows=rows,
                        seats_per_row=per_row,
                        ticket_type=bands[band],
                    )
            continue
        for position, (name, naira, capacity) in enumerate(tickets):
            TicketType.objects.get_or_create(
                event=event,
                name=name,
                defaults={"price_kobo": naira * 100, "capacity": capacity, "position": position},
            )
    from events import cache

    cache.bump_catalogue()
