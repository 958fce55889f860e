"""The command line: a thin layer over `casefile.Case`.

Every listing command has --json. A user mistake prints one sentence and exits with status 2;
text from evidence is stripped of terminal control sequences before it is printed (it is hostile
input: an e-mail must not be able to rewrite the user's terminal).
"""
from __future__ import annotations

import json
import os
import re
import sys
import time
from pathlib import Path

from collections import Counter

import click
from rich.console import Console
from rich.progress import (BarColumn, Progress, SpinnerColumn, TaskProgressColumn, TextColumn, TimeElapsedColumn,
                           TimeRemainingColumn)
from rich.table import Table
from rich.text import Text

from . import __version__
from .case import Case
from .citation import where
from .display import clip, plural, visible
from .errors import UserError

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)


def cite(c: dict) -> str:
    """'Anlage-K3.pdf p. 2-3, NHR_000032-NHR_000033' from a citation dict."""
    return where(c)


def safe(text) -> str:
    """Text from evidence, made safe for a terminal: control characters dropped, bidirectional
    and zero-width characters shown as ⟦U+…⟧."""
    return visible(_CONTROL.sub("", str(text))) if text is not None else ""


def write_out(path, data) -> None:
    """Write a report to --out, with one sentence for a missing folder or an unwritable file."""
    p = Path(path)
    if not p.parent.exists():
        raise UserError(f"The folder {p.parent} does not exist; create it or choose another --out.")
    try:
        p.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    except OSError as exc:
        raise UserError(f"Cannot write {p}: {exc.strerror or exc}.") from None


WIDE_TABLE = 120
"""Terminal columns below which tables drop their least important column rather than cut the
one that matters (a citation, a path)."""


def system_sentence(exc: BaseException) -> str | None:
    """One sentence for a failure of the machine rather than of casefile (a full disk, a case
    another program holds locked), or None. Each step commits as it goes, so the sentence can
    promise that a re-run resumes."""
    import errno
    import sqlite3
    text = str(exc).lower()
    if (isinstance(exc, OSError) and exc.errno == errno.ENOSPC) or "disk is full" in text \
            or "no space left" in text:
        return ("The disk is full. Free some space and run the same command again: what was stored "
                "before this point is kept and the run resumes.")
    if isinstance(exc, sqlite3.OperationalError) and "locked" in text:
        return ("Another program has held the case's database locked for over a minute; close it (or wait "
                "for it) and run this again.")
    if isinstance(exc, OSError) and exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        where = f" {exc.filename}" if exc.filename else ""
        return f"casefile may not write{where} ({exc.strerror}); check the case folder's permissions."
    return None


def emit_json(data) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


class CasefileGroup(click.Group):
    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except UserError as exc:
            err.print(Text("error: ", style="bold red") + Text(safe(exc)))
            ctx.exit(2)
        except KeyboardInterrupt:
            err.print("Interrupted. Run the same command again: it resumes where it stopped.")
            ctx.exit(130)
        except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort, SystemExit):
            raise
        except Exception as exc:  # noqa: BLE001
            if os.environ.get("CASEFILE_DEBUG"):
                raise
            sentence = system_sentence(exc)
            if sentence:
                err.print(Text("error: ", style="bold red") + Text(sentence))
                ctx.exit(1)
            err.print(Text("internal error: ", style="bold red") + Text(
                f"{type(exc).__name__}: {safe(exc)} (this is a casefile bug; set CASEFILE_DEBUG=1 for the traceback)."))
            ctx.exit(1)


case_option = click.option("--case", "case_dir", envvar="CASEFILE_CASE", required=True,
                           type=click.Path(file_okay=False, path_type=Path),
                           help="The case folder (or set CASEFILE_CASE).")
json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")


@click.group(cls=CasefileGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="casefile")
def main():
    """casefile: load disclosed communications, see each message once, search them, check the press."""


# ---------------------------------------------------------------- ingest
@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@case_option
@click.option("--workers", type=click.IntRange(1, 64), default=None, help="Parser processes (default: all cores).")
@click.option("--no-analyze", "no_analyze", is_flag=True,
              help="Skip finding duplicates, threads and people now (run 'casefile analyze' after the last batch).")
@click.option("--no-embed", "no_embed", is_flag=True,
              help="Skip embedding passages for semantic search now (run 'casefile embed' later).")
@click.option("--follow-symlinks", "follow_symlinks", is_flag=True,
              help="Also read files that symbolic links in the folders point to outside them.")
@json_option
def ingest(paths, case_dir, workers, no_analyze, no_embed, as_json, follow_symlinks=False):
    """Ingest files and folders (any mix of e-mail formats, archives and documents) into a case."""
    missing = [p for p in paths if not Path(p).expanduser().exists()]
    if missing:
        raise UserError(f"No such file or folder: {missing[0]}.")
    case = Case.create(case_dir)
    total = sum(_size(Path(p).expanduser()) for p in paths)
    docs = [0]
    t0 = time.monotonic()
    # a spinner keeps turning while a worker is busy with one long file (OCR of a scan reports
    # nothing until the file is done); each stage is named and counted in its own unit
    progress = Progress(SpinnerColumn(), TextColumn("[bold]{task.description}"), BarColumn(), TaskProgressColumn(),
                        TextColumn("{task.fields[speed]}"),
                        TextColumn("{task.fields[count]} {task.fields[unit]} ({task.fields[rate]}/s)"),
                        TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(), console=err, transient=False,
                        disable=as_json or not err.is_terminal)
    with progress:
        task = progress.add_task("reading files", total=total or 1, count=0, unit="documents", rate=0, speed="")
        read = [0]

        def on_progress(nbytes, ndocs):
            docs[0] += ndocs
            read[0] += nbytes
            el = max(time.monotonic() - t0, 1e-6)
            progress.update(task, advance=nbytes, count=docs[0], rate=int(docs[0] / el),
                            speed=f"{read[0] / el / 1e6:.1f} MB/s")

        etask = [None]
        first = [0.0, 0]                    # the rate counts from the first report on

        def on_embed(done, todo):
            if etask[0] is None:
                first[:] = [time.monotonic(), done]
                etask[0] = progress.add_task("embedding passages", total=todo, count=0, unit="passages", rate="-",
                                             speed="")
            el = time.monotonic() - first[0]
            progress.update(etask[0], completed=done, count=done,
                            rate=int((done - first[1]) / el) if el > 0.5 else "-")

        summary = case.ingest(paths, workers=workers, progress=on_progress, analyze=not no_analyze,
                              embed=not no_embed, embed_progress=on_embed, follow_symlinks=follow_symlinks)
    if as_json:
        emit_json(summary.as_dict())
    else:
        _print_summary(summary.as_dict(), case)
    case.close()


