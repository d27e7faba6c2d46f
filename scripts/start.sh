#!/usr/bin/env bash
# `npm start`: installs what Cove needs, builds the engine, the agent and the dashboard,
# then runs the agent in the foreground. It prints the dashboard's address and a
# one-click sign-in link; Ctrl-C stops the agent, and the containers keep running.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/prepare.sh busybox-static zstd openssl iproute2 nftables conntrack

# The agent creates the built-in busybox image in the store on its first container.
exec node apps/agent/bin/cove.js agent "$@"
