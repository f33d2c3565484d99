"""RATP editions → Paris's yearly Métro + RER entries (group_by rows in the documented
Opendatasoft shape, RATP's real 2021 sums over the stations in Paris)."""

from __future__ import annotations

import pytest

from data_sources.adapters import ratp
from data_sources.adapters.http import SourceError

REAL_2021 = [
    {"reseau": "Métro", "entries": 752581446},
    {"reseau": "RER", "entries": 117181460},
]


def test_an_edition_is_the_sum_of_metro_and_rer_at_paris_stations():
    frame = ratp.parse({2021: [*REAL_2021, {"reseau": None, "entries": 0}]})
    assert frame["value"].tolist() == [869_762_906]
    assert frame["time"].dt.tz_convert("Europe/Paris").dt.year.tolist() == [2021]
    assert set(frame["indicator"]) == {"transit_annual"}


def test_a_network_written_otherwise_is_still_found():
    rows = [{"reseau": "METRO", "entries": "1"}, {"reseau": "rer", "entries": "2"}]
    assert ratp.parse({2022: rows})["value"].tolist() == [3]


def test_an_edition_without_the_rer_is_refused_not_counted_short():
    with pytest.raises(
        SourceError, match=r"2022: no rer entries .*networks in the answer: metro"
    ):
        ratp.parse({2022: REAL_2021[:1]})


def test_a_row_of_another_shape_is_named():
    with pytest.raises(SourceError, match="2022: unexpected row shape"):
        ratp.parse({2022: [{"network": "Métro", "total": 1}]})
