#!/usr/bin/env bash
# Runs a command (the end-to-end suite) in a network namespace of its own, with only `lo`
# up. The agent makes its bridge, nft table and sysctls in there, Chromium and the tests
# reach it on loopback, and none of it touches the machine's own network. When the suite
# ends, the namespace goes with its last process.
#
# This shell stays outside: its PID is how the suite's teardown looks at the machine's
# namespace (COVE_E2E_OUTER_NETNS_PID) to check that no bridge or table leaked out there.
set -euo pipefail
if [ "$#" -eq 0 ]; then
  echo "usage: $0 COMMAND [ARG...]" >&2
  exit 2
fi
COVE_E2E_OUTER_NETNS_PID=$$ unshare --net -- sh -c 'ip link set lo up && exec "$@"' sh "$@"
