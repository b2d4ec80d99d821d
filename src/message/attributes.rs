//! The message attributes subscription filter policies match on, and the SNS rules they
//! obey: at most ten, valid names, non-empty one-line values of bounded length.

use crate::text::single_line;

/// SQS subscriptions with raw message delivery drop messages with more than 10 attributes.
pub const MAX_ATTRIBUTES: usize = 10;

/// Attribute values are ids and short labels; a cap keeps a hostile value from eating the
/// message budget.
pub const MAX_ATTRIBUTE_VALUE_CHARS: usize = 256;

/// The SNS data type of every attribute this notifier sets.
pub const ATTRIBUTE_DATA_TYPE: &str = "String";

/// The message attributes subscription filter policies match on: at most ten, each with a
/// valid constant name and a non-empty one-line value.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Attributes(Vec<(&'static str, String)>);

impl Attributes {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds an attribute unless its value is empty once made one line; a value that is not
    /// there is better left out than sent empty (SNS rejects empty values). Attributes past
    /// the tenth are dropped, so the common ones must be added first.
    pub fn with(self, name: &'static str, value: &str) -> Self {
        debug_assert!(is_valid_attribute_name(name), "bad attribute name {name}");
        // One string per value: cut and trimmed in place rather than copied for each step.
        let mut value = single_line(value);
        if let Some((end, _)) = value.char_indices().nth(MAX_ATTRIBUTE_VALUE_CHARS) {
            value.truncate(end);
        }
        value.truncate(value.trim_end().len());
        self.with_normalised(name, value)
    }

    /// [`Self::with`] for a value that already went through it (one of another
    /// `Attributes`): making it one line, cutting and trimming it again would change
    /// nothing, so only the emptiness, count and duplicate rules are applied.
    fn with_normalised(mut self, name: &'static str, value: String) -> Self {
        if !value.is_empty() && self.0.len() < MAX_ATTRIBUTES {
            self.0.retain(|(existing, _)| *existing != name);
            self.0.push((name, value));
        }
        self
    }

    /// `name: value` first, then these attributes in order, by the rules of
    /// [`Self::with`]: what `Attributes::new().with(name, value)` folded over these gives,
    /// without making each value one line again or copying it.
    pub fn led_by(mut self, name: &'static str, value: &str) -> Self {
        // Folded that way, an attribute of the same name here would replace the leading
        // one, and every other attribute would keep its place behind it: the same list is
        // made by putting the leading attribute in front, without copying the others.
        if self.get(name).is_some() {
            return self;
        }
        if let Some(lead) = Attributes::new().with(name, value).0.pop() {
            self.0.insert(0, lead);
            self.0.truncate(MAX_ATTRIBUTES);
        }
        self
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(existing, _)| *existing == name)
            .map(|(_, value)| value.as_str())
    }

    pub fn iter(&self) -> impl Iterator<Item = (&'static str, &str)> {
        self.0.iter().map(|(name, value)| (*name, value.as_str()))
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// What the attributes add to the message size as SNS counts it: name, type and value.
    pub fn size_in_bytes(&self) -> usize {
        self.0
            .iter()
            .map(|(name, value)| name.len() + ATTRIBUTE_DATA_TYPE.len() + value.len())
            .sum()
    }
}

/// SNS attribute names: letters, digits, `_`, `-`, `.`; no `..`; not starting with a dot
/// or the reserved `AWS.`/`Amazon.` prefixes; at most 256 characters.
pub fn is_valid_attribute_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 256
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
        && !name.contains("..")
        && !name.starts_with('.')
        && !name.ends_with('.')
        && !name.to_ascii_lowercase().starts_with("aws.")
        && !name.to_ascii_lowercase().starts_with("amazon.")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_skip_empty_values_and_replace_duplicates() {
        let attributes = Attributes::new()
            .with("offer_id", "offer-1")
            .with("product_id", "  \n ")
            .with("offer_id", "offer-2");
        assert_eq!(attributes.len(), 1);
        assert_eq!(attributes.get("offer_id"), Some("offer-2"));
        assert_eq!(attributes.get("product_id"), None);
    }

    #[test]
    fn attributes_stop_at_ten() {
        const NAMES: [&str; 12] = [
            "a0", "a1", "a2", "a3", "a4", "a5", "a6", "a7", "a8", "a9", "b0", "b1",
        ];
        let attributes = NAMES
            .iter()
            .fold(Attributes::new(), |acc, name| acc.with(name, "v"));
        assert_eq!(attributes.len(), MAX_ATTRIBUTES);
        assert_eq!(attributes.get("b0"), None);
    }

    #[test]
    fn a_leading_attribute_goes_first_unless_it_is_already_there() {
        let family = Attributes::new()
            .with("offer_id", "offer-1")
            .with("detail_type", "Offer Released");
        let led = family.clone().led_by("severity", " info\n");
        let names: Vec<_> = led.iter().collect();
        assert_eq!(
            names,
            [
                ("severity", "info"),
                ("offer_id", "offer-1"),
                ("detail_type", "Offer Released")
            ]
        );
        assert_eq!(family.clone().led_by("offer_id", "other"), family);
        assert_eq!(family.clone().led_by("severity", " \n"), family);

        let full = (0..MAX_ATTRIBUTES).fold(Attributes::new(), |all, index| {
            all.with(
                ["a0", "a1", "a2", "a3", "a4", "a5", "a6", "a7", "a8", "a9"][index],
                "v",
            )
        });
        let led = full.led_by("severity", "info");
        assert_eq!(led.len(), MAX_ATTRIBUTES);
        assert_eq!(led.iter().next(), Some(("severity", "info")));
        assert_eq!(led.get("a9"), None, "the last one makes room");
    }

    #[test]
    fn attribute_values_are_one_line_and_capped() {
        let attributes = Attributes::new().with("offer_id", &format!("a\nb{}", "c".repeat(1000)));
        let value = attributes.get("offer_id").unwrap();
        assert!(value.starts_with("a b"));
        assert_eq!(value.chars().count(), MAX_ATTRIBUTE_VALUE_CHARS);
    }

    #[test]
    fn attribute_name_rules() {
        for good in ["detail_type", "event_id", "a.b-c_d", "X1"] {
            assert!(is_valid_attribute_name(good), "{good}");
        }
        for bad in ["", "AWS.x", "amazon.y", "a..b", ".a", "a.", "sp ace", "é"] {
            assert!(!is_valid_attribute_name(bad), "{bad}");
        }
    }
}
