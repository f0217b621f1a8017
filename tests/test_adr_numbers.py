"""ADR numbers are identities: an area's record keeps its number and file name whatever the answers."""

from __future__ import annotations

import datetime

from conftest import EXAMPLES

from advisor import memo as memos
from advisor.pack_models import NOT_APPLICABLE

DATE = datetime.date(2026, 11, 27)


def _records(advisor, source) -> dict[str, str]:
    """area (or dataset:INDEX:area) -> file name of its record."""
    memo = memos.build(advisor.evaluate(source), advisor.pack, DATE)
    out = {d.area: d.filename for d in memo.decisions}
    for index, dataset in enumerate(memo.datasets):
        out.update({f"dataset:{index}:{d.area}": d.filename for d in dataset.decisions if d.applicable})
    return out


def test_the_same_area_gets_the_same_file_name_whatever_else_applies(advisor):
    web = advisor.evaluate(EXAMPLES / "web-shop.yaml")
    batch = advisor.evaluate(EXAMPLES / "overnight-batch.yaml")
    applies = {
        name: {a for a, d in result.decisions.items() if d.choice != NOT_APPLICABLE}
        for name, result in (("web", web), ("batch", batch))
    }
    assert applies["web"] != applies["batch"]  # the point of the test: different areas apply
    web_records = _records(advisor, EXAMPLES / "web-shop.yaml")
    batch_records = _records(advisor, EXAMPLES / "overnight-batch.yaml")
    common = set(web_records) & set(batch_records) - {k for k in web_records if k.startswith("dataset:")}
    assert len(common) >= 4
    for area in common:
        assert web_records[area] == batch_records[area], area


def test_changing_an_answer_renames_no_other_record(advisor):
    base = {
        "version": 1,
        "name": "orders",
        "workload": {"type": "web_app", "containerized": True},
        "datasets": [{"name": "exports", "usage": "backups"}],
    }
    before = _records(advisor, base)
    changed = dict(base, workload={"type": "web_app", "containerized": False})
    after = _records(advisor, changed)
    assert set(before) != set(after)  # some area stopped or started applying
    for key in set(before) & set(after):
        assert before[key] == after[key], key


def test_numbers_come_from_the_areas_record_and_the_dataset_place(advisor):
    records = _records(advisor, EXAMPLES / "web-shop.yaml")
    pack = advisor.pack
    for key, filename in records.items():
        area = pack.area_by_id[key.rsplit(":", 1)[-1]]
        number = (
            area.record
            if not key.startswith("dataset:")
            else (int(key.split(":")[1]) + 1) * 100 + area.record
        )
        assert filename.startswith(f"{number:04d}-"), (key, filename)


def test_force_into_an_existing_folder_leaves_no_stale_records_and_keeps_the_teams_own(tmp_path):
    from click.testing import CliRunner

    from advisor.cli import cli

    folder = tmp_path / "adr"
    containers = tmp_path / "a.yaml"
    containers.write_text("version: 1\nname: orders\nworkload: {type: web_app, containerized: true}\n")
    plain = tmp_path / "b.yaml"
    plain.write_text("version: 1\nname: orders\nworkload: {type: web_app, containerized: false}\n")
    runner = CliRunner()
    first = runner.invoke(cli, ["memo", str(containers), "--format", "adr", "-o", str(folder)])
    assert first.exit_code == 0, first.output
    before = {p.name for p in folder.iterdir()}
    (folder / "0042-use-postgres.md").write_text("# Our own record\n")  # written by the team
    again = runner.invoke(cli, ["memo", str(plain), "--format", "adr", "-o", str(folder), "--force"])
    assert again.exit_code == 0, again.output
    after = {p.name for p in folder.iterdir()}
    expected = set(memos.render_adr(memos.build(_advisor().evaluate(plain), _advisor().pack, DATE)))
    assert after == expected | {"0042-use-postgres.md"}
    assert before - after  # some record of the first design no longer applies, and it is gone


def _advisor():
    from advisor.api import default_advisor

    return default_advisor()


def test_force_never_replaces_a_readme_the_advisor_did_not_write(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from advisor.cli import cli

    monkeypatch.chdir(tmp_path)
    (tmp_path / "README.md").write_text("# Our project\n")
    source = tmp_path / "a.yaml"
    source.write_text("version: 1\nname: orders\nworkload: {type: web_app}\n")
    done = CliRunner().invoke(cli, ["memo", str(source), "--format", "adr", "-o", ".", "--force"])
    assert done.exit_code == 2, done.output
    assert "not a record index advisor wrote" in done.output
    assert (tmp_path / "README.md").read_text() == "# Our project\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["README.md", "a.yaml"]
