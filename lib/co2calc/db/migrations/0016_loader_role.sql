-- A role for the importer's bulk COPY straight into entry and emission.
--
-- COPY FROM is refused on a table whose row-level security applies to the
-- current role, so the application role (co2calc_app) loads through a temporary
-- staging table and an INSERT … SELECT. Measured on the bench database
-- (bench/ingest/steps.py, 100,000 travel rows, best of 3 interleaved): the
-- staging path costs the server 2.85-3.39 s of CPU, a COPY straight into the
-- tables 2.27-3.10 s (-10 to -20 %): the rows are parsed, stored and read back
-- once more in the temporary table.
--
-- co2calc_loader may only INSERT into entry and emission (the rows carry their
-- ids, allocated beforehand by the application role); it bypasses row-level security, which is what lets it COPY. It
-- cannot log in and is granted to the login user that runs the migrations, not
-- to co2calc_app: the importer switches to it (SET LOCAL ROLE) for its two COPY
-- statements and back. It widens nothing: the importer's transaction already
-- sees every unit (a trusted system job: co2calc.visible_units = '*'), and the
-- login user it is granted to may leave co2calc_app (RESET ROLE) anyway. Its
-- inserts still run the statement-level reference checks of 0014 (security
-- definer functions) and every constraint.
--
-- BYPASSRLS can only be given by a superuser: elsewhere the role is not created
-- (a notice says so) and the importer keeps the staging path.
-- depends: 0015_recalc_hot_updates

do $$
begin
    if not exists (select from pg_roles where rolname = 'co2calc_loader') then
        begin
            create role co2calc_loader nologin nosuperuser bypassrls;
        exception when insufficient_privilege then
            raise notice 'cannot create role co2calc_loader (needs a superuser): imports load through staging tables';
        end;
    end if;
    if exists (select from pg_roles where rolname = 'co2calc_loader') then
        grant usage on schema public to co2calc_loader;
        grant insert on entry, emission to co2calc_loader;
        begin
            execute format('grant co2calc_loader to %I', current_user);
        exception when others then null;
        end;
    end if;
end
$$;
