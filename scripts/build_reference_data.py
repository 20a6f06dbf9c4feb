"""Rebuild the reference data files shipped in ``lib/co2calc/data/reference/``.

What it reads (build time only; the package never reads these at run time):

* ``airportsdata`` (PyPI, MIT; installed in the dev dependency group): every
  entry with an IATA code -> ``airports.csv`` (iata, name, city, country,
  lat, lon, icao, metro_code).  ``metro_code`` is the IATA metropolitan-area
  code from the package's ``iata_macs.csv`` (e.g. LON for LHR); it is used as a
  weak "bigger airport" ranking signal by the autocomplete.
* ``full.ndjson`` of the npm package ``db-hafas-stations`` (station data
  DB InfraGO CC BY 4.0 and OpenStreetMap contributors ODbL).  Install it outside
  the repository, e.g.::

      npm install db-hafas-stations@2.0.0 --prefix /tmp/hafas

  Kept: entries with a seven-digit UIC/EVA id whose first two digits are in
  ``uic_country_codes.csv`` and that are served by at least one rail product
  (nationalExpress, national, regionalExpress, regional, suburban).  Bus-,
  tram-, subway- or ferry-only stops, entries without any product and the
  six-digit local-transport ids are dropped -> ``stations.csv`` (uic, name,
  country, lat, lon, weight).  ``weight`` is the HAFAS importance weight
  (bigger = more traffic), used to rank autocomplete results.
* ``<shared>/uic-country-codes.csv`` -> ``uic_country_codes.csv`` (verbatim).
* ``<shared>/equipment-power-epfl.csv`` -> ``equipment_power.csv``: category,
  subcategory, class, subclass, active_w, standby_w, measurement.  The first
  active/standby pair is used, the second where the first is empty
  (``measurement`` says which: 1 or 2).  A row with an empty class but a
  sub-class continues the class of the row above (e.g. the "Moteurs"
  sub-classes).  Rows without any numeric value ("Other ..." placeholders,
  "?") are dropped and listed on stdout.  No hours-per-week default is added:
  the source gives none, usage defaults are left to the calculator.
* ``<shared>/ecb-fx-annual.csv`` -> ``ecb_fx_annual.csv`` and
  ``<shared>/hicp-euro-area-annual.csv`` -> ``hicp_ea_annual.csv`` (verbatim,
  with their source columns).

How to run (from the repository root)::

    npm install db-hafas-stations@2.0.0 --prefix /tmp/hafas
    uv run python scripts/build_reference_data.py \\
        [--shared-data /work/shared/data] \\
        [--hafas-ndjson /tmp/hafas/node_modules/db-hafas-stations/full.ndjson] \\
        [--out lib/co2calc/data/reference]

The output is deterministic (sorted rows, ``\\n`` line endings, UTF-8) so that
a rebuild from the same inputs gives identical files.
"""

from __future__ import annotations

import argparse
import csv
import importlib.metadata
import json
import re
import shutil
import sys
from decimal import Decimal, InvalidOperation
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO / "lib" / "co2calc" / "data" / "reference"
DEFAULT_SHARED = Path("/work/shared/data")
DEFAULT_NDJSON = Path("/tmp/hafas/node_modules/db-hafas-stations/full.ndjson")

RAIL_PRODUCTS = ("nationalExpress", "national", "regionalExpress", "regional", "suburban")

VERBATIM = {
    "uic-country-codes.csv": "uic_country_codes.csv",
    "ecb-fx-annual.csv": "ecb_fx_annual.csv",
    "hicp-euro-area-annual.csv": "hicp_ea_annual.csv",
}


def _writer(path: Path):
    fh = path.open("w", encoding="utf-8", newline="")
    return fh, csv.writer(fh, lineterminator="\n")


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


def build_airports(out: Path) -> int:
    import airportsdata

    airports = airportsdata.load("IATA")
    macs = airportsdata.load_iata_macs()
    metro: dict[str, str] = {}
    for city_code, info in macs.items():
        for code in info["airports"]:
            metro[code] = city_code
    rows = []
    for code, a in airports.items():
        if not re.fullmatch(r"[A-Z0-9]{3}", code or ""):
            continue
        rows.append(
            (
                code,
                _clean(a["name"]),
                _clean(a["city"]),
                a["country"],
                f"{float(a['lat']):.6f}".rstrip("0").rstrip("."),
                f"{float(a['lon']):.6f}".rstrip("0").rstrip("."),
                a.get("icao", ""),
                metro.get(code, ""),
            )
        )
    rows.sort()
    fh, w = _writer(out / "airports.csv")
    with fh:
        w.writerow(["iata", "name", "city", "country", "lat", "lon", "icao", "metro_code"])
        w.writerows(rows)
    version = importlib.metadata.version("airportsdata")
    print(f"airports.csv: {len(rows)} rows (airportsdata {version})")
    return len(rows)


