"""A third-party plugin, installed for real next to txcat in a fresh virtual environment.

No path hacks: ``pip install`` of txcat and of ``plugins/txcat-rules``, then the
installed ``txcat`` command must see the plugin through its entry point.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import REPO, SAMPLES


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("plugin-venv")
    subprocess.run([sys.executable, "-m", "venv", str(root / "venv")], check=True)
    pip = root / "venv" / "bin" / "pip"
    subprocess.run([str(pip), "install", "-q", str(REPO), str(REPO / "plugins" / "txcat-rules")],
                   check=True, capture_output=True, text=True)
    return root / "venv"


def txcat(venv: Path, *args: str, tmp: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "TXCAT_LOAD_PLUGINS"}
    env["TXCAT_CACHE_DIR"] = str(tmp / "cache")
    return subprocess.run([str(venv / "bin" / "txcat"), *args], capture_output=True, text=True,
                          env=env, cwd=tmp)


@pytest.mark.slow
def test_an_installed_plugin_is_seen_everywhere(venv: Path, tmp_path: Path) -> None:
    listed = txcat(venv, "strategies", "--json", tmp=tmp_path)
    assert listed.returncode == 0, listed.stderr
    rows = {row["name"]: row for row in json.loads(listed.stdout)}
    assert rows["rules"]["usable"] is True
    assert rows["rules"]["module"].startswith("txcat_rules")

    shown = txcat(venv, "plugins", tmp=tmp_path)
    assert "rules (txcat-rules 0.1.0): register_strategies" in shown.stdout

    classified = txcat(venv, "classify", str(SAMPLES / "extrato.csv"), "--strategy", "rules",
                       tmp=tmp_path)
    assert classified.returncode == 0, classified.stderr
    assert classified.stdout.splitlines()[:3] == ["código,informação", "b900976c,NECESSIDADE",
                                                 "fae5940d,TRABALHO"]

    benched = txcat(venv, "bench", str(SAMPLES / "labeled" / "c6.csv"), "--strategies",
                    "rules,tfidf,cascade:members=rules+tfidf", "-o", str(tmp_path / "r"),
                    tmp=tmp_path)
    assert benched.returncode == 0, benched.stderr
    results = json.loads((tmp_path / "r" / "results.json").read_text())
    assert [s["status"] for s in results["strategies"]] == ["ok", "ok", "ok"]

    only_builtins = subprocess.run(
        [str(venv / "bin" / "txcat"), "strategies", "--json"], capture_output=True, text=True,
        env={**os.environ, "TXCAT_LOAD_PLUGINS": "", "TXCAT_CACHE_DIR": str(tmp_path)})
    assert "rules" not in {row["name"] for row in json.loads(only_builtins.stdout)}
