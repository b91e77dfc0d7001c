#!/bin/sh
# Create the shared PostgreSQL store of the dashboard, then seed it (see deploy/postgres.md).
#
#   DASHBOARD_DB_PASSWORD='...' deploy/postgres-setup.sh
#
# Step 1 runs psql as a PostgreSQL superuser: by default `sudo -u postgres psql` on the
#   database host; set PSQL to connect otherwise (e.g. PSQL="psql -h db.hanoi.local -U postgres").
#   It creates the role and the database owned by it; run again, it only resets the password.
# Step 2 runs `python -m dashboard seed --if-missing` against DASHBOARD_DB_URL (built from the
#   values below unless given), which creates the tables and the illustrative figures once and
#   never overwrites a database that already has figures.
#
# Settings (environment):
#   DASHBOARD_DB_PASSWORD  the role's password (required)
#   DASHBOARD_DB_NAME      database name        (default hanoi_dashboard)
#   DASHBOARD_DB_ROLE      role name            (default hanoi_dashboard)
#   DASHBOARD_DB_HOST      host the dashboard connects to (default localhost)
#   DASHBOARD_DB_URL       full SQLAlchemy URL, overrides the three values above for step 2
#   PYTHON                 the dashboard's interpreter (default .venv/bin/python)
#   SKIP_CREATE=1          only seed (the database was made by a DBA)
set -eu

: "${DASHBOARD_DB_PASSWORD:?set DASHBOARD_DB_PASSWORD / đặt DASHBOARD_DB_PASSWORD}"
DB_NAME=${DASHBOARD_DB_NAME:-hanoi_dashboard}
DB_ROLE=${DASHBOARD_DB_ROLE:-hanoi_dashboard}
DB_HOST=${DASHBOARD_DB_HOST:-localhost}
PYTHON=${PYTHON:-.venv/bin/python}
PSQL=${PSQL:-sudo -u postgres psql}

case "$DB_NAME$DB_ROLE" in
  *[!a-z0-9_]*) echo "DASHBOARD_DB_NAME / DASHBOARD_DB_ROLE: chỉ a-z, 0-9, _ / only a-z, 0-9, _" >&2; exit 2 ;;
esac

if [ "${SKIP_CREATE:-0}" != 1 ]; then
  echo ">> role $DB_ROLE, database $DB_NAME"
  # psql variables (:'password') quote the password; \gexec runs CREATE only when missing.
  $PSQL -X -v ON_ERROR_STOP=1 -v role="$DB_ROLE" -v db="$DB_NAME" \
        -v password="$DASHBOARD_DB_PASSWORD" -d postgres <<'SQL'
SELECT format('CREATE ROLE %I LOGIN', :'role')
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'role')\gexec
ALTER ROLE :"role" WITH LOGIN PASSWORD :'password';
SELECT format('CREATE DATABASE %I OWNER %I ENCODING %L TEMPLATE template0', :'db', :'role', 'UTF8')
 WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'db')\gexec
REVOKE ALL ON DATABASE :"db" FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE :"db" TO :"role";
SQL
fi

if [ -z "${DASHBOARD_DB_URL:-}" ]; then
  ENCODED=$("$PYTHON" -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' \
            "$DASHBOARD_DB_PASSWORD")
  DASHBOARD_DB_URL="postgresql+psycopg://$DB_ROLE:$ENCODED@$DB_HOST/$DB_NAME?connect_timeout=5"
fi
export DASHBOARD_DB_URL
echo ">> seeding (only if empty)"
"$PYTHON" -m dashboard seed --if-missing
