"""factors function: factor sets (browse, load, export) and reference data.

Browsing and autocomplete are open to every signed-in user; loading factor
sets, activating them and uploading the room list and the research-facilities
table are for global admins.

A factor file is the request body itself (``text/csv`` or the XLSX media
type, at most :data:`MAX_UPLOAD` bytes). It is validated whole by the engine's
loader; any invalid row answers 422 with every problem as
``errors[] = {loc: ["row", n, column], field, row, type, message}`` (row 0 is
the header) and stores nothing. A loaded and activated set publishes a
recalculation CloudEvent for its year.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic import ValidationError as PydanticValidationError
from werkzeug.wrappers import Response

from co2calc import audit, wiring
from co2calc.auth.policy import Action, Principal, can
from co2calc.db import factors as sql
from co2calc.db import transaction
from co2calc.db import units as units_sql
from co2calc.db import years as years_sql
from co2calc.events import publish
from co2calc.http import Api, RequestContext, Router
from co2calc.http.errors import (
    BadRequest,
    Conflict,
    Forbidden,
    NotFound,
    ValidationFailed,
)
from co2calc.models.common import Page
from co2calc.models.factors import (
    AirportOut,
    FacilitiesLoaded,
    FacilityQuery,
    FacilityRow,
    FactorDiffOut,
    FactorLoadQuery,
    FactorOut,
    FactorQuery,
    FactorSetActivate,
    FactorSetInfo,
    FactorSetLoaded,
    FactorSetQuery,
    FxQuery,
    FxRate,
    HicpPoint,
    PowerClassOut,
    PowerQuery,
    ReferenceFacility,
    ReferenceRoom,
    RoomQuery,
    RoomRow,
    RoomsLoaded,
    StationOut,
    SuggestQuery,
)

if TYPE_CHECKING:
    from psycopg import Connection

    from co2calc.factors import FactorSet

__all__ = ["MAX_UPLOAD", "api", "router"]

router = Router(tags=("factors",))

MAX_UPLOAD = 20 * 1024 * 1024
CSV = "text/csv"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ROOM_COLUMNS = tuple(RoomRow.model_fields)
FACILITY_COLUMNS = tuple(FacilityRow.model_fields)
_FACILITY_OPTIONAL = ("unit_code", "source", "footprint_kg", "uncertainty")
_FACILITY_NUMBERS = ("total_use", "footprint_kg", "uncertainty")
_OPTIONAL = ("source_year", "non_co2_multiplier", "electricity_mix", "base_year", "currency")


class ExportQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    format: Literal["csv"] = "csv"
    version: str | None = Field(default=None, max_length=64)


# -- helpers ----------------------------------------------------------------------


def _admin(ctx: RequestContext, what: str) -> Principal:
    p = ctx.user
    if not can(p, Action.ADMIN):
        raise Forbidden(f"Only global administrators {what}.")
    return p


def _csv_rows(data: bytes) -> tuple[list[str], list[dict[str, str]], str]:
    """Header, rows and delimiter of CSV bytes (UTF-8 with or without BOM, else Latin-1)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    if "\x00" in text:  # binary content; PostgreSQL text cannot hold NUL either
        raise BadRequest("The file contains NUL characters: it is not a CSV text file.")
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    rows = list(reader)  # row numbers match the file's data lines (blank lines skipped)
    return [h.strip() for h in reader.fieldnames or []], rows, delimiter


def _issue_type(message: str) -> str:
    m = message.lower()
    for needle, kind in (
        ("required", "missing"),
        ("duplicate", "duplicate"),
        ("unknown column", "unknown_column"),
        ("not a", "not_a_number"),
        ("plausible", "implausible"),
        ("physically impossible", "implausible"),
        ("must be positive", "implausible"),
    ):
        if needle in m:
            return kind
    return "invalid"


def _row_error(row: int, column: str, type_: str, message: str) -> dict[str, Any]:
    return {
        "loc": ["row", row, column],
        "field": column,
        "row": row,
        "type": type_,
        "message": message,
    }


