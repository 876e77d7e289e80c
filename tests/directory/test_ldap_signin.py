"""LDAP sign-in against a real slapd: the person types their 学号/工号 and directory password on the ordinary
sign-in page; the service account finds their entry by number, the server checks the password, and the
person's details and mapped roles are written (and logged) as the sync writes them."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from jiesu.directory.models import DirectoryChange, SyncRun
from jiesu.directory.sync import directory_sync
from jiesu.org.models import Membership, Role, User

pytestmark = pytest.mark.usefixtures("demo_org")
LDAP_BACKEND = "jiesu.directory.backends.DirectoryLDAPBackend"


@pytest.fixture
def ldap_on(slapd, settings):
    settings.JIESU_LDAP = slapd.settings()
    settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, LDAP_BACKEND]
    return slapd


def sign_in(client: Client, username: str, password: str):
    return client.post(reverse("web:login"), {"username": username, "password": password})


def test_a_student_signs_in_with_their_number_and_directory_password(ldap_on, client) -> None:
    response = sign_in(client, "2023010101", "student-pass-1")

    assert response.status_code == 302
    student = User.objects.get(number="2023010101")
    assert client.session["_auth_user_id"] == str(student.pk)
    assert client.session["_auth_user_backend"] == LDAP_BACKEND
    assert (student.full_name, student.kind, student.email) == ("张小明", "student", "zhangxm@example.edu.cn")
    assert not student.has_usable_password()
    assert not Membership.objects.filter(user=student).exists()  # an unmapped group gives no role
    assert DirectoryChange.objects.filter(key="2023010101", source="ldap").exists()


def test_a_wrong_directory_password_is_refused(ldap_on, client) -> None:
    response = sign_in(client, "2023010101", "not-the-password")

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert not User.objects.filter(number="2023010101").exists()


def test_an_unknown_number_is_refused(ldap_on, client) -> None:
    assert sign_in(client, "2099999999", "student-pass-1").status_code == 200
    assert "_auth_user_id" not in client.session


def test_a_mapped_group_gives_its_role_at_sign_in(ldap_on, client) -> None:
    """The leaders group maps to the school-wide leader role; the head group to the head of the person's unit
    once the unit is known (after the sync)."""
    directory_sync(trigger=SyncRun.Trigger.COMMAND)
    Membership.objects.filter(user__number__in=["T0001", "T0003"]).delete()

    assert sign_in(client, "T0003", "leader-pass-1").status_code == 302
    assert sign_in(Client(), "T0001", "head-pass-1").status_code == 302

    assert set(Membership.objects.filter(user__number="T0003").values_list("role", flat=True)) == {
        Role.LEADER
    }
    head = Membership.objects.get(user__number="T0001")
    assert (head.role, head.unit.code) == (Role.UNIT_HEAD, "computing")


def test_an_existing_account_is_matched_by_number_not_by_name(ldap_on, client) -> None:
    """A person the app already knows (say, entered by the Office) keeps their account: the directory finds
    them by 学号/工号."""
    known = User.objects.create_user(username="xiaoming", number="2023010101", full_name="小明")

    assert sign_in(client, "2023010101", "student-pass-1").status_code == 302

    known.refresh_from_db()
    assert client.session["_auth_user_id"] == str(known.pk)
    assert (known.username, known.full_name) == ("xiaoming", "张小明")
    assert User.objects.filter(number="2023010101").count() == 1


def test_a_superusers_number_does_not_sign_in_through_the_directory(ldap_on, client) -> None:
    """As with CAS and WeCom (``identity.matching``): a superuser's local password stays the only way in."""
    admin = User.objects.create_superuser(username="root-admin", password="x", number="2023010101")

    assert sign_in(client, "2023010101", "student-pass-1").status_code == 200

    assert "_auth_user_id" not in client.session
    admin.refresh_from_db()
    assert admin.full_name == ""


def test_local_accounts_still_sign_in_with_ldap_on(ldap_on, client, password) -> None:
    """The Office's administrators keep their local passwords."""
    assert sign_in(client, "admin", password).status_code == 302
    assert client.session["_auth_user_backend"] == "django.contrib.auth.backends.ModelBackend"
