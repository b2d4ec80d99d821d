//! Makes untrusted text (names sellers, partners and buyers write) inert in chat markdown:
//! no mentions, no links, no formatting, no code-fence breakouts, no invisible or
//! direction-changing characters. Characters with a meaning are swapped for look-alikes
//! that have none, so the reader still sees what was written.

use crate::text::{clean_shown_into, is_format_or_invisible, plain_non_ascii_len};

/// The look-alike for a character Slack and Teams markdown give a meaning to.
fn look_alike(c: char) -> Option<char> {
    Some(match c {
        '<' => '‹', // <!channel>, <@U123>, <https://…|text>
        '>' => '›', // block quotes
        '[' => '⁅', // [text](url)
        ']' => '⁆',
        '`' => 'ˋ', // inline code and code fences
        '*' => '∗', // bold
        '~' => '∼', // strike-through
        '|' => '¦', // link text separator, tables
        _ => return None,
    })
}

/// Untrusted text as one inert line of chat markdown.
pub fn neutralise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    neutralise_into(&mut out, text);
    out
}

/// [`neutralise`], appended to `out`. Says whether what it wrote holds a quotation mark or
/// a reverse solidus: the only characters it leaves that a JSON string escapes (every
/// control character became a space), so a JSON writer scans again only the text that
/// has one.
pub fn neutralise_into(out: &mut String, text: &str) -> bool {
    neutralise_as::<false>(out, text)
}

/// [`neutralise`], appended to `out` as the inside of a JSON string: the quotation marks
/// and reverse solidi it leaves are escaped as they are written, the only characters it
/// leaves that JSON escapes, so what it wrote is never scanned again to escape it.
pub fn neutralise_json_into(out: &mut String, text: &str) {
    neutralise_as::<true>(out, text);
}

