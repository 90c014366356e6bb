"""Reading one policy_data/ YAML file safely: limits first, Python objects after.

`read_yaml(text)` returns the data and the line of every path in it, or raises one of

- `YamlRefused(line, reason)`: the file is too big, nests too deep, holds an integer with too many
  digits, expands aliases beyond a budget, or has a value its tag cannot be read as;
- `DuplicateKey(key, line, first_line)`: YAML would silently keep the last of two equal keys;
- `yaml.YAMLError`: the text is not YAML (the caller reports the mark).

The checks run on the parser's events (depth, integers, scalar sizes, alias count) and on the
composed node graph (alias expansion, cycles) before any Python object is built, so no input can
make the loader recurse without bound or allocate more than the limits allow. Dates stay strings.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from scripts.data_limits import (
    MAX_ALIASES,
    MAX_DEPTH,
    MAX_FILE_BYTES,
    MAX_INTEGER_DIGITS,
    MAX_NODES,
    MAX_SCALAR_CHARS,
)

Loc = tuple[str | int, ...]

# libyaml's parser when PyYAML has it (much faster on many files); the pure-Python one otherwise.
_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    """SafeLoader that leaves dates as strings (they are parsed deliberately later)."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

INT_TAG = "tag:yaml.org,2002:int"
# What YAML 1.1 reads as an integer when the scalar is plain (underscores and signs included).
_PLAIN_INTEGER = re.compile(r"[-+]?(0b[0-1_]+|0x[0-9a-fA-F_]+|0o?[0-7_]+|[0-9][0-9_]*(:[0-5]?[0-9])*)")


class YamlRefused(Exception):
    def __init__(self, line: int, reason: str, path: str = "") -> None:
        super().__init__(f"line {line}: {reason}")
        self.line, self.reason, self.path = line, reason, path


class DuplicateKey(Exception):
    def __init__(self, key: str, line: int, first_line: int) -> None:
        super().__init__(f"duplicate key {key!r} at line {line}")
        self.key, self.line, self.first_line = key, line, first_line


def _line(mark: Any) -> int:
    return int(mark.line) + 1 if mark is not None else 1


class _Where:
    """The path of the node the parser is at, kept from the events alone (no recursion)."""

    def __init__(self) -> None:
        # One entry per open collection: [is_mapping, key or index, expecting a key next].
        self.stack: list[list[Any]] = []

    def begin(self) -> bool:
        """A node starts; True when it is a mapping's key."""
        if not self.stack:
            return False
        top = self.stack[-1]
        if not top[0]:
            top[1] += 1
            return False
        return bool(top[2])

    def end(self, scalar: str | None) -> None:
        """A node ended (a scalar or alias at once, a collection at its end event)."""
        if self.stack and self.stack[-1][0]:
            top = self.stack[-1]
            if top[2]:
                top[1], top[2] = (scalar if scalar is not None else "?"), False
            else:
                top[2] = True

    def open(self, mapping: bool) -> None:
        self.stack.append([mapping, None, True] if mapping else [mapping, -1, False])

    def close(self) -> None:
        self.stack.pop()
        self.end(None)

    def path(self, is_key: bool = False) -> str:
        parts = []
        for index, (mapping, key, expecting_key) in enumerate(self.stack):
            last = index == len(self.stack) - 1
            if mapping and (expecting_key or (last and is_key)):
                break
            parts.append(str(key)[:40])
        return ".".join(parts)


class _Nowhere(_Where):
    """Keeps no path (the check's fast first run): a refusal then names none."""

    def begin(self) -> bool:
        return False

    def end(self, scalar: str | None) -> None:
        pass

    def open(self, mapping: bool) -> None:
        pass

    def close(self) -> None:
        pass

    def path(self, is_key: bool = False) -> str:
        return ""


def _check_events(text: str, where: _Where | None = None) -> int:
    """Depth, entry count, integer size, scalar size and alias count, from the parser's event stream
    (the parser keeps its own stack, so a deeply nested file cannot exhaust Python's); returns the
    alias count. With `where`, a refusal names the path it happened at: keeping it costs most of the
    check's time, so read_yaml runs without it first and again with it only to report a refusal."""
    where = where or _Nowhere()
    loader = _Loader(text)
    depth = aliases = nodes = 0
    try:
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
                where.close()
                continue
            if not isinstance(event, (yaml.ScalarEvent, yaml.CollectionStartEvent, yaml.AliasEvent)):
                continue
            is_key = where.begin()
            refusal = None
            if isinstance(event, yaml.AliasEvent):
                aliases += 1
                if aliases > MAX_ALIASES:
                    refusal = f"more than {MAX_ALIASES} aliases (*name)"
            else:
                nodes += 1
                if nodes > MAX_NODES:
                    refusal = f"has more than {MAX_NODES:,} entries; split the file"
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    refusal = f"nested {depth} levels deep; at most {MAX_DEPTH} levels are allowed"
            if refusal:
                raise YamlRefused(_line(event.start_mark), refusal, where.path(is_key))
            if isinstance(event, yaml.ScalarEvent):
                _check_scalar(event, where.path(is_key))
                where.end(event.value)
            elif isinstance(event, yaml.CollectionStartEvent):
                where.open(isinstance(event, yaml.MappingStartEvent))
            else:
                where.end(None)
    finally:
        loader.dispose()
    return aliases


