//! One clean line from any text: control characters and line breaks become spaces, format
//! and invisible characters are dropped, whitespace collapses. Every seller-, partner- or
//! buyer-written value goes through here before it is shown.

/// Unicode format characters (general category Cf): among them the bidi embeddings,
/// overrides and isolates (U+202A–U+202E, U+2066–U+2069), the zero-width spaces, joiners
/// and direction marks (U+200B–U+200F) and the byte-order mark (U+FEFF). They are invisible
/// and can hide or reorder what a name says.
pub fn is_format(c: char) -> bool {
    !is_surely_visible(c)
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
    !is_surely_visible(c)
        && (is_format(c)
            || matches!(c,
            '\u{034F}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
            | '\u{180B}'..='\u{180F}' | '\u{2065}' | '\u{3164}' | '\u{FE00}'..='\u{FE0F}'
            | '\u{FFA0}' | '\u{E0000}'..='\u{E0FFF}'))
}

/// Whether `c` lies in a range without any format or invisible character: ASCII and
/// Latin-1 below the soft hyphen, the Latin, IPA and combining-mark blocks up to the
/// combining grapheme joiner, the symbols and CJK between the last format controls
/// (U+206F) and the Hangul filler, the scripts and CJK up to the variation selectors, and
/// the planes past the musical format controls (emoji among them) up to the tags. Nearly
/// every character checked is in one of them: a few comparisons answer instead of the
/// whole list.
fn is_surely_visible(c: char) -> bool {
    matches!(c,
        '\0'..='\u{00AC}' | '\u{00AE}'..='\u{034E}' | '\u{2070}'..='\u{3163}'
        | '\u{3165}'..='\u{FDFF}' | '\u{1D17B}'..='\u{DFFFF}')
}

