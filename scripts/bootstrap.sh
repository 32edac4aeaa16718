#!/bin/sh
# bootstrap.sh - the README's first command, for a machine that may lack
# even make (a minimal Debian 12 has neither make nor a compiler): installs
# make when it is missing (as root with apt-get; otherwise scripts/setup.sh
# prints the exact apt-get line and stops), then runs make with the
# arguments given, from the top of the clone.  The Makefile's setup steps
# install the rest (scripts/setup.sh).
#
#   sh scripts/bootstrap.sh demo      the same as `make demo` where make exists
#
# Needs only what every Debian system has: sh, dpkg-query and apt-get.
set -eu
cd "$(dirname "$0")/.."
command -v make >/dev/null 2>&1 || sh scripts/setup.sh make
exec make "$@"
