/*
 * kernel.h - the discrete-event kernel: virtual time and the event queue.
 *
 * Time is an integer count of nanoseconds of true (simulated) time.  The
 * kernel knows nothing of keys, clients or policies: an event is a function,
 * an object pointer and a 64-bit argument, run at a time.
 *
 * Invariants:
 *  - Events run in order of (time, sequence number).  The sequence number is
 *    taken from a counter at scheduling, so events at equal times run in the
 *    order they were scheduled (the rule of libuv's timers).  A run is
 *    therefore a pure function of what the handlers do.
 *  - now() never decreases; an event may not be scheduled in the past.
 *  - The queue is a flat-array d-ary heap of plain structs plus a slot table
 *    that records each pending event's heap position, so cancel is a true
 *    O(log n) removal and memory is bounded by the events pending, not by the
 *    events ever scheduled.  Nothing is allocated per event: both arrays grow
 *    geometrically and are reused.  While a handler runs, its own entry
 *    stays at the root until the handler's first schedule takes its place
 *    (one sift for a pop and a push); kernel_pending() does not count it.
 *  - Events of one constant delay (kernel_set_fifo_delay: the timeouts of
 *    a run) are due in the order they are scheduled, so they wait in a
 *    FIFO ring beside the heap: O(1) to schedule, cancel and run, and the
 *    heap holds only the rest.  The order of events is the same as if
 *    they were in the heap.
 *  - An event may be scheduled as though at a later instant `born`
 *    (kernel_schedule_born): a model that did the work of several events
 *    at once, ahead of time, because nothing could observe it in between,
 *    schedules what the last of them would have scheduled.  Events at
 *    equal times run in order of born, then of scheduling: for events
 *    scheduled by kernel_schedule alone that is the order of scheduling.
 *    (Where two events at one time were born at the same instant and one
 *    of them was born ahead of time, they run in the order they were
 *    actually scheduled; the model that schedules ahead keeps that case
 *    out of reach of atoms in its distributions.)
 *  - A handle names one scheduling.  Cancelling a handle whose event already
 *    ran or was cancelled is harmless and returns false (the slot's generation
 *    counter tells a stale handle from a live one).
 *  - Time cannot overflow: an event that would lie after KERNEL_TIME_MAX
 *    (2^62 ns, about 146 years) is refused, and the run stops with -ERANGE.
 *  - A run that cannot advance time is stopped: once more than the instant
 *    limit (KERNEL_INSTANT_MAX events by default) have run at one simulated
 *    instant, kernel_run() returns -ELOOP.  Only a model whose operations
 *    take no time at all gets there (a loop of zero delays).
 */
#ifndef CLOBBER_KERNEL_H
#define CLOBBER_KERNEL_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct kernel;

/* An event handler.  It may schedule and cancel events, and stop the run. */
typedef void kernel_fn(struct kernel *k, void *obj, uint64_t arg);

/* Handle of a scheduled event; KERNEL_NO_EVENT is never returned. */
typedef uint64_t kernel_handle;
#define KERNEL_NO_EVENT ((kernel_handle)0)

/* The latest time an event may have (2^62 ns, about 146 years); delays
 * are at most 4e18 ns (dist.h), so now + delay is always computable. */
#define KERNEL_TIME_MAX ((int64_t)1 << 62)

/* Events that may run at one simulated instant before the run is stopped
 * as one that cannot advance time (kernel_set_instant_limit). */
#define KERNEL_INSTANT_MAX 50000000ULL

/* Time values: nanoseconds. */
#define KERNEL_NS ((int64_t)1)
#define KERNEL_US ((int64_t)1000)
#define KERNEL_MS ((int64_t)1000000)
#define KERNEL_S ((int64_t)1000000000)

/* Returns a new kernel at time 0 with room for `hint` pending events, or NULL
 * when out of memory.  The caller owns it: free with kernel_free(). */
