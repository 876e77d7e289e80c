"""Browser: the Office imports a 12345 referral sheet on a 390 px phone — upload, preview with a faulty row,
confirm, progress, report (issue 15 item 5). Screenshots kept."""

from __future__ import annotations

import datetime as dt
import threading

from django.db import connection
from django.utils import timezone

from jiesu.referrals import services
from jiesu.referrals.models import ImportStatus, ReferralImport
from tests.browser.test_lifecycle import sign_in
from tests.referrals.sheets import row, xlsx

NO_SIDE_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"


def test_office_imports_a_referral_sheet_on_a_phone(page, live_demo_org, shot, tmp_path) -> None:
    received = timezone.localtime() - dt.timedelta(hours=3)
    due = received + dt.timedelta(days=3)
    rows = [
        row(
            reference=f"BJ12345-{i:04d}",
            received=received.strftime("%Y-%m-%d %H:%M"),
            due=due.strftime("%Y-%m-%d %H:%M"),
        )
        for i in range(3)
    ]
    rows.append(row(reference="BJ12345-0009", received="昨天下午"))
    path = tmp_path / "12345转办单.xlsx"
    path.write_bytes(xlsx(rows))
    sign_in(page, "dispatcher")
    if page.locator("[data-testid=menu-toggle]").is_visible():
        page.click("[data-testid=menu-toggle]")
    page.click("[data-testid=nav-referrals]")
    page.set_input_files("input[name=sheet]", str(path))
    page.click("[data-testid=referral-upload-submit]")
    page.wait_for_selector("[data-testid=referral-preview]")
    assert "3 行将导入" in page.inner_text("[data-testid=referral-summary]")
    assert "不是日期" in page.inner_text("[data-testid=referral-errors]")
    assert "138****8000" in page.inner_text("[data-testid=referral-preview]")
    assert page.evaluate(NO_SIDE_SCROLL)
    shot(page, "referrals-preview")
    page.click("[data-testid=referral-confirm]")
    page.wait_for_selector("[data-testid=referral-progress]")
    batch = ReferralImport.objects.get()
    assert batch.status == ImportStatus.QUEUED

    # The worker's part (the tests' queue runs nothing): the page polls and shows the report when it is done.
    def run() -> None:
        try:
            services.referral_import_run(batch_id=batch.pk)
        finally:
            connection.close()

    worker = threading.Thread(target=run)
    worker.start()
    worker.join()
    page.wait_for_selector("[data-testid=referral-report]")
    assert page.inner_text("[data-testid=referral-created]") == "3"
    assert page.inner_text("[data-testid=referral-failed]") == "1"
    assert page.evaluate(NO_SIDE_SCROLL)
    shot(page, "referrals-report")
    with page.expect_download() as download:
        page.click("[data-testid=referral-report]")
    assert download.value.suggested_filename == f"referral-import-{batch.pk}.xlsx"
