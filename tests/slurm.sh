#!/bin/sh
# slurm.sh - make test-slurm: the Slurm recipe (scripts/slurm-sweep.sh: an
# array job of shards, then a merge job with afterok) on a real single-node
# Slurm cluster that this script starts and stops itself: munged,
# slurmctld and slurmd on 127.0.0.1, with a throw-away key, configuration
# and state under one temporary directory, on ports that nothing else uses.
#
#   sh tests/slurm.sh [CLOBBER]        (as root; CLOBBER default bin/clobber)
#
# It checks that the merged database holds every run of the sweep once and
# the same metrics as one `clobber run` of it (the independent reference),
# compared by run identity with sqlite3.
#
# Not flaky by construction: every wait is bounded and says what it waited
# for; ports are checked free in /proc/net/tcp*; nothing is read from or
# left in /etc, /run or /var (the daemons get every path on their command
# line or in the throw-away slurm.conf); the daemons started here are
# stopped by their process ids, and the directory removed, by a trap that
# runs however the script ends.  On failure it prints the daemons' logs and
# the jobs' output.
set -eu

root=$(pwd)
clobber=${1:-bin/clobber}
case $clobber in /*) ;; *) clobber=$root/$clobber ;; esac
[ "$(id -u)" -eq 0 ] || { echo "test-slurm: run as root (the daemons run as root)" >&2; exit 1; }
for cmd in munged mungekey slurmctld slurmd sbatch scontrol sinfo sqlite3; do
	command -v "$cmd" >/dev/null 2>&1 || PATH=$PATH:/usr/sbin:/sbin
	command -v "$cmd" >/dev/null 2>&1 || { echo "test-slurm: $cmd is missing (sh scripts/setup.sh slurm)" >&2; exit 1; }
done

exec 3>&2 # for messages from inside redirected waits
T=$(mktemp -d /tmp/clobber-slurm-XXXXXX)
pids=""
ok=0
cleanup() {
	rc=$?
	trap - EXIT INT TERM HUP
	[ "$ok" -eq 1 ] || rc=1
	# jobs still queued or running (after a failure) are cancelled and
	# given 20 s to end before the daemons stop
	if [ -n "${SLURM_CONF:-}" ] && [ -n "$pids" ]; then
		scancel --quiet --user=root 2>/dev/null || true
		i=0
		while [ -n "$(squeue -h 2>/dev/null)" ] && [ $i -lt 100 ]; do sleep 0.2; i=$((i + 1)); done
	fi
	for pid in $pids; do kill "$pid" 2>/dev/null || true; done
	# the daemons stop within seconds; after 20 they are killed
	for pid in $pids; do
		i=0
		while kill -0 "$pid" 2>/dev/null && [ $i -lt 200 ]; do sleep 0.1; i=$((i + 1)); done
		kill -9 "$pid" 2>/dev/null || true
	done
	if [ "$rc" -ne 0 ]; then
		for f in "$T"/munge/munged.log "$T"/slurmctld.log "$T"/slurmd.log "$T"/out.db.shards/*.log; do
			[ -f "$f" ] || continue
			echo "---- $f (last 40 lines)" >&2
			tail -n 40 "$f" >&2
		done
		echo "test-slurm: FAILED" >&2
	fi
	rm -rf "$T"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

fail() {
	echo "test-slurm: $*" >&3
	exit 1
}

# wait_for SECONDS WHAT COMMAND...: runs COMMAND every 0.2 s until it
# succeeds; fails naming WHAT after SECONDS
wait_for() {
	limit=$1 what=$2
	shift 2
	i=0
	while ! "$@" >/dev/null 2>&1; do
		i=$((i + 1))
		[ $i -le $((limit * 5)) ] || fail "gave up after ${limit}s waiting for $what"
		sleep 0.2
	done
}

# a TCP port that no socket on this machine uses, from $1 up
port_free() {
	hex=$(printf '%04X' "$1")
	! cat /proc/net/tcp /proc/net/tcp6 2>/dev/null | awk '{print $2}' | grep -qi ":$hex\$"
}
free_port() {
	p=$1
	while ! port_free "$p"; do p=$((p + 1)); done
	echo "$p"
}
base=$((20000 + $$ % 20000))
ctld_port=$(free_port "$base")
slurmd_port=$(free_port $((ctld_port + 1)))

host=$(uname -n | cut -d. -f1)
cpus=$(nproc)
start=$(date +%s)

# ---- munge: its own key and socket
mkdir -m 700 "$T/munge"
mungekey --create --keyfile="$T/munge/munge.key" >/dev/null 2>&1 ||
	dd if=/dev/urandom of="$T/munge/munge.key" bs=1024 count=1 2>/dev/null
chmod 600 "$T/munge/munge.key"
sock="$T/munge/munge.sock"
munged --foreground --force --socket="$sock" --key-file="$T/munge/munge.key" \
	--pid-file="$T/munge/munged.pid" --log-file="$T/munge/munged.log" \
	--seed-file="$T/munge/munged.seed" 2>>"$T/munge/munged.log" &
pids="$pids $!"
munge_ok() { munge -n -S "$sock" | unmunge -S "$sock"; }
wait_for 20 "munged to answer on $sock" munge_ok

# ---- slurm: a throw-away configuration
mkdir -p "$T/state" "$T/spool"
conf="$T/slurm.conf"
cat >"$conf" <<EOF
ClusterName=clobbertest
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$sock
StateSaveLocation=$T/state
SlurmdSpoolDir=$T/spool
SlurmctldPidFile=$T/slurmctld.pid
SlurmdPidFile=$T/slurmd.pid
SlurmctldLogFile=$T/slurmctld.log
SlurmdLogFile=$T/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
SwitchType=switch/none
SchedulerType=sched/backfill
SchedulerParameters=sched_interval=1,bf_interval=1
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
MinJobAge=3600
InactiveLimit=0
KillWait=5
PlugStackConfig=$T/plugstack.conf
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus State=UNKNOWN
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
: >"$T/plugstack.conf"
export SLURM_CONF="$conf"
slurmctld -D -i -f "$conf" >>"$T/slurmctld.log" 2>&1 &
pids="$pids $!"
ctld_up() { scontrol ping | grep -q UP; }
wait_for 60 "slurmctld to answer on port $ctld_port" ctld_up
slurmd -D -N "$host" -f "$conf" >>"$T/slurmd.log" 2>&1 &
pids="$pids $!"
node_idle() { sinfo -h -n "$host" -o %T | grep -q idle; }
wait_for 60 "node $host to be idle" node_idle
echo "test-slurm: cluster up in $(($(date +%s) - start))s (slurmctld port $ctld_port, slurmd port $slurmd_port, $cpus CPUs)"

# ---- the recipe: 7 shards of a 60-run sweep (7 does not divide 60)
export CLOBBER="$clobber"
cp scenarios/compare.yaml "$T/compare.yaml"
opts="--set replications=1 --set stop.ops=2000"
cd "$T"
# shellcheck disable=SC2086
submitted=$(sh "$root/scripts/slurm-sweep.sh" -n 7 -o "$T/out.db" "$T/compare.yaml" -- $opts) ||
	fail "slurm-sweep.sh could not submit"
echo "test-slurm: $submitted"
shards=$(echo "$submitted" | sed -n 's/^shards: \([0-9]*\) .*/\1/p')
merge=$(echo "$submitted" | sed -n 's/.* merge: \([0-9]*\)$/\1/p')
[ -n "$shards" ] && [ -n "$merge" ] || fail "no job ids in '$submitted'"

