"""`suanli market clear`: the example book, JSON and tables, the same bytes each run, and bad
files reported as FILE:LINE: field: message with exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import suanli.market
from suanli.cli.main import run
from suanli.formats.orders import OrderSpec, load_orders, validate_orders_file

EXAMPLE = Path(suanli.market.__file__).parent / "examples" / "orders.yaml"


def cleared(capsys, *args: str) -> dict:
    assert run(["market", "clear", *args, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_the_example_book_clears(capsys) -> None:
    report = cleared(capsys, str(EXAMPLE))
    assert set(report) == {"products", "fills", "trades", "unfilled"}
    h100, gang = report["products"]["H100@ningxia"], report["products"]["910B@guizhou"]
    assert (h100["method"], h100["price_yuan_per_gpu_hour"], h100["traded_gpu_hours"]) == (
        "uniform",
        12.5,
        1100.0,
    )
    assert gang["method"] == "milp" and gang["traded_gpu_hours"] == 512.0
    fills = {f["order"]: f["gpu_hours"] for f in report["fills"]}
    assert fills["gang-512"] == 512.0 and fills["lab-b"] == 300.0
    assert {u["order"]: u["reason"] for u in report["unfilled"]}["nx-3"] == "limit_above_price"


def test_the_same_file_gives_the_same_bytes_as_json_or_yaml(tmp_path, capsys) -> None:
    as_json = tmp_path / "orders.json"
    doc = {"format": "suanli.orders/v1", "orders": [vars_of(s) for s in load_orders(EXAMPLE)]}
    as_json.write_text(json.dumps(doc))
    first = cleared(capsys, str(EXAMPLE), "--rule", "mcafee")
    assert cleared(capsys, str(EXAMPLE), "--rule", "mcafee") == first
    assert cleared(capsys, str(as_json), "--rule", "mcafee") == first
    assert first["products"]["H100@ningxia"]["method"] == "mcafee"


def vars_of(spec: OrderSpec) -> dict:
    return {name: getattr(spec, name) for name in OrderSpec.__slots__}


def test_tables_on_stdout(capsys) -> None:
    assert run(["market", "clear", str(EXAMPLE)]) == 0
    text = capsys.readouterr().out
    for title in ("Products (2)", "Fills (7)", "Trades (5)", "Unfilled (5)"):
        assert title in text
    assert "12.50 .. 12.50" in text


BAD = """\
format: suanli.orders/v1
orders:
  - {id: b1, side: buy, product: P, gpu_hours: 10, limit_yuan_per_gpu_hour: 12}
  - {id: b1, side: buy, product: P, gpu_hours: 10, limit_yuan_per_gpu_hour: 12}
  - {id: s1, side: sel, product: P, gpu_hours: 0, limit_yuan_per_gpu_hour: -1}
  - id: s2
    side: sell
    product: P
    gpu_hour: 4
    limit_yuan_per_gpu_hour: .nan
"""


def test_bad_files_get_every_problem_with_its_line(tmp_path, capsys) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(BAD)
    assert run(["market", "clear", str(bad)]) == 2
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    lines = captured.err.strip().splitlines()
    assert all(line.startswith(f"{bad}:") for line in lines)
    expected = [
        (4, "orders[1].id", "duplicate order id 'b1' (first on line 3)"),
        (5, "orders[2].side", "must be one of buy, sell"),
        (5, "orders[2].gpu_hours", "must be > 0"),
        (5, "orders[2].limit_yuan_per_gpu_hour", "must be within 0..10000"),
        (6, "orders[3].gpu_hours", "missing required field 'gpu_hours'"),
        (9, "orders[3].gpu_hour", "unknown field 'gpu_hour' (did you mean 'gpu_hours'?)"),
        (10, "orders[3].limit_yuan_per_gpu_hour", "must be a finite number"),
    ]
    for line, field, message in expected:
        assert any(x.startswith(f"{bad}:{line}: {field}: {message}") for x in lines), field
    assert [str(p) for p in validate_orders_file(bad)] == lines


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the file is empty; start it with 'format: suanli.orders/v1'"),
        ("format: suanli.network/v1\nname: x\n", "this is a network file"),
        ('{"format": "suanli.orders/v1", "orders": [}', "malformed JSON"),
    ],
)
def test_empty_foreign_and_malformed_files(text, message, tmp_path, capsys) -> None:
    path = tmp_path / ("orders.json" if text.startswith("{") else "orders.yaml")
    path.write_text(text)
    assert run(["market", "clear", str(path)]) == 2
    assert message in capsys.readouterr().err


def test_mcafee_refuses_fractional_gpu_hours(tmp_path, capsys) -> None:
    path = tmp_path / "orders.yaml"
    path.write_text(
        "format: suanli.orders/v1\norders:\n"
        "  - {id: b, side: buy, product: P, gpu_hours: 1.5, limit_yuan_per_gpu_hour: 3}\n"
    )
    assert run(["market", "clear", str(path), "--rule", "mcafee"]) == 2
    err = capsys.readouterr().err
    assert "not whole" in err and "Traceback" not in err
    assert run(["market", "clear", str(path)]) == 0


def test_the_orders_schema_is_published(capsys) -> None:
    assert run(["schema", "orders"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["properties"]["format"]["const"] == "suanli.orders/v1"
