"""Story 4, the world café: a facilitator plans three rounds for a list of people, opens the
session and shows a join code; three participants join on phone-sized screens, see their table
and question, post ideas linked to stages and vote; the facilitator closes the round, the
participants move tables; the ideas appear in the plan."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from tests.web.conftest import PHONE
from tests.web.pages import FacilitatorPage, LoginPage, ParticipantPage

pytestmark = pytest.mark.browser
PEOPLE = (Path(__file__).parent / "cases" / "worldcafe_people.txt").read_text(encoding="utf-8")
QUESTIONS = [
    "Qu'est-ce qui ferait gagner du temps au client ?",
    "Que faudrait-il dire au client, et quand ?",
    "Qu'est-ce qui le surprendrait en bien ?",
]


def test_a_world_cafe_from_the_join_code_to_the_plan(browser_page, web_server) -> None:
    host = browser_page()
    LoginPage(host.page, web_server.url).login("analyst")
    facilitator = FacilitatorPage(host.page, web_server.url)
    code = facilitator.open_session("Atelier remboursement", PEOPLE, 3, 3, QUESTIONS)
    assert len(code) == 6
    host.shot("4-code")

    guests = ["Léa Durand", "Olivier Simon", "Sami Garcia"]
    phones = []
    for name in guests:
        watched = browser_page(viewport=PHONE)
        participant = ParticipantPage(watched.page, web_server.url)
        participant.join(code, name)
        assert participant.question() == QUESTIONS[0]
        assert participant.table() in (1, 2, 3)
        phones.append((watched, participant))
    phones[0][0].shot("4-phone-join")

    tables_before = [p.table() for _, p in phones]
    for (_, participant), stage in zip(
        phones, ("reimbursement", "quote", "complaint"), strict=True
    ):
        participant.post(f"Idée de {participant.name()} : suivi du dossier par SMS", stage)
    for _, participant in phones:
        participant.vote_first()
    phones[0][0].shot("4-phone-voted")

    facilitator.wait_ideas(3)
    host.shot("4-live-ideas")
    facilitator.close_round()
    assert facilitator.round() == 2

    ideas_file = web_server.root / "plan" / "ideas.yaml"
    document = yaml.safe_load(ideas_file.read_text(encoding="utf-8"))
    mine = [
        i
        for i in document["ideas"]
        if i.get("origin", {}).get("workshop") == "Atelier remboursement"
    ]
    assert len(mine) == 3
    assert {i["stages"][0] for i in mine} == {"reimbursement", "quote", "complaint"}
    assert all(i["origin"]["round"] == 1 for i in mine)
    assert sum(i.get("votes", 0) for i in mine) == 3

    for (watched, participant), before in zip(phones, tables_before, strict=True):
        participant.wait_round(2)
        assert participant.question() == QUESTIONS[1]
        assert participant.table() != before  # guests change table every round
        watched.assert_clean()
    phones[1][0].shot("4-phone-round2")
    host.assert_clean()
