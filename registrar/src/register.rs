//! One registration attempt ([`register_once`]) and the loop that keeps a node registered
//! ([`run_registration_loop`]).
//!
//! The loop reads the chain first and submits nothing when the node is already registered to
//! this owner; otherwise it registers with a fresh challenge. Once registered it parks, and
//! re-arms when the node is unregistered, degraded or swapped away (seen in finalized blocks'
//! events, and by a periodic storage check as a backstop). Failures back off exponentially with
//! jitter; conflicts wait a full interval, slow retries a full interval doubling while they
//! last (up to a cap of hours), and conflict warnings are rate-limited. Refusals that the same
//! configuration would meet again (fatal) stop the attempts.

use crate::{
	backoff::{Backoff, LogLimiter, DEFAULT_SLOW_RETRY_CAP},
	chain::{ChainClient, ChainContext, ChainError, ChainView, RegistryEvent},
	challenge::{BlockNumberWidth, ChallengeError, ChallengeInputs, RegistrationCall},
	endpoint::redact_endpoint,
	keys::{NodeKey, OwnerKey},
	outcome::OutcomeClass,
	state::{unix_now, PersistedState, Phase, StateError, StateLock, STATE_VERSION},
	status::{Shared, Status},
};
use pallet_registration::{NodeType, Status as NodeStatus};
use serde::Serialize;
use sp_core::crypto::Ss58Codec;
use std::{
	future::Future,
	net::SocketAddr,
	path::PathBuf,
	time::{Duration, Instant},
};
use tokio::sync::watch;

