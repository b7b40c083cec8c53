"""STYLE #10: the test run fails on a template that no test renders.

Every xdist worker (or the single process) records the names Jinja loads (pages, partials,
includes and layouts alike) into a file; the controlling process unions them at the end of a
full run and fails it if a template on disk was never rendered. A partial run (paths, -k, -m)
cannot judge and stays silent.
"""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path
from typing import Any

import pytest

from accord.web.templating import TEMPLATE_PACKAGES, environment

SRC = Path(__file__).resolve().parents[1] / "src"
_rendered: set[str] = set()


def all_templates() -> set[str]:
    names: set[str] = set()
    for package in TEMPLATE_PACKAGES:
        root = SRC.joinpath(*package.split("."), "templates")
        names |= {str(p.relative_to(root)) for p in root.rglob("*.html")}
    return names


def start_recording(config: pytest.Config) -> None:
    name_the_run(config)
    env = environment()
    if getattr(env, "_accord_recording", False):
        return
    original = env.get_template

    def recording(name: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(name, str):
            _rendered.add(name)
        return original(name, *args, **kwargs)

    env.get_template = recording  # type: ignore[method-assign]
    env._accord_recording = True  # type: ignore[attr-defined]


def name_the_run(config: pytest.Config) -> None:
    """Give the run an id that xdist hands to its workers, so all record into one folder."""
    if not hasattr(config, "workerinput") and getattr(config.option, "testrunuid", "") is None:
        config.option.testrunuid = uuid.uuid4().hex


def record_dir(config: pytest.Config) -> Path:
    base = Path(str(config.rootpath)) / ".pytest_cache" / "templates"
    workerinput = getattr(config, "workerinput", None)
    run = workerinput["testrunuid"] if workerinput else getattr(config.option, "testrunuid", None)
    return base / str(run or "single")


def full_run(config: pytest.Config) -> bool:
    """True when the whole suite was collected: no -m, no -k, no narrower paths."""
    tests_dir = (Path(str(config.rootpath)) / "tests").resolve()
    narrower = [a for a in config.args if Path(a.split("::")[0]).resolve() != tests_dir]
    return not config.option.markexpr and not config.option.keyword and not narrower


def save(config: pytest.Config) -> None:
    folder = record_dir(config)
    folder.mkdir(parents=True, exist_ok=True)
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    (folder / f"{worker}.json").write_text(json.dumps(sorted(_rendered)))


def check(session: pytest.Session) -> None:
    config = session.config
    if hasattr(config, "workerinput"):
        return
    folder = record_dir(config)
    rendered: set[str] = set()
    for part in folder.glob("*.json"):
        rendered |= set(json.loads(part.read_text()))
        part.unlink()
    if config.option.collectonly or not full_run(config) or session.testsfailed:
        return
    missing = sorted(all_templates() - rendered)
    if missing:
        reporter = config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line("templates no test rendered: " + ", ".join(missing), red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
