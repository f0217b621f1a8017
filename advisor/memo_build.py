"""The memo of a result as a view model: decisions and data sets numbered and anchored, answers and assumptions in plain words, the summary, the pillars, open questions and the diagram."""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from typing import Any

from advisor import diagram as diagrams
from advisor import fields
from advisor.cost import cost_view
from advisor.diagram_layout import layout
from advisor.errors import MemoError
from advisor.markup import plain, slug
from advisor.memo_decisions import LABELS, SECTIONS, DecisionViews, words
from advisor.memo_view import (
    Answer,
    AnswerGroup,
    AssumptionView,
    ControlView,
    DatasetView,
    DecisionView,
    Memo,
    PillarSummary,
    SummaryRow,
)
from advisor.pack_models import NOT_APPLICABLE, DiagramRole
from advisor.result import Result
from advisor.rulepack import RulePack
from advisor.templating import join_and


def build(result: Result, pack: RulePack, date: datetime.date, source: str = "") -> Memo:
    """The memo of a result: every decision with its reasons tied to answers, in plain words."""
    profile = result.profile
    if profile is None:
        raise MemoError("the result carries no requirements (build it with advisor.evaluate)")
    answers = profile.answers()
    derived = result.derived
    pillar_table = (pack.tables.get("pillars") or {}).get("pillars") or {}
    defaulted = profile.defaulted

    context = DecisionViews(
        pack,
        answers,
        derived,
        defaulted,
        profile.type_defaults,
        result.decisions,
        pillar_table,
        [dataset.decisions for dataset in result.datasets],
    )

    decisions = [
        context.decision(pack.area_by_id[area], decision) for area, decision in result.decisions.items()
    ]
    datasets = []
    for index, dataset in enumerate(result.datasets):
        given = answers["datasets"][index]
        facts = [
            Answer(
                f"datasets[{index}].{key}",
                LABELS[f"dataset.{key}"],
                plain(words(key, given[key])),
                f"datasets[{index}].{key}" in defaulted,
            )
            for key in (
                "usage",
                "access",
                "retrieval",
                "retention_days",
                "size_gb",
                "reproducible",
                "shared_by_instances",
            )
        ]
        views = [
            context.decision(pack.area_by_id[area], decision, index, dataset.name)
            for area, decision in dataset.decisions.items()
        ]
        datasets.append(DatasetView(plain(dataset.name), "", facts, views))
    _anchors(decisions, datasets)

    # A record's number is its area's identity (and its data set's place), never a count: changing
    # an answer or adding an area renames no other record.
    applying = [d for d in decisions + [d for ds in datasets for d in ds.decisions] if d.applicable]
    for ordinal, decision in enumerate(applying, 1):
        decision.ordinal = ordinal
    for decision in decisions:
        if decision.applicable:
            _number(decision, pack.area_by_id[decision.area].record)
    for index, dataset_view in enumerate(datasets):
        for decision in dataset_view.decisions:
            if decision.applicable:
                _number(decision, (index + 1) * 100 + pack.area_by_id[decision.area].record)

    choices = {area: d.choice for area, d in result.decisions.items()}
    titles = {
        area: plain(pack.area_by_id[area].options[d.choice].title)
        if d.choice in pack.area_by_id[area].options
        else d.choice
        for area, d in result.decisions.items()
    }
    controls = [context.control(control) for control in result.controls]
    assumptions = _assumption_views(result, pack, answers, profile.type_defaults)
    memo = Memo(
        name=plain(result.name),
        description=[plain(p) for p in re.split(r"\n\s*\n", answers["description"] or "") if plain(p)],
        date=date.isoformat(),
        advisor_version=result.advisor_version,
        rule_pack_version=result.rule_pack.version,
        rule_pack_digest=result.rule_pack.digest,
        fingerprint=result.fingerprint,
        source=plain(source),
        words=_all_words(answers, derived),
        answers=_answer_groups(answers, defaulted),
        assumptions=assumptions,
        decisions=[d for d in decisions if d.applicable],
        not_applicable=[d for d in decisions if not d.applicable],
        datasets=datasets,
        summary=_summary(decisions, datasets),
        controls=controls,
        pillars=_pillar_summary(pillar_table, decisions, datasets, controls),
        open_questions=[],
        next_steps=[],
        warnings=[plain(w) for w in result.warnings],
        cost=cost_view(result.cost, plain),
        diagram=diagrams.Diagram(),
        choices=choices,
        titles=titles,
        roles={
            area: option.diagram.role
            for area, choice in choices.items()
            if (option := pack.area_by_id[area].options.get(choice)) is not None
        },
        names=frozenset(
            word.strip("(),")
            for area in pack.areas
            for option in area.options.values()
            for word in option.title.split()
        ),
    )
    memo.open_questions = _open_questions(memo)
    memo.next_steps = _next_steps(memo)
    memo.diagram = _diagram(memo, answers, pack)
    return memo