def _parse_factor_file(kind: str, data: bytes, query: FactorLoadQuery, year: int) -> FactorSet:
    from co2calc.factors import FactorValidationError, load_factor_xlsx, parse_factor_rows

    try:
        if kind == XLSX:
            try:
                return load_factor_xlsx(
                    data, version=query.version, year=year, gwp_set=query.gwp_set
                )
            except FactorValidationError:
                raise
            except Exception as exc:  # not a workbook: zip/openpyxl errors of many kinds
                raise BadRequest(f"Not a readable XLSX workbook ({type(exc).__name__}).") from None
        header, rows, _ = _csv_rows(data)
        return parse_factor_rows(
            rows, version=query.version, year=year, gwp_set=query.gwp_set, header=header
        )
    except FactorValidationError as exc:
        raise ValidationFailed(
            f"{len(exc.issues)} problem(s) in the factor file; nothing was stored.",
            errors=[
                _row_error(i.row, i.column, _issue_type(i.message), i.message) for i in exc.issues
            ],
        ) from None


@cache
def _shipped(year: int) -> FactorSet | None:
    from co2calc.factors import FactorSetNotFoundError, load_shipped_factor_set

    try:
        return load_shipped_factor_set(year)
    except FactorSetNotFoundError:
        return None


def _factor_out(row: dict[str, str], gwp_set: str) -> FactorOut:
    data: dict[str, Any] = dict(row)
    for k in _OPTIONAL:
        data[k] = data.get(k) or None
    data["non_co2"] = data.get("non_co2") or "not_applicable"
    data["gwp_set"] = data.get("gwp_set") or gwp_set
    return FactorOut.model_validate(data)


def _info(row: dict[str, Any]) -> FactorSetInfo:
    return FactorSetInfo.model_validate(row | {"shipped": False})


def _shipped_info(fs: FactorSet, active: bool) -> FactorSetInfo:
    return FactorSetInfo(
        year=fs.year,
        version=fs.version,
        active=active,
        row_count=len(fs),
        gwp_set=fs.gwp_set,
        loaded_at=None,
        source_name="shipped with co2calc",
        shipped=True,
    )


def _recalc(year: int, version: str) -> str:
    return publish(
        wiring.RECALC_REQUESTED,
        # scope "factors": only the active set changed (values-only changes re-value in SQL)
        {"year": year, "reason": "factor_set", "version": version, "scope": "factors"},
        subject=str(year),
    )


# -- factor sets ------------------------------------------------------------------


@router.get("/sets", query=FactorSetQuery, response=list[FactorSetInfo])
def list_sets(ctx: RequestContext, *, query: FactorSetQuery) -> list[FactorSetInfo]:
    """Stored factor sets and the shipped defaults (active: used when no stored set is active)."""
    from co2calc.factors import shipped_years

    p = ctx.user
    with transaction(all_units=True, user_id=p.user_id) as conn:
        rows = sql.list_sets(conn, query.year)
    out = [_info(r) for r in rows]
    active_years = {r["year"] for r in rows if r["active"]}
    for year in shipped_years():
        if query.year in (None, year) and (fs := _shipped(year)) is not None:
            out.append(_shipped_info(fs, active=year not in active_years))
    return sorted(out, key=lambda s: (-s.year, s.shipped))


@router.get("/sets/<int:year>/factors", query=FactorQuery, response=Page[FactorOut])
def list_factors(ctx: RequestContext, year: int, *, query: FactorQuery) -> Page[FactorOut]:
    """Browse and search the factors of the year's active set (stored, else shipped)."""
    p = ctx.user
    with transaction(all_units=True, user_id=p.user_id) as conn:
        row = (
            sql.get_set(conn, year, query.version)
            if query.version
            else next((r for r in sql.list_sets(conn, year) if r["active"]), None)
        )
        if row is not None:
            rows, total = sql.search_factors(
                conn,
                row["id"],
                module=query.module,
                submodule=query.submodule,
                q=query.q,
                limit=query.page_size,
                offset=query.offset,
            )
            items = [_factor_out(r, row["gwp_set"]) for r in rows]
            return Page[FactorOut](
                items=items, total=total, page=query.page, page_size=query.page_size
            )
    fs = _shipped(year)
    if fs is None or (query.version and query.version != fs.version):
        raise NotFound(
            f"No factor set for {year}" + (f" version {query.version}." if query.version else ".")
        )
    return _page_of_shipped(fs, query)


