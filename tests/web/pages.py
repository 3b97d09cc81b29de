"""Page objects: one class per page of the web application; the tests read as user stories."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

PASSWORD = "correct horse battery"


class BasePage:
    def __init__(self, page: Any, base: str) -> None:
        self.page = page
        self.base = base

    def open(self, path: str) -> Any:
        response = self.page.goto(self.base + path)
        self.page.wait_for_load_state("networkidle")
        return response

    @property
    def heading(self) -> str:
        return str(self.page.locator("h1").first.inner_text())


class LoginPage(BasePage):
    def login(self, name: str, password: str = PASSWORD, next: str = "") -> None:
        self.open("/login" + (f"?next={next}" if next else ""))
        self.page.fill("#name", name)
        self.page.fill("#password", password)
        self.page.click("main button[type=submit]")
        self.page.wait_for_load_state("networkidle")


class HomePage(BasePage):
    def promise(self) -> str:
        return str(self.page.locator("[data-testid=promise]").inner_text())

    def kpi(self, key: str) -> Any:
        return self.page.locator(f"[data-kpi={key}]")

    def alerts(self) -> Any:
        return self.page.locator("[data-alert]")

    def open_map(self) -> None:
        self.page.locator("#maps-h + ul a").first.click()
        self.page.wait_for_load_state("networkidle")


class MapPage(BasePage):
    def choose_persona(self, persona: str) -> None:
        self.page.select_option("select[name=persona]", persona)
        self.page.click(".filters button[type=submit]")
        self.page.wait_for_load_state("networkidle")

    def hover_touchpoint(self, touchpoint: str) -> str:
        self.page.hover(f"[data-touchpoint={touchpoint}]")
        tip = self.page.locator(f"[data-tip={touchpoint}]").first
        tip.wait_for(state="visible")
        return str(tip.inner_text())

    def scored_touchpoints(self) -> list[str]:
        links = self.page.locator("a[data-touchpoint]:has(strong)")
        return [str(links.nth(i).get_attribute("data-touchpoint")) for i in range(links.count())]

    def worst_conversion_stage(self) -> str:
        cells = self.page.locator("[data-conversion]")
        worst, stage = 2.0, ""
        for i in range(cells.count()):
            text = cells.nth(i).inner_text().replace("\u202f", "").replace(",", ".")
            value = float(re.sub(r"[^0-9.]", "", text)) / 100
            if value < worst:
                worst, stage = value, str(cells.nth(i).get_attribute("data-conversion"))
        return stage

    def open_stage(self, stage: str) -> None:
        self.page.click(f"[data-stage-link={stage}]")
        self.page.wait_for_load_state("networkidle")


class CellPage(BasePage):
    def funnel_rows(self) -> Any:
        return self.page.locator("[data-testid=funnel] tbody tr")

    def verbatims(self) -> Any:
        return self.page.locator("[data-verbatim]")


class EditPage(BasePage):
    def rename_stage(self, stage: str, fr: str, en: str) -> str:
        self.page.select_option("#rename-stage", stage)
        self.page.fill("#rename-fr", fr)
        self.page.fill("#rename-en", en)
        self.page.click("#rename-form button[type=submit]")
        self.page.locator("#rename-result > *").first.wait_for()
        return str(self.page.locator("#rename-result").inner_text())

    def type_touchpoint_id(self, value: str) -> str:
        self.page.evaluate("() => { document.querySelector('#touchpoint-check').innerHTML = ''; }")
        self.page.fill("#tp-id", value)
        self.page.locator("#touchpoint-check [data-validation]").first.wait_for()
        return str(
            self.page.locator("#touchpoint-check [data-validation]").first.get_attribute(
                "data-validation"
            )
        )

    def add_touchpoint(self, tp_id: str, stage: str, channel: str, fr: str) -> str:
        self.page.fill("#tp-id", tp_id)
        self.page.select_option("#tp-stage", stage)
        self.page.select_option("#tp-channel", channel)
        self.page.fill("#tp-fr", fr)
        self.page.click("#touchpoint-form button[type=submit]")
        self.page.locator("#touchpoint-result > *").first.wait_for()
        return str(self.page.locator("#touchpoint-result").inner_text())


class IngestPage(BasePage):
    def upload(self, file: Path, mapping: str) -> None:
        self.open("/ingest")
        self.page.set_input_files("#file", str(file))
        self.page.select_option("#mapping", mapping)
        self.page.click("[data-control=upload]")
        self.page.wait_for_url(re.compile(r".*/ingest/jobs/[0-9a-f]+"))

    def wait_result(self) -> str:
        self.page.locator("[data-result]").wait_for(timeout=120_000)
        return str(self.page.locator("[data-result]").inner_text())


class QuarantinePage(BasePage):
    def rows(self) -> list[list[str]]:
        body = self.page.locator("[data-testid=quarantine] tbody tr")
        return [
            [str(c) for c in body.nth(i).locator("td").all_inner_texts()]
            for i in range(body.count())
        ]


class FacilitatorPage(BasePage):
    def open_session(
        self, name: str, people: str, tables: int, rounds: int, questions: list[str]
    ) -> str:
        self.open("/workshop/new")
        self.page.fill("#ws-name", name)
        self.page.fill("#ws-people", people)
        self.page.fill("#ws-tables", str(tables))
        self.page.fill("#ws-rounds", str(rounds))
        self.page.fill("#ws-questions", "\n".join(questions))
        self.page.click("main form button[type=submit]")
        self.page.wait_for_url(re.compile(r".*/workshop/[A-Z0-9]{6}/facilitate"))
        return str(self.page.locator("[data-join-code]").inner_text()).strip()

    def wait_ideas(self, n: int) -> None:
        self.page.wait_for_function(
            f"document.querySelectorAll('[data-testid=live-ideas] [data-idea]').length >= {n}",
            timeout=30_000,
        )

    def close_round(self) -> None:
        self.page.click("[data-control=close-round]")
        self.page.wait_for_load_state("networkidle")

    def round(self) -> int:
        return int(str(self.page.locator("#live [data-round]").get_attribute("data-round")))


class ParticipantPage(BasePage):
    def join(self, code: str, name: str) -> None:
        self.open("/workshop/join")
        self.page.fill("#join-code", code)
        self.page.fill("#join-person", name)
        self.page.click("main form button[type=submit]")
        self.page.wait_for_url(re.compile(rf".*/workshop/{code}$"))

    def name(self) -> str:
        return str(self.page.locator("#table-live h1").inner_text()).split(" ", 1)[1]

    def question(self) -> str:
        return str(self.page.locator("[data-question]").inner_text()).strip()

    def table(self) -> int:
        return int(str(self.page.locator("[data-table]").get_attribute("data-table")))

    def post(self, text: str, stage: str) -> None:
        before = self.page.locator("#table-live [data-idea]").count()
        self.page.fill("#idea-text", text)
        self.page.select_option("#idea-stage", stage)
        self.page.click("[data-control=post-idea]")
        self.page.wait_for_function(
            f"document.querySelectorAll('#table-live [data-idea]').length > {before}"
        )

    def vote_first(self) -> None:
        self.page.wait_for_load_state("networkidle")
        dots = self.page.locator("[data-dots]").get_attribute("data-dots")
        self.page.locator("[data-vote]").first.click()
        self.page.wait_for_function(
            f"document.querySelector('[data-dots]').dataset.dots !== '{dots}'"
        )

    def wait_round(self, n: int) -> None:
        self.page.wait_for_selector(f"[data-round='{n}']", timeout=30_000)


class PlanPage(BasePage):
    def first_of_class(self, code: str) -> str:
        row = self.page.locator(f"tr[data-idea-row]:has(td[data-class={code}])").first
        return str(row.get_attribute("data-idea-row"))

    def move(self, idea: str, gain: int, effort: int) -> None:
        row = self.page.locator(f"tr[data-idea-row='{idea}']")
        row.locator("select[name=gain]").select_option(str(gain))
        row.locator("select[name=effort]").select_option(str(effort))
        row.locator("button[type=submit]").click()
        self.page.wait_for_url(re.compile(rf".*/plan\?idea={idea}.*"))
        self.page.wait_for_load_state("networkidle")

    def class_of(self, idea: str) -> str:
        cell = self.page.locator(f"tr[data-idea-row='{idea}'] td[data-class]")
        return str(cell.get_attribute("data-class"))

    def team_of(self, idea: str) -> str:
        return str(self.page.locator(f"tr[data-idea-row='{idea}'] td").nth(5).inner_text()).strip()

    def evidence(self, idea: str) -> str:
        return str(self.page.locator(f"[data-evidence='{idea}']").inner_text())

    def gantt(self) -> str:
        return str(self.page.locator("[data-testid=gantt]").inner_html())

    def set_capacity(self, team: str, days: int) -> None:
        self.page.fill(f"input[name=cap_{team}]", str(days))
        self.page.click("[data-control=replan]")
        self.page.wait_for_load_state("networkidle")

    def first_sheet(self) -> str:
        return str(self.page.locator("[data-sheet]").first.get_attribute("data-sheet"))


class KpiPage(BasePage):
    def rows(self) -> list[dict[str, str]]:
        body = self.page.locator("[data-testid=kpis] tbody tr[data-kpi]")
        out = []
        for i in range(body.count()):
            cells = body.nth(i).locator("td").all_inner_texts()
            out.append(
                {
                    "baseline": cells[2],
                    "target": cells[3],
                    "latest": cells[4],
                    "interval": cells[5],
                    "status": str(
                        body.nth(i).locator("td[data-status]").get_attribute("data-status")
                    ),
                }
            )
        return out

    def uplift_rows(self) -> int:
        return int(self.page.locator("[data-testid=uplifts] tbody tr").count())
