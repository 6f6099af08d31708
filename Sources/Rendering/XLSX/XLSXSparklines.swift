import Foundation
import ZIPFoundation

/// Native Excel sparklines (the `x14:sparklineGroups` extension of a worksheet), added to a
/// workbook libxlsxwriter has closed: libxlsxwriter 1.1.4 has no sparkline API, so the
/// workbook's zip is rewritten with each sheet that has sparklines given its extension — the
/// markup Excel writes, placed last in the sheet (`extLst`), inside an `extLst` already there
/// (data bars write one) or in a new one. Every other part is copied unchanged.
enum XLSXSparklines {
    /// One sheet's sparklines: a line per row of data, drawn in the cell beside it.
    struct Group {
        /// The sheet's part, `xl/worksheets/sheet3.xml` for the third sheet added.
        var part: String
        var sheetName: String
        /// Each sparkline's data range and cell, A1-style without the sheet (`B2:M2`, `N2`).
        var sparklines: [(data: String, cell: String)]
    }

    static let extensionURI = "{05C60535-1F16-4fd2-B633-F4F36F0B64E0}"

    /// Rewrites the workbook at `url` with `groups` added; the file is replaced by rename.
    /// - Throws: `XLSXError` naming the step that failed.
    static func add(_ groups: [Group], to url: URL) throws {
        guard !groups.isEmpty else { return }
        let byPart = Dictionary(groups.map { ($0.part, $0) }) { first, _ in first }
        let rewritten = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).sparklines")
        defer { try? FileManager.default.removeItem(at: rewritten) }
        do {
            let source = try Archive(url: url, accessMode: .read)
            let target = try Archive(url: rewritten, accessMode: .create)
            var added = Set<String>()
            for entry in source {
                var data = Data()
                _ = try source.extract(entry, consumer: { data.append($0) })
                if let group = byPart[entry.path] {
                    guard let sheet = String(data: data, encoding: .utf8), let withSparklines = insert(markup(group), into: sheet) else {
                        throw XLSXError(call: "sparklines", context: "\(entry.path) is not a worksheet libxlsxwriter wrote")
                    }
                    data = Data(withSparklines.utf8)
                    added.insert(entry.path)
                }
                let bytes = data
                try target.addEntry(
                    with: entry.path, type: entry.type, uncompressedSize: Int64(bytes.count),
                    modificationDate: entry.fileAttributes[.modificationDate] as? Date ?? Date(timeIntervalSince1970: 315_532_800),
                    compressionMethod: .deflate,
                    provider: { position, size in bytes.subdata(in: Int(position)..<Int(position) + size) })
            }
            guard added.count == byPart.count else {
                throw XLSXError(call: "sparklines", context: "the workbook has no part \(Set(byPart.keys).subtracting(added).sorted().joined(separator: ", "))")
            }
        } catch let error as XLSXError {
            throw error
        } catch {
            throw XLSXError(call: "sparklines", context: "\(url.lastPathComponent): \(error)")
        }
        guard rename(rewritten.path, url.path) == 0 else {
            throw XLSXError(call: "rename", context: "\(rewritten.path): \(String(cString: strerror(errno)))")
        }
    }

    /// The sheet's XML with the extension last: inside its `extLst`, or in a new one before
    /// `</worksheet>`; nil when the XML has no `</worksheet>`.
    static func insert(_ ext: String, into sheet: String) -> String? {
        if let end = sheet.range(of: "</extLst>", options: .backwards) {
            return sheet.replacingCharacters(in: end, with: ext + "</extLst>")
        }
        guard let end = sheet.range(of: "</worksheet>", options: .backwards) else { return nil }
        return sheet.replacingCharacters(in: end, with: "<extLst>" + ext + "</extLst></worksheet>")
    }

    /// A line sparkline per row in the palette's blue, its last point marked in vermilion,
    /// empty cells as gaps — the `ext` element Excel writes.
    static func markup(_ group: Group) -> String {
        let sheet = "'" + xmlEscaped(group.sheetName.replacingOccurrences(of: "'", with: "''")) + "'"
        let lines = group.sparklines.map { "<x14:sparkline><xm:f>\(sheet)!\($0.data)</xm:f><xm:sqref>\($0.cell)</xm:sqref></x14:sparkline>" }
        return """
            <ext xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main" uri="\(extensionURI)">\
            <x14:sparklineGroups xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main">\
            <x14:sparklineGroup displayEmptyCellsAs="gap" lastPoint="1" lineWeight="1.5">\
            <x14:colorSeries rgb="FF0072B2"/><x14:colorNegative rgb="FFD55E00"/><x14:colorAxis rgb="FF000000"/>\
            <x14:colorMarkers rgb="FF0072B2"/><x14:colorFirst rgb="FF0072B2"/><x14:colorLast rgb="FFD55E00"/>\
            <x14:colorHigh rgb="FF0072B2"/><x14:colorLow rgb="FF0072B2"/>\
            <x14:sparklines>\(lines.joined())</x14:sparklines>\
            </x14:sparklineGroup></x14:sparklineGroups></ext>
            """
    }

    static func xmlEscaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
