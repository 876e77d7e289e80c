"""The demo people: a pool of requesters (students, faculty, staff, retirees, external people) and the cast of
staff who handle the demo requests (read from the demo organization).

Requester ``i`` is always the same person whatever the run's seed (their traits come from a generator
seeded with ``i``), so re-running reuses the pool. Demo requesters' usernames start with ``demo-``; they
cannot sign in (unusable password). Mailbox letters are recorded by the demo mailbox clerk, so every demo
ticket is recognisable for ``--reset``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db.models import Q

from jiesu.org.data import OFFICE
from jiesu.org.models import Campus, Membership, RequesterKind, Role, Unit, User
from jiesu.workcalendar.core import WorkCalendar
from jiesu.workcalendar.selectors import get_calendar

PREFIX = "demo-"
CLERK = "demo-mailbox"

_SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛"
    "叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
)
_YOUNG_1 = "子浩雨欣宇梓思嘉俊婉明诗文佳志一晨若天博书家泽梦心安可雅睿昊静舒"
_YOUNG_2 = "涵然桐怡轩萱远杰清琪鸣曦佑瑶阳宁萌彤航辰婷磊洋楠悦琳晗昕雪瑞"
_OLDER = (
    "建国",
    "国庆",
    "秀兰",
    "桂英",
    "淑珍",
    "志刚",
    "玉兰",
    "德明",
    "卫东",
    "红梅",
    "金凤",
    "振华",
    "文华",
    "丽华",
    "建军",
    "秀珍",
    "永胜",
    "凤英",
    "宝华",
    "春生",
)
_MIDDLE = (
    "伟",
    "静",
    "敏",
    "磊",
    "军",
    "洁",
    "勇",
    "艳",
    "涛",
    "丽",
    "强",
    "娟",
    "海燕",
    "晓东",
    "立新",
    "雪梅",
    "志强",
    "晓红",
    "卫华",
    "建平",
    "海涛",
    "红霞",
)

# Pool share by requester kind (a university's mix): most requests come from students.
_KIND_SHARES = (
    (RequesterKind.STUDENT, 55),
    (RequesterKind.FACULTY, 18),
    (RequesterKind.STAFF, 13),
    (RequesterKind.RETIREE, 8),
    (RequesterKind.EXTERNAL, 6),
)
KIND_LETTER = {
    RequesterKind.STUDENT: "s",
    RequesterKind.FACULTY: "f",
    RequesterKind.STAFF: "t",
    RequesterKind.RETIREE: "r",
    RequesterKind.EXTERNAL: "e",
}


@dataclass(frozen=True)
class PersonSpec:
    username: str
    full_name: str
    kind: str
    number: str
    phone: str
    email: str
    campus_code: str


def person_spec(index: int) -> PersonSpec:
    """Requester ``index`` of the pool: the same person in every run."""
    rng = random.Random(f"jiesu-demo-person-{index}")  # noqa: S311 - demo data, not security
    kind = rng.choices([k for k, _ in _KIND_SHARES], weights=[w for _, w in _KIND_SHARES])[0]
    surname = rng.choice(_SURNAMES)
    if kind == RequesterKind.RETIREE:
        given = rng.choice(_OLDER)
    elif kind == RequesterKind.STUDENT or rng.random() < 0.3:
        given = rng.choice(_YOUNG_1) + rng.choice(_YOUNG_2) if rng.random() < 0.8 else rng.choice(_YOUNG_2)
    else:
        given = rng.choice(_MIDDLE)
    phone = f"1{rng.choice('3578')}{rng.randint(0, 9)}{rng.randint(0, 99_999_999):08d}"
    if kind == RequesterKind.STUDENT:
        number = f"{rng.randint(2021, 2025)}{index:06d}"
        email = f"{number}@stu.demo.jiesu.edu.cn"
    elif kind == RequesterKind.RETIREE:
        number = f"{rng.randint(1978, 1996)}{index:05d}"
        email = ""
    elif kind == RequesterKind.EXTERNAL:
        number, email = "", ""
    else:
        number = f"{rng.randint(1998, 2024)}{index:05d}"
        email = f"t{number}@demo.jiesu.edu.cn"
    campus = "zhuozhou" if kind == RequesterKind.STUDENT and rng.random() < 0.22 else "beijing"
    return PersonSpec(
        f"{PREFIX}{KIND_LETTER[kind]}-{index:05d}", surname + given, kind, number, phone, email, campus
    )


def ensure_pool(size: int) -> list[User]:
    """The first ``size`` pool requesters, created where missing (bulk, a few queries)."""
    specs = [person_spec(i) for i in range(size)]
    existing = {u.username: u for u in User.objects.filter(username__in=[s.username for s in specs])}
    campuses = {c.code: c for c in Campus.objects.all()}
    unusable = make_password(None)
    missing = [
        User(
            username=s.username,
            full_name=s.full_name,
            kind=s.kind,
            number=s.number,
            phone=s.phone,
            email=s.email,
            campus=campuses[s.campus_code],
            password=unusable,
        )
        for s in specs
        if s.username not in existing
    ]
    User.objects.bulk_create(missing, batch_size=1000)
    by_name = existing | {
        u.username: u for u in User.objects.filter(username__in=[u.username for u in missing])
    }
    return [by_name[s.username] for s in specs]


def ensure_clerk() -> User:
    """The Office's mailbox clerk of the demo (an Office dispatcher who records letters, R2.2)."""
    clerk, created = User.objects.get_or_create(
        username=CLERK,
        defaults={
            "full_name": "林晓",
            "kind": RequesterKind.STAFF,
            "password": make_password(None),
            "email": "demo-mailbox@demo.jiesu.edu.cn",
        },
    )
    Membership.objects.get_or_create(user=clerk, role=Role.DISPATCHER, unit=Unit.objects.get(code=OFFICE))
    return clerk


