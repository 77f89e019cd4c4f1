"""The service table (data/services.yml): names, icons, categories and documentation links."""

from __future__ import annotations

import functools
from pathlib import Path

import yaml

TABLE_PATH = Path(__file__).parent / "data" / "services.yml"


@functools.cache
def table() -> dict[str, dict]:
    with TABLE_PATH.open(encoding="utf-8") as handle:
        return yaml.load(handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def get(key: str) -> dict | None:
    return table().get(key)


def keys() -> list[str]:
    return sorted(table())


def is_aws(key: str) -> bool:
    """AWS services get a page in the service explorer; outside actors do not."""
    return "category" in table()[key]
