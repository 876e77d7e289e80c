"""The customer's real organization (rules §0, §3, §11, R1.4): campuses, units, hotlines and opening hours.

This is data, not a demo: ``jiesu load-org`` (``services.organization_load``) loads it into a real
installation, and the demo (``jiesu demo-org``) loads it before adding its people. Every unit of the seed's
appendix carries its numbers exactly as rules §11 gives them. No person or account is defined here.
"""

from __future__ import annotations

import datetime as dt

from jiesu.org.models import ServiceDays, UnitKind

# R1.4: the seed's two campuses (code, name).
CAMPUSES: list[tuple[str, str]] = [("beijing", "北京校区"), ("zhuozhou", "涿州校区")]
# Telephone area codes of the campuses' cities, for dialling the §11 numbers from anywhere (issue 14 item 8).
CAMPUS_AREA_CODES: dict[str, str] = {"beijing": "010", "zhuozhou": "0312"}

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
# Daily opening hours are not in the seed: 08:00–17:00 by default, around the clock where §11 says 24 h.
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
