"""The customer's organization loads exactly as the seed gives it (rules §11, R1.4), without any account."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command

from jiesu.org.models import Campus, Hotline, Membership, ServiceDays, Unit, User

# rules.md §11, typed in from the spec (not derived from the code under test).
SECTION_11 = [
    ("总值班室", "北京校区", "88561833", "工作日、节假日"),
    ("总值班室", "涿州校区", "3827179", "工作日、节假日"),
    ("人事处", "北京校区", "88561711", "工作日"),
    ("学生处", "北京校区", "88562335", "工作日"),
    ("保卫处", "北京校区", "88561110", "工作日及节假日（24小时）"),
    ("教务处", "北京校区", "88561873", "工作日"),
    ("研究生处", "北京校区", "88562791", "工作日"),
    ("财务处", "北京校区", "88562922", "工作日"),
    ("资产管理处", "北京校区", "88561885", "工作日"),
    ("后勤管理处", "北京校区", "88562008", "工作日"),
    ("图书馆", "北京校区", "88561981", "工作日、节假日"),
    ("校工会", "北京校区", "88561320", "工作日"),
    ("网络信息中心", "北京校区", "88562377", "工作日"),
]


@pytest.fixture
def organization(db: None) -> None:
    """A real installation's organization: `jiesu load-org` on an empty database."""
    call_command("load-org", stdout=io.StringIO())


@pytest.mark.django_db
def test_hotlines_match_section_11_exactly(organization: None) -> None:
    """§11: every unit of the appendix with its numbers and service hours exactly as written."""
    rows = [
        (h.unit.name, h.campus.name, h.number, h.service_label)
        for h in Hotline.objects.select_related("unit", "campus").order_by(
            "unit__sort_order", "campus__sort_order"
        )
    ]
    assert rows == SECTION_11
    assert Hotline.objects.values("unit").distinct().count() == 12


@pytest.mark.django_db
def test_service_days_and_hours_follow_the_service_text(organization: None) -> None:
    """§11: 工作日 lines keep working days 08:00–17:00; 保卫处 and the duty room run 24 h every day."""
    security = Hotline.objects.get(unit__name="保卫处")
    assert security.service_days == ServiceDays.ALL_DAYS and security.around_the_clock
    library = Hotline.objects.get(unit__name="图书馆")
    assert library.service_days == ServiceDays.ALL_DAYS
    assert (library.opens_at, library.closes_at) == (dt.time(8), dt.time(17))
    for line in Hotline.objects.filter(service_label="工作日"):
        assert line.service_days == ServiceDays.WORKDAYS
        assert (line.opens_at, line.closes_at) == (dt.time(8), dt.time(17))
    assert all(h.around_the_clock for h in Hotline.objects.filter(unit__code="duty_room"))


@pytest.mark.django_db
def test_required_units_and_campuses_exist(organization: None) -> None:
    """§0/§3: the Office, its duty room, discipline office, organization department, 校团委, 离退休管理处."""
    assert list(Campus.objects.values_list("name", flat=True)) == ["北京校区", "涿州校区"]
    names = set(Unit.objects.values_list("name", flat=True))
    assert {"党政办公室", "总值班室", "纪委办公室", "党委组织部", "校团委", "离退休管理处"} <= names
    assert Unit.objects.get(name="总值班室").parent.name == "党政办公室"
    assert Unit.objects.filter(kind="college").count() >= 5


@pytest.mark.django_db
def test_load_org_creates_the_organization_and_no_account(no_organization: None) -> None:
    """`jiesu load-org` creates the campuses, units and hotlines of a real installation and no person at all:
    no superuser with a published password, no role."""
    out = io.StringIO()
    call_command("load-org", "--json", stdout=out)
    summary = json.loads(out.getvalue())
    assert summary == {
        "campuses": 2,
        "units": Unit.objects.count(),
        "hotlines": 13,
        "created": summary["created"],
    }
    assert summary["created"] == 2 + Unit.objects.count() + 13
    assert {"党政办公室", "总值班室", "保卫处"} <= set(Unit.objects.values_list("name", flat=True))
    assert Campus.objects.count() == 2 and Hotline.objects.count() == 13
    assert not User.objects.exists() and not Membership.objects.exists()


@pytest.mark.django_db
def test_load_org_twice_changes_nothing_and_keeps_what_an_administrator_changed(
    no_organization: None,
) -> None:
    """Running `jiesu load-org` again creates nothing new (same counts) and keeps a changed opening time."""
    call_command("load-org", stdout=io.StringIO())
    counts = (Campus.objects.count(), Unit.objects.count(), Hotline.objects.count(), User.objects.count())
    Hotline.objects.filter(unit__code="library").update(closes_at=dt.time(21, 0))
    out = io.StringIO()
    call_command("load-org", stdout=out)
    assert (
        Campus.objects.count(),
        Unit.objects.count(),
        Hotline.objects.count(),
        User.objects.count(),
    ) == counts
    assert counts[3] == 0
    assert Hotline.objects.get(unit__code="library").closes_at == dt.time(21, 0)
    assert "2 campuses" in out.getvalue() and "0 rows created" in out.getvalue()
    assert "no account created" in out.getvalue()
