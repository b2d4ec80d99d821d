//! Writing JSON string values in place, as the chat rendering builds its payload: cut to a
//! character limit, escaped by JSON's rules only where needed, closed.

use crate::text::chars_end;
use crate::word_scan::json_plain_prefix;

/// Cuts what was written to `out` since `start` to `max_chars` characters, the last of
/// them `ellipsis`, and trims the spaces the cut leaves before it. Text that fits stays
/// as it is.
pub(super) fn cut_from(out: &mut String, start: usize, max_chars: usize, ellipsis: &str) {
    if let Some(end) = cut_end(&out[start..], max_chars, ellipsis) {
        out.truncate(start + end);
        out.push_str(ellipsis);
    }
}

/// A text shown in two fields cut to different limits (the chat title after its marker,
/// and the summary), escaped by JSON's rules once as far as the longer shows: what the
/// shorter keeps is the start of what the longer keeps, and escaping goes a character at a
/// time, so its escaped text is the start of the longer's too.
pub(super) struct EscapedTwice {
    escaped: String,
    /// The escaped bytes the shorter field keeps: the start of `escaped`.
    short_len: usize,
    short_cut: bool,
    long_cut: bool,
    ellipsis: &'static str,
}

impl EscapedTwice {
    /// `text` for a field of `short_max` characters and one of `long_max` (no fewer), each
    /// cut as [`cut_from`] cuts what was written: the text kept apart from the payload,
    /// since it is written into it twice, is escaped as it is copied.
    pub(super) fn new(
        text: &str,
        short_max: usize,
        long_max: usize,
        ellipsis: &'static str,
    ) -> Self {
        debug_assert!(short_max <= long_max, "{short_max} > {long_max}");
        let short_end = cut_end(text, short_max, ellipsis);
        let long_end = cut_end(text, long_max, ellipsis);
        let long_kept = long_end.unwrap_or(text.len());
        // Fewer characters kept, trimmed the same way: never past the longer's end.
        let short_kept = short_end.unwrap_or(text.len());
        debug_assert!(short_kept <= long_kept, "{short_kept} > {long_kept}");
        let mut escaped = String::with_capacity(long_kept + long_kept / 8);
        push_escaped(&mut escaped, &text[..short_kept]);
        let short_len = escaped.len();
        push_escaped(&mut escaped, &text[short_kept..long_kept]);
        Self {
            escaped,
            short_len,
            short_cut: short_end.is_some(),
            long_cut: long_end.is_some(),
            ellipsis,
        }
    }

    /// The shorter field's text: its kept characters escaped, then the ellipsis if cut.
    pub(super) fn push_short(&self, out: &mut String) {
        out.push_str(&self.escaped[..self.short_len]);
        if self.short_cut {
            push_escaped(out, self.ellipsis);
        }
    }

    /// The longer field's text: its kept characters escaped, then the ellipsis if cut.
    pub(super) fn push_long(&self, out: &mut String) {
        out.push_str(&self.escaped);
        if self.long_cut {
            push_escaped(out, self.ellipsis);
        }
    }
}

/// Where `text` cut to `max_chars` characters, the last of them `ellipsis`, ends before
/// the ellipsis, with the spaces the cut leaves trimmed; `None` when the text fits.
fn cut_end(text: &str, max_chars: usize, ellipsis: &str) -> Option<usize> {
    // No more bytes than the limit is no more characters either.
    if text.len() <= max_chars {
        return None;
    }
    // One walk to where the kept characters end; the text fits when what follows them is
    // no longer than the ellipsis would be. A long text is not counted to its end.
    let keep = max_chars.saturating_sub(ellipsis.chars().count());
    let end = chars_end(text, keep)?;
    chars_end(&text[end..], max_chars - keep)?;
    Some(text[..end].trim_end().len())
}

/// Ends a JSON string whose text was written to `out` from `start`: escapes that text
/// where it needs it (rarely: neutralised text has no control characters), then adds the
/// closing quote.
pub(super) fn close_string(out: &mut String, start: usize) {
    escape_from(out, start);
    out.push('"');
}

/// [`close_string`] for text a neutraliser wrote, which says whether it wrote anything JSON
/// escapes.
pub(super) fn close_neutralised(out: &mut String, start: usize, json_escapes: bool) {
    escape_neutralised_from(out, start, json_escapes);
    out.push('"');
}

