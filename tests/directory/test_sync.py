"""The nightly directory sync against a real slapd (``conftest.slapd``): units and people created, updated and
retired as the directory says, roles only from the group mapping, idempotent, and a dry run that writes nothing."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command

from jiesu.directory.models import DirectoryChange, DirectoryPerson, SyncRun
from jiesu.directory.sync import DirectoryUnavailable, directory_sync
from jiesu.org.models import Membership, Role, Unit, User
from tests.directory.conftest import GROUPS, PEOPLE, UNITS

pytestmark = pytest.mark.usefixtures("demo_org")


@pytest.fixture
def ldap_on(slapd, settings):
    settings.JIESU_LDAP = slapd.settings()
    return slapd


def roles_of(number: str) -> set[tuple[str, str | None]]:
    return {
        (m.role, m.unit.code if m.unit else None)
        for m in Membership.objects.filter(user__number=number).select_related("unit")
    }


def test_first_sync_creates_units_and_people_with_mapped_roles(ldap_on) -> None:
    """The directory's units (nested ou = parent) and people arrive; an existing unit with the same code is
    taken over and renamed; mapped groups give roles in the person's unit, an unmapped group gives none."""
    report = directory_sync(trigger=SyncRun.Trigger.COMMAND)

    assert report.errors == []
    assert (report.units.created, report.units.updated) == (2, 1)  # catering, computing; logistics renamed
    assert (report.people.created, report.people.updated, report.people.retired) == (4, 0, 0)
    catering = Unit.objects.get(code="catering")
    assert (catering.name, catering.kind, catering.parent.code) == ("饮食服务中心", "centre", "logistics")
    assert Unit.objects.get(code="logistics").name == "后勤保障部"
    student = User.objects.get(number="2023010101")
    assert (student.full_name, student.kind, student.email, student.phone) == (
        "张小明",
        "student",
        "zhangxm@example.edu.cn",
        "13800000001",
    )
    assert not student.has_usable_password()  # signs in through the directory
    assert roles_of("2023010101") == set()  # library-readers is not mapped
    assert roles_of("T0001") == {(Role.UNIT_HEAD, "computing")}
    assert roles_of("T0002") == {(Role.INFO_OFFICER, "catering")}
    assert roles_of("T0003") == {(Role.LEADER, None)}
    run = SyncRun.objects.get()
    assert run.ok and run.report["people"]["created"] == 4
    created = DirectoryChange.objects.filter(run=run, target="person", action="created")
    assert set(created.values_list("key", flat=True)) == {"2023010101", "T0001", "T0002", "T0003"}


def test_a_second_sync_changes_nothing(ldap_on) -> None:
    """Idempotent: the same directory read again leaves every row as it is and logs no change."""
    directory_sync(trigger=SyncRun.Trigger.COMMAND)
    logged = DirectoryChange.objects.count()

    again = directory_sync(trigger=SyncRun.Trigger.NIGHTLY)

    assert (again.units.unchanged, again.people.unchanged) == (3, 4)
    assert again.units.created + again.units.updated + again.people.created + again.people.updated == 0
    assert DirectoryChange.objects.count() == logged


def test_a_dry_run_reports_what_a_run_would_do_and_writes_nothing(ldap_on) -> None:
    units, people = Unit.objects.count(), User.objects.count()

    dry = directory_sync(trigger=SyncRun.Trigger.COMMAND, dry_run=True)

    assert dry.dry_run and (dry.units.created, dry.people.created) == (2, 4)
    assert (Unit.objects.count(), User.objects.count()) == (units, people)
    assert not SyncRun.objects.exists() and not DirectoryChange.objects.exists()
    real = directory_sync(trigger=SyncRun.Trigger.COMMAND)
    assert (real.units, real.people) == (dry.units, dry.people)


