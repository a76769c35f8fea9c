// Small C helpers for what Swift cannot reach directly on Linux (GNU extensions).
#ifndef CSLUICE_SUPPORT_H
#define CSLUICE_SUPPORT_H
#include <stddef.h>

/// mremap(2) with MREMAP_MAYMOVE; returns NULL on failure. On systems without
/// mremap it returns NULL and the caller falls back to copying.
void *sluice_mremap(void *old_address, size_t old_size, size_t new_size);

/// Swaps two paths atomically (renameat2 with RENAME_EXCHANGE); returns 0, or -1 with
/// errno set (ENOSYS/EINVAL where the system or file system cannot exchange).
int sluice_rename_exchange(const char *from, const char *to);

#endif
