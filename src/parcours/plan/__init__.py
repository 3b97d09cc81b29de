"""Prioritise: from findings to a scheduled road map, and the workshops that produce the ideas.

    >>> from parcours import Workspace, plan
    >>> with Workspace.open("mutuelle") as ws:  # doctest: +SKIP
    ...     ideas = plan.workspace_ideas(ws)                 # plan/ideas.yaml, validated
    ...     scores = plan.score_ideas(ideas, plan.plan_settings(ws), evidence=plan.evidence(ws, ideas))
    ...     roadmap = plan.schedule(ideas, capacity={"digital": 20}, start="2027-01-01")

The method (DOMAIN.md §7): ideas are evaluated (effort versus gain, five weighted criteria,
RICE, ICE, MoSCoW, Kano), classed (quick win, must have, nice to have, time sink), ordered by
their dependencies and groups, sequenced into a road map under team capacities, each with a
workstream sheet (fiche chantier) and KPIs followed monthly. Workshops (world café, creative
workshop, dot votes) produce and weigh the ideas. Errors: :class:`PlanError` (a ParcoursError);
an invalid ideas file raises :class:`~parcours.errors.ModelError` with every problem's place.
"""

from __future__ import annotations

from parcours.errors import PlanError
from parcours.plan import _messages as _messages  # registers the package's words
from parcours.plan._charts import gantt_svg, matrix_svg
from parcours.plan._evidence import EVIDENCE_COLUMNS, GAIN_WEIGHTS, KANO_FILE, evidence, idea_places
from parcours.plan._export import export_csv
from parcours.plan._graph import IdeaGraph, check_graph, idea_graph
from parcours.plan._ideas import (
    CRITERIA,
    IDEAS_FILE,
    IDEAS_SCHEMA_PATH,
    KANO_CLASSES,
    STATUSES,
    Idea,
    IdeaKpi,
    IdeaOrigin,
    Ideas,
    dump_ideas,
    ideas_json_schema,
    load_ideas,
    save_ideas,
    validate_ideas_file,
    write_ideas_schema,
)
from parcours.plan._import import ImportReport, merge_ideas, read_sheet
from parcours.plan._kpis import KPI_COLUMNS, KpiFollowUp, follow_kpis, kpi_series, kpi_status
from parcours.plan._lane import LANE_STATUSES, stage_lane
from parcours.plan._roadmap import ROADMAP_COLUMNS, Roadmap, period_starts, schedule
from parcours.plan._scoring import (
    CLASSES,
    MoscowCheck,
    classify,
    criteria_score,
    effort_from_days,
    ice,
    moscow_check,
    rice,
    score_ideas,
    sensitivity,
)
from parcours.plan._settings import DEFAULT_WEIGHTS, PlanSettings, plan_settings
from parcours.plan._sheets import workstream_sheets, workstreams, write_sheets
from parcours.plan._store import ideas_path, import_ideas, workspace_ideas
from parcours.plan._workshops import (
    CreativeWorkshop,
    WorldCafe,
    apply_votes,
    creative_workshop,
    read_people,
    read_votes,
    world_cafe,
    worldcafe_sheets,
)

__all__ = [
    "CLASSES",
    "CRITERIA",
    "DEFAULT_WEIGHTS",
    "EVIDENCE_COLUMNS",
    "GAIN_WEIGHTS",
    "IDEAS_FILE",
    "IDEAS_SCHEMA_PATH",
    "KANO_CLASSES",
    "KANO_FILE",
    "KPI_COLUMNS",
    "LANE_STATUSES",
    "ROADMAP_COLUMNS",
    "STATUSES",
    "CreativeWorkshop",
    "Idea",
    "IdeaGraph",
    "IdeaKpi",
    "IdeaOrigin",
    "Ideas",
    "ImportReport",
    "KpiFollowUp",
    "MoscowCheck",
    "PlanError",
    "PlanSettings",
    "Roadmap",
    "WorldCafe",
    "apply_votes",
    "check_graph",
    "classify",
    "creative_workshop",
    "criteria_score",
    "dump_ideas",
    "effort_from_days",
    "evidence",
    "export_csv",
    "follow_kpis",
    "gantt_svg",
    "ice",
    "idea_graph",
    "idea_places",
    "ideas_json_schema",
    "ideas_path",
    "import_ideas",
    "kpi_series",
    "kpi_status",
    "load_ideas",
    "matrix_svg",
    "merge_ideas",
    "moscow_check",
    "period_starts",
    "plan_settings",
    "read_people",
    "read_sheet",
    "read_votes",
    "rice",
    "save_ideas",
    "schedule",
    "score_ideas",
    "sensitivity",
    "stage_lane",
    "validate_ideas_file",
    "workspace_ideas",
    "workstream_sheets",
    "workstreams",
    "world_cafe",
    "worldcafe_sheets",
    "write_ideas_schema",
    "write_sheets",
]
