//! Discovery's decisions: which liveness period a block is in, when in a period to send the
//! heartbeat (a random block in the first half, so the nodes of a chain do not all send at the
//! period's first block, and a late one still has half a period to get in), whether to send it,
//! and whether to publish the record again and with which sequence number; and after a failed
//! record or heartbeat, what the failure is ([`classify_failure`]) and how long the next one
//! of its kind waits ([`Retry`]); and how a fee-less one is sent ([`fee_less_path`]).

use crate::{
	backoff::Backoff,
	chain_error::ChainError,
	discovery::{Liveness, RecordContent, SignedRecord},
	facts::{FeeLessPath, PALLET},
	outcome::{self, OutcomeClass, FINAL_RECORD_ERRORS},
};
use pallet_registration::Status as NodeStatus;
use serde::Serialize;
use std::time::{Duration, Instant};

/// The liveness period of block `block` (the pallet's `period_of`: the block number divided by
/// `HeartbeatPeriod`, saturating at `u32::MAX`; a zero period reads as period 0).
pub fn period_of(block: u64, period_len: u64) -> u32 {
	let index = block.checked_div(period_len).unwrap_or(0);
	u32::try_from(index).unwrap_or(u32::MAX)
}

/// The first block of `period`.
pub fn period_start(period: u32, period_len: u64) -> u64 {
	period_len.saturating_mul(u64::from(period))
}

/// The blocks of a period in which a heartbeat may be planned: its first half (at least one).
pub fn heartbeat_window(period_len: u64) -> u64 {
	(period_len / 2).max(1)
}

/// The block from which the heartbeat of `period` is sent: the period's first block plus
/// `random` reduced to the window ([`heartbeat_window`]).
pub fn heartbeat_target(period: u32, period_len: u64, random: u64) -> u64 {
	period_start(period, period_len).saturating_add(random % heartbeat_window(period_len))
}

/// How far ahead of this host's clock (Unix time, in seconds) a record's sequence number may
/// lie: a day. A sequence number read from the chain beyond it is not believed, and one the
/// state file holds beyond it is not continued.
pub const MAX_SEQ_AHEAD_SECS: u64 = 86_400;

/// The chain's record carries a sequence number beyond what this host's clock allows: no
/// record can be signed above it without giving up the bound ([`next_seq`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct SeqAhead {
	/// The chain's record's sequence number, as read.
	pub on_chain: u64,
	/// The highest sequence number this registrar signs now: the host's Unix time plus
	/// [`MAX_SEQ_AHEAD_SECS`].
	pub limit: u64,
}

/// The sequence number of the next record, signed at `unix_now` (the host's clock, in
/// seconds): the host's Unix time, or one above the last one this registrar signed (the state
/// file) if that is higher, or one above the chain's record if that is higher still, but never
/// more than [`MAX_SEQ_AHEAD_SECS`] ahead of the clock. Time-based, as libp2p's signed peer
/// records are: the numbers increase across restarts, lost state files and other hosts with
/// the same key whose clocks agree, and a lying RPC cannot push them to the end of the range,
/// which would freeze the record (the pallet takes only a higher one): its answer counts only
/// within a day of the clock, and a state file value beyond that (an older registrar's, which
/// followed any answer) is not continued. A chain's record beyond the bound is [`SeqAhead`]:
/// nothing is signed.
pub fn next_seq(persisted: u64, on_chain: Option<u64>, unix_now: u64) -> Result<u64, SeqAhead> {
	let limit = unix_now.saturating_add(MAX_SEQ_AHEAD_SECS);
	let own = if persisted < limit { persisted } else { 0 };
	let next = own.saturating_add(1).max(unix_now);
	match on_chain {
		Some(on_chain) if on_chain >= next && on_chain < limit => Ok(on_chain + 1),
		Some(on_chain) if on_chain >= next => Err(SeqAhead { on_chain, limit }),
		_ => Ok(next),
	}
}

/// Why a record is to be published.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordReason {
	/// The node has no record (just registered, or registered again: a removal drops it).
	Missing,
	/// The chain's record differs from the configured one (new flags, a new version).
	Changed,
}

/// What to do about the node's record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecordAction {
	/// Publish it with this sequence number.
	Publish {
		/// The sequence number.
		seq: u64,
		/// Why.
		reason: RecordReason,
	},
	/// The chain has it.
	UpToDate,
	/// It changed, but a record was published in this period already (one per period): from
	/// this block on it can be published.
	RateLimited {
		/// The first block of the next period.
		from_block: u64,
	},
	/// It changed, but the chain's record's sequence number lies beyond the clock's bound:
	/// nothing is signed ([`next_seq`]).
	SeqAhead(SeqAhead),
}