/// [`escape_from`] for text a neutraliser wrote, which says whether it wrote anything JSON
/// escapes: text that holds nothing to escape is not scanned again to find that out.
pub(super) fn escape_neutralised_from(out: &mut String, start: usize, json_escapes: bool) {
    if json_escapes {
        escape_from(out, start);
    } else {
        debug_assert!(
            needs_no_escape(&out[start..]),
            "neutralised text said to need no escape needs one: {:?}",
            &out[start..]
        );
    }
}

/// Escapes by JSON's rules what was written to `out` from `start`, in place, when it holds
/// anything to escape; text that needs nothing stays where it is, uncopied.
pub(super) fn escape_from(out: &mut String, start: usize) {
    if !needs_no_escape(&out[start..]) {
        let text = out.split_off(start);
        push_escaped(out, &text);
    }
}

/// Whether `text` can stand inside a JSON string as it is.
pub(super) fn needs_no_escape(text: &str) -> bool {
    json_plain_prefix(text.as_bytes()) == text.len()
}

/// Appends `text` as the inside of a JSON string, escaped as serde_json escapes it:
/// quotation mark, reverse solidus, the short forms of backspace, form feed, line feed,
/// carriage return and tab, `\u00XX` for the other control characters, everything else
/// as it is. The runs between escapes are found a word at a time and copied whole: every
/// byte escaped is ASCII, and no byte of a multi-byte character is one.
pub(super) fn push_escaped(out: &mut String, text: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut rest = text;
    loop {
        let plain = json_plain_prefix(rest.as_bytes());
        out.push_str(&rest[..plain]);
        let Some(&byte) = rest.as_bytes().get(plain) else {
            return;
        };
        rest = &rest[plain + 1..];
        match byte {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            0x08 => out.push_str("\\b"),
            0x0c => out.push_str("\\f"),
            _ => {
                out.push_str("\\u00");
                out.push(char::from(HEX[usize::from(byte >> 4)]));
                out.push(char::from(HEX[usize::from(byte & 0xf)]));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The field as it was written before: cut where it was written, then escaped.
    fn cut_then_escaped(text: &str, max_chars: usize) -> String {
        let mut cut = text.to_owned();
        cut_from(&mut cut, 0, max_chars, "...");
        let mut escaped = String::new();
        push_escaped(&mut escaped, &cut);
        escaped
    }

    /// Where a cut ends by its definition: the characters counted to the text's end.
    fn cut_end_by_counting(text: &str, max_chars: usize, ellipsis: &str) -> Option<usize> {
        if text.chars().count() <= max_chars {
            return None;
        }
        let keep = max_chars.saturating_sub(ellipsis.chars().count());
        let end = chars_end(text, keep).unwrap_or(text.len());
        Some(text[..end].trim_end().len())
    }

    proptest::proptest! {
        /// The cut walks only as far as the kept characters and the ellipsis after them.
        #[test]
        fn a_cut_ends_where_counting_the_whole_text_says(
            text in "[ aé🚀]{0,40}",
            max_chars in 0..30usize,
        ) {
            for ellipsis in ["...", ""] {
                proptest::prop_assert_eq!(
                    cut_end(&text, max_chars, ellipsis),
                    cut_end_by_counting(&text, max_chars, ellipsis)
                );
            }
        }

        /// Both fields of a text escaped once read as each field cut on its own, then
        /// escaped: at any pair of limits, with spaces where the cuts fall.
        #[test]
        fn a_text_escaped_once_cuts_to_each_fields_own_limit(
            text in "[ a\"\\\\\n\u{1}é🚀]{0,80}",
            short_max in 0..60usize,
            more in 0..20usize,
        ) {
            let long_max = short_max + more;
            let both = EscapedTwice::new(&text, short_max, long_max, "...");
            let mut short = String::new();
            both.push_short(&mut short);
            let mut long = String::new();
            both.push_long(&mut long);
            proptest::prop_assert_eq!(short, cut_then_escaped(&text, short_max));
            proptest::prop_assert_eq!(long, cut_then_escaped(&text, long_max));
        }
    }
}
