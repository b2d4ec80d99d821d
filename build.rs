//! Links the Lambda function (`marketplace-catalog-notifier`) as a position-dependent
//! executable on Linux, and writes the Mozilla root certificates out as the PEM its HTTPS
//! client is given.
//!
//! A position-independent executable carries a dynamic relocation for every pointer in
//! its read-only data (26,000 of them here, 630 KB of the binary), and the dynamic loader
//! applies them all at every start before `main` runs. Linked at a fixed address, the
//! function asks for its first event about half a millisecond sooner, holds 0.5 MB less
//! memory and zips 65 KB smaller (bench/build-times.md, "Position-dependent bootstrap").
//! What it gives up is the randomised address of its own code and data; the stack, the
//! heap and the shared libraries are still randomised. Go links its Lambda functions the
//! same way by default.
//!
//! Only the function: the operator commands and the test binaries keep the default.
//!
//! The SDK's trust store takes PEM only, and the roots are published as DER: encoded here,
//! once, rather than at every cold start (0.2 MB of base64 on the path to the first publish).

/// The binary Lambda starts (`[[bin]]` in Cargo.toml, `Binary` in template.yaml).
const FUNCTION_BINARY: &str = "marketplace-catalog-notifier";

/// The file in `OUT_DIR` that src/aws/trust.rs includes.
const ROOTS_PEM_FILE: &str = "mozilla-roots.pem";

fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("cargo::rerun-if-changed=build.rs");
    write_roots_pem()?;
    // Other linkers (macOS's, for `make demo` there) do not take the flag, and no other
    // system runs the function.
    if std::env::var("CARGO_CFG_TARGET_OS").is_ok_and(|os| os == "linux") {
        println!("cargo::rustc-link-arg-bin={FUNCTION_BINARY}=-no-pie");
    }
    Ok(())
}

/// Every root as one PEM block, its base64 on a single line: the SDK's PEM reader takes
/// lines of any length, and fewer lines are fewer to split.
fn write_roots_pem() -> std::io::Result<()> {
    use base64::Engine;

    let mut pem = String::with_capacity(256 * 1024);
    for certificate in webpki_root_certs::TLS_SERVER_ROOT_CERTS {
        pem.push_str("-----BEGIN CERTIFICATE-----\n");
        base64::engine::general_purpose::STANDARD.encode_string(certificate.as_ref(), &mut pem);
        pem.push_str("\n-----END CERTIFICATE-----\n");
    }
    let out_dir = std::env::var_os("OUT_DIR")
        .ok_or_else(|| std::io::Error::other("cargo did not set OUT_DIR"))?;
    std::fs::write(std::path::Path::new(&out_dir).join(ROOTS_PEM_FILE), pem)
}
