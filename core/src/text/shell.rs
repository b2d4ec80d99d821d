//! Values from an event as words of a command a reader may paste into a POSIX shell.

use std::borrow::Cow;

use super::single_line;

/// Quotes a value for a POSIX shell unless it is plainly safe, so text from an event can
/// never turn a pasted command into a different one.
pub fn shell_word(value: &str) -> String {
    let line = single_line(value);
    // single_line has replaced control characters (NUL among them), the one input shlex
    // refuses to quote; should one get through, the command shows an empty word instead.
    match shlex::try_quote(&line) {
        // Plainly safe (an id, a region): the line is the word, without a second copy.
        Ok(Cow::Borrowed(word)) if word == line => line,
        // The empty word's quotes, or a quoted copy.
        Ok(quoted) => quoted.into_owned(),
        Err(_) => "''".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn safe_values_stay_as_they_are_and_others_are_quoted() {
        assert_eq!(
            shell_word("76yesvf8y165pa4f98td2crtg"),
            "76yesvf8y165pa4f98td2crtg"
        );
        assert_eq!(shell_word("AWSMarketplace"), "AWSMarketplace");
        assert_eq!(shell_word("a b;rm -rf /"), "'a b;rm -rf /'");
        assert_eq!(shell_word("it's"), r#""it's""#);
        assert_eq!(shell_word("$(id)'"), r#"'$(id)'"'""#);
        assert_eq!(shell_word(""), "''");
    }

    #[test]
    fn a_value_is_made_one_line_before_it_is_quoted() {
        assert_eq!(shell_word(" agmt-1\n"), "agmt-1");
        assert_eq!(shell_word("a\u{0}b"), "'a b'");
    }
}
