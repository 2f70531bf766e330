import AMI
import App
import Core
import Foundation
import Lab
import Testing

/// A supervisor's conference, attended transfer and park on the real Asterisk, judged by who
/// ends up with whom (ConfbridgeJoin, BridgeEnter, ParkedCall).
extension RealAsteriskTests {
    @Test func aConferenceAnAttendedTransferAndAPark() async throws {
        try await withCenter { center in
            try await center.login("1001", "1002")
            // Support: 1002 talks 40 s. Sales: 1001 talks 8 s, then hangs up.
            try await center.call(from: "13800000211", digits: "2ww2", talkSeconds: 40)
            let first = try await center.flowChannel(of: "13800000211")
            let firstLeg = try await center.waitForDial(from: first, to: "Local/1002@agents-", seconds: 20)
            try await center.call(from: "13800000212", digits: "2ww1", talkSeconds: 8)
            let second = try await center.flowChannel(of: "13800000212")
            let secondLeg = try await center.waitForDial(from: second, to: "Local/1001@agents-", seconds: 20)
            func uniqueID(of channel: String) throws -> String {
                try #require(center.all.lazy.compactMap { item -> String? in
                    if case .newChannel(let snapshot) = item.event.kind, snapshot.channel == channel { return snapshot.uniqueID }
                    return nil
                }.first)
            }
            try await center.wait("both calls bridged", seconds: 10) { events in
                let bridged = Set(events.compactMap { item -> String? in if case .bridgeEnter(let snapshot, _) = item.event.kind { return snapshot.channel } else { return nil } })
                return bridged.isSuperset(of: [first, second]) ? true : nil
            }

            // The first call and a third party (1005) in one conference room.
            let firstID = try uniqueID(of: first)
            let conference = try await center.command(["call", "conference", firstID, "Local/1005@agents"])
            #expect(conference.code == 0, "\(conference.out)\(conference.err)")
            let room = firstID.filter(\.isNumber)
            let joined = try await center.wait("three in room \(room)", seconds: 15) { events -> [String]? in
                let channels = events.compactMap { $0.event.name == "ConfbridgeJoin" && $0.event["Conference"] == room ? $0.event["Channel"] : nil }
                return channels.count >= 3 ? channels : nil
            }
            #expect(joined.contains(first) && joined.contains(firstLeg) && joined.contains { $0.hasPrefix("Local/1005@agents-") }, "\(joined)")

            // The second call: 1001 consults 1004; when 1001 hangs up, the caller is with 1004.
            let transfer = try await center.command(["call", "transfer", try uniqueID(of: second), "1004@agents", "--attended"])
            #expect(transfer.code == 0, "\(transfer.out)\(transfer.err)")
            let target = try await center.wait("the consulted 1004", seconds: 10) { events in
                events.lazy.compactMap { item -> String? in
                    if case .newChannel(let snapshot) = item.event.kind, snapshot.channel.hasPrefix("Local/1004@agents-"), snapshot.channel.hasSuffix(";1") { return snapshot.channel }
                    return nil
                }.first
            }
            try await center.hungUp(secondLeg, seconds: 20)
            try await center.wait("the caller bridged with 1004", seconds: 15) { events in
                var bridges: [String: Set<String>] = [:]
                for item in events {
                    if case .bridgeEnter(let snapshot, let bridge) = item.event.kind { bridges[bridge, default: []].insert(snapshot.channel) }
                }
                return bridges.values.contains { $0.contains(second) && $0.contains { $0.hasPrefix("Local/1004@agents-") } } ? true : nil
            }
            _ = target

            // A third call, to 1003, parked: Asterisk puts the caller in a parking space.
            try await center.login("1003")
            try await center.call(from: "13800000213", digits: "2ww2", talkSeconds: 40)
            let third = try await center.flowChannel(of: "13800000213")
            try await center.waitForDial(from: third, to: "Local/1003@agents-", seconds: 20)
            try await center.wait("the third call bridged", seconds: 10) { events in
                events.contains { if case .bridgeEnter(let snapshot, _) = $0.event.kind { snapshot.channel == third } else { false } } ? true : nil
            }
            let park = try await center.command(["call", "park", try uniqueID(of: third)])
            #expect(park.code == 0, "\(park.out)\(park.err)")
            let parked = try await center.wait("ParkedCall", seconds: 10) { events in
                events.lazy.compactMap { $0.event.name == "ParkedCall" ? $0.event : nil }.first
            }
            #expect(parked["ParkeeChannel"] == third && parked["ParkingSpace"].flatMap(Int.init).map { (701...720).contains($0) } == true, "\(parked.message)")
        }
    }
}
