"""The mutants of a module: each one small change to its source, as a reviewer would spell it.

Operators, one change per mutant:
- comparisons: `==`/`!=`, `<`/`<=`, `>`/`>=`, `is`/`is not`, `in`/`not in` each to its
  neighbour or opposite;
- arithmetic and sets: `+`/`-`, `*`/`/`, `//` to `/`, `%` to `//`, `|`/`&`, in expressions
  and in augmented assignments;
- logic: `and`/`or` swapped, one operand of either dropped, `not x` to `x`, `-x` to `x`, the
  condition of an `if`, `while` or conditional expression negated;
- constants: a number plus one, True/False swapped, a string emptied (an empty one filled);
- an enum member replaced by the next member of its enum (a rule's state, party or action);
- one argument dropped from a variadic call (`or_(a, b)`, `.where(a, b)`, `f(x, *parties)`);
- `min`/`max` swapped, `break`/`continue` swapped;
- a statement inside a function replaced by `pass`, a returned value by None.

Left alone: imports, docstrings, annotations, `assert` statements, f-strings, and the
wording of a raised error (an error class's status, slug and title are mutated like any
other code).
"""

import ast
import dataclasses
import enum
import importlib
import inspect
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

COMPARISONS: dict[type[ast.cmpop], type[ast.cmpop]] = {
    ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq,
    ast.Lt: ast.LtE,
    ast.LtE: ast.Lt,
    ast.Gt: ast.GtE,
    ast.GtE: ast.Gt,
    ast.Is: ast.IsNot,
    ast.IsNot: ast.Is,
    ast.In: ast.NotIn,
    ast.NotIn: ast.In,
}
OPERATORS: dict[type[ast.operator], type[ast.operator]] = {
    ast.Add: ast.Sub,
    ast.Sub: ast.Add,
    ast.Mult: ast.Div,
    ast.Div: ast.Mult,
    ast.FloorDiv: ast.Div,
    ast.Mod: ast.FloorDiv,
    ast.BitOr: ast.BitAnd,
    ast.BitAnd: ast.BitOr,
}
SWAPPED_CALLS = {"min": "max", "max": "min"}
# SQLAlchemy methods that take any number of conditions or columns.
VARIADIC_METHODS = frozenset({"where", "filter", "having", "order_by", "group_by"})


# A node of the module's tree, and the text to put in its place.
Change = tuple[ast.expr | ast.stmt, str]


@dataclass(frozen=True)
class Mutant:
    line: int
    original: str
    replacement: str
    source: str  # the whole module, changed

    @property
    def change(self) -> str:
        return f"{_one_line(self.original)}  ->  {_one_line(self.replacement)}"


def mutants(source: str, module: ModuleType) -> list[Mutant]:
    """Every mutant of `source`, the text of `module` (imported, to resolve enums and
    callables), in source order; changes that do not compile or change nothing are left out."""
    tree = ast.parse(source)
    original_dump = ast.dump(tree)
    encoded = source.encode()
    line_starts = _line_starts(encoded)
    found: list[Mutant] = []
    seen: set[str] = set()
    for node, replacement in _Finder(module.__dict__).changes(tree):
        start = line_starts[node.lineno - 1] + node.col_offset
        end = line_starts[_end_lineno(node) - 1] + _end_col_offset(node)
        changed = (encoded[:start] + replacement.encode() + encoded[end:]).decode()
        try:
            changed_dump = ast.dump(ast.parse(changed))
            compile(changed, "<mutant>", "exec")
        except SyntaxError:
            continue
        if changed_dump == original_dump or changed_dump in seen:
            continue
        seen.add(changed_dump)
        original = encoded[start:end].decode()
        found.append(Mutant(node.lineno, original, replacement, changed))
    return sorted(found, key=lambda mutant: mutant.line)


