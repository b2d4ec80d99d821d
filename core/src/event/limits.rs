//! The input limits, checked once at the front before anything else reads the payload: its
//! size, and how deeply its JSON nests. Every later reader (the envelope, the family's
//! parser, the payload fingerprint, the redrive command) can then parse what passed, and a
//! hostile event cannot make one of them fail halfway or use unbounded memory.

/// The largest payload accepted. EventBridge caps one event at 256 KB; four times that
/// leaves room for any event it sends and still bounds what one invocation holds.
pub const MAX_EVENT_BYTES: usize = 1024 * 1024;

/// The deepest nesting accepted (objects and arrays). serde_json refuses to build a value
/// past 128 levels; stopping below that means whatever passes here also parses there.
pub const MAX_DEPTH: usize = 120;

/// Why a payload is refused, naming the limit.
pub fn check(payload: &str) -> Result<(), String> {
    if payload.len() > MAX_EVENT_BYTES {
        return Err(format!(
            "the payload is {} bytes; at most {MAX_EVENT_BYTES} are accepted",
            payload.len()
        ));
    }
    // No payload nests deeper than it has brackets and braces, and nearly every event has
    // far fewer than the limit: counting them is one vectorised search, where the exact
    // depth takes a walk through every string.
    if openers(payload) <= MAX_DEPTH {
        return Ok(());
    }
    let depth = nesting_depth(payload);
    if depth > MAX_DEPTH {
        return Err(format!(
            "the payload nests {depth} levels deep; at most {MAX_DEPTH} are accepted"
        ));
    }
    Ok(())
}

/// How many `[` and `{` the text holds, strings included: a bound on its nesting.
fn openers(text: &str) -> usize {
    memchr::memchr2_iter(b'[', b'{', text.as_bytes()).count()
}

/// The deepest nesting of `[` and `{` outside strings. Not a validator: malformed text is
/// left to the parser, which names what is wrong with it. Most of an event is string text,
/// which is skipped to its closing quote at once instead of byte by byte.
fn nesting_depth(text: &str) -> usize {
    let bytes = text.as_bytes();
    let (mut depth, mut deepest, mut at) = (0usize, 0usize, 0usize);
    while let Some(&byte) = bytes.get(at) {
        at += 1;
        match byte {
            b'"' => at = string_end(bytes, at),
            b'[' | b'{' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

/// Just past the closing quote of the string whose text starts at `at` (escaped quotes are
/// part of the text), or the end of `bytes` when the string is never closed.
fn string_end(bytes: &[u8], mut at: usize) -> usize {
    while let Some(rest) = bytes.get(at..) {
        match memchr::memchr2(b'"', b'\\', rest) {
            // An escape: the backslash and the character it escapes.
            Some(offset) if rest[offset] == b'\\' => at += offset + 2,
            Some(offset) => return at + offset + 1,
            None => break,
        }
    }
    bytes.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nested(levels: usize) -> String {
        format!("{}{}", "[".repeat(levels), "]".repeat(levels))
    }

    #[test]
    fn nesting_is_counted_outside_strings_only() {
        assert_eq!(nesting_depth(r#"{"a": [1, {"b": "[[[{{{"}]}"#), 3);
        assert_eq!(nesting_depth(r#"{"a": "\"[[", "b": []}"#), 2);
        assert_eq!(nesting_depth("plain"), 0);
        assert_eq!(nesting_depth(r#"["a\\", ["b"]]"#), 2);
        assert_eq!(nesting_depth(r#"["unclosed [[[ \"#), 1);
        assert_eq!(nesting_depth("[\"ends in a backslash\\"), 1);
    }

    #[test]
    fn the_limits_are_named_when_exceeded() {
        assert_eq!(check(&nested(MAX_DEPTH)), Ok(()));
        let too_deep = check(&nested(MAX_DEPTH + 1)).unwrap_err();
        assert!(
            too_deep.contains("121 levels deep; at most 120"),
            "{too_deep}"
        );
        let too_big = check(&" ".repeat(MAX_EVENT_BYTES + 1)).unwrap_err();
        assert!(
            too_big.contains("at most 1048576 are accepted"),
            "{too_big}"
        );
    }

    #[test]
    fn many_brackets_in_strings_are_no_depth() {
        // Past the bound that spares the walk, the walk decides.
        let shallow = format!(r#"{{"a": "{}", "b": [[1]]}}"#, "[{".repeat(MAX_DEPTH));
        assert_eq!(check(&shallow), Ok(()));
        let deep = format!(
            r#"{{"a": "{}", "b": {}}}"#,
            "[".repeat(10),
            nested(MAX_DEPTH)
        );
        let too_deep = check(&deep).unwrap_err();
        assert!(too_deep.contains("121 levels deep"), "{too_deep}");
    }

    #[test]
    fn whatever_passes_parses_into_a_value() {
        let deepest = format!("{}1{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert_eq!(check(&deepest), Ok(()));
        assert!(serde_json::from_str::<serde_json::Value>(&deepest).is_ok());
    }
}
