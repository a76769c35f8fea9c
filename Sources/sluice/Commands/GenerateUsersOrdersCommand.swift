import ArgumentParser
import SluiceCore
import SluiceFormats

extension GenerateCommand {
    /// `sluice generate users-orders`.
    struct UsersOrders: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "users-orders",
            abstract: "Write users.csv and orders.csv for the user-analytics ETL.",
            discussion: """
            users.csv (id,email,name,created_at) has null, mixed-case and space- or
            tab-padded emails, quoted names with commas, quotes and newlines, and a few
            duplicate ids. orders.csv (id,user_id,total,created_at) has about 3 orders per
            user (0 to 8), skewed totals with a few negatives, exact 0.00/100.00/1000.00
            values, users whose orders add up to exactly 100.00 or 1000.00, and orders of
            users that do not exist.

            Example:
              sluice generate users-orders --users 1000000 --seed 42 --output bench/data
            """
        )

        @Option(help: "Rows in users.csv.")
        var users: Int

        @Option(help: "Mean orders per user (0 to 8).")
        var ordersPerUser: Double = 3

        @OptionGroup var options: GenerateCommand.Options<GenerateCommand.Directory>

        func validate() throws {
            guard users >= 0 else { throw ValidationError("--users must be 0 or more.") }
            guard (0...8).contains(ordersPerUser) else { throw ValidationError("--orders-per-user must be between 0 and 8.") }
        }

        func run() throws {
            let started = monotonicSeconds()
            let generator = UsersOrdersGenerator(users: users, seed: options.seed, ordersPerUser: ordersPerUser)
            let summary = try generator.write(to: options.out)
            let seconds = monotonicSeconds() - started
            let files = [summary.users, summary.orders]
            let width = files.map(\.path.count).max() ?? 0
            for file in files {
                print("wrote \(file.path.padding(to: width))  \(grouped(file.rows).leftPadding(to: 11)) rows  "
                      + "\(grouped(file.bytes).leftPadding(to: 13)) bytes")
            }
            print("seed \(options.seed), \(fixed(seconds, digits: 3)) s")
        }
    }
}