/// The neutraliser, writing a quotation mark and a reverse solidus escaped for JSON when
/// `JSON` is set, and as they are otherwise (then saying whether it wrote one).
fn neutralise_as<const JSON: bool>(out: &mut String, text: &str) -> bool {
    let start = out.len();
    let mut json_escapes = false;
    let mut pending_space = false;
    let mut previous: Option<char> = None;
    let mut rest = text;
    while !rest.is_empty() {
        // Runs of ordinary ASCII (letters, digits, most punctuation) need no decision and
        // are copied whole; only the characters after them go one by one.
        let plain = plain_run::<JSON>(rest.as_bytes(), &mut json_escapes);
        if plain > 0 {
            if pending_space {
                out.push(' ');
                pending_space = false;
            }
            out.push_str(&rest[..plain]);
            previous = rest[..plain].chars().next_back();
            rest = &rest[plain..];
            continue;
        }
        let mut chars = rest.chars();
        let Some(c) = chars.next() else { break };
        rest = chars.as_str();
        // Invisible characters go first, so none can hide a mention or a link by splitting
        // it ("@\u{200B}here"): what follows is looked at past them.
        if is_format_or_invisible(c) {
            continue;
        }
        if c.is_whitespace() || c.is_control() {
            pending_space = out.len() > start;
            previous = Some(' ');
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        // Only the characters whose meaning depends on what follows look past the
        // invisible ones for it.
        let next = if matches!(c, '_' | '@' | '#' | ':') {
            rest.chars().find(|&next| !is_format_or_invisible(next))
        } else {
            None
        };
        match c {
            // `_italics_` needs the underscore at a word's edge; inside a word
            // (CLIENT_ERROR, own_offer) it means nothing and stays.
            '_' if !(previous.is_some_and(char::is_alphanumeric)
                && next.is_some_and(char::is_alphanumeric)) =>
            {
                out.push('ˍ')
            }
            // @here, @channel, @someone and #channel links; "name@1.0" stays as it is.
            '@' | '#' if next.is_some_and(char::is_alphabetic) => {
                out.push(if c == '@' { '＠' } else { '＃' })
            }
            // Bare URLs are turned into links by the chat client; without "://" they are not.
            ':' if next == Some('/') => out.push('∶'),
            // Written into JSON, a quotation mark or reverse solidus gets here and is
            // escaped; otherwise every plain run takes them, noting them in `json_escapes`.
            '"' | '\\' if JSON => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(look_alike(c).unwrap_or(c)),
        }
        previous = Some(c);
    }
    json_escapes
}

/// [`neutralise_into`] of as much of `text` as a field cut to `max_chars` characters
/// shows: the text is taken in growing pieces until what is written from it holds more
/// than that, so a long name in a title is not neutralised whole only to be cut. What is
/// written agrees with neutralising the whole text in every character but the last (which
/// may see no neighbour after it), so it cuts to the same field.
pub fn neutralise_shown_into(out: &mut String, text: &str, max_chars: usize) {
    // A byte a character and some room for what neutralising drops: enough for most text.
    clean_shown_into(
        out,
        text,
        max_chars.saturating_add(64),
        |out, piece| {
            neutralise_into(out, piece);
        },
        |written| written.chars().count() > max_chars.saturating_add(1),
    );
}

/// How many bytes at the start of `bytes` are copied as they are: plain ASCII, the
/// characters beyond it that every cleaning copies as they stand, the single spaces
/// between words, and the characters whose meaning depends on their neighbours
/// (`:`, `@`, `#`, `_`) where the next byte, an ASCII character, shows they mean nothing.
/// The character-by-character path would write each of these bytes unchanged; whatever it
/// has to decide (a run of spaces, a leading one, a neighbour that is not ASCII and may be
/// invisible) is left to it. A quotation mark or reverse solidus is copied too, and noted
/// in `json_escapes`, unless the text is written into JSON: then the run ends at it.
fn plain_run<const JSON: bool>(bytes: &[u8], json_escapes: &mut bool) -> usize {
    let mut end = 0;
    while let Some(&byte) = bytes.get(end) {
        // What needs no look at its neighbours goes on at once; the rest is decided below.
        if is_plain_ascii(byte) {
            end += 1;
            continue;
        }
        let next = bytes.get(end + 1).copied();
        let next_is_ascii =
            |rule: fn(u8) -> bool| next.is_none_or(|next| next.is_ascii() && rule(next));
        let copied = match byte {
            // Collapsing and trimming are the other path's: only a space between two
            // characters it would write is copied here.
            b' ' => {
                end > 0
                    && (next.is_some_and(|next| next.is_ascii_graphic())
                        || plain_non_ascii_len(&bytes[end + 1..]) > 0)
            }
            // Accented letters, symbols, CJK and emoji are written as they are whatever
            // surrounds them; the rules above see them as the neighbours they are.
            0x80.. => {
                let len = plain_non_ascii_len(&bytes[end..]);
                if len > 0 {
                    end += len;
                    continue;
                }
                false
            }
            b':' => next_is_ascii(|next| next != b'/'),
            b'@' | b'#' => next_is_ascii(|next| !next.is_ascii_alphabetic()),
            b'_' => {
                end > 0
                    && bytes[end - 1].is_ascii_alphanumeric()
                    && next.is_some_and(|next| next.is_ascii_alphanumeric())
            }
            b'"' | b'\\' => {
                *json_escapes = true;
                !JSON
            }
            _ => false,
        };
        if !copied {
            return end;
        }
        end += 1;
    }
    end
}

/// ASCII that is printed as it is whatever comes next: not a space or control character,
/// none of the characters markdown or mentions give a meaning to, alone or by what
/// follows them, and neither of the two a JSON string escapes (the run notes those).
fn is_plain_ascii(byte: u8) -> bool {
    PLAIN_ASCII[usize::from(byte)]
}

/// [`is_plain_ascii`] for every byte, worked out once when compiling: one load per byte in
/// the scan over each run of plain text.
static PLAIN_ASCII: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < 256 {
        let b = byte as u8;
        // Markup, then what depends on its neighbours, then what JSON escapes.
        table[byte] = b.is_ascii_graphic()
            && !matches!(b, b'<' | b'>' | b'[' | b']' | b'`' | b'*' | b'~' | b'|')
            && !matches!(b, b'_' | b'@' | b'#' | b':' | b'"' | b'\\');
        byte += 1;
    }
    table
};

