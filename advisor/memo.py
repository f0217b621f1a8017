"""The justified design memo: a result as a view model, rendered by the templates under templates/.

One Jinja environment, built in `environment()`, renders every format: Markdown (`memo.md.jinja`),
self-contained HTML (`memo.html.jinja`, the only one autoescaped) and a folder of MADR 4.0 records
(`adr.md.jinja`, `adr-index.md.jinja`). Templates receive the `Memo` model below, never loose
dicts; every string that can carry user text goes through `plain()` here and through the
format's escaping there (`md` in Markdown, autoescape in HTML, `mermaid` in the diagram).
"""

from __future__ import annotations

import datetime
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import escape

from advisor import diagram as diagrams
from advisor import fields
from advisor.conditions import DERIVED_FIELDS
from advisor.cost import cost_view
from advisor.errors import MemoError
from advisor.markup import after_because, html_code, md, mermaid, oneline, plain, slug, url
from advisor.memo_view import (
    AlternativeView,
    Answer,
    AnswerGroup,
    AssumptionView,
    Cause,
    ChangeView,
    ControlView,
    DatasetView,
    DecisionView,
    Link,
    Memo,
    OptionView,
    OverriddenView,
    PillarSummary,
    PillarView,
    Reason,
    SummaryRow,
)
from advisor.pack_models import NOT_APPLICABLE, Area, DiagramRole, Option
from advisor.result import Decision, Result
from advisor.result import Reason as ReasonRecord
from advisor.rulepack import RulePack
from advisor.templating import join_and

FORMATS = ("markdown", "html", "adr")
DEFAULT_ADR_FOLDER = "docs/adr"
ADR_INDEX = "README.md"


# ---- templates and their environment ----------------------------------------------------------


