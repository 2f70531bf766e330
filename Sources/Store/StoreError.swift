import Core
/// What the store refuses, in words an admin can act on.
public enum StoreError: Error, Equatable, CustomStringConvertible {
    case newerSchema(found: Int, supported: Int, path: String)
    case notFound(String)
    case invalid(String)
    case duplicate(String)

    public var description: String {
        switch self {
        case .newerSchema(let found, let supported, let path):
            "\(path) has schema version \(found), newer than this switchboard supports (\(supported)); upgrade switchboard, do not downgrade the database"
        case .notFound(let what): "\(what) not found"
        case .invalid(let why): why
        case .duplicate(let what): "\(what) already exists"
        }
    }
}
