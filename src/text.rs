//! Small text helpers shared by the event families: one-line sanitising of seller-written
//! values, cut lists, and the date and duration wording used in every notification.

use chrono::{DateTime, Datelike, TimeDelta, Timelike, Utc};

/// What a notification says where an optional field was not in the event.
pub const NOT_GIVEN: &str = "(not given in the event)";

/// Unicode format characters (general category Cf): among them the bidi embeddings,
/// overrides and isolates (U+202A–U+202E, U+2066–U+2069), the zero-width spaces, joiners
/// and direction marks (U+200B–U+200F) and the byte-order mark (U+FEFF). They are invisible
/// and can hide or reorder what a name says.
pub fn is_format(c: char) -> bool {
    // Nearly every character checked is below the first format character (U+00AD): one
    // comparison answers for them instead of the whole list.
    c >= '\u{00AD}'
        && matches!(c,
        '\u{00AD}' | '\u{0600}'..='\u{0605}' | '\u{061C}' | '\u{06DD}' | '\u{070F}'
        | '\u{0890}' | '\u{0891}' | '\u{08E2}' | '\u{180E}' | '\u{200B}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{206F}'
        | '\u{FEFF}' | '\u{FFF9}'..='\u{FFFB}' | '\u{110BD}' | '\u{110CD}'
        | '\u{13430}'..='\u{1343F}' | '\u{1BCA0}'..='\u{1BCA3}' | '\u{1D173}'..='\u{1D17A}'
        | '\u{E0001}' | '\u{E0020}'..='\u{E007F}')
}

/// [`is_format`], and the other characters that show nothing: the combining grapheme
/// joiner, Hangul and Mongolian fillers, variation selectors, unassigned tag characters.
pub fn is_format_or_invisible(c: char) -> bool {
    c >= '\u{00AD}'
        && (is_format(c)
            || matches!(c,
            '\u{034F}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
            | '\u{180B}'..='\u{180F}' | '\u{2065}' | '\u{3164}' | '\u{FE00}'..='\u{FE0F}'
            | '\u{FFA0}' | '\u{E0000}'..='\u{E0FFF}'))
}

/// Turns any text into one clean line: control characters and line breaks become spaces,
/// format characters (bidi controls, zero-width characters) are dropped, runs of
/// whitespace collapse into one space, and the ends are trimmed.
pub fn single_line(text: &str) -> String {
    let mut line = String::with_capacity(text.len());
    single_line_into(&mut line, text);
    line
}

/// [`single_line`], appended to `out`.
pub fn single_line_into(out: &mut String, text: &str) {
    let start = out.len();
    let mut pending_space = false;
    let mut rest = text;
    loop {
        // Words of printable ASCII, and the single spaces between them, are copied whole;
        // only what follows them is looked at character by character.
        let words = ascii_words_len(rest.as_bytes());
        if words > 0 {
            if pending_space {
                out.push(' ');
                pending_space = false;
            }
            out.push_str(&rest[..words]);
            rest = &rest[words..];
        }
        let mut chars = rest.chars();
        let Some(c) = chars.next() else { break };
        rest = chars.as_str();
        if is_format_or_invisible(c) {
            continue;
        }
        if c.is_whitespace() || c.is_control() {
            pending_space = out.len() > start;
        } else {
            if pending_space {
                out.push(' ');
                pending_space = false;
            }
            out.push(c);
        }
    }
}

/// How many bytes at the start of `bytes` are printable ASCII other than the space, and
/// the single spaces between them: exactly what the character-by-character path would copy
/// unchanged. A run of spaces, and a space at either end, is left to that path.
fn ascii_words_len(bytes: &[u8]) -> usize {
    let is_word_byte = |byte: &u8| (b'!'..=b'~').contains(byte);
    let mut end = 0;
    loop {
        end += bytes[end..]
            .iter()
            .take_while(|byte| is_word_byte(byte))
            .count();
        let word_follows = end > 0
            && bytes.get(end) == Some(&b' ')
            && bytes.get(end + 1).is_some_and(is_word_byte);
        if !word_follows {
            return end;
        }
        end += 1;
    }
}

/// A seller-, partner- or buyer-written name as one inert line: [`single_line`], and any
/// web address in it defanged (`https://` becomes `hxxps://`, `www.evil.example` becomes
/// `www[.]evil[.]example`) so a mail or chat client does not turn a name someone else
/// wrote into a link: clients link bare domains too, not only URLs.
pub fn written_name(text: &str) -> String {
    defang_domains(defang_urls(single_line(text)))
}