def default_templates_root() -> Path:
    """templates/ inside the installed package, or beside it in a source checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "templates", here.parent / "templates"):
        if (candidate / "memo.md.jinja").is_file():
            return candidate
    raise MemoError(
        f"cannot find the memo templates (looked in {here / 'templates'} and {here.parent / 'templates'})"
    )


@lru_cache(maxsize=4)
def environment(root: Path | None = None) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(root or default_templates_root())),
        undefined=jinja2.StrictUndefined,
        # Only the HTML template escapes by itself; Markdown escapes with the `md` filter, because
        # HTML entities are not the whole story there (pipes, emphasis, links, headings).
        autoescape=jinja2.select_autoescape(
            enabled_extensions=("html.jinja",), default_for_string=False, default=False
        ),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
    )
    # The escape functions as globals too: shared macros take the format's one as an argument.
    env.globals.update(md=md, html=escape)
    env.filters.update(
        oneline=oneline,
        md=md,
        code=html_code,
        because=after_because,
        mermaid=mermaid,
        url=url,
        clip=diagrams.clip,
    )
    return env


# ---- dates ------------------------------------------------------------------------------------


def memo_date(option: str | None = None, environ: Mapping[str, str] | None = None) -> datetime.date:
    """--date if given, else SOURCE_DATE_EPOCH (reproducible builds), else today."""
    environ = os.environ if environ is None else environ
    if option:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", option):
            raise MemoError(f"--date {option!r}: expected YYYY-MM-DD")
        try:
            return datetime.date.fromisoformat(option)
        except ValueError as error:
            raise MemoError(f"--date {option!r}: {error}") from None
    epoch = environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        if not epoch.isdigit():
            raise MemoError(f"SOURCE_DATE_EPOCH={epoch!r}: expected a number of seconds since 1970")
        try:
            return datetime.datetime.fromtimestamp(int(epoch), tz=datetime.UTC).date()
        except (OverflowError, OSError, ValueError):
            raise MemoError(f"SOURCE_DATE_EPOCH={epoch!r}: out of range") from None
    return datetime.date.today()


# ---- plain words for answers --------------------------------------------------------------------

# The labels, groups and value words come from the requirements model's fields (advisor.fields).
LABELS = fields.labels()
SECTIONS = fields.sections()
WORDS = fields.value_words()


def words(path: str, value: Any) -> str:
    """An answer as a reader would say it: "3 years", "99.95%", "PCI DSS", "yes"."""
    return fields.words(path, value)


# ---- building the view model ------------------------------------------------------------------


def build(result: Result, pack: RulePack, date: datetime.date, source: str = "") -> Memo:
    """The memo of a result: every decision with its reasons tied to answers, in plain words."""
    profile = result.profile
    if profile is None:
        raise MemoError("the result carries no requirements (build it with advisor.evaluate)")
    answers = profile.answers()
    derived = result.derived
    pillar_table = (pack.tables.get("pillars") or {}).get("pillars") or {}
    defaulted = profile.defaulted

    context = _Context(
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


@dataclass
class _Context:
    pack: RulePack
    answers: dict[str, Any]
    derived: dict[str, Any]
    defaulted: frozenset[str]
    type_defaults: frozenset[str]
    decisions: dict[str, Decision]
    pillar_table: dict[str, Any]  # pillar id -> its title and reference
    dataset_decisions: list[dict[str, Decision]]

    def option(self, area: Area, option_id: str) -> OptionView:
        option = area.options.get(option_id)
        if option is None:  # an option the pack does not describe: its id is all there is to show
            return OptionView(option_id, plain(option_id), plain(option_id), plain(option_id), "")
        return OptionView(
            option_id, plain(option.title), plain(option.summary), plain(option.best_for), option.reference
        )

    def cause(self, path: str, value: Any, subject: int | None) -> Cause:
        """What one tested answer of a reason looks like in the memo: its label and plain words."""
        if path.startswith("decision."):
            area = self.pack.area_by_id[path.split(".", 1)[1]]
            return Cause(path, plain(area.title), self.option(area, value).title, kind="decision")
        if path.startswith("derived."):
            key = path.split(".", 1)[1]
            meaning = DERIVED_FIELDS.get(path, ("", key.replace("_", " ")))[1]
            return Cause(
                path, plain(meaning[0].upper() + meaning[1:]), plain(words(key, value)), kind="derived"
            )
        indexed = fields.dataset_path(path)
        if indexed is not None:
            key = indexed[1]
            return Cause(
                path, LABELS.get(f"dataset.{key}", key), plain(words(key, value)), path in self.defaulted
            )
        return Cause(path, LABELS.get(path, path), plain(words(path, value)), path in self.defaulted)

    def causes(self, reason: ReasonRecord, subject: int | None) -> tuple[Cause, ...]:
        return tuple(self.cause(path, value, subject) for path, value in reason.answers.items())

    def decision(
        self, area: Area, decision: Decision, subject: int | None = None, name: str = ""
    ) -> DecisionView:
        # The rules that decided it (backers, then what ruled out or spoke against the others).
        by_rule = {r.rule: r for r in decision.reasons}
        deciding = [by_rule[rule] for rule in decision.rules if rule in by_rule]
        backers = [r for r in deciding if _backs(r, decision.choice)]
        # Each line of the rationale with the answers that made it apply: the reasons whose text it is.
        reasons = [
            Reason(
                plain(text),
                tuple(dict.fromkeys(c for r in backers if r.text == text for c in self.causes(r, subject))),
            )
            for text in decision.rationale
        ]
        drivers = list(dict.fromkeys(c for r in deciding for c in self.causes(r, subject)))

        alternatives = []
        others = []
        for alternative in decision.alternatives:
            option = self.option(area, alternative.choice)
            ruled_out = alternative.choice in decision.excluded
            spoken_for = any(
                r.option == alternative.choice and r.effect in ("choose", "favor") for r in decision.reasons
            )
            if alternative.rules or spoken_for:
                alternatives.append(AlternativeView(option, plain(alternative.why_not), ruled_out))
            else:
                others.append(option)
        alternatives.sort(key=lambda a: a.ruled_out)
        overridden = None
        if decision.overridden is not None:
            # The team's choice is the outcome; the advice is the first option it was weighed against.
            advice = self.option(area, decision.overridden.advice)
            overridden = OverriddenView(
                advice, plain(decision.overridden.reason), decision.overridden.until or ""
            )
            alternatives = [a for a in alternatives if a.option.id != decision.choice]
            others = [o for o in others if o.id != decision.choice]
            if decision.overridden.advice != decision.choice:
                alternatives.insert(
                    0, AlternativeView(advice, "the advice: " + " ".join(r.text for r in reasons), False)
                )

        applicable = decision.choice != NOT_APPLICABLE
        risks = []
        if applicable and decision.confidence == "low":
            if backers:
                risks.append(
                    "The confidence is low: the answers only weakly point to this choice; "
                    "confirm it before building on it."
                )
            else:
                risks.append(
                    "The confidence is low: no rule in the pack spoke for this option; it is the default "
                    "for this area, so confirm it against what the team knows about the workload."
                )
        elif applicable and decision.confidence == "medium":
            runner = next((a for a in alternatives if not a.ruled_out), None)
            if runner is not None:
                risks.append(
                    f"The confidence is medium: {runner.option.title} came close; "
                    "revisit if the answers behind this decision change."
                )
            else:
                risks.append("The confidence is medium: revisit if the answers behind this decision change.")
        assumed = [c for c in drivers if c.assumed]
        if assumed:
            risks.append(
                "The decision rests on assumed answers: "
                + join_and([f"{c.label.lower()} ({c.value})" for c in assumed])
                + "; if any of them is wrong, this decision may change."
            )

        references = []
        titles_by_url: dict[str, str] = {}
        for rule in (self.pack.rule_by_id[r] for r in decision.rules if r in self.pack.rule_by_id):
            titles_by_url.setdefault(rule.rule.reference, plain(rule.rule.title))
        option = self.option(area, decision.choice)
        if option.reference:
            titles_by_url.setdefault(option.reference, f"{option.title}: documentation")
        for ref in decision.references:
            references.append(Link(titles_by_url.get(ref, _link_text(ref)), ref))

        described = area.options.get(decision.choice)
        pillars = _pillars(self.pillar_table, described) if applicable else []
        confirmed = described.confirmation if described else None
        confirmation = plain(confirmed.check) if confirmed else ""
        confirmation_reference = confirmed.reference if confirmed else ""
        return DecisionView(
            area=area.id,
            title=plain(area.title),
            question=plain(area.question),
            subject=plain(name),
            anchor="",
            choice=option,
            confidence=decision.confidence,
            applicable=applicable,
            reasons=reasons,
            drivers=drivers,
            alternatives=alternatives,
            others=others,
            tradeoffs=[plain(t) for t in decision.tradeoffs],
            risks=risks,
            advice=[plain(a) for a in decision.advice],
            details=[
                (plain(k.replace("_", " ").capitalize()), plain(v)) for k, v in decision.details.items()
            ],
            references=references,
            pillars=pillars,
            assumptions=[plain(a) for a in decision.assumptions],
            rules=list(decision.rules),
            confirmation=confirmation,
            confirmation_reference=confirmation_reference,
            would_change=self.changes(area, decision, subject),
            overridden=overridden,
        )

    def changes(self, area: Area, decision: Decision, subject: int | None) -> list[ChangeView] | None:
        """would_change grouped by the choice it leads to, each changed answer in the memo's words."""
        if decision.would_change is None:
            return None
        grouped: dict[str, list[Cause]] = {}
        for change in decision.would_change:
            for path, value in change.set.items():
                cause = self.cause(path, value, subject)
                grouped.setdefault(change.choice, []).append(replace(cause, assumed=False))
        return [ChangeView(self.option(area, choice), tuple(causes)) for choice, causes in grouped.items()]

    def control(self, control: Any) -> ControlView:
        area = self.pack.area_by_id.get("controls")
        option = area.options.get(control.id) if area else None
        title = plain(option.title) if option else control.id
        summary = plain(option.summary) if option else ""
        titles_by_url: dict[str, str] = {}
        for rule_id in control.rules:
            rule = self.pack.rule_by_id.get(rule_id)
            if rule:
                titles_by_url.setdefault(rule.rule.reference, plain(rule.rule.title))
        if option and option.reference:
            titles_by_url.setdefault(option.reference, f"{title}: documentation")
        return ControlView(
            control.id,
            title,
            summary,
            tuple(plain(r) for r in control.rationale),
            tuple(Link(titles_by_url.get(ref, _link_text(ref)), ref) for ref in control.references),
            tuple(_pillars(self.pillar_table, option)),
        )


