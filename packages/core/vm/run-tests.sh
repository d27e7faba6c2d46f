#!/usr/bin/env bash
# Runs packages/core's cgroup integration tests on a real cgroup v2 kernel: Debian's cloud
# kernel in qemu (software emulation: KVM guests hang on these hosts), booted straight
# into an initramfs holding node, busybox and the compiled tests. Exits with the tests'
# status. Needs root (apt-get, and /boot/vmlinuz-* is readable by root only).
set -euo pipefail

core_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
repo_dir="$(cd "$core_dir/../.." && pwd)"
# Software emulation is slow and the security suite is long: about 7 min on an idle
# machine of 2026-11, over 15 min on a slower one of 2026-12-07 (with the two host-only
# files below). Room for that; the guest prints how long it took.
boot_timeout_s=1200

install_packages() {
  export DEBIAN_FRONTEND=noninteractive
  # An install fails without package lists on a fresh machine: fetch them once then.
  apt-get install -y --no-install-recommends "$@" ||
    { apt-get update && apt-get install -y --no-install-recommends "$@"; }
}

find_kernel() {
  ls /boot/vmlinuz-*-cloud-amd64 2>/dev/null | sort -V | tail -n 1
}

missing=()
command -v qemu-system-x86_64 >/dev/null || missing+=(qemu-system-x86)
[ -n "$(find_kernel)" ] || missing+=(linux-image-cloud-amd64)
command -v cpio >/dev/null || missing+=(cpio)
if [ "${#missing[@]}" -gt 0 ]; then
  echo "test:vm: installing ${missing[*]}"
  install_packages "${missing[@]}"
fi
kernel="$(find_kernel)"

# tsc still emits when other files of the package have type errors; the check below
# is what matters: the compiled tests must be there.
(cd "$core_dir" && npx tsc -p tsconfig.json >/dev/null) ||
  echo "test:vm: tsc reported type errors; testing the files it emitted"
# The security suite runs here too: the device policy is a BPF program on v2, and every
# other defence must hold whichever cgroup version the host has. Two files stay on the
# host: their subject is which file descriptors reach a process and where /proc/self/fd
# leads (exec's shim, the init's fds), the same on either cgroup version, and their
# loops start a process per descriptor number, which under software emulation took
# 230 of the guest's 900 s on a slow day.
host_only=(security-exec.test.js security-host-fds.test.js)
test_files=(dist/test/cgroup-integration.test.js dist/test/cgroup-containers.test.js)
for security_test in "$core_dir"/dist/test/security-*.test.js; do
  name="$(basename "$security_test")"
  [[ " ${host_only[*]} " == *" $name "* ]] && continue
  test_files+=("dist/test/$name")
done
for test_file in "${test_files[@]}"; do
  [ -f "$core_dir/$test_file" ] || { echo "test:vm: $core_dir/$test_file is missing" >&2; exit 1; }
done

work="$(mktemp -d /tmp/cove-vm.XXXXXX)"
trap 'rm -rf "$work"' EXIT
root="$work/root"
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,app/packages/core}

# node and everything its dynamic loader needs, at the same paths as on the host.
cp /bin/busybox "$root/bin/busybox"
cp /usr/bin/node "$root/usr/bin/node"
for lib in $(ldd /usr/bin/node | grep -o '/[^ ]*'); do
  cp -L --parents "$lib" "$root"
done

# The compiled engine (containers need all of it: init, rootfs, cgroups, image store) and
# the tests that run in the guest. package.json carries "type": "module".
app="$root/app/packages/core"
cp "$core_dir/package.json" "$app/"
mkdir -p "$app/dist/test"
cp -r "$core_dir/dist/src" "$app/dist/"
cp -r "$core_dir/dist/test/support" "$app/dist/test/"
for test_file in "${test_files[@]}"; do cp "$core_dir/$test_file" "$app/dist/test/"; done

