#!/bin/bash
# Creates the application's role and database next to Temporal's (temporal, temporal_visibility,
# which temporalio/auto-setup creates itself). The postgres image runs the scripts in
# /docker-entrypoint-initdb.d only when the data volume is empty, i.e. on the very first start.
set -euo pipefail

: "${CASEFLOW_DB_USER:=caseflow}"
: "${CASEFLOW_DB_NAME:=caseflow}"
: "${CASEFLOW_DB_PASSWORD:?CASEFLOW_DB_PASSWORD must be set for the postgresql service}"

# psql variables (:"ident", :'literal') quote the values, so no shell interpolation reaches SQL.
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  -v app_user="$CASEFLOW_DB_USER" -v app_db="$CASEFLOW_DB_NAME" -v app_password="$CASEFLOW_DB_PASSWORD" <<'SQL'
CREATE ROLE :"app_user" LOGIN PASSWORD :'app_password';
CREATE DATABASE :"app_db" OWNER :"app_user";
REVOKE ALL ON DATABASE :"app_db" FROM PUBLIC;
SQL

echo "caseflow: created role ${CASEFLOW_DB_USER} and database ${CASEFLOW_DB_NAME}"
