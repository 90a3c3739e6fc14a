//! Shutdown: the OS signals that stop the registrar (SIGINT, SIGTERM), and the stop flag its
//! tasks wait on.

use tokio::sync::watch;

/// Completes once `stop` turns true (or its sender is gone). The watch guard is dropped here,
/// so a `select!` on it keeps the loop's future `Send`.
pub async fn stopped(stop: &mut watch::Receiver<bool>) {
	let _ = stop.wait_for(|stop| *stop).await;
}

/// Waits for SIGINT or SIGTERM.
pub async fn signal() {
	#[cfg(unix)]
	{
		use tokio::signal::unix::{signal, SignalKind};
		match (signal(SignalKind::interrupt()), signal(SignalKind::terminate())) {
			(Ok(mut int), Ok(mut term)) => {
				tokio::select! {
					_ = int.recv() => tracing::info!("SIGINT received"),
					_ = term.recv() => tracing::info!("SIGTERM received"),
				}
			}
			_ => {
				let _ = tokio::signal::ctrl_c().await;
			}
		}
	}
	#[cfg(not(unix))]
	{
		let _ = tokio::signal::ctrl_c().await;
	}
}

/// A stop flag set when `shutdown` completes: the receiver to wait on, and the task that sets
/// it (abort it once done).
pub fn flag(
	shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> (watch::Receiver<bool>, tokio::task::JoinHandle<()>) {
	let (stop_tx, stop_rx) = watch::channel(false);
	let task = tokio::spawn(async move {
		shutdown.await;
		let _ = stop_tx.send(true);
	});
	(stop_rx, task)
}
