"""The demo corpus's map of the school: remit keywords per unit, how often each unit leads a request,
whom it asks for co-handling, and which third parties it deals with. The texts are in ``templates``.

``KEYWORDS`` lists words of each unit's remit; every rendered request of a unit contains one of them (tests
check it), so a direct-channel ticket reads as the receiving unit's.
"""

from __future__ import annotations

from jiesu.demo.templates import TEMPLATES, Template

__all__ = ["TEMPLATES", "Template"]

COLLEGES = (
    "labour_relations",
    "trade_union_college",
    "law",
    "economics",
    "public_admin",
    "culture",
    "safety_engineering",
    "social_work",
    "marxism",
)

KEYWORDS: dict[str, tuple[str, ...]] = {
    "logistics": (
        "宿舍",
        "暖气",
        "食堂",
        "供暖",
        "热水",
        "停电",
        "班车",
        "保洁",
        "楼道",
        "割草",
        "饮水机",
        "就餐",
        "餐",
    ),
    "nic": ("校园网", "Wi-Fi", "网络", "VPN", "统一身份认证", "邮箱", "系统", "网口", "断网"),
    "student_affairs": ("奖学金", "助学金", "补助", "学生证", "宿舍", "心理", "就业", "贷款", "勤工助学"),
    "academic_affairs": ("成绩", "考试", "选课", "教室", "学籍", "调课", "教材", "补考", "缓考", "四级"),
    "graduate": ("研究生", "学位", "论文", "答辩", "开题", "复试", "学分"),
    "finance": ("报销", "学费", "经费", "工资", "发票", "财务"),
    "library": ("图书馆", "座位", "数据库", "借", "书", "知网", "万方", "阅览室", "研讨间", "自习区", "报刊"),
    "security": ("车辆", "通行证", "停车", "停放", "监控", "失物", "门禁", "照明", "保卫处", "安全", "施工"),
    "hr": ("职称", "公积金", "退休", "人事档案", "社保", "薪酬", "人事处"),
    "union": ("工会", "教代会", "慰问", "健身", "文体", "羽毛球", "健步走", "合唱团", "疗休养", "托管班"),
    "assets": ("资产", "设备", "采购", "报废", "公用房", "实验室"),
    "youth_league": ("团委", "社团", "志愿", "座谈会", "歌手", "三下乡", "五四"),
    "retirees": ("离退休", "老同志", "退休", "重阳", "老年大学", "慰问"),
    "organization": ("党", "干部", "组织部"),
    "college": ("学院", "辅导员", "专业", "毕业论文"),
}


def keywords_for(unit_code: str) -> tuple[str, ...]:
    """The remit keywords a unit's requests carry (colleges share one list)."""
    return KEYWORDS["college" if unit_code in COLLEGES else unit_code]


def templates_for(unit_code: str) -> list[Template]:
    return TEMPLATES["college" if unit_code in COLLEGES else unit_code]


# How often each unit leads a request (a semester at a university like the seed's): 后勤 far ahead.
UNIT_WEIGHTS: dict[str, int] = {
    "logistics": 24,
    "nic": 9,
    "student_affairs": 10,
    "academic_affairs": 10,
    "graduate": 4,
    "finance": 7,
    "library": 5,
    "security": 6,
    "hr": 5,
    "union": 3,
    "assets": 2,
    "youth_league": 2,
    "retirees": 3,
    "organization": 1,
    **{code: 1 for code in COLLEGES},
}

# Who a unit asks for co-handling (R3.3), and which unit an Office dispatcher may confuse it with (R3.2).
PARTNERS: dict[str, tuple[str, ...]] = {
    "logistics": ("assets", "security", "student_affairs"),
    "nic": ("academic_affairs", "library", "finance"),
    "student_affairs": ("logistics", "finance", "youth_league"),
    "academic_affairs": ("nic", "assets", "logistics"),
    "graduate": ("finance", "academic_affairs", "library"),
    "finance": ("hr", "nic", "student_affairs"),
    "library": ("nic", "logistics", "assets"),
    "security": ("logistics", "student_affairs", "assets"),
    "hr": ("finance", "retirees", "union"),
    "union": ("hr", "logistics", "finance"),
    "assets": ("logistics", "finance", "academic_affairs"),
    "youth_league": ("student_affairs", "logistics", "security"),
    "retirees": ("hr", "union", "finance"),
    "organization": ("hr", "student_affairs", "youth_league"),
}
COLLEGE_PARTNERS = ("academic_affairs", "student_affairs", "graduate")


def partners_for(unit_code: str) -> tuple[str, ...]:
    return COLLEGE_PARTNERS if unit_code in COLLEGES else PARTNERS[unit_code]


# Third parties a unit itself contacts and records (R6.5).
THIRD_PARTIES: dict[str, tuple[str, ...]] = {
    "logistics": ("物业服务公司项目经理", "供暖公司维修班组", "餐饮公司驻校经理"),
    "nic": ("中国移动校园营业厅", "中国联通政企客户经理", "统一身份认证系统供应商"),
    "security": ("属地派出所", "街道城管执法队"),
    "finance": ("合作银行客户经理", "网上缴费平台服务商"),
    "library": ("数据库供应商客服", "图书馆自助设备厂家"),
    "assets": ("设备供应商售后", "政府采购代理机构"),
}
