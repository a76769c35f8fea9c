import SluiceCore

/// How a ``JSONLinesReader`` reads its input: which types to force, how much to
/// sample, how large the batches are and what to do with lines it cannot use.
///
/// ```swift
/// let options = JSONLinesReadOptions(
///     schemaOverride: try Schema(parsing: "zip:string"),   // the other keys are inferred
///     inferenceRows: 10_000,
///     badLines: .skip)
/// var reader = try JSONLinesReader(source: FileByteSource(path: "events.jsonl"), options: options)
/// ```
public struct JSONLinesReadOptions: Sendable {
    /// Types for some or all keys; keys not named here are inferred. Every name must
    /// be a key of the sampled lines (otherwise ``FormatError/Code/unknownColumn``,
    /// with a "did you mean" hint).
    public var schemaOverride: Schema?
    /// How many non-blank lines are sampled to find the keys and infer their types.
    /// Must be at least 1.
    public var inferenceRows = 65_536
    /// The most rows in one batch returned by ``JSONLinesReader/next()``. Must be at least 1.
    public var batchSize = 65_536
    /// What to do with a line that is not one JSON object (or, for an overridden
    /// column, holds a value of the wrong type): ``BadRowPolicy/error`` (stop) or
    /// ``BadRowPolicy/skip`` (leave it out and count it in ``ReadReport``).
    /// ``BadRowPolicy/pad`` has no meaning here and is rejected with `.invalidOption`.
    public var badLines: BadRowPolicy = .error

    /// Creates read options.
    ///
    /// - Parameters:
    ///   - schemaOverride: types for some keys; the rest are inferred.
    ///   - inferenceRows: lines sampled for inference (at least 1).
    ///   - batchSize: rows per batch (at least 1).
    ///   - badLines: `.error` or `.skip`.
    public init(schemaOverride: Schema? = nil, inferenceRows: Int = 65_536, batchSize: Int = 65_536,
                badLines: BadRowPolicy = .error) {
        self.schemaOverride = schemaOverride
        self.inferenceRows = inferenceRows
        self.batchSize = batchSize
        self.badLines = badLines
    }
}
