/// ITU-T G.711 expansion to 16-bit linear, as tables: µ-law and A-law are what telephony records.
enum G711 {
    static let mulaw: [Int16] = (0..<256).map { value in
        let byte = ~UInt8(value)
        let exponent = Int((byte >> 4) & 0x07), mantissa = Int(byte & 0x0F)
        let magnitude = ((mantissa << 3) + 0x84) << exponent - 0x84
        return Int16(byte & 0x80 != 0 ? -magnitude : magnitude)
    }

    static let alaw: [Int16] = (0..<256).map { value in
        let byte = UInt8(value) ^ 0x55
        let exponent = Int((byte >> 4) & 0x07), mantissa = Int(byte & 0x0F)
        let magnitude = exponent == 0 ? (mantissa << 4) + 8 : ((mantissa << 4) + 0x108) << (exponent - 1)
        return Int16(byte & 0x80 != 0 ? magnitude : -magnitude)
    }
}
