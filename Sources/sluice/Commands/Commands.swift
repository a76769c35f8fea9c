import ArgumentParser

extension Sluice {
    /// Every subcommand, in the order `--help` lists them. Add new commands here.
    static let commands: [ParsableCommand.Type] = [
        GenerateCommand.self,
        SchemaCommand.self,
        HeadCommand.self,
        ConvertCommand.self,
        ScanCommand.self,
        ExtractCommand.self,
        LoadCommand.self,
        CheckCommand.self,
        AlertsCommand.self,
        ProfileCommand.self,
        SuggestCommand.self,
        TransformCommand.self,
        ValidateCommand.self,
        RunCommand.self,
        BackfillCommand.self,
        RunsCommand.self,
        StatusCommand.self,
        LogsCommand.self,
        ClearCommand.self,
        ScheduleCommand.self,
        StreamCommand.self,
        LineageCommand.self,
        LintCommand.self,
        DocsCommand.self,
    ]
}
