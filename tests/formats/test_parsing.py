"""Reading files: malformed YAML and JSON, duplicate keys, JSON input, unreadable files."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from suanli.errors import DataFileError, InvalidFileError, SuanliError
from suanli.formats import load_network, load_workload, network_from_text, validate_network_file
from suanli.formats.report import Report
from suanli.formats.source import parse

from .conftest import Check
from .samples import NETWORK, WORKLOAD, edit

Write = Callable[..., Path]


def problems(path: Path) -> list[str]:
    return [str(p).replace(str(path), "F") for p in validate_network_file(path)]


def test_malformed_yaml_is_one_problem_at_the_mark(check_network: Check) -> None:
    assert check_network(("  - {id: shanghai, name", "  - {id: shanghai name")) == [
        "F:8: yaml: malformed YAML: while parsing a flow mapping, expected ',' or '}', "
        "but got ':' (column 23)"
    ]


def test_bad_indentation(check_network: Check) -> None:
    [line] = check_network(("    city: Zhongwei", "      city: Zhongwei"))
    assert line.startswith("F:14: yaml: malformed YAML: mapping values are not allowed here")


def test_duplicate_key_is_reported_at_the_second(check_network: Check) -> None:
    assert check_network(("    pue: 1.2\n", "    pue: 1.2\n    pue: 1.4\n")) == [
        "F:20: sites[0].pue: duplicate key 'pue' (first on line 19); keep only one"
    ]


def test_empty_file(write: Write) -> None:
    assert problems(write("# nothing yet\n")) == [
        "F:1: (root): the file is empty; start it with 'format: suanli.network/v1'"
    ]


def test_document_that_is_not_a_mapping(write: Write) -> None:
    assert problems(write("- a\n- b\n")) == ["F:1: (root): must be a mapping, got a list"]


def test_recursive_alias(write: Write) -> None:
    [line] = problems(write("format: suanli.network/v1\nregions: &r\n  - *r\n"))
    assert line == "F:2: yaml: malformed YAML: recursive or too many aliases (column 10)"


def test_json_input_reports_lines(write: Write) -> None:
    doc = yaml.safe_load(edit(NETWORK, ("nodes: 128", "nodes: -4")))
    path = write(json.dumps(doc, indent="\t"), "net.json")
    text = path.read_text()
    line = text.splitlines().index('\t\t\t\t\t"nodes": -4,') + 1
    assert problems(path) == [f"F:{line}: sites[0].pools[0].nodes: must be >= 1, got -4"]


def test_json_numbers_are_read_as_json(write: Write) -> None:
    # YAML 1.1 reads 3.5e1 as text; JSON must not.
    doc = yaml.safe_load(NETWORK)
    text = json.dumps(doc).replace('"rtt_ms": 18.5', '"rtt_ms": 3.5e1')
    assert load_network(write(text, "net.json")).rtt_overrides[0].rtt_ms == 35.0


def test_malformed_json_reports_its_line(write: Write) -> None:
    path = write('{\n  "format": "suanli.network/v1",\n  "name": "x",,\n}\n', "net.json")
    assert problems(path) == [
        "F:3: json: malformed JSON: Expecting property name enclosed in double quotes (column 15)"
    ]


def test_duplicate_json_keys(write: Write) -> None:
    path = write('{"format": "suanli.network/v1",\n"format": "suanli.network/v1"}', "n.json")
    assert "F:2: format: duplicate key 'format' (first on line 1); keep only one" in problems(path)


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match=r"no such file; check the path"):
        validate_network_file(tmp_path / "nope.yaml")


def test_directory_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(SuanliError, match="is a directory"):
        load_workload(tmp_path)


def test_non_utf8_file(write: Write, tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("name: Zürich\n".encode("latin-1"))
    with pytest.raises(DataFileError, match="not UTF-8 text"):
        load_network(path)


def test_load_raises_with_every_problem(write: Write) -> None:
    path = write(edit(NETWORK, ("nodes: 128", "nodes: 0"), ("pue: 1.2", "pue: 0")))
    with pytest.raises(InvalidFileError) as failed:
        load_network(path)
    assert [p.field for p in failed.value.problems] == ["sites[0].pue", "sites[0].pools[0].nodes"]
    assert str(failed.value).count("\n") == 1


def test_network_from_text_canonicalises_gpu_names() -> None:
    net = network_from_text(edit(NETWORK, ("gpu_model: H800", "gpu_model: h800 sxm")))
    assert [p.gpu_model for _, p in net.pools()] == ["H800", "L40S"]
    assert net.site("zhongwei-1").hub == "Ningxia"
    assert net.site("shanghai-edge").hub == ""


def test_workload_demand_keeps_file_order(write: Write) -> None:
    w = load_workload(write(WORKLOAD))
    assert [(d.region, d.rps) for d in w.services[0].demand] == [
        ("beijing", 12.5),
        ("shanghai", 8.0),
    ]
    assert w.training_jobs[0].allowed_gpu_models == ("H100", "H800")


def test_lines_of_keys_and_items() -> None:
    report = Report("f")
    parsed = parse("a:\n  - x\n  - {b: 1,\n     c: 2}\n", report, as_json=False)
    assert parsed.ok
    assert report.lines == {
        (): 1,
        ("a",): 1,
        ("a", 0): 2,
        ("a", 1): 3,
        ("a", 1, "b"): 3,
        ("a", 1, "c"): 4,
    }


def test_merge_keys_take_the_mapping_line() -> None:
    report = Report("f")
    parsed = parse("base: &b {x: 1}\nuse:\n  <<: *b\n  y: 2\n", report, as_json=False)
    assert parsed.data == {"base": {"x": 1}, "use": {"x": 1, "y": 2}}
    assert report.line(("use", "x")) == 2
    assert report.problems == []


def test_control_character_in_yaml(write: Write) -> None:
    assert problems(write("format: suanli.network/v1\nname: a\x07b\n")) == [
        "F:2: yaml: malformed YAML: special characters are not allowed (U+0007)"
    ]


def test_json_lines_survive_characters_yaml_cannot_read(write: Write) -> None:
    # Inside JSON strings these are legal; YAML would reject \x7f and break lines at \u2028.
    doc = yaml.safe_load(edit(NETWORK, ("name: Beijing,", 'name: "Bei\\u2028jing\\x7f",')))
    doc["regions"][1]["lat"] = 91
    path = write(json.dumps(doc, indent=1, ensure_ascii=False), "net.json")
    line = path.read_text().split("\n").index('   "lat": 91,') + 1
    assert problems(path) == [f"F:{line}: regions[1].lat: must be within -90..90, got 91"]


def test_absurd_nesting_is_a_problem_not_a_crash(write: Write) -> None:
    assert problems(write("[" * 5000 + "]" * 5000, "deep.json")) == [
        "F:1: json: nested too deeply to read"
    ]