def _size(p: Path) -> int:
    if p.is_file():
        return p.stat().st_size
    total = 0
    for dirpath, _, files in os.walk(p):
        for f in files:
            try:
                total += os.path.getsize(os.path.join(dirpath, f))
            except OSError:
                pass
    return total


def _print_summary(s: dict, case: Case) -> None:
    t = Table(title="Ingest summary", show_header=False, box=None)
    rate = s["documents_added"] / s["seconds"] if s["seconds"] else 0
    rows = [("files seen", s["files_seen"]), ("ingested now", s["ok"]), ("quarantined", s["quarantined"]),
            ("unchanged since last run", s["unchanged"]), ("same content as another input", s["same_content_as_earlier"]),
            ("members (attachments, messages) ok", s["members_ok"]),
            ("members quarantined", s["members_quarantined"]), ("documents added", s["documents_added"]),
            ("time", f"{s['seconds']:.1f} s ({rate:.0f} documents/s)")]
    a = s.get("analysis")
    if a:
        rows += [("duplicate copies found", f"{a['duplicates']} in {a['duplicate_groups']} group(s)"),
                 ("threads", a["threads"]), ("people", a["people"])]
    e = s.get("embedding")
    if e and e.get("embedded") is not None:
        rows.append(("passages embedded", f"{e['embedded']} ({e['model']}, {e.get('seconds', 0):.1f} s)"))
    elif e and e.get("passages_waiting"):
        rows.append(("passages waiting for 'casefile embed'", e["passages_waiting"]))
    for k, v in rows:
        t.add_row(k, str(v))
    out.print(t)
    if s["quarantined_by_reason"]:
        q = Table(title="Quarantined, by reason", box=None)
        q.add_column("count", justify="right")
        q.add_column("reason")
        for reason, n in s["quarantined_by_reason"].items():
            q.add_row(str(n), safe(reason))
        out.print(q)
        out.print(f"See them with: casefile sources --status quarantined --case {case.root}")
    for note in s.get("notes") or ():
        out.print(f"Note: {safe(note)}")


# ---------------------------------------------------------------- status / listings
@main.command()
@json_option
def formats(as_json):
    """The formats casefile reads: its own and those that installed plugins add."""
    from .ingest import registry
    plugged = set(registry.plugins())
    rows = [{"name": i.name, "types": list(i.types), "extensions": list(i.extensions),
             "reads": "members" if i.members else ("text" if i.parse else "stored only"),
             "plugin": i in plugged} for i in registry.all_ingestors()]
    if as_json:
        emit_json({"formats": rows, "plugin_errors": registry.PLUGIN_ERRORS})
        return
    t = Table(box=None)
    for col in ("format", "types", "extensions", "reads", "from"):
        t.add_column(col)
    for r in rows:
        t.add_row(r["name"], ", ".join(r["types"]), " ".join(e or "(none)" for e in r["extensions"]), r["reads"],
                  "plugin" if r["plugin"] else "casefile")
    out.print(t)
    for e in registry.PLUGIN_ERRORS:
        err.print(Text("plugin not loaded: ", style="bold red") + Text(safe(e)))


@main.command()
@case_option
@json_option
def status(case_dir, as_json):
    """What is in the case, what failed and why."""
    with Case.open(case_dir) as case:
        st = case.status()
    if as_json:
        emit_json(st)
        return
    out.print(f"[bold]{safe(st['case'])}[/bold] (schema {st['schema_version']})")
    out.print(f"inputs: {st['inputs']}   sources: {st['sources'].get('total', 0)} "
              f"(ok {st['sources'].get('ok', 0)}, quarantined {st['sources'].get('quarantined', 0)}"
              + (f", incomplete {st['sources']['ingesting']} — run ingest again to resume" if st['sources'].get('ingesting') else "")
              + ")")
    docs = st["documents"]
    out.print("documents: " + str(docs.get("total", 0)) + "  " + ", ".join(f"{k} {v}" for k, v in docs.items() if k != "total"))
    if st["documents_by_date_flag"]:
        out.print("dates flagged: " + ", ".join(f"{k} {v}" for k, v in st["documents_by_date_flag"].items()))
    p = st["passages"]
    out.print(f"passages: {p['total']} ({p['searchable']} searchable, {p['embedded']} embedded"
              + (f" with {p['model']}" if p["model"] else "")
              + (f"; {p['waiting']} waiting for 'casefile embed'" if p["waiting"] else "") + ")")
    if st["quarantined_by_reason"]:
        q = Table(title="Quarantined, by reason", box=None)
        q.add_column("count", justify="right")
        q.add_column("reason")
        for r in st["quarantined_by_reason"]:
            q.add_row(str(r["count"]), safe(r["reason"]))
        out.print(q)


