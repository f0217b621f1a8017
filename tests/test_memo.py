"""The design memo: each format's structure, hostile text, determinism, safe output, golden files."""

from __future__ import annotations

import datetime
import os
import re
from html.parser import HTMLParser
from pathlib import Path

import golden
import pytest
import yaml
from click.testing import CliRunner
from conftest import EXAMPLES
from hypothesis import given, settings
from hypothesis import strategies as st

from advisor import diagram as diagrams
from advisor import memo as memos
from advisor import output
from advisor.api import default_advisor
from advisor.cli import cli
from advisor.diagram_layout import layout
from advisor.pack_models import NOT_APPLICABLE

DATE = datetime.date(2026, 11, 27)
EXAMPLE_FILES = sorted(EXAMPLES.glob("*.yaml"))
REGEN = ".venv/bin/python scripts/regen-memos"

HOSTILE_NAME = "<script>document.body.setAttribute('data-pwned','1')</script> | **x** [y](javascript:z) `c` #"
HOSTILE = {
    "version": 1,
    "name": HOSTILE_NAME,
    "description": (
        "1. not a list\n\n# not a heading\n"
        "<img src=x onerror=\"document.body.setAttribute('data-pwned','2')\">\n"
        "```\n| a | b |\n---\n$x$ ~~s~~ <!-- c --> &lt; \u202eevil"
    ),
    "workload": {"type": "web_app"},
    "database": {"model": "relational"},
    "datasets": [
        {"name": "<b>bold</b> ``` | end --> x", "usage": "static_assets"},
        {"name": '"q" & #35; ]] "]) end', "usage": "backups", "access": "rare", "retrieval": "hours"},
    ],
}


@pytest.fixture(scope="module")
def memo_of(advisor):
    cache: dict[str, memos.Memo] = {}

    def build(path: Path) -> memos.Memo:
        if path.name not in cache:
            cache[path.name] = memos.build(advisor.evaluate(path), advisor.pack, DATE, path.name)
        return cache[path.name]

    return build


@pytest.fixture(scope="module")
def hostile(advisor) -> memos.Memo:
    return memos.build(advisor.evaluate(HOSTILE), advisor.pack, DATE, "evil<>.yaml")


# ---- Markdown ------------------------------------------------------------------------------------


def _table_rows(text: str) -> list[list[str]]:
    """Each table in the text as its lines; a row's cells are split on unescaped pipes."""
    tables, current = [], []
    for line in text.splitlines():
        if line.startswith("|"):
            current.append(line)
        elif current:
            tables.append(current)
            current = []
    if current:
        tables.append(current)
    return tables


def _cells(row: str) -> int:
    without_escapes = row.replace("\\\\", "").replace("\\|", "")
    return without_escapes.count("|") - 1


def _assert_tables_well_formed(text: str) -> None:
    tables = _table_rows(text)
    assert tables
    for table in tables:
        width = _cells(table[0])
        assert re.fullmatch(r"\|( --- \|)+", table[1]), table[:2]
        for row in table:
            assert _cells(row) == width, f"row has {_cells(row)} cells, header {width}: {row}"


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.stem)
def test_markdown_memo_has_every_part(memo_of, path):
    memo = memo_of(path)
    text = memos.render_markdown(memo)
    assert text.startswith(f"# Design memo: {memos.md(memo.name)}\n")
    for heading in (
        "## Summary",
        "## Context",
        "### Requirements",
        "### Assumptions",
        "## Architecture",
        "## Decisions",
        "## Controls",
        "## Well-Architected pillars",
        "## Open questions",
        "## Next steps",
    ):
        assert f"\n{heading}\n" in text, heading
    assert f"- **Date:** {DATE.isoformat()}" in text
    assert f"fingerprint `sha256:{memo.fingerprint}`" in text
    assert f"rule pack {memo.rule_pack_version}" in text
    # The summary table names every area, and each decision that applies has its own section.
    summary = text.split("## Summary", 1)[1].split("## Context", 1)[0]
    for row in memo.summary:
        assert memos.md(row.area) in summary
    for decision in memo.all_decisions:
        if decision.applicable:
            assert f'<a id="{decision.anchor}"></a>' in text
            assert (
                f"{decision.ordinal}. {memos.md(decision.heading)}: {memos.md(decision.choice.title)}" in text
            )
    assert text.count("```mermaid\nflowchart LR\n") == 1
    assert text.count("```") == 2
    _assert_tables_well_formed(text)
    for pillar in (
        "Operational excellence",
        "Security",
        "Reliability",
        "Performance efficiency",
        "Cost optimization",
        "Sustainability",
    ):
        assert f"**[{pillar}](https://docs.aws.amazon.com/wellarchitected/" in text


