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

from data_sources.store.files import (
    StoreError,
    clear_problems,
    problems,
    read_rows,
    read_sidecars,
    write_series,
)
from data_sources.store.series import SeriesStore
from tests.helpers import WAIT_SECONDS

REPO = os.path.dirname(
    os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
)


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
    from data_sources.store.files import write_series

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


# ------------------------------------------------------------------ dense series in parts


def readings(start, periods, values=None, step="10min"):
    """Ten-minute readings of one live series (hand-made: tests only)."""
    times = pd.date_range(start, periods=periods, freq=step, tz="UTC")
    return pd.DataFrame(
        {
            "city": "sf",
            "indicator": "bikes_available",
            "time": times,
            "freq": "instant",
            "value": values
            if values is not None
            else [float(i % 500) for i in range(periods)],
            "source": "gbfs_sf",
        }
    )


def refresh_with(store, rows, fetched_at="2026-12-02T00:00:00Z"):
    """What a refresh does with its new rows: merge, then write back."""
    with store.locked():
        _, merged = store.merged_live("bikes_available", "sf", "gbfs_sf", rows)
        return store.write_live(merged, {"fetched_at": fetched_at})


def part_files(folder):
    return {p.name: p.stat().st_mtime_ns for p in folder.glob("sf__gbfs_sf@*")}


def test_a_refresh_rewrites_only_the_month_its_new_reading_falls_in(tmp_path):
    store = SeriesStore(tmp_path / "live", tmp_path / "no-snapshot")
    year = readings("2025-01-01", 52_560)  # a year of 10-minute readings
    refresh_with(store, year, "2025-12-31T23:50:00Z")
    folder = tmp_path / "live" / "bikes_available"
    before = part_files(folder)
    assert len([n for n in before if n.endswith(".json")]) == 12  # one part a month

    written = refresh_with(store, readings("2026-01-01", 1, [42.0]))
    assert [p.name for p in written] == ["sf__gbfs_sf@2026-01.json"]
    after = part_files(folder)
    # every month of the year is the same file, untouched
    assert {n: after[n] for n in before} == before
    [series] = store.series("bikes_available")
    assert series.provenance["rows"] == 52_561
    assert series.provenance["parts"][0] == "2025-01"
    assert series.provenance["parts"][-1] == "2026-01"
    assert series.provenance["last"] == "2026-01-01T00:00:00Z"
    rows = store.read("bikes_available")
    assert len(rows) == 52_561
    # each row says when its own part was fetched
    assert rows["fetched_at"].iloc[0] == "2025-12-31T23:50:00Z"
    assert rows["fetched_at"].iloc[-1] == "2026-12-02T00:00:00Z"

    # a corrected reading in December rewrites December only
    refresh_with(store, readings("2025-12-31T23:50", 1, [7.0]))
    changed = {n for n, t in part_files(folder).items() if after.get(n) != t}
    assert {n.split(".")[0] for n in changed} == {"sf__gbfs_sf@2025-12"}
    assert store.read("bikes_available")["value"].iloc[-2] == 7.0


def test_a_dense_series_stored_whole_is_split_into_parts_by_the_next_write(tmp_path):
    store = SeriesStore(tmp_path / "live", tmp_path / "no-snapshot")
    old = readings("2025-01-31T12:00", 288)  # two days, across a month's end
    write_series(tmp_path / "live", old, {"fetched_at": "2025-02-01T12:00:00Z"})
    refresh_with(store, readings("2025-03-01", 1, [5.0]))
    names = sorted(
        p.name for p in (tmp_path / "live" / "bikes_available").glob("*.json")
    )
    assert names == [
        "sf__gbfs_sf@2025-01.json",
        "sf__gbfs_sf@2025-02.json",
        "sf__gbfs_sf@2025-03.json",
    ]
    rows = store.read("bikes_available")
    assert len(rows) == 289
    assert rows["value"].tolist()[:288] == old["value"].tolist()


def test_a_damaged_part_is_said_and_the_other_months_still_serve(tmp_path):
    store = SeriesStore(tmp_path / "live", tmp_path / "no-snapshot")
    refresh_with(store, readings("2025-01-31T12:00", 288))
    [january] = (tmp_path / "live" / "bikes_available").glob(
        "sf__gbfs_sf@2025-01.*.csv"
    )
    january.write_bytes(january.read_bytes()[:50])  # a disk fault, no previous version
    rows = store.read("bikes_available")
    assert (
        len(rows) == 216
    )  # February's readings (12:00 on the 31st to the end of 1 Feb)
    assert rows["time"].min() == pd.Timestamp("2025-02-01", tz="UTC")
    [message] = problems()["gbfs_sf"]
    assert str(january) in message and "checksum mismatch" in message
    clear_problems(str(tmp_path))


def test_splitting_a_whole_series_keeps_what_its_parts_already_hold(tmp_path):
    store = SeriesStore(tmp_path / "live", tmp_path / "no-snapshot")
    write_series(tmp_path / "live", readings("2025-01-31T12:00", 288, [1.0] * 288), {})
    # a newer reading of the same instant, already in a part
    store.write_live(readings("2025-02-01", 1, [9.0]), {"fetched_at": "2025-02-02"})
    refresh_with(store, readings("2025-03-01", 1, [5.0]))
    rows = store.read("bikes_available").set_index("time")["value"]
    assert len(rows) == 289
    assert rows[pd.Timestamp("2025-02-01", tz="UTC")] == 9.0
    assert rows[pd.Timestamp("2025-01-31T12:00", tz="UTC")] == 1.0


def history_rows(count: int, start: str) -> pd.DataFrame:
    """Hourly Vélib' history rows in the store's schema (hand-made: tests only)."""
    return pd.DataFrame(
        {
            "city": "paris",
            "indicator": "bikes_available_all",
            "time": pd.date_range(start, periods=count, freq="h", tz="UTC"),
            "freq": "instant",
            "value": [float(n) for n in range(count)],
            "source": "velib_history",
        }
    )


def test_an_import_after_damage_says_what_it_stored_and_keeps_the_damage_aside(
    tmp_path,
):
    """200 rows, then 50 more, then the newest file damaged: the next import of 10
    rows says 200 → 210, as stored, that 50 rows could not be read, and keeps the
    damaged file aside (it said 250 → 260 and deleted both older versions)."""
    from data_sources.store.history import import_frame

    store = SeriesStore(tmp_path / "live", tmp_path / "snapshot")
    import_frame(store, history_rows(200, "2022-05-01"), "a.csv")
    import_frame(store, history_rows(50, "2022-05-09T08:00"), "b.csv")
    [newest] = [s for s in store.live.series("bikes_available_all")]
    newest.data_path.write_bytes(newest.data_path.read_bytes()[:200])  # a disk fault
    [done] = import_frame(store, history_rows(10, "2022-05-12"), "c.csv")
    stored = store.live_rows("bikes_available_all", "paris", "velib_history")
    assert (
        (done.before, done.added, done.after)
        == (200, 10, 210)
        == (
            200,
            10,
            len(stored),
        )
    )
    assert done.unreadable == 50
    kept = [p.name for p in newest.data_path.parent.iterdir() if "damaged" in p.name]
    assert len(kept) == 1 and kept[0].startswith(newest.data_path.name)
    clear_problems()
