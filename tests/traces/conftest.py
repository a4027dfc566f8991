from collections.abc import Callable
from pathlib import Path

import pytest

from suanli.errors import DataFileError

Writer = Callable[[str, str], Path]


@pytest.fixture
def write(tmp_path: Path) -> Writer:
    """Write `text` to tmp_path/`name` exactly as given (no newline added) and return the path."""

    def _write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.write_bytes(text.encode())
        return path

    return _write


@pytest.fixture
def rejects() -> Callable[..., str]:
    """Call `load(path)`, expect `DataFileError`, check it starts with `path:line: `, return it."""

    def _rejects(load: Callable[[Path], object], path: Path, line: int) -> str:
        with pytest.raises(DataFileError) as caught:
            load(path)
        message = str(caught.value)
        assert message.startswith(f"{path}:{line}: "), message
        return message.removeprefix(f"{path}:{line}: ")

    return _rejects
