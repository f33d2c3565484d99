"""Energy: electricity and gas of both cities."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from data_sources.model.observations import conversion_factor
from data_sources.snapshot_build.common import (
    PARIS_TZ,
    SF_TZ,
    Series,
    frame_of,
    local_start,
    read_input,
)

# ------------------------------------------------------------------ energy

CEC_2022 = "energy/sf_county_cec_ecdms_electricity_gwh_by_sector_2000_2022.csv"
CEC_2019 = "energy/sf_county_cec_ecdms_electricity_gwh_by_sector_1990_2019.csv"
CEC_GAS = "energy/sf_county_cec_ecdms_gas_mtherms_by_sector_1990_2020.csv"


def build_energy(data_dir: Path) -> Iterator[Series]:
    yield from annual_electricity(data_dir)
    yield from monthly_electricity(data_dir)
    yield from sf_gas(data_dir)


def annual_electricity(data_dir: Path) -> Iterator[Series]:
    """Annual electricity: CEC's county totals (SF) and the département's consumption (Paris)."""
    recent = read_input(data_dir, CEC_2022)
    older = read_input(data_dir, CEC_2019)
    total = pd.concat(
        [
            older[(older["sector"] == "Total") & (older["year"] < 2000)],
            recent[recent["sector"] == "Total"],
        ]
    )
    yield Series(
        "electricity_consumption",
        "sf",
        "cec_ecdms",
        "annual",
        frame_of(
            local_start(total["year"].astype(str), SF_TZ), total["consumption_gwh"]
        ),
        "CEC ECDMS 'Total' for San Francisco County: 2000-2022 from the later export, "
        "1990-1999 from the 2021-04-21 export (CEC revised past years slightly between "
        "exports).",
        [
            f"../shared/data/{CEC_2022} ← aagh-jr/Cogs108_SP25 data/ElectricityByCounty.csv "
            "@ a2f8bab263c03cae941059bdf1f18af32d48adf5",
            f"../shared/data/{CEC_2019} ← BAAQMD/ECDMS data-raw/CEC/ECDMS/2021-04-21/"
            "ElectricityByCounty.csv @ ca2814f64248cdab47536ab04597a9df6410a07d",
        ],
    )
    paris = read_input(
        data_dir, "energy/paris_dept75_odre_electricity_total_mwh_2022.csv"
    )
    yield Series(
        "electricity_consumption",
        "paris",
        "odre_conso_departement",
        "annual",
        frame_of(
            local_start(paris["year"].astype(str), PARIS_TZ),
            paris["electricity_consumption_total_mwh"]
            * conversion_factor("MWh", "GWh"),
        ),
        "Consommation électricité totale of département 75 (= commune of Paris), all "
        "operators, MWh ÷ 1000.",
        [
            "../shared/data/energy/paris_dept75_odre_electricity_total_mwh_2022.csv ← "
            "piterre/TIPE conso-departement-annuelle.csv "
            "@ a6e8c3d1a1b4e8a1cce865cf8b3da5684ef55b2d"
        ],
    )


def monthly_electricity(data_dir: Path) -> Iterator[Series]:
    """Monthly electricity: éCO2mix Île-de-France (Paris) and PG&E's residential and commercial use (SF)."""
    eco2mix = read_input(
        data_dir,
        "energy/paris_region_idf_and_france_rte_eco2mix_monthly_energy_gwh_2012_2021.csv",
    )
    idf = eco2mix[
        (eco2mix["Territoire"] == "Ile-de-France")
        & (eco2mix["Consommation totale"] > 0)
    ]
    yield Series(
        "electricity_monthly",
        "paris",
        "rte_eco2mix",
        "monthly",
        frame_of(local_start(idf["Mois"], PARIS_TZ), idf["Consommation totale"]),
        "RTE éCO2mix monthly 'Consommation totale' for the Île-de-France region (GWh). "
        "All of 2013 is published as 0 and is left out as missing.",
        [
            "../shared/data/energy/paris_region_idf_and_france_rte_eco2mix_monthly_energy_"
            "gwh_2012_2021.csv ← AzzouzCherif/Temporal-Series-electricity-forecast- "
            "conso_elec.csv @ 1afa96f65f8470aa265e12b29d65344419796ad5"
        ],
    )
    pge = read_input(
        data_dir, "energy/sf_pge_electricity_monthly_citytotal_by_class_2017_2023.csv"
    )
    res_com = pge[pge["CUSTOMERCLASS"].isin(["Elec- Residential", "Elec- Commercial"])]
    by_month = res_com.groupby(["YEAR", "MONTH"], as_index=False)["total_kwh"].sum()
    labels = (
        by_month["YEAR"].astype(str) + "-" + by_month["MONTH"].astype(str).str.zfill(2)
    )
    yield Series(
        "electricity_monthly",
        "sf",
        "pge_energy_data",
        "monthly",
        frame_of(
            local_start(labels, SF_TZ),
            by_month["total_kwh"] * conversion_factor("kWh", "GWh"),
        ),
        "Residential + Commercial kWh summed over 27 SF ZIP codes per month, ÷ 10⁶. "
        "The Industrial class is left out (masked or combined, erratic). PG&E "
        "deliveries only; 2021-07..2022-12 is missing in the source.",
        [
            "../shared/data/energy/sf_pge_electricity_monthly_citytotal_by_class_2017_2023.csv"
            " ← spencer-in-github/spencerzhang-218x.github.io pge/ and "
            "slacgismo/industrial_energy_consumption @ 7b3c3fff65c2f940461ca3e7122c0db9e62a1d98"
        ],
    )


