"""The cold-start cache of the parsed pack: the same pack as from YAML, invalidated by any change, never in the way."""

from __future__ import annotations

import datetime
import json
import shutil
from pathlib import Path

import pytest

from advisor import pack_cache, rulepack

RULES = Path(__file__).resolve().parent.parent / "rules"


@pytest.fixture
def cache_home(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache" / "advisor"


@pytest.fixture
def parses(monkeypatch):
    """How many YAML files each load parses (none when the cache answered)."""
    count = {"n": 0}
    real = rulepack.read_pack_yaml

    def counting(path):
        count["n"] += 1
        return real(path)

    monkeypatch.setattr(rulepack, "read_pack_yaml", counting)
    return count


def _shape(pack: rulepack.RulePack) -> str:
    return json.dumps(
        {
            "digest": pack.digest,
            "version": pack.version,
            "areas": [a.model_dump(mode="json") for a in pack.areas],
            "facts": {k: f.model_dump(mode="json") for k, f in pack.facts.items()},
            "rules": [(r.rule.model_dump(mode="json"), r.area.id, r.index, r.path) for r in pack.rules],
            "clauses": [repr((r.clauses, r.any_of)) for r in pack.rules],
            "tables": pack.tables,
            "defaults": pack.type_defaults,
            "sources": pack.sources,
        },
        default=str,
        sort_keys=True,
    )


def test_a_second_load_reads_the_cache_and_gives_the_same_pack(cache_home, parses):
    first = rulepack.load(RULES)
    assert parses["n"] > 50 and len(list(cache_home.glob("pack-*.json"))) == 1
    parses["n"] = 0
    second = rulepack.load(RULES)
    assert parses["n"] == 0
    assert _shape(second) == _shape(first)


def test_a_changed_pack_file_is_read_from_yaml_again(cache_home, parses, tmp_path):
    root = tmp_path / "rules"
    shutil.copytree(RULES, root)
    before = rulepack.load(root)
    areas = root / "areas.yaml"
    text = areas.read_text(encoding="utf-8")
    assert f'version: "{before.version}"' in text
    areas.write_text(text.replace(f'version: "{before.version}"', 'version: "9.9.9"', 1), encoding="utf-8")
    parses["n"] = 0
    after = rulepack.load(root)
    assert parses["n"] > 50 and after.version == "9.9.9"  # a miss: the bytes changed
    parses["n"] = 0
    assert rulepack.load(root).version == "9.9.9" and parses["n"] == 0  # and cached again


def test_changed_code_reading_the_pack_invalidates_the_cache(cache_home, parses, monkeypatch):
    rulepack.load(RULES)
    monkeypatch.setattr(pack_cache, "_code_hash", lambda: "another version of rulepack.py")
    parses["n"] = 0
    rulepack.load(RULES)
    assert parses["n"] > 50


def test_a_cache_that_cannot_be_written_or_read_is_skipped_silently(tmp_path, monkeypatch, parses):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("x")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    expected = _shape(rulepack.load(RULES))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    rulepack.load(RULES)
    for cached in (tmp_path / "cache" / "advisor").glob("pack-*.json"):
        cached.write_text('{"key": "truncat', encoding="utf-8")
    parses["n"] = 0
    assert _shape(rulepack.load(RULES)) == expected
    assert parses["n"] > 50


def test_dates_and_non_text_keys_survive_the_json_form():
    value = {
        "as_of": datetime.date(2026, 11, 27),
        3: [1.0, True, None],
        "at": datetime.datetime(2026, 1, 2, 3),
    }
    text = json.dumps(pack_cache._encode(value))
    assert json.loads(text, object_hook=pack_cache._decode) == value
    with pytest.raises(TypeError):
        pack_cache._encode({"x": object()})
