"""pytest fixtures for the stand-ins: Brevo, Twilio, and moto's S3 server, all on 127.0.0.1.

Import them into a conftest.py: `from tests.standins.fixtures import *  # noqa: F403`.
"""

import socket

import pytest
import requests

from tests.standins.brevo import BrevoStandin
from tests.standins.twilio import TwilioStandin

__all__ = ["brevo", "twilio", "s3_server", "s3_storage", "private_storage_in_tmp"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def private_storage_in_tmp(settings, tmp_path):
    """The private storage on local disk under tmp_path (STORAGES is computed at import)."""
    root = tmp_path / "private_media"
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(root), "base_url": None},
        },
    }
    return root


@pytest.fixture
def brevo(settings):
    """Email goes through anymail's Brevo backend to the stand-in."""
    with BrevoStandin() as standin:
        settings.EMAIL_BACKEND = "anymail.backends.brevo.EmailBackend"
        settings.BREVO_API_KEY = standin.api_key
        settings.ANYMAIL = {"BREVO_API_KEY": standin.api_key, "BREVO_API_URL": standin.api_url}
        yield standin


@pytest.fixture
def twilio(settings):
    with TwilioStandin() as standin:
        settings.TWILIO_ACCOUNT_SID = standin.account_sid
        settings.TWILIO_AUTH_TOKEN = standin.auth_token
        settings.TWILIO_FROM_NUMBER = standin.from_number
        settings.TWILIO_API_BASE_URL = standin.url
        yield standin


@pytest.fixture
def s3_server():
    """moto's S3 server in a thread on a free port, with a private bucket."""
    import boto3
    from moto.server import ThreadedMotoServer

    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    # moto keeps its buckets per process, across servers: start each test from nothing.
    requests.post(f"{endpoint}/moto-api/reset", timeout=10)
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        region_name="eu-west-1",
    )
    client.create_bucket(
        Bucket="gt-private", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
    )
    yield {"endpoint": endpoint, "bucket": "gt-private", "client": client}
    server.stop()


@pytest.fixture
def s3_storage(settings, s3_server):
    """The private storage on (moto's) S3, as settings.py configures it with AWS_* set."""
    settings.AWS_S3_SIGNATURE_VERSION = "s3v4"
    settings.AWS_QUERYSTRING_EXPIRE = 300
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "getiickets.storage.TransactionFreeS3Storage",
            "OPTIONS": {
                "bucket_name": s3_server["bucket"],
                "endpoint_url": s3_server["endpoint"],
                "access_key": "testing",
                "secret_key": "testing",
                "region_name": "eu-west-1",
                "signature_version": "s3v4",
                "location": "private",
                "querystring_auth": True,
                "querystring_expire": 300,
                "default_acl": None,
            },
        },
    }
    return s3_server
