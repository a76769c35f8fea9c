import ArgumentParser
import Foundation
import SluiceCore

/// "did you mean" for a mistyped option (`sluice check --suit x`), found before the
/// parser runs: the parser reports a missing required option first and never names the
/// typo. Uses the one ``suggestion(for:among:)``.
enum UnknownOption {
    /// Options renamed when the flag grammar was unified, by command: the old spelling
    /// meant something else elsewhere, so it could not stay as an alias.
    static let renamed: [String: [String: String]] = [
        "*": ["json": "format json", "out": "output"],
        "sluice head": ["format": "input-format"],
        "sluice load": ["format": "input-format"],
        "sluice convert": ["format": "input-format", "to": "output-format"],
        "sluice transform": ["format": "input-format", "to": "output-format"],
        "sluice extract": ["format": "output-format"],
        "sluice backfill": ["from": "start-date", "to": "end-date"],
        "sluice stream mock-cluster": ["brokers": "broker-count"],
    ]

    /// The command `arguments` select, as the path of names after `sluice` and its type.
    static func command(for arguments: [String], root: ParsableCommand.Type) -> (path: [String], type: ParsableCommand.Type) {
        var path: [String] = [], type = root
        for argument in arguments {
            guard !argument.hasPrefix("-") else { continue }
            guard let sub = type.configuration.subcommands.first(where: { $0._commandName == argument }) else { break }
            path.append(argument)
            type = sub
        }
        return (path, type)
    }

    /// The long option names `command` accepts, hidden ones included (`--help` too).
    static func longNames(of command: ParsableCommand.Type) -> [String] {
        guard let data = command._dumpHelp().data(using: .utf8),
              let tool = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let info = tool["command"] as? [String: Any] else { return [] }
        let arguments = info["arguments"] as? [[String: Any]] ?? []
        var names = ["help", "version", "experimental-dump-help", "generate-completion-script"]
        for argument in arguments {
            for name in argument["names"] as? [[String: Any]] ?? [] where (name["kind"] as? String) == "long" {
                if let text = name["name"] as? String { names.append(text) }
            }
        }
        return names
    }

    /// The error for the first option in `arguments` that the selected command does not
    /// have, with the nearest name it does have; nil when every option is known.
    static func error(in arguments: [String], root: ParsableCommand.Type) -> CommandError? {
        let (path, command) = self.command(for: arguments, root: root)
        let known = longNames(of: command)
        for argument in arguments {
            if argument == "--" { break }
            guard argument.hasPrefix("--") else { continue }
            let name = String(argument.dropFirst(2).prefix { $0 != "=" })
            guard !known.contains(name) else { continue }
            let shown = (["sluice"] + path).joined(separator: " ")
            var message = "unknown option '--\(name)'"
            if let now = renamed[shown]?[name] ?? renamed["*"]?[name] {
                message += "; it is now '--\(now)' (see \"CLI conventions\" in the README)"
            } else if let near = suggestion(for: name, among: known.filter { !["experimental-dump-help", "generate-completion-script"].contains($0) }) {
                message += "; did you mean '--\(near)'?"
            }
            return CommandError.usage(message, hint: "see '\(shown) --help' for the options of \(path.isEmpty ? "sluice" : "'\(shown)'")")
        }
        return nil
    }
}

extension ParsableCommand {
    /// The name the command is called by.
    static var _commandName: String {
        configuration.commandName ?? String(describing: Self.self).lowercased()
    }
}
