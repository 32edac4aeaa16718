#!/bin/sh
# fresh.sh - make test-fresh: the README's two commands, as typed, on a
# fresh minimal Debian 12, as root, with the clone in /root.
#
#   sh tests/fresh.sh            (as root, from the top of the clone)
#
# Builds a Debian 12 root with `debootstrap --variant=minbase bookworm` from
# the Debian archive (FRESH_MIRROR, default http://deb.debian.org/debian):
# no make, no compiler.  The root as debootstrap left it is cached in
# build/fresh/bookworm-minbase.tar (FRESH_NOCACHE=1 builds it again), and
# every run unpacks a new copy of it, so nothing of an earlier run remains.
# The clone's tracked files are copied to /root/clobber there; the two
# commands of the README's first sh block are read from README.md and run
# one after the other in a chroot (with /proc and /dev mounted, and the
# host's resolv.conf to reach the archive), each timed.  A trap unmounts
# /proc and /dev, stops what still runs inside, and removes the root,
# however the script ends (the removal refuses while anything is mounted
# there).
set -eu

root=$(pwd)
[ "$(id -u)" -eq 0 ] || { echo "test-fresh: run as root (debootstrap, chroot, mount)" >&2; exit 1; }
[ -f README.md ] && [ -f Makefile ] || { echo "test-fresh: run from the top of the clone" >&2; exit 1; }
mirror=${FRESH_MIRROR:-http://deb.debian.org/debian}
cache="$root/build/fresh"
tarball="$cache/bookworm-minbase.tar"
mkdir -p "$cache"
exec 3>&2

# the README's first ```sh block: its commands, comments and blank lines dropped
cmds=$(awk '/^```sh$/ && !done { inblock = 1; next } /^```/ && inblock { inblock = 0; done = 1 } inblock' README.md |
	sed 's/[[:space:]]*#.*$//' | grep -v '^[[:space:]]*$' || true)
ncmds=$(printf '%s\n' "$cmds" | grep -c . || true)
[ "$ncmds" -eq 2 ] || { echo "test-fresh: expected two commands in README.md's first sh block, found $ncmds: $cmds" >&2; exit 1; }

target=$(mktemp -d "$cache/root.XXXXXX")
cleanup() {
	rc=$?
	trap - EXIT INT TERM HUP
	# what still runs inside the root (started by the commands): by pid
	for p in /proc/[0-9]*; do
		[ "$(readlink "$p/root" 2>/dev/null)" = "$target" ] && kill -9 "${p#/proc/}" 2>/dev/null
	done
	for m in proc dev; do
		if grep -q " $target/$m " /proc/self/mounts; then
			umount "$target/$m" 2>/dev/null || umount -l "$target/$m" || true
		fi
	done
	if grep -q " $target/" /proc/self/mounts; then
		echo "test-fresh: something is still mounted under $target: not removing it" >&2
		rc=1
	else
		rm -rf --one-file-system "$target"
	fi
	[ "$rc" -eq 0 ] || echo "test-fresh: FAILED" >&2
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

t0=$(date +%s)
if [ -s "$tarball" ] && [ -z "${FRESH_NOCACHE:-}" ]; then
	tar -C "$target" -xf "$tarball"
	echo "test-fresh: minimal Debian 12 root unpacked from the cache $tarball in $(($(date +%s) - t0))s"
else
	log="$cache/debootstrap.log"
	if ! debootstrap --variant=minbase bookworm "$target" "$mirror" >"$log" 2>&1; then
		tail -n 30 "$log" >&2
		echo "test-fresh: debootstrap --variant=minbase bookworm from $mirror failed (log: $log)" >&2
		exit 1
	fi
	tar -C "$target" -cf "$tarball.part" . && mv "$tarball.part" "$tarball"
	echo "test-fresh: minimal Debian 12 root built by debootstrap from $mirror in $(($(date +%s) - t0))s (cached in $tarball)"
fi
# / as on any system (mktemp made it 0700, and the cached tarball kept that):
# nobody must be able to enter it
chmod 755 "$target"
# it is the minimal system: no make, no compiler
for tool in make cc gcc; do
	[ ! -e "$target/usr/bin/$tool" ] || { echo "test-fresh: the minimal root already has $tool" >&2; exit 1; }
done

# the clone, as /root/clobber: its tracked files as they are now
mkdir -p "$target/root/clobber"
if git -C "$root" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	git -C "$root" ls-files -z | tar -C "$root" --null --no-recursion -T - -cf - | tar -C "$target/root/clobber" -xf -
else
	(cd "$root" && tar -cf - --exclude=./build --exclude=./bin --exclude=./results --exclude=./plots .) |
		tar -C "$target/root/clobber" -xf -
fi
cp /etc/resolv.conf "$target/etc/resolv.conf"
mount -t proc proc "$target/proc"
mount --bind /dev "$target/dev"

# the two commands, each in a login-like environment of root
total=0
printf '%s\n' "$cmds" | {
	i=0
	while IFS= read -r cmd; do
		i=$((i + 1))
		echo "test-fresh: [$i/2] # $cmd   (in /root/clobber, chroot)"
		s=$(date +%s)
		if ! env -i HOME=/root USER=root LOGNAME=root SHELL=/bin/sh LANG=C.UTF-8 \
			PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
			chroot "$target" /bin/sh -c "cd /root/clobber && $cmd" >"$cache/command-$i.log" 2>&1 </dev/null; then
			tail -n 60 "$cache/command-$i.log" >&2
			echo "test-fresh: '$cmd' failed on the fresh system (log: $cache/command-$i.log)" >&3
			exit 1
		fi
		tail -n 3 "$cache/command-$i.log"
		echo "test-fresh: [$i/2] '$cmd' passed in $(($(date +%s) - s))s"
	done
}
echo "test-fresh: both README commands work on a fresh minimal Debian 12, as root, from /root/clobber: $(($(date +%s) - t0))s in all"
