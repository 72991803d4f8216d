"""The `assistant` command. Every heavy import happens inside a command, so `--help` is instant."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from collections.abc import Callable

    from assistant.service import Assistant
    from cli.backend import Backend
    from core.settings import Settings
    from evals.harness import Thresholds

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Cited answers about Somerset council programme documents.",
    pretty_exceptions_enable=False,
)


def _settings():
    from pydantic import ValidationError

    from core.settings import Settings

    try:
        return Settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        name = "ASSISTANT_" + str(first["loc"][0]).upper() if first.get("loc") else "ASSISTANT_*"
        _fail(f"setting {name}: {first['msg']}")


def _fail(message: str, code: int = 2) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def _logging(verbose: bool) -> None:
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )


@app.command()
def ingest(
    paths: Annotated[
        list[Path] | None, typer.Argument(help="PDF files or folders; default: the corpus folder")
    ] = None,
    rebuild: Annotated[
        bool, typer.Option(help="Re-read and re-embed everything into a fresh collection")
    ] = False,
    prune: Annotated[bool, typer.Option(help="Remove indexed documents whose files are gone")] = False,
    strict: Annotated[bool, typer.Option(help="Exit non-zero if any file could not be ingested")] = False,
    device: Annotated[str | None, typer.Option(help="Embedding device, e.g. cpu or cuda")] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v")] = False,
) -> None:
    """Read PDFs into the index: only new and changed documents are parsed and embedded."""
    _logging(verbose)
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

    from core.errors import AssistantError
    from ingest.pipeline import run_ingest

    settings = _settings()
    if device:
        settings = settings.model_copy(update={"embedding_device": device})
    try:
        from index.embed import check_device

        check_device(settings.embedding_device)
    except AssistantError as exc:
        _fail(exc.message)
    console = Console(stderr=True)
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=not console.is_terminal,
    ) as bar:
        tasks: dict[str, TaskID] = {}

        def progress(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done, total=total)

        try:
            report = run_ingest(settings, paths or None, rebuild=rebuild, prune=prune, progress=progress)
        except AssistantError as exc:
            _fail(exc.message)
    _print_report(report)
    if strict and report.failed:
        raise typer.Exit(1)


def _print_report(report) -> None:
    from rich.console import Console
    from rich.table import Table

    out = Console()
    table = Table(title=f"Ingest (index generation {report.generation})")
    for col in ("document", "status", "pages", "chunks", "embedded", "seconds"):
        table.add_column(
            col, justify="right" if col in ("pages", "chunks", "embedded", "seconds") else "left"
        )
    for d in report.docs:
        table.add_row(d.file, d.status, str(d.pages), str(d.chunks), str(d.embedded), f"{d.seconds:.2f}")
    out.print(table)
    # One unwrapped line per problem, so it can be grepped and read in a narrow terminal alike.
    for d in report.docs:
        for w in d.warnings:
            typer.echo(f"warning {w}")
        if d.error:
            typer.echo(f"failed {d.error}")
    if report.unlisted and report.default_audience != "public":
        typer.echo(
            f"note: {len(report.unlisted)} document(s) are not in manifest.yaml, so they have the audience "
            f"{report.default_audience!r} (ASSISTANT_DEFAULT_AUDIENCE) and public callers (the web page "
            "without a key) cannot see them. List them in manifest.yaml with `audience: public`, or set "
            "ASSISTANT_DEFAULT_AUDIENCE=public if every paper in the corpus is public."
        )
    typer.echo(
        f"{sum(d.status != 'failed' for d in report.docs)} ok, {len(report.failed)} failed, "
        f"{report.parsed} parsed, {report.embedded} chunks embedded, {report.reused} reused, "
        f"{report.seconds:.2f} s"
    )


# The server options that `ask`, `chat`, `targets`, `decisions` and `documents` share.
UrlOption = Annotated[
    str | None,
    typer.Option(
        "--url",
        help="Ask a running server (assistant serve) instead of loading the index here; or ASSISTANT_URL",
    ),
]
ApiKeyOption = Annotated[
    str | None, typer.Option("--api-key", help="Bearer key for the server; or ASSISTANT_API_KEY")
]


def _backend(url: str | None, api_key: str | None) -> Backend:
    from cli.backend import backend

    return backend(_settings(), url, api_key)


@app.command()
def documents(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
    url: UrlOption = None,
    api_key: ApiKeyOption = None,
) -> None:
    """List what is indexed, each document by its full id."""
    import json

    from cli.backend import BackendError
    from cli.render import WIDE, document_blocks, width

    source = _backend(url, api_key)
    try:
        docs = source.documents()
    except BackendError as exc:
        _fail(exc.message)
    if as_json:
        typer.echo(json.dumps([d.public() for d in docs], indent=2))
        return
    if width() < WIDE:
        typer.echo(document_blocks(docs, source.where, width()))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{len(docs)} documents in {source.where}")
    table.add_column("doc_id", no_wrap=True)
    for col in ("title", "date", "type", "audience", "pages", "chunks"):
        table.add_column(col)
    for d in docs:
        table.add_row(
            d.doc_id, d.title, d.date or "", d.doc_type or "", d.audience, str(d.pages), str(d.chunks)
        )
    Console().print(table)


@app.command()
def targets(
    council: Annotated[
        str | None, typer.Option(help="Only targets for this council (any spelling: SDC, Sedgemoor)")
    ] = None,
    programme: Annotated[str | None, typer.Option(help="Only targets whose programme contains this")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
    url: UrlOption = None,
    api_key: ApiKeyOption = None,
) -> None:
    """List the targets and commitments found in the documents, each with its page and quote."""
    import json

    from cli.backend import BackendError
    from cli.render import WIDE, target_blocks, target_fields, width

    if council is not None:
        _filters([council], None, None)  # an unknown council is refused with the closest names
    try:
        found = _backend(url, api_key).targets(council, programme)
    except BackendError as exc:
        _fail(exc.message)
    if as_json:
        typer.echo(json.dumps([t.to_dict() for t in found], indent=2, default=str))
        return
    if width() < WIDE:
        typer.echo(target_blocks(found, width()))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{len(found)} targets")
    for col in ("figure", "programme", "council", "when", "progress", "source", "quote"):
        table.add_column(col)
    for listed in found:
        fields = target_fields(listed)
        kind, amount = fields[0]
        table.add_row(f"{kind}: {amount}", *(v for _, v in fields[1:]), listed.target.quote)
    Console().print(table)


@app.command()
def decisions(
    committee: Annotated[str | None, typer.Option(help="Only this committee's (e.g. cabinet)")] = None,
    since: Annotated[str | None, typer.Option(help="Meetings on or after this date (YYYY-MM-DD)")] = None,
    until: Annotated[str | None, typer.Option(help="Meetings on or before this date (YYYY-MM-DD)")] = None,
    search: Annotated[
        str | None, typer.Option(help="Words that must all occur in the item or decision")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
    url: UrlOption = None,
    api_key: ApiKeyOption = None,
) -> None:
    """List the resolutions, amendments and decisions found in minutes and records of decision,
    with outcome, votes, mover and seconder, page and quote."""
    import datetime as dt
    import json

    from rich.console import Console
    from rich.table import Table

    from assistant.tools.decisions import DecisionFilter
    from cli.backend import BackendError

    try:
        which = DecisionFilter(
            committee,
            dt.date.fromisoformat(since) if since else None,
            dt.date.fromisoformat(until) if until else None,
            search,
        )
    except ValueError as exc:
        _fail(f"--since/--until: expected a date as YYYY-MM-DD ({exc})")
    if which.since and which.until and which.since > which.until:
        _fail(f"--since {since} is after --until {until}: no meeting can be in that range")
    try:
        found = _backend(url, api_key).decisions(which)
    except BackendError as exc:
        _fail(exc.message)
    if as_json:
        typer.echo(json.dumps([d.to_dict() for d in found], indent=2, default=str))
        return
    table = Table(title=f"{len(found)} decisions")
    for col in ("meeting", "item", "kind", "decision", "outcome", "votes", "moved / seconded", "source"):
        table.add_column(col)
    for listed in found:
        d = listed.decision
        votes = "" if d.votes_for is None else f"{d.votes_for}–{d.votes_against or 0}"
        if d.abstentions:
            votes += f" ({d.abstentions} abstained)"
        table.add_row(
            f"{d.committee or ''} {d.meeting_date or ''}".strip(),
            d.item or "",
            d.kind,
            d.text if len(d.text) <= 160 else d.text[:157] + "…",
            d.status,
            votes,
            " / ".join(x for x in (d.mover, d.seconder) if x),
            f"{listed.doc.file} p.{d.page}",
        )
    Console().print(table)


def _assistant(settings):
    from assistant.service import Assistant
    from core.errors import AssistantError

    if not settings.catalog_path.exists():
        _fail(f"no index in {settings.data_dir}; run `assistant ingest` first")
    try:
        assistant = Assistant.from_settings(settings)
        assistant.warm_up()
    except AssistantError as exc:
        _fail(exc.message)
    return assistant


# The CLI option of each field of `Filters`, so an error names what the user typed.
_OPTION_OF = {"councils": "--council", "since": "--since", "until": "--until"}


def _filters(council: list[str] | None, since: str | None, until: str | None):
    """The filters, checked where the API checks them (`assistant.models.Filters`): an unknown
    council or a range that ends before it starts is an error naming the option, not "could not find"."""
    from pydantic import ValidationError

    from assistant.models import Filters

    try:
        filters = Filters(councils=council or None, since=since, until=until)
    except ValidationError as exc:
        problems = []
        for e in exc.errors():
            loc = e.get("loc") or ()
            option = _OPTION_OF.get(str(loc[0]), f"--{loc[0]}") if loc else "--since/--until"
            problems.append(f"{option}: {e['msg']}")
        _fail("; ".join(problems))
    return None if filters.is_empty() else filters


# The filters `ask` and `chat` share.
CouncilOption = Annotated[
    list[str] | None, typer.Option("--council", help="Only documents about this council (repeatable)")
]
SinceOption = Annotated[
    str | None, typer.Option("--since", help="Only documents dated in or after this year (YYYY)")
]
UntilOption = Annotated[
    str | None, typer.Option("--until", help="Only documents dated in or before this year (YYYY)")
]
ConversationOption = Annotated[
    str | None, typer.Option("--conversation", help="Continue this conversation id")
]


@app.command()
def ask(
    question: Annotated[str, typer.Argument(help="The question, in quotes")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the answer contract as JSON")] = False,
    council: CouncilOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    conversation: ConversationOption = None,
    url: UrlOption = None,
    api_key: ApiKeyOption = None,
) -> None:
    """Answer one question, with numbered sources."""
    from cli.backend import BackendError
    from cli.render import answer_text

    filters = _filters(council, since, until)
    source = _backend(url, api_key)
    try:
        answer = source.ask(question, conversation, filters)
    except BackendError as exc:
        _fail(exc.message)
    if as_json:
        typer.echo(answer.model_dump_json(indent=2))
    else:
        typer.echo(answer_text(answer, base=f"{_settings().corpus_dir}/"))
        typer.echo(f"\nconversation: {answer.conversation_id}")
    _end()


@app.command()
def chat(
    council: CouncilOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    conversation: ConversationOption = None,
    url: UrlOption = None,
    api_key: ApiKeyOption = None,
) -> None:
    """An interactive session: follow-up questions build on earlier ones. /new starts afresh, /quit ends."""
    from cli.chat import run_chat

    filters = _filters(council, since, until)
    source = _backend(url, api_key)
    _end(run_chat(source, filters, conversation, _settings()))


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes (each loads the model)")] = 1,
) -> None:
    """Serve the HTTP API and the web chat page."""
    from assistant.api.observability import configure_logging
    from assistant.api.serve import serve as run_server

    settings = _settings()
    configure_logging()
    typer.echo(
        f"Somerset programme assistant: http://{host}:{port}/  (API docs: http://{host}:{port}/docs)",
        err=True,
    )
    if workers > 1:
        run_server("assistant.api.main:app", settings, host, port, workers)
    else:
        from assistant.api.app import create_app

        run_server(create_app(settings), settings, host, port)


@app.command()
def slack(
    http: Annotated[
        bool, typer.Option("--http", help="Serve the Events API endpoint (POST /slack/events)")
    ] = False,
    socket: Annotated[
        bool, typer.Option("--socket", help="Connect by Socket Mode (needs ASSISTANT_SLACK_APP_TOKEN)")
    ] = False,
    host: Annotated[str, typer.Option(help="Interface for --http")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port for --http")] = 3000,
) -> None:
    """Run the Slack app, over HTTP or by Socket Mode."""
    from assistant.slack.app import check_settings
    from core.errors import AssistantError

    if http == socket:
        _fail("choose one of --http or --socket")
    settings = _settings()
    try:
        check_settings(settings, "socket" if socket else "http")  # before the slow start-up
        assistant = _assistant(settings)
        if socket:
            from assistant.slack.server import run_socket

            typer.echo("Slack app connecting by Socket Mode…", err=True)
            run_socket(settings, assistant)
        else:
            from assistant.api.observability import configure_logging
            from assistant.api.serve import serve as run_server
            from assistant.slack.server import http_api

            api = http_api(settings, assistant)
            configure_logging()
            typer.echo(f"Slack events endpoint: http://{host}:{port}/slack/events", err=True)
            run_server(api, settings, host, port)
    except AssistantError as exc:
        _fail(exc.message)


def _index_for_eval(settings, console) -> None:
    """An evaluation answers from an index of the corpus its suites quote: on a fresh checkout it
    builds that index once (about 15 s for the Somerset corpus), as `assistant ingest` would, and
    later runs reuse it."""
    from core.errors import AssistantError
    from ingest.pipeline import run_ingest

    console.print(f"no index in {settings.data_dir}: ingesting {settings.corpus_dir} first")
    try:
        report = run_ingest(settings, None)
    except AssistantError as exc:
        _fail(exc.message)
    if report.failed:
        names = ", ".join(d.file for d in report.failed)
        _fail(f"could not ingest {names}; run `assistant ingest` to see why")
    console.print(f"ingested {len(report.docs)} documents in {report.seconds:.0f} s")


@app.command(name="eval")
def eval_(
    suites: Annotated[list[Path], typer.Argument(help="Suite YAML files (evals/suites/*.yaml)")],
    url: Annotated[str | None, typer.Option(help="Evaluate a running HTTP API instead of in-process")] = None,
    api_key: Annotated[str | None, typer.Option(help="Bearer key for --url")] = None,
    minimum: Annotated[
        list[str] | None, typer.Option("--min", help="Fail unless metric >= value, e.g. precision=0.9")
    ] = None,
    thresholds: Annotated[
        Path | None, typer.Option(help="YAML file of minimums, e.g. evals/thresholds.yaml")
    ] = None,
    out: Annotated[
        Path | None, typer.Option(help="Folder for report.json, report.md, junit.xml and exports")
    ] = None,
    cv: Annotated[
        int | None,
        typer.Option(help="K-fold cross-validation: fit the weights on K-1 folds, report the held-out fold"),
    ] = None,
    fit: Annotated[
        Path | None,
        typer.Option(
            help="Fit the weights on these suites and write them here (assistant/data/weights.json)"
        ),
    ] = None,
    ablate: Annotated[
        bool, typer.Option(help="With --cv: out-of-fold figures with each feature group left out")
    ] = False,
    fail_on_any: Annotated[
        bool, typer.Option("--fail-on-any", help="Exit 1 when any question fails, whatever the minimums")
    ] = False,
) -> None:
    """Score answers and citations against citation-accuracy suites; exits 1 when a minimum is not met
    (or, with --fail-on-any, when any question fails). The suites' gold is checked against the PDFs
    first: a missing PDF or a quote that is not in its PDF stops the run."""
    from rich.console import Console

    from core.errors import AssistantError
    from evals.harness import checked_suites, load_thresholds, run
    from evals.suite import SuiteError
    from evals.verify import PageVerifier

    settings = _settings()
    try:
        limits = load_thresholds(thresholds, minimum)
    except (ValueError, OSError) as exc:
        _fail(str(exc))
    if (cv or fit or ablate) and url:
        _fail("--cv, --fit and --ablate fit weights in-process; they cannot be used with --url")
    if ablate and not cv:
        _fail("--ablate needs --cv K")
    try:  # the gold is checked before the model loads, so a broken suite fails in seconds
        checked_suites(suites, PageVerifier(settings.corpus_dir))
    except SuiteError as exc:
        _fail(str(exc))
    console = Console(stderr=True)
    if not url and not settings.catalog_path.exists():
        _index_for_eval(settings, console)
    assistant = None if url else _assistant(settings)

    def progress(done: int, total: int) -> None:
        if console.is_terminal:
            console.print(f"  {done}/{total}", end="\r")

    if cv or fit:
        assert assistant is not None
        try:
            _fit_or_cross_validate(settings, assistant, suites, cv, fit, ablate, limits, out, progress)
        except SuiteError as exc:
            _fail(str(exc))
        return
    try:
        result = run(
            settings,
            suites,
            url=url,
            api_key=api_key,
            thresholds=limits,
            out=out,
            assistant=assistant,
            progress=progress,
        )
    except SuiteError as exc:
        _fail(str(exc))
    except AssistantError as exc:
        _fail(exc.message)
    if len(suites) > 1:
        from evals.metrics import suite_figures
        from evals.report import summary_lines

        for stem, figs in suite_figures(result.results).items():
            typer.echo(f"{stem}")
            for line in summary_lines(figs):
                typer.echo(f"  {line}")
        typer.echo("all suites")
    for line in result.lines:
        typer.echo(line)
    for warning in result.warnings:
        typer.echo(f"suite warning: {warning}")
    for note in result.notes:
        typer.echo(f"note: {note}")
    failing = [r for r in result.results if not r.passed]
    if failing:
        typer.echo("")
        for r in failing[:40]:
            typer.echo(f"FAIL {r.case.id}: {'; '.join(r.problems)}")
        if len(failing) > 40:
            typer.echo(f"… and {len(failing) - 40} more (every one is in report.md with --out)")
    for failure in result.failures:
        typer.echo(f"threshold not met: {failure}")
    if out:
        typer.echo(f"reports in {out}")
    typer.echo(f"{result.passed} passed, {len(failing)} failed")
    if result.failures or (fail_on_any and failing):
        raise typer.Exit(1)


def _fit_or_cross_validate(
    settings: Settings,
    assistant: Assistant,
    suite_paths: list[Path],
    k: int | None,
    fit_to: Path | None,
    ablate: bool,
    limits: Thresholds,
    out: Path | None,
    progress: Callable[[int, int], None],
) -> None:
    """`--fit`: weights fitted on all the suites' questions. `--cv K`: figures for each suite on
    questions the weights were not fitted on, and with --ablate what each feature group adds."""
    from evals import fit as fitting
    from evals.harness import check, checked_suites
    from evals.metrics import figures, suite_figures
    from evals.report import summary_lines, write_reports
    from evals.verify import PageVerifier

    verifier = PageVerifier(settings.corpus_dir)
    suites, warnings = checked_suites(suite_paths, verifier)
    for warning in warnings:
        typer.echo(f"suite warning: {warning}")
    evidence = fitting.collect(assistant, suites)
    if fit_to is not None:
        weights = fitting.fit(evidence, note="assistant eval --fit " + " ".join(str(p) for p in suite_paths))
        Path(fit_to).write_text(weights.to_json())
        typer.echo(f"wrote weights fitted on {len(evidence)} questions to {fit_to}")
    if not k:
        return
    results = fitting.out_of_fold(assistant, suites, evidence, verifier, k, progress=progress)
    for stem, figs in suite_figures(results).items():
        typer.echo(f"\n{stem} (out of fold, {k} folds)")
        for line in summary_lines(figs):
            typer.echo(line)
    overall = figures(results)
    typer.echo(f"\nall suites (out of fold, {k} folds)")
    for line in summary_lines(overall):
        typer.echo(line)
    if ablate:
        typer.echo(
            "\nablation (out of fold): " + " | ".join(("facts", "precision", "recall", "abstention", "tool"))
        )
        for label, row in fitting.ablate(assistant, suites, evidence, verifier, k):
            cells = " | ".join("  -  " if v is None else f"{v:.3f}" for v in row.values())
            typer.echo(f"{label:28} {cells}")
    failures = check(results, limits)
    if out is not None:
        write_reports(Path(out), results, overall, {"cross_validation_folds": k}, failures, warnings)
    for failure in failures:
        typer.echo(f"threshold not met: {failure}")
    passed = sum(r.passed for r in results)
    typer.echo(f"{passed} passed, {len(results) - passed} failed (out of fold)")
    if failures:
        raise typer.Exit(1)


# Set by `main()`: the command is its own process (not under a test runner), so it may end without
# Python's teardown of torch and Chroma, which takes seconds after a chat (15 s on a busy machine).
_OWN_PROCESS = False


def _end(code: int = 0) -> None:
    """End a command that has nothing left to write: at once in its own process (the conversation
    store commits each turn as it is made), by the usual exit under a test runner."""
    if _OWN_PROCESS:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    if code:
        raise typer.Exit(code)


def main() -> None:
    global _OWN_PROCESS
    _OWN_PROCESS = True
    try:
        app()
    except KeyboardInterrupt:
        # Ingest is crash-safe (one transaction per run) and nothing else writes half a record.
        _end(130)


if __name__ == "__main__":
    main()
