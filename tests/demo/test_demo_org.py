"""The demo people on top of the organization: one account per role, a head and an officer per unit (R3.1)."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from jiesu.org.models import Campus, Hotline, Membership, Role, Unit, User


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


@pytest.mark.django_db
def test_demo_org_adds_the_demo_people_to_what_load_org_loads(
    no_organization: None, capsys: pytest.CaptureFixture[str]
) -> None:
    """`jiesu demo-org` loads the same organization as `jiesu load-org`, then adds the demo people; only the
    demo creates the superuser `admin`."""
    call_command("load-org")
    organization = (Campus.objects.count(), Unit.objects.count(), Hotline.objects.count())
    assert not User.objects.exists()
    call_command("demo-org")
    assert (Campus.objects.count(), Unit.objects.count(), Hotline.objects.count()) == organization
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.check_password("Jiesu@2026")
    for username in ("dispatcher", "duty", "head", "officer", "handler", "leader", "inspector", "assessor"):
        assert Membership.objects.filter(user__username=username).exists(), username
    assert User.objects.filter(username__in=["student", "teacher"]).count() == 2