@main.command()
@case_option
@click.option("--status", "status_", type=click.Choice(["ok", "quarantined", "ingesting"]), default=None)
@click.option("--limit", type=int, default=None)
@json_option
def sources(case_dir, status_, limit, as_json):
    """Every input and container member, with its status and, if quarantined, the reason."""
    with Case.open(case_dir) as case:
        rows = case.sources(status=status_, limit=limit)
    if as_json:
        emit_json(rows)
        return
    t = Table(box=None)
    for col in ("id", "status", "type"):
        t.add_column(col, no_wrap=True)
    t.add_column("path / member", overflow="fold", min_width=24)     # a path is wrapped, never cut
    t.add_column("reason or detail", min_width=16)
    for r in rows:
        where = safe(r["path"]) + (f" :: {safe(r['member'])}" if r["member"] else "")
        copies = len(r["paths"]) - 1
        if copies > 0:
            where += f" (and {plural(copies, 'other file')} with the same bytes: --json lists them)"
        t.add_row(str(r["id"]), r["status"], safe(r["type"]), where, safe(r["reason"] or r["detail"] or ""))
    out.print(t)


@main.command()
@case_option
@click.option("--limit", type=int, default=None)
@click.option("--offset", type=int, default=0)
@click.option("--kind", help="Only documents of this kind: email, printed-email, quoted-email, pdf, article, chat, ...")
@json_option
def documents(case_dir, limit, offset, kind, as_json):
    """The documents of the case (messages, printed messages from exhibits, articles, chats,
    ...), oldest first."""
    with Case.open(case_dir) as case:
        if as_json:
            # stream: a case can hold far more documents than fit in memory as one list
            sys.stdout.write("[")
            first = True
            it = case.iter_documents(kind, limit or None, offset)
            for d in it:
                sys.stdout.write(("\n" if first else ",\n") + json.dumps(d, ensure_ascii=False))
                first = False
            sys.stdout.write("\n]\n")
            return
        t = Table(box=None)
        # on a narrow terminal the kind goes (or is the one asked for) before the citation is cut
        show_kind = kind is None and out.size.width >= WIDE_TABLE
        room = out.size.width - (16 + 16 + 16 + (13 if show_kind else 0)) - 2 * (6 if show_kind else 5) - 26
        cols = [("id", 16, 16)] + ([("kind", 13, 13)] if show_kind else []) + \
            [("sent", 16, 16), ("from", 10, 16), ("subject", 10, max(10, min(40, room)))]
        for col, lo, hi in cols:
            t.add_column(col, no_wrap=True, overflow="ellipsis", min_width=lo, max_width=hi)
        t.add_column("cited as", overflow="fold", min_width=16, max_width=48)     # wrapped, never cut
        for d in case.documents(limit or 200, offset, kind):
            frm = d["from"] or {}
            t.add_row(d["id"], *([d["kind"]] if show_kind else []), (d["sent_at"] or f"({d['date_flag'] or '-'})")[:16],
                      safe(frm.get("name") or frm.get("addr") or "")[:30],
                      safe(d["subject"] or d["title"] or f"[{d['kind']}]")[:60], safe(cite(d["citation"])))
        out.print(t)


# ---------------------------------------------------------------- analysis
@main.command()
@case_option
@click.option("--force", is_flag=True, help="Analyse again even when nothing changed.")
@json_option
def analyze(case_dir, force, as_json):
    """Find duplicates, threads and people (ingest does this unless given --no-analyze)."""
    with Case.open(case_dir) as case:
        res = case.analyze(force=force)
    if as_json:
        emit_json(res or {"unchanged": True})
    elif res is None:
        out.print("Nothing changed since the last analysis.")
    else:
        out.print(f"{res['documents']} documents: {res['duplicates']} copies in {res['duplicate_groups']} duplicate "
                  f"group(s), {res['threads']} thread(s), {res['people']} people, in {res['seconds']:.1f} s.")


# ---------------------------------------------------------------- people / threads
@main.group(invoke_without_command=True)
@click.option("--case", "case_dir", envvar="CASEFILE_CASE", type=click.Path(file_okay=False, path_type=Path),
              help="The case folder (or set CASEFILE_CASE).")
@click.option("--limit", type=int, default=None)
@json_option
@click.pass_context
def people(ctx, case_dir, limit, as_json):
    """The people of the case: one identity across names, addresses, salutations and signatures.
    Subcommands: merge, split, rename, graph."""
    if ctx.invoked_subcommand is not None:
        return
    if case_dir is None:
        raise UserError("Say which case: --case DIR (or set CASEFILE_CASE).")
    with Case.open(case_dir) as case:
        rows = case.people(limit)
    if as_json:
        emit_json(rows)
        return
    t = Table(box=None)
    for col in ("id", "name", "organisation", "sent", "received", "also seen as"):
        t.add_column(col)
    for p in rows:
        also = list(dict.fromkeys(a["value"] for a in p["aliases"] if a["value"] != p["name"]))
        t.add_row(p["id"], safe(p["name"]), safe(p["organisation"] or ""), str(p["sent"]), str(p["received"]),
                  safe(", ".join(also[:6]) + (f" (+{len(also) - 6})" if len(also) > 6 else "")))
    out.print(t)


@people.command("merge")
@click.argument("who", nargs=-1, required=True)
@case_option
def people_merge(who, case_dir):
    """Make two or more people one (by id, address or name). The decision is kept and applied on
    every later run."""
    with Case.open(case_dir) as case:
        pid = case.merge_people(list(who))
        name = case.db.execute("SELECT name FROM people WHERE id=?", (pid,)).fetchone()[0]
    out.print(f"Merged into {pid} ({safe(name)}).")


@people.command("split")
@click.argument("who")
@click.argument("aliases", nargs=-1, required=True)
@case_option
def people_split(who, aliases, case_dir):
    """Move some names or addresses of a person out into a person of their own."""
    with Case.open(case_dir) as case:
        pid = case.split_person(who, list(aliases))
    out.print(f"Split off as {pid}.")


