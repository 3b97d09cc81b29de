"""What the CLI says around a load and a Kano survey: hints that run as printed, quiet logs."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from parcours.cli import cli
from parcours.export import read_csv_export

CASES = Path(__file__).parents[1] / "ingest" / "cases"
KANO = (
    "feature;functional;dysfunctional\n"
    "suivi;J'aime;Je n'aime pas\nsuivi;J'aime;Ça m'est égal\nsuivi;J'aime;Je n'aime pas\n"
)


def _ingest(root: Path, *extra: str) -> str:
    result = CliRunner().invoke(
        cli,
        [
            "ingest",
            str(CASES / "crm_hostile.csv"),
            "-m",
            str(CASES / "crm_hostile.yaml"),
            "-w",
            str(root),
            *extra,
        ],
    )
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("folder", ["ws", "mon espace"])
def test_the_quarantine_hint_names_the_workspace_and_runs_as_printed(tmp_path, folder):
    root = tmp_path / folder
    CliRunner().invoke(cli, ["init", str(root)])
    output = _ingest(root)
    hint = next(line for line in output.splitlines() if "parcours quarantine" in line)
    assert hint == f"Voir les lignes rejetées : parcours quarantine -w {shlex.quote(str(root))}"
    command = shlex.split(hint.split(" : ", 1)[1])
    assert command[:2] == ["parcours", "quarantine"]
    listing = CliRunner().invoke(cli, command[1:])  # from another folder: -w finds it
    assert listing.exit_code == 0, listing.output
    assert "(7)" in listing.output


def test_away_from_a_terminal_a_load_is_quiet_unless_verbose_then_french(tmp_path):
    root = tmp_path / "ws"
    CliRunner().invoke(cli, ["init", str(root)])
    quiet = _ingest(root)
    assert "identit" not in quiet
    assert not [line for line in quiet.splitlines() if line.startswith(("parcours:", "parcours :"))]
    assert "13 lignes lues, 6 chargées, 7 en quarantaine" in quiet
    root2 = tmp_path / "ws2"
    CliRunner().invoke(cli, ["init", str(root2)])
    loud = _ingest(root2, "-v").splitlines()
    phases = [line for line in loud if line.startswith("parcours :")]
    assert "parcours : crm_hostile.csv : identités" in phases
    assert "parcours : crm_hostile.csv : lecture" in phases
    assert not any("identities" in line for line in loud)
    root3 = tmp_path / "ws3"
    CliRunner().invoke(cli, ["init", str(root3), "--lang", "en"])
    english = _ingest(root3, "--verbose")
    assert "parcours: crm_hostile.csv: identities" in english.splitlines()


def test_voc_kano_takes_the_workspace_for_language_and_csv_dialect(tmp_path):
    answers = tmp_path / "kano.csv"
    answers.write_text(KANO, encoding="utf-8")
    root = tmp_path / "en-ws"
    CliRunner().invoke(cli, ["init", str(root), "--lang", "en"])
    out = tmp_path / "kano_out.csv"
    result = CliRunner().invoke(
        cli, ["voc", "kano", str(answers), "-w", str(root), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "approved" in result.output
    assert "retenue" not in result.output
    assert not out.read_bytes().startswith(b"\xef\xbb\xbf")  # an English workspace: RFC 4180
    row = read_csv_export(out, dialect="rfc4180").iloc[0]
    assert (row["category"], row["better"]) == ("O", 1.0)
    french = CliRunner().invoke(cli, ["voc", "kano", str(answers), "--workspace", str(tmp_path)])
    assert french.exit_code == 0, french.output  # not a workspace: the file is enough
    assert "retenue" in french.output
