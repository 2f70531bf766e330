@testable import AMI
import TestSupport
import Testing
import Wire

@Suite struct AMICodecTests {
    /// RFC 1321, appendix A.5.
    @Test(arguments: [
        ("", "d41d8cd98f00b204e9800998ecf8427e"),
        ("a", "0cc175b9c0f1b6a831c399e269772661"),
        ("abc", "900150983cd24fb0d6963f7d28e17f72"),
        ("message digest", "f96b697d7cb7938d525a2f31aaf161d0"),
        ("abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b"),
        ("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", "d174ab98d277d9f5a5611c2c9f419d9f"),
        ("12345678901234567890123456789012345678901234567890123456789012345678901234567890", "57edf4a22be3c955ac49da2e2107b67a"),
    ])
    func md5MatchesRFC1321(input: String, digest: String) {
        #expect(MD5.hex(Array(input.utf8)) == digest)
    }

    @Test func md5KeyOfTheRecordedChallenge() {
        // ami-login-md5.log: Challenge 175416284, secret lab-secret.
        #expect(AMIAction.md5Key(challenge: "175416284", secret: "lab-secret") == "3b3af52b2eefb7b3f50f044d1ea45f9c")
    }

    @Test func headersKeepOrderRepeatsAndPadding() {
        let message = AMIMessage(block: Array("Response: Success\r\nActionID: x\r\nOutput: one  \r\nOutput: two\r\nAccountCode: \r\nno colon here\r\nEmpty:\r\n".utf8)[...])
        #expect(message.kind == .response)
        #expect(message.values("Output") == ["one  ", "two"])
        #expect(message["output"] == "one  ")
        #expect(message["AccountCode"] == "")
        #expect(message["Empty"] == "")
        #expect(message["Missing"] == nil)
        #expect(message.headers.map(\.name) == ["Response", "ActionID", "Output", "Output", "AccountCode", "", "Empty"])
        #expect(message.headers[5].value == "no colon here")
    }

    @Test func theFirstHeaderClassifies() {
        let originate = AMIMessage([("Event", "OriginateResponse"), ("ActionID", "a"), ("Response", "Success")])
        #expect(originate.kind == .event)
        #expect(AMIMessage([("Response", "Error")]).kind == .response)
        #expect(AMIMessage([("Banner", "x")]).kind == .unknown)
    }

    @Test func encodingRoundTripsAndRefusesInjection() throws {
        let action = AMIAction.setvar(channel: "PJSIP/1001-0001", variable: "NOTE", value: "a: b")
        let bytes = try action.encoded(actionID: "sb-7")
        #expect(String(decoding: bytes, as: UTF8.self) == "Action: Setvar\r\nActionID: sb-7\r\nChannel: PJSIP/1001-0001\r\nVariable: NOTE\r\nValue: a: b\r\n\r\n")
        let injected = AMIAction.setvar(channel: nil, variable: "X", value: "1\r\nAction: Hangup")
        #expect(throws: AMIError.self) { try injected.encoded(actionID: "sb-8") }
        let message = AMIMessage(block: bytes.dropLast(2))
        #expect(message.encoded == bytes)
    }

    @Test func aBlockWhoseLastLineHasNoTerminatorKeepsThatHeader() {
        let message = AMIMessage(block: Array("Response: Success\r\nMessage: Authentication accepted".utf8)[...])
        #expect(message.kind == .response)
        #expect(message["Message"] == "Authentication accepted")
        #expect(AMIMessage(block: Array("Event: A\nX: 1\r".utf8)[...])["X"] == "1")
    }

    @Test func secretsAreMaskedInDescriptions() {
        #expect(AMIAction.login(username: "u", secret: "hunter2").description == "Login Username=u Secret=*** Events=on")
        #expect(!AMIAction.login(username: "u", key: "abcdef").description.contains("abcdef"))
    }

    /// The recorded byte streams, cut at every possible size of read, parse into the same messages.
    @Test(arguments: ["ami-actions", "ami-call-full", "ami-queue-call"])
    func anySplitParsesTheSame(name: String) throws {
        let stream = try Transcript(name).binFile(.fromAsterisk)
        let banner = stream.firstIndex(of: 0x0A)! + 1
        func parse(chunkSize: Int) throws -> [String] {
            var framer = Framer()
            var out: [String] = []
            var offset = banner
            while offset < stream.count {
                framer.append(Array(stream[offset..<min(stream.count, offset + chunkSize)]))
                offset += chunkSize
                while let block = try framer.nextBlock() { out.append(AMIMessage(block: block).description) }
            }
            return out
        }
        /// As the connection reads: the parser finds the block ends itself and leaves an unfinished one.
        func parseAsRead(chunkSize: Int) throws -> [String] {
            var framer = Framer()
            var messages: [AMIMessage] = []
            var offset = banner
            while offset < stream.count {
                framer.append(Array(stream[offset..<min(stream.count, offset + chunkSize)]))
                offset += chunkSize
                _ = try framer.take { AMIMessage.parse($0, into: &messages) }
            }
            #expect(framer.pendingByteCount == 0)
            return messages.map(\.description)
        }
        let whole = try parse(chunkSize: stream.count)
        #expect(whole.count > 50)
        for size in [1, 2, 3, 7, 64, 1000] {
            #expect(try parse(chunkSize: size) == whole)
            #expect(try parseAsRead(chunkSize: size) == whole)
        }
        #expect(try parseAsRead(chunkSize: stream.count) == whole)
    }
}