/// Whether to publish `content`, given the chain's record and the last sequence number this
/// registrar used, for a transaction in block `next_block`, at `unix_now` (the host's clock,
/// which sequence numbers follow: [`next_seq`]).
pub fn record_action(
	content: &RecordContent,
	on_chain: Option<&SignedRecord>,
	persisted_seq: u64,
	next_block: u64,
	period_len: u64,
	unix_now: u64,
) -> RecordAction {
	let Some(stored) = on_chain else {
		return match next_seq(persisted_seq, None, unix_now) {
			Ok(seq) => RecordAction::Publish { seq, reason: RecordReason::Missing },
			Err(ahead) => RecordAction::SeqAhead(ahead),
		};
	};
	if content.matches(&stored.record) {
		return RecordAction::UpToDate;
	}
	let now = period_of(next_block, period_len);
	if period_of(stored.published_at, period_len) >= now {
		return RecordAction::RateLimited {
			from_block: period_start(now.saturating_add(1), period_len),
		};
	}
	match next_seq(persisted_seq, Some(stored.record.seq), unix_now) {
		Ok(seq) => RecordAction::Publish { seq, reason: RecordReason::Changed },
		Err(ahead) => RecordAction::SeqAhead(ahead),
	}
}

/// What to do about this period's heartbeat.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HeartbeatAction {
	/// The chain has this period's heartbeat.
	AlreadySent {
		/// The period.
		period: u32,
	},
	/// Not yet: the planned block is ahead.
	Wait {
		/// The period.
		period: u32,
		/// The block from which it is sent.
		from_block: u64,
	},
	/// Send it now, for this period.
	Send {
		/// The period.
		period: u32,
		/// The node is silent or offline: sent at once, not at the planned block.
		urgent: bool,
	},
}

/// Whether to send a heartbeat in a transaction for block `next_block`, given the chain's
/// liveness and status of the node and the block planned for this period's heartbeat.
pub fn heartbeat_action(
	liveness: &Liveness,
	status: NodeStatus,
	next_block: u64,
	period_len: u64,
	target: u64,
) -> HeartbeatAction {
	let period = period_of(next_block, period_len);
	if liveness.heartbeat_sent && period_of(liveness.last_seen, period_len) == period {
		return HeartbeatAction::AlreadySent { period };
	}
	if liveness.silent || status == NodeStatus::Offline {
		return HeartbeatAction::Send { period, urgent: true };
	}
	if next_block >= target {
		HeartbeatAction::Send { period, urgent: false }
	} else {
		HeartbeatAction::Wait { period, from_block: target }
	}
}

/// The period of the node's last heartbeat, if the chain has one.
pub fn last_heartbeat_period(liveness: &Liveness, period_len: u64) -> Option<u32> {
	liveness.heartbeat_sent.then(|| period_of(liveness.last_seen, period_len))
}

/// The node's liveness in a word: `online`, `offline`, `degraded` (a storage miner unregistered
/// once), `silent` (found silent by the sweep while degraded: its next heartbeat clears it), or
/// `unknown` (no liveness on chain).
pub fn liveness_label(status: NodeStatus, liveness: Option<&Liveness>) -> &'static str {
	match (status, liveness) {
		(_, None) => "unknown",
		(NodeStatus::Offline, _) => "offline",
		(_, Some(liveness)) if liveness.silent => "silent",
		(NodeStatus::Degraded, _) => "degraded",
		(NodeStatus::Online, _) => "online",
	}
}

/// Which path fee-less records and heartbeats take (`--fee-less`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FeeLessMode {
	/// General transactions where the runtime takes them, else bare ones.
	#[default]
	Auto,
	/// General transactions only.
	General,
	/// Bare transactions only.
	Bare,
}

/// How a fee-less record or heartbeat is sent in `mode` to a runtime that does
/// (`takes_general`) or does not take general transactions authorized by their call
/// (extrinsic format 5 with the `AuthorizeCall` extension): the general path wherever it can,
/// unless `mode` forces one. The general path forced on a runtime without it is a
/// [`ChainError::Metadata`]: nothing is sent.
pub fn fee_less_path(mode: FeeLessMode, takes_general: bool) -> Result<FeeLessPath, ChainError> {
	match (mode, takes_general) {
		(FeeLessMode::Auto | FeeLessMode::General, true) => Ok(FeeLessPath::General),
		(FeeLessMode::Auto | FeeLessMode::Bare, _) => Ok(FeeLessPath::Bare),
		(FeeLessMode::General, false) => Err(ChainError::Metadata(
			"the runtime takes no general transactions authorized by their call (extrinsic \
			 format 5 with the AuthorizeCall extension): fee-less records and heartbeats cannot \
			 be sent with --fee-less general (use auto or bare)"
				.into(),
		)),
	}
}

/// The two transactions of discovery.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DiscoveryCall {
	/// `publish_node_record`.
	Record,
	/// `heartbeat`.
	Heartbeat,
}

impl DiscoveryCall {
	/// The label used in metrics.
	pub fn label(self) -> &'static str {
		match self {
			DiscoveryCall::Record => "record",
			DiscoveryCall::Heartbeat => "heartbeat",
		}
	}
}

