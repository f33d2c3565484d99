"""The data API's OpenAPI 3.1 contract, held by a property-based tester: schemathesis
generates requests from /api/openapi.json (valid ones and, per parameter, invalid ones)
and sends them over a real socket to the app served by gunicorn. Every answer must be
a documented status with its documented content type and schema — never a 5xx."""

from __future__ import annotations

import requests
import schemathesis
from hypothesis import HealthCheck, settings
from openapi_spec_validator import validate

from components.publish.openapi import document
from tests.helpers import (
    READY_DEADLINE_SECONDS,
)


def test_the_document_is_openapi_3_1_and_names_every_indicator(served):
    served_doc = requests.get(
        f"{served}/api/openapi.json", timeout=READY_DEADLINE_SECONDS
    ).json()
    assert served_doc == document()
    assert served_doc["openapi"] == "3.1.0"
    validate(served_doc)  # against the OpenAPI 3.1 meta-schema
    [indicator] = [
        p
        for p in served_doc["paths"]["/api/series/{indicator}.json"]["get"][
            "parameters"
        ]
        if p["name"] == "indicator"
    ]
    assert {"no2", "road_deaths", "ghg_basic"} <= set(indicator["schema"]["enum"])


# The contract generates the cases; the served document is the same one (asserted above).
# A series request valid in form may still be refused for what the data allow (a base
# year without a whole year of data, a unit another indicator has): the contract says
# 400 for those, so valid-looking requests to /api/series may get it.
CONFIG = schemathesis.Config.from_dict(
    {
        "operations": [
            {
                "include-path-regex": "^/api/series/",
                "checks": {
                    "positive_data_acceptance": {
                        "expected-statuses": ["2xx", "400", "404"]
                    }
                },
            }
        ]
    }
)
schema = schemathesis.openapi.from_dict(document(), config=CONFIG)


@schema.parametrize()
@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_every_answer_keeps_the_contract(case, served):
    case.call_and_validate(base_url=served, timeout=READY_DEADLINE_SECONDS)
