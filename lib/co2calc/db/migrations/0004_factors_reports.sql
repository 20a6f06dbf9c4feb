-- Factor sets stored per reporting year and version; frozen report results.
-- depends: 0003_entries

create table factor_set (
    id          bigint generated always as identity primary key,
    year        integer not null,
    version     text not null,
    gwp_set     text not null,
    source_name text not null default '',
    row_count   integer not null,
    active      boolean not null default false,   -- the set used for calculation
    loaded_at   timestamptz not null default now(),
    loaded_by   bigint references app_user (id),
    unique (year, version)
);
create unique index factor_set_active_uniq on factor_set (year) where active;

create table factor (
    set_id     bigint not null references factor_set (id) on delete cascade,
    factor_id  text not null,
    module     text not null,
    submodule  text not null,
    key        text not null,
    row        jsonb not null,                  -- every column of the factor row
    primary key (set_id, module, submodule, key)
);
create index factor_search_idx on factor (set_id, module, submodule);

alter table report add column frozen_results jsonb;
alter table module_status add column updated_at timestamptz not null default now();
alter table reporting_year add column objectives jsonb;
