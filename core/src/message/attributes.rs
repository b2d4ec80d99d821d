//! The message attributes subscription filter policies match on, and the SNS rules they
//! obey: at most ten, valid names, non-empty one-line values of bounded length.

use std::sync::Arc;

use crate::text::{chars_end, single_line};

/// SQS subscriptions with raw message delivery drop messages with more than 10 attributes.
pub const MAX_ATTRIBUTES: usize = 10;

/// Attribute values are ids and short labels; a cap keeps a hostile value from eating the
/// message budget.
pub const MAX_ATTRIBUTE_VALUE_CHARS: usize = 256;

/// The SNS data type of every attribute this notifier sets.
pub const ATTRIBUTE_DATA_TYPE: &str = "String";

/// The message attributes subscription filter policies match on: at most ten, each with a
/// valid constant name and a non-empty one-line value.
///
/// The family's attributes are shared, not copied, between the notifications rendered from
/// one message: each rendering only puts its own leading attributes (`severity`,
/// `action_required`, fixed words) in front of them, so cloning them costs a reference
/// count instead of a string per value.
#[derive(Debug, Clone, Default)]
pub struct Attributes {
    /// Put in front by [`Self::led_by`], the latest first; never a name `listed` holds.
    leads: Leads,
    /// `None` until the first value, so that an empty set (every message's default) costs
    /// no allocation.
    listed: Option<Arc<Vec<(&'static str, String)>>>,
}

/// The leading attributes: the published ones add at most two (`action_required` by the
/// message, `severity` by the notification), so they live inline.
type Leads = [Option<(&'static str, &'static str)>; MAX_LEADS];
const MAX_LEADS: usize = 2;

impl Attributes {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds an attribute unless its value is empty once made one line; a value that is not
    /// there is better left out than sent empty (SNS rejects empty values). Attributes past
    /// the tenth are dropped, so the common ones must be added first.
    pub fn with(mut self, name: &'static str, value: &str) -> Self {
        debug_assert!(is_valid_attribute_name(name), "bad attribute name {name}");
        // One string per value: cut and trimmed in place rather than copied for each step.
        let mut value = single_line(value);
        // No more bytes than the limit is no more characters either: most values are not
        // counted at all.
        if value.len() > MAX_ATTRIBUTE_VALUE_CHARS
            && let Some(end) = chars_end(&value, MAX_ATTRIBUTE_VALUE_CHARS)
        {
            value.truncate(end);
        }
        value.truncate(value.trim_end().len());
        if value.is_empty() {
            return self;
        }
        self.settle_leads();
        let listed = self.listed_mut();
        listed.retain(|(existing, _)| *existing != name);
        if listed.len() < MAX_ATTRIBUTES {
            listed.push((name, value));
        }
        self
    }

    /// `name: value` first, then these attributes in order, by the rules of
    /// [`Self::with`]: what `Attributes::new().with(name, value)` folded over these gives.
    /// The value is a fixed word (a severity, `true`/`false`), so it is kept as it is and
    /// the attributes behind it are not copied.
    pub fn led_by(mut self, name: &'static str, value: &'static str) -> Self {
        debug_assert!(is_valid_attribute_name(name), "bad attribute name {name}");
        debug_assert!(
            !value.is_empty()
                && single_line(value) == value
                && value.chars().count() <= MAX_ATTRIBUTE_VALUE_CHARS,
            "a leading value is a fixed one-line word: {value:?}"
        );
        // Folded that way, an attribute of the same name here would replace the leading
        // one, and every other attribute would keep its place behind it.
        if self.get(name).is_some() {
            return self;
        }
        if self.leads[MAX_LEADS - 1].is_some() {
            self.settle_leads();
        }
        self.leads.rotate_right(1);
        self.leads[0] = Some((name, value));
        self
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.iter()
            .find(|(existing, _)| *existing == name)
            .map(|(_, value)| value)
    }

    /// The attributes in order: the leads, then the rest while there is room for them.
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, &str)> {
        self.leads
            .iter()
            .flatten()
            .copied()
            .chain(
                self.listed()
                    .iter()
                    .map(|(name, value)| (*name, value.as_str())),
            )
            .take(MAX_ATTRIBUTES)
    }

