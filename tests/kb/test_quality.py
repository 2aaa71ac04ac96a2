"""Search quality on the held-out questions: a floor a little below what was measured
(`python -m bench kb`: hit@3 0.924, hit@1 0.794 on 131 questions), so a change that makes
agents' answers harder to find fails here."""

from datetime import date

from sqlalchemy.orm import Session

from app.demo.knowledge import seed_demo_knowledge
from tests.kb.questions import HELD_OUT, measure

TODAY = date(2026, 12, 7)
HIT_AT_3_FLOOR = 0.90
HIT_AT_1_FLOOR = 0.75


def test_the_right_article_is_in_the_first_three_for_held_out_questions(
    session: Session,
) -> None:
    ids = seed_demo_knowledge(session, TODAY)
    quality = measure(session, HELD_OUT, ids, TODAY)
    assert quality.questions >= 100
    assert quality.hit_at_3 >= HIT_AT_3_FLOOR, [miss.text for miss, _ in quality.misses]
    assert quality.hit_at_1 >= HIT_AT_1_FLOOR
