import SluiceCore

/// The one duration grammar of every spec and option: a non-negative number and a unit,
/// `ms`, `s`, `m`, `h`, `d` or `w` (`500ms`, `90s`, `1.5h`, `7d`); a bare number is
/// seconds. The value must be finite and at most ``maximumSeconds`` (ten years), so that
/// it fits every clock in µs or ns.
///
/// ```swift
/// SpecDuration.seconds("90s")    // .success(90)
/// SpecDuration.seconds("1e300s") // .failure("… at most 10 years")
/// ```
public enum SpecDuration {
    /// The longest duration a spec may hold: 10 years (3650 days).
    public static let maximumSeconds: Double = 3650 * 86_400

    /// The units and their length in seconds, longest suffix first.
    public static let units: [(suffix: String, seconds: Double)] = [
        ("ms", 0.001), ("s", 1), ("m", 60), ("h", 3_600), ("d", 86_400), ("w", 604_800),
    ]

    /// How a duration is written, for messages.
    public static let examples = "500ms, 90s, 5m, 2h, 1d or 2w"

    /// The seconds `text` stands for, or why it is not a duration.
    public static func seconds(_ text: String) -> Result<Double, DurationProblem> {
        let trimmed = text.trimmingASCIIWhitespace().lowercased()
        var number = Substring(trimmed)
        var scale = 1.0
        for (suffix, seconds) in units where trimmed.hasSuffix(suffix) {
            number = trimmed.dropLast(suffix.count)
            scale = seconds
            break
        }
        // Only plain decimal numbers: no "inf", "nan", hex or signs other than a leading "-".
        guard !number.isEmpty, number.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "." || $0 == "e" || $0 == "-" || $0 == "+") }),
              number.first!.isNumber || number.first == "." || number.first == "-",
              let value = Double(number) else {
            return .failure(.notADuration)
        }
        guard value >= 0 else { return .failure(.negative) }
        let total = value * scale
        guard total.isFinite, total <= maximumSeconds else { return .failure(.tooLong) }
        return .success(total)
    }

    /// Why a text is not a usable duration.
    public enum DurationProblem: Error, Sendable, Equatable, CustomStringConvertible {
        case notADuration, negative, tooLong
        public var description: String {
            switch self {
            case .notADuration: "is not a duration (write \(SpecDuration.examples))"
            case .negative: "must not be negative"
            case .tooLong: "is longer than the limit of 10 years"
            }
        }
    }
}
