//! The families of notifications and the topic each one goes to, by name only: which
//! environment variable holds its ARN. The registry routes events to these; the
//! configuration reads the ARNs.

/// The families of notifications, each published to its own topic so people subscribe
/// only to what concerns them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TopicKind {
    Offers,
    ChangeSets,
    Security,
    Other,
    Agreements,
}

impl TopicKind {
    pub const ALL: [TopicKind; 5] = [
        TopicKind::Offers,
        TopicKind::ChangeSets,
        TopicKind::Security,
        TopicKind::Other,
        TopicKind::Agreements,
    ];

    /// The environment variable that holds this family's topic ARN.
    pub const fn variable(self) -> &'static str {
        match self {
            TopicKind::Offers => "OFFERS_TOPIC_ARN",
            TopicKind::ChangeSets => "CHANGE_SETS_TOPIC_ARN",
            TopicKind::Security => "SECURITY_TOPIC_ARN",
            TopicKind::Other => "OTHER_EVENTS_TOPIC_ARN",
            TopicKind::Agreements => "AGREEMENTS_TOPIC_ARN",
        }
    }

    /// The other-events and agreements topics may be left out: their events are then
    /// skipped with a warning instead of published (the template always sets both).
    pub const fn is_required(self) -> bool {
        !matches!(self, TopicKind::Other | TopicKind::Agreements)
    }

    /// A short lowercase name, used in logs and in dry-run placeholder topic names.
    pub const fn name(self) -> &'static str {
        match self {
            TopicKind::Offers => "offers",
            TopicKind::ChangeSets => "change-sets",
            TopicKind::Security => "security",
            TopicKind::Other => "other-events",
            TopicKind::Agreements => "agreements",
        }
    }
}
