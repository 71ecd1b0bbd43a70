"""What ingest reads: regular files only, the size limit on the bytes read, and symbolic links."""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path

import pytest

from index.ingest import ingest_file, ingest_paths
from index.readers import ReaderError, read_limited
from index.store import Store

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="FIFOs, devices and /proc are POSIX")


@pytest.fixture
def store(tmp_path: Path):
    s = Store(tmp_path / "files.db")
    yield s
    s.close()


def reasons(report) -> dict[str, str]:
    return {Path(f.path).name: f.reason or "" for f in report.files if f.status == "failed"}


def test_a_fifo_is_skipped_with_a_reason_and_never_blocks_the_ingest(
    tmp_path: Path, store: Store, tiny_minutes: str
) -> None:
    folder = tmp_path / "minutes"
    folder.mkdir()
    fifo = folder / "a-fifo.txt"
    os.mkfifo(fifo)
    (folder / "cf.txt").write_text(tiny_minutes, encoding="utf-8")
    done: list = []
    worker = threading.Thread(target=lambda: done.append(ingest_paths(store, [folder])), daemon=True)
    worker.start()
    worker.join(20)
    if worker.is_alive():  # unblock the reader before failing, so the thread ends
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        pytest.fail("ingest blocked on a FIFO")
    (report,) = done
    assert reasons(report) == {"a-fifo.txt": "not a regular file (a FIFO); skipped"}
    assert report.count("added") == 1  # the minutes beside it were stored


def test_a_symlink_to_dev_zero_named_directly_is_refused_unopened(tmp_path: Path, store: Store) -> None:
    link = tmp_path / "zero.txt"
    link.symlink_to("/dev/zero")
    result = ingest_file(store, link)
    assert result.status == "failed" and result.reason == "not a regular file (a character device); skipped"
    assert store.source(str(link))["status"] == "error"


def test_the_limit_holds_for_what_is_read_not_for_st_size(tmp_path: Path) -> None:
    # /proc files are regular files whose st_size is 0 whatever they hold: the size on the label lies.
    maps = Path("/proc/self/maps")
    if not maps.is_file() or maps.stat().st_size != 0:
        pytest.skip("needs Linux /proc")
    with pytest.raises(ReaderError, match="holds more than 100 bytes, above the limit"):
        read_limited(maps, max_bytes=100)
    assert len(read_limited(maps, max_bytes=10_000_000)) > 100  # under the limit it reads it all


def test_a_file_at_the_limit_is_read_and_one_byte_more_is_not(tmp_path: Path) -> None:
    path = tmp_path / "exact.txt"
    path.write_bytes(b"x" * 1000)
    assert read_limited(path, max_bytes=1000) == b"x" * 1000
    with pytest.raises(ReaderError, match="above the limit"):
        read_limited(path, max_bytes=999)


def test_symlinks_in_a_folder_are_followed_only_inside_it(tmp_path: Path, store: Store, tiny_minutes: str) -> None:
    folder = tmp_path / "minutes"
    (folder / "2017").mkdir(parents=True)
    (folder / "2017" / "cf.txt").write_text(tiny_minutes, encoding="utf-8")
    (folder / "latest.txt").symlink_to(folder / "2017" / "cf.txt")  # a second name inside the folder
    secret = tmp_path / "elsewhere" / "secret.txt"
    secret.parent.mkdir()
    secret.write_text(tiny_minutes.replace("Chefforum", "Direktionen"), encoding="utf-8")
    (folder / "outside.txt").symlink_to(secret)
    (folder / "zero.txt").symlink_to("/dev/zero")
    (folder / "linked-folder").symlink_to(secret.parent, target_is_directory=True)

    report = ingest_paths(store, [folder])

    assert reasons(report) == {
        "outside.txt": f"symbolic link to {secret.resolve()}, outside the folder; skipped",
        "zero.txt": "symbolic link to /dev/zero, outside the folder; skipped",
        "linked-folder": "symbolic link to a folder; not followed",
    }
    statuses = {Path(f.path).name: f.status for f in report.files if f.status != "failed"}
    # The folder's own files come before its subfolders': the link is read first, its target is the copy.
    assert statuses == {"latest.txt": "added", "cf.txt": "duplicate"}
    assert [r["forum"] for r in store.meetings()] == ["Chefforum"]  # nothing from outside the folder
