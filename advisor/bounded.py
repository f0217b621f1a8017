"""Caches that stay within a size across a long run: when one is full, its older half goes."""

from __future__ import annotations

import itertools
from typing import Any


def make_room(cache: dict[Any, Any], size: int) -> None:
    """Before adding to `cache`: if it holds `size` entries or more, keep only the newer half.

    Emptying it all would leave a long batch working from scratch for a while after each clearing;
    the newer half holds what the latest profiles used.
    """
    if len(cache) >= size:
        for stale in list(itertools.islice(cache, len(cache) - size // 2)):  # oldest first
            del cache[stale]