def _page_of_shipped(fs: FactorSet, query: FactorQuery) -> Page[FactorOut]:
    from co2calc.factors import factor_row

    q = (query.q or "").casefold()
    matched = [
        f
        for f in sorted(fs.factors, key=lambda f: f.match_key)
        if (query.module is None or f.module == query.module)
        and (query.submodule is None or f.submodule == query.submodule)
        and (
            not q
            or q
            in " ".join((f.factor_id, f.key, f.source, f.source_table, f.notes, f.unit)).casefold()
        )
    ]
    page = matched[query.offset : query.offset + query.page_size]
    return Page[FactorOut](
        items=[_factor_out(factor_row(f), fs.gwp_set) for f in page],
        total=len(matched),
        page=query.page,
        page_size=query.page_size,
    )


@router.post(
    "/sets/<int:year>",
    query=FactorLoadQuery,
    response=FactorSetLoaded,
    status=201,
    extra_responses={413: "file too large", 422: "invalid rows (all listed)"},
    files=(CSV, XLSX),
)
def load_set(ctx: RequestContext, year: int, *, query: FactorLoadQuery) -> FactorSetLoaded:
    """Load a factor set from a CSV or XLSX body (admin); all rows valid or nothing stored."""
    from co2calc.factors import FactorSetNotFoundError, diff_factor_sets
    from co2calc.factorstore import active_factor_set, store_factor_set

    p = _admin(ctx, "load factor sets")
    if not 2000 <= year <= 2100:
        raise NotFound(f"No reporting year {year}.")
    kind, data = ctx.file_body(MAX_UPLOAD)
    with transaction(all_units=True, user_id=p.user_id) as conn:
        if sql.get_set(conn, year, query.version) is not None:
            raise Conflict(f"Version {query.version} of {year} exists already.")
    fs = _parse_factor_file(kind, data, query, year)
    if not len(fs):
        raise ValidationFailed(
            "The factor file has no rows; nothing was stored.",
            errors=[_row_error(1, "factor_id", "missing", "no factor rows")],
        )
    from psycopg.errors import UniqueViolation

    try:
        with transaction(all_units=True, user_id=p.user_id) as conn:
            try:
                previous = active_factor_set(conn, year)
            except FactorSetNotFoundError:
                previous = None
            store_factor_set(
                conn, fs, source_name=kind, loaded_by=p.user_id, activate=query.activate
            )
            diff = diff_factor_sets(previous, fs)
            summary = diff.summary()
            audit.record(
                conn,
                ctx,
                "create",
                "factor_set",
                f"{year}/{query.version}",
                after={
                    "year": year,
                    "version": query.version,
                    "rows": len(fs),
                    "activated": query.activate,
                    "previous_version": previous and previous.version,
                    "added": len(diff.added),
                    "changed": len(diff.changed),
                    "stale": len(diff.stale),
                },
            )
            info = _info(sql.get_set(conn, year, query.version))
    except UniqueViolation:
        raise Conflict(f"Version {query.version} of {year} exists already.") from None
    event = _recalc(year, query.version) if query.activate else None
    return FactorSetLoaded(
        set=info,
        previous_version=previous and previous.version,
        diff=FactorDiffOut.model_validate(summary),
        recalculation_event=event,
    )


@router.put("/sets/<int:year>/active", body=FactorSetActivate, response=FactorSetInfo)
def activate_set(ctx: RequestContext, year: int, *, body: FactorSetActivate) -> FactorSetInfo:
    """Make a stored version the year's active set (admin); requests a recalculation."""
    p = _admin(ctx, "activate factor sets")
    with transaction(all_units=True, user_id=p.user_id) as conn:
        if sql.get_set(conn, year, body.version) is None:
            raise NotFound(f"No stored version {body.version} of {year}.")
        before = sql.activate_set(conn, year, body.version)
        audit.record(
            conn,
            ctx,
            "update",
            "factor_set",
            f"{year}/{body.version}",
            before={"active_version": before},
            after={"active_version": body.version},
        )
        info = _info(sql.get_set(conn, year, body.version))
    if before != body.version:
        _recalc(year, body.version)
    return info


