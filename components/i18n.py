"""Interface strings in both languages, and number/date formats through babel."""

from __future__ import annotations

import datetime as dt

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal

from data_sources.registries import LANGUAGES

DEFAULT_LANG = "en"
LOCALES = {"en": "en_US", "fr": "fr_FR"}

STRINGS: dict[str, dict[str, str]] = {
    "title": {"en": "Sister Cities", "fr": "Villes sœurs"},
    "loading": {"en": "Loading the comparison…", "fr": "Chargement de la comparaison…"},
    "tagline": {
        "en": "Paris and San Francisco, digital sister cities since 2006, side by side.",
        "fr": "Paris et San Francisco, villes sœurs numériques depuis 2006, côte à côte.",
    },
    "domain.air": {"en": "Air pollution", "fr": "Pollution de l'air"},
    "domain.mobility": {"en": "Mobility", "fr": "Mobilité"},
    "domain.energy": {"en": "Energy", "fr": "Énergie"},
    "domain.waste": {"en": "Waste", "fr": "Déchets"},
    "domain.traffic": {"en": "Traffic", "fr": "Circulation"},
    "domain.climate": {"en": "Climate", "fr": "Climat"},
    "licence": {"en": "licence", "fr": "licence"},
    "comparability_label": {"en": "Comparability: ", "fr": "Comparabilité : "},
    "sources_label": {"en": "Sources: ", "fr": "Sources : "},
    "no_data": {"en": "No data for this city", "fr": "Pas de données pour cette ville"},
    "data_unavailable": {
        "en": "These data cannot be read right now",
        "fr": "Ces données sont illisibles pour le moment",
    },
    "no_data_chart": {"en": "No data available", "fr": "Aucune donnée disponible"},
    "download_csv": {"en": "Download CSV", "fr": "Télécharger le CSV"},
    "language": {"en": "Langue : français", "fr": "Language: English"},
    "footer": {
        "en": "Real data only: every number traces to its publisher. Contains "
        "information from Paris open data licensed under the Open Database License "
        "(ODbL).",
        "fr": "Uniquement des données réelles : chaque chiffre renvoie à son éditeur. "
        "Contient des informations issues de Paris open data, sous licence Open "
        "Database License (ODbL).",
    },
    "api_link": {"en": "Data API", "fr": "API de données"},
    "api_contract": {
        "en": "its contract (OpenAPI)",
        "fr": "son contrat (OpenAPI)",
    },
    "ratio": {
        "en": "{city}: {ratio}× {other} ({period})",
        "fr": "{city} : {ratio} × {other} ({period})",
    },
    "change": {
        "en": "{sign}{change}% since {since}",
        "fr": "{sign}{change} % depuis {since}",
    },
    "change.break": {
        "en": "{sign}{change}% since {since} (after a series break: {kind})",
        "fr": "{sign}{change} % depuis {since} (après une rupture de série : {kind})",
    },
    "change.span": {
        "en": "{sign}{change}% {since}",
        "fr": "{sign}{change} % {since}",
    },
    "change.span.break": {
        "en": "{sign}{change}% {since} (after a series break: {kind})",
        "fr": "{sign}{change} % {since} (après une rupture de série : {kind})",
    },
    "from_to": {"en": "from {since} to {until}", "fr": "de {since} à {until}"},
    "change.same_month": {
        "en": "{sign}{change}% since {since} (same month)",
        "fr": "{sign}{change} % depuis {since} (même mois)",
    },
    "change.window.daily": {
        "en": "{sign}{change}%: mean of the 12 months to {end} vs the same months to {start}",
        "fr": "{sign}{change} % : moyenne des 12 mois au {end} par rapport aux mêmes mois au {start}",
    },
    "change.window.hourly": {
        "en": "{sign}{change}%: mean of the 7 days to {end} vs the same days to {start}",
        "fr": "{sign}{change} % : moyenne des 7 jours au {end} par rapport aux mêmes jours au {start}",
    },
    "change.window.monthly": {
        "en": "{sign}{change}%: the 12 months to {end} vs the same months to {start}",
        "fr": "{sign}{change} % : les 12 mois jusqu'à {end} par rapport aux mêmes mois jusqu'à {start}",
    },
    "break.station": {"en": "station change", "fr": "changement de station"},
    "break.definition": {"en": "definition change", "fr": "changement de définition"},
    "break.coverage": {"en": "coverage change", "fr": "changement de périmètre"},
    "break.census": {"en": "census vs estimates", "fr": "recensement ou estimations"},
    "break.source": {"en": "source change", "fr": "changement de source"},
    "ratio.window.daily": {
        "en": "{city}: {ratio}× {other} (12-month mean to {last})",
        "fr": "{city} : {ratio} × {other} (moyenne sur 12 mois au {last})",
    },
    "ratio.window.hourly": {
        "en": "{city}: {ratio}× {other} (7-day mean to {last})",
        "fr": "{city} : {ratio} × {other} (moyenne sur 7 jours au {last})",
    },
    "ratio.edition": {
        "en": "{city}: {ratio}× {other} ({period}, {edition} edition)",
        "fr": "{city} : {ratio} × {other} ({period}, édition {edition})",
    },
    "not_compared": {
        "en": "Not compared: {reason}",
        "fr": "Pas de comparaison : {reason}",
    },
    "collected": {
        "en": "snapshot collected {date}",
        "fr": "instantané constitué le {date}",
    },
    "fetched": {"en": "fetched {date}", "fr": "récupérée le {date}"},
    "imported": {"en": "imported {date}", "fr": "importée le {date}"},
    "no_data_period": {
        "en": "no data in this period",
        "fr": "pas de données sur cette période",
    },
    "freshness": {
        "en": "{city}: latest data {when}",
        "fr": "{city} : dernière donnée {when}",
    },
    "local_time_short": {"en": "local time", "fr": "heure locale"},
    "stale_short": {"en": "stale", "fr": "périmé"},
    "partial_short": {"en": "partial year", "fr": "année incomplète"},
    "table_label": {"en": "Data table", "fr": "Tableau de données"},
    "city_label": {"en": "{city}: ", "fr": "{city} : "},
    "period": {"en": "Period", "fr": "Période"},
    "table_truncated": {
        "en": "The latest {shown} of {total} periods; the CSV has them all.",
        "fr": "Les {shown} dernières périodes sur {total} ; le CSV les contient toutes.",
    },
    "summary_none": {
        "en": "No data for {label} in the selected period.",
        "fr": "Aucune donnée pour « {label} » sur la période choisie.",
    },
    "summary_one": {
        "en": "Only {city} has data for {label} here ({span}).",
        "fr": "Seules les données de {city} existent ici pour « {label} » ({span}).",
    },
    "summary_no_overlap": {
        "en": "{label}: the periods do not overlap ({a} {a_span}, {b} {b_span}).",
        "fr": "{label} : les périodes ne se recouvrent pas ({a} {a_span}, {b} {b_span}).",
    },
    "summary_latest": {
        "en": "{label}, latest values: {a} {a_value} {unit} ({a_when}), {b} {b_value} {unit} ({b_when}).",
        "fr": "{label}, dernières valeurs : {a} {a_value} {unit} ({a_when}), {b} {b_value} {unit} ({b_when}).",
    },
    "summary_ratio": {
        "en": "{when}, {label} in {a} was {a_value} {unit}, {ratio} times {b}'s ({b_value} {unit}).",
        "fr": "{when}, {label} à {a} : {a_value} {unit}, soit {ratio} fois la valeur de {b} ({b_value} {unit}).",
    },
    "summary_window.daily": {
        "en": "Over the {count} days both cities measured in the 12 months to {last}, {label} averaged {a_value} {unit} in {a}, {ratio} times {b}'s ({b_value} {unit}).",
        "fr": "Sur les {count} jours mesurés par les deux villes dans les 12 mois au {last}, {label} : {a_value} {unit} en moyenne à {a}, soit {ratio} fois la valeur de {b} ({b_value} {unit}).",
    },
    "summary_window.hourly": {
        "en": "Over the {count} hours both cities have in the 7 days to {last}, {label} averaged {a_value} {unit} in {a}, {ratio} times {b}'s ({b_value} {unit}).",
        "fr": "Sur les {count} heures communes aux deux villes dans les 7 jours au {last}, {label} : {a_value} {unit} en moyenne à {a}, soit {ratio} fois la valeur de {b} ({b_value} {unit}).",
    },
    "summary_side": {
        "en": "{label}: {a} {a_value} {unit} ({a_when}), {b} {b_value} {unit} ({b_when}). {reason}",
        "fr": "{label} : {a} {a_value} {unit} ({a_when}), {b} {b_value} {unit} ({b_when}). {reason}",
    },
    "summary_index": {
        "en": "{when}, {label} stood at {a_value} in {a} and {b_value} in {b} ({unit}).",
        "fr": "{when}, {label} : {a_value} à {a} et {b_value} à {b} ({unit}).",
    },
    "when.edition": {
        "en": "In {period} ({edition} edition)",
        "fr": "En {period} (édition {edition})",
    },
    "when.annual": {"en": "In {period}", "fr": "En {period}"},
    "when.monthly": {"en": "In {period}", "fr": "En {period}"},
    "when.daily": {"en": "On {period}", "fr": "Le {period}"},
    "when.hourly": {"en": "On {period}", "fr": "Le {period}"},
    "domains": {"en": "Themes", "fr": "Thèmes"},
    "theme.light": {"en": "Light", "fr": "Clair"},
    "theme.dark": {"en": "Dark", "fr": "Sombre"},
    "share": {"en": "Share", "fr": "Partager"},
    "share_link": {"en": "Link to this view", "fr": "Lien vers cette vue"},
    "copy": {"en": "Copy the link", "fr": "Copier le lien"},
    "page_tools": {"en": "Page tools", "fr": "Outils de la page"},
    "skip": {"en": "Skip to the chart", "fr": "Aller au graphique"},
    "options": {"en": "Options", "fr": "Options"},
    "theme_label": {"en": "Theme", "fr": "Thème"},
    "year_from": {"en": "From", "fr": "De"},
    "year_to": {"en": "To", "fr": "À"},
    "now": {"en": "Now", "fr": "En ce moment"},
    "tile_when": {"en": "{time} · {age} ago", "fr": "{time} · il y a {age}"},
    "sources_all": {
        "en": "All sources and their status",
        "fr": "Toutes les sources et leur état",
    },
    "download_svg": {"en": "Download SVG", "fr": "Télécharger en SVG"},
    "export_hint": {
        "en": "PNG: the camera in the chart's toolbar.",
        "fr": "PNG : l'appareil photo dans la barre d'outils du graphique.",
    },
    "control.indicator": {"en": "Indicator", "fr": "Indicateur"},
    "control.view": {"en": "View", "fr": "Vue"},
    "control.axis": {"en": "Vertical axis", "fr": "Axe vertical"},
    "control.range": {"en": "Years", "fr": "Années"},
    "control.norm": {"en": "Values", "fr": "Valeurs"},
    "control.unit": {"en": "Unit", "fr": "Unité"},
    "control.clock": {"en": "Clock", "fr": "Horloge"},
    "overview_title": {"en": "At a glance", "fr": "En un coup d'œil"},
    "overview_intro": {
        "en": "Both cities on every theme: each one's latest value and recent years, the comparison the data allow, and each city's own targets with their status. A row's name opens its chart.",
        "fr": "Les deux villes sur chaque thème : la dernière valeur de chacune et ses années récentes, la comparaison que les données permettent, et les objectifs de chaque ville avec leur statut. Le nom d'une ligne ouvre son graphique.",
    },
    "overview_indicator": {"en": "Indicator", "fr": "Indicateur"},
    "overview_comparison": {"en": "Comparison", "fr": "Comparaison"},
    "overview_targets": {"en": "Own targets", "fr": "Objectifs propres"},
    "overview_trends": {
        "en": "Measured differently: compare trends, not levels.",
        "fr": "Mesuré différemment : comparer les tendances, pas les niveaux.",
    },
    "overview_not_compared": {"en": "Not compared —", "fr": "Non comparé —"},
    "overview_why": {"en": "why", "fr": "pourquoi"},
    "overview_common": {
        "en": "latest common period: {period}",
        "fr": "dernière période commune : {period}",
    },
    "overview_no_target": {"en": "none found", "fr": "aucun trouvé"},
    "overview_spark": {
        "en": "{city}, {first} to {last}: from {start} to {end}",
        "fr": "{city}, de {first} à {last} : de {start} à {end}",
    },
    "overview_dashboard": {"en": "All charts", "fr": "Tous les graphiques"},
    "overview_link": {"en": "At a glance", "fr": "En un coup d'œil"},
    "overview_theme_dark": {"en": "Dark theme", "fr": "Thème sombre"},
    "overview_theme_light": {"en": "Light theme", "fr": "Thème clair"},
    "skip_to_overview": {
        "en": "Skip to the overview",
        "fr": "Aller à la vue d'ensemble",
    },
    "window_link": {"en": "before and after", "fr": "avant et après"},
    "window_label": {
        "en": "Before and after an event",
        "fr": "Avant et après un événement",
    },
    "window_heading": {
        "en": "Before and after: {title} ({date})",
        "fr": "Avant et après : {title} ({date})",
    },
    "window_means": {
        "en": "mean of the {count} {periods} before ({before}): {before_mean}; of the {count} after ({after}): {after_mean}",
        "fr": "moyenne des {count} {periods} d'avant ({before}) : {before_mean} ; des {count} d'après ({after}) : {after_mean}",
    },
    "window_means_one": {
        "en": "the period before ({before}): {before_mean}; the period after ({after}): {after_mean}",
        "fr": "la période d'avant ({before}) : {before_mean} ; celle d'après ({after}) : {after_mean}",
    },
    "window_periods.annual": {"en": "years", "fr": "années"},
    "window_periods.monthly": {"en": "months", "fr": "mois"},
    "window_periods.daily": {"en": "days", "fr": "jours"},
    "window_periods.hourly": {"en": "hours", "fr": "heures"},
    "window_change": {"en": "({sign}{change} %)", "fr": "({sign}{change} %)"},
    "window_none": {
        "en": "no periods to compare for this indicator",
        "fr": "pas de périodes à comparer pour cet indicateur",
    },
    "window_not_causal": {
        "en": "This is not a causal estimate: the periods before and after differ in many ways (weather, season, economy, other measures, how the data were collected), and the event is one city's; the other city is shown over the same dates for context.",
        "fr": "Ce n'est pas une estimation causale : les périodes avant et après diffèrent de bien des façons (météo, saison, économie, autres mesures, collecte des données), et l'événement concerne une seule ville ; l'autre ville est montrée sur les mêmes dates pour le contexte.",
    },
    "window_close": {"en": "Back to all years", "fr": "Revenir à toutes les années"},
    "download_events": {"en": "Events (CSV)", "fr": "Événements (CSV)"},
    "download_targets": {"en": "Targets (CSV)", "fr": "Objectifs (CSV)"},
    "control.events": {
        "en": "Show policy events",
        "fr": "Afficher les mesures et événements",
    },
    "events_heading": {
        "en": "Policy events on this chart",
        "fr": "Mesures et événements sur ce graphique",
    },
    "event_source": {"en": "source", "fr": "source"},
    "targets_heading": {
        "en": "Each city's own targets",
        "fr": "Les objectifs de chaque ville",
    },
    "target_document": {"en": "document", "fr": "document"},
    "status_rule_summary": {
        "en": "How is a status computed?",
        "fr": "Comment le statut est-il calculé ?",
    },
    "status_rule.1": {
        "en": "No data: no indicator here measures the target, it is not one number, it has no target year, its change has no baseline year or no value in that year, or no value falls between the baseline and the target year.",
        "fr": "Pas de données : aucun indicateur ici ne mesure l'objectif, ce n'est pas un nombre unique, il n'a pas d'année cible, sa variation n'a pas d'année de référence ou pas de valeur cette année-là, ou aucune valeur ne tombe entre l'année de référence et l'année cible.",
    },
    "status_rule.2": {
        "en": "The target year has a value: achieved if it meets the target, missed if not.",
        "fr": "L'année cible a une valeur : atteint si elle respecte l'objectif, manqué sinon.",
    },
    "status_rule.3": {
        "en": "Otherwise the latest value is set against the straight path from the baseline year's value to the target: at or better than the path, on track; worse, off track. When the target year is past but its value not yet published, this says where the latest value stood.",
        "fr": "Sinon, la dernière valeur est comparée à la trajectoire linéaire entre la valeur de l'année de référence et l'objectif : au niveau ou mieux, en bonne voie ; moins bien, en retard. Si l'année cible est passée mais sa valeur pas encore publiée, le statut dit où en était la dernière valeur.",
    },
    "status_rule.4": {
        "en": "A change is never read across a break in the series (a new station, definition or source).",
        "fr": "Une variation n'est jamais lue à travers une rupture de série (nouvelle station, définition ou source).",
    },
    "control.table": {
        "en": "Show the data table",
        "fr": "Afficher le tableau de données",
    },
    "view.side": {"en": "Side by side", "fr": "Côte à côte"},
    "view.overlay": {"en": "Overlay", "fr": "Superposées"},
    "view.gap": {"en": "Gap (Paris − SF)", "fr": "Écart (Paris − SF)"},
    "view.ratio": {"en": "Ratio (Paris ÷ SF)", "fr": "Rapport (Paris ÷ SF)"},
    "axis.auto": {"en": "Automatic", "fr": "Automatique"},
    "axis.shared": {"en": "Shared", "fr": "Commun"},
    "axis.free": {"en": "Free", "fr": "Libre"},
    "range.all": {"en": "All", "fr": "Tout"},
    "range.10y": {"en": "Last 10 years", "fr": "10 dernières années"},
    "range.5y": {"en": "Last 5 years", "fr": "5 dernières années"},
    "range.1y": {"en": "Last year", "fr": "Dernière année"},
    "range.custom": {"en": "Custom", "fr": "Personnalisé"},
    "norm.absolute": {"en": "Absolute", "fr": "Valeurs brutes"},
    "norm.per_capita": {"en": "Per inhabitant", "fr": "Par habitant"},
    "norm.per_km2": {"en": "Per km²", "fr": "Par km²"},
    "norm.index": {
        "en": "Index (first complete common year = 100)",
        "fr": "Indice (première année complète commune = 100)",
    },
    "clockopt.local": {
        "en": "Each city's local time",
        "fr": "Heure locale de chaque ville",
    },
    "embed_open": {
        "en": "Open this comparison on Sister Cities",
        "fr": "Ouvrir cette comparaison sur Villes sœurs",
    },
    "pinned": {
        "en": "Data frozen at version {pin}: they will not change.",
        "fr": "Données figées à la version {pin} : elles ne changeront pas.",
    },
    "live_unavailable": {
        "en": "Live data are temporarily unavailable: shown here are the data shipped "
        "with the app and the last data this server holds, marked stale where newer "
        "data were due.",
        "fr": "Les données en direct sont momentanément indisponibles : voici les "
        "données livrées avec l'application et les dernières données que ce serveur "
        "détient, marquées « périmé » quand de plus récentes étaient attendues.",
    },
    "live_unavailable_short": {
        "en": "Live data are temporarily unavailable: the last data held are shown.",
        "fr": "Données en direct momentanément indisponibles : dernières données "
        "détenues affichées.",
    },
    "pin_unavailable": {
        "en": "The data cannot be frozen right now (the live store cannot be written); "
        "try again in a moment.",
        "fr": "Impossible de figer les données pour l'instant (le stockage en direct "
        "n'accepte pas d'écriture) ; réessayez dans un moment.",
    },
    "pin_missing": {
        "en": "Data version {pin} is not available; showing the current data.",
        "fr": "La version de données {pin} n'est pas disponible ; voici les données actuelles.",
    },
    "unknown_indicator": {
        "en": "No such indicator. Known indicators: {known}.",
        "fr": "Indicateur inconnu. Indicateurs connus : {known}.",
    },
    "not_found": {"en": "Not found", "fr": "Introuvable"},
    "bad_request": {
        "en": "This view cannot be shown",
        "fr": "Cette vue ne peut pas être affichée",
    },
    "embed_snippet": {
        "en": "Embed this chart (paste into a web page)",
        "fr": "Intégrer ce graphique (à coller dans une page web)",
    },
    "embed_pin": {
        "en": "Freeze the data as they are today",
        "fr": "Figer les données telles qu'elles sont aujourd'hui",
    },
    "copy_snippet": {"en": "Copy the embed code", "fr": "Copier le code d'intégration"},
    "embed_title": {
        "en": "{label}: Paris and San Francisco (Sister Cities)",
        "fr": "{label} : Paris et San Francisco (Villes sœurs)",
    },
    "scan_qr": {"en": "Open it on your phone", "fr": "Ouvrez-le sur votre téléphone"},
    "cite": {"en": "Cite this", "fr": "Citer"},
    "datapackage_link": {
        "en": "All the data (Data Package)",
        "fr": "Toutes les données (Data Package)",
    },
    "cite_title": {
        "en": "{label}: Paris and San Francisco",
        "fr": "{label} : Paris et San Francisco",
    },
    "cite_hint": {
        "en": "Freeze the data (above) to cite exactly these numbers: the citation then "
        "names the data version.",
        "fr": "Figez les données (ci-dessus) pour citer exactement ces chiffres : la "
        "citation nomme alors la version des données.",
    },
    "cite_format.text": {"en": "Text", "fr": "Texte"},
    "copy_citation": {
        "en": "Copy the {format} citation",
        "fr": "Copier la citation {format}",
    },
    "cite_format.bibtex": {"en": "BibTeX", "fr": "BibTeX"},
    "cite_format.csl": {"en": "CSL-JSON", "fr": "CSL-JSON"},
    "cite_text": {
        "en": "{app} ({year}). {title}. Data: {data}. {url} (accessed {date}{version}).",
        "fr": "{app} ({year}). {title}. Données : {data}. {url} (consulté le {date}"
        "{version}).",
    },
    "cite_version": {
        "en": "; data version {pin}",
        "fr": " ; version des données {pin}",
    },
    "cite_note": {
        "en": "Data: {data}; accessed {date}{version}",
        "fr": "Données : {data} ; consulté le {date}{version}",
    },
    "stage_monthly": {
        "en": "Drawn as monthly means of the {freq} values (a month counts when half "
        "of it has values); the cards give the latest value.",
        "fr": "Tracé en moyennes mensuelles des valeurs {freq} (un mois compte quand "
        "la moitié en a des valeurs) ; les cartes donnent la dernière valeur.",
    },
    "freq_adj.daily": {"en": "daily", "fr": "journalières"},
    "freq_adj.hourly": {"en": "hourly", "fr": "horaires"},
    "paused": {"en": "paused", "fr": "en pause"},
    "no_slides": {"en": "No slide to show", "fr": "Aucune diapositive à montrer"},
    "present_keys": {
        "en": "→ / Space: next · ←: previous · Home / End · P: pause · F: full screen",
        "fr": "→ / Espace : suivante · ← : précédente · Début / Fin · P : pause · F : plein écran",
    },
    "clockopt.utc": {"en": "UTC", "fr": "UTC"},
    "clock.local": {
        "en": "each city's local time",
        "fr": "heure locale de chaque ville",
    },
    "clock.utc": {"en": "UTC", "fr": "UTC"},
    "no_common_period": {
        "en": "The two cities have no period in common here",
        "fr": "Les deux villes n'ont ici aucune période en commun",
    },
    "gap_title": {"en": "{a} − {b}", "fr": "{a} − {b}"},
    "ratio_title": {"en": "{a} ÷ {b}", "fr": "{a} ÷ {b}"},
    "view_refused": {
        "en": "The “{view}” view is not offered here.",
        "fr": "La vue « {view} » n'est pas proposée ici.",
    },
    "break_label": {"en": "{city}: {kind}", "fr": "{city} : {kind}"},
    "target_label": {"en": "target {year}", "fr": "objectif {year}"},
    "bucket.hours": {"en": "{n}-hour", "fr": "{n} h"},
    "bucket.day": {"en": "daily", "fr": "1 jour"},
    "bucket.days": {"en": "{n}-day", "fr": "{n} jours"},
    "bucket.hover": {
        "en": "{span} mean from {date}: {mean} {unit}"
        "<br>range {low}–{high} ({count} values)",
        "fr": "moyenne sur {span} à partir du {date} : {mean} {unit}"
        "<br>étendue {low}–{high} ({count} valeurs)",
    },
    "bucket.note": {
        "en": "{span} means · min–max range",
        "fr": "moyennes sur {span} · étendue min–max",
    },
    "aggregated.monthly": {
        "en": "monthly means of the days both cities measured",
        "fr": "moyennes mensuelles des jours mesurés par les deux villes",
    },
    "aggregated.daily": {
        "en": "daily means of the hours both cities have",
        "fr": "moyennes journalières des heures communes aux deux villes",
    },
    "not_offered": {"en": "Not offered: {names}. ", "fr": "Non proposé : {names}. "},
    "level.levels": {
        "en": "Levels compare (ratio and gap shown).",
        "fr": "Les niveaux se comparent (rapport et écart montrés).",
    },
    "level.trends": {
        "en": "Compare trends, not levels.",
        "fr": "Comparer les tendances, pas les niveaux.",
    },
    "level.within_edition": {
        "en": "Compare within one survey edition only.",
        "fr": "Comparer au sein d'une même édition seulement.",
    },
    "level.none": {
        "en": "Not comparable: shown side by side.",
        "fr": "Pas comparable : montré côte à côte.",
    },
    "latest_common": {
        "en": "Newest period the two cities can be compared in: {period}.",
        "fr": "Dernière période où les deux villes se comparent : {period}.",
    },
    "measures_title": {
        "en": "How each city measures this",
        "fr": "Comment chaque ville le mesure",
    },
    "measures.coverage": {"en": "Covers", "fr": "Périmètre"},
    "measures.unit": {"en": "Unit", "fr": "Unité"},
    "measures.definition": {"en": "Definition", "fr": "Définition"},
    "measures.publisher": {"en": "Publisher", "fr": "Éditeur"},
    "measures.breaks": {"en": "Series breaks", "fr": "Ruptures de série"},
    "measures.partial": {"en": "Partial periods", "fr": "Périodes incomplètes"},
    "scales_differ": {
        "en": "Scales differ: each city has its own axis",
        "fr": "Échelles différentes : chaque ville a son propre axe",
    },
    "crossover": {
        "en": "crossover: the cities swap places",
        "fr": "croisement : les villes échangent leur place",
    },
}

