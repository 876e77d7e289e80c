"""The demo organization matches the seed's appendix exactly (rules §11) and loads idempotently."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command

from jiesu.org.models import Campus, Hotline, Membership, Role, ServiceDays, Unit, User

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


@pytest.mark.django_db
def test_hotlines_match_section_11_exactly(demo_org: None) -> None:
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
def test_service_days_and_hours_follow_the_service_text(demo_org: None) -> None:
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
def test_required_units_and_campuses_exist(demo_org: None) -> None:
    """§0/§3: the Office, its duty room, discipline office, organization department, 校团委, 离退休管理处."""
    assert list(Campus.objects.values_list("name", flat=True)) == ["北京校区", "涿州校区"]
    names = set(Unit.objects.values_list("name", flat=True))
    assert {"党政办公室", "总值班室", "纪委办公室", "党委组织部", "校团委", "离退休管理处"} <= names
    assert Unit.objects.get(name="总值班室").parent.name == "党政办公室"
    assert Unit.objects.filter(kind="college").count() >= 5


@pytest.mark.django_db
def test_every_unit_has_one_head_and_an_officer(demo_org: None) -> None:
    """R3.1: each unit has one head and at least one information officer."""
    for unit in Unit.objects.all():
        assert Membership.objects.filter(unit=unit, role=Role.UNIT_HEAD).count() == 1, unit.name
        assert Membership.objects.filter(unit=unit, role=Role.INFO_OFFICER).exists(), unit.name


@pytest.mark.django_db
def test_one_account_per_role(demo_org: None) -> None:
    """The demo has one sign-in account for each role."""
    held = set(
        Membership.objects.filter(
            user__username__in=[
                "admin",
                "dispatcher",
                "duty",
                "head",
                "officer",
                "handler",
                "leader",
                "inspector",
                "assessor",
            ]
        ).values_list("role", flat=True)
    )
    assert held == set(Role.values)


@pytest.mark.django_db
def test_demo_org_is_idempotent(demo_org: None, capsys: pytest.CaptureFixture[str]) -> None:
    """Running `jiesu demo-org` twice duplicates nothing and prints the accounts."""
    counts = (Unit.objects.count(), Hotline.objects.count(), User.objects.count(), Membership.objects.count())
    call_command("demo-org")
    call_command("demo-org")
    assert (
        Unit.objects.count(),
        Hotline.objects.count(),
        User.objects.count(),
        Membership.objects.count(),
    ) == counts
    out = capsys.readouterr().out
    assert "dispatcher" in out and "Jiesu@2026" in out
