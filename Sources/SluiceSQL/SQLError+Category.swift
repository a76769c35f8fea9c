import SluiceCore

extension SQLErrorCode {
    /// What kind of failure, from the code and the engine's own code:
    ///
    /// - **transient I/O** (retried): a connection refused, reset or lost; SQLite
    ///   `SQLITE_BUSY`/`SQLITE_LOCKED`, I/O errors and a full disk; PostgreSQL classes 08
    ///   (connection), 40 (serialization failure, deadlock), 53 (insufficient resources,
    ///   disk full), 57P0x (server shutting down), `57014` (statement timeout), `55P03`
    ///   (lock not available), 58 (system I/O).
    /// - **data**: constraint violations (SQLite `SQLITE_CONSTRAINT`, PostgreSQL class 23),
    ///   bad values (class 22, `SQLITE_MISMATCH`, `SQLITE_TOOBIG`), type conflicts, schema changes,
    ///   a key repeated in a load's data.
    /// - **usage**: a bad URL, a missing `${VAR}`, a bad option.
    /// - **permanent I/O**: everything else the database refused: syntax errors and missing
    ///   tables or columns (SQLite's generic `SQLITE_ERROR`, PostgreSQL class 42; the
    ///   statement is the user's, but the database is what judged it, so `sluice` exits 1
    ///   as for any failed statement), a database that does not exist, authentication, a
    ///   read-only or corrupt file.
    public static func category(of error: SQLError) -> ErrorCategory {
        guard error.code == .connection || error.code == .query else { return error.code.category }
        if let sqlState = error.sqlState {
            if sqlState.utf8.count == 5 { return postgresCategory(sqlState) }
            if let extended = Int32(sqlState) { return sqliteCategory(extended) }
        }
        // No engine code: a connection that failed or broke (libpq reports these as text).
        let text = error.message.lowercased()
        let permanent = ["does not exist", "authentication failed", "no pg_hba.conf entry", "permission denied", "role \""]
        if permanent.contains(where: text.contains) { return .permanentIO }
        return .transientIO
    }

    /// The category of a PostgreSQL SQLSTATE.
    static func postgresCategory(_ state: String) -> ErrorCategory {
        let upper = state.uppercased()
        switch upper {
        case "57014", "55P03", "57P01", "57P02", "57P03": return .transientIO
        default: break
        }
        switch upper.prefix(2) {
        case "08", "40", "53", "58": return .transientIO
        case "22", "23": return .data
        default: return .permanentIO
        }
    }

    /// The category of a SQLite (extended) result code; the primary code is the low byte.
    static func sqliteCategory(_ extended: Int32) -> ErrorCategory {
        switch extended & 0xFF {
        case 5, 6, 10, 13, 15: return .transientIO      // BUSY, LOCKED, IOERR, FULL, PROTOCOL
        case 19, 20, 18: return .data                     // CONSTRAINT, MISMATCH, TOOBIG
        default: return .permanentIO                      // ERROR (syntax, no such table), CANTOPEN, READONLY, CORRUPT, …
        }
    }
}
