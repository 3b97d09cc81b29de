"""Mapping files are validated like journey maps: every problem, at its line and column."""

from __future__ import annotations

import pytest

from parcours.errors import MappingError
from parcours.ingest import load_mapping

BROKEN = """\
parcours: 1
target: interactions
identifiers: {crm_id: Code client}
columns:
  ts: {form: Date, type: datetime}
  amount: {from: Montant, type: money}
touchpoints:
  rules:
    - {equals: X, in: [Y], touchpoint: t}
"""


def test_every_problem_of_a_mapping_is_placed(tmp_path):
    path = tmp_path / "crm.yaml"
    path.write_text(BROKEN, encoding="utf-8")
    with pytest.raises(MappingError) as caught:
        load_mapping(path)
    problems = {(p.line, p.path): p for p in caught.value.problems}
    typo = problems[(5, "columns.ts.form")]
    assert typo.column == 8
    assert "did you mean" in typo.found
    assert "from" in typo.expected
    kind = problems[(6, "columns.amount.type")]
    assert "'money'" in kind.found
    assert "'decimal'" in kind.expected
    assert any(p.line == 9 and "exactly one of" in p.expected for p in caught.value.problems)


def test_a_mapping_that_is_not_yaml_says_where(tmp_path):
    path = tmp_path / "crm.yaml"
    path.write_text("target: interactions\ncolumns: {ts: [\n", encoding="utf-8")
    with pytest.raises(MappingError) as caught:
        load_mapping(path)
    (problem,) = caught.value.problems
    assert problem.line is not None
    assert str(problem).startswith(str(path))


def test_the_demo_mappings_are_valid():
    from parcours.demo import MAPPINGS_DIR

    files = sorted(MAPPINGS_DIR.glob("*.yaml"))
    assert len(files) == 6
    for file in files:
        assert load_mapping(file).identifiers
