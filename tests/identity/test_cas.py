"""CAS sign-in (django-cas-ng) against a real CAS server (django-mama-cas, started by the tests in its own
process): the link on the sign-in page, the redirect, sign-in with the attributes mapped, single sign-out."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import pytest
import requests
from django.test import Client
from django.urls import reverse

from jiesu.identity.models import ExternalIdentity, SignInEvent
from jiesu.org.models import RequesterKind, User
from tests.identity.casserver.people import PASSWORD

EXAMPLE_CAS = "https://cas.example.edu.cn/cas/"


@pytest.mark.django_db
def test_with_cas_configured_the_sign_in_page_offers_it_and_redirects_to_the_cas_server(settings) -> None:
    settings.CAS_SERVER_URL = EXAMPLE_CAS
    page = Client().get(reverse("web:login"), {"next": "/ledger/"}).content.decode()
    assert "统一身份认证" in page and 'href="/cas/login/?next=%2Fledger%2F"' in page
    response = Client().get("/cas/login/", {"next": "/ledger/"})
    assert response.status_code == 302
    location = urlparse(response["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == "https://cas.example.edu.cn/cas/login"
    # The service is this site's CAS callback, carrying where to go afterwards.
    assert parse_qs(location.query)["service"] == ["http://testserver/cas/login/?next=%2Fledger%2F"]


@pytest.mark.django_db
def test_without_cas_there_is_no_link_and_no_cas_pages(settings) -> None:
    settings.CAS_SERVER_URL = None
    page = Client().get(reverse("web:login")).content.decode()
    assert "统一身份认证" not in page and "/cas/login/" not in page
    assert Client().get("/cas/login/").status_code == 404
    assert "jiesu.identity.backends.CASBackend" not in settings.AUTHENTICATION_BACKENDS


def cas_sign_in(session: requests.Session, start_url: str, username: str) -> requests.Response:
    """Go to Jiesu's CAS sign-in, fill the CAS server's form, and follow the ticket back to Jiesu."""
    form = session.get(start_url, timeout=10)
    assert "/cas/login?service=" in form.url and 'name="password"' in form.text
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text)
    assert token is not None
    return session.post(
        form.url,
        data={"csrfmiddlewaretoken": token.group(1), "username": username, "password": PASSWORD},
        headers={"Referer": form.url},
        timeout=10,
    )


@pytest.mark.parametrize("version", ["2", "3"])
def test_a_person_signs_in_through_cas_and_single_sign_out_ends_the_session(
    live_server, cas_settings: str, settings, version: str
) -> None:
    """CAS 2.0 and 3.0: the first sign-in makes the person from the released attributes; signing out at the
    CAS server (another service's sign-out, say) ends the Jiesu session through CAS single sign-out."""
    settings.CAS_VERSION = version
    browser = requests.Session()
    home = cas_sign_in(browser, f"{live_server.url}/cas/login/?next=/", "2023010001")
    assert home.url == f"{live_server.url}/" and "林晓" in home.text
    user = User.objects.get(external_identities__provider="cas", external_identities__subject="2023010001")
    assert (user.number, user.full_name, user.kind) == ("2023010001", "林晓", RequesterKind.STUDENT)
    assert ExternalIdentity.objects.get(user=user).attributes["ou"] == "计算机学院"
    assert SignInEvent.objects.get(subject="2023010001").outcome == "created"

    browser.get(f"{cas_settings}logout", timeout=10)  # the CAS server posts a logoutRequest to Jiesu
    after = browser.get(f"{live_server.url}/", allow_redirects=False, timeout=10)
    assert after.status_code == 302 and after.headers["Location"].startswith("/login/")


def test_signing_out_of_jiesu_ends_the_cas_session_too(live_server, cas_settings: str) -> None:
    browser = requests.Session()
    cas_sign_in(browser, f"{live_server.url}/cas/login/?next=/", "t1001")
    home = browser.get(f"{live_server.url}/", timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', home.text)
    assert token is not None
    out = browser.post(
        f"{live_server.url}/logout/",
        data={"csrfmiddlewaretoken": token.group(1)},
        headers={"Referer": f"{live_server.url}/"},
        timeout=10,
    )
    # Jiesu → its CAS logout → the CAS server's /logout?service=… → back to Jiesu, signed out.
    assert any("/cas/logout?service=" in r.headers.get("Location", "") for r in out.history)
    assert out.url.startswith(f"{live_server.url}/login/")
    # The CAS single sign-on session is over: signing in again asks for the password.
    again = browser.get(f"{live_server.url}/cas/login/?next=/", timeout=10)
    assert again.url.startswith(cas_settings) and 'name="password"' in again.text


def test_a_cas_account_named_admin_does_not_sign_in_as_the_local_admin(
    live_server, cas_settings: str, demo_org: None
) -> None:
    home = cas_sign_in(requests.Session(), f"{live_server.url}/cas/login/?next=/", "admin")
    assert "同名学生" in home.text
    local_admin = User.objects.get(username="admin")
    assert not local_admin.external_identities.exists()
    assert User.objects.get(external_identities__subject="admin").username == "cas-admin"


@pytest.mark.django_db
def test_a_ticket_the_cas_server_does_not_know_gets_a_chinese_page(cas_settings: str) -> None:
    response = Client().get("/cas/login/", {"next": "/", "ticket": "ST-0-not-a-ticket"})
    assert response.status_code == 403
    assert "统一身份认证未能确认你的身份" in response.content.decode()


@pytest.mark.django_db
def test_a_cas_server_out_of_reach_gets_a_chinese_page_not_a_500(settings) -> None:
    settings.CAS_SERVER_URL = "http://127.0.0.1:9/cas/"  # nothing listens there
    settings.AUTHENTICATION_BACKENDS = [
        *settings.AUTHENTICATION_BACKENDS,
        "jiesu.identity.backends.CASBackend",
    ]
    response = Client().get("/cas/login/", {"next": "/", "ticket": "ST-1-abc"})
    assert response.status_code == 403 and "暂时无法访问" in response.content.decode()


@pytest.mark.django_db
def test_local_accounts_keep_signing_in_with_their_password(person, password: str, settings) -> None:
    settings.CAS_SERVER_URL = EXAMPLE_CAS
    settings.AUTHENTICATION_BACKENDS = [
        *settings.AUTHENTICATION_BACKENDS,
        "jiesu.identity.backends.CASBackend",
    ]
    client = Client()
    response = client.post(reverse("web:login"), {"username": "admin", "password": password})
    assert response.status_code == 302
    assert client.get(reverse("web:home")).context["user"] == person("admin")
    # A local session signs out locally (no CAS round trip).
    out = client.post(reverse("web:logout"))
    assert out.status_code == 302 and "cas.example.edu.cn" not in out["Location"]
