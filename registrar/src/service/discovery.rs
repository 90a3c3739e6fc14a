//! What a parked (registered) node announces: its record, published once and again whenever the
//! chain's differs from the configured one (new flags, a new version, a registration that
//! dropped the old record), and a heartbeat every liveness period, sent from a random block in
//! the period's first half (at once when the chain has the node silent or offline) unless the
//! chain already has this period's. Decisions are [`crate::judge::discovery`]'s; this module
//! reads, signs and submits, and keeps `/status`, the metrics and the state file up to date.

use super::{DiscoverySigning, RegistrationConfig};
use crate::{
	backoff::LogLimiter,
	chain::{within, ChainClient, ChainError, DiscoveryRead, Included},
	challenge::BlockNumberWidth,
	discovery::{self as wire, DiscoveryParams},
	judge::discovery::{self as judge, HeartbeatAction, RecordAction},
	keys::OwnerKey,
	state::PersistedState,
	status::Shared,
};
use std::{future::Future, time::Instant};

/// What a discovery step needs of the chain: [`ChainClient`]'s reads and submission, behind a
/// trait so that the step's decisions can be tested against a scripted chain.
pub(super) trait DiscoveryChain {
	/// [`ChainClient::discovery_params`].
	fn discovery_params(&self) -> impl Future<Output = Result<DiscoveryParams, ChainError>> + Send;
	/// [`ChainClient::best_block_number`].
	fn best_block_number(&self) -> impl Future<Output = Result<u64, ChainError>> + Send;
	/// [`ChainClient::discovery_read`].
	fn discovery_read(
		&self,
		node_id: &[u8],
	) -> impl Future<Output = Result<DiscoveryRead, ChainError>> + Send;
	/// [`ChainClient::block_number_width`].
	fn block_number_width(&self) -> Option<BlockNumberWidth>;
	/// [`ChainClient::submit_discovery`].
	fn submit_discovery(
		&self,
		call: &str,
		args: &[u8],
		signer: Option<(&OwnerKey, u64)>,
	) -> impl Future<Output = Result<Included, ChainError>> + Send;
}

impl DiscoveryChain for ChainClient {
	fn discovery_params(&self) -> impl Future<Output = Result<DiscoveryParams, ChainError>> + Send {
		ChainClient::discovery_params(self)
	}

	fn best_block_number(&self) -> impl Future<Output = Result<u64, ChainError>> + Send {
		ChainClient::best_block_number(self)
	}

	fn discovery_read(
		&self,
		node_id: &[u8],
	) -> impl Future<Output = Result<DiscoveryRead, ChainError>> + Send {
		ChainClient::discovery_read(self, node_id)
	}

	fn block_number_width(&self) -> Option<BlockNumberWidth> {
		ChainClient::block_number_width(self)
	}

	fn submit_discovery(
		&self,
		call: &str,
		args: &[u8],
		signer: Option<(&OwnerKey, u64)>,
	) -> impl Future<Output = Result<Included, ChainError>> + Send {
		ChainClient::submit_discovery(self, call, args, signer)
	}
}

/// The discovery state of a parked loop.
pub(super) struct Discovery {
	/// The chain's constants, read once per run.
	params: Option<DiscoveryParams>,
	/// Why the configured record cannot be published on this chain (its limits).
	record_blocked: Option<String>,
	/// Whether the heartbeat version fits the chain's limit (else heartbeats carry none).
	version_fits: bool,
	/// The chain's record was the configured one at the last read (or was just published).
	record_synced: bool,
	/// The period whose heartbeat is planned, and the block it is planned at.
	plan: Option<(u32, u64)>,
	/// The last period the chain had (or got) this node's heartbeat for.
	heartbeat_done: Option<u32>,
	/// Rate limit of the warnings about failures.
	warnings: LogLimiter,
}

/// What a step changed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct StepResult {
	/// The state file needs writing.
	pub save: bool,
}

