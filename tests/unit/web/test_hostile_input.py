"""Hostile input, generated: whatever a client sends as query parameters or as callback
payloads, the answer is a 2xx/4xx, never a 5xx, and nothing comes back unescaped."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app import server

NASTY_TEXT = st.one_of(
    st.text(max_size=200),
    st.sampled_from(
        [
            "<script>alert(1)</script>",
            '"><svg onload=alert(1)>',
            "'; DROP TABLE series; --",
            "1 OR 1=1",
            "../../etc/passwd",
            "%00",
            "\u202e\u0000\ufeff",
            "9" * 400,
            "",
        ]
    ),
)
PARAMETER_NAMES = st.one_of(
    st.sampled_from(
        [
            "indicator",
            "view",
            "axis",
            "range",
            "from",
            "to",
            "norm",
            "unit",
            "clock",
            "lang",
            "theme",
            "table",
            "domain",
            "pin",
            "slides",
            "deck",
            "interval",
            "idle",
            "cities",
            "start",
            "end",
            "base",
        ]
    ),
    st.text(min_size=1, max_size=20),
)
QUERIES = st.dictionaries(PARAMETER_NAMES, NASTY_TEXT, max_size=6)
PATHS = ["/", "/embed/no2", "/present", "/api/series/no2.json", "/api/series/pm25.csv"]
# Any JSON a client could post where the app expects its own stored state.
JSON_VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), NASTY_TEXT),
    lambda children: st.one_of(
        st.lists(children, max_size=5),
        st.dictionaries(
            st.sampled_from(["indicator", "lang", "view", "start", "x"]),
            children,
            max_size=5,
        ),
    ),
    max_leaves=20,
)
SETTINGS = settings(
    max_examples=40,
    deadline=None,
    # The same examples on every run: a new finding comes from a deliberate exploration
    # run (remove this line), not from chance in an unrelated CI run.
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture(scope="module")
def client():
    return server.test_client()


def unescaped(value: str, body: str, plain_body: str) -> bool:
    """The value appears raw in the page, and not merely as markup the page always has
    ('</di' is in every page that has a </div>)."""
    return (
        any(c in value for c in '<>"')
        and len(value) > 3
        and value in body
        and value not in plain_body
    )


@pytest.mark.parametrize("path", PATHS)
@SETTINGS
@given(query=QUERIES)
def test_any_query_string_gets_a_clear_answer(client, path, query):
    response = client.get(path, query_string=query)
    assert response.status_code < 500, (path, query)
    body = response.get_data(as_text=True)
    plain_body = client.get(path).get_data(as_text=True)
    for value in query.values():
        assert not unescaped(value, body, plain_body), (path, value)


def post_callback(client, output: str, inputs: list[dict], state: list | None = None):
    targets = [o.rsplit(".", 1) for o in output.strip(".").split("...")]
    outputs = [{"id": target, "property": prop} for target, prop in targets]
    return client.post(
        "/_dash-update-component",
        json={
            "output": output,
            "outputs": outputs if output.startswith("..") else outputs[0],
            "inputs": inputs,
            "changedPropIds": [f"{inputs[0]['id']}.{inputs[0]['property']}"],
            "state": state or [],
        },
    )


@SETTINGS
@given(stored=JSON_VALUES, pin=JSON_VALUES)
def test_any_callback_payload_gets_a_clear_answer(client, stored, pin):
    presentation = [
        {"id": control, "property": "value", "value": pin}
        for control in ("view", "theme", "axis")
    ]
    for output, inputs, state in (  # (multi-output callbacks are named "..a..b..")
        (
            "..view-head.children...content.children...rendered-view.data..",
            [{"id": "view-state", "property": "data", "value": stored}],
            [
                *presentation,
                {"id": "rendered-view", "property": "data", "value": stored},
            ],
        ),
        (
            "live-tiles.children",
            [
                {"id": "tiles-interval", "property": "n_intervals", "value": pin},
                {"id": "view-state", "property": "data", "value": stored},
            ],
            [],
        ),
        (
            "..embed-snippets.data...cite-text.value...cite-bibtex.value"
            "...cite-csl.value...share-reuse.children..",
            [
                {"id": "view-state", "property": "data", "value": stored},
                {"id": "embed-pin", "property": "value", "value": pin},
            ],
            [],
        ),
    ):
        response = post_callback(client, output, inputs, state)
        assert response.status_code < 500, (output, stored, pin)
        # Well-formed requests are answered, not refused: the callbacks themselves run.
        assert response.status_code in (200, 204), (output, response.get_data())


@pytest.mark.parametrize(
    "body",
    [
        "not json",
        "[]",
        '{"output": 1}',
        '{"output": "nope.children", "inputs": [], "outputs": {}}',
        # A multi-output callback sent one output (Dash would index past the end).
        '{"output": "..content.children...rendered-view.data..", "outputs": {"id":'
        ' "content", "property": "children"}, "inputs": [{"id": "view-state",'
        ' "property": "data", "value": {}}], "state": [{}, {}, {}, {}]}',
        # A real callback missing the presentation controls it reads (found by
        # hypothesis: Dash indexed past the end of the list, a 500).
        '{"output": "content.children", "outputs": {"id": "content", "property":'
        ' "children"}, "inputs": [{"id": "view-state", "property": "data",'
        ' "value": {}}], "state": []}',
        "{" * 5000,
    ],
)
def test_malformed_callback_requests_are_refused_not_crashed(client, body):
    response = client.post(
        "/_dash-update-component", data=body, content_type="application/json"
    )
    assert 400 <= response.status_code < 500


def test_oversized_requests_are_refused(client):
    response = client.post(
        "/_dash-update-component",
        data=b"{" + b" " * 2_000_000 + b"}",
        content_type="application/json",
    )
    assert response.status_code == 413


@pytest.mark.parametrize(
    "method, path, payload",
    [
        ("get", "/present", {"slides": ",".join(["no2"] * 5000)}),
        ("get", "/embed/no2", {"lang": "fr+" * 3000, "range": "1" * 5000}),
        ("get", "/api/series/no2.json", {"cities": "paris," * 5000}),
        ("post", "/_dash-update-component", list(range(100_000))),
    ],
)
def test_a_hostile_request_costs_bounded_memory(client, method, path, payload):
    """Huge lists and strings are cut or refused early, not expanded in memory."""
    import tracemalloc

    client.get("/embed/no2")  # warm the caches a normal visit fills anyway
    client.get("/present")
    tracemalloc.start()
    if method == "get":
        response = client.get(path, query_string=payload)
    else:
        response = client.post(
            path,
            json={
                "output": "content.children",
                "outputs": {"id": "content", "property": "children"},
                "inputs": [{"id": "view-state", "property": "data", "value": payload}],
                "changedPropIds": ["view-state.data"],
                "state": [],
            },
        )
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert response.status_code < 500
    assert peak < 64 * 2**20, f"{peak / 2**20:.0f} MiB"


@pytest.mark.parametrize(
    "path",
    [
        "/_dash-component-suites/dash/nope.js",
        "/_dash-component-suites/dash/dcc/nope.v4_4_1m1.js",
        "/_dash-component-suites/no_such_package/x.js",
    ],
)
def test_an_unknown_component_file_is_a_404_not_a_500(client, path, caplog):
    response = client.get(path)
    assert response.status_code == 404
    assert "Traceback" not in caplog.text and "registered" not in response.get_data(
        as_text=True
    )


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE", "PATCH", "TRACE"])
def test_a_callback_by_the_wrong_method_is_a_405_that_says_post(client, method):
    response = client.open("/_dash-update-component", method=method)
    assert response.status_code == 405
    assert "POST" in response.headers["Allow"]
    assert "method" in response.get_json()["error"]


def state_callback_request(client, values: dict, trigger: str, extra_button=None):
    """The view-state callback as the browser posts it, with `values` for its inputs."""
    client.get("/_dash-layout")  # Dash registers its callbacks on its first request
    from app import app as dash_app

    output = next(k for k in dash_app.callback_map if k.startswith("..url.search"))
    registered = dash_app.callback_map[output]

    def component(text):
        return json.loads(text) if text.startswith("{") else text

    inputs = []
    for item in registered["inputs"]:
        if item["id"].startswith("{"):  # the theme buttons, one per domain
            buttons = [
                {"id": {"type": "domain-button", "domain": d}, "property": "n_clicks"}
                for d in ("air", "mobility")
            ]
            inputs.append(buttons + ([extra_button] if extra_button else []))
        else:
            name = item["id"]
            inputs.append(
                {"id": name, "property": item["property"], "value": values.get(name)}
            )
    outputs = [
        {"id": component(part.rsplit(".", 1)[0]), "property": part.rsplit(".", 1)[1]}
        for part in output.strip(".").split("...")
    ]
    return client.post(
        "/_dash-update-component",
        json={
            "output": output,
            "outputs": outputs,
            "inputs": inputs,
            "state": [
                {"id": component(s["id"]), "property": s["property"]}
                for s in registered["state"]
            ],
            "changedPropIds": [trigger],
        },
    )


GOOD_VALUES = {"url": "?indicator=no2", "indicator": "no2", "norm": "absolute"}


@pytest.mark.parametrize(
    ("values", "trigger"),
    [
        ({"url": 5}, "url.search"),
        ({"url": ["?indicator=no2"]}, "url.search"),
        ({"indicator": {}}, "indicator.value"),
        ({"clock": ["local"]}, "clock.value"),
        ({"year-from": "abc", "year-to": "2020"}, "year-from.value"),
        ({"year-from": [1], "year-to": "2020"}, "year-from.value"),
    ],
)
def test_a_control_sent_a_value_of_the_wrong_type_is_its_default(
    client, values, trigger
):
    response = state_callback_request(client, {**GOOD_VALUES, **values}, trigger)
    assert response.status_code in (200, 204), response.get_data()


def test_a_theme_button_of_no_theme_is_the_default_theme(client):
    unknown = {"id": {"type": "domain-button", "domain": "nowhere"}, "value": 1}
    unknown["property"] = "n_clicks"
    trigger = '{"domain":"nowhere","type":"domain-button"}.n_clicks'
    response = state_callback_request(client, GOOD_VALUES, trigger, unknown)
    assert response.status_code == 200
    assert '"domain":"air"' in response.get_data(as_text=True).replace(" ", "")


@pytest.mark.parametrize(
    "body",
    [
        '{"output": ' + "[" * 100_000 + "]" * 100_000 + "}",
        '{"output": "share-url.value", "outputs": {"id": "share-url", "property":'
        ' "value"}, "inputs": [{"id": "url", "value": "?a"}], "state": []}',
        '{"output": "share-url.value", "outputs": {"id": "share-url", "property":'
        ' "value"}, "inputs": [{"property": "search", "value": "?a"}], "state": []}',
    ],
)
def test_a_callback_body_too_deep_or_missing_a_name_is_a_400(client, body):
    response = client.post(
        "/_dash-update-component", data=body, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.get_json() == {"error": "malformed callback request"}
