//! The lookup service: the configured API clients behind one entry point that answers any
//! [`LookupRequest`] (change sets, agreements, co-sell invitations and opportunities), each
//! kind of lookup under its own deadline. The clients are kept as trait objects so the
//! notifier that holds the service needs no type parameter for them.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use super::{
    AgreementFacts, ChangeSetReport, CosellRequest, DescribeAgreement, DescribeChangeSet, Found,
    InvitationFacts, LookupRequest, OpportunityFacts, PartnerCentral, enrich, look_up,
    look_up_cosell,
};

type Answer<'a, T> = Pin<Box<dyn Future<Output = Result<T, String>> + Send + 'a>>;

/// [`DescribeChangeSet`] as a trait object.
trait ChangeSetSource: Send + Sync {
    fn describe_boxed<'a>(
        &'a self,
        account: Option<&'a str>,
        catalog: &'a str,
        change_set_id: &'a str,
    ) -> Answer<'a, ChangeSetReport>;
}

impl<T: DescribeChangeSet + Send + Sync> ChangeSetSource for T {
    fn describe_boxed<'a>(
        &'a self,
        account: Option<&'a str>,
        catalog: &'a str,
        change_set_id: &'a str,
    ) -> Answer<'a, ChangeSetReport> {
        Box::pin(self.describe(account, catalog, change_set_id))
    }
}

/// [`DescribeAgreement`] as a trait object.
trait AgreementSource: Send + Sync {
    fn agreement_boxed<'a>(
        &'a self,
        account: Option<&'a str>,
        agreement_id: &'a str,
    ) -> Answer<'a, AgreementFacts>;

    fn title_boxed<'a>(
        &'a self,
        account: Option<&'a str>,
        product_id: &'a str,
    ) -> Answer<'a, Option<String>>;
}

impl<T: DescribeAgreement + Send + Sync> AgreementSource for T {
    fn agreement_boxed<'a>(
        &'a self,
        account: Option<&'a str>,
        agreement_id: &'a str,
    ) -> Answer<'a, AgreementFacts> {
        Box::pin(self.describe_agreement(account, agreement_id))
    }

    fn title_boxed<'a>(
        &'a self,
        account: Option<&'a str>,
        product_id: &'a str,
    ) -> Answer<'a, Option<String>> {
        Box::pin(self.product_title(account, product_id))
    }
}

/// [`PartnerCentral`] as a trait object.
trait CosellSource: Send + Sync {
    fn invitation_boxed<'a>(
        &'a self,
        account: Option<&'a str>,
        catalog: &'a str,
        invitation_id: &'a str,
    ) -> Answer<'a, InvitationFacts>;

    fn opportunity_boxed<'a>(
        &'a self,
        account: Option<&'a str>,
        catalog: &'a str,
        opportunity_id: &'a str,
    ) -> Answer<'a, OpportunityFacts>;
}

impl<T: PartnerCentral + Send + Sync> CosellSource for T {
    fn invitation_boxed<'a>(
        &'a self,
        account: Option<&'a str>,
        catalog: &'a str,
        invitation_id: &'a str,
    ) -> Answer<'a, InvitationFacts> {
        Box::pin(self.engagement_invitation(account, catalog, invitation_id))
    }

    fn opportunity_boxed<'a>(
        &'a self,
        account: Option<&'a str>,
        catalog: &'a str,
        opportunity_id: &'a str,
    ) -> Answer<'a, OpportunityFacts> {
        Box::pin(self.opportunity(account, catalog, opportunity_id))
    }
}

/// Adapts a boxed source back to the trait its deadline-bound lookup takes. A newtype, not
/// an impl on `&dyn …`: the blanket impls above would then call back into it.
struct Boxed<'a, S: ?Sized>(&'a S);

impl DescribeAgreement for Boxed<'_, dyn AgreementSource> {
    async fn describe_agreement(
        &self,
        account: Option<&str>,
        agreement_id: &str,
    ) -> Result<AgreementFacts, String> {
        self.0.agreement_boxed(account, agreement_id).await
    }

    async fn product_title(
        &self,
        account: Option<&str>,
        product_id: &str,
    ) -> Result<Option<String>, String> {
        self.0.title_boxed(account, product_id).await
    }
}

impl DescribeChangeSet for Boxed<'_, dyn ChangeSetSource> {
    async fn describe(
        &self,
        account: Option<&str>,
        catalog: &str,
        change_set_id: &str,
    ) -> Result<ChangeSetReport, String> {
        self.0.describe_boxed(account, catalog, change_set_id).await
    }
}