/// Every domain-like word (two or more dot-separated labels of letters, digits and
/// hyphens, the last one 2 to 24 letters, as top-level domains are) gets `[.]` for its dots.
/// Version numbers (`1.2.3`) and abbreviations (`Inc.`, `e.g.`) are left alone.
fn defang_domains(text: String) -> String {
    let is_label_char = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '.';
    // Most names have no dot at all: they are handed back as they are, not copied.
    if !text.contains('.') {
        return text;
    }
    let mut out = String::with_capacity(text.len() + 8);
    let mut rest = text.as_str();
    while let Some(start) = rest.find(is_label_char) {
        out.push_str(&rest[..start]);
        let word_len = rest[start..]
            .find(|c: char| !is_label_char(c))
            .unwrap_or(rest.len() - start);
        let word = &rest[start..start + word_len];
        if looks_like_domain(word) {
            out.push_str(&word.replace('.', "[.]"));
        } else {
            out.push_str(word);
        }
        rest = &rest[start + word_len..];
    }
    out.push_str(rest);
    out
}

fn looks_like_domain(word: &str) -> bool {
    // Two labels or more, none empty: a dot, and none at either end or next to another.
    let Some((_, last)) = word.rsplit_once('.') else {
        return false;
    };
    !word.starts_with('.')
        && !word.contains("..")
        && (2..=24).contains(&last.len())
        && last.bytes().all(|b| b.is_ascii_alphabetic())
}

/// `http://` and `https://` (any case) become `hxxp://` and `hxxps://`.
fn defang_urls(text: String) -> String {
    if !text.contains("://") {
        return text;
    }
    let mut out = String::with_capacity(text.len() + 4);
    let mut rest = text.as_str();
    while let Some(at) = rest.find("://") {
        let (before, after) = rest.split_at(at);
        // The scheme is the letters just before "://", however the word they end began
        // ("xhttps://" still links in most clients).
        let letters = before
            .bytes()
            .rev()
            .take_while(u8::is_ascii_alphabetic)
            .count();
        let word = &before[before.len() - letters..];
        let lower = word.to_ascii_lowercase();
        let scheme_len = if lower.ends_with("https") {
            5
        } else if lower.ends_with("http") {
            4
        } else {
            0
        };
        let (kept, scheme) = before.split_at(before.len() - scheme_len);
        out.push_str(kept);
        if scheme_len > 0 {
            out.push_str(&scheme[..1]);
            out.push_str("xx");
            out.push_str(&scheme[3..]);
        }
        out.push_str("://");
        rest = &after[3..];
    }
    out.push_str(rest);
    out
}

/// Seller-written names longer than this are shortened after their first full appearance.
pub const SHORT_NAME_CHARS: usize = 60;

/// A long name cut to [`SHORT_NAME_CHARS`] with "...", for its second mention.
pub fn shorten(name: &str) -> String {
    if name.chars().count() <= SHORT_NAME_CHARS {
        return name.to_owned();
    }
    let cut: String = name.chars().take(SHORT_NAME_CHARS - 3).collect();
    format!("{}...", cut.trim_end())
}

/// A seller-written optional name as one inert line ([`written_name`]), or [`NOT_GIVEN`].
pub fn or_not_given(value: Option<&str>) -> String {
    match value.map(written_name) {
        Some(line) if !line.is_empty() => line,
        _ => NOT_GIVEN.to_owned(),
    }
}

/// Joins the first `shown` items and says how many more there are, so a list of
/// thousands of ids stays readable.
pub fn list_with_more<T: AsRef<str>>(items: &[T], shown: usize) -> String {
    let mut text = String::new();
    for (index, item) in items.iter().take(shown).enumerate() {
        if index > 0 {
            text.push_str(", ");
        }
        single_line_into(&mut text, item.as_ref());
    }
    if items.len() > shown {
        text.push_str(&format!(" ... and {} more", items.len() - shown));
    }
    text
}

/// An instant as people read it in a notification: always UTC, to the second.
pub fn timestamp(at: &DateTime<Utc>) -> String {
    let year = at.year();
    // Years outside four digits (none an event carries, but chrono allows them) go through
    // the formatter; the others are written digit by digit, into a string allocated once,
    // instead of through the formatting machinery (a tenth of composing an offer's message).
    if !(0..=9999).contains(&year) {
        return format!(
            "{year:04}-{:02}-{:02} {:02}:{:02}:{:02} UTC",
            at.month(),
            at.day(),
            at.hour(),
            at.minute(),
            at.second()
        );
    }
    let mut out = String::with_capacity(TIMESTAMP_BYTES);
    push_digits(&mut out, year.unsigned_abs(), 4);
    for (separator, value) in [
        ('-', at.month()),
        ('-', at.day()),
        (' ', at.hour()),
        (':', at.minute()),
        (':', at.second()),
    ] {
        out.push(separator);
        push_digits(&mut out, value, 2);
    }
    out.push_str(" UTC");
    out
}

/// "2026-12-02 09:30:00 UTC".len()
const TIMESTAMP_BYTES: usize = 23;

