"""Throttles and lockouts behind a proxy (issue 17, item 5): one reading of the client's address
(``jiesu.clientip``, ``JIESU_TRUSTED_PROXIES``) for django-axes, the API's throttles and ``/track``; a forged
``X-Forwarded-For`` never resets a count; nobody can lock another person out; guessing one account from many
addresses and spraying passwords from one address are slowed down."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client, RequestFactory
from django.urls import reverse

from jiesu.clientip import client_ip, client_ip_or_none
from jiesu.org.models import Campus
from jiesu.tickets import services
from jiesu.web import signin
from tests.api.conftest import API

pytestmark = pytest.mark.django_db
PROXY = "10.0.0.5"  # our nginx
START = dt.datetime(2026, 3, 10, 1, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _clean_cache(demo_org: None) -> None:
    cache.clear()


@pytest.mark.parametrize(
    ("trusted", "remote", "forwarded", "expected"),
    [
        pytest.param(0, "203.0.113.7", "", "203.0.113.7", id="direct"),
        pytest.param(0, "203.0.113.7", "198.51.100.1", "203.0.113.7", id="no-proxy-ignores-the-header"),
        pytest.param(1, PROXY, "198.51.100.1", "198.51.100.1", id="one-proxy"),
        pytest.param(1, PROXY, "6.6.6.6, 198.51.100.1", "198.51.100.1", id="one-proxy-forged-left"),
        pytest.param(2, PROXY, "6.6.6.6, 198.51.100.1, 10.0.0.9", "198.51.100.1", id="two-proxies"),
        pytest.param(2, PROXY, "198.51.100.1", PROXY, id="too-few-hops"),
        pytest.param(1, PROXY, "not-an-address", PROXY, id="garbage"),
        pytest.param(1, PROXY, "2001:db8:0:0::1", "2001:db8::1", id="ipv6-normalised"),
    ],
)
def test_the_client_address_comes_through_the_trusted_proxies_only(
    settings, trusted: int, remote: str, forwarded: str, expected: str
) -> None:
    """N trusted proxies: the N-th entry from the right of X-Forwarded-For; entries the client wrote further
    left are never believed; anything odd falls back to REMOTE_ADDR."""
    settings.JIESU_TRUSTED_PROXIES = trusted
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def _via_proxy(client_address: str, forged: str = "") -> dict[str, str]:
    """What nginx passes on: the client's own X-Forwarded-For (if any) with the client's address appended."""
    return {
        "REMOTE_ADDR": PROXY,
        "HTTP_X_FORWARDED_FOR": f"{forged}, {client_address}" if forged else client_address,
    }


def test_a_track_lockout_behind_the_proxy_is_the_guessers_alone(settings, person) -> None:
    """Behind one trusted proxy, the 10 wrong guesses of one client lock that client out of /track — even when it
    forges X-Forwarded-For — while another client through the same proxy still tracks its request."""
    settings.JIESU_TRUSTED_PROXIES = 1
    created = services.ticket_create(
        actor=person("student"),
        channel="web",
        type="help",
        campus=Campus.objects.get(code="beijing"),
        requester=person("student"),
        content="宿舍楼3号楼302室暖气不热，室温只有12度。",
        contact_phone="13812345678",
    )
    url = reverse("intake:track")
    number, code = created.ticket.number, created.tracking_code
    for attempt in range(10):
        Client().post(
            url, {"number": number, "code": "WRONGCODE1"}, **_via_proxy("198.51.100.1", f"6.6.6.{attempt}")
        )
    guesser = Client().post(url, {"number": number, "code": code}, **_via_proxy("198.51.100.1", "7.7.7.7"))
    assert guesser.status_code == 429
    other = Client().post(url, {"number": number, "code": code}, **_via_proxy("198.51.100.2"))
    assert other.status_code == 200 and "ticket" in other.context


def test_a_forged_forwarded_header_never_resets_an_api_throttle(settings) -> None:
    """The public API's 30 a minute hold per client whatever X-Forwarded-For says — with no proxy (the header is
    ignored) and behind one (only the proxy's entry counts)."""
    for trusted, extra in ((0, {"REMOTE_ADDR": "203.0.113.7"}), (1, _via_proxy("198.51.100.1"))):
        cache.clear()
        settings.JIESU_TRUSTED_PROXIES = trusted
        codes = []
        for attempt in range(32):
            meta = dict(extra)
            meta["HTTP_X_FORWARDED_FOR"] = f"9.9.{attempt}.1" + (
                f", {extra['HTTP_X_FORWARDED_FOR']}" if trusted else ""
            )
            response = Client().get(f"{API}/track", {"number": "20260310-000001", "code": "X"}, **meta)
            codes.append(response.status_code)
        assert codes[:30] == [404] * 30 and codes[30:] == [429, 429], (trusted, codes)


def _sign_in(username: str, password: str, address: str) -> int:
    response = Client().post(
        reverse("web:login"), {"username": username, "password": password}, **_via_proxy(address)
    )
    return response.status_code


def test_nobody_can_lock_another_person_out_from_elsewhere(settings, password: str) -> None:
    """Behind the proxy, 5 failures on "officer" from one client lock that client (axes: username + address);
    the officer signing in from their own address is not locked out."""
    settings.JIESU_TRUSTED_PROXIES = 1
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _sign_in("officer", "wrong", "198.51.100.66")
    assert _sign_in("officer", password, "198.51.100.66") == 429
    assert _sign_in("officer", password, "198.51.100.2") == 302


def test_guessing_one_account_from_many_addresses_is_slowed_not_locked(settings, password: str) -> None:
    """Ten failures on one username from ten addresses (each under the lockout) slow that username down: the next
    try waits, with a Chinese message; once the wait is over the right password signs in."""
    settings.JIESU_TRUSTED_PROXIES = 1
    with time_machine.travel(START, tick=False) as clock:
        for n in range(signin.USERNAME_FREE_FAILURES):
            assert _sign_in("officer", "wrong", f"198.51.100.{n + 10}") == 200
        slowed = Client().post(
            reverse("web:login"), {"username": "officer", "password": password}, **_via_proxy("198.51.100.2")
        )
        assert slowed.status_code == 429 and "秒" in slowed.content.decode()
        clock.shift(dt.timedelta(seconds=2))
        assert _sign_in("officer", password, "198.51.100.2") == 302


def test_password_spraying_from_one_address_is_slowed(settings, password: str) -> None:
    """One address trying one password on twenty accounts is slowed down for every account; other addresses are
    not."""
    settings.JIESU_TRUSTED_PROXIES = 1
    with time_machine.travel(START, tick=False):
        for n in range(signin.ADDRESS_FREE_FAILURES):
            assert _sign_in(f"user{n:02d}", "Spring2026!", "198.51.100.99") == 200
        assert _sign_in("head", password, "198.51.100.99") == 429
        assert _sign_in("head", password, "198.51.100.100") == 302


def test_a_request_without_an_address_is_unknown_and_axes_stores_none() -> None:
    """A request built in code (no REMOTE_ADDR) keys throttles as "unknown"; axes, which stores the address in
    an IP column (inet on PostgreSQL), gets None."""
    request = RequestFactory().get("/")
    del request.META["REMOTE_ADDR"]
    assert client_ip(request) == "unknown" and client_ip_or_none(request) is None