/// What a failed record or heartbeat comes to; it decides when the next one of its kind is
/// sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FailureClass {
	/// The chain has this period's heartbeat already (`HeartbeatAlreadySent`): done, as if
	/// this one had gone in.
	Done,
	/// Not in this period: a heartbeat that reached the chain in the next period
	/// (`HeartbeatForAnotherPeriod`), a record published in this period already
	/// (`RecordRateLimited`). The next one waits for the next period.
	NextPeriod,
	/// Transient: the connection, an RPC, a timeout, a transaction the pool holds already or
	/// finds outdated (a stale nonce), a record whose sequence number another publication
	/// overtook (`StaleRecord`). Retried soon, backing off as registration's fast retries do.
	FastRetry,
	/// A refusal that may last, or that the registrar cannot tell apart: a signature refused
	/// (`InvalidRecordSignature`, `InvalidHeartbeatSignature`: e.g. the node registered again
	/// meanwhile), a fee the account cannot pay, a bad proof in the fee-less pool (which names
	/// no check), the node not registered (`NodeNotFound`: the parked loop re-arms), and
	/// anything unknown. Retried after the interval, doubling while it lasts, as registration's
	/// slow retries are.
	SlowRetry,
	/// The chain refuses the content for what it is ([`FINAL_RECORD_ERRORS`]): the same record
	/// would be refused every time, so it is not published again until the configuration
	/// changes. Of a heartbeat, its version is refused (`InvalidRecordText`): heartbeats go
	/// without one, after a fast retry's wait.
	Final,
}

impl FailureClass {
	/// The label used in `/status` and metrics (the serialized name).
	pub fn label(self) -> &'static str {
		match self {
			FailureClass::Done => "done",
			FailureClass::NextPeriod => "next_period",
			FailureClass::FastRetry => "fast_retry",
			FailureClass::SlowRetry => "slow_retry",
			FailureClass::Final => "final",
		}
	}

	/// Every class, in declaration order.
	pub const ALL: [FailureClass; 5] = [
		FailureClass::Done,
		FailureClass::NextPeriod,
		FailureClass::FastRetry,
		FailureClass::SlowRetry,
		FailureClass::Final,
	];
}

/// The class of a failed `call`.
///
/// A `Registration` dispatch error is classified by its name ([`classify_pallet_failure`]).
/// Anything else as registration classifies it ([`outcome::class_of`]): transient errors
/// (connection, RPC, timeout, undecodable data, a pool rejection for a stale nonce, an outdated
/// or already imported transaction) are fast retries; the rest (a fee the account cannot pay,
/// a bad proof, another pallet's error, missing metadata) slow retries.
///
/// A fee-less transaction the pallet refuses never reaches a block: the pool answers with a
/// bad proof whatever check failed (a heartbeat for another period: outdated), so it cannot
/// be told final; only a signed one names the error.
pub fn classify_failure(call: DiscoveryCall, error: &ChainError) -> FailureClass {
	match error {
		ChainError::Dispatch(failure) if failure.pallet.as_deref() == Some(PALLET) => {
			classify_pallet_failure(call, &failure.error)
		}
		other => match outcome::class_of(other) {
			OutcomeClass::FastRetry => FailureClass::FastRetry,
			_ => FailureClass::SlowRetry,
		},
	}
}

/// The class of the `Registration` error `name` of a failed `call`: see [`FailureClass`].
/// Names of the other call's checks, and names this registrar does not know, are slow
/// retries.
pub fn classify_pallet_failure(call: DiscoveryCall, name: &str) -> FailureClass {
	match (call, name) {
		(DiscoveryCall::Heartbeat, "HeartbeatAlreadySent") => FailureClass::Done,
		(DiscoveryCall::Heartbeat, "HeartbeatForAnotherPeriod")
		| (DiscoveryCall::Record, "RecordRateLimited") => FailureClass::NextPeriod,
		(DiscoveryCall::Heartbeat, "InvalidRecordText") => FailureClass::Final,
		(DiscoveryCall::Record, _) if FINAL_RECORD_ERRORS.contains(&name) => FailureClass::Final,
		(DiscoveryCall::Record, "StaleRecord") => FailureClass::FastRetry,
		_ => FailureClass::SlowRetry,
	}
}

/// Blocks from a failed attempt's block to the first block another attempt of its kind may be
/// for: the very next block is always skipped, whatever the wait in time.
pub const MIN_RETRY_BLOCKS: u64 = 2;

/// The wait before the next attempt of one kind after a failure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryWait {
	/// The class of the failure.
	pub class: FailureClass,
	/// Failures of this kind in a row (since the last success).
	pub failures: u32,
	/// The wait in time the backoff chose (zero for [`FailureClass::NextPeriod`]).
	pub delay: Duration,
	/// Not before this time.
	pub until: Instant,
	/// Not for a block before this one.
	pub from_block: u64,
}