def test_reasons_name_the_answers_that_caused_them(memo_of):
    memo = memo_of(EXAMPLES / "web-shop.yaml")
    text = memos.render_markdown(memo)
    tied = [r for d in memo.all_decisions for r in d.reasons if r.causes]
    assert tied, "no reason is tied to an answer"
    for reason in tied:
        line = "  - *From the answers:* " + memos.md(
            "; ".join(f"{c.label}: {c.value}" + (" (assumed)" if c.assumed else "") for c in reason.causes)
        )
        assert line in text


def test_assumptions_are_defaulted_answers_that_changed_an_outcome(advisor):
    result = advisor.evaluate({"version": 1, "name": "t", "workload": {"type": "batch"}})
    memo = memos.build(result, advisor.pack, DATE)
    listed = {a.path for a in memo.assumptions}
    from_decisions = {
        text.split(" defaulted to ")[0]
        for d in list(result.decisions.values())
        + [d for ds in result.datasets for d in ds.decisions.values()]
        for text in d.assumptions
    }
    assert listed == from_decisions
    assert all(path in result.profile.defaulted for path in listed)


def test_areas_that_do_not_apply_get_a_line_not_a_section(memo_of):
    memo = memo_of(EXAMPLES / "web-shop.yaml")
    text = memos.render_markdown(memo)
    for decision in memo.not_applicable:
        assert decision.choice.id == NOT_APPLICABLE
        assert f"- **{memos.md(decision.title)}:** " in text
        assert decision.number == 0 and not decision.filename


# ---- escaping -------------------------------------------------------------------------------------


def test_hostile_text_cannot_break_the_markdown(hostile):
    text = memos.render_markdown(hostile)
    assert "<script" not in text and "<img" not in text and "<b>" not in text and "<!--" not in text
    assert "&lt;script&gt;" in text
    # Our headings only: the description's "# not a heading" and "1. not a list" stay text.
    headings = [line for line in text.splitlines() if line.startswith("#")]
    assert all(re.match(r"#{1,4} ", h) for h in headings)
    assert not any("not a heading" in h for h in headings)
    assert "\n1\\. not a list\n" in text
    assert "\u202e" not in text
    assert text.count("```") == 2  # the description's fence is escaped
    _assert_tables_well_formed(text)
    # No Markdown link or emphasis survives from user text.
    assert "[y](javascript" not in text and "**x**" not in text


def test_hostile_text_cannot_break_the_diagram(hostile):
    text = memos.render_markdown(hostile)
    block = text.split("```mermaid\n", 1)[1].split("```", 1)[0]
    statement = re.compile(
        r'(  )+(\w+(\(\["|\["|\[\(")[^"]*("\]\)|"\]|"\)\]):::\w+'
        r'|subgraph \w+\["[^"]*"\]|end|\w+ (-->|-\.->)(\|"[^"]*"\|)? \w+|\w+ ~~~ \w+|classDef \w+ [\w:#,]+|flowchart LR)'
    )
    for line in block.splitlines():
        assert line == "flowchart LR" or statement.fullmatch(line), line
    assert "#60;b#62;bold" in block  # the data set's name, as entity codes


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str, str | None]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attributes += [(tag, name, value) for name, value in attrs]

    def handle_data(self, data):
        self.text.append(data)


def _parse(html: str) -> _Elements:
    parser = _Elements()
    parser.feed(html)
    parser.close()
    return parser


def test_hostile_text_is_only_text_in_html(hostile):
    html = memos.render_html(hostile)
    page = _parse(html)
    assert "script" not in page.tags and "img" not in page.tags and "b" not in page.tags
    assert not [a for a in page.attributes if a[1].startswith("on")]
    assert HOSTILE_NAME in "".join(page.text)
    assert "<b>bold</b> ``` | end --> x" in "".join(page.text)
    assert "\u202e" not in html


