#include "CSQLiteConfig.h"

/* SQLiteNIO's copy of SQLite (VaporCSQLite) is linked into every binary that links Storage. */
int sqlite_nio_sqlite3_db_config(void *connection, int op, ...);

enum { bitaqa_sqlite_dbconfig_enable_qpsg = 1007 };

int bitaqa_sqlite_enable_qpsg(void *connection) {
    int enabled = 0;
    return sqlite_nio_sqlite3_db_config(connection, bitaqa_sqlite_dbconfig_enable_qpsg, 1, &enabled);
}
