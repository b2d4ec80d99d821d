//! Names other people wrote, made inert and short: web addresses defanged, long names cut
//! for a second mention, missing ones said to be missing, long lists cut with a count.

use super::{NOT_GIVEN, chars_end, concat, single_line, single_line_into};

/// A seller-, partner- or buyer-written name as one inert line: [`single_line`], and any
/// web address in it defanged (`https://` becomes `hxxps://`, `www.evil.example` becomes
/// `www[.]evil[.]example`) so a mail or chat client does not turn a name someone else
/// wrote into a link: clients link bare domains too, not only URLs.
pub fn written_name(text: &str) -> String {
    defang_domains(defang_urls(single_line(text)))
}

/// Every domain-like word (two or more dot-separated labels of letters, digits and
/// hyphens, the last one 2 to 24 letters, as top-level domains are) gets `[.]` for its dots.
/// Version numbers (`1.2.3`) and abbreviations (`Inc.`, `e.g.`) are left alone. A name with
/// no domain in it is handed back as it is, not copied.
fn defang_domains(text: String) -> String {
    // Most names have no dot at all: they are handed back at once.
    if !text.contains('.') {
        return text;
    }
    let bytes = text.as_bytes();
    let mut defanged = Rewrite::new();
    // Each dot, then the word around it.
    let mut from = 0;
    while let Some(dot) = find_from(&text, from, '.') {
        let start = bytes[..dot]
            .iter()
            .rposition(|&byte| !is_label_byte(byte))
            .map_or(0, |at| at + 1);
        let end = bytes[dot..]
            .iter()
            .position(|&byte| !is_label_byte(byte))
            .map_or(bytes.len(), |at| dot + at);
        // A dot that ends the word ends a sentence or an abbreviation: a client links
        // "evil.example" in "Visit evil.example." all the same.
        let word = text[start..end].trim_end_matches('.');
        if looks_like_domain(word) {
            let out = defanged.up_to(&text, start, 8);
            for (index, label) in word.split('.').enumerate() {
                if index > 0 {
                    out.push_str("[.]");
                }
                out.push_str(label);
            }
            defanged.copied = start + word.len();
        }
        from = end;
    }
    defanged.finish(text)
}

/// What a domain-like word is made of: ASCII letters, digits, hyphens and dots. All are
/// ASCII, so where a run of them starts or ends among a text's bytes is a character
/// boundary.
fn is_label_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'.'
}

fn looks_like_domain(word: &str) -> bool {
    // Two labels or more, none empty: a dot, and none at either end or next to another.
    let Some((_, last)) = word.rsplit_once('.') else {
        return false;
    };
    !word.starts_with('.')
        && !word.as_bytes().windows(2).any(|pair| pair == b"..")
        && (2..=24).contains(&last.len())
        && last.bytes().all(|b| b.is_ascii_alphabetic())
}

/// `http://` and `https://` (any case) become `hxxp://` and `hxxps://`. A name with no web
/// address in it is handed back as it is, not copied.
fn defang_urls(text: String) -> String {
    // A colon first (one byte search): a substring search sets itself up on every call,
    // and most names, if not ARNs, have no colon at all.
    if !(text.contains(':') && text.contains("://")) {
        return text;
    }
    let bytes = text.as_bytes();
    let mut defanged = Rewrite::new();
    // Each colon, then whether "//" follows.
    let mut from = 0;
    while let Some(colon) = find_from(&text, from, ':') {
        from = colon + 1;
        if !bytes[colon..].starts_with(b"://") {
            continue;
        }
        // The scheme is the letters just before "://", however the word they end began
        // ("xhttps://" still links in most clients).
        let letters = bytes[..colon]
            .iter()
            .rev()
            .take_while(|byte| byte.is_ascii_alphabetic())
            .count();
        let word = &bytes[colon - letters..colon];
        let ends_with = |scheme: &[u8]| {
            word.len() >= scheme.len()
                && word[word.len() - scheme.len()..].eq_ignore_ascii_case(scheme)
        };
        let scheme_len = if ends_with(b"https") {
            5
        } else if ends_with(b"http") {
            4
        } else {
            0
        };
        if scheme_len > 0 {
            // The scheme's first letter stays, in its case; its "tt" becomes "xx".
            let first_letter = colon - scheme_len;
            defanged.up_to(&text, first_letter + 1, 4).push_str("xx");
            defanged.copied = first_letter + 3;
        }
        from = colon + 3;
    }
    defanged.finish(text)
}

