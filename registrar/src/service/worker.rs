//! The loop that keeps a node registered: attempts, backs off, parks once registered and
//! re-arms when an event or a storage check says the registration is gone; keeps `/status`,
//! the metrics and the state file up to date.

use super::{
	attempt::{check_refusal, register_within, RefusalCheck},
	discovery::{Clock, Discovery},
	RegistrationConfig,
};
use crate::{
	backoff::{Backoff, LogLimiter},
	budget::{self, Room},
	chain::{within, ChainClient},
	chain_error::ChainError,
	facts::{Included, RegistryEvent},
	genesis::{self, GenesisError, Pin, PinSource},
	judge::{self, DegradedCheck, ParkCheck},
	outcome::{AttemptOutcome, Cost, OutcomeClass, RearmReason},
	shutdown::stopped,
	state::{unix_now, PersistedState, Phase, RefusedRegistration},
	status::Shared,
};
use std::time::{Duration, Instant};
use tokio::sync::watch;

/// What a fatal outcome leads to.
#[derive(Debug, PartialEq, Eq)]
enum AfterFatal {
	/// Nothing submitted (the judge refused this configuration): no more attempts until
	/// restarted, which costs nothing.
	Fail,
	/// The chain refused a submitted registration: remembered, and checked read-only.
	Refused(RefusedRegistration),
}

/// How parking ended.
enum ParkEnd {
	Stop,
	Rearm(RearmReason, String),
	Lost(String),
}

/// The loop's state: its configuration, what it shares with the HTTP endpoints, what it
/// persists, its connection and its waits.
pub(super) struct Worker<'a> {
	config: &'a RegistrationConfig,
	shared: Shared,
	stop: watch::Receiver<bool>,
	persisted: PersistedState,
	client: Option<ChainClient>,
	backoff: Backoff,
	warnings: LogLimiter,
	discovery: Discovery,
	/// The configuration's fingerprint, which a remembered refusal must match.
	fingerprint: String,
	/// A remembered refusal was said to stand in this run (said once at error level).
	refusal_said: bool,
	/// The daily budget in base units, once read with the chain's currency.
	budget: Option<u128>,
	/// The largest transaction fee a submission was counted with: what a removal whose
	/// events are not known is counted as costing.
	largest_transaction_fee: u128,
}

/// How long after a "degraded" read the second read that must confirm it is made: about a
/// block on most chains.
const DEGRADED_CONFIRM_DELAY: Duration = Duration::from_secs(6);

impl<'a> Worker<'a> {
	/// A worker for `config` that starts from `persisted` and stops when `stop` turns true. A
	/// refusal remembered for another configuration is forgotten.
	pub(super) fn new(
		config: &'a RegistrationConfig,
		shared: Shared,
		stop: watch::Receiver<bool>,
		mut persisted: PersistedState,
	) -> Self {
		let fingerprint = config.fingerprint();
		match &persisted.refused {
			Some(refused) if refused.config == fingerprint => tracing::info!(
				refused_at = refused.at,
				pallet_error = ?refused.pallet_error,
				"the chain refused this configuration's registration for good; reading the \
				 chain before anything is submitted, and submitting only if it reads otherwise"
			),
			Some(_) => {
				tracing::info!(
					"the configuration changed since the chain refused its registration; \
					 trying again"
				);
				persisted.refused = None;
			}
			None => {}
		}
		Self {
			config,
			shared,
			stop,
			persisted,
			client: None,
			backoff: Backoff::new(config.register_interval, config.max_retry)
				.with_slow_retry_cap(config.max_slow_retry_interval),
			warnings: LogLimiter::new(config.conflict_log_period),
			discovery: Discovery::new(config),
			fingerprint,
			refusal_said: false,
			budget: None,
			largest_transaction_fee: 0,
		}
	}

	/// Whether the next attempt may submit: not while a refusal is remembered for this
	/// configuration (the attempt then only reads: [`check_refusal`]).
	fn may_submit(&self) -> bool {
		self.persisted.refused.is_none()
	}

