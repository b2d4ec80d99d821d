//! Several seller accounts, one notifier: the notifier binary (through the Lambda Runtime API
//! emulator) publishing to moto's SNS, assuming a role with moto's STS, and describing the
//! change set on a local Marketplace Catalog API that records whose credentials signed each
//! request. Also the template side: the member-account forwarder and the central stack's bus
//! policies and rule patterns, as the template helper resolves them for given parameters.

use std::convert::Infallible;
use std::sync::{Arc, Mutex};

use aws_sdk_sts::config::Credentials;
use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response, StatusCode};
use marketplace_catalog_notifier::config::TopicKind;
use marketplace_catalog_notifier::registry;
use serde_json::{Value, json};

use aws_sdk_eventbridge::types::Target;

use crate::support::eventbridge::EventBus;
use crate::support::fault_proxy::{Fault, FaultProxy};
use crate::support::lambda::Lambda;
use crate::support::moto::{self, Delivery, Families, Moto};
use crate::support::template::report_on;
use crate::support::{WAIT, http_server, unique_name};

/// moto's default account: the notifier's own (central) account in these tests.
const CENTRAL: &str = "123456789012";
const MEMBER: &str = "111122223333";
const ROLE_NAME: &str = "marketplace-catalog-notifier-enrich";
const ACCOUNT_NAMES: &str = r#"{"111122223333": "Acme EU", "123456789012": "Acme central"}"#;

/// A Catalog API that answers every `DescribeChangeSet` with one failed change, and keeps
/// the access key id of each request's SigV4 `Authorization` header.
struct CatalogApi {
    url: String,
    signers: Arc<Mutex<Vec<String>>>,
}

impl CatalogApi {
    async fn start() -> Self {
        let signers = Arc::new(Mutex::new(Vec::new()));
        let recorded = Arc::clone(&signers);
        let url = http_server::serve(move |request: Request<Incoming>| {
            let recorded = Arc::clone(&recorded);
            async move { Ok::<_, Infallible>(answer(&request, &recorded)) }
        })
        .await;
        Self { url, signers }
    }

    fn signers(&self) -> Vec<String> {
        self.signers.lock().expect("signers lock").clone()
    }
}

fn answer(request: &Request<Incoming>, signers: &Mutex<Vec<String>>) -> Response<Full<Bytes>> {
    let access_key = request
        .headers()
        .get("authorization")
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split("Credential=").nth(1))
        .and_then(|credential| credential.split('/').next())
        .unwrap_or("(unsigned)")
        .to_owned();
    signers.lock().expect("signers lock").push(access_key);
    let body = json!({
        "ChangeSetId": "cs-member", "Status": "FAILED", "FailureCode": "CLIENT_ERROR",
        "FailureDescription": "Validation failed in the member account.",
        "ChangeSet": [{"ChangeType": "UpdateInformation",
                       "Entity": {"Type": "SaaSProduct@1.0", "Identifier": "prod-member"},
                       "ErrorDetailList": [{"ErrorCode": "INVALID_INPUT", "ErrorMessage": "Title too long."}]}]
    });
    Response::builder()
        .status(StatusCode::OK)
        .header("content-type", "application/json")
        .body(Full::new(Bytes::from(body.to_string())))
        .expect("static response parts are valid")
}

fn failed_change_set_from(account: &str) -> Value {
    json!({
        "version": "0", "id": unique_name("cross-account-event"), "detail-type": "Change Set Failed",
        "source": "aws.marketplacecatalog", "account": account,
        "time": "2024-05-01T10:00:00Z", "region": "us-east-1", "resources": [],
        "detail": {"requestId": "r-1", "Catalog": "AWSMarketplace", "ChangeSetId": "cs-member",
                   "ChangeSetName": "Update listing", "FailureCode": "CLIENT_ERROR",
                   "StartTime": "2024-05-01T09:55:00Z", "EndTime": "2024-05-01T09:59:30Z"}
    })
}

