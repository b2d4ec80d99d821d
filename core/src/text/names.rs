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
            for (index, label) in word.split('.').enumerate() {
                if index > 0 {
                    out.push_str("[.]");
                }
                out.push_str(label);
            }
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
    // A colon first (one byte search): a substring search sets itself up on every call,
    // and most names have no colon at all.
    if !(text.contains(':') && text.contains("://")) {
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
        let word = &before.as_bytes()[before.len() - letters..];
        let ends_with = |scheme: &str| {
            word.len() >= scheme.len()
                && word[word.len() - scheme.len()..].eq_ignore_ascii_case(scheme.as_bytes())
        };
        let scheme_len = if ends_with("https") {
            5
        } else if ends_with("http") {
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
