"""Read pack YAML files while remembering the line of every value, for error messages."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

Path_ = tuple[str | int, ...]


class _PackYamlLoader(yaml.SafeLoader):
    """YAML 1.2-like scalars: dates stay text, only true/false are booleans.

    YAML 1.1 reads the country code NO as false and 2010-05-07 as a date object;
    a pack author should not have to know that.
    """


_PackYamlLoader.yaml_implicit_resolvers = {
    first: [
        (tag, regexp)
        for tag, regexp in resolvers
        if tag not in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp")
    ]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_PackYamlLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


@dataclass
class Problem:
    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


@dataclass
class PackDocument:
    """One parsed file: its data and the line where each value (by path) starts."""

    file: str
    data: Any
    lines: dict[Path_, int] = field(default_factory=dict)

    def line_of(self, path: Path_) -> int:
        """The line of ``path``, or of its nearest ancestor that has one."""
        while path not in self.lines and path:
            path = path[:-1]
        return self.lines.get(path, 1)


class _DuplicateKey(Exception):
    def __init__(self, key: str, line: int) -> None:
        super().__init__(key)
        self.key = key
        self.line = line


def _convert(node: yaml.Node, loader: _PackYamlLoader, path: Path_, lines: dict[Path_, int]) -> Any:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = str(loader.construct_object(key_node))
            if key in result:
                raise _DuplicateKey(key, key_node.start_mark.line + 1)
            result[key] = _convert(value_node, loader, (*path, key), lines)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [
            _convert(item, loader, (*path, index), lines) for index, item in enumerate(node.value)
        ]
    return loader.construct_object(node)


def read_document(path: Path, display_name: str) -> PackDocument | Problem:
    """Parse one file; a YAML syntax error comes back as a Problem, not an exception."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return Problem(display_name, 1, "is not UTF-8 text; save it as UTF-8.")
    loader = _PackYamlLoader(text)
    try:
        root = loader.get_single_node()
        lines: dict[Path_, int] = {}
        data = _convert(root, loader, (), lines) if root is not None else None
    except _DuplicateKey as duplicate:
        return Problem(
            display_name,
            duplicate.line,
            f"the key '{duplicate.key}' appears twice in the same block.",
        )
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 1
        return Problem(display_name, line, f"is not valid YAML: {error.problem or error.context}.")
    finally:
        loader.dispose()
    if data is None:
        return Problem(display_name, 1, "is empty.")
    return PackDocument(display_name, data, lines)