class _Finder:
    """Walks a module's tree and proposes (node, replacement text) pairs."""

    def __init__(self, namespace: dict[str, Any]) -> None:
        self.namespace = namespace

    def changes(self, tree: ast.Module) -> Iterator[Change]:
        for statement in tree.body:
            yield from self._statement(statement, in_function=False)

    def _statement(self, node: ast.stmt, *, in_function: bool) -> Iterator[Change]:
        if isinstance(node, ast.Import | ast.ImportFrom | ast.Assert) or _is_docstring(node):
            return
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for default in (*node.args.defaults, *node.args.kw_defaults):
                if default is not None:
                    yield from self._expression(default)
            for statement in node.body:
                yield from self._statement(statement, in_function=True)
            return
        if isinstance(node, ast.ClassDef):
            for statement in node.body:
                yield from self._statement(statement, in_function=in_function)
            return
        if in_function and _deletable(node):
            yield node, "pass"
        if isinstance(node, ast.Return) and node.value is not None and not _is_none(node.value):
            yield node.value, "None"
        if isinstance(node, ast.If | ast.While):
            yield node.test, f"not ({ast.unparse(node.test)})"
        if isinstance(node, ast.Break):
            yield node, "continue"
        if isinstance(node, ast.Continue):
            yield node, "break"
        if isinstance(node, ast.AugAssign) and type(node.op) in OPERATORS:
            yield node, ast.unparse(_with(node, op=OPERATORS[type(node.op)]()))
        if isinstance(node, ast.Raise):
            yield from self._raise(node)
            return
        for field_name, value in ast.iter_fields(node):
            if field_name in {"annotation", "returns", "targets", "target"}:
                continue
            yield from self._children(value, in_function=in_function)

    def _children(self, value: Any, *, in_function: bool) -> Iterator[Change]:
        if isinstance(value, list):
            for item in value:
                yield from self._children(item, in_function=in_function)
        elif isinstance(value, ast.stmt):
            yield from self._statement(value, in_function=in_function)
        elif isinstance(value, ast.expr):
            yield from self._expression(value)
        elif isinstance(value, ast.ExceptHandler):
            for statement in value.body:
                yield from self._statement(statement, in_function=in_function)

    def _raise(self, node: ast.Raise) -> Iterator[Change]:
        """What is raised may change; the wording of its message is left alone."""
        if isinstance(node.exc, ast.Call):
            yield from self._expression(node.exc.func)

    def _expression(self, node: ast.expr) -> Iterator[Change]:
        if isinstance(node, ast.JoinedStr):
            return
        yield from self._expression_changes(node)
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.expr):
                yield from self._expression(child)
            elif isinstance(child, ast.comprehension):
                for condition in child.ifs:
                    yield from self._expression(condition)
                yield from self._expression(child.iter)
            elif isinstance(child, ast.keyword):
                yield from self._expression(child.value)

    def _expression_changes(self, node: ast.expr) -> Iterator[Change]:
        if isinstance(node, ast.Compare):
            for index, op in enumerate(node.ops):
                ops = list(node.ops)
                ops[index] = COMPARISONS[type(op)]()
                yield node, _parenthesised(_with(node, ops=ops))
        elif isinstance(node, ast.BinOp) and type(node.op) in OPERATORS:
            yield node, _parenthesised(_with(node, op=OPERATORS[type(node.op)]()))
        elif isinstance(node, ast.BoolOp):
            other = ast.Or() if isinstance(node.op, ast.And) else ast.And()
            yield node, _parenthesised(_with(node, op=other))
            for index in range(len(node.values)):
                rest = node.values[:index] + node.values[index + 1 :]
                kept = rest[0] if len(rest) == 1 else _with(node, values=rest)
                yield node, _parenthesised(kept)
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not | ast.USub):
            yield node, _parenthesised(node.operand)
        elif isinstance(node, ast.IfExp):
            yield node.test, f"(not ({ast.unparse(node.test)}))"
        elif isinstance(node, ast.Constant):
            yield from _constant_changes(node)
        elif isinstance(node, ast.Name | ast.Attribute):
            yield from self._enum_change(node)
        elif isinstance(node, ast.Call):
            yield from self._call_changes(node)

    def _enum_change(self, node: ast.Name | ast.Attribute) -> Iterator[Change]:
        if not isinstance(node.ctx, ast.Load):
            return
        value = self._resolve(node)
        if not isinstance(value, enum.Enum):
            return
        members = list(type(value))
        following = members[(members.index(value) + 1) % len(members)]
        if following is value:
            return
        owner = (
            ast.unparse(node.value)
            if isinstance(node, ast.Attribute)
            else self._name_of(type(value))
        )
        if owner is not None:
            yield node, f"{owner}.{following.name}"

    def _call_changes(self, node: ast.Call) -> Iterator[Change]:
        if isinstance(node.func, ast.Name) and node.func.id in SWAPPED_CALLS:
            yield node.func, SWAPPED_CALLS[node.func.id]
        first_variadic = self._first_variadic_argument(node)
        if first_variadic is None or any(isinstance(a, ast.Starred) for a in node.args):
            return
        for index in range(first_variadic, len(node.args)):
            args = node.args[:index] + node.args[index + 1 :]
            yield node, ast.unparse(_with(node, args=args))

    def _first_variadic_argument(self, node: ast.Call) -> int | None:
        """The index of the first positional argument that lands in `*args`, if any."""
        if isinstance(node.func, ast.Attribute) and node.func.attr in VARIADIC_METHODS:
            return 0 if len(node.args) >= 2 else None
        callee = self._resolve(node.func)
        if not callable(callee):
            return None
        try:
            parameters = list(inspect.signature(callee).parameters.values())
        except (TypeError, ValueError):
            return None
        for index, parameter in enumerate(parameters):
            if parameter.kind is inspect.Parameter.VAR_POSITIONAL:
                return index if len(node.args) > index else None
        return None

    def _resolve(self, node: ast.expr) -> Any:
        """The value of a plain name or dotted name in the module, else None."""
        if isinstance(node, ast.Name):
            return self.namespace.get(node.id)
        if isinstance(node, ast.Attribute):
            owner = self._resolve(node.value)
            if owner is None or isinstance(owner, enum.Enum):
                return None
            try:
                return getattr(owner, node.attr)
            except Exception:
                return None
        return None

    def _name_of(self, value: object) -> str | None:
        return next((name for name, v in self.namespace.items() if v is value), None)