	/// After a fatal outcome: a refusal of a submitted registration is remembered (in the state
	/// file, written now), so that neither this run nor the next start pays for it again while
	/// the chain reads the same.
	fn after_fatal(&mut self, outcome: &AttemptOutcome) -> AfterFatal {
		if !outcome.submitted {
			return AfterFatal::Fail;
		}
		let refused = RefusedRegistration {
			config: self.fingerprint.clone(),
			pallet_error: outcome.pallet_error.clone(),
			detail: outcome.detail.clone(),
			at: unix_now(),
		};
		self.persisted.refused = Some(refused.clone());
		self.persisted.phase = Phase::Failed;
		self.save();
		AfterFatal::Refused(refused)
	}

	/// The judge decides otherwise than when the chain refused (`outcome`): the refusal is
	/// forgotten (written with the outcome).
	fn forget_refusal(&mut self, outcome: &AttemptOutcome) {
		if self.persisted.refused.take().is_some() {
			tracing::info!(
				detail = %outcome.detail,
				"the chain no longer reads as when it refused this configuration's \
				 registration; the refusal is forgotten"
			);
			self.refusal_said = false;
		}
	}

	/// A remembered refusal stands: nothing is submitted; the `failed` phase (not ready,
	/// `/status` says why) until the next read-only check, after a slow retry's wait. `false`
	/// when asked to stop meanwhile.
	async fn hold_refused(&mut self, refused: &RefusedRegistration) -> bool {
		let delay = self.backoff.next_delay_random(OutcomeClass::SlowRetry);
		let detail = format!(
			"the chain refused this configuration's registration for good{}: {}; not submitted \
			 again while the chain reads as it did then (it is read again in {} s); change the \
			 configuration to try again",
			refused.pallet_error.as_deref().map(|e| format!(" ({e})")).unwrap_or_default(),
			refused.detail,
			delay.as_secs()
		);
		if self.refusal_said {
			tracing::debug!(%detail, "the refusal stands");
		} else {
			tracing::error!(%detail, "fatal: not submitting");
			self.refusal_said = true;
		}
		self.shared.update(|s| {
			s.phase = Phase::Failed;
			s.last_outcome = Some(OutcomeClass::Fatal);
			s.last_error = Some(detail.clone());
			s.next_attempt_in_secs = Some(delay.as_secs());
			s.retry_burst = 0;
		});
		self.persisted.phase = Phase::Failed;
		self.persisted.last_outcome = Some(OutcomeClass::Fatal.label().to_owned());
		self.persisted.last_error = Some(detail);
		self.save();
		self.sleep(delay).await
	}

