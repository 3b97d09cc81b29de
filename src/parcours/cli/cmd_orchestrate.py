"""`parcours orchestrate ...`: run the worker, feed events, dry-run, unsubscribe, erase, report."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click

from parcours.cli._common import (
    csv_dialect,
    csv_dialect_option,
    handle_errors,
    lang_option,
    open_workspace,
    out,
    workspace_option,
)


@contextlib.contextmanager
def _orchestrator(workspace: Path, lang: str | None) -> Iterator[Any]:
    """The workspace's orchestrator; the store's connections and the workspace closed after."""
    from parcours.orchestrate import from_workspace

    with open_workspace(workspace, lang) as ws:
        orch = from_workspace(ws)
        try:
            yield orch
        finally:
            orch.store.dispose()


def _read_rows(path: Path) -> list[dict[str, Any]]:
    import csv
    import json

    if path.suffix.lower() in (".jsonl", ".ndjson", ".json"):
        text = path.read_text(encoding="utf-8")
        if path.suffix.lower() == ".json":
            data = json.loads(text)
            return list(data) if isinstance(data, list) else [data]
        return [json.loads(line) for line in text.splitlines() if line.strip()]
    with path.open(encoding="utf-8-sig", newline="") as handle:
        sample = handle.read(4096)
        handle.seek(0)
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t") if sample else csv.excel
        return [
            {k: v for k, v in row.items() if v not in (None, "")}
            for row in csv.DictReader(handle, dialect=dialect)
        ]


def _erase(customers: tuple[str, ...], workspace: Path, lang: str | None) -> None:
    from parcours.i18n import get_lang, number, t
    from parcours.orchestrate import erase_everywhere

    def size(n: int) -> str:
        return number(n / 1e6, None, 1) + (" Mo" if get_lang() == "fr" else " MB")

    def detail(rows: dict[str, int]) -> str:
        return ", ".join(f"{name} {number(n)}" for name, n in sorted(rows.items())) or "-"

    with open_workspace(workspace, lang) as ws:
        report = erase_everywhere(ws, customers)
    out.print(t("erase.done", customers=", ".join(report.customers)), markup=False)
    if report.not_found:
        out.print(t("erase.not_found", customers=", ".join(report.not_found)), markup=False)
    out.print(
        t(
            "erase.warehouse",
            rows=sum(report.warehouse_rows.values()),
            detail=detail(report.warehouse_rows),
        ),
        markup=False,
    )
    out.print(
        t("erase.ops", rows=sum(report.ops_rows.values()), detail=detail(report.ops_rows)),
        markup=False,
    )
    out.print(t("erase.suppressed", n=report.suppressed), markup=False)
    if report.size_before:
        out.print(
            t(
                "erase.compact",
                before=size(report.size_before),
                after=size(report.size_after),
                seconds=number(report.compact_seconds, None, 1),
            ),
            markup=False,
        )
    if report.removed_caches:
        out.print(
            t("erase.caches", files=", ".join(str(p) for p in report.removed_caches)),
            markup=False,
        )
    if report.files:
        out.print(t("erase.files"), markup=False)
        for path in report.files:
            out.print(f"  {path}", markup=False)
    else:
        out.print(t("erase.no_files"), markup=False)


def register(group: click.Group) -> None:
    @group.group("orchestrate")
    def orchestrate() -> None:
        """Trigger scenarios / scénarios déclenchés (worker, events, consent, reports)."""

    @orchestrate.command("run")
    @workspace_option
    @lang_option
    @click.option("--name", default=None, help="Worker name (default: host-pid).")
    @click.option("--until-idle", is_flag=True, help="Stop when nothing is due.")
    @click.option(
        "--http",
        "http",
        default=None,
        help="Also serve the public routes (events with intake tokens, unsubscribe) at HOST:PORT.",
    )
    @click.option("--batch", default=100, show_default=True)
    @click.option(
        "--poll", default=0.05, show_default=True, help="Seconds between polls when idle."
    )
    @handle_errors
    def run(
        workspace: Path,
        lang: str | None,
        name: str | None,
        until_idle: bool,
        http: str | None,
        batch: int,
        poll: float,
    ) -> None:
        """Run a worker (several may run at once) / lancer un travailleur."""
        from parcours.i18n import t
        from parcours.orchestrate import Worker

        with _orchestrator(workspace, lang) as orch:
            server = None
            if http:
                from parcours.api import serve_public

                host, _, port = http.rpartition(":")
                server = serve_public(workspace, host or "127.0.0.1", int(port), orchestrator=orch)
            worker = Worker(orch, name=name, batch=batch, poll=poll)
            try:
                processed = worker.run(until_idle=until_idle)
            finally:
                if server is not None:
                    server.shutdown()
        out.print(t("orchestrate.worker", name=worker.name, processed=processed), markup=False)

    @orchestrate.command("ingest-events")
    @click.argument(
        "files",
        nargs=-1,
        required=True,
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
    )
    @workspace_option
    @lang_option
    @handle_errors
    def ingest_events(files: tuple[Path, ...], workspace: Path, lang: str | None) -> None:
        """Feed events from CSV/JSONL files (event_id, customer_id, type, ts[, data])."""
        from parcours.i18n import t

        with _orchestrator(workspace, lang) as orch:
            for file in files:
                result = orch.ingest(_read_rows(file))
                out.print(f"{file}: " + t("orchestrate.ingested", **result.__dict__), markup=False)

    @orchestrate.command("import-contacts")
    @click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option(
        "--grant", multiple=True, help="Also record consent CHANNEL:PURPOSE (e.g. email:marketing)."
    )
    @workspace_option
    @lang_option
    @handle_errors
    def import_contacts(
        file: Path, grant: tuple[str, ...], workspace: Path, lang: str | None
    ) -> None:
        """Add or update contacts (customer_id, email, phone, lang, timezone, attributes)."""
        rows = _read_rows(file)
        with _orchestrator(workspace, lang) as orch:
            n = orch.upsert_contacts(rows)
            for item in grant:
                channel, _, purpose = item.partition(":")
                orch.set_consent(
                    {
                        "customer_id": r["customer_id"],
                        "channel": channel,
                        "purpose": purpose or "marketing",
                        "source": str(file),
                    }
                    for r in rows
                )
        out.print(f"{n}", markup=False)

    @orchestrate.command("dry-run")
    @click.argument(
        "scenarios",
        nargs=-1,
        required=True,
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
    )
    @click.option("--since", default=None, help="Replay from this date (YYYY-MM-DD).")
    @click.option("--until", default=None, help="Replay up to this date (excluded).")
    @workspace_option
    @lang_option
    @handle_errors
    def dry_run_cmd(
        scenarios: tuple[Path, ...],
        since: str | None,
        until: str | None,
        workspace: Path,
        lang: str | None,
    ) -> None:
        """Replay the warehouse's interactions through scenarios; nothing is sent."""
        from parcours.orchestrate import dry_run, load_scenario

        ws = open_workspace(workspace, lang)
        with ws:
            result = dry_run(
                ws.table("interactions"),
                [load_scenario(p) for p in scenarios],
                contacts=ws.table("customers"),
                timezone=ws.settings.timezone,
                since=since,
                until=until,
            )
        out.print(result["entries"].to_string(index=False), markup=False)
        out.print(result["steps"].to_string(index=False), markup=False)
        out.print(result["pressure"], markup=False)

    @orchestrate.command("status")
    @workspace_option
    @lang_option
    @handle_errors
    def status(workspace: Path, lang: str | None) -> None:
        """Counts: enrolments, ledger, due now, stale claims, unknown outcomes."""
        import json

        with _orchestrator(workspace, lang) as orch:
            counts = orch.status()
        out.print(json.dumps(counts, indent=2, ensure_ascii=False), markup=False)

    @orchestrate.command("unsubscribe")
    @click.argument("customer")
    @click.option("--channel", default="email", show_default=True)
    @click.option("--purpose", default="marketing", show_default=True)
    @workspace_option
    @lang_option
    @handle_errors
    def unsubscribe(
        customer: str, channel: str, purpose: str, workspace: Path, lang: str | None
    ) -> None:
        """Revoke consent now and purge queued marketing steps."""
        from parcours.i18n import t

        with _orchestrator(workspace, lang) as orch:
            purged = orch.unsubscribe(customer, channel=channel, purpose=purpose)
        out.print(
            t(
                "orchestrate.unsubscribed",
                customer=customer,
                channel=channel,
                purpose=purpose,
                purged=purged,
            ),
            markup=False,
        )

    @orchestrate.command("erase")
    @click.argument("customers", nargs=-1, required=True)
    @workspace_option
    @lang_option
    @handle_errors
    def erase(customers: tuple[str, ...], workspace: Path, lang: str | None) -> None:
        """GDPR erasure everywhere (same as `parcours erase`) / effacement partout."""
        _erase(customers, workspace, lang)

    @group.command("erase")
    @click.argument("customers", nargs=-1, required=True)
    @workspace_option
    @lang_option
    @handle_errors
    def erase_everywhere(customers: tuple[str, ...], workspace: Path, lang: str | None) -> None:
        """Erase people everywhere (GDPR) / effacer des personnes partout (RGPD).

        Warehouse tables, operational store, caches; a keyed hash keeps them out of every later
        ingest and contact import; the warehouse file is rewritten; files under out/ that
        mention them are listed."""
        _erase(customers, workspace, lang)

    @orchestrate.command("parked")
    @workspace_option
    @lang_option
    @handle_errors
    def parked(workspace: Path, lang: str | None) -> None:
        """Parked messages: the provider cannot tell whether it took them / messages en attente."""
        from datetime import datetime
        from zoneinfo import ZoneInfo

        from parcours.i18n import date as fmt_date
        from parcours.i18n import get_lang, t

        with _orchestrator(workspace, lang) as orch:
            rows = orch.parked()
            zone = ZoneInfo(orch.timezone)
        if not rows:
            out.print(t("orchestrate.parked.none"), markup=False)
            return
        out.print(t("orchestrate.parked.header", count=len(rows)), markup=False)
        for row in rows:
            moment = datetime.fromtimestamp(row.since or 0, zone)
            out.print(
                t(
                    "orchestrate.parked.row",
                    ref=row.key,
                    scenario=row.scenario_id,
                    customer=row.customer_id,
                    step=row.step_id,
                    channel=row.channel,
                    since=fmt_date(moment, get_lang()),
                    time=moment.strftime("%H:%M"),
                ),
                markup=False,
            )
        out.print(t("orchestrate.parked.hint"), markup=False)

    @orchestrate.command("resolve")
    @click.argument("key")
    @click.option(
        "--as",
        "how",
        type=click.Choice(["sent", "resend", "drop"]),
        required=True,
        help="sent: the provider had it; resend: it did not; drop: do not send it.",
    )
    @workspace_option
    @lang_option
    @handle_errors
    def resolve(key: str, how: str, workspace: Path, lang: str | None) -> None:
        """Decide about a parked message / décider d’un message en attente."""
        from parcours.i18n import t

        with _orchestrator(workspace, lang) as orch:
            done = orch.resolve_parked(key, how)
        out.print(
            t(f"orchestrate.resolved.{how}", ref=done.key, customer=done.customer_id), markup=False
        )

    @orchestrate.command("report")
    @click.option("--uplift", "uplift_of", default=None, help="Scenario id: uplift vs control arm.")
    @click.option("--baseline", type=click.Choice(["control", "holdout"]), default="control")
    @workspace_option
    @lang_option
    @handle_errors
    def report_cmd(uplift_of: str | None, baseline: str, workspace: Path, lang: str | None) -> None:
        """Entries, sends, opens/clicks, conversions per scenario; uplift with a 95% interval."""
        from parcours.orchestrate import report, uplift

        with _orchestrator(workspace, lang) as orch:
            out.print(report(orch).to_string(index=False), markup=False)
            if uplift_of:
                out.print(uplift(orch, uplift_of, baseline=baseline), markup=False)

    @orchestrate.command("tasks")
    @click.option(
        "--csv", "csv_path", type=click.Path(dir_okay=False, path_type=Path), default=None
    )
    @workspace_option
    @lang_option
    @csv_dialect_option
    @handle_errors
    def tasks(csv_path: Path | None, workspace: Path, lang: str | None) -> None:
        """Open call-centre tasks (CSV export for the call centre's tool)."""
        from parcours.export import write_csv
        from parcours.orchestrate import open_tasks

        with _orchestrator(workspace, lang) as orch:
            frame = open_tasks(orch)
        write_csv(frame, sys.stdout if csv_path is None else csv_path, dialect=csv_dialect())

    @orchestrate.command("validate")
    @click.argument(
        "files",
        nargs=-1,
        required=True,
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
    )
    @lang_option
    @handle_errors
    def validate(files: tuple[Path, ...], lang: str | None) -> None:
        """Validate scenario files (problems with file, line and column)."""
        from parcours.i18n import set_lang, t
        from parcours.orchestrate import load_scenario

        set_lang(lang or "fr")
        for file in files:
            load_scenario(file)
            out.print(t("orchestrate.valid", file=str(file)), markup=False)

    @orchestrate.command("library")
    @click.option(
        "--copy",
        "copy_to",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help="Copy the ready scenarios into this folder.",
    )
    def library(copy_to: Path | None) -> None:
        """List (or copy) the ready scenarios / la bibliothèque de scénarios prêts."""
        import shutil

        from parcours.orchestrate import library_files

        for file in library_files():
            if copy_to is not None:
                copy_to.mkdir(parents=True, exist_ok=True)
                shutil.copy(file, copy_to / file.name)
            out.print(file.stem, markup=False)
