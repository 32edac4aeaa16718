/*
 * kernel.c - event queue: a d-ary heap ordered by (time, born, seq) with a
 * slot table for O(log n) cancellation, and beside it a FIFO ring for the
 * events of one constant delay (timeouts), which are due in the order they
 * are scheduled.  See kernel.h for the invariants.
 */
#include "sim/core/kernel.h"

#include <errno.h>
#include <stdlib.h>

/* One heap entry: the ordering key and the slot holding the payload.  Kept
 * small so that sifting moves 24 bytes, not the payload. */
struct heap_entry {
	int64_t time;
	uint64_t seq;
	uint32_t slot;
};

/* The payload of a pending event, at a stable index while it is pending. */
struct slot {
	kernel_fn *fn;
	void *obj;
	uint64_t arg;
	int64_t born; /* the instant it counts as scheduled at (kernel_schedule_born) */
	uint32_t pos; /* heap index while pending (IN_FIFO: in the FIFO); next free slot when free */
	uint32_t gen; /* bumped when the slot is freed; never 0 */
};

#define IN_FIFO UINT32_MAX /* slot.pos of an event kept in the FIFO */

/* The heap array has HEAP_PAD entries past its capacity, and the HEAP_PAD
 * positions from k->n on always hold sentinels, later than any event and
 * distinct within any four consecutive positions: a 4-ary heap's last
 * children look like a full group of four (least_of_four). */
#define HEAP_PAD 4
static struct heap_entry sentinel(size_t pos)
{
	return (struct heap_entry){.time = INT64_MAX - (int64_t)(pos & 3), .seq = UINT64_MAX,
				   .slot = UINT32_MAX};
}

/* An event of the FIFO delay (kernel_set_fifo_delay): the order key, the
 * slot and its generation (a cancelled event's entry stays in the ring
 * until it reaches the head, where the generation tells it is gone). */
struct fifo_entry {
	int64_t time;
	int64_t born;
	uint64_t seq;
	uint32_t slot;
	uint32_t gen;
};

#define NO_SLOT UINT32_MAX

struct kernel {
	struct heap_entry *heap;
	size_t n;	/* entries in the heap */
	size_t cap;	/* capacity of heap and slots */
	struct slot *slots;
	size_t nslots;	/* slots ever handed out (<= cap) */
	uint32_t free_slot;
	int64_t now;
	uint64_t seq;
	uint64_t events;
	const volatile sig_atomic_t *interrupt;
	bool stopped;
	bool failed;
	bool interrupted;
	int refused;		  /* -ERANGE, -ELOOP or -E2BIG: the guards stopped the run */
	int64_t instant;	  /* the time of the events being counted */
	uint64_t at_instant;	  /* events run at that time */
	uint64_t instant_limit;
	uint64_t event_limit;	  /* events a run may have in all (-E2BIG past it) */
	/* While a handler runs, its own entry stays at the root of the heap
	 * (it is the least entry, so the heap stays valid) until the handler's
	 * first kernel_schedule() overwrites it and sifts it down: a pop and a
	 * push cost one sift instead of two.  Its slot is already free. */
	bool root_spent;
	/* Events scheduled with the FIFO delay are due in the order they are
	 * scheduled, so they wait in a ring, not in the heap: O(1) each. */
	int64_t fifo_delay;	/* 0: none */
	struct fifo_entry *fifo;
	size_t fhead, flen, fcap; /* ring: entries fhead .. fhead + flen - 1 (mod fcap) */
	size_t flive;		  /* of which not cancelled */
	int64_t run_born;	  /* the running event's born and seq */
	uint64_t run_seq;
	unsigned dlog;		  /* the heap has 2^dlog children per entry */
};