const PUBLISH_CALL: &str = "publish_node_record";
const HEARTBEAT_CALL: &str = "heartbeat";

impl Discovery {
	pub(super) fn new(config: &RegistrationConfig) -> Self {
		Self {
			params: None,
			record_blocked: None,
			version_fits: true,
			record_synced: false,
			plan: None,
			heartbeat_done: None,
			warnings: LogLimiter::new(config.conflict_log_period),
		}
	}

	/// Forgets what was known of the chain's record and heartbeats (a new registration).
	pub(super) fn reset(&mut self) {
		self.record_synced = false;
		self.plan = None;
		self.heartbeat_done = None;
	}

	fn active(config: &RegistrationConfig) -> bool {
		config.discovery.record.is_some() || config.discovery.heartbeats
	}

	/// Reads the chain's constants once, and checks the configured record against its limits.
	async fn params(
		&mut self,
		client: &impl DiscoveryChain,
		config: &RegistrationConfig,
		shared: &Shared,
	) -> Result<DiscoveryParams, ChainError> {
		if let Some(params) = self.params {
			return Ok(params);
		}
		let params = within(config.rpc_timeout, client.discovery_params()).await?;
		if let Some(content) = &config.discovery.record {
			if let Err(error) = content.check_limits(&params.limits) {
				tracing::error!(
					%error,
					"the configured record does not fit the chain's limits; not publishing it \
					 (fix --address/--capability/--version and restart)"
				);
				self.record_blocked = Some(error.to_string());
			}
		}
		self.version_fits =
			config.discovery.version.len() <= params.limits.max_version_len as usize;
		if !self.version_fits {
			tracing::warn!(
				max = params.limits.max_version_len,
				"the version is longer than the chain's MaxVersionLen; heartbeats carry none"
			);
		}
		let blocked = self.record_blocked.clone();
		let signing = config.discovery.signing;
		shared.update(|s| {
			s.discovery.heartbeat_period = Some(params.heartbeat_period);
			s.discovery.fee_less = signing == DiscoverySigning::FeeLess;
			s.discovery.record = Some(
				match (&config.discovery.record, blocked.is_some()) {
					(None, _) => "disabled",
					(Some(_), true) => "invalid",
					(Some(_), false) => "pending",
				}
				.to_owned(),
			);
			if blocked.is_some() {
				s.discovery.last_error = blocked;
			}
		});
		self.params = Some(params);
		Ok(params)
	}

	/// Whether the record needs no look at the chain: none configured, unpublishable, or the
	/// chain had it at the last read.
	fn record_settled(&self, config: &RegistrationConfig) -> bool {
		config.discovery.record.is_none() || self.record_blocked.is_some() || self.record_synced
	}

	/// One step at `now`: publishes the record and sends the heartbeat if due. `full` reads
	/// the chain even when nothing seems due (the periodic check, a new registration, the node
	/// reported offline).
	pub(super) async fn step(
		&mut self,
		client: &impl DiscoveryChain,
		config: &RegistrationConfig,
		shared: &Shared,
		persisted: &mut PersistedState,
		full: bool,
		now: Instant,
	) -> StepResult {
		let mut result = StepResult::default();
		if !Self::active(config) {
			return result;
		}
		// A published record builds a block (on a chain that builds blocks on demand, the
		// only one for a while): look again once for the heartbeat.
		let mut full = full;
		for _ in 0..2 {
			match self.step_once(client, config, shared, persisted, full, now).await {
				Ok(Some(again)) => {
					result.save |= again.save;
					if !again.look_again {
						break;
					}
					full = false;
				}
				Ok(None) => break,
				Err(error) => {
					let message = error.to_string();
					if self.warnings.allow(now) {
						tracing::warn!(%error, "reading the node's record and liveness failed");
					} else {
						tracing::debug!(%error, "reading the node's record and liveness failed");
					}
					shared.update(|s| s.discovery.last_error = Some(message));
					break;
				}
			}
		}
		result
	}

