//! The HTTPS client every AWS SDK client shares: rustls on aws-lc-rs, trusting the Mozilla
//! root certificates compiled into the binary (`webpki-root-certs`, written out as PEM by
//! build.rs) rather than the system's certificate store, which the SDK's default client
//! reads and parses on every cold start. Certificate validation is the SDK's own,
//! unchanged: only where the roots come from differs ([`super::trust`]), and when the
//! connector is built. The publisher's first request may go out on the connection opened
//! ahead of it ([`super::connection_ahead`]).

use std::sync::{Arc, Mutex, OnceLock};
use std::thread::JoinHandle;

use aws_smithy_http_client::{
    Builder, Connector,
    tls::{self, rustls_provider::CryptoMode},
};
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::connector_metadata::ConnectorMetadata;
use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnectorSettings, SharedHttpClient, SharedHttpConnector,
};
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;

use super::connection_ahead::{FirstOnConnectionAhead, OPENED_AHEAD};
use super::trust::tls_context;

/// The HTTPS client for [`super::load_sdk_config`]. Its connector for `publisher`'s
/// settings is the one [`start_connector_ahead`] started for them, when it did.
pub fn https_client(publisher: HttpConnectorSettings) -> SharedHttpClient {
    SharedHttpClient::new(HttpsClient::new(publisher))
}

fn tls_provider() -> tls::Provider {
    tls::Provider::Rustls(CryptoMode::AwsLc)
}

/// The SDK's HTTPS client with two changes to when it builds its connectors, which are
/// otherwise its own (the same builder, TLS configuration and connection pool):
///
/// - No check at client construction. That check builds a connector, TLS configuration and
///   trust anchors included, and drops it; it exists to read the system's certificate
///   store early, which this client never reads. It ran for every client built.
/// - The connector started ahead for one set of settings (the publisher's), when there is
///   one. Building a connector is mostly turning 118 PEM roots into trust anchors, work
///   that needs nothing the SDK configuration or the client provides, so a cold start runs
///   it beside them instead of after them. The publisher's first request goes out on the
///   connection opened ahead of it when there is one, and does not wait for this connector;
///   later requests do, if it is not built yet. Without one (a dry run, the operator
///   commands), the SDK builds every connector on first use, as it otherwise would.
///
/// Connectors are cached by their settings, as the SDK caches them.
#[derive(Debug)]
struct HttpsClient {
    sdk: SharedHttpClient,
    head_start: Option<Arc<HeadStart>>,
}

impl HttpsClient {
    fn new(settings: HttpConnectorSettings) -> Self {
        Self {
            sdk: Builder::new()
                .tls_provider(tls_provider())
                .tls_context(tls_context())
                .build_https(),
            head_start: taken_ahead(&settings).map(Arc::new),
        }
    }
}

impl HttpClient for HttpsClient {
    fn http_connector(
        &self,
        settings: &HttpConnectorSettings,
        components: &RuntimeComponents,
    ) -> SharedHttpConnector {
        let head_start = self
            .head_start
            .as_ref()
            .filter(|head_start| head_start.serves(settings))
            .cloned();
        let Some(head_start) = head_start else {
            return self.sdk.http_connector(settings, components);
        };
        // The publisher's connector: its first request goes on the connection opened ahead
        // when there is one, and the connector started ahead is waited for only by a
        // request that needs it.
        let (sdk, settings, components) = (self.sdk.clone(), settings.clone(), components.clone());
        SharedHttpConnector::new(FirstOnConnectionAhead::new(&OPENED_AHEAD, move || {
            head_start
                .connector()
                .unwrap_or_else(|| sdk.http_connector(&settings, &components))
        }))
    }

    fn validate_final_config(
        &self,
        components: &RuntimeComponents,
        cfg: &ConfigBag,
    ) -> Result<(), BoxError> {
        self.sdk.validate_final_config(components, cfg)
    }

    fn connector_metadata(&self) -> Option<ConnectorMetadata> {
        self.sdk.connector_metadata()
    }
}

/// A connector started before any HTTPS client exists, by [`start_connector_ahead`].
static STARTED_AHEAD: Mutex<Option<HeadStart>> = Mutex::new(None);

/// Starts building the connector for `settings` now, on its own thread, for the first HTTPS
/// client made for these settings to take. A cold start calls it as soon as it knows it
/// will publish: the thread then starts (and the CPU it needs wakes) while the function is
/// still reading its settings, not later, when the SDK configuration is being loaded.
pub fn start_connector_ahead(settings: HttpConnectorSettings) {
    if let Ok(mut started) = STARTED_AHEAD.lock() {
        *started = Some(HeadStart::start(settings));
    }
}

/// The connector started ahead, if it was started for `settings`; it is taken once.
fn taken_ahead(settings: &HttpConnectorSettings) -> Option<HeadStart> {
    let mut started = STARTED_AHEAD.lock().ok()?;
    if started.as_ref()?.serves(settings) {
        started.take()
    } else {
        None
    }
}

/// A connector built on its own thread for one set of settings, then kept.
#[derive(Debug)]
struct HeadStart {
    settings: HttpConnectorSettings,
    building: Mutex<Option<JoinHandle<Connector>>>,
    built: OnceLock<Option<SharedHttpConnector>>,
}

