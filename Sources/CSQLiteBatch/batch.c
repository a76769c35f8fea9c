#include "CSQLiteBatch.h"
#include <string.h>

typedef struct {
    sqlite3_vtab base;
    sluice_batch_source *source;
} batch_table;

typedef struct {
    sqlite3_vtab_cursor base;
    sluice_batch_source *source;
    int64_t row;
} batch_cursor;

static int batch_connect(sqlite3 *db, void *aux, int argc, const char *const *argv, sqlite3_vtab **out, char **error) {
    // argv: module, database, table, then the column names.
    if (argc < 4) { *error = sqlite3_mprintf("sluice batch table needs column names"); return SQLITE_ERROR; }
    sqlite3_str *sql = sqlite3_str_new(db);
    sqlite3_str_appendall(sql, "CREATE TABLE x(");
    for (int i = 3; i < argc; i++) {
        if (i > 3) sqlite3_str_appendall(sql, ", ");
        sqlite3_str_appendall(sql, argv[i]);
    }
    sqlite3_str_appendall(sql, ")");
    char *text = sqlite3_str_finish(sql);
    if (text == NULL) return SQLITE_NOMEM;
    int status = sqlite3_declare_vtab(db, text);
    sqlite3_free(text);
    if (status != SQLITE_OK) return status;
    batch_table *table = sqlite3_malloc(sizeof(batch_table));
    if (table == NULL) return SQLITE_NOMEM;
    memset(table, 0, sizeof(*table));
    table->source = aux;
    *out = &table->base;
    return SQLITE_OK;
}

static int batch_disconnect(sqlite3_vtab *table) { sqlite3_free(table); return SQLITE_OK; }

static int batch_best_index(sqlite3_vtab *table, sqlite3_index_info *info) {
    (void)table;
    info->estimatedCost = 1e6;
    info->estimatedRows = 1000000;
    return SQLITE_OK;
}

static int batch_open(sqlite3_vtab *table, sqlite3_vtab_cursor **out) {
    batch_cursor *cursor = sqlite3_malloc(sizeof(batch_cursor));
    if (cursor == NULL) return SQLITE_NOMEM;
    memset(cursor, 0, sizeof(*cursor));
    cursor->source = ((batch_table *)table)->source;
    *out = &cursor->base;
    return SQLITE_OK;
}

static int batch_close(sqlite3_vtab_cursor *cursor) { sqlite3_free(cursor); return SQLITE_OK; }

static int batch_filter(sqlite3_vtab_cursor *cursor, int index, const char *name, int argc, sqlite3_value **argv) {
    (void)index; (void)name; (void)argc; (void)argv;
    ((batch_cursor *)cursor)->row = 0;
    return SQLITE_OK;
}

static int batch_next(sqlite3_vtab_cursor *cursor) { ((batch_cursor *)cursor)->row++; return SQLITE_OK; }

static int batch_eof(sqlite3_vtab_cursor *cursor) {
    batch_cursor *c = (batch_cursor *)cursor;
    return c->source->columns == NULL || c->row >= c->source->row_count;
}

static int batch_column(sqlite3_vtab_cursor *cursor, sqlite3_context *context, int index) {
    batch_cursor *c = (batch_cursor *)cursor;
    if (index < 0 || index >= c->source->column_count) { sqlite3_result_null(context); return SQLITE_OK; }
    const sluice_batch_column *column = &c->source->columns[index];
    int64_t row = c->row;
    if (column->validity != NULL && ((column->validity[row >> 6] >> (row & 63)) & 1) == 0) {
        sqlite3_result_null(context);
        return SQLITE_OK;
    }
    switch (column->kind) {
    case SLUICE_BATCH_INT64: sqlite3_result_int64(context, ((const int64_t *)column->values)[row]); break;
    case SLUICE_BATCH_FLOAT64: sqlite3_result_double(context, ((const double *)column->values)[row]); break;
    case SLUICE_BATCH_BOOL: sqlite3_result_int(context, ((const uint8_t *)column->values)[row] != 0); break;
    case SLUICE_BATCH_TEXT:
    case SLUICE_BATCH_BLOB: {
        const int64_t *offsets = column->values;
        int64_t lower = offsets[row], length = offsets[row + 1] - lower;
        // SQLITE_STATIC: the batch outlives the statement step that reads it.
        if (column->kind == SLUICE_BATCH_TEXT) sqlite3_result_text64(context, (const char *)column->bytes + lower, (sqlite3_uint64)length, SQLITE_STATIC, SQLITE_UTF8);
        else sqlite3_result_blob64(context, column->bytes + lower, (sqlite3_uint64)length, SQLITE_STATIC);
        break;
    }
    case SLUICE_BATCH_FIXED_TEXT:
        sqlite3_result_text(context, (const char *)column->bytes + row * column->width, column->lengths[row], SQLITE_STATIC);
        break;
    default: sqlite3_result_null(context);
    }
    return SQLITE_OK;
}

static int batch_rowid(sqlite3_vtab_cursor *cursor, sqlite3_int64 *rowid) {
    *rowid = ((batch_cursor *)cursor)->row;
    return SQLITE_OK;
}

static sqlite3_module batch_module = {
    .iVersion = 0,
    .xCreate = batch_connect,     /* the table holds no data of its own: create is connect */
    .xConnect = batch_connect,
    .xBestIndex = batch_best_index,
    .xDisconnect = batch_disconnect,
    .xDestroy = batch_disconnect,
    .xOpen = batch_open,
    .xClose = batch_close,
    .xFilter = batch_filter,
    .xNext = batch_next,
    .xEof = batch_eof,
    .xColumn = batch_column,
    .xRowid = batch_rowid,
};

int sluice_batch_register(sqlite3 *db, const char *name, sluice_batch_source *source) {
    return sqlite3_create_module_v2(db, name, &batch_module, source, NULL);
}
