import json
from pathlib import Path

import pytest

from accord.cli import main
from accord.core import migrate
from tests.factories import NAMED

# The demo without the year of assistance requests and the shared records: what these
# commands need, in a fraction of the time.
LIGHT = ("--without", "assistance", "--without", "records")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def write_lines(path: Path, lines: list[dict[str, object]]) -> str:
    path.write_text(
        "\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n", encoding="utf-8"
    )
    return str(path)


def test_demo_load_then_list_json_with_codes(
    cli_env: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "demo", "load")[0] == 0
    code, out, _ = run(capsys, "demo", "load", "--json")
    assert code == 0
    again = json.loads(out)
    assert again["agencies_created"] == 0
    assert (again["assistance_requests"], again["series"], again["joint_cases"]) == (0, 0, 0)
    code, out, _ = run(capsys, "agencies", "list", "--json")
    assert code == 0
    listed = {a["code"]: a for a in json.loads(out)}
    assert listed["310000"]["name_zh"] == "上海市公安局"
    assert listed["330100"]["parent"] == "330000"
    assert listed["310115"]["parent"] == "310000"
    assert listed["VN-HAN"]["level"] == "foreign_capital"
    assert listed["XPCC"]["parent"] == "MPS"
    assert listed["MPS"]["parent"] is None


def test_show_an_agency(cli_env: str, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = write_lines(tmp_path / "a.jsonl", [NAMED["MPS"], NAMED["SH"]])
    assert run(capsys, "agencies", "import", path)[0] == 0
    code, out, _ = run(capsys, "agencies", "show", "310000", "--json")
    assert code == 0
    assert json.loads(out)["prefix"] == "SH"


def test_bad_import_line_imports_nothing(
    cli_env: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    bad = {**NAMED["SH"], "level": "galaxy"}
    path = write_lines(tmp_path / "bad.jsonl", [NAMED["MPS"], bad])
    code, out, err = run(capsys, "agencies", "import", path)
    assert code == 1
    assert err.count("\n") == 1
    assert err.startswith("error: line 2: field 'level'")
    code, out, _ = run(capsys, "agencies", "list", "--json")
    assert json.loads(out) == []


def test_export_then_import_round_trips(
    cli_env: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    run(capsys, "demo", "load", *LIGHT)
    out_file = tmp_path / "export.jsonl"
    assert run(capsys, "agencies", "export", "--out", str(out_file))[0] == 0
    lines = out_file.read_text("utf-8").splitlines()
    assert json.loads(lines[0])["code"] == "MPS"
    code, out, _ = run(capsys, "agencies", "import", str(out_file), "--as", "admin", "--json")
    assert code == 0
    assert json.loads(out) == {"created": 0, "updated": 0, "unchanged": len(lines)}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["agencies", "show", "999999"], "error: no agency has the code '999999'"),
        (["agencies", "list", "--level", "galaxy"], "error: Invalid value for '--level'"),
        (["agencies", "import", "/no/such/file"], "error: cannot read /no/such/file"),
        (["agencies", "frobnicate"], "error: No such command 'frobnicate'"),
    ],
)
def test_bad_input_is_one_line_and_non_zero(
    cli_env: str, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code, _, err = run(capsys, *args)
    assert code != 0
    assert err.startswith(message)
    assert err.count("\n") == 1


def test_db_upgrade_reports_the_revision(cli_env: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "db", "upgrade")
    assert code == 0
    assert f"database at revision {migrate.head_revision()} " in out


def test_import_needs_as_once_users_exist_and_respects_scope(
    cli_env: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    run(capsys, "demo", "load", *LIGHT)
    station = {
        "code": "330106-003",
        "prefix": "ZJHZXH03",
        "name_zh": "灵隐派出所",
        "name_en": "Lingyin Police Station",
        "level": "station",
        "parent": "330106",
    }
    foreign_branch = {
        "code": "320102-009",
        "prefix": "JSNJXW09",
        "name_zh": "测试派出所",
        "name_en": "Test Station",
        "level": "station",
        "parent": "320102",
    }
    mine = write_lines(tmp_path / "mine.jsonl", [station])
    theirs = write_lines(tmp_path / "theirs.jsonl", [station, foreign_branch])
    code, _, err = run(capsys, "agencies", "import", mine)
    assert (code, err) == (1, "error: say who is acting: --as USERNAME\n")
    code, _, err = run(capsys, "agencies", "import", theirs, "--as", "zj.admin")
    assert code == 1
    assert err == "error: line 2: zj.admin may not manage agency 320102-009\n"
    assert run(capsys, "agencies", "show", "330106-003")[0] == 1  # nothing was imported
    code, out, _ = run(capsys, "agencies", "import", mine, "--as", "zj.admin", "--json")
    assert code == 0
    assert json.loads(out) == {"created": 1, "updated": 0, "unchanged": 0}
