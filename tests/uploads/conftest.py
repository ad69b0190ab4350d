from tests.events.conftest import category, organizer, organizer_client, venue  # noqa: F401
