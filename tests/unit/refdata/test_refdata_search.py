"""Autocomplete and nearest-station search."""

import time

import pytest

from co2calc.refdata import Airport, AirportIndex, Station, StationIndex

EPFL = (46.5191, 6.5668)
LAUSANNE_AREA = {"Renens VD", "Denges-Echandens", "Prilly-Malley", "Lausanne", "Morges"}


@pytest.fixture(scope="module")
def airports() -> AirportIndex:
    return AirportIndex.default()


@pytest.fixture(scope="module")
def stations() -> StationIndex:
    return StationIndex.default()


def codes(results):
    return [getattr(r, "iata", None) or r.uic for r in results]


def test_default_is_shared():
    assert AirportIndex.default() is AirportIndex.default()


def test_exact_code_first(airports):
    res = airports.search("gva")
    assert res[0].iata == "GVA"
    assert airports.search("ZRH")[0].iata == "ZRH"
    assert airports.get("lhr").name == "London Heathrow Airport"


def test_airport_city_prefix(airports):
    res = airports.search("genev", limit=5)
    assert codes(res)[0] == "GVA"
    assert airports.search("geneva")[0].iata == "GVA"  # exact city
    assert airports.search("zurich")[0].iata == "ZRH"
    # airports of a metropolitan area (LON) before the other "lon..." matches
    london = codes(airports.search("lon", limit=5))
    assert set(london) == {"LCY", "LGW", "LHR", "LTN", "STN"}


def test_airport_metro_code(airports):
    assert {"CDG", "ORY"} <= set(codes(airports.search("PAR", limit=10)))


def test_accent_and_case_insensitive(airports, stations):
    assert airports.search("SÃO PAULO", limit=3)[0].city.startswith("Sao Paulo")
    assert stations.search("geneve")[0].name == "Genève"
    assert stations.search("GENÈVE")[0].name == "Genève"
    assert stations.search("zurich hb")[0].name == "Zürich HB"


def test_station_exact_name_first_then_bigger(stations):
    res = stations.search("lausanne", limit=5)
    assert res[0].name == "Lausanne"
    assert {"Lausanne-Flon", "Lausanne-Chauderon"} <= {s.name for s in res}
    # exact name beats bigger stations sharing the prefix (Bernau b Berlin)
    assert stations.search("bern")[0].name == "Bern"
    # bigger first: Zürich HB and Flughafen ahead of the small Zürich stops
    top = [s.name for s in stations.search("zürich", limit=3)]
    assert "Zürich HB" in top


def test_tiers_prefix_before_word_before_substring(stations):
    res = [s.name for s in stations.search("lausanne", limit=10)]
    assert res.index("Lausanne-Flon") < res.index("Romanel-sur-Lausanne")
    assert [s.name for s in stations.search("gare de lyon")] == ["Paris Gare de Lyon"]
    assert stations.search("urich h")[0].name == "Zürich HB"  # substring tier


def test_station_by_uic(stations):
    assert stations.search("8501120")[0].name == "Lausanne"
    assert stations.get("8503000").name == "Zürich HB"


def test_limit_and_empty(airports, stations):
    assert len(airports.search("a", limit=3)) == 3
    assert len(stations.search("e", limit=50)) == 50
    assert airports.search("", limit=5) == []
    assert airports.search("   ", limit=5) == []
    assert stations.search("xyzqqq") == []
    assert airports.search("gva", limit=0) == []
    assert len(set(codes(stations.search("ba", limit=200)))) == 200


def test_custom_index():
    idx = AirportIndex(
        [
            Airport("AAA", "Alpha Airport", "Zed", "CH", 0.0, 0.0),
            Airport("BBB", "Zed Intl", "Zed", "CH", 1.0, 1.0),
        ]
    )
    assert codes(idx.search("zed")) == ["AAA", "BBB"]  # alphabetical by name
    sidx = StationIndex(
        [
            Station("8500001", "Small", "CH", 0.0, 0.0),
            Station("8500002", "Smaller", "CH", 0.0, 1.0),
        ],
        weights={"8500002": 10.0},
    )
    assert codes(sidx.search("sma")) == ["8500002", "8500001"]
    assert codes(sidx.search("small")) == ["8500001", "8500002"]  # exact name first


def test_nearest_to_epfl(stations):
    (best,) = stations.nearest(*EPFL)
    assert best.country == "CH"
    assert best.name in LAUSANNE_AREA
    near = stations.nearest_with_distance(*EPFL, k=5)
    assert len(near) == 5
    dists = [d for _, d in near]
    assert dists == sorted(dists)
    assert dists[0] < 5
    assert all(d < 10 for d in dists)


def test_nearest_matches_brute_force(stations):
    from co2calc.refdata._search import haversine_km

    all_stations = list(stations._by_lat)
    for lat, lon in [(EPFL), (48.85, 2.35), (60.0, 25.0), (36.0, -5.0), (0.0, 0.0)]:
        expected = sorted(all_stations, key=lambda s: haversine_km(lat, lon, s.lat, s.lon))[:3]
        assert stations.nearest(lat, lon, k=3) == expected


def test_search_is_fast(airports, stations):
    queries = ["g", "ge", "gen", "gva", "lon", "zurich", "airport", "lau", "lausanne", "paris"]
    for idx in (airports, stations):
        for q in queries:  # warm (first substring query builds the n-gram index)
            idx.search(q)
        t = time.perf_counter()
        for _ in range(20):
            for q in queries:
                idx.search(q)
        per_query = (time.perf_counter() - t) / (20 * len(queries))
        assert per_query < 1e-3  # typically ~10 µs
