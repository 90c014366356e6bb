"""The Chinese sentences live in calculator/messages.py, and every one of them is used."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from calculator.messages import TEMPLATES

PACKAGE = Path(__file__).resolve().parent.parent / "calculator"
# Modules whose Chinese strings are names and labels (field definitions, parameter names,
# vocabularies, command-line help), not sentences of the explanation.
LABEL_MODULES = {"messages.py", "fields.py", "parameters.py", "vocabulary.py", "__main__.py"}
HAN = re.compile(r"[\u4e00-\u9fff]")


def _string_constants(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef))
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
    ]


def test_no_chinese_sentences_outside_the_messages_module() -> None:
    stray = [
        f"{path.name}:{line} {text!r}"
        for path in sorted(PACKAGE.glob("*.py"))
        if path.name not in LABEL_MODULES
        for line, text in _string_constants(path)
        if HAN.search(text)
    ]
    assert not stray, "Chinese text belongs in calculator/messages.py:\n" + "\n".join(stray)


def test_every_template_is_used() -> None:
    code = "\n".join(path.read_text(encoding="utf-8") for path in PACKAGE.glob("*.py") if path.name != "messages.py")
    # medical builds "layer_" + layer id; span_text picks "span_…", band_text "band_…"
    dynamic_prefixes = ("layer_", "span_", "band_")
    unused = [key for key in TEMPLATES if f'"{key}"' not in code and not key.startswith(dynamic_prefixes)]
    assert not unused, f"unused templates: {unused}"
