#!/usr/bin/env bash
# The whole check, as `make test` and CI run it: lint, then every non-browser test on SQLite and the
# whole suite (browser tests included) on PostgreSQL. Installs Debian's chromium and starts a
# throwaway PostgreSQL cluster when they are missing.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
WORKERS=${ACCORD_TEST_WORKERS:-2}

if ! command -v chromium >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi "noto.*cjk"; then
  echo "== installing Debian's chromium and CJK fonts for the browser tests"
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
  else
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
  fi
fi

pg_answers() {
  "$BIN/python" - "$1" <<'PY'
import sys, psycopg
url = sys.argv[1].replace("postgresql+psycopg://", "postgresql://")
try:
    psycopg.connect(url, connect_timeout=3).close()
except Exception:
    sys.exit(1)
PY
}

if [ -n "${ACCORD_TEST_PG_URL:-}" ] && pg_answers "$ACCORD_TEST_PG_URL"; then
  echo "== using the PostgreSQL cluster at ACCORD_TEST_PG_URL"
else
  PGDIR=$(mktemp -d /tmp/accord-pg.XXXXXX)
  trap 'bash scripts/pg-cluster.sh stop "$PGDIR"' EXIT
  ACCORD_TEST_PG_URL=$(bash scripts/pg-cluster.sh start "$PGDIR")
  export ACCORD_TEST_PG_URL
  echo "== started a throwaway PostgreSQL cluster in $PGDIR"
fi

echo "== lint: ruff check, ruff format --check, mypy --strict src"
"$BIN/ruff" check src tests scripts bench
"$BIN/ruff" format --check src tests scripts bench
"$BIN/mypy" --strict src

echo "== tests on SQLite (every test but the browser tests)"
"$BIN/pytest" -n "$WORKERS" --db sqlite -m "not browser"

echo "== tests on PostgreSQL (the whole suite, browser tests in Debian's chromium included)"
"$BIN/pytest" -n "$WORKERS" --db postgresql
