"""Browser: requester submits on the web → Office dispatches → officer acknowledges and sets the level →
drafts the formal reply → head approves → requester sees it (issue 4; R2, R4.1–R4.3, R10.1). A screenshot per step."""

from __future__ import annotations

from jiesu.demo.accounts import DEMO_PASSWORD
from jiesu.org.models import Unit, User

REPLY = "您好，后勤管理处已于今日安排维修师傅上门，暖气阀门已更换，室温已恢复正常。如仍有问题请随时联系我们。"


def sign_in(page, username: str) -> None:
    page.goto(page.base_url + "/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("[data-testid=login-submit]")
    page.wait_for_selector("[data-testid=logout]")


def sign_out(page) -> None:
    page.click("[data-testid=logout]")
    page.wait_for_selector("[data-testid=login-link]")


def test_request_to_approved_reply(page, live_demo_org, shot) -> None:
    User.objects.filter(username="student").update(phone="13812345678")
    logistics = Unit.objects.get(code="logistics")

    # 1. The requester submits on the web, phone-first.
    sign_in(page, "student")
    page.goto(page.base_url + "/requests/new/")
    page.check("input[name=type][value=help]")
    page.fill("input[name=subject]", "宿舍暖气不热")
    page.fill("textarea[name=content]", "学生公寓3号楼302室暖气片不热，室温只有12度，晚上很冷，请尽快维修。")
    shot(page, "lifecycle-1-submit")
    page.click("[data-testid=submit-request]")
    number = page.locator("[data-testid=created-number]").inner_text().strip()
    assert page.locator("[data-testid=tracking-code]").inner_text().strip()
    shot(page, "lifecycle-2-created")
    sign_out(page)

    # 2. The Office dispatches to 后勤管理处 (R4.5).
    sign_in(page, "dispatcher")
    page.goto(page.base_url + "/work/dispatch/")
    row = page.locator(f"[data-testid=row][data-number='{number}']")
    row.locator("summary.btn").click()
    row.locator("select[name=lead_unit]").select_option(str(logistics.pk))
    shot(page, "lifecycle-3-dispatch")
    row.locator("[data-testid=form-dispatch] button[type=submit]").click()
    page.wait_for_selector(f"[data-testid=row][data-number='{number}']", state="detached")
    sign_out(page)

    # 3. The lead unit's officer acknowledges (R4.1) and sets the level (R4.2).
    sign_in(page, "officer")
    page.goto(page.base_url + "/work/inbox/")
    assert page.locator(f"[data-number='{number}']").count() == 1
    shot(page, "lifecycle-4-inbox")
    page.goto(page.base_url + f"/tickets/{number}/")
    page.locator("[data-testid=form-acknowledge] button[type=submit]").click()
    page.wait_for_selector("[data-testid=event][data-action=acknowledge]")
    page.locator("[data-testid=action-set_level] summary").click()
    page.locator("[data-testid=form-set_level] select[name=level]").select_option("direct")
    page.locator("[data-testid=form-set_level] button[type=submit]").click()
    # Wait for the reloaded page's history (the reply clock alone already runs from the acknowledgement).
    page.wait_for_selector("[data-testid=event][data-action=set_level]")

    # 4. The officer drafts the formal reply and submits it for approval (R4.3).
    page.locator("[data-testid=action-submit_reply] summary").click()
    page.locator("[data-testid=form-submit_reply] textarea[name=body]").fill(REPLY)
    shot(page, "lifecycle-5-draft")
    page.locator("[data-testid=form-submit_reply] button[type=submit]").click()
    page.wait_for_selector("[data-testid=reply][data-state=pending]")
    sign_out(page)

    # 5. The head approves; only then is the reply sent.
    sign_in(page, "head")
    page.goto(page.base_url + "/work/approvals/")
    row = page.locator(f"[data-testid=row][data-number='{number}']")
    assert REPLY in row.locator("[data-testid=draft]").inner_text()
    shot(page, "lifecycle-6-approval")
    row.locator("[data-testid=form-approve_reply] button[type=submit]").click()
    page.wait_for_selector(f"[data-testid=row][data-number='{number}']", state="detached")
    sign_out(page)

    # 6. The requester sees the reply and a plain-words timeline.
    sign_in(page, "student")
    page.goto(page.base_url + f"/tickets/{number}/")
    assert REPLY in page.locator("[data-testid=replies]").inner_text()
    assert page.locator("[data-testid=public-event]").count() >= 4
    assert "后勤管理处" in page.content()
    shot(page, "lifecycle-7-requester-sees-reply")
