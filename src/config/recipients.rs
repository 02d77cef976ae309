//! The one recipient rule: an address parses as a mailbox and its domain is one of
//! `delivery.allowed_domains`. The config's own addresses, a run's recipients from the data
//! and `validate` all ask it here.

use lettre::message::Mailbox;
use std::fmt;
use std::str::FromStr;

/// `delivery.allowed_domains`, trimmed and lowercased.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllowedDomains(Vec<String>);

/// Why an address may not receive a briefing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecipientProblem {
    NotAnAddress,
    OutsideAllowedDomains,
}

impl AllowedDomains {
    pub fn new<'a>(domains: impl IntoIterator<Item = &'a str>) -> AllowedDomains {
        AllowedDomains(
            domains
                .into_iter()
                .map(|d| d.trim().to_ascii_lowercase())
                .collect(),
        )
    }

    /// The mailbox of an address this config may send to.
    pub fn check(&self, address: &str) -> Result<Mailbox, RecipientProblem> {
        let mailbox = Mailbox::from_str(address).map_err(|_| RecipientProblem::NotAnAddress)?;
        let domain = mailbox.email.domain().to_ascii_lowercase();
        if self.0.contains(&domain) {
            Ok(mailbox)
        } else {
            Err(RecipientProblem::OutsideAllowedDomains)
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Display for AllowedDomains {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_must_parse_and_be_in_an_allowed_domain() {
        let allowed = AllowedDomains::new([" Example.FR ", "example.com"]);
        assert!(allowed.check("Camille <camille@EXAMPLE.fr>").is_ok());
        assert_eq!(
            allowed.check("boss@evil.example"),
            Err(RecipientProblem::OutsideAllowedDomains)
        );
        assert_eq!(
            allowed.check("not an address"),
            Err(RecipientProblem::NotAnAddress)
        );
        assert_eq!(allowed.to_string(), "example.fr, example.com");
    }
}
