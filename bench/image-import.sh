#!/usr/bin/env bash
# Import and first-start times for an image of about 50 MB (issue 4).
#
# Builds a root filesystem tarball of real files (Debian's static busybox plus the
# host's own libraries and data, so it compresses like a real image), then, in a fresh
# store each round, times `cove image import` of it and the first and second
# `cove run --rm IMAGE true`. The time `cove images` takes on an empty store is printed
# too: it is the CLI's own start-up (Node), part of every number above it.
#
# Usage, as root after `npm run build`: bash bench/image-import.sh [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-5}
target_bytes=$((50 * 1000 * 1000))

# In /var/tmp, not /tmp: on the same filesystem as a default store, as a real one would be.
work=$(mktemp -d /var/tmp/cove-bench-image-XXXXXX)
trap 'rm -rf "$work"' EXIT
cove() { node apps/agent/bin/cove.js --root "$work/store" "$@"; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }

rootfs=$work/rootfs
mkdir -p "$rootfs/bin" "$rootfs/tmp"
cp /bin/busybox "$rootfs/bin/busybox"
for applet in sh true cat ls; do ln -s busybox "$rootfs/bin/$applet"; done
total=$(stat -c %s /bin/busybox)
: >"$work/files"
while IFS= read -r file; do
  total=$((total + $(stat -c %s "$file")))
  echo "$file" >>"$work/files"
  if ((total >= target_bytes)); then break; fi
done < <(find /usr/lib/x86_64-linux-gnu /usr/share -xdev -type f -size -8M 2>/dev/null | sort)
tar -cf - -T "$work/files" 2>/dev/null | tar -xf - -C "$rootfs"
tar -czf "$work/image.tar.gz" -C "$rootfs" .
files=$(find "$rootfs" | wc -l)
echo "image: $((total / 1000000)) MB of files, $files entries; gzip tarball $(($(stat -c %s "$work/image.tar.gz") / 1000000)) MB"

declare -a import_ms first_ms second_ms cli_ms
for ((round = 0; round < rounds; round++)); do
  rm -rf "$work/store"
  t0=$(now_ms)
  cove images >/dev/null
  t1=$(now_ms)
  cove image import "$work/image.tar.gz" bench:1 >/dev/null
  t2=$(now_ms)
  cove run --rm bench:1 true
  t3=$(now_ms)
  cove run --rm bench:1 true
  t4=$(now_ms)
  cli_ms+=($((t1 - t0)))
  import_ms+=($((t2 - t1)))
  first_ms+=($((t3 - t2)))
  second_ms+=($((t4 - t3)))
done

summary() {
  local sorted
  sorted=$(printf '%s\n' "$@" | sort -n)
  printf 'median %5d ms  (min %d, max %d)\n' \
    "$(echo "$sorted" | sed -n "$((($# + 1) / 2))p")" "$(echo "$sorted" | head -1)" "$(echo "$sorted" | tail -1)"
}
echo "rounds: $rounds, fresh store each; load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "cove image import FILE bench:1     $(summary "${import_ms[@]}")"
echo "first cove run --rm bench:1 true   $(summary "${first_ms[@]}")"
echo "second cove run --rm bench:1 true  $(summary "${second_ms[@]}")"
echo "cove images (CLI start-up alone)   $(summary "${cli_ms[@]}")"
