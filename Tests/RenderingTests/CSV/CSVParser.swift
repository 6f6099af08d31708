/// A strict RFC 4180 reader for the tests: records of fields, quoted fields with doubled
/// quotes, CRLF or LF record ends. Fails on a stray quote.
enum CSVParser {
    struct Malformed: Error { var offset: Int }

    static func parse(_ text: String) throws -> [[String]] {
        var records: [[String]] = []
        var record: [String] = []
        var field = ""
        var scalars = Array(text.unicodeScalars)[...]
        var offset = 0
        var atFieldStart = true
        func next() -> Unicode.Scalar? {
            offset += 1
            return scalars.popFirst()
        }
        while let scalar = next() {
            if atFieldStart && scalar == "\"" {
                atFieldStart = false
                while true {
                    guard let inner = next() else { throw Malformed(offset: offset) }
                    if inner == "\"" {
                        if scalars.first == "\"" {
                            _ = next()
                            field.unicodeScalars.append("\"")
                        } else {
                            break
                        }
                    } else {
                        field.unicodeScalars.append(inner)
                    }
                }
                guard let following = scalars.first, following == "," || following == "\r" || following == "\n" else {
                    throw Malformed(offset: offset)
                }
                continue
            }
            switch scalar {
            case ",":
                record.append(field)
                field = ""
                atFieldStart = true
            case "\r":
                guard scalars.first == "\n" else { throw Malformed(offset: offset) }
            case "\n":
                record.append(field)
                records.append(record)
                record = []
                field = ""
                atFieldStart = true
            case "\"":
                throw Malformed(offset: offset)
            default:
                field.unicodeScalars.append(scalar)
                atFieldStart = false
            }
        }
        if !field.isEmpty || !record.isEmpty {
            record.append(field)
            records.append(record)
        }
        return records
    }
}
