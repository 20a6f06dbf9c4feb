-- The role the functions act as. It is neither superuser nor BYPASSRLS, so the
-- row-level security policies apply to every query the application runs (a
-- superuser would silently bypass them, even with FORCE ROW LEVEL SECURITY).
-- The pool switches to it with SET ROLE when the login user is allowed to.
-- depends: 0009_jobs

do $$
begin
    if not exists (select from pg_roles where rolname = 'co2calc_app') then
        begin
            create role co2calc_app nologin nosuperuser nobypassrls;
        exception when insufficient_privilege then
            raise notice 'cannot create role co2calc_app: connect as a non-superuser instead';
        end;
    end if;
    if exists (select from pg_roles where rolname = 'co2calc_app') then
        grant usage on schema public to co2calc_app;
        grant select, insert, update, delete on all tables in schema public to co2calc_app;
        grant usage, select on all sequences in schema public to co2calc_app;
        grant execute on all functions in schema public to co2calc_app;
        alter default privileges in schema public
            grant select, insert, update, delete on tables to co2calc_app;
        alter default privileges in schema public grant usage, select on sequences to co2calc_app;
        alter default privileges in schema public grant execute on functions to co2calc_app;
        begin
            execute format('grant co2calc_app to %I', current_user);
        exception when others then null;
        end;
    end if;
end
$$;