/* The heap's arity, chosen by measurement (make bench, "the heap's
 * children per entry", each arity in turns, the best of three): a 4-ary
 * heap has half the levels of a binary one, and its four children are
 * compared without branches (least_of_four).  In the hold model it is 26
 * to 28% faster than a binary heap at 100 pending events, 40 to 44% at
 * 10,000 and 64 to 66% at 100,000, 10 to 15% in the model with 100k
 * clients (two make bench runs; before the branchless choice it was 4%
 * slower to 30% faster); 8 children are slower than 4 everywhere. */
#define HEAP_DLOG_DEFAULT 2

/* Order of events: time, then the instant each counts as scheduled at
 * (born: its scheduling time, or the one kernel_schedule_born names),
 * then the sequence number.  For events scheduled with kernel_schedule
 * alone born follows seq, so this is (time, seq): the rule of kernel.h.
 * Times differ nearly always, so the heap's choice between two children
 * is a comparison of times without a branch; born is read from the slots
 * only when times are equal. */
static bool tie_before(const struct kernel *k, uint32_t sa, uint64_t qa, uint32_t sb, uint64_t qb)
{
	int64_t ba = k->slots[sa].born, bb = k->slots[sb].born;
	return ba != bb ? ba < bb : qa < qb;
}

static bool before(const struct kernel *k, const struct heap_entry *a, const struct heap_entry *b)
{
	if (__builtin_expect(a->time != b->time, 1))
		return a->time < b->time;
	return tie_before(k, a->slot, a->seq, b->slot, b->seq);
}

struct kernel *kernel_new(size_t hint)
{
	struct kernel *k = calloc(1, sizeof(*k));
	if (!k)
		return NULL;
	k->cap = hint < 64 ? 64 : hint;
	k->heap = malloc((k->cap + HEAP_PAD) * sizeof(*k->heap));
	k->slots = malloc(k->cap * sizeof(*k->slots));
	if (!k->heap || !k->slots) {
		kernel_free(k);
		return NULL;
	}
	for (size_t p = 0; p < HEAP_PAD; p++)
		k->heap[p] = sentinel(p);
	k->free_slot = NO_SLOT;
	k->instant_limit = KERNEL_INSTANT_MAX;
	k->event_limit = UINT64_MAX;
	k->dlog = HEAP_DLOG_DEFAULT;
	return k;
}

int kernel_set_heap_arity(struct kernel *k, unsigned d)
{
	unsigned b = 0;
	while ((1u << b) < d)
		b++;
	if (d < 2 || d > 16 || (1u << b) != d || k->n > 0)
		return -EINVAL;
	k->dlog = b;
	return 0;
}

void kernel_free(struct kernel *k)
{
	if (!k)
		return;
	free(k->heap);
	free(k->slots);
	free(k->fifo);
	free(k);
}

static int grow(struct kernel *k)
{
	size_t cap = k->cap * 2;
	struct heap_entry *heap = realloc(k->heap, (cap + HEAP_PAD) * sizeof(*heap));
	if (!heap)
		return -ENOMEM;
	k->heap = heap;
	struct slot *slots = realloc(k->slots, cap * sizeof(*slots));
	if (!slots)
		return -ENOMEM;
	k->slots = slots;
	k->cap = cap;
	return 0;
}

/* Places entry e at hole position i and moves it up to where it belongs.
 * The parent of i is (i - 1) / d, its children d i + 1 .. d i + d. */
static void sift_up(struct kernel *k, size_t i, struct heap_entry e)
{
	unsigned b = k->dlog;
	while (i > 0) {
		size_t parent = (i - 1) >> b;
		if (!before(k, &e, &k->heap[parent]))
			break;
		k->heap[i] = k->heap[parent];
		k->slots[k->heap[i].slot].pos = (uint32_t)i;
		i = parent;
	}
	k->heap[i] = e;
	k->slots[e.slot].pos = (uint32_t)i;
}

/* The least of the four children at first .. first + 3 of a 4-ary heap
 * (sentinels past the last entry: HEAP_PAD), chosen by their times with
 * conditional moves rather than branches (which child is least is a coin
 * toss for the branch predictor); SIZE_MAX when two of the times compared
 * are equal, for before() to break the tie. */
