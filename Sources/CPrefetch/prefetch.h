// Cache prefetch hints for the engine's hash tables, which Swift has no intrinsic for.
#ifndef TALLY_PREFETCH_H
#define TALLY_PREFETCH_H

/// Asks the CPU to bring the cache line holding `p` closer for a read. A hint only: it never
/// faults, and unlike a load it does not hold the instructions after it until the line arrives.
static inline void tally_prefetch(const void *p) {
#if defined(__GNUC__) || defined(__clang__)
    __builtin_prefetch(p, 0, 3);
#else
    (void)p;
#endif
}

/// As `tally_prefetch`, for a line about to be written.
static inline void tally_prefetch_write(const void *p) {
#if defined(__GNUC__) || defined(__clang__)
    __builtin_prefetch(p, 1, 3);
#else
    (void)p;
#endif
}

#endif
