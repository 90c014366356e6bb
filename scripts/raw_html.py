"""Generated pages' HTML blocks kept out of the Markdown converter, and put back after it.

The generated pages (scripts/render_pages.py) are mostly HTML: tables, definition lists, policy
items, between Markdown headings. Python-Markdown passes such a block through unchanged, but only
after parsing it with html.parser twice (once to find its anchors, once to find where it ends); on a
site of thousands of regions that was most of the site generator's time. So the page is written as
its Markdown skeleton, where each top-level <div> block is replaced by a placeholder comment, followed
by the blocks themselves after a marker line. scripts/site_hooks.py splits them off before conversion
(`split`), puts them back in the converted page (`put_back`) and tells the generator the anchors they
hold (`anchor_ids`), so links to them are still checked. The built pages are the same as before,
byte for byte (tests/test_site_build.py checks a page against its conversion without this).

Only blocks Markdown would pass through whole are set aside: after a blank line, a run of lines each
starting a block-level element that closes (see `_block_end`), followed by a blank line or the end.
"""

from __future__ import annotations

import re

BLOCKS_MARKER = "<!--raw-html-blocks-->"
BLOCK_LINE = re.compile(r"^<!--raw-html-block (\d+)-->$", re.M)
PLACEHOLDER = "<!--raw-html {number}-->"
PLACEHOLDER_PATTERN = re.compile(r"<!--raw-html (\d+)-->")
# Block-level elements our templates start a block with (Markdown passes them through untouched).
BLOCK_START = re.compile(r"<(div|p|table|dl|ul|ol|nav|details|section|figure|form|blockquote|h[1-6])[\s>]")
FENCE = re.compile(r"^(```|~~~)")
ANCHOR = re.compile(r"""\sid=(?:"([^"]*)"|'([^']*)')""")


def set_aside(markdown: str) -> str:
    """The page with its top-level HTML blocks moved after BLOCKS_MARKER (unchanged if it has none)."""
    if BLOCKS_MARKER in markdown or BLOCK_LINE.search(markdown) or PLACEHOLDER_PATTERN.search(markdown):
        raise ValueError("a generated page already contains the raw-HTML markers")
    lines = markdown.split("\n")
    skeleton: list[str] = []
    blocks: list[str] = []
    index = 0
    in_fence = False
    while index < len(lines):
        line = lines[index]
        if FENCE.match(line):
            in_fence = not in_fence
        starts_block = (
            not in_fence and BLOCK_START.match(line) is not None and (index == 0 or not lines[index - 1].strip())
        )
        end = _block_end(lines, index) if starts_block else None
        if end is None:
            skeleton.append(line)
            index += 1
            continue
        skeleton.append(PLACEHOLDER.format(number=len(blocks)))
        blocks.append("\n".join(lines[index : end + 1]))
        index = end + 1
    if not blocks:
        return markdown
    tail = "".join(f"\n<!--raw-html-block {number}-->\n{block}" for number, block in enumerate(blocks))
    return "\n".join(skeleton) + f"\n{BLOCKS_MARKER}{tail}"


def _block_end(lines: list[str], start: int) -> int | None:
    """The last line of the HTML block starting at `start`: each element that starts a line closes,
    and the next line either starts another such element or is blank (Markdown passes such a run
    through as one raw block). None if an element does not close or Markdown text follows."""
    index = start
    while True:
        opening = BLOCK_START.match(lines[index])
        if opening is None:
            return None
        tag = opening.group(1)
        opens, closes = re.compile(rf"<{tag}[\s>]"), re.compile(rf"</{tag}\s*>")
        depth = 0
        while index < len(lines):
            depth += len(opens.findall(lines[index])) - len(closes.findall(lines[index]))
            if depth <= 0:
                break
            index += 1
        else:
            return None
        following = lines[index + 1] if index + 1 < len(lines) else ""
        if not following.strip():
            return index
        index += 1


def split(markdown: str) -> tuple[str, list[str]]:
    """(skeleton, blocks) of a page written by set_aside; ([the page], []) for any other page."""
    skeleton, marker, tail = markdown.partition(f"\n{BLOCKS_MARKER}")
    if not marker:
        return markdown, []
    # ["\n", "0", "\n<block 0>\n", "1", "\n<block 1>"]: each marker line is set between newlines.
    parts = BLOCK_LINE.split(tail)
    numbers = [int(number) for number in parts[1::2]]
    if parts[0] != "\n" or numbers != list(range(len(numbers))):
        raise ValueError("the raw-HTML blocks at the end of the page are not as set_aside writes them")
    blocks = [part[1:] for part in parts[2::2]]
    blocks[:-1] = [block.removesuffix("\n") for block in blocks[:-1]]
    return skeleton, blocks


def restore(markdown: str) -> str:
    """A page written by set_aside as the templates made it (for reading it, as the tests do)."""
    skeleton, blocks = split(markdown)
    return PLACEHOLDER_PATTERN.sub(lambda match: blocks[int(match.group(1))], skeleton) if blocks else markdown


def put_back(html: str, blocks: list[str]) -> str:
    """The converted page with each placeholder replaced by its block."""
    if not blocks:
        return html
    return PLACEHOLDER_PATTERN.sub(lambda match: blocks[int(match.group(1))], html)


def anchor_ids(blocks: list[str]) -> set[str]:
    """Every id in the blocks, for the generator's check of links to anchors."""
    return {first or second for block in blocks for first, second in ANCHOR.findall(block)}