/// Text that may span lines (pretty-printed JSON) made safe inside a code block: it keeps
/// its lines and indentation, but cannot close the block or mention anyone.
pub fn neutralise_block(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    neutralise_block_into(&mut out, text);
    out
}

/// [`neutralise_block`], appended to `out`. Says whether what it wrote holds anything a
/// JSON string escapes: a line break, a tab of indentation, or what [`neutralise_into`]
/// says of a line.
pub fn neutralise_block_into(out: &mut String, text: &str) -> bool {
    let mut json_escapes = false;
    for (index, line) in text.lines().enumerate() {
        if index > 0 {
            out.push('\n');
            json_escapes = true;
        }
        // Only spaces and tabs are kept as indentation: any other leading whitespace (a
        // next-line control among it) is left to the neutraliser, which drops it.
        let indent = line
            .bytes()
            .take_while(|&byte| byte == b' ' || byte == b'\t')
            .count();
        out.push_str(&line[..indent]);
        json_escapes |= line[..indent].contains('\t');
        json_escapes |= neutralise_into(out, line);
    }
    json_escapes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mentions_links_and_markup_become_inert() {
        assert_eq!(neutralise("<!channel> hi"), "‹!channel› hi");
        assert_eq!(neutralise("@here @channel"), "＠here ＠channel");
        assert_eq!(
            neutralise("[click](https://evil.example)"),
            "⁅click⁆(https∶//evil.example)"
        );
        assert_eq!(
            neutralise("<https://x.example|Buy>"),
            "‹https∶//x.example¦Buy›"
        );
        assert_eq!(neutralise("```rm```"), "ˋˋˋrmˋˋˋ");
        assert_eq!(neutralise("*bold* _it_ ~s~"), "∗bold∗ ˍitˍ ∼s∼");
        assert_eq!(neutralise("a _b c_"), "a ˍb cˍ");
        assert_eq!(neutralise("#general"), "＃general");
    }

    #[test]
    fn ordinary_names_stay_readable() {
        assert_eq!(
            neutralise("Acme Data Platform v2.0"),
            "Acme Data Platform v2.0"
        );
        assert_eq!(
            neutralise("SaaSProduct@1.0 (prod-1)"),
            "SaaSProduct@1.0 (prod-1)"
        );
        assert_eq!(neutralise("Time: 12:30"), "Time: 12:30");
        assert_eq!(
            neutralise("CLIENT_ERROR own_offer"),
            "CLIENT_ERROR own_offer"
        );
        assert_eq!(neutralise("🚀 launch"), "🚀 launch");
    }

    #[test]
    fn spaces_between_words_stay_single_and_the_rules_still_see_them() {
        assert_eq!(
            neutralise("  Acme   Data Platform v2 "),
            "Acme Data Platform v2"
        );
        assert_eq!(neutralise("x _y_ z"), "x ˍyˍ z");
        assert_eq!(neutralise("mail @here now"), "mail ＠here now");
        assert_eq!(
            neutralise("see https://x.example now"),
            "see https∶//x.example now"
        );
        assert_eq!(neutralise("a \u{200B} b"), "a b");
    }

    #[test]
    fn invisible_and_direction_characters_are_dropped() {
        assert_eq!(neutralise("a\u{200B}b\u{202E}c\u{2066}d\u{FEFF}"), "abcd");
        assert_eq!(neutralise("line\nbreak\ttab"), "line break tab");
        assert_eq!(neutralise("@\u{200B}here"), "＠here");
        assert_eq!(neutralise("https:\u{2060}//x"), "https∶//x");
    }

    /// [`neutralise_into`] with every character taken on its own: what the runs it copies
    /// whole must add up to.
    fn neutralise_char_by_char(text: &str) -> String {
        let mut out = String::new();
        let visible: Vec<char> = text
            .chars()
            .filter(|&c| !is_format_or_invisible(c))
            .collect();
        let mut pending_space = false;
        let mut previous: Option<char> = None;
        for (index, &c) in visible.iter().enumerate() {
            if c.is_whitespace() || c.is_control() {
                pending_space = !out.is_empty();
                previous = Some(' ');
                continue;
            }
            if std::mem::take(&mut pending_space) {
                out.push(' ');
            }
            let next = visible.get(index + 1).copied();
            out.push(match c {
                '_' if !(previous.is_some_and(char::is_alphanumeric)
                    && next.is_some_and(char::is_alphanumeric)) =>
                {
                    'ˍ'
                }
                '@' if next.is_some_and(char::is_alphabetic) => '＠',
                '#' if next.is_some_and(char::is_alphabetic) => '＃',
                ':' if next == Some('/') => '∶',
                _ => look_alike(c).unwrap_or(c),
            });
            previous = Some(c);
        }
        out
    }

    proptest::proptest! {
        #[test]
        fn a_shown_piece_cuts_to_what_the_whole_text_cuts_to(
            text in "[ a-z_@:/<\\t\u{200b}é🚀]{0,400}",
            max_chars in 1..40usize,
        ) {
            let cut = |written: String| {
                let mut out = String::from("title: ");
                out.push_str(&written);
                super::super::json_text::cut_from(&mut out, 7, max_chars, "...");
                out
            };
            let mut shown = String::new();
            neutralise_shown_into(&mut shown, &text, max_chars);
            proptest::prop_assert_eq!(cut(shown), cut(neutralise(&text)));
        }

        #[test]
        fn copying_runs_whole_gives_what_each_character_would(
            text in "[ aZ9:/@#_<`.\"\\\\\\n\\t\\u{200b}\\u{2060}\\u{3000}é中🚀]{0,40}"
        ) {
            proptest::prop_assert_eq!(neutralise(&text), neutralise_char_by_char(&text));
        }

        /// Written into JSON, the neutralised text is what escaping it afterwards gives.
        #[test]
        fn neutralising_into_json_escapes_as_json_does(
            text in "[ a:_@/<\"\\\\\\n\\t\\u{0}\\u{200b}é中🚀]{0,40}"
        ) {
            let mut escaped = String::from("x");
            neutralise_json_into(&mut escaped, &text);
            let mut expected = String::from("x");
            super::super::json_text::push_escaped(&mut expected, &neutralise(&text));
            proptest::prop_assert_eq!(escaped, expected);
        }

        /// What the neutralisers say they wrote for JSON decides whether it is escaped.
        #[test]
        fn the_neutralisers_say_exactly_when_they_wrote_what_json_escapes(
            text in "[ a:_\"\\\\\\n\\r\\t\\u{0}\\u{1f}\\u{85}\\u{200b}é🚀]{0,40}"
        ) {
            let needs_escape = |written: &str| written.bytes().any(crate::word_scan::needs_json_escape);
            let mut line = String::from("x");
            let said = neutralise_into(&mut line, &text);
            proptest::prop_assert_eq!(said, needs_escape(&line[1..]));
            let mut block = String::from("x");
            let said = neutralise_block_into(&mut block, &text);
            proptest::prop_assert_eq!(said, needs_escape(&block[1..]));
        }
    }

    #[test]
    fn blocks_keep_lines_and_indentation() {
        assert_eq!(
            neutralise_block("{\n  \"a\": \"```@here\"\n}"),
            "{\n  \"a\": \"ˋˋˋ＠here\"\n}"
        );
    }

    #[test]
    fn a_block_keeps_spaces_and_tabs_as_indentation_and_drops_other_leading_whitespace() {
        // A next-line control (U+0085) is whitespace to Rust but a control character to
        // SNS and JSON alike: it must not survive as indentation.
        assert_eq!(
            neutralise_block("  a\n\u{85}\u{2028} b\n\t c"),
            "  a\nb\n\t c"
        );
    }
}