/// When the next record, or the next heartbeat, may be sent after failures of its kind: one
/// per kind, with registration's [`Backoff`] (fast retries 2, 4, … 60 s with jitter, bursts
/// bounded by `--max-retry`; slow retries the interval, doubling up to the cap), and never
/// for the block after the failed attempt's ([`MIN_RETRY_BLOCKS`]). A success forgets the
/// failures.
#[derive(Clone, Debug)]
pub struct Retry {
	backoff: Backoff,
	failures: u32,
	wait: Option<RetryWait>,
}

impl Retry {
	/// No failure yet; `backoff` decides the waits.
	pub fn new(backoff: Backoff) -> Self {
		Self { backoff, failures: 0, wait: None }
	}

	/// The wait after the last failure, if any since the last success.
	pub fn wait(&self) -> Option<&RetryWait> {
		self.wait.as_ref()
	}

	/// Whether an attempt at `now`, for block `next_block`, may be made.
	pub fn allows(&self, now: Instant, next_block: u64) -> bool {
		self.wait.as_ref().is_none_or(|w| now >= w.until && next_block >= w.from_block)
	}

	/// After a success: no wait, and the next failure starts the backoff afresh.
	pub fn succeeded(&mut self) {
		self.backoff.reset();
		self.failures = 0;
		self.wait = None;
	}

	/// After a failure of class `class` of an attempt at `now` for block `next_block`, with
	/// `jitter` in `0.0..=1.0` for a fast retry: the wait before the next attempt (`None` for
	/// [`FailureClass::Done`], which counts as a success). A fast retry (and a final refusal,
	/// after which only a heartbeat without its version is sent again) waits as registration's
	/// fast retries, a slow retry as its slow retries; a failure for another period waits for
	/// the next period's first block; none is for the block after `next_block`.
	pub fn failed(
		&mut self,
		class: FailureClass,
		now: Instant,
		next_block: u64,
		period_len: u64,
		jitter: f64,
	) -> Option<RetryWait> {
		let floor = next_block.saturating_add(MIN_RETRY_BLOCKS);
		let (delay, from_block) = match class {
			FailureClass::Done => {
				self.succeeded();
				return None;
			}
			FailureClass::NextPeriod => {
				let next_period = period_of(next_block, period_len).saturating_add(1);
				(Duration::ZERO, period_start(next_period, period_len).max(floor))
			}
			FailureClass::FastRetry | FailureClass::Final => {
				(self.backoff.next_delay(OutcomeClass::FastRetry, jitter), floor)
			}
			FailureClass::SlowRetry => {
				(self.backoff.next_delay(OutcomeClass::SlowRetry, jitter), floor)
			}
		};
		self.failures = self.failures.saturating_add(1);
		let wait = RetryWait {
			class,
			failures: self.failures,
			delay,
			until: later(now, delay),
			from_block,
		};
		self.wait = Some(wait);
		Some(wait)
	}
}

