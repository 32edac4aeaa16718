/*
 * kernel.c - event queue: a binary heap ordered by (time, seq) with a slot
 * table for O(log n) cancellation.  See kernel.h for the invariants.
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
	uint32_t pos; /* heap index while pending; next free slot when free */
	uint32_t gen; /* bumped when the slot is freed; never 0 */
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
};

/* (time, seq) as one 128-bit number (times are never negative): compared
 * without branches, which matters where the heap picks between two
 * children, a coin toss for the branch predictor. */
static unsigned __int128 key_of(const struct heap_entry *a)
{
	return (unsigned __int128)(uint64_t)a->time << 64 | a->seq;
}

static bool before(const struct heap_entry *a, const struct heap_entry *b)
{
	return key_of(a) < key_of(b);
}

struct kernel *kernel_new(size_t hint)
{
	struct kernel *k = calloc(1, sizeof(*k));
	if (!k)
		return NULL;
	k->cap = hint < 64 ? 64 : hint;
	k->heap = malloc(k->cap * sizeof(*k->heap));
	k->slots = malloc(k->cap * sizeof(*k->slots));
	if (!k->heap || !k->slots) {
		kernel_free(k);
		return NULL;
	}
	k->free_slot = NO_SLOT;
	k->instant_limit = KERNEL_INSTANT_MAX;
	k->event_limit = UINT64_MAX;
	return k;
}

void kernel_free(struct kernel *k)
{
	if (!k)
		return;
	free(k->heap);
	free(k->slots);
	free(k);
}

static int grow(struct kernel *k)
{
	size_t cap = k->cap * 2;
	struct heap_entry *heap = realloc(k->heap, cap * sizeof(*heap));
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

/* Places entry e at hole position i and moves it up to where it belongs. */
static void sift_up(struct kernel *k, size_t i, struct heap_entry e)
{
	while (i > 0) {
		size_t parent = (i - 1) / 2;
		if (!before(&e, &k->heap[parent]))
			break;
		k->heap[i] = k->heap[parent];
		k->slots[k->heap[i].slot].pos = (uint32_t)i;
		i = parent;
	}
	k->heap[i] = e;
	k->slots[e.slot].pos = (uint32_t)i;
}

/* Places entry e at hole position i and moves it down to where it belongs. */
static void sift_down(struct kernel *k, size_t i, struct heap_entry e)
{
	size_t n = k->n;
	for (;;) {
		size_t child = 2 * i + 1;
		if (child >= n)
			break;
		if (child + 1 < n)
			child += before(&k->heap[child + 1], &k->heap[child]);
		if (!before(&k->heap[child], &e))
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
	if (i == k->n)
		return;
	if (i > 0 && before(&last, &k->heap[(i - 1) / 2]))
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

kernel_handle kernel_schedule(struct kernel *k, int64_t delay, kernel_fn *fn,
			      void *obj, uint64_t arg)
{
	uint32_t s;
	if (delay < 0)
		delay = 0; /* never in the past: callers clamp, this is a guard */
	if (delay > KERNEL_TIME_MAX - k->now) {
		k->refused = -ERANGE;
		k->stopped = true;
		return KERNEL_NO_EVENT;
	}
	if (k->free_slot != NO_SLOT) {
		s = k->free_slot;
		k->free_slot = k->slots[s].pos;
	} else {
		if (k->nslots == k->cap && grow(k) < 0) {
			k->failed = true;
			k->stopped = true;
			return KERNEL_NO_EVENT;
		}
		s = (uint32_t)k->nslots++;
		k->slots[s].gen = 1;
	}
	struct slot *sl = &k->slots[s];
	sl->fn = fn;
	sl->obj = obj;
	sl->arg = arg;
	struct heap_entry e = {.time = k->now + delay, .seq = k->seq++, .slot = s};
	if (k->root_spent) {
		k->root_spent = false;
		sift_down(k, 0, e);
	} else {
		k->n++;
		sift_up(k, k->n - 1, e);
	}
	return ((uint64_t)sl->gen << 32) | s;
}

bool kernel_cancel(struct kernel *k, kernel_handle h)
{
	uint32_t s = (uint32_t)h;
	uint32_t gen = (uint32_t)(h >> 32);
	if (h == KERNEL_NO_EVENT || s >= k->nslots || k->slots[s].gen != gen)
		return false;
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
	return k->n - k->root_spent;
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

int64_t kernel_pop(struct kernel *k)
{
	if (k->n == 0)
		return -1;
	struct heap_entry top = k->heap[0];
	heap_remove(k, 0);
	slot_release(k, top.slot);
	k->now = top.time;
	return top.time;
}

int kernel_run(struct kernel *k, int64_t until)
{
	k->stopped = k->failed || k->refused;
	while (k->n > 0 && !k->stopped) {
		struct heap_entry top = k->heap[0];
		if (top.time > until)
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
		slot_release(k, top.slot);
		k->now = top.time;
		k->events++;
		k->root_spent = true;
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
