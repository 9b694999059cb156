"""The benchmark harness (bench/run.py, `make bench`) in its smoke mode: every
scenario, the nginx ceiling, S3's large objects and the directly written big
store, at toy sizes, so that the harness cannot rot unnoticed. The figures
are not checked (benchmarks are not timed tests); that each scenario ran and
produced its rows, with no errors, is."""
import glob
import json
import os
import shutil
import subprocess

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def test_bench_harness_smoke(tmp_path):
    for tool in ("wrk", "nginx", "curl"):
        assert shutil.which(tool), "%s missing: make test installs it (scripts/deps.sh test)" % tool
    headload = os.path.join(ROOT, "build", "bench", "headload")
    assert os.access(headload, os.X_OK), "build/bench/headload: `make integration` builds it"
    env = dict(os.environ, BENCH_SMOKE="1", BENCH_RESULTS=str(tmp_path / "results"),
               BENCH_TMPDIR=str(tmp_path), COFFER_BIN=os.environ.get("COFFER_RELEASE_BIN") or
               os.path.join(ROOT, "build", "coffer"))
    p = subprocess.run(["/usr/bin/python3", os.path.join(ROOT, "bench", "run.py")], env=env,
                       capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stderr[-3000:]
    assert "Traceback" not in p.stderr, p.stderr[-3000:]
    assert "- mode: smoke" in p.stdout

    [jl] = glob.glob(str(tmp_path / "results" / "*.jsonl"))
    [md] = glob.glob(str(tmp_path / "results" / "*.md"))
    lines = [json.loads(x) for x in open(jl)]
    assert lines[0]["complete"] is True
    rows = lines[1:]
    coffer = {(r["scenario"].split()[0], r["metric"]) for r in rows if r["server"] == "coffer"}
    scen = {s for s, _ in coffer}
    for s in ("S1", "S2", "S3", "S4", "S5", "S6", "S7", "S8", "TCP_NODELAY"):
        assert s in scen, "scenario %s produced no coffer row" % s
    # nginx, the ceiling, ran beside coffer in the same run
    assert any(r["server"] == "nginx" and r["scenario"].startswith("S1") for r in rows)
    assert any(r["server"] == "nginx" and r["scenario"].startswith("S3") for r in rows)
    # every load run finished without errors against coffer
    for r in rows:
        if r["metric"] == "errors" and r["server"] in ("coffer", "coffer-1key"):
            assert r["median"] == 0, r
        assert r["values"], r
    # the Markdown table carries ratios and verdicts
    text = open(md).read()
    assert "| coffer/nginx |" in text and ("PASS" in text or "FAIL" in text)
    # nothing left behind in the temporary directory but the results
    assert sorted(os.listdir(tmp_path)) == ["results"]
