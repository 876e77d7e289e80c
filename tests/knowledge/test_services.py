"""The knowledge base (R2.8) through its services: Chinese search over the token index, the review date,
who may edit and read what, bad input refused with nothing written, and a call answered on the spot becoming a
ticket whose formal reply is the answer (sent at once by the head, awaiting the head otherwise, R4.3)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jiesu.knowledge import permissions, selectors, services
from jiesu.knowledge.models import Answer, AnswerChange, AnswerState, AnswerToken, AnswerUse
from jiesu.notify.models import Notification
from jiesu.tickets.errors import BadValue, DomainError, NotAllowed
from jiesu.tickets.models import ClockKind, Reply
from jiesu.tickets.states import Status
from tests.support import at, beijing, unit, user

pytestmark = pytest.mark.django_db

NOW = at(2026, 11, 20, 10)
CARD = (
    "校园卡丢失了如何补办？",
    "校园卡丢失后先在小程序挂失，再带身份证到一卡通服务中心补办，新卡当场制作。",
    "一卡通 挂失",
)
WATER = (
    "宿舍没有热水怎么办？",
    "宿舍楼热水每天6:00—24:00供应，非检修时段没有热水的，后勤处两小时内安排师傅上门。",
    "热水 洗澡",
)
LIBRARY = ("图书馆开放时间是什么？", "图书馆每天7:30—22:30开放，节假日另行通知。", "开放时间 借书")


def _make(
    text: tuple[str, str, str], code: str = "logistics", *, publish: bool = True, review_days: int = 180
):
    question, answer, keywords = text
    return services.answer_create(
        actor=user("dispatcher"),
        unit=unit(code),
        question=question,
        answer=answer,
        keywords=keywords,
        review_on=NOW.date() + dt.timedelta(days=review_days),
        publish=publish,
    )


@pytest.fixture
def base(demo_org: None) -> dict[str, Answer]:
    with time_machine.travel(NOW, tick=False):
        return {"card": _make(CARD, "nic"), "water": _make(WATER), "library": _make(LIBRARY, "library")}


def _found(query: str, user_name: str = "student") -> list[str]:
    with time_machine.travel(NOW, tick=False):
        answers = permissions.usable_answers(user(user_name))
        return [hit.answer.question for hit in selectors.search(query, answers=answers)]


def test_a_query_in_other_words_and_order_finds_the_answer(base: dict[str, Answer]) -> None:
    """No substring of the question in the query's order, but shared tokens: 补办 … 校园卡 finds 校园卡 … 补办."""
    query = "想补办一张校园卡，之前的丢了"
    assert "校园卡丢失了如何补办" not in query and "如何补办" not in query
    assert _found(query)[0] == CARD[0]


def test_a_keyword_alone_finds_its_answer_and_unrelated_text_finds_none(base: dict[str, Answer]) -> None:
    """A keyword the question does not contain (一卡通) finds the answer; an unrelated query finds nothing."""
    assert _found("我的一卡通掉了")[0] == CARD[0]
    assert _found("洗澡没热水")[0] == WATER[0]
    assert _found("毕业典礼的礼服尺码") == []
    assert _found("？？？ 。。。") == []


def test_ranking_puts_the_answer_sharing_more_and_rarer_tokens_first(base: dict[str, Answer]) -> None:
    """Overlap then TF-IDF: 热水 appears in one answer only, so it outranks answers sharing only 宿舍."""
    _make(("宿舍空调坏了找谁修？", "宿舍空调由后勤处统一维修，一个工作日内上门。", "空调"))
    assert _found("宿舍热水")[0] == WATER[0]
    hits = selectors.search("宿舍热水", answers=Answer.objects.all())
    assert hits[0].matched > hits[1].matched and hits[0].score > hits[1].score


def test_search_is_a_fixed_number_of_queries_whatever_the_base(base: dict[str, Answer]) -> None:
    """The ranking runs in the database over the token table: no query per answer or per token."""
    for n in range(15):
        _make((f"宿舍热水问题{n}号", f"第{n}栋宿舍楼热水由后勤处负责维修。", "热水"))
    with CaptureQueriesContext(connection) as ctx:
        hits = selectors.search("宿舍 热水 洗澡 维修", answers=Answer.objects.all())
    assert len(hits) == 10
    assert len(ctx.captured_queries) == 4  # frequency, count, ranking, the answers


def test_the_index_holds_weighted_tokens_and_follows_edits(base: dict[str, Answer]) -> None:
    """Each answer's tokens are rows; editing the text rebuilds them and the old words no longer find it."""
    water = base["water"]
    tokens = dict(AnswerToken.objects.filter(answer=water).values_list("token", "weight"))
    assert tokens["热水"] > tokens["师傅"]  # question and keywords weigh more than the answer's body
    with time_machine.travel(NOW, tick=False):
        services.answer_update(
            actor=user("officer"),
            answer=water,
            question="宿舍停电了怎么办？",
            answer_text="宿舍停电由后勤处电工班两小时内处理。",
            keywords="停电",
            review_on=water.review_on,
        )
    assert _found("洗澡没热水") == []
    assert _found("宿舍停电")[0] == "宿舍停电了怎么办？"


