#ifndef ALLOCATION_COUNTER_H
#define ALLOCATION_COUNTER_H

#include <stdbool.h>

/// True where the counter works: glibc, whose `__libc_*` entry points the
/// counting allocator forwards to.
bool allocation_counter_available(void);

/// Starts counting the heap allocations of the calling thread (other threads
/// are never counted), from zero.
void allocation_counter_start(void);

/// Stops counting and returns the allocations the calling thread made since
/// `allocation_counter_start`.
long allocation_counter_stop(void);

#endif