def test_changes_in_the_directory_update_revoke_and_retire(ldap_on) -> None:
    """A changed entry updates the person; leaving a mapped group revokes that role only (a role given in the
    app stays); a person gone from the directory is retired: inactive, directory roles revoked."""
    import ldap

    directory_sync(trigger=SyncRun.Trigger.COMMAND)
    officer = User.objects.get(number="T0002")
    Membership.objects.create(user=officer, role=Role.UNIT_STAFF, unit=Unit.objects.get(code="catering"))
    conn = ldap_on.connect()
    conn.modify_s(f"uid=T0001,{PEOPLE}", [(ldap.MOD_REPLACE, "mobile", [b"13900000002"])])
    conn.modify_s(
        f"cn=jiesu-info-officers,{GROUPS}", [(ldap.MOD_REPLACE, "member", [f"uid=T0003,{PEOPLE}".encode()])]
    )
    conn.delete_s(f"cn=jiesu-leaders,{GROUPS}")
    conn.delete_s(f"uid=2023010101,{PEOPLE}")

    report = directory_sync(trigger=SyncRun.Trigger.COMMAND)

    # T0003 now an information officer, but has no unit in the directory: reported, not guessed. T0002 left
    # the officers' group but is catering's only information officer: R3.1 keeps the post until another one is
    # assigned, and the run says so.
    assert [e["key"] for e in report.errors] == ["T0002", "T0003"]
    assert "only information officer" in report.errors[0]["message"]
    assert "needs a unit" in report.errors[1]["message"]
    assert (report.people.updated, report.people.retired, report.people.unchanged) == (2, 1, 1)
    assert User.objects.get(number="T0001").phone == "13900000002"
    assert roles_of("T0002") == {(Role.INFO_OFFICER, "catering"), (Role.UNIT_STAFF, "catering")}
    assert roles_of("T0003") == set()  # leader revoked
    gone = User.objects.get(number="2023010101")
    assert not gone.is_active and DirectoryPerson.objects.get(user=gone).retired_at is not None
    retired = DirectoryChange.objects.get(key="2023010101", action="retired")
    assert retired.changes["is_active"] == [True, False]


def test_a_unit_gone_from_the_directory_is_deactivated_and_comes_back(ldap_on) -> None:
    directory_sync(trigger=SyncRun.Trigger.COMMAND)
    conn = ldap_on.connect()
    conn.modify_s(
        f"uid=T0002,{PEOPLE}", [(__import__("ldap").MOD_REPLACE, "departmentNumber", [b"logistics"])]
    )
    conn.delete_s(f"ou=catering,ou=logistics,{UNITS}")

    report = directory_sync(trigger=SyncRun.Trigger.COMMAND)
    assert report.units.retired == 1 and not Unit.objects.get(code="catering").is_active
    # T0002's information officer role moved with the person to their new unit (logistics already has one
    # officer in the demo; a unit may have several).
    assert roles_of("T0002") == {(Role.INFO_OFFICER, "logistics")}

    conn.add_s(
        f"ou=catering,ou=logistics,{UNITS}",
        [
            ("objectClass", [b"organizationalUnit"]),
            ("ou", [b"catering"]),
            ("description", "饮食服务中心".encode()),
        ],
    )
    back = directory_sync(trigger=SyncRun.Trigger.COMMAND)
    assert back.units.updated == 1 and Unit.objects.get(code="catering").is_active


def test_an_officer_leaving_the_group_is_revoked_once_another_officer_exists(ldap_on) -> None:
    """R3.1: the directory revokes an information officer role it granted as soon as the unit keeps another."""
    import ldap

    directory_sync(trigger=SyncRun.Trigger.COMMAND)
    catering = Unit.objects.get(code="catering")
    Membership.objects.create(user=User.objects.get(number="T0001"), role=Role.INFO_OFFICER, unit=catering)
    ldap_on.connect().modify_s(
        f"cn=jiesu-info-officers,{GROUPS}", [(ldap.MOD_REPLACE, "member", [f"uid=T0001,{PEOPLE}".encode()])]
    )

    report = directory_sync(trigger=SyncRun.Trigger.COMMAND)

    assert not any(e["key"] == "T0002" for e in report.errors)
    assert (Role.INFO_OFFICER, "catering") not in roles_of("T0002")


def test_a_head_leaving_the_heads_group_keeps_the_post_until_the_app_replaces_them(ldap_on) -> None:
    """R3.1: a unit must keep its head; a head still in the directory who left the heads' group is reported,
    not silently removed (the app's "replace the head" hands the post over)."""
    import ldap

    directory_sync(trigger=SyncRun.Trigger.COMMAND)
    assert (Role.UNIT_HEAD, "computing") in roles_of("T0001")
    ldap_on.connect().modify_s(
        f"cn=jiesu-unit-heads,{GROUPS}", [(ldap.MOD_REPLACE, "member", [f"uid=T0003,{PEOPLE}".encode()])]
    )

    report = directory_sync(trigger=SyncRun.Trigger.COMMAND)

    assert (Role.UNIT_HEAD, "computing") in roles_of("T0001")
    assert any(e["key"] == "T0001" and "must keep a head" in e["message"] for e in report.errors)


def test_a_unit_gone_from_the_directory_with_open_requests_stays_active(ldap_on) -> None:
    """A unit still leading an open request is not retired by the sync (the people app refuses the same): it is
    reported and retried at the next run, so no request is left without a unit."""
    import ldap

    from tests.support import dispatched

    directory_sync(trigger=SyncRun.Trigger.COMMAND)
    dispatched(lead="catering")
    conn = ldap_on.connect()
    conn.modify_s(f"uid=T0002,{PEOPLE}", [(ldap.MOD_REPLACE, "departmentNumber", [b"logistics"])])
    conn.delete_s(f"ou=catering,ou=logistics,{UNITS}")

    report = directory_sync(trigger=SyncRun.Trigger.COMMAND)

    assert report.units.retired == 0 and Unit.objects.get(code="catering").is_active
    assert [(e["target"], e["key"]) for e in report.errors if e["target"] == "unit"] == [("unit", "catering")]
    assert "1 open request" in report.errors[0]["message"]