struct kernel *kernel_new(size_t hint);
void kernel_free(struct kernel *k);

/* Schedules fn(k, obj, arg) to run `delay` ns from now (delay >= 0).
 * Returns its handle, or KERNEL_NO_EVENT when out of memory (the kernel is
 * then marked failed and kernel_run() returns -ENOMEM) or when the event
 * would lie after KERNEL_TIME_MAX (the kernel stops, and kernel_run()
 * returns -ERANGE). */
kernel_handle kernel_schedule(struct kernel *k, int64_t delay, kernel_fn *fn,
			      void *obj, uint64_t arg);

/* Schedules fn(k, obj, arg) to run at time `at`, ordered among the
 * events at that time as though scheduled at instant `born`
 * (now <= born <= at; clamped to that).  An event after KERNEL_TIME_MAX
 * is refused as kernel_schedule refuses it. */
kernel_handle kernel_schedule_born(struct kernel *k, int64_t born, int64_t at, kernel_fn *fn,
				   void *obj, uint64_t arg);

/* Takes a sequence number as kernel_schedule would, for an event that is
 * not scheduled (its work was done ahead of time): with the time it would
 * have run at and now as its born, it says where that event would have
 * run (kernel_runs_before). */
uint64_t kernel_reserve_seq(struct kernel *k);

/* True if an event at `time`, born at `born`, with sequence number `seq`
 * would run before the event running now. */
bool kernel_runs_before(const struct kernel *k, int64_t time, int64_t born, uint64_t seq);

/* Events scheduled `delay` ns after their born (delay > 0; 0: none) wait
 * in the FIFO instead of the heap (kernel.c). */
void kernel_set_fifo_delay(struct kernel *k, int64_t delay);

/* Removes a pending event.  True if it was pending, false if it had already
 * run or been cancelled. */
bool kernel_cancel(struct kernel *k, kernel_handle h);

/* The current time: that of the event running, or of the last one run. */
int64_t kernel_now(const struct kernel *k);

/* Number of events pending. */
size_t kernel_pending(const struct kernel *k);

/* Number of events run so far. */
uint64_t kernel_events(const struct kernel *k);

/* Runs events until the queue is empty, kernel_stop() is called, or the next
 * event lies after `until` (pass INT64_MAX for no limit).  Returns 0, or a
 * negative error code: -ENOMEM if scheduling failed for want of memory,
 * -ERANGE if an event was refused for lying after KERNEL_TIME_MAX, -ELOOP
 * if more events than the instant limit ran at one instant, -E2BIG if the
 * event limit was reached, -EINTR if the interrupt flag was raised. */
int kernel_run(struct kernel *k, int64_t until);

/* Makes kernel_run() return after the current event. */
void kernel_stop(struct kernel *k);

/* While *flag is zero the run goes on; once it is not (a signal handler
 * sets it), kernel_run() returns -EINTR within 4096 events.  NULL: never. */
void kernel_set_interrupt(struct kernel *k, const volatile sig_atomic_t *flag);

/* Sets how many events may run at one instant (0: KERNEL_INSTANT_MAX). */
void kernel_set_instant_limit(struct kernel *k, uint64_t limit);

/* Sets how many events may run in all (0: no limit, the default); once
 * they have, kernel_run() returns -E2BIG before running another.  A budget
 * for the fuzz harness, which runs every scenario it loads a little. */
void kernel_set_event_limit(struct kernel *k, uint64_t limit);

/* The heap's number of children per entry: 2, 4, 8 or 16, before anything
 * is scheduled (-EINVAL otherwise).  The order of events does not depend
 * on it; the default is the fastest in make bench's hold model, which
 * measures the others beside it. */
int kernel_set_heap_arity(struct kernel *k, unsigned d);

/* Pops the earliest event without running it and returns its time, or -1
 * when empty.  For the hold-model benchmark, which measures the queue alone. */
int64_t kernel_pop(struct kernel *k);

#endif