def test_html_is_self_contained(memo_of):
    html = memos.render_html(memo_of(EXAMPLES / "web-shop.yaml"))
    page = _parse(html)
    assert html.startswith("<!DOCTYPE html>")
    assert ("meta", "http-equiv", "Content-Security-Policy") in page.attributes
    assert not {"script", "link", "iframe", "img", "object", "embed"} & set(page.tags)
    for tag, name, value in page.attributes:
        if name in ("src", "srcset", "data") or (name == "href" and tag != "a"):
            raise AssertionError(f"<{tag} {name}={value}> loads a resource")
        if tag == "a" and name == "href":
            assert value.startswith(("#", "https://")), value
    assert "@media print" in html
    assert page.tags.count("svg") == 1 and ("table", "id", "summary-table") in page.attributes


def test_hostile_text_cannot_break_the_adr_records(hostile):
    files = memos.render_adr(hostile)
    for name, text in files.items():
        assert re.fullmatch(r"\d{4}-[a-z0-9-]+\.md|README\.md", name)
        assert "<script" not in text and "<img" not in text
        if name != memos.ADR_INDEX:
            assert text.startswith(f"---\nstatus: proposed\ndate: {DATE.isoformat()}\n---\n\n# ")
            assert text.count("\n---\n") == 1  # the front matter's end, nothing else
    assert any(name.endswith("-b-bold-b-end-x.md") for name in files)  # the data set's name, slugged


@given(st.text(max_size=80))
@settings(max_examples=200, deadline=None)
def test_md_never_lets_markup_through(text):
    out = memos.md(text)
    assert "\n" not in out and "\r" not in out
    spans = re.findall(r"(?<!\\)`([^`]*)`", out)
    assert not any(set(span) & set("<>&\n") for span in spans)
    outside_code = re.sub(r"(?<!\\)`[^`]+`", "", out)
    unescaped = re.sub(r"\\.", "", outside_code)
    assert not re.search(r"[<>*_\[\]|~$#`]", unescaped), out
    assert not re.match(r"[+=-]|\d+[.)](\s|$)", out), out  # nothing that starts a block


@given(st.text(max_size=60))
@settings(max_examples=200, deadline=None)
def test_mermaid_labels_hold_no_syntax(text):
    out = memos.mermaid(text)
    assert not re.search(r'["\[\]{}<>|`\n]', out)


# ---- ADR ------------------------------------------------------------------------------------------


def test_adr_records_follow_madr(memo_of):
    memo = memo_of(EXAMPLES / "web-shop.yaml")
    files = memos.render_adr(memo)
    records = sorted(name for name in files if name != memos.ADR_INDEX)
    numbers = [d.number for d in memo.all_decisions if d.applicable]
    assert [name[:4] for name in records] == [f"{n:04d}" for n in sorted(numbers)]
    assert len(set(numbers)) == len(numbers)
    assert len(records) == len([d for d in memo.all_decisions if d.applicable])
    sections = [
        "## Context and Problem Statement",
        "## Decision Drivers",
        "## Considered Options",
        "## Decision Outcome",
        "### Consequences",
        "### Confirmation",
        "## Pros and Cons of the Options",
        "## More Information",
    ]
    for name in records:
        text = files[name]
        front, body = text.split("\n---\n", 1)
        assert yaml.safe_load(front.removeprefix("---\n")) == {"status": "proposed", "date": DATE}
        positions = [body.index(f"\n{s}\n") for s in sections]
        assert positions == sorted(positions), name
        assert re.search(r'\nChosen option: "[^"\n]+", because \S', body), name
        assert "* Good, because " in body
    index = files[memos.ADR_INDEX]
    for name in records:
        assert f"]({name})" in index


def test_adr_folder_is_written_whole_and_never_over_files(advisor, tmp_path):
    runner = CliRunner()
    example = str(EXAMPLES / "web-shop.yaml")
    target = tmp_path / "docs" / "adr"
    # Like every other -o, a missing parent is refused, not created (a typo must not make folders).
    missing = runner.invoke(
        cli, ["memo", example, "--format", "adr", "-o", str(target), "--date", "2026-11-27"]
    )
    assert missing.exit_code == 2 and "does not exist" in missing.stderr and not target.parent.exists()
    target.parent.mkdir()
    ok = runner.invoke(cli, ["memo", example, "--format", "adr", "-o", str(target), "--date", "2026-11-27"])
    assert ok.exit_code == 0, ok.output
    written = sorted(p.name for p in target.iterdir())
    assert memos.ADR_INDEX in written and "0001-compute-platform.md" in written
    assert not [p for p in target.parent.iterdir() if p.name != "adr"], "staging folder left behind"

    (target / "0001-compute-platform.md").write_text("ours\n")
    refused = runner.invoke(
        cli, ["memo", example, "--format", "adr", "-o", str(target), "--date", "2026-11-27"]
    )
    assert refused.exit_code == 2 and "--force" in refused.output
    assert (target / "0001-compute-platform.md").read_text() == "ours\n"

    forced = runner.invoke(
        cli, ["memo", example, "--format", "adr", "-o", str(target), "--date", "2026-11-27", "--force"]
    )
    assert forced.exit_code == 0
    assert (target / "0001-compute-platform.md").read_text().startswith("---\nstatus: proposed\n")
    assert sorted(p.name for p in target.iterdir()) == written


