import Foundation

/// The applications and dialplan functions an Asterisk build has, for `dialplan check`. The
/// names of Asterisk 20.20.1 were taken from the real build with every module loaded
/// (`core show applications`, `core show functions`; names the listing cuts short completed from
/// its documentation), with those of the modules it built that decline to load without their
/// own configuration (res_parking, app_amd, app_followme, chan_sip, …) taken from its
/// documentation; the real-Asterisk tests compare them with the running build.
public struct AsteriskCatalog: Sendable {
    public let version: String
    private let applications: [String: String]
    private let functions: Set<String>

    public init(version: String, applications: [String], functions: [String]) {
        self.version = version
        self.applications = Dictionary(applications.map { ($0.lowercased(), $0) }, uniquingKeysWith: { first, _ in first })
        self.functions = Set(functions.map { $0.uppercased() })
    }

    /// Application names are case-insensitive, as Asterisk takes them.
    public func hasApplication(_ name: String) -> Bool { applications[name.lowercased()] != nil }

    public func hasFunction(_ name: String) -> Bool { functions.contains(name.uppercased()) }

    public var applicationNames: [String] { applications.values.sorted() }
    public var functionNames: [String] { functions.sorted() }

    /// The known application closest to a misspelt one (one or two letters off), if any.
    public func suggestion(forApplication name: String) -> String? {
        let wanted = Array(name.lowercased())
        return applications.keys
            .map { ($0, Self.distance(wanted, Array($0))) }
            .filter { $0.1 <= 2 }
            .min { ($0.1, $0.0) < ($1.1, $1.0) }
            .flatMap { applications[$0.0] }
    }

