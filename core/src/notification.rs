//! A notification ready for SNS, and the SNS `Publish` rules it obeys. The rules are
//! enforced here, in the constructors, so no renderer can build a subject, attribute or
//! message SNS would reject, whatever the event contains.

use crate::message::{Attributes, Severity};
use crate::text::{clean_shown_into, single_line_into, utf16_end};

/// SNS rejects a subject of 100 characters or more. The service counts UTF-16 code units
/// (an emoji counts twice), so counting those is the safe reading.
pub const MAX_SUBJECT_UTF16_UNITS: usize = 99;

/// SNS accepts at most 256 KiB per message, message attributes included.
pub const MAX_MESSAGE_BYTES: usize = 262_144;

const SUBJECT_FALLBACK: &str = "AWS Marketplace notification";
const ELLIPSIS: &str = "...";

/// An SNS subject: one line, no control characters, fewer than 100 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subject(String);

impl Subject {
    /// Makes any text a valid subject: line breaks and control characters become spaces,
    /// runs of spaces collapse, and text that is too long is cut with "...".
    pub fn new(text: &str) -> Self {
        let mut line = shown_line(text);
        if line.is_empty() {
            return Self(SUBJECT_FALLBACK.to_owned());
        }
        // Cut in place where it must be: the line's own buffer is the subject's.
        if let Some(end) = subject_cut(&line) {
            let kept = line[..end].trim_end().len();
            line.truncate(kept);
            line.push_str(ELLIPSIS);
        }
        Self(line)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// [`crate::text::single_line`] of as much of `text` as a subject shows: the text is taken
/// in growing pieces until its line is longer than a subject, so a long headline (a
/// seller's name of a thousand characters) is not cleaned whole only to be cut. Cleaning
/// looks at no character after the one it writes, so a piece's line starts as the whole
/// text's does.
fn shown_line(text: &str) -> String {
    // A byte a unit and some room for what cleaning drops: enough for most text.
    const FIRST_PIECE: usize = MAX_SUBJECT_UTF16_UNITS + 64;
    // Cleaning writes no more than it reads: the line of the first piece fits as it is.
    let mut line = String::with_capacity(text.len().min(FIRST_PIECE));
    clean_shown_into(
        &mut line,
        text,
        FIRST_PIECE,
        single_line_into,
        is_longer_than_a_subject,
    );
    line
}

/// Whether `line` has more UTF-16 units than a subject may. A UTF-8 byte is at most one
/// unit (a four-byte character is two), so a line of no more bytes than that fits
/// without counting.
fn is_longer_than_a_subject(line: &str) -> bool {
    line.len() > MAX_SUBJECT_UTF16_UNITS && utf16_end(line, MAX_SUBJECT_UTF16_UNITS).is_some()
}

/// Where a line too long for a subject ends to leave room for the ellipsis; `None` when
/// the whole line fits.
fn subject_cut(line: &str) -> Option<usize> {
    if line.len() <= MAX_SUBJECT_UTF16_UNITS {
        return None;
    }
    utf16_end(line, MAX_SUBJECT_UTF16_UNITS)?;
    utf16_end(line, MAX_SUBJECT_UTF16_UNITS - ELLIPSIS.len())
}

/// What a body is, so a reader (the dry run, the demo) shows it right without guessing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BodyFormat {
    Text,
    Json,
}

/// A channel a notification is delivered on: its name (in logs, delivery records and the
/// outcome) and the format of its bodies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Channel {
    pub name: &'static str,
    pub body: BodyFormat,
}

impl Channel {
    /// Plain text on the family topic (e-mail, SQS, anything else subscribed there).
    pub const TEXT: Channel = Channel {
        name: "text",
        body: BodyFormat::Text,
    };
    /// The custom-notification JSON on the chat topic (Amazon Q Developer in chat
    /// applications).
    pub const CHAT: Channel = Channel {
        name: "chat",
        body: BodyFormat::Json,
    };

    pub const fn name(self) -> &'static str {
        self.name
    }
}

/// A rendered notification: what is published, on which channel, and the facts the runtime
/// reports back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    channel: Channel,
    subject: Subject,
    body: String,
    severity: Severity,
    attributes: Attributes,
    truncated_bytes: usize,
}

impl Notification {
    /// Builds a notification whose body fits SNS's size limit next to its subject and
    /// attributes. A body that does not fit is cut at a character boundary, and a closing
    /// note says how much was left out.
    pub fn new(
        channel: Channel,
        subject: Subject,
        body: impl Into<String>,
        severity: Severity,
        attributes: Attributes,
    ) -> Self {
        Self::of_clean_body(
            channel,
            subject,
            clean_body(body.into()),
            severity,
            attributes,
        )
    }