def test_a_failure_while_writing_records_leaves_no_folder(tmp_path, monkeypatch):
    calls = {"n": 0}
    real = output.write_atomic

    def failing(path, data, force=False):
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError("disk full")
        real(path, data, force)

    monkeypatch.setattr(output, "write_atomic", failing)
    files = {f"{n:04d}-x.md": "x\n" for n in range(1, 5)}
    with pytest.raises(OSError):
        output.write_folder(tmp_path / "adr", files)
    assert list(tmp_path.iterdir()) == []


# ---- output and dates -----------------------------------------------------------------------------


def test_output_file_is_atomic_and_needs_force(tmp_path):
    runner = CliRunner()
    example = str(EXAMPLES / "web-shop.yaml")
    out = tmp_path / "memo.html"
    first = runner.invoke(cli, ["memo", example, "--format", "html", "-o", str(out), "--date", "2026-11-27"])
    assert first.exit_code == 0, first.output
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")

    out.write_text("keep me\n")
    again = runner.invoke(cli, ["memo", example, "-o", str(out), "--date", "2026-11-27"])
    assert again.exit_code == 2 and "already exists" in again.output
    assert out.read_text() == "keep me\n"

    forced = runner.invoke(cli, ["memo", example, "-o", str(out), "--date", "2026-11-27", "--force"])
    assert forced.exit_code == 0
    assert out.read_text(encoding="utf-8").startswith("# Design memo: Web shop\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["memo.html"]  # no temporary files


def test_a_failed_write_keeps_the_old_file(tmp_path, monkeypatch):
    out = tmp_path / "memo.md"
    out.write_text("old\n")

    def boom(src, dst):
        raise OSError("interrupted")

    monkeypatch.setattr(os, "replace", boom)
    result = CliRunner().invoke(
        cli, ["memo", str(EXAMPLES / "web-shop.yaml"), "-o", str(out), "--force", "--date", "2026-11-27"]
    )
    assert result.exit_code != 0
    assert out.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["memo.md"]


def test_same_input_gives_byte_identical_memos(advisor, memo_of):
    path = EXAMPLES / "web-shop.yaml"
    first = (
        memos.render_markdown(memo_of(path)),
        memos.render_html(memo_of(path)),
        memos.render_adr(memo_of(path)),
    )
    advisor.evaluate(HOSTILE)  # another evaluation in between must not leak into the next
    fresh = memos.build(advisor.evaluate(path), advisor.pack, DATE, path.name)
    assert (memos.render_markdown(fresh), memos.render_html(fresh), memos.render_adr(fresh)) == first


def test_date_comes_from_the_option_or_source_date_epoch(monkeypatch):
    assert memos.memo_date("2025-02-03", {}) == datetime.date(2025, 2, 3)
    assert memos.memo_date(None, {"SOURCE_DATE_EPOCH": "1700000000"}) == datetime.date(2023, 11, 14)
    assert memos.memo_date("2025-02-03", {"SOURCE_DATE_EPOCH": "1700000000"}) == datetime.date(2025, 2, 3)
    for bad in ("2025-2-3", "2025-02-30", "tomorrow"):
        with pytest.raises(memos.MemoError):
            memos.memo_date(bad, {})
    with pytest.raises(memos.MemoError):
        memos.memo_date(None, {"SOURCE_DATE_EPOCH": "soon"})

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    runner = CliRunner()
    result = runner.invoke(cli, ["memo", str(EXAMPLES / "web-shop.yaml")])
    assert result.exit_code == 0
    assert "- **Date:** 2023-11-14\n" in result.output
    bad = runner.invoke(cli, ["memo", str(EXAMPLES / "web-shop.yaml"), "--date", "27.11.2026"])
    assert bad.exit_code == 2 and "YYYY-MM-DD" in bad.output


def test_memo_reads_standard_input():
    text = (EXAMPLES / "web-shop.yaml").read_text(encoding="utf-8")
    result = CliRunner().invoke(cli, ["memo", "-", "--date", "2026-11-27"], input=text)
    assert result.exit_code == 0, result.output
    assert "- **Requirements:** standard input, fingerprint `sha256:" in result.output


def test_invalid_requirements_exit_2_without_traceback():
    result = CliRunner().invoke(cli, ["memo", "-"], input="version: 1\nname: x\nworkload: {type: nope}\n")
    assert result.exit_code == 2
    assert "workload.type" in result.output and "Traceback" not in result.output


# ---- the diagram follows the decisions ------------------------------------------------------------


def _inputs(**choices: str) -> diagrams.Inputs:
    base = {
        "compute_platform": "ec2",
        "instance_family": "m",
        "database": "rds",
        "availability": "multi_az",
        "load_balancer": "alb",
        "dns_routing": "simple",
        "region": "eu-central-1",
        "data_processing": NOT_APPLICABLE,
        "container_orchestrator": NOT_APPLICABLE,
        "container_capacity": NOT_APPLICABLE,
    }
    base.update(choices)
    titles = {area: option.replace("_", " ").title() for area, option in base.items()}
    pack = default_advisor().pack

    def role(area, option):
        return pack.area_by_id[area].options[option].diagram

    return diagrams.Inputs(
        base,
        titles,
        {area: role(area, option) for area, option in base.items()},
        [
            diagrams.DatasetChoice(
                "logs", role("storage_service", "s3"), "Amazon S3", "s3_standard", "S3 Standard"
            )
        ],
        False,
        "web_app",
        "http",
        "regional",
        True,
        "none",
        "Europe (Frankfurt)",
    )


def test_diagram_shows_what_was_decided():
    base = layout(diagrams.build(_inputs()))
    ids = {n.id for n in base.nodes}
    assert {"users", "dns", "lb0", "c0_0", "c0_1", "db0_0", "db0_1", "ds0"} <= ids
    assert [g.label for g in base.regions()] == ["eu-central-1 · Europe (Frankfurt)"]

    no_lb = diagrams.build(_inputs(load_balancer=NOT_APPLICABLE))
    assert not [n for n in no_lb.nodes if n.id.startswith("lb")]

    single = diagrams.build(_inputs(availability="single_az"))
    assert [n.id for n in single.nodes if n.kind == "compute"] == ["c0_0"]

    regions = diagrams.build(_inputs(availability="multi_region"))
    assert len(regions.regions()) == 2
    assert ("db0_0", "db1_0") in {(e.source, e.target) for e in regions.edges}

    dynamo = diagrams.build(_inputs(database="dynamodb"))
    assert [n.id for n in dynamo.nodes if n.kind == "database"] == ["db0_0"]

    serverless = diagrams.build(
        _inputs(compute_platform="lambda", instance_family=NOT_APPLICABLE, database=NOT_APPLICABLE)
    )
    assert [n.id for n in serverless.nodes if n.kind == "compute"] == ["fn0"]
    assert not serverless.zones(0)

    waf = diagrams.build(diagrams.Inputs(**{**_inputs().__dict__, "web_firewall": True}))
    assert ("waf0", "lb0") in {(e.source, e.target) for e in waf.edges}
    behind_nlb = diagrams.build(
        diagrams.Inputs(**{**_inputs(load_balancer="nlb").__dict__, "web_firewall": True})
    )
    assert not [n for n in behind_nlb.nodes if n.id.startswith("waf")]  # WAF does not attach to an NLB


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.stem)
def test_example_diagrams_match_their_decisions(memo_of, path):
    memo = memo_of(path)
    dg = memo.diagram
    kinds = [n.kind for n in dg.nodes]
    assert any(n.id.startswith("lb") for n in dg.nodes) == memo.decided("load_balancer")
    assert ("database" in kinds) == memo.decided("database")
    assert len(dg.regions()) == (2 if memo.choices["availability"] == "multi_region" else 1)
    assert sum(1 for n in dg.nodes if n.kind == "storage") == len(memo.datasets)
    # Every box fits in the picture and no two boxes overlap.
    for n in dg.nodes:
        assert 0 <= n.x and n.x + n.w <= dg.width and 0 <= n.y and n.y + n.h <= dg.height
    for i, a in enumerate(dg.nodes):
        for b in dg.nodes[i + 1 :]:
            assert a.x + a.w <= b.x or b.x + b.w <= a.x or a.y + a.h <= b.y or b.y + b.h <= a.y, (a.id, b.id)


