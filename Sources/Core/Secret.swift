/// A value that must never be printed: its description is a mask, the real text is only in `reveal`.
///
/// Config secrets (the AMI secret) are held as `Secret` so that interpolating one into a log line,
/// an error or `config check` output shows the mask instead.
public struct Secret: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    public static let mask = "********"

    public let reveal: String

    public init(_ value: String) { reveal = value }

    public var isEmpty: Bool { reveal.isEmpty }
    public var description: String { Self.mask }
    public var debugDescription: String { Self.mask }
}
