import Core

/// Deadlines of waiters, earliest first, with O(log n) removal when a wait ends early.
///
/// Most waits end before their deadline (the peer answers), so entries must leave the queue as
/// soon as their wait does, or a busy server would hold millions of dead timers. Waiters are
/// small integers (a descriptor and a direction), so where each sits in the heap is kept in an
/// array, not a dictionary: no hashing on the path of every command.
struct DeadlineQueue {
    private var entries: [(at: MonotonicTime, key: Int)] = []
    /// `positions[key]` is the key's index in `entries` + 1; 0 when it has no deadline.
    private var positions: [Int32] = []

    var earliest: MonotonicTime? { entries.first?.at }
    var count: Int { entries.count }

    mutating func set(_ key: Int, at time: MonotonicTime) {
        remove(key)
        if key >= positions.count { positions.append(contentsOf: repeatElement(0, count: max(key + 1 - positions.count, positions.count))) }
        entries.append((time, key))
        positions[key] = Int32(entries.count)
        siftUp(entries.count - 1)
    }

    mutating func remove(_ key: Int) {
        guard key < positions.count, positions[key] > 0 else { return }
        let index = Int(positions[key]) - 1
        positions[key] = 0
        let last = entries.count - 1
        if index != last {
            entries[index] = entries[last]
            positions[entries[index].key] = Int32(index + 1)
        }
        entries.removeLast()
        if index < entries.count {
            siftDown(index)
            siftUp(index)
        }
    }

    /// Removes and returns every key whose deadline is at or before `now`.
    mutating func popExpired(now: MonotonicTime) -> [Int] {
        var expired: [Int] = []
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
        positions[entries[a].key] = Int32(a + 1)
        positions[entries[b].key] = Int32(b + 1)
    }
}
