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
    /// - Parameter input: the schema of the table the steps will run on; with it, a file
    ///   joined in is read for only the columns the steps use (``Transform/columnsRead(byJoinAt:input:right:)``).
    func prepared(task: PipelineTask, context: TaskContext, input: Schema? = nil) throws -> Transform {
        let pipeline = context.pipeline, variables = context.variables
        let ancestors = pipeline.ancestors(of: task)
        var bound = transform
        bound.steps = try transform.steps.map { try $0.mappingExpressions(variables.bindExpression) }
        return try bound.resolvingTables { reference, step in
            if ancestors.contains(reference.name) { return try context.table(of: reference.name) }
            let path = pipeline.resolve(try variables.renderPath(reference.name))
            var options = ReadOptions()
            // A file that cannot be opened here is read whole below, which reports why.
            if let input, case .join = bound.steps[step], let schema = try? TableFile.openReader(path: path).schema {
                options.columns = bound.columnsRead(byJoinAt: step, input: input, right: schema)
            }
            return try TableFile.read(path: path, options: options).0
        }
    }
}
