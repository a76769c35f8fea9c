import SluiceCore
import SluiceFormats

/// The record written to the dead-letter output for a record that failed.
///
/// One JSON object per failed record:
///
/// ```json
/// {"error":"missing required field \"user_id\"","processor":"validate","step":1,
///  "time":"2024-05-01T10:00:00.123456Z",
///  "source":{"topic":"user-events-raw","partition":2,"offset":1041},
///  "original":"{\"event_type\":\"click\"}"}
/// ```
///
/// - `processor`/`step`: the failing processor and its 1-based position; `parse`
///   (step 0) when the bytes are not a usable JSON object, `output` when delivery
///   kept failing.
/// - `source`: `{"topic","partition","offset"}` for Kafka, `{"file","line"}` for files
///   (`"-"` is standard input).
/// - `original`: the record's bytes as a JSON string; bytes that are not UTF-8 are
///   given instead as `original_base64`.
public enum DeadLetterEnvelope {
    static func write(into out: EncodedRecords, batch: RawBatch, row: Int, processor: String, step: Int,
                      error: String, time: Int64) {
        out.writer.put("{\"error\":")
        out.writer.putJSONString(error)
        out.writer.put(",\"processor\":")
        out.writer.putJSONString(processor)
        out.writer.put(",\"step\":")
        out.writer.reserve(24)
        out.writer.put(int64: Int64(step))
        out.writer.put(",\"time\":\"")
        out.writer.reserve(40)
        out.writer.put(timestamp: time)
        out.writer.put("\",\"source\":{")
        if batch.isKafka {
            out.writer.put("\"topic\":")
            out.writer.putJSONString(batch.origin)
            out.writer.put(",\"partition\":")
            out.writer.reserve(48)
            out.writer.put(int64: Int64(batch.partitions[row]))
            out.writer.put(",\"offset\":")
            out.writer.put(int64: batch.offsets[row])
        } else {
            out.writer.put("\"file\":")
            out.writer.putJSONString(batch.origin)
            out.writer.put(",\"line\":")
            out.writer.reserve(24)
            out.writer.put(int64: batch.offsets[row])
        }
        out.writer.put("},")
        let original = batch.record(row)
        if original.isEmpty || UTF8Validation.firstInvalidOffset(original.baseAddress!, original.count) == nil {
            out.writer.put("\"original\":")
            SluiceFormats.putJSONString(original, into: &out.writer)
        } else {
            out.writer.put("\"original_base64\":\"")
            out.writer.put(base64: original)
            out.writer.put("\"")
        }
        out.writer.put("}")
        out.finishRecord(row: row)
    }
}