/// The length in bytes of the character `bytes` starts with when it is outside ASCII and
/// in a range every cleaning copies as it stands (no format, invisible, whitespace or
/// control character, nothing markdown reads), and 0 otherwise: accented Latin, dashes
/// and curly quotes, the symbols and CJK, emoji. The runs of text the cleanings copy
/// whole go on through such a character instead of stopping to decode and classify it;
/// what it leaves out (other scripts, U+3000's ideographic space) takes the
/// character-by-character path, which decides the same for it.
#[inline(always)]
pub(crate) fn plain_non_ascii_len(bytes: &[u8]) -> usize {
    // Most calls come where a run of ASCII stops at ASCII (a space, a control character):
    // one comparison answers them before any length is looked at.
    if bytes.first().is_none_or(|&lead| lead < 0xC2) {
        return 0;
    }
    let payload = |byte: u8| u32::from(byte & 0x3F);
    match *bytes {
        // Whole blocks with nothing left out, told by their first bytes alone: the
        // accented Latin, other Latin and IPA letters (U+00C0 to U+033F), the scripts and
        // CJK from U+4000 to U+EFFF, the emoji and pictographs (U+1F000 to U+1FFFF).
        [0xC3..=0xCC, ..] => 2,
        [0xE4..=0xEE, ..] => 3,
        [0xF0, 0x9F, ..] => 4,
        [lead @ 0xC2..=0xDF, second, ..] => {
            let c = (u32::from(lead & 0x1F) << 6) | payload(second);
            if matches!(c, 0xA1..=0xAC | 0xAE..=0x34E) {
                2
            } else {
                0
            }
        }
        [lead @ 0xE0..=0xEF, second, third, ..] => {
            let c = (u32::from(lead & 0x0F) << 12) | (payload(second) << 6) | payload(third);
            // General punctuation (dashes, curly quotes) without its spaces and controls.
            let punctuation = matches!(c, 0x2010..=0x2027 | 0x2030..=0x205E);
            if punctuation || matches!(c, 0x2070..=0x2FFF | 0x3001..=0x3163 | 0x3165..=0xFDFF) {
                3
            } else {
                0
            }
        }
        [lead @ 0xF0..=0xF4, second, third, fourth, ..] => {
            let c = (u32::from(lead & 0x07) << 18)
                | (payload(second) << 12)
                | (payload(third) << 6)
                | payload(fourth);
            if matches!(c, 0x1D17B..=0xDFFFF) { 4 } else { 0 }
        }
        _ => 0,
    }
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
        // Words of printable ASCII and the characters beyond it that need no decision, and
        // the single spaces between them, are copied whole; only what follows them is
        // looked at character by character.
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

/// How many bytes at the start of `bytes` are printable ASCII other than the space, the
/// characters beyond ASCII that [`plain_non_ascii_len`] passes, and the single spaces
/// between them: exactly what the character-by-character path would copy unchanged. A run
/// of spaces, and a space at either end, is left to that path.
fn ascii_words_len(bytes: &[u8]) -> usize {
    // Whole words of eight bytes first; the rest a character at a time, from a space only
    // if a word follows it (a space the whole words end with may be the first of several).
    let mut end = crate::word_scan::single_spaced_words_prefix(bytes);
    if end > 0 && bytes[end - 1] == b' ' && !starts_word(&bytes[end..]) {
        return end - 1;
    }
    loop {
        // Printable ASCII in a tight loop; a character beyond it is decoded only where the
        // ASCII stops.
        loop {
            end += bytes[end..]
                .iter()
                .take_while(|byte| is_word_byte(byte))
                .count();
            let len = plain_non_ascii_len(&bytes[end..]);
            if len == 0 {
                break;
            }
            end += len;
        }
        let word_follows =
            end > 0 && bytes.get(end) == Some(&b' ') && starts_word(&bytes[end + 1..]);
        if !word_follows {
            return end;
        }
        end += 1;
    }
}

/// Printable ASCII other than the space.
fn is_word_byte(byte: &u8) -> bool {
    (b'!'..=b'~').contains(byte)
}

/// Whether `bytes` starts with a character a word copied whole may hold.
fn starts_word(bytes: &[u8]) -> bool {
    bytes.first().is_some_and(is_word_byte) || plain_non_ascii_len(bytes) > 0
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn no_format_or_invisible_character_is_in_a_surely_visible_range() {
        let listed = |c: char| {
            matches!(c,
            '\u{00AD}' | '\u{0600}'..='\u{0605}' | '\u{061C}' | '\u{06DD}' | '\u{070F}'
            | '\u{0890}' | '\u{0891}' | '\u{08E2}' | '\u{180E}' | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{206F}'
            | '\u{FEFF}' | '\u{FFF9}'..='\u{FFFB}' | '\u{110BD}' | '\u{110CD}'
            | '\u{13430}'..='\u{1343F}' | '\u{1BCA0}'..='\u{1BCA3}' | '\u{1D173}'..='\u{1D17A}'
            | '\u{E0001}' | '\u{E0020}'..='\u{E007F}'
            | '\u{034F}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
            | '\u{180B}'..='\u{180F}' | '\u{2065}' | '\u{3164}' | '\u{FE00}'..='\u{FE0F}'
            | '\u{FFA0}' | '\u{E0000}'..='\u{E0FFF}')
        };
        let mut visible = 0;
        for c in (0..=u32::from(char::MAX)).filter_map(char::from_u32) {
            assert_eq!(is_format_or_invisible(c), listed(c), "{c:?}");
            assert!(!(is_surely_visible(c) && listed(c)), "{c:?}");
            visible += usize::from(is_surely_visible(c));
        }
        // The ranges hold most of the characters there are: the shortcut is worth having.
        assert!(visible > 800_000, "{visible}");
    }

    #[test]
    fn characters_copied_whole_are_ones_every_cleaning_writes_as_they_are() {
        let mut copied = 0;
        for c in (0x80..=u32::from(char::MAX)).filter_map(char::from_u32) {
            let mut bytes = [0; 4];
            let len = plain_non_ascii_len(c.encode_utf8(&mut bytes).as_bytes());
            if len > 0 {
                assert_eq!(len, c.len_utf8(), "{c:?}");
                assert!(
                    !is_format_or_invisible(c) && !c.is_whitespace() && !c.is_control(),
                    "{c:?}"
                );
                copied += 1;
            }
        }
        // Emoji, CJK and accented Latin among them: most of what names hold beyond ASCII.
        assert!(copied > 800_000, "{copied}");
        for c in ['é', 'ß', '—', '™', '中', '“', '✅', '💰', '🇺'] {
            assert!(plain_non_ascii_len(c.to_string().as_bytes()) > 0, "{c:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn copying_words_whole_gives_what_each_character_would(
            text in "[ a-z~!\\t\\n\\u{0}\\u{85}\\u{a0}\\u{200b}\\u{202e}\\u{3000}\\u{3164}é中🚀\\u{e0020}]{0,40}"
        ) {
            proptest::prop_assert_eq!(single_line(&text), single_line_char_by_char(&text));
        }

        /// Long words and spaces, single and doubled, where the scan takes whole words.
        #[test]
        fn copying_long_words_whole_gives_what_each_character_would(
            text in "(([a-z~!]{1,12}|é|\u{200b}|\t)( |  )?){0,16}"
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
}
