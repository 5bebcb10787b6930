#include <sqlite3.h>

/// Turns off SQLite's memory statistics (a global mutex taken on every allocation). Must run before
/// the first connection opens; returns SQLITE_MISUSE (harmless) when SQLite is already initialised.
/// (`sqlite3_config` is variadic, which Swift cannot call directly.)
static inline int tally_sqlite3_disable_memstatus(void) {
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}
