//! The source and detail type of an event, read from the first members of its payload
//! before anything parses it: EventBridge writes them near the start, after the version and
//! the id. They pick the family whose parser then reads the whole event in one pass; what
//! it reads is checked against them, so this is only a guess at the route, never the
//! answer.

/// The `source` and `detail-type` values, when both come before any member whose value is
/// not a plain string (one without escapes) and neither key is written with an escape;
/// `None` otherwise, and then the payload is read the usual way.
pub(crate) fn route_keys(payload: &str) -> Option<(&str, &str)> {
    let mut reader = Reader {
        text: payload,
        at: 0,
    };
    reader.expect(b'{')?;
    let (mut source, mut detail_type) = (None, None);
    loop {
        let key = reader.plain_string()?;
        reader.expect(b':')?;
        let value = reader.plain_string()?;
        let slot = match key {
            "source" => Some(&mut source),
            "detail-type" => Some(&mut detail_type),
            _ => None,
        };
        // A key written twice: the full reading refuses the payload, and names why.
        if slot.is_some_and(|slot| slot.replace(value).is_some()) {
            return None;
        }
        if let (Some(source), Some(detail_type)) = (source, detail_type) {
            return Some((source, detail_type));
        }
        reader.expect(b',')?;
    }
}

struct Reader<'a> {
    text: &'a str,
    at: usize,
}

impl<'a> Reader<'a> {
    /// Steps over JSON whitespace and then `byte`, or says it is not there.
    fn expect(&mut self, byte: u8) -> Option<()> {
        self.skip_whitespace();
        (self.text.as_bytes().get(self.at) == Some(&byte)).then(|| self.at += 1)
    }

    /// The text of a string without escapes, after any whitespace.
    fn plain_string(&mut self) -> Option<&'a str> {
        self.expect(b'"')?;
        let start = self.at;
        let length = self.text.as_bytes()[start..]
            .iter()
            .position(|&byte| byte == b'"' || byte == b'\\' || byte < 0x20)?;
        let end = start + length;
        if self.text.as_bytes()[end] != b'"' {
            return None;
        }
        self.at = end + 1;
        // Both ends are ASCII quotes, so both are character boundaries.
        self.text.get(start..end)
    }

    fn skip_whitespace(&mut self) {
        let bytes = self.text.as_bytes();
        while bytes
            .get(self.at)
            .is_some_and(|byte| matches!(byte, b' ' | b'\t' | b'\n' | b'\r'))
        {
            self.at += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_route_is_read_from_the_members_eventbridge_writes_first() {
        let payload = r#"{"version":"0","id":"e-1","detail-type":"Offer Released","source":"aws.marketplacecatalog","detail":{}}"#;
        assert_eq!(
            route_keys(payload),
            Some(("aws.marketplacecatalog", "Offer Released"))
        );
        let indented = "{\n  \"source\" : \"s\",\n\t\"detail-type\": \"d\"\n}";
        assert_eq!(route_keys(indented), Some(("s", "d")));
    }

    #[test]
    fn anything_unusual_before_the_route_leaves_it_to_the_full_reading() {
        for payload in [
            "",
            "[]",
            r#"{"resources":[],"source":"s","detail-type":"d"}"#,
            r#"{"source":"s\u0041","detail-type":"d"}"#,
            r#"{"sour\u0063e":"s","detail-type":"d"}"#,
            r#"{"source":"s","source":"t","detail-type":"d"}"#,
            r#"{"source":"s"}"#,
            r#"{"source":"s" "detail-type":"d"}"#,
            "{\"source\":\"s\u{1}\",\"detail-type\":\"d\"}",
        ] {
            assert_eq!(route_keys(payload), None, "{payload}");
        }
    }
}
