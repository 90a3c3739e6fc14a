//! What a parked (registered) node announces: its record, published once and again whenever the
//! chain's differs from the configured one (new flags, a new version, a registration that
//! dropped the old record), and a heartbeat every liveness period, sent from a random block in
//! the period's first half (at once when the chain has the node silent or offline) unless the
//! chain already has this period's. Decisions are [`crate::judge::discovery`]'s; this module
//! reads, signs and submits, and keeps `/status`, the metrics and the state file up to date.
//!
//! # Failures
//!
//! A failed record or heartbeat is not sent again at the next block: each attempt of a signed
//! one (`--signed-discovery`) pays a fee, and a fee-less one loads the pool. The failure is
//! classified ([`judge::classify_failure`]) and the next attempt of its kind waits
//! ([`judge::Retry`]: one per kind, forgotten after a success or a new registration), never
//! for the block after the failed attempt's:
//!
//! - **final**: the chain refuses the record's content for what it is (`InvalidAddress`,
//!   `ForeignPeerIdInAddress`, `InvalidRecordText`, `DuplicateCapability`). That record is not
//!   published again while it is the configured one (fix the flags and restart): one error is
//!   logged and `/status` shows `record: "refused"` with `record_error`. Heartbeats go on. Of a
//!   heartbeat, `InvalidRecordText` refuses its version: the next ones carry none.
//! - **done**: `HeartbeatAlreadySent`, as if this one had gone in.
//! - **next period**: `HeartbeatForAnotherPeriod`, `RecordRateLimited`: from the next period's
//!   first block.
//! - **fast retry**: the connection, an RPC, a timeout, a transaction the pool holds already or
//!   finds outdated, `StaleRecord`: registration's fast retries (2, 4, … 60 s with jitter, in
//!   bursts of at most `--max-retry`).
//! - **slow retry**: a refused signature (`InvalidRecordSignature`,
//!   `InvalidHeartbeatSignature`), a fee the account cannot pay, `NodeNotFound`, and anything
//!   else: registration's slow retries (the interval, doubling up to `--max-slow-retry-secs`).
//!
//! Only a signed transaction names the pallet's error: the pool refuses a fee-less one whose
//! check fails as a bad proof, whatever the check, so a fee-less record is never found final
//! (its content was checked as the pallet checks it before it was first sent) and retries
//! slowly. `/status` shows each kind's wait (`record_retry`, `heartbeat_retry`); the metrics
//! count the failures by class (`registrar_discovery_failures_total`) and in a row
//! (`registrar_discovery_retry_failures`).