@people.command("rename")
@click.argument("who")
@click.argument("name")
@case_option
def people_rename(who, name, case_dir):
    """Give a person the name you know them by."""
    with Case.open(case_dir) as case:
        pid = case.rename_person(who, name)
    out.print(f"{pid} is now called {safe(name)}.")


@people.command("graph")
@case_option
@click.option("--format", "fmt", type=click.Choice(["graphml", "csv"]), default="graphml")
@click.option("--out", "out_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write to this file (default: standard output).")
def people_graph(case_dir, fmt, out_path):
    """The correspondence graph (who wrote to whom, how often): GraphML for Gephi/yEd, or CSV."""
    with Case.open(case_dir) as case:
        data = case.graph(fmt)
    if out_path:
        write_out(out_path, data)
        out.print(f"Wrote {out_path}.")
    else:
        sys.stdout.write(data)


@main.command()
@click.argument("doc_id", required=False)
@case_option
@json_option
def entities(doc_id, case_dir, as_json):
    """People, organisations, places, money amounts and dates in the text, linked to the case's
    people and organisations. With a document id: that document's entities; without: find them
    in every document (English with spaCy, every language with rules and the case's own names)."""
    with Case.open(case_dir) as case:
        if doc_id:
            rows = case.entities(doc_id)
            if as_json:
                emit_json(rows)
                return
            t = Table(box=None)
            for col in ("label", "text", "value / link", "source"):
                t.add_column(col)
            for e in rows:
                t.add_row(e["label"], safe(e["text"]), safe(e["value"] or e["link"] or ""), e["source"])
            out.print(t)
            return
        total = case.db.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
        progress = Progress(TextColumn("[bold]entities"), BarColumn(), TaskProgressColumn(), TimeElapsedColumn(),
                            TextColumn("ETA"), TimeRemainingColumn(), console=err,
                            disable=as_json or not err.is_terminal)
        with progress:
            task = progress.add_task("entities", total=total or 1)
            res = case.entities(progress=lambda n: progress.update(task, advance=n))
    if as_json:
        emit_json(res)
        return
    for label, info in res.items():
        out.print(Text(f"{label} ({info['count']})", style="bold") + Text(
            ": " + ", ".join(safe(x["value"]) + (f" ×{x['count']}" if x["count"] > 1 else "") for x in info["top"])))


@main.command()
@case_option
@click.option("--limit", type=int, default=None)
@click.option("--offset", type=int, default=0)
@click.option("--min-messages", type=click.IntRange(1), default=1, help="Only threads with at least this many messages.")
@json_option
def threads(case_dir, limit, offset, min_messages, as_json):
    """The conversations of the case, oldest first."""
    with Case.open(case_dir) as case:
        rows = case.threads(limit or (None if as_json else 200), offset, min_messages)
    if as_json:
        emit_json(rows)
        return
    t = Table(box=None)
    for col in ("id", "first", "last", "msgs", "subject"):
        t.add_column(col, no_wrap=True, overflow="ellipsis", max_width=60)
    for r in rows:
        t.add_row(r["id"], (r["first_at"] or "")[:10], (r["last_at"] or "")[:10], str(r["messages"]),
                  safe(r["subject"] or ""))
    out.print(t)


@main.command()
@click.argument("thread_id")
@case_option
@json_option
def thread(thread_id, case_dir, as_json):
    """Read one thread as a conversation (give a thread id or the id of any message in it)."""
    with Case.open(case_dir) as case:
        t = case.thread(thread_id)
    if as_json:
        emit_json(t)
        return
    out.print(Text(safe(t["subject"] or "(no subject)"), style="bold") +
              Text(f"   {t['id']}, {len(t['messages'])} message(s)"))
    for m in t["messages"]:
        pad = "  " * min(m["depth"], 8)
        who = m["from"]["person"] or m["from"]["name"] or m["from"]["addr"] or "?"
        head = Text(pad) + Text(m["id"], style="cyan") + Text(f"  {shown_time(m['sent_at'], m.get('date_flag'))}  ") + \
            Text(safe(who), style="bold") + Text(f"  [{m['kind']}]", style="dim")
        out.print(head)
        if m["parent_id"] or m["parent_message_id"]:
            out.print(Text(pad + "  ↳ " + safe(m["link_reason"]) + f" ({m['link_confidence']:.2f})", style="dim"))
        for c in m["copies"]:
            out.print(Text(pad + f"  = {c['id']} [{c['kind']}] {safe(c['reason'])}", style="dim"))
        body = [ln for ln in safe_text(m["text"]).split("\n") if ln.strip() and not ln.lstrip().startswith(">")][:6]
        for ln in body:
            out.print(Text(pad + "    " + ln[:160]))


def shown_time(sent_at: str | None, flag: str | None) -> str:
    """A message's time as the thread shows it, saying what kind of time it is: UTC for a
    message that carried its zone, the printed local time (zone unknown) for a printed copy that
    did not, so that 11:30 printed in California under 19:30 UTC does not read as a contradiction."""
    if not sent_at:
        return "(no date)"
    if flag == "date-only":
        return sent_at[:10]
    if flag == "no-timezone":
        return f"{sent_at[:16].replace('T', ' ')} local time, zone not printed"
    if flag in ("missing", "unparseable", "implausible"):
        return f"{sent_at[:16].replace('T', ' ')} ({flag})"
    return f"{sent_at[:16].replace('T', ' ')} UTC"


# ---------------------------------------------------------------- search / show
@main.command()
@click.argument("query", required=False, default="")
@case_option
@click.option("--from", "sender", help="Sender name or address contains these words.")
@click.option("--to", "recipient", help="A recipient (to/cc/bcc) name or address contains these words.")
@click.option("--after", help="Sent on or after this date (YYYY-MM-DD, YYYY-MM or YYYY).")
@click.option("--before", help="Sent on or before this date.")
@click.option("--source", help="The input file path contains these words.")
@click.option("--sort", type=click.Choice(["relevance", "date"]), default="relevance")
@click.option("--limit", type=click.IntRange(1, 10000), default=20)
@click.option("--all-copies", is_flag=True, help="List every copy of a message, not each message once.")
@click.option("--mode", type=click.Choice(["text", "semantic", "hybrid"]), default="text",
              help="text: words and phrases; semantic: meaning, across languages; hybrid: both fused.")
