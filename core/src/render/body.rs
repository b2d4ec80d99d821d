//! `Body`: lays out plain text (paragraphs, titled sections, aligned "label: value" lines,
//! bullets) so every notification reads the same way in an e-mail client.

/// Labels are padded to this width so values line up in a monospaced e-mail view.
const LABEL_WIDTH: usize = 22;

#[derive(Debug, Default)]
pub struct Body(String);

impl Body {
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty body with room for `bytes`, so a notification's text is written without
    /// growing the buffer as it goes.
    pub fn with_capacity(bytes: usize) -> Self {
        Self(String::with_capacity(bytes))
    }

    /// A paragraph of prose, separated from what follows by a blank line.
    pub fn paragraph(&mut self, text: &str) -> &mut Self {
        self.end_section();
        self.line("", text, "\n\n")
    }

    /// A paragraph made of `lead` and `text`, with no string built for the pair.
    pub fn paragraph_after(&mut self, lead: &str, text: &str) -> &mut Self {
        self.end_section();
        self.line(lead, text, "\n\n")
    }

    /// Starts a titled section.
    pub fn section(&mut self, title: &str) -> &mut Self {
        self.end_section();
        self.0.push_str(title);
        self.0.push('\n');
        self
    }

    /// One aligned `label: value` line in the current section.
    pub fn field(&mut self, label: &str, value: &str) -> &mut Self {
        let padding = LABEL_WIDTH.saturating_sub(label.chars().count() + 1);
        self.0.push_str("  ");
        self.0.push_str(label);
        self.0.push(':');
        self.0.extend(std::iter::repeat_n(' ', padding + 1));
        self.0.push_str(value);
        self.0.push('\n');
        self
    }

    /// One bulleted line in the current section.
    pub fn bullet(&mut self, text: &str) -> &mut Self {
        self.line("  - ", text, "\n")
    }

    /// A bulleted `text: link` line.
    pub fn bullet_link(&mut self, text: &str, url: &str) -> &mut Self {
        self.0.push_str("  - ");
        self.0.push_str(text);
        self.line(": ", url, "\n")
    }

    /// An indented line that continues the previous one (e.g. a command to copy).
    pub fn indented(&mut self, text: &str) -> &mut Self {
        self.line("      ", text, "\n")
    }

    /// Verbatim text, such as pretty-printed JSON: its lines are kept, and what a body may
    /// not hold (control and format characters in the event's strings) is dropped as it
    /// is written, since no family has made it one clean line.
    pub fn raw(&mut self, text: &str) -> &mut Self {
        crate::notification::push_allowed_in_body(&mut self.0, text);
        if !text.ends_with('\n') {
            self.0.push('\n');
        }
        self
    }

    pub fn finish(mut self) -> String {
        while self.0.ends_with('\n') {
            self.0.pop();
        }
        self.0.push('\n');
        self.0
    }

    /// Appends `prefix`, `text` and `suffix` straight into the body: no formatting
    /// machinery, no temporary string per line.
    fn line(&mut self, prefix: &str, text: &str, suffix: &str) -> &mut Self {
        self.0.reserve(prefix.len() + text.len() + suffix.len());
        self.0.push_str(prefix);
        self.0.push_str(text);
        self.0.push_str(suffix);
        self
    }

    fn end_section(&mut self) {
        if !self.0.is_empty() && !self.0.ends_with("\n\n") {
            self.0.push('\n');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lays_out_paragraphs_sections_and_aligned_fields() {
        let mut body = Body::new();
        body.paragraph("Hello.")
            .section("Offer")
            .field("ID", "offer-1")
            .bullet("do this")
            .section("Event")
            .field("Time", "now");
        assert_eq!(
            body.finish(),
            "Hello.\n\nOffer\n  ID:                    offer-1\n  - do this\n\nEvent\n  Time:                  now\n"
        );
    }

    #[test]
    fn verbatim_text_keeps_its_lines_and_loses_control_and_format_characters() {
        let mut body = Body::new();
        body.raw("{\n\t\"name\": \"a\u{202e}b\u{200b}c\u{7}\u{85}\"\n}");
        assert_eq!(body.finish(), "{\n\t\"name\": \"abc\"\n}\n");
    }
}
