"""An organization pack's own prices (issue 14): they replace the built-in ones item by item, and say so."""

from __future__ import annotations

import copy
import datetime
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from advisor import prices
from advisor.api import Advisor, default_advisor
from advisor.cli import cli
from advisor.errors import RulePackError
from advisor.result import Result

ROOT = Path(__file__).resolve().parent.parent
ORG_PACK = ROOT / "examples" / "org-pack"
CONTRACT = "https://procurement.acme.example/aws/enterprise-agreement/rate-card-2026#ec2-linux"

# A small x86 server on t3.large (the built-in price 0.0832, Acme's 0.0749) with two data sets: one
# in S3 Standard (Acme's rate) and one in Glacier Deep Archive (no Acme rate: stays built-in).
SERVER: dict[str, Any] = {
    "version": 1,
    "name": "small server",
    "workload": {"type": "web_app", "needs_os_control": True, "interruptible": "restartable"},
    "compute": {"vcpus": 2, "memory_gib": 8, "cpu_usage": "bursty", "architecture": "x86_64"},
    "usage": {"instances": 3, "peak_instances": 3, "hours_per_month": 730},
    "datasets": [
        {"name": "images", "usage": "static_assets", "access": "frequent", "size_gb": 100},
        {
            "name": "exports",
            "usage": "archives",
            "access": "rare",
            "retrieval": "hours",
            "retention_days": 3650,
            "size_gb": 1000,
        },
    ],
}


@pytest.fixture(scope="module")
def org_advisor() -> Advisor:
    return Advisor(rules=[ORG_PACK])


def _evaluate(advisor: Advisor, document: dict[str, Any] = SERVER) -> Result:
    return advisor.evaluate(copy.deepcopy(document))


def _item(result: Result, what_starts: str) -> Any:
    assert result.cost is not None
    (item,) = [item for item in result.cost.items if item.what.startswith(what_starts)]
    return item


def _copy(tmp_path: Path) -> Path:
    pack = tmp_path / "pack"
    shutil.copytree(ORG_PACK, pack)
    return pack


def test_a_pack_price_replaces_the_builtin_one_and_names_its_source(org_advisor: Advisor) -> None:
    builtin, layered = _evaluate(default_advisor()), _evaluate(org_advisor)
    assert builtin.decisions["instance_family"].choice == layered.decisions["instance_family"].choice == "t"
    before, after = _item(builtin, "3 × t3.large"), _item(layered, "3 × t3.large")
    assert before.unit_price == 0.0832 and before.source.startswith("https://aws.amazon.com/")
    # 3 instances x 730 hours x Acme's 0.0749 = 164.03
    assert (after.quantity, after.unit_price, after.monthly) == (2190, 0.0749, 164.03)
    assert (after.source, after.as_of) == (CONTRACT, "2026-10-01")
    assert layered.cost is not None
    note = next(note for note in layered.cost.notes if note.startswith("Organization pack acme's"))
    assert "for t3.large (" in note and str(ORG_PACK / "prices" / "ec2.yaml") in note and CONTRACT in note
    # every purchase model of the line is the pack's: Acme's Reserved rate, not the built-in one
    assert layered.cost.by_purchase_model["reserved_instances"] == pytest.approx(
        round(3 * 730 * 0.04377, 2)
        + sum(i.monthly for i in layered.cost.items if i.area != "instance_family"),
        abs=0.011,
    )


def test_what_the_pack_does_not_name_stays_builtin(org_advisor: Advisor) -> None:
    builtin, layered = _evaluate(default_advisor()), _evaluate(org_advisor)
    images = _item(layered, "images: 100 GB in s3_standard")
    assert (images.unit_price, images.as_of) == (0.0207, "2026-10-01")  # the pack's S3 Standard rate
    archive_before = _item(builtin, "exports: 1,000 GB in s3_glacier_deep_archive")
    archive_after = _item(layered, "exports: 1,000 GB in s3_glacier_deep_archive")
    assert archive_after == archive_before  # no Acme rate for Deep Archive: the built-in line, unchanged
    assert (
        org_advisor.prices.services.s3.classes["s3_glacier_deep_archive"]
        == (default_advisor().prices.services.s3.classes["s3_glacier_deep_archive"])
    )
    # and the built-in advisor never sees the pack's prices
    assert default_advisor().prices.origins == {}
    assert _item(builtin, "images: 100 GB in s3_standard").unit_price == 0.023