static size_t least_of_four(const struct heap_entry *h, size_t first)
{
	int64_t t0 = h[first].time, t1 = h[first + 1].time;
	int64_t t2 = h[first + 2].time, t3 = h[first + 3].time;
	size_t a = t1 < t0 ? first + 1 : first;
	int64_t ta = t1 < t0 ? t1 : t0;
	size_t c = t3 < t2 ? first + 3 : first + 2;
	int64_t tc = t3 < t2 ? t3 : t2;
	if (__builtin_expect((t0 == t1) | (t2 == t3) | (ta == tc), 0))
		return SIZE_MAX;
	return tc < ta ? c : a;
}

/* Places entry e at hole position i and moves it down to where it belongs. */
static void sift_down(struct kernel *k, size_t i, struct heap_entry e)
{
	size_t n = k->n;
	unsigned b = k->dlog;
	for (;;) {
		size_t first = (i << b) + 1;
		if (first >= n)
			break;
		size_t last = first + ((size_t)1 << b);
		size_t child = b == 2 ? least_of_four(k->heap, first) : SIZE_MAX;
		if (last > n)
			last = n;
		if (child == SIZE_MAX) {
			child = first;
			for (size_t c = first + 1; c < last; c++)
				if (before(k, &k->heap[c], &k->heap[child]))
					child = c;
		}
		if (!before(k, &k->heap[child], &e))
			break;
		k->heap[i] = k->heap[child];
		k->slots[k->heap[i].slot].pos = (uint32_t)i;
		i = child;
	}
	k->heap[i] = e;
	k->slots[e.slot].pos = (uint32_t)i;
}

/* Removes the entry at heap position i. */
static void heap_remove(struct kernel *k, size_t i)
{
	struct heap_entry last = k->heap[--k->n];
	k->heap[k->n] = sentinel(k->n);
	if (i == k->n)
		return;
	if (i > 0 && before(k, &last, &k->heap[(i - 1) >> k->dlog]))
		sift_up(k, i, last);
	else
		sift_down(k, i, last);
}

static void slot_release(struct kernel *k, uint32_t s)
{
	struct slot *sl = &k->slots[s];
	sl->gen = sl->gen == UINT32_MAX ? 1 : sl->gen + 1;
	sl->pos = k->free_slot;
	k->free_slot = s;
}

/* Takes a free slot for fn(obj, arg), or returns NO_SLOT when out of
 * memory (the kernel is then failed). */
static uint32_t slot_take(struct kernel *k, kernel_fn *fn, void *obj, uint64_t arg, int64_t born)
{
	uint32_t s;
	if (k->free_slot != NO_SLOT) {
		s = k->free_slot;
		k->free_slot = k->slots[s].pos;
	} else {
		if (k->nslots == k->cap && grow(k) < 0) {
			k->failed = true;
			k->stopped = true;
			return NO_SLOT;
		}
		s = (uint32_t)k->nslots++;
		k->slots[s].gen = 1;
	}
	struct slot *sl = &k->slots[s];
	sl->fn = fn;
	sl->obj = obj;
	sl->arg = arg;
	sl->born = born;
	return s;
}

static void heap_push(struct kernel *k, struct heap_entry e)
{
	if (k->root_spent) {
		k->root_spent = false;
		sift_down(k, 0, e);
	} else {
		k->n++;
		k->heap[k->n + HEAP_PAD - 1] = sentinel(k->n + HEAP_PAD - 1);
		sift_up(k, k->n - 1, e);
	}
}

/* Appends e to the FIFO if it is due no earlier than the FIFO's last
 * entry; returns false (e goes to the heap) otherwise or out of memory. */