/// The notifier's environment for the central account, with `sts` as STS's endpoint.
fn central_env(moto_world: &[(String, String)], catalog: &str, sts: &str) -> Vec<(String, String)> {
    let mut env = moto::process_env();
    env.extend(moto_world.iter().cloned());
    env.extend(
        [
            ("ACCOUNT_NAMES", ACCOUNT_NAMES),
            ("ENRICH_ROLE_NAME", ROLE_NAME),
            ("HOME_ACCOUNT_ID", CENTRAL),
            ("AWS_ENDPOINT_URL_MARKETPLACE_CATALOG", catalog),
            ("AWS_ENDPOINT_URL_STS", sts),
        ]
        .map(|(name, value)| (name.to_owned(), value.to_owned())),
    );
    env
}

#[tokio::test]
async fn a_member_accounts_change_set_is_described_with_the_assumed_roles_credentials() {
    let world = World::new().await;
    let catalog = CatalogApi::start().await;
    let mut lambda = Lambda::start(&central_env(
        &world.families.env(),
        &catalog.url,
        &moto::endpoint(),
    ))
    .await;

    // One event from a member account, then one from the function's own account.
    for account in [MEMBER, CENTRAL] {
        let event = failed_change_set_from(account);
        lambda
            .invoke(serde_json::to_vec(&event).expect("JSON"))
            .await
            .expect_response(account);
    }
    let deliveries = world
        .moto
        .receive_exactly(world.families.queue(TopicKind::CHANGE_SETS), 2, WAIT)
        .await;
    let from = |account: &str| {
        deliveries
            .iter()
            .find(|delivery| delivery.attribute("account") == Some(account))
            .unwrap_or_else(|| panic!("no notification with account={account}"))
    };
    let delivery = from(MEMBER);
    assert_eq!(delivery.attribute("account"), Some(MEMBER));
    assert_contains(&delivery.message, "Acme EU (111122223333)");
    assert_contains(&delivery.message, "INVALID_INPUT: Title too long.");

    // The lookup was signed with credentials moto issued for the member's role, not with
    // the function's own ("testing").
    let signers = catalog.signers();
    assert_eq!(signers.len(), 2, "{signers:?}");
    assert_ne!(signers[0], "testing");
    let (account, arn) = identity_of(&signers[0]).await;
    assert_eq!(account.as_deref(), Some(MEMBER));
    assert!(
        arn.starts_with(&format!("arn:aws:sts::{MEMBER}:assumed-role/{ROLE_NAME}/")),
        "{arn}"
    );

    // The function's own account needs no role: its own credentials sign the lookup.
    let delivery = from(CENTRAL);
    assert_eq!(delivery.attribute("account"), Some(CENTRAL));
    assert_contains(&delivery.message, "Acme central (123456789012)");
    assert_eq!(
        catalog.signers().last().map(String::as_str),
        Some("testing")
    );
}

/// A `Purchase Agreement Created - Proposer` event received by `account`.
fn agreement_created_in(account: &str) -> Value {
    json!({
        "version": "0", "id": unique_name("cross-account-agreement"),
        "detail-type": "Purchase Agreement Created - Proposer",
        "source": "aws.agreement-marketplace", "account": account,
        "time": "2026-11-28T15:04:11Z", "region": "us-east-1",
        "resources": ["arn:aws:aws-marketplace::aws:agreement:agmt-member"],
        "detail": {
            "requestId": "r-1", "catalog": "AWSMarketplace",
            "agreement": {"id": "agmt-member", "intent": "NEW", "status": "ACTIVE"},
            "resaleAuthorization": {"id": null},
            "acceptor": {"accountId": "845735284135"},
            "proposer": {"accountId": account},
            "offer": {"id": "offer-3sdqk7x2jz6bq"}
        }
    })
}