def test_a_head_the_app_appointed_is_not_replaced(ldap_on, settings) -> None:
    """R3.1: a unit has one head. Mapping a group to the head of a unit that has one is reported; the person
    is still written, with the roles that can be given."""
    rules = ldap_on.settings()["group_roles"] | {f"cn=library-readers,{GROUPS}": "unit_head:logistics"}
    settings.JIESU_LDAP = ldap_on.settings(group_roles=rules)
    head = Membership.objects.get(unit__code="logistics", role=Role.UNIT_HEAD).user

    report = directory_sync(trigger=SyncRun.Trigger.COMMAND)

    assert {e["key"] for e in report.errors} == {"2023010101", "T0001"}
    assert all("already has a head" in e["message"] for e in report.errors)
    assert Membership.objects.get(unit__code="logistics", role=Role.UNIT_HEAD).user == head
    assert User.objects.filter(number__in=["2023010101", "T0001"]).count() == 2
    assert roles_of("T0001") == {(Role.UNIT_HEAD, "computing")}  # the other mapped role is given


def test_a_superusers_number_is_reported_and_an_account_name_taken_is_not_a_refusal(ldap_on) -> None:
    """Matching by 学号/工号 is shared with CAS and WeCom (``identity.matching``): a superuser is never written by
    the directory, and a local account that has the number as its name makes the new person take another."""
    admin = User.objects.create_superuser(username="root-admin", password="x", number="T0001")
    User.objects.create_user(username="2023010101", number="")

    report = directory_sync(trigger=SyncRun.Trigger.COMMAND)

    assert [(e["target"], e["key"]) for e in report.errors] == [("person", "T0001")]
    admin.refresh_from_db()
    assert admin.is_superuser and not Membership.objects.filter(user=admin).exists()
    assert User.objects.get(number="2023010101").username == "directory-2023010101"


def test_a_bad_unit_entry_is_reported_and_the_rest_synced(ldap_on) -> None:
    ldap_on.connect().add_s(
        f"ou=bad unit,{UNITS}", [("objectClass", [b"organizationalUnit"]), ("ou", [b"bad unit"])]
    )
    report = directory_sync(trigger=SyncRun.Trigger.COMMAND)
    assert [(e["target"], e["key"]) for e in report.errors] == [("unit", "bad unit")]
    assert report.units.created == 2 and report.people.created == 4
    assert not SyncRun.objects.get().ok


def test_a_search_finding_nobody_retires_nobody(ldap_on, settings) -> None:
    directory_sync(trigger=SyncRun.Trigger.COMMAND)
    settings.JIESU_LDAP = ldap_on.settings(people_filter="(objectClass=nobodyHere)")

    report = directory_sync(trigger=SyncRun.Trigger.COMMAND)

    assert report.people.retired == 0 and report.units.retired == 0
    assert "listed no person" in report.errors[0]["message"]
    assert User.objects.filter(number="T0001", is_active=True).exists()


def test_the_command_prints_a_report_and_json(ldap_on) -> None:
    out = io.StringIO()
    call_command("sync-directory", "--dry-run", stdout=out)
    text = out.getvalue()
    assert "dry run" in text and "people: 4 created, 0 updated, 0 retired, 0 unchanged" in text
    out = io.StringIO()
    call_command("sync-directory", "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["dry_run"] is False and data["people"]["created"] == 4 and data["errors"] == []


def test_an_unreachable_directory_is_a_structured_error(slapd, settings) -> None:
    settings.JIESU_LDAP = slapd.settings(server_uri="ldap://127.0.0.1:9/", timeout=2)
    with pytest.raises(DirectoryUnavailable, match="could not be read"):
        directory_sync(trigger=SyncRun.Trigger.COMMAND)
    assert not SyncRun.objects.exists()


def test_without_ldap_configured_the_sync_says_so(settings) -> None:
    settings.JIESU_LDAP = {"server_uri": ""}
    with pytest.raises(DirectoryUnavailable, match="JIESU_LDAP_SERVER_URI"):
        directory_sync(trigger=SyncRun.Trigger.COMMAND)


def test_the_nightly_task_syncs_when_ldap_is_configured(ldap_on, settings) -> None:
    from jiesu.worker.tasks import sync_directory_nightly

    sync_directory_nightly.call_local()
    assert SyncRun.objects.get().trigger == SyncRun.Trigger.NIGHTLY
    settings.JIESU_LDAP = {"server_uri": ""}
    sync_directory_nightly.call_local()  # off: nothing read, nothing written
    assert SyncRun.objects.count() == 1
