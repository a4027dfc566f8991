"""Fixtures that validate edited copies of the sample files."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from suanli.domain import Network
from suanli.formats import network_from_text, validate_network_file, validate_workload_file

from .samples import NETWORK, WORKLOAD, edit

Check = Callable[..., list[str]]


@pytest.fixture
def write(tmp_path: Path) -> Callable[[str, str], Path]:
    def write(text: str, name: str = "f.yaml") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write


@pytest.fixture
def sample_network() -> Network:
    return network_from_text(NETWORK, "net.yaml")


@pytest.fixture
def check_network(write: Callable[[str, str], Path]) -> Check:
    """Validate the sample network after `(old, new)` edits; the problems as printed lines,
    with the file shown as `F`."""

    def check(*changes: tuple[str, str], name: str = "net.yaml") -> list[str]:
        path = write(edit(NETWORK, *changes), name)
        return [str(p).replace(str(path), "F") for p in validate_network_file(path)]

    return check


@pytest.fixture
def check_workload(write: Callable[[str, str], Path], sample_network: Network) -> Check:
    """Like `check_network`, for the sample workload against the sample network."""

    def check(*changes: tuple[str, str], network: Network | None = sample_network) -> list[str]:
        path = write(edit(WORKLOAD, *changes), "work.yaml")
        return [str(p).replace(str(path), "F") for p in validate_workload_file(path, network)]

    return check
