extension Step {
    /// The expression texts the step holds (`derive` values, a `filter` condition).
    public var expressions: [String] {
        switch self {
        case .derive(let pairs): pairs.map(\.1)
        case .filter(let text): [text]
        default: []
        }
    }

    /// This step with each expression text passed through `transform` (a pipeline binds
    /// its run's `{{ }}` values into them).
    public func mappingExpressions(_ transform: (String) throws -> String) rethrows -> Step {
        switch self {
        case .derive(let pairs): .derive(try pairs.map { ($0.0, try transform($0.1)) })
        case .filter(let text): .filter(try transform(text))
        default: self
        }
    }
}
