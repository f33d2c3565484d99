"""CDP's yearly City-wide Emissions exports → what each city reported (scope 1 + 2),
checked against the cities' real figures of six reporting cycles."""

from __future__ import annotations

import json

import pandas as pd
import pytest

import data_sources
from data_sources.adapters import cdp_opendata
from data_sources.adapters.http import SourceError
from tests.cdp_files import real_exports

FIXTURES = "tests/fixtures/responses/cdp"


def by_year(frame, city):
    rows = frame[frame["city"] == city]
    local = rows["time"].dt.tz_convert(
        "Europe/Paris" if city == "paris" else "America/Los_Angeles"
    )
    return dict(zip(local.dt.year, rows["value"].round(2), strict=True))


def test_six_cycles_give_each_inventory_year_from_the_newest_report(shared_data):
    frame = cdp_opendata.parse(real_exports(shared_data))
    assert set(frame["indicator"]) == {"ghg_cdp"} and set(frame["freq"]) == {"annual"}
    # Paris reported 2014 in the 2016-2019 cycles (the 2018 export lacks its scope 2),
    # 2018 in 2020 (3,395,503 direct + 1,711,224 grid energy), 2019 in 2021.
    assert by_year(frame, "paris") == {
        2014: 3_359_242 + 1_836_421,
        2018: 3_395_503 + 1_711_224,
        2019: 3_374_790 + 1_466_019,
    }
    # San Francisco: 2012 (2016 cycle), 2015, 2016 ("2016-01-01 - 2017-01-01"), 2017
    # (4,335,772.32 + 507,037.85), then the 2020 format: 2018 and 2019.
    assert by_year(frame, "sf") == {
        2012: 4_186_111 + 1_131_352,
        2015: 3_765_407 + 1_076_061,
        2016: 4_013_141 + 803_994,
        2017: round(4_335_772.32 + 507_037.85, 2),
        2018: 3_829_644 + 762_669,
        2019: 3_761_907 + 207_388,
    }


def test_the_years_the_snapshot_has_are_the_same_figures(shared_data):
    live = cdp_opendata.parse(real_exports(shared_data))
    shipped = data_sources.get_store().read("ghg_cdp")  # (live store empty)
    merged = shipped.merge(live, on=["city", "time"], suffixes=("_shipped", ""))
    # every shipped year (Paris 2014, 2018; SF 2012, 2015-2018) is also in the exports
    assert len(merged) == len(shipped) == 7
    assert (merged["value"] - merged["value_shipped"]).abs().max() < 0.01
    # ... and the exports add 2019 for both cities (the 2021 cycle)
    newest = live.groupby("city")["time"].max()
    assert newest["paris"] == pd.Timestamp("2018-12-31T23:00Z")
    assert newest["sf"] == pd.Timestamp("2019-01-01T08:00Z")


def test_a_changed_export_is_refused_with_a_reason(shared_data):
    exports = real_exports(shared_data)
    with pytest.raises(SourceError, match="expected the dataset's CSV export"):
        cdp_opendata.parse({"tmta-7i7p": "<html>Maintenance</html>"})
    renamed = exports["tmta-7i7p"].replace("Account Number", "Organisation id", 1)
    with pytest.raises(SourceError, match="tmta-7i7p: no column for account"):
        cdp_opendata.parse({"tmta-7i7p": renamed})
    # Paris's rows only: San Francisco's account is missing, not silently dropped.
    paris_only = "\n".join(
        line for line in exports["tmta-7i7p"].splitlines() if ",31182," not in line
    )
    with pytest.raises(SourceError, match="no scope 1 \\+ 2 figure of sf"):
        cdp_opendata.parse({"tmta-7i7p": paris_only})


def test_the_catalog_adds_a_newer_cycle_and_nothing_else():
    with open(f"{FIXTURES}/catalog_handmade.json", encoding="utf-8") as handle:
        catalog = json.load(handle)
    assert cdp_opendata.newer_datasets(catalog) == {}  # 2016-2021 are known already
    catalog["results"].append(
        {"resource": {"id": "abcd-2022", "name": "2022 City-wide Emissions"}}
    )
    assert cdp_opendata.newer_datasets(catalog) == {2022: "abcd-2022"}
    with pytest.raises(SourceError, match="'results' list"):
        cdp_opendata.newer_datasets([])
