// A SQLite virtual table over one columnar batch, so a load is one
// `INSERT INTO t SELECT … FROM temp.<table>` per batch instead of a bind/step per row.
#ifndef CSQLITE_BATCH_H
#define CSQLITE_BATCH_H
#include <stdint.h>
#include <sqlite3.h>

/// How a column's values are laid out.
enum sluice_batch_kind {
    SLUICE_BATCH_INT64 = 0,       ///< `values`: int64_t per row
    SLUICE_BATCH_FLOAT64 = 1,     ///< `values`: double per row
    SLUICE_BATCH_BOOL = 2,        ///< `values`: uint8_t per row (0 false), stored as 0/1
    SLUICE_BATCH_TEXT = 3,        ///< `values`: int64_t offsets (rows + 1) into `bytes`, UTF-8
    SLUICE_BATCH_BLOB = 4,        ///< like TEXT, bound as a blob
    SLUICE_BATCH_FIXED_TEXT = 5,  ///< `bytes`: one `width`-byte slot per row, `lengths` its used bytes
};

/// One column of the current batch. Memory belongs to the caller and must outlive the step.
typedef struct {
    int32_t kind;
    const void *values;
    const unsigned char *bytes;
    const int32_t *lengths;
    int64_t width;
    /// One bit per row, least significant first, 1 = a value; NULL when no row is null.
    const uint64_t *validity;
} sluice_batch_column;

/// What the virtual table reads: set `columns`/`row_count` before each statement step.
typedef struct {
    const sluice_batch_column *columns;
    int32_t column_count;
    int64_t row_count;
} sluice_batch_source;

/// Registers module `name` on `db`; its tables read `source` (owned by the caller, alive
/// while any table of the module exists). Create a table with
/// `CREATE VIRTUAL TABLE temp.x USING name(c0, c1, …)`: the arguments name its columns.
/// Returns a SQLite result code.
int sluice_batch_register(sqlite3 *db, const char *name, sluice_batch_source *source);

#endif
