"""Command line: ``python -m calculator regions`` and ``python -m calculator estimate``.

    python -m calculator regions                      # JSON list of {"id", "name"}
    python -m calculator fields                       # the field definitions (for forms and docs)
    python -m calculator estimate [--region ID ...] [--input FILE]
                                                      # household JSON on stdin (or FILE) →
                                                      # {"results": {REGION: {BENEFIT: {...}}}}

Exit codes: 0 success, 1 the compiled data is missing or unreadable, 2 invalid input
(with {"errors": {FIELD: MESSAGE}} on stdout).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from calculator import messages
from calculator.api import calculate_with, field_definitions, region_list
from calculator.data import PolicyDataInvalid, PolicyDataMissing, PolicyTable, load_bundled
from calculator.fields import REQUEST_ERROR_KEY

EXIT_DATA = 1
EXIT_INPUT = 2


def _print(payload: Any) -> None:
    sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")


def _read_household(source: Path | None) -> Any:
    text = source.read_text(encoding="utf-8") if source is not None else sys.stdin.read()
    return json.loads(text)


def _table() -> PolicyTable | None:
    try:
        return load_bundled()
    except PolicyDataMissing:
        print(messages.say("data_missing"), file=sys.stderr)
    except PolicyDataInvalid as error:
        print(f"{messages.say('data_invalid')}（{error}）", file=sys.stderr)
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m calculator", description="社保扶贫待遇计算器")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("regions", help="列出地区（JSON）")
    commands.add_parser("fields", help="列出输入字段定义（JSON）")
    estimate = commands.add_parser("estimate", help="按家庭情况（JSON）估算各地区待遇")
    estimate.add_argument("--region", action="append", dest="regions", metavar="ID", help="只算这些地区（可重复）")
    estimate.add_argument("--input", type=Path, help="从文件读取家庭情况 JSON（默认读标准输入）")
    args = parser.parse_args(argv)

    table = _table()
    if table is None:
        return EXIT_DATA
    if args.command == "regions":
        _print(region_list(table))
        return 0
    if args.command == "fields":
        _print(field_definitions(table))
        return 0
    try:
        household = _read_household(args.input)
    except (OSError, UnicodeDecodeError) as error:
        _print({"errors": {REQUEST_ERROR_KEY: messages.say("input_unreadable", reason=error.__class__.__name__)}})
        return EXIT_INPUT
    except ValueError:
        _print({"errors": {REQUEST_ERROR_KEY: messages.say("request_not_json")}})
        return EXIT_INPUT
    result = calculate_with(table, household, args.regions)
    _print(result)
    return EXIT_INPUT if "errors" in result else 0


if __name__ == "__main__":
    sys.exit(main())
