#define _GNU_SOURCE
#include "CSluiceSupport.h"
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <fcntl.h>
#include <errno.h>

void *sluice_mremap(void *old_address, size_t old_size, size_t new_size) {
#ifdef MREMAP_MAYMOVE
    void *moved = mremap(old_address, old_size, new_size, MREMAP_MAYMOVE);
    return moved == MAP_FAILED ? NULL : moved;
#else
    (void)old_address; (void)old_size; (void)new_size;
    return NULL;
#endif
}

int sluice_rename_exchange(const char *from, const char *to) {
#if defined(__linux__) && defined(SYS_renameat2)
    return (int)syscall(SYS_renameat2, AT_FDCWD, from, AT_FDCWD, to, 2 /* RENAME_EXCHANGE */);
#else
    (void)from; (void)to;
    errno = ENOSYS;
    return -1;
#endif
}