# Display names of units; symbols (µg/m³, GWh, %) read the same in both languages.
UNIT_LABELS: dict[str, dict[str, str]] = {
    "deaths": {"en": "deaths", "fr": "tués"},
    "bikes": {"en": "bikes", "fr": "vélos"},
    "bicycles": {"en": "bicycles", "fr": "vélos"},
    "docks": {"en": "docks", "fr": "bornes"},
    "trips": {"en": "trips", "fr": "trajets"},
    "persons": {"en": "inhabitants", "fr": "habitants"},
    "hours per driver": {"en": "hours per driver", "fr": "heures par conducteur"},
    "index": {"en": "index", "fr": "indice"},
    "t": {"en": "tonnes", "fr": "tonnes"},
    "short ton": {"en": "short tons", "fr": "tonnes courtes"},
    "stations": {"en": "stations", "fr": "stations"},
    "vehicles per hour": {"en": "vehicles per hour", "fr": "véhicules par heure"},
    "t CO2e": {"en": "t CO₂e", "fr": "t éq. CO₂"},
    "Mt CO2e": {"en": "Mt CO₂e", "fr": "Mt éq. CO₂"},
}


def unit_label(unit: str, lang: str) -> str:
    return UNIT_LABELS.get(unit, {}).get(lang, unit)