@router.get("/sets/<int:year>/export", query=ExportQuery)
def export_set(ctx: RequestContext, year: int, *, query: ExportQuery) -> Response:
    """The year's active set (or ``version``) as CSV in the loader's format."""
    from co2calc.factors import factor_set_to_csv
    from co2calc.factors.parse import COLUMNS

    p = ctx.user
    text = None
    with transaction(all_units=True, user_id=p.user_id) as conn:
        row = (
            sql.get_set(conn, year, query.version)
            if query.version
            else next((r for r in sql.list_sets(conn, year) if r["active"]), None)
        )
        if row is not None:
            rows, _ = sql.search_factors(
                conn, row["id"], module=None, submodule=None, q=None, limit=10**7, offset=0
            )
            version = row["version"]
            out = io.StringIO()
            writer = csv.DictWriter(
                out, fieldnames=COLUMNS, lineterminator="\n", extrasaction="ignore"
            )
            writer.writeheader()
            writer.writerows(rows)
            text = out.getvalue()
    if text is None:
        fs = _shipped(year)
        if fs is None or (query.version and query.version != fs.version):
            raise NotFound(f"No factor set for {year}.")
        version, text = fs.version, factor_set_to_csv(fs)
    return Response(
        text,
        mimetype=CSV,
        headers={"Content-Disposition": f'attachment; filename="factors-{year}-{version}.csv"'},
    )


# -- reference data ---------------------------------------------------------------


@router.get("/airports", query=SuggestQuery, response=list[AirportOut])
def airports(ctx: RequestContext, *, query: SuggestQuery) -> list[AirportOut]:
    """Airport autocomplete on IATA code, name, city or metropolitan code."""
    from co2calc.refdata import AirportIndex

    return [
        AirportOut(iata=a.iata, name=a.name, city=a.city, country=a.country, lat=a.lat, lon=a.lon)
        for a in AirportIndex.default().search(query.q, query.limit)
    ]


@router.get("/stations", query=SuggestQuery, response=list[StationOut])
def stations(ctx: RequestContext, *, query: SuggestQuery) -> list[StationOut]:
    """Rail-station autocomplete on name or UIC number, busiest first."""
    from co2calc.refdata import StationIndex

    return [
        StationOut(uic=s.uic, name=s.name, country=s.country, lat=s.lat, lon=s.lon)
        for s in StationIndex.default().search(query.q, query.limit)
    ]


@router.get("/power-table", query=PowerQuery, response=list[PowerClassOut])
def power_table(ctx: RequestContext, *, query: PowerQuery) -> list[PowerClassOut]:
    """Equipment power classes (active and standby watts), filtered by ``q``."""
    from co2calc.refdata import load_power_table

    q = (query.q or "").casefold()
    return [
        PowerClassOut(
            category=c.category,
            subcategory=c.subcategory,
            cls=c.cls,
            subclass=c.subclass,
            active_w=c.active_w,
            standby_w=c.standby_w,
        )
        for c in load_power_table()
        if not q or q in f"{c.category} {c.subcategory} {c.cls} {c.subclass}".casefold()
    ]


@cache
def _reference_rows(name: str) -> tuple[dict[str, str], ...]:
    from co2calc.refdata._load import _rows

    return tuple(_rows(name))


@router.get("/fx", query=FxQuery, response=list[FxRate])
def fx(ctx: RequestContext, *, query: FxQuery) -> list[FxRate]:
    """ECB annual average rates (units per EUR): refreshed values override the packaged ones."""
    p = ctx.user
    rates: dict[tuple[int, str], FxRate] = {
        (int(r["year"]), r["currency"]): FxRate(
            year=int(r["year"]),
            currency=r["currency"],
            units_per_eur=r["units_per_eur"],
            source=r["source"],
            origin="packaged",
        )
        for r in _reference_rows("ecb_fx_annual.csv")
        if query.year is None or int(r["year"]) == query.year
    }
    with transaction(all_units=True, user_id=p.user_id) as conn:
        for r in sql.stored_fx(conn, query.year):
            rates[r["year"], r["currency"]] = FxRate.model_validate(r | {"origin": "stored"})
    return [rates[k] for k in sorted(rates)]


