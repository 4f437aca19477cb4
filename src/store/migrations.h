/* The SQL migrations compiled into the binary from the files in src/store/schema
 * (see scripts/embed-sql.cmake). Only the SQLite store reads them. */
#ifndef FY_STORE_MIGRATIONS_H
#define FY_STORE_MIGRATIONS_H

struct store_migration {
    int version;
    const char *name;
    const char *sql;
};

extern const struct store_migration store_migrations[];

#endif
