//! `Id`: an identifier an event must carry (offer id, change set id, account id). Empty
//! or blank values are rejected, so every notification and attribute has something to show.

use std::fmt;

use serde::{Deserialize, Deserializer, de::Error as _};

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Id(String);

impl Id {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for Id {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for Id {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = String::deserialize(deserializer)?;
        if value.trim().is_empty() {
            return Err(D::Error::custom("must not be empty"));
        }
        Ok(Self(value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_values_and_rejects_blank_or_non_strings() {
        let id: Id = serde_json::from_str("\"offer-1\"").unwrap();
        assert_eq!(id.as_str(), "offer-1");
        assert!(serde_json::from_str::<Id>("\"\"").is_err());
        assert!(serde_json::from_str::<Id>("\" \\n\"").is_err());
        assert!(serde_json::from_str::<Id>("42").is_err());
    }
}
