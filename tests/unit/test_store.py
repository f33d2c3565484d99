"""The series store: round trip, merge of snapshot and live, and atomicity under a real crash."""

import os
import random
import signal
import subprocess
import sys
import textwrap
import time

import pandas as pd
import pytest

from data_sources.store import (
    SeriesStore,
    StoreError,
    clear_problems,
    problems,
    read_rows,
    read_sidecars,
    write_series,
)
from tests.helpers import WAIT_SECONDS

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def series(values, start="2020-01-01", source="test_source", freq="daily"):
    """A small tidy frame in the store's schema (hand-made: tests only)."""
    times = pd.date_range(start, periods=len(values), freq="D", tz="UTC")
    return pd.DataFrame(
        {
            "city": "paris",
            "indicator": "pm25",
            "time": times,
            "freq": freq,
            "value": values,
            "source": source,
        }
    )


def test_round_trip_keeps_values_and_provenance(tmp_path):
    write_series(
        tmp_path,
        series([1.5, 2.25, 3.0]),
        {"publisher": "Airparif", "fetched_at": "2026-11-25"},
    )
    [stored] = read_sidecars(tmp_path, "pm25")
    assert stored.provenance["rows"] == 3
    assert stored.provenance["publisher"] == "Airparif"
    assert read_rows(stored)["value"].tolist() == [1.5, 2.25, 3.0]


def test_rewriting_keeps_the_current_and_the_previous_version_only(tmp_path):
    for value in (1.0, 2.0, 3.0):
        write_series(tmp_path, series([value]), {})
    assert len(list((tmp_path / "pm25").glob("*.csv"))) == 2
    [stored] = read_sidecars(tmp_path, "pm25")
    assert read_rows(stored)["value"].tolist() == [3.0]
    assert (tmp_path / "pm25" / stored.provenance["previous"]["file"]).exists()


def test_a_corrupted_data_file_is_said_and_its_previous_version_served(tmp_path):
    write_series(tmp_path, series([1.0, 2.0]), {})
    write_series(tmp_path, series([1.0, 2.0, 3.0]), {})
    [stored] = read_sidecars(tmp_path, "pm25")
    truncated = stored.data_path.read_bytes()[:40]
    stored.data_path.write_bytes(truncated)  # a disk fault, or a hand edit
    assert read_rows(stored)["value"].tolist() == [1.0, 2.0]
    [message] = problems()["test_source"]
    assert str(stored.data_path) in message
    assert "checksum mismatch" in message
    assert "serving the previous version" in message
    # The next good write is verified, and the damage is no longer reported.
    write_series(tmp_path, series([1.0, 2.0, 3.0, 4.0]), {})
    [stored] = read_sidecars(tmp_path, "pm25")
    assert read_rows(stored)["value"].tolist() == [1.0, 2.0, 3.0, 4.0]
    assert "test_source" not in problems()


def test_damage_with_no_previous_version_is_detected_not_served(tmp_path):
    write_series(tmp_path, series([1.0, 2.0]), {})
    [stored] = read_sidecars(tmp_path, "pm25")
    stored.data_path.write_text("city,indicator,time,freq,value,source\n")
    with pytest.raises(StoreError, match="checksum mismatch"):
        read_rows(stored)
    assert "checksum mismatch" in problems()["test_source"][0]
    clear_problems(str(tmp_path))


def test_a_garbage_sidecar_is_said_and_the_newest_intact_rows_serve(tmp_path):
    write_series(tmp_path, series([1.0]), {})
    sidecar = write_series(tmp_path, series([1.0, 2.0]), {})
    sidecar.write_bytes(b"\x00\x17 not json at all")
    [stored] = read_sidecars(tmp_path, "pm25")
    assert stored.provenance["recovered"] is True
    assert read_rows(stored)["value"].tolist() == [1.0, 2.0]
    [message] = problems()["test_source"]
    assert message.startswith(f"{sidecar}: unreadable sidecar")
    assert "serving paris__test_source." in message
    # A refresh writes a whole new sidecar over it.
    write_series(tmp_path, series([1.0, 2.0, 3.0]), {})
    assert len(read_sidecars(tmp_path, "pm25")) == 1
    assert "test_source" not in problems()
    clear_problems(str(tmp_path))


