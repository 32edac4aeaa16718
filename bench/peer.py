#!/usr/bin/python3
"""peer.py - the benchmark's peer: the same model written in SimPy 3.

Closed-loop clients doing version-checked increments on uniformly chosen
keys: think Exp(5 ms); read (a message each way, Exp(0.5 ms) one-way
latency); write naming the version read (a message each way); the store
applies it if the version is still current, else the client backs off
Exp(1 ms) and retries from the read, up to 10 retries, then aborts.  50
clients, 100 keys, no compute time, no service time.  This is what
clobber's `bench --peer` runs with the version policy, in turns with the
same model as a bare C loop (bench/floor.c), the floor clobber is held to.

Runs R replications of each, prints mean latency and conflict rate with
95% confidence intervals (Student's t) side by side, whether they agree
(the difference lies within the combined intervals), and clobber's
operations per second over SimPy's.

usage: peer.py BENCH_BINARY [R]    (run by `make bench`; needs python3-simpy3)
"""
import math
import random
import subprocess
import sys
import time

import simpy

CLIENTS, KEYS = 50, 100
THINK, LATENCY, BACKOFF = 5.0, 0.5, 1.0  # ms means
RETRIES = 10
T975 = {2: 12.706, 3: 4.303, 4: 3.182, 5: 2.776, 6: 2.571, 8: 2.365, 10: 2.262}


def run(seed, ops):
    rnd = random.Random(seed)
    env = simpy.Environment()
    version = [0] * KEYS
    st = {"issued": 0, "attempts": 0, "conflicts": 0, "lat_sum": 0.0, "lat_n": 0}

    def client():
        while True:
            yield env.timeout(rnd.expovariate(1 / THINK))
            if st["issued"] >= ops:
                return
            st["issued"] += 1
            begin = env.now
            key = rnd.randrange(KEYS)
            for attempt in range(RETRIES + 1):
                st["attempts"] += 1
                yield env.timeout(rnd.expovariate(1 / LATENCY))  # read request
                seen = version[key]
                yield env.timeout(rnd.expovariate(1 / LATENCY))  # reply
                yield env.timeout(rnd.expovariate(1 / LATENCY))  # write request
                ok = version[key] == seen
                if ok:
                    version[key] += 1
                yield env.timeout(rnd.expovariate(1 / LATENCY))  # reply
                if ok:
                    st["lat_sum"] += env.now - begin
                    st["lat_n"] += 1
                    break
                st["conflicts"] += 1
                if attempt == RETRIES:
                    break
                yield env.timeout(rnd.expovariate(1 / BACKOFF))

    for _ in range(CLIENTS):
        env.process(client())
    env.run()
    return st["lat_sum"] / st["lat_n"], st["conflicts"] / st["attempts"], st["issued"]


def mean_ci(xs):
    n = len(xs)
    m = sum(xs) / n
    sd = math.sqrt(sum((x - m) ** 2 for x in xs) / (n - 1))
    return m, T975.get(n - 1, 2.0) * sd / math.sqrt(n)


def main():
    bench = sys.argv[1]
    reps = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    ops = 20000
    lat, conf, done, wall = [], [], 0, 0.0
    for i in range(reps):
        t0 = time.perf_counter()
        l, c, n = run(i + 1, ops)
        wall += time.perf_counter() - t0
        lat.append(l)
        conf.append(c)
        done += n
    simpy_ops = done / wall
    out = subprocess.run([bench, "--peer", str(reps)], capture_output=True, text=True, check=True)
    f = out.stdout.split()
    # "clobber latency_mean_ms M H conflict_rate M H ops_per_s X events_per_op E
    #  floor_ops_per_s F floor_events_per_op G" (clobber and the bare C loop of
    #  bench/floor.c measured in turns, best of each)
    c_lat, c_lath, c_conf, c_confh, c_ops = float(f[2]), float(f[3]), float(f[5]), float(f[6]), float(f[8])
    c_evop, floor_ops, floor_evop = float(f[10]), float(f[12]), float(f[14])
    s_lat, s_lath = mean_ci(lat)
    s_conf, s_confh = mean_ci(conf)
    print("peer: SimPy %s, %d replications each (SimPy %d ops, clobber 100000 ops per run)"
          % (simpy.__version__, reps, ops))
    print("  %-18s %-22s %-22s %s" % ("", "clobber", "SimPy", "agree?"))
    for name, cm, ch, sm, sh, fmt in (
            ("mean latency (ms)", c_lat, c_lath, s_lat, s_lath, "%.4f +- %.4f"),
            ("conflict rate", c_conf, c_confh, s_conf, s_confh, "%.5f +- %.5f")):
        agree = abs(cm - sm) <= math.hypot(ch, sh)
        print("  %-18s %-22s %-22s %s" % (name, fmt % (cm, ch), fmt % (sm, sh),
                                          "yes" if agree else "NO"))
    print("  operations per second: clobber %.0f, SimPy %.0f: clobber is %.1f times faster (target 30)"
          % (c_ops, simpy_ops, c_ops / simpy_ops))
    print("  the bare C loop (bench/floor.c, %.2f events per operation, no checker): %.0f ops/s;"
          " clobber (%.2f events per operation) is %.2f of it (target 0.7)"
          % (floor_evop, floor_ops, c_evop, c_ops / floor_ops))


if __name__ == "__main__":
    main()