@json_option
def search(query, case_dir, sender, recipient, after, before, source, sort, limit, all_copies, mode, as_json):
    """Search the case. Text mode: quote words ("purchase price") for an exact phrase; other words are
    matched with German and English stemming. Semantic mode finds passages by meaning in any
    language (a German query finds an English e-mail); hybrid fuses both rankings."""
    with Case.open(case_dir) as case:
        hits, total, ms = case.search(query, sender=sender, recipient=recipient, after=after, before=before,
                                      source=source, sort=sort, limit=limit, collapse=not all_copies, mode=mode)
        coverage = case.semantic_coverage() if mode != "text" else None
    if as_json:
        emit_json({"query": query, "mode": mode, "total": total, "milliseconds": round(ms, 2),
                   **({"semantic_coverage": coverage} if coverage else {}),
                   "hits": [h.as_dict() for h in hits]})
        return
    if coverage and coverage["share"] < 1.0:
        waiting = coverage["passages_searchable"] - coverage["passages_embedded"]
        parts = [f"{waiting} passage(s) without a vector"] if waiting else []
        if coverage["documents_not_cut"]:
            parts.append(f"{coverage['documents_not_cut']} document(s) not yet cut into passages")
        err.print(Text(f"The {mode} search sees {coverage['share']:.0%} of the case ({', '.join(parts)}); "
                       f"'casefile embed --case {case_dir}' adds the rest.", style="yellow"))
    shown = ""
    if total > len(hits):
        folded = "" if all_copies or total > limit else " (copies and the exhibits they were cut from folded; --all-copies lists them)"
        shown = f"; showing {len(hits)}{folded}"
    out.print(f"{total} match{'' if total == 1 else 'es'} in {ms:.1f} ms{shown}")
    for h in hits:
        who = safe(h.from_name or h.from_addr or "")
        head = Text(h.doc_id, style="cyan") + Text(f"  {(h.sent_at or '')[:10]}  ") + Text(who, style="bold") \
            + Text("  " + safe(h.subject or f"[{h.kind}]"))
        if h.citation:
            head += Text("  " + safe(cite(h.citation)), style="dim")
        out.print(head)
        snip = Text("    ")
        pos = 0
        s = safe_keep_len(h.snippet)
        for a, b in h.highlights:
            snip.append(s[pos:a])
            snip.append(s[a:b], style="bold yellow reverse")
            pos = b
        snip.append(s[pos:])
        out.print(snip)


def safe_keep_len(s: str) -> str:
    """Replace control characters by spaces so highlight offsets stay valid."""
    return _CONTROL.sub(" ", s or "")


@main.command()
@click.argument("doc_id")
@case_option
@click.option("--raw", is_flag=True, help="Print the original bytes (as kept in originals/).")
@json_option
def show(doc_id, case_dir, raw, as_json):
    """Show one document: its headers, text, attachments and where it came from."""
    with Case.open(case_dir) as case:
        if raw:
            data = case.raw(doc_id)
            if data is None:
                raise UserError("The original bytes of this document are not kept (it was parsed in place).")
            sys.stdout.write(safe_keep_len(data.decode("utf-8", "replace")) if sys.stdout.isatty()
                             else data.decode("utf-8", "replace"))
            return
        d = case.document(doc_id)
    if as_json:
        emit_json(d)
        return
    frm = d["from"] or {}

    def person(x):
        name, addr = x.get("name"), x.get("addr")
        return f"{name} <{addr}>" if name and addr else (name or addr or "")

    def fmt(p):
        return ", ".join(safe(person(x)) for x in p)

    for k, v in (("Document", d["id"]), ("Kind", d["kind"]), ("Subject", d["subject"] or d["title"]),
                 ("From", person(frm) if d["from"] else None),
                 ("To", fmt(d["to"]) or None), ("Cc", fmt(d["cc"]) or None),
                 ("Date", f"{d['sent_at'] or '-'}  (as written: {d['sent_at_raw'] or 'none'})"
                  + (f"  [{d['date_flag']}]" if d["date_flag"] else "")),
                 ("Message-ID", d["message_id"]),
                 ("Source", f"{d['source']['path']}" + (f" :: {d['source']['locator']}" if d["source"]["locator"] else "")),
                 ("Cited as", cite(d["citation"]) if d["citation"].get("pages") or d["citation"].get("lines") else None),
                 ("Recovered from" if d["kind"] == "printed-email" else "Quoted in", d["derived_from"])):
        if v:
            out.print(Text(f"{k}: ", style="bold") + Text(safe(v)))
    if d.get("thread_id"):
        out.print(Text("Thread: ", style="bold") + Text(f"{d['thread_id']} (casefile thread {d['thread_id']})"))
    for r in d.get("recovered", []):
        pages = r.get("pages") or []
        where = f" p. {pages[0]}" + (f"-{pages[-1]}" if len(pages) > 1 and pages[-1] != pages[0] else "") if pages else ""
        out.print(Text("Recovered: ", style="bold") + Text(safe(f"{r['id']} [{r['kind']}]{where} {r['sent_at'] or '-'} "
                                                                 f"{r['from'] or '?'}: {r['subject'] or ''}")))
    for c in d.get("copies", []):
        if c["id"] != d["id"]:
            out.print(Text("Copy: ", style="bold") + Text(safe(f"{c['id']} [{c['kind']}]"
                                                                + (" canonical" if c["canonical"] else f" {c['reason']}"))))
    for n in d["notes"]:
        out.print(Text("Note: ", style="yellow") + Text(safe(n)))
    for a in d.get("attachments", []):
        out.print(Text("Attachment: ", style="bold") + Text(safe(f"{a['name']} ({a['type']}, {a['size']} bytes, {a['status']})")))
    out.print()
    out.print(Text(safe_text(d["text"])))