static bool fifo_push(struct kernel *k, const struct heap_entry *e)
{
	if (k->flen) {
		/* the last entry, live or not, bounds what may follow it */
		const struct fifo_entry *t = &k->fifo[(k->fhead + k->flen - 1) % k->fcap];
		int64_t born = k->slots[e->slot].born;
		if (t->time > e->time ||
		    (t->time == e->time && (t->born > born || (t->born == born && t->seq > e->seq))))
			return false;
	}
	if (k->flen == k->fcap) {
		size_t cap = k->fcap ? k->fcap * 2 : 64;
		struct fifo_entry *f = malloc(cap * sizeof(*f));
		if (!f)
			return false;
		for (size_t i = 0; i < k->flen; i++)
			f[i] = k->fifo[(k->fhead + i) % k->fcap];
		free(k->fifo);
		k->fifo = f;
		k->fcap = cap;
		k->fhead = 0;
	}
	k->fifo[(k->fhead + k->flen) % k->fcap] =
		(struct fifo_entry){.time = e->time, .born = k->slots[e->slot].born, .seq = e->seq,
				    .slot = e->slot, .gen = k->slots[e->slot].gen};
	k->flen++;
	k->flive++;
	k->slots[e->slot].pos = IN_FIFO;
	return true;
}

/* Schedules an event at time `at`, counted as scheduled at `born`. */
static kernel_handle schedule_at(struct kernel *k, int64_t born, int64_t at, kernel_fn *fn,
				 void *obj, uint64_t arg)
{
	uint32_t s = slot_take(k, fn, obj, arg, born);
	if (s == NO_SLOT)
		return KERNEL_NO_EVENT;
	struct heap_entry e = {.time = at, .seq = k->seq++, .slot = s};
	if (!(k->fifo_delay > 0 && at - born == k->fifo_delay && fifo_push(k, &e)))
		heap_push(k, e);
	return ((uint64_t)k->slots[s].gen << 32) | s;
}

/* The guard against time overflow: an event after KERNEL_TIME_MAX is
 * refused and the run stops. */
static kernel_handle refuse_time(struct kernel *k)
{
	k->refused = -ERANGE;
	k->stopped = true;
	return KERNEL_NO_EVENT;
}

kernel_handle kernel_schedule(struct kernel *k, int64_t delay, kernel_fn *fn,
			      void *obj, uint64_t arg)
{
	if (delay < 0)
		delay = 0; /* never in the past: callers clamp, this is a guard */
	if (delay > KERNEL_TIME_MAX - k->now)
		return refuse_time(k);
	return schedule_at(k, k->now, k->now + delay, fn, obj, arg);
}

kernel_handle kernel_schedule_born(struct kernel *k, int64_t born, int64_t at, kernel_fn *fn,
				   void *obj, uint64_t arg)
{
	if (born < k->now)
		born = k->now;
	if (at < born)
		at = born;
	if (at > KERNEL_TIME_MAX)
		return refuse_time(k);
	return schedule_at(k, born, at, fn, obj, arg);
}

uint64_t kernel_reserve_seq(struct kernel *k)
{
	return k->seq++;
}

bool kernel_runs_before(const struct kernel *k, int64_t time, int64_t born, uint64_t seq)
{
	if (time != k->now)
		return time < k->now;
	if (born != k->run_born)
		return born < k->run_born;
	return seq < k->run_seq;
}

void kernel_set_fifo_delay(struct kernel *k, int64_t delay)
{
	k->fifo_delay = delay > 0 ? delay : 0;
}

bool kernel_cancel(struct kernel *k, kernel_handle h)
{
	uint32_t s = (uint32_t)h;
	uint32_t gen = (uint32_t)(h >> 32);
	if (h == KERNEL_NO_EVENT || s >= k->nslots || k->slots[s].gen != gen)
		return false;
	if (k->slots[s].pos == IN_FIFO)
		k->flive--; /* its entry is dropped when it reaches the head */
	else
		heap_remove(k, k->slots[s].pos);
	slot_release(k, s);
	return true;
}

int64_t kernel_now(const struct kernel *k)
{
	return k->now;
}

size_t kernel_pending(const struct kernel *k)
{
	return k->n - k->root_spent + k->flive;
}

