-- Faster bulk inserts of entries (imports, seeding): entry's last two foreign
-- keys become statement-level checks, and an index no query uses goes.
--
-- A foreign key checks every inserted row on its own: a row-level trigger runs
-- "select 1 from report where id = $1 for key share" per row. Measured on the
-- bench database (bench/ingest/steps.py, 100,000 travel rows in batches of
-- 5,000): 853 ms in entry_report_id_fkey and 110 ms in entry_owner_user_id_fkey
-- (all owners null) out of ~4 s of database time; the INSERT … SELECT of the
-- entries alone went from 2.9 s to 1.8 s without them.
--
-- The same rules, checked once per statement on the set of distinct keys:
--
-- * insert into entry: every report_id / owner_user_id must exist; the referenced
--   rows are locked FOR KEY SHARE, as the foreign key's check does, so a
--   concurrent delete of the report waits for this transaction (and then deletes
--   its entries) or, if it committed first, this insert fails;
-- * update of entry.report_id / owner_user_id to another value: the same check
--   (a row trigger that only fires when the key really changes; updates that
--   keep the key, i.e. all of them today, cost nothing);
-- * delete from report: its entries are deleted (was ON DELETE CASCADE; their
--   emission rows follow through entry_deleted_emissions);
-- * delete from app_user: refused while entries are owned by the user (was NO
--   ACTION; users are never deleted today);
-- * report.id and app_user.id are identity columns GENERATED ALWAYS: never updated.
--
-- Violations raise SQLSTATE 23503 (foreign_key_violation) as before. The checks
-- and the cascade run as the tables' owner (security definer), as a foreign
-- key's do: where the owner bypasses row-level security they see every row; where
-- it does not, they see the caller's units, which hold the report of every entry
-- the caller may write (entry.unit_id = report.unit_id).
--
-- entry_import_idx (entry.import_job) is dropped: every imported row paid for it
-- and no query needs it — the one statement naming import_job (replace mode of an
-- institution-wide import, co2calc.db.ingest.delete_previous_import) also filters
-- year and module and reads entry_year_module_idx.
-- depends: 0012_emission_write_path

alter table entry drop constraint if exists entry_report_id_fkey;
alter table entry drop constraint if exists entry_owner_user_id_fkey;
drop index if exists entry_import_idx;

create function co2calc_entry_check_refs(report_ids bigint[], owner_ids bigint[]) returns void
language plpgsql security definer set search_path = pg_catalog, public as $$
declare
    found_n integer;
begin
    report_ids := array(select distinct x from unnest(report_ids) x where x is not null);
    select count(*) into found_n
        from (select 1 from report r where r.id = any (report_ids) for key share of r) k;
    if found_n <> cardinality(report_ids) then
        raise foreign_key_violation using
            message = 'insert or update on table "entry" violates foreign key constraint "entry_report_id_fkey"',
            detail = 'Key (report_id) is not present in table "report".',
            table = 'entry', constraint = 'entry_report_id_fkey';
    end if;
    owner_ids := array(select distinct x from unnest(owner_ids) x where x is not null);
    if cardinality(owner_ids) > 0 then
        select count(*) into found_n
            from (select 1 from app_user u where u.id = any (owner_ids) for key share of u) k;
        if found_n <> cardinality(owner_ids) then
            raise foreign_key_violation using
                message = 'insert or update on table "entry" violates foreign key constraint "entry_owner_user_id_fkey"',
                detail = 'Key (owner_user_id) is not present in table "app_user".',
                table = 'entry', constraint = 'entry_owner_user_id_fkey';
        end if;
    end if;
end
$$;

create function co2calc_entry_inserted() returns trigger
language plpgsql as $$
begin
    perform co2calc_entry_check_refs(
        array(select distinct report_id from inserted_entries),
        array(select distinct owner_user_id from inserted_entries
              where owner_user_id is not null));
    return null;
end
$$;

create trigger entry_inserted_refs after insert on entry
    referencing new table as inserted_entries
    for each statement execute function co2calc_entry_inserted();

create function co2calc_entry_refs_changed() returns trigger
language plpgsql as $$
begin
    perform co2calc_entry_check_refs(array[new.report_id], array[new.owner_user_id]);
    return null;
end
$$;

create trigger entry_refs_changed after update of report_id, owner_user_id on entry
    for each row
    when (old.report_id is distinct from new.report_id
          or old.owner_user_id is distinct from new.owner_user_id)
    execute function co2calc_entry_refs_changed();

create function co2calc_report_deleted() returns trigger
language plpgsql security definer set search_path = pg_catalog, public as $$
begin
    -- = any(array): an index scan (entry_list_idx) whatever the size
    delete from entry where report_id = any (array(select id from deleted_reports));
    return null;
end
$$;

create trigger report_deleted_entries after delete on report
    referencing old table as deleted_reports
    for each statement execute function co2calc_report_deleted();

create function co2calc_report_truncated() returns trigger
language plpgsql as $$
begin
    truncate entry;  -- and emission, through entry_truncated_emissions
    return null;
end
$$;

create trigger report_truncated_entries after truncate on report
    for each statement execute function co2calc_report_truncated();

create function co2calc_app_user_deleted() returns trigger
language plpgsql security definer set search_path = pg_catalog, public as $$
begin
    if exists (select from entry e
               where e.owner_user_id = any (array(select id from deleted_users))) then
        raise foreign_key_violation using
            message = 'update or delete on table "app_user" violates foreign key constraint "entry_owner_user_id_fkey" on table "entry"',
            detail = 'Key (id) is still referenced from table "entry".',
            table = 'app_user', constraint = 'entry_owner_user_id_fkey';
    end if;
    return null;
end
$$;

create trigger app_user_deleted_entries after delete on app_user
    referencing old table as deleted_users
    for each statement execute function co2calc_app_user_deleted();

do $$
begin
    if exists (select from pg_roles where rolname = 'co2calc_app') then
        grant execute on function co2calc_entry_check_refs(bigint[], bigint[]) to co2calc_app;
        grant execute on function co2calc_entry_inserted() to co2calc_app;
        grant execute on function co2calc_entry_refs_changed() to co2calc_app;
        grant execute on function co2calc_report_deleted() to co2calc_app;
        grant execute on function co2calc_report_truncated() to co2calc_app;
        grant execute on function co2calc_app_user_deleted() to co2calc_app;
    end if;
end
$$;