/// Where `wanted` is next in `text`, at or after byte `from`: a search for one byte, which
/// the standard library makes a word at a time.
fn find_from(text: &str, from: usize, wanted: char) -> Option<usize> {
    text[from..].find(wanted).map(|at| from + at)
}

/// A text rewritten in places: the copy is made at the first change, and the text between
/// changes is copied as it stands.
struct Rewrite {
    out: Option<String>,
    /// Where the text the copy does not hold yet starts.
    copied: usize,
}

impl Rewrite {
    fn new() -> Self {
        Self {
            out: None,
            copied: 0,
        }
    }

    /// The copy, holding the text up to `at`, to write a change into; `more` is room for
    /// what the changes add.
    fn up_to(&mut self, text: &str, at: usize, more: usize) -> &mut String {
        let out = self
            .out
            .get_or_insert_with(|| String::with_capacity(text.len() + more));
        out.push_str(&text[self.copied..at]);
        out
    }

    /// The rewritten text: the original when nothing changed.
    fn finish(self, text: String) -> String {
        match self.out {
            None => text,
            Some(mut out) => {
                out.push_str(&text[self.copied..]);
                out
            }
        }
    }
}

/// Seller-written names longer than this are shortened after their first full appearance.
pub const SHORT_NAME_CHARS: usize = 60;

/// A long name cut to [`SHORT_NAME_CHARS`] with "...", for its second mention.
pub fn shorten(name: &str) -> String {
    // Where the characters kept end, and whether more than the limit follow: both found
    // by summing no further than the limit, not by counting a long name whole.
    let Some(end) =
        chars_end(name, SHORT_NAME_CHARS - 3).filter(|&end| chars_end(&name[end..], 3).is_some())
    else {
        return name.to_owned();
    };
    concat([name[..end].trim_end(), "..."])
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
    // Sized once for the items and their separators (and the count of the rest), rather
    // than regrown as a list of a few dozen ids is written.
    let listed: usize = items
        .iter()
        .take(shown)
        .map(|item| item.as_ref().len() + 2)
        .sum();
    let mut text = String::with_capacity(listed + 32);
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

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(
            written_name("arn:aws:s3:::b then https://a https://b"),
            "arn:aws:s3:::b then hxxps://a hxxps://b"
        );
        assert_eq!(written_name("https://https://x"), "hxxps://hxxps://x");
        assert_eq!(written_name(":// https:///"), ":// hxxps:///");
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
        assert_eq!(
            written_name("é shop.example, ü v1.2 and evil.example"),
            "é shop[.]example, ü v1.2 and evil[.]example"
        );
        assert_eq!(
            written_name("Visit www.evil.example. Or evil.example.."),
            "Visit www[.]evil[.]example. Or evil[.]example.."
        );
        for unchanged in [
            "Acme Inc.",
            "e.g. this",
            "Release 1.2.3",
            "Release 1.2.3.",
            "i.e.",
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
    fn a_name_is_shortened_only_past_the_limit_and_counted_in_characters() {
        let at_limit = "é".repeat(SHORT_NAME_CHARS);
        assert_eq!(shorten(&at_limit), at_limit);
        let past_limit = "🚀".repeat(SHORT_NAME_CHARS + 1);
        assert_eq!(
            shorten(&past_limit),
            format!("{}...", "🚀".repeat(SHORT_NAME_CHARS - 3))
        );
        // The cut leaves no space before the ellipsis.
        let spaced = format!("{} {}", "a".repeat(SHORT_NAME_CHARS - 4), "b".repeat(10));
        assert_eq!(
            shorten(&spaced),
            format!("{}...", "a".repeat(SHORT_NAME_CHARS - 4))
        );
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
}
