//! What the function's TLS connections trust: the Mozilla root certificates compiled into
//! the binary, given to the SDK's HTTPS client ([`tls_context`]) and to the connection the
//! first publish goes out on ([`rustls_client_config`]) alike.

use std::sync::Arc;

use aws_smithy_http_client::tls::{TlsContext, TrustStore};
use rustls::pki_types::{CertificateDer, pem::PemObject};

/// The TLS configuration of the connection opened ahead (super::connection_ahead), with
/// what the SDK's connector is given and does with it: the Mozilla roots as its only trust
/// anchors, rustls's safe protocol versions, and the cipher suites the SDK's HTTPS client
/// allows (TLS 1.3 AES-GCM, and ECDHE with AES-GCM or ChaCha20-Poly1305 for TLS 1.2), on
/// the same aws-lc-rs provider. It speaks HTTP/1.1 only. An error (a protocol version left
/// without a suite) leaves the first publish to the SDK's connector.
pub fn rustls_client_config() -> Result<rustls::ClientConfig, rustls::Error> {
    use rustls::CipherSuite;
    const ALLOWED: [CipherSuite; 7] = [
        CipherSuite::TLS13_AES_256_GCM_SHA384,
        CipherSuite::TLS13_AES_128_GCM_SHA256,
        CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        CipherSuite::TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
        CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        CipherSuite::TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
    ];
    let mut provider = rustls::crypto::aws_lc_rs::default_provider();
    provider
        .cipher_suites
        .retain(|suite| ALLOWED.contains(&suite.suite()));
    let mut roots = rustls::RootCertStore::empty();
    roots.add_parsable_certificates(
        CertificateDer::pem_slice_iter(MOZILLA_ROOTS_PEM).filter_map(Result::ok),
    );
    let mut config = rustls::ClientConfig::builder_with_provider(Arc::new(provider))
        .with_safe_default_protocol_versions()?
        .with_root_certificates(roots)
        .with_no_client_auth();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(config)
}

/// A TLS context whose only trust anchors are the Mozilla roots.
pub fn tls_context() -> TlsContext {
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

    #[test]
    fn every_mozilla_root_survives_the_pem_round_trip() {
        let decoded = CertificateDer::pem_slice_iter(MOZILLA_ROOTS_PEM)
            .collect::<Result<Vec<_>, _>>()
            .expect("the PEM written here parses");
        assert!(decoded.len() > 100, "{} roots", decoded.len());
        assert_eq!(decoded, webpki_root_certs::TLS_SERVER_ROOT_CERTS);
    }

    #[test]
    fn the_connection_ahead_trusts_the_mozilla_roots_with_the_sdks_suites_over_http_1_1() {
        let config = rustls_client_config().unwrap_or_else(|error| panic!("{error}"));
        assert_eq!(config.alpn_protocols, vec![b"http/1.1".to_vec()]);
        let suites: Vec<_> = config
            .crypto_provider()
            .cipher_suites
            .iter()
            .map(|suite| format!("{:?}", suite.suite()))
            .collect();
        assert_eq!(suites.len(), 7, "{suites:?}");
        assert!(
            suites
                .iter()
                .all(|suite| suite.contains("GCM") || suite.contains("CHACHA20")),
            "{suites:?}"
        );
    }
}
