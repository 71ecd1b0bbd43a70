"""What `docker build` and `docker compose` read, checked without a Docker daemon (none runs in CI)."""

from __future__ import annotations

import os
import pwd
import re
import shutil
import subprocess
import tempfile
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
ENTRYPOINT = ROOT / "docker" / "entrypoint.sh"


def _pins(path: Path) -> dict[str, str]:
    text = path.read_text(encoding="utf-8")
    return {m[1].lower(): m[2] for m in re.finditer(r"^([A-Za-z0-9_.\-]+)==(\S+)", text, re.M)}


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\[; ]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def test_the_locks_pin_every_dependency_with_hashes_and_agree() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    runtime, dev = _pins(ROOT / "requirements.txt"), _pins(ROOT / "requirements-dev.txt")
    assert {_name(r) for r in project["dependencies"]} <= set(runtime)
    assert {_name(r) for r in project["optional-dependencies"]["dev"]} <= set(dev)
    assert {_name(r) for r in project["optional-dependencies"]["bench"]} <= set(_pins(ROOT / "requirements-bench.txt"))
    assert runtime["microsoft-teams-apps"] == "2.1.1" and "setuptools" in runtime  # the build backend, pinned too
    assert all(dev[name] == version for name, version in runtime.items())  # tests run what the image runs
    for lock in ("requirements.txt", "requirements-dev.txt", "requirements-bench.txt"):
        blocks = re.split(r"\n(?=[A-Za-z0-9])", (ROOT / lock).read_text(encoding="utf-8"))
        pinned = [b for b in blocks if "==" in b.split("\n", 1)[0]]
        assert pinned and all("--hash=sha256:" in b for b in pinned), lock
        assert "file://" not in (ROOT / lock).read_text() and "--find-links" not in (ROOT / lock).read_text()


def test_the_dockerfile_installs_the_lock_with_the_script_ci_checks() -> None:
    docker = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert "COPY requirements.txt" in docker and "RUN sh docker/install.sh" in docker
    assert "pip install" not in docker  # only through the script, never around it
    assert "--require-hashes" in (ROOT / "docker" / "install.sh").read_text()
    assert 'ENTRYPOINT ["referent-entrypoint"]' in docker and "HEALTHCHECK" in docker and "/healthz" in docker
    make = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "sh docker/install.sh" in make and "make lock-check" in (ROOT / ".ci" / "run").read_text()
    for line in re.findall(r"^COPY (?!--from)(\S+)", docker, re.M):
        assert (ROOT / line).exists(), line


def test_dockerignore_keeps_venvs_databases_and_secrets_out() -> None:
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8").split()
    for pattern in (".venv", "*.db", "*.db-wal", ".git", ".env", "tests"):
        assert pattern in ignored, pattern
    assert not any(p in ignored for p in ("bot", "index", "config", "demo", "requirements.txt"))


def test_the_image_config_loads_no_demo_minutes() -> None:
    from index.config import load_config

    assert load_config(ROOT / "config" / "referent.toml").sources == []


def test_compose_has_the_web_server_the_optional_slack_worker_a_volume_and_a_healthcheck() -> None:
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))
    web, slack = compose["services"]["web"], compose["services"]["slack"]
    assert web["command"][:2] == ["referent", "serve"] and "--workers" in web["command"]
    assert "/healthz" in " ".join(web["healthcheck"]["test"]) and web["ports"] == ["127.0.0.1:8000:8000"]
    assert "profiles" not in web and slack["profiles"] == ["slack"] and slack["command"] == ["referent", "slack"]
    assert "referent-data" in compose["volumes"]
    for service in (web, slack):
        assert "referent-data:/data" in service["volumes"] and "./site-config:/config:ro" in service["volumes"]
        assert "REFERENT_WEB_TOKEN" in service["environment"]
    assert slack["environment"]["SLACK_BOT_TOKEN"] == web["environment"]["SLACK_BOT_TOKEN"]
    assert "SLACK_APP_TOKEN" in slack["environment"] and "SLACK_APP_TOKEN" not in web["environment"]


@pytest.fixture
def open_tmp() -> Iterator[Path]:
    """A folder another user can reach (pytest's own tmp_path sits under a root-only folder)."""
    folder = Path(tempfile.mkdtemp(prefix="referent-entrypoint-"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder)


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("setpriv"), reason="needs root and setpriv")
def test_entrypoint_as_root_makes_data_writable_and_drops_root(open_tmp: Path) -> None:
    nobody = pwd.getpwnam("nobody")
    data = open_tmp / "data"
    data.mkdir()
    (data / "referent.db").write_bytes(b"")
    data.chmod(0o755)  # root's folder, as a bound host folder would be
    env = {**os.environ, "REFERENT_DATA_DIR": str(data), "REFERENT_USER": "nobody"}
    done = subprocess.run(["sh", str(ENTRYPOINT), "sh", "-c", 'id -u; touch "$REFERENT_DATA_DIR/x"'], env=env,
                          capture_output=True, text=True, timeout=30)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [str(nobody.pw_uid)] and "setting its owner" in done.stderr
    assert data.stat().st_uid == nobody.pw_uid and (data / "referent.db").stat().st_uid == nobody.pw_uid
    again = subprocess.run(["sh", str(ENTRYPOINT), "true"], env=env, capture_output=True, text=True, timeout=30)
    assert again.returncode == 0 and again.stderr == ""  # already writable: nothing changed, nothing said


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("setpriv"), reason="needs root and setpriv")
def test_entrypoint_as_another_user_explains_an_unwritable_data_folder(open_tmp: Path) -> None:
    data = open_tmp / "data"
    data.mkdir()
    data.chmod(0o755)
    nobody = pwd.getpwnam("nobody")
    done = subprocess.run(
        ["setpriv", f"--reuid={nobody.pw_uid}", f"--regid={nobody.pw_gid}", "--clear-groups", "sh", str(ENTRYPOINT),
         "true"],
        env={**os.environ, "REFERENT_DATA_DIR": str(data)}, capture_output=True, text=True, timeout=30,
    )  # fmt: skip
    assert done.returncode == 1 and "not writable by uid" in done.stderr and "chown" in done.stderr