@router.get("/hicp", response=list[HicpPoint])
def hicp(ctx: RequestContext) -> list[HicpPoint]:
    """Euro-area HICP annual index used to deflate spend to a factor's base year."""
    from co2calc.factorstore import _hicp  # the one merge rule (refreshed + rebased packaged)

    p = ctx.user
    with transaction(all_units=True, user_id=p.user_id) as conn:
        stored = {r["year"]: r for r in sql.stored_hicp(conn)}
        merged = _hicp(conn)
    packaged = {int(r["year"]): r for r in _reference_rows("hicp_ea_annual.csv")}
    base = next(iter(stored.values()))["base"] if stored else "2015=100"
    return [
        HicpPoint(
            year=y,
            index=v,
            base=stored[y]["base"] if y in stored else base,
            source=stored[y]["source"] if y in stored else packaged[y]["source"],
            origin="stored" if y in stored else "packaged",
        )
        for y, v in sorted(merged.items())
    ]


@router.get("/rooms", query=RoomQuery, response=Page[ReferenceRoom])
def rooms(ctx: RequestContext, *, query: RoomQuery) -> Page[ReferenceRoom]:
    """The reference room list (building, room, surface, type, heating carrier)."""
    p = ctx.user
    with transaction(all_units=True, user_id=p.user_id) as conn:
        rows, total = sql.list_rooms(
            conn,
            q=query.q,
            building=query.building,
            limit=query.page_size,
            offset=query.offset,
        )
    return Page[ReferenceRoom](
        items=[ReferenceRoom.model_validate(r) for r in rows],
        total=total,
        page=query.page,
        page_size=query.page_size,
    )


def _room_rows(data: bytes) -> list[dict[str, Any]]:
    header, raw, delimiter = _csv_rows(data)
    errors = [
        _row_error(0, c, "missing", "required column missing")
        for c in ROOM_COLUMNS
        if c not in header and c != "heating_carrier"
    ]
    errors += [
        _row_error(0, c, "unknown_column", "unknown column")
        for c in header
        if c not in ROOM_COLUMNS
    ]
    if errors:
        raise ValidationFailed(
            "The room list's header is wrong; nothing was stored.", errors=errors
        )
    rows: list[dict[str, Any]] = []
    seen: dict[tuple[str, str], int] = {}
    for n, r in enumerate(raw, start=1):
        values = {k.strip(): (v or "").strip() for k, v in r.items() if isinstance(k, str)}
        if delimiter == ";":
            values["surface_m2"] = values.get("surface_m2", "").replace(",", ".")
        try:
            room = RoomRow.model_validate({k: v for k, v in values.items() if v})
        except PydanticValidationError as exc:
            for e in exc.errors(include_url=False, include_input=False, include_context=False):
                column = str(e["loc"][0]) if e["loc"] else "row"
                errors.append(_row_error(n, column, e["type"], e["msg"]))
            continue
        key = (room.building, room.room)
        if (first := seen.setdefault(key, n)) != n:
            errors.append(
                _row_error(n, "room", "duplicate", f"duplicate room (first on row {first})")
            )
            continue
        rows.append(room.model_dump())
    if errors:
        raise ValidationFailed(
            f"{len(errors)} problem(s) in the room list; nothing was stored.", errors=errors
        )
    if not rows:
        raise ValidationFailed(
            "The room list has no rows.", errors=[_row_error(1, "building", "missing", "no rows")]
        )
    return rows


@router.put("/rooms", response=RoomsLoaded, extra_responses={413: "file too large"}, files=(CSV,))
def upload_rooms(ctx: RequestContext) -> RoomsLoaded:
    """Upsert the room list from a CSV body (admin); all rows valid or nothing stored."""
    p = _admin(ctx, "upload the room list")
    _, data = ctx.file_body(MAX_UPLOAD)
    rows = _room_rows(data)
    with transaction(all_units=True, user_id=p.user_id) as conn:
        inserted, updated = sql.upsert_rooms(conn, rows)
        result = RoomsLoaded(rows=len(rows), inserted=inserted, updated=updated)
        audit.record(conn, ctx, "update", "room_list", "rooms", after=result.model_dump())
    return result


# -- research facilities (product spec §4.8) --------------------------------------