def test_an_answer_past_its_review_date_is_hidden_from_requesters_marked_for_staff_and_flagged_once(
    base: dict[str, Answer],
) -> None:
    """After the review date: requesters no longer find it, staff do (marked), its unit's officers are told once
    with a history row, and it cannot be given on a call; a new review date brings it back."""
    water = base["water"]
    later = dt.datetime.combine(water.review_on + dt.timedelta(days=1), dt.time(9), tzinfo=NOW.tzinfo)
    with time_machine.travel(later, tick=False):
        assert _found_now("洗澡没热水", "student") == []
        staff_hits = selectors.search("洗澡没热水", answers=permissions.usable_answers(user("officer")))
        assert staff_hits[0].answer == water and staff_hits[0].past_review
        assert services.answers_flag_review() >= 1
        assert services.answers_flag_review() == 0  # once per review date
        assert Notification.objects.filter(recipient=user("officer"), event="knowledge_review").count() == 1
        assert AnswerChange.objects.filter(answer=water, action="review_due").count() == 1
        with pytest.raises(DomainError):
            services.answer_on_call(actor=user("officer"), answer=water, **_call())
        services.answer_update(
            actor=user("officer"),
            answer=water,
            question=water.question,
            answer_text=water.answer,
            keywords=water.keywords,
            review_on=later.date() + dt.timedelta(days=90),
        )
        assert _found_now("洗澡没热水", "student")[0] == WATER[0]


def _found_now(query: str, user_name: str) -> list[str]:
    answers = permissions.usable_answers(user(user_name))
    return [hit.answer.question for hit in selectors.search(query, answers=answers)]


def test_a_unit_edits_only_its_own_answers_and_the_office_edits_all(base: dict[str, Answer]) -> None:
    """The logistics officer edits logistics answers, not the library's; unit staff and requesters edit none."""
    with time_machine.travel(NOW, tick=False):
        services.answer_set_state(actor=user("officer"), answer=base["water"], state=AnswerState.RETIRED)
        for name in ("officer", "handler", "student"):
            with pytest.raises(NotAllowed):
                services.answer_set_state(actor=user(name), answer=base["library"], state=AnswerState.RETIRED)
        with pytest.raises(NotAllowed):
            _make_as("officer", LIBRARY, "library")
        services.answer_set_state(actor=user("dispatcher"), answer=base["library"], state=AnswerState.RETIRED)
    assert set(permissions.editable_units(user("officer"))) == {unit("logistics")}
    assert not permissions.editable_units(user("student")).exists()


def _make_as(name: str, text: tuple[str, str, str], code: str) -> Answer:
    return services.answer_create(
        actor=user(name),
        unit=unit(code),
        question=text[0],
        answer=text[1],
        keywords=text[2],
        review_on=NOW.date() + dt.timedelta(days=30),
    )


def test_requesters_see_only_published_answers(base: dict[str, Answer]) -> None:
    """Drafts and retired answers are neither found nor opened by requesters; their unit's editors still open them."""
    with time_machine.travel(NOW, tick=False):
        draft = _make(("宿舍门锁坏了怎么办？", "门锁损坏属于紧急维修，一小时内上门。", "门锁"), publish=False)
        services.answer_set_state(actor=user("dispatcher"), answer=base["card"], state=AnswerState.RETIRED)
        assert _found_now("门锁坏了", "student") == []
        assert _found_now("校园卡补办", "student") == []
        student_can_open = permissions.readable_answers(user("student"))
        assert not student_can_open.filter(pk__in=[draft.pk, base["card"].pk]).exists()
        assert permissions.readable_answers(user("officer")).filter(pk=draft.pk).exists()
        assert not permissions.readable_answers(user("officer")).filter(pk=base["card"].pk).exists()


def test_every_change_is_in_the_append_only_history(base: dict[str, Answer]) -> None:
    """Create, edit and each state move leave one row with before and after; history rows are never rewritten."""
    water = base["water"]
    with time_machine.travel(NOW, tick=False):
        services.answer_set_state(actor=user("officer"), answer=water, state=AnswerState.DRAFT)
        services.answer_update(
            actor=user("officer"),
            answer=water,
            question=water.question,
            answer_text=water.answer + "夜间请拨打值班电话。",
            keywords=water.keywords,
            review_on=water.review_on,
        )
        with pytest.raises(DomainError):
            services.answer_set_state(actor=user("officer"), answer=water, state=AnswerState.DRAFT)
    rows = list(
        AnswerChange.objects.filter(answer=water).order_by("id").values_list("action", "before", "after")
    )
    assert [r[0] for r in rows] == ["create", "state", "edit"]
    assert rows[1][1:] == ({"state": "published"}, {"state": "draft"})
    assert list(rows[2][2]) == ["answer"]
    assert [r.detail for r in selectors.history(water)][:2] == ["解答内容", "草稿"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("question", "<script>alert(1)</script>校园卡"),
        ("answer", "请点击<a href='http://x'>这里</a>"),
        ("keywords", "<b>热水</b>"),
        ("question", "问" * 201),
        ("answer", "答" * 2001),
        ("answer", "带\x00空字符"),
        ("question", "   "),
        ("answer", "请您自行联系物业公司处理。"),
    ],
)
def test_bad_input_is_refused_with_nothing_written(demo_org: None, field: str, value: str) -> None:
    """HTML, over-long text, control characters, empty text and third-party wording: refused, no row written."""
    fields = {"question": "热水问题", "answer": "后勤处两小时内上门。", "keywords": "热水"} | {field: value}
    before = (Answer.objects.count(), AnswerToken.objects.count(), AnswerChange.objects.count())
    with time_machine.travel(NOW, tick=False), pytest.raises(DomainError) as refused:
        services.answer_create(
            actor=user("officer"),
            unit=unit("logistics"),
            review_on=NOW.date() + dt.timedelta(days=9),
            **fields,
        )
    assert refused.value.field == field
    assert (Answer.objects.count(), AnswerToken.objects.count(), AnswerChange.objects.count()) == before
    if "<" in value or len(value) > 200:
        assert isinstance(refused.value, BadValue)


