-- Background jobs: imports (upload → S3 event → ingest) and recalculations.
-- depends: 0005_reference

create table job (
    id              text primary key,                -- uuid4 hex, also in the object key
    kind            text not null check (kind in ('import', 'recalc')),
    status          text not null default 'pending'
                    check (status in ('pending', 'running', 'succeeded', 'failed')),
    phase           text not null default 'waiting_for_upload',
    year            integer,
    unit_id         bigint references org_unit (id),  -- null: institution-wide
    module          text,
    submodule       text,
    options         jsonb not null default '{}',      -- mode append|replace, valid_rows_only…
    bucket          text,
    object_key      text,
    etag            text,                             -- (bucket, key, etag) = idempotency key
    rows_read       integer not null default 0,
    rows_valid      integer not null default 0,
    rows_rejected   integer not null default 0,
    rows_written    integer not null default 0,
    error           jsonb,                            -- {type, detail}
    error_report_key text,                            -- S3 key of the error report CSV
    attempts        integer not null default 0,
    created_by      bigint references app_user (id),
    created_at      timestamptz not null default now(),
    started_at      timestamptz,
    heartbeat_at    timestamptz,
    finished_at     timestamptz,
    lease_until     timestamptz                       -- in-progress deadline (re-drive after)
);
create unique index job_object_uniq on job (bucket, object_key, etag) where etag is not null;
create index job_status_idx on job (status, created_at desc);
create index job_unit_idx on job (unit_id, created_at desc);