def test_the_estimates_date_is_that_of_its_oldest_price_pack_prices_included(tmp_path: Path) -> None:
    pack = _copy(tmp_path)
    path = pack / "prices" / "ec2.yaml"
    path.write_text(path.read_text().replace("as_of: 2026-10-01", "as_of: 2020-01-31"))
    cost = _evaluate(Advisor(rules=[pack])).cost
    assert cost is not None and cost.prices_as_of == "2020-01-31"
    late = Advisor(rules=[pack]).evaluate(copy.deepcopy(SERVER), datetime.date(2026, 11, 29)).cost
    assert late is not None
    assert any(
        "t3.large (pack acme) date from 2020-01-31, more than a year before 2026-11-29" in n
        for n in late.notes
    )


def test_a_later_pack_wins_and_each_line_names_its_own_pack(tmp_path: Path) -> None:
    second = tmp_path / "second"
    (second / "prices").mkdir(parents=True)
    (second / "pack.yaml").write_text("name: beta\ndescription: a second layer\nversion: '1'\n")
    (second / "prices" / "ec2.yaml").write_text(
        "instances:\n  source: https://beta.example/rates\n  as_of: 2026-11-01\n  region: us-east-1\n"
        "  prices:\n    t3.large: {on_demand: 0.07}\n"
    )
    result = _evaluate(Advisor(rules=[ORG_PACK, second]))
    line = _item(result, "3 × t3.large")
    assert (line.unit_price, line.source) == (0.07, "https://beta.example/rates")
    assert _item(result, "images: 100 GB in s3_standard").unit_price == 0.0207  # acme's, beta names none
    assert result.cost is not None
    notes = [note for note in result.cost.notes if note.startswith("Organization pack")]
    assert [note.split("'")[0] for note in notes] == ["Organization pack beta", "Organization pack acme"]
    # beta gives no Reserved rate for t3.large: that model has no figure, never acme's or the built-in
    assert result.cost.by_purchase_model["reserved_instances"] is None


def test_recommend_json_text_and_memo_say_which_prices_came_from_the_pack(tmp_path: Path) -> None:
    path = tmp_path / "server.yaml"
    path.write_text(yaml.safe_dump(SERVER))
    runner = CliRunner()
    done = runner.invoke(cli, ["recommend", str(path), "--rules", str(ORG_PACK), "--format", "json"])
    assert done.exit_code == 0, done.output
    cost = json.loads(done.stdout)["cost"]
    assert {item["source"] for item in cost["items"]} >= {CONTRACT, "https://aws.amazon.com/s3/pricing/"}
    assert any(note.startswith("Organization pack acme's prices") for note in cost["notes"])
    text = runner.invoke(cli, ["recommend", str(path), "--rules", str(ORG_PACK)], terminal_width=200)
    assert "note: Organization pack acme's prices replace the built-in ones for t3.large" in text.stdout
    memo = runner.invoke(cli, ["memo", str(path), "--rules", str(ORG_PACK), "--date", "2026-11-29"])
    assert memo.exit_code == 0, memo.output
    assert CONTRACT in memo.stdout and "Organization pack acme" in memo.stdout


@pytest.mark.parametrize(
    ("file", "old", "new", "field"),
    [
        (
            "ec2.yaml",
            "t3.large: {on_demand: 0.0749",
            "t3.large: {on_demand: -1",
            "instances.prices.t3.large.on_demand",
        ),
        ("ec2.yaml", "spot: 0.0467", "spot: 0.5", "instances.prices.t3.large"),
        ("ec2.yaml", "  as_of: 2026-10-01\n", "", "instances.as_of"),
        ("services.yaml", "gb_month: 0.0207", "gb_mnth: 0.0207", "s3.classes.s3_standard.gb_mnth"),
        ("services.yaml", "s3:\n", "s4:\n", "s4"),
    ],
)
def test_a_bad_pack_price_file_is_exit_2_naming_file_line_and_field(
    tmp_path: Path, file: str, old: str, new: str, field: str
) -> None:
    pack = _copy(tmp_path)
    path = pack / "prices" / file
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))
    with pytest.raises(RulePackError, match=rf"{path}: line \d+: {field}"):
        prices.load(None, [pack])
    done = CliRunner().invoke(
        cli, ["recommend", str(ROOT / "examples" / "web-shop.yaml"), "--rules", str(pack)]
    )
    assert done.exit_code == 2 and "Traceback" not in done.output
    assert str(path) in done.output and field in done.output