@router.get("/facilities/<int:year>", query=FacilityQuery, response=Page[ReferenceFacility])
def facilities(ctx: RequestContext, year: int, *, query: FacilityQuery) -> Page[ReferenceFacility]:
    """A year's research facilities (total use, footprint by source); ``q`` on name or unit."""
    p = ctx.user
    with transaction(all_units=True, user_id=p.user_id) as conn:
        rows, total = sql.list_facilities(
            conn, year, q=query.q, limit=query.page_size, offset=query.offset
        )
    return Page[ReferenceFacility](
        items=[
            ReferenceFacility.model_validate(
                r | {"footprint_total_kg": sum(r["footprint_kg"].values(), Decimal(0))}
            )
            for r in rows
        ],
        total=total,
        page=query.page,
        page_size=query.page_size,
    )


@dataclass
class _Facility:
    """One facility of an upload: its first row's columns and its footprint by source."""

    row: int  # first row of the facility in the file
    first: FacilityRow
    footprint_kg: dict[str, Decimal] | None  # None: take it from the unit's report
    unit_id: int | None = None
    rows: int = 1


def _facility_file(data: bytes) -> tuple[list[_Facility], list[dict[str, Any]]]:
    """The facilities of a CSV body and every row problem (header problems raise at once)."""
    header, raw, delimiter = _csv_rows(data)
    errors = [
        _row_error(0, c, "missing", "required column missing")
        for c in FACILITY_COLUMNS
        if c not in header and c not in _FACILITY_OPTIONAL
    ]
    errors += [
        _row_error(0, c, "unknown_column", "unknown column")
        for c in header
        if c not in FACILITY_COLUMNS
    ]
    if errors:
        raise ValidationFailed(
            "The facilities table's header is wrong; nothing was stored.", errors=errors
        )
    found: dict[str, _Facility] = {}
    sources: dict[tuple[str, str], int] = {}
    for n, r in enumerate(raw, start=1):
        values = {k.strip(): (v or "").strip() for k, v in r.items() if isinstance(k, str)}
        if delimiter == ";":
            for c in _FACILITY_NUMBERS:
                values[c] = values.get(c, "").replace(",", ".")
        try:
            row = FacilityRow.model_validate({k: v for k, v in values.items() if v})
        except PydanticValidationError as exc:
            for e in exc.errors(include_url=False, include_input=False, include_context=False):
                column = str(e["loc"][0]) if e["loc"] else "row"
                errors.append(_row_error(n, column, e["type"], e["msg"]))
            continue
        if (first := sources.setdefault((row.facility, row.source), n)) != n:
            errors.append(
                _row_error(
                    n, "source", "duplicate", f"duplicate source of the facility (row {first})"
                )
            )
            continue
        computed = row.footprint_kg is None
        if computed and row.unit_code is None:
            errors.append(
                _row_error(
                    n,
                    "footprint_kg",
                    "missing",
                    "required unless unit_code names the facility's unit",
                )
            )
            continue
        if computed and row.source != "total":
            errors.append(
                _row_error(
                    n,
                    "source",
                    "invalid",
                    "a footprint taken from the unit's report is split by its modules:"
                    " leave source empty or give footprint_kg",
                )
            )
            continue
        facility = found.get(row.facility)
        if facility is None:
            found[row.facility] = _Facility(
                n, row, None if computed else {row.source: row.footprint_kg}
            )
            continue
        if computed or facility.footprint_kg is None:
            errors.append(
                _row_error(
                    n,
                    "footprint_kg",
                    "invalid",
                    f"the facility has several rows (first on row {facility.row}):"
                    " every row needs footprint_kg",
                )
            )
            continue
        differ = [
            c
            for c in ("unit_code", "use_unit", "total_use", "uncertainty")
            if getattr(row, c) != getattr(facility.first, c)
        ]
        for c in differ:
            errors.append(
                _row_error(n, c, "invalid", f"differs from row {facility.row} of the same facility")
            )
        if not differ:
            facility.footprint_kg[row.source] = row.footprint_kg
            facility.rows += 1
    return list(found.values()), errors