# ---- data tables, templates, golden files ----------------------------------------------------------


def test_every_option_says_its_pillars_confirmation_and_diagram_role(advisor):
    pack = advisor.pack
    assert list(pack.tables["pillars"]["pillars"]) == [
        "operational_excellence",
        "security",
        "reliability",
        "performance_efficiency",
        "cost_optimization",
        "sustainability",
    ]
    for area in pack.areas:
        for key, option in area.options.items():
            if key == NOT_APPLICABLE:
                assert option.diagram.role == "none", f"{area.id}.{key}"
                continue
            if area.kind == "choice":
                assert option.pillars, f"{area.id}.{key} serves no pillar"
                check = option.confirmation
                assert check is not None
                assert re.match(r"https://(docs\.aws\.amazon\.com|aws\.amazon\.com)/", check.reference)
                # procedures, not numbers: rules quote facts
                assert not re.search(
                    r"\d\s*(%|ms|seconds?|minutes?|hours?|days?|GB|GiB|TB)\b", check.check
                ), key


def test_one_environment_strict_and_escaping_html_only():
    env = memos.environment()
    assert env is memos.environment()
    assert env.undefined.__name__ == "StrictUndefined"
    assert env.autoescape("memo.html.jinja") and not env.autoescape("memo.md.jinja")
    assert not env.autoescape("adr.md.jinja") and not env.autoescape("_macros.jinja")
    assert memos.default_templates_root() == Path(__file__).resolve().parent.parent / "templates"