def test_the_line_named_is_the_bad_fields_own(tmp_path: Path) -> None:
    pack = _copy(tmp_path)
    path = pack / "prices" / "ec2.yaml"
    lines = path.read_text().splitlines()
    number = next(i for i, line in enumerate(lines, 1) if line.strip().startswith("t3.xlarge:"))
    path.write_text(path.read_text().replace("t3.xlarge: {on_demand: 0.1498", "t3.xlarge: {on_demand: 0"))
    with pytest.raises(RulePackError, match=rf"line {number}: instances.prices.t3.xlarge.on_demand"):
        prices.load(None, [pack])


def test_only_the_price_files_may_be_layered(tmp_path: Path) -> None:
    pack = _copy(tmp_path)
    (pack / "prices" / "pricing.yaml").write_text("compute: {}\n")
    with pytest.raises(RulePackError, match=r"pricing.yaml: an organization pack's prices/ holds ec2.yaml"):
        prices.load(None, [pack])


def test_only_a_pack_may_quote_a_source_that_is_not_an_aws_page(tmp_path: Path) -> None:
    from advisor.rulepack import default_root

    shutil.copytree(default_root() / "prices", tmp_path / "prices")
    path = tmp_path / "prices" / "ec2.yaml"
    path.write_text(
        path.read_text().replace("https://aws.amazon.com/ec2/pricing/on-demand/", "https://example.com/")
    )
    with pytest.raises(RulePackError, match=r"prices/ec2.yaml: instances.source: .*AWS pricing page"):
        prices.load(tmp_path)
    # and a pack's source is one https link: nothing it says can drive a terminal or a memo's markup
    pack = _copy(tmp_path / "layer")
    path = pack / "prices" / "ec2.yaml"
    for hostile in ('"https://acme.example/\\e]0;pwned\\a"', "https://acme.example/a) [b](https://x"):
        text = ORG_PACK.joinpath("prices", "ec2.yaml").read_text()
        path.write_text(text.replace(CONTRACT, hostile))
        with pytest.raises(RulePackError, match=r"instances.source: String should match pattern"):
            prices.load(None, [pack])


def test_a_pack_without_prices_leaves_the_snapshot_as_it_is(tmp_path: Path) -> None:
    pack = _copy(tmp_path)
    shutil.rmtree(pack / "prices")
    assert prices.load(None, [pack]) is prices.builtin()


def test_a_priced_size_leaves_the_unpriced_list(tmp_path: Path) -> None:
    pack = _copy(tmp_path)
    (pack / "prices" / "ec2.yaml").write_text(
        "instances:\n  source: https://acme.example/rates\n  as_of: 2026-10-01\n  region: us-east-1\n"
        "  prices:\n    m8g.large: {on_demand: 0.08}\n"
    )
    snapshot = prices.load(None, [pack])
    assert "large" not in snapshot.ec2.unpriced.get("m8g", [])
    assert "xlarge" in snapshot.ec2.unpriced["m8g"] or "m8g.xlarge" in snapshot.ec2.instances.prices
    assert snapshot.origin("instances", "m8g.large") is not None
    assert snapshot.origin("instances", "t3.large") is None


def test_the_prices_command_lists_what_a_pack_replaced(tmp_path: Path) -> None:
    runner = CliRunner()
    text = runner.invoke(cli, ["prices", "--rules", str(ORG_PACK)])
    assert text.exit_code == 0, text.output
    assert f"instances t3.large: pack acme, as of 2026-10-01, {CONTRACT}" in text.stdout
    assert "t3.large: on_demand 0.0749," in text.stdout  # the figure listed is the pack's
    data = json.loads(runner.invoke(cli, ["prices", "--rules", str(ORG_PACK), "--format", "json"]).stdout)
    assert data["from_packs"]["storage"]["s3_standard"]["pack"] == "acme"
    assert data["groups"]["storage"]["classes"]["s3_standard"]["gb_month"] == 0.0207
    assert json.loads(runner.invoke(cli, ["prices", "--format", "json"]).stdout)["from_packs"] == {}
    pack = _copy(tmp_path)
    path = pack / "prices" / "ec2.yaml"
    path.write_text(path.read_text().replace("region: us-east-1", "region: mars-1"))
    bad = runner.invoke(cli, ["prices", "--rules", str(pack)])
    number = path.read_text().splitlines().index("  region: mars-1") + 1
    assert bad.exit_code == 2 and f"{path}: line {number}: instances.region" in bad.output