@Suite struct PendingActionsTests {
    /// Runs `body` with a pending action `a1`, returning how it resolved.
    func resolve(awaitsOriginate: Bool = false, _ body: (inout PendingActions) -> Void) async -> Result<AMIResponse, any Error> {
        do {
            return .success(try await withCheckedThrowingContinuation { (waiter: PendingActions.Waiter) in
                var pending = PendingActions()
                pending.add(id: "a1", .init(action: "Test", waiter: waiter, timeout: .seconds(1), deadline: .now + .seconds(1), awaitsOriginateResponse: awaitsOriginate))
                body(&pending)
                for resolution in pending.failAll(.disconnected("test ended")) { resolution.resume() }
            })
        } catch {
            return .failure(error)
        }
    }

    func accept(_ pending: inout PendingActions, _ headers: [(name: String, value: String)]) -> Bool {
        let (taken, resolution) = pending.accept(AMIMessage(headers))
        resolution?.resume()
        return taken
    }

    @Test func listItemsThatRaceAheadOfTheResponseAreKept() async throws {
        let result = await resolve { pending in
            #expect(accept(&pending, [("Event", "Item"), ("ActionID", "a1"), ("N", "1")]))
            #expect(accept(&pending, [("Response", "Success"), ("ActionID", "a1"), ("EventList", "start")]))
            #expect(accept(&pending, [("Event", "Item"), ("ActionID", "a1"), ("N", "2")]))
            #expect(!accept(&pending, [("Event", "Newchannel"), ("Uniqueid", "1.1")]))
            #expect(accept(&pending, [("Event", "ItemComplete"), ("ActionID", "a1"), ("EventList", "Complete"), ("ListItems", "2")]))
            #expect(!accept(&pending, [("Response", "Success"), ("ActionID", "a1")]))
        }
        let response = try result.get()
        #expect(response.items.map { $0["N"] } == ["1", "2"])
        #expect(response.completion?["ListItems"] == "2")
    }

    @Test func failedOriginateResolvesAsAFailureInWords() async {
        let result = await resolve(awaitsOriginate: true) { pending in
            _ = accept(&pending, [("Response", "Success"), ("ActionID", "a1"), ("Message", "Originate successfully queued")])
            _ = accept(&pending, [("Event", "OriginateResponse"), ("ActionID", "a1"), ("Response", "Failure"), ("Channel", "PJSIP/1001"), ("Reason", "5")])
        }
        #expect(throws: AMIError.actionFailed(action: "Test", message: "originate PJSIP/1001 busy (reason 5)")) { try result.get() }
    }

    @Test func aDisconnectFailsWhatIsPending() async {
        let result = await resolve { pending in
            _ = accept(&pending, [("Response", "Success"), ("ActionID", "a1"), ("EventList", "start")])
        }
        #expect(throws: AMIError.disconnected("test ended")) { try result.get() }
    }

    @Test func expiryFailsOnlyThePastDue() async {
        let result = await resolve { pending in
            #expect(pending.expire(now: .now).isEmpty)
            for resolution in pending.expire(now: .now + .seconds(2)) { resolution.resume() }
            #expect(pending.count == 0)
        }
        #expect(throws: AMIError.timedOut(action: "Test", after: .seconds(1))) { try result.get() }
    }
}

@Suite struct BackoffTests {
    @Test func doublesUpToTheCapWithJitterInTheUpperHalf() {
        let backoff = Backoff(initial: .milliseconds(500), maximum: .seconds(30))
        #expect(backoff.delay(attempt: 1, unit: 1) == .milliseconds(500))
        #expect(backoff.delay(attempt: 1, unit: 0) == .milliseconds(250))
        #expect(backoff.delay(attempt: 4, unit: 1) == .seconds(4))
        #expect(backoff.delay(attempt: 10, unit: 1) == .seconds(30))
        #expect(backoff.delay(attempt: 1000, unit: 0) == .seconds(15))
        let draws = (0..<200).map { _ in backoff.delay(attempt: 3) }
        #expect(draws.allSatisfy { $0 >= .seconds(1) && $0 <= .seconds(2) })
        #expect(Set(draws).count > 100)
    }
}
