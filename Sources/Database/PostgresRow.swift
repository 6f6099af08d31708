import Foundation

/// One row of a result, decoded by column name. Errors name the statement, the column and the
/// type asked for — never the value, which may be personal data.
public struct PostgresRow: Sendable {
    /// Column names and positions, shared by every row of a result.
    public final class Columns: Sendable {
        public let names: [String]
        let positions: [String: Int]

        init(names: [String]) {
            self.names = names
            var positions: [String: Int] = [:]
            for (index, name) in names.enumerated() where positions[name] == nil { positions[name] = index }
            self.positions = positions
        }
    }

    public let columns: Columns
    public let values: [String?]
    let statement: String

    init(columns: Columns, values: [String?], statement: String) {
        self.columns = columns
        self.values = values
        self.statement = statement
    }

    /// The raw text of a column, nil for NULL.
    public func text(_ column: String) throws -> String? {
        guard let position = columns.positions[column] else {
            throw DatabaseError(.decodingFailed, statement: statement, message: "no column '\(column)' in the result")
        }
        return values[position]
    }

    /// A non-null value; NULL or a value that does not fit is an error naming the column.
    public func decode<T: PostgresDecodable>(_ column: String, as type: T.Type = T.self) throws -> T {
        guard let value = try decodeIfPresent(column, as: type) else {
            throw DatabaseError(
                .decodingFailed, statement: statement,
                message: "column '\(column)' is NULL where \(T.postgresTypeName) was expected")
        }
        return value
    }

    /// A value or nil for NULL; a value that does not fit is an error naming the column.
    public func decodeIfPresent<T: PostgresDecodable>(_ column: String, as type: T.Type = T.self) throws -> T? {
        guard let text = try text(column) else { return nil }
        guard let value = T.decode(postgresText: text) else {
            throw DatabaseError(
                .decodingFailed, statement: statement,
                message: "column '\(column)' does not hold a value of type \(T.postgresTypeName)\(hint(for: T.self))")
        }
        return value
    }

    private func hint<T>(for type: T.Type) -> String {
        if T.self == Decimal.self { return " (at most 38 digits, finite)" }
        if T.self == Int.self { return " (a 64-bit integer)" }
        return ""
    }

    public func string(_ column: String) throws -> String { try decode(column) }
    public func int(_ column: String) throws -> Int { try decode(column) }
    public func decimal(_ column: String) throws -> Decimal { try decode(column) }
    public func date(_ column: String) throws -> CalendarDate { try decode(column) }
    public func timestamp(_ column: String) throws -> Date { try decode(column) }
}
