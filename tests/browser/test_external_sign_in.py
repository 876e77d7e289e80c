"""Browser (real Chromium, phone viewport): signing in and out through the school's CAS (a real CAS server,
django-mama-cas in its own process) and, inside WeCom, through the WeCom stand-in."""

from __future__ import annotations

from tests.browser.test_phone_layouts import ALLOWED, LATIN_WORD, NAMES
from tests.identity.casserver.people import PASSWORD
from tests.identity.conftest import cas_server, cas_settings, wecom  # noqa: F401 (fixtures)
from tests.identity.test_wecom import WECOM_UA


def _fits_the_phone(page) -> bool:
    """No sideways scrolling at 390 px, and no English interface words (as test_phone_layouts checks)."""
    text = NAMES.sub(" ", page.evaluate("document.body.innerText"))
    english = {word for word in LATIN_WORD.findall(text) if word not in ALLOWED}
    assert not english, english
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def test_a_student_signs_in_and_out_through_cas(page, cas_settings, shot) -> None:  # noqa: F811
    page.goto(page.base_url + "/")
    assert "/login/" in page.url
    link = page.locator("[data-testid=signin-cas]")
    assert link.inner_text() == "统一身份认证" and _fits_the_phone(page)
    shot(page, "login-with-cas")
    link.click()
    page.wait_for_selector("input[name=password]")
    assert page.url.startswith(cas_settings + "login?service=")  # the school's CAS server, not Jiesu
    page.fill("input[name=username]", "2023010001")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("[data-testid=logout]")
    assert page.url == page.base_url + "/"
    assert "林晓" in page.locator(".who").inner_text() and _fits_the_phone(page)
    assert page.locator("[data-testid=nav-password]").count() == 0  # no local password to change
    shot(page, "home-after-cas")

    page.click("[data-testid=logout]")  # Jiesu, then the CAS single sign-on session
    page.wait_for_selector("[data-testid=signin-cas]")
    assert "/login/" in page.url
    page.click("[data-testid=signin-cas]")  # the CAS session is over: the CAS server asks again
    page.wait_for_selector("input[name=password]")
    assert page.url.startswith(cas_settings)


def test_inside_wecom_a_staff_member_opens_jiesu_signed_in(browser, live_server, person, wecom, shot) -> None:  # noqa: F811
    officer = person("officer")
    officer.number = "T2001"
    officer.save()
    wecom.signed_in_as = "T2001"
    context = browser.new_context(
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        viewport={"width": 390, "height": 844},
        user_agent=WECOM_UA,
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        page.goto(live_server.url + "/")
        page.wait_for_selector("[data-testid=logout]")
        assert page.url.split("#")[0] == live_server.url + "/"  # the browser keeps #wechat_redirect
        assert "高雅" in page.locator(".who").inner_text() and _fits_the_phone(page)
        assert "/connect/oauth2/authorize" in wecom.calls and "/cgi-bin/auth/getuserinfo" in wecom.calls
        shot(page, "home-inside-wecom")
        page.click("[data-testid=logout]")
        page.wait_for_selector("[data-testid=signed-out]")
        assert "已退出登录" in page.content() and _fits_the_phone(page)
        shot(page, "signed-out-wecom")
    finally:
        context.close()


def test_an_unknown_wecom_user_gets_a_chinese_page(browser, live_server, demo_org, wecom) -> None:  # noqa: F811
    wecom.signed_in_as = "X9999"
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, user_agent=WECOM_UA)
    page = context.new_page()
    try:
        page.goto(live_server.url + "/")
        page.wait_for_selector("[data-testid=sign-in-problem]")
        assert "尚未关联" in page.content() and _fits_the_phone(page)
    finally:
        context.close()
