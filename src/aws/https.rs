//! The HTTPS client every AWS SDK client shares: rustls on aws-lc-rs, trusting the Mozilla
//! root certificates compiled into the binary (`webpki-root-certs`, written out as PEM by
//! build.rs) rather than the system's certificate store, which the SDK's default client
//! reads and parses on every cold start. Certificate validation is the SDK's own,
//! unchanged: only where the roots come from differs.

use aws_smithy_http_client::{
    Builder,
    tls::{self, TlsContext, TrustStore, rustls_provider::CryptoMode},
};
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::connector_metadata::ConnectorMetadata;
use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnectorSettings, SharedHttpClient, SharedHttpConnector,
};
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;

/// The HTTPS client for [`super::load_sdk_config`].
pub fn https_client() -> SharedHttpClient {
    SharedHttpClient::new(WithoutThrowawayConnector(
        Builder::new()
            .tls_provider(tls::Provider::Rustls(CryptoMode::AwsLc))
            .tls_context(tls_context())
            .build_https(),
    ))
}

/// The SDK's HTTPS client without its check at client construction. That check builds a
/// connector, TLS configuration and trust anchors included, and drops it. It exists to read
/// the system's certificate store early, which this client never reads. It ran for every
/// client built: the SNS client at init, and the client of every lookup. The connector
/// requests use is built once, on first use (at init, by `SnsPublisher::prepare`), and
/// cached by the SDK's client as before.
#[derive(Debug)]
struct WithoutThrowawayConnector(SharedHttpClient);

impl HttpClient for WithoutThrowawayConnector {
    fn http_connector(
        &self,
        settings: &HttpConnectorSettings,
        components: &RuntimeComponents,
    ) -> SharedHttpConnector {
        self.0.http_connector(settings, components)
    }

    fn validate_final_config(
        &self,
        components: &RuntimeComponents,
        cfg: &ConfigBag,
    ) -> Result<(), BoxError> {
        self.0.validate_final_config(components, cfg)
    }

    fn connector_metadata(&self) -> Option<ConnectorMetadata> {
        self.0.connector_metadata()
    }
}

/// A TLS context whose only trust anchors are the Mozilla roots.
fn tls_context() -> TlsContext {
    let trust_store = TrustStore::empty().with_pem_certificate(MOZILLA_ROOTS_PEM);
    // `build` only moves its fields into the context (aws-smithy-http-client 1.x) and cannot
    // fail; should a later version validate here, the SDK's default context (the system
    // store) is the safe fallback, equally strict, only slower to load.
    TlsContext::builder()
        .with_trust_store(trust_store)
        .build()
        .unwrap_or_default()
}

/// The Mozilla roots as PEM, the only form the SDK's trust store takes: build.rs encodes
/// the DER certificates `webpki-root-certs` publishes, so no cold start has to.
const MOZILLA_ROOTS_PEM: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/mozilla-roots.pem"));

#[cfg(test)]
mod tests {
    use super::*;
    use rustls::pki_types::{CertificateDer, pem::PemObject};

    #[test]
    fn every_mozilla_root_survives_the_pem_round_trip() {
        let decoded = CertificateDer::pem_slice_iter(MOZILLA_ROOTS_PEM)
            .collect::<Result<Vec<_>, _>>()
            .expect("the PEM written here parses");
        assert!(decoded.len() > 100, "{} roots", decoded.len());
        assert_eq!(decoded, webpki_root_certs::TLS_SERVER_ROOT_CERTS);
    }
}
