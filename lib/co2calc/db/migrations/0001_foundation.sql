-- co2calc foundation schema: org tree, users and roles, years, reports,
-- module statuses. kg and money are numeric (architecture §5).
-- depends:

create table org_unit (
    id          bigint generated always as identity primary key,
    code        text not null unique,
    external_id text unique,               -- id in the directory provider
    name_en     text not null,
    name_fr     text not null,
    name_de     text not null,
    kind        text not null default 'unit'
                check (kind in ('institution', 'faculty', 'institute', 'unit')),
    parent_id   bigint references org_unit (id),
    level       smallint not null check (level >= 0),
    -- materialised path of ids, '/1/7/42/': subtree = path like '/1/7/%'
    path        text not null,
    active      boolean not null default true,
    updated_at  timestamptz not null default now(),
    check ((parent_id is null) = (level = 0))
);
create index org_unit_path_idx on org_unit (path text_pattern_ops);
create index org_unit_parent_idx on org_unit (parent_id);

create table app_user (
    id             bigint generated always as identity primary key,
    tenant_id      text not null,
    object_id      text not null,          -- the provider's immutable subject id
    person_id      text,                   -- institutional person id (e.g. SCIPER)
    display_name   text not null default '',
    email          text,
    created_at     timestamptz not null default now(),
    last_login_at  timestamptz,
    unique (tenant_id, object_id)
);
create unique index app_user_person_idx on app_user (person_id) where person_id is not null;

-- People as the directory knows them (institutional person id, e.g. SCIPER);
-- a signed-in user is linked to one through the person id claim of its token.
create table directory_person (
    person_id     text primary key,
    display_name  text not null,
    email         text,
    active        boolean not null default true,
    synced_at     timestamptz not null default now()
);

create table role_assignment (
    id         bigint generated always as identity primary key,
    person_id  text not null references directory_person (person_id) on delete cascade,
    role       text not null check (role in ('standard', 'principal', 'affiliation', 'admin')),
    unit_id    bigint references org_unit (id),
    source     text not null default 'directory' check (source in ('directory', 'manual')),
    synced_at  timestamptz not null default now(),
    check ((role = 'admin') = (unit_id is null))
);
create unique index role_assignment_uniq
    on role_assignment (person_id, role, coalesce(unit_id, 0));
create index role_assignment_unit_idx on role_assignment (unit_id);

create table reporting_year (
    year        integer primary key check (year between 2000 and 2100),
    status      text not null default 'draft' check (status in ('draft', 'open', 'closed')),
    created_at  timestamptz not null default now(),
    created_by  bigint references app_user (id),
    opened_at   timestamptz
);

create table report (
    id                   bigint generated always as identity primary key,
    unit_id              bigint not null references org_unit (id),
    year                 integer not null references reporting_year (year),
    status               text not null default 'open' check (status in ('open', 'signed_off')),
    signed_off_at        timestamptz,
    signed_off_by        bigint references app_user (id),
    frozen_factor_version text,
    frozen_inputs_hash   text,
    created_at           timestamptz not null default now(),
    unique (unit_id, year)
);
create index report_year_idx on report (year);

create table module_status (
    report_id    bigint not null references report (id) on delete cascade,
    unit_id      bigint not null references org_unit (id),
    module       text not null,
    status       text not null default 'not_started'
                 check (status in ('not_started', 'in_progress', 'validated')),
    validated_at timestamptz,
    validated_by bigint references app_user (id),
    primary key (report_id, module)
);

-- Row-level security on unit data: the second line of defence behind the
-- functions' own checks. Each transaction sets co2calc.visible_units to a
-- comma-separated list of unit ids, or '*' for global/system access; unset
-- means nothing is visible.
create function co2calc_unit_visible(unit bigint) returns boolean
language sql stable parallel safe as $$
    select case coalesce(current_setting('co2calc.visible_units', true), '')
        when '*' then true
        when '' then false
        else unit = any (string_to_array(current_setting('co2calc.visible_units', true), ',')::bigint[])
    end
$$;

alter table report enable row level security;
alter table report force row level security;
create policy report_visible on report using (co2calc_unit_visible(unit_id))
    with check (co2calc_unit_visible(unit_id));

alter table module_status enable row level security;
alter table module_status force row level security;
create policy module_status_visible on module_status using (co2calc_unit_visible(unit_id))
    with check (co2calc_unit_visible(unit_id));

-- Server-side sessions: the cookie holds a random token, the table its SHA-256.
create table user_session (
    token_hash     text primary key,
    user_id        bigint not null references app_user (id) on delete cascade,
    csrf_token     text not null,
    created_at     timestamptz not null default now(),
    last_seen_at   timestamptz not null default now(),
    idle_expires_at     timestamptz not null,
    absolute_expires_at timestamptz not null,
    revoked_at     timestamptz
);
create index user_session_user_idx on user_session (user_id);
create index user_session_expiry_idx on user_session (absolute_expires_at);

-- Pending OIDC login flows, keyed by their state, single use, 10 minutes.
create table login_flow (
    state       text primary key,
    flow        jsonb not null,
    return_to   text not null default '/',
    created_at  timestamptz not null default now(),
    expires_at  timestamptz not null,
    used_at     timestamptz
);
create index login_flow_expiry_idx on login_flow (expires_at);
