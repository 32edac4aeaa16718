#!/bin/sh
# setup.sh - check for the Debian packages clobber needs, and install the
# missing ones when run as root.
#
#   scripts/setup.sh [make|build|test|demo|bench|fuzz|analyze|slurm|fresh]...   (default: build)
#
# As root: runs `apt-get update` once, then `apt-get install` of what is
# missing.  Otherwise: prints the exact command to run and exits 1.
set -eu

want=""
add() { want="$want $*"; }
[ $# -eq 0 ] && set -- build
for purpose in "$@"; do
	case "$purpose" in
	make) add make ;;
	build) add gcc make libc6-dev libsqlite3-dev libyaml-dev libgsl-dev ;;
	test) add gcc make libc6-dev libsqlite3-dev libyaml-dev libgsl-dev libcmocka-dev gnuplot-nox sqlite3 python3 chromium parallel ;;
	demo) add gcc make libc6-dev libsqlite3-dev libyaml-dev libgsl-dev gnuplot-nox ;;
	bench) add gcc make libc6-dev libsqlite3-dev libyaml-dev libgsl-dev python3 python3-simpy3 valgrind ;;
	fuzz) add clang libclang-rt-dev ;;
	analyze) add cppcheck valgrind ;;
	slurm) add slurm-wlm munge sqlite3 ;;
	fresh) add debootstrap ;;
	*) echo "setup.sh: unknown purpose '$purpose' (make, build, test, demo, bench, fuzz, analyze, slurm, fresh)" >&2; exit 2 ;;
	esac
done

missing=""
for pkg in $want; do
	case " $missing " in *" $pkg "*) continue ;; esac
	status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
	case "$status" in
	*"install ok installed"*) ;;
	*) missing="$missing $pkg" ;;
	esac
done

[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "clobber needs these Debian packages, which are not installed:$missing" >&2
	echo "Install them with:" >&2
	echo "    sudo apt-get update && sudo apt-get install -y$missing" >&2
	echo "then run make again." >&2
	exit 1
fi

echo "setup: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >&2
echo "setup: done" >&2
