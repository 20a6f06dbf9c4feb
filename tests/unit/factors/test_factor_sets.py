"""Factor set loading, validation, plausibility bounds, diffs and the shipped sets."""

from __future__ import annotations

import io
from decimal import Decimal as D

import pytest
from openpyxl import Workbook

from co2calc.factors import (
    COLUMNS,
    FactorSetNotFoundError,
    FactorValidationError,
    diff_factor_sets,
    factor_set_to_csv,
    load_factor_csv,
    load_factor_xlsx,
    load_shipped_factor_set,
    shipped_years,
)

HEADER = "factor_id,module,submodule,key,value,unit,uncertainty,source,currency,base_year\n"
BAD = HEADER + "\n".join(
    [
        "ok,travel,train,CH,0.007,kg/pkm,0.3,mobitool v3.0,,",  # 1 fine
        "elec,energy,carrier,electricity,1.6,kg/kWh,0.2,x,,",  # 2 > 1.5 kg/kWh
        "oil,buildings,combustion,heating_oil:L,4.5,kg/L,0.1,x,,",  # 3 > 4 kg/L
        "fly,travel,plane,band:0-,1.2,kg/pkm,0.37,x,,",  # 4 > 1 kg/pkm
        "neg,travel,train,FR,-0.01,kg/pkm,0.3,x,,",  # 5 negative
        "nan,travel,train,DE,abc,kg/pkm,0.3,,,",  # 6 not a number, no source
        "ok,travel,train,IT,0.07,kg/furlong,0.3,x,,",  # 7 dup id, bad unit
        "eur,purchases,spend,code:1,0.3,kg/EUR,0.8,x,,",  # 8 no currency/base
    ]
)


def test_all_errors_reported_and_nothing_loaded() -> None:
    with pytest.raises(FactorValidationError) as info:
        load_factor_csv(BAD, version="v", year=2024)
    got = {(i.row, i.column) for i in info.value.issues}
    assert {
        (2, "value"),
        (3, "value"),
        (4, "value"),
        (5, "value"),
        (6, "value"),
        (6, "source"),
        (7, "unit"),
        (8, "currency"),
        (8, "base_year"),
    } <= got
    assert 1 not in {i.row for i in info.value.issues}
    assert all(i.message for i in info.value.issues)


def test_duplicate_keys_and_ids() -> None:
    text = (
        HEADER + "a,travel,train,CH,0.007,kg/pkm,0.3,x,,\nb,travel,train,CH,0.008,kg/pkm,0.3,x,,\n"
    )
    with pytest.raises(FactorValidationError) as info:
        load_factor_csv(text, version="v", year=2024)
    assert [(i.row, i.column) for i in info.value.issues] == [(2, "key")]


def test_xlsx_same_validation() -> None:
    wb = Workbook()
    ws = wb.active
    for line in BAD.splitlines():
        ws.append(line.split(","))
    buf = io.BytesIO()
    wb.save(buf)
    with pytest.raises(FactorValidationError) as info:
        load_factor_xlsx(buf.getvalue(), version="v", year=2024)
    assert {i.row for i in info.value.issues} == {2, 3, 4, 5, 6, 7, 8}


def test_xlsx_numbers_load() -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(list(COLUMNS[:8]))
    ws.append(["e", "energy", "carrier", "electricity", 0.097, "kg/kWh", 0.2, "BAFU"])
    buf = io.BytesIO()
    wb.save(buf)
    fs = load_factor_xlsx(buf.getvalue(), version="v", year=2025)
    assert fs.get("energy", "carrier", "electricity").value == D("0.097")


def test_shipped_sets_load_with_sources() -> None:
    assert shipped_years() == [2024, 2025]
    for year in shipped_years():
        fs = load_shipped_factor_set(year)
        assert fs.year == year and fs.gwp_set == "AR5" and len(fs) > 100
        assert all(f.source for f in fs.factors)
        # spec figures (§4.2, §4.4, §4.6)
        assert fs.get("travel", "plane", "band:0-1000").value == D("0.2586")
        assert fs.get("energy", "carrier", "electricity").value == D("0.097")
        assert fs.get("cloud-ai", "cloud", "default").value == D("0.259")
        assert fs.get("travel", "train", "FR").value == D("0.0125")
    with pytest.raises(FactorSetNotFoundError):
        load_shipped_factor_set(1999)


def test_csv_round_trip() -> None:
    fs = load_shipped_factor_set(2024)
    again = load_factor_csv(factor_set_to_csv(fs), version=fs.version, year=2024)
    assert diff_factor_sets(fs, again).is_empty


def test_diff_added_changed_stale() -> None:
    old = load_factor_csv(
        HEADER + "a,travel,train,CH,0.007,kg/pkm,0.3,x,,\n"
        "b,travel,train,FR,0.0125,kg/pkm,0.3,x,,\n",
        version="1",
        year=2024,
    )
    new = load_factor_csv(
        HEADER + "a,travel,train,CH,0.008,kg/pkm,0.3,x,,\nc,travel,train,DE,0.04,kg/pkm,0.3,x,,\n",
        version="2",
        year=2024,
    )
    diff = diff_factor_sets(old, new)
    assert [f.factor_id for f in diff.added] == ["c"]
    assert [f.factor_id for f in diff.stale] == ["b"]
    assert [(c.new.factor_id, c.fields) for c in diff.changed] == [("a", ("value",))]
    assert diff_factor_sets(None, new).summary()["added"] == ["a", "c"]


def test_a_string_is_content_never_a_file_name(tmp_path) -> None:
    """User text naming a server file must not make the loader read it."""
    secret = tmp_path / "secret.csv"
    secret.write_text(HEADER + "a,travel,train,CH,0.007,kg/pkm,0.3,x,,\n")
    with pytest.raises(FactorValidationError):
        load_factor_csv(str(secret), version="v", year=2024)
    assert len(load_factor_csv(secret, version="v", year=2024).factors) == 1
