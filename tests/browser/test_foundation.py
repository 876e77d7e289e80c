"""Browser: the directory renders in Chinese; a demo user signs in and out."""

from __future__ import annotations

import re

from jiesu.demo.accounts import DEMO_PASSWORD


def test_directory_renders_in_chinese_with_12_units(page, live_demo_org, shot) -> None:
    page.goto(page.base_url + "/hotlines/")
    assert page.locator("h1").inner_text() == "学校两校区接诉即办热线电话"
    units = page.locator("[data-testid=hotline-table] tbody tr").evaluate_all(
        "rows => [...new Set(rows.map(r => r.dataset.unit))]"
    )
    assert len(units) == 12
    assert "总值班室" in units and "网络信息中心" in units
    assert page.locator("text=88561110").count() == 1
    shot(page, "hotlines")


def test_demo_user_signs_in_and_out(page, live_demo_org, shot) -> None:
    page.goto(page.base_url + "/")
    assert re.search(r"/login/", page.url)
    page.fill("input[name=username]", "officer")
    page.fill("input[name=password]", DEMO_PASSWORD)
    shot(page, "login")
    page.click("[data-testid=login-submit]")
    page.wait_for_selector("[data-testid=role-section]")
    assert "信息员" in page.content()
    assert "高雅" in page.locator(".who").inner_text()
    shot(page, "home-officer")
    page.click("[data-testid=logout]")
    page.wait_for_selector("[data-testid=login-link]")
    assert page.locator("[data-testid=logout]").count() == 0
