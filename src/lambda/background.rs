//! A value built on a thread of its own while the runtime asks for the first event: the
//! first invocation waits for it only if it is not ready yet, later ones find it built.

use std::future::Future;
use std::sync::Mutex;

use tokio::sync::OnceCell;
use tokio::task::JoinHandle;

/// A value being built in the background, then kept for every invocation.
pub struct Background<T> {
    built: OnceCell<T>,
    building: Mutex<Option<JoinHandle<T>>>,
}

impl<T: Send + 'static> Background<T> {
    /// Starts building with `build` on a blocking-pool thread, so the CPU-bound work runs
    /// beside the caller's own instead of after it. The future is driven by the caller's
    /// runtime handle, so anything it spawns (a connection's task) lives in that runtime.
    pub fn start(build: impl Future<Output = T> + Send + 'static) -> Self {
        let runtime = tokio::runtime::Handle::current();
        let building = tokio::task::spawn_blocking(move || runtime.block_on(build));
        Self {
            built: OnceCell::new(),
            building: Mutex::new(Some(building)),
        }
    }

    /// The value, waiting for the build to finish the first time.
    pub async fn get(&self) -> Result<&T, String> {
        self.built
            .get_or_try_init(|| async {
                // The cell lets one caller in at a time, so the handle is taken once; it
                // is missing only after a build that did not finish, which is reported then.
                let building = self
                    .building
                    .lock()
                    .map_err(|_| "the build's handle was poisoned".to_owned())?
                    .take()
                    .ok_or_else(|| "the build did not finish earlier".to_owned())?;
                building
                    .await
                    .map_err(|error| format!("the build did not finish: {error}"))
            })
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_value_is_built_once_beside_the_caller_and_kept() {
        let (started_tx, started_rx) = std::sync::mpsc::channel();
        let background = Background::start(async move {
            // Runs on another thread: the caller is free while this blocks.
            let _ = started_tx.send(std::thread::current().id());
            String::from("built")
        });
        let builder = started_rx
            .recv()
            .unwrap_or_else(|error| panic!("the build never started: {error}"));
        assert_ne!(builder, std::thread::current().id());
        assert_eq!(background.get().await.map(String::as_str), Ok("built"));
        assert_eq!(background.get().await.map(String::as_str), Ok("built"));
    }

    #[tokio::test]
    async fn a_build_that_panics_is_an_error_every_time_not_a_hang() {
        let background: Background<String> = Background::start(async { panic!("boom") });
        let first = background.get().await;
        assert!(
            first
                .as_ref()
                .is_err_and(|error| error.contains("did not finish")),
            "{first:?}"
        );
        let second = background.get().await;
        assert!(
            second
                .as_ref()
                .is_err_and(|error| error.contains("earlier")),
            "{second:?}"
        );
    }
}
