"""Error pages in Chinese with a way back, navigation by role, and the small things of issue 14 (items 1, 3, 8)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client, RequestFactory
from django.utils import timezone
from django.utils.translation import override

from jiesu.org.models import Campus, Hotline, with_area_code
from jiesu.tickets import forms as f
from jiesu.web import errors
from tests.support import pending, signed_in, user

pytestmark = pytest.mark.django_db

# Latin words on a Chinese page: anything of two or more letters that is not markup.
ENGLISH = re.compile(r"\b[A-Za-z]{3,}\b")


def visible_text(html: str) -> str:
    """The text a person reads: no tags, scripts, attributes or entities."""
    body = html.split("<body", 1)[-1].split(">", 1)[-1]
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    body = re.sub(r"<[^>]+>", " ", body)
    return re.sub(r"&\w+;|&#\d+;", " ", body)


def test_an_unknown_address_gets_a_chinese_404_in_the_sites_layout(demo_org: None) -> None:
    """The 404 page says what happened in Chinese, keeps the site's menu and offers a way back."""
    response = signed_in("student").get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "页面不存在" in html and "返回首页" in html
    assert 'data-testid="error-home"' in html and 'href="/"' in html
    assert 'id="site-nav"' in html  # the layout's navigation is there
    assert not ENGLISH.findall(visible_text(html).replace("CIIR", ""))


def test_a_worklist_of_another_role_gets_a_chinese_403(demo_org: None) -> None:
    """A student opening the unit inbox is told in Chinese that the account may not, with a way back."""
    response = signed_in("student").get("/work/inbox/")
    assert response.status_code == 403
    html = response.content.decode()
    assert "您无权打开此页面" in html and 'data-status="403"' in html and "返回首页" in html


