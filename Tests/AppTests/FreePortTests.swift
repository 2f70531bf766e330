import Foundation
import Testing
import Wire
@testable import Lab

/// Ports handed to programs that bind them a moment later (Asterisk, SIP phones).
@Suite struct FreePortTests {
    /// Below the kernel's ephemeral range, so an outgoing connection cannot take the port
    /// before the program binds it, and below the lab's RTP blocks; free (it binds); and not
    /// handed out twice, as two tests starting together would otherwise draw the same one.
    @Test func aFreePortIsBelowTheEphemeralRangeBindsAndIsNotHandedOutTwice() throws {
        let range = try String(contentsOfFile: "/proc/sys/net/ipv4/ip_local_port_range", encoding: .utf8)
        let ephemeralStart = try #require(range.split(whereSeparator: \.isWhitespace).first.flatMap { Int($0) })
        var handedOut: Set<UInt16> = []
        for _ in 0..<20 {
            let port = try AsteriskLab.freePort()
            #expect(handedOut.insert(port).inserted, "port \(port) handed out twice")
            if ephemeralStart > 21_000 { #expect(Int(port) < min(30_000, ephemeralStart)) }
            let listener = try Listener(bind: try SocketAddress(host: "127.0.0.1", port: port))
            listener.close()
        }
    }
}
