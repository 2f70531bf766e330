/// A binary min-heap; used for socket deadlines and, later, routing queues.
public struct Heap<Element: Comparable> {
    private var storage: [Element] = []

    public init() {}

    public var count: Int { storage.count }
    public var isEmpty: Bool { storage.isEmpty }
    public var min: Element? { storage.first }

    public mutating func insert(_ element: Element) {
        storage.append(element)
        var child = storage.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard storage[child] < storage[parent] else { break }
            storage.swapAt(child, parent)
            child = parent
        }
    }

    @discardableResult
    public mutating func removeMin() -> Element? {
        guard !storage.isEmpty else { return nil }
        storage.swapAt(0, storage.count - 1)
        let smallest = storage.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var candidate = parent
            if left < storage.count, storage[left] < storage[candidate] { candidate = left }
            if right < storage.count, storage[right] < storage[candidate] { candidate = right }
            if candidate == parent { break }
            storage.swapAt(parent, candidate)
            parent = candidate
        }
        return smallest
    }
}

extension Heap: Sendable where Element: Sendable {}
