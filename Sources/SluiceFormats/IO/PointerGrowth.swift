/// Doubles a manually managed buffer: its first `count` initialised elements move to a
/// new allocation of `capacity * 2`, the old allocation is freed, and `capacity` is
/// updated (the JSON Lines line window and the JSON object decoder's column slots).
func doubleCapacity<T>(_ storage: inout UnsafeMutablePointer<T>, count: Int, capacity: inout Int) {
    let larger = UnsafeMutablePointer<T>.allocate(capacity: capacity * 2)
    larger.moveInitialize(from: storage, count: count)
    storage.deallocate()
    storage = larger
    capacity *= 2
}
