/// A YAML alias bomb ("billion laughs"): `levels` anchors `x0`…`xN` as top-level keys,
/// each a list of ten aliases of the one before (10^levels nodes once expanded). Spec
/// readers must refuse it with a located error, in bounded time and memory.
public func yamlAliasBomb(levels: Int) -> String {
    var text = "x0: &x0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
    for i in 1...levels {
        text += "x\(i): &x\(i) [" + Array(repeating: "*x\(i - 1)", count: 10).joined(separator: ", ") + "]\n"
    }
    return text
}
