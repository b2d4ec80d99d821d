//! What an ended agreement or a revoked licence asks of the seller, by the product's type
//! (from `DescribeAgreement`): final metering and revoking access for SaaS, nothing for
//! container products, and each case in one line when the type is not known.
//!
//! Sources (AWS Marketplace seller guide): "Managing SaaS subscription events with Amazon
//! EventBridge" and "Pricing for SaaS subscriptions" (the ended event opens a one-hour window
//! for the final `BatchMeterUsage` records; the seller disables the buyer's access; after
//! License Deprovisioned no more metering is accepted); "Container product billing, metering,
//! and licensing integrations" (AWS Marketplace Metering Service and License Manager check
//! entitlement and meter container products: the seller sends nothing); "Amazon EventBridge
//! events" (Ended also covers agreements that were renewed or replaced).

use crate::message::{NextStep, Severity};

use super::step;

/// The product's type, as far as it matters for what the seller must do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ProductType {
    Saas,
    Container,
    /// A known type with no final metering of the seller's own (AMI, professional services,
    /// data, machine learning, ...).
    Other,
    /// Not looked up, or the lookup failed.
    Unknown,
}

impl ProductType {
    /// From `proposalSummary.resources[].type` (`SaaSProduct`, `ContainerProduct`, ...).
    pub(super) fn from_resource_type(resource_type: Option<&str>) -> Self {
        match resource_type.map(str::trim) {
            None | Some("") => ProductType::Unknown,
            Some(kind) if kind.starts_with("SaaS") => ProductType::Saas,
            Some(kind) if kind.starts_with("Container") => ProductType::Container,
            Some(_) => ProductType::Other,
        }
    }
}

/// How an `Ended` event reads: its headline's opening words, severity, whether a person must
/// act, the sentence that closes the summary, and the steps.
pub(super) struct Verdict {
    pub headline: String,
    pub severity: Severity,
    pub action_required: bool,
    pub closing: String,
    pub steps: Vec<NextStep>,
}

const SAAS_END: &str = "SaaS: send the buyer's final metering records (BatchMeterUsage) within one hour of this event, then revoke the buyer's access.";
const CONTAINER_END: &str =
    "Container: nothing to do; AWS Marketplace meters container products and checks entitlement.";
const OTHER_END: &str = "Other types (AMI, professional services, data): end any service you deliver outside AWS as agreed with the buyer.";
const UNPLANNED: &str = "If the end was not planned, contact the buyer about a new offer.";

/// An agreement ended with `status`: renewed and replaced agreements go on under a new
/// agreement; any other end asks for the product type's final steps.
pub(super) fn ended(status: Option<&str>, product: ProductType) -> Verdict {
    match status {
        Some("RENEWED") => Verdict {
            headline: "Agreement renewed (previous term ended)".to_owned(),
            severity: Severity::Info,
            action_required: false,
            closing: "It was renewed: the buyer carries on under a new agreement, announced by its own Created event. Nothing to do.".to_owned(),
            steps: Vec::new(),
        },
        Some("REPLACED") => Verdict {
            headline: "Agreement replaced".to_owned(),
            severity: Severity::Info,
            action_required: false,
            closing: "It was replaced by a new agreement (for example a new offer the buyer accepted), announced by its own Created event. Nothing to do.".to_owned(),
            steps: Vec::new(),
        },
        _ => {
            let headline = match status {
                Some(status) => format!("Agreement ended ({status})"),
                None => "Agreement ended".to_owned(),
            };
            let (action_required, closing, mut steps) = match product {
                ProductType::Saas => (
                    true,
                    "Send the final metering records within one hour, then revoke access.",
                    vec![
                        step(
                            "Send the buyer's final metering records (BatchMeterUsage) now: AWS accepts them for one hour after this event.",
                        ),
                        step("Then revoke the buyer's access to the product."),
                    ],
                ),
                ProductType::Container => (
                    false,
                    "For a container product AWS Marketplace handles metering and entitlement: nothing to do.",
                    Vec::new(),
                ),
                ProductType::Other => (
                    true,
                    "End any service you deliver outside AWS as agreed with the buyer.",
                    vec![step(
                        "End any service you deliver outside AWS as agreed with the buyer.",
                    )],
                ),
                ProductType::Unknown => (
                    true,
                    "What to do depends on the product type (see the steps).",
                    vec![step(SAAS_END), step(CONTAINER_END), step(OTHER_END)],
                ),
            };
            steps.push(step(UNPLANNED));
            Verdict {
                headline,
                severity: Severity::Warning,
                action_required,
                closing: closing.to_owned(),
                steps,
            }
        }
    }
}

