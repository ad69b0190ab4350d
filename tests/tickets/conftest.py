import pytest


@pytest.fixture(autouse=True)
def _fresh_gate():
    from tickets.inventory import gate

    gate.reset()
    yield
    gate.reset()
