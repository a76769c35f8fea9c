import SluiceCore

/// Everything the CLI prints passes through ``Secrets/mask(_:)``: this shadows
/// `Swift.print` for the whole `sluice` module, so no command can print a registered
/// secret (a password given on the command line, a `${VAR}` of a connection, a Kafka
/// credential) by accident. Table data goes through ``OutputFile``, not here.
func print(_ items: Any..., separator: String = " ", terminator: String = "\n") {
    let text = items.map { "\($0)" }.joined(separator: separator)
    Swift.print(Secrets.mask(text), terminator: terminator)
}
