"""OIDC sign-in against a real OpenID provider (django-oidc-provider, run by ``oidc_op/serve.py`` in a process
of its own): the full authorization-code flow, the person's browser played by a plain HTTP client."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlparse

import pytest
import requests
from django.test import Client
from django.urls import reverse

from jiesu.directory.models import DirectoryChange
from jiesu.org.models import Membership, Role, User

pytestmark = pytest.mark.usefixtures("demo_org")
REPO = Path(__file__).resolve().parents[2]
CALLBACK = "http://testserver/oidc/callback/"


@dataclass
class Provider:
    url: str
    client_id: str = "jiesu"
    secret: str = "jiesu-client-secret"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Provider]:
    port = _free_port()
    op = Provider(url=f"http://127.0.0.1:{port}")
    env = {
        **os.environ,
        "OIDC_OP_DB": str(tmp_path_factory.mktemp("op") / "op.sqlite3"),
        "OIDC_OP_SITE_URL": op.url,
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.directory.oidc_op.serve", str(port), op.client_id, op.secret, CALLBACK],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        lines = iter(proc.stdout.readline, "") if proc.stdout else iter(())
        if not any(line.strip() == "ready" for line in lines):  # EOF first: the provider exited
            raise RuntimeError(
                f"the OpenID provider did not start: {proc.stderr.read() if proc.stderr else ''}"
            )
        yield op
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture
def oidc_on(provider: Provider, settings) -> Provider:
    """What the JIESU_OIDC_* environment gives for this provider."""
    settings.JIESU_OIDC = {"client_id": provider.client_id, "group_roles": {}}
    settings.OIDC_RP_CLIENT_ID = provider.client_id
    settings.OIDC_RP_CLIENT_SECRET = provider.secret
    settings.OIDC_RP_SCOPES = "openid profile email groups"
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{provider.url}/openid/authorize"
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{provider.url}/openid/token"
    settings.OIDC_OP_USER_ENDPOINT = f"{provider.url}/openid/userinfo"
    settings.OIDC_OP_JWKS_ENDPOINT = f"{provider.url}/openid/jwks"
    return provider


def oidc_sign_in(client: Client, op: Provider, username: str, password: str):
    """Jiesu sends the browser to the provider; the person signs in there; the provider sends the browser
    back to Jiesu's callback with a code, which Jiesu exchanges at the provider's token endpoint."""
    start = client.get(reverse("directory:oidc_login"))
    assert start.status_code == 302 and start["Location"].startswith(f"{op.url}/openid/authorize")
    browser = requests.Session()
    to_login = browser.get(start["Location"], allow_redirects=False, timeout=10)
    assert to_login.status_code == 302, to_login.text
    login_url = urljoin(op.url, to_login.headers["Location"])
    browser.get(login_url, timeout=10)
    signed_in = browser.post(
        login_url,
        data={
            "username": username,
            "password": password,
            "csrfmiddlewaretoken": browser.cookies["csrftoken"],
            "next": parse_qs(urlparse(login_url).query)["next"][0],
        },
        allow_redirects=False,
        timeout=10,
    )
    assert signed_in.status_code == 302, signed_in.text
    back = browser.get(urljoin(op.url, signed_in.headers["Location"]), allow_redirects=False, timeout=10)
    assert back.status_code == 302 and back.headers["Location"].startswith(CALLBACK), back.text
    return client.get(back.headers["Location"].removeprefix("http://testserver"))


def test_a_student_signs_in_through_the_provider(oidc_on, client) -> None:
    """The authorization-code flow end to end: the person is found or created by the number claim, with their
    name and e-mail, and no role (their groups map to none)."""
    response = oidc_sign_in(client, oidc_on, "zhangxm", "zhangxm-pass")

    assert response.status_code == 302 and response["Location"] == reverse("web:home")
    student = User.objects.get(number="2023010101")
    assert client.session["_auth_user_id"] == str(student.pk)
    assert (student.full_name, student.email) == ("张小明", "zhangxm@example.edu.cn")
    assert not Membership.objects.filter(user=student).exists()
    assert DirectoryChange.objects.filter(key="2023010101", source="oidc").exists()


def test_an_existing_person_is_matched_by_the_number_claim(oidc_on, client) -> None:
    known = User.objects.create_user(username="xiaoming", number="2023010101", email="old@example.edu.cn")

    oidc_sign_in(client, oidc_on, "zhangxm", "zhangxm-pass")

    known.refresh_from_db()
    assert client.session["_auth_user_id"] == str(known.pk)
    assert known.email == "zhangxm@example.edu.cn"
    assert User.objects.filter(number="2023010101").count() == 1


def test_a_group_claim_gives_a_role_only_through_the_mapping(oidc_on, client, settings) -> None:
    """Without a mapping the dispatchers' group claim gives nothing; mapped, it makes the person a dispatcher
    of the Office."""
    oidc_sign_in(client, oidc_on, "wangfang", "wangfang-pass")
    assert not Membership.objects.filter(user__number="T0002").exists()

    settings.JIESU_OIDC = {
        "client_id": oidc_on.client_id,
        "group_roles": {"jiesu-dispatchers": "dispatcher:office"},
    }
    oidc_sign_in(Client(), oidc_on, "wangfang", "wangfang-pass")

    grant = Membership.objects.get(user__number="T0002")
    assert (grant.role, grant.unit.code) == (Role.DISPATCHER, "office")


def test_a_superusers_number_claim_does_not_sign_in(oidc_on, client) -> None:
    """As with CAS and WeCom (``identity.matching``): a superuser's local password stays the only way in."""
    admin = User.objects.create_superuser(username="root-admin", password="x", number="2023010101")

    response = oidc_sign_in(client, oidc_on, "zhangxm", "zhangxm-pass")

    assert response["Location"] == "/login/"
    assert "_auth_user_id" not in client.session
    admin.refresh_from_db()
    assert (admin.full_name, admin.email) == ("", "")


def test_unknown_people_are_refused_when_creation_is_off(oidc_on, client, settings) -> None:
    settings.JIESU_OIDC = {"client_id": oidc_on.client_id, "create_users": False}

    response = oidc_sign_in(client, oidc_on, "zhangxm", "zhangxm-pass")

    assert response["Location"] == "/login/"
    assert "_auth_user_id" not in client.session
    assert not User.objects.filter(number="2023010101").exists()


def test_the_sign_in_page_offers_oidc_only_when_configured(client, settings) -> None:
    settings.JIESU_OIDC = {"client_id": ""}
    assert reverse("directory:oidc_login") not in client.get(reverse("web:login")).content.decode()
    assert client.get(reverse("directory:oidc_login")).status_code == 404

    settings.JIESU_OIDC = {"client_id": "jiesu"}
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = "https://id.example.edu.cn/auth"
    page = client.get(reverse("web:login") + "?next=/tickets/").content.decode()
    assert reverse("directory:oidc_login") in page
    assert 'data-testid="signin-oidc"' in page  # one more entry of identity.providers, beside CAS and WeCom
    start = client.get(reverse("directory:oidc_login") + "?next=/tickets/")
    assert start["Location"].startswith("https://id.example.edu.cn/auth?")
    assert client.session["oidc_login_next"] == "/tickets/"
