/*
 * resume.h - the benchmark of planning a resumed sweep and of loading a
 * reversed script (resume.c), issue 15 points 3 and 9: what the tests
 * check by structure (test_exec, test_scenario), measured.
 */
#ifndef CLOBBER_BENCH_RESUME_H
#define CLOBBER_BENCH_RESUME_H

#include <stdbool.h>

/* Prints the time to plan a sweep of 10000 small runs (900 if quick) with
 * none stored and with every other one stored, and to load a reversed
 * script of 100000 operations. */
void bench_resume(bool quick);

/* Removes a benchmark's database and its -wal and -shm files. */
void bench_unlink_db(const char *path);

#endif