impl PartnerCentral for Boxed<'_, dyn CosellSource> {
    async fn engagement_invitation(
        &self,
        account: Option<&str>,
        catalog: &str,
        invitation_id: &str,
    ) -> Result<InvitationFacts, String> {
        self.0
            .invitation_boxed(account, catalog, invitation_id)
            .await
    }

    async fn opportunity(
        &self,
        account: Option<&str>,
        catalog: &str,
        opportunity_id: &str,
    ) -> Result<OpportunityFacts, String> {
        self.0
            .opportunity_boxed(account, catalog, opportunity_id)
            .await
    }
}

/// The configured lookups; each kind is off until a client is given.
#[derive(Default)]
pub struct Lookups {
    change_sets: Option<(Box<dyn ChangeSetSource>, Duration)>,
    agreements: Option<(Box<dyn AgreementSource>, Duration)>,
    cosell: Option<(Box<dyn CosellSource>, Duration)>,
}

impl std::fmt::Debug for Lookups {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Lookups")
            .field("change_sets", &self.change_set_deadline())
            .field("agreements", &self.agreement_deadline())
            .field("cosell", &self.cosell_deadline())
            .finish()
    }
}

impl Lookups {
    /// Change sets looked up through `client` within `deadline` (`None`: switched off).
    pub fn with_change_sets<C: DescribeChangeSet + Send + Sync + 'static>(
        mut self,
        client: Option<C>,
        deadline: Duration,
    ) -> Self {
        self.change_sets = client.map(|client| {
            let client: Box<dyn ChangeSetSource> = Box::new(client);
            (client, deadline)
        });
        self
    }

    /// Agreements looked up through `client` within `deadline` (`None`: switched off).
    pub fn with_agreements<A: DescribeAgreement + Send + Sync + 'static>(
        mut self,
        client: Option<A>,
        deadline: Duration,
    ) -> Self {
        self.agreements = client.map(|client| {
            let client: Box<dyn AgreementSource> = Box::new(client);
            (client, deadline)
        });
        self
    }

    /// Invitations and opportunities looked up through `client` within `deadline` (`None`:
    /// switched off).
    pub fn with_cosell<P: PartnerCentral + Send + Sync + 'static>(
        mut self,
        client: Option<P>,
        deadline: Duration,
    ) -> Self {
        self.cosell = client.map(|client| {
            let client: Box<dyn CosellSource> = Box::new(client);
            (client, deadline)
        });
        self
    }

    pub fn change_set_deadline(&self) -> Option<Duration> {
        self.change_sets.as_ref().map(|(_, deadline)| *deadline)
    }

    pub fn agreement_deadline(&self) -> Option<Duration> {
        self.agreements.as_ref().map(|(_, deadline)| *deadline)
    }

    pub fn cosell_deadline(&self) -> Option<Duration> {
        self.cosell.as_ref().map(|(_, deadline)| *deadline)
    }

    /// Answers `request` for an event of `account` (`None`: the function's own); a kind of
    /// lookup that is switched off answers [`Found::Nothing`]. Never fails.
    pub async fn answer(&self, account: Option<&str>, request: &LookupRequest<'_>) -> Found {
        match *request {
            LookupRequest::ChangeSet {
                catalog,
                change_set_id,
            } => match &self.change_sets {
                Some((client, deadline)) => Found::ChangeSet(
                    enrich(
                        &Boxed(client.as_ref()),
                        account,
                        catalog,
                        change_set_id,
                        *deadline,
                    )
                    .await,
                ),
                None => Found::Nothing,
            },
            LookupRequest::Agreement {
                agreement_id,
                product_id,
                product_title,
            } => match &self.agreements {
                Some((client, deadline)) => {
                    let lookup = look_up(
                        &Boxed(client.as_ref()),
                        account,
                        agreement_id,
                        product_id,
                        product_title,
                        *deadline,
                    )
                    .await;
                    Found::Agreement(lookup)
                }
                None => Found::Nothing,
            },
            LookupRequest::EngagementInvitation {
                catalog,
                invitation_id,
            } => {
                self.cosell_answer(
                    account,
                    CosellRequest::Invitation {
                        catalog,
                        invitation_id,
                    },
                )
                .await
            }
            LookupRequest::Opportunity {
                catalog,
                opportunity_id,
            } => {
                self.cosell_answer(
                    account,
                    CosellRequest::Opportunity {
                        catalog,
                        opportunity_id,
                    },
                )
                .await
            }
        }
    }

    /// The co-sell lookup's answer, or [`Found::Nothing`] while it is switched off.
    async fn cosell_answer(&self, account: Option<&str>, request: CosellRequest<'_>) -> Found {
        match &self.cosell {
            Some((client, deadline)) => Found::Cosell(
                look_up_cosell(&Boxed(client.as_ref()), account, request, *deadline).await,
            ),
            None => Found::Nothing,
        }
    }
}