uint64_t kernel_events(const struct kernel *k)
{
	return k->events;
}

void kernel_stop(struct kernel *k)
{
	k->stopped = true;
}

void kernel_set_interrupt(struct kernel *k, const volatile sig_atomic_t *flag)
{
	k->interrupt = flag;
}

void kernel_set_instant_limit(struct kernel *k, uint64_t limit)
{
	k->instant_limit = limit ? limit : KERNEL_INSTANT_MAX;
}

void kernel_set_event_limit(struct kernel *k, uint64_t limit)
{
	k->event_limit = limit ? limit : UINT64_MAX;
}

/* The guard against runs that cannot advance time: true once the events
 * at time t exceed the instant limit. */
static bool instant_exceeded(struct kernel *k, int64_t t)
{
	if (t != k->instant) {
		k->instant = t;
		k->at_instant = 0;
	}
	return ++k->at_instant > k->instant_limit;
}

/* Drops cancelled entries at the FIFO's head; true if a live one is left. */
static bool fifo_live_head(struct kernel *k)
{
	while (k->flen) {
		const struct fifo_entry *f = &k->fifo[k->fhead];
		if (k->slots[f->slot].gen == f->gen && k->slots[f->slot].pos == IN_FIFO)
			return true;
		k->fhead = (k->fhead + 1) % k->fcap;
		k->flen--;
	}
	return false;
}

/* The earliest pending event: its entry in *top; 0 when none, 1 when it
 * is the heap's root, 2 when it is the FIFO's head.  The heap's root is
 * not counted while it is spent (a handler's own entry). */
static int next_event(struct kernel *k, struct heap_entry *top)
{
	bool heap = k->n > (size_t)k->root_spent;
	bool fifo = k->flive && fifo_live_head(k);
	if (fifo) {
		const struct fifo_entry *f = &k->fifo[k->fhead];
		struct heap_entry e = {.time = f->time, .seq = f->seq, .slot = f->slot};
		if (!heap || before(k, &e, &k->heap[0])) {
			*top = e;
			return 2;
		}
	}
	if (!heap)
		return 0;
	*top = k->heap[0];
	return 1;
}

/* Takes the event next_event() found out of its queue; its slot is
 * released, so the handler may reuse it. */
static void take(struct kernel *k, int from, const struct heap_entry *top)
{
	k->run_born = k->slots[top->slot].born;
	k->run_seq = top->seq;
	slot_release(k, top->slot);
	if (from == 2) {
		k->fhead = (k->fhead + 1) % k->fcap;
		k->flen--;
		k->flive--;
	}
}

int64_t kernel_pop(struct kernel *k)
{
	struct heap_entry top;
	int from = next_event(k, &top);
	if (!from)
		return -1;
	take(k, from, &top);
	if (from == 1)
		heap_remove(k, 0);
	k->now = top.time;
	return top.time;
}

int kernel_run(struct kernel *k, int64_t until)
{
	k->stopped = k->failed || k->refused;
	while (!k->stopped) {
		struct heap_entry top;
		int from = next_event(k, &top);
		if (!from || top.time > until)
			break;
		if (instant_exceeded(k, top.time)) {
			k->refused = -ELOOP;
			break;
		}
		if (k->events >= k->event_limit) {
			k->refused = -E2BIG;
			break;
		}
		struct slot *sl = &k->slots[top.slot];
		kernel_fn *fn = sl->fn;
		void *obj = sl->obj;
		uint64_t arg = sl->arg;
		take(k, from, &top);
		k->now = top.time;
		k->events++;
		k->root_spent = from == 1;
		fn(k, obj, arg);
		if (k->root_spent) {
			k->root_spent = false;
			heap_remove(k, 0);
		}
		if ((k->events & 4095) == 0 && k->interrupt && *k->interrupt) {
			k->interrupted = true;
			break;
		}
	}
	return k->failed ? -ENOMEM : k->refused ? k->refused : k->interrupted ? -EINTR : 0;
}
