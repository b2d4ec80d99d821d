//! Links the Lambda function (`marketplace-catalog-notifier`) as a position-dependent
//! executable on Linux.
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

/// The binary Lambda starts (`[[bin]]` in Cargo.toml, `Binary` in template.yaml).
const FUNCTION_BINARY: &str = "marketplace-catalog-notifier";

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    // Other linkers (macOS's, for `make demo` there) do not take the flag, and no other
    // system runs the function.
    if std::env::var("CARGO_CFG_TARGET_OS").is_ok_and(|os| os == "linux") {
        println!("cargo::rustc-link-arg-bin={FUNCTION_BINARY}=-no-pie");
    }
}
