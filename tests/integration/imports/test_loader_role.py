"""Migration 0016: imports COPY straight into entry and emission as ``co2calc_loader``.

The application role cannot COPY into tables under row-level security, so the
import loaded through staging tables; where the login user may switch to the loader
role (it bypasses row-level security and may only INSERT into those two tables), it
now COPYs directly. These tests pin that both paths write the same rows, that the
direct path keeps the reference checks of 0014, that the role is left again after
each batch, that the loader can do nothing but insert, and that a login without the
role falls back to staging.

Years used: 2058, 2059, 2060.
"""

from __future__ import annotations

import psycopg
import pytest
from psycopg import sql as pgsql

from co2calc.db import ingest as isql
from co2calc.db import transaction
from co2calc.factorstore import calc_context

FLIGHTS = [
    {"origin": "GVA", "destination": "LHR", "trips": 2, "round_trip": True},
    {"origin": "ZRH", "destination": "JFK", "cabin_class": "business"},
    {"origin": "GVA", "destination": "QQQ"},  # unknown airport: flagged, no emission row
]
# columns that differ between two loads of the same entries into two years by construction
_VARYING = {"id", "entry_id", "year", "report_id", "created_at", "updated_at", "import_job"}
_VARYING |= {"factor_version"}  # "<year>.t1"


def _build(conn, report: dict, owner: int | None):
    """The import's rows for FLIGHTS (COPY text), with freshly allocated ids."""
    from co2calc.calc import validate_entry
    from co2calc.ingest.bulk import BulkTarget, build_rows

    year = report["year"]
    items = [(validate_entry("travel", "plane", f), report["unit_id"], owner) for f in FLIGHTS]
    ids = isql.allocate_entry_ids(conn, len(items))
    target = BulkTarget(year, "travel", "plane", import_job=f"test-{year}", actor=None)
    return build_rows(
        conn, target, items, ids, {report["unit_id"]: report}, calc_context(conn, year)
    )


def _table(conn, table: str, year: int) -> list[dict]:
    order = "id" if table == "entry" else "entry_id, leaf"
    rows = conn.execute(
        pgsql.SQL("select * from {} where year = %s order by {}").format(
            pgsql.Identifier(table), pgsql.SQL(order)
        ),
        (year,),
    ).fetchall()
    return [{k: v for k, v in r.items() if k not in _VARYING} for r in rows]


def _owner(conn) -> int:
    from co2calc.db import sessions as sql

    return sql.upsert_user(conn, "test", "oid-900058", "900058", None, "900058")


def test_direct_and_staged_loads_write_the_same_rows(year_report, demo):
    from co2calc.ingest.bulk import write_rows

    direct_report, staged_report = year_report(2058), year_report(2059)
    with transaction(all_units=True) as conn:
        # GIVEN a session that may switch to the loader role (the migrations' login user)
        assert isql.can_copy_directly(conn)
        owner = _owner(conn)
        # WHEN the same entries are loaded both ways
        write_rows(conn, _build(conn, direct_report, owner), direct=True)
        write_rows(conn, _build(conn, staged_report, owner), direct=False)
        # THEN the session acts as the application role again after the direct COPY
        assert conn.execute("select current_user as u").fetchone()["u"] == "co2calc_app"
    with transaction(all_units=True) as conn:
        # AND both loads wrote the same entries and emission rows (the flagged one without)
        for table in ("entry", "emission"):
            direct, staged = _table(conn, table, 2058), _table(conn, table, 2059)
            assert direct == staged and len(direct) == (3 if table == "entry" else 2)
        assert [e["owner_user_id"] for e in _table(conn, "entry", 2058)] == [owner] * 3
    # AND row-level security applies again: a caller seeing no unit sees none of them
    with transaction(visible_units=[]) as conn:
        n = conn.execute("select count(*) as n from entry where year = 2058").fetchone()["n"]
        assert n == 0


@pytest.fixture(scope="module")
def report_2060(year_report, demo) -> dict:
    return year_report(2060)


@pytest.mark.parametrize("direct", [True, False], ids=["direct", "staged"])
def test_a_batch_naming_a_missing_report_is_refused_on_both_paths(report_2060, direct):
    from co2calc.ingest.bulk import write_rows

    report = report_2060
    missing = {**report, "id": 2**62}  # no such report
    # WHEN a batch names a report that does not exist
    with (
        pytest.raises(psycopg.errors.ForeignKeyViolation, match="entry_report_id_fkey"),
        transaction(all_units=True) as conn,
    ):
        write_rows(conn, _build(conn, missing, None), direct=direct)
    # THEN nothing was written
    with transaction(all_units=True) as conn:
        n = conn.execute("select count(*) as n from entry where year = 2060").fetchone()["n"]
        assert n == 0


@pytest.mark.parametrize(
    "statement",
    [
        "select count(*) from entry",
        "update entry set kg_co2e = 0 where year = 2058",
        "delete from emission where year = 2058",
        "insert into report (unit_id, year) values (1, 2058)",
        "select count(*) from app_user",
    ],
)
def test_the_loader_role_may_only_insert_into_entry_and_emission(pg, statement):
    with psycopg.connect(pg) as conn:
        conn.execute("set role co2calc_loader")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(statement)


@pytest.fixture
def plain_login(pg):
    """A login user that is a member of co2calc_app only (no loader role): its DSN."""
    name = "co2calc_test_plain_login"
    with psycopg.connect(pg, autocommit=True) as admin:
        admin.execute(pgsql.SQL("drop role if exists {}").format(pgsql.Identifier(name)))
        admin.execute(
            pgsql.SQL("create role {} login nosuperuser in role co2calc_app").format(
                pgsql.Identifier(name)
            )
        )
    info = psycopg.conninfo.conninfo_to_dict(pg)
    yield psycopg.conninfo.make_conninfo(**{**info, "user": name})
    with psycopg.connect(pg, autocommit=True) as admin:
        admin.execute(pgsql.SQL("drop role {}").format(pgsql.Identifier(name)))


def test_a_login_without_the_loader_role_loads_through_staging(plain_login, report_2060):
    from psycopg.rows import dict_row

    from co2calc.ingest.bulk import write_rows

    report = report_2060
    with psycopg.connect(plain_login, row_factory=dict_row) as conn:
        conn.execute("set role co2calc_app")
        conn.execute("select set_config('co2calc.visible_units', '*', true)")
        # GIVEN a login that cannot switch to the loader role
        assert not isql.can_copy_directly(conn)
        rows = _build(conn, report, None)
        # THEN a direct COPY is refused (why staging exists) ...
        with pytest.raises(psycopg.errors.InsufficientPrivilege), conn.transaction():
            write_rows(conn, rows, direct=True)
        # ... and the staging path loads the batch
        write_rows(conn, rows, direct=False)
        n = conn.execute("select count(*) as n from entry where year = 2060").fetchone()["n"]
        assert n == 3
        conn.rollback()
