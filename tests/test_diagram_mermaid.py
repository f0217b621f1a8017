"""The Mermaid diagram's layout hints: labels once per target, data stores held in the SVG's column."""

from __future__ import annotations

import datetime

from conftest import EXAMPLES

from advisor import memo as memos


def diagram(advisor, name: str):
    path = EXAMPLES / f"{name}.yaml"
    return memos.build(advisor.evaluate(path), advisor.pack, datetime.date(2026, 11, 27), path.name).diagram


def test_each_label_is_shown_once_per_target(advisor):
    dg = diagram(advisor, "active-passive-dr")
    shown = [(e.label, e.target) for e, label in dg.mermaid_edges() if label]
    assert len(shown) == len(set(shown))
    # Every labelled flow still says what it is on one of its arrows.
    assert {(e.label, e.target) for e in dg.edges if e.label} == set(shown)
    assert [e for e, _ in dg.mermaid_edges()] == dg.edges  # no arrow dropped


def test_regional_stores_are_declared_after_the_zones_and_held_right_of_them(advisor):
    dg = diagram(advisor, "web-shop")
    region = dg.regions()[0].region
    after = {n.id for n in dg.regional_after(region)}
    assert after == {n.id for n in dg.nodes if n.kind == "storage"}
    # the front of the region: its load balancer (and a regional WAF, unless CloudFront carries it)
    front = {n.id for n in dg.nodes if n.region == region and n.id.startswith(("waf", "lb"))}
    assert "lb0" in front
    assert {n.id for n in dg.regional_before(region)} == front
    spacers = dg.mermaid_spacers()
    assert {node for _, node in spacers} == after
    anchors = [anchor for anchor, _ in spacers]
    assert len(set(anchors)) == 2  # spread over both zones' databases
    assert all(dg.node(a).kind == "database" for a in anchors)


def test_the_markdown_memo_draws_the_spacers_as_invisible_links(advisor):
    path = EXAMPLES / "web-shop.yaml"
    memo = memos.build(advisor.evaluate(path), advisor.pack, datetime.date(2026, 11, 27), path.name)
    text = memos.render_markdown(memo)
    for anchor, node in memo.diagram.mermaid_spacers():
        assert f"\n  {anchor} ~~~ {node}\n" in text