def safe_text(s: str) -> str:
    return _CONTROL.sub("", s or "")


@main.command()
@click.argument("text")
@case_option
@click.option("--limit", type=click.IntRange(1, 50), default=5, help="How many source passages to list.")
@click.option("--articles", "include_articles", is_flag=True, help="Also look in the articles of the case.")
@click.option("--from", "sender", help="Only sources whose sender contains these words.")
@click.option("--after", help="Only sources sent on or after this date.")
@click.option("--before", help="Only sources sent on or before this date.")
@json_option
def quote(text, case_dir, limit, include_articles, sender, after, before, as_json):
    """Find the source of a quote, in any language: the passages that say it, with sender, date,
    citation and which words correspond."""
    with Case.open(case_dir) as case:
        res = case.quote(text, limit=limit, include_articles=include_articles, sender=sender, after=after,
                         before=before)
    if as_json:
        emit_json(res)
        return
    if not res["found"]:
        out.print(Text(res["message"], style="bold"))
        if res["sources"]:
            out.print("The nearest passages, for what they are worth:")
    for s in res["sources"]:
        d = s["document"]
        who = safe((d["from"] or {}).get("name") or (d["from"] or {}).get("addr") or "")
        head = Text(f"{s['rank']}. ", style="bold") + Text(d["id"][:12], style="cyan") \
            + Text(f"  {(d['sent_at'] or '')[:10]}  ") + Text(who, style="bold") \
            + Text(f"  score {s['score']:.2f}  ") + Text(cite(s["citation"]), style="dim")
        out.print(head)
        ptext = s["passage"]["text"]
        start = s["passage"]["start"]
        marks = sorted((a["passage"][0] - start, a["passage"][1] - start) for a in s["alignment"])
        line, pos = Text("    "), 0
        clean = safe_keep_len(ptext)
        for a, b in marks:
            if a < pos:
                continue
            line.append(clean[pos:a])
            line.append(clean[a:b], style="bold yellow reverse")
            pos = b
        line.append(clean[pos:])
        out.print(line)
        pairs = [f"{safe(a['quote_text'])} = {safe(a['passage_text'])}" for a in s["alignment"]
                 if a["kind"] == "translation"]
        if pairs:
            out.print(Text("    translated: " + "; ".join(pairs), style="dim"))


@main.command()
@click.argument("article")
@case_option
@click.option("--format", "fmt", type=click.Choice(["md", "html"]), default=None,
              help="Print the report as Markdown or as one self-contained HTML page.")
@click.option("--published", default=None, metavar="YYYY-MM-DD",
              help="The day the article appeared, when its file does not say (relative dates such as "
                   "'on Monday' or 'vor zwei Wochen' count from it).")
@json_option
def verify(article, case_dir, fmt, published, as_json):
    """Check an article (a file, or the id of an article in the case) against the sources: each
    claim and quote marked supported, contradicted, misattributed, misquoted or not_in_sources,
    with its best source and the checks that decided it."""
    from .verify.report import html_page, markdown
    with Case.open(case_dir) as case:
        res = case.verify(article, published=published)
    if as_json:
        emit_json(res)
        return
    if fmt in ("md", "html"):
        sys.stdout.write((markdown if fmt == "md" else html_page)(res, cite) + "\n")
        return
    out.print(Text(safe(res.get("title") or article), style="bold") + Text(f"  {res['claims']} claim(s), "
              + ", ".join(f"{k} {v}" for k, v in res["summary"].items() if v)))
    if res.get("message"):
        out.print(res["message"])
    style = {"supported": "green", "contradicted": "red", "misattributed": "magenta", "misquoted": "yellow",
             "not_in_sources": "dim"}
    for n, v in enumerate(res["verdicts"], 1):
        c = v["claim"]
        stated = c["quote"] if c["kind"] == "quote" else c["text"]
        out.print(Text(f"{n}. ") + Text(v["verdict"], style=f"bold {style[v['verdict']]}")
                  + Text(f"  {clip(safe(stated), 160)}")
                  + (Text(f"  ({safe(c['speaker'])})", style="dim") if c.get("speaker") else Text("")))
        s = v.get("source")
        if s and v["verdict"] != "not_in_sources":
            frm = s["document"].get("from") or {}
            out.print(Text(f"   {safe(frm.get('name') or frm.get('addr') or '')}, {(s['document'].get('sent_at') or '')[:10]},"
                           f" {cite(s['citation'])}: ", style="dim") + Text(clip(safe(s['span']['text']), 160)))
        if v["reason"] and v["verdict"] != "supported":
            out.print(Text(f"   {safe(v['reason'])}", style="dim"))


@main.command()
@case_option
@click.option("--model", help="Embedding model: use-multilingual-v3 (default), e5-small, or st:<sentence-transformers "
              "model or folder>. Choosing another model than the case's re-embeds every passage.")
@click.option("--workers", type=click.IntRange(1, 64), default=None, help="Encoder processes (default: 2).")
@json_option
def embed(case_dir, model, workers, as_json):
    """Cut documents into passages and embed them for semantic search and quote finding."""
    with Case.open(case_dir) as case:
        t0 = time.monotonic()
        progress = Progress(TextColumn("[bold]embed"), BarColumn(), TaskProgressColumn(),
                            TextColumn("{task.completed} passages"), TimeElapsedColumn(), TextColumn("ETA"),
                            TimeRemainingColumn(), console=err, disable=as_json or not err.is_terminal)
        with progress:
            task = [None]

            def on_embed(done, todo):
                if task[0] is None:
                    task[0] = progress.add_task("embed", total=todo)
                progress.update(task[0], completed=done)

            res = case.embed(model=model, workers=workers, progress=on_embed)
        res["seconds"] = round(time.monotonic() - t0, 2)
    if as_json:
        emit_json(res)
        return
    out.print(f"{res.get('embedded', 0)} passage(s) embedded with {res.get('model')} in {res['seconds']:.1f} s "
              f"({res['documents_cut']} new document(s) cut into passages).")


