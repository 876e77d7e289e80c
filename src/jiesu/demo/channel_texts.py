"""The fixed Chinese texts of the demo's channel records (R2.1, R2.2, R2.4, R2.5): places, topics, issues.

The letters' own texts come from the request corpus (``corpus``, ``render``); these are what the Office, the
organizers and the petition desk write around them. None names a person or carries a number (R2.2: the board
never shows personal data).
"""

from __future__ import annotations

import datetime as dt

# Units whose requests people typically write to the two boxes about (corpus keys).
LETTER_UNITS = (
    "logistics",
    "logistics",
    "academic_affairs",
    "student_affairs",
    "nic",
    "finance",
    "library",
    "security",
    "graduate",
    "hr",
)

REFER_NOTE = "来信反映的问题涉及多个部门和学校整体安排，不宜公开答复，拟呈报校领导批示后交办。"
LEADER_INSTRUCTIONS = (
    "请{unit}牵头认真核实，妥善处理，并将结果当面反馈来信人。",
    "请{unit}会同相关部门研究解决办法，一周内报送处理意见。",
)
PUBLIC_DISPATCH_NOTE = "来信人同意公开答复，请按时回复，回复内容将在信箱公开栏发布。"

# R2.1: where the leaders receive, per campus.
RECEPTION_PLACES = {
    "beijing": ("行政楼一层接待室", "学生活动中心二层会议室"),
    "zhuozhou": ("涿州校区综合楼一层接待室",),
}
RECEPTION_SLOTS: tuple[tuple[dt.time, dt.time], ...] = (
    (dt.time(9, 0), dt.time(9, 40)),
    (dt.time(9, 40), dt.time(10, 20)),
    (dt.time(10, 20), dt.time(11, 0)),
    (dt.time(14, 30), dt.time(15, 10)),
)
BOOKING_TOPICS = (
    "反映学生公寓热水供应时间过短的问题，希望延长供应时段。",
    "关于实验室危险化学品存放空间不足的问题，想当面向学校领导汇报。",
    "建议学校增开晚间自习教室，并延长图书馆开放时间。",
    "反映青年教师周转房申请排队时间过长的问题。",
    "关于校园东门早高峰交通拥堵、人车混行的安全隐患。",
    "反映研究生助研津贴发放标准多年未调整的问题。",
    "希望学校为家庭经济困难学生增加勤工助学岗位。",
    "关于食堂夜宵窗口开放和餐品价格的意见建议。",
)
STUDENT_BOOKING_TOPIC = "想当面反映宿舍楼自习室座位不足、晚间经常找不到座位的问题，并提出改进建议。"

# R2.4: what each organizer holds (unit code → titles) and where.
SYMPOSIUMS = {
    "student_affairs": ("学生代表座谈会：宿舍管理与学风建设", "毕业生就业工作座谈会"),
    "youth_league": ("青年学生座谈会：校园文化活动与社团发展", "学生干部座谈会"),
    "union": ("教职工代表座谈会：青年教师发展与后勤服务", "女教职工座谈会"),
    "retirees": ("离退休老同志座谈会：医疗保障与活动场所", "老同志迎新春座谈会"),
}
SYMPOSIUM_PLACES = ("行政楼三层第一会议室", "学生活动中心多功能厅", "图书馆一层报告厅", "离退休活动中心")
SYMPOSIUM_ATTENDEES = "学生处负责同志，各学院学生代表二十余人，后勤管理处、保卫处、教务处有关负责同志列席。"
SYMPOSIUM_ISSUES = (
    "部分学生公寓楼自习室座位不足，期末复习期间晚上经常一座难求，建议增加自习空间或延长开放时间。",
    "校园快递点取件高峰排队时间长，建议增设智能快递柜并调整营业时间。",
    "学生反映校医院夜间就诊不便，建议明确夜间急诊流程并在公寓楼张贴。",
)
SYMPOSIUM_CONTACT = ("学生处办公室", "010-69381234")

# R2.5: letters and visits to the petition desk (信访), with the steps the Office records.
PETITIONS = (
    {
        "form": "visit",
        "origin": "outside",
        "name": "周海峰",
        "phone": "13910203040",
        "address": "北京市昌平区某小区",
        "people": 3,
        "type": "complaint",
        "content": "学校东侧施工工地夜间施工噪音扰民，周边居民多次反映未果，要求学校督促施工单位停止夜间施工。",
        "steps": (
            ("explained", "已向来访人说明工程进度安排，夜间施工须经审批，学校将督促施工单位严格执行。", ""),
            ("reported", "已将来访情况报告学校分管基建的校领导。", "分管基建副校长"),
            ("feedback", "已电话反馈：施工单位已调整作业时间，22时后停止高噪音作业。", ""),
        ),
    },
    {
        "form": "letter",
        "origin": "inside",
        "name": "陈建国",
        "phone": "13601112233",
        "address": "校内家属区",
        "people": 1,
        "type": "opinion",
        "content": "来信反映家属区老旧住宅楼加装电梯工作推进缓慢，希望学校加快协调，尽早开工。",
        "steps": (
            ("explained", "已向来信人说明加装电梯需全体业主同意并报属地审批，学校正在协调。", ""),
            ("reported", "已将来信内容报送学校党政办公室主任。", "党政办公室主任"),
        ),
    },
    {
        "form": "visit",
        "origin": "inside",
        "name": "刘淑芬",
        "phone": "13801234567",
        "address": "校内家属区",
        "people": 2,
        "type": "help",
        "content": "退休职工来访，反映医疗费报销材料提交后迟迟未到账，希望学校帮助查询处理进度。",
        "steps": (("explained", "已联系财务处查询，报销单据已审核通过，预计本周内到账。", ""),),
    },
    {
        "form": "letter",
        "origin": "outside",
        "name": "孙立平",
        "phone": "13788889999",
        "address": "河北省保定市",
        "people": 1,
        "type": "consultation",
        "content": "来信咨询学校继续教育学院学历证书遗失后如何补办证明，以及需要提交哪些材料。",
        "steps": (),
    },
)
