"""Hostile input: each is refused with exit 2 and a clear message, quickly and in bounded memory.

Most cases run through the CLI in this process (CliRunner); the heaviest run in a subprocess whose
peak memory is read back from the kernel. Timeouts are hang guards only, never measurements.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner
from conftest import ROOT

from advisor.cli import cli

HEAD = "version: 1\nname: hostile\nworkload: {type: web_app}\n"
MEMORY_BOUND_MIB = 200  # a refused input may cost the interpreter and the rule pack, not more


def _bomb() -> str:
    text = HEAD + 'a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n'
    previous = "a"
    for name in "bcdefghi":
        text += f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]\n"
        previous = name
    return text


# name -> (file content, words the message must contain)
YAML_CASES: dict[str, tuple[bytes | str, list[str]]] = {
    "alias bomb": (_bomb(), ["expands to more than"]),
    "one alias repeated": ("a: &a x\nb: [" + ", ".join(["*a"] * 50_000) + "]\n", ["expands to more than"]),
    "deep flow nesting": ("a: " + "[" * 100_000 + "\n", ["nested too deeply"]),
    "deep block nesting": (
        "".join("  " * i + f"k{i}:\n" for i in range(60)) + "  " * 60 + "x: 1\n",
        ["nested too deeply"],
    ),
    "half a million tiny nodes": (
        HEAD + "description: [" + ",".join(["0"] * 450_000) + "]\n",
        ["expands to more than"],
    ),
    "eighty thousand keys": (
        HEAD + "extra:\n" + "".join(f"  k{i}: 0\n" for i in range(80_000)),
        ["expands to more than"],
    ),
    "many documents": ("---\n" * 200_000, ["several YAML documents"]),
    "binary": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 10, ["binary file"]),
    "latin-1 text": ("version: 1\nname: caf\xe9\nworkload: {type: api}\n".encode("latin-1"), ["not UTF-8"]),
    "utf-16 text": (HEAD.encode("utf-16"), ["binary file"]),
    "python object tag": (
        HEAD + "description: !!python/object/apply:os.system ['echo pwned']\n",
        ["!!python/object/apply:os.system", "not allowed"],
    ),
    "local tag": (HEAD + "description: !shell rm -rf /\n", ["!shell", "not allowed"]),
    "set tag": (HEAD + "compliance: {frameworks: !!set {hipaa, gdpr}}\n", ["!!set", "not allowed"]),
    "binary tag": (HEAD + "description: !!binary aGVsbG8=\n", ["!!binary", "not allowed"]),
    "merge key": ("base: &b {type: api}\nversion: 1\nname: m\nworkload:\n  <<: *b\n", ["merge key"]),
    "integer of 5000 digits": (
        HEAD.replace("{type: web_app}", "{type: web_app, lifetime_months: " + "9" * 5000 + "}"),
        ["cannot be read", "digits"],
    ),
    "integer of 40 digits": (
        HEAD + "compute: {vcpus: " + "9" * 40 + "}\n",
        ["compute.vcpus", "less than or equal to 1024"],
    ),
    "float overflowing to infinity": (HEAD + "compute: {memory_gib: 1.0e+999}\n", ["compute.memory_gib"]),
    "infinity": (
        HEAD.replace("{type: web_app}", "{type: web_app, task_duration_seconds: .inf}"),
        ["workload.task_duration_seconds"],
    ),
    "not a number": (
        HEAD.replace("{type: web_app}", "{type: web_app, task_duration_seconds: .nan}"),
        ["workload.task_duration_seconds"],
    ),
    "negative size": (
        HEAD + "datasets: [{name: d, size_gb: -1}]\n",
        ["datasets[0].size_gb", "greater than or equal to 0"],
    ),
    "availability off the list": (
        HEAD + "availability: {target: 99.9999999}\n",
        ["availability.target", "must be one of"],
    ),
    "impossible date": (HEAD + "description: 2024-13-45\n", ["cannot be read"]),
    "duplicate top-level key": (HEAD + "name: again\n", ["name", "given twice", "first on line 2"]),
    "duplicate nested key": (
        "version: 1\nname: d\nworkload:\n  type: api\n  type: batch\n",
        ["workload.type", "given twice"],
    ),
    "duplicate dataset names": (
        HEAD + "datasets:\n  - {name: logs}\n  - {name: ' logs '}\n",
        ['"logs" is used twice'],
    ),
    "empty": ("", ["is empty"]),
    "only a comment": ("# nothing here\n", ["is empty"]),
    "a list, not a mapping": ("- version: 1\n", ["must be a mapping"]),
    "a bare string": ("just words\n", ["must be a mapping"]),
    "a control character": (HEAD + 'description: "\x1b[31mred"\n', ["not valid YAML"]),
    "unknown field": (HEAD + "wrkload: {type: api}\n", ["wrkload", "did you mean"]),
    "a key of 100,000 characters": (
        HEAD + "? " + "k" * 100_000 + "\n: 1\n",
        ["kkk...: is not a known field"],
    ),
    "a key that drives the terminal": (
        HEAD + '"\\e[2J\\e[31mgotcha": 1\n',
        ["\\x1b[2J", "is not a known field"],
    ),
}


@pytest.fixture
def runner():
    return CliRunner()


@pytest.mark.parametrize("case", list(YAML_CASES), ids=list(YAML_CASES))
def test_hostile_yaml_is_refused_with_exit_2_and_a_clear_message(runner, tmp_path, case):
    content, words = YAML_CASES[case]
    path = tmp_path / "hostile.yaml"
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    result = runner.invoke(cli, ["recommend", str(path)])
    assert result.exit_code == 2, result.output
    message = result.stderr
    assert message.startswith(f"advisor: {path}"), message
    for word in words:
        assert word in message, message
    assert "Traceback" not in result.output and "internal error" not in message
    assert "\x1b" not in message
    assert len(message) < 2000  # short: the problem, not a dump of the input


@pytest.mark.parametrize("case", ["alias bomb", "duplicate dataset names", "python object tag"])
def test_hostile_yaml_in_a_batch_is_an_error_line(runner, tmp_path, case):
    content, words = YAML_CASES[case]
    path = tmp_path / "hostile.yaml"
    path.write_text(content)
    result = runner.invoke(cli, ["batch", str(path), str(ROOT / "examples" / "web-shop.yaml")])
    assert result.exit_code == 2
    bad, good = (json.loads(line) for line in result.stdout.splitlines())
    assert bad["source"] == str(path) and all(word in bad["error"] for word in words)
    assert good["name"] == "Web shop"


def test_a_folder_is_not_a_requirements_file(runner, tmp_path):
    result = runner.invoke(cli, ["recommend", str(tmp_path)])
    assert result.exit_code == 2
    assert "is a folder" in result.stderr


# ---- JSONL ---------------------------------------------------------------------------------

VALID = {"version": 1, "name": "ok", "workload": {"type": "api"}}
JSONL_CASES: dict[str, tuple[bytes, list[str]]] = {
    "duplicate key": (
        b'{"version": 1, "name": "a", "name": "b", "workload": {"type": "api"}}',
        ['"name" twice'],
    ),
    "duplicate nested key": (
        b'{"version": 1, "name": "a", "workload": {"type": "api", "type": "batch"}}',
        ['"type" twice'],
    ),
    "NaN": (b'{"version": 1, "name": "a", "workload": {"type": "api", "lifetime_months": NaN}}', ["NaN"]),
    "Infinity": (
        b'{"version": 1, "name": "a", "compute": {"vcpus": Infinity}, "workload": {"type": "api"}}',
        ["Infinity"],
    ),
    "integer of 5000 digits": (
        b'{"version": 1, "name": "a", "workload": {"type": "api", "lifetime_months": ' + b"9" * 5000 + b"}}",
        ["cannot be read"],
    ),
    "number overflowing to infinity": (
        b'{"version": 1, "name": "a", "compute": {"memory_gib": 1e999}, "workload": {"type": "api"}}',
        ["compute.memory_gib"],
    ),
    "deep nesting": (
        b'{"version": 1, "name": "a", "workload": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
        ["nested too deeply"],
    ),
    "moderate nesting": (
        b'{"version": 1, "name": "a", "description": ' + b'{"a": ' * 40 + b"1" + b"}" * 40 + b"}",
        ["nested too deeply"],
    ),
    "a list": (b"[1, 2, 3]", ["must be a JSON object"]),
    "null": (b"null", ["must be a JSON object", "null"]),
    "binary": (b"\x00\x01\x02\xff", ["binary", "not JSON text"]),
    "latin-1": (
        '{"version": 1, "name": "caf\xe9", "workload": {"type": "api"}}'.encode("latin-1"),
        ["not UTF-8"],
    ),
    "truncated": (b'{"version": 1, "name": "a", "workl', ["not valid JSON"]),
    "duplicate dataset names": (
        json.dumps({**VALID, "datasets": [{"name": "logs"}, {"name": "logs"}]}).encode(),
        ['"logs" is used twice'],
    ),
    "a key of 100,000 characters": (
        b'{"version": 1, "name": "a", "' + b"k" * 100_000 + b'": 1, "workload": {"type": "api"}}',
        ["kkk...: is not a known field"],
    ),
    "a long duplicate key": (
        b'{"' + b"k" * 100_000 + b'": 1, "' + b"k" * 100_000 + b'": 2}',
        ['kkk..." twice'],
    ),
    "wide list": (
        # 60,000 values: refused by the node limit YAML has too, before validation builds anything.
        json.dumps({**VALID, "datasets": [{"name": str(i)} for i in range(30_000)]}).encode(),
        ["more than 20,000 values"],
    ),
}


def test_hostile_jsonl_lines_are_refused_one_by_one(runner, tmp_path):
    path = tmp_path / "hostile.jsonl"
    with path.open("wb") as handle:
        for content, _ in JSONL_CASES.values():
            handle.write(content.replace(b"\n", b" ") + b"\n")
        handle.write(json.dumps(VALID).encode() + b"\n")
    result = runner.invoke(cli, ["batch", str(path)])
    assert result.exit_code == 2
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(lines) == len(JSONL_CASES) + 1
    for number, (case, (_, words)) in enumerate(JSONL_CASES.items(), start=1):
        line = lines[number - 1]
        assert line["source"] == f"{path}:{number}", case
        assert "error" in line and "internal" not in line["error"], (case, line)
        assert len(line["error"]) < 2000, case
        for word in words:
            assert word in line["error"], (case, line["error"])
    assert lines[-1]["name"] == "ok"


# ---- the heaviest, in a subprocess with its peak memory measured ----------------------------


# The advisor, reporting its own peak RSS on its way out. The kernel's ru_maxrss of a child would
# not do: a child starts with its parent's high-water mark (this test process's), not its own.
MEASURED_ADVISOR = """
import atexit, sys

