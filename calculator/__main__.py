"""Command line: ``python -m calculator regions`` and ``python -m calculator estimate``.

    python -m calculator regions                      # JSON list of {"id", "name"}
    python -m calculator fields                       # the field definitions (for forms and docs)
    python -m calculator estimate [--region ID ...] [--input FILE]
                                                      # household JSON on stdin (or FILE) →
                                                      # {"results": {REGION: {BENEFIT: {...}}}}

Exit codes: 0 success, 1 the compiled data is missing or unreadable, 2 invalid input
(with {"errors": {FIELD: MESSAGE}} on stdout). A request is read exactly as the web page's
`calculate_json` reads it (`decode_request`), so whatever the page refuses, this refuses with exit 2;
no input makes it print a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from calculator import messages
from calculator.api import RequestRefused, answer, decode_request, field_definitions, refusal, region_list
from calculator.data import PolicyDataInvalid, PolicyDataMissing, PolicyTable, load_bundled
from calculator.fields import REQUEST_ERROR_KEY

EXIT_DATA = 1
EXIT_INPUT = 2


def _print(payload: Any) -> None:
    sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")


def _read_household(source: Path | None) -> Any:
    """The decoded request; raises RequestRefused (bad JSON, too deep, ...) or OSError."""
    data = source.read_bytes() if source is not None else sys.stdin.buffer.read()
    return decode_request(data)


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
    except OSError as error:
        _print({"errors": {REQUEST_ERROR_KEY: messages.say("input_unreadable", reason=error.__class__.__name__)}})
        return EXIT_INPUT
    except RequestRefused as error:
        _print(refusal(error))
        return EXIT_INPUT
    # Answered exactly as the page's boundary answers the same request (`answer`): a household object,
    # or the page's own {"action": ..., "household": ...}; --region chooses the regions.
    request = {**household, "regions": args.regions} if isinstance(household, dict) and args.regions else household
    try:
        result: Any = answer(request)
    except Exception:  # the page's boundary answers the same way: never a traceback
        result = {"errors": {REQUEST_ERROR_KEY: messages.say("internal_error")}}
    _print(result)
    return EXIT_INPUT if "errors" in result else 0


if __name__ == "__main__":
    sys.exit(main())
