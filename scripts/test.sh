#!/usr/bin/env bash
# `npm test`: installs what the tests need, then lint, typecheck and every package's
# tests, and closes with one summary line counted from the test runners' own reports.
set -euo pipefail
cd "$(dirname "$0")/.."

# What the run changes in the work tree (a rewritten lock file, a stray output) is a
# failure: a fresh clone must stay clean after `npm start` and `npm test`.
tree_status() { git status --porcelain 2>/dev/null || true; }
status_before=$(tree_status)
# qemu and a Debian kernel boot a real cgroup v2 machine for the v2 cgroup tests;
# Chromium runs the end-to-end tests (browser downloads do not work on these hosts);
# the image tests push to Debian's docker-registry with skopeo and umoci (openssl signs
# its tokens and the agent's TLS certificate), getfattr from attr reads the opaque marks
# the engine sets, and zstd unpacks zstd layers.
bash scripts/prepare.sh busybox-static qemu-system-x86 linux-image-cloud-amd64 cpio chromium \
  attr zstd openssl skopeo umoci docker-registry iproute2 nftables conntrack iperf3 netcat-openbsd

npx biome check .
npx turbo run typecheck --output-logs=errors-only

log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
npx turbo run test --concurrency=1 --output-logs=full 2>&1 | tee "$log" || status=$?
npm run test:vm 2>&1 | tee -a "$log" || status=$?
npm run test:e2e 2>&1 | tee -a "$log" || status=$?

# node --test prints "# pass N"; Playwright prints "  N passed" and "  N failed".
sum() {
  {
    grep -oE "[#ℹ] $1 [0-9]+" "$log" | awk '{ print $3 }' || true
    grep -oE "^ +[0-9]+ $2( |$)" "$log" | awk '{ print $1 }' || true
  } | awk '{ total += $1 } END { print total + 0 }'
}
status_after=$(tree_status)
if [ "$status_after" != "$status_before" ]; then
  echo "the test run changed the work tree (git status):" >&2
  diff <(echo "$status_before") <(echo "$status_after") >&2 || true
  status=1
fi

passed=$(sum pass passed)
failed=$(sum fail failed)
echo "tests: ${passed} passed, ${failed} failed"
if [ "$status" -ne 0 ] || [ "$failed" -ne 0 ] || [ "$passed" -eq 0 ]; then
  exit 1
fi