    static func distance(_ a: [Character], _ b: [Character]) -> Int {
        var previous = Array(0...b.count)
        for (i, x) in a.enumerated() {
            var current = [i + 1] + Array(repeating: 0, count: b.count)
            for (j, y) in b.enumerated() {
                current[j + 1] = min(previous[j + 1] + 1, current[j] + 1, previous[j] + (x == y ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }

    public static let asterisk20 = AsteriskCatalog(
        version: "20.20.1",
        applications: """
        AddQueueMember ADSIProg AELSub AgentLogin AgentRequest AGI AlarmReceiver AMD Answer AttendedTransfer
        AudioSocket Authenticate BackGround BackgroundDetect BlindTransfer Bridge BridgeAdd BridgeWait
        Broadcast Busy CallCompletionCancel CallCompletionRequest CELGenUserEvent ChanIsAvail ChannelRedirect
        ChanSpy ClearHash ConfBridge ConfKick Congestion ContinueWhile ControlPlayback DAHDIScan DateTime
        DBdeltree DeadAGI Dial Dictate Directory DISA DumpChan EAGI Echo Else ElseIf EndIf EndWhile Exec
        ExecIf ExecIfTime ExitIf ExitWhile ExtenSpy ExternalIVR Festival FollowMe ForkCDR GetCPEID Gosub
        GosubIf Goto GotoIf GotoIfTime Hangup HangupCauseClear IAX2Provision If ImportVar Incomplete Log
        MessageSend Milliwatt MinivmAccMess MinivmDelete MinivmGreet MinivmMWI MinivmNotify MinivmRecord
        MixMonitor Morsecode MP3Player MSet MusicOnHold NoCDR NoOp Originate Page Park ParkAndAnnounce
        ParkedCall PauseQueueMember Pickup PickupChan PJSIPHangup PJSIPNotify Playback PlayTones
        PrivacyManager Proceeding Progress Queue QueueLog QueueUpdate RaiseException Read ReadExten ReceiveFAX
        ReceiveMF ReceiveSF ReceiveText Record Reload RemoveQueueMember ResetCDR RetryDial Return Ringing
        SayAlpha SayAlphaCase SayDigits SayMoney SayNumber SayOrdinal SayPhonetic SayUnixTime SendDTMF SendFAX
        SendMF SendSF SendText Set SetAMAFlags Signal SIPAddHeader SIPDtmfMode SIPRemoveHeader
        SIPSendCustomINFO SMS SoftHangup SpeechActivateGrammar SpeechBackground SpeechCreate
        SpeechDeactivateGrammar SpeechDestroy SpeechLoadGrammar SpeechProcessingSound SpeechStart
        SpeechUnloadGrammar StackPop StartMusicOnHold Stasis StasisBroadcast StopMixMonitor StopMusicOnHold
        StopPlayTones StoreDTMF StreamEcho System TestClient TestServer ToneScan Transfer TryExec TrySystem
        UnpauseQueueMember UserEvent Verbose VMAuthenticate VMSayName VoiceMail VoiceMailMain VoiceMailPlayMsg
        Wait WaitDigit WaitExten WaitForCondition WaitForNoise WaitForRing WaitForSignal WaitForSilence
        WaitForTone WaitUntil While Zapateller
        """.split(whereSeparator: \.isWhitespace).map(String.init),
        functions: """
        ABS AES_DECRYPT AES_ENCRYPT AGENT AMI_CLIENT ARRAY AST_CONFIG AST_SORCERY BASE64_DECODE BASE64_ENCODE
        BASENAME BLACKLIST CALENDAR_BUSY CALENDAR_EVENT CALENDAR_QUERY CALENDAR_QUERY_RESULT CALENDAR_WRITE
        CALLCOMPLETION CALLERID CDR CDR_PROP CHANNEL CHANNELS CHANNEL_EXISTS CHECKSIPDOMAIN CONFBRIDGE
        CONFBRIDGE_CHANNELS CONFBRIDGE_INFO CONNECTEDLINE CSV_QUOTE CURL CURLOPT CUT DB DB_DELETE DB_EXISTS
        DB_KEYCOUNT DB_KEYS DEC DELETE DEVICE_STATE DIALGROUP DIALPLAN_EXISTS DIGIT_SUM DIRNAME DUNDILOOKUP
        DUNDIQUERY DUNDIRESULT ENUMLOOKUP ENUMQUERY ENUMRESULT ENV EVAL EVAL_EXTEN EVAL_SUB EXCEPTION EXISTS
        EXPORT EXTENSION_STATE FAXOPT FEATURE FEATUREMAP FIELDNUM FIELDQTY FILE FILE_COUNT_LINE FILE_FORMAT
        FILTER FRAME_DROP FRAME_TRACE GEOLOC_PROFILE GLOBAL GLOBAL_DELETE GLOBAL_EXISTS GROUP GROUP_COUNT
        GROUP_LIST GROUP_MATCH_COUNT HANGUPCAUSE HANGUPCAUSE_KEYS HASH HASHKEYS HINT HOLD_INTERCEPT IAXPEER
        IAXVAR ICONV IF IFMODULE IFTIME IMPORT INC ISNULL JITTERBUFFER JSON_DECODE KEYPADHASH LEN LISTFILTER
        LOCAL LOCAL_PEEK LOCK LOG_GROUP LTRIM MASTER_CHANNEL MATH MAX MD5 MESSAGE MESSAGE_DATA MIN
        MINIVMACCOUNT MINIVMCOUNTER MIXMONITOR MUTEAUDIO PARK_GET_CHANNEL PASSTHRU PERIODIC_HOOK PITCH_SHIFT
        PJSIP_AOR PJSIP_CONTACT PJSIP_DIAL_CONTACTS PJSIP_DTMF_MODE PJSIP_ENDPOINT PJSIP_HEADER PJSIP_HEADERS
        PJSIP_HEADER_PARAM PJSIP_INHERITABLE_HEADER PJSIP_MEDIA_OFFER PJSIP_MOH_PASSTHROUGH PJSIP_PARSE_URI
        PJSIP_PARSE_URI_FROM PJSIP_RESPONSE_HEADER PJSIP_RESPONSE_HEADERS PJSIP_SEND_SESSION_REFRESH
        PJSIP_TRANSFER_HANDLING POP PP_EACH_EXTENSION PP_EACH_USER PRESENCE_STATE PUSH QUEUE_EXISTS
        QUEUE_GET_CHANNEL QUEUE_MEMBER QUEUE_MEMBER_COUNT QUEUE_MEMBER_LIST QUEUE_MEMBER_PENALTY
        QUEUE_VARIABLES QUEUE_WAITING_COUNT QUOTE RAND REALTIME REALTIME_DESTROY REALTIME_FIELD REALTIME_HASH
        REALTIME_STORE RECORDING_INFO REDIRECTING REGEX REPLACE RTRIM SAYFILES SCRAMBLE SET SHA1 SHARED SHELL
        SHIFT SIPPEER SIP_HEADER SIP_HEADERS SMDI_MSG SMDI_MSG_RETRIEVE SORT SPEECH SPEECH_ENGINE
        SPEECH_GRAMMAR SPEECH_RESULTS_TYPE SPEECH_SCORE SPEECH_TEXT SPRINTF SRVQUERY SRVRESULT STACK_PEEK STAT
        STRBETWEEN STRFTIME STRPTIME STRREPLACE SYSINFO TALK_DETECT TESTTIME TIMEOUT TOLOWER TONE_DETECT
        TOUPPER TRIM TRYLOCK TXTCIDNAME UNLOCK UNSHIFT URIDECODE URIENCODE UUID VALID_EXTEN VARIABLE_EXISTS
        VERSION VMCOUNT VM_INFO VOLUME
        """.split(whereSeparator: \.isWhitespace).map(String.init)
    )
}