# Containers' root filesystems are overlay mounts; the cloud kernel builds overlay as a
# module, so the guest loads it from here.
overlay_module="$(find "/lib/modules/$(basename "$kernel" | sed 's/^vmlinuz-//')" -name 'overlay.ko*' | head -n 1)"
[ -n "$overlay_module" ] || { echo "test:vm: no overlay module for $kernel" >&2; exit 1; }
mkdir -p "$root/lib/modules"
case "$overlay_module" in
  *.ko.xz) xz -dc "$overlay_module" >"$root/lib/modules/overlay.ko" ;;
  *.ko.zst) zstd -dc "$overlay_module" >"$root/lib/modules/overlay.ko" ;;
  *) cp "$overlay_module" "$root/lib/modules/overlay.ko" ;;
esac

# Packages the staged code imports at run time (type-only imports are gone after tsc),
# followed transitively; workspace symlinks (@cove/shared) are copied as real directories.
bare_imports() {
  # Module specifiers only: a `from '…'` that closes a statement, or an import('…') call.
  grep -rhoE "(from +['\"][^./'\"][^'\"]*['\"] *;? *$|import\(['\"][^./'\"][^'\"]*['\"]\))" --include='*.js' "$@" |
    sed -E "s/ *;? *$//; s/\)$//" |
    sed -E "s/.*['\"]([^'\"]+)['\"]/\1/" | grep -v '^node:' |
    sed -E 's#^(@[^/]+/[^/]+|[^@/][^/]*).*#\1#' | sort -u || true
}
queue=($(bare_imports "$app/dist"))
# koffi finds its native module by a computed require, which no grep sees.
queue+=("@koromix/koffi-$(node -p 'process.platform + "-" + process.arch')")
declare -A copied=()
while [ "${#queue[@]}" -gt 0 ]; do
  package="${queue[0]}"
  queue=("${queue[@]:1}")
  [ -n "${copied[$package]:-}" ] && continue
  copied[$package]=1
  source_dir="$(readlink -f "$repo_dir/node_modules/$package")"
  mkdir -p "$root/app/node_modules/$(dirname "$package")"
  cp -rL "$source_dir" "$root/app/node_modules/$package"
  rm -rf "$root/app/node_modules/$package/node_modules"
  queue+=($(bare_imports "$root/app/node_modules/$package"))
done
staged="${!copied[*]}"
echo "test:vm: staged packages: ${staged:-none}"

cp "$core_dir/vm/init.sh" "$root/init"
chmod +x "$root/init"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$work/initramfs.cpio.gz"
echo "test:vm: kernel $kernel, initramfs $(du -h "$work/initramfs.cpio.gz" | cut -f1)"

console="$work/console.log"
status=0
started=$SECONDS
timeout "$boot_timeout_s" qemu-system-x86_64 \
  -accel tcg,thread=multi -cpu max -m 2048 -smp 2 \
  -kernel "$kernel" -initrd "$work/initramfs.cpio.gz" \
  -append "console=ttyS0 quiet panic=-1" \
  -nographic -no-reboot </dev/null | tr -d '\r' | tee "$console" || status=$?

echo "test:vm: the guest ran for $((SECONDS - started)) s"
guest="$(grep -m1 -o 'COVE-VM-GUEST .*' "$console" || true)"
result="$(grep -m1 -o 'COVE-VM-RESULT status=[0-9]*' "$console" || true)"
if [ -z "$result" ]; then
  echo "test:vm: FAIL: no result from the guest (qemu status $status, timeout ${boot_timeout_s}s)"
  exit 1
fi
tests_status="${result#COVE-VM-RESULT status=}"
echo "test:vm: tested ${guest#COVE-VM-GUEST } on $(basename "$kernel")"
echo "test:vm: $([ "$tests_status" = 0 ] && echo PASS || echo FAIL) (node --test status $tests_status)"
exit "$tests_status"
