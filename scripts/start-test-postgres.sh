# Source me: start the Debian PostgreSQL cluster (installing it if needed) and export
# KIOSK_TEST_PG_URL for a fresh test database. Used by .ci/run; handy locally too.
ensure_debs postgresql
ver=$(ls /usr/lib/postgresql | sort -n | tail -1)
if ! pg_lsclusters -h 2>/dev/null | grep -q "^$ver main"; then as_root pg_createcluster "$ver" main >/dev/null; fi
as_root pg_ctlcluster "$ver" main start 2>/dev/null || true
for _ in $(seq 1 30); do as_root runuser -u postgres -- pg_isready -q && break; sleep 0.5; done
as_root runuser -u postgres -- psql -qtc "SELECT 1 FROM pg_roles WHERE rolname='kiosk_test'" | grep -q 1 \
  || as_root runuser -u postgres -- psql -qc "CREATE ROLE kiosk_test LOGIN SUPERUSER PASSWORD 'kiosk_test'"
as_root runuser -u postgres -- psql -qtc "SELECT 1 FROM pg_database WHERE datname='kiosk_test'" | grep -q 1 \
  || as_root runuser -u postgres -- psql -qc "CREATE DATABASE kiosk_test OWNER kiosk_test"
export KIOSK_TEST_PG_URL="postgresql+psycopg://kiosk_test:kiosk_test@127.0.0.1:5432/kiosk_test"
