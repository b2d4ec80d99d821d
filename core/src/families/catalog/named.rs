//! How an offer event shows the things it names (offers, products, offer sets, the parties):
//! each name cleaned once, then worded as a label, a mention or a party.

use crate::accounts::AccountNames;
use crate::text::{NOT_GIVEN, concat, shorten, single_line, written_name};

/// Something the event names, as shown: its written name ([`written_name`]; `None` when the
/// event gives none or only blanks) and its id, each one clean line.
pub(super) struct Named {
    pub(super) name: Option<String>,
    pub(super) id: String,
}

impl Named {
    pub(super) fn new(name: Option<&str>, id: &str) -> Self {
        Self {
            name: name.map(written_name).filter(|name| !name.is_empty()),
            id: single_line(id),
        }
    }

    /// A party's account under the name configured in `ACCOUNT_NAMES` first (the name the
    /// reader's team uses), then the one the event gives, with the account id as the id.
    pub(super) fn of_account(account_id: &str, name: Option<&str>, names: &AccountNames) -> Self {
        let id = single_line(account_id);
        let name = names
            .name(&id)
            .map(str::to_owned)
            .or_else(|| name.map(written_name))
            .filter(|name| !name.is_empty());
        Self { name, id }
    }

    /// `"Name" (id)` when named, otherwise just the id.
    pub(super) fn label(&self) -> String {
        match &self.name {
            Some(name) => concat(["\"", name, "\" (", &self.id, ")"]),
            None => self.id.clone(),
        }
    }

    /// `"Name"` when named, otherwise the id.
    pub(super) fn name_or_id(&self) -> String {
        match &self.name {
            Some(name) => concat(["\"", name, "\""]),
            None => self.id.clone(),
        }
    }

    /// The name after its first full appearance: shortened when long, or [`NOT_GIVEN`].
    pub(super) fn short_or_not_given(&self) -> String {
        self.name
            .as_deref()
            .map_or_else(|| NOT_GIVEN.to_owned(), shorten)
    }

    /// "Name (account id)", saying when the name was not given.
    pub(super) fn party(&self) -> String {
        match &self.name {
            Some(name) => concat([name, " (", &self.id, ")"]),
            None => concat(["account ", &self.id, " (name not given)"]),
        }
    }

    /// [`Self::party`] with a long name shortened, for its second appearance.
    pub(super) fn short_party(&self) -> String {
        match &self.name {
            Some(name) => concat([&shorten(name), " (", &self.id, ")"]),
            None => concat(["account ", &self.id, " (name not given)"]),
        }
    }
}