	async fn step_once(
		&mut self,
		client: &impl DiscoveryChain,
		config: &RegistrationConfig,
		shared: &Shared,
		persisted: &mut PersistedState,
		full: bool,
		now: Instant,
	) -> Result<Option<Progress>, ChainError> {
		let params = self.params(client, config, shared).await?;
		let period_len = params.heartbeat_period;
		if !full && self.record_settled(config) {
			// Nothing to look at the chain for in this block?
			let best = within(config.rpc_timeout, client.best_block_number()).await?;
			let next = best.saturating_add(1);
			let period = judge::period_of(next, period_len);
			let heartbeat_quiet = !config.discovery.heartbeats
				|| self.heartbeat_done == Some(period)
				|| matches!(self.plan, Some((planned, target)) if planned == period && next < target);
			if heartbeat_quiet {
				return Ok(None);
			}
		}
		let node_id = config.node_id();
		let read = within(config.rpc_timeout, client.discovery_read(&node_id)).await?;
		let Some(view) = &read.view else {
			// Not registered (any more): the parked loop's checks re-arm it.
			return Ok(None);
		};
		self.show(shared, view, period_len);
		let next = read.best_block.saturating_add(1);
		let mut progress = Progress::default();

		if let (Some(content), None) = (&config.discovery.record, &self.record_blocked) {
			let action = judge::record_action(
				content,
				view.record.as_ref(),
				persisted.record_seq,
				next,
				period_len,
			);
			match action {
				RecordAction::UpToDate => {
					self.record_synced = true;
					shared.update(|s| s.discovery.record = Some("published".into()));
				}
				RecordAction::RateLimited { from_block } => {
					self.record_synced = false;
					shared.update(|s| s.discovery.record = Some("pending".into()));
					tracing::debug!(
						from_block,
						"the record changed; publishing it in the next period"
					);
				}
				RecordAction::Publish { seq, reason } => {
					self.record_synced = false;
					// The state file keeps the highest seq signed, before it can be used.
					persisted.record_seq = persisted.record_seq.max(seq);
					progress.save = true;
					let record = content.record(seq);
					let published = self.publish(client, config, &read, view, &record).await;
					match published {
						Ok(included) => {
							self.record_synced = true;
							shared.count_record(true);
							shared.update(|s| {
								s.discovery.record = Some("published".into());
								s.discovery.record_seq = Some(seq);
								s.discovery.record_published_at = Some(included.block_number);
								s.discovery.last_error = None;
							});
							tracing::info!(
								seq,
								reason = ?reason,
								block = included.block_number,
								addresses = ?content.address_texts,
								capabilities = ?content.capabilities,
								version = %content.version,
								"published the node's record"
							);
							progress.look_again = true;
							return Ok(Some(progress));
						}
						Err(error) => {
							shared.count_record(false);
							self.failed(shared, "publishing the node's record failed", &error, now);
						}
					}
				}
			}
		}

		if !config.discovery.heartbeats {
			return Ok(Some(progress));
		}
		let Some(liveness) = &view.liveness else { return Ok(Some(progress)) };
		let period = judge::period_of(next, period_len);
		let target = match self.plan {
			Some((planned, target)) if planned == period => target,
			_ => {
				let target = judge::heartbeat_target(period, period_len, rand::random());
				self.plan = Some((period, target));
				tracing::debug!(period, target, "planned this period's heartbeat");
				target
			}
		};
		match judge::heartbeat_action(liveness, view.info.status, next, period_len, target) {
			HeartbeatAction::AlreadySent { period } => {
				self.heartbeat_done = Some(period);
				shared.update(|s| s.discovery.next_heartbeat_block = None);
			}
			HeartbeatAction::Wait { from_block, .. } => {
				shared.update(|s| s.discovery.next_heartbeat_block = Some(from_block));
			}
			HeartbeatAction::Send { period, urgent } => {
				let version =
					if self.version_fits { config.discovery.version.as_bytes() } else { &[][..] };
				let args =
					wire::heartbeat_args(&config.node_key, read.genesis_hash, period, version);
				match self.submit(client, config, HEARTBEAT_CALL, &args).await {
					Ok(included) => {
						self.heartbeat_done = Some(period);
						persisted.last_heartbeat_period = Some(period);
						progress.save = true;
						shared.count_heartbeat(true);
						shared.update(|s| {
							s.discovery.last_heartbeat_period = Some(period);
							s.discovery.next_heartbeat_block = None;
							s.discovery.last_seen = Some(included.block_number);
							s.discovery.liveness = Some("online".into());
							s.discovery.last_error = None;
						});
						if urgent {
							tracing::info!(
								period,
								block = included.block_number,
								"heartbeat sent; the node was silent or offline"
							);
						} else {
							tracing::info!(period, block = included.block_number, "heartbeat sent");
						}
					}
					Err(error) => {
						shared.count_heartbeat(false);
						self.failed(shared, "sending the heartbeat failed", &error, now);
					}
				}
			}
		}
		Ok(Some(progress))
	}

