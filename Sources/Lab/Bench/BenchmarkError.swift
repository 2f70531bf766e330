import App
/// A benchmark could not run: a peer missing, a file not found. One line for the terminal.
public struct BenchmarkError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