def _uic_prefixes(path: Path) -> dict[str, str]:
    with path.open(encoding="utf-8", newline="") as fh:
        return {r["uic_prefix"]: r["iso2"] for r in csv.DictReader(fh)}


def build_stations(out: Path, ndjson: Path, uic_codes: Path) -> int:
    prefixes = _uic_prefixes(uic_codes)
    rows = []
    seen: set[str] = set()
    dropped = {"not_7_digits": 0, "unknown_prefix": 0, "no_rail_product": 0, "duplicate": 0}
    with ndjson.open(encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            d = json.loads(line)
            uic = str(d["id"])
            if not re.fullmatch(r"\d{7}", uic):
                dropped["not_7_digits"] += 1
                continue
            country = prefixes.get(uic[:2])
            if country is None:
                dropped["unknown_prefix"] += 1
                continue
            products = d.get("products") or {}
            if not any(products.get(p) for p in RAIL_PRODUCTS):
                dropped["no_rail_product"] += 1
                continue
            if uic in seen:
                dropped["duplicate"] += 1
                continue
            seen.add(uic)
            loc = d["location"]
            weight = d.get("weight") or 0
            rows.append(
                (
                    uic,
                    _clean(d["name"]),
                    country,
                    f"{float(loc['latitude']):.6f}".rstrip("0").rstrip("."),
                    f"{float(loc['longitude']):.6f}".rstrip("0").rstrip("."),
                    f"{float(weight):g}",
                )
            )
    rows.sort()
    fh, w = _writer(out / "stations.csv")
    with fh:
        w.writerow(["uic", "name", "country", "lat", "lon", "weight"])
        w.writerows(rows)
    print(f"stations.csv: {len(rows)} rows; dropped {dropped}")
    return len(rows)


def _decimal(text: str) -> Decimal | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def build_equipment(out: Path, source: Path) -> int:
    rows = []
    dropped = []
    prev_key: tuple[str, str] | None = None
    prev_class = ""
    with source.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        next(reader)
        for rec in reader:
            cat, sub, cls, subcls, a1, s1, a2, s2 = (list(rec) + [""] * 8)[:8]
            cat, sub, cls, subcls = (_clean(x) for x in (cat, sub, cls, subcls))
            if not cls and subcls and prev_key == (cat, sub):
                cls = prev_class
            prev_key, prev_class = (cat, sub), cls
            pair = None
            if _decimal(a1) is not None:
                pair = (1, _decimal(a1), _decimal(s1))
            elif _decimal(a2) is not None:
                pair = (2, _decimal(a2), _decimal(s2))
            if pair is None or pair[2] is None:
                dropped.append(" / ".join(x for x in (cat, sub, cls, subcls) if x))
                continue
            n, active, standby = pair
            rows.append((cat, sub, cls, subcls, str(active), str(standby), str(n)))
    fh, w = _writer(out / "equipment_power.csv")
    with fh:
        w.writerow(
            ["category", "subcategory", "class", "subclass", "active_w", "standby_w", "measurement"]
        )
        w.writerows(rows)
    print(f"equipment_power.csv: {len(rows)} rows; dropped {len(dropped)} without values:")
    for name in dropped:
        print(f"  - {name}")
    return len(rows)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared-data", type=Path, default=DEFAULT_SHARED)
    ap.add_argument("--hafas-ndjson", type=Path, default=DEFAULT_NDJSON)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = ap.parse_args(argv)

    if not args.hafas_ndjson.is_file():
        print(
            f"missing {args.hafas_ndjson}: run "
            "`npm install db-hafas-stations@2.0.0 --prefix /tmp/hafas` first",
            file=sys.stderr,
        )
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    for src, dst in VERBATIM.items():
        shutil.copyfile(args.shared_data / src, args.out / dst)
        print(f"{dst}: copied from {src}")
    build_airports(args.out)
    build_stations(args.out, args.hafas_ndjson, args.out / "uic_country_codes.csv")
    build_equipment(args.out, args.shared_data / "equipment-power-epfl.csv")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
