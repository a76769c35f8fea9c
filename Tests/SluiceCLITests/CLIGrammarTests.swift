import Foundation
import Testing
import SluiceTestSupport

/// The command tree as `sluice --experimental-dump-help` describes it (the parser walks
/// `Sluice.configuration.subcommands` recursively to write it).
struct CommandTree {
    struct Argument {
        var command: String
        var longNames: [String]
        var abstract: String
        var valueName: String?
        var isShown: Bool
        var isFlag: Bool
    }

    struct Command {
        var path: String
        var abstract: String
        var discussion: String
    }

    var arguments: [Argument] = []
    var commands: [Command] = []

    static func load() throws -> CommandTree {
        let run = try CLI.run(["--experimental-dump-help"])
        #expect(run.status == 0, "\(run.stderr)")
        let root = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as! [String: Any]
        var tree = CommandTree()
        tree.walk(root["command"] as! [String: Any], path: "sluice")
        return tree
    }

    private mutating func walk(_ command: [String: Any], path: String) {
        commands.append(Command(path: path, abstract: command["abstract"] as? String ?? "", discussion: command["discussion"] as? String ?? ""))
        for argument in command["arguments"] as? [[String: Any]] ?? [] where (argument["kind"] as? String) != "positional" {
            let names = (argument["names"] as? [[String: Any]] ?? []).filter { ($0["kind"] as? String) == "long" }.compactMap { $0["name"] as? String }
            arguments.append(Argument(command: path, longNames: names, abstract: argument["abstract"] as? String ?? "",
                                      valueName: argument["valueName"] as? String, isShown: argument["shouldDisplay"] as? Bool ?? true,
                                      isFlag: (argument["kind"] as? String) == "flag"))
        }
        for sub in command["subcommands"] as? [[String: Any]] ?? [] {
            walk(sub, path: path + " " + (sub["commandName"] as! String))
        }
    }
}

@Suite("CLI grammar: one flag, one meaning")
struct CLIGrammarTests {
    /// The flag grammar (README, "CLI conventions"): what a long flag means wherever it
    /// appears, as the start of its help text. A flag used by more than one command with
    /// different help texts must be listed here.
    static let grammar: [String: String] = [
        "format": "Report format:",
        "input-format": "Input format:",
        "output-format": "Output format:",
        "output": "Where to write",
        "from": "Source:",
        "to": "Destination:",
        "state": "State store",
        "pipeline": "The pipeline file",
        "param": "",            // name=value, by value name below
        "seed": "Seed of every random choice",
        "topic": "Kafka topic",
        "schema": "Column types",
        "nan": "JSON Lines output: NaN",
    ]
    /// Hidden spellings kept for old scripts (they print a warning).
    static let deprecated: Set<String> = ["json", "out"]
    /// The parser's own hidden options (of `sluice help`).
    static let parserOwn: Set<String> = ["help", "version"]

    @Test("no long flag has two meanings anywhere in the command tree")
    func oneMeaningPerFlag() throws {
        let tree = try CommandTree.load()
        #expect(tree.commands.count > 25)   // the whole tree, subcommands of subcommands included
        var uses: [String: [CommandTree.Argument]] = [:]
        for argument in tree.arguments {
            for name in argument.longNames {
                if argument.isShown { uses[name, default: []].append(argument) } else {
                    #expect(Self.deprecated.contains(name) || Self.parserOwn.contains(name), "--\(name) in \(argument.command) is hidden but not a known deprecated spelling")
                }
            }
        }
        #expect(uses["format"]!.count >= 10 && uses["input-format"]!.count >= 9)
        for (name, all) in uses.sorted(by: { $0.key < $1.key }) where all.count > 1 {
            let where_ = all.map(\.command).joined(separator: ", ")
            #expect(Set(all.map(\.isFlag)).count == 1, "--\(name) is a flag in some commands and an option in others: \(where_)")
            #expect(Set(all.map { $0.valueName ?? "" }).count == 1 || name == "output" || name == "topic",
                    "--\(name) takes different values: \(all.map { "\($0.command) <\($0.valueName ?? "")>" })")
            if let prefix = Self.grammar[name] {
                for use in all {
                    #expect(use.abstract.hasPrefix(prefix), "--\(name) in \(use.command) means \"\(use.abstract)\", the grammar says \"\(prefix)…\"")
                }
            } else {
                #expect(Set(all.map(\.abstract)).count == 1,
                        "--\(name) has different help in \(where_): add it to the grammar table if it means one thing, rename it if not")
            }
        }
        // The meanings the grammar separates stay separate.
        for name in ["format", "input-format", "output-format", "output", "to", "from"] {
            #expect(uses[name] != nil, "--\(name) is part of the grammar")
        }
        #expect(uses["to"]!.allSatisfy { $0.valueName == "url" } && uses["from"]!.allSatisfy { $0.valueName == "url" })
    }

    @Test("every reading command takes the same reading options")
    func readingOptions() throws {
        let tree = try CommandTree.load()
        let reading = ["--input-format", "--schema", "--infer-rows", "--bad-rows", "--delimiter", "--no-quote", "--no-header", "--null"]
        for command in ["schema", "head", "convert", "scan", "load", "check", "profile", "suggest", "transform"] {
            let names = Set(tree.arguments.filter { $0.command == "sluice " + command }.flatMap(\.longNames).map { "--" + $0 })
            for option in reading { #expect(names.contains(option), "sluice \(command) lacks \(option)") }
        }
    }

    @Test("help is never re-wrapped at 80 columns: every line the commands write fits")
    func helpFitsEightyColumns() throws {
        let tree = try CommandTree.load()
        for command in tree.commands where !command.path.hasSuffix(" help") {
            #expect(("OVERVIEW: " + command.abstract).count <= 80, "\(command.path): abstract too long to fit one line: \(command.abstract)")
            let discussion = command.discussion.split(separator: "\n", omittingEmptySubsequences: false)
            for line in discussion {
                #expect(line.count <= 80, "\(command.path): discussion line of \(line.count) columns: \(line)")
            }
            // What a user sees at 80 columns holds each line as written.
            let arguments = Array(command.path.split(separator: " ").dropFirst().map(String.init)) + ["--help"]
            let help = try CLI.run(arguments, environment: ["COLUMNS": "80"])
            #expect(help.status == 0, "\(command.path) --help: \(help.stderr)")
            let shown = Set(help.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init))
            for line in discussion where !line.isEmpty {
                #expect(shown.contains(String(line)), "\(command.path) --help wraps \"\(line)\"")
            }
            // The synopsis (`USAGE: …`) is the parser's one line by design; everything else fits.
            for line in shown where !line.hasPrefix("USAGE:") { #expect(line.count <= 80, "\(command.path) --help: \(line)") }
        }
    }
}
