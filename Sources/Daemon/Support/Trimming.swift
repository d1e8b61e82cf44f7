extension StringProtocol {
    /// The text without the leading and trailing characters `isTrimmed` picks: Foundation's
    /// `trimmingCharacters(in:)`, which the daemon does without.
    func trimmingCharacters(where isTrimmed: (Character) -> Bool) -> String {
        guard let first = firstIndex(where: { !isTrimmed($0) }), let last = lastIndex(where: { !isTrimmed($0) }) else {
            return ""
        }
        return String(self[first...last])
    }

    /// Without leading and trailing spaces, tabs and newlines: a sysfs value or a config line.
    var trimmingWhitespace: String { trimmingCharacters(where: \.isWhitespace) }
}
