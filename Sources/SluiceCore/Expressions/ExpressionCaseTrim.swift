extension ExpressionEvaluator {
    /// Whether `function` is one of the string maps that ``caseAndTrim(_:_:)`` fuses.
    static func isCaseOrTrim(_ function: ScalarFunction) -> Bool {
        switch function {
        case .lower, .upper, .trim, .ltrim, .rtrim: true
        default: false
        }
    }

    /// `lower`, `upper`, `trim`, `ltrim` and `rtrim`, including any chain of them
    /// nested in each other (`lower(trim(email))`), in one pass that writes one column.
    ///
    /// A row that is all ASCII is trimmed at the ends any function in the chain trims
    /// and case-mapped by the outermost `lower`/`upper`, 8 bytes at a time: on ASCII the
    /// trims and case maps commute (whitespace has no case, case maps make no
    /// whitespace), so this equals applying them one by one. Other rows apply the
    /// functions one by one: trims on bytes, case maps through `String` unless the
    /// bytes became ASCII — exactly what separate evaluation gives.
    func caseAndTrim(_ function: ScalarFunction, _ argument: BoundExpression) throws -> Column {
        var chain = [function]   // innermost last, for now
        var inner = argument
        while case .function(let f, let arguments) = inner.node, Self.isCaseOrTrim(f) {
            chain.append(f)
            inner = arguments[0]
        }
        chain.reverse()
        let x = try evaluate(inner)
        let trimsLeft = chain.contains { $0 == .trim || $0 == .ltrim }
        let trimsRight = chain.contains { $0 == .trim || $0 == .rtrim }
        let caseMap = chain.last { $0 == .lower || $0 == .upper }
        return ColumnExecutor.strings(x, count: count, capacity: ColumnExecutor.byteCount(x, count: count)) { bytes, out in
            guard isASCII(bytes) else {
                var current = Array(bytes)
                for f in chain { current = applyCaseOrTrim(f, current) }
                current.withUnsafeBufferPointer { out.append($0) }
                return true
            }
            var lower = 0, upper = bytes.count
            if trimsLeft { while lower < upper && isTrimmable(bytes[lower]) { lower += 1 } }
            if trimsRight { while upper > lower && isTrimmable(bytes[upper - 1]) { upper -= 1 } }
            let kept = UnsafeBufferPointer(rebasing: bytes[lower..<upper])
            if let caseMap { out.appendASCII(kept, toUpper: caseMap == .upper) } else { out.append(kept) }
            return true
        }
    }
}

/// Whether every byte is below 0x80, 8 bytes at a time.
@inline(__always) func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    guard let base = bytes.baseAddress else { return true }
    let raw = UnsafeRawPointer(base)
    var i = 0, any: UInt64 = 0
    while i &+ 8 <= bytes.count {
        any |= raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
        i &+= 8
    }
    while i < bytes.count {
        any |= UInt64(base[i])
        i &+= 1
    }
    return any & 0x8080_8080_8080_8080 == 0
}

/// One of lower/upper/trim/ltrim/rtrim applied to one value, as a separate call would.
func applyCaseOrTrim(_ function: ScalarFunction, _ bytes: [UInt8]) -> [UInt8] {
    switch function {
    case .trim, .ltrim, .rtrim:
        var lower = 0, upper = bytes.count
        if function != .rtrim { while lower < upper && isTrimmable(bytes[lower]) { lower += 1 } }
        if function != .ltrim { while upper > lower && isTrimmable(bytes[upper - 1]) { upper -= 1 } }
        return Array(bytes[lower..<upper])
    default:
        let toUpper = function == .upper
        if bytes.allSatisfy({ $0 < 0x80 }) {
            return bytes.map { b in
                let isLower = b >= 0x61 && b <= 0x7A, isUpper = b >= 0x41 && b <= 0x5A
                return toUpper ? (isLower ? b - 32 : b) : (isUpper ? b + 32 : b)
            }
        }
        let text = String(decoding: bytes, as: UTF8.self)
        return Array((toUpper ? text.uppercased() : text.lowercased()).utf8)
    }
}

extension StringOutput {
    /// Appends ASCII bytes lower- or upper-cased, 8 at a time.
    mutating func appendASCII(_ source: UnsafeBufferPointer<UInt8>, toUpper: Bool) {
        let n = source.count
        guard n > 0, let from = source.baseAddress else { return }
        bytes.reserve(extra: n)
        let to = bytes.mutablePointer + bytes.count
        let raw = UnsafeRawPointer(from)
        // Per byte (all < 0x80, so no carries cross bytes): high bit of b + 0x3f is set
        // when b ≥ 'A', of b + 0x25 when b > 'Z'; lower case is 0x20 further on.
        let (atLeast, beyond): (UInt64, UInt64) = toUpper ? (0x1f1f_1f1f_1f1f_1f1f, 0x0505_0505_0505_0505)
                                                            : (0x3f3f_3f3f_3f3f_3f3f, 0x2525_2525_2525_2525)
        @inline(__always) func mapped(_ w: UInt64) -> UInt64 {
            let letters = ((w &+ atLeast) & ~(w &+ beyond)) & 0x8080_8080_8080_8080
            return toUpper ? w & ~(letters >> 2) : w | (letters >> 2)
        }
        var i = 0
        while i &+ 8 <= n {
            to.storeBytes(of: mapped(raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)), toByteOffset: i, as: UInt64.self)
            i &+= 8
        }
        if i < n {
            var tail: UInt64 = 0
            for k in i..<n { tail |= UInt64(from[k]) << UInt64((k &- i) &* 8) }
            let out = mapped(tail)
            for k in i..<n { to.storeBytes(of: UInt8(truncatingIfNeeded: out >> UInt64((k &- i) &* 8)), toByteOffset: k, as: UInt8.self) }
        }
        bytes.count &+= n
    }
}
