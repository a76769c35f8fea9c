/// Proleptic Gregorian calendar arithmetic on days since 1970-01-01 (UTC).
///
/// The conversions are the well-known "days from civil" era arithmetic: exact for
/// every year from -999_999 to 999_999 with no tables and no Foundation.
public enum CivilCalendar {
    /// Days since 1970-01-01 of `year-month-day`. `month` is 1...12, `day` 1...31
    /// (not checked against the month's length: use ``isValid(year:month:day:)``).
    @inlinable
    public static func days(year: Int, month: Int, day: Int) -> Int {
        if year >= 1 && year <= 9999 && month >= 1 && month <= 12 {
            // Common years: days before the year plus a month table (no era arithmetic).
            let before = year - 1
            let leapDays = before / 4 - before / 100 + before / 400
            let isLeap = (year & 3 == 0) && (year % 100 != 0 || year % 400 == 0)
            let monthStart = cumulativeDays(beforeMonth: month) + (month > 2 && isLeap ? 1 : 0)
            return 365 * before + leapDays - 719_162 + monthStart + day - 1
        }
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let monthIndex = month > 2 ? month - 3 : month + 9
        let dayOfYear = (153 * monthIndex + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// Days in the months before `month` (1...12) of a common year.
    @inlinable
    static func cumulativeDays(beforeMonth month: Int) -> Int {
        // (0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334) without a table:
        // 30.6-day months from March, shifted for January and February.
        month <= 2 ? (month - 1) * 31 : (153 * (month - 3) + 2) / 5 + 59
    }

    /// The year of a count of days since 1970-01-01: an estimate from the mean
    /// Gregorian year (365.2425 days), corrected by at most one year against
    /// ``days(year:month:day:)``. Cheaper than ``civil(fromDays:)`` when only the year is wanted.
    @inlinable
    public static func year(fromDays days: Int) -> Int {
        let scaled = days * 400
        var year = 1970 + (scaled >= 0 ? scaled / 146_097 : (scaled - 146_096) / 146_097)
        if days < Self.days(year: year, month: 1, day: 1) {
            year -= 1
        } else if days >= Self.days(year: year + 1, month: 1, day: 1) {
            year += 1
        }
        return year
    }

    /// The `(year, month, day)` of a count of days since 1970-01-01.
    @inlinable
    public static func civil(fromDays days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// Whether `year-month-day` names a real day.
    @inlinable
    public static func isValid(year: Int, month: Int, day: Int) -> Bool {
        guard month >= 1 && month <= 12 && day >= 1 else { return false }
        return day <= daysInMonth(year: year, month: month)
    }

    /// 28...31.
    @inlinable
    public static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}

/// `2024-01-02` for a count of days since 1970-01-01 (``ByteWriter``'s text).
public func formatDate(daysSinceEpoch days: Int32) -> String {
    var writer = ByteWriter(capacity: 24)
    defer { writer.deallocate() }
    writer.put(date: days)
    return writer.text
}

/// `2024-01-02T03:04:05Z`, with a fraction (`.25`, `.000123`) only when non-zero
/// (``ByteWriter``'s text).
public func formatTimestamp(microsecondsSinceEpoch micros: Int64) -> String {
    var writer = ByteWriter(capacity: 48)
    defer { writer.deallocate() }
    writer.put(timestamp: micros)
    return writer.text
}

/// Shortest text that reads back to the same `Double` (`12.5`, `100.0`, `1e-07`, `nan`, `inf`).
public func formatDouble(_ value: Double) -> String {
    if value.isNaN { return "nan" }
    if value.isInfinite { return value < 0 ? "-inf" : "inf" }
    return value.description
}

/// `a / b` rounded toward negative infinity, and the (non-negative) remainder.
@inlinable
func floorDivide(_ a: Int64, _ b: Int64) -> (Int64, Int64) {
    let q = a / b, r = a % b
    return r < 0 ? (q - 1, r + b) : (q, r)
}
