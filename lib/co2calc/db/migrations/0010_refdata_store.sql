-- Refreshed reference data (ECB exchange rates, euro-area HICP), the circuit
-- breaker state of external sources, and the index the recalculation reads by.
-- Values shipped as package CSVs (co2calc.refdata) stay the defaults; a row
-- here overrides the packaged value of the same key (see factorstore.calc_context).
-- depends: 0009_jobs

create table fx_rate (
    year          integer not null check (year between 1990 and 2100),
    currency      text not null check (currency ~ '^[A-Z]{3}$'),
    units_per_eur numeric not null check (units_per_eur > 0),
    source        text not null,
    retrieved_at  timestamptz not null default now(),   -- last time the source confirmed it
    changed_at    timestamptz not null default now(),   -- last time the value changed
    primary key (year, currency)
);

create table hicp (
    year          integer primary key check (year between 1990 and 2100),
    index         numeric not null check (index > 0),
    base          text not null default '',             -- e.g. '2015=100' as published
    source        text not null,
    retrieved_at  timestamptz not null default now(),
    changed_at    timestamptz not null default now()
);

-- One row per external source: consecutive failures and until when it stays open.
create table circuit_breaker (
    name          text primary key,
    failures      integer not null default 0,
    open_until    timestamptz,
    last_error    text,
    updated_at    timestamptz not null default now()
);

-- Recalculation slices: year, year + module (keyset order (module, id)).
create index entry_year_module_idx on entry (year, module, id);
-- Stuck-job scans by maintenance.
create index job_lease_idx on job (lease_until) where status = 'running';
