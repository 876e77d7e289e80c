"""Browser: every role's main pages at 1366×768 and 390×844 (issue 14 items 2-3, "Must show").

For each role the walk starts at the home page and opens every link its navigation offers, plus the ticket
page for the staff who work on one: no page scrolls sideways (``scrollWidth <= innerWidth``), none answers
4xx/5xx, none shows English words outside proper names and codes, and each is saved as a screenshot under
test-artifacts/screenshots/. One browser for the module (the session's), one context per viewport.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.core.cache import caches
from django.test import Client
from playwright.sync_api import expect

from tests.support import dispatched, handling, new_ticket, pending, reply_and_approve, user

VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1366, "height": 768}}
# Latin words a Chinese user may meet: proper names and codes, not interface words.
ALLOWED = {"CIIR", "Excel", "CSV", "API", "WeCom", "PDF", "Office", "SMS", "Email", "email"}
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z_]{2,}")
# Proper names written in Latin letters: e-mail addresses, web addresses, the calendar data package, and
# checksums (hexadecimal digests, whole or cut short with an ellipsis).
NAMES = re.compile(r"\S+@\S+|https?://\S+|chinese-calendar|\b[0-9a-f]{16,}…?")

ROLES = ["student", "officer", "head", "dispatcher", "leader", "inspector", "assessor", "admin"]
TICKET_ROLES = {"officer", "head", "dispatcher"}


@pytest.fixture(autouse=True)
def _fresh_caches() -> Iterator[None]:
    """The pages cache figures (dashboards, summaries): what these walks saw must not leak into other tests."""
    yield
    for cache in caches.all():
        cache.clear()


@pytest.fixture
def tickets(live_demo_org: None) -> dict[str, str]:
    """A request in each place the roles' worklists show: new, dispatched, awaiting approval, and one replied
    (the requester's notification then carries the long rating link, 我的诉求 its 评价 button)."""
    replied = handling()
    reply_and_approve(replied)
    return {
        "new": new_ticket().number,
        "dispatched": dispatched().number,
        "pending": pending().number,
        "replied": replied.number,
    }


def _session_cookie(username: str, base_url: str) -> dict[str, str]:
    client = Client()
    client.force_login(user(username))
    return {
        "name": settings.SESSION_COOKIE_NAME,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "domain": urlparse(base_url).hostname or "localhost",
        "path": "/",
    }


def _menu_links(page) -> list[str]:
    hrefs = page.eval_on_selector_all(
        "#site-nav a[href], .account a[href]", "links => links.map(a => a.getAttribute('href'))"
    )
    return sorted({h for h in hrefs if h.startswith("/") and not h.startswith("/django-admin/")})


def _check(page, url: str, name: str, shot) -> list[str]:
    """Open ``url``; return what is wrong with it (empty when all is well)."""
    response = page.goto(page.base_url + url)
    page.wait_for_load_state("load")
    problems = []
    if response is None or response.status >= 400:
        problems.append(f"{url}: HTTP {response.status if response else '?'}")
    if not page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"):
        width = page.evaluate("document.documentElement.scrollWidth")
        problems.append(f"{url}: scrolls sideways ({width}px)")
    text = NAMES.sub(" ", page.evaluate("document.body.innerText"))
    english = sorted({w for w in LATIN_WORD.findall(text) if w not in ALLOWED})
    if english:
        problems.append(f"{url}: English words {english[:8]}")
    shot(page, name)
    return problems


@pytest.mark.parametrize("role", ROLES)
def test_each_roles_pages_fit_both_screens(browser, live_server, tickets, shot, role: str) -> None:
    """The home page, every menu link and (for staff) the ticket page: no sideways scroll, no error status,
    no English, at 390×844 and 1366×768."""
    problems: list[str] = []
    for size, viewport in VIEWPORTS.items():
        context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport=viewport)
        context.add_cookies([_session_cookie(role, live_server.url)])
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.base_url = live_server.url
        try:
            problems += _check(page, "/", f"{role}-{size}-home", shot)
            links = _menu_links(page)
            assert links, "the menu offers nothing"
            for href in links:
                if href == "/":
                    continue
                slug = href.strip("/").replace("/", "-") or "home"
                problems += _check(page, href, f"{role}-{size}-{slug}", shot)
            if role in TICKET_ROLES:
                number = tickets["new" if role == "dispatcher" else "pending"]
                problems += _check(page, f"/tickets/{number}/", f"{role}-{size}-ticket", shot)
        finally:
            context.close()
    assert not problems, "\n".join(problems)


def test_the_phone_menu_opens_and_closes(page, live_demo_org, shot) -> None:
    """At 390×844 the staff navigation is folded behind 菜单; one tap opens it, another folds it."""
    page.context.add_cookies([_session_cookie("dispatcher", page.base_url)])
    page.goto(page.base_url + "/")
    nav = page.locator("#site-nav")
    assert not nav.is_visible()
    assert page.locator("[data-testid=logout]").is_visible()  # the account stays in reach
    page.click("[data-testid=menu-toggle]")
    assert nav.is_visible()
    assert page.locator("[data-testid=nav-dispatch]").is_visible()
    shot(page, "phone-menu-open")
    page.click("[data-testid=menu-toggle]")
    assert not nav.is_visible()