def _backs(reason: ReasonRecord, choice: str) -> bool:
    if choice == NOT_APPLICABLE:
        return reason.effect == "not_applicable"
    return reason.effect in ("choose", "favor") and (reason.weight or 0) > 0 and reason.option == choice


def _link_text(ref: str) -> str:
    return ref.removeprefix("https://").removeprefix("docs.aws.amazon.com/")


def _pillars(meta: Mapping[str, Any], option: Option | None) -> list[PillarView]:
    """The pillars an option serves, in the pillars table's order."""
    served = option.pillars if option else {}
    return [
        PillarView(
            pillar,
            plain(meta[pillar].get("title", pillar)),
            plain(served[pillar]),
            meta[pillar].get("reference", ""),
        )
        for pillar in meta
        if pillar in served
    ]


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
    return diagrams.layout(diagrams.build(inputs))


# ---- rendering --------------------------------------------------------------------------------


def render_markdown(memo: Memo, root: Path | None = None) -> str:
    return _tidy(environment(root).get_template("memo.md.jinja").render(memo=memo))


def render_html(memo: Memo, root: Path | None = None) -> str:
    return _tidy(environment(root).get_template("memo.html.jinja").render(memo=memo))


def render_adr(memo: Memo, root: Path | None = None) -> dict[str, str]:
    """One MADR record per decision that applies, plus an index: file name -> text."""
    env = environment(root)
    record = env.get_template("adr.md.jinja")
    files = {d.filename: _tidy(record.render(memo=memo, decision=d)) for d in memo.records}
    files[ADR_INDEX] = _tidy(env.get_template("adr-index.md.jinja").render(memo=memo))
    return files