    /// [`Self::new`] for a body its renderer built clean: every value in it made one line
    /// or neutralised, and every control character escaped (the chat JSON). Looking at each
    /// of its bytes again would find nothing to drop, so only debug builds (every test)
    /// check it.
    pub fn of_clean_body(
        channel: Channel,
        subject: Subject,
        body: String,
        severity: Severity,
        attributes: Attributes,
    ) -> Self {
        debug_assert!(is_clean(&body), "a body built clean is not: {body:?}");
        // Severity goes first so that no family's attributes can crowd it out.
        let attributes = attributes.led_by("severity", severity.as_str());
        // The subject is counted too: it costs little and keeps a margin on the real limit.
        let budget = MAX_MESSAGE_BYTES
            .saturating_sub(attributes.size_in_bytes())
            .saturating_sub(subject.as_str().len());
        let (body, truncated_bytes) = fit_body(body, budget);
        Self {
            channel,
            subject,
            body,
            severity,
            attributes,
            truncated_bytes,
        }
    }

    /// The channel this notification was rendered for.
    pub fn channel(&self) -> Channel {
        self.channel
    }

    pub fn subject(&self) -> &Subject {
        &self.subject
    }

    pub fn body(&self) -> &str {
        &self.body
    }

    pub fn severity(&self) -> Severity {
        self.severity
    }

    pub fn attributes(&self) -> &Attributes {
        &self.attributes
    }

    /// How many bytes of the rendered body were cut to fit SNS's limit (0 when none).
    pub fn truncated_bytes(&self) -> usize {
        self.truncated_bytes
    }

    /// The size SNS checks against [`MAX_MESSAGE_BYTES`].
    pub fn size_in_bytes(&self) -> usize {
        self.body.len() + self.attributes.size_in_bytes() + self.subject.as_str().len()
    }
}

/// Drops control characters other than line feeds and tabs: SNS rejects some, and none
/// of them belongs in a plain-text message.
fn clean_body(body: String) -> String {
    // Families already flatten seller text, so the usual body is kept as it is.
    if is_clean(&body) {
        return body;
    }
    body.chars().filter(|&c| is_allowed_in_body(c)).collect()
}

/// `text` appended to `out` without the characters a body may not hold, by the rule
/// [`Notification::new`] applies to a whole body: for text a renderer writes as it stands
/// (pretty-printed JSON), which no family has made one clean line.
pub(crate) fn push_allowed_in_body(out: &mut String, text: &str) {
    if is_clean(text) {
        out.push_str(text);
    } else {
        out.extend(text.chars().filter(|&c| is_allowed_in_body(c)));
    }
}

/// Format characters (bidi overrides, zero-width characters) are dropped too, once per
/// rendering, whatever part of the body they came in with (a verbatim event detail too).
fn is_allowed_in_body(c: char) -> bool {
    c == '\n' || c == '\t' || !(c.is_control() || crate::text::is_format(c))
}

/// Whether every character is allowed. Bodies are mostly printable ASCII and line breaks,
/// checked a word at a time; the characters beyond ASCII that every cleaning copies as they
/// stand (accented Latin, dashes, curly quotes, CJK, emoji) are passed with a few range
/// checks; only the others are decoded and looked up one by one.
fn is_clean(body: &str) -> bool {
    let mut at = 0;
    loop {
        at += crate::word_scan::body_ascii_prefix(&body.as_bytes()[at..]);
        let plain = crate::text::plain_non_ascii_len(&body.as_bytes()[at..]);
        if plain > 0 {
            at += plain;
            continue;
        }
        let mut chars = body[at..].chars();
        match chars.next() {
            None => return true,
            Some(c) if !is_allowed_in_body(c) => return false,
            Some(c) => at += c.len_utf8(),
        }
    }
}

