#!/bin/sh
# slurm-sweep.sh - one sweep on a Slurm cluster: an array job of N shards,
# then a merge job that runs when all of them have succeeded.
#
#   scripts/slurm-sweep.sh -n N -o OUT.db SCENARIO... [-- RUN-OPTION...]
#
# Submits, from the current directory (on storage every node sees):
#   sbatch --array=1-N scripts/slurm/shard.sbatch OUT.db.shards SCENARIO...
#   sbatch --dependency=afterok:ARRAY scripts/slurm/merge.sbatch OUT.db.shards N OUT.db
# and prints both job ids ("shards: JOB  merge: JOB").  The scenario files
# are copied into OUT.db.shards/scenarios/ first: the slices are cut from
# those bytes, whatever happens to the originals meanwhile.  Logs go to
# OUT.db.shards/shard-I.log and merge.log.  Anything else for sbatch
# (partition, account, time limit, CPUs per task) goes through sbatch's own
# environment variables: SBATCH_PARTITION, SBATCH_ACCOUNT, SBATCH_TIMELIMIT,
# SLURM_CPUS_PER_TASK.  CLOBBER names the clobber command on the nodes
# (default: clobber on PATH).  Exit status: 0 submitted; 1 sbatch failed;
# 2 bad usage.
set -eu
usage() {
	echo "usage: scripts/slurm-sweep.sh -n N -o OUT.db SCENARIO... [-- RUN-OPTION...]" >&2
	exit 2
}
here=$(cd "$(dirname "$0")" && pwd)
n="" out=""
while getopts n:o: opt; do
	case $opt in
	n) n=$OPTARG ;;
	o) out=$OPTARG ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
case $n in '' | *[!0-9]* | 0*) echo "slurm-sweep.sh: -n expects a number of shards >= 1, found '$n'" >&2; usage ;; esac
[ -n "$out" ] || { echo "slurm-sweep.sh: -o OUT.db is required" >&2; usage; }
case $out in /*) ;; *) out=$(pwd)/$out ;; esac
dir="$out.shards"
mkdir -p "$dir/scenarios"
scen=""
while [ $# -gt 0 ] && [ "$1" != "--" ]; do
	[ -f "$1" ] || { echo "slurm-sweep.sh: no such scenario file: $1" >&2; exit 2; }
	base=$(basename "$1")
	case " $scen " in *"/scenarios/$base "*) echo "slurm-sweep.sh: two scenario files named $base" >&2; exit 2 ;; esac
	cp "$1" "$dir/scenarios/$base"
	scen="$scen $dir/scenarios/$base"
	shift
done
[ -n "$scen" ] || { echo "slurm-sweep.sh: name at least one scenario file" >&2; usage; }
# shellcheck disable=SC2086
shards=$(sbatch --parsable --array="1-$n" --output="$dir/shard-%a.log" \
	"$here/slurm/shard.sbatch" "$dir" $scen "$@") || exit 1
shards=${shards%%;*} # "id;cluster" on a federation
merge=$(sbatch --parsable --dependency="afterok:$shards" --kill-on-invalid-dep=yes \
	--output="$dir/merge.log" "$here/slurm/merge.sbatch" "$dir" "$n" "$out") || exit 1
merge=${merge%%;*}
echo "shards: $shards  merge: $merge"