def _number(decision: DecisionView, number: int) -> None:
    stem = slug(decision.title) + (f"-{slug(decision.subject, 32)}" if decision.subject else "")
    decision.number = number
    decision.filename = f"{number:04d}-{stem.strip('-') or 'decision'}.md"


def _anchors(decisions: list[DecisionView], datasets: list[DatasetView]) -> None:
    used: set[str] = set()

    def unique(base: str) -> str:
        base = base or "section"
        candidate, n = base, 1
        while candidate in used:
            n += 1
            candidate = f"{base}-{n}"
        used.add(candidate)
        return candidate

    for decision in decisions:
        decision.anchor = unique("decision-" + slug(decision.title))
    for index, dataset in enumerate(datasets):
        dataset.anchor = unique(f"dataset-{index + 1}")
        for decision in dataset.decisions:
            decision.anchor = unique(f"dataset-{index + 1}-{slug(decision.title)}")


def _answer_groups(answers: dict[str, Any], defaulted: frozenset[str]) -> list[AnswerGroup]:
    groups = []
    for title, section in SECTIONS:
        value = answers[section]
        items = value.items() if isinstance(value, dict) else [(None, value)]
        rows = []
        for key, item in items:
            path = f"{section}.{key}" if key else section
            rows.append(Answer(path, LABELS.get(path, path), plain(words(path, item)), path in defaulted))
        groups.append(AnswerGroup(title, tuple(rows)))
    return groups


def _all_words(answers: dict[str, Any], derived: dict[str, Any]) -> dict[str, str]:
    out = {}
    for section, value in answers.items():
        if isinstance(value, dict):
            for key, item in value.items():
                out[f"{section}.{key}"] = plain(words(f"{section}.{key}", item))
        elif section != "datasets":
            out[section] = plain(words(section, value))
    out["derived.encryption_at_rest"] = words("encryption_at_rest", derived["encryption_at_rest"])
    return out


def _assumption_views(
    result: Result, pack: RulePack, answers: dict[str, Any], type_defaults: frozenset[str]
) -> list[AssumptionView]:
    affects: dict[str, list[str]] = {}
    for area, decision in result.decisions.items():
        for assumed in decision.assumed:
            affects.setdefault(assumed.path, []).append(plain(pack.area_by_id[area].title))
    for dataset in result.datasets:
        for area, decision in dataset.decisions.items():
            for assumed in decision.assumed:
                affects.setdefault(assumed.path, []).append(
                    f"{plain(pack.area_by_id[area].title)} for {plain(dataset.name)}"
                )
    views = []
    for path, areas in affects.items():
        value = fields.value_at(answers, path)
        indexed = fields.dataset_path(path)
        if indexed is not None:
            index, leaf = indexed
            label = f"{LABELS.get('dataset.' + leaf, leaf)} ({plain(answers['datasets'][index]['name'])})"
        else:
            label = LABELS.get(path, path)
            leaf = path
        why = (
            f"usual for {words('workload.type', answers['workload']['type'])}"
            if path in type_defaults
            else "the advisor's default"
        )
        views.append(AssumptionView(path, label, plain(words(leaf, value)), why, tuple(dict.fromkeys(areas))))
    return views


