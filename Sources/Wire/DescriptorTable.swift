/// Values indexed by file descriptor. Descriptors are small integers the kernel reuses from the
/// bottom, so an array beats a dictionary: no hashing on the path of every wait.
struct DescriptorTable<Value> {
    private var slots: [Value?] = []

    subscript(fd: Int32) -> Value? {
        get { Int(fd) < slots.count && fd >= 0 ? slots[Int(fd)] : nil }
        set {
            let index = Int(fd)
            precondition(index >= 0, "negative descriptor \(fd)")
            if index >= slots.count {
                guard newValue != nil else { return }
                slots.append(contentsOf: repeatElement(nil, count: max(index + 1 - slots.count, slots.count)))
            }
            slots[index] = newValue
        }
    }

    @discardableResult
    mutating func removeValue(forKey fd: Int32) -> Value? {
        let value = self[fd]
        if value != nil { self[fd] = nil }
        return value
    }
}
