"""Browser: the system administrator staffs a new unit — a head and an information officer (issue 18 item 5)."""

from __future__ import annotations

from playwright.sync_api import expect

from jiesu.demo.accounts import DEMO_PASSWORD
from jiesu.org.models import Membership, Role, User


def _sign_in(page, username: str) -> None:
    page.goto(page.base_url + "/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.get_by_test_id("login-submit").click()
    page.wait_for_load_state("load")


def test_an_administrator_assigns_a_head_and_an_information_officer(page, live_demo_org, shot) -> None:
    """The administrator adds 档案馆, which the check lists as lacking both; assigns a head and an officer by
    their numbers; a second head is refused with a message; the check is clear and the log has the changes."""
    User.objects.create(username="t_head", full_name="钱明", number="T1001")
    User.objects.create(username="t_officer", full_name="孙丽", number="T1002")
    _sign_in(page, "admin")
    page.goto(page.base_url + "/people/")
    page.get_by_test_id("unit-new").click()
    page.fill("input[name=code]", "archives")
    page.fill("input[name=name]", "档案馆")
    page.select_option("select[name=kind]", "centre")
    page.get_by_test_id("unit-save").click()
    expect(page.get_by_test_id("unit-breach")).to_contain_text("没有负责人")
    page.get_by_test_id("people-breaches").click()
    expect(page.locator("[data-testid=breach-list] tr[data-unit=archives]")).to_contain_text("无信息员")
    page.locator("[data-testid=breach-list] tr[data-unit=archives] a").click()

    assign = page.get_by_test_id("assign-form")
    assign.locator("input[name=person]").fill("T1001")
    assign.locator("select[name=role]").select_option(Role.UNIT_HEAD.value)
    assign.get_by_test_id("assign-submit").click()
    expect(page.locator(".alert-success")).to_contain_text("钱明")
    assign = page.get_by_test_id("assign-form")
    assign.locator("input[name=person]").fill("t_officer")
    assign.locator("select[name=role]").select_option(Role.INFO_OFFICER.value)
    assign.get_by_test_id("assign-submit").click()
    expect(page.locator("[data-testid=members] tr[data-role=info_officer]")).to_contain_text("孙丽")
    expect(page.get_by_test_id("unit-breach")).to_have_count(0)

    assign = page.get_by_test_id("assign-form")
    assign.locator("input[name=person]").fill("T1002")
    assign.locator("select[name=role]").select_option(Role.UNIT_HEAD.value)
    assign.get_by_test_id("assign-submit").click()
    expect(page.locator(".alert-error")).to_contain_text("已有负责人（钱明）")
    shot(page, "people-unit-staffed")
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], width

    page.get_by_test_id("people-breaches").click()
    expect(page.get_by_test_id("no-breaches")).to_be_visible()
    page.get_by_test_id("people-log").click()
    expect(page.get_by_test_id("log-list")).to_contain_text("钱明成为档案馆单位负责人")
    assert set(Membership.objects.filter(unit__code="archives").values_list("user__username", "role")) == {
        ("t_head", Role.UNIT_HEAD),
        ("t_officer", Role.INFO_OFFICER),
    }


def test_a_requester_keeps_the_contacts_that_start_a_new_request(page, live_demo_org, shot) -> None:
    """On a phone, the student opens 我的账号 from the menu, saves a new mobile number, and the new request form
    starts with it; the page links to the notification settings and the password change."""
    _sign_in(page, "student")
    page.get_by_test_id("menu-toggle").click()
    page.get_by_test_id("nav-my-account").click()
    expect(page.get_by_test_id("account-notify")).to_be_visible()
    expect(page.get_by_test_id("account-password")).to_be_visible()
    page.fill("input[name=phone]", "13912345678")
    page.get_by_test_id("contacts-save").click()
    expect(page.locator(".alert-success")).to_contain_text("联系方式已保存")
    shot(page, "account-saved")
    page.goto(page.base_url + "/requests/new/")
    expect(page.locator("input[name=contact_phone]")).to_have_value("13912345678")