fn fit_body(body: String, budget: usize) -> (String, usize) {
    if body.len() <= budget {
        return (body, 0);
    }
    // The note's length depends on the numbers in it; reserving a generous fixed room for
    // it keeps this a single pass.
    const NOTE_ROOM: usize = 200;
    let mut keep = budget.saturating_sub(NOTE_ROOM);
    while !body.is_char_boundary(keep) {
        keep -= 1;
    }
    let omitted = body.len() - keep;
    let mut fitted = body[..keep].to_owned();
    fitted.push_str(&format!(
        "\n\n[... message cut here: {omitted} of {} bytes left out to fit the 256 KiB SNS limit]",
        body.len()
    ));
    (fitted, omitted)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::single_line;

    #[test]
    #[cfg(debug_assertions)]
    #[should_panic(expected = "a body built clean is not")]
    fn a_body_said_to_be_clean_is_checked_in_debug_builds() {
        Notification::of_clean_body(
            Channel::CHAT,
            Subject::new("s"),
            "bidi \u{202e} override".to_owned(),
            Severity::Info,
            Attributes::new(),
        );
    }

    /// The subject made from the whole text's line, cleaned in one piece.
    fn subject_of_the_whole_line(text: &str) -> String {
        let line = single_line(text);
        if line.is_empty() {
            return SUBJECT_FALLBACK.to_owned();
        }
        if line.encode_utf16().count() <= MAX_SUBJECT_UTF16_UNITS {
            return line;
        }
        let mut used = 0;
        let cut: String = line
            .chars()
            .take_while(|c| {
                used += c.len_utf16();
                used <= MAX_SUBJECT_UTF16_UNITS - ELLIPSIS.len()
            })
            .collect();
        format!("{}{ELLIPSIS}", cut.trim_end())
    }

    proptest::proptest! {
        #[test]
        fn a_long_headline_is_cut_as_if_cleaned_whole(
            text in "[ a-z\\n\t\u{7}\u{200b}é🚀]{0,700}"
        ) {
            let subject = Subject::new(&text);
            proptest::prop_assert_eq!(subject.as_str(), subject_of_the_whole_line(&text));
        }

        /// Lines, tabs and every other control character at any place in a word, for the
        /// scan that keeps line breaks inside its words.
        #[test]
        fn the_cleanliness_check_agrees_with_the_character_rule_anywhere(
            text in "[ a-z~\n\t\r\u{0}\u{1f}\u{7f}\u{85}\u{200b}é🚀]{0,80}"
        ) {
            proptest::prop_assert_eq!(is_clean(&text), text.chars().all(is_allowed_in_body));
        }
    }

    #[test]
    fn subject_keeps_short_text() {
        assert_eq!(
            Subject::new("Change set succeeded").as_str(),
            "Change set succeeded"
        );
    }

    #[test]
    fn subject_flattens_line_breaks_tabs_and_controls() {
        let subject = Subject::new("Offer\nreleased:\t\"My\r\noffer\"\u{7}  now");
        assert_eq!(subject.as_str(), "Offer released: \"My offer\" now");
    }

    #[test]
    fn subject_is_cut_below_100_with_ellipsis() {
        let subject = Subject::new(&"x".repeat(300));
        assert_eq!(subject.as_str().chars().count(), 99);
        assert!(subject.as_str().ends_with("..."));
    }

    #[test]
    fn subject_counts_emoji_as_two_units() {
        let subject = Subject::new(&"🚀".repeat(80));
        assert!(subject.as_str().encode_utf16().count() <= MAX_SUBJECT_UTF16_UNITS);
        assert!(subject.as_str().starts_with("🚀"));
    }

    #[test]
    fn empty_subject_gets_a_fallback() {
        assert_eq!(Subject::new(" \n\t ").as_str(), SUBJECT_FALLBACK);
    }
    #[test]
    fn notification_always_carries_its_severity_attribute() {
        let n = Notification::new(
            Channel::TEXT,
            Subject::new("s"),
            "body",
            Severity::Error,
            Attributes::new(),
        );
        assert_eq!(n.attributes().get("severity"), Some("error"));
        assert_eq!(n.truncated_bytes(), 0);
    }

    #[test]
    fn oversized_body_is_cut_to_fit_with_a_note() {
        let attributes = Attributes::new().with("detail_type", "Offer Released");
        let body = "é".repeat(200_000); // 400,000 bytes, two per character
        let n = Notification::new(
            Channel::TEXT,
            Subject::new("big"),
            &body,
            Severity::Info,
            attributes,
        );
        assert!(
            n.size_in_bytes() <= MAX_MESSAGE_BYTES,
            "{}",
            n.size_in_bytes()
        );
        assert!(n.body().contains("left out to fit the 256 KiB SNS limit"));
        assert!(n.truncated_bytes() > 130_000);
        assert!(
            n.size_in_bytes() > MAX_MESSAGE_BYTES - 300,
            "cut no more than needed"
        );
    }

    #[test]
    fn the_cleanliness_check_agrees_with_the_character_rule() {
        let samples = [
            "plain text long enough for several words\n\twith lines",
            "ends with delete\u{7f}",
            "a zero-width\u{200B}space after many ordinary characters",
            "é ü • ↳ ℹ️ and then ASCII again for a while",
            "control \u{1b} in the middle of a long enough line",
            "C1 control \u{85} here",
            "",
        ];
        for sample in samples {
            assert_eq!(
                is_clean(sample),
                sample.chars().all(is_allowed_in_body),
                "{sample:?}"
            );
        }
    }

    #[test]
    fn body_loses_control_characters_but_keeps_lines_and_tabs() {
        let n = Notification::new(
            Channel::TEXT,
            Subject::new("s"),
            "a\u{0}b\r\nc\td\u{1b}",
            Severity::Info,
            Attributes::new(),
        );
        assert_eq!(n.body(), "ab\nc\td");
    }
}
