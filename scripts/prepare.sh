#!/usr/bin/env bash
# What both `npm start` and `npm test` need first: root, Debian's packages, the npm
# dependencies and a build. Each step is skipped when it is already done.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" -ne 0 ]; then
  echo "Cove must run as root: its engine creates namespaces, mounts and cgroups." >&2
  exit 1
fi

export TURBO_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1

bash scripts/ensure-system-packages.sh "$@"

# npm records what it installed in node_modules/.package-lock.json: reinstall only when
# package-lock.json (or a package.json) changed since. `npm ci` installs exactly what the
# lock file says and never rewrites it, so a clone stays clean after start and test.
stamp=node_modules/.package-lock.json
if [ ! -f "$stamp" ] || [ -n "$(find package.json package-lock.json apps/*/package.json packages/*/package.json e2e/package.json -newer "$stamp" 2>/dev/null)" ]; then
  echo "Installing npm dependencies"
  npm ci --no-audit --no-fund --loglevel=error
fi

npx turbo run build --output-logs=errors-only
