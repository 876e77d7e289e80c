"""Knowledge base pages (R2.8): the suggestions partial of the request forms, the search page, the answer page
that counts views, the editing pages of a unit's officers (and nobody else), and the hotline form's
"answered with this" submitting the whole call."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from jiesu.demo.knowledge import ANSWERS, load_demo_answers
from jiesu.knowledge.models import Answer, AnswerUse
from jiesu.tickets.models import Ticket
from tests.support import at, beijing, queries_for, signed_in, unit

pytestmark = pytest.mark.django_db

NOW = at(2026, 11, 20, 10)


@pytest.fixture
def answers(demo_org: None) -> None:
    with time_machine.travel(NOW, tick=False):
        load_demo_answers()


def _card() -> Answer:
    return Answer.objects.get(question="校园卡丢失了如何补办？")


def test_the_demo_seed_is_idempotent_and_covers_many_units(answers: None) -> None:
    """About forty answers over at least ten units; loading twice adds nothing."""
    assert Answer.objects.count() == len(ANSWERS) >= 40
    assert Answer.objects.values("unit").distinct().count() >= 10
    with time_machine.travel(NOW, tick=False):
        assert load_demo_answers() == 0


def test_the_suggestions_show_at_most_three_answers_for_what_is_typed(answers: None) -> None:
    """The partial answers the typed subject and content; a requester gets no "answered with this" button."""
    with time_machine.travel(NOW, tick=False):
        page = signed_in("student").get(
            reverse("knowledge:suggest"), {"subject": "", "content": "一卡通丢了怎么补办"}
        )
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count('data-testid="kb-suggestion"') <= 3 and "校园卡丢失了如何补办" in html
    assert "这些解答也许能帮到您" in html and "kb-answer-call" not in html


def test_the_hotline_form_gets_the_answer_button_and_requesters_cannot_ask_for_it(answers: None) -> None:
    with time_machine.travel(NOW, tick=False):
        officer = signed_in("officer").get(
            reverse("knowledge:suggest"), {"content": "校园卡丢了", "call": "1"}
        )
        student = signed_in("student").get(
            reverse("knowledge:suggest"), {"content": "校园卡丢了", "call": "1"}
        )
    assert "kb-answer-call" in officer.content.decode()
    assert "kb-answer-call" not in student.content.decode()


def test_nothing_typed_shows_nothing_and_signed_out_people_are_sent_to_sign_in(answers: None) -> None:
    with time_machine.travel(NOW, tick=False):
        empty = signed_in("student").get(reverse("knowledge:suggest"), {"content": "   "})
    assert "kb-suggestion" not in empty.content.decode()
    from django.test import Client

    assert Client().get(reverse("knowledge:search"), {"q": "热水"}).status_code == 302


def test_opening_an_answer_counts_a_view(answers: None) -> None:
    card = _card()
    client = signed_in("student")
    with time_machine.travel(NOW, tick=False):
        client.get(reverse("knowledge:peek", args=[card.pk]))
        page = client.get(reverse("knowledge:detail", args=[card.pk]))
    assert page.status_code == 200 and card.answer in page.content.decode()
    assert Answer.objects.get(pk=card.pk).view_count == 2


def test_the_search_page_ranks_and_its_query_count_is_fixed(answers: None) -> None:
    """The search page lists matching answers; its queries do not grow with the hits."""
    client = signed_in("student")
    with time_machine.travel(NOW, tick=False):
        page = client.get(reverse("knowledge:search"), {"q": "想补办校园卡"})
        few = queries_for(client, reverse("knowledge:search") + "?q=校园卡")
        many = queries_for(client, reverse("knowledge:search") + "?q=宿舍 校园 图书 报销 学费 成绩 车辆")
    assert "校园卡丢失了如何补办" in page.content.decode()
    assert few == many


def test_only_editors_open_the_editing_pages_and_only_of_their_units(answers: None) -> None:
    """Requesters and unit staff get 403; the logistics officer edits logistics answers, not the library's."""
    library = Answer.objects.filter(unit=unit("library")).first()
    water = Answer.objects.get(question="宿舍没有热水怎么办？")
    assert library is not None
    with time_machine.travel(NOW, tick=False):
        assert signed_in("student").get(reverse("knowledge:manage")).status_code == 403
        assert signed_in("handler").get(reverse("knowledge:create")).status_code == 403
        officer = signed_in("officer")
        assert officer.get(reverse("knowledge:edit", args=[library.pk])).status_code == 403
        assert officer.get(reverse("knowledge:edit", args=[water.pk])).status_code == 200
        listing = officer.get(reverse("knowledge:manage")).content.decode()
    assert water.question in listing and library.question not in listing


