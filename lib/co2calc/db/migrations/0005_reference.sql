-- Reference data kept in the database (uploaded by admins): rooms and shared
-- research facilities. Airports, stations, the power table, FX and HICP ship
-- as package data (co2calc.refdata) and are refreshed by the refresh job.
-- depends: 0004_factors_reports

create table room (
    building        text not null,
    room            text not null,
    surface_m2      numeric not null check (surface_m2 > 0 and surface_m2 < 100000),
    room_type       text not null check (room_type in
                    ('office', 'laboratory', 'archive', 'library', 'auditorium', 'other')),
    heating_carrier text not null default 'district_heating',
    active          boolean not null default true,
    updated_at      timestamptz not null default now(),
    primary key (building, room)
);

create table research_facility (
    year          integer not null,
    name          text not null,
    unit_id       bigint references org_unit (id),   -- the facility's own unit
    use_unit      text not null,                       -- hours, CHF, animal housings
    total_use     numeric not null check (total_use >= 0),
    footprint_kg  jsonb not null default '{}',         -- {source: kg}
    uncertainty   double precision not null default 0.3,
    updated_at    timestamptz not null default now(),
    primary key (year, name)
);
