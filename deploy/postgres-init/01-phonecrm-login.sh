#!/bin/sh
# First start of the database container only: the application's login and database. The login is not a superuser
# and cannot create roles or databases; it owns only the phonecrm database (its schema and tables), and row-level
# security applies to it through the non-owner role phonecrm_app it switches to on every connection.
set -eu
: "${PHONECRM_DB_PASSWORD:?set PHONECRM_DB_PASSWORD in .env}"
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres -v pw="$PHONECRM_DB_PASSWORD" <<'SQL'
CREATE ROLE phonecrm LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS PASSWORD :'pw';
CREATE ROLE phonecrm_app NOLOGIN NOSUPERUSER NOBYPASSRLS;
GRANT phonecrm_app TO phonecrm;
CREATE DATABASE phonecrm OWNER phonecrm;
SQL