impl HeadStart {
    /// Starts the thread, which builds in the idle scheduling class
    /// ([`give_way_to_the_first_publish`]).
    fn start(settings: HttpConnectorSettings) -> Self {
        let for_builder = settings.clone();
        // The SDK's own connector builder with what its client would hand it: these
        // settings, its default sleep (tokio's) and time source (the system clock), which
        // are the ones the notifier's SDK configuration uses.
        let building = std::thread::Builder::new()
            .name("https-connector".to_owned())
            .spawn(move || {
                give_way_to_the_first_publish();
                Connector::builder()
                    .connector_settings(for_builder)
                    .tls_provider(tls_provider())
                    .tls_context(tls_context())
                    .build()
            })
            .ok();
        Self {
            settings,
            building: Mutex::new(building),
            built: OnceLock::new(),
        }
    }

    fn serves(&self, settings: &HttpConnectorSettings) -> bool {
        settings.connect_timeout() == self.settings.connect_timeout()
            && settings.read_timeout() == self.settings.read_timeout()
    }

    /// The connector, waiting for its thread the first time; `None` if the thread could
    /// not be started or did not finish, and the SDK builds one as it otherwise would.
    fn connector(&self) -> Option<SharedHttpConnector> {
        self.built
            .get_or_init(|| {
                let building = self.building.lock().ok()?.take()?;
                building.join().ok().map(SharedHttpConnector::new)
            })
            .clone()
    }
}

/// Puts the calling thread in Linux's idle scheduling class, in which it runs only on a
/// processor no other thread wants. The connector it builds is needed by the publisher's
/// second request at the earliest, while the work before the first publish (the SDK set-up,
/// the request for the first event, the Runtime API answering it and the publish itself) is
/// on the way to the first response; on Lambda's fraction of a processor, and on a machine
/// whose processors are busy, this thread took time from that work. Best effort: should the
/// call fail, the thread keeps the usual class. On other systems nothing changes.
fn give_way_to_the_first_publish() {
    #[cfg(target_os = "linux")]
    {
        let param = libc::sched_param { sched_priority: 0 };
        // SAFETY: the call only reads `param`, which outlives it, and changes the scheduling
        // class of the calling thread (pid 0) and of nothing else.
        let changed = unsafe { libc::sched_setscheduler(0, libc::SCHED_IDLE, &param) };
        if changed != 0 {
            tracing::debug!(
                error = %std::io::Error::last_os_error(),
                "the HTTPS connector's thread keeps the usual scheduling class"
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn connect_within(seconds: u64) -> HttpConnectorSettings {
        HttpConnectorSettings::builder()
            .connect_timeout(std::time::Duration::from_secs(seconds))
            .build()
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn the_thread_that_gives_way_runs_in_the_idle_class_and_no_other_does() {
        let class_after = |give_way: bool| {
            std::thread::spawn(move || {
                if give_way {
                    give_way_to_the_first_publish();
                }
                // SAFETY: reads the calling thread's (pid 0) scheduling class.
                unsafe { libc::sched_getscheduler(0) }
            })
            .join()
            .unwrap_or_else(|_| panic!("the thread panicked"))
        };
        assert_eq!(class_after(true), libc::SCHED_IDLE);
        assert_eq!(class_after(false), libc::SCHED_OTHER);
        // SAFETY: as above, for the test's own thread, which the call on the other left alone.
        assert_eq!(unsafe { libc::sched_getscheduler(0) }, libc::SCHED_OTHER);
    }

    #[test]
    fn the_head_start_serves_only_the_settings_it_was_started_for() {
        let head_start = HeadStart::start(connect_within(3));
        assert!(head_start.serves(&connect_within(3)));
        assert!(!head_start.serves(&connect_within(1)));
        assert!(!head_start.serves(&HttpConnectorSettings::builder().build()));
        let with_read_timeout = HttpConnectorSettings::builder()
            .connect_timeout(std::time::Duration::from_secs(3))
            .read_timeout(std::time::Duration::from_secs(3))
            .build();
        assert!(!head_start.serves(&with_read_timeout));
    }

    #[test]
    fn a_connector_started_ahead_is_taken_by_the_first_client_for_its_settings_only() {
        // Settings no other code uses, so no other test's client takes this one.
        start_connector_ahead(connect_within(7));
        let started = || {
            STARTED_AHEAD
                .lock()
                .map(|started| started.is_some())
                .map_err(|_| "poisoned")
        };
        assert_eq!(started(), Ok(true));
        let _other = HttpsClient::new(connect_within(1));
        assert_eq!(started(), Ok(true), "taken by a client for other settings");
        let client = HttpsClient::new(connect_within(7));
        assert_eq!(
            started(),
            Ok(false),
            "not taken by the client for its settings"
        );
        assert!(
            client
                .head_start
                .as_ref()
                .and_then(|head_start| head_start.connector())
                .is_some()
        );
    }

    #[test]
    fn the_head_started_connector_is_joined_once_then_kept() {
        let head_start = HeadStart::start(connect_within(3));
        assert!(head_start.connector().is_some());
        let thread_left = head_start
            .building
            .lock()
            .map(|building| building.is_some())
            .unwrap_or(true);
        assert!(!thread_left, "the building thread was not joined");
        // Later calls find the kept connector; there is no thread left to wait for.
        assert!(head_start.connector().is_some());
    }
}