/// `now` plus `delay`, or the latest time this platform's clock can hold on the way there.
fn later(now: Instant, delay: Duration) -> Instant {
	let mut delay = delay;
	while !delay.is_zero() {
		if let Some(at) = now.checked_add(delay) {
			return at;
		}
		delay /= 2;
	}
	now
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn auto_takes_the_general_path_where_the_runtime_has_it() {
		use FeeLessMode::*;
		assert_eq!(fee_less_path(Auto, true).unwrap(), FeeLessPath::General);
		assert_eq!(fee_less_path(Auto, false).unwrap(), FeeLessPath::Bare);
		assert_eq!(fee_less_path(Bare, true).unwrap(), FeeLessPath::Bare);
		assert_eq!(fee_less_path(General, true).unwrap(), FeeLessPath::General);
		let error = fee_less_path(General, false).unwrap_err().to_string();
		assert!(error.contains("AuthorizeCall") && error.contains("--fee-less"), "{error}");
		assert_eq!(FeeLessMode::default(), Auto);
		assert_eq!(serde_json::to_value(FeeLessPath::General).unwrap(), "general");
		assert_eq!(FeeLessPath::Bare.to_string(), "bare");
	}
	use crate::discovery::{Record, RecordContent};
	use crate::keys::NodeKey;

	fn liveness(last_seen: u64, heartbeat_sent: bool, silent: bool) -> Liveness {
		Liveness { last_seen, heartbeat_sent, version: vec![], silent, check_at: 0 }
	}

	fn content(capabilities: &[&str]) -> RecordContent {
		let capabilities: Vec<String> = capabilities.iter().map(|c| c.to_string()).collect();
		RecordContent::new(
			&["/ip4/1.2.3.4/tcp/1".into()],
			"v1",
			&capabilities,
			&NodeKey::from_seed(&[1; 32]).peer_id(),
		)
		.unwrap()
	}

	fn stored(record: Record, published_at: u64) -> SignedRecord {
		SignedRecord { record, signature: [0; 64], published_at }
	}

	#[test]
	fn periods_are_the_pallets() {
		assert_eq!(period_of(0, 10), 0);
		assert_eq!(period_of(9, 10), 0);
		assert_eq!(period_of(10, 10), 1);
		assert_eq!(period_of(u64::MAX, 1), u32::MAX);
		assert_eq!(period_of(5, 0), 0);
		assert_eq!(period_start(3, 10), 30);
		assert_eq!(period_start(u32::MAX, u64::MAX), u64::MAX);
	}

	#[test]
	fn the_heartbeat_is_planned_in_the_first_half_of_its_period() {
		for period_len in [1u64, 2, 3, 10, 600] {
			let window = heartbeat_window(period_len);
			assert!(window >= 1 && (window <= period_len / 2 || period_len < 2), "{period_len}");
			let start = 7 * period_len;
			let mut seen = std::collections::BTreeSet::new();
			let randoms = (0..3 * window).chain((0..1000).map(|_| rand::random()));
			for random in randoms {
				let target = heartbeat_target(7, period_len, random);
				assert!(target >= start && target < start + window, "{period_len}: {target}");
				assert_eq!(period_of(target, period_len), 7);
				seen.insert(target - start);
			}
			// Spread over the whole window, not always its first block.
			assert_eq!(seen.len() as u64, window, "{period_len}");
		}
		assert_eq!(heartbeat_target(1, 10, 0), 10);
		assert_eq!(heartbeat_target(1, 10, 4), 14);
		assert_eq!(heartbeat_target(1, 10, 5), 10);
		assert_eq!(heartbeat_target(1, 0, 99), 0);
	}

	#[test]
	fn a_heartbeat_is_sent_once_per_period_from_its_planned_block() {
		let online = NodeStatus::Online;
		// Period 2 (blocks 20..30), planned at block 23.
		let fresh = liveness(15, false, false);
		assert_eq!(
			heartbeat_action(&fresh, online, 21, 10, 23),
			HeartbeatAction::Wait { period: 2, from_block: 23 }
		);
		assert_eq!(
			heartbeat_action(&fresh, online, 23, 10, 23),
			HeartbeatAction::Send { period: 2, urgent: false }
		);
		assert_eq!(
			heartbeat_action(&fresh, online, 29, 10, 23),
			HeartbeatAction::Send { period: 2, urgent: false }
		);
		// The chain has this period's heartbeat (sent by this registrar before a restart).
		let sent = liveness(24, true, false);
		assert_eq!(
			heartbeat_action(&sent, online, 25, 10, 23),
			HeartbeatAction::AlreadySent { period: 2 }
		);
		// Last period's does not count; a registration in this period is not a heartbeat.
		assert_eq!(
			heartbeat_action(&liveness(19, true, false), online, 25, 10, 23),
			HeartbeatAction::Send { period: 2, urgent: false }
		);
		assert_eq!(
			heartbeat_action(&liveness(21, false, false), online, 25, 10, 23),
			HeartbeatAction::Send { period: 2, urgent: false }
		);
		// Silent or offline: at once, whatever the plan.
		for (status, silent) in
			[(NodeStatus::Offline, true), (online, true), (NodeStatus::Offline, false)]
		{
			assert_eq!(
				heartbeat_action(&liveness(1, true, silent), status, 21, 10, 28),
				HeartbeatAction::Send { period: 2, urgent: true }
			);
		}
		assert_eq!(last_heartbeat_period(&sent, 10), Some(2));
		assert_eq!(last_heartbeat_period(&fresh, 10), None);
	}

	/// The host's clock in the tests: some time in 2025.
	const NOW: u64 = 1_750_000_000;

	#[test]
	fn the_record_is_published_when_missing_or_changed_once_per_period() {
		let wanted = content(&["a", "b"]);
		// None on chain: publish, at the clock's time, or above the state file's last seq.
		assert_eq!(
			record_action(&wanted, None, 0, 5, 10, NOW),
			RecordAction::Publish { seq: NOW, reason: RecordReason::Missing }
		);
		assert_eq!(
			record_action(&wanted, None, NOW + 41, 5, 10, NOW),
			RecordAction::Publish { seq: NOW + 42, reason: RecordReason::Missing }
		);
		// The same content, whatever its seq: nothing to do.
		let same = stored(wanted.record(3), 12);
		assert_eq!(record_action(&wanted, Some(&same), 9, 13, 10, NOW), RecordAction::UpToDate);
		// Changed (flags changed across a restart): in a later period, above both seqs.
		let old = stored(content(&["a"]).record(NOW + 7), 12);
		assert_eq!(
			record_action(&wanted, Some(&old), 2, 25, 10, NOW),
			RecordAction::Publish { seq: NOW + 8, reason: RecordReason::Changed }
		);
		assert_eq!(
			record_action(&wanted, Some(&old), NOW + 20, 25, 10, NOW),
			RecordAction::Publish { seq: NOW + 21, reason: RecordReason::Changed }
		);
		// In the period it was published in: from the next period.
		assert_eq!(
			record_action(&wanted, Some(&old), 2, 19, 10, NOW),
			RecordAction::RateLimited { from_block: 20 }
		);
	}

	/// Issue 30, finding 2: the next seq was `max(persisted, on-chain) + 1` with no bound, and
	/// one answer of `u64::MAX − 1` froze the record for good.
	#[test]
	fn a_lying_answer_cannot_push_the_seq_to_the_end_of_the_range() {
		let limit = NOW + MAX_SEQ_AHEAD_SECS;
		// The answer the finding names: nothing is signed, and nothing moves.
		assert_eq!(
			next_seq(0, Some(u64::MAX - 1), NOW),
			Err(SeqAhead { on_chain: u64::MAX - 1, limit })
		);
		assert_eq!(next_seq(NOW, Some(limit), NOW), Err(SeqAhead { on_chain: limit, limit }));
		let wanted = content(&["a"]);
		let lie = stored(content(&["b"]).record(u64::MAX - 1), 12);
		assert_eq!(
			record_action(&wanted, Some(&lie), NOW - 60, 25, 10, NOW),
			RecordAction::SeqAhead(SeqAhead { on_chain: u64::MAX - 1, limit })
		);
		// Within a day of the clock, the chain's is recovered from: one above it (a state file
		// lost, a host whose clock ran ahead, the same key on another host).
		assert_eq!(next_seq(0, Some(limit - 1), NOW), Ok(limit));
		assert_eq!(next_seq(NOW + 5, Some(NOW + 3600), NOW), Ok(NOW + 3601));
		// A chain's seq below the clock's: the clock's.
		assert_eq!(next_seq(0, Some(3), NOW), Ok(NOW));
		// A state file value beyond the bound (an older registrar followed a lie) is not
		// continued: the clock's, above the chain's.
		assert_eq!(next_seq(u64::MAX - 1, Some(3), NOW), Ok(NOW));
		assert_eq!(next_seq(u64::MAX, None, NOW), Ok(NOW));
		assert_eq!(next_seq(limit - 1, None, NOW), Ok(limit));
		// However many answers and restarts: never beyond the clock's bound, and a day later
		// the clock has caught up.
		let mut persisted = 0;
		for answer in [limit - 1, u64::MAX, limit - 1, u64::MAX / 2] {
			if let Ok(seq) = next_seq(persisted, Some(answer), NOW) {
				assert!(seq <= limit);
				persisted = seq;
			}
		}
		assert_eq!(next_seq(persisted, None, NOW + MAX_SEQ_AHEAD_SECS + 1), Ok(limit + 1));
		// A clock of 0 (an unset one) still counts up from the state file.
		assert_eq!(next_seq(41, None, 0), Ok(42));
	}

	#[test]
	fn liveness_in_a_word() {
		let alive = liveness(5, true, false);
		let silent = liveness(5, true, true);
		assert_eq!(liveness_label(NodeStatus::Online, Some(&alive)), "online");
		assert_eq!(liveness_label(NodeStatus::Offline, Some(&silent)), "offline");
		assert_eq!(liveness_label(NodeStatus::Degraded, Some(&silent)), "silent");
		assert_eq!(liveness_label(NodeStatus::Degraded, Some(&alive)), "degraded");
		assert_eq!(liveness_label(NodeStatus::Online, None), "unknown");
	}

	fn dispatch(error: &str) -> ChainError {
		ChainError::Dispatch(crate::chain_error::DispatchFailure {
			pallet: Some(PALLET.into()),
			error: error.into(),
		})
	}

	#[test]
	fn refusals_of_a_records_content_are_final() {
		use DiscoveryCall::*;
		for name in FINAL_RECORD_ERRORS {
			assert_eq!(classify_failure(Record, &dispatch(name)), FailureClass::Final, "{name}");
		}
		// Of a heartbeat, only the version's text is its content.
		assert_eq!(
			classify_failure(Heartbeat, &dispatch("InvalidRecordText")),
			FailureClass::Final
		);
		for name in ["InvalidAddress", "ForeignPeerIdInAddress", "DuplicateCapability"] {
			assert_eq!(
				classify_failure(Heartbeat, &dispatch(name)),
				FailureClass::SlowRetry,
				"{name}"
			);
		}
	}

	#[test]
	fn a_heartbeat_already_sent_is_done_and_another_period_waits_for_the_next() {
		use DiscoveryCall::*;
		assert_eq!(
			classify_failure(Heartbeat, &dispatch("HeartbeatAlreadySent")),
			FailureClass::Done
		);
		assert_eq!(
			classify_failure(Heartbeat, &dispatch("HeartbeatForAnotherPeriod")),
			FailureClass::NextPeriod
		);
		assert_eq!(
			classify_failure(Record, &dispatch("RecordRateLimited")),
			FailureClass::NextPeriod
		);
		// The names of the other call's checks are not taken for this one's.
		assert_eq!(
			classify_failure(Record, &dispatch("HeartbeatAlreadySent")),
			FailureClass::SlowRetry
		);
		assert_eq!(
			classify_failure(Heartbeat, &dispatch("RecordRateLimited")),
			FailureClass::SlowRetry
		);
	}

	#[test]
	fn transient_failures_are_fast_retries() {
		use DiscoveryCall::*;
		assert_eq!(classify_failure(Record, &dispatch("StaleRecord")), FailureClass::FastRetry);
		assert_eq!(classify_failure(Heartbeat, &dispatch("StaleRecord")), FailureClass::SlowRetry);
		let transient = [
			ChainError::Rpc("connection reset".into()),
			ChainError::Rpc("transaction dropped: limit reached".into()),
			ChainError::Timeout(120),
			ChainError::Connect { endpoint: "ws://x".into(), reason: "refused".into() },
			ChainError::Decode("short".into()),
			ChainError::Pool("1010: Invalid Transaction: Transaction is outdated".into()),
			ChainError::Pool("Transaction Already Imported".into()),
			ChainError::Pool("1014: Priority is too low: (1 vs 1)".into()),
		];
		for call in [Record, Heartbeat] {
			for error in &transient {
				assert_eq!(classify_failure(call, error), FailureClass::FastRetry, "{error}");
			}
		}
	}

	#[test]
	fn refused_signatures_payments_and_the_unknown_are_slow_retries() {
		use DiscoveryCall::*;
		let slow = [
			(Record, dispatch("InvalidRecordSignature")),
			(Heartbeat, dispatch("InvalidHeartbeatSignature")),
			(Record, dispatch("NodeNotFound")),
			(Heartbeat, dispatch("NodeNotFound")),
			(Record, dispatch("InvalidSignatureLength")),
			(Heartbeat, dispatch("SomethingNew")),
			// A signed transaction whose fee the account cannot pay.
			(
				Heartbeat,
				ChainError::Pool(
					"1010: Invalid Transaction: Inability to pay some fees (e.g. account balance \
					 too low)"
						.into(),
				),
			),
			// The fee-less pool refuses every failed check as a bad proof.
			(
				Record,
				ChainError::Pool(
					"1010: Invalid Transaction: Transaction has a bad signature".into(),
				),
			),
			(
				Record,
				ChainError::Dispatch(crate::chain_error::DispatchFailure {
					pallet: Some("Balances".into()),
					error: "InsufficientBalance".into(),
				}),
			),
			(Heartbeat, ChainError::Metadata("no call Registration.heartbeat".into())),
		];
		for (call, error) in slow {
			assert_eq!(classify_failure(call, &error), FailureClass::SlowRetry, "{call:?} {error}");
		}
	}

	#[test]
	fn every_name_classified_is_checked_against_the_runtime() {
		let known = outcome::known_pallet_errors();
		for name in outcome::DISCOVERY_PALLET_ERRORS {
			assert!(known.contains(&name), "{name}");
		}
		for name in FINAL_RECORD_ERRORS {
			assert!(outcome::DISCOVERY_PALLET_ERRORS.contains(&name), "{name}");
		}
		let labels: std::collections::HashSet<_> =
			FailureClass::ALL.iter().map(|c| c.label()).collect();
		assert_eq!(labels.len(), FailureClass::ALL.len());
		for class in FailureClass::ALL {
			assert_eq!(serde_json::to_value(class).unwrap(), class.label());
		}
		assert_eq!(DiscoveryCall::Record.label(), "record");
		assert_eq!(DiscoveryCall::Heartbeat.label(), "heartbeat");
	}

	fn retry() -> Retry {
		Retry::new(Backoff::new(Duration::from_secs(120), -1))
	}

	#[test]
	fn no_failure_no_wait() {
		let retry = retry();
		assert!(retry.wait().is_none());
		assert!(retry.allows(Instant::now(), 0));
	}

	#[test]
	fn a_failure_never_lets_the_next_block_retry() {
		let now = Instant::now();
		let hour = Duration::from_secs(3600);
		for class in [FailureClass::FastRetry, FailureClass::SlowRetry, FailureClass::Final] {
			let mut retry = retry();
			let wait = retry.failed(class, now, 25, 10, 0.5).unwrap();
			assert_eq!(wait.from_block, 27, "{class:?}");
			// However long after: not for the next block.
			assert!(!retry.allows(now + hour * 24, 26), "{class:?}");
			assert!(retry.allows(now + hour * 24, 27), "{class:?}");
		}
	}

	#[test]
	fn fast_retries_wait_as_registrations_do_and_a_success_resets_them() {
		let now = Instant::now();
		let mut retry = retry();
		let mut secs = vec![];
		for i in 0..7u64 {
			let wait = retry.failed(FailureClass::FastRetry, now, 100 + i, 10, 0.5).unwrap();
			assert_eq!((wait.class, wait.failures), (FailureClass::FastRetry, i as u32 + 1));
			assert_eq!(wait.until, now + wait.delay);
			secs.push(wait.delay.as_secs());
		}
		assert_eq!(secs, [2, 4, 8, 16, 32, 60, 60]);
		// Blocks alone do not open the wait, nor time alone.
		assert!(!retry.allows(now + Duration::from_secs(59), 200));
		assert!(!retry.allows(now + Duration::from_secs(60), 107));
		assert!(retry.allows(now + Duration::from_secs(60), 108));
		// Jitter as registration's: 0.8 to 1.2 times the step.
		let mut jittered = self::retry();
		let low = jittered.clone().failed(FailureClass::FastRetry, now, 1, 10, 0.0).unwrap();
		let high = jittered.failed(FailureClass::FastRetry, now, 1, 10, 1.0).unwrap();
		assert_eq!((low.delay.as_millis(), high.delay.as_millis()), (1600, 2400));
		retry.succeeded();
		assert!(retry.wait().is_none() && retry.allows(now, 0));
		let wait = retry.failed(FailureClass::FastRetry, now, 1, 10, 0.5).unwrap();
		assert_eq!((wait.delay.as_secs(), wait.failures), (2, 1));
	}

	#[test]
	fn bursts_of_fast_retries_are_bounded_as_registrations_are() {
		let now = Instant::now();
		let mut retry = Retry::new(Backoff::new(Duration::from_secs(30), 2));
		let secs: Vec<u64> = (0..4)
			.map(|_| {
				retry.failed(FailureClass::FastRetry, now, 1, 10, 0.5).unwrap().delay.as_secs()
			})
			.collect();
		assert_eq!(secs, [2, 4, 30, 2]);
	}

	#[test]
	fn slow_retries_double_from_the_interval_up_to_the_cap() {
		let now = Instant::now();
		let backoff = Backoff::new(Duration::from_secs(120), -1)
			.with_slow_retry_cap(Duration::from_secs(600));
		let mut retry = Retry::new(backoff);
		let secs: Vec<u64> = (0..5)
			.map(|_| {
				retry.failed(FailureClass::SlowRetry, now, 1, 10, 0.5).unwrap().delay.as_secs()
			})
			.collect();
		assert_eq!(secs, [120, 240, 480, 600, 600]);
		assert_eq!(retry.wait().map(|w| w.failures), Some(5));
		assert!(!retry.allows(now + Duration::from_secs(599), 1000));
		assert!(retry.allows(now + Duration::from_secs(600), 1000));
		retry.succeeded();
		let wait = retry.failed(FailureClass::SlowRetry, now, 1, 10, 0.5).unwrap();
		assert_eq!(wait.delay.as_secs(), 120);
	}

	#[test]
	fn another_period_waits_for_the_next_periods_first_block() {
		let now = Instant::now();
		let mut retry = retry();
		// Block 23 of period 2 (20..30): from block 30, at once in time.
		let wait = retry.failed(FailureClass::NextPeriod, now, 23, 10, 0.5).unwrap();
		assert_eq!((wait.delay, wait.from_block, wait.failures), (Duration::ZERO, 30, 1));
		assert!(!retry.allows(now, 29));
		assert!(retry.allows(now, 30));
		// At a period's last block, the next period's first block is still skipped.
		let wait = retry.failed(FailureClass::NextPeriod, now, 29, 10, 0.5).unwrap();
		assert_eq!(wait.from_block, 31);
		// It does not grow the backoff: the next fast retry is the burst's first.
		let fast = retry.failed(FailureClass::FastRetry, now, 31, 10, 0.5).unwrap();
		assert_eq!((fast.delay.as_secs(), fast.failures), (2, 3));
	}

	#[test]
	fn done_counts_as_a_success() {
		let now = Instant::now();
		let mut retry = retry();
		retry.failed(FailureClass::SlowRetry, now, 5, 10, 0.5);
		assert!(!retry.allows(now, 100));
		assert_eq!(retry.failed(FailureClass::Done, now, 9, 10, 0.5), None);
		assert!(retry.wait().is_none() && retry.allows(now, 9));
		let wait = retry.failed(FailureClass::SlowRetry, now, 9, 10, 0.5).unwrap();
		assert_eq!((wait.delay.as_secs(), wait.failures), (120, 1));
	}

	#[test]
	fn a_wait_past_the_clocks_end_stays_as_long_as_it_can() {
		let now = Instant::now();
		assert_eq!(later(now, Duration::ZERO), now);
		assert_eq!(later(now, Duration::from_secs(5)), now + Duration::from_secs(5));
		assert!(later(now, Duration::MAX) > now + Duration::from_secs(3600 * 24 * 365));
		let mut retry = Retry::new(
			Backoff::new(Duration::from_secs(120), -1).with_slow_retry_cap(Duration::MAX),
		);
		for _ in 0..100 {
			retry.failed(FailureClass::SlowRetry, now, 1, 10, 0.5);
		}
		assert!(!retry.allows(now + Duration::from_secs(3600 * 24 * 365), 1000));
	}
}
