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
    let depth = nesting_depth(payload);
    if depth > MAX_DEPTH {
        return Err(format!(
            "the payload nests {depth} levels deep; at most {MAX_DEPTH} are accepted"
        ));
    }
    Ok(())
}

/// The deepest nesting of `[` and `{` outside strings. Not a validator: malformed text is
/// left to the parser, which names what is wrong with it.
fn nesting_depth(text: &str) -> usize {
    let (mut depth, mut deepest) = (0usize, 0usize);
    let (mut in_string, mut escaped) = (false, false);
    for byte in text.bytes() {
        if in_string {
            match byte {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match byte {
            b'"' => in_string = true,
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
    fn whatever_passes_parses_into_a_value() {
        let deepest = format!("{}1{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert_eq!(check(&deepest), Ok(()));
        assert!(serde_json::from_str::<serde_json::Value>(&deepest).is_ok());
    }
}
