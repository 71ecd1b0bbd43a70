"""The `referent` command: thin click commands over the library in index/ and the adapters in bot/."""

from __future__ import annotations

import json
import logging
import sys
from functools import partial

import click

from index.config import db_path, load_config

log = logging.getLogger("referent.digest")
SERVICES = frozenset({"serve", "slack", "sync", "digest", "fetch", "migrate"})


db_option = click.option(
    "--db", metavar="FILE", help="SQLite database (default: REFERENT_DB, then config, then referent.db)."
)


def _store(db: str | None):
    from index.store import Store

    return Store(db_path(db))


def _read_store(db: str | None):
    """The database a read command works on: refused when it does not exist (opening it would create an
    empty one, which then answers every question with "Jeg fandt ikke noget"), a warning when it is empty."""
    from pathlib import Path

    path = db_path(db)
    if path != ":memory:" and not Path(path).exists():
        raise click.ClickException(f"no such database {path} (run `referent ingest PATH --db {path}` first)")
    store = _store(path)
    if store.item_count() == 0:
        click.echo(f"warning: database {path} holds no minutes yet (run `referent ingest PATH --db {path}`)", err=True)
    return store


def _record(kind: str, store, sources, summary: dict, started: str) -> None:
    """The run goes to the log (one INFO line, a WARNING per failed file) and to the status page's history."""
    import logging

    from bot.logs import ingest_outcome
    from index.runs import record_sources

    ingest_outcome(logging.getLogger(f"referent.{kind}"), kind, summary)
    record_sources(store, kind, [str(s) for s in sources], summary, started_at=started)


def _notify(store, cfg) -> None:
    """After every ingest, fetch or sync: tell the follows ("Følg sagen") about new treatments. Its outcome is a
    log line; it never changes the command's exit code (a failed notice is retried next run)."""
    from bot import notify

    try:
        notify.run(store, cfg)
    except Exception:
        logging.getLogger("referent.follow").exception("notifying the follows failed; retried next run")


def _console(stderr: bool = False):
    from rich.console import Console

    # soft_wrap: a line is never broken by the console (paths, ids and URLs stay whole; the terminal wraps).
    return Console(stderr=stderr, highlight=False, soft_wrap=True)


class _Referent(click.Group):
    """Database errors (a full disk, a read-only or damaged file) end a command with one line, not a trace."""

    def invoke(self, ctx: click.Context) -> object:
        import sqlite3

        from index.store import StoreError, error_line

        args = [*ctx.protected_args, *ctx.args]  # click empties these on the way to the subcommand
        try:
            return super().invoke(ctx)
        except (sqlite3.Error, StoreError) as exc:
            raise click.ClickException(error_line(exc, _db_of(args))) from None


def _db_of(args: list[str]) -> str:
    """The database the subcommand was given (--db), else the configured one, for the error line."""
    for i, arg in enumerate(args):
        if arg == "--db" and i + 1 < len(args):
            return args[i + 1]
        if arg.startswith("--db="):
            return arg.split("=", 1)[1]
    return db_path(None)


