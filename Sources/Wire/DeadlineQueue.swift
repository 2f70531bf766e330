import Core

/// Deadlines keyed by waiter, earliest first, with O(log n) removal when a wait ends early.
///
/// Most waits end before their deadline (the peer answers), so entries must leave the queue as
/// soon as their wait does, or a busy server would hold millions of dead timers.
struct DeadlineQueue<Key: Hashable> {
    private var entries: [(at: MonotonicTime, key: Key)] = []
    private var positions: [Key: Int] = [:]

    var earliest: MonotonicTime? { entries.first?.at }
    var count: Int { entries.count }

    mutating func set(_ key: Key, at time: MonotonicTime) {
        remove(key)
        entries.append((time, key))
        positions[key] = entries.count - 1
        siftUp(entries.count - 1)
    }

    mutating func remove(_ key: Key) {
        guard let index = positions.removeValue(forKey: key) else { return }
        let last = entries.count - 1
        if index != last {
            entries[index] = entries[last]
            positions[entries[index].key] = index
        }
        entries.removeLast()
        if index < entries.count {
            siftDown(index)
            siftUp(index)
        }
    }

    /// Removes and returns every key whose deadline is at or before `now`.
    mutating func popExpired(now: MonotonicTime) -> [Key] {
        var expired: [Key] = []
        while let first = entries.first, first.at <= now {
            expired.append(first.key)
            remove(first.key)
        }
        return expired
    }

    private mutating func siftUp(_ start: Int) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            guard entries[child].at < entries[parent].at else { return }
            swapEntries(child, parent)
            child = parent
        }
    }

    private mutating func siftDown(_ start: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var smallest = parent
            if left < entries.count, entries[left].at < entries[smallest].at { smallest = left }
            if right < entries.count, entries[right].at < entries[smallest].at { smallest = right }
            if smallest == parent { return }
            swapEntries(parent, smallest)
            parent = smallest
        }
    }

    private mutating func swapEntries(_ a: Int, _ b: Int) {
        entries.swapAt(a, b)
        positions[entries[a].key] = a
        positions[entries[b].key] = b
    }
}
