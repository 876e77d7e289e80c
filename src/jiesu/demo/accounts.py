"""The demo people and accounts, shared by `make demo` and the tests (rules §3).

``load_demo_org`` loads the customer's organization (``org.services.organization_load``: campuses, units,
hotlines) and adds, on top, one sign-in account per role with the published demo password, a head and an
officer for every unit (R3.1), the school leaders and a few requesters. Only the demo creates ``admin``: a real
installation runs ``jiesu load-org`` and ``jiesu createsuperuser``. Idempotent: people are keyed by username.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction

from jiesu.org.data import DUTY_ROOM, OFFICE
from jiesu.org.models import Campus, Membership, RequesterKind, Role, Unit, User
from jiesu.org.services import organization_load

DEMO_PASSWORD = "Jiesu@2026"  # noqa: S105 - printed for the demo on purpose

# Plausible people. Heads and officers are generated per unit from these surnames and given names.
_SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
_GIVEN = [
    "建国",
    "海燕",
    "志强",
    "丽娟",
    "伟",
    "静",
    "明",
    "慧敏",
    "晓东",
    "红梅",
    "国庆",
    "雪",
    "磊",
    "婷",
    "军",
    "芳",
]


@dataclass(frozen=True)
class DemoAccount:
    username: str
    full_name: str
    role_label: str
    unit: str | None


# One account per role (printed by `jiesu demo-org`), plus requesters.
ROLE_ACCOUNTS: list[tuple[str, str, Role | None, str | None, str]] = [
    ("admin", "系统管理员", Role.SYSADMIN, None, RequesterKind.STAFF),
    ("dispatcher", "周敏", Role.DISPATCHER, OFFICE, RequesterKind.STAFF),
    ("duty", "孙立新", Role.DUTY_OPERATOR, DUTY_ROOM, RequesterKind.STAFF),
    ("head", "马建华", Role.UNIT_HEAD, "logistics", RequesterKind.STAFF),
    ("officer", "高雅", Role.INFO_OFFICER, "logistics", RequesterKind.STAFF),
    ("handler", "郑凯", Role.UNIT_STAFF, "logistics", RequesterKind.STAFF),
    ("leader", "刘向东", Role.LEADER, None, RequesterKind.FACULTY),
    ("inspector", "韩清", Role.INSPECTOR, None, RequesterKind.STAFF),
    ("assessor", "蒋文博", Role.ASSESSOR, None, RequesterKind.STAFF),
    ("student", "李小萌", None, None, RequesterKind.STUDENT),
    ("teacher", "陈思远", None, None, RequesterKind.FACULTY),
]

LEADERS = [
    ("leader_secretary", "王振华", "党委书记"),
    ("leader_president", "赵立群", "校长"),
    ("leader_vp1", "黄志刚", "副校长"),
    ("leader_vp2", "林慧", "副校长"),
]


def _person_name(index: int) -> str:
    return _SURNAMES[index % len(_SURNAMES)] + _GIVEN[(index * 7) % len(_GIVEN)]


def _organization() -> tuple[dict[str, Campus], dict[str, Unit]]:
    """The organization the demo staffs (loaded first, the same as a real installation's)."""
    organization_load()
    campuses = {c.code: c for c in Campus.objects.order_by("sort_order", "code")}
    units = {u.code: u for u in Unit.objects.order_by("sort_order", "code")}
    return campuses, units


class _People:
    """Creates demo people idempotently, all with one password hash (PBKDF2 per account would dominate)."""

    def __init__(self, campuses: dict[str, Campus], units: dict[str, Unit], password: str) -> None:
        self.campuses, self.units = campuses, units
        self.encoded = make_password(password)

    def person(self, username: str, full_name: str, kind: str, campus: str = "beijing") -> User:
        user, created = User.objects.update_or_create(
            username=username,
            defaults={
                "full_name": full_name,
                "kind": kind,
                "campus": self.campuses[campus],
                "email": f"{username}@demo.jiesu.edu.cn",
            },
        )
        if created or not user.has_usable_password():
            user.password = self.encoded
            user.save(update_fields=["password"])
        return user

    def grant(self, user: User, role: Role, unit_code: str | None) -> None:
        unit = self.units[unit_code] if unit_code else None
        if role == Role.UNIT_HEAD and unit is not None:
            # R3.1: one head per unit; the demo account replaces the generated head.
            Membership.objects.filter(unit=unit, role=role).exclude(user=user).delete()
        Membership.objects.get_or_create(user=user, role=role, unit=unit)

    def role_account(
        self, username: str, full_name: str, role: Role | None, unit_code: str | None, kind: str
    ) -> DemoAccount:
        user = self.person(username, full_name, kind)
        if role is None:
            label = f"{RequesterKind(kind).label}（诉求人）"
        else:
            self.grant(user, role, unit_code)
            label = str(role.label)
        if role == Role.SYSADMIN:
            User.objects.filter(pk=user.pk).update(is_staff=True, is_superuser=True)
        return DemoAccount(username, full_name, label, self.units[unit_code].name if unit_code else None)

    def staff_every_unit(self) -> None:
        """R3.1: every unit gets one head and at least one information officer."""
        for index, (code, unit) in enumerate(self.units.items()):
            if not Membership.objects.filter(unit=unit, role=Role.UNIT_HEAD).exists():
                head = self.person(f"{code}_head", _person_name(index * 2), RequesterKind.STAFF)
                self.grant(head, Role.UNIT_HEAD, code)
            if not Membership.objects.filter(unit=unit, role=Role.INFO_OFFICER).exists():
                officer = self.person(f"{code}_officer", _person_name(index * 2 + 1), RequesterKind.STAFF)
                self.grant(officer, Role.INFO_OFFICER, code)


@transaction.atomic
def load_demo_org(password: str = DEMO_PASSWORD) -> list[DemoAccount]:
    """Load the organization and the demo people on top of it; returns the per-role accounts to print."""
    campuses, units = _organization()
    people = _People(campuses, units, password)
    accounts = [people.role_account(*row) for row in ROLE_ACCOUNTS]
    people.staff_every_unit()
    for username, full_name, _title in LEADERS:
        people.grant(people.person(username, full_name, RequesterKind.FACULTY), Role.LEADER, None)
    # The Zhuozhou campus has its own duty line; give it a requester too.
    people.person("zz_student", "许晴", RequesterKind.STUDENT, campus="zhuozhou")
    return accounts
