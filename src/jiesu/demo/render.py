"""Fill the corpus's templates: one value per slot per ticket, campus-aware, deterministic for the generator."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from jiesu.demo import phrases
from jiesu.demo.corpus import Template
from jiesu.demo.slots import SLOTS

_FIELD = re.compile(r"\{(\w+)\}")


def fill(text: str, binding: dict[str, str], rng: random.Random, campus: str = "beijing") -> str:
    """Replace each ``{name}`` by the bound value, drawing unbound slots once (campus overrides first)."""

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in binding:
            source = SLOTS.get(f"{name}@{campus}") or SLOTS.get(name)
            if source is None:
                raise KeyError(f"no value for {{{name}}}")
            binding[name] = source(rng) if callable(source) else rng.choice(source)
        return binding[name]

    return _FIELD.sub(value, text)


@dataclass(frozen=True)
class Text:
    type: str
    subject: str
    content: str
    answer: str  # what the unit will have done, for its formal reply


def request_text(
    rng: random.Random, template: Template, *, unit_name: str, kind_letter: str, campus: str
) -> Text:
    """Subject and content of one request: opening + the template's body + a closing fitting its type."""
    type_, _kinds, subject, body, answer = template
    binding = {"unit": unit_name}
    subject = fill(subject, binding, rng, campus)
    body = fill(body, binding, rng, campus)
    opening = rng.choice(phrases.OPENINGS[kind_letter])
    closing = rng.choice(phrases.CLOSINGS[type_])
    return Text(type_, subject, f"{opening}{body}{closing}", fill(answer, binding, rng, campus))


def greeting(name: str, kind_letter: str) -> str:
    """您好, with the requester's name where the reply may address them by it."""
    if not name or kind_letter == "e":
        return "您好"
    return f"{name}同学，您好" if kind_letter == "s" else f"{name}老师，您好"


def reply_text(rng: random.Random, *, unit_name: str, subject: str, hello: str, answer: str) -> str:
    """A formal reply in the unit's voice (R6.5: never sends the requester to a third party)."""
    return rng.choice(phrases.REPLY_WRAPPERS).format(
        greeting=hello, subject=subject, unit=unit_name, resolution=answer
    )
