//! The registrar's configuration: what to register, where, and how to behave.

use crate::{
	backoff::DEFAULT_SLOW_RETRY_CAP,
	chain::{ChainClient, ChainError},
	challenge::BlockNumberWidth,
	endpoint::redact_endpoint,
	judge::Intent,
	keys::{NodeKey, OwnerKey},
};
use pallet_registration::NodeType;
use std::{net::SocketAddr, path::PathBuf, time::Duration};

/// Everything the registrar needs: what to register, where, and how to behave.
#[derive(Clone)]
pub struct RegistrationConfig {
	/// The chain's JSON-RPC websocket (`ws://` or `wss://`); it may carry credentials, so it is
	/// only ever shown redacted ([`redact_endpoint`]).
	pub endpoint: String,
	/// The node's libp2p key.
	pub node_key: NodeKey,
	/// The owner's account key (signs the transaction).
	pub owner: OwnerKey,
	/// The node type to register.
	pub node_type: NodeType,
	/// Pay the registration fee in credits.
	pub pay_in_credits: bool,
	/// The state directory (lock and state file).
	pub state_dir: PathBuf,
	/// Where to serve `/livez`, `/readyz`, `/status`, `/metrics` (`None`: no HTTP server).
	pub http_addr: Option<SocketAddr>,
	/// The full interval conflicts and slow retries wait (the reference's 120 s).
	pub register_interval: Duration,
	/// The longest wait after slow retries in a row (each doubles the wait, from the interval).
	pub max_slow_retry_interval: Duration,
	/// The longest burst of fast retries before waiting a full interval (`-1`: unbounded).
	pub max_retry: i64,
	/// How often the parked loop re-reads the registry (a backstop for missed events).
	pub check_interval: Duration,
	/// Blocks a challenge stays valid (capped by the chain's `MaxChallengeLifetime`).
	pub challenge_lifetime: u64,
	/// Blocks the transaction stays valid (capped by the challenge lifetime).
	pub mortality: u64,
	/// Longest wait for a read or a connection.
	pub rpc_timeout: Duration,
	/// Longest wait for a submitted transaction to be finalized.
	pub submit_timeout: Duration,
	/// Shortest time between two logged conflict warnings (the reference's 180 s).
	pub conflict_log_period: Duration,
	/// Unregister the node (`unregister_main_node`) when shutting down.
	pub unregister_on_shutdown: bool,
	/// When the node is degraded, unregister it (as its owner) and register it again.
	pub recover_degraded: bool,
	/// The chain's block number width; `None` detects it from the metadata.
	pub block_number_width: Option<BlockNumberWidth>,
}

impl RegistrationConfig {
	/// A configuration with the defaults: 120 s interval, unbounded bursts, checks every 60 s,
	/// challenges of 32 blocks, 30 s RPC and 120 s submission timeouts, conflict warnings at most
	/// every 180 s, no HTTP server, no unregistering on shutdown.
	pub fn new(
		endpoint: impl Into<String>,
		node_key: NodeKey,
		owner: OwnerKey,
		node_type: NodeType,
		state_dir: impl Into<PathBuf>,
	) -> Self {
		Self {
			endpoint: endpoint.into(),
			node_key,
			owner,
			node_type,
			pay_in_credits: false,
			state_dir: state_dir.into(),
			http_addr: None,
			register_interval: Duration::from_secs(120),
			max_slow_retry_interval: DEFAULT_SLOW_RETRY_CAP,
			max_retry: -1,
			check_interval: Duration::from_secs(60),
			challenge_lifetime: 32,
			mortality: 32,
			rpc_timeout: Duration::from_secs(30),
			submit_timeout: Duration::from_secs(120),
			conflict_log_period: Duration::from_secs(180),
			unregister_on_shutdown: false,
			recover_degraded: false,
			block_number_width: None,
		}
	}

	/// The node id (base58 PeerId text bytes), as the pallet keys it.
	pub fn node_id(&self) -> Vec<u8> {
		self.node_key.peer_id_base58().into_bytes()
	}

	/// What [`crate::judge`] decides on: this node, owner and registration's options.
	pub fn intent(&self) -> Intent {
		Intent {
			node_id: self.node_key.peer_id_base58(),
			owner: self.owner.account_id(),
			node_type: self.node_type,
			pay_in_credits: self.pay_in_credits,
			challenge_lifetime: self.challenge_lifetime,
			mortality: self.mortality,
			block_number_width: self.block_number_width,
		}
	}

	/// The mortality of an `unregister_main_node` transaction (4 blocks at least).
	pub fn unregister_mortality(&self) -> u64 {
		self.mortality.max(4)
	}

	/// Connects to the endpoint within the RPC timeout.
	pub async fn connect(&self) -> Result<ChainClient, ChainError> {
		ChainClient::connect_within(&self.endpoint, self.rpc_timeout).await
	}
}

impl std::fmt::Debug for RegistrationConfig {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		f.debug_struct("RegistrationConfig")
			.field("endpoint", &redact_endpoint(&self.endpoint))
			.field("node_key", &self.node_key)
			.field("owner", &self.owner)
			.field("node_type", &self.node_type)
			.field("pay_in_credits", &self.pay_in_credits)
			.field("state_dir", &self.state_dir)
			.field("http_addr", &self.http_addr)
			.field("register_interval", &self.register_interval)
			.field("max_slow_retry_interval", &self.max_slow_retry_interval)
			.field("max_retry", &self.max_retry)
			.field("check_interval", &self.check_interval)
			.field("challenge_lifetime", &self.challenge_lifetime)
			.field("mortality", &self.mortality)
			.field("rpc_timeout", &self.rpc_timeout)
			.field("submit_timeout", &self.submit_timeout)
			.field("conflict_log_period", &self.conflict_log_period)
			.field("unregister_on_shutdown", &self.unregister_on_shutdown)
			.field("recover_degraded", &self.recover_degraded)
			.field("block_number_width", &self.block_number_width)
			.finish()
	}
}

/// A configuration for `endpoint` with a fixed node key and //Alice, for unit tests.
#[cfg(test)]
pub(crate) fn test_config(endpoint: &str) -> RegistrationConfig {
	RegistrationConfig::new(
		endpoint,
		NodeKey::from_seed(&[1; 32]),
		OwnerKey::from_suri(&crate::secret::SecretText::new("//Alice".into())).unwrap(),
		NodeType::StorageMiner,
		"/nonexistent",
	)
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn the_configuration_debug_hides_the_endpoint_secrets() {
		let config = test_config("wss://user:hunter22@rpc.example.com/v3/0123456789abcdef");
		let debug = format!("{config:?}");
		assert!(debug.contains("wss://<redacted>@rpc.example.com/<redacted>"), "{debug}");
		assert!(!debug.contains("hunter22") && !debug.contains("0123456789abcdef"), "{debug}");
	}
}