def report():
    with open("/proc/self/status") as status:
        peak = next(line for line in status if line.startswith("VmHWM:"))
    sys.stderr.write("\\n" + peak)

atexit.register(report)
from advisor.cli import main
sys.argv[0] = "advisor"
main()
"""


def _peak_rss_mib(args: list[str]) -> tuple[int, str, float]:
    done = subprocess.run(
        [sys.executable, "-c", MEASURED_ADVISOR, *args],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        timeout=120,
        check=False,  # a hang guard only
    )
    stderr, _, peak = done.stderr.decode().rpartition("VmHWM:")
    return done.returncode, stderr, int(peak.split()[0]) / 1024


HEAVY = [
    "alias bomb",
    "half a million tiny nodes",
    "eighty thousand keys",
    "many documents",
    "deep flow nesting",
]


@pytest.mark.parametrize("case", HEAVY, ids=HEAVY)
def test_heavy_hostile_yaml_stays_within_bounded_memory(tmp_path, case):
    content, words = YAML_CASES[case]
    path = tmp_path / "hostile.yaml"
    path.write_text(content)
    code, stderr, peak = _peak_rss_mib(["recommend", str(path)])
    assert code == 2, stderr
    assert all(word in stderr for word in words), stderr
    assert peak < MEMORY_BOUND_MIB, f"{case}: peak RSS {peak:.0f} MiB"


def test_a_huge_file_is_refused_after_reading_its_first_mebibyte(tmp_path):
    path = tmp_path / "huge.yaml"
    with path.open("wb") as handle:
        handle.write(HEAD.encode())
        handle.truncate(8 * 1024**3)  # 8 GiB, sparse: costs no disk
    code, stderr, peak = _peak_rss_mib(["recommend", str(path)])
    assert code == 2
    assert "is larger than 1024 KiB" in stderr
    assert peak < MEMORY_BOUND_MIB


def test_a_huge_jsonl_line_costs_bounded_memory(tmp_path):
    path = tmp_path / "huge.jsonl"
    with path.open("wb") as handle:
        handle.write(b'{"name": "')
        handle.truncate(384 * 1024**2)  # one 384 MiB line of NUL bytes, sparse: more than the bound
        handle.seek(0, 2)
        handle.write(b'"}\n' + json.dumps(VALID).encode() + b"\n")
    code, stderr, peak = _peak_rss_mib(["batch", str(path), "--jobs", "1"])
    assert code == 2
    assert "2 inputs, 1 evaluated, 1 failed" in stderr
    assert peak < MEMORY_BOUND_MIB