/// A licence fully revoked: whether a person must act, the summary's closing sentence and
/// the steps, by product type.
pub(super) fn deprovisioned(product: ProductType) -> (Severity, bool, &'static str, Vec<NextStep>) {
    match product {
        ProductType::Saas => (
            Severity::Warning,
            true,
            "AWS no longer accepts metering records for this buyer.",
            vec![step(
                "Remove the buyer's access: AWS no longer accepts metering records for this buyer.",
            )],
        ),
        ProductType::Container => (
            Severity::Info,
            false,
            "For a container product AWS Marketplace handles metering and entitlement: nothing to do.",
            Vec::new(),
        ),
        ProductType::Other => (
            Severity::Warning,
            true,
            "End any access you grant outside AWS.",
            vec![step("End any access to the product you grant outside AWS.")],
        ),
        ProductType::Unknown => (
            Severity::Warning,
            true,
            "What to do depends on the product type (see the steps).",
            vec![
                step(
                    "SaaS: remove the buyer's access; AWS no longer accepts metering records for this buyer.",
                ),
                step(CONTAINER_END),
                step("Other types: end any access to the product you grant outside AWS."),
            ],
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resource_types_map_to_what_the_seller_must_do() {
        assert_eq!(
            ProductType::from_resource_type(Some("SaaSProduct")),
            ProductType::Saas
        );
        assert_eq!(
            ProductType::from_resource_type(Some("ContainerProduct")),
            ProductType::Container
        );
        assert_eq!(
            ProductType::from_resource_type(Some("AmiProduct")),
            ProductType::Other
        );
        assert_eq!(
            ProductType::from_resource_type(Some(" ")),
            ProductType::Unknown
        );
        assert_eq!(ProductType::from_resource_type(None), ProductType::Unknown);
    }

    #[test]
    fn an_end_needs_action_except_for_containers_renewals_and_replacements() {
        for (status, product, severity, action) in [
            (Some("EXPIRED"), ProductType::Saas, Severity::Warning, true),
            (
                Some("CANCELLED"),
                ProductType::Unknown,
                Severity::Warning,
                true,
            ),
            (None, ProductType::Other, Severity::Warning, true),
            (
                Some("EXPIRED"),
                ProductType::Container,
                Severity::Warning,
                false,
            ),
            (Some("RENEWED"), ProductType::Saas, Severity::Info, false),
            (
                Some("REPLACED"),
                ProductType::Unknown,
                Severity::Info,
                false,
            ),
        ] {
            let verdict = ended(status, product);
            assert_eq!(verdict.severity, severity, "{status:?} {product:?}");
            assert_eq!(verdict.action_required, action, "{status:?} {product:?}");
        }
        let unknown = ended(Some("EXPIRED"), ProductType::Unknown);
        let texts: Vec<&str> = unknown.steps.iter().map(|s| s.text.as_ref()).collect();
        assert!(texts.iter().any(|t| t.starts_with("SaaS:")), "{texts:?}");
        assert!(
            texts.iter().any(|t| t.starts_with("Container:")),
            "{texts:?}"
        );
    }

    #[test]
    fn a_container_licence_needs_nothing() {
        let (severity, action, _, steps) = deprovisioned(ProductType::Container);
        assert_eq!((severity, action, steps.len()), (Severity::Info, false, 0));
        assert!(deprovisioned(ProductType::Unknown).1);
    }
}