/// The last `width` decimal digits of `value`, zero-padded.
fn push_digits(out: &mut String, value: u32, width: u32) {
    for place in (0..width).rev() {
        let digit = value / 10u32.pow(place) % 10;
        out.push(char::from(b'0' + digit as u8));
    }
}

/// A duration such as "1h 10m 0s" or "2d 3h 0m 5s"; negative ones say so instead of
/// printing nonsense. Written here rather than with `humantime::format_duration`, whose
/// "2days 3h 5s" mixes unit styles and leaves zero units out, changing what readers see.
pub fn duration(delta: TimeDelta) -> String {
    if delta < TimeDelta::zero() {
        return format!(
            "{} before the start (end time precedes start time)",
            duration(-delta)
        );
    }
    let seconds = delta.num_seconds();
    let (days, rest) = (seconds / 86_400, seconds % 86_400);
    let (hours, rest) = (rest / 3_600, rest % 3_600);
    let (minutes, seconds) = (rest / 60, rest % 60);
    match (days, hours, minutes) {
        (0, 0, 0) => format!("{seconds}s"),
        (0, 0, _) => format!("{minutes}m {seconds}s"),
        (0, _, _) => format!("{hours}h {minutes}m {seconds}s"),
        _ => format!("{days}d {hours}h {minutes}m {seconds}s"),
    }
}

