"""Scenarios as typed objects: trigger, entry conditions, steps, exit, goal, re-entry, quiet hours.

A scenario is a YAML file (``scenarios/*.yaml`` in a workspace, or the ready ones in
``parcours/orchestrate/library``) validated by these pydantic models through
``parcours.model.load_model_file``, so a mistake is reported with its file, line and column.
Steps form a flat list run in order; a branch or a split jumps to a step id (``end`` stops).
"""

from __future__ import annotations

import os
import re
from datetime import timedelta
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from parcours.errors import ModelError

__all__ = [
    "Branch",
    "Condition",
    "Did",
    "Duration",
    "Exit",
    "Goal",
    "QuietHours",
    "Reentry",
    "Scenario",
    "Send",
    "Split",
    "Step",
    "Task",
    "Trigger",
    "Update",
    "Wait",
    "Webhook",
    "load_scenario",
]

END = "end"
_TIME = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


def _listed(event: str | list[str] | None) -> list[str]:
    """An ``event`` field (one event type, a list of them, or none) as a list."""
    if event is None:
        return []
    return [event] if isinstance(event, str) else list(event)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Duration(_Strict):
    """A span of time: any of days, hours, minutes (summed)."""

    days: float = 0
    hours: float = 0
    minutes: float = 0

    @property
    def seconds(self) -> float:
        return self.days * 86400 + self.hours * 3600 + self.minutes * 60

    def as_timedelta(self) -> timedelta:
        return timedelta(seconds=self.seconds)


class Condition(_Strict):
    """A test on a contact attribute (or on the triggering event's data with ``event.`` prefix)."""

    attribute: str
    equals: Any = None
    not_equals: Any = None
    in_: list[Any] | None = Field(default=None, alias="in")
    gt: float | None = None
    ge: float | None = None
    lt: float | None = None
    le: float | None = None
    exists: bool | None = None

    @model_validator(mode="after")
    def _one_test(self) -> Condition:
        tests = [
            self.equals is not None,
            self.not_equals is not None,
            self.in_ is not None,
            self.gt is not None,
            self.ge is not None,
            self.lt is not None,
            self.le is not None,
            self.exists is not None,
        ]
        if sum(tests) != 1:
            raise ValueError(
                "exactly one test among equals, not_equals, in, gt, ge, lt, le, exists"
            )
        return self


class Did(_Strict):
    """“Did X within T”: an event of one of these types since the enrolment (or within ``within``)."""

    event: str | list[str]
    within: Duration | None = None

    @property
    def events(self) -> list[str]:
        return _listed(self.event)


class Trigger(_Strict):
    """What enrols a customer; exactly one kind.

    - ``event``: one event type (a touchpoint id or event code) or a list;
    - ``enter``: a contact attribute becoming true (segment, lifecycle state, persona);
    - ``date``: a date attribute plus an offset (``every_year`` for anniversaries);
    - ``inactivity``: no event of these types for ``days``.
    """

    event: str | list[str] | None = None
    enter: Condition | None = None
    date: DateTrigger | None = None
    inactivity: Inactivity | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> Trigger:
        kinds = [
            k for k in ("event", "enter", "date", "inactivity") if getattr(self, k) is not None
        ]
        if len(kinds) != 1:
            raise ValueError(
                f"exactly one of event, enter, date, inactivity (found {kinds or 'none'})"
            )
        return self

    @property
    def events(self) -> list[str]:
        return _listed(self.event)


class DateTrigger(_Strict):
    attribute: str
    offset: Duration = Duration()
    every_year: bool = False
    at: str = "09:00"

    @field_validator("at")
    @classmethod
    def _time(cls, value: str) -> str:
        if not _TIME.match(value):
            raise ValueError("a time of day HH:MM")
        return value


class Inactivity(_Strict):
    event: str | list[str]
    days: float = Field(gt=0)

    @property
    def events(self) -> list[str]:
        return _listed(self.event)


class Send(_Strict):
    """Send a message: a template file, or subject and body written in the scenario (fr and en)."""

    channel: Literal["email", "sms"] = "email"
    template: str | None = None
    subject: dict[Literal["fr", "en"], str] | None = None
    body: dict[Literal["fr", "en"], str] | None = None
    purpose: str = "marketing"
    tags: list[str] = []
    transactional: bool = False

    @model_validator(mode="after")
    def _content(self) -> Send:
        if self.template is None and self.body is None:
            raise ValueError("a template name or a body (with fr and en)")
        if self.body is not None and set(self.body) != {"fr", "en"}:
            raise ValueError("a body in fr and en")
        return self


class Wait(_Strict):
    """Wait a duration, until a time of day (recipient's zone), until a date attribute + offset,
    or for a computed delay read from an attribute in days (e.g. the average usage delay)."""

    duration: Duration | None = None
    until_time: str | None = None
    until_attribute: str | None = None
    offset: Duration = Duration()
    delay_attribute: str | None = None
    factor: float = 1.0
    default_days: float | None = None

    @model_validator(mode="after")
    def _one(self) -> Wait:
        kinds = [self.duration, self.until_time, self.until_attribute, self.delay_attribute]
        if sum(k is not None for k in kinds) != 1:
            raise ValueError(
                "exactly one of duration, until_time, until_attribute, delay_attribute"
            )
        if self.until_time is not None and not _TIME.match(self.until_time):
            raise ValueError("until_time as HH:MM")
        return self