def test_a_form_sent_without_its_token_gets_the_chinese_csrf_page(demo_org: None) -> None:
    """CSRF failure: "the form has expired", how to go on, in the layout, status 403."""
    client = Client(enforce_csrf_checks=True)
    response = client.post("/login/", {"username": "student", "password": "x"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "表单已过期" in html and "刷新页面" in html and "返回首页" in html
    assert "CSRF" not in visible_text(html)


def test_the_500_page_is_chinese_and_needs_no_database_for_its_menu(demo_org: None) -> None:
    """The server-error page renders without the navigation (which reads the database) but with a way back."""
    request = RequestFactory().get("/broken/")
    with override("zh-hans"):
        response = errors.server_error(request)
    assert response.status_code == 500
    html = response.content.decode()
    assert "系统出现故障" in html and "返回首页" in html
    assert 'id="site-nav"' not in html


def test_a_bad_request_gets_the_chinese_400_page(demo_org: None) -> None:
    request = RequestFactory().get("/")
    with override("zh-hans"):
        response = errors.bad_request(request)
    assert response.status_code == 400
    assert "请求无法识别" in response.content.decode()


@pytest.mark.parametrize(
    ("username", "offered"),
    [
        ("officer", True),  # a unit member records its hotline calls and walk-ins
        ("dispatcher", True),  # the Office records its own channels
        ("duty", True),
        ("leader", False),
        ("inspector", False),
        ("assessor", False),
        ("admin", False),
        ("student", False),
    ],
)
def test_record_a_request_is_offered_only_to_those_who_may_record(
    demo_org: None, username: str, offered: bool
) -> None:
    """登记诉求 appears in the menu exactly when the staff intake page would let the person record."""
    client = signed_in(username)
    html = client.get("/hotlines/").content.decode()
    assert ('data-testid="nav-record"' in html) is offered
    assert "登记诉求" in html if offered else "登记诉求" not in html
    status = client.get("/intake/").status_code if offered else None
    assert status in (None, 200)


@pytest.mark.parametrize(
    "username", ["student", "officer", "head", "dispatcher", "leader", "inspector", "assessor", "admin"]
)
def test_every_link_the_menu_offers_opens(demo_org: None, username: str) -> None:
    """No 4xx or 5xx behind any link of a role's navigation."""
    client = signed_in(username)
    html = client.get("/").content.decode()
    nav = html.split('id="site-nav"', 1)[1].split("</header>", 1)[0]  # the menu and the account links
    links = sorted(set(re.findall(r'href="(/[^"]*)"', nav)))
    assert links
    for link in links:
        assert client.get(link).status_code == 200, (username, link)


def test_the_admins_home_links_to_people_and_units_maintenance(demo_org: None) -> None:
    """The system administrator's section promises people and units: it links their maintenance pages."""
    client = signed_in("admin")
    html = client.get("/").content.decode()
    for url in ["/django-admin/org/user/", "/django-admin/org/unit/"]:
        assert f'href="{url}"' in html
        assert client.get(url).status_code == 200
    assert "/django-admin/org/user/" not in signed_in("officer").get("/").content.decode()


def test_the_unread_badge_is_hidden_at_zero(demo_org: None) -> None:
    """At 0 the badge carries ``hidden`` and no number; the stylesheet makes ``hidden`` win over ``.badge``."""
    html = signed_in("student").get("/").content.decode()
    badge = re.search(r'<span id="notify-badge"[^>]*>([^<]*)</span>', html)
    assert badge and " hidden" in badge.group(0) and badge.group(1) == ""
    css = Client().get("/static/web/app.css")
    css_text = b"".join(css.streaming_content).decode() if css.streaming else css.content.decode()  # type: ignore[attr-defined]
    assert "[hidden] { display:none !important; }" in css_text


@pytest.mark.parametrize(
    ("number", "area", "dialled"),
    [
        ("88561833", "010", "010-88561833"),
        ("3827179", "0312", "0312-3827179"),
        ("010-88561833", "010", "010-88561833"),
        ("13800138000", "010", "13800138000"),
        ("88561833", "", "88561833"),
    ],
)
def test_local_numbers_get_their_campus_area_code(number: str, area: str, dialled: str) -> None:
    assert with_area_code(number, area) == dialled


def test_the_directory_dials_with_the_area_code_of_each_campus(demo_org: None) -> None:
    """tel: links carry 010- in Beijing and 0312- in Zhuozhou (issue 14 item 8)."""
    assert dict(Campus.objects.values_list("code", "area_code")) == {"beijing": "010", "zhuozhou": "0312"}
    html = Client().get("/hotlines/").content.decode()
    assert 'href="tel:010-88561833"' in html and 'href="tel:0312-3827179"' in html
    assert Hotline.objects.count() == html.count('data-testid="hotline-tel"')
    assert 'href="tel:88561833"' not in html


def test_a_revealed_phone_is_a_tel_link(demo_org: None) -> None:
    """The masked number is plain text; the number shown after 查看完整联系方式 can be tapped to call."""
    ticket = pending()
    client = signed_in("officer")
    masked = client.get(f"/tickets/{ticket.number}/").content.decode()
    assert 'href="tel:' not in masked
    revealed = client.post(f"/tickets/{ticket.number}/contact/", HTTP_HX_REQUEST="true").content.decode()
    assert f'href="tel:{ticket.contact_phone}"' in revealed


def test_the_approval_list_shows_the_request_being_answered(demo_org: None) -> None:
    ticket = pending()
    html = signed_in("head").get("/work/approvals/").content.decode()
    assert "所答复的诉求" in html and ticket.content in html


def test_a_planned_date_before_tomorrow_is_refused_in_words(demo_org: None) -> None:
    """The picker starts tomorrow; today typed in is refused with a clear Chinese message."""
    ticket = pending()
    form = f.InitialReplyForm(ticket=ticket, user=user("officer"))
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    assert form.fields["planned_date"].widget.attrs["min"] == tomorrow.isoformat()
    with override("zh-hans"):
        bound = f.InitialReplyForm(
            {"body": "正在处理。", "planned_date": timezone.localdate().isoformat()},
            ticket=ticket,
            user=user("officer"),
        )
        assert not bound.is_valid()
        assert bound.errors["planned_date"] == [
            f"计划答复日期须晚于今天，请选择 {tomorrow:%Y-%m-%d} 或之后的日期。"
        ]
    later = f.PlannedDateMoveForm(
        {"planned_date": tomorrow.isoformat(), "reason": "等待配件。"}, ticket=ticket, user=user("officer")
    )
    assert later.is_valid(), later.errors


def test_co_handling_units_are_ticks_not_a_multi_select(demo_org: None) -> None:
    """A phone cannot Ctrl-click: the dispatch form lists co-handling units as checkboxes."""
    html = f.DispatchForm(ticket=pending(), user=user("dispatcher")).as_p()
    assert 'type="checkbox" name="cohandling_units"' in html
    assert "<select" in html and "multiple" not in html


def test_the_track_page_calls_it_the_request_number(demo_org: None) -> None:
    html = Client().get("/track/").content.decode()
    assert "诉求编号" in html and "工单编号" not in html
