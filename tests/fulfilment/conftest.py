import pytest

from tests.standins.fixtures import *  # noqa: F403


@pytest.fixture(autouse=True)
def _private_files_in_tmp(private_storage_in_tmp):  # noqa: F405
    return private_storage_in_tmp
