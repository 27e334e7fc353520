#ifndef BITAQA_CSQLITECONFIG_H
#define BITAQA_CSQLITECONFIG_H

/// Turns on SQLite's query planner stability guarantee (SQLITE_DBCONFIG_ENABLE_QPSG) for a connection of
/// SQLiteNIO's copy of SQLite: a prepared statement keeps its plan whatever values are bound, instead of
/// being prepared again when a new value might suggest another plan. Swift cannot call the variadic
/// `sqlite3_db_config` itself. Returns SQLite's result code.
int bitaqa_sqlite_enable_qpsg(void *connection);

#endif