/// "1 product" / "3 products".
pub fn count(n: u64, singular: &str, plural: &str) -> String {
    if n == 1 {
        format!("1 {singular}")
    } else {
        format!("{n} {plural}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_zero_padded_utc_to_the_second() {
        let at = |text: &str| text.parse::<DateTime<Utc>>().expect("a valid instant");
        assert_eq!(
            timestamp(&at("2026-03-04T05:06:07.89Z")),
            "2026-03-04 05:06:07 UTC"
        );
        assert_eq!(
            timestamp(&at("0999-12-31T23:59:59+02:00")),
            "0999-12-31 21:59:59 UTC"
        );
        assert_eq!(
            timestamp(&at("+12345-01-01T00:00:00Z")),
            "12345-01-01 00:00:00 UTC"
        );
        assert_eq!(
            timestamp(&at("2026-12-02T09:30:00Z")).len(),
            TIMESTAMP_BYTES
        );
    }

    /// [`single_line`] by its definition, one character at a time: what the word runs it
    /// copies whole must add up to.
    fn single_line_char_by_char(text: &str) -> String {
        let mut line = String::new();
        let mut pending_space = false;
        for c in text.chars().filter(|&c| !is_format_or_invisible(c)) {
            if c.is_whitespace() || c.is_control() {
                pending_space = !line.is_empty();
            } else {
                if std::mem::take(&mut pending_space) {
                    line.push(' ');
                }
                line.push(c);
            }
        }
        line
    }

    proptest::proptest! {
        #[test]
        fn copying_words_whole_gives_what_each_character_would(
            text in "[ a-z~!\\t\\n\\u{0}\\u{85}\\u{a0}\\u{200b}\\u{202e}\\u{3000}é🚀]{0,40}"
        ) {
            proptest::prop_assert_eq!(single_line(&text), single_line_char_by_char(&text));
        }
    }

    #[test]
    fn clean_lines_are_copied_as_they_are() {
        for clean in ["", "a", "offer-1", "Acme Data Platform v2.0", "~!x y"] {
            assert_eq!(single_line(clean), clean);
        }
        for (unclean, line) in [(" a", "a"), ("a ", "a"), (" ", ""), ("a  b", "a b")] {
            assert_eq!(single_line(unclean), line);
        }
    }

    #[test]
    fn single_line_collapses_whitespace_and_controls() {
        assert_eq!(single_line("  a\n\tb\r\n\u{0}c  "), "a b c");
        assert_eq!(single_line("\n\n"), "");
        assert_eq!(single_line("🚀 launch"), "🚀 launch");
    }

    #[test]
    fn format_characters_are_dropped() {
        assert_eq!(
            single_line("a\u{202E}b\u{200B}c\u{2066}d\u{FEFF}e\u{200F}"),
            "abcde"
        );
        assert_eq!(single_line("\u{200B} \u{200B}x"), "x");
    }

    #[test]
    fn urls_in_names_are_defanged() {
        assert_eq!(
            written_name("Visit https://evil.example now"),
            "Visit hxxps://evil[.]example now"
        );
        assert_eq!(
            written_name("HTTP://A and http://b"),
            "HxxP://A and hxxp://b"
        );
        assert_eq!(written_name("ftp://x s3://y"), "ftp://x s3://y");
        assert_eq!(written_name("ahttps://x"), "ahxxps://x");
        assert_eq!(written_name("h\u{200B}ttps://x"), "hxxps://x");
        assert_eq!(written_name("Time 12:30"), "Time 12:30");
    }

    #[test]
    fn bare_domains_in_names_are_defanged() {
        assert_eq!(
            written_name("Buy at www.evil.example or shop.example.co.uk!"),
            "Buy at www[.]evil[.]example or shop[.]example[.]co[.]uk!"
        );
        assert_eq!(
            written_name("mail ops@evil.example"),
            "mail ops@evil[.]example"
        );
        for unchanged in [
            "Acme Inc.",
            "e.g. this",
            "Release 1.2.3",
            "v2.0",
            "U.S.A",
            "a..b",
        ] {
            assert_eq!(written_name(unchanged), unchanged);
        }
    }

    #[test]
    fn long_names_are_shortened() {
        assert_eq!(shorten("short"), "short");
        let long = "x".repeat(100);
        let short = shorten(&long);
        assert_eq!(short.chars().count(), SHORT_NAME_CHARS);
        assert!(short.ends_with("..."));
    }

    #[test]
    fn optional_values_say_when_missing() {
        assert_eq!(or_not_given(None), NOT_GIVEN);
        assert_eq!(or_not_given(Some(" \n")), NOT_GIVEN);
        assert_eq!(or_not_given(Some("My\noffer")), "My offer");
    }

    #[test]
    fn long_lists_are_cut_with_a_count() {
        let ids: Vec<String> = (0..30_000).map(|i| format!("{i:012}")).collect();
        let text = list_with_more(&ids, 3);
        assert_eq!(
            text,
            "000000000000, 000000000001, 000000000002 ... and 29997 more"
        );
        assert_eq!(list_with_more(&["a", "b"], 3), "a, b");
    }

    #[test]
    fn durations_read_naturally() {
        assert_eq!(duration(TimeDelta::seconds(42)), "42s");
        assert_eq!(duration(TimeDelta::seconds(4_200)), "1h 10m 0s");
        assert_eq!(duration(TimeDelta::seconds(183_605)), "2d 3h 0m 5s");
        assert_eq!(
            duration(TimeDelta::seconds(-60)),
            "1m 0s before the start (end time precedes start time)"
        );
    }

    #[test]
    fn counts_pick_the_right_noun() {
        assert_eq!(count(1, "product", "products"), "1 product");
        assert_eq!(count(0, "product", "products"), "0 products");
    }
}

/// How much of an event's detail a generic notification shows, pretty-printed: well inside
/// SNS's 256 KiB, and small enough that a hostile detail (deeply nested, 250 KiB) costs a
/// bounded amount of memory however much its indentation would add.
pub const MAX_PRETTY_DETAIL_BYTES: usize = 64 * 1024;

/// `value` pretty-printed, cut at [`MAX_PRETTY_DETAIL_BYTES`] (at a character boundary)
/// with a closing line saying so. Printing stops at the budget: nothing past it is built.
pub fn pretty_json(value: &serde_json::Value) -> String {
    /// Takes bytes until the budget is spent, then refuses, which stops the serialiser.
    struct Capped(Vec<u8>);

    impl std::io::Write for Capped {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            let room = MAX_PRETTY_DETAIL_BYTES - self.0.len();
            if room == 0 {
                return Err(std::io::ErrorKind::WriteZero.into());
            }
            let taken = bytes.len().min(room);
            self.0.extend_from_slice(&bytes[..taken]);
            Ok(taken)
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    let mut out = Capped(Vec::new());
    let complete = serde_json::to_writer_pretty(&mut out, value).is_ok();
    let mut text = match String::from_utf8(out.0) {
        Ok(text) => text,
        // Cut inside a character: keep what decodes.
        Err(error) => {
            let valid = error.utf8_error().valid_up_to();
            let mut bytes = error.into_bytes();
            bytes.truncate(valid);
            String::from_utf8(bytes).unwrap_or_default()
        }
    };
    if !complete {
        text.push_str(&format!(
            "\n... (cut at {} KiB: the rest of the detail is in the event itself)",
            MAX_PRETTY_DETAIL_BYTES / 1024
        ));
    }
    text
}

#[cfg(test)]
mod pretty_json_tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_small_detail_is_printed_whole() {
        assert_eq!(
            pretty_json(&json!({"a": [1]})),
            "{\n  \"a\": [\n    1\n  ]\n}"
        );
    }

    #[test]
    fn a_hostile_detail_stops_at_the_budget() {
        // 120 levels of arrays, each holding 2,000 short strings: megabytes once indented.
        let mut value = json!(vec!["x"; 2_000]);
        for _ in 0..120 {
            value = json!([value, vec!["y"; 20]]);
        }
        let text = pretty_json(&value);
        assert!(text.len() < MAX_PRETTY_DETAIL_BYTES + 100, "{}", text.len());
        assert!(text.ends_with("the rest of the detail is in the event itself)"));
    }
}
