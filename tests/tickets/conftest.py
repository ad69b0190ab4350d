import pytest


@pytest.fixture(autouse=True)
def _fresh_catalogues():
    from tickets import gate
    from tickets.signals import clear_catalogues

    clear_catalogues()
    gate.reset()
    yield
    clear_catalogues()