_RECORD_LINK = re.compile(r"\]\((\d{4}-[a-z0-9-]+\.md)\)")


def _our_index(folder: Path) -> str | None:
    """The text of the ADR index an earlier run wrote into `folder`; None when there is none of ours."""
    try:
        text = (folder / ADR_INDEX).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    if not text.startswith("# Architecture decisions:") or "by advisor " not in text:
        return None
    return text


def check_adr_folder(folder: Path) -> None:
    """Refuse a folder whose README.md someone else wrote: --force must never replace a project's README."""
    if (folder / ADR_INDEX).exists() and _our_index(folder) is None:
        raise MemoError(
            f"{folder / ADR_INDEX}: exists and is not a record index advisor wrote; "
            "write the records into another folder (-o docs/adr, for example)"
        )


def earlier_records(folder: Path) -> list[str]:
    """The records an earlier `memo --format adr` wrote into `folder`, as its index lists them.

    Only files the advisor's own index links are ever candidates for removal: a team's hand-written
    records in the same folder are never touched.
    """
    text = _our_index(folder)
    return list(dict.fromkeys(_RECORD_LINK.findall(text))) if text else []


def _tidy(text: str) -> str:
    # Templates stay readable with generous blank lines; the output keeps at most one in a row.
    text = re.sub(r"[ \t]+\n", "\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip("\n") + "\n"


def render(result: Result, pack: RulePack, fmt: str, date: datetime.date, source: str = "") -> Any:
    memo = build(result, pack, date, source)
    if fmt == "markdown":
        return render_markdown(memo)
    if fmt == "html":
        return render_html(memo)
    if fmt == "adr":
        return render_adr(memo)
    raise MemoError(f"unknown format {fmt!r}; known: {', '.join(FORMATS)}")
