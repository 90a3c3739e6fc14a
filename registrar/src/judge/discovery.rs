//! Discovery's decisions: which liveness period a block is in, when in a period to send the
//! heartbeat (a random block in the first half, so the nodes of a chain do not all send at the
//! period's first block, and a late one still has half a period to get in), whether to send it,
//! and whether to publish the record again and with which sequence number.

use crate::discovery::{Liveness, RecordContent, SignedRecord};
use pallet_registration::Status as NodeStatus;
use serde::Serialize;

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

/// The sequence number of the next record: above both the last one this registrar used (the
/// state file) and the chain's, so it increases across restarts, lost state files and records
/// published elsewhere with the same key.
pub fn next_seq(persisted: u64, on_chain: Option<u64>) -> u64 {
	persisted.max(on_chain.unwrap_or(0)).saturating_add(1)
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
}

/// Whether to publish `content`, given the chain's record and the last sequence number this
/// registrar used, for a transaction in block `next_block`.
pub fn record_action(
	content: &RecordContent,
	on_chain: Option<&SignedRecord>,
	persisted_seq: u64,
	next_block: u64,
	period_len: u64,
) -> RecordAction {
	let Some(stored) = on_chain else {
		return RecordAction::Publish {
			seq: next_seq(persisted_seq, None),
			reason: RecordReason::Missing,
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
	RecordAction::Publish {
		seq: next_seq(persisted_seq, Some(stored.record.seq)),
		reason: RecordReason::Changed,
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

#[cfg(test)]
mod tests {
	use super::*;
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

	#[test]
	fn the_record_is_published_when_missing_or_changed_once_per_period() {
		let wanted = content(&["a", "b"]);
		// None on chain: publish, above the state file's last seq.
		assert_eq!(
			record_action(&wanted, None, 0, 5, 10),
			RecordAction::Publish { seq: 1, reason: RecordReason::Missing }
		);
		assert_eq!(
			record_action(&wanted, None, 41, 5, 10),
			RecordAction::Publish { seq: 42, reason: RecordReason::Missing }
		);
		// The same content, whatever its seq: nothing to do.
		let same = stored(wanted.record(3), 12);
		assert_eq!(record_action(&wanted, Some(&same), 9, 13, 10), RecordAction::UpToDate);
		// Changed (flags changed across a restart): in a later period, above both seqs.
		let old = stored(content(&["a"]).record(7), 12);
		assert_eq!(
			record_action(&wanted, Some(&old), 2, 25, 10),
			RecordAction::Publish { seq: 8, reason: RecordReason::Changed }
		);
		assert_eq!(
			record_action(&wanted, Some(&old), 20, 25, 10),
			RecordAction::Publish { seq: 21, reason: RecordReason::Changed }
		);
		// In the period it was published in: from the next period.
		assert_eq!(
			record_action(&wanted, Some(&old), 2, 19, 10),
			RecordAction::RateLimited { from_block: 20 }
		);
		assert_eq!(next_seq(u64::MAX, Some(3)), u64::MAX);
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
}