def _resolve_units(
    conn: Connection, year: int, found: list[_Facility]
) -> tuple[list[str], list[dict[str, Any]]]:
    """Unit ids of the facilities and footprints taken from unit reports; (computed, problems)."""
    codes = sorted({f.first.unit_code for f in found if f.first.unit_code})
    ids = units_sql.unit_ids_by_code(conn, codes)
    wanted = sorted(
        {ids[c] for f in found if f.footprint_kg is None and (c := f.first.unit_code) in ids}
    )
    footprints = sql.unit_footprints(conn, year, wanted)
    computed: list[str] = []
    errors: list[dict[str, Any]] = []
    for f in found:
        code = f.first.unit_code
        if code is None:
            continue
        if code not in ids:
            errors.append(_row_error(f.row, "unit_code", "unknown_unit", f"no unit {code}"))
            continue
        f.unit_id = ids[code]
        if f.footprint_kg is None:
            if f.unit_id not in footprints:
                errors.append(
                    _row_error(
                        f.row,
                        "footprint_kg",
                        "missing",
                        f"no footprint_kg given and {code} has no report for {year}",
                    )
                )
                continue
            f.footprint_kg = footprints[f.unit_id]
            computed.append(f.first.facility)
    return computed, errors


def _recalc_facilities(year: int) -> str:
    return publish(
        wiring.RECALC_REQUESTED,
        {"year": year, "module": "research-facilities", "reason": "facilities"},
        subject=str(year),
    )


@router.put(
    "/facilities/<int:year>",
    response=FacilitiesLoaded,
    extra_responses={413: "file too large", 422: "invalid rows (all listed)"},
    files=(CSV,),
)
def upload_facilities(ctx: RequestContext, year: int) -> FacilitiesLoaded:
    """Upsert a year's research-facilities table from a CSV body (admin).

    Columns: ``facility``, ``unit_code`` (optional: the facility's own unit),
    ``use_unit`` (hours | CHF | animal_housings), ``total_use`` (> 0),
    ``source`` (optional, default ``total``; one row per source makes a
    per-source footprint), ``footprint_kg`` (≥ 0; may be empty with a
    ``unit_code``: the footprint is then the unit's emissions of the year by
    module, a snapshot taken at load time that later changes to that report do
    not update — load the table again), ``uncertainty`` (optional, 0–1,
    default 0.3). All rows valid or nothing stored (every problem listed).
    Upsert on (year, facility): a loaded facility's footprint is replaced
    whole; facilities absent from the file are kept. When the reporting year
    exists, a recalculation of its research-facilities entries is requested.
    """
    p = _admin(ctx, "load the research-facilities table")
    if not 2000 <= year <= 9999:  # the table takes later years than reporting_year (≤ 2100)
        raise NotFound(f"No year {year} for research facilities.")
    _, data = ctx.file_body(MAX_UPLOAD)
    found, errors = _facility_file(data)
    with transaction(all_units=True, user_id=p.user_id) as conn:
        computed, unit_errors = _resolve_units(conn, year, found)
        errors = sorted(errors + unit_errors, key=lambda e: e["row"])
        if errors:
            raise ValidationFailed(
                f"{len(errors)} problem(s) in the facilities table; nothing was stored.",
                errors=errors,
            )
        if not found:
            raise ValidationFailed(
                "The facilities table has no rows.",
                errors=[_row_error(1, "facility", "missing", "no rows")],
            )
        rows = [
            {
                "name": f.first.facility,
                "unit_id": f.unit_id,
                "use_unit": f.first.use_unit,
                "total_use": f.first.total_use,
                "footprint_kg": f.footprint_kg,
                "uncertainty": f.first.uncertainty,
            }
            for f in found
        ]
        inserted, updated = sql.upsert_facilities(conn, year, rows)
        result = FacilitiesLoaded(
            rows=sum(f.rows for f in found),
            facilities=len(found),
            inserted=inserted,
            updated=updated,
            computed=computed,
            recalculation_event=None,
        )
        audit.record(
            conn,
            ctx,
            "update",
            "research_facility",
            str(year),
            after=result.model_dump(exclude={"recalculation_event"})
            | {"names": [r["name"] for r in rows]},
        )
        has_year = years_sql.get_year(conn, year) is not None
    if has_year:
        result.recalculation_event = _recalc_facilities(year)
    return result


api = Api("factors", "/api/factors", router)
