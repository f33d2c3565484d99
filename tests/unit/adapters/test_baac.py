"""BAAC files → Paris road deaths: each period's layout read, killed counted in
département 75 only (files hand-made in the documented layouts: tests/baac_files.py)."""

from __future__ import annotations

import json

import pytest

from data_sources.adapters import baac
from data_sources.adapters.http import SourceError
from tests.baac_files import DEATHS, dataset_object, files_for


def deaths(frame) -> dict[int, int]:
    return {
        t.tz_convert("Europe/Paris").year: int(v)
        for t, v in zip(frame["time"], frame["value"], strict=True)
    }


def test_every_layout_counts_the_killed_of_departement_75():
    frame = baac.parse({year: files_for(year) for year in DEATHS})
    # 2021 and 2023 are the figures the snapshot holds (ONISR, département 75).
    assert deaths(frame) == {2016: 39, 2021: 45, 2022: 38, 2023: 33}
    assert set(frame["indicator"]) == {"road_deaths"}
    assert set(frame["city"]) == {"paris"}


def test_the_2009_tab_separated_file_is_read_too():
    accidents, persons = files_for(2016)
    tabbed = accidents.replace(b",", b"\t")
    assert deaths(baac.parse({2016: (tabbed, persons)})) == {2016: 39}


def test_the_dataset_lists_each_years_two_files_whatever_their_names():
    found = baac.yearly_files(dataset_object("https://www.data.gouv.fr"))
    assert sorted(found) == [2016, 2021, 2022, 2023]
    assert found[2021] == {
        "caracteristiques": "https://www.data.gouv.fr/fr/datasets/r/r-carcteristiques-2021",
        "usagers": "https://www.data.gouv.fr/fr/datasets/r/r-usagers-2021",
    }
    assert found[2023]["caracteristiques"].endswith("/r-caract-2023")


def test_a_year_without_a_paris_accident_is_a_changed_file_not_zero_deaths():
    accidents, persons = files_for(2021)
    renamed = accidents.replace(b'"75"', b'"075"')
    with pytest.raises(SourceError, match="no accident in département 75"):
        baac.parse({2021: (renamed, persons)})


def test_a_missing_column_is_named():
    accidents, persons = files_for(2021)
    with pytest.raises(SourceError, match=r"usagers 2021: columns missing: grav"):
        baac.parse({2021: (accidents, persons.replace(b'"grav"', b'"gravite"'))})


def test_the_api_v2_object_whose_resources_are_a_link_is_refused(shared_data):
    # A real API v2 dataset object: its resources are a link to another page, not a list.
    path = "datagouv_baac/apiv2_dataset_object_baac_53698f4c_excerpt.json"
    dataset = json.loads((shared_data.parent / "api" / path).read_text("utf-8"))
    with pytest.raises(SourceError, match="list of resources"):
        baac.yearly_files(dataset)