	/// Runs the loop until stopped, then unregisters if configured to, and records the
	/// `stopped` phase.
	pub(super) async fn run_until_stopped(mut self) {
		self.run().await;
		if self.config.unregister_on_shutdown {
			self.unregister_on_shutdown().await;
		}
		self.shared.update(|s| {
			s.phase = Phase::Stopped;
			s.next_attempt_in_secs = None;
		});
		self.persisted.phase = Phase::Stopped;
		self.save();
	}

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
		let stored = match self.persisted.genesis_hash.as_deref() {
			None => None,
			Some(text) => match genesis::parse(text) {
				Some(hash) => Some(hash),
				None => {
					let error = ChainError::Genesis(GenesisError::StateUnreadable(text.to_owned()));
					return Err(self.genesis_refused(&error));
				}
			},
		};
		match self.config.connect_pinned(stored).await {
			Ok(client) => {
				tracing::info!(endpoint = %client.endpoint(), "connected");
				if let Some(pin) = client.pin().copied() {
					self.pinned(pin);
				}
				match self.config.daily_budget_base_units(client.token()) {
					Ok(budget) => {
						self.budget = Some(budget);
						self.show_spending();
					}
					Err(error) => {
						let detail = format!("--daily-budget: {error}");
						return Err(AttemptOutcome::failed(OutcomeClass::Fatal, detail, None));
					}
				}
				self.client = Some(client.clone());
				Ok(client)
			}
			Err(e @ ChainError::Genesis(_)) => Err(self.genesis_refused(&e)),
			Err(e) => Err(AttemptOutcome::chain_error(&e, false, None)),
		}
	}

	/// The chain is pinned to `pin`: shown in `/status`, and written in the state file the
	/// first time (trust on first use, logged).
	fn pinned(&mut self, pin: Pin) {
		let hash = genesis::hex0x(&pin.hash);
		if self.persisted.genesis_hash.is_none() {
			if pin.source == PinSource::FirstUse {
				tracing::warn!(
					genesis_hash = %hash,
					"no genesis hash configured: pinned the endpoint's on first use; later \
					 starts refuse any other chain (give --genesis-hash to choose it)"
				);
			} else {
				tracing::info!(genesis_hash = %hash, source = pin.source.label(), "pinned the chain");
			}
			self.persisted.genesis_hash = Some(hash.clone());
			self.save();
		}
		self.shared.update(|s| {
			s.genesis.pinned = Some(hash);
			s.genesis.source = Some(pin.source);
			s.genesis.refused = None;
		});
	}

	/// What the budget leaves for a submission now (nothing before it is known).
	fn allowance(&self) -> u128 {
		let Some(budget) = self.budget else { return 0 };
		budget.saturating_sub(self.persisted.spending.spent(unix_now()))
	}

	/// Whether a submission costing at most `cost` fits the budget now.
	fn room(&self, cost: u128) -> Room {
		let budget = self.budget.unwrap_or(0);
		self.persisted.spending.room(unix_now(), budget, cost)
	}

	/// Counts a submission's cost in the window (written to the state file at once).
	fn spend(&mut self, cost: Cost) {
		self.largest_transaction_fee = self.largest_transaction_fee.max(cost.transaction_fee);
		self.persisted.spending.record(unix_now(), cost.amount, cost.estimated);
		tracing::info!(
			cost = cost.amount,
			estimated = cost.estimated,
			spent_in_window = self.persisted.spending.spent(unix_now()),
			budget = ?self.budget,
			"counted a paid transaction against the daily budget"
		);
		self.save();
		self.show_spending();
	}

	/// `/status`'s and `/metrics`' spending: the window's, against the budget.
	fn show_spending(&mut self) {
		let now = unix_now();
		self.persisted.spending.prune(now);
		let spending = &self.persisted.spending;
		let (spent, count) = (spending.spent(now), spending.entries.len());
		let budget = self.budget;
		self.shared.update(|s| {
			s.spending.budget = budget;
			s.spending.spent_in_window = spent;
			s.spending.window_secs = budget::WINDOW_SECS;
			s.spending.transactions_in_window = count;
		});
	}

	/// Whether the budget stops paid submissions (shown in `/status`), and for how long.
	fn show_over_budget(&self, over: Option<u64>) {
		self.shared.update(|s| {
			s.spending.over_budget = over.is_some();
			s.spending.frees_in_secs = over;
		});
	}

	/// The endpoint names another chain than the pinned one (or the pin cannot be read): a
	/// fatal outcome that submitted nothing, shown in `/status`.
	fn genesis_refused(&mut self, error: &ChainError) -> AttemptOutcome {
		tracing::error!(%error, "refusing the endpoint's chain; nothing is signed");
		let text = error.to_string();
		self.shared.update(|s| s.genesis.refused = Some(text));
		AttemptOutcome::chain_error(error, false, None)
	}

	async fn run(&mut self) {
		while !self.stopping() {
			// (While a refusal is remembered, the attempt only reads: still failed.)
			let failed = !self.may_submit();
			self.shared.update(|s| {
				s.phase = match (s.registered, failed) {
					(true, _) => Phase::Registered,
					(false, true) => Phase::Failed,
					(false, false) => Phase::Registering,
				};
				s.next_attempt_in_secs = None;
			});
			let outcome = match self.connect().await {
				Ok(client) if self.may_submit() => {
					tokio::select! {
						outcome = register_within(&client, self.config, self.allowance()) => outcome,
						_ = stopped(&mut self.stop) => return,
					}
				}
				Ok(client) => {
					let check = tokio::select! {
						check = check_refusal(&client, self.config) => check,
						_ = stopped(&mut self.stop) => return,
					};
					match check {
						RefusalCheck::Stands => {
							let Some(refused) = self.persisted.refused.clone() else { continue };
							if !self.hold_refused(&refused).await {
								return;
							}
							continue;
						}
						RefusalCheck::Undecided(outcome) => outcome,
						RefusalCheck::Changed(outcome) => {
							self.forget_refusal(&outcome);
							outcome
						}
					}
				}
				Err(outcome) => outcome,
			};
			if outcome.submitted {
				self.shared.count_submission();
			}
			if let Some(cost) = outcome.cost {
				self.spend(cost);
			}
			if !outcome.over_budget {
				self.show_over_budget(None);
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
						tracing::warn!(reason = reason.label(), detail = %detail, "re-arming: the node is no longer registered as it was");
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
				match self.after_fatal(&outcome) {
					AfterFatal::Fail => {
						self.fail(&outcome).await;
						return;
					}
					AfterFatal::Refused(refused) => {
						if !self.hold_refused(&refused).await {
							return;
						}
						continue;
					}
				}
			}
			if outcome.degraded
				&& self.config.recover_degraded
				&& self.degraded_confirmed(&outcome).await
			{
				self.recover_degraded().await;
			}
			// A degraded node is registered: it is watched at the interval, not backed off. Over
			// budget, the next attempt waits until the window frees room (a full interval at
			// least).
			let delay = if outcome.degraded {
				self.backoff.full_interval()
			} else if outcome.over_budget {
				let frees_in = match self.room(u128::MAX) {
					Room::Spent { frees_in_secs, .. } => frees_in_secs,
					Room::Open { .. } => 0,
				};
				self.show_over_budget(Some(frees_in));
				Duration::from_secs(frees_in).max(self.backoff.full_interval())
			} else {
				self.backoff.next_delay_random(outcome.class)
			};
			self.log_failure(&outcome, delay);
			let phase = match outcome.class {
				OutcomeClass::Conflict => Phase::Conflict,
				_ if outcome.degraded => Phase::Degraded,
				_ if outcome.over_budget => Phase::OverBudget,
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

	/// A refusal this configuration meets every time, found before submitting: no more
	/// attempts; stays in the `failed` phase (not ready, `/status` says why) until stopped. (A
	/// restart meets it again without paying anything.)
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
			s.discovery.liveness = None;
			s.discovery.next_heartbeat_block = None;
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
			OutcomeClass::SlowRetry if outcome.over_budget => {
				if self.warnings.allow(Instant::now()) {
					tracing::warn!(
						detail = %outcome.detail,
						retry_in_secs = delay.as_secs(),
						spent_in_window = self.persisted.spending.spent(unix_now()),
						budget = ?self.budget,
						"over the daily budget: no paid transaction is submitted until the \
						 window frees room (--daily-budget)"
					);
				} else {
					self.shared.count_suppressed_warning();
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

	/// Whether a second read, a little later, confirms the degraded status `outcome` read
	/// ([`judge::confirm_degraded`]): one answer of the endpoint does not make the registrar
	/// pay to unregister and register again.
	async fn degraded_confirmed(&mut self, outcome: &AttemptOutcome) -> bool {
		let (Some(first), Some(client)) = (outcome.view.clone(), self.client.clone()) else {
			return false;
		};
		// `/status` says what the last read said while the second one is awaited.
		self.shared.update(|s| s.phase = Phase::Degraded);
		if !self.sleep(DEGRADED_CONFIRM_DELAY).await {
			return false;
		}
		let node_id = self.config.node_id();
		let owner = self.config.authority.owner_account();
		let why = match within(self.config.rpc_timeout, client.view(&node_id, &owner)).await {
			Ok(second) => match judge::confirm_degraded(&first, &second, &owner) {
				DegradedCheck::Confirmed => return true,
				DegradedCheck::NotConfirmed(why) => why,
			},
			Err(error) => format!("the second read failed: {error}"),
		};
		tracing::warn!(%why, "the degraded status is not confirmed; not recovering the node now");
		let detail = format!("degraded status not confirmed by a second read: {why}");
		self.shared.update(|s| s.last_error = Some(detail));
		false
	}

	async fn recover_degraded(&mut self) {
		let Some(client) = self.client.clone() else { return };
		let estimate = self.largest_transaction_fee;
		if let Room::Spent { spent, budget, frees_in_secs } = self.room(estimate) {
			tracing::warn!(
				spent,
				budget,
				frees_in_secs,
				"over the daily budget: not unregistering the degraded node now (--daily-budget)"
			);
			self.show_over_budget(Some(frees_in_secs));
			return;
		}
		tracing::warn!("recovering the degraded node: unregistering it as its owner");
		let unregistered = self.unregister(&client).await;
		let cost = match &unregistered {
			Ok(included) => included.transaction_fee_paid.map_or(
				Cost { amount: estimate, estimated: true, transaction_fee: estimate },
				|fee| Cost { amount: fee, estimated: false, transaction_fee: fee },
			),
			Err(ChainError::Pool(_) | ChainError::Metadata(_)) => {
				Cost { amount: 0, estimated: false, transaction_fee: 0 }
			}
			Err(_) => Cost { amount: estimate, estimated: true, transaction_fee: estimate },
		};
		self.spend(cost);
		match unregistered {
			Ok(included) => tracing::info!(
				block = included.block_number,
				"degraded node unregistered; it can register again after the cooldown"
			),
			Err(error) => tracing::warn!(%error, "unregistering the degraded node failed"),
		}
	}

	/// Submits the owner's removal of this node (`unregister_main_node`, or `unregister_node`
	/// on a chain of fleets: [`ChainClient::unregister`]) and waits for finality; only
	/// the owner's key can (not a submitter with a consent).
	async fn unregister(&self, client: &ChainClient) -> Result<Included, ChainError> {
		let Some(owner) = self.config.authority.owner_key() else {
			return Err(ChainError::Metadata(
				"only the owner's key can unregister the node; this registrar has the owner's \
				 consent, not its key"
					.into(),
			));
		};
		let node_id = self.config.node_id();
		let mortality = self.config.unregister_mortality();
		let unregister = client.unregister(&node_id, owner, mortality);
		within(self.config.submit_timeout, unregister).await
	}

	async fn park(&mut self, client: &ChainClient) -> ParkEnd {
		let node_id = self.config.node_id();
		let owner = self.config.authority.owner_account();
		let mut watcher = match within(self.config.rpc_timeout, client.watch()).await {
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
		// Records and heartbeats: a full look at once (a new registration), then at each
		// finalized block, and a full one at each storage check or when the node went offline.
		self.discovery.reset(&self.shared);
		let mut discovery_due = Some(true);
		loop {
			if let Some(full) = discovery_due.take() {
				let step = tokio::select! {
					_ = stopped(&mut stop) => return ParkEnd::Stop,
					step = self.discovery.step(client, self.config, &self.shared, &mut self.persisted, full, Clock::now()) => step,
				};
				if step.save {
					self.save();
				}
			}
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
						let rearm = events.iter().find_map(|e| judge::rearm_on_event(e, &node_id, &owner, number));
						if let Some((reason, detail)) = rearm {
							return ParkEnd::Rearm(reason, detail);
						}
						let offline = events.iter().any(|e| {
							matches!(e, RegistryEvent::WentOffline { .. }) && e.node_id() == node_id.as_slice()
						});
						if offline {
							tracing::warn!(block = number, "the chain marked the node offline (no heartbeat for too long)");
						}
						discovery_due = Some(offline);
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
					match within(self.config.rpc_timeout, client.view(&node_id, &owner)).await {
						Ok(view) => {
							match judge::storage_check(&view, &owner) {
								ParkCheck::Confirmed => {
									let number = view.block_number;
									self.shared.update(|s| {
										s.confirmed_block = Some(number);
										s.last_finalized_block = Some(number);
									});
									self.persisted.confirmed_block = Some(number);
									self.persisted.confirmed_hash = Some(view.block_hash.clone());
									self.save();
									discovery_due = Some(true);
								},
								ParkCheck::Rearm(reason, detail) => return ParkEnd::Rearm(reason, detail),
							}
							if watcher.is_none() {
								watcher = within(self.config.rpc_timeout, client.watch()).await.ok();
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
		match self.unregister(&client).await {
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
	use crate::{service::config::test_config, status::Status};

	fn worker(config: &RegistrationConfig, persisted: PersistedState) -> Worker<'_> {
		let (_stop, stopped) = watch::channel(false);
		Worker::new(config, Shared::new(Status::default()), stopped, persisted)
	}

	/// A submitted registration the chain refused for good, as an attempt reports it.
	fn refused_submission() -> AttemptOutcome {
		AttemptOutcome {
			submitted: true,
			pallet_error: Some("InvalidSignature".into()),
			..AttemptOutcome::failed(
				OutcomeClass::Fatal,
				"dispatch error: Registration.InvalidSignature".into(),
				None,
			)
		}
	}

	/// Issue 30, finding 5: the saved `failed` phase was only logged, so each restart paid
	/// for the same refused transaction again.
	#[test]
	fn a_refused_submission_is_remembered_across_a_restart_with_the_same_configuration() {
		let dir = tempfile::tempdir().unwrap();
		let config = RegistrationConfig { state_dir: dir.path().into(), ..test_config("ws://x") };
		let mut first = worker(&config, PersistedState::default());
		assert!(first.may_submit());
		let AfterFatal::Refused(refused) = first.after_fatal(&refused_submission()) else {
			panic!("not remembered")
		};
		assert_eq!(refused.pallet_error.as_deref(), Some("InvalidSignature"));
		assert!(!first.may_submit());
		// Restarted: the state file holds it, and the same configuration only reads.
		let saved = PersistedState::load(dir.path()).unwrap().unwrap();
		assert_eq!(saved.refused.as_ref(), Some(&refused));
		assert_eq!(saved.phase, Phase::Failed);
		let restarted = worker(&config, saved.clone());
		assert!(!restarted.may_submit(), "the restart would submit again");
		// The chain reads otherwise (the judge decides otherwise): forgotten.
		let mut changed = worker(&config, saved.clone());
		let parked = AttemptOutcome::failed(OutcomeClass::Conflict, "someone else's".into(), None);
		changed.forget_refusal(&parked);
		assert!(changed.may_submit());
		// Another configuration: not held back.
		let other = RegistrationConfig {
			node_type: pallet_registration::NodeType::GpuMiner,
			..config.clone()
		};
		let other_worker = worker(&other, saved);
		assert!(other_worker.may_submit());
		assert_eq!(other_worker.persisted.refused, None);
	}

	/// Issue 30, finding 1: the genesis pinned at the first start is written in the state file,
	/// which later starts hold to; a refusal shows in `/status`.
	#[test]
	fn the_first_pin_is_written_in_the_state_file_and_a_refusal_shows_in_status() {
		let dir = tempfile::tempdir().unwrap();
		let config = RegistrationConfig { state_dir: dir.path().into(), ..test_config("ws://x") };
		let mut first = worker(&config, PersistedState::default());
		first.pinned(Pin { hash: [0x45; 32], source: PinSource::FirstUse });
		let saved = PersistedState::load(dir.path()).unwrap().unwrap();
		let hash = genesis::hex0x(&[0x45; 32]);
		assert_eq!(saved.genesis_hash.as_deref(), Some(hash.as_str()));
		let status = first.shared.status().genesis;
		assert_eq!(status.pinned.as_deref(), Some(hash.as_str()));
		assert_eq!(status.source, Some(PinSource::FirstUse));
		// The next start reads it back as the pin; the endpoint's other answer is refused.
		let stored = genesis::parse(&hash);
		let error = genesis::pin(None, stored, [0x46; 32]).unwrap_err();
		let outcome = first.genesis_refused(&ChainError::Genesis(error));
		assert_eq!((outcome.class, outcome.submitted), (OutcomeClass::Fatal, false));
		let refused = first.shared.status().genesis.refused.unwrap();
		assert!(refused.contains("nothing is signed"), "{refused}");
		assert_eq!(first.after_fatal(&outcome), AfterFatal::Fail);
		// A later pin does not move the stored one.
		first.pinned(Pin { hash: [0x45; 32], source: PinSource::StateFile });
		let saved = PersistedState::load(dir.path()).unwrap().unwrap();
		assert_eq!(saved.genesis_hash.as_deref(), Some(hash.as_str()));
	}

	/// Issue 30, finding 4: what paid transactions cost is counted in a window the state
	/// file keeps, so a restart does not reset it; once spent, nothing more may be paid for.
	#[test]
	fn the_spending_window_survives_a_restart_and_bounds_the_allowance() {
		const UNIT: u128 = 1_000_000_000_000_000_000;
		let dir = tempfile::tempdir().unwrap();
		let config = RegistrationConfig { state_dir: dir.path().into(), ..test_config("ws://x") };
		let budget = config.daily_budget_base_units(None).unwrap();
		assert_eq!(budget, 5 * UNIT);
		let mut first = worker(&config, PersistedState::default());
		assert_eq!(first.allowance(), 0, "nothing may be paid before the budget is known");
		first.budget = Some(budget);
		first.spend(Cost { amount: 3 * UNIT, estimated: true, transaction_fee: UNIT / 100 });
		assert_eq!(first.allowance(), 2 * UNIT);
		assert_eq!(first.largest_transaction_fee, UNIT / 100);
		let mut restarted = worker(&config, PersistedState::load(dir.path()).unwrap().unwrap());
		restarted.budget = Some(budget);
		assert_eq!(restarted.allowance(), 2 * UNIT);
		restarted.spend(Cost { amount: 2 * UNIT, estimated: false, transaction_fee: UNIT / 100 });
		assert_eq!(restarted.allowance(), 0);
		assert!(matches!(restarted.room(1), Room::Spent { .. }));
		let status = restarted.shared.status().spending;
		assert_eq!((status.spent_in_window, status.budget), (5 * UNIT, Some(budget)));
		assert_eq!(status.transactions_in_window, 2);
		restarted.show_over_budget(Some(86_000));
		let metrics = restarted.shared.render_metrics();
		assert!(metrics.contains("registrar_spent_in_window_base_units 5000000000000000000"));
		assert!(metrics.contains("registrar_daily_budget_base_units 5000000000000000000"));
		assert!(metrics.contains("registrar_over_budget 1"), "{metrics}");
		assert!(restarted.shared.status().spending.over_budget);
	}

	/// A fatal refusal found before submitting costs nothing to meet again: not remembered.
	#[test]
	fn a_refusal_found_before_submitting_is_not_remembered() {
		let dir = tempfile::tempdir().unwrap();
		let config = RegistrationConfig { state_dir: dir.path().into(), ..test_config("ws://x") };
		let mut worker = worker(&config, PersistedState::default());
		let judged = AttemptOutcome { submitted: false, ..refused_submission() };
		assert_eq!(worker.after_fatal(&judged), AfterFatal::Fail);
		assert!(worker.may_submit());
		assert_eq!(PersistedState::load(dir.path()).unwrap(), None);
	}
}
