"""The one way this project sets up jinja2 for its generated Markdown pages (site pages, the
calculator page, the benchmarks page)."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined


def markdown_environment(templates: Path) -> Environment:
    """Autoescaped even for .md.j2 templates: the pages hold HTML, and the data is untrusted text.
    Strict about undefined names, so a template typo stops the build instead of printing nothing."""
    return Environment(
        loader=FileSystemLoader(templates),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
