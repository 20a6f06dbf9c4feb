"""SQL for housekeeping: sessions, login flows, stuck jobs, finished jobs' objects."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from psycopg import Connection

__all__ = ["expire", "finished_jobs_for_keys", "redrive_stuck_jobs", "stale_pending_recalcs"]


def expire(conn: Connection) -> dict[str, int]:
    sessions = conn.execute(
        "delete from user_session where absolute_expires_at < now() - interval '1 day'"
        " or idle_expires_at < now() - interval '1 day'"
        " or revoked_at < now() - interval '1 day'"
    ).rowcount
    flows = conn.execute("delete from login_flow where expires_at < now()").rowcount
    return {"sessions_deleted": sessions, "login_flows_deleted": flows}


def redrive_stuck_jobs(conn: Connection, max_attempts: int) -> list[dict[str, Any]]:
    """Running jobs whose lease ran out → pending (attempts + 1), or failed after the last.

    Locks what it changes (``skip locked``: a concurrent maintenance run takes the others).
    """
    return conn.execute(
        "update job j set attempts = j.attempts + 1, lease_until = null, heartbeat_at = now(),"
        " status = case when j.attempts + 1 >= %(max)s then 'failed' else 'pending' end,"
        " phase = case when j.attempts + 1 >= %(max)s then 'failed' else 'queued' end,"
        " finished_at = case when j.attempts + 1 >= %(max)s then now() end,"
        " error = case when j.attempts + 1 >= %(max)s then jsonb_build_object("
        "'type', 'stuck', 'detail', 'no progress before the lease ran out') else j.error end"
        " where j.id in (select id from job where status = 'running' and lease_until < now()"
        " for update skip locked) returning j.*",
        {"max": max_attempts},
    ).fetchall()


def stale_pending_recalcs(conn: Connection, older_than_minutes: int) -> list[dict[str, Any]]:
    """Pending recalculations nobody picked up (their runner died before draining)."""
    return conn.execute(
        "update job set heartbeat_at = now() where id in (select id from job"
        " where kind = 'recalc' and status = 'pending'"
        " and coalesce(heartbeat_at, created_at) < now() - make_interval(mins => %s)"
        " for update skip locked) returning *",
        (older_than_minutes,),
    ).fetchall()


def finished_jobs_for_keys(conn: Connection, bucket: str, keys: list[str]) -> set[str]:
    """The keys (upload objects or error reports) belonging to a finished job."""
    rows = conn.execute(
        "select k from unnest(%s::text[]) as k where exists (select 1 from job j"
        " where j.status in ('succeeded', 'failed')"
        " and ((j.bucket = %s and j.object_key = k) or j.error_report_key = k))",
        (keys, bucket),
    ).fetchall()
    return {r["k"] for r in rows}
