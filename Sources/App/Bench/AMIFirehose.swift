import AMI
import Core
import Wire

/// A manager interface that accepts any login, lists no channels, and then sends `total`
/// recorded events as fast as the client reads them. Actions after that are read and dropped.
struct AMIFirehose: Sendable {
    let listener: Listener
    /// Encoded events, `eventsPerChunk` of them, written again and again.
    let chunk: [UInt8]
    let eventsPerChunk: Int
    let total: Int

    /// Serves one client, then returns.
    func serveOne() async throws {
        let connection = try await listener.accept()
        defer { connection.close() }
        try await connection.write("Asterisk Call Manager/9.0.0\r\n")
        var reader = FramedReader(connection: connection)
        var loggedIn = false
        // Answer until logged in and quiet for 200 ms (AMIClient sends CoreShowChannels first).
        while true {
            let block: ArraySlice<UInt8>?
            do {
                block = try await reader.readBlock(deadline: .after(loggedIn ? .milliseconds(200) : .seconds(10)))
            } catch ConnectionError.timedOut where loggedIn {
                break
            }
            guard let block else { return }
            let action = AMIMessage(block: block)
            let id = action.actionID.map { [("ActionID", $0)] } ?? []
            switch action["Action"]?.lowercased() {
            case "challenge":
                try await connection.write(AMIMessage([("Response", "Success")] + id + [("Challenge", "175416284")]).encoded)
            case "coreshowchannels":
                try await connection.write(AMIMessage([("Response", "Success")] + id + [("EventList", "start")]).encoded)
                try await connection.write(AMIMessage([("Event", "CoreShowChannelsComplete")] + id + [("EventList", "Complete"), ("ListItems", "0")]).encoded)
            default:
                if action["Action"]?.lowercased() == "login" { loggedIn = true }
                try await connection.write(AMIMessage([("Response", "Success")] + id + [("Message", "Authentication accepted")]).encoded)
            }
        }
        let drain = Task(executorPreference: connection.loop) { [reader] in
            var reader = reader
            while (try? await reader.readBlock()) != nil {}
        }
        defer { drain.cancel() }
        var sent = 0
        while sent < total {
            try await connection.write(chunk)
            sent += eventsPerChunk
        }
        // Stay open until the client has read everything and hangs up.
        _ = await drain.result
    }
}