def _summary(decisions: list[DecisionView], datasets: list[DatasetView]) -> list[SummaryRow]:
    rows = [SummaryRow(d.title, "", d.choice.title, d.confidence, d.anchor, d.applicable) for d in decisions]
    for dataset in datasets:
        for d in dataset.decisions:
            rows.append(
                SummaryRow(d.title, dataset.name, d.choice.title, d.confidence, d.anchor, d.applicable)
            )
    return rows


def _pillar_summary(
    meta: Mapping[str, Any],
    decisions: list[DecisionView],
    datasets: list[DatasetView],
    controls: list[ControlView],
) -> list[PillarSummary]:
    served: dict[str, list[tuple[str, str, str]]] = {p: [] for p in meta}
    for decision in decisions + [d for ds in datasets for d in ds.decisions]:
        for pillar in decision.pillars:
            served[pillar.id].append((decision.heading, decision.choice.title, pillar.how))
    for control in controls:
        for pillar in control.pillars:
            served[pillar.id].append(("Control", control.title, pillar.how))
    return [
        PillarSummary(p, plain(meta[p].get("title", p)), meta[p].get("reference", ""), tuple(served[p]))
        for p in meta
    ]


def _open_questions(memo: Memo) -> list[str]:
    out = []
    for warning in memo.warnings:
        out.append(warning)
    for assumption in memo.assumptions:
        out.append(
            f"Is “{assumption.label}: {assumption.value}” right? It was not in the requirements "
            f"({assumption.why}) and it shaped {join_and(list(assumption.affects))}."
        )
    for decision in memo.all_decisions:
        if decision.applicable and decision.confidence == "low":
            what = f"{decision.heading}: {decision.choice.title}"
            if decision.reasons and decision.reasons[0].causes:
                out.append(f"{what} rests on little evidence. What else should the choice take into account?")
            else:
                out.append(f"{what} is the default, not a conclusion from the answers. Does the team agree?")
    return list(dict.fromkeys(out))


def _next_steps(memo: Memo) -> list[str]:
    out = []
    for decision in memo.all_decisions:
        if decision.applicable:
            for advice in decision.advice:
                out.append(f"{decision.heading}: {advice}")
    return list(dict.fromkeys(out))


def _diagram(memo: Memo, answers: dict[str, Any], pack: RulePack) -> diagrams.Diagram:
    def role(area: str, option: str) -> DiagramRole:
        described = pack.area_by_id[area].options.get(option)
        return described.diagram if described else diagrams.NOTHING

    datasets = []
    for dataset in memo.datasets:
        by_area = {d.area: d for d in dataset.decisions}
        service = by_area.get("storage_service")
        klass = by_area.get("storage_class")
        datasets.append(
            diagrams.DatasetChoice(
                dataset.name,
                role("storage_service", service.choice.id) if service else diagrams.NOTHING,
                service.choice.title if service else "",
                klass.choice.id if klass else NOT_APPLICABLE,
                klass.choice.title if klass else "",
            )
        )
    region = memo.choices.get("region", "")
    inputs = diagrams.Inputs(
        choices=memo.choices,
        titles=memo.titles,
        roles={area: role(area, choice) for area, choice in memo.choices.items()},
        datasets=datasets,
        web_firewall=any(role("controls", c.id).role == "web_firewall" for c in memo.controls),
        workload_type=answers["workload"]["type"],
        protocol=answers["workload"]["protocol"],
        users=answers["workload"]["users"],
        public_facing=answers["compliance"]["public_facing"],
        disaster_recovery=answers["availability"]["disaster_recovery"],
        region_title=memo.titles.get("region", region),
    )
    return layout(diagrams.build(inputs))
