//! Small text helpers shared by the event families: one-line sanitising of seller-written
//! values, names and cut lists, character counts and cuts, the date and duration wording used in every notification,
//! and a bounded pretty-printed detail.

mod line;
mod names;
mod pretty;
mod shell;
mod shown;
mod time;
mod units;

pub(crate) use line::plain_non_ascii_len;
pub use line::{is_format, is_format_or_invisible, single_line, single_line_into};
pub use names::{SHORT_NAME_CHARS, list_with_more, or_not_given, shorten, written_name};
pub use pretty::{MAX_PRETTY_DETAIL_BYTES, pretty_json};
pub use shell::shell_word;
pub use shown::clean_shown_into;
pub use time::{duration, timestamp};
pub use units::{chars_end, utf16_end};

/// What a notification says where an optional field was not in the event.
pub const NOT_GIVEN: &str = "(not given in the event)";

/// The parts one after another, in a string allocated once at its final length: what
/// `format!` makes of text-only pieces, without the formatting machinery and the regrowing
/// when its guess of the length falls short (a quarter of composing an offer's message).
pub fn concat<const N: usize>(parts: [&str; N]) -> String {
    let mut text = String::with_capacity(parts.iter().map(|part| part.len()).sum());
    for part in parts {
        text.push_str(part);
    }
    text
}

/// "1 product" / "3 products".
pub fn count(n: u64, singular: &str, plural: &str) -> String {
    if n == 1 {
        return concat(["1 ", singular]);
    }
    concat([itoa::Buffer::new().format(n), " ", plural])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn concat_joins_its_parts_at_their_length() {
        let joined = concat(["Offer released: ", "\"Q3\"", "", " (offer-1)"]);
        assert_eq!(joined, "Offer released: \"Q3\" (offer-1)");
        assert_eq!(joined.capacity(), joined.len());
        assert_eq!(concat([]), "");
    }

    #[test]
    fn counts_pick_the_right_noun() {
        assert_eq!(count(1, "product", "products"), "1 product");
        assert_eq!(count(0, "product", "products"), "0 products");
    }
}
