-- Faster bulk writes of emission rows (imports, recalculation, seeding).
--
-- Emission rows are only ever written by co2calc.db.emissions, always for
-- entries written or locked in the same transaction, with the entry's own
-- unit_id. Their two foreign keys (entry_id → entry, unit_id → org_unit) cost
-- two row-level trigger checks per emission row on every insert; they are
-- replaced by ONE statement-level trigger on entry that deletes the emission
-- rows of deleted entries (direct deletes and deletes cascaded from report),
-- and by a truncate trigger. Orphan rows cannot appear: inserts come only from
-- the write path, which holds the entry rows (inserted or FOR KEY SHARE).
--
-- On entry, the same reasoning drops three of the five per-row checks: unit_id
-- always equals its report's unit_id (report_id keeps its foreign key and its
-- cascade), and created_by/updated_by are audit columns naming app_user rows,
-- which are never deleted (org units neither: they are deactivated). Measured on
-- an INSERT … SELECT of 5,000 entries: 583 ms, of which 250 ms in these checks.
--
-- emission_factor_idx is not used by any query; without it an update that only
-- changes kg, quantity or factor_version touches no index, and with free space
-- left on each page (fillfactor) PostgreSQL updates the row in place (HOT).
-- depends: 0011_app_role

alter table emission drop constraint if exists emission_entry_id_fkey;
alter table emission drop constraint if exists emission_unit_id_fkey;
alter table entry drop constraint if exists entry_unit_id_fkey;
alter table entry drop constraint if exists entry_created_by_fkey;
alter table entry drop constraint if exists entry_updated_by_fkey;
drop index if exists emission_factor_idx;
alter table emission set (fillfactor = 80);
alter table entry set (fillfactor = 90);

create function co2calc_entry_deleted() returns trigger
language plpgsql as $$
begin
    -- = any(array): an index scan whatever the size (a transition table has no statistics)
    delete from emission where entry_id = any (array(select id from deleted_entries));
    return null;
end
$$;

create trigger entry_deleted_emissions after delete on entry
    referencing old table as deleted_entries
    for each statement execute function co2calc_entry_deleted();

create function co2calc_entry_truncated() returns trigger
language plpgsql as $$
begin
    truncate emission;
    return null;
end
$$;

create trigger entry_truncated_emissions after truncate on entry
    for each statement execute function co2calc_entry_truncated();

do $$
begin
    if exists (select from pg_roles where rolname = 'co2calc_app') then
        grant execute on function co2calc_entry_deleted() to co2calc_app;
        grant execute on function co2calc_entry_truncated() to co2calc_app;
    end if;
end
$$;