	/// Shows the chain's view of the node in `/status`.
	fn show(&self, shared: &Shared, view: &wire::NodeView, period_len: u64) {
		let label = judge::liveness_label(view.info.status, view.liveness.as_ref());
		shared.update(|s| {
			let d = &mut s.discovery;
			d.liveness = Some(label.to_owned());
			d.record_seq = view.record.as_ref().map(|r| r.record.seq);
			d.record_published_at = view.record.as_ref().map(|r| r.published_at);
			if let Some(liveness) = &view.liveness {
				d.last_seen = Some(liveness.last_seen);
				d.last_heartbeat_period = judge::last_heartbeat_period(liveness, period_len);
			}
		});
	}

	fn failed(&mut self, shared: &Shared, what: &'static str, error: &ChainError, now: Instant) {
		let message = format!("{what}: {error}");
		if self.warnings.allow(now) {
			tracing::warn!(%error, "{what}; trying again at the next block");
		} else {
			tracing::debug!(%error, "{what} (warning rate-limited)");
			shared.count_suppressed_warning();
		}
		shared.update(|s| s.discovery.last_error = Some(message));
	}

	async fn publish(
		&self,
		client: &impl DiscoveryChain,
		config: &RegistrationConfig,
		read: &DiscoveryRead,
		view: &wire::NodeView,
		record: &wire::Record,
	) -> Result<Included, ChainError> {
		let width = client.block_number_width().unwrap_or_default();
		let args = wire::publish_args(
			&config.node_key,
			read.genesis_hash,
			view.info.registered_at,
			width,
			record,
		)
		.map_err(|e| ChainError::Decode(e.to_string()))?;
		self.submit(client, config, PUBLISH_CALL, &args).await
	}

	async fn submit(
		&self,
		client: &impl DiscoveryChain,
		config: &RegistrationConfig,
		call: &str,
		args: &[u8],
	) -> Result<Included, ChainError> {
		let signer = match config.discovery.signing {
			DiscoverySigning::FeeLess => None,
			DiscoverySigning::Signed => Some((config.authority.signer(), config.mortality.max(4))),
		};
		within(config.submit_timeout, client.submit_discovery(call, args, signer)).await
	}
}

/// What one look at the chain did.
#[derive(Clone, Copy, Debug, Default)]
struct Progress {
	/// The state file needs writing.
	save: bool,
	/// A transaction built a block: look again.
	look_again: bool,
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::{
		chain::NodeRecord as RegistryEntry,
		discovery::{Limits, Liveness, NodeView, Record, SignedRecord},
		service::config::test_config,
		status::Status,
	};
	use codec::Decode;
	use pallet_registration::{NodeType, Status as NodeStatus};
	use sp_core::crypto::AccountId32;
	use std::{collections::VecDeque, sync::Mutex};

