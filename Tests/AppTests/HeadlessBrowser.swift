import Foundation

/// Debian's chromium, headless: renders a local file to a PNG screenshot. It and the PNG reader
/// run at the lowest priority and are awaited without holding a thread, so the tests running
/// beside them (timed socket tests among them) keep the cores and the cooperative pool.
struct Browser {
    let path: String

    static func find() -> Browser? {
        let candidates = [ProcessInfo.processInfo.environment["SWITCHBOARD_CHROMIUM"], "/usr/bin/chromium", "/usr/bin/chromium-browser"]
        return candidates.compactMap { $0 }.first { FileManager.default.isExecutableFile(atPath: $0) }.map(Browser.init)
    }

    func screenshot(of file: String, to png: String, width: Int, height: Int) async throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/nice")
        process.arguments = [
            "-n", "19", path, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--user-data-dir=\(png).profile",
            "--window-size=\(width),\(height)", "--screenshot=\(png)", "file://" + file,
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        try await awaitExit(process, within: .seconds(60))
        guard FileManager.default.fileExists(atPath: png) else { throw BrowserError(description: "\(path) wrote no screenshot of \(file)") }
    }

    struct BrowserError: Error, CustomStringConvertible { let description: String }
}

/// How many pixels of a PNG are each of some colours (hex RGB, exact), decoded by Python's
/// zlib: chromium's screenshots are 8-bit RGB or RGBA, not interlaced.
enum PNGColors {
    static let script = """
        import sys, zlib, struct, collections
        data = open(sys.argv[1], 'rb').read()
        assert data[:8] == b'\\x89PNG\\r\\n\\x1a\\n'
        pos, idat = 8, b''
        while pos < len(data):
            length, kind = struct.unpack('>I4s', data[pos:pos + 8])
            body = data[pos + 8:pos + 8 + length]
            if kind == b'IHDR': width, height, depth, colour = struct.unpack('>IIBB', body[:10])
            if kind == b'IDAT': idat += body
            pos += 12 + length
        assert depth == 8 and colour in (2, 6)
        bpp = 3 if colour == 2 else 4
        raw, stride = zlib.decompress(idat), width * bpp
        previous, counts, wanted = bytearray(stride), collections.Counter(), set(sys.argv[2:])
        for y in range(height):
            f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
            for i in range(stride):
                a = line[i - bpp] if i >= bpp else 0
                b = previous[i]
                c = previous[i - bpp] if i >= bpp else 0
                if f == 1: line[i] = (line[i] + a) & 255
                elif f == 2: line[i] = (line[i] + b) & 255
                elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
                elif f == 4:
                    p = a + b - c
                    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                    line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
            for x in range(0, stride, bpp):
                colour_hex = '%02x%02x%02x' % (line[x], line[x + 1], line[x + 2])
                if colour_hex in wanted: counts[colour_hex] += 1
            previous = line
        for k in wanted: print(k, counts[k])
        """

    static func count(in png: String, colors: [String]) async throws -> [String: Int] {
        let outputFile = png + ".counts"
        _ = FileManager.default.createFile(atPath: outputFile, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/nice")
        process.arguments = ["-n", "19", "python3", "-c", script, png] + colors
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: outputFile))
        try process.run()
        try await awaitExit(process, within: .seconds(120))
        let output = try String(contentsOfFile: outputFile, encoding: .utf8)
        var counts: [String: Int] = [:]
        for line in output.split(separator: "\n") {
            let parts = line.split(separator: " ")
            if parts.count == 2 { counts[String(parts[0])] = Int(parts[1]) }
        }
        return counts
    }
}
