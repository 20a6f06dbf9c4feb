"""Row-level security is a second line of defence: raw SQL inside a transaction
scoped to some units cannot see or write another unit's report/module_status.

PostgreSQL never applies RLS to superusers or BYPASSRLS roles (FORCE only
covers table owners). The local clusters connect as the initdb superuser, so
the policies are exercised here under ``co2calc_rls_probe``, a plain role
(``set local role`` inside ``co2calc.db.transaction``);
``test_application_role_is_subject_to_rls`` checks that the application's own
connections (the pool SETs ROLE co2calc_app, see 0011_app_role.sql) do not bypass RLS.
"""

from __future__ import annotations

from contextlib import contextmanager

import psycopg
import pytest

from co2calc.db import transaction as app_transaction

YEAR = 2045
PROBE = "co2calc_rls_probe"


@pytest.fixture(scope="module", autouse=True)
def probe_role(pg):
    with psycopg.connect(pg, autocommit=True) as conn:
        if not conn.execute("select 1 from pg_roles where rolname = %s", (PROBE,)).fetchone():
            conn.execute(f"create role {PROBE} nologin nosuperuser nobypassrls")
        conn.execute(f"grant usage on schema public to {PROBE}")
        conn.execute(
            f"grant select, insert, update, delete on all tables in schema public to {PROBE}"
        )
        conn.execute(f"grant usage on all sequences in schema public to {PROBE}")


@contextmanager
def transaction(visible_units=None, **kw):
    """co2calc.db.transaction, with the queries run as a role that RLS applies to."""
    with app_transaction(visible_units, **kw) as conn:
        conn.execute(f"set local role {PROBE}")
        yield conn


@pytest.fixture(scope="module")
def two_units(demo):
    """Two units with a report and a module status each, written as the system."""
    with app_transaction(all_units=True) as conn:
        ids = {
            r["code"]: r["id"]
            for r in conn.execute(
                "select id, code from org_unit where code in ('ENAC-CLIM-LAB1', 'SB-ENER-LAB1')"
            ).fetchall()
        }
        for year in (YEAR, YEAR + 1):
            conn.execute(
                "insert into reporting_year (year) values (%s) on conflict do nothing", (year,)
            )
        for unit_id in ids.values():
            rid = conn.execute(
                "insert into report (unit_id, year) values (%s, %s)"
                " on conflict (unit_id, year) do update set year = excluded.year returning id",
                (unit_id, YEAR),
            ).fetchone()["id"]
            conn.execute(
                "insert into module_status (report_id, unit_id, module) values (%s, %s, 'travel')"
                " on conflict do nothing",
                (rid, unit_id),
            )
    return ids["ENAC-CLIM-LAB1"], ids["SB-ENER-LAB1"]


def _units_seen(conn, table: str) -> set[int]:
    """Unit ids of the test year's rows visible in ``table``."""
    year_filter = {
        "report": "year = %s",
        "module_status": "report_id in (select id from report where year = %s)",
    }[table]
    rows = conn.execute(
        f"select distinct unit_id from {table} where {year_filter}",
        (YEAR,),
    ).fetchall()
    return {r["unit_id"] for r in rows}


@pytest.mark.parametrize("table", ["report", "module_status"])
def test_scoped_transaction_sees_only_its_unit(two_units, table):
    own, other = two_units
    with transaction([own]) as conn:
        assert _units_seen(conn, table) == {own}
        # even naming the other unit explicitly returns nothing
        assert (
            conn.execute(
                f"select count(*) as n from {table} where unit_id = %s", (other,)
            ).fetchone()["n"]
            == 0
        )
    with transaction(all_units=True) as conn:
        assert _units_seen(conn, table) == {own, other}


@pytest.mark.parametrize("table", ["report", "module_status"])
def test_no_setting_sees_nothing(pg, two_units, table):
    with psycopg.connect(pg) as conn:  # a bare connection: co2calc.visible_units unset
        conn.execute(f"set role {PROBE}")
        n = conn.execute(f"select count(*) from {table}").fetchone()[0]
    assert n == 0
    with transaction() as conn:  # the helper with no units at all
        assert _units_seen(conn, table) == set()


def test_updates_of_other_units_touch_nothing(two_units):
    own, other = two_units
    with transaction([own]) as conn:
        n = conn.execute(
            "update module_status set status = 'validated' where unit_id = %s", (other,)
        ).rowcount
    assert n == 0


def test_insert_into_another_unit_is_refused(two_units):
    own, other = two_units
    with (
        pytest.raises(psycopg.errors.InsufficientPrivilege),
        transaction([own]) as conn,
    ):
        conn.execute(
            "insert into report (unit_id, year) values (%s, %s) on conflict do nothing",
            (other, YEAR + 1),
        )


def test_moving_a_row_to_another_unit_is_refused(two_units):
    own, other = two_units
    with (
        pytest.raises(psycopg.errors.InsufficientPrivilege),
        transaction([own]) as conn,
    ):
        conn.execute("update module_status set unit_id = %s where unit_id = %s", (other, own))


def test_application_role_is_subject_to_rls(two_units):
    own, other = two_units
    with app_transaction([own]) as conn:
        seen = conn.execute(
            "select count(*) as n from report where unit_id = %s", (other,)
        ).fetchone()["n"]
    assert seen == 0
