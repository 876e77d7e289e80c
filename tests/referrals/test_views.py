"""The referral import pages without a browser: upload → preview → confirm → progress → report, Chinese messages
for bad files, contacts masked, the Office only."""

from __future__ import annotations

import io

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from jiesu.referrals import services
from jiesu.referrals.models import ImportStatus, ReferralImport
from jiesu.tickets.models import Channel, Ticket
from tests.referrals.sheets import HEADERS, numbered, row, xlsx
from tests.support import at, beijing, signed_in, user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_org")]
NOW = at(2026, 12, 2, 10)


def post_sheet(client, data: bytes, name: str = "转办单.xlsx"):  # noqa: ANN001, ANN201
    return client.post(
        reverse("referrals:index"),
        {
            "sheet": SimpleUploadedFile(name, data),
            "source_name": "12345市民服务热线",
            "campus": beijing().pk,
            "type": "help",
        },
    )


@time_machine.travel(NOW, tick=False)
def test_the_office_uploads_previews_confirms_and_downloads_the_report() -> None:
    client = signed_in("dispatcher")
    page = client.get(reverse("referrals:index"))
    assert page.status_code == 200
    assert "受理时间" in page.content.decode() and "来电时间" in page.content.decode()  # accepted headers
    rows = [*numbered(3), row(reference="BAD", received="不知道")]
    uploaded = post_sheet(client, xlsx(rows))
    assert uploaded.status_code == 302
    batch = ReferralImport.objects.get()
    preview = client.get(uploaded["Location"]).content.decode()
    assert "共 4 行：3 行将导入" in preview
    assert "138****8000" in preview and "13800138000" not in preview  # contacts masked
    assert "受理时间：“不知道”不是日期" in preview
    assert not Ticket.objects.filter(channel=Channel.REFERRAL).exists()
    confirmed = client.post(reverse("referrals:confirm", args=[batch.pk]))
    assert confirmed.status_code == 302
    batch.refresh_from_db()
    assert batch.status == ImportStatus.QUEUED  # a worker runs it (the memory queue in tests: nobody)
    polling = client.get(reverse("referrals:progress", args=[batch.pk]))
    assert 'hx-trigger="every 1s"' in polling.content.decode()
    services.referral_import_run(batch_id=batch.pk)
    done = client.get(reverse("referrals:progress", args=[batch.pk]))
    assert done["HX-Refresh"] == "true"
    report_page = client.get(reverse("referrals:detail", args=[batch.pk])).content.decode()
    assert "下载导入报告" in report_page and "13800138000" not in report_page
    download = client.get(reverse("referrals:report", args=[batch.pk]))
    workbook = load_workbook(io.BytesIO(download.content))
    created, skipped, failed = workbook.worksheets
    assert created.max_row == 4 and skipped.max_row == 1 and failed.max_row == 2
    assert created.cell(2, 5).value == "138****8000"
    assert "不是日期" in failed.cell(2, 3).value


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (xlsx([row()[1:]], headers=HEADERS[1:]), "缺列.xlsx", "表格缺少以下列：工单编号"),
        (b"%PDF-1.4 a scanned letter", "扫描件.pdf", "这不是 Excel 文件"),
        (xlsx([], headers=HEADERS), "空表.xlsx", "表格只有表头，没有转办工单行"),
        (xlsx([], headers=[]), "空白.xlsx", "表格是空的"),
    ],
)
def test_a_bad_file_gets_a_clear_chinese_message_and_nothing_is_written(
    data: bytes, name: str, message: str
) -> None:
    response = post_sheet(signed_in("dispatcher"), data, name)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ReferralImport.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_html_in_the_sheet_is_refused_per_row_and_never_rendered() -> None:
    client = signed_in("dispatcher")
    uploaded = post_sheet(
        client, xlsx([row(content="<script>alert('x')</script>宿舍断电", name="<b>王五</b>")])
    )
    page = client.get(uploaded["Location"]).content.decode()
    assert "<script>alert" not in page and "<b>王五" not in page
    assert "含有网页标记代码" in page
    assert "此表没有可以导入的行" in page


@time_machine.travel(NOW, tick=False)
def test_a_sheet_imported_twice_shows_its_rows_as_already_imported() -> None:
    client = signed_in("dispatcher")
    data = xlsx(numbered(2))
    first = ReferralImport.objects.get(pk=int(post_sheet(client, data)["Location"].strip("/").split("/")[-1]))
    services.referral_import_now(actor=user("dispatcher"), batch=first)
    second = post_sheet(client, data)
    page = client.get(second["Location"]).content.decode()
    assert "此前已导入（诉求编号" in page
    assert "共 2 行：0 行将导入，2 行此前已导入" in page


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize("username", ["officer", "head", "student", "inspector"])
def test_only_the_office_reaches_the_import(username: str) -> None:
    client = signed_in(username)
    assert client.get(reverse("referrals:index")).status_code == 403
    assert post_sheet(client, xlsx([row()])).status_code == 403
    assert not ReferralImport.objects.exists()


def test_a_visitor_is_asked_to_sign_in(client) -> None:  # noqa: ANN001
    response = client.get(reverse("referrals:index"))
    assert response.status_code == 302 and "login" in response["Location"]


@time_machine.travel(NOW, tick=False)
def test_the_template_downloads_as_a_sheet_the_import_accepts() -> None:
    client = signed_in("dispatcher")
    template = client.get(reverse("referrals:template"))
    assert template["Content-Type"].startswith("application/vnd.openxmlformats")
    uploaded = post_sheet(client, template.content)
    assert uploaded.status_code == 302
    assert ReferralImport.objects.get().valid_rows == 1
