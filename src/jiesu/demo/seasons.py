"""The school year in the demo's requests (issue 16 item 5, R9.4): volume by month and seasonal topics (pure).

A university's requests follow its calendar: fewer in the summer and winter breaks, more when a semester starts;
heating complaints from the start of the heating season (mid-November in Beijing) through the winter, course
selection in September and February (with add/drop into March), graduation matters in May and June. The
seasonal analyses learn these patterns from past years, so the demo's two years of history must carry them.

A template belongs to a topic when its subject names one of the topic's words; its weight in a month is the
topic's factor for that month (1 for templates of no topic). Both the service-path planner and the bulk loader
draw texts through ``pick_template`` / ``topic_weights``, and days through ``volume``.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from jiesu.demo.templates import Template


@dataclass(frozen=True)
class Topic:
    words: tuple[str, ...]  # a template whose subject names one of these is of the topic
    months: dict[int, float]  # month → weight factor of the topic's templates
    otherwise: float  # the factor in the other months


TOPICS: dict[str, Topic] = {
    # Beijing's heating season: 15 November to 15 March; complaints peak when it starts.
    "heating": Topic(("暖气", "供暖"), {11: 8.0, 12: 4.0, 1: 2.5, 2: 1.5, 3: 0.6}, 0.03),
    # Course selection for the autumn semester in September, for the spring one in February (add/drop after).
    "course_selection": Topic(("选课", "补退选"), {9: 7.0, 2: 5.0, 3: 1.5, 1: 1.0, 6: 0.8}, 0.1),
    # Graduation: theses and defences in May, leaving school and degree certificates in June.
    "graduation": Topic(("毕业", "学位证", "离校"), {6: 7.0, 5: 3.0, 7: 1.0}, 0.15),
}

# Requests per day by month, relative to a teaching month: the breaks are quiet, a semester's start is busy.
VOLUME = {
    1: 0.75,
    2: 0.7,
    3: 1.1,
    4: 1.0,
    5: 1.0,
    6: 1.05,
    7: 0.45,
    8: 0.4,
    9: 1.3,
    10: 0.95,
    11: 1.15,
    12: 1.0,
}


def topic_of(template: Template) -> str:
    """The seasonal topic of a template ("" when none)."""
    subject = template[2]
    for name, topic in TOPICS.items():
        if any(word in subject for word in topic.words):
            return name
    return ""


def factor(topic: str, month: int) -> float:
    if not topic:
        return 1.0
    season = TOPICS[topic]
    return season.months.get(month, season.otherwise)


def topic_weights(templates: list[Template], month: int) -> dict[str, float]:
    """How likely a request of these templates is of each topic ("" for none) in ``month``."""
    weights: dict[str, float] = {}
    for template in templates:
        topic = topic_of(template)
        weights[topic] = weights.get(topic, 0.0) + factor(topic, month)
    return weights


def pick_template(rng: random.Random, templates: list[Template], month: int) -> Template:
    """One of ``templates``, the seasonal ones weighted by their topic's factor in ``month``."""
    return rng.choices(templates, weights=[factor(topic_of(t), month) for t in templates])[0]


def volume(day: dt.date) -> float:
    """Requests on ``day`` relative to a teaching day of the same kind (working day or not)."""
    return VOLUME[day.month]
