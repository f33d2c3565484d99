"""Settings: explicit argument > environment variable > default.

HOST, PORT and DASH_DEBUG are not ours: Dash.run reads them itself.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

ENV_PREFIX = "SISTERCITIES_"

# (variable, default, help) — the README documents every one (tests/unit/test_docs.py).
SETTINGS_DOC = (
    (
        "SISTERCITIES_DATA_DIR",
        "the user cache dir, e.g. ~/.cache/sistercities/series",
        "Folder of the live series store (beside the shipped snapshot).",
    ),
    (
        "SISTERCITIES_OFFLINE",
        "0",
        "1 forbids any network access: only the snapshot and the store are read.",
    ),
)


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    offline: bool = False

    @classmethod
    def from_env(
        cls, data_dir: Path | str | None = None, offline: bool | None = None
    ) -> Settings:
        env = os.environ
        if data_dir is None:
            data_dir = env.get(f"{ENV_PREFIX}DATA_DIR") or (
                Path(platformdirs.user_cache_dir("sistercities")) / "series"
            )
        if offline is None:
            offline = _flag(env.get(f"{ENV_PREFIX}OFFLINE"))
        return cls(data_dir=Path(data_dir), offline=offline)
