// Memory primitives for the engine's hash tables and group states that Swift's Glibc module does not
// offer: cache prefetch hints and resizing a mapping (`mremap`).
#ifndef TALLY_MEMORY_H
#define TALLY_MEMORY_H

#if defined(__linux__) && !defined(_GNU_SOURCE)
#define _GNU_SOURCE
#endif
#include <stddef.h>
#if defined(__linux__)
#include <sys/mman.h>
#endif

/// Asks the CPU to bring the cache line holding `p` closer for a read. A hint only: it never
/// faults, and unlike a load it does not hold the instructions after it until the line arrives.
static inline void tally_prefetch(const void *p) {
#if defined(__GNUC__) || defined(__clang__)
    __builtin_prefetch(p, 0, 3);
#else
    (void)p;
#endif
}

/// Whether `tally_mremap` can resize mappings on this system.
static inline int tally_can_mremap(void) {
#if defined(__linux__)
    return 1;
#else
    return 0;
#endif
}

/// Grows the anonymous mapping of `old_size` bytes at `p` to `new_size` bytes, moving it if needed:
/// its pages move as they are (no copy) and the added ones read as zero. Returns NULL on failure or
/// where `mremap` does not exist.
static inline void *tally_mremap(void *p, size_t old_size, size_t new_size) {
#if defined(__linux__)
    void *q = mremap(p, old_size, new_size, MREMAP_MAYMOVE);
    return q == MAP_FAILED ? NULL : q;
#else
    (void)p; (void)old_size; (void)new_size;
    return NULL;
#endif
}

/// Shrinks the anonymous mapping of `old_size` bytes at `p` to its first `new_size` bytes, in
/// place; the rest goes back to the system. Returns 0 on failure or where `mremap` does not exist.
static inline int tally_mremap_shrink(void *p, size_t old_size, size_t new_size) {
#if defined(__linux__)
    return mremap(p, old_size, new_size, 0) != MAP_FAILED;
#else
    (void)p; (void)old_size; (void)new_size;
    return 0;
#endif
}

#endif
