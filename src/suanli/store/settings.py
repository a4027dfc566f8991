"""Where the exchange's database is: `SUANLI_DATABASE_URL`, else a SQLite file in the data folder
(`SUANLI_DATA_DIR`, else the platform's per-user data folder)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

URL_HELP = (
    "use sqlite:///PATH/TO/suanli.db or postgresql+psycopg://USER:PASSWORD@HOST:PORT/DATABASE"
)
"""How a database URL is written; every URL error ends with it."""

APP_NAME = "suanli"
DB_FILE = "suanli.db"


def platform_data_dir(home: Path | None = None) -> Path:
    """The per-user data folder: XDG on Linux, Application Support on macOS, LOCALAPPDATA on
    Windows."""
    home = home or Path.home()
    if sys.platform == "win32":
        return Path(os.environ.get("LOCALAPPDATA", home / "AppData" / "Local")) / APP_NAME
    if sys.platform == "darwin":
        return home / "Library" / "Application Support" / APP_NAME
    xdg = os.environ.get("XDG_DATA_HOME")
    return (Path(xdg) if xdg else home / ".local" / "share") / APP_NAME


class StoreSettings(BaseSettings):
    """Database settings, read from `SUANLI_*` environment variables."""

    model_config = SettingsConfigDict(env_prefix="SUANLI_", extra="ignore")

    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL of the exchange database; default: SQLite in data_dir.",
    )
    data_dir: Path | None = Field(
        default=None, description="Folder of the embedded SQLite database; default: the platform's."
    )

    def resolved_url(self, override: str | None = None) -> str:
        """`override`, else `database_url`, else `sqlite:///DATA_DIR/suanli.db`."""
        url = override or self.database_url
        if url:
            return url
        folder = self.data_dir or platform_data_dir()
        return f"sqlite:///{folder / DB_FILE}"