/// The account and ARN moto's STS says an access key belongs to.
async fn identity_of(access_key: &str) -> (Option<String>, String) {
    let sts = aws_sdk_sts::Client::from_conf(
        aws_sdk_sts::Config::builder()
            .behavior_version(aws_sdk_sts::config::BehaviorVersion::latest())
            .region(aws_sdk_sts::config::Region::new("us-east-1"))
            .endpoint_url(moto::endpoint())
            .credentials_provider(Credentials::new(
                access_key,
                "unchecked",
                None,
                None,
                "test",
            ))
            .build(),
    );
    let identity = sts
        .get_caller_identity()
        .send()
        .await
        .expect("GetCallerIdentity");
    (
        identity.account().map(str::to_owned),
        identity.arn().unwrap_or_default().to_owned(),
    )
}

/// moto, and the notifier's topics on it with a queue subscribed to each.
struct World {
    moto: Moto,
    families: Families,
}

impl World {
    async fn new() -> Self {
        let moto = Moto::connect().await;
        let families = moto.families(true).await;
        Self { moto, families }
    }

    /// Starts the binary with `env`, invokes it once with `event` and returns it (for its
    /// log) with the one notification `kind`'s queue receives.
    async fn run_once(
        &self,
        env: &[(String, String)],
        kind: TopicKind,
        event: &Value,
        context: &str,
    ) -> (Lambda, Delivery) {
        let mut lambda = Lambda::start(env).await;
        lambda
            .invoke(serde_json::to_vec(event).expect("JSON"))
            .await
            .expect_response(context);
        let queue = self.families.queue(kind);
        let delivery = self.moto.receive_exactly(queue, 1, WAIT).await.remove(0);
        (lambda, delivery)
    }
}

/// Fails naming the whole text when `needle` is not in it.
fn assert_contains(text: &str, needle: &str) {
    assert!(text.contains(needle), "{needle:?} not in:\n{text}");
}

#[tokio::test]
async fn a_member_accounts_agreement_is_looked_up_with_the_assumed_roles_credentials() {
    let world = World::new().await;
    // The recording server is no Agreement API: it records who signed, and its answer
    // cannot be read, which the notification reports like any failed lookup.
    let agreements = CatalogApi::start().await;
    let mut env = central_env(&world.families.env(), &agreements.url, &moto::endpoint());
    env.push((
        "AWS_ENDPOINT_URL_MARKETPLACE_AGREEMENT".to_owned(),
        agreements.url.clone(),
    ));

    let (_, delivery) = world
        .run_once(
            &env,
            TopicKind::AGREEMENTS,
            &agreement_created_in(MEMBER),
            "member agreement",
        )
        .await;
    assert_eq!(delivery.attribute("account"), Some(MEMBER));
    assert_contains(&delivery.message, "Acme EU (111122223333)");
    assert_contains(&delivery.message, "could not be fetched");

    let signers = agreements.signers();
    assert!(!signers.is_empty(), "DescribeAgreement was never sent");
    for signer in &signers {
        assert_ne!(
            signer, "testing",
            "signed with the function's own credentials"
        );
        assert_eq!(identity_of(signer).await.0.as_deref(), Some(MEMBER));
    }
}

#[tokio::test]
async fn a_refused_assume_role_still_publishes_and_says_why() {
    let world = World::new().await;
    let catalog = CatalogApi::start().await;
    let mut sts = FaultProxy::start(&moto::endpoint()).await;
    sts.set(Fault::sns_error(
        StatusCode::FORBIDDEN,
        "Sender",
        "AccessDenied",
        "User is not authorized to perform: sts:AssumeRole",
    ))
    .await;

    let (lambda, delivery) = world
        .run_once(
            &central_env(&world.families.env(), &catalog.url, &sts.url()),
            TopicKind::CHANGE_SETS,
            &failed_change_set_from(MEMBER),
            "denied",
        )
        .await;

    assert!(sts.requests() >= 1, "AssumeRole was never asked");
    assert!(
        catalog.signers().is_empty(),
        "looked up without credentials: {:?}",
        catalog.signers()
    );
    assert_eq!(delivery.attribute("account"), Some(MEMBER));
    let text = &delivery.message;
    assert!(text.contains("details could not be fetched"), "{text}");
    // The notification carries no role ARN; the function's log names the role refused.
    let role = format!("arn:aws:iam::{MEMBER}:role/{ROLE_NAME}");
    assert!(!text.contains(&role), "{text}");
    let log = lambda.output();
    assert!(log.contains(&role), "the log names the role: {log}");
}