def test_templates_pass_an_escape_function_to_shared_macros():
    # A macro's output counts as safe in an autoescaping template, so the shared macros escape
    # values themselves; piping their output through a filter would escape it twice.
    root = memos.default_templates_root()
    for path in root.glob("*.jinja"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"m\.\w+\([^)]*\)\s*\|", text), path.name
        for call in re.findall(r"m\.(overview|headline|causes|pillar_names)\(([^)]*)\)", text):
            assert call[1].rstrip().endswith(("md", "html")), (path.name, call)


def test_golden_memos_match_the_templates(advisor):
    expected = golden.golden_files(EXAMPLES, advisor)
    on_disk = set(golden.golden_paths(EXAMPLES))
    missing = sorted(str(p.relative_to(EXAMPLES)) for p in set(expected) - on_disk)
    stale = sorted(str(p.relative_to(EXAMPLES)) for p in on_disk - set(expected))
    drifted = sorted(
        str(p.relative_to(EXAMPLES))
        for p in set(expected) & on_disk
        if p.read_text(encoding="utf-8") != expected[p]
    )
    assert not (missing or stale or drifted), (
        f"golden memos differ from the templates (missing {missing}, stale {stale}, changed {drifted}); "
        f"rebuild them with `{REGEN}` and review the diff"
    )
    assert (EXAMPLES / "web-shop.memo.html") in expected and (
        EXAMPLES / "web-shop.adr" / "README.md"
    ) in expected


def test_came_close_is_said_only_of_a_runner_up_within_the_margin():
    """Medium confidence has two causes: a narrow lead, or rules rated medium; the memo tells which."""
    from advisor.result import CLOSE_MARGIN

    advisor = default_advisor()
    said = {"close": 0, "not close": 0}
    for path in sorted(EXAMPLES.glob("*.yaml")):
        result = advisor.evaluate(path)
        text = memos.render_markdown(memos.build(result, advisor.pack, DATE, path.name))
        for area, decision in result.decisions.items():
            if decision.confidence != "medium" or len(decision.scores) < 2:
                continue
            winner = decision.scores[decision.choice]
            gap = min(
                winner - score for option, score in decision.scores.items() if option != decision.choice
            )
            said["close" if gap < CLOSE_MARGIN else "not close"] += 1
            if gap >= CLOSE_MARGIN:
                title = (
                    advisor.pack.area_by_id[area]
                    .options[
                        min(
                            (o for o in decision.scores if o != decision.choice),
                            key=lambda o: winner - decision.scores[o],
                        )
                    ]
                    .title
                )
                assert f"{title} came close" not in text, (path.name, area)
    assert said["close"] and said["not close"]  # both kinds occur among the examples
