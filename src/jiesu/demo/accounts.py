"""The demo organization shared by `make demo` and the tests (rules §3, §11).

Every unit of the seed's appendix carries its numbers exactly as rules §11 gives them. Loading is idempotent:
rows are keyed by code or username and updated in place.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction

from jiesu.org.models import (
    Campus,
    Hotline,
    Membership,
    RequesterKind,
    Role,
    ServiceDays,
    Unit,
    UnitKind,
    User,
)

DEMO_PASSWORD = "Jiesu@2026"  # noqa: S105 - printed for the demo on purpose

CAMPUSES = [("beijing", "北京校区"), ("zhuozhou", "涿州校区")]

OFFICE = "office"
DUTY_ROOM = "duty_room"

# (code, name, kind, parent code, remit)
UNITS: list[tuple[str, str, str, str | None, str]] = [
    (
        OFFICE,
        "党政办公室",
        UnitKind.OFFICE,
        None,
        "综合协调、派单督办、书记校长信箱、校领导接待日、信访、情况专报",
    ),
    (DUTY_ROOM, "总值班室", UnitKind.OFFICE, OFFICE, "学校值班热线，综合性事务，全时受理"),
    (
        "hr",
        "人事处",
        UnitKind.DEPARTMENT,
        None,
        "教职工招聘、职称评审、工资薪酬、社保公积金、人事档案、退休手续",
    ),
    (
        "student_affairs",
        "学生处",
        UnitKind.DEPARTMENT,
        None,
        "奖助学金、困难补助、学生宿舍管理、心理健康、就业指导、学生证",
    ),
    (
        "security",
        "保卫处",
        UnitKind.DEPARTMENT,
        None,
        "校园安全、门禁、车辆停放与通行证、消防、失物招领、治安",
    ),
    (
        "academic_affairs",
        "教务处",
        UnitKind.DEPARTMENT,
        None,
        "本科课程、选课、考试安排、成绩、学籍、教材、教室",
    ),
    ("graduate", "研究生处", UnitKind.DEPARTMENT, None, "研究生招生、培养、学位论文、答辩、研究生奖助"),
    ("finance", "财务处", UnitKind.DEPARTMENT, None, "报销、学费缴纳、发票、科研经费、工资发放"),
    ("assets", "资产管理处", UnitKind.DEPARTMENT, None, "国有资产、设备采购、公用房、实验室设备"),
    (
        "logistics",
        "后勤管理处",
        UnitKind.DEPARTMENT,
        None,
        "宿舍维修、食堂、供暖、供水供电、保洁、绿化、校园班车",
    ),
    ("library", "图书馆", UnitKind.CENTRE, None, "开放时间、借还书、座位预约、电子资源、自习室"),
    ("union", "校工会", UnitKind.DEPARTMENT, None, "教职工福利、工会活动、慰问、文体活动、教代会"),
    (
        "nic",
        "网络信息中心",
        UnitKind.CENTRE,
        None,
        "校园网、Wi-Fi、统一身份认证、邮箱、信息系统、书记校长信箱技术维护",
    ),
    ("discipline", "纪委办公室", UnitKind.OFFICE, None, "专项监督、抽查、通报"),
    ("organization", "党委组织部", UnitKind.DEPARTMENT, None, "考核评价结果运用、干部管理、党组织建设"),
    ("youth_league", "校团委", UnitKind.DEPARTMENT, None, "共青团工作、学生社团、志愿服务、师生座谈会"),
    ("retirees", "离退休管理处", UnitKind.DEPARTMENT, None, "离退休教职工服务、活动、慰问、座谈会"),
    ("labour_relations", "劳动关系与人力资源学院", UnitKind.COLLEGE, None, "本院学生与教师事务"),
    ("trade_union_college", "工会学院", UnitKind.COLLEGE, None, "本院学生与教师事务"),
    ("law", "法学院", UnitKind.COLLEGE, None, "本院学生与教师事务"),
    ("economics", "经济管理学院", UnitKind.COLLEGE, None, "本院学生与教师事务"),
    ("public_admin", "公共管理学院", UnitKind.COLLEGE, None, "本院学生与教师事务"),
    ("culture", "文化传播学院", UnitKind.COLLEGE, None, "本院学生与教师事务"),
    ("safety_engineering", "安全工程学院", UnitKind.COLLEGE, None, "本院学生与教师事务"),
    ("social_work", "社会工作学院", UnitKind.COLLEGE, None, "本院学生与教师事务"),
    ("marxism", "马克思主义学院", UnitKind.COLLEGE, None, "本院学生与教师事务"),
]

WD = ServiceDays.WORKDAYS
ALL = ServiceDays.ALL_DAYS
DAY = (dt.time(8, 0), dt.time(17, 0))
H24 = (None, None)

# §11 exactly: (unit code, campus code, number, service as written, service days, daily hours).
# The duty room is the Office's 24/7 desk (rules §0), so its daily hours are around the clock.
HOTLINES: list[tuple[str, str, str, str, str, tuple[dt.time | None, dt.time | None]]] = [
    (DUTY_ROOM, "beijing", "88561833", "工作日、节假日", ALL, H24),
    (DUTY_ROOM, "zhuozhou", "3827179", "工作日、节假日", ALL, H24),
    ("hr", "beijing", "88561711", "工作日", WD, DAY),
    ("student_affairs", "beijing", "88562335", "工作日", WD, DAY),
    ("security", "beijing", "88561110", "工作日及节假日（24小时）", ALL, H24),
    ("academic_affairs", "beijing", "88561873", "工作日", WD, DAY),
    ("graduate", "beijing", "88562791", "工作日", WD, DAY),
    ("finance", "beijing", "88562922", "工作日", WD, DAY),
    ("assets", "beijing", "88561885", "工作日", WD, DAY),
    ("logistics", "beijing", "88562008", "工作日", WD, DAY),
    ("library", "beijing", "88561981", "工作日、节假日", ALL, DAY),
    ("union", "beijing", "88561320", "工作日", WD, DAY),
    ("nic", "beijing", "88562377", "工作日", WD, DAY),
]

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


def _load_units() -> tuple[dict[str, Campus], dict[str, Unit]]:
    campuses = {
        code: Campus.objects.update_or_create(code=code, defaults={"name": name, "sort_order": i})[0]
        for i, (code, name) in enumerate(CAMPUSES)
    }
    units: dict[str, Unit] = {}
    for order, (code, name, kind, parent, remit) in enumerate(UNITS):
        defaults = {"name": name, "kind": kind, "parent": units.get(parent or ""), "remit": remit}
        units[code] = Unit.objects.update_or_create(
            code=code, defaults={**defaults, "sort_order": order, "is_active": True}
        )[0]
    for unit_code, campus_code, number, label, days, (opens, closes) in HOTLINES:
        Hotline.objects.update_or_create(
            unit=units[unit_code],
            campus=campuses[campus_code],
            defaults={
                "number": number,
                "service_label": label,
                "service_days": days,
                "opens_at": opens,
                "closes_at": closes,
            },
        )
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
    """Create or update the demo organization; returns the per-role accounts to print."""
    campuses, units = _load_units()
    people = _People(campuses, units, password)
    accounts = [people.role_account(*row) for row in ROLE_ACCOUNTS]
    people.staff_every_unit()
    for username, full_name, _title in LEADERS:
        people.grant(people.person(username, full_name, RequesterKind.FACULTY), Role.LEADER, None)
    # The Zhuozhou campus has its own duty line; give it a requester too.
    people.person("zz_student", "许晴", RequesterKind.STUDENT, campus="zhuozhou")
    return accounts