def pick_lang(requested: str | None, accept_language: str | None = None) -> str:
    """?lang= wins; then the browser's Accept-Language; then English."""
    if requested in LANGUAGES:
        return requested
    for part in (accept_language or "").split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in LANGUAGES:
            return code
    return DEFAULT_LANG


def t(key: str, lang: str, **values: object) -> str:
    text = STRINGS[key][lang]
    return text.format(**values) if values else text


def mid_sentence(label: str) -> str:
    """'Electricity consumption' → 'electricity consumption'; 'PM2.5', 'NO₂' unchanged."""
    if len(label) > 1 and label[0].isupper() and label[1].islower():
        return label[0].lower() + label[1:]
    return label


def fmt_number(value: float, lang: str, digits: int = 1) -> str:
    """1234.5 → '1,234.5' (en) or '1 234,5' (fr)."""
    pattern = "#,##0" + ("." + "#" * digits if digits else "")
    return format_decimal(value, format=pattern, locale=LOCALES[lang])


def value_text(value: float, unit: str, lang: str) -> str:
    """A value with its unit, whole from 10 up ('42 deaths', '7.1 µg/m³')."""
    digits = 0 if abs(value) >= 10 or value == 0 else 1
    return f"{fmt_number(value, lang, digits)} {unit}".strip()


def fmt_period(moment: dt.datetime, freq: str, lang: str) -> str:
    """A period on the city's calendar: '2016', 'Nov 2016' / 'nov. 2016', 'Nov 25, 2016'…"""
    locale = LOCALES[lang]
    if freq == "annual":
        return str(moment.year)
    if freq == "monthly":
        return format_date(moment, format="MMM y", locale=locale)
    if freq == "daily":
        return format_date(moment, format="medium", locale=locale)
    return format_datetime(
        moment,
        format="d MMM y HH:mm" if lang == "fr" else "MMM d, y h:mm a",
        locale=locale,
    )


def fmt_date(day: dt.date, lang: str) -> str:
    """25 Nov 2026 → 'Nov 25, 2026' (en) or '25 nov. 2026' (fr)."""
    return format_date(day, format="medium", locale=LOCALES[lang])
