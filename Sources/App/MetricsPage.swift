import ACD
import AGI
import AMI
import Core

/// What `/metrics` serves (`[metrics] listen`): the live picture (calls waiting, agents,
/// sessions, AMI) read when scraped, and what `ServerMetrics` counted since the start.
/// Names and meanings are listed in the README's metrics table.
enum MetricsPage {
    static func render(queues: QueueReport, counts: ServerMetrics.Counts, agi: AGIServer, ami: AMIClient.Status?) -> String {
        var page = PrometheusText()
        page.family("switchboard_build_info", .gauge, "The running version.", [([("version", SwitchboardVersion.current)], 1)])

        let waiting = Dictionary(grouping: queues.waiting.filter { !$0.parked }, by: \.queue)
        page.family("switchboard_queue_waiting", .gauge, "Callers waiting in the queue now.", queues.queues.map { queue in
            ([("queue", queue)], Double(waiting[queue]?.count ?? 0))
        })
        page.family("switchboard_queue_longest_wait_seconds", .gauge, "The longest wait of a caller in the queue now.", queues.queues.map { queue in
            ([("queue", queue)], waiting[queue]?.map(\.waitSeconds).max() ?? 0)
        })
        page.family("switchboard_callbacks_parked", .gauge, "Callback requests out of line until AMI is back.",
                    Double(queues.waiting.filter(\.parked).count))
        let byActivity = Dictionary(grouping: queues.agents, by: \.activity)
        page.family("switchboard_agents", .gauge, "Agents by state.", AgentActivity.allCases.map { activity in
            ([("state", activity.rawValue)], Double(byActivity[activity]?.count ?? 0))
        })

        page.family("switchboard_calls_total", .counter, "Calls ended since the server started, by outcome.",
                    counts.outcomes.sorted { $0.key < $1.key }.map { ([("outcome", $0.key)], Double($0.value)) })
        page.family("switchboard_agi_sessions", .gauge, "FastAGI sessions open now.", Double(agi.activeSessions))
        page.family("switchboard_agi_sessions_total", .counter, "FastAGI sessions ended since the server started.", Double(agi.finishedSessions))
        page.family("switchboard_agi_sessions_failed_total", .counter, "FastAGI sessions that ended in an error.", Double(agi.failedSessions))

        if let ami {
            page.family("switchboard_ami_up", .gauge, "1 while logged in to Asterisk's manager interface.", ami.state == "connected" ? 1 : 0)
            page.family("switchboard_ami_reconnects_total", .counter, "Logins to AMI after the first.", Double(max(0, ami.connects - 1)))
            page.family("switchboard_ami_events_total", .counter, "AMI events read.", Double(ami.events))
            page.family("switchboard_ami_subscriber_overflows_total", .counter, "Times a consumer of AMI events fell behind and was resynced.",
                        Double(ami.subscriberOverflows))
            if let lag = counts.eventLag {
                page.family("switchboard_ami_event_lag_seconds", .gauge,
                            "From Asterisk's Timestamp on the last event to its handling (timestampevents = yes).", lag)
            }
        }
        page.histogram("switchboard_store_write_seconds", "Time of each transaction of the store's writer.",
                       bounds: ServerMetrics.writeBuckets, counts: counts.writeBuckets, sum: counts.writeSeconds)
        return page.text
    }
}