/// The function's environment for `world`, with the account names read from the SSM
/// parameter `parameter` and no change-set lookup.
fn names_from_ssm(world: &World, parameter: &str) -> Vec<(String, String)> {
    let mut env = moto::process_env();
    env.extend(world.families.env());
    env.push(("ENRICH_CHANGE_SETS".to_owned(), "false".to_owned()));
    env.push(("ACCOUNT_NAMES".to_owned(), parameter.to_owned()));
    env
}

#[tokio::test]
async fn account_names_come_from_an_ssm_parameter_read_at_cold_start() {
    let world = World::new().await;
    let parameter = format!("/{}", unique_name("account-names"));
    moto::put_secure_parameter(&parameter, r#"{"111122223333": "Acme EU from SSM"}"#).await;
    let mut env = names_from_ssm(&world, &parameter);
    let (_, delivery) = world
        .run_once(
            &env,
            TopicKind::CHANGE_SETS,
            &failed_change_set_from(MEMBER),
            "named from SSM",
        )
        .await;
    assert_contains(&delivery.message, "Acme EU from SSM (111122223333)");

    // Both settings in SSM, read together at cold start: the routes parameter sends the
    // failed change set to the family topic as the standard routes would, and one that is
    // not there fails the cold start naming ROUTES, though the account names were read.
    let routes = format!("/{}", unique_name("routes"));
    moto::put_secure_parameter(
        &routes,
        r#"{"routes": [{"match": {"severity": ["error", "critical"]}, "to": ["family"]}]}"#,
    )
    .await;
    let routed = World::new().await;
    let mut routed_env = names_from_ssm(&routed, &parameter);
    routed_env.push(("ROUTES".to_owned(), routes.clone()));
    let (_, delivery) = routed
        .run_once(
            &routed_env,
            TopicKind::CHANGE_SETS,
            &failed_change_set_from(MEMBER),
            "routed from SSM",
        )
        .await;
    assert_contains(&delivery.message, "Acme EU from SSM (111122223333)");
    routed_env.retain(|(name, _)| name != "ROUTES");
    routed_env.push(("ROUTES".to_owned(), format!("{routes}-missing")));
    let mut lambda = Lambda::start(&routed_env).await;
    let (body, error_type, _) = lambda.expect_init_failure().await;
    assert_eq!(error_type.as_deref(), Some("InvalidConfiguration"));
    let message = body["errorMessage"].as_str().unwrap_or_default();
    assert!(
        message.contains("ROUTES") && message.contains(&format!("{routes}-missing")),
        "{message}"
    );

    // A parameter that is not there fails the cold start, naming the variable.
    env.retain(|(name, _)| name != "ACCOUNT_NAMES");
    env.push(("ACCOUNT_NAMES".to_owned(), format!("{parameter}-missing")));
    let mut lambda = Lambda::start(&env).await;
    let (body, error_type, status) = lambda.expect_init_failure().await;
    assert!(!status.success());
    assert_eq!(error_type.as_deref(), Some("InvalidConfiguration"));
    let message = body["errorMessage"].as_str().unwrap_or_default();
    assert!(message.contains("ACCOUNT_NAMES"), "{message}");
    assert!(
        message.contains(&format!("{parameter}-missing")) && message.contains("ParameterNotFound"),
        "{message}"
    );
}

// ------------------------------------------------------------------------ forwarding

/// The member's forwarding rule, as the forwarder template declares it for `MEMBER`, put on
/// moto in the member account (reached with credentials moto's STS issues there); the
/// central rule as template.yaml declares it, with a queue standing in for the function
/// (moto's EventBridge cannot invoke Lambda).
///
/// moto delivers to a cross-account bus target by putting the event again in the target
/// account: it arrives with the *central* account's id (real EventBridge keeps the member's)
/// and moto checks no bus policy. So this proves the forwarder's pattern and target route an
/// event bus to bus; the account it carries, and the policy, are checked by the shape tests
/// below and by the notifier tests above.
#[tokio::test]
async fn a_member_event_is_forwarded_bus_to_bus_to_the_central_rule() {
    let moto = Moto::connect().await;
    let central = moto::sdk_config().await;
    let sts = aws_sdk_sts::Client::new(&central);
    let assumed = sts
        .assume_role()
        .role_arn(format!("arn:aws:iam::{MEMBER}:role/stack-set-execution"))
        .role_session_name("forwarder-test")
        .send()
        .await
        .expect("AssumeRole into the member account");
    let credentials = assumed.credentials().expect("credentials");
    let member = central
        .to_builder()
        .credentials_provider(aws_sdk_eventbridge::config::SharedCredentialsProvider::new(
            Credentials::new(
                credentials.access_key_id(),
                credentials.secret_access_key(),
                Some(credentials.session_token().to_owned()),
                None,
                "moto-sts",
            ),
        ))
        .build();

    let queue = moto.create_queue("central-rule").await;
    let central_rules = report_on("template.yaml", &json!({"AccountIds": MEMBER}), &[]);
    let central_rule = central_rules["rules"]
        .as_array()
        .expect("rules")
        .iter()
        .find(|rule| {
            rule["id"]
                .as_str()
                .is_some_and(|id| id.ends_with("CatalogEvents"))
        })
        .expect("the CatalogEvents rule");
    EventBus::new(&central)
        .rule_to_queue(
            &unique_name("central"),
            None,
            "ENABLED",
            &central_rule["pattern"],
            &queue,
        )
        .await;

    let forwarder = resources(
        "templates/forwarder.yaml",
        json!({"AWS::AccountId": MEMBER, "CentralAccountId": CENTRAL,
               "CentralFunctionRoleArn": format!("arn:aws:iam::{CENTRAL}:role/notifier")}),
    );
    let rule = &forwarder["ForwardMarketplaceEvents"]["Properties"];
    let member_bus = EventBus::new(&member);
    let name = unique_name("forwarder");
    member_bus
        .client
        .put_rule()
        .name(&name)
        .event_pattern(rule["EventPattern"].to_string())
        .send()
        .await
        .expect("PutRule in the member account");
    let target = Target::builder()
        .id("central")
        .arn(rule["Targets"][0]["Arn"].as_str().expect("target ARN"))
        .role_arn(format!("arn:aws:iam::{MEMBER}:role/forwarding"))
        .build()
        .expect("a target");
    member_bus
        .client
        .put_targets()
        .rule(&name)
        .targets(target)
        .send()
        .await
        .expect("PutTargets in the member account");

    let mut event = failed_change_set_from(MEMBER);
    event["detail"]["ChangeSetId"] = json!(unique_name("forwarded"));
    member_bus.put(&event).await;

    let messages = moto.take_exactly(&queue, 1, WAIT).await;
    let forwarded: Value =
        serde_json::from_str(messages[0].body().expect("a body")).expect("an event");
    assert_eq!(forwarded["source"], "aws.marketplacecatalog");
    assert_eq!(forwarded["detail-type"], "Change Set Failed");
    assert_eq!(forwarded["detail"], event["detail"]);
}

// ------------------------------------------------------------------------ templates

fn resources(template: &str, parameters: Value) -> Value {
    report_on(template, &parameters, &[])["deployed"].clone()
}

fn forwarder() -> Value {
    resources(
        "templates/forwarder.yaml",
        json!({"CentralAccountId": "999988887777",
               "CentralFunctionRoleArn": "arn:aws:iam::999988887777:role/notifier-NotifierFunctionRole-abc"}),
    )
}

#[test]
fn the_forwarder_sends_every_marketplace_source_to_the_central_default_bus() {
    let resources = forwarder();
    let rules: Vec<&Value> = resources
        .as_object()
        .expect("resources")
        .values()
        .filter(|resource| resource["Type"] == "AWS::Events::Rule")
        .collect();
    assert_eq!(rules.len(), 1, "{rules:?}");
    let rule = &rules[0]["Properties"];
    assert_eq!(rule["EventBusName"], "default");
    assert_eq!(
        rule["EventPattern"]["source"],
        json!([
            "aws.marketplacecatalog",
            "aws.agreement-marketplace",
            "aws.marketplace",
            "aws.partnercentral-selling"
        ])
    );
    let targets = rule["Targets"].as_array().expect("targets");
    assert_eq!(targets.len(), 1, "{targets:?}");
    assert_eq!(
        targets[0]["Arn"],
        "arn:aws:events:us-east-1:999988887777:event-bus/default"
    );
    assert_eq!(
        targets[0]["RoleArn"],
        json!({"Fn::GetAtt": ["ForwardingRole", "Arn"]})
    );
}

#[test]
fn the_central_account_itself_forwards_nothing() {
    let resources = resources(
        "templates/forwarder.yaml",
        json!({"AWS::AccountId": "999988887777", "CentralAccountId": "999988887777",
               "CentralFunctionRoleArn": "arn:aws:iam::999988887777:role/notifier"}),
    );
    let kinds: Vec<&str> = resources
        .as_object()
        .expect("resources")
        .values()
        .filter_map(|resource| resource["Type"].as_str())
        .collect();
    assert_eq!(
        kinds,
        ["AWS::IAM::Role"],
        "only the read-only role: {resources}"
    );
    assert!(resources.get("EnrichRole").is_some());
}

#[test]
fn the_forwarding_role_may_only_put_events_on_the_central_bus() {
    let role = &forwarder()["ForwardingRole"]["Properties"];
    let trust = &role["AssumeRolePolicyDocument"]["Statement"];
    assert_eq!(trust.as_array().map(Vec::len), Some(1));
    assert_eq!(
        trust[0]["Principal"],
        json!({"Service": "events.amazonaws.com"})
    );
    let statements = inline_statements(role);
    assert_eq!(statements.len(), 1, "{statements:?}");
    assert_eq!(statements[0]["Effect"], "Allow");
    assert_eq!(statements[0]["Action"], "events:PutEvents");
    assert_eq!(
        statements[0]["Resource"],
        "arn:aws:events:us-east-1:999988887777:event-bus/default"
    );
    assert!(role.get("ManagedPolicyArns").is_none(), "{role}");
}

#[test]
fn the_enrich_role_trusts_only_the_central_function_and_only_reads() {
    let role = &forwarder()["EnrichRole"]["Properties"];
    assert_eq!(role["RoleName"], ROLE_NAME);
    let trust = role["AssumeRolePolicyDocument"]["Statement"]
        .as_array()
        .expect("trust");
    assert_eq!(trust.len(), 1);
    assert_eq!(
        trust[0]["Principal"],
        json!({"AWS": "arn:aws:iam::999988887777:role/notifier-NotifierFunctionRole-abc"})
    );
    let actions: Vec<String> = inline_statements(role)
        .into_iter()
        .flat_map(|statement| match &statement["Action"] {
            Value::Array(actions) => actions
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect(),
            action => vec![action.as_str().unwrap_or_default().to_owned()],
        })
        .collect();
    for action in &actions {
        assert!(
            action.starts_with("aws-marketplace:Describe"),
            "{action} is not read-only"
        );
    }
    assert!(
        actions
            .iter()
            .any(|action| action == "aws-marketplace:DescribeChangeSet")
    );
    assert!(
        actions
            .iter()
            .any(|action| action == "aws-marketplace:DescribeAgreement")
    );
}

fn bus_policies(parameters: Value) -> Vec<Value> {
    resources("template.yaml", parameters)
        .as_object()
        .expect("resources")
        .values()
        .filter(|resource| resource["Type"] == "AWS::Events::EventBusPolicy")
        .map(|resource| resource["Properties"]["Statement"].clone())
        .collect()
}

#[test]
fn the_central_bus_admits_exactly_the_organization_or_the_listed_accounts() {
    assert!(
        bus_policies(json!({})).is_empty(),
        "a single-account stack opens its bus"
    );

    let organization = bus_policies(json!({"OrganizationId": "o-abcdef1234"}));
    assert_eq!(organization.len(), 1, "{organization:?}");
    assert_eq!(organization[0]["Action"], "events:PutEvents");
    // The organization, and only the Marketplace sources the rules take (the sources are
    // checked against the rules in template.rs).
    let handled: Vec<&str> = registry::sources().collect();
    let sources = json!({"events:source": handled});
    assert_eq!(
        organization[0]["Condition"],
        json!({"StringEquals": {"aws:PrincipalOrgID": "o-abcdef1234"},
               "ForAllValues:StringEquals": sources})
    );
    assert_eq!(
        organization[0]["Resource"],
        "arn:aws:events:us-east-1:123456789012:event-bus/default"
    );

    let listed = bus_policies(json!({"AccountIds": "111122223333,444455556666"}));
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert_eq!(
        listed[0]["Principal"],
        json!({"AWS": ["111122223333", "444455556666"]})
    );
    assert_eq!(listed[0]["Action"], "events:PutEvents");
    assert_eq!(
        listed[0]["Condition"],
        json!({"ForAllValues:StringEquals": sources}),
        "{listed:?}"
    );
}

/// The rules matching a catalog, an agreement, a payout and a co-sell event from
/// `account`, in that order.
fn matching_rules(parameters: Value, account: &str) -> [Vec<String>; 4] {
    let event = |source: &str, detail_type: &str| {
        json!({
            "version": "0", "id": "e-1", "detail-type": detail_type,
            "source": source, "account": account, "time": "2024-05-01T10:00:00Z",
            "region": "us-east-1", "resources": [], "detail": {}
        })
    };
    let probes = [
        (
            "catalog".to_owned(),
            event("aws.marketplacecatalog", "Change Set Succeeded"),
        ),
        (
            "agreement".to_owned(),
            event(
                "aws.agreement-marketplace",
                "Purchase Agreement Created - Proposer",
            ),
        ),
        (
            "payment".to_owned(),
            event("aws.marketplace", "Disbursement Paused"),
        ),
        (
            "cosell".to_owned(),
            event(
                "aws.partnercentral-selling",
                "Engagement Invitation Created",
            ),
        ),
    ];
    let report = report_on("template.yaml", &parameters, &probes);
    ["catalog", "agreement", "payment", "cosell"].map(|probe| {
        report["matches"][probe]
            .as_array()
            .expect("matches")
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect()
    })
}

/// Whether each rule (catalog, agreement, payment, co-sell) takes an event from `account`:
/// each rule must match its own source only, so one rule per event.
fn admitted(parameters: &Value, account: &str) -> bool {
    let [catalog, agreement, payment, cosell] = matching_rules(parameters.clone(), account);
    for other in [&agreement, &payment, &cosell] {
        assert_eq!(
            catalog.len(),
            other.len(),
            "the rules take the same accounts: {catalog:?} {other:?}"
        );
    }
    assert!(catalog.len() <= 1, "{catalog:?}");
    assert!(
        payment.iter().all(|id| id.ends_with("PaymentEvents")),
        "{payment:?}"
    );
    assert!(
        cosell.iter().all(|id| id.ends_with("CosellEvents")),
        "{cosell:?}"
    );
    assert!(
        catalog.iter().all(|id| id.ends_with("CatalogEvents")),
        "{catalog:?}"
    );
    assert!(
        agreement.iter().all(|id| id.ends_with("AgreementEvents")),
        "{agreement:?}"
    );
    catalog.len() == 1
}

#[test]
fn both_rules_take_this_account_and_exactly_the_accepted_ones() {
    let single = json!({});
    assert!(admitted(&single, CENTRAL));
    assert!(
        !admitted(&single, MEMBER),
        "pinned to this account by default"
    );

    let listed = json!({"AccountIds": "111122223333,444455556666"});
    assert!(admitted(&listed, CENTRAL));
    assert!(admitted(&listed, MEMBER));
    assert!(!admitted(&listed, "999999999999"));

    // An organization alone: its bus policy is the gate, so any account it admits.
    let organization = json!({"OrganizationId": "o-abcdef1234"});
    assert!(admitted(&organization, "999999999999"));

    // An organization with a list: only the listed accounts of it.
    let both = json!({"OrganizationId": "o-abcdef1234", "AccountIds": "111122223333"});
    assert!(admitted(&both, MEMBER));
    assert!(!admitted(&both, "999999999999"));
}

#[test]
fn roles_are_assumed_only_when_member_accounts_are_accepted() {
    let environment = |parameters: Value| {
        resources("template.yaml", parameters)["NotifierFunction"]["Properties"]["Environment"]
            ["Variables"]
            .clone()
    };
    assert_eq!(environment(json!({}))["ENRICH_ROLE_NAME"], "");
    let with_accounts = environment(json!({"AccountIds": "111122223333"}));
    assert_eq!(with_accounts["ENRICH_ROLE_NAME"], ROLE_NAME);
    assert_eq!(with_accounts["HOME_ACCOUNT_ID"], CENTRAL);
    // Agreement lookups alone still need the member role.
    let agreements_only =
        environment(json!({"AccountIds": "111122223333", "EnrichChangeSets": "false"}));
    assert_eq!(agreements_only["ENRICH_ROLE_NAME"], ROLE_NAME);
    let no_lookups = environment(json!({"AccountIds": "111122223333",
        "EnrichChangeSets": "false", "EnrichAgreements": "false"}));
    assert_eq!(no_lookups["ENRICH_ROLE_NAME"], "");
}

/// The statements of the function role's inline policies with those parameters.
fn role_statements(parameters: Value) -> Vec<Value> {
    inline_statements(&resources("template.yaml", parameters)["NotifierRole"]["Properties"])
}

/// The statements of a role's inline policies (its `Properties`), in order.
fn inline_statements(role: &Value) -> Vec<Value> {
    role["Policies"]
        .as_array()
        .expect("inline policies")
        .iter()
        .flat_map(|policy| {
            policy["PolicyDocument"]["Statement"]
                .as_array()
                .expect("statements")
                .clone()
        })
        .collect()
}

#[test]
fn the_function_role_may_assume_the_member_role_and_read_the_names_only_when_configured() {
    let actions = |statements: &[Value]| -> Vec<String> {
        statements
            .iter()
            .filter_map(|statement| statement["Action"].as_str())
            .map(str::to_owned)
            .collect()
    };
    let single = role_statements(json!({}));
    assert!(
        !actions(&single)
            .iter()
            .any(|action| action == "sts:AssumeRole" || action == "ssm:GetParameter"),
        "{single:?}"
    );

    let several = role_statements(json!({"AccountIds": "111122223333",
        "AccountNamesParameter": "/marketplace/account-names"}));
    let assume = several
        .iter()
        .find(|statement| statement["Action"] == "sts:AssumeRole")
        .expect("an AssumeRole statement");
    assert_eq!(
        assume["Resource"],
        format!("arn:aws:iam::*:role/{ROLE_NAME}")
    );
    let read = several
        .iter()
        .find(|statement| statement["Action"] == "ssm:GetParameter")
        .expect("a GetParameter statement");
    assert_eq!(
        read["Resource"],
        "arn:aws:ssm:us-east-1:123456789012:parameter/marketplace/account-names"
    );
    let decrypt = several
        .iter()
        .find(|statement| {
            statement["Action"] == "kms:Decrypt"
                && statement["Condition"]["StringEquals"]["kms:ViaService"]
                    == "ssm.us-east-1.amazonaws.com"
        })
        .expect("a Decrypt statement through SSM");
    assert_eq!(decrypt["Effect"], "Allow");
}
