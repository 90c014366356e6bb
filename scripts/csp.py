"""A Content-Security-Policy for every built page, computed from the page itself after mkdocs.

The site is static and also opened from disk, so the policy is a <meta http-equiv> tag, written
first in <head> (a meta policy covers only what follows it). It is computed per page at build time:
whatever inline scripts the page holds then (the theme's, anyone's) are allowed by their SHA-256
hash and nothing else inline runs; wasm compilation and Blob-URL workers are allowed only on pages
that start the calculator's worker. Scripts, styles, images and fonts come from the site itself.

`'self'` on a page opened from disk: the page's origin is opaque, but Chromium and Firefox (with its
default security.fileuri.strict_origin_policy) both let `'self'` match the file: URLs of the copy,
so the same policy serves http and file://; tests/test_csp.py proves it in both browsers.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable
from pathlib import Path

META_NAME = "Content-Security-Policy"
# <script ...>...</script> without a src: the body is what the browser hashes, byte for byte.
_SCRIPT = re.compile(r"<script\b(?P<attrs>[^>]*)>(?P<body>.*?)</script>", re.S | re.I)
_TYPE = re.compile(r"""\btype\s*=\s*["']?(?P<type>[^"'\s>]+)""", re.I)
_HEAD = re.compile(r"<head\b[^>]*>", re.I)
_EXISTING = re.compile(r'<meta http-equiv="Content-Security-Policy"[^>]*>\s*', re.I)
# Script types a browser executes; everything else (application/json config blocks) is data.
_SCRIPT_TYPES = {"", "text/javascript", "application/javascript", "module"}
# A page that starts the calculator: its worker is started from a Blob URL and compiles WebAssembly.
CALCULATOR_MARKERS = ("javascripts/calculator.js",)


def script_hash(body: str) -> str:
    digest = hashlib.sha256(body.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def inline_scripts(html: str) -> list[str]:
    """The bodies of the scripts in `html` that run inline (not src=, not data blocks)."""
    bodies = []
    for match in _SCRIPT.finditer(html):
        attrs = match.group("attrs")
        if re.search(r"\bsrc\s*=", attrs, re.I):
            continue
        kind = _TYPE.search(attrs)
        if (kind.group("type").lower() if kind else "") not in _SCRIPT_TYPES:
            continue
        bodies.append(match.group("body"))
    return bodies


def policy(inline_hashes: Iterable[str], *, calculator: bool) -> str:
    hashes = sorted(set(inline_hashes))
    script = ["'self'", *hashes]
    worker = ["'self'"]
    if calculator:
        # Pyodide compiles its WebAssembly; the worker runs from a Blob URL (the one way to start a
        # worker from disk) and imports the runtime's module from a Blob URL too.
        script += ["'wasm-unsafe-eval'", "blob:"]
        worker.append("blob:")
    directives = {
        "default-src": ["'self'"],
        "script-src": script,
        "worker-src": worker,
        "style-src": ["'self'"],
        # mkdocs-material's icons are data: SVGs in its style sheet.
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        # The site embeds no frames (the calculator's worker is a Blob worker, not a frame).
        "frame-src": ["'none'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
    }
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in directives.items())


def with_policy(html: str) -> str:
    """The page with its policy as the first element of <head> (an older policy tag replaced)."""
    html = _EXISTING.sub("", html)
    head = _HEAD.search(html)
    if head is None:
        raise ValueError("the page has no <head>")
    hashes = [script_hash(body) for body in inline_scripts(html)]
    calculator = any(marker in html for marker in CALCULATOR_MARKERS)
    tag = f'<meta http-equiv="{META_NAME}" content="{policy(hashes, calculator=calculator)}">'
    return html[: head.end()] + "\n    " + tag + html[head.end() :]


def apply_content_security_policy(site_dir: Path) -> int:
    """Write the policy into every page of the built site; returns the number of pages."""
    count = 0
    for page in sorted(site_dir.rglob("*.html")):
        html = page.read_text(encoding="utf-8")
        if not _HEAD.search(html):
            continue
        page.write_text(with_policy(html), encoding="utf-8")
        count += 1
    return count