	/// The dev runtime's period: blocks 20..30 are period 2, its heartbeat planned in 20..25.
	const PERIOD: u64 = 10;

	/// A transaction the scripted chain received.
	#[derive(Clone, Debug, PartialEq, Eq)]
	enum Sent {
		Record { seq: u64 },
		Heartbeat { period: u32, version: Vec<u8> },
	}

	/// A chain that answers from memory: a registered node, a best block the test moves, and
	/// submissions that succeed (building a block) unless a failure is queued for them.
	struct FakeChain(Mutex<FakeState>);

	struct FakeState {
		best: u64,
		view: Option<NodeView>,
		sent: Vec<Sent>,
		failures: VecDeque<ChainError>,
	}

	impl FakeChain {
		/// A node registered at block 3, never heard from since, at best block `best`.
		fn new(config: &RegistrationConfig, best: u64) -> Self {
			let view = NodeView {
				info: RegistryEntry {
					node_id: config.node_key.peer_id_base58(),
					node_type: NodeType::StorageMiner,
					status: NodeStatus::Online,
					registered_at: 3,
					owner: AccountId32::new([1; 32]),
				},
				record: None,
				liveness: Some(Liveness {
					last_seen: 3,
					heartbeat_sent: false,
					version: vec![],
					silent: false,
					check_at: 40,
				}),
			};
			Self(Mutex::new(FakeState {
				best,
				view: Some(view),
				sent: vec![],
				failures: VecDeque::new(),
			}))
		}

		fn state(&self) -> std::sync::MutexGuard<'_, FakeState> {
			self.0.lock().unwrap()
		}

		/// The next submission fails with `error`.
		fn fail_next(&self, error: ChainError) {
			self.state().failures.push_back(error);
		}

		/// Other transactions built `blocks` blocks.
		fn advance(&self, blocks: u64) {
			self.state().best += blocks;
		}

