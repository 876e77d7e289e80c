"""Slot values for the demo request corpus: places, courses, systems, amounts … (realistic, campus-aware).

A slot is a list of strings or a function of the random generator. ``name@zhuozhou`` overrides ``name`` for
tickets on the Zhuozhou campus, so a dormitory there is named as it is there.
"""

from __future__ import annotations

import random
from collections.abc import Callable

SlotValue = list[str] | Callable[[random.Random], str]


def _room(rng: random.Random) -> str:
    return f"{rng.randint(1, 6)}{rng.randint(1, 32):02d}"


def _office_room(rng: random.Random) -> str:
    return f"{rng.randint(1, 5)}{rng.randint(1, 20):02d}"


def _amount(rng: random.Random) -> str:
    return f"{rng.choice([rng.randint(3, 99) * 100, rng.randint(1, 30) * 50, rng.randint(200, 9800)]):,}"


def _days(rng: random.Random) -> str:
    return rng.choice(["两天", "三天", "四五天", "一个星期", "十来天", "半个多月", "好几天"])


def _temperature(rng: random.Random) -> str:
    return str(rng.randint(11, 16))


def _student_no(rng: random.Random) -> str:
    return f"{rng.choice([2022, 2023, 2024, 2025])}{rng.randint(1, 12):02d}{rng.randint(1, 400):04d}"


def _plate(rng: random.Random) -> str:
    letters = "ABCEFGHJKLMNPQ"
    return f"京{rng.choice(letters)}{rng.choice(letters)}{rng.randint(1000, 9999)}"


def _bus_time(rng: random.Random) -> str:
    return rng.choice(["7:10", "7:30", "12:20", "16:40", "17:30", "18:00"])


def _count(rng: random.Random) -> str:
    return str(rng.randint(3, 40))


def _month(rng: random.Random) -> str:
    return str(rng.randint(1, 12))


SLOTS: dict[str, SlotValue] = {
    "dorm": [
        "学生公寓1号楼",
        "学生公寓2号楼",
        "学生公寓3号楼",
        "学生公寓5号楼",
        "学生公寓7号楼",
        "研究生公寓A座",
        "研究生公寓B座",
        "北区4号楼",
        "北区6号楼",
    ],
    "dorm@zhuozhou": [
        "涿州校区学生公寓1号楼",
        "涿州校区学生公寓2号楼",
        "涿州校区学生公寓4号楼",
        "涿州校区研究生楼",
    ],
    "room": _room,
    "office_room": _office_room,
    "repair_issue": [
        "卫生间水龙头一直漏水",
        "洗手池下水道堵了",
        "宿舍顶灯不亮",
        "空调不制冷",
        "门锁坏了，钥匙插不进去",
        "暖气片接口漏水",
        "阳台窗户关不严，晚上漏风",
        "书桌上方的插座没电",
        "淋浴没有热水",
        "马桶水箱一直流水",
        "上铺床板断了一根",
        "衣柜门合页脱落",
        "墙皮大面积起皮脱落",
        "天花板渗水",
    ],
    "duration": _days,
    "canteen": ["第一食堂", "第二食堂", "清真食堂", "教工餐厅", "第二食堂二楼风味窗口", "北区食堂"],
    "canteen@zhuozhou": ["涿州校区学生食堂", "涿州校区食堂二楼", "涿州校区清真窗口"],
    "canteen_issue": [
        "菜里吃出了头发",
        "米饭夹生",
        "饭菜价格比上学期涨了不少",
        "午饭高峰排队要二十多分钟",
        "餐盘和筷子没有洗干净",
        "部分窗口不能刷校园卡，只收现金",
        "打菜分量明显不足",
        "晚上七点以后就没有热菜了",
    ],
    "building": ["教学楼A座", "教学楼B座", "综合楼", "实验楼", "行政楼", "艺术楼", "体育馆"],
    "building@zhuozhou": ["涿州校区教学楼", "涿州校区实训楼", "涿州校区图书馆"],
    "classroom": ["A201", "A305", "B108", "B412", "综合楼502", "实验楼304"],
    "temperature": _temperature,
    "bus_time": _bus_time,
    "wifi_place": ["宿舍", "图书馆三楼阅览室", "教学楼B座", "食堂", "体育馆", "研究生公寓", "行政楼会议室"],
    "net_issue": [
        "连上Wi-Fi后打不开认证页面",
        "网速特别慢，晚上基本用不了",
        "每隔几分钟就掉线一次",
        "显示已连接但是没有网络",
        "有线网口插上没反应",
        "手机能连上，电脑连不上",
    ],
    "system": ["教务系统", "统一身份认证", "学校邮箱", "VPN", "财务报销系统", "OA办公系统", "研究生管理系统"],
    "system_issue": [
        "登录一直提示密码错误",
        "重置密码收不到验证码",
        "页面打开很慢，经常报错",
        "手机号换了，没法绑定",
        "账号被锁定了",
        "提交的时候提示系统异常",
    ],
    "course": [
        "劳动关系学",
        "劳动法",
        "微观经济学",
        "管理学原理",
        "大学英语（三）",
        "高等数学",
        "社会工作概论",
        "安全系统工程",
        "马克思主义基本原理",
        "传播学概论",
        "公共管理学",
        "民法学",
        "统计学",
        "人力资源管理",
    ],
    "exam": ["期末考试", "补考", "缓考", "重修考试", "期中考试"],
    "scholarship": ["国家励志奖学金", "国家助学金", "校长奖学金", "学业奖学金", "社会实践奖学金"],
    "subsidy": ["临时困难补助", "冬季取暖补助", "助学贷款", "勤工助学岗位"],
    "amount": _amount,
    "expense": ["差旅费", "会议费", "图书资料费", "科研耗材费", "专家劳务费", "学生活动经费"],
    "month": _month,
    "count": _count,
    "student_no": _student_no,
    "library_area": ["三楼自习区", "四楼社科阅览室", "一楼电子阅览室", "二楼报刊区", "研讨间"],
    "database": ["中国知网", "万方数据", "Web of Science", "超星电子书", "北大法宝"],
    "book": [
        "《劳动经济学》",
        "《社会保障概论》",
        "《民法典释义》",
        "《管理学》",
        "《传播学教程》",
        "《工会学概论》",
    ],
    "gate": ["东门", "西门", "南门", "北门"],
    "gate@zhuozhou": ["涿州校区正门", "涿州校区东侧门"],
    "plate": _plate,
    "title": ["副教授", "教授", "讲师", "副研究员", "高级实验师", "高级工程师"],
    "union_event": [
        "教职工羽毛球赛",
        "春季健步走",
        "三八节趣味活动",
        "教职工合唱团排练",
        "暑期疗休养",
        "工会会员生日慰问",
        "教职工子女暑期托管班",
    ],
    "league_event": ["十佳歌手大赛", "志愿服务活动", "社团招新", "五四评优", "暑期三下乡社会实践"],
    "retiree_event": ["重阳节游园", "老年大学书法班", "离退休教职工体检", "春节慰问", "老同志座谈会"],
    "degree_step": ["开题报告", "中期考核", "论文查重", "预答辩", "学位论文盲审", "学位申请材料提交"],
    "asset": ["投影仪", "办公电脑", "实验室通风橱", "会议室音响", "空调", "复印机"],
    "lost_item": ["校园卡", "黑色双肩包", "笔记本电脑", "雨伞和水杯", "钱包", "自行车钥匙"],
    "party_matter": ["党组织关系转接", "入党积极分子培养考察", "预备党员转正材料", "党费交纳标准"],
}
