//! The function's executable (the `bootstrap` Lambda runs): everything it does is in the
//! library's [`marketplace_catalog_notifier::lambda`] module.

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_runtime::Error> {
    marketplace_catalog_notifier::lambda::run().await
}