    pub fn len(&self) -> usize {
        (self.leads.iter().flatten().count() + self.listed().len()).min(MAX_ATTRIBUTES)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// What the attributes add to the message size as SNS counts it: name, type and value.
    pub fn size_in_bytes(&self) -> usize {
        self.iter()
            .map(|(name, value)| name.len() + ATTRIBUTE_DATA_TYPE.len() + value.len())
            .sum()
    }

    fn listed(&self) -> &[(&'static str, String)] {
        self.listed.as_deref().map_or(&[], Vec::as_slice)
    }

    /// The list to change: this set's own (copied first if another set shares it), with
    /// room for every attribute made at once.
    fn listed_mut(&mut self) -> &mut Vec<(&'static str, String)> {
        let shared = self
            .listed
            .get_or_insert_with(|| Arc::new(Vec::with_capacity(MAX_ATTRIBUTES)));
        Arc::make_mut(shared)
    }

    /// Moves the leads into the list, in their order and within the limit, so that the
    /// list alone holds every attribute.
    fn settle_leads(&mut self) {
        if self.leads.iter().all(Option::is_none) {
            return;
        }
        let leads = std::mem::take(&mut self.leads);
        let listed = self.listed_mut();
        let mut settled = Vec::with_capacity(MAX_ATTRIBUTES);
        settled.extend(
            leads
                .iter()
                .flatten()
                .map(|(name, value)| (*name, (*value).to_owned())),
        );
        settled.append(listed);
        settled.truncate(MAX_ATTRIBUTES);
        *listed = settled;
    }
}

/// Equal when they publish the same attributes in the same order, whether a value leads or
/// is listed.
impl PartialEq for Attributes {
    fn eq(&self, other: &Self) -> bool {
        self.iter().eq(other.iter())
    }
}

impl Eq for Attributes {}

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
        let led = family.clone().led_by("severity", "info");
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

    /// The rules of [`Attributes::with`] and [`Attributes::led_by`] on a plain list, one
    /// copied value per attribute: what the shared list and its leads must publish.
    #[derive(Default)]
    struct PlainList(Vec<(&'static str, String)>);

    impl PlainList {
        fn with(&mut self, name: &'static str, value: &str) {
            let value = single_line(value);
            if !value.is_empty() {
                self.0.retain(|(existing, _)| *existing != name);
                if self.0.len() < MAX_ATTRIBUTES {
                    self.0.push((name, value));
                }
            }
        }

        fn led_by(&mut self, name: &'static str, value: &str) {
            if self.0.iter().all(|(existing, _)| *existing != name) {
                self.0.insert(0, (name, value.to_owned()));
                self.0.truncate(MAX_ATTRIBUTES);
            }
        }
    }

    const NAMES: [&str; 12] = [
        "a0", "a1", "a2", "a3", "a4", "a5", "a6", "a7", "a8", "a9", "b0", "b1",
    ];
    const WORDS: [&str; 3] = ["true", "info", "x"];

    proptest::proptest! {
        #[test]
        fn leads_and_shared_values_publish_what_a_plain_list_would(
            steps in proptest::collection::vec((proptest::bool::ANY, 0..12usize, 0..3usize), 0..30)
        ) {
            let mut plain = PlainList::default();
            let mut attributes = Attributes::new();
            let mut renderings = Vec::new();
            for (lead, name, word) in steps {
                let (name, word) = (NAMES[name], WORDS[word]);
                if lead {
                    plain.led_by(name, word);
                    // A clone taken before a lead must not see it: each rendering leads its
                    // own copy of the message's attributes.
                    renderings.push((attributes.clone(), attributes.iter().count()));
                    attributes = attributes.led_by(name, word);
                } else {
                    plain.with(name, &format!(" {word}\n"));
                    attributes = attributes.with(name, &format!(" {word}\n"));
                }
                let published: Vec<_> = attributes.iter().collect();
                let expected: Vec<_> = plain.0.iter().map(|(n, v)| (*n, v.as_str())).collect();
                proptest::prop_assert_eq!(&published, &expected);
                proptest::prop_assert_eq!(attributes.len(), expected.len());
                let size: usize = expected.iter().map(|(n, v)| n.len() + 6 + v.len()).sum();
                proptest::prop_assert_eq!(attributes.size_in_bytes(), size);
            }
            for (clone, count) in renderings {
                proptest::prop_assert_eq!(clone.iter().count(), count);
            }
        }
    }

    #[test]
    fn clones_share_the_listed_values() {
        let family = Attributes::new().with("offer_id", "offer-1");
        let published = family.clone().led_by("action_required", "true");
        assert!(std::ptr::eq(
            family.get("offer_id").unwrap(),
            published.get("offer_id").unwrap()
        ));
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