def demo_tickets_q() -> Q:
    """Which tickets the demo generator wrote: a demo requester, or a letter recorded by the demo clerk."""
    return Q(requester__username__startswith=PREFIX) | Q(recorded_by__username=CLERK)


@dataclass
class Cast:
    """The staff of the demo organization who act in the demo histories."""

    units: dict[str, Unit]
    campuses: dict[str, Campus]
    heads: dict[str, User]
    workers: dict[str, list[User]]  # information officers and staff, per unit code
    dispatchers: list[User]
    duty: list[User]
    leaders: list[User]
    clerk: User
    calendar: WorkCalendar
    hotline_units: frozenset[str]


def load_cast() -> Cast:
    """Read the organization once; needs `jiesu demo-org` (or any org with heads and officers)."""
    units = {u.code: u for u in Unit.objects.filter(is_active=True)}
    heads: dict[str, User] = {}
    workers: dict[str, list[User]] = {}
    dispatchers: list[User] = []
    duty: list[User] = []
    leaders: list[User] = []
    clerk = ensure_clerk()
    memberships = Membership.objects.select_related("user", "unit").order_by("user__username", "role")
    for m in memberships:
        code = m.unit.code if m.unit else ""
        if m.role == Role.UNIT_HEAD:
            heads[code] = m.user
        elif m.role in (Role.INFO_OFFICER, Role.UNIT_STAFF):
            workers.setdefault(code, []).append(m.user)
        elif m.role == Role.DISPATCHER and m.user.pk != clerk.pk:
            dispatchers.append(m.user)
        elif m.role == Role.DUTY_OPERATOR:
            duty.append(m.user)
        elif m.role == Role.LEADER:
            leaders.append(m.user)
    if not dispatchers or not leaders or "logistics" not in heads:
        raise RuntimeError("load the demo organization first: jiesu demo-org")
    hotline_units = frozenset(units[c].code for c in units if units[c].hotlines.exists())
    return Cast(
        units=units,
        campuses={c.code: c for c in Campus.objects.all()},
        heads=heads,
        workers=workers,
        dispatchers=dispatchers,
        duty=duty or dispatchers,
        leaders=leaders,
        clerk=clerk,
        calendar=get_calendar(),
        hotline_units=hotline_units,
    )