/// Reasons the parked loop re-arms (the `reason` label of `registrar_rearms_total`).
pub const REARM_REASONS: [&str; 4] = ["unregistered", "degraded", "swapped", "storage_check"];

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
	/// A chain error where no retry applies (one-shot commands).
	#[error(transparent)]
	Chain(#[from] ChainError),
	/// The challenge could not be built.
	#[error(transparent)]
	Challenge(#[from] ChallengeError),
}

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

	fn node_id(&self) -> Vec<u8> {
		self.node_key.peer_id_base58().into_bytes()
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

/// What one attempt came to.
#[derive(Clone, Debug, Serialize)]
pub struct AttemptOutcome {
	/// Its class.
	pub class: OutcomeClass,
	/// Whether a transaction was submitted.
	pub submitted: bool,
	/// A one-line description (never contains secrets).
	pub detail: String,
	/// What the chain said, as of the newest finalized block read.
	pub view: Option<ChainView>,
	/// The registry's `registered_at` when registered.
	pub registered_at: Option<u64>,
	/// The finalized block that confirmed the registration.
	pub confirmed_block: Option<u64>,
	/// Its hash.
	pub confirmed_hash: Option<String>,
	/// The node is registered to this owner but degraded.
	pub degraded: bool,
	/// The pallet error's name, when the dispatch failed in the pallet.
	pub pallet_error: Option<String>,
	/// Blocks the best block was ahead of the finalized one, when read.
	pub finality_lag: Option<u64>,
	/// The connection should be re-established before the next attempt.
	#[serde(skip)]
	pub reconnect: bool,
}

impl AttemptOutcome {
	fn failed(class: OutcomeClass, detail: String, view: Option<ChainView>) -> Self {
		Self {
			class,
			submitted: false,
			detail,
			view,
			registered_at: None,
			confirmed_block: None,
			confirmed_hash: None,
			degraded: false,
			pallet_error: None,
			finality_lag: None,
			reconnect: false,
		}
	}

	fn chain_error(error: &ChainError, submitted: bool, view: Option<ChainView>) -> Self {
		let reconnect = matches!(
			error,
			ChainError::Connect { .. } | ChainError::Rpc(_) | ChainError::Timeout(_)
		);
		Self {
			submitted,
			pallet_error: error.pallet_error().map(str::to_owned),
			reconnect,
			..Self::failed(error.class(), error.to_string(), view)
		}
	}

	fn registered(view: ChainView, submitted: bool, detail: String) -> Self {
		let registered_at = view.node.as_ref().map(|n| n.registered_at);
		Self {
			class: OutcomeClass::Registered,
			submitted,
			detail,
			registered_at,
			confirmed_block: Some(view.block_number),
			confirmed_hash: Some(view.block_hash.clone()),
			view: Some(view),
			degraded: false,
			pallet_error: None,
			finality_lag: None,
			reconnect: false,
		}
	}
}

/// How the chain's view relates to this node and owner.
/// The outcome the chain's view decides on its own; `None` when node and owner are both free.
fn judge_view(config: &RegistrationConfig, view: &ChainView) -> Option<AttemptOutcome> {
	let view = view.clone();
	let owner = config.owner.account_id();
	let node_id = config.node_key.peer_id_base58();
	match &view.node {
		Some(record) if record.owner == owner && record.status == NodeStatus::Degraded => {
			let detail = format!("node {node_id} is registered to this owner but degraded");
			Some(AttemptOutcome {
				degraded: true,
				..AttemptOutcome::failed(OutcomeClass::SlowRetry, detail, Some(view))
			})
		}
		Some(record) if record.owner == owner => {
			let detail = format!(
				"node {node_id} is registered to this owner since block {}",
				record.registered_at
			);
			Some(AttemptOutcome::registered(view, false, detail))
		}
		Some(record) => {
			let detail = format!(
				"node {node_id} is registered to another owner ({})",
				record.owner.to_ss58check()
			);
			Some(AttemptOutcome::failed(OutcomeClass::Conflict, detail, Some(view)))
		}
		None => match &view.owner_node {
			Some(other) => {
				let detail =
					format!("owner {} already has another node ({other})", owner.to_ss58check());
				Some(AttemptOutcome::failed(OutcomeClass::Conflict, detail, Some(view)))
			}
			None => None,
		},
	}
}

async fn with_timeout<T>(
	limit: Duration,
	future: impl Future<Output = Result<T, ChainError>>,
) -> Result<T, ChainError> {
	tokio::time::timeout(limit, future).await.unwrap_or(Err(ChainError::Timeout(limit.as_secs())))
}

/// The challenge's inputs for an attempt now: built from the best block (the transaction
/// executes after it), with `lifetime` blocks capped by the chain's `MaxChallengeLifetime`; or
/// why the submission is held (finality lags more than half the lifetime).
pub fn plan_challenge(context: &ChainContext, lifetime: u64) -> Result<ChallengeInputs, String> {
	let lifetime = lifetime.clamp(1, context.max_challenge_lifetime.max(1));
	if let Some(reason) = context.hold(lifetime) {
		return Err(reason);
	}
	Ok(ChallengeInputs::fresh(context.genesis_hash, context.block_number, lifetime))
}

/// One attempt: read the chain (finalized); if the node is not registered to this owner (and
/// neither it nor the owner is taken, nor would the pallet refuse for a ban, a disabled type, a
/// cooldown that lasts past the next block, a validator's stake, the owner's balance against
/// the current fee, or credits), build a fresh challenge from the best block (held while
/// finality lags more than half its lifetime), submit, wait for finalization, and confirm by
/// the pallet's event plus a storage read-back at the finalized block.
pub async fn register_once(client: &ChainClient, config: &RegistrationConfig) -> AttemptOutcome {
	let owner = config.owner.account_id();
	let node_id = config.node_id();
	let view = match with_timeout(config.rpc_timeout, client.view(&node_id, &owner)).await {
		Ok(view) => view,
		Err(e) => return AttemptOutcome::chain_error(&e, false, None),
	};
	if let Some(outcome) = judge_view(config, &view) {
		return outcome;
	}
	let policy = with_timeout(
		config.rpc_timeout,
		client.policy(&node_id, &owner, config.node_type, config.pay_in_credits),
	)
	.await;
	let policy = match policy {
		Ok(policy) => policy,
		Err(e) => return AttemptOutcome::chain_error(&e, false, Some(view)),
	};
	if let Some(refusal) = policy.refusal() {
		return AttemptOutcome::failed(refusal.class, refusal.reason, Some(view));
	}
	let context = match with_timeout(config.rpc_timeout, client.context()).await {
		Ok(context) => context,
		Err(e) => return AttemptOutcome::chain_error(&e, false, Some(view)),
	};
	let lag = Some(context.finality_lag());
	let width = match (config.block_number_width, context.block_number_width) {
		(Some(configured), Some(detected)) if configured != detected => {
			let detail = format!(
				"configured block number width {configured:?} but the chain uses {detected:?}"
			);
			return AttemptOutcome::failed(OutcomeClass::Fatal, detail, Some(view));
		}
		(Some(width), _) | (None, Some(width)) => width,
		(None, None) => BlockNumberWidth::U64,
	};
	let inputs = match plan_challenge(&context, config.challenge_lifetime) {
		Ok(inputs) => inputs,
		Err(reason) => {
			return AttemptOutcome {
				finality_lag: lag,
				..AttemptOutcome::failed(OutcomeClass::FastRetry, reason, Some(view))
			}
		}
	};
	let lifetime = inputs.expires_at.saturating_sub(inputs.block_number);
	let call = match RegistrationCall::new(
		&config.node_key,
		&owner,
		config.node_type,
		config.pay_in_credits,
		inputs,
		width,
	) {
		Ok(call) => call,
		Err(e) => return AttemptOutcome::failed(OutcomeClass::Fatal, e.to_string(), Some(view)),
	};
	let mortality = config.mortality.clamp(4, lifetime.max(4));
	let prepared = with_timeout(
		config.rpc_timeout,
		client.prepare_registration(&call, &config.owner, mortality, &context),
	)
	.await;
	let prepared = match prepared {
		Ok(prepared) => prepared,
		Err(e) => return AttemptOutcome::chain_error(&e, false, Some(view)),
	};
	// The owner pays the transaction fee before the registration fee: both must fit.
	let transaction_fee =
		match with_timeout(config.rpc_timeout, client.transaction_fee(&prepared)).await {
			Ok(fee) => fee,
			Err(error) => {
				tracing::debug!(%error, "cannot estimate the transaction fee; counting none");
				0
			}
		};
	tracing::debug!(transaction_fee, fee = ?policy.fee, spendable = ?policy.spendable, "funds");
	if let Some(refusal) = policy.funds_refusal(transaction_fee) {
		return AttemptOutcome::failed(refusal.class, refusal.reason, Some(view));
	}
	tracing::info!(
		block = inputs.block_number,
		finalized = context.finalized_block_number,
		expires_at = inputs.expires_at,
		node_type = ?config.node_type,
		"submitting register_node_with_coldkey"
	);
	let submitted = with_timeout(config.submit_timeout, client.submit_prepared(prepared)).await;
	let outcome = registration_outcome(client, config, submitted, view).await;
	AttemptOutcome { finality_lag: lag, ..outcome }
}

/// The outcome of a submitted registration: confirmed by the event and a read-back at the
/// finalized block of inclusion, or classified by its error.
async fn registration_outcome(
	client: &ChainClient,
	config: &RegistrationConfig,
	submitted: Result<crate::chain::Included, ChainError>,
	view: ChainView,
) -> AttemptOutcome {
	let owner = config.owner.account_id();
	let node_id = config.node_id();
	match submitted {
		Ok(included) => {
			let event = included.events.iter().any(|e| {
				matches!(e, RegistryEvent::Registered { node_id: id, owner: o } if *id == node_id && *o == owner)
			});
			let hash = match parse_hash(&included.block_hash) {
				Some(hash) => hash,
				None => {
					let detail = format!("bad block hash {}", included.block_hash);
					return AttemptOutcome::failed(OutcomeClass::FastRetry, detail, Some(view));
				}
			};
			let read_back =
				with_timeout(config.rpc_timeout, client.view_at_hash(hash, &node_id, &owner)).await;
			match read_back {
				Ok(after) => {
					let registered_to_us = after
						.node
						.as_ref()
						.is_some_and(|n| n.owner == owner && n.status != NodeStatus::Degraded);
					if event && registered_to_us {
						let detail = format!(
							"registered in finalized block {} ({})",
							included.block_number, included.block_hash
						);
						AttemptOutcome::registered(after, true, detail)
					} else {
						let detail = format!(
							"included in block {} but not confirmed (event: {event}, read-back: {registered_to_us})",
							included.block_number
						);
						AttemptOutcome {
							submitted: true,
							..AttemptOutcome::failed(OutcomeClass::FastRetry, detail, Some(after))
						}
					}
				}
				Err(e) => AttemptOutcome::chain_error(&e, true, Some(view)),
			}
		}
		Err(error) => {
			let mut outcome = AttemptOutcome::chain_error(&error, true, Some(view));
			if outcome.class == OutcomeClass::Conflict {
				// Someone may have registered this very node for this owner meanwhile (another
				// transaction of ours): read back before calling it a conflict.
				if let Ok(after) =
					with_timeout(config.rpc_timeout, client.view(&node_id, &owner)).await
				{
					match judge_view(config, &after) {
						Some(judged) => return AttemptOutcome { submitted: true, ..judged },
						None => outcome.view = Some(after),
					}
				}
			}
			outcome
		}
	}
}

fn parse_hash(text: &str) -> Option<subxt::config::substrate::H256> {
	let bytes: [u8; 32] = hex::decode(text.trim_start_matches("0x")).ok()?.try_into().ok()?;
	Some(subxt::config::substrate::H256(bytes))
}

/// Completes once `stop` turns true (or its sender is gone). The watch guard is dropped here,
/// so a `select!` on it keeps the loop's future `Send`.
pub(crate) async fn stopped(stop: &mut watch::Receiver<bool>) {
	let _ = stop.wait_for(|stop| *stop).await;
}

/// Waits for SIGINT or SIGTERM.
pub async fn shutdown_signal() {
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

/// Keeps the node registered until SIGINT or SIGTERM; see the module docs.
pub async fn run_registration_loop(config: RegistrationConfig) -> Result<(), RegistrarError> {
	run_registration_loop_until(config, shutdown_signal()).await
}

/// How parking ended.
enum ParkEnd {
	Stop,
	Rearm(&'static str, String),
	Lost(String),
}

/// [`run_registration_loop`] that stops when `shutdown` completes instead of on signals.
pub async fn run_registration_loop_until(
	config: RegistrationConfig,
	shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), RegistrarError> {
	let lock = StateLock::acquire(&config.state_dir)?;
	let node_id = config.node_key.peer_id_base58();
	let owner = config.owner.ss58();
	let mut persisted = match PersistedState::load(&config.state_dir) {
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
	};
	persisted.version = STATE_VERSION;
	persisted.node_id = node_id.clone();
	persisted.owner = owner.clone();

	let endpoint = redact_endpoint(&config.endpoint);
	let shared = Shared::new(Status {
		node_id: node_id.clone(),
		owner: owner.clone(),
		endpoint: endpoint.clone(),
		..Status::default()
	});
	let (stop_tx, stop_rx) = watch::channel(false);
	let http = match config.http_addr {
		Some(addr) => {
			let listener = crate::http::bind(addr)
				.await
				.map_err(|source| RegistrarError::Http { addr, source })?;
			let bound = crate::http::local_addr(&listener).unwrap_or(addr);
			tracing::info!(addr = %bound, "serving /livez /readyz /status /metrics");
			Some(tokio::spawn(crate::http::serve(listener, shared.clone(), stop_rx.clone())))
		}
		None => None,
	};
	let signal_task = tokio::spawn(async move {
		shutdown.await;
		let _ = stop_tx.send(true);
	});
	tracing::info!(node = %node_id, owner = %owner, %endpoint, "registrar started");

	let mut worker = Worker {
		config: &config,
		shared: shared.clone(),
		stop: stop_rx,
		persisted,
		client: None,
		backoff: Backoff::new(config.register_interval, config.max_retry)
			.with_slow_retry_cap(config.max_slow_retry_interval),
		warnings: LogLimiter::new(config.conflict_log_period),
	};
	worker.run().await;

	if config.unregister_on_shutdown {
		worker.unregister_on_shutdown().await;
	}
	shared.update(|s| {
		s.phase = Phase::Stopped;
		s.next_attempt_in_secs = None;
	});
	worker.persisted.phase = Phase::Stopped;
	worker.save();
	signal_task.abort();
	if let Some(http) = http {
		http.abort();
	}
	lock.release()?;
	tracing::info!("registrar stopped");
	Ok(())
}

struct Worker<'a> {
	config: &'a RegistrationConfig,
	shared: Shared,
	stop: watch::Receiver<bool>,
	persisted: PersistedState,
	client: Option<ChainClient>,
	backoff: Backoff,
	warnings: LogLimiter,
}

impl Worker<'_> {
	fn stopping(&self) -> bool {
		*self.stop.borrow()
	}

	/// Sleeps `duration`; `false` when asked to stop meanwhile.
	async fn sleep(&mut self, duration: Duration) -> bool {
		let mut stop = self.stop.clone();
		tokio::select! {
			_ = stopped(&mut stop) => false,
			_ = tokio::time::sleep(duration) => !self.stopping(),
		}
	}

	fn save(&mut self) {
		self.persisted.updated_at = unix_now();
		if let Err(error) = self.persisted.save(&self.config.state_dir) {
			tracing::warn!(%error, "writing the state file");
		}
	}

	async fn connect(&mut self) -> Result<ChainClient, AttemptOutcome> {
		if let Some(client) = &self.client {
			return Ok(client.clone());
		}
		match with_timeout(self.config.rpc_timeout, ChainClient::connect(&self.config.endpoint))
			.await
		{
			Ok(client) => {
				tracing::info!(endpoint = %client.endpoint(), "connected");
				self.client = Some(client.clone());
				Ok(client)
			}
			Err(e) => Err(AttemptOutcome::chain_error(&e, false, None)),
		}
	}

	async fn run(&mut self) {
		while !self.stopping() {
			self.shared.update(|s| {
				s.phase = if s.registered { Phase::Registered } else { Phase::Registering };
				s.next_attempt_in_secs = None;
			});
			let outcome = match self.connect().await {
				Ok(client) => {
					tokio::select! {
						outcome = register_once(&client, self.config) => outcome,
						_ = stopped(&mut self.stop) => return,
					}
				}
				Err(outcome) => outcome,
			};
			if outcome.submitted {
				self.shared.count_submission();
			}
			self.shared.count_attempt(outcome.class);
			self.record(&outcome);
			if outcome.reconnect {
				self.client = None;
			}
			if outcome.class == OutcomeClass::Registered {
				self.backoff.reset();
				self.warnings.reset();
				if outcome.submitted {
					self.persisted.registrations += 1;
					tracing::info!(detail = %outcome.detail, "registered");
				} else {
					tracing::info!(detail = %outcome.detail, "already registered; nothing to submit");
				}
				self.save();
				let Some(client) = self.client.clone() else { continue };
				tracing::info!(
					check_every_secs = self.config.check_interval.as_secs(),
					"parked: watching finalized blocks for changes to this node"
				);
				match self.park(&client).await {
					ParkEnd::Stop => return,
					ParkEnd::Rearm(reason, detail) => {
						tracing::warn!(reason, detail = %detail, "re-arming: the node is no longer registered as it was");
						self.shared.count_rearm(reason);
						self.persisted.rearms += 1;
						self.mark_unregistered(Phase::Registering);
						self.save();
					}
					ParkEnd::Lost(detail) => {
						tracing::warn!(detail = %detail, "lost the chain while parked; reconnecting to re-check");
						self.client = None;
						self.mark_unregistered(Phase::Backoff);
						let delay = self.backoff.next_delay_random(OutcomeClass::FastRetry);
						if !self.sleep(delay).await {
							return;
						}
					}
				}
				continue;
			}
			if outcome.class == OutcomeClass::Fatal {
				self.fail(&outcome).await;
				return;
			}
			if outcome.degraded && self.config.recover_degraded {
				self.recover_degraded().await;
			}
			// A degraded node is registered: it is watched at the interval, not backed off.
			let delay = if outcome.degraded {
				self.backoff.full_interval()
			} else {
				self.backoff.next_delay_random(outcome.class)
			};
			self.log_failure(&outcome, delay);
			let phase = match outcome.class {
				OutcomeClass::Conflict => Phase::Conflict,
				_ if outcome.degraded => Phase::Degraded,
				_ => Phase::Backoff,
			};
			let burst = self.backoff.burst();
			self.shared.update(|s| {
				s.phase = phase;
				s.next_attempt_in_secs = Some(delay.as_secs());
				s.retry_burst = burst;
			});
			self.persisted.phase = phase;
			self.save();
			tracing::debug!(delay_ms = delay.as_millis() as u64, "waiting before the next attempt");
			if !self.sleep(delay).await {
				return;
			}
		}
	}

	/// A refusal this configuration meets every time: no more attempts (each could cost a
	/// fee); stays in the `failed` phase (not ready, `/status` says why) until stopped.
	async fn fail(&mut self, outcome: &AttemptOutcome) {
		tracing::error!(
			detail = %outcome.detail,
			pallet_error = ?outcome.pallet_error,
			"fatal: this configuration is refused every time; not retrying \
			 (fix the configuration and restart the registrar)"
		);
		self.shared.update(|s| {
			s.phase = Phase::Failed;
			s.next_attempt_in_secs = None;
			s.retry_burst = 0;
		});
		self.persisted.phase = Phase::Failed;
		self.save();
		stopped(&mut self.stop).await;
	}

	fn record(&mut self, outcome: &AttemptOutcome) {
		let registered = outcome.class == OutcomeClass::Registered;
		let view_block = outcome.view.as_ref().map(|v| v.block_number);
		self.shared.update(|s| {
			if outcome.finality_lag.is_some() {
				s.finality_lag_blocks = outcome.finality_lag;
			}
			s.last_outcome = Some(outcome.class);
			s.last_error = if registered { None } else { Some(outcome.detail.clone()) };
			if let Some(block) = view_block {
				s.last_finalized_block = Some(block.max(s.last_finalized_block.unwrap_or(0)));
			}
			s.registered = registered;
			if registered {
				s.phase = Phase::Registered;
				s.registered_at = outcome.registered_at;
				s.confirmed_block = outcome.confirmed_block;
				s.retry_burst = 0;
			} else {
				s.confirmed_block = None;
			}
		});
		self.persisted.last_outcome = Some(outcome.class.label().to_owned());
		self.persisted.last_error = if registered { None } else { Some(outcome.detail.clone()) };
		if registered {
			self.persisted.phase = Phase::Registered;
			self.persisted.registered_at = outcome.registered_at;
			self.persisted.confirmed_block = outcome.confirmed_block;
			self.persisted.confirmed_hash = outcome.confirmed_hash.clone();
		}
	}

	fn mark_unregistered(&mut self, phase: Phase) {
		self.shared.update(|s| {
			s.registered = false;
			s.confirmed_block = None;
			s.phase = phase;
		});
		self.persisted.phase = phase;
		self.persisted.confirmed_block = None;
		self.persisted.confirmed_hash = None;
	}

	fn log_failure(&mut self, outcome: &AttemptOutcome, delay: Duration) {
		match outcome.class {
			OutcomeClass::Conflict => {
				if self.warnings.allow(Instant::now()) {
					tracing::warn!(
						detail = %outcome.detail,
						retry_in_secs = delay.as_secs(),
						"conflict: the node or the owner is registered to someone else"
					);
				} else {
					self.shared.count_suppressed_warning();
					tracing::debug!(detail = %outcome.detail, "conflict persists (warning rate-limited)");
				}
			}
			OutcomeClass::SlowRetry if outcome.degraded => {
				if self.warnings.allow(Instant::now()) {
					tracing::warn!(
						detail = %outcome.detail,
						recover = self.config.recover_degraded,
						"the node is degraded; with --recover-degraded the registrar unregisters and registers it again"
					);
				} else {
					self.shared.count_suppressed_warning();
				}
			}
			// Like conflicts, a refusal that persists (a ban, a disabled type, a cooldown) is
			// warned about once per `conflict_log_period`, not at every interval.
			OutcomeClass::SlowRetry => {
				if self.warnings.allow(Instant::now()) {
					tracing::warn!(
						detail = %outcome.detail,
						retry_in_secs = delay.as_secs(),
						slow_retries = self.backoff.slow_streak(),
						"registration refused; retrying after the interval (doubling while refused)"
					);
				} else {
					self.shared.count_suppressed_warning();
					tracing::debug!(detail = %outcome.detail, "refusal persists (warning rate-limited)");
				}
			}
			OutcomeClass::FastRetry => tracing::warn!(
				detail = %outcome.detail,
				burst = self.backoff.burst(),
				retry_in_secs = delay.as_secs(),
				"registration attempt failed; retrying soon"
			),
			OutcomeClass::Registered | OutcomeClass::Fatal => {}
		}
	}

	async fn recover_degraded(&mut self) {
		let Some(client) = self.client.clone() else { return };
		tracing::warn!("recovering the degraded node: unregistering it as its owner");
		let node_id = self.config.node_id();
		let result = with_timeout(
			self.config.submit_timeout,
			client.unregister(&node_id, &self.config.owner, self.config.mortality.max(4)),
		)
		.await;
		match result {
			Ok(included) => tracing::info!(
				block = included.block_number,
				"degraded node unregistered; it can register again after the cooldown"
			),
			Err(error) => tracing::warn!(%error, "unregistering the degraded node failed"),
		}
	}

	async fn park(&mut self, client: &ChainClient) -> ParkEnd {
		let node_id = self.config.node_id();
		let owner = self.config.owner.account_id();
		let mut watcher = match with_timeout(self.config.rpc_timeout, client.watch()).await {
			Ok(watcher) => Some(watcher),
			Err(error) => {
				tracing::warn!(%error, "cannot subscribe to finalized blocks; relying on storage checks");
				None
			}
		};
		let mut ticker = tokio::time::interval(self.config.check_interval);
		ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
		ticker.tick().await;
		let mut stop = self.stop.clone();
		loop {
			let next_block = async {
				match watcher.as_mut() {
					Some(w) => w.next().await,
					None => std::future::pending().await,
				}
			};
			tokio::select! {
				_ = stopped(&mut stop) => return ParkEnd::Stop,
				block = next_block => match block {
					Some(Ok((number, events))) => {
						self.shared.update(|s| s.last_finalized_block = Some(number));
						for event in events.iter().filter(|e| e.node_id() == node_id.as_slice()) {
							match event {
								RegistryEvent::Unregistered { reason, .. } => {
									return ParkEnd::Rearm("unregistered", format!("NodeUnregistered ({reason:?}) in block {number}"));
								},
								RegistryEvent::ConsensusReached { .. } => {
									return ParkEnd::Rearm("unregistered", format!("DeregistrationConsensusReached in block {number}"));
								},
								RegistryEvent::StatusUpdated { status: NodeStatus::Degraded, .. } => {
									return ParkEnd::Rearm("degraded", format!("NodeStatusUpdated(Degraded) in block {number}"));
								},
								RegistryEvent::OwnerSwapped { new_owner, .. } if *new_owner != owner => {
									return ParkEnd::Rearm("swapped", format!("NodeOwnerSwapped to {} in block {number}", new_owner.to_ss58check()));
								},
								_ => {},
							}
						}
					},
					Some(Err(error)) => {
						tracing::warn!(%error, "finalized block subscription failed; relying on storage checks");
						watcher = None;
					},
					None => {
						tracing::warn!("finalized block subscription ended; relying on storage checks");
						watcher = None;
					},
				},
				_ = ticker.tick() => {
					self.shared.count_storage_check();
					match with_timeout(self.config.rpc_timeout, client.view(&node_id, &owner)).await {
						Ok(view) => {
							let number = view.block_number;
							match &view.node {
								Some(record) if record.owner == owner && record.status != NodeStatus::Degraded => {
									self.shared.update(|s| {
										s.confirmed_block = Some(number);
										s.last_finalized_block = Some(number);
									});
									self.persisted.confirmed_block = Some(number);
									self.persisted.confirmed_hash = Some(view.block_hash.clone());
									self.save();
								},
								Some(record) if record.owner == owner => {
									return ParkEnd::Rearm("degraded", format!("storage check at block {number}: degraded"));
								},
								Some(record) => {
									return ParkEnd::Rearm("swapped", format!("storage check at block {number}: owned by {}", record.owner.to_ss58check()));
								},
								None => {
									return ParkEnd::Rearm("storage_check", format!("storage check at block {number}: not in the registry"));
								},
							}
							if watcher.is_none() {
								watcher = with_timeout(self.config.rpc_timeout, client.watch()).await.ok();
							}
						},
						Err(error) => return ParkEnd::Lost(error.to_string()),
					}
				},
			}
		}
	}

	async fn unregister_on_shutdown(&mut self) {
		let registered = self.shared.status().registered;
		if !registered {
			tracing::info!("not registered; nothing to unregister on shutdown");
			return;
		}
		let client = match self.connect().await {
			Ok(client) => client,
			Err(outcome) => {
				tracing::warn!(detail = %outcome.detail, "cannot unregister on shutdown");
				return;
			}
		};
		let node_id = self.config.node_id();
		match with_timeout(
			self.config.submit_timeout,
			client.unregister(&node_id, &self.config.owner, self.config.mortality.max(4)),
		)
		.await
		{
			Ok(included) => {
				tracing::info!(block = included.block_number, "unregistered on shutdown");
				self.mark_unregistered(Phase::Stopped);
				self.persisted.registered_at = None;
			}
			Err(error) => tracing::warn!(%error, "unregistering on shutdown failed"),
		}
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	fn assert_send<T: Send>(_: &T) {}

	fn context(best: u64, finalized: u64) -> ChainContext {
		ChainContext {
			genesis_hash: [9; 32],
			block_number: best,
			block_hash: subxt::config::substrate::H256([2; 32]),
			finalized_block_number: finalized,
			max_challenge_lifetime: 20,
			pallet_index: 7,
			block_number_width: Some(BlockNumberWidth::U64),
		}
	}

	#[test]
	fn the_challenge_is_built_from_the_best_block() {
		// Finality 8 blocks behind: a challenge of the finalized block would have 8 blocks
		// fewer to live; this one starts at the best block.
		let inputs = plan_challenge(&context(100, 92), 16).unwrap();
		assert_eq!(inputs.block_number, 100);
		assert_eq!(inputs.expires_at, 116);
		assert_eq!(inputs.genesis_hash, [9; 32]);
		// The lifetime is capped by the chain's MaxChallengeLifetime.
		let capped = plan_challenge(&context(100, 100), 64).unwrap();
		assert_eq!(capped.expires_at, 120);
	}

	#[test]
	fn the_submission_is_held_while_finality_lags_more_than_half_the_lifetime() {
		let held = plan_challenge(&context(100, 91), 16).unwrap_err();
		assert!(held.contains("finality lags 9 blocks"), "{held}");
		// Half of the capped lifetime (20), not of the configured one.
		assert!(plan_challenge(&context(100, 90), 64).is_ok());
		assert!(plan_challenge(&context(100, 89), 64).is_err());
	}

	#[test]
	fn the_configuration_debug_hides_the_endpoint_secrets() {
		let config = RegistrationConfig::new(
			"wss://user:hunter22@rpc.example.com/v3/0123456789abcdef",
			NodeKey::from_seed(&[1; 32]),
			OwnerKey::from_suri(&crate::secret::SecretText::new("//Alice".into())).unwrap(),
			NodeType::StorageMiner,
			"/nonexistent",
		);
		let debug = format!("{config:?}");
		assert!(debug.contains("wss://<redacted>@rpc.example.com/<redacted>"), "{debug}");
		assert!(!debug.contains("hunter22") && !debug.contains("0123456789abcdef"), "{debug}");
	}

	#[test]
	fn the_loop_can_be_spawned_on_a_multi_threaded_runtime() {
		let config = RegistrationConfig::new(
			"ws://127.0.0.1:1",
			NodeKey::from_seed(&[1; 32]),
			OwnerKey::from_suri(&crate::secret::SecretText::new("//Alice".into())).unwrap(),
			NodeType::StorageMiner,
			"/nonexistent",
		);
		let future = run_registration_loop(config);
		assert_send(&future);
	}
}