class Branch(_Strict):
    """Jump to ``then`` when every condition holds (or the customer did X within T), else ``else``."""

    conditions: list[Condition] = []
    did: Did | None = None
    then: str
    else_: str | None = Field(default=None, alias="else")

    @model_validator(mode="after")
    def _something(self) -> Branch:
        if not self.conditions and self.did is None:
            raise ValueError("conditions or did")
        return self


class Variant(_Strict):
    name: str
    weight: float = Field(gt=0)
    goto: str | None = None


class Split(_Strict):
    """Random split / A-B test; the arm is a hash of scenario and customer, so it is sticky."""

    variants: list[Variant] = Field(min_length=2)


class Task(_Strict):
    """A call-centre task (table, CSV export); ``due`` after creation."""

    queue: str = "callcentre"
    reason: dict[Literal["fr", "en"], str] | str
    due: Duration = Duration(hours=24)
    priority: int = 2


class Webhook(_Strict):
    """POST the enrolment (customer, scenario, step, data) to a URL, with an idempotency key."""

    url: str
    data: dict[str, Any] = {}


class Update(_Strict):
    attribute: str
    value: Any


class Step(_Strict):
    """One step; exactly one of send, wait, branch, split, task, webhook, update."""

    id: str
    send: Send | None = None
    wait: Wait | None = None
    branch: Branch | None = None
    split: Split | None = None
    task: Task | None = None
    webhook: Webhook | None = None
    update: Update | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> Step:
        kinds = [k for k in STEP_KINDS if getattr(self, k) is not None]
        if len(kinds) != 1:
            raise ValueError(f"exactly one of {', '.join(STEP_KINDS)} (found {kinds or 'none'})")
        return self

    @property
    def kind(self) -> str:
        return next(k for k in STEP_KINDS if getattr(self, k) is not None)


STEP_KINDS = ("send", "wait", "branch", "split", "task", "webhook", "update")


class Exit(_Strict):
    """Leave the scenario when one of these events happens (evaluated as the event arrives)."""

    events: list[str] = []
    conditions: list[Condition] = []


class Goal(_Strict):
    event: str | list[str]
    within: Duration = Duration(days=30)

    @property
    def events(self) -> list[str]:
        return _listed(self.event)


class Reentry(_Strict):
    policy: Literal["never", "after_exit", "min_interval"] = "after_exit"
    interval: Duration | None = None

    @model_validator(mode="after")
    def _interval(self) -> Reentry:
        if self.policy == "min_interval" and self.interval is None:
            raise ValueError("an interval with policy min_interval")
        return self


class QuietHours(_Strict):
    """No marketing send between ``start`` and ``end`` in the recipient's zone (deferred to end)."""

    start: str = "21:00"
    end: str = "08:00"
    days: list[Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]] = []

    @field_validator("start", "end")
    @classmethod
    def _time(cls, value: str) -> str:
        if not _TIME.match(value):
            raise ValueError("a time of day HH:MM")
        return value


class Scenario(_Strict):
    """A trigger scenario: who enters, what happens, when they leave, what counts as success."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    label: dict[Literal["fr", "en"], str] = {}
    description: dict[Literal["fr", "en"], str] = {}
    touchpoint: str | None = None  # the journey-map touchpoint (irritant, expectation) it answers
    trigger: Trigger
    conditions: list[Condition] = []
    steps: list[Step] = Field(min_length=1)
    exit: Exit = Exit()
    goal: Goal | None = None
    reentry: Reentry = Reentry()
    quiet_hours: QuietHours | None = None
    over_cap: Literal["defer", "skip", "drop"] = "defer"
    control: float = Field(default=0.0, ge=0, lt=1)
    enabled: bool = True

    @model_validator(mode="after")
    def _jumps(self) -> Scenario:
        ids = [s.id for s in self.steps]
        dup = sorted({i for i in ids if ids.count(i) > 1})
        if dup:
            raise ValueError(f"unique step ids (found {', '.join(dup)} more than once)")
        known = {*ids, END}
        for step in self.steps:
            targets: list[str | None] = []
            if step.branch is not None:
                targets = [step.branch.then, step.branch.else_]
            if step.split is not None:
                targets = [v.goto for v in step.split.variants]
            for target in targets:
                if target is not None and target not in known:
                    raise ValueError(
                        f"step {step.id!r} jumps to {target!r}: expected one of "
                        f"{', '.join(sorted(known))}"
                    )
        return self

    def index_of(self, step_id: str) -> int:
        if step_id == END:
            return len(self.steps)
        return next(i for i, s in enumerate(self.steps) if s.id == step_id)

    @property
    def transactional(self) -> bool:
        sends = [s.send for s in self.steps if s.send is not None]
        return bool(sends) and all(s.transactional for s in sends)


Trigger.model_rebuild()


def load_scenario(path: str | os.PathLike[str]) -> Scenario:
    """Read and validate a scenario YAML file; raises ModelError with every problem's place."""
    from parcours.model import load_model_file

    return load_model_file(path, Scenario, what="scenario", error=ModelError)
