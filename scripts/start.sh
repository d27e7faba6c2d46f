#!/usr/bin/env bash
# `npm start`: installs what Cove needs, builds it and makes sure the engine runs.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/prepare.sh busybox-static

# The first run also creates the built-in busybox image in the store.
npx cove run --rm busybox true
cat <<'MSG'

Cove's engine is ready. Try:
  npx cove run --rm busybox sh -c 'echo $$; hostname; ps'
  npx cove run -d --name web busybox httpd -f -p 8080
  npx cove ps -a
  npx cove rm -f web
MSG
