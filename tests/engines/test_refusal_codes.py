"""Engine refusals are codes with parameters (issue 13, 'Words'): every ``InputError`` the
estimating engines raise carries ``code`` and ``params`` beside its English ``reason``, so
that the apps can say it in the reader's language; the CLI still prints the English."""

from __future__ import annotations

import ast
import json
import pickle
from pathlib import Path

import pytest

from shisaku.engines.messages import REFUSALS, TEMPLATES, refuse
from shisaku.errors import InputError

ENGINES = Path(__file__).resolve().parents[2] / "src" / "shisaku" / "engines"


def _plain_reasons(tree: ast.AST) -> list[int]:
    """Lines of ``InputError(field, <literal or f-string>)`` calls."""
    lines = []
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                and node.func.id == "InputError" and len(node.args) >= 2
                and isinstance(node.args[1], (ast.Constant, ast.JoinedStr, ast.BinOp))):
            lines.append(node.lineno)
    return lines


def test_the_check_finds_plain_reasons() -> None:
    code = ('raise InputError("a", "plain")\nraise InputError("b", f"x {y}")\n'
            'raise refuse("c", "file_empty")\nraise InputError("d", "a" + b)\n'
            'raise InputError("e", render(t, p), code="x")\n')
    assert _plain_reasons(ast.parse(code)) == [1, 2, 4]


def test_no_engine_raises_a_plain_reason() -> None:
    found = []
    for path in sorted(ENGINES.rglob("*.py")):
        found += [f"{path.relative_to(ENGINES)}:{n}"
                  for n in _plain_reasons(ast.parse(path.read_text(encoding="utf-8")))]
    assert found == []


def test_every_refusal_code_used_exists_and_every_code_is_used() -> None:
    """``refuse(field, "code", ...)`` names a template, and no template is left unused."""
    used = set()
    for path in sorted(ENGINES.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id == "refuse"):
                code = node.args[1]
                if isinstance(code, ast.IfExp):  # refuse(f, "a" if x else "b", ...)
                    used |= {code.body.value, code.orelse.value}  # type: ignore[attr-defined]
                else:
                    assert isinstance(code, ast.Constant), f"{path}:{node.lineno}"
                    used.add(code.value)
    assert used <= set(REFUSALS), used - set(REFUSALS)
    assert set(REFUSALS) - used == set()
    assert set(REFUSALS) <= set(TEMPLATES)


def test_refuse_keeps_code_params_and_english_reason() -> None:
    exc = refuse("file", "file_too_large", bytes=12_345_678, limit=10_000_000)
    assert exc.field == "file" and exc.code == "file_too_large"
    assert exc.params == {"bytes": 12_345_678, "limit": 10_000_000}
    assert exc.reason == "12,345,678 bytes exceed the limit of 10,000,000"
    assert exc.as_dict() == {"field": "file", "reason": exc.reason, "code": "file_too_large",
                             "params": {"bytes": 12_345_678, "limit": 10_000_000}}
    # a parameter may be called "code" or "field" (the refusal's own are positional)
    region = refuse("region", "region_no_rates", code="XX", valid=["KR"])
    assert region.params == {"code": "XX"} and region.valid == ["KR"]
    again = pickle.loads(pickle.dumps(region))  # the worker's child sends it through a pipe
    assert again.as_dict() == region.as_dict()
    with pytest.raises(KeyError):
        refuse("file", "no_such_code")


def test_an_error_without_a_code_answers_as_before() -> None:
    exc = InputError("weights", "at least one weight must be greater than 0", valid=["a"])
    assert exc.as_dict() == {"field": "weights",
                             "reason": "at least one weight must be greater than 0",
                             "valid": ["a"]}
    assert str(exc) == "weights: at least one weight must be greater than 0"


@pytest.mark.parametrize(("data", "code", "english"), [
    (b"", "file_empty", "the file is empty"),
    (b"solid flat\n" + b"".join(
        b"facet normal 0 0 1\nouter loop\nvertex %d 0 0\nvertex %d 10 0\nvertex %d 0 0\n"
        b"endloop\nendfacet\n" % (i, i + 5, i + 10) for i in range(0, 40, 10))
     + b"endsolid flat\n", "mesh_flat", "the mesh is flat"),
])
def test_cli_prints_the_english_reason_with_its_code(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], data: bytes, code: str,
        english: str) -> None:
    from shisaku import cli

    bad = tmp_path / "bad.stl"
    bad.write_bytes(data)
    assert cli.main(["estimate", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ")
    payload = json.loads(err[len("error: "):])
    assert payload["field"] == "file" and payload["code"] == code
    assert payload["reason"].startswith(english)