def test_the_edit_form_refuses_html_and_over_long_text_in_chinese(answers: None) -> None:
    water = Answer.objects.get(question="宿舍没有热水怎么办？")
    data = {
        "question": "<b>热水</b>",
        "answer": "答" * 2001,
        "keywords": "热水",
        "review_on": (NOW.date() + dt.timedelta(days=30)).isoformat(),
    }
    with time_machine.travel(NOW, tick=False):
        page = signed_in("officer").post(reverse("knowledge:edit", args=[water.pk]), data)
    html = page.content.decode()
    assert page.status_code == 422
    assert "2000" in html  # the length limit, beside the answer
    water.refresh_from_db()
    assert water.question == "宿舍没有热水怎么办？"
    data["answer"] = "后勤处两小时内上门。"
    with time_machine.travel(NOW, tick=False):
        page = signed_in("officer").post(reverse("knowledge:edit", args=[water.pk]), data)
    assert page.status_code == 422 and "不能包含网页标签" in page.content.decode()


def test_an_officer_creates_and_publishes_an_answer(answers: None) -> None:
    data = {
        "unit": unit("logistics").pk,
        "question": "快递柜在哪里？",
        "answer": "快递柜在每栋宿舍楼一层大厅，后勤处负责维护。",
        "keywords": "快递 包裹",
        "review_on": (NOW.date() + dt.timedelta(days=90)).isoformat(),
        "publish": "1",
    }
    with time_machine.travel(NOW, tick=False):
        page = signed_in("officer").post(reverse("knowledge:create"), data)
        assert page.status_code == 302
        found = signed_in("student").get(reverse("knowledge:search"), {"q": "包裹放哪"}).content.decode()
    assert "快递柜在哪里" in found


def _call_form(**extra: str) -> dict[str, str]:
    return {
        "channel": "hotline",
        "receiving_unit": str(unit("logistics").pk),
        "received_at": "2026-11-20T09:58",
        "requester_name": "王同学",
        "requester_kind": "student",
        "campus": str(beijing().pk),
        "contact_phone": "13900001111",
        "type": "consultation",
        "subject": "",
        "content": "一卡通丢了怎么补办",
        **extra,
    }


def test_answered_with_this_records_the_ticket_and_shows_its_reply_state(answers: None) -> None:
    """The hotline form posted to "answered with this": a ticket, the link kept, the recorder sees the number and
    that the reply awaits the head (an officer recorded it)."""
    client = signed_in("officer")
    with time_machine.travel(NOW, tick=False):
        posted = client.post(reverse("knowledge:answer_call", args=[_card().pk]), _call_form())
        assert posted.status_code == 302, posted.content.decode()[:2000]
        shown = client.get(posted["Location"])
    use = AnswerUse.objects.get()
    assert use.answer == _card() and use.ticket.content == "一卡通丢了怎么补办"
    html = shown.content.decode()
    assert use.ticket.number in html and "kb-reply-pending" in html


def test_answered_with_this_with_a_bad_form_shows_the_errors_and_writes_nothing(answers: None) -> None:
    client = signed_in("officer")
    with time_machine.travel(NOW, tick=False):
        page = client.post(reverse("knowledge:answer_call", args=[_card().pk]), _call_form(content=""))
    assert page.status_code == 422 and 'data-testid="form-errors"' in page.content.decode()
    assert not Ticket.objects.exists() and not AnswerUse.objects.exists()
    with time_machine.travel(NOW, tick=False):
        refused = signed_in("student").post(reverse("knowledge:answer_call", args=[_card().pk]), _call_form())
    assert refused.status_code == 403