def _check_scalar(event: yaml.ScalarEvent, path: str) -> None:
    value: str = event.value
    if len(value) > MAX_SCALAR_CHARS:
        raise YamlRefused(
            _line(event.start_mark),
            f"a value of {len(value):,} characters; at most {MAX_SCALAR_CHARS:,} are allowed",
            path,
        )
    plain_integer = not event.style and event.implicit[0] and _PLAIN_INTEGER.fullmatch(value)
    if plain_integer or event.tag in {INT_TAG, "!!int"}:
        digits = sum(character.isalnum() for character in value)
        if digits > MAX_INTEGER_DIGITS:
            raise YamlRefused(
                _line(event.start_mark),
                f"an integer of {digits:,} digits; at most {MAX_INTEGER_DIGITS} digits are allowed",
                path,
            )


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _check_graph(root: yaml.Node) -> None:
    """Size and depth after alias expansion, and no alias inside what it names; without recursion."""
    size: dict[int, int] = {}
    height: dict[int, int] = {}
    on_path: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, finished = stack.pop()
        key = id(node)
        if finished:
            on_path.discard(key)
            children = _children(node)
            size[key] = 1 + sum(size[id(child)] for child in children)
            height[key] = 1 + max((height[id(child)] for child in children), default=0)
            if size[key] > MAX_NODES:
                raise YamlRefused(
                    _line(node.start_mark),
                    f"expands to more than {MAX_NODES:,} entries (aliases repeat what they name); "
                    "write the entries out or split the file",
                )
            if height[key] > MAX_DEPTH + 1:
                raise YamlRefused(
                    _line(node.start_mark),
                    f"nested more than {MAX_DEPTH} levels deep once aliases are expanded",
                )
            continue
        if key in size:
            continue
        if key in on_path:
            raise YamlRefused(_line(node.start_mark), "an alias refers to a mapping or list that contains it")
        on_path.add(key)
        stack.append((node, True))
        stack.extend((child, False) for child in _children(node) if id(child) not in size)


def _scalar(node: yaml.Node, loader: _Loader) -> Any:
    try:
        return loader.construct_object(node, deep=True)
    except yaml.YAMLError:
        raise
    except (ValueError, TypeError, KeyError, AttributeError, OverflowError, IndexError):
        tag = str(node.tag).rsplit(":", 1)[-1]
        raise YamlRefused(_line(node.start_mark), f"{str(node.value)[:40]!r} cannot be read as {tag}") from None


# Mappings and lists are built here, not by PyYAML's constructor, so their tags are checked here.
COLLECTION_TAGS = {"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"}


def _to_python(node: yaml.Node, loader: _Loader, path: Loc, lines: dict[Loc, int]) -> Any:
    lines[path] = _line(node.start_mark)
    if not isinstance(node, yaml.ScalarNode) and node.tag not in COLLECTION_TAGS:
        tag = str(node.tag).replace("tag:yaml.org,2002:", "!!")
        raise YamlRefused(_line(node.start_mark), f"the tag {tag[:60]} is not allowed (write plain values)")
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        seen: dict[Any, int] = {}
        loader.flatten_mapping(node)
        for key_node, value_node in node.value:
            key_line = _line(key_node.start_mark)
            if not isinstance(key_node, yaml.ScalarNode):
                raise YamlRefused(key_line, "a key must be a plain word, not a list or a mapping")
            key = _scalar(key_node, loader)
            if key in seen:
                raise DuplicateKey(str(key), key_line, seen[key])
            seen[key] = key_line
            child = (*path, key if isinstance(key, (str, int)) else str(key))
            result[key] = _to_python(value_node, loader, child, lines)
            lines[child] = key_line
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_to_python(item, loader, (*path, i), lines) for i, item in enumerate(node.value)]
    return _scalar(node, loader)


def read_yaml(text: str) -> tuple[Any, dict[Loc, int]]:
    """The data of one YAML document and the line of every path in it (see the module's doc)."""
    size = len(text.encode("utf-8", errors="replace"))
    if size > MAX_FILE_BYTES:
        raise YamlRefused(1, f"the file has {size:,} bytes; at most {MAX_FILE_BYTES:,} are allowed")
    try:
        aliases = _check_events(text)
    except YamlRefused:
        _check_events(text, _Where())  # the same refusal, now with the path it happened at
        raise
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, {}
        if aliases:  # without aliases the graph is the tree the events described, already checked
            _check_graph(node)
        lines: dict[Loc, int] = {}
        return _to_python(node, loader, (), lines), lines
    finally:
        loader.dispose()