use super::{DiscoverySigning, RegistrationConfig};
use crate::{
	backoff::{Backoff, LogLimiter},
	chain::{within, ChainClient, DiscoveryRead, DiscoverySender},
	chain_error::ChainError,
	discovery::{self as wire, DiscoveryParams, RecordContent},
	facts::{BlockNumberWidth, FeeLessPath, Included},
	judge::discovery::{
		self as judge, DiscoveryCall, FailureClass, HeartbeatAction, RecordAction, Retry,
	},
	state::PersistedState,
	status::{DiscoveryRetry, Shared},
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
	/// [`ChainClient::takes_general_transactions`].
	fn takes_general_transactions(&self) -> bool;
	/// [`ChainClient::submit_discovery`].
	fn submit_discovery(
		&self,
		call: &str,
		args: &[u8],
		sender: DiscoverySender<'_>,
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

	fn takes_general_transactions(&self) -> bool {
		ChainClient::takes_general_transactions(self)
	}

	fn submit_discovery(
		&self,
		call: &str,
		args: &[u8],
		sender: DiscoverySender<'_>,
	) -> impl Future<Output = Result<Included, ChainError>> + Send {
		ChainClient::submit_discovery(self, call, args, sender)
	}
}

/// The discovery state of a parked loop.
pub(super) struct Discovery {
	/// The chain's constants, read once per run.
	params: Option<DiscoveryParams>,
	/// Why the configured record cannot be published on this chain (its limits).
	record_blocked: Option<String>,
	/// A record whose content the chain refused (a final failure): not published again
	/// while it is the configured one.
	record_refused: Option<RecordContent>,
	/// Whether the heartbeat version fits the chain's limit (else heartbeats carry none).
	version_fits: bool,
	/// The chain refused the heartbeat's version (a final failure): heartbeats carry none.
	version_refused: bool,
	/// When the next record may be published after failures.
	record_retry: Retry,
	/// When the next heartbeat may be sent after failures.
	heartbeat_retry: Retry,
	/// The chain's record was the configured one at the last read (or was just published).
	record_synced: bool,
	/// The period whose heartbeat is planned, and the block it is planned at.
	plan: Option<(u32, u64)>,
	/// The last period the chain had (or got) this node's heartbeat for.
	heartbeat_done: Option<u32>,
	/// Rate limit of the warnings about failures.
	warnings: LogLimiter,
	/// The path of the last fee-less transaction (logged when it changes).
	fee_less_path: Option<FeeLessPath>,
}

/// When a step runs: the monotonic clock (the waits after failures) and the host's wall clock
/// in Unix seconds (the record's sequence number: [`judge::next_seq`]).
#[derive(Clone, Copy, Debug)]
pub(super) struct Clock {
	/// The monotonic clock.
	pub instant: Instant,
	/// Seconds since the Unix epoch.
	pub unix: u64,
}

impl Clock {
	/// Both clocks now.
	pub(super) fn now() -> Self {
		Self { instant: Instant::now(), unix: crate::state::unix_now() }
	}
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
		// Registration's policy: fast retries 2 … 60 s in bursts of at most `max_retry`, slow
		// retries from the interval, doubling up to the cap.
		let backoff = Backoff::new(config.register_interval, config.max_retry)
			.with_slow_retry_cap(config.max_slow_retry_interval);
		Self {
			params: None,
			record_blocked: None,
			record_refused: None,
			version_fits: true,
			version_refused: false,
			record_retry: Retry::new(backoff.clone()),
			heartbeat_retry: Retry::new(backoff),
			record_synced: false,
			plan: None,
			heartbeat_done: None,
			warnings: LogLimiter::new(config.conflict_log_period),
			fee_less_path: None,
		}
	}

	/// Forgets what was known of the chain's record and heartbeats, and the failures of the
	/// last registration's (a new registration). A record the chain refused stays refused: its
	/// content has not changed.
	pub(super) fn reset(&mut self, shared: &Shared) {
		self.record_synced = false;
		self.plan = None;
		self.heartbeat_done = None;
		self.record_retry.succeeded();
		self.heartbeat_retry.succeeded();
		shared.update(|s| {
			s.discovery.record_retry = None;
			s.discovery.heartbeat_retry = None;
		});
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
				s.discovery.record_error.clone_from(&blocked);
				s.discovery.last_error = blocked;
			}
		});
		self.params = Some(params);
		Ok(params)
	}

	/// The configured record, unless it cannot be published: beyond the chain's limits, or
	/// its content refused by the chain.
	fn publishable<'c>(&self, config: &'c RegistrationConfig) -> Option<&'c RecordContent> {
		let content = config.discovery.record.as_ref()?;
		let refused = self.record_refused.as_ref() == Some(content);
		(self.record_blocked.is_none() && !refused).then_some(content)
	}

	/// Whether the record needs no look at the chain: none to publish, or the chain had it at
	/// the last read.
	fn record_settled(&self, config: &RegistrationConfig) -> bool {
		self.publishable(config).is_none() || self.record_synced
	}

	/// One step at `clock`: publishes the record and sends the heartbeat if due. `full` reads
	/// the chain even when nothing seems due (the periodic check, a new registration, the node
	/// reported offline).
	pub(super) async fn step(
		&mut self,
		client: &impl DiscoveryChain,
		config: &RegistrationConfig,
		shared: &Shared,
		persisted: &mut PersistedState,
		full: bool,
		clock: Clock,
	) -> StepResult {
		let now = clock.instant;
		let mut result = StepResult::default();
		if !Self::active(config) {
			return result;
		}
		// A published record builds a block (on a chain that builds blocks on demand, the
		// only one for a while): look again once for the heartbeat.
		let mut full = full;
		for _ in 0..2 {
			match self.step_once(client, config, shared, persisted, full, clock).await {
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
		clock: Clock,
	) -> Result<Option<Progress>, ChainError> {
		let now = clock.instant;
		let params = self.params(client, config, shared).await?;
		let period_len = params.heartbeat_period;
		if !full {
			// Nothing to look at the chain for in this block? (A record or heartbeat waiting
			// after a failure is not.)
			let best = within(config.rpc_timeout, client.best_block_number()).await?;
			let next = best.saturating_add(1);
			let period = judge::period_of(next, period_len);
			let record_quiet = self.record_settled(config) || !self.record_retry.allows(now, next);
			let heartbeat_quiet = !config.discovery.heartbeats
				|| self.heartbeat_done == Some(period)
				|| matches!(self.plan, Some((planned, target)) if planned == period && next < target)
				|| !self.heartbeat_retry.allows(now, next);
			if record_quiet && heartbeat_quiet {
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

		if let Some(content) = self.publishable(config) {
			let action = judge::record_action(
				content,
				view.record.as_ref(),
				persisted.record_seq,
				next,
				period_len,
				clock.unix,
			);
			match action {
				RecordAction::UpToDate => {
					// (Also after a failure whose transaction got in after all.)
					self.record_synced = true;
					self.record_retry.succeeded();
					shared.update(|s| {
						s.discovery.record = Some("published".into());
						s.discovery.record_error = None;
						s.discovery.record_retry = None;
					});
				}
				RecordAction::SeqAhead(ahead) => {
					// Nothing signed, nothing persisted: the next look at the chain (another
					// endpoint's answer, or the clock caught up) decides again.
					self.record_synced = false;
					let reason = format!(
						"the chain's record has sequence number {}, beyond what this host's clock \
						 allows ({}: its Unix time plus a day); no record is signed above it, \
						 which could freeze the node's record (the chain takes only a higher one): \
						 an RPC endpoint that lies, or a record signed on a host whose clock ran \
						 far ahead (see \"What the registrar trusts its RPC endpoint for\" in \
						 docs/registrar.md)",
						ahead.on_chain, ahead.limit
					);
					if self.warnings.allow(now) {
						tracing::warn!(
							on_chain = ahead.on_chain,
							limit = ahead.limit,
							"not publishing the record: {reason}"
						);
					} else {
						shared.count_suppressed_warning();
					}
					shared.update(|s| {
						s.discovery.record = Some("seq_ahead".into());
						s.discovery.record_error = Some(reason.clone());
						s.discovery.last_error = Some(reason);
					});
				}
				RecordAction::RateLimited { from_block } => {
					self.record_synced = false;
					shared.update(|s| s.discovery.record = Some("pending".into()));
					tracing::debug!(
						from_block,
						"the record changed; publishing it in the next period"
					);
				}
				RecordAction::Publish { .. } if !self.record_retry.allows(now, next) => {
					self.record_synced = false;
					shared.update(|s| s.discovery.record = Some("pending".into()));
					tracing::debug!(
						wait = ?self.record_retry.wait(),
						"the record waits after a failure before it is published again"
					);
				}
				RecordAction::Publish { seq, reason } => {
					self.record_synced = false;
					// The state file keeps the seq signed, before it can be used (above the
					// last one, or replacing one beyond the clock's bound).
					persisted.record_seq = seq;
					progress.save = true;
					let record = content.record(seq);
					let published =
						self.publish(client, config, shared, &read, view, &record).await;
					match published {
						Ok(included) => {
							self.record_synced = true;
							self.record_retry.succeeded();
							shared.count_record(true);
							shared.update(|s| {
								s.discovery.record = Some("published".into());
								s.discovery.record_seq = Some(seq);
								s.discovery.record_published_at = Some(included.block_number);
								s.discovery.record_error = None;
								s.discovery.last_error = None;
								s.discovery.record_retry = None;
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
							let attempt =
								Attempt { call: DiscoveryCall::Record, now, next, period_len };
							let class = self.failed(shared, attempt, &error);
							if class == FailureClass::Final {
								self.refuse_record(shared, content, &error);
							}
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
				// (Also after a failure whose transaction got in after all.)
				self.heartbeat_done = Some(period);
				self.heartbeat_retry.succeeded();
				shared.update(|s| {
					s.discovery.next_heartbeat_block = None;
					s.discovery.heartbeat_retry = None;
				});
			}
			HeartbeatAction::Wait { from_block, .. } => {
				shared.update(|s| s.discovery.next_heartbeat_block = Some(from_block));
			}
			HeartbeatAction::Send { .. } if !self.heartbeat_retry.allows(now, next) => {
				let from_block = self.heartbeat_retry.wait().map(|w| w.from_block.max(next));
				shared.update(|s| s.discovery.next_heartbeat_block = from_block);
				tracing::debug!(
					wait = ?self.heartbeat_retry.wait(),
					"the heartbeat waits after a failure before it is sent again"
				);
			}
			HeartbeatAction::Send { period, urgent } => {
				let with_version = self.version_fits && !self.version_refused;
				let version =
					if with_version { config.discovery.version.as_bytes() } else { &[][..] };
				let args =
					wire::heartbeat_args(&config.node_key, read.genesis_hash, period, version);
				match self.submit(client, config, shared, HEARTBEAT_CALL, &args).await {
					Ok(included) => {
						self.heartbeat_done = Some(period);
						self.heartbeat_retry.succeeded();
						persisted.last_heartbeat_period = Some(period);
						progress.save = true;
						shared.count_heartbeat(true);
						shared.update(|s| {
							s.discovery.last_heartbeat_period = Some(period);
							s.discovery.next_heartbeat_block = None;
							s.discovery.last_seen = Some(included.block_number);
							s.discovery.liveness = Some("online".into());
							s.discovery.last_error = None;
							s.discovery.heartbeat_retry = None;
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
						let attempt =
							Attempt { call: DiscoveryCall::Heartbeat, now, next, period_len };
						match self.failed(shared, attempt, &error) {
							FailureClass::Done => {
								self.heartbeat_done = Some(period);
								shared.update(|s| s.discovery.next_heartbeat_block = None);
							}
							FailureClass::Final => {
								// Said once: the next heartbeats carry no version to refuse.
								self.version_refused = true;
								tracing::error!(
									%error,
									version = %config.discovery.version,
									with_version,
									"the chain refuses the heartbeat's version; heartbeats carry \
									 none from now on (fix --version and restart)"
								);
							}
							_ => {}
						}
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

	/// After `attempt` failed with `error`: classifies the failure, sets the wait before the
	/// next attempt of its kind, counts it, logs it (warnings rate-limited) and shows it.
	fn failed(&mut self, shared: &Shared, attempt: Attempt, error: &ChainError) -> FailureClass {
		let Attempt { call, now, next, period_len } = attempt;
		let what = match call {
			DiscoveryCall::Record => "publishing the node's record failed",
			DiscoveryCall::Heartbeat => "sending the heartbeat failed",
		};
		let class = judge::classify_failure(call, error);
		let retry = match call {
			DiscoveryCall::Record => &mut self.record_retry,
			DiscoveryCall::Heartbeat => &mut self.heartbeat_retry,
		};
		let wait = retry.failed(class, now, next, period_len, rand::random());
		shared.count_discovery_failure(call, class);
		let message = format!("{what}: {error}");
		match (class, wait) {
			(FailureClass::Done, _) => {
				tracing::info!(%error, "the chain has this period's heartbeat already");
			}
			// A refusal of the content is said once, at error level, by the caller.
			(FailureClass::Final, _) => {}
			(_, Some(wait)) => {
				let retry_in_secs = wait.delay.as_secs();
				let class = class.label();
				if self.warnings.allow(now) {
					tracing::warn!(
						%error,
						class,
						failures = wait.failures,
						retry_in_secs,
						from_block = wait.from_block,
						"{what}; trying again after the wait"
					);
				} else {
					tracing::debug!(%error, class, retry_in_secs, "{what} (warning rate-limited)");
					shared.count_suppressed_warning();
				}
			}
			(_, None) => {}
		}
		let shown =
			wait.filter(|_| !(class == FailureClass::Final && call == DiscoveryCall::Record));
		let shown = shown.map(|wait| DiscoveryRetry {
			class: wait.class.label().to_owned(),
			failures: wait.failures,
			wait_secs: wait.delay.as_secs(),
			from_block: wait.from_block,
		});
		shared.update(|s| {
			let d = &mut s.discovery;
			if class == FailureClass::Done {
				d.last_error = None;
			} else {
				d.last_error = Some(message);
			}
			match call {
				DiscoveryCall::Record => d.record_retry = shown,
				DiscoveryCall::Heartbeat => d.heartbeat_retry = shown,
			}
		});
		class
	}

	/// The chain refused `content` for what it is: it is not published again while it is the
	/// configured record (said once, at error level, and in `/status`).
	fn refuse_record(&mut self, shared: &Shared, content: &RecordContent, error: &ChainError) {
		tracing::error!(
			%error,
			addresses = ?content.address_texts,
			capabilities = ?content.capabilities,
			version = %content.version,
			"the chain refuses the configured record's content; not publishing it again \
			 (fix --address/--capability/--version and restart)"
		);
		self.record_refused = Some(content.clone());
		self.record_synced = false;
		let reason = format!("the chain refused the record: {error}");
		shared.update(|s| {
			s.discovery.record = Some("refused".into());
			s.discovery.record_error = Some(reason);
		});
	}

	async fn publish(
		&mut self,
		client: &impl DiscoveryChain,
		config: &RegistrationConfig,
		shared: &Shared,
		read: &DiscoveryRead,
		view: &wire::NodeView,
		record: &wire::Record,
	) -> Result<Included, ChainError> {
		let width = client.block_number_width().unwrap_or_default();
		let args = wire::publish_args(
			&config.node_key,
			read.genesis_hash,
			view.info.registered_at,
			view.key_epoch,
			width,
			record,
		)
		.map_err(|e| ChainError::Decode(e.to_string()))?;
		self.submit(client, config, shared, PUBLISH_CALL, &args).await
	}

	async fn submit(
		&mut self,
		client: &impl DiscoveryChain,
		config: &RegistrationConfig,
		shared: &Shared,
		call: &str,
		args: &[u8],
	) -> Result<Included, ChainError> {
		let sender = match config.discovery.signing {
			DiscoverySigning::FeeLess => {
				DiscoverySender::FeeLess(self.fee_less_path(client, config, shared)?)
			}
			DiscoverySigning::Signed => {
				DiscoverySender::Signed(config.authority.signer(), config.mortality.max(4))
			}
		};
		within(config.submit_timeout, client.submit_discovery(call, args, sender)).await
	}

	/// The path of the next fee-less transaction on `client`'s runtime, in `/status`; logged
	/// when it is new (the first, or another after a reconnection).
	fn fee_less_path(
		&mut self,
		client: &impl DiscoveryChain,
		config: &RegistrationConfig,
		shared: &Shared,
	) -> Result<FeeLessPath, ChainError> {
		let path =
			judge::fee_less_path(config.discovery.fee_less, client.takes_general_transactions())?;
		if self.fee_less_path != Some(path) {
			self.fee_less_path = Some(path);
			let mode = config.discovery.fee_less;
			match path {
				FeeLessPath::General => tracing::info!(
					?mode,
					"fee-less records and heartbeats go as general transactions (AuthorizeCall)"
				),
				FeeLessPath::Bare => tracing::info!(
					?mode,
					"fee-less records and heartbeats go as bare transactions (ValidateUnsigned)"
				),
			}
			shared.update(|s| s.discovery.fee_less_path = Some(path));
		}
		Ok(path)
	}
}

/// A failed attempt: of which call, when, for which block, in periods of how many blocks.
#[derive(Clone, Copy, Debug)]
struct Attempt {
	call: DiscoveryCall,
	now: Instant,
	next: u64,
	period_len: u64,
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
		discovery::{Limits, Liveness, NodeView, Record, SignedRecord},
		facts::RegistryEntry,
		service::config::test_config,
		status::Status,
	};
	use codec::Decode;
	use pallet_registration::{NodeType, Status as NodeStatus};
	use sp_core::crypto::AccountId32;
	use std::{collections::VecDeque, sync::Mutex};

	/// The dev runtime's period: blocks 20..30 are period 2, its heartbeat planned in 20..25.
	const PERIOD: u64 = 10;

	/// The host's clock (Unix seconds) when a harness starts.
	const CLOCK: u64 = 1_750_000_000;

	/// The sequence number of a record first signed `secs` seconds after the start: the
	/// clock's.
	fn seq_at(secs: u64) -> u64 {
		CLOCK + secs
	}

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
		/// The runtime takes general transactions (`AuthorizeCall`).
		general: bool,
		/// How each transaction was sent: its fee-less path, `None` when signed.
		paths: Vec<Option<FeeLessPath>>,
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
				key_epoch: 0,
			};
			Self(Mutex::new(FakeState {
				best,
				view: Some(view),
				sent: vec![],
				failures: VecDeque::new(),
				general: true,
				paths: vec![],
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

		/// The chain has a heartbeat of the node's in block `block`.
		fn heartbeat_in(&self, block: u64) {
			let mut state = self.state();
			let liveness = state.view.as_mut().and_then(|v| v.liveness.as_mut()).unwrap();
			liveness.last_seen = block;
			liveness.heartbeat_sent = true;
		}

		fn sent(&self) -> Vec<Sent> {
			self.state().sent.clone()
		}

		/// The runtime takes general transactions (`true`) or not.
		fn general(&self, general: bool) {
			self.state().general = general;
		}

		fn paths(&self) -> Vec<Option<FeeLessPath>> {
			self.state().paths.clone()
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

		fn takes_general_transactions(&self) -> bool {
			self.state().general
		}

		fn submit_discovery(
			&self,
			call: &str,
			args: &[u8],
			sender: DiscoverySender<'_>,
		) -> impl Future<Output = Result<Included, ChainError>> + Send {
			let mut state = self.state();
			state.paths.push(match sender {
				DiscoverySender::FeeLess(path) => Some(path),
				DiscoverySender::Signed(..) => None,
			});
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
					Ok(Included {
						block_number,
						block_hash: String::new(),
						events: vec![],
						transaction_fee_paid: None,
						registration_fee_paid: 0,
					})
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
			let clock = Clock {
				instant: self.start + std::time::Duration::from_secs(secs),
				unix: seq_at(secs),
			};
			self.discovery
				.step(chain, &self.config, &self.shared, &mut self.persisted, full, clock)
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
			[
				Sent::Record { seq: seq_at(0) },
				Sent::Heartbeat { period: 2, version: version.clone() }
			]
		);
		assert_eq!(h.persisted.record_seq, seq_at(0));
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

	/// Item 16 of issue 24: with `--signed-discovery` a failed heartbeat was sent again at the
	/// next block, paying each time.
	#[tokio::test]
	async fn a_failed_heartbeat_is_not_sent_again_at_the_next_block() {
		let mut config = test_config("ws://x");
		config.discovery.record = None;
		config.discovery.signing = DiscoverySigning::Signed;
		let mut h = Harness::new(config);
		let chain = FakeChain::new(&h.config, 24);
		chain.fail_next(ChainError::Pool(
			"1010: Invalid Transaction: Inability to pay some fees (e.g. account balance too low)"
				.into(),
		));
		h.step(&chain, true, 0).await;
		assert_eq!(chain.sent().len(), 1);
		// The next finalized blocks, a block time apart, and a storage check: nothing sent.
		for block in 1..=3 {
			chain.advance(1);
			h.step(&chain, block == 3, 6 * block).await;
		}
		assert_eq!(chain.sent().len(), 1, "{:?}", chain.sent());
	}

	/// The same for a record that failed for a transient reason.
	#[tokio::test]
	async fn a_failed_record_is_not_published_again_at_the_next_block() {
		let mut config = test_config("ws://x");
		config.discovery.heartbeats = false;
		config.discovery.signing = DiscoverySigning::Signed;
		let mut h = Harness::new(config);
		let chain = FakeChain::new(&h.config, 24);
		chain.fail_next(ChainError::Timeout(120));
		h.step(&chain, true, 0).await;
		chain.advance(1);
		// Long after in time, but at the very next block.
		h.step(&chain, false, 600).await;
		assert_eq!(chain.sent(), [Sent::Record { seq: seq_at(0) }]);
	}

	/// Fee-less records and heartbeats go as general transactions where the runtime takes
	/// them, as bare ones where it does not or where `--fee-less bare` says so; `/status` shows
	/// which; signed ones are signed whatever the runtime.
	#[tokio::test]
	async fn fee_less_transactions_are_general_where_the_runtime_takes_them() {
		use judge::FeeLessMode;
		use FeeLessPath::{Bare, General};
		let cases = [
			(FeeLessMode::Auto, true, Some(General)),
			(FeeLessMode::Auto, false, Some(Bare)),
			(FeeLessMode::Bare, true, Some(Bare)),
			(FeeLessMode::General, true, Some(General)),
		];
		for (mode, general, path) in cases {
			let mut config = test_config("ws://x");
			config.discovery.fee_less = mode;
			let mut h = Harness::new(config);
			let chain = FakeChain::new(&h.config, 24);
			chain.general(general);
			h.step(&chain, true, 0).await;
			assert_eq!(chain.paths(), [path, path], "{mode:?} on a runtime general: {general}");
			assert_eq!(h.shared.status().discovery.fee_less_path, path, "{mode:?}");
		}
		// Forcing the general path on a runtime without it sends nothing, and says why.
		let mut config = test_config("ws://x");
		config.discovery.fee_less = FeeLessMode::General;
		config.discovery.record = None;
		let mut h = Harness::new(config);
		let chain = FakeChain::new(&h.config, 24);
		chain.general(false);
		h.step(&chain, true, 0).await;
		assert!(chain.sent().is_empty());
		let error = h.shared.status().discovery.last_error.unwrap_or_default();
		assert!(error.contains("AuthorizeCall"), "{error}");
		// Signed: no fee-less path.
		let mut h = heartbeats_only();
		let chain = FakeChain::new(&h.config, 24);
		h.step(&chain, true, 0).await;
		assert_eq!(chain.paths(), [None]);
		assert_eq!(h.shared.status().discovery.fee_less_path, None);
	}

	/// The pallet's error `name` in a block.
	fn dispatch(name: &str) -> ChainError {
		ChainError::Dispatch(crate::chain_error::DispatchFailure {
			pallet: Some(crate::facts::PALLET.into()),
			error: name.into(),
		})
	}

	fn payment_refused() -> ChainError {
		ChainError::Pool("1010: Invalid Transaction: Inability to pay some fees".into())
	}

	/// Heartbeats only, signed.
	fn heartbeats_only() -> Harness {
		let mut config = test_config("ws://x");
		config.discovery.record = None;
		config.discovery.signing = DiscoverySigning::Signed;
		Harness::new(config)
	}

	fn heartbeat(period: u32, h: &Harness) -> Sent {
		Sent::Heartbeat { period, version: h.config.discovery.version.as_bytes().to_vec() }
	}

	#[tokio::test]
	async fn a_transient_failure_retries_fast_after_a_block_and_a_success_clears_it() {
		let mut h = heartbeats_only();
		let chain = FakeChain::new(&h.config, 24);
		chain.fail_next(ChainError::Rpc("connection reset".into()));
		h.step(&chain, true, 0).await;
		let retry = h.shared.status().discovery.heartbeat_retry.unwrap();
		assert_eq!((retry.class.as_str(), retry.failures, retry.from_block), ("fast_retry", 1, 27));
		assert!(retry.wait_secs <= 2, "{retry:?}");
		// Block 26: however late, not the block after the failed one's.
		chain.advance(1);
		h.step(&chain, false, 30).await;
		// Block 27, but within the first fast retry's wait (at least 1.6 s). (The clock is the
		// test's: an earlier time shows the wait in time alone.)
		chain.advance(1);
		h.step(&chain, false, 1).await;
		assert_eq!(chain.sent().len(), 1, "{:?}", chain.sent());
		h.step(&chain, false, 3).await;
		assert_eq!(chain.sent(), [heartbeat(2, &h), heartbeat(2, &h)]);
		let status = h.shared.status().discovery;
		assert_eq!((status.heartbeat_retry, status.last_error), (None, None));
		assert_eq!(h.shared.counters().heartbeats_sent, 1);
	}

	#[tokio::test]
	async fn a_refused_payment_retries_after_the_interval_doubling() {
		let mut h = heartbeats_only();
		let chain = FakeChain::new(&h.config, 24);
		chain.fail_next(payment_refused());
		chain.fail_next(payment_refused());
		h.step(&chain, true, 0).await;
		chain.advance(2);
		h.step(&chain, false, 119).await;
		assert_eq!(chain.sent().len(), 1);
		h.step(&chain, true, 121).await;
		assert_eq!(chain.sent().len(), 2);
		let retry = h.shared.status().discovery.heartbeat_retry.unwrap();
		assert_eq!(
			(retry.class.as_str(), retry.failures, retry.wait_secs, retry.from_block),
			("slow_retry", 2, 240, 29)
		);
		chain.advance(2);
		h.step(&chain, true, 121 + 239).await;
		assert_eq!(chain.sent().len(), 2);
		h.step(&chain, false, 121 + 241).await;
		assert_eq!(chain.sent().len(), 3);
		assert_eq!(h.persisted.last_heartbeat_period, Some(2));
		assert_eq!(h.shared.status().discovery.heartbeat_retry, None);
		let counters = h.shared.counters();
		assert_eq!(counters.discovery_failures.get(&("heartbeat", "slow_retry")), Some(&2));
		assert_eq!((counters.heartbeat_failures, counters.heartbeats_sent), (2, 1));
	}

	#[tokio::test]
	async fn a_refused_record_is_not_published_again_until_the_configuration_changes() {
		let mut config = test_config("ws://x");
		config.discovery.signing = DiscoverySigning::Signed;
		let mut h = Harness::new(config);
		let chain = FakeChain::new(&h.config, 24);
		chain.fail_next(dispatch("InvalidAddress"));
		h.step(&chain, true, 0).await;
		// The heartbeat goes on.
		assert_eq!(chain.sent(), [Sent::Record { seq: seq_at(0) }, heartbeat(2, &h)]);
		for step in 1..20u64 {
			chain.advance(3);
			h.step(&chain, step % 4 == 0, 3600 * step).await;
		}
		let sent = chain.sent();
		assert_eq!(sent.iter().filter(|s| matches!(s, Sent::Record { .. })).count(), 1, "{sent:?}");
		let status = h.shared.status().discovery;
		assert_eq!(status.record.as_deref(), Some("refused"));
		let reason = status.record_error.unwrap_or_default();
		assert!(reason.contains("Registration.InvalidAddress"), "{reason}");
		assert_eq!(status.record_retry, None);
		let counters = h.shared.counters();
		assert_eq!(counters.discovery_failures.get(&("record", "final")), Some(&1));
		assert_eq!(counters.record_failures, 1);
		// Other flags: the new record is published.
		h.config.set_record(&[], "v2", &["gpu".into()]).unwrap();
		chain.advance(1);
		h.step(&chain, false, 3600 * 20).await;
		let again = Sent::Record { seq: seq_at(3600 * 20) };
		assert!(chain.sent().contains(&again), "{:?}", chain.sent());
		assert_eq!(h.shared.status().discovery.record.as_deref(), Some("published"));
	}

	#[tokio::test]
	async fn a_heartbeat_already_sent_counts_as_done() {
		let mut h = heartbeats_only();
		let chain = FakeChain::new(&h.config, 24);
		chain.fail_next(dispatch("HeartbeatAlreadySent"));
		h.step(&chain, true, 0).await;
		// (An earlier one, lost on its way back, got in.)
		chain.heartbeat_in(25);
		let status = h.shared.status().discovery;
		assert_eq!((status.heartbeat_retry, status.last_error), (None, None));
		for step in 1..=3 {
			chain.advance(1);
			h.step(&chain, step == 2, step).await;
		}
		assert_eq!(chain.sent().len(), 1);
		// The next period's goes as planned, with no wait (a slow retry's would be 120 s).
		chain.advance(PERIOD);
		h.step(&chain, false, 5).await;
		assert_eq!(chain.sent(), [heartbeat(2, &h), heartbeat(3, &h)]);
		let counters = h.shared.counters();
		assert_eq!(counters.discovery_failures.get(&("heartbeat", "done")), Some(&1));
	}

	#[tokio::test]
	async fn a_heartbeat_for_another_period_waits_for_the_next_period() {
		let mut h = heartbeats_only();
		let chain = FakeChain::new(&h.config, 24);
		chain.fail_next(dispatch("HeartbeatForAnotherPeriod"));
		h.step(&chain, true, 0).await;
		let retry = h.shared.status().discovery.heartbeat_retry.unwrap();
		assert_eq!(
			(retry.class.as_str(), retry.wait_secs, retry.from_block),
			("next_period", 0, 30)
		);
		// Blocks 27 to 29, however late: not in this period.
		chain.advance(2);
		for step in 1..=3 {
			h.step(&chain, step == 2, 600 * step).await;
			chain.advance(1);
		}
		assert_eq!(chain.sent().len(), 1);
		assert_eq!(h.shared.status().discovery.next_heartbeat_block, Some(30));
		// Block 35: past any block period 3's heartbeat is planned at.
		chain.advance(5);
		h.step(&chain, false, 3000).await;
		assert_eq!(chain.sent(), [heartbeat(2, &h), heartbeat(3, &h)]);
	}

	#[tokio::test]
	async fn a_rate_limited_record_waits_for_the_next_period() {
		let mut config = test_config("ws://x");
		config.discovery.heartbeats = false;
		config.discovery.signing = DiscoverySigning::Signed;
		let mut h = Harness::new(config);
		let chain = FakeChain::new(&h.config, 24);
		chain.fail_next(dispatch("RecordRateLimited"));
		h.step(&chain, true, 0).await;
		chain.advance(2);
		for step in 1..=3 {
			h.step(&chain, step == 2, 600 * step).await;
			chain.advance(1);
		}
		assert_eq!(chain.sent(), [Sent::Record { seq: seq_at(0) }]);
		assert_eq!(h.shared.status().discovery.record.as_deref(), Some("pending"));
		// Block 30, the next period's first.
		h.step(&chain, false, 1800).await;
		assert_eq!(
			chain.sent(),
			[Sent::Record { seq: seq_at(0) }, Sent::Record { seq: seq_at(1800) }]
		);
		let status = h.shared.status().discovery;
		assert_eq!((status.record.as_deref(), status.record_retry), (Some("published"), None));
	}

	#[tokio::test]
	async fn a_refused_version_leaves_the_heartbeats_without_one() {
		let mut h = heartbeats_only();
		let chain = FakeChain::new(&h.config, 24);
		chain.fail_next(dispatch("InvalidRecordText"));
		h.step(&chain, true, 0).await;
		let retry = h.shared.status().discovery.heartbeat_retry.unwrap();
		assert_eq!((retry.class.as_str(), retry.from_block), ("final", 27));
		chain.advance(2);
		h.step(&chain, false, 3).await;
		let sent = chain.sent();
		assert_eq!(sent[1..], [Sent::Heartbeat { period: 2, version: vec![] }]);
		chain.advance(PERIOD);
		h.step(&chain, false, 600).await;
		assert_eq!(chain.sent()[2..], [Sent::Heartbeat { period: 3, version: vec![] }]);
	}

	/// The chain's record: another content than the configured one, with sequence number
	/// `seq`, published in block 3.
	fn chain_record(chain: &FakeChain, seq: u64) {
		let record = Record {
			seq,
			addresses: vec![],
			version: b"another version".to_vec(),
			capabilities: vec![],
		};
		let mut state = chain.state();
		let view = state.view.as_mut().unwrap();
		view.record = Some(SignedRecord { record, signature: [0; 64], published_at: 3 });
	}

	/// Issue 30, finding 2: one answer of `u64::MAX − 1` made the registrar persist and sign
	/// `u64::MAX`, which froze the node's record for good (the chain takes only a higher seq).
	#[tokio::test]
	async fn a_lying_seq_signs_nothing_and_the_next_honest_answer_recovers() {
		let mut config = test_config("ws://x");
		config.discovery.heartbeats = false;
		let mut h = Harness::new(config);
		let chain = FakeChain::new(&h.config, 24);
		chain_record(&chain, u64::MAX - 1);
		h.step(&chain, true, 0).await;
		assert_eq!(chain.sent(), [], "a record was signed above the lie");
		assert_eq!(h.persisted.record_seq, 0, "the lie reached the state file");
		let status = h.shared.status().discovery;
		assert_eq!(status.record.as_deref(), Some("seq_ahead"));
		let reason = status.record_error.unwrap_or_default();
		assert!(reason.contains(&(u64::MAX - 1).to_string()), "{reason}");
		// Asked again (a storage check): still nothing.
		chain.advance(3);
		h.step(&chain, true, 60).await;
		assert_eq!(chain.sent(), []);
		// Another endpoint tells the truth: a record of seq 5. Published at the clock's seq.
		chain_record(&chain, 5);
		chain.advance(1);
		h.step(&chain, true, 120).await;
		assert_eq!(chain.sent(), [Sent::Record { seq: seq_at(120) }]);
		assert_eq!(h.persisted.record_seq, seq_at(120));
		let status = h.shared.status().discovery;
		assert_eq!((status.record.as_deref(), status.record_error), (Some("published"), None));
	}

	/// Recovering from the chain's record: one ahead of the clock within a day (a host whose
	/// clock ran ahead, a lost state file) is stepped over; a state file value beyond the bound
	/// (an older registrar followed a lie) is replaced.
	#[tokio::test]
	async fn a_chain_record_ahead_within_a_day_is_stepped_over_and_a_poisoned_state_file_healed() {
		let mut config = test_config("ws://x");
		config.discovery.heartbeats = false;
		let mut h = Harness::new(config);
		h.persisted.record_seq = u64::MAX;
		let chain = FakeChain::new(&h.config, 24);
		chain_record(&chain, seq_at(3600));
		h.step(&chain, true, 0).await;
		assert_eq!(chain.sent(), [Sent::Record { seq: seq_at(3601) }]);
		assert_eq!(h.persisted.record_seq, seq_at(3601));
	}

	#[tokio::test]
	async fn a_new_registration_forgets_the_waits() {
		let mut h = heartbeats_only();
		let chain = FakeChain::new(&h.config, 24);
		chain.fail_next(payment_refused());
		h.step(&chain, true, 0).await;
		assert!(h.shared.status().discovery.heartbeat_retry.is_some());
		h.discovery.reset(&h.shared);
		assert_eq!(h.shared.status().discovery.heartbeat_retry, None);
		chain.advance(2);
		h.step(&chain, true, 1).await;
		assert_eq!(chain.sent().len(), 2);
	}
}
