//! Small text helpers shared by the event families: one-line sanitising of seller-written
//! values, names and cut lists, the date and duration wording used in every notification,
//! and a bounded pretty-printed detail.

mod line;
mod names;
mod pretty;
mod time;

pub use line::{is_format, is_format_or_invisible, single_line, single_line_into};
pub use names::{SHORT_NAME_CHARS, list_with_more, or_not_given, shorten, written_name};
pub use pretty::{MAX_PRETTY_DETAIL_BYTES, pretty_json};
pub use time::{duration, timestamp};

/// What a notification says where an optional field was not in the event.
pub const NOT_GIVEN: &str = "(not given in the event)";

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
    fn counts_pick_the_right_noun() {
        assert_eq!(count(1, "product", "products"), "1 product");
        assert_eq!(count(0, "product", "products"), "0 products");
    }
}
