"""Words people read: no internal rule ids (R4.5 …) on any page, message or export (issue 14 item 4)."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from openpyxl import load_workbook

from jiesu.notify.models import Notification, Outbox
from jiesu.tickets.states import Status
from tests.support import drive, signed_in

RULE_ID = re.compile(r"\bR\d{1,2}\.\d")
CATALOG = Path(__file__).parents[2] / "src/jiesu/locale/zh_Hans/LC_MESSAGES/django.po"
ENGLISH = CATALOG.parents[2] / "en/LC_MESSAGES/django.po"

pytestmark = pytest.mark.django_db


def test_no_translation_shows_a_rule_id() -> None:
    """Every Chinese text in the catalog cites the article (第九条) or nothing, never a rule id."""
    with CATALOG.open("rb") as handle:
        catalog = read_po(handle)
    leaks = []
    for message in catalog:
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        leaks += [s for s in strings if s and RULE_ID.search(s)]
    assert leaks == []


def test_english_words_show_no_rule_id_either() -> None:
    """English is offered too (a browser asking for it gets it): every source text that names a rule id has an
    English text without one, so no language shows a rule id."""
    with CATALOG.open("rb") as handle:
        chinese = read_po(handle)
    with ENGLISH.open("rb") as handle:
        english = read_po(handle)
    named = [m.id for m in chinese if any(i and RULE_ID.search(i) for i in _strings(m.id))]
    assert named, "the catalog's source texts no longer name rule ids: remove the English catalog"
    missing = [i for i in named if english.get(i) is None or not all(_strings(english.get(i).string))]
    leaks = [s for m in english for s in _strings(m.string) if s and RULE_ID.search(s)]
    assert (missing, leaks) == ([], [])


def test_a_page_in_english_shows_no_rule_id(demo_org: None) -> None:
    """The Office's home names the dispatch queue's same-day rule in words, in English as in Chinese."""
    drive(Status.PENDING_APPROVAL)
    page = _text(signed_in("dispatcher").get("/", HTTP_ACCEPT_LANGUAGE="en"))
    assert 'lang="en"' in page and "The dispatch queue (same day)" in page
    assert not RULE_ID.search(page), RULE_ID.findall(page)


def _strings(value: str | tuple[str, ...]) -> tuple[str, ...]:
    return value if isinstance(value, tuple) else (value,)


def _text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


@pytest.mark.parametrize(
    ("username", "urls"),
    [
        ("dispatcher", ["/", "/work/dispatch/", "/work/redispatch/", "/work/replied/", "/ledger/"]),
        ("head", ["/", "/work/approvals/", "/work/inbox/", "/work/followups/", "/ledger/"]),
        ("library_officer", ["/", "/work/cohandling/"]),
        ("leader", ["/", "/work/instructions/"]),
        ("admin", ["/", "/calendar/"]),
        ("student", ["/", "/requests/mine/", "/requests/new/", "/notifications/"]),
    ],
)
def test_pages_show_no_rule_id(demo_org: None, username: str, urls: list[str]) -> None:
    """The pages each role opens most speak in words, not rule ids."""
    drive(Status.PENDING_APPROVAL)
    client = signed_in(username)
    for url in urls:
        text = _text(client.get(url))
        assert not RULE_ID.search(text), (url, RULE_ID.findall(text))


def test_ticket_page_and_messages_show_no_rule_id(demo_org: None) -> None:
    """The ticket page (clocks with their rules, contact, history), every notification and every outgoing
    message of a full lifecycle carry no rule id."""
    ticket = drive(Status.REPLIED)
    for username in ("officer", "head", "dispatcher"):
        text = _text(signed_in(username).get(f"/tickets/{ticket.number}/"))
        assert not RULE_ID.search(text), (username, RULE_ID.findall(text))
    texts = [f"{n.title} {n.body}" for n in Notification.objects.all()]
    texts += [f"{o.subject} {o.body}" for o in Outbox.objects.all()]
    assert texts
    assert [t for t in texts if RULE_ID.search(t)] == []


def test_ledger_export_shows_no_rule_id(demo_org: None) -> None:
    """The Excel export's headers and cells carry no rule id."""
    drive(Status.REPLIED)
    response = signed_in("dispatcher").get("/ledger/export.xlsx")
    assert response.status_code == 200
    book = load_workbook(
        io.BytesIO(b"".join(response.streaming_content if response.streaming else [response.content]))
    )
    cells = [str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value]
    assert cells
    assert [c for c in cells if RULE_ID.search(c)] == []


def test_every_history_action_has_chinese_words() -> None:
    """Each action the code writes to a ticket's history reads as Chinese words, never as its key
    (``attachment_added``)."""
    from django.utils import translation

    from jiesu.tickets.views.history import event_label

    source = Path(__file__).parents[2] / "src/jiesu"
    # The reports' and the supervision orders' own logs name their actions apart from the ticket's history.
    own_logs = {"reporting", "supervision"}
    written = {
        match
        for path in source.rglob("*.py")
        if "migrations" not in path.parts and not own_logs & set(path.relative_to(source).parts[:1])
        for match in re.findall(r'action="([a-z_]+)"', path.read_text(encoding="utf-8"))
    } - {"store_true"}
    written |= {"closed", "closed_explained", "reopened"}  # named by the follow-up's conclusion
    assert "attachment_added" in written
    with translation.override("zh-hans"):
        untranslated = {a for a in written if not re.search(r"[\u4e00-\u9fff]", event_label(a))}
    assert untranslated == set()


def test_form_errors_read_as_plain_chinese() -> None:
    """Django's own form errors speak to a student, not a programmer (no "确保该变量包含不超过 5000 字符")."""
    from django import forms
    from django.utils import translation

    class Sample(forms.Form):
        content = forms.CharField(max_length=5)
        email = forms.EmailField()
        count = forms.IntegerField(max_value=3)

    with translation.override("zh-hans"):
        form = Sample({"content": "宿舍楼暖气不热了", "email": "x", "count": "9"})
        assert not form.is_valid()
        errors = {name: [str(e) for e in errs] for name, errs in form.errors.items()}
    assert errors == {
        "content": ["最多可填写 5 个字，现在是 8 个字，请删减。"],
        "email": ["请填写正确的电子邮箱地址。"],
        "count": ["不能大于 3。"],
    }


def test_the_admin_names_our_models_in_chinese() -> None:
    """Every model of ours in the Django admin, and its app, has a Chinese name."""
    from django.apps import apps
    from django.contrib import admin
    from django.utils import translation

    ours = [m for m in apps.get_models() if m.__module__.startswith("jiesu.") and admin.site.is_registered(m)]
    assert ours
    with translation.override("zh-hans"):
        names = {
            m.__name__: (str(m._meta.verbose_name_plural), str(m._meta.app_config.verbose_name)) for m in ours
        }
    english = {
        k: v
        for k, v in names.items()
        if re.search(r"[A-Za-z]{3,}", "".join(v).replace("API", "").replace("REST", ""))
    }
    assert english == {}
