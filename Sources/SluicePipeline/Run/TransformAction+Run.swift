import SluiceCore
import SluiceFormats
import SluiceTransform

extension TransformAction {
    /// The steps ready to apply for one try: the one place a transform task's templates
    /// are rendered and its named tables read.
    ///
    /// A `join`/`union` `file:` that names an ancestor task reads that task's table;
    /// any other is a path template, rendered with ``RunVariables/renderPath(_:)`` and
    /// resolved against the pipeline's directory. A `{{ name }}` in an expression becomes
    /// a typed literal of its value (``RunVariables/bindExpression(_:)``: `{{ ds }}` a date).
    ///
    /// - Throws: ``PipelineError`` for a bad template, ``TransformError`` `.invalidSpec`
    ///   "cannot read …" located at the `file:` for a table that cannot be read.
    func prepared(task: PipelineTask, context: TaskContext) throws -> Transform {
        let pipeline = context.pipeline, variables = context.variables
        let ancestors = pipeline.ancestors(of: task)
        var prepared = try transform.resolvingTables { reference in
            if ancestors.contains(reference.name) { return try context.table(of: reference.name) }
            return try TableFile.read(path: pipeline.resolve(try variables.renderPath(reference.name))).0
        }
        prepared.steps = try prepared.steps.map { try $0.mappingExpressions(variables.bindExpression) }
        return prepared
    }
}