@pytest.mark.parametrize("days", [-1, 3 * 366 + 1])
def test_a_review_date_in_the_past_or_too_far_ahead_is_refused(demo_org: None, days: int) -> None:
    with time_machine.travel(NOW, tick=False), pytest.raises(DomainError) as refused:
        _make(WATER, review_days=days)
    assert refused.value.field == "review_on"


def _call(**extra: object) -> dict[str, object]:
    return {
        "channel": "hotline",
        "type": "consultation",
        "campus": beijing(),
        "content": "我的一卡通丢了，去哪里补办？",
        "requester_name": "王同学",
        "contact_phone": "13900001111",
        "receiving_unit": unit("logistics"),
        "received_at": NOW,
        **extra,
    }


def test_an_officer_answers_a_call_and_the_reply_waits_for_the_head(base: dict[str, Answer]) -> None:
    """R2.8 + R4.3: the officer's on-the-spot answer is a ticket, acknowledged, level direct, its formal reply
    the answer's text awaiting the head; once the head approves, it is sent and the follow-up clock starts."""
    from jiesu.tickets import services as tickets

    with time_machine.travel(NOW, tick=False):
        on_call = services.answer_on_call(actor=user("officer"), answer=base["card"], **_call())
    ticket = on_call.use.ticket
    ticket.refresh_from_db()
    assert on_call.tracking_code and not on_call.use.sent_at_once
    assert ticket.status == Status.PENDING_APPROVAL and ticket.level == "direct"
    assert ticket.lead_unit == unit("logistics") and ticket.clocks.get(kind=ClockKind.RESPONSE).met_at
    reply = Reply.objects.get(ticket=ticket, stage=Reply.Stage.FORMAL)
    assert reply.body == CARD[1] and reply.state == Reply.State.PENDING
    assert AnswerUse.objects.get(ticket=ticket).answer == base["card"]
    assert Answer.objects.get(pk=base["card"].pk).view_count == 1
    with time_machine.travel(NOW + dt.timedelta(minutes=30), tick=False):
        tickets.reply_approve(actor=user("head"), ticket=ticket)
    ticket.refresh_from_db()
    assert ticket.status == Status.REPLIED
    assert ticket.clocks.filter(kind=ClockKind.FOLLOWUP).exists()


def test_the_head_answering_a_call_sends_the_reply_at_once(base: dict[str, Answer]) -> None:
    """The head's own on-the-spot answer is approved by the head: sent, follow-up due within 48 hours (R4.6)."""
    with time_machine.travel(NOW, tick=False):
        on_call = services.answer_on_call(
            actor=user("head"), answer=base["water"], **_call(content="宿舍没热水")
        )
    ticket = on_call.use.ticket
    ticket.refresh_from_db()
    assert on_call.use.sent_at_once and ticket.status == Status.REPLIED
    followup = ticket.clocks.get(kind=ClockKind.FOLLOWUP)
    assert followup.due_at == NOW + dt.timedelta(hours=48)
    assert Reply.objects.get(ticket=ticket, stage=Reply.Stage.FORMAL).state == Reply.State.SENT


def test_a_call_answered_through_an_office_channel_or_with_a_draft_is_refused(
    base: dict[str, Answer],
) -> None:
    """Only direct channels have a lead unit at once; only published answers may be given; nothing is written."""
    from jiesu.tickets.models import Ticket

    before = Ticket.objects.count()
    with time_machine.travel(NOW, tick=False):
        with pytest.raises(DomainError):
            services.answer_on_call(
                actor=user("dispatcher"),
                answer=base["card"],
                **_call(channel="duty_room", receiving_unit=None),
            )
        services.answer_set_state(actor=user("dispatcher"), answer=base["card"], state=AnswerState.DRAFT)
        with pytest.raises(DomainError):
            services.answer_on_call(actor=user("officer"), answer=base["card"], **_call())
    assert Ticket.objects.count() == before and not AnswerUse.objects.exists()
