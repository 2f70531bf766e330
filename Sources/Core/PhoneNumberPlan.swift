/// How phone numbers are written where the call center is, and the one place they are
/// normalised: punctuation and spaces stripped, a leading + kept, national and international
/// prefixes understood, so that `+86 138-0013-8000`, `8613800138000`, `008613800138000` and
/// `13800138000` (with country code 86) all give the same match key, `+8613800138000`.
public struct PhoneNumberPlan: Sendable, Equatable {
    /// The home country calling code (`86`); nil matches numbers by their digits alone.
    public var countryCode: String?
    /// Dialled before a national number with an area code (`0`).
    public var nationalPrefix: String
    /// Dialled before a country code (`00`).
    public var internationalPrefix: String
    /// Shorter digit strings are internal extensions and kept as they are.
    public var minimumNationalLength: Int
    /// The longest national number (11 in China, 10 in North America): longer digit strings that
    /// start with the country code carry it.
    public var maximumNationalLength: Int

    public init(
        countryCode: String? = nil, nationalPrefix: String = "0", internationalPrefix: String = "00",
        minimumNationalLength: Int = 7, maximumNationalLength: Int = 10
    ) {
        self.countryCode = countryCode
        self.nationalPrefix = nationalPrefix
        self.internationalPrefix = internationalPrefix
        self.minimumNationalLength = minimumNationalLength
        self.maximumNationalLength = maximumNationalLength
    }

    /// The number with only its digits and a leading +: `+86 (138) 0013-8000` → `+8613800138000`.
    public static func strip(_ text: String) -> String {
        let trimmed = text.drop { $0 == " " }
        let digits = trimmed.filter(\.isASCIIDigit)
        return trimmed.hasPrefix("+") ? "+" + digits : digits
    }

    /// The key numbers are matched by: `+<country><national>` for numbers this plan can place,
    /// the bare digits for extensions and where no country code is configured. Nil for text
    /// without digits (`anonymous`, `unknown`).
    public func key(_ text: String) -> String? {
        let stripped = Self.strip(text)
        if stripped.hasPrefix("+") { return stripped.count > 1 ? stripped : nil }
        guard !stripped.isEmpty else { return nil }
        guard let countryCode, stripped.count >= minimumNationalLength else { return stripped }
        if !internationalPrefix.isEmpty, stripped.hasPrefix(internationalPrefix) {
            return "+" + stripped.dropFirst(internationalPrefix.count)
        }
        // Country code written without + (8613800138000): what remains must still be a full national number.
        if stripped.hasPrefix(countryCode), stripped.count > maximumNationalLength {
            return "+" + stripped
        }
        if !nationalPrefix.isEmpty, stripped.hasPrefix(nationalPrefix) {
            return "+" + countryCode + stripped.dropFirst(nationalPrefix.count)
        }
        return "+" + countryCode + stripped
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
