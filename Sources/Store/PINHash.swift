import Core

/// PINs are stored as `sha256$<iterations>$<salt>$<hex>`: salted and stretched, so the table
/// alone does not give an agent's PIN away at a glance. (A 4-digit PIN cannot resist a
/// determined offline search; the database file is protected by its permissions.)
enum PINHash {
    static let iterations = 20_000

    static func make(_ pin: String, salt: String = randomSalt()) -> String {
        "sha256$\(iterations)$\(salt)$\(stretch(pin, salt: salt, iterations: iterations))"
    }

    static func verify(_ pin: String, against stored: String) -> Bool {
        let parts = stored.split(separator: "$").map(String.init)
        guard parts.count == 4, parts[0] == "sha256", let rounds = Int(parts[1]), rounds > 0 else { return false }
        return stretch(pin, salt: parts[2], iterations: rounds) == parts[3]
    }

    private static func stretch(_ pin: String, salt: String, iterations: Int) -> String {
        var digest = SHA256.digest(Array((salt + ":" + pin).utf8))
        for _ in 1..<iterations { digest = SHA256.digest(digest) }
        return digest.hexString
    }

    static func randomSalt() -> String {
        (0..<16).map { _ in UInt8.random(in: 0...255) }.hexString
    }
}
