// Counts heap allocations in the test process, for the test that holds the request path
// to a fixed allocation budget. The test executable defines malloc and its relatives, so
// every library in the process (the Swift runtime, NIO, BoringSSL) calls these instead of
// libc's; they count on the thread that asked, then forward to glibc's own allocator.
// No LD_PRELOAD and no malloc hooks (gone from glibc 2.34).
#include "AllocationCounter.h"
#include <stdlib.h> // defines __GLIBC__ on glibc

#if defined(__GLIBC__)

extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t count, size_t size);
extern void *__libc_realloc(void *pointer, size_t size);
extern void *__libc_memalign(size_t alignment, size_t size);
extern void __libc_free(void *pointer);

static _Thread_local bool counting;
static _Thread_local long allocations;

static inline void note(void) {
    if (counting) allocations++;
}

void *malloc(size_t size) { note(); return __libc_malloc(size); }
void *calloc(size_t count, size_t size) { note(); return __libc_calloc(count, size); }
void *realloc(void *pointer, size_t size) { note(); return __libc_realloc(pointer, size); }
void free(void *pointer) { __libc_free(pointer); }
void *memalign(size_t alignment, size_t size) { note(); return __libc_memalign(alignment, size); }
void *aligned_alloc(size_t alignment, size_t size) { note(); return __libc_memalign(alignment, size); }

int posix_memalign(void **result, size_t alignment, size_t size) {
    note();
    void *pointer = __libc_memalign(alignment, size);
    if (pointer == NULL) return 12; // ENOMEM
    *result = pointer;
    return 0;
}

bool allocation_counter_available(void) { return true; }
void allocation_counter_start(void) { allocations = 0; counting = true; }
long allocation_counter_stop(void) { counting = false; return allocations; }

#else

bool allocation_counter_available(void) { return false; }
void allocation_counter_start(void) {}
long allocation_counter_stop(void) { return 0; }

#endif