def _constant_changes(node: ast.Constant) -> Iterator[Change]:
    value = node.value
    if isinstance(value, bool):
        yield node, repr(not value)
    elif isinstance(value, int):
        yield node, repr(value + 1)
    elif isinstance(value, str):
        yield node, repr("" if value else "mutant")


def _deletable(node: ast.stmt) -> bool:
    return isinstance(node, ast.Expr | ast.Assign | ast.AugAssign | ast.AnnAssign | ast.Raise)


def _is_none(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


def _is_docstring(node: ast.stmt) -> bool:
    return (
        isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
    )


def _with(node: ast.AST, **changes: Any) -> ast.AST:
    copy = type(node)(**{name: getattr(node, name) for name in node._fields})
    for name, value in changes.items():
        setattr(copy, name, value)
    return ast.fix_missing_locations(ast.copy_location(copy, node))


def _parenthesised(node: ast.AST) -> str:
    text = ast.unparse(node)
    atomic = isinstance(node, ast.Name | ast.Attribute | ast.Constant | ast.Call | ast.Subscript)
    return text if atomic else f"({text})"


def _line_starts(encoded: bytes) -> list[int]:
    starts = [0]
    for index, byte in enumerate(encoded):
        if byte == ord("\n"):
            starts.append(index + 1)
    return starts


def _end_lineno(node: ast.expr | ast.stmt) -> int:
    assert node.end_lineno is not None, "parsed nodes carry their end"
    return node.end_lineno


def _end_col_offset(node: ast.expr | ast.stmt) -> int:
    assert node.end_col_offset is not None, "parsed nodes carry their end"
    return node.end_col_offset


def _one_line(text: str) -> str:
    return " ".join(text.split())


def main(path: str) -> None:
    """Print the mutants of the module at `path` (relative to the project) as JSON."""
    module = importlib.import_module(".".join(Path(path).with_suffix("").parts))
    found = mutants(Path(path).read_text(), module)
    json.dump([dataclasses.asdict(mutant) for mutant in found], sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1])
