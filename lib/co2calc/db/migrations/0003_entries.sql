-- Data entries of every module and the emission rows computed from them.
-- depends: 0001_foundation

create table entry (
    id             bigint generated always as identity primary key,
    report_id      bigint not null references report (id) on delete cascade,
    unit_id        bigint not null references org_unit (id),      -- RLS and filters
    year           integer not null,
    module         text not null,
    submodule      text not null,
    owner_user_id  bigint references app_user (id),   -- own-scope rows (travel, cloud/AI)
    data           jsonb not null,                    -- the validated entry model
    note           text check (length(note) <= 2000),
    source         text not null default 'form' check (source in ('form', 'import', 'seed')),
    import_job     text,
    flag_reason    text,                              -- set when it cannot be computed
    flag_detail    text,
    kg_co2e        numeric not null default 0,
    estimate       boolean not null default false,
    created_at     timestamptz not null default now(),
    created_by     bigint references app_user (id),
    updated_at     timestamptz not null default now(),
    updated_by     bigint references app_user (id),
    version        integer not null default 1
);
create index entry_list_idx on entry (report_id, module, submodule, id);
create index entry_unit_year_idx on entry (unit_id, year);
create index entry_owner_idx on entry (owner_user_id) where owner_user_id is not null;
create index entry_import_idx on entry (import_job) where import_job is not null;
-- Headcount: institutional person ids unique per unit and year.
create unique index entry_headcount_person_uniq on entry (unit_id, year, (data ->> 'person_id'))
    where module = 'headcount' and submodule = 'members';

create table emission (
    entry_id         bigint not null references entry (id) on delete cascade,
    unit_id          bigint not null references org_unit (id),
    year             integer not null,
    module           text not null,
    submodule        text not null,
    leaf             text not null,
    scope            smallint not null check (scope in (1, 2, 3)),
    category         text not null,
    kg_co2e          numeric not null check (kg_co2e >= 0),
    quantity         numeric not null,
    quantity_unit    text not null,
    factor_id        text not null,
    factor_version   text not null,
    uncertainty      double precision not null,
    factor_uncertainty double precision not null,
    estimate         boolean not null default false
);
create index emission_entry_idx on emission (entry_id);
create index emission_unit_year_idx on emission (unit_id, year, module);
create index emission_factor_idx on emission (factor_version, factor_id);

alter table entry enable row level security;
alter table entry force row level security;
create policy entry_visible on entry using (co2calc_unit_visible(unit_id))
    with check (co2calc_unit_visible(unit_id));
alter table emission enable row level security;
alter table emission force row level security;
create policy emission_visible on emission using (co2calc_unit_visible(unit_id))
    with check (co2calc_unit_visible(unit_id));

-- Audit trail: every create/update/delete of entries, factors, statuses, roles.
create table audit_log (
    id          bigint generated always as identity primary key,
    at          timestamptz not null default now(),
    actor_id    bigint references app_user (id),
    action      text not null check (action in ('create', 'update', 'delete')),
    resource    text not null,            -- entry, factor_set, module_status, role, year…
    resource_id text not null,
    unit_id     bigint,
    before      jsonb,
    after       jsonb,
    request_id  text
);
create index audit_log_at_idx on audit_log (at desc);
create index audit_log_resource_idx on audit_log (resource, resource_id);
create index audit_log_unit_idx on audit_log (unit_id, at desc);
