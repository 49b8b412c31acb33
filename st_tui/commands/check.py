"""The `st-tui check` command: read a data file, detect its format, list findings.

Exit codes: 0 when training can start, 1 when an error-level finding blocks it, 2
when the input cannot be read or the options or mapping are invalid. Imports no
torch or sentence_transformers; ``--tokenizer`` imports transformers to count tokens.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from st_tui.errors import DataError, StTuiError
from st_tui.formats import FORMAT_NAMES, FORMATS

EXIT_OK = 0
EXIT_BLOCKED = 1
EXIT_UNREADABLE = 2
JSON_SCHEMA_VERSION = 1


def parse_mapping(pairs: tuple[str, ...]) -> dict[str, str]:
    """Parse ROLE=COLUMN options into a mapping.

    Raises:
        DataError: for an option without '='.
    """
    mapping: dict[str, str] = {}
    for pair in pairs:
        role, sep, column = pair.partition("=")
        if not sep or not role.strip() or not column:
            raise DataError(
                f"--map {pair!r}: expected ROLE=COLUMN, such as --map anchor=question."
            )
        mapping[role.strip()] = column
    return mapping


def build_report(
    path: str,
    *,
    format_name: str | None = None,
    mapping_pairs: tuple[str, ...] = (),
    max_seq_length: int | None = None,
    batch_size: int | None = None,
    skip_bad_lines: bool = False,
    tokenizer_name: str | None = None,
) -> dict[str, Any]:
    """Open, detect, map and check a data source, and return a JSON-ready report.

    Raises:
        DataError: when the source cannot be read or the mapping is invalid.
    """
    from st_tui.data.check import (
        check_data,
        check_source,
        read_rows,
        validate_mapping,
    )
    from st_tui.data.detect import detect_format, explain, suggest_mapping
    from st_tui.data.findings import ROW, blocking, run
    from st_tui.data.load import open_source

    source = open_source(path, skip_bad_lines=skip_bad_lines)
    parsed = read_rows(source)
    source_findings = check_source(source, parsed)
    sample = run(parsed.frame.head(200).drop(ROW))
    schema = source.schema
    detection = detect_format(schema, sample)

    name = format_name or detection.format
    fmt = FORMATS[name]
    requested = parse_mapping(mapping_pairs)
    if format_name and format_name != detection.format:
        suggested = suggest_mapping(fmt, schema, sample)
        mapping = {r: c for r, c in suggested.items() if c is not None}
    else:
        mapping = dict(detection.mapping)
    mapping.update(requested)
    validate_mapping(fmt, mapping, source.columns, source.name)
    reason = detection.reason
    if name != detection.format or requested:
        reason = explain(fmt, mapping, schema, sample) + " (chosen by option)"

    tokenizer = _load_tokenizer(tokenizer_name) if tokenizer_name else None
    findings = source_findings + check_data(
        parsed.frame,
        fmt,
        mapping,
        max_seq_length=max_seq_length,
        batch_size=batch_size,
        validation_frame=source.validation_frame,
        tokenizer=tokenizer,
    )
    errors = blocking(findings)
    return {
        "schema_version": JSON_SCHEMA_VERSION,
        "path": str(source.path),
        "source": {
            "kind": source.kind,
            "description": source.describe(),
            "columns": source.columns,
            "notes": list(source.notes),
            "has_validation": source.validation_frame is not None,
        },
        "format": name,
        "detected_format": detection.format,
        "reason": reason,
        "alternatives": list(detection.alternatives),
        "mapping": {role: mapping[role] for role in fmt.roles},
        "findings": [f.to_dict() for f in findings],
        "errors": len(errors),
        "can_train": not errors,
        "exit_code": EXIT_BLOCKED if errors else EXIT_OK,
    }


def _load_tokenizer(name: str) -> Any:
    """Load a tokenizer from a local folder or the Hugging Face cache."""
    try:
        from transformers import AutoTokenizer

        return AutoTokenizer.from_pretrained(name, local_files_only=True)
    except (OSError, ValueError) as error:
        raise DataError(
            f"Could not load the tokenizer '{name}' from a local folder or the "
            f"Hugging Face cache ({error}). Give a model folder, or drop --tokenizer "
            "to estimate lengths."
        ) from None


@click.command("check")
@click.argument("path")
@click.option(
    "--format",
    "format_name",
    type=click.Choice(FORMAT_NAMES),
    default=None,
    help="Training-data format [default: detected from the columns].",
)
@click.option(
    "--map",
    "mapping_pairs",
    multiple=True,
    metavar="ROLE=COLUMN",
    help="Map a role to a column, such as --map anchor=question. Repeatable.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option(
    "--max-seq-length",
    type=click.IntRange(min=1),
    default=None,
    help="Report texts longer than this many tokens.",
)
@click.option(
    "--batch-size",
    type=click.IntRange(min=1),
    default=None,
    help="Report data with fewer rows than one batch of this many rows.",
)
@click.option(
    "--skip-bad-lines",
    is_flag=True,
    help="Leave out lines that cannot be parsed instead of stopping.",
)
@click.option(
    "--tokenizer",
    "tokenizer_name",
    metavar="MODEL",
    default=None,
    help="Count tokens with this local model's tokenizer (needs --max-seq-length) "
    "[default: estimate as whitespace words x 1.3].",
)
def check_command(
    path: str,
    format_name: str | None,
    mapping_pairs: tuple[str, ...],
    as_json: bool,
    max_seq_length: int | None,
    batch_size: int | None,
    skip_bad_lines: bool,
    tokenizer_name: str | None,
) -> None:
    """Check a data file for problems before training on it.

    Prints the detected format and why, the role mapping and every finding. Exits 0
    when training can start, 1 when an error blocks it, 2 when PATH cannot be read.
    """
    if tokenizer_name and not max_seq_length:
        raise click.UsageError("--tokenizer needs --max-seq-length.")
    try:
        report = build_report(
            path,
            format_name=format_name,
            mapping_pairs=mapping_pairs,
            max_seq_length=max_seq_length,
            batch_size=batch_size,
            skip_bad_lines=skip_bad_lines,
            tokenizer_name=tokenizer_name,
        )
    except StTuiError as error:
        message = " ".join(str(error).split())
        if as_json:
            click.echo(
                json.dumps(
                    {
                        "schema_version": JSON_SCHEMA_VERSION,
                        "path": path,
                        "error": message,
                        "can_train": False,
                        "exit_code": EXIT_UNREADABLE,
                    },
                    indent=2,
                )
            )
        else:
            click.echo(f"st-tui: error: {message}", err=True)
        sys.exit(EXIT_UNREADABLE)

    if as_json:
        click.echo(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        _print_report(report)
    sys.exit(report["exit_code"])


def _print_report(report: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = Console(highlight=False)
    source = report["source"]
    console.print(f"[bold]{report['path']}[/]: {source['description']}")
    for note in source["notes"]:
        console.print(Text(f"  note: {note}"))
    console.print(Text.assemble(("Format: ", "bold"), report["format"]))
    console.print(Text.assemble(("Why: ", "bold"), report["reason"]))
    mapped = ", ".join(f"{role}={column}" for role, column in report["mapping"].items())
    console.print(Text.assemble(("Mapping: ", "bold"), mapped))

    findings = report["findings"]
    if findings:
        table = Table(show_lines=False, expand=True)
        table.add_column("Severity", no_wrap=True)
        table.add_column("Finding", no_wrap=True)
        table.add_column("Rows", justify="right", no_wrap=True)
        table.add_column("Message and fix", ratio=1)
        styles = {"error": "bold red", "warning": "yellow", "info": "cyan"}
        for finding in findings:
            severity = finding["severity"]
            text = f"{finding['message']}\n-> {finding['fix']}"
            table.add_row(
                Text(severity, style=styles[severity]),
                finding["code"],
                str(finding["count"] or ""),
                Text(text),
            )
        console.print(table)
    else:
        console.print("No problems found.")

    if report["can_train"]:
        console.print("[bold green]Training can start.[/]")
    else:
        count = report["errors"]
        noun = "error blocks" if count == 1 else "errors block"
        pronoun = "it" if count == 1 else "them"
        console.print(
            f"[bold red]{count} {noun} training.[/] Fix {pronoun} and check again."
        )