# both jobs end within 5 minutes (they take seconds); any end but
# COMPLETED fails at once
job_states() { scontrol -o show job "$1" | sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p'; }
job_done() {
	st=$(job_states "$1")
	case $st in *FAILED* | *CANCELLED* | *TIMEOUT* | *NODE_FAIL* | *OUT_OF_MEMORY* | *BOOT_FAIL* | *DEADLINE* | *PREEMPTED*)
		fail "job $1 ended as: $(echo $st); the array job $shards: $(job_states "$shards" | sort | uniq -c | tr -s ' \n' ' ')" ;;
	esac
	[ -n "$st" ] && ! echo "$st" | grep -qv COMPLETED
}
wait_for 300 "the merge job $merge to complete" job_done "$merge"
tasks=$(job_states "$shards" | grep -c COMPLETED)
[ "$tasks" -eq 7 ] || fail "array job $shards: $tasks of 7 tasks COMPLETED: $(job_states "$shards" | tr '\n' ' ')"
scontrol -o show job "$shards" | grep -v "ExitCode=0:0" | grep -q . && fail "array job $shards: a task exited non-zero"
scontrol -o show job "$merge" | grep -q "ExitCode=0:0" || fail "merge job $merge exited non-zero"

# ---- what it must show: every run once, the same metrics as one run
# shellcheck disable=SC2086
"$clobber" run "$T/compare.yaml" $opts -o "$T/single.db" >/dev/null
runs=$(sqlite3 "$T/out.db" "SELECT count(*) FROM runs")
want=$(sqlite3 "$T/single.db" "SELECT count(*) FROM runs")
[ "$want" -eq 60 ] || fail "the reference holds $want runs, not 60"
[ "$runs" -eq "$want" ] || fail "the merged database holds $runs runs, the sweep has $want"
sum=0
for i in 1 2 3 4 5 6 7; do
	n=$(sqlite3 "$T/out.db.shards/shard-$i.db" "SELECT count(*) FROM runs")
	[ "$n" -ge 1 ] || fail "shard $i holds no runs"
	sum=$((sum + n))
done
[ "$sum" -eq "$want" ] || fail "the shards hold $sum runs in all, the sweep has $want: they overlap"
diff=$(sqlite3 "$T/out.db" "ATTACH '$T/single.db' AS s;
	SELECT (SELECT count(*) FROM (
		SELECT r.scenario, r.params, m.name, m.value FROM runs r JOIN metrics m ON m.run_id = r.id WHERE m.name <> 'wall_s'
		EXCEPT SELECT r.scenario, r.params, m.name, m.value FROM s.runs r JOIN s.metrics m ON m.run_id = r.id WHERE m.name <> 'wall_s'))
	     + (SELECT count(*) FROM (
		SELECT r.scenario, r.params, m.name, m.value FROM s.runs r JOIN s.metrics m ON m.run_id = r.id WHERE m.name <> 'wall_s'
		EXCEPT SELECT r.scenario, r.params, m.name, m.value FROM runs r JOIN metrics m ON m.run_id = r.id WHERE m.name <> 'wall_s'))
	     + (SELECT count(*) FROM (SELECT r.scenario, r.params, q.q, q.latency_ms FROM runs r JOIN quantiles q ON q.run_id = r.id
		EXCEPT SELECT r.scenario, r.params, q.q, q.latency_ms FROM s.runs r JOIN s.quantiles q ON q.run_id = r.id))
	     + (SELECT count(*) FROM metrics) - (SELECT count(*) FROM s.metrics)")
[ "$diff" -eq 0 ] || fail "the merged database differs from one clobber run in $diff rows"
ok=1
echo "test-slurm: array job $shards (7 tasks COMPLETED), merge job $merge COMPLETED: $runs runs merged, the same metrics as one clobber run; $(($(date +%s) - start))s in all"