@main.command()
@case_option
def reindex(case_dir):
    """Rebuild the full-text and vector indexes from the store."""
    with Case.open(case_dir) as case:
        n = case.reindex()
    out.print(f"Indexed {n} documents.")


@main.command()
@click.option("--case", "case_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("sample-case"),
              show_default=True)
def demo(case_dir):
    """Ingest the bundled sample case, print the summary, the messages recovered from its court
    exhibits, its people and a thread with its copies, run a few searches and find the source of
    a translated quote."""
    from .sample import sample_dir
    ctx = click.get_current_context()
    ctx.invoke(ingest, paths=(sample_dir(),), case_dir=case_dir, workers=None, no_analyze=False, as_json=False)
    out.print()
    out.print(Text(f"$ casefile documents --kind printed-email --case {case_dir}", style="dim"))
    ctx.invoke(documents, case_dir=case_dir, limit=None, offset=0, kind="printed-email", as_json=False)
    out.print()
    out.print(Text(f"$ casefile people --case {case_dir}", style="dim"))
    ctx.invoke(people, case_dir=case_dir, limit=None, as_json=False)
    with Case.open(case_dir) as case:
        copies = [t for t in case.threads() if any(m["copies"] for m in case.thread(t["id"])["messages"])]
    if copies:
        out.print()
        out.print(Text(f"$ casefile thread {copies[0]['id']} --case {case_dir}", style="dim"))
        ctx.invoke(thread, thread_id=copies[0]["id"], case_dir=case_dir, as_json=False)
    from .sample import DEMO_ARTICLE, DEMO_PARTIES, DEMO_QUOTE, DEMO_SEARCHES, DEMO_SEMANTIC
    for q, opts in DEMO_SEARCHES:
        out.print()
        label = f"casefile search '{q}'" + "".join(f" --{'from' if k == 'sender' else k} {v}" for k, v in opts.items())
        out.print(Text(f"$ {label} --case {case_dir}", style="dim"))
        ctx.invoke(search, query=q, case_dir=case_dir, sender=opts.get("sender"), recipient=None, after=None,
                   before=None, source=None, sort="relevance", limit=5, all_copies=False, as_json=False)
    q = DEMO_SEMANTIC
    out.print()
    out.print(Text(f"$ casefile search '{q}' --mode semantic --case {case_dir}", style="dim"))
    ctx.invoke(search, query=q, case_dir=case_dir, sender=None, recipient=None, after=None, before=None,
               source=None, sort="relevance", limit=3, all_copies=False, mode="semantic", as_json=False)
    q = DEMO_QUOTE
    out.print()
    out.print(Text(f"$ casefile quote '{q}' --limit 2 --case {case_dir}", style="dim"))
    ctx.invoke(quote, text=q, case_dir=case_dir, limit=2, include_articles=False, sender=None, after=None,
               before=None, as_json=False)
    art = sample_dir() / DEMO_ARTICLE
    out.print()
    out.print(Text(f"$ casefile verify {art.name} --case {case_dir}", style="dim"))
    ctx.invoke(verify, article=str(art), case_dir=case_dir, fmt=None, published=None, as_json=False)
    out.print()
    out.print(Text(f"$ casefile timeline --top 12 --case {case_dir}", style="dim"))
    ctx.invoke(timeline, case_dir=case_dir, between=None, after=None, before=None, top=12, fmt="text",
               out_path=None, as_json=False)
    out.print()
    a, b = DEMO_PARTIES
    out.print(Text(f'$ casefile dispute "{a}" "{b}" --case {case_dir}', style="dim"))
    ctx.invoke(dispute, a=a, b=b, case_dir=case_dir, as_json=False)
    out.print()
    for lang in ("de", "en"):
        target = str(Path(case_dir) / f"briefing-{lang}.html")
        out.print(Text(f"$ casefile brief --lang {lang} --format html --out {target} --case {case_dir}", style="dim"))
        ctx.invoke(brief, case_dir=case_dir, lang=lang, between=None, fmt="html", events=None, out_path=target,
                   rewrite_url=None, rewrite_model=None)


@main.command()
@case_option
@click.option("--between", nargs=2, default=None, metavar="A B", help="Only events both people took part in.")
@click.option("--from", "after", default=None, metavar="YYYY-MM-DD", help="Events on or after this day.")
@click.option("--to", "before", default=None, metavar="YYYY-MM-DD", help="Events on or before this day.")
@click.option("--top", default=30, show_default=True, help="How many events tell the story (0: all).")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "csv", "timelinejs", "timesketch", "ftm"]),
              default="text", show_default=True,
              help="csv, TimelineJS JSON, Timesketch JSONL or FollowTheMoney entities (JSON lines) to load elsewhere.")
