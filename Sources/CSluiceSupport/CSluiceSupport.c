#define _GNU_SOURCE
#include "CSluiceSupport.h"
#include <sys/mman.h>

void *sluice_mremap(void *old_address, size_t old_size, size_t new_size) {
#ifdef MREMAP_MAYMOVE
    void *moved = mremap(old_address, old_size, new_size, MREMAP_MAYMOVE);
    return moved == MAP_FAILED ? NULL : moved;
#else
    (void)old_address; (void)old_size; (void)new_size;
    return NULL;
#endif
}
