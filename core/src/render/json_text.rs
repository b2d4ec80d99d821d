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

/// Appends `text` escaped by JSON's rules and cut as [`cut_from`] cuts it: for text kept
/// apart from the payload because it is written into it more than once, cut to each
/// place's own limit, and copied once for each.
pub(super) fn push_cut_escaped(out: &mut String, text: &str, max_chars: usize, ellipsis: &str) {
    match cut_end(text, max_chars, ellipsis) {
        None => push_escaped(out, text),
        Some(end) => {
            push_escaped(out, &text[..end]);
            push_escaped(out, ellipsis);
        }
    }
}

/// Where `text` cut to `max_chars` characters, the last of them `ellipsis`, ends before
/// the ellipsis, with the spaces the cut leaves trimmed; `None` when the text fits.
fn cut_end(text: &str, max_chars: usize, ellipsis: &str) -> Option<usize> {
    // No more bytes than the limit is no more characters either.
    if text.len() <= max_chars || text.chars().count() <= max_chars {
        return None;
    }
    let keep = max_chars.saturating_sub(ellipsis.chars().count());
    let end = chars_end(text, keep).unwrap_or(text.len());
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
