//! The service: [`run`] takes a configuration and a shutdown future, holds the state
//! directory's lock, resumes from the state file, serves the HTTP endpoints and runs the loop
//! (the private `worker` module) of attempts (`attempt`, [`register_once`]) until shut down.

mod attempt;
mod config;
mod discovery;
mod worker;

pub use attempt::register_once;
pub use config::{Authority, DiscoveryConfig, DiscoverySigning, RegistrationConfig};

use crate::{
	endpoint::redact_endpoint,
	shutdown,
	state::{PersistedState, StateError, StateLock, STATE_VERSION},
	status::{Shared, Status},
};
use sp_core::crypto::Ss58Codec;
use std::{future::Future, net::SocketAddr};

/// Errors that stop the registrar (everything else is retried).
#[derive(Debug, thiserror::Error)]
pub enum RegistrarError {
	/// The state directory could not be locked or written.
	#[error(transparent)]
	State(#[from] StateError),
	/// The HTTP server could not bind.
	#[error("cannot bind the HTTP server on {addr}: {source}")]
	Http {
		/// The address.
		addr: SocketAddr,
		/// The cause.
		source: std::io::Error,
	},
}

/// Keeps the node registered until SIGINT or SIGTERM.
pub async fn run_registration_loop(config: RegistrationConfig) -> Result<(), RegistrarError> {
	run(config, shutdown::signal()).await
}

/// [`run`]: kept under the reference's name.
pub async fn run_registration_loop_until(
	config: RegistrationConfig,
	shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), RegistrarError> {
	run(config, shutdown).await
}

/// Keeps the node registered until `shutdown` completes: reads the chain first and submits
/// nothing when the node is already registered to this owner; otherwise registers with a fresh
/// challenge. Once registered it parks, and re-arms when the node is unregistered, degraded or
/// swapped away (seen in finalized blocks' events, and by a periodic storage check as a
/// backstop). Failures back off exponentially with jitter; conflicts wait a full interval,
/// slow retries a full interval doubling while they last (up to a cap of hours), and conflict
/// warnings are rate-limited. Refusals that the same configuration would meet again (fatal)
/// stop the submissions: one the chain made of a submitted registration is remembered in the
/// state file ([`crate::state::RefusedRegistration`]), and while it is, attempts (also after a
/// restart with the same configuration) only read the chain, and submit again only once
/// [`crate::judge::decide`] decides otherwise than to submit ([`crate::judge::after_refusal`]).
pub async fn run(
	config: RegistrationConfig,
	shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), RegistrarError> {
	let lock = StateLock::acquire(&config.state_dir)?;
	let node_id = config.node_key.peer_id_base58();
	let owner = config.authority.owner_account().to_ss58check();
	let submitter = config.authority.consent().map(|_| config.authority.signer().ss58());
	let mut persisted = resume(&config, &node_id, &owner);
	persisted.version = STATE_VERSION;
	persisted.node_id = node_id.clone();
	persisted.owner = owner.clone();

	let endpoint = redact_endpoint(&config.endpoint);
	let shared = Shared::new(Status {
		node_id: node_id.clone(),
		owner: owner.clone(),
		endpoint: endpoint.clone(),
		submitter: submitter.clone(),
		consent_valid_until: config.authority.consent().map(|c| c.consent().valid_until),
		..Status::default()
	});
	let (stop, signal_task) = shutdown::flag(shutdown);
	let http = match config.http_addr {
		Some(addr) => {
			let listener = crate::http::bind(addr)
				.await
				.map_err(|source| RegistrarError::Http { addr, source })?;
			let bound = crate::http::local_addr(&listener).unwrap_or(addr);
			tracing::info!(addr = %bound, "serving /livez /readyz /status /metrics");
			Some(tokio::spawn(crate::http::serve(listener, shared.clone(), stop.clone())))
		}
		None => None,
	};
	match &submitter {
		None => tracing::info!(node = %node_id, owner = %owner, %endpoint, "registrar started"),
		Some(submitter) => tracing::info!(
			node = %node_id,
			owner = %owner,
			submitter = %submitter,
			%endpoint,
			"registrar started with the owner's consent (the submitter signs; the owner pays the fee)"
		),
	}

	worker::Worker::new(&config, shared, stop, persisted).run_until_stopped().await;

	signal_task.abort();
	if let Some(http) = http {
		http.abort();
	}
	lock.release()?;
	tracing::info!("registrar stopped");
	Ok(())
}

/// The state file of this node and owner, if there is one (it is only logged: the chain is
/// always read before acting).
fn resume(config: &RegistrationConfig, node_id: &str, owner: &str) -> PersistedState {
	match PersistedState::load(&config.state_dir) {
		Ok(Some(state)) if state.node_id == node_id && state.owner == owner => {
			tracing::info!(
				phase = ?state.phase,
				registered_at = ?state.registered_at,
				registrations = state.registrations,
				"resuming from the state file; reading the chain first"
			);
			state
		}
		Ok(Some(state)) => {
			tracing::warn!(
				previous_node = %state.node_id,
				previous_owner = %state.owner,
				"the state file is of another node or owner; starting afresh"
			);
			PersistedState::default()
		}
		Ok(None) => PersistedState::default(),
		Err(error) => {
			tracing::warn!(%error, "ignoring an unreadable state file");
			PersistedState::default()
		}
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	fn assert_send<T: Send>(_: &T) {}

	#[test]
	fn the_loop_can_be_spawned_on_a_multi_threaded_runtime() {
		let config = config::test_config("ws://127.0.0.1:1");
		let future = run_registration_loop(config);
		assert_send(&future);
	}
}
