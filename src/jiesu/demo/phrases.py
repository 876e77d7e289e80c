"""Everything else the demo people write: openings and closings, replies, co-handling, escalations, notes.

Plain data; ``{name}`` fields are filled by ``render.fill``. Replies never send the requester to a third
party themselves (R6.5) except ``FLAGGED_DRAFT``, which the demo's heads return.
"""

from __future__ import annotations

OPENINGS = {
    "s": ["老师您好，", "您好，", "", "", "你好，"],
    "f": ["您好，", "", "", "相关部门负责同志：您好，"],
    "t": ["您好，", "", ""],
    "r": ["您好，我是学校的退休教职工。", "您好，", ""],
    "e": ["您好，", "", ""],
}

CLOSINGS = {
    "help": ["麻烦尽快处理，谢谢！", "希望尽快解决。", "谢谢！", "", "请尽快安排，谢谢老师。"],
    "complaint": ["希望学校重视，尽快整改。", "希望尽快处理并给予答复。", "请相关部门给个说法。", ""],
    "consultation": ["谢谢！", "盼复。", "麻烦告知，谢谢。", ""],
    "opinion": ["以上意见供参考。", "希望学校研究。", ""],
    "suggestion": ["以上建议供参考。", "希望学校研究采纳。", "谢谢！", ""],
}

URGENT_REASONS = {
    "logistics": "漏水已影响楼下房间，需立即处置",
    "security": "涉及师生人身安全",
    "nic": "影响今天的线上考试和材料提交",
}

# Formal replies: a wrapper around the unit's answer (from the corpus). {greeting} is the requester's name or "您好".
REPLY_WRAPPERS = [
    "{greeting}！您反映的“{subject}”已收悉。{resolution}。如还有问题，欢迎随时与我们联系。感谢您对学校工作的关心和支持！",
    "{greeting}：关于您反映的“{subject}”，{unit}高度重视，经认真核实，{resolution}。感谢您的理解与支持。",
    "{greeting}！收到您的诉求后，{unit}第一时间进行了核查。{resolution}。后续我们将持续关注，如有需要请再与我们联系。",
]

INITIAL_REPLY = (
    "您好！您反映的“{subject}”已收悉。该事项{unit}正在研究处理，{extra}计划于{planned}前给您正式回复，"
    "请您耐心等待。"
)
INITIAL_EXTRA = {"department": "", "school": "拟提交校长办公会研究，"}

COHANDLING_ASKS = [
    "请协助核实相关情况，并书面反馈处理意见",
    "请提供相关政策依据和办理流程，以便答复诉求人",
    "请安排人员配合现场核查，并反馈核查结果",
]
COHANDLING_ANSWERS = [
    "已按要求核实，相关情况属实，我单位将配合做好后续工作",
    "相关政策依据和办理流程已整理，详见附件说明",
    "已派人员配合完成现场核查，核查结果已与牵头单位沟通",
]
COHANDLING_REASON = "涉及往年档案，须经档案馆审批后调取"
COHANDLING_PROGRESS = "涉及数据需要调取往年档案，暂未完成，预计两个工作日内反馈；目前已完成材料初步整理"

ESCALATION = "该事项涉及{partner}等多个部门和经费安排，超出本单位职权范围，需要校领导研究决定，请批示。"
INSTRUCTIONS = [
    "请{unit}牵头，会同{partner}抓紧研究解决方案，三个工作日内将处理情况报党政办公室。",
    "同意{unit}的处理意见，请尽快落实，并做好向诉求人的解释工作。",
    "此事关系师生切身利益，请{unit}高度重视，列入下次校长办公会议题。",
]
RECEPTION_INSTRUCTION = "请党政办公室尽快派单，相关单位认真研究，及时回复诉求人。"

CONTACTS = [
    "已电话联系诉求人，进一步了解了具体情况，约定尽快上门处理。",
    "已与诉求人当面沟通，核实了反映的问题，并告知了处理时限。",
    "电话联系诉求人，详细记录了问题发生的时间和地点。",
]
THIRD_PARTY = "已与{party}联系，对方同意尽快完成处理，我单位负责跟进落实并向诉求人回复。"
PLANNED_MOVE_REASONS = [
    "所需配件尚未到货，需延期完成。",
    "该事项需提交校长办公会研究，会议时间调整。",
    "涉及多个部门会签，意见尚未全部返回。",
]
RETURN_COMMENTS = [
    "回复内容过于简单，请补充具体处理时间和责任人后再报。",
    "请补充政策依据，语气再诚恳一些。",
]
FLAGGED_DRAFT = "您好！您反映的问题已收悉。该问题属于外包服务范围，请您自行联系{party}处理。"
FLAGGED_RETURN = "不能让诉求人自行联系第三方，请由我单位直接对接后再回复。"

REDISPATCH_REASON = "经核实，该诉求主要涉及{topic}，属于{other}职责范围，建议改派{other}办理。"
REDISPATCH_REJECT = "该事项主要职责在你单位，请按首接负责制继续办理；需要其他部门配合的，可申请协办。"

OUT_OF_REMIT = (
    "您好！您反映的“{subject}”经核实不属于学校的职责范围，我们已将相关情况向有关方面通报。",
    "该事项由属地街道和相关行政部门负责，我们已将您的诉求转达，并将跟进了解办理情况。",
)
UNSOLVABLE = (
    "您好！您反映的“{subject}”我们已认真研究。受场地和经费等客观条件限制，目前暂时无法解决。",
    "学校已将该事项列入明年的改造计划，届时将优先安排；在此之前我们会采取临时措施尽量减少影响。",
)

REPEAT_CONTENT = "{subject}。我{when}已经反映过这个问题，到现在还没有解决，再次反映，希望尽快处理。"
REPEAT_REPLY = (
    "您好！您本次反映的问题与您{when}反映的{number}号诉求为同一事项。该诉求正在办理中，{unit}将在原诉求中"
    "继续跟进并及时告知您进展，不再重复办理。"
)

REFERRAL_SOURCES = [
    ("北京市12345市民服务热线", "12345-{day}{n}"),
    ("北京市教育委员会", "京教转〔{year}〕{n}号"),
    ("中华全国总工会", "总工办转〔{year}〕{n}号"),
    ("涿州市12345便民服务热线", "ZZ12345-{day}{n}"),
]

# R7.1 / R7.2: what requesters say on the follow-up call (or write with their online rating).
FOLLOWUP_COMMENTS = {
    "satisfied": ["问题已经解决了，谢谢老师。", "处理很及时，非常满意。", "已经好了，感谢学校。", ""],
    "basically_satisfied": ["基本解决了，希望以后能更快一些。", "总体满意，个别细节还需要再注意。", ""],
    "dissatisfied": [
        "问题还没有彻底解决，希望再跟进一下。",
        "回复比较笼统，没有说清楚具体什么时候解决。",
        "处理后没几天又出现了同样的问题。",
    ],
}
FOLLOWUP_REOPEN_REPLY = (
    "您好！回访中您反映“{subject}”尚未完全解决，我们非常重视。{unit}已重新核查并安排专人跟进落实，"
    "相关问题已于今日处理完毕，后续我们将持续关注。如仍有问题，请随时与我们联系。"
)
UNREACHABLE_NOTE = "电话无人接听，短信已告知回复内容。"
UNREACHABLE_CLOSE = "回访电话多次未接通，已短信告知回复内容，按规定作联系不上办结。"
CLOSE_UNSATISFIED = "经三轮回复和回访，诉求人仍不满意；相关情况已记录，转入长期未解决问题专题研究。"
