/// SluicePipeline: batch pipelines (YAML DAGs and a Swift API), the runner with
/// retries and timeouts, the durable run-state store, backfill and the scheduler.
public enum SluicePipelineModule {}
