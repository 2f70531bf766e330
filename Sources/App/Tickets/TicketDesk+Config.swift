import Config
import Core
import IVR
import Store
import Tickets

extension TicketDesk {
    /// The desk a configuration describes: its tickets file (`[tickets] rules`), open time from
    /// its flows (`business_hours`), tickets given only to its queues (`[acd] queues`, when set).
    /// `flows`: the flows loaded already (the server's); else they are read from `[ivr] flows`.
    public static func make(config: SwitchboardConfig, store: Store, flows: [String: Flow]? = nil, logger: Logger = .silent) throws -> TicketDesk {
        let settings = try config.tickets.rulesPath.map { try TicketSettings.load(file: $0) } ?? TicketSettings()
        let calendar: BusinessCalendar
        if settings.businessHours == nil {
            calendar = .always(in: config.general.timeZone)
        } else {
            calendar = try settings.calendar(flows: flows ?? FlowChecker.check(folder: config.ivr.flowsPath, sounds: nil).flows, zone: config.general.timeZone)
        }
        let queues = try config.acd.queuesPath.map { Set(try QueueSettings.load(file: $0).keys) } ?? []
        return TicketDesk(store: store, settings: settings, calendar: calendar, queues: queues, logger: logger)
    }
}