@click.group(cls=_Referent)
@click.version_option(package_name="referent")
@click.option(
    "--log-level", type=click.Choice(["debug", "info", "warning", "error"], case_sensitive=False),
    help="Log level for this command (default: REFERENT_LOG_LEVEL, then info). Logs go to stderr.",
)  # fmt: skip
@click.pass_context
def main(ctx: click.Context, log_level: str | None) -> None:
    """Referent: answers questions about municipal minutes (referater)."""
    from bot import logs

    # The services log their outcomes at INFO; commands whose stdout is the report stay quiet below WARNING
    # unless asked (their INFO lines would repeat what they print).
    default = "info" if ctx.invoked_subcommand in SERVICES else "warning"
    try:
        logs.setup(log_level, default=default)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from exc


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--municipality", help="The municipality these minutes belong to (default: the folder's [[sources]]).")
def ingest(paths: tuple[str, ...], db: str | None, as_json: bool, municipality: str | None) -> None:
    """Read minutes (PDF, text, Markdown, web pages, First Agenda JSON) from files and folders into the database."""
    from index.ingest import discover, ingest_paths, skipped_files
    from index.store import now

    cfg = _config()
    store = _store(db)
    town = (lambda _p: municipality) if municipality else cfg.municipality_for
    started = now()
    errors: list = []
    files = discover(paths, errors)
    errors.extend(skipped_files(paths))
    err = _console(stderr=True)
    if sys.stderr.isatty() and not as_json:
        from rich.progress import Progress

        with Progress(console=err, transient=True) as progress:
            task = progress.add_task("Indlæser", total=len(files))
            report = ingest_paths(
                store, paths, files=files, max_bytes=cfg.max_file_mb * 1024 * 1024,
                on_file=lambda _r: progress.advance(task), municipality_for=town,
            )  # fmt: skip
    else:
        report = ingest_paths(store, paths, files=files, max_bytes=cfg.max_file_mb * 1024 * 1024, municipality_for=town)
    report.files[:0] = errors
    summary = report.summary()
    _record("ingest", store, paths, summary, started)
    _notify(store, cfg)
    if as_json:
        click.echo(json.dumps(summary, ensure_ascii=False, indent=2))
    else:
        out = _console()
        out.print(
            f"Meetings: {summary['added']} added, {summary['updated']} updated, {summary['unchanged']} unchanged; "
            f"{summary['items_stored']} items stored ({summary['items_without_text']} without text); "
            f"{summary['failed']} failed; {summary['skipped']} skipped."
        )
        for f in report.failed:
            out.print(f"  [red]failed[/red] {f.path}: {f.reason}")
        for f in report.skipped:
            out.print(f"  [dim]skipped[/dim] {f.path}: {f.reason}")
        for f in report.warned:
            for warning in f.warnings:
                out.print(f"  [yellow]warning[/yellow] {f.path}: {warning}")
    sys.exit(1 if report.failed else 0)


@main.command()
@db_option
@click.option("--json", "as_json", is_flag=True)
def meetings(db: str | None, as_json: bool) -> None:
    """List stored meetings: id, forum, date, items, source."""
    rows = [
        {"id": r["id"], "forum": r["forum"], "date": r["date"], "items": r["item_count"], "source": r["source_path"]}
        for r in _read_store(db).meetings()
    ]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    # Plain columns as wide as their widest value: an id is what `referent show` needs, so it is never cut
    # or wrapped, whatever the terminal's width (the source path, last, may wrap).
    table = [("id", "forum", "date", "items", "source")] + [
        (r["id"], r["forum"], r["date"], str(r["items"]), r["source"] or "") for r in rows
    ]
    widths = [max(len(row[i]) for row in table) for i in range(4)]
    for row in table:
        click.echo("  ".join([row[0].ljust(widths[0]), row[1].ljust(widths[1]), row[2].ljust(widths[2]),
                              row[3].rjust(widths[3]), row[4]]).rstrip())  # fmt: skip


@main.command()
@click.argument("meeting_id")
@click.option("--item", "item_number", type=int, help="Show one agenda item.")
@db_option
@click.option("--json", "as_json", is_flag=True)
def show(meeting_id: str, item_number: int | None, db: str | None, as_json: bool) -> None:
    """Print a stored meeting, or one of its items."""
    meeting = _read_store(db).load_meeting(meeting_id)
    if meeting is None:
        raise click.ClickException(f"no meeting with id {meeting_id!r} (see `referent meetings`)")
    items = [i for i in meeting.items if item_number is None or i.number == item_number]
    if item_number is not None and not items:
        raise click.ClickException(f"meeting {meeting_id} has no item {item_number}")
    if as_json:
        data = meeting.to_dict()
        data["items"] = [i for i in data["items"] if item_number is None or i["number"] == item_number]
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    from bot.render.text import render_meeting

    _console().print(render_meeting(meeting, items), soft_wrap=True)


@main.command()
@db_option
def reindex(db: str | None) -> None:
    """Rebuild the search index after editing config/stopwords.txt or config/stem-overrides.txt."""
    n = _read_store(db).reindex()
    click.echo(f"Re-indexed {n} items.")


@main.command()
@db_option
@click.option("--host", help="Address to listen on (default from config: 127.0.0.1).")
@click.option("--port", type=int, help="Port (default from config: 8000).")
@click.option(
    "--public", is_flag=True, help="Allow listening beyond loopback without REFERENT_WEB_TOKEN (public minutes)."
)
@click.option("--sample", is_flag=True, help="Print a sample question for the demo.")
@click.option(
    "--workers", type=click.IntRange(min=1), default=1, show_default=True, envvar="REFERENT_WORKERS",
    help="Server processes over the one database (REFERENT_WORKERS); the scheduler runs in one of them.",
)  # fmt: skip
def serve(db: str | None, host: str | None, port: int | None, public: bool, sample: bool, workers: int) -> None:
    """Web chat, meeting pages, /api/ask, /admin, /metrics, /healthz, and the Slack/Teams endpoints when configured."""
    from bot.web import serve as run

    cfg = load_config()
    run(cfg, db_path(db, cfg), host or cfg.host, port or cfg.port, public=public, sample=sample, workers=workers)


@main.command()
@click.argument("question")
@db_option
@click.option("--json", "as_json", is_flag=True, help="One JSON object per answer (the contract other tools read).")
@click.option("--limit", type=click.IntRange(min=1), default=4, show_default=True, help="Number of items to return.")
@click.option("--explain", is_flag=True, help="Also print how the question was read, the top candidates' score "
              "parts and why each answers or not.")  # fmt: skip
def ask(question: str, db: str | None, as_json: bool, limit: int, explain: bool) -> None:
    """Answer a question; QUESTION '-' reads one question per line from stdin."""
    from bot.asker import Asker, Place
    from bot.service import Service

    cfg = load_config()
    service = Service(_read_store(db), cfg)
    asker = Asker(service.answerer(limit), cfg)
    questions = [line.strip() for line in sys.stdin if line.strip()] if question == "-" else [question]
    out = _console()
    for q in questions:
        reply = asker.ask(q, Place("cli"))
        if as_json:
            click.echo(json.dumps(reply.as_answer().to_dict(), ensure_ascii=False))
        elif reply.answer is None:
            out.print(reply.notice, soft_wrap=True)
        else:
            from bot.render.text import render_answer

            out.print(render_answer(reply.answer), soft_wrap=True, markup=False)
        if explain:
            from index.answer import explain as explain_lines
            from index.answer import trace

            # the Asker decides what this place may see, for the explanation as for the answer
            lines = explain_lines(service.read(partial(trace, question=q, access=asker.access(Place("cli")))))
            click.echo("\n".join(lines), err=as_json)


@main.command("eval")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@db_option
@click.option("--json", "as_json", is_flag=True)
def eval_cmd(file: str, db: str | None, as_json: bool) -> None:
    """Measure hit@1, hit@3, MRR, key phrase in the first quote and abstention on a JSONL question file."""
    from index.evaluate import evaluate, load_questions

    report = evaluate(_read_store(db), load_questions(file), cfg=load_config())
    metrics = report.metrics()
    if as_json:
        click.echo(json.dumps({"metrics": metrics, "rows": [r.__dict__ for r in report.rows]}, ensure_ascii=False))
        return
    for r in report.rows:
        mark = "abstained" if r.abstained else f"rank {r.rank}" if r.rank else "miss"
        key = " key✓" if r.key_in_quote else ""
        click.echo(f"{r.id:8} {mark:10}{key:5} top={r.top:16} {r.question}")
    a = metrics
    click.echo(
        f"\nhit@1 {a['hit@1']:.3f}  hit@3 {a['hit@3']:.3f}  MRR {a['mrr']:.3f}  "
        f"key-in-first-quote {a['key_in_first_quote']:.3f}  ({a['answerable']} answerable, "
        f"{a['false_abstentions']} wrongly abstained)"
    )
    click.echo(
        f"candidate recall {a['candidate_recall']:.3f}  answer p50 {a['p50_ms']:.1f} ms  p95 {a['p95_ms']:.1f} ms"
    )
    if a["unanswerable"]:
        click.echo(f"abstention on unanswerable: {a['abstention_accuracy']:.3f} ({a['unanswerable']} questions)")


@main.command()
@db_option
def slack(db: str | None) -> None:
    """Run the Slack app over Socket Mode (needs SLACK_APP_TOKEN and SLACK_BOT_TOKEN; no public URL)."""
    import os

    from bot import texts
    from bot.asker import chat_asker
    from bot.examples import Examples
    from bot.follow import Follows
    from bot.metrics import Flusher
    from bot.service import Service
    from bot.slack import create_slack_app, run_socket_mode, slack_client_from_env

    missing = [v for v in ("SLACK_APP_TOKEN", "SLACK_BOT_TOKEN") if not os.environ.get(v)]
    if missing:
        raise click.UsageError(f"set {' and '.join(missing)} in the environment (see README, Slack)")
    cfg = load_config()
    path = db_path(db, cfg)
    # The same Service and Asker as the Slack endpoint inside `referent serve`: one way to the database.
    service = Service(path, cfg)
    Flusher(path).start()  # its answers show in the web server's /metrics (the counts are in the database)
    asker = chat_asker(service)
    examples = Examples(service, service.answerer())
    app = create_slack_app(asker, slack_client_from_env(), examples=examples.get, follows=Follows(service, asker))
    click.echo(texts.SLACK_CONNECTED)
    run_socket_mode(app, os.environ["SLACK_APP_TOKEN"])


@main.command()
@click.option("--channel", help="slack:<id> or teams:<conversation id> (default: [digest] channels in config).")
@click.option(
    "--since", metavar="DATE",
    help="Minutes that arrived on or after DATE (2025-01-13, 2025-01-13T08:00, 'i dag', 'i går' or 7d), "
    "instead of since the last digest.",
)  # fmt: skip
@click.option("--days", type=click.IntRange(min=0), help="Minutes that arrived in the last N days.")
@click.option(
    "--post", type=click.Choice(["slack", "teams", "stdout"]), help="Where to post (default: the channel's platform)."
)
@click.option("--dry-run", is_flag=True, help="Show what would be posted; post and mark nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print each run, its digest and its messages as JSON.")
@db_option
def digest(
    channel: str | None, since: str | None, days: int | None, post: str | None, dry_run: bool, as_json: bool,
    db: str | None,
) -> None:  # fmt: skip
    """Post the decisions from minutes that arrived since the last digest, once per channel and period."""
    import datetime as dt

    from bot.digest import CLI_TARGET, PLATFORMS, StdoutPoster, Target, configured_targets, run_digest
    from bot.render.digest import text
    from index.digest import TIMEZONE, days_ago

    if since and days is not None:
        raise click.UsageError("use --since or --days, not both")
    cfg = load_config()
    tz = cfg.digest.get("timezone", TIMEZONE)
    now = dt.datetime.now(dt.UTC)
    try:
        floor = _since(since, tz, now) if since else days_ago(now, days, tz) if days is not None else None
        if channel:
            targets = [Target.parse(channel, post if post in PLATFORMS else None)]
        else:
            targets = configured_targets(cfg) or [CLI_TARGET]
    except ValueError as exc:
        raise click.UsageError(str(exc)) from exc
    store = _read_store(db)
    cfg.see_public_sources(store.public_bodies)
    results = []
    for target in targets:
        # Notes go to stderr, so stdout carries nothing but the digest itself.
        poster = StdoutPoster(write=(lambda _t: None) if as_json else click.echo)
        try:
            mode = post or (target.platform if target.platform in PLATFORMS else "stdout")
            res = run_digest(store, cfg, target, post=mode, poster=poster if mode == "stdout" else None,
                             since=floor, now=now, dry_run=dry_run)  # fmt: skip
        except ValueError as exc:
            raise click.UsageError(str(exc)) from exc
        results.append(res)
        if not as_json:
            if res.status == "dry-run" and res.selection is not None:
                click.echo(text(res.selection))
            # The outcome is a log line (stderr, timestamped), so cron mail and log shippers get it alike.
            (log.info if res.ok else log.warning)("%s%s", "(dry run) " if dry_run else "", res.note)
    if as_json:
        for res in results:
            (log.info if res.ok else log.warning)("%s", res.note)
        click.echo(json.dumps([r.to_dict() for r in results], ensure_ascii=False, indent=2))
    sys.exit(0 if all(r.ok for r in results) else 1)


def _since(value: str, tz: str, now):
    """--since: an ISO date or time (local unless it names its offset), 'i dag', 'i går', or N days ago."""
    import re

    from index.digest import days_ago, start_of

    spoken = " ".join(value.lower().split())
    relative = {"i dag": 0, "idag": 0, "today": 0, "i går": 1, "igår": 1, "yesterday": 1}
    if spoken in relative:
        return days_ago(now, relative[spoken], tz)
    found = re.fullmatch(r"(\d+)\s*(d|dag|dage|days?|w|uge|uger|weeks?)", spoken)
    if found:
        n = int(found[1])
        return days_ago(now, n * 7 if found[2][0] in "wu" else n, tz)
    try:
        return start_of(value, tz)
    except ValueError:
        raise ValueError(
            f"--since {value!r} is not a date: use 2025-01-13, 2025-01-13T08:00, 'i dag', 'i går', 7d (days ago) "
            "or 2w (weeks ago)"
        ) from None


def _config():
    from index.config import ConfigError

    try:
        return load_config()
    except ConfigError as exc:
        raise click.UsageError(f"config: {exc}") from exc


@main.command()
@click.argument("source", required=False)
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print each source's report as JSON.")
def fetch(source: str | None, db: str | None, as_json: bool) -> None:
    """Fetch new or changed meetings from the portals in [[sources]] (or only SOURCE, by name).

    Exit 0 when every source was read, 1 when a source or a meeting failed (each with its reason), 2 on
    usage errors (no such source, none configured)."""
    from index.config import ConfigError
    from index.sources.fetch import FetchReport

    cfg = _config()
    try:
        feeds = [cfg.source(source)] if source else [f for f in cfg.feeds if f.type == "firstagenda"]
    except ConfigError as exc:
        raise click.UsageError(str(exc)) from exc
    if not feeds:
        raise click.UsageError('no portal configured: add [[sources]] with type = "firstagenda" and url = "https://…"')
    store = _store(db)
    reports = [_run_feed(store, cfg, feed, progress=sys.stderr.isatty() and not as_json) for feed in feeds]
    _notify(store, cfg)
    out = _console()
    if as_json:
        click.echo(json.dumps([r.summary() for r in reports], ensure_ascii=False, indent=2))
    for feed, report in zip(feeds, reports, strict=True):
        if as_json:
            continue
        if isinstance(report, FetchReport):
            out.print(report.line())
            failures = [(f.path, f.reason) for f in report.failed]
        else:
            from bot.schedule import sync_line

            out.print(f"{feed.name}: {sync_line(report)}")
            failures = [(f.path, f.reason) for f in report.failed]
        for path, reason in failures:
            out.print(f"  [red]failed[/red] {path}: {reason}")
        for f in report.results if isinstance(report, FetchReport) else report.warned:
            for warning in f.warnings:
                out.print(f"  [yellow]warning[/yellow] {f.path}: {warning}")
    ok = all(r.ok if isinstance(r, FetchReport) else not r.failed for r in reports)
    sys.exit(0 if ok else 1)


def _run_feed(store, cfg, feed, *, progress: bool):
    """One [[sources]] entry: a portal is fetched (with a progress bar on a terminal), a folder ingested; the
    run is logged and recorded for the status page like an ingest."""
    from index.ingest import ingest_paths
    from index.runs import record_run
    from index.sources.fetch import fetch_source
    from index.store import now

    started = now()
    if feed.type == "folder":
        town = feed.municipality or None
        folder = ingest_paths(
            store, [feed.path], max_bytes=cfg.max_file_mb * 1024 * 1024, municipality_for=lambda _p: town
        )
        _record("sync", store, [feed.path], folder.summary(), started)
        return folder
    if not progress:
        report = fetch_source(store, feed)
    else:
        from rich.progress import Progress

        with Progress(console=_console(stderr=True), transient=True) as bar:
            task = bar.add_task(f"Henter {feed.name}", total=None)
            report = fetch_source(
                store, feed, on_listed=lambda n: bar.update(task, total=n), on_meeting=lambda _r: bar.advance(task)
            )
    record_run(store, "fetch", feed.name, report.summary(), started_at=started, error=report.error)
    return report


@main.command("sync")
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def sync_cmd(db: str | None, as_json: bool) -> None:
    """Ingest the folders in [ingest] sources and folder [[sources]] (relative to the working directory), new or
    changed files only; portals are fetched with `referent fetch`."""
    from bot.schedule import sync, sync_line

    cfg = _config()
    if not cfg.sources and not any(f.type == "folder" for f in cfg.feeds):
        raise click.ClickException("no source folders configured: set [ingest] sources in referent.toml")
    from index.store import now

    store, started = _store(db), now()
    report = sync(store, cfg)
    _record(
        "sync", store, [*cfg.sources, *(f.path for f in cfg.feeds if f.type == "folder")], report.summary(), started
    )
    _notify(store, cfg)
    if as_json:
        click.echo(json.dumps(report.summary(), ensure_ascii=False, indent=2))
    else:
        click.echo(sync_line(report))
        for f in report.failed:
            click.echo(f"  failed {f.path}: {f.reason}")
    sys.exit(1 if report.failed else 0)


@main.command()
@db_option
@click.option("--status", "show", is_flag=True, help="Only show applied and pending migrations; change nothing.")
@click.option("--json", "as_json", is_flag=True)
def migrate(db: str | None, show: bool, as_json: bool) -> None:
    """Apply pending schema migrations (every start does this too), or show them with --status."""
    from index import migrate as schema

    path = db_path(db)
    try:
        if not show:
            schema.apply(path)  # index.store logs what it applied
        report = schema.status(path)
    except FileNotFoundError as exc:
        raise click.ClickException(f"{exc} (check --db or REFERENT_DB)") from exc
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
        return
    click.echo(f"Database {report['path']}:")
    for m in report["applied"]:
        click.echo(f"  applied  {m['name']}  {m['applied_at']}")
    for name in report["pending"]:
        click.echo(f"  pending  {name}  (applied when Referent next opens the database, or by `referent migrate`)")
    if not report["pending"]:
        click.echo("  up to date")
    sys.exit(0)


@main.command()
@click.argument("path", type=click.Path(dir_okay=True, writable=True))
@db_option
@click.option("--force", is_flag=True, help="Overwrite PATH if it exists.")
@click.option("--json", "as_json", is_flag=True, help="Print what the copy holds as JSON.")
def backup(path: str, db: str | None, force: bool, as_json: bool) -> None:
    """Consistent copy of the database to PATH (a file or a folder), safe while the server runs."""
    from index.backup import BackupError
    from index.backup import backup as make_backup

    try:
        report = make_backup(db_path(db), path, force=force)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
        return
    click.echo(
        f"Backup written to {report['path']}: {report['meetings']} meetings, {report['items']} items, "
        f"{report['bytes'] / 1e6:.1f} MB; integrity check ok."
    )
