"""The Content-Security-Policy in a real browser (issue 17, item 7): no page of the site, nor the API's Swagger UI
or the admin, trips it — every script and style it needs is a file of this site — and the intake form's script
still works."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from tests.browser.test_lifecycle import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_no_page_trips_the_policy_and_scripts_still_run(page, live_demo_org: None) -> None:
    """Chromium reports no CSP violation on the sign-in page, the home page, the staff intake form (whose channel
    script hides the referral fields), the ledger, Swagger UI and the admin."""
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.goto(page.base_url + "/login/")
    sign_in(page, "duty")
    page.goto(page.base_url + "/intake/")
    page.wait_for_selector("[data-testid=staff-intake-form]")
    assert page.locator("[name=source_name]").is_hidden()  # the static script ran: duty room is no referral
    page.select_option("[name=channel]", "referral")
    assert page.locator("[name=source_name]").is_visible()
    page.goto(page.base_url + "/ledger/")
    page.goto(page.base_url + "/api/v1/docs")
    page.wait_for_selector(".swagger-ui .info")
    get_user_model().objects.filter(username="admin").update(is_staff=True, is_superuser=True)
    sign_in(page, "admin")
    page.goto(page.base_url + "/django-admin/api/apitoken/")
    page.wait_for_selector("#content")
    assert violations == []