		fn sent(&self) -> Vec<Sent> {
			self.state().sent.clone()
		}
	}

	impl DiscoveryChain for FakeChain {
		fn discovery_params(
			&self,
		) -> impl Future<Output = Result<DiscoveryParams, ChainError>> + Send {
			let limits = Limits {
				max_addresses: 8,
				max_address_len: 128,
				max_version_len: 64,
				max_capabilities: 16,
				max_capability_len: 64,
			};
			let params = DiscoveryParams {
				heartbeat_period: PERIOD,
				offline_after_periods: 2,
				max_page_size: 100,
				limits,
			};
			async move { Ok(params) }
		}

		fn best_block_number(&self) -> impl Future<Output = Result<u64, ChainError>> + Send {
			let best = self.state().best;
			async move { Ok(best) }
		}

		fn discovery_read(
			&self,
			_node_id: &[u8],
		) -> impl Future<Output = Result<DiscoveryRead, ChainError>> + Send {
			let state = self.state();
			let read = DiscoveryRead {
				best_block: state.best,
				genesis_hash: [7; 32],
				view: state.view.clone(),
			};
			async move { Ok(read) }
		}

		fn block_number_width(&self) -> Option<BlockNumberWidth> {
			Some(BlockNumberWidth::U64)
		}

		fn submit_discovery(
			&self,
			call: &str,
			args: &[u8],
			_signer: Option<(&OwnerKey, u64)>,
		) -> impl Future<Output = Result<Included, ChainError>> + Send {
			let mut state = self.state();
			let mut input = args;
			let sent = match call {
				PUBLISH_CALL => {
					let (_, record, _) = <(Vec<u8>, Record, Vec<u8>)>::decode(&mut input).unwrap();
					let seq = record.seq;
					(Sent::Record { seq }, Some(record))
				}
				HEARTBEAT_CALL => {
					let (_, period, version, _) =
						<(Vec<u8>, u32, Vec<u8>, Vec<u8>)>::decode(&mut input).unwrap();
					(Sent::Heartbeat { period, version }, None)
				}
				other => panic!("unexpected call {other}"),
			};
			state.sent.push(sent.0);
			let result = match state.failures.pop_front() {
				Some(error) => Err(error),
				None => {
					// Included in a block of its own.
					state.best += 1;
					let block_number = state.best;
					if let Some(view) = state.view.as_mut() {
						match sent.1 {
							Some(record) => {
								view.record = Some(SignedRecord {
									record,
									signature: [0; 64],
									published_at: block_number,
								})
							}
							None => {
								if let Some(liveness) = view.liveness.as_mut() {
									liveness.last_seen = block_number;
									liveness.heartbeat_sent = true;
								}
							}
						}
					}
					Ok(Included { block_number, block_hash: String::new(), events: vec![] })
				}
			};
			async move { result }
		}
	}

	/// A parked loop's discovery with what it shares and persists.
	struct Harness {
		config: RegistrationConfig,
		discovery: Discovery,
		shared: Shared,
		persisted: PersistedState,
		start: Instant,
	}

	impl Harness {
		fn new(config: RegistrationConfig) -> Self {
			let discovery = Discovery::new(&config);
			Self {
				config,
				discovery,
				shared: Shared::new(Status::default()),
				persisted: PersistedState::default(),
				start: Instant::now(),
			}
		}

		/// A step `secs` seconds after the start, as a finalized block (`full` = false) or a
		/// storage check (`full` = true) runs it.
		async fn step(&mut self, chain: &FakeChain, full: bool, secs: u64) -> StepResult {
			let now = self.start + std::time::Duration::from_secs(secs);
			self.discovery
				.step(chain, &self.config, &self.shared, &mut self.persisted, full, now)
				.await
		}
	}

	#[tokio::test]
	async fn a_parked_node_publishes_its_record_then_its_heartbeat() {
		let mut h = Harness::new(test_config("ws://x"));
		// Block 25 is past any block this period's heartbeat can be planned at.
		let chain = FakeChain::new(&h.config, 24);
		let step = h.step(&chain, true, 0).await;
		assert!(step.save);
		let version = h.config.discovery.version.as_bytes().to_vec();
		assert_eq!(
			chain.sent(),
			[Sent::Record { seq: 1 }, Sent::Heartbeat { period: 2, version: version.clone() }]
		);
		assert_eq!(h.persisted.record_seq, 1);
		assert_eq!(h.persisted.last_heartbeat_period, Some(2));
		let status = h.shared.status().discovery;
		assert_eq!(status.record.as_deref(), Some("published"));
		assert_eq!(status.last_heartbeat_period, Some(2));
		// Nothing more in this period (blocks 27 and 28).
		for block in 0..2 {
			chain.advance(1);
			h.step(&chain, block == 1, 10 * block).await;
		}
		assert_eq!(chain.sent().len(), 2);
		// The next period's heartbeat, from its planned block.
		chain.advance(PERIOD);
		h.step(&chain, false, 60).await;
		assert_eq!(chain.sent()[2..], [Sent::Heartbeat { period: 3, version }]);
		let counters = h.shared.counters();
		assert_eq!((counters.records_published, counters.heartbeats_sent), (1, 2));
	}

	#[tokio::test]
	async fn a_failed_heartbeat_is_counted_and_shown() {
		let mut config = test_config("ws://x");
		config.discovery.record = None;
		let mut h = Harness::new(config);
		let chain = FakeChain::new(&h.config, 24);
		chain.fail_next(ChainError::Rpc("connection reset".into()));
		h.step(&chain, true, 0).await;
		assert_eq!(chain.sent().len(), 1);
		assert_eq!(h.shared.counters().heartbeat_failures, 1);
		let status = h.shared.status().discovery;
		assert_eq!(status.record.as_deref(), Some("disabled"));
		let error = status.last_error.unwrap_or_default();
		assert!(error.contains("sending the heartbeat failed: RPC error"), "{error}");
	}
}
