// The SQLite C API (Debian: libsqlite3-dev). Only SluiceSQL imports this module.
#include <sqlite3.h>
