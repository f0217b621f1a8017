"""The cold-start cache of the parsed pack: the same pack as from YAML, invalidated by any change, never in the way."""

from __future__ import annotations

import datetime
import json
import shutil
from pathlib import Path

import pytest

from advisor import pack_cache, rulepack

RULES = Path(__file__).resolve().parent.parent / "rules"
EXAMPLE = RULES.parent / "examples" / "web-shop.yaml"


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


def test_the_cache_keeps_each_texts_inputs_and_walk_form_and_a_changed_text_replaces_them(
    cache_home, parses, tmp_path
):
    root = tmp_path / "rules"
    shutil.copytree(RULES, root)
    first = rulepack.load(root)
    assert first.template_data and first.template_data == rulepack.template_data_of(first.sources)
    path = next(
        p for p in sorted(root.glob("*/*.yaml")) if "{{ answers.workload.type }}" in p.read_text("utf-8")
    )
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("{{ answers.workload.type }}", "{{ answers.workload.type }} NEW", 1), "utf-8"
    )
    parses["n"] = 0
    second = rulepack.load(root)
    assert parses["n"] > 50  # a miss
    changed = [key for key, source in second.sources.items() if "type }} NEW" in source]
    assert len(changed) == 1 and "NEW" not in json.dumps(first.template_data[changed[0]])
    assert "NEW" in json.dumps(second.template_data[changed[0]])  # the new text's walk form, not the old
    parses["n"] = 0
    third = rulepack.load(root)
    assert parses["n"] == 0 and third.template_data == second.template_data


def test_cached_template_data_that_is_not_well_formed_is_left_out(cache_home):
    pack = rulepack.load(RULES)
    key, other = list(pack.template_data)[:2]
    for cached in cache_home.glob("pack-*.json"):
        stored = json.loads(cached.read_text(encoding="utf-8"))
        stored["derived"]["templates"][key] = [["not", "paths"], None]
        stored["derived"]["templates"][other] = "garbage"
        cached.write_text(json.dumps(stored), encoding="utf-8")
    edited = rulepack.load(RULES)
    assert key not in edited.template_data and other not in edited.template_data
    assert len(edited.template_data) == len(pack.template_data) - 2
    assert edited.template(key).data == pack.template(key).data  # parsed from its text instead


def test_a_walk_form_the_walk_cannot_read_is_rendered_by_jinja_from_the_text():
    from advisor.api import Advisor

    expected = Advisor().evaluate(EXAMPLE).to_json()
    advisor = Advisor()
    for entry in advisor.pack.template_data.values():
        entry[1] = [["out", [["no such expression"]]]]  # as a cache file edited by hand might say
    assert advisor.evaluate(EXAMPLE).to_json() == expected


def test_the_least_recently_used_cache_files_are_removed_past_the_limit(cache_home, tmp_path):
    """Packs in folders that come and go (checkouts, temporary packs) never fill the user's disk."""
    import os

    cache_home.mkdir(parents=True)
    for index in range(pack_cache.KEEP + 8):
        path = cache_home / f"pack-{index:016x}.json"
        path.write_text("{}", encoding="utf-8")
        os.utime(path, (1_000_000 + index, 1_000_000 + index))
    other = cache_home / "notes.txt"  # not the cache's own: left alone
    other.write_text("mine", encoding="utf-8")

    pack = tmp_path / "pack"
    shutil.copytree(RULES, pack)
    rulepack.load(pack)  # a miss: written, then the oldest pruned
    kept = sorted(p.name for p in cache_home.glob("pack-*.json"))
    assert len(kept) == pack_cache.KEEP
    assert "pack-0000000000000000.json" not in kept and f"pack-{pack_cache.KEEP + 7:016x}.json" in kept
    assert other.exists()

    # A hit marks its file as used, so a pack in use is never the one removed.
    (written,) = [p for p in cache_home.glob("pack-*.json") if p.stat().st_size > 2]
    os.utime(written, (1, 1))
    rulepack.load(pack)
    assert written.stat().st_mtime > 1_000_000
