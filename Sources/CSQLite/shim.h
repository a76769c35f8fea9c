#ifndef SLUICE_CSQLITE_SHIM_H
#define SLUICE_CSQLITE_SHIM_H
#include <sqlite3.h>

// SQLITE_STATIC and SQLITE_TRANSIENT are cast macros Swift does not import.
static sqlite3_destructor_type const sluice_sqlite_static = SQLITE_STATIC;
static sqlite3_destructor_type const sluice_sqlite_transient = SQLITE_TRANSIENT;
#endif
