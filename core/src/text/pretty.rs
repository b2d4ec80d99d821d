//! An event's detail pretty-printed within a bounded budget, for the generic notification.

/// How much of an event's detail a generic notification shows, pretty-printed: well inside
/// SNS's 256 KiB, and small enough that a hostile detail (deeply nested, 250 KiB) costs a
/// bounded amount of memory however much its indentation would add.
pub const MAX_PRETTY_DETAIL_BYTES: usize = 64 * 1024;

/// `value` pretty-printed, cut at [`MAX_PRETTY_DETAIL_BYTES`] (at a character boundary)
/// with a closing line saying so. Printing stops at the budget: nothing past it is built.
pub fn pretty_json(value: &serde_json::Value) -> String {
    /// Takes bytes until the budget is spent, then refuses, which stops the serialiser.
    struct Capped(Vec<u8>);

    impl std::io::Write for Capped {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            let room = MAX_PRETTY_DETAIL_BYTES - self.0.len();
            if room == 0 {
                return Err(std::io::ErrorKind::WriteZero.into());
            }
            let taken = bytes.len().min(room);
            self.0.extend_from_slice(&bytes[..taken]);
            Ok(taken)
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    let mut out = Capped(Vec::new());
    let complete = serde_json::to_writer_pretty(&mut out, value).is_ok();
    let mut text = match String::from_utf8(out.0) {
        Ok(text) => text,
        // Cut inside a character: keep what decodes.
        Err(error) => {
            let valid = error.utf8_error().valid_up_to();
            let mut bytes = error.into_bytes();
            bytes.truncate(valid);
            String::from_utf8(bytes).unwrap_or_default()
        }
    };
    if !complete {
        text.push_str(&format!(
            "\n... (cut at {} KiB: the rest of the detail is in the event itself)",
            MAX_PRETTY_DETAIL_BYTES / 1024
        ));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_small_detail_is_printed_whole() {
        assert_eq!(
            pretty_json(&json!({"a": [1]})),
            "{\n  \"a\": [\n    1\n  ]\n}"
        );
    }

    #[test]
    fn a_hostile_detail_stops_at_the_budget() {
        // 120 levels of arrays, each holding 2,000 short strings: megabytes once indented.
        let mut value = json!(vec!["x"; 2_000]);
        for _ in 0..120 {
            value = json!([value, vec!["y"; 20]]);
        }
        let text = pretty_json(&value);
        assert!(text.len() < MAX_PRETTY_DETAIL_BYTES + 100, "{}", text.len());
        assert!(text.ends_with("the rest of the detail is in the event itself)"));
    }
}
