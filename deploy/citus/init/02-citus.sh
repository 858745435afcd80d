#!/bin/sh
# Every Citus node's first start, after 01-phonecrm-login.sh: the citus extension in the app's database.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname phonecrm -c "CREATE EXTENSION IF NOT EXISTS citus;"
