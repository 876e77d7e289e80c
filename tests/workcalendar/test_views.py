"""R5.2/R5.3: the calendar admin pages — access, year grids with the fallback warning, overrides, import."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from jiesu.workcalendar.models import CalendarOverride, OfficialYear

pytestmark = pytest.mark.django_db

CSV = "date,kind,name\n2027-02-05,holiday,春节\n2027-02-09,holiday,春节\n2027-02-20,workday,春节\n"


@pytest.mark.parametrize(
    "url",
    [
        reverse("workcalendar:index"),
        reverse("workcalendar:year", args=[2027]),
        reverse("workcalendar:day", args=["2027-02-09"]),
        reverse("workcalendar:import_upload"),
        reverse("workcalendar:import_preview"),
    ],
)
def test_non_admins_are_refused(client, bob, url: str) -> None:
    """R5.2: only superusers and sysadmins manage the calendar; others get 403, anonymous visitors sign in."""
    assert client.get(url).status_code == 302
    client.force_login(bob)
    assert client.get(url).status_code == 403
    assert client.post(url, {"working": "0", "note": "x"}).status_code == 403


def test_year_view_for_a_fallback_year_warns(client, alice) -> None:
    """R5.3: 2027 has no official data: the page says so until the year is imported."""
    client.force_login(alice)
    response = client.get(reverse("workcalendar:year", args=[2027]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="fallback-warning"' in html
    assert 'data-date="2027-02-06" data-kind="holiday"' in html
    assert 'data-testid="working-day-count">254<' in html


def test_year_view_for_2026_shows_makeup_days_without_warning(client, root) -> None:
    """R5.1: 2026 is official; its 调休 Saturday Feb 14 shows as a make-up day."""
    client.force_login(root)
    html = client.get(reverse("workcalendar:year", args=[2026])).content.decode()
    assert 'data-testid="fallback-warning"' not in html
    assert 'data-date="2026-02-14" data-kind="makeup"' in html
    assert 'data-date="2026-02-16" data-kind="holiday"' in html


def test_index_warns_about_fallback_years(client, alice) -> None:
    client.force_login(alice)
    response = client.get(reverse("workcalendar:index"))
    assert response.status_code == 200
    assert 'data-testid="fallback-warning"' in response.content.decode()


def test_year_out_of_range_is_404(client, alice) -> None:
    client.force_login(alice)
    assert client.get(reverse("workcalendar:year", args=[2300])).status_code == 404
    assert client.get(reverse("workcalendar:day", args=["2027-02-30"])).status_code == 404


def test_override_form_records_who_and_when(client, alice) -> None:
    """R5.2: the per-date form sets an override with its note; the day page shows who and when."""
    client.force_login(alice)
    url = reverse("workcalendar:day", args=["2026-03-10"])
    assert client.post(url, {"action": "set", "working": "0", "note": ""}).status_code == 400  # note required
    response = client.post(url, {"action": "set", "working": "0", "note": "校园停电"})
    assert response.status_code == 302
    override = CalendarOverride.objects.get(date=dt.date(2026, 3, 10))
    assert (override.working, override.note, override.created_by) == (False, "校园停电", alice)
    html = client.get(url).content.decode()
    assert 'data-testid="override-audit"' in html
    assert "Alice 管理员" in html
    assert client.post(url, {"action": "clear", "note": "恢复"}).status_code == 302
    assert not CalendarOverride.objects.exists()


def test_import_upload_preview_confirm(client, alice) -> None:
    """R5.2: upload → preview of the changes → confirm applies it."""
    client.force_login(alice)
    upload = SimpleUploadedFile("2027.csv", CSV.encode(), content_type="text/csv")
    response = client.post(reverse("workcalendar:import_upload"), {"file": upload})
    assert response.status_code == 302
    assert response["Location"] == reverse("workcalendar:import_preview")
    preview = client.get(reverse("workcalendar:import_preview"))
    html = preview.content.decode()
    assert 'data-date="2027-02-09"' in html and 'data-date="2027-02-20"' in html
    assert not OfficialYear.objects.exists()  # nothing written by the preview
    sha = preview.context["pending"]["sha256"]
    assert client.post(reverse("workcalendar:import_preview"), {"sha256": "stale"}).status_code == 302
    assert not OfficialYear.objects.exists()
    response = client.post(reverse("workcalendar:import_preview"), {"sha256": sha})
    assert response.status_code == 302
    assert OfficialYear.objects.filter(year=2027).exists()
    html = client.get(reverse("workcalendar:year", args=[2027])).content.decode()
    assert 'data-testid="fallback-warning"' not in html


def test_bad_upload_is_rejected_whole_with_line_numbers(client, alice) -> None:
    """R5.2: a file with a bad row imports nothing and names the line."""
    client.force_login(alice)
    bad = CSV + "2027-02-31,holiday,春节\n"
    response = client.post(
        reverse("workcalendar:import_upload"), {"file": SimpleUploadedFile("bad.csv", bad.encode())}
    )
    assert response.status_code == 400
    assert "第5行" in response.content.decode()
    assert not OfficialYear.objects.exists()
