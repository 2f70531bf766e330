import Core
import Foundation
import TestSupport
import Testing
import Wire
@testable import Config

@Suite struct SwitchboardConfigTests {
    static let sample: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.appendingPathComponent("asterisk-conf/switchboard.conf").path
    }()

    @Test func theShippedSampleLoadsWithoutWarnings() throws {
        let (config, warnings) = try SwitchboardConfig.load(path: Self.sample)
        #expect(warnings.isEmpty)
        #expect(config.agi.port == 4573)
        #expect(config.ami.port == 5038)
        #expect(config.ami.username == "switchboard")
        #expect(config.ami.secret.reveal == "change-me")
        #expect(config.ami.login == .md5)
        #expect(config.general.databasePath == "/var/lib/switchboard/switchboard.db")
        #expect(config.agi.allow.map(\.description) == ["127.0.0.0/8", "::1"])
        #expect(config.general.timeZone.identifier == "Asia/Shanghai")
        #expect(config.general.trunkDial("13800138000") == "PJSIP/13800138000@trunk")
        #expect(config.ivr.operatorTarget == "PJSIP/operator")
    }

    /// chan_sip installs name their own trunk and operator; a time zone or trunk that cannot work is an error.
    @Test func timeZoneTrunkAndOperatorForEitherChannelDriver() throws {
        let folder = try TemporaryFolder()
        let file = try folder.write("sb.conf", "[general]\ntimezone = Europe/Berlin\ntrunk = SIP/trunk/{number}\n[ivr]\noperator = SIP/operator\n")
        let (config, _) = try SwitchboardConfig.load(path: file)
        #expect(config.general.timeZone.identifier == "Europe/Berlin")
        #expect(config.general.trunkDial("4008") == "SIP/trunk/4008")
        #expect(config.ivr.operatorTarget == "SIP/operator")
        let bad = try folder.write("bad.conf", "[general]\ntimezone = Mars/Olympus\ntrunk = SIP/trunk\n")
        let lines = (errorText { _ = try SwitchboardConfig.load(path: bad) } ?? "").split(separator: "\n").map(String.init)
        #expect(lines == [
            "\(bad):2: timezone: 'Mars/Olympus' is not a time zone name such as Asia/Shanghai or Europe/Berlin",
            "\(bad):3: trunk: 'SIP/trunk' is not a dial string with {number}, such as PJSIP/{number}@trunk or SIP/trunk/{number}",
        ])
    }

    @Test func renderedConfigurationMasksTheSecret() throws {
        let (config, _) = try SwitchboardConfig.load(path: Self.sample)
        let text = config.rendered()
        #expect(!text.contains("change-me"))
        #expect(text.contains("secret = ********"))
        #expect(text.contains("port = 4573"))
    }

    @Test func relativePathsAreRelativeToTheConfigFile() throws {
        let folder = try TemporaryFolder()
        let file = try folder.write("sb.conf", "[general]\ndatabase = data/sb.db\n[control]\nsocket = /run/sb.ctl\n")
        let (config, _) = try SwitchboardConfig.load(path: file)
        #expect(config.general.databasePath == folder.path + "/data/sb.db")
        #expect(config.control.socketPath == "/run/sb.ctl")
    }

    @Test func unknownKeysAndSectionsAreWarningsWithLocations() throws {
        let folder = try TemporaryFolder()
        let file = try folder.write("sb.conf", "[general]\nloglevel = debug\ncolour = blue\n[mystery]\nx = 1\n")
        let (config, warnings) = try SwitchboardConfig.load(path: file)
        #expect(config.general.logLevel == .debug)
        #expect(warnings.map(\.description) == [
            "\(file):4: warning: unknown section [mystery]",
            "\(file):3: warning: unknown key 'colour' in [general]",
        ])
    }

    @Test func wrongTypesAreErrorsAndAllAreReported() throws {
        let folder = try TemporaryFolder()
        let file = try folder.write("sb.conf", """
            [general]
            loglevel = loud
            [agi]
            port = 99999
            bindaddr = not-an-ip
            allow = 10.0.0.0/8, 300.1.1.1
            [ami]
            username = sb
            port = abc
            login = digest
            """)
        let text = errorText { _ = try SwitchboardConfig.load(path: file) } ?? ""
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines == [
                "\(file):2: loglevel: 'loud' is not one of trace, debug, info, notice, warning, error, critical",
                "\(file):5: bindaddr: 'not-an-ip' is not an IPv4 or IPv6 address",
                "\(file):4: port: '99999' is not a port number (0-65535)",
                "\(file):6: allow: '300.1.1.1': not an IP address or CIDR block",
                "\(file):9: port: 'abc' is not a port number (1-65535)",
                "\(file):10: login: 'digest' is not one of md5 or plain",
                "\(file):7: [ami] has a username but no secret",
            ])
    }

    @Test func repeatedSectionIsAnErrorThatSuggestsPlus() throws {
        let folder = try TemporaryFolder()
        let file = try folder.write("sb.conf", "[agi]\nport = 1\n[agi]\nport = 2\n")
        let text = errorText { _ = try SwitchboardConfig.load(path: file) }
        #expect(text == "\(file):3: section [agi] repeated (first at \(file):1); use [agi](+) to add to it")
    }

    @Test func defaultsNeedNoFile() {
        let config = SwitchboardConfig()
        #expect(config.sourceFile == nil)
        #expect(config.agi.port == 4573)
        #expect(!config.ami.isConfigured)
        #expect(config.agi.allow.contains { $0.contains(IPAddress("127.0.0.1")!) })
        #expect(config.rendered().contains("built-in defaults"))
    }
}

@Suite struct ShippedFilesTests {
    /// Every configuration file admins get in asterisk-conf/ parses without error (dialplans/
    /// holds templates: `dialplan check` reads them, tested with the dialplan commands).
    @Test func shippedConfigurationFilesParse() throws {
        var root = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { root.deleteLastPathComponent() }
        var parsed = 0
        for folder in ["asterisk-conf"] {
            let path = root.appendingPathComponent(folder).path
            for name in try FileManager.default.contentsOfDirectory(atPath: path) where name.hasSuffix(".conf") {
                let document = try INIParser.parse(file: path + "/" + name)
                #expect(!document.sections.isEmpty, "\(name)")
                parsed += 1
            }
        }
        #expect(parsed >= 2)
    }
}