def sf_gas(data_dir: Path) -> Iterator[Series]:
    """San Francisco's gas: CEC's county total."""
    gas = read_input(data_dir, CEC_GAS)
    gas_total = gas[gas["sector"] == "Total"]
    yield Series(
        "gas_consumption",
        "sf",
        "cec_ecdms",
        "annual",
        frame_of(
            local_start(gas_total["year"].astype(str), SF_TZ),
            gas_total["consumption_mtherms"] * conversion_factor("Mtherm", "GWh"),
        ),
        "CEC ECDMS 'Total' natural gas for San Francisco County in millions of therms, "
        "× 29.3071 to GWh. 1990-2019 and 2020 come from two export vintages.",
        [
            f"../shared/data/{CEC_GAS} ← BAAQMD/ECDMS GasByCounty.csv "
            "@ ca2814f64248cdab47536ab04597a9df6410a07d and Zuang99/Gas-Dataset "
            "GasByCounty.csv @ 439b7420a69609c6ce78ca063a4acf5631070aa3"
        ],
    )


ORE_TOTAL = "energy/paris_dept75_ore_electricity_gas_total_annual_2011_2021.csv"
ORE_INPUT = (
    "../shared/data/{} ← Yaa89ps/Data-analysis conso-elec-gaz-annuelle-par-secteur-"
    "dactivite-agregee-departement.csv @ 87224e2c518d265829f4c3458daa673c140f6406"
)


def build_energy_by_city(data_dir: Path) -> Iterator[Series]:
    """Paris (département 75 = the city) electricity and gas, all operators, from
    Agence ORE (ADDITIONS of 2026-12-01)."""
    totals = read_input(data_dir, ORE_TOTAL)
    electricity = totals[(totals["energy"] == "electricity") & (totals["year"] >= 2012)]
    yield Series(
        "electricity_consumption",
        "paris",
        "agence_ore",
        "annual",
        frame_of(
            local_start(electricity["year"].astype(str), PARIS_TZ),
            electricity["total_mwh_all_operators"] * conversion_factor("MWh", "GWh"),
        ),
        "Sum over all operators (Enedis, RTE, Gazelec de Péronne) of the annual "
        "electricity delivered in département 75, MWh ÷ 1000, 2012-2021. 2011 is left "
        "out: it has no RTE (transmission-connected) row, so it would count Enedis "
        "customers only. Totals, not sectors (the sector split changes in 2018).",
        [ORE_INPUT.format(ORE_TOTAL)],
    )
    gas = totals[totals["energy"] == "gas"]
    yield Series(
        "gas_consumption",
        "paris",
        "agence_ore",
        "annual",
        frame_of(
            local_start(gas["year"].astype(str), PARIS_TZ),
            gas["total_mwh_all_operators"] * conversion_factor("MWh", "GWh"),
        ),
        "Sum over all operators (GRDF, GRTgaz) of the annual natural gas delivered in "
        "département 75, MWh ÷ 1000, 2011-2021 (as published by Agence ORE; PCS or PCI "
        "basis not stated). Not weather-corrected.",
        [ORE_INPUT.format(ORE_TOTAL)],
    )
