"""A run replaces its output folder as a whole (issue 14: "the commit is not atomic").

Checked from outside the code under test: processes killed with SIGKILL at every file
operation of the switch (the folder is then read back and its files checked against
the manifest with hashlib here), a lock held by this process while another run starts,
files written by hand into the folder, and the names of the files on disk.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from govindex._folders import FolderLock, recover_folder, replace_folder
from govindex.cli import main
from govindex.datasets import demo_data_dir
from govindex.exceptions import ConfigError, RunFolderError
from govindex.io.batch import run_batch
from govindex.io.diff import diff_runs
from govindex.io.run_folder import read_run

CONFIG = """\
# run configuration on a copy of the SYNTHETIC demo data
[run]
name = "commit test (SYNTHETIC data)"
years = {years}
output = "out"

[gpi.local]
panel = "leb_panel.parquet"
catalog = "leb_catalog.csv"
"""


def _config(folder: Path, years: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("leb_panel.parquet", "leb_catalog.csv"):
        if not (folder / name).exists():
            shutil.copyfile(demo_data_dir() / name, folder / name)
    cfg = folder / f"run{years}.toml"
    cfg.write_text(CONFIG.format(years=years), encoding="utf-8")
    return cfg


def _state(out: Path) -> bytes | None:
    """The manifest of ``out`` if the folder holds exactly one complete run (else fail)."""
    if not out.exists():
        return None
    manifest = json.loads((out / "manifest.json").read_bytes())
    on_disk = sorted(
        p.relative_to(out).as_posix()
        for p in out.rglob("*")
        if p.is_file() and p.name != "manifest.json"
    )
    assert on_disk == sorted(manifest["files"]), "files that the manifest does not list"
    for name, digest in manifest["files"].items():
        assert hashlib.sha256((out / name).read_bytes()).hexdigest() == digest, name
    return (out / "manifest.json").read_bytes()


# --------------------------------------------------------------------------- fault injection

#: A process that imports govindex once and forks one child per run; the child counts the
#: file operations of the switch and kills itself (SIGKILL) before the k-th (k = 0: never).
KILLER = textwrap.dedent(
    """
    import os, signal, sys
    import govindex._folders as F
    from govindex.io.batch import run_batch

    def child(config, out, kill_at, mode, report):
        count = 0

        def counted(fn):
            def op(*args, **kwargs):
                nonlocal count
                count += 1
                if count == kill_at:
                    os.kill(os.getpid(), signal.SIGKILL)
                return fn(*args, **kwargs)
            return op

        real_switch = F.switch

        def switch(staging, target):
            # from here on every file operation counts: renames, the exchange, each file
            # and folder removed, each fsync
            for name in ("rename", "replace", "unlink", "rmdir", "fsync"):
                setattr(os, name, counted(getattr(os, name)))
            F._exchange = counted(F._exchange if mode == "exchange" else lambda a, b: False)
            real_switch(staging, target)

        F.switch = switch
        run_batch(config, output=out, progress=False)
        with open(report, "w") as fh:
            fh.write(str(count))

    for line in sys.stdin:
        config, out, kill_at, mode, report = line.split("\t")
        pid = os.fork()
        if pid == 0:
            try:
                child(config, out, int(kill_at), mode, report.strip())
            finally:
                os._exit(0)
        _, status = os.waitpid(pid, 0)
        killed = os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
        print("killed" if killed else "done", flush=True)
    """
)


class _Killer:
    """The forking process of :data:`KILLER` (one import of govindex for every run)."""

    def __init__(self, folder: Path) -> None:
        script = folder / "killer.py"
        script.write_text(KILLER, encoding="utf-8")
        self.folder = folder
        self.proc = subprocess.Popen(
            [sys.executable, str(script)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )

    def run(self, cfg: Path, out: Path, k: int, mode: str) -> int | None:
        """Run ``cfg`` into ``out`` killed before operation ``k``: None, else the count."""
        report = self.folder / "count.txt"
        report.unlink(missing_ok=True)
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(f"{cfg}\t{out}\t{k}\t{mode}\t{report}\n")
        self.proc.stdin.flush()
        answer = self.proc.stdout.readline().strip()
        if answer == "killed":
            return None
        assert answer == "done" and report.is_file(), "the run failed"
        return int(report.read_text())

    def close(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.proc.wait(timeout=60)


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(os, "fork"), reason="SIGKILL and fork are POSIX")
@pytest.mark.parametrize("mode", ["exchange", "rename", "first"])
def test_sigkill_at_every_operation_of_the_switch_leaves_old_or_new(
    tmp_path: Path, mode: str
) -> None:
    # exchange: the folder exists and the file system swaps folders in one call (Linux,
    # macOS); rename: the same without that call (Windows, some network file systems);
    # first: the folder does not exist yet
    killer = _Killer(tmp_path)
    old_cfg, new_cfg = _config(tmp_path / "in", 2024), _config(tmp_path / "in", 2025)
    # the old run (2024) and the new one (2025): different files, so a mix shows
    run_batch(old_cfg, output=tmp_path / "old")
    run_batch(new_cfg, output=tmp_path / "new")
    old = None if mode == "first" else _state(tmp_path / "old")
    new = _state(tmp_path / "new")

    def start(out: Path) -> None:
        if mode != "first":
            shutil.copytree(tmp_path / "old", out)

    start(tmp_path / "probe" / "out")
    n_ops = killer.run(new_cfg, tmp_path / "probe" / "out", 0, mode)  # counts only
    assert n_ops is not None and n_ops >= (3 if mode == "first" else 5)
    seen = set()
    for k in range(1, n_ops + 1):
        out = tmp_path / f"k{k}" / "out"
        start(out)
        assert killer.run(new_cfg, out, k, mode) is None  # killed at operation k
        if mode == "rename":
            # two renames: between them the folder is briefly absent (never mixed); the
            # next run puts the previous version back before anything else
            recover_folder(out)
        state = _state(out)  # exchange and first: as it is, with nothing repaired
        assert state in (old, new), f"killed before operation {k}: a mixed folder"
        seen.add("old" if state == old else "new")
        # the next run removes whatever the killed one left beside the folder
        run_batch(old_cfg, output=out)
        assert _state(out) == _state(tmp_path / "old")
        leftovers = [p.name for p in out.parent.iterdir() if p.name != "out"]
        assert leftovers == [".out.govindex-lock"], leftovers
    killer.close()
    assert seen == {"old", "new"}  # both sides of the switch were hit


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_sigkill_while_staging_keeps_the_old_run_and_the_next_run_cleans_up(
    tmp_path: Path,
) -> None:
    old_cfg, new_cfg = _config(tmp_path / "in", 2024), _config(tmp_path / "in", 2025)
    out = tmp_path / "out"
    run_batch(old_cfg, output=out)
    old = _state(out)
    script = tmp_path / "stage_killer.py"
    script.write_text(
        textwrap.dedent(
            """
            import os, signal, sys
            import pyarrow.parquet as pq
            from govindex.io.batch import run_batch
            real, n = pq.write_table, [0]
            def write(*args, **kwargs):
                n[0] += 1
                if n[0] == 2:
                    os.kill(os.getpid(), signal.SIGKILL)
                real(*args, **kwargs)
            pq.write_table = write
            run_batch(sys.argv[1], output=sys.argv[2], progress=False)
            """
        ),
        encoding="utf-8",
    )
    proc = subprocess.run([sys.executable, str(script), str(new_cfg), str(out)], timeout=120)
    assert proc.returncode == -signal.SIGKILL
    assert _state(out) == old
    stale = list(tmp_path.glob(".out.govindex-run.*.tmp"))
    assert len(stale) == 1  # the killed run's staging folder
    run_batch(new_cfg, output=out)
    assert not list(tmp_path.glob(".out.govindex-run.*.tmp"))


def test_the_switch_is_one_exchange_of_folders(tmp_path: Path) -> None:
    # the new run appears with one system call: the folder's inode changes, not its files
    cfg = _config(tmp_path / "in", 2024)
    out = tmp_path / "out"
    run_batch(cfg, output=out)
    before = out.stat().st_ino
    run_batch(_config(tmp_path / "in", 2025), output=out)
    assert out.stat().st_ino != before
    assert sorted(p.name for p in out.iterdir()) == ["2025", "manifest.json"]


def test_stale_staging_folders_of_earlier_versions_are_removed(tmp_path: Path) -> None:
    cfg = _config(tmp_path / "in", 2024)
    out = tmp_path / "out"
    run_batch(cfg, output=out)
    (out / ".govindex-run.abc123.tmp").mkdir()  # left inside by an earlier version
    (tmp_path / ".out.govindex-run.zzz.tmp").mkdir()  # left beside by a killed run
    run_batch(cfg, output=out)
    assert not list(out.glob(".govindex-run.*")) and not list(tmp_path.glob(".out.govindex-run*"))


# --------------------------------------------------------------------------- the lock


def test_a_second_run_on_one_folder_stops_with_a_clear_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cfg = _config(tmp_path / "in", 2024)
    out = tmp_path / "out"
    run_batch(cfg, output=out)
    before = _state(out)
    with FolderLock(out.resolve(), what="run output"):
        with pytest.raises(RunFolderError, match=r"being written by another govindex run"):
            run_batch(cfg, output=out)
        assert main(["run", str(cfg), "--out", str(out), "--quiet"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "another govindex run (process" in err
    assert _state(out) == before
    run_batch(cfg, output=out)  # released: the next run goes ahead


@pytest.mark.slow
def test_the_lock_holds_across_processes(tmp_path: Path) -> None:
    cfg = _config(tmp_path / "in", 2024)
    out = tmp_path / "out"
    with FolderLock(out.resolve()):
        proc = subprocess.run(
            [sys.executable, "-m", "govindex.cli", "run", str(cfg), "--out", str(out)],
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert proc.returncode == 1
    assert proc.stderr.count("\n") == 1 and "being written by another govindex run" in proc.stderr
    assert "Traceback" not in proc.stderr and not out.exists()


# --------------------------------------------------------------------------- what a run replaces


def test_a_folder_holding_other_files_is_not_replaced(tmp_path: Path) -> None:
    cfg = _config(tmp_path / "in", 2024)
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    with pytest.raises(RunFolderError, match=r"holds files that are not part of a run output"):
        run_batch(cfg, output=out)
    assert (out / "notes.txt").read_text() == "mine"
    # the configuration's own folder, as output = "." would make it
    with pytest.raises(RunFolderError, match=r"'leb_catalog\.csv'"):
        run_batch(cfg, output=tmp_path / "in")


def test_a_run_keeps_the_folder_permissions(tmp_path: Path) -> None:
    cfg = _config(tmp_path / "in", 2024)
    out = tmp_path / "out"
    out.mkdir()
    out.chmod(0o750)
    run_batch(cfg, output=out)
    assert out.stat().st_mode & 0o777 == 0o750


def test_a_symlinked_output_folder_stays_a_link(tmp_path: Path) -> None:
    cfg = _config(tmp_path / "in", 2024)
    (tmp_path / "real").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "real")
    run_batch(cfg, output=tmp_path / "link")
    assert (tmp_path / "link").is_symlink()
    assert (tmp_path / "real" / "manifest.json").is_file()


def test_section_name_with_a_path_is_rejected_and_nothing_escapes(tmp_path: Path) -> None:
    cfg = _config(tmp_path / "a" / "b" / "in", 2025)
    text = cfg.read_text().replace("[gpi.local]", '[gpi."x/../../../../escaped"]')
    cfg.write_text(text)
    with pytest.raises(ConfigError, match=r"a section name becomes part of file names"):
        run_batch(cfg)
    assert not list(tmp_path.rglob("*escaped*"))


@pytest.mark.parametrize(
    "name",
    ["x/y", "x\\\\y", "..", "a..b", ".hidden", "x" * 65, "", "a b"],
)
def test_bad_section_names(tmp_path: Path, name: str) -> None:
    cfg = _config(tmp_path / "in", 2025)
    cfg.write_text(cfg.read_text().replace("[gpi.local]", f'[gpi."{name}"]'))
    with pytest.raises(ConfigError, match=r"section name"):
        run_batch(cfg)


def test_section_names_differing_in_case_are_rejected(tmp_path: Path) -> None:
    cfg = _config(tmp_path / "in", 2025)
    extra = '\n[gpi.LOCAL]\npanel = "leb_panel.parquet"\ncatalog = "leb_catalog.csv"\n'
    cfg.write_text(cfg.read_text() + extra)
    with pytest.raises(ConfigError, match=r"'LOCAL', 'local' differ only in upper/lower case"):
        run_batch(cfg)


def test_good_section_names_still_work(tmp_path: Path) -> None:
    cfg = _config(tmp_path / "in", 2025)
    cfg.write_text(cfg.read_text().replace("[gpi.local]", '[gpi."Алматы-2.v1_x"]'))
    out = run_batch(cfg, output=tmp_path / "out")
    assert out.files[0].name == "gpi_Алматы-2.v1_x_scores.parquet"


# --------------------------------------------------------------------------- readers check


@pytest.fixture
def run_folder(tmp_path: Path) -> Path:
    out = tmp_path / "out"
    run_batch(_config(tmp_path / "in", 2025), output=out)
    return out


def test_read_run_checks_every_file(run_folder: Path) -> None:
    run = read_run(run_folder)
    assert run.files == sorted(json.loads((run_folder / "manifest.json").read_text())["files"])


@pytest.mark.parametrize(
    ("damage", "match"),
    [
        (
            "truncate",
            r"does not hold one complete run: 1 file\(s\) differ .*scores\.parquet \(changed\)",
        ),
        ("remove", r"gpi_local_risks\.parquet \(missing\)"),
        ("extra", r"2024/gpi_local_scores\.parquet \(not in the manifest\)"),
        ("json", r"manifest\.json is not valid JSON"),
        ("list", r"manifest\.json is not a run manifest"),
        ("no_manifest", r"is not a govindex run output \(no manifest\.json\)"),
    ],
)
def test_diff_refuses_a_damaged_run_folder_in_one_line(
    run_folder: Path, damage: str, match: str, capsys: pytest.CaptureFixture[str]
) -> None:
    scores = run_folder / "2025" / "gpi_local_scores.parquet"
    if damage == "truncate":
        scores.write_bytes(scores.read_bytes()[:200])
    elif damage == "remove":
        (run_folder / "2025" / "gpi_local_risks.parquet").unlink()
    elif damage == "extra":
        (run_folder / "2024").mkdir()
        shutil.copyfile(scores, run_folder / "2024" / "gpi_local_scores.parquet")
    elif damage == "json":
        (run_folder / "manifest.json").write_text("{not json")
    elif damage == "list":
        (run_folder / "manifest.json").write_text("[1, 2]")
    else:
        (run_folder / "manifest.json").unlink()
    with pytest.raises(RunFolderError, match=match):
        diff_runs(run_folder, run_folder)
    assert main(["diff", str(run_folder), str(run_folder)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err


def _rewrite_manifest(folder: Path, change: dict[str, object]) -> None:
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest.update(change)
    (folder / "manifest.json").write_text(json.dumps(manifest))


def test_diff_names_a_file_of_another_schema(run_folder: Path) -> None:
    import pandas as pd

    scores = run_folder / "2025" / "gpi_local_scores.parquet"
    pd.DataFrame({"x": [1.0]}).to_parquet(scores)
    files = json.loads((run_folder / "manifest.json").read_text())["files"]
    files["2025/gpi_local_scores.parquet"] = hashlib.sha256(scores.read_bytes()).hexdigest()
    _rewrite_manifest(run_folder, {"files": files})
    with pytest.raises(
        RunFolderError, match=r"gpi_local_scores\.parquet has no column\(s\) 'gpi'"
    ):
        diff_runs(run_folder, run_folder)


def test_diff_of_runs_without_result_files_is_empty(run_folder: Path) -> None:
    for f in run_folder.glob("*/*.parquet"):
        f.unlink()
    _rewrite_manifest(run_folder, {"files": {}})
    d = diff_runs(run_folder, run_folder)
    assert len(d.scores) == 0 and list(d.scores.columns)[:4] == ["index", "name", "year", "entity"]


def test_manifest_listing_a_file_outside_its_folder_is_refused(run_folder: Path) -> None:
    _rewrite_manifest(run_folder, {"files": {"../../etc/passwd": "0" * 64}})
    with pytest.raises(RunFolderError, match=r"lists a file outside its folder"):
        read_run(run_folder)


@pytest.mark.parametrize(
    ("manifest", "match"),
    [
        ({"config": None}, r"records no run configuration"),
        ({"config": {"name": "x"}}, r"records no run configuration"),
    ],
)
def test_report_refuses_a_manifest_without_configuration(
    run_folder: Path, tmp_path: Path, manifest: dict[str, object], match: str
) -> None:
    from govindex.report.html import report_run

    _rewrite_manifest(run_folder, manifest)
    with pytest.raises(RunFolderError, match=match):
        report_run(run_folder, tmp_path / "pages", charts=False)


def test_report_refuses_a_mixed_run_folder(run_folder: Path, tmp_path: Path) -> None:
    from govindex.report.html import report_run

    (run_folder / "2025" / "gpi_local_scores.parquet").write_bytes(b"PAR1")
    with pytest.raises(RunFolderError, match=r"does not hold one complete run"):
        report_run(run_folder, tmp_path / "pages", charts=False)
    (run_folder / "manifest.json").write_text("[]")
    assert main(["report", str(run_folder), "--out", str(tmp_path / "pages")]) == 1


# --------------------------------------------------------------------------- reports


def test_report_is_written_as_a_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import pandas as pd

    import govindex._provenance as prov
    from govindex import Catalog, Panel, performance_index
    from govindex.report.html import write_reports

    panel = Panel.from_frame(
        pd.DataFrame(
            {"entity": ["A", "A", "B", "B"], "indicator": "x", "year": [2022, 2025] * 2,
             "value": [1.0, 2.0, 3.0, 2.0]}
        )
    )  # fmt: skip
    res = performance_index(
        panel,
        Catalog.from_frame(pd.DataFrame({"code": ["G", "x"], "parent": ["", "G"]})),
        year=2025,
    )
    pages = tmp_path / "pages"
    write_reports(res, pages, charts=False)
    before = {p.name: p.read_bytes() for p in pages.iterdir()}
    real, n = prov.atomic_write_bytes, [0]

    def fail_second(path: object, data: bytes) -> Path:
        n[0] += 1
        if n[0] == 2:
            raise OSError(28, "No space left on device")
        return real(path, data)  # type: ignore[arg-type]

    import govindex.report.html as html

    monkeypatch.setattr(html, "atomic_write_bytes", fail_second)
    with pytest.raises(OSError, match="No space left"):
        write_reports(res, pages, charts=False, entities=["A"])
    assert {p.name: p.read_bytes() for p in pages.iterdir()} == before  # nothing half-new
    (pages / "notes.txt").write_text("mine")
    monkeypatch.setattr(html, "atomic_write_bytes", real)
    with pytest.raises(RunFolderError, match=r"holds files that are not part of a report"):
        write_reports(res, pages, charts=False)


def test_a_300_character_entity_name_gets_a_short_page_name(tmp_path: Path) -> None:
    import pandas as pd

    from govindex import Catalog, Panel, performance_index
    from govindex.report.html import write_reports

    long = "Region " + "Ж" * 150 + "E" * 143
    panel = Panel.from_frame(
        pd.DataFrame({"entity": [long, long], "indicator": "x", "year": [2022, 2025],
                      "value": [1.0, 2.0]})
    )  # fmt: skip
    catalog = Catalog.from_frame(pd.DataFrame({"code": ["G", "x"], "parent": ["", "G"]}))
    pages = write_reports(
        performance_index(panel, catalog, year=2025), tmp_path / "p", charts=False
    )
    names = [p.name for p in pages]
    assert len(names) == 2 and len(names[1]) <= 85
    digest = hashlib.sha256(f"gpi-{long}".encode()).hexdigest()[:8]
    assert names[1].endswith(f"-{digest}.html")
    assert f'href="{names[1]}"' in pages[0].read_text(encoding="utf-8")


def test_lock_file_is_reused_not_removed(tmp_path: Path) -> None:
    # removing the lock file after a run would let a waiting run lock a deleted file
    out = tmp_path / "out"
    with replace_folder(out, own=lambda e: True) as staging:
        (staging / "a").write_text("1")
    lock = tmp_path / ".out.govindex-lock"
    assert lock.is_file() and str(os.getpid()) in lock.read_text()


def test_an_error_between_the_two_renames_puts_the_old_run_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import govindex._folders as folders

    out = tmp_path / "out"
    run_batch(_config(tmp_path / "in", 2024), output=out)
    old = _state(out)
    real, calls = folders._rename, []

    def failing(src: Path, dst: Path) -> None:
        calls.append((src.name, dst.name))
        if len(calls) == 2:  # the staging folder into place: e.g. a virus scanner holds it
            raise PermissionError(13, "Permission denied", str(src))
        real(src, dst)

    monkeypatch.setattr(folders, "_exchange", lambda a, b: False)
    monkeypatch.setattr(folders, "_rename", failing)
    with pytest.raises(PermissionError):
        run_batch(_config(tmp_path / "in", 2025), output=out)
    assert _state(out) == old
    assert sorted(p.name for p in tmp_path.iterdir()) == [".out.govindex-lock", "in", "out"]


def test_the_current_folder_is_never_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cfg = _config(tmp_path / "in", 2024)
    (tmp_path / "here").mkdir()
    monkeypatch.chdir(tmp_path / "here")
    for out in (tmp_path / "here", tmp_path):
        with pytest.raises(RunFolderError, match=r"it is \(or holds\) the current folder"):
            run_batch(cfg, output=out)
