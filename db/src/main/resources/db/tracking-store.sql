-- Run by the database's superuser (or administrator) in the portal's database, once and after every upgrade:
-- ./portal does it (infra/local/lib/postgres.sh). It lets the job runner's role give each team's MLflow tracking
-- server a role and a schema of its own, and nothing else: the job runner's role cannot create roles itself.
create schema if not exists portal_admin;
revoke all on schema portal_admin from public;

-- Makes sure role mlflow_<slug> (login, the given password, no other rights) owns schema mlflow_<slug> in this
-- database and finds its tables there; answers the role's name. Idempotent: the job runner calls it every time a
-- team switches tracking on, with the password it derives for the team (it never reads a Secret back).
create or replace function portal_admin.ensure_tracking_store(team text, password text) returns text
    language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
declare
    store text;
begin
    if team is null or team !~ '^[a-z][a-z0-9-]{1,30}[a-z0-9]$' then
        raise exception 'not a team slug: %', team using errcode = '22023';
    end if;
    if password is null or length(password) < 32 then
        raise exception 'the tracking store password is too short' using errcode = '22023';
    end if;
    store := 'mlflow_' || replace(team, '-', '_');
    if not exists (select from pg_roles where rolname = store) then
        execute format('create role %I login nosuperuser nocreatedb nocreaterole noinherit noreplication', store);
    end if;
    execute format('alter role %I password %L', store, password);
    execute format('grant connect on database %I to %I', current_database(), store);
    execute format('create schema if not exists %I authorization %I', store, store);
    execute format('alter role %I in database %I set search_path = %I', store, current_database(), store);
    return store;
end
$$;
revoke all on function portal_admin.ensure_tracking_store(text, text) from public;
grant usage on schema portal_admin to portal;
grant execute on function portal_admin.ensure_tracking_store(text, text) to portal;
