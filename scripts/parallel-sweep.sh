#!/bin/sh
# parallel-sweep.sh - one sweep as N shards run by GNU parallel, on this
# machine or on several over ssh, merged into one results database.
#
#   scripts/parallel-sweep.sh -n N -o OUT.db [-S HOSTS] [-j JOBS] SCENARIO... [-- RUN-OPTION...]
#
#   -n N       the number of shards (slices of the run list, clobber run --shard I/N)
#   -o OUT.db  the merged database (created, or completed if it exists)
#   -S HOSTS   GNU parallel's --sshlogin: "host1,host2", ":" this machine
#              (the default), "4/host3" (a host with 4 cores)
#   -j JOBS    shards at once per host, as parallel's -j (default 1: each
#              shard runs its runs on all the host's cores; "-j 100% -- -j 1"
#              runs one single-threaded shard per core instead)
#   after --    more options for every `clobber run` (--set, --record, -j)
#   CLOBBER    the clobber command on every host (default: clobber)
#
# Shard I runs `clobber run SCENARIO... --shard I/N -o shard-I.db` in
# OUT.db.shards/ (the scenario files are copied there first, so every host
# slices the same bytes).  On other hosts it runs in a temporary directory
# (--wd ...): the scenario files are sent (--transferfile), its database is
# brought back (--return) and the remote copies removed (--cleanup); clobber
# of the same version must be installed there.  When every shard has
# succeeded, `clobber merge OUT.db shard-*.db` combines them.  Run the same
# command again after a failure: shards run on this machine keep their
# finished runs.  Exit status: 0; 1 if a shard or the merge failed; 2 for
# bad usage.
set -eu

usage() {
	echo "usage: scripts/parallel-sweep.sh -n N -o OUT.db [-S HOSTS] [-j JOBS] SCENARIO... [-- RUN-OPTION...]" >&2
	exit 2
}

n="" out="" hosts=":" jobs=1
while getopts n:o:S:j: opt; do
	case $opt in
	n) n=$OPTARG ;;
	o) out=$OPTARG ;;
	S) hosts=$OPTARG ;;
	j) jobs=$OPTARG ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
case $n in '' | *[!0-9]* | 0*) echo "parallel-sweep.sh: -n expects a number of shards >= 1, found '$n'" >&2; usage ;; esac
[ -n "$out" ] || { echo "parallel-sweep.sh: -o OUT.db is required" >&2; usage; }
command -v parallel >/dev/null 2>&1 || {
	echo "parallel-sweep.sh: GNU parallel is not installed (Debian: apt-get install parallel)" >&2
	exit 1
}
clobber=${CLOBBER:-clobber}
case $clobber in /*) ;; */*) clobber=$(pwd)/$clobber ;; esac # the shards run in $dir

# the scenario files (up to --), copied into the shard directory
dir="$out.shards"
mkdir -p "$dir/scenarios"
scen="" tf=""
while [ $# -gt 0 ] && [ "$1" != "--" ]; do
	[ -f "$1" ] || { echo "parallel-sweep.sh: no such scenario file: $1" >&2; exit 2; }
	base=$(basename "$1")
	case " $scen " in *" scenarios/$base "*) echo "parallel-sweep.sh: two scenario files named $base" >&2; exit 2 ;; esac
	cp "$1" "$dir/scenarios/$base"
	scen="$scen scenarios/$base"
	tf="$tf --transferfile scenarios/$base"
	shift
done
[ -n "$scen" ] || { echo "parallel-sweep.sh: name at least one scenario file" >&2; usage; }
[ $# -gt 0 ] && shift # the --
# the remaining arguments go to every clobber run, quoted for the shell
# that parallel starts
runopts=""
for a in "$@"; do
	runopts="$runopts '$(printf '%s' "$a" | sed "s/'/'\\\\''/g")'"
done

remote=""
[ "$hosts" = ":" ] || remote="--wd ... $tf --return shard-{}.db --cleanup"

echo "parallel-sweep.sh: $n shards of$scen on $hosts, into $dir/" >&2
# shellcheck disable=SC2086
if ! (cd "$dir" && seq 1 "$n" | parallel --will-cite --halt never -j "$jobs" -S "$hosts" $remote \
	--joblog joblog.txt "$clobber run$scen --shard {}/$n -o shard-{}.db$runopts"); then
	echo "parallel-sweep.sh: some shards failed (see $dir/joblog.txt); run the same command again" >&2
	exit 1
fi
shards=""
i=1
while [ "$i" -le "$n" ]; do
	shards="$shards $dir/shard-$i.db"
	i=$((i + 1))
done
# shellcheck disable=SC2086
"$clobber" merge "$out" $shards