def test_live_rows_override_the_snapshot_and_keep_their_origin(tmp_path):
    snapshot, live = tmp_path / "snapshot", tmp_path / "live"
    write_series(snapshot, series([10.0, 11.0, 12.0]), {"fetched_at": "2026-11-25"})
    store = SeriesStore(live, snapshot)
    store.write_live(
        series([99.0, 98.0], start="2020-01-03", source="live_source"),
        {"fetched_at": "2026-11-26T08:00:00Z"},
    )
    merged = store.read("pm25", ["paris"])
    assert merged["value"].tolist() == [10.0, 11.0, 99.0, 98.0]
    assert merged["origin"].tolist() == ["snapshot", "snapshot", "live", "live"]


def test_an_unreadable_live_series_falls_back_to_the_snapshot(tmp_path):
    snapshot, live = tmp_path / "snapshot", tmp_path / "live"
    write_series(snapshot, series([10.0, 11.0]), {"fetched_at": "2026-11-25"})
    store = SeriesStore(live, snapshot)
    store.write_live(
        series([99.0, 98.0], source="live_source"), {"fetched_at": "2026-11-26"}
    )
    [stored] = read_sidecars(live, "pm25")
    stored.data_path.unlink()  # e.g. removed by hand, or a disk fault
    merged = store.read("pm25", ["paris"])
    assert merged["value"].tolist() == [10.0, 11.0]
    assert merged["origin"].tolist() == ["snapshot", "snapshot"]
    assert problems()["live_source"] == [f"{stored.data_path}: data file missing"]
    clear_problems(str(live))


WRITER = textwrap.dedent(
    """
    import sys
    import pandas as pd
    from data_sources.store import write_series

    root = sys.argv[1]
    version = 0
    while True:
        version += 1
        rows = 2000 + (version % 2) * 3000  # versions differ in length and in value
        frame = pd.DataFrame({
            "city": "paris", "indicator": "pm25",
            "time": pd.date_range("2000-01-01", periods=rows, freq="h", tz="UTC"),
            "freq": "hourly", "value": float(version), "source": "crash_test",
        })
        write_series(root, frame, {"version": version})
        print(version, flush=True)
    """
)


def test_kill_9_during_writes_always_leaves_a_complete_version(tmp_path):
    """A refresher killed at random points: the store reads back one whole version."""
    rng = random.Random(20261125)
    for trial in range(6):
        root = tmp_path / f"trial-{trial}"
        child = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(root)],
            cwd=REPO,
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            assert child.stdout.readline().strip() == "1"  # one version is complete
            time.sleep(rng.uniform(0.0, 0.4))
        finally:
            os.kill(child.pid, signal.SIGKILL)
            child.wait(timeout=WAIT_SECONDS)
        [stored] = read_sidecars(root, "pm25")
        rows = read_rows(stored)
        version = stored.provenance["version"]
        assert rows["value"].unique().tolist() == [float(version)]
        assert len(rows) == 2000 + (version % 2) * 3000


def test_a_damaged_file_whose_content_comes_again_is_written_again(tmp_path):
    """A refresh that brings back the very rows of a damaged file (same checksum, same
    name) rewrites it instead of trusting what is on disk."""
    sidecar = write_series(tmp_path, series([1.0, 2.0]), {})
    [stored] = read_sidecars(tmp_path, "pm25")
    stored.data_path.write_bytes(b"damaged")
    assert write_series(tmp_path, series([1.0, 2.0]), {}) == sidecar
    [stored] = read_sidecars(tmp_path, "pm25")
    assert read_rows(stored)["value"].tolist() == [1.0, 2.0]