def test_a_long_text_shows_a_counter_and_a_clear_message(page, live_demo_org, shot) -> None:
    """No silent cut at maxlength: the counter counts, and text over the limit is said to be too long and
    blocks sending until it is shortened."""
    page.context.add_cookies([_session_cookie("student", page.base_url)])
    page.goto(page.base_url + "/requests/new/")
    subject = page.locator("input[name=subject]")
    assert subject.get_attribute("maxlength") is None  # the script took the hard cut away
    subject.fill("宿" * 125)
    counter = page.locator("input[name=subject] + [data-testid=char-counter]")
    assert counter.is_visible()
    assert "超出 5 字" in counter.inner_text()
    assert not page.evaluate("document.querySelector('input[name=subject]').checkValidity()")
    shot(page, "counter-over")
    subject.fill("宿舍暖气不热")
    assert page.evaluate("document.querySelector('input[name=subject]').checkValidity()")


def test_follow_up_choices_are_laid_out_as_choices(page, live_demo_org, shot) -> None:
    """Radios are small boxes beside whole labels (not full-width inputs with one character per line), and
    the co-handling units of a dispatch are ticks, on a phone."""
    ticket = handling()
    reply_and_approve(ticket)
    page.context.add_cookies([_session_cookie("officer", page.base_url)])
    page.goto(page.base_url + f"/tickets/{ticket.number}/")
    for action in ["record_followup_attempt", "followup"]:
        page.click(f"[data-testid=action-{action}] > summary")
        radios = page.locator(f"[data-testid=action-{action}] input[type=radio]")
        assert radios.count() >= 2
        for i in range(radios.count()):
            radio = radios.nth(i)
            box = radio.bounding_box()
            label = radio.locator("xpath=..").bounding_box()
            assert box and label and box["width"] < 40, (action, box)
            assert label["height"] < 80, (action, label)  # the label reads on a line or two, not a column
    shot(page, "followup-choices-phone")

    page.context.clear_cookies()
    page.context.add_cookies([_session_cookie("dispatcher", page.base_url)])
    fresh = new_ticket()
    page.goto(page.base_url + f"/tickets/{fresh.number}/")
    ticks = page.locator("[data-testid=form-dispatch] input[type=checkbox][name=cohandling_units]")
    assert ticks.count() >= 10
    assert page.locator("[data-testid=form-dispatch] select[multiple]").count() == 0
    shot(page, "dispatch-ticks-phone")


class Taps:
    """Counts the taps of one step of a walk."""

    def __init__(self, page) -> None:
        self.page = page
        self.count = 0

    def __call__(self, selector: str) -> None:
        self.count += 1
        self.page.click(selector)


def test_a_requester_walks_from_home_to_a_reply_in_few_taps(page, live_demo_org, shot) -> None:
    """On a phone: home → a submitted request, then home → its reply, each step in at most 4 taps (typing
    the text is not a tap)."""
    from jiesu.org.models import User
    from jiesu.tickets.models import Ticket
    from tests.support import services, unit

    User.objects.filter(username="student").update(phone="13812345678")
    page.context.add_cookies([_session_cookie("student", page.base_url)])
    page.goto(page.base_url + "/")

    submit = Taps(page)
    submit("[data-testid=home-link][href='/requests/new/']")
    submit("input[name=type][value=help]")
    page.fill("textarea[name=content]", "图书馆三楼自习室的空调不制冷，下午温度很高，请尽快检修。")
    submit("[data-testid=submit-request]")
    number = page.locator("[data-testid=created-number]").inner_text().strip()
    assert submit.count <= 4, submit.count
    shot(page, "walk-1-submitted")

    ticket = Ticket.objects.get(number=number)
    services.ticket_dispatch(actor=user("dispatcher"), ticket=ticket, lead_unit=unit("logistics"))
    services.ticket_acknowledge(actor=user("officer"), ticket=ticket)
    services.ticket_set_level(actor=user("officer"), ticket=ticket, level="direct")
    reply_and_approve(ticket, body="您好，空调已于今天下午检修完毕，制冷已恢复。")

    page.goto(page.base_url + "/")
    back = Taps(page)
    back("[data-testid=home-link][href='/requests/mine/']")
    page.wait_for_url("**/requests/mine/")  # a click that navigates does not wait for the new page
    mine = page.locator(f"[data-testid=my-request][data-number='{number}']")
    expect(mine.locator("[data-testid=rate-mine]")).to_be_visible()  # 评价 in reach on the list itself
    back(f"[data-testid=my-request][data-number='{number}'] a[href='/tickets/{number}/']")
    assert "空调已于今天下午检修完毕" in page.locator("[data-testid=reply]").first.inner_text()
    assert back.count <= 4, back.count
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    shot(page, "walk-2-reply")


def test_a_lists_filters_fold_on_a_phone(page, live_demo_org, tickets, shot) -> None:
    """The inbox's filters fold behind 筛选条件 on a phone, so the first screen shows tickets; one tap opens
    them. On a desktop they stay open."""
    page.context.add_cookies([_session_cookie("officer", page.base_url)])
    page.goto(page.base_url + "/work/inbox/")
    form = page.locator("[data-testid=filters]")
    assert not form.is_visible()
    assert page.locator("[data-testid=row]").first.is_visible()
    page.click("[data-testid=filter-toggle]")
    assert form.is_visible()
    shot(page, "inbox-filters-open-phone")
    page.set_viewport_size({"width": 1366, "height": 768})
    page.reload()
    assert page.locator("[data-testid=filters]").is_visible()
    assert page.locator("[data-testid=filter-toggle]").count() == 0