@click.option("--out", "out_path", default=None, type=click.Path(dir_okay=False), help="Write to this file.")
@json_option
def timeline(case_dir, between, after, before, top, fmt, out_path, as_json):
    """The dispute's timeline: the events that tell it, in date order, each with its actors, the
    sentence of the source that says it, and citations. Events from articles are marked as
    reported, not evidenced."""
    from .timeline.export import export
    with Case.open(case_dir) as case:
        if top < 0:
            raise UserError(f"--top must be 0 (all events) or more, not {top}.")
        res = case.timeline(tuple(between) if between else None, after, before, top or None)
    if as_json:
        fmt = "json"
    if fmt != "text":
        data = json.dumps(res, ensure_ascii=False, indent=1) if fmt == "json" else export(res, fmt)
        if out_path:
            write_out(out_path, data)
            err.print(f"Wrote {len(res['events'])} events to {out_path}")
        elif fmt == "json":
            emit_json(res)
        else:
            click.echo(data, nl=False)
        return
    out.print(Text(f"{len(res['events'])} of {res['total']} events", style="bold")
              + (Text(f" between {safe(res['between'][0])} and {safe(res['between'][1])}") if res["between"] else Text("")))
    for e in res["events"]:
        who = ", ".join(safe(a["name"]) for a in e["actors"][:3])
        mark = {"reported": " (reported)", "mention": " (mentioned)", "published": " (press)"}.get(e["kind"], "")
        out.print(Text(f"{e['date']}", style="bold") + Text(f"  {e['act']}{mark}", style="cyan")
                  + Text(f"  {who}", style="dim"))
        out.print(Text("   " + clip(safe(e["description"]), 200)))
        c = e["citations"][0]
        where = cite(dict(c["citation"], **({"pages": [c["page"], c["page"]]} if c.get("page") else {}),
                          **({"bates": [c["bates"]]} if c.get("bates") else {})))
        more = f" (+{len(e['citations']) - 1} more)" if len(e["citations"]) > 1 else ""
        out.print(Text(f"   {where}{more}", style="dim"))


@main.command()
@click.argument("a")
@click.argument("b")
@case_option
@json_option
def dispute(a, b, case_dir, as_json):
    """The points of contention between two sides (a name, address or person id each, or several
    joined by '+': "Maxwell+Menninger"): what they fought over, found from the case itself, with each side's key quotes and how each
    side's position moved, every statement cited."""
    with Case.open(case_dir) as case:
        res = case.dispute(a, b)
    if as_json:
        emit_json(res)
        return
    who = [" + ".join(safe(p["name"]) for p in side) for side in res["sides"]]
    n_issues = len(res["issues"])
    out.print(Text(f"{n_issues} point{'' if n_issues == 1 else 's'} of contention between {who[0]} and {who[1]}",
                   style="bold") + Text(f" (from {res['statements']} statements of theirs)", style="dim"))
    if res.get("reason"):
        out.print(safe(res["reason"]))
    for n, k in enumerate(res["issues"], 1):
        out.print(Text(f"\n{n}. {safe(k['label'])}", style="bold")
                  + Text(f"  {k['first']} – {k['last']}, {k['statements']} statements", style="dim"))
        for side in k["sides"]:
            out.print(Text(f"   {safe(side['person']['name'])}", style="cyan"))
            for q in side["quotes"]:
                via = f" (by {safe(q['via']['name'])})" if q["via"] else ""
                if q.get("quoted_by"):
                    via += f" (as quoted by {safe(q['quoted_by']['name'])})"
                out.print(Text(f"     {q['date']}  „{clip(safe(q['text']), 200)}“{via}"))
                out.print(Text(f"       {cite(q['citation']['citation'])}", style="dim"))
            steps = side["positions"]
            sums = [s for s in steps if s["position"] != s["act"]]
            if len(sums) > 1:              # a position that moved: the sums it named, in order
                out.print(Text("     moved: " + " → ".join(f"{safe(s['position'])} ({s['date']})" for s in sums),
                               style="dim"))
            elif len(steps) > 1:           # no sums: what the side did, counted (a chain of acts says little)
                acts = Counter(s["act"] for s in side["statements"])
                out.print(Text("     acts: " + ", ".join(f"{a} {n}" for a, n in acts.most_common()), style="dim"))


@main.command()
@case_option
@click.option("--lang", type=click.Choice(["de", "en"]), default="en", show_default=True,
              help="The briefing's language (quotes stay in their own).")
@click.option("--between", nargs=2, default=None, metavar="A B",
              help="The two sides (default: the case's two most involved people).")
@click.option("--format", "fmt", type=click.Choice(["md", "html", "pdf", "json"]), default="md", show_default=True)
@click.option("--events", default=None, type=int, help="How many events the chronology tells (default 12).")
@click.option("--out", "out_path", default=None, type=click.Path(dir_okay=False),
              help="Write to this file (a PDF always needs one).")
@click.option("--rewrite-url", default=None, envvar="CASEFILE_REWRITE_URL", metavar="URL",
              help="An OpenAI-compatible endpoint (Ollama, llama.cpp server, vLLM) to rewrite the prose; "
                   "sentences whose citations do not back them are dropped.")
@click.option("--rewrite-model", default=None, envvar="CASEFILE_REWRITE_MODEL", help="The model name to ask for.")
def brief(case_dir, lang, between, fmt, events, out_path, rewrite_url, rewrite_model):
    """A briefing on the dispute: what it is about, a dated chronology, the points of contention
    with each side's own words, short summary bullets. Every sentence is cited; quotes stay in
    their original language. Written from the sources by templates, no language model needed."""
    from .timeline import render
    if fmt == "pdf" and not out_path:
        raise UserError("A PDF briefing needs a file to go to: add --out briefing.pdf.")
    if rewrite_url and not rewrite_model:
        raise UserError("Name the model the rewrite endpoint should use: add --rewrite-model.")
    with Case.open(case_dir) as case:
        b = case.brief(lang, tuple(between) if between else None, events,
                       (rewrite_url, rewrite_model) if rewrite_url else None)
        timeline = case.timeline(between=tuple(between) if between else None, top=None)["events"] if fmt == "html" else []
    if fmt == "json":
        data = json.dumps(b.as_dict(), ensure_ascii=False, indent=1)
    elif fmt == "md":
        data = render.markdown(b)
    elif fmt == "html":
        data = render.html_page(b, timeline)
    else:
        data = render.pdf(b)
    if out_path:
        write_out(out_path, data)
        err.print(f"Wrote {out_path}" + (f" ({b.dropped} rewritten sentence(s) dropped for want of a citation)"
                                         if b.rewritten else ""))
    else:
        click.echo(data)


if __name__ == "__main__":
    main()
