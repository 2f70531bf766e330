import Testing
@testable import Wire

@Suite struct DescriptorTableTests {
    @Test func storesGrowsAndForgets() {
        var table = DescriptorTable<String>()
        #expect(table[5] == nil)
        table[5] = "five"
        table[300] = "three hundred"
        #expect(table[5] == "five")
        #expect(table[300] == "three hundred")
        #expect(table[299] == nil)
        #expect(table.removeValue(forKey: 5) == "five")
        #expect(table[5] == nil)
        #expect(table.removeValue(forKey: 5) == nil)
        table[10_000] = nil
        #expect(table[10_000] == nil)
        #expect(table[-1] == nil)
    }
}
