"""BAAC files and a data.gouv.fr dataset object, hand-made for tests (CONTRACTS.md §12).

No whole BAAC file was captured, only their first rows, so the files are hand-made in
each period's documented layout: 2016 (`,`, Latin-1, `dep` "750", 2-digit `an`), 2021
(`;`, every field quoted, UTF-8 with a BOM, the real first rows of caracteristiques- and
usagers-2021 with their `" -1"` blanks), 2022 (the key named `Accident_Id` in
caracteristiques, `id_usager` in usagers), 2023 (`caract-2023.csv`). Each year's Paris
deaths are spread over accidents in département 75 beside survivors, and deaths in
Hauts-de-Seine that must not count. The counts: 2021 = 45 and 2023 = 33 are the figures the snapshot holds
(ONISR, the 2023 map); 2016 = 39 and 2022 = 38 are invented.
"""

from __future__ import annotations

DATASET_ID = "53698f4ca3a729239d2036df"
DEATHS = {2016: 39, 2021: 45, 2022: 38, 2023: 33}

REAL_CARACT_2021 = (
    '"202100000001";"30";"11";"2021";"07:32";"2";"30";"30319";"1";"1";"1";"1";'
    '"CD 981";"44,0389580000";"4,3480220000"'
)
REAL_USAGER_2021 = (
    '"202100000001";"201\u00a0764";"B01";"1";"1";"3";"1";"2000";"1";"0";"9";" -1";'
    '"0";"0";" -1"'
)
OLD_CARACT = "Num_Acc,an,mois,jour,hrmn,lum,agg,int,atm,col,com,adr,gps,lat,long,dep"
OLD_USAGERS = "Num_Acc,place,catu,grav,sexe,trajet,secu,locp,actp,etatp,an_nais,num_veh"
NEW_CARACT = "jour;mois;an;hrmn;lum;dep;com;agg;int;atm;col;adr;lat;long"
USAGERS_2021 = (
    "Num_Acc;id_vehicule;num_veh;place;catu;grav;sexe;an_nais;trajet;secu1;secu2;"
    "secu3;locp;actp;etatp"
)
USAGERS_2022 = USAGERS_2021.replace("Num_Acc;", "Num_Acc;id_usager;")


def quoted(*fields: str) -> str:
    return ";".join(f'"{f}"' for f in fields)


def accidents(year: int) -> list[tuple[str, str, list[str]]]:
    """(Num_Acc, dep, [grav of each person]) of the year: one death per Paris accident,
    with an injured and an unharmed person beside it; then survivors-only Paris
    accidents and deaths elsewhere."""
    paris = "750" if year <= 2018 else "75"
    out = []
    for n in range(DEATHS[year]):
        out.append((f"{year}0000{n + 10:04d}", paris, ["2", "3", "1"]))
    out.append((f"{year}00009000", paris, ["4", "3"]))
    out.append((f"{year}00009001", "920" if year <= 2018 else "92", ["2", "2"]))
    return out


def files_for(year: int) -> tuple[bytes, bytes]:
    """(caracteristiques, usagers) bytes of `year` in that year's layout."""
    rows = accidents(year)
    if year <= 2018:
        caract = [OLD_CARACT] + [
            f"{num},{year % 100},6,6,1700,1,2,1,1,6,113,rue de Rivoli,M,0,0,{dep}"
            for num, dep, _ in rows
        ]
        usagers = [OLD_USAGERS] + [
            f"{num},1,1,{grav},1,5,11,0,0,0,1980,A01"
            for num, _, persons in rows
            for grav in persons
        ]
        # A Latin-1 file, as until 2018 (é in a street name).
        caract.append(
            f"{year}00009002,{year % 100},6,6,1700,1,2,1,1,6,5,allée Séverine,M,0,0,590"
        )
        encode = "\n".join
        return (
            (encode(caract) + "\n").encode("latin-1"),
            (encode(usagers) + "\n").encode("latin-1"),
        )
    key = "Accident_Id" if year == 2022 else "Num_Acc"
    header = quoted(key, *NEW_CARACT.split(";"))
    caract = [header] + [
        quoted(num, "6", "6", str(year), "17:00", "1", dep, f"{dep}101", "2", "1")
        + ';"1";"6";"rue de Rivoli";"48,8600000000";"2,3400000000"'
        for num, dep, _ in rows
    ]
    usagers_header = USAGERS_2022 if year >= 2022 else USAGERS_2021
    usagers = [quoted(*usagers_header.split(";"))]
    for num, _, persons in rows:
        for i, grav in enumerate(persons):
            fields = [num, f"{i + 1}00\u00a0001", "A01", "1", "1", grav, "1", "1980"]
            fields += ["5", "1", "0", " -1", "0", "0", " -1"]
            if year >= 2022:
                fields.insert(1, f"{num}{i}")
            usagers.append(quoted(*fields))
    if year == 2021:
        caract.insert(1, REAL_CARACT_2021)
        usagers.insert(1, REAL_USAGER_2021)
    bom = "\ufeff"
    return (
        (bom + "\n".join(caract) + "\n").encode("utf-8"),
        (bom + "\n".join(usagers) + "\n").encode("utf-8"),
    )


FILE_NAMES = {
    2016: ("caracteristiques_2016.csv", "usagers_2016.csv"),
    2021: ("carcteristiques-2021.csv", "usagers-2021.csv"),
    2022: ("carcteristiques-2022.csv", "usagers-2022.csv"),
    2023: ("caract-2023.csv", "usagers-2023.csv"),
}


def dataset_object(base: str) -> dict:
    """The API v1 dataset object (resources inline), its files under `base`; besides
    the two files a year used, the other kinds it lists (lieux, vehicules, the
    vehicules-immatricules of 2016, a documentation PDF)."""
    resources = []
    for year, names in FILE_NAMES.items():
        for name in (*names, f"lieux-{year}.csv", f"vehicules-{year}.csv"):
            resource_id = f"r-{name.removesuffix('.csv')}"
            resources.append(
                {
                    "id": resource_id,
                    "title": name.removesuffix(".csv").replace("-", " "),
                    "format": "csv",
                    "type": "main",
                    "filetype": "file",
                    "url": f"{base}/static/resources/baac/20250101-000000/{name}",
                    "latest": f"{base}/fr/datasets/r/{resource_id}",
                }
            )
    resources.append(
        {
            "id": "r-vehicules-immatricules-baac-2016",
            "title": "vehicules-immatricules-baac-2016.csv",
            "format": "csv",
            "type": "main",
            "url": f"{base}/static/resources/baac/vehicules-immatricules-baac-2016.csv",
            "latest": f"{base}/fr/datasets/r/r-vehicules-immatricules-baac-2016",
        }
    )
    resources.append(
        {
            "id": "r-description",
            "title": "Description des bases de données annuelles",
            "format": "pdf",
            "type": "documentation",
            "url": f"{base}/static/resources/baac/description-des-bases-2023.pdf",
            "latest": f"{base}/fr/datasets/r/r-description",
        }
    )
    return {
        "id": DATASET_ID,
        "slug": "bases-de-donnees-annuelles-des-accidents-corporels-de-la-circulation-"
        "routiere-annees-de-2005-a-2023",
        "resources": resources,
    }
