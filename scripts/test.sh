#!/usr/bin/env bash
# `npm test`: installs what the tests need, then lint, typecheck and every package's
# tests, and closes with one summary line counted from the test runners' own reports.
set -euo pipefail
cd "$(dirname "$0")/.."
# qemu and a Debian kernel boot a real cgroup v2 machine for the v2 cgroup tests.
bash scripts/prepare.sh busybox-static qemu-system-x86 linux-image-cloud-amd64 cpio

npx biome check .
npx turbo run typecheck --output-logs=errors-only

log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
npx turbo run test --concurrency=1 --output-logs=full 2>&1 | tee "$log" || status=$?
npm run test:vm 2>&1 | tee -a "$log" || status=$?

sum() { grep -oE "[#ℹ] $1 [0-9]+" "$log" | awk '{ total += $3 } END { print total + 0 }'; }
passed=$(sum pass)
failed=$(sum fail)
echo "tests: ${passed} passed, ${failed} failed"
if [ "$status" -ne 0 ] || [ "$failed" -ne 0 ] || [ "$passed" -eq 0 ]; then
  exit 1
fi
