"""Who an external account is: linking, creating and refusing (jiesu.identity.services), and the attribute
mapping (jiesu.identity.profiles)."""

from __future__ import annotations

import pytest

from jiesu.identity.models import ExternalIdentity, Provider, SignInEvent, SignInOutcome
from jiesu.identity.profiles import Profile, cas_profile
from jiesu.identity.services import ExternalAccount, external_sign_in
from jiesu.org.models import RequesterKind, User


def cas(subject: str, **profile: str) -> ExternalAccount:
    return ExternalAccount(
        provider=Provider.CAS, subject=subject, profile=Profile(**profile), attributes=dict(profile)
    )


@pytest.mark.parametrize(
    ("attributes", "expected"),
    [
        (
            {"employeeNumber": "2023010001", "cn": "林晓", "userType": "本科生", "ou": "计算机学院"},
            Profile(number="2023010001", full_name="林晓", kind=RequesterKind.STUDENT, unit="计算机学院"),
        ),
        (
            {"employeeNumber": ["T1001"], "cn": ["周明"], "userType": ["教师"]},
            Profile("T1001", "周明", "faculty"),
        ),
        ({"userType": "retiree"}, Profile(kind=RequesterKind.RETIREE)),
        ({"userType": "访问学者"}, Profile()),  # an unknown kind maps to none: the record keeps its own
        ({}, Profile()),
        (None, Profile()),
    ],
)
def test_cas_attributes_map_to_a_profile(attributes, expected, settings) -> None:
    settings.JIESU_CAS_KIND_MAP = "本科生=student,教师=faculty"
    assert cas_profile(attributes) == expected


def test_attribute_names_come_from_the_settings(settings) -> None:
    settings.JIESU_CAS_ATTR_NUMBER = "xgh"
    settings.JIESU_CAS_ATTR_NAME = "xm"
    assert cas_profile({"xgh": "S9", "xm": "王一", "employeeNumber": "ignored"}) == Profile("S9", "王一")


@pytest.mark.django_db
def test_first_cas_sign_in_creates_the_person_with_the_mapped_attributes(demo_org: None) -> None:
    result = external_sign_in(
        account=cas("2023010001", number="2023010001", full_name="林晓", kind="student", unit="计算机学院"),
        may_create=True,
    )
    user = result.user
    assert result.outcome == SignInOutcome.CREATED and user is not None
    assert (user.username, user.number, user.full_name, user.kind) == (
        "2023010001",
        "2023010001",
        "林晓",
        "student",
    )
    assert not user.has_usable_password()
    assert not user.memberships.exists()  # the unit attribute never grants a role
    identity = ExternalIdentity.objects.get(provider="cas", subject="2023010001")
    assert identity.user == user and identity.attributes["unit"] == "计算机学院"
    # The second sign-in finds the link and creates nobody.
    again = external_sign_in(
        account=cas("2023010001", number="2023010001", full_name="林晓"), may_create=True
    )
    assert again.user == user and again.outcome == SignInOutcome.SIGNED_IN
    assert User.objects.filter(number="2023010001").count() == 1
    assert list(SignInEvent.objects.filter(subject="2023010001").values_list("outcome", flat=True)) == [
        SignInOutcome.SIGNED_IN,
        SignInOutcome.CREATED,
    ]


@pytest.mark.django_db
def test_a_cas_account_named_like_a_local_account_never_becomes_it(person) -> None:
    """A CAS user called ``admin`` gets an account of its own; the local administrator is untouched."""
    admin = person("admin")
    result = external_sign_in(
        account=cas("admin", number="2023019999", full_name="同名学生"), may_create=True
    )
    assert result.user is not None and result.user != admin
    assert result.user.username == "cas-admin"
    admin.refresh_from_db()
    assert admin.has_usable_password() and not admin.external_identities.exists()


@pytest.mark.django_db
def test_a_known_number_links_the_existing_person_and_keeps_their_record(person) -> None:
    officer = person("officer")
    officer.number, officer.kind = "T1001", RequesterKind.STAFF
    officer.save()
    result = external_sign_in(
        account=cas("t1001", number="T1001", full_name="别的名字", kind="faculty"), may_create=True
    )
    assert result.user == officer and result.outcome == SignInOutcome.LINKED
    officer.refresh_from_db()
    assert officer.kind == RequesterKind.STAFF and officer.full_name != "别的名字"  # not overwritten
    assert officer.has_usable_password()  # the local password keeps working


@pytest.mark.django_db
def test_a_superusers_number_is_refused_and_logged(person) -> None:
    admin = person("admin")
    admin.number, admin.is_superuser = "A0001", True
    admin.save()
    result = external_sign_in(account=cas("someone", number="A0001"), may_create=True)
    assert result.user is None and result.outcome == SignInOutcome.REFUSED and "密码" in result.reason
    assert not ExternalIdentity.objects.exists()
    assert SignInEvent.objects.get(subject="someone").outcome == SignInOutcome.REFUSED


@pytest.mark.django_db
def test_a_disabled_person_is_refused(demo_org: None) -> None:
    user = external_sign_in(account=cas("2023010001", number="2023010001"), may_create=True).user
    assert user is not None
    user.is_active = False
    user.save()
    result = external_sign_in(account=cas("2023010001", number="2023010001"), may_create=True)
    assert result.user is None and result.reason == "该账号已停用。"


@pytest.mark.django_db
def test_wecom_links_by_staff_number_and_never_creates(person) -> None:
    officer = person("officer")
    officer.number = "T2001"
    officer.save()
    linked = external_sign_in(
        account=ExternalAccount(provider=Provider.WECOM, subject="T2001"), may_create=False
    )
    assert linked.user == officer and linked.outcome == SignInOutcome.LINKED
    unknown = external_sign_in(
        account=ExternalAccount(provider=Provider.WECOM, subject="X9"), may_create=False
    )
    assert unknown.user is None and "企业微信" in unknown.reason
    assert not User.objects.filter(username__contains="X9").exists()


def test_the_sign_in_log_is_append_only(db) -> None:
    with pytest.raises(RuntimeError):
        SignInEvent.objects.all().delete()
    with pytest.raises(RuntimeError):
        SignInEvent.objects.update(reason="x")
