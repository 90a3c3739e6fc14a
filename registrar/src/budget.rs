//! What the registrar may spend: a budget per rolling 24 hours, counted from what its paid
//! transactions (registrations, the removals of `--recover-degraded`) cost. Pure: the service
//! records each submission's cost ([`Spending::record`]) and asks before the next one
//! ([`Spending::room`]); the window is kept in the state file, so a restart does not reset it.
//!
//! A submission counts what the chain's events of its block say it paid: the
//! `TransactionPayment.TransactionFeePaid` of the account that signed it (fee and tip) and the
//! pallet's `RegistrationFeePaid` in the currency. When the events are not known (the
//! transaction was lost, timed out, or its block was never confirmed), it counts the most it
//! could have cost: the transaction fee estimated before signing and the registration fee.
//! Bonds (the node type's deposit) are held, not spent, and are not counted.
//!
//! A leaf: it imports nothing of the registrar.

use serde::{Deserialize, Serialize};

/// The window the budget covers, in seconds: 24 hours.
pub const WINDOW_SECS: u64 = 86_400;

/// The default budget, in whole units of the chain's currency: five registrations' fees and
/// their transaction fees on the dev chain (a fee of 1 UNIT, a transaction fee of about 0.01),
/// or two cycles of `--recover-degraded` (a removal and a registration) with room to spare.
pub const DEFAULT_DAILY_BUDGET_UNITS: u128 = 5;

/// The decimals the default budget is read with when the chain does not say its own (the dev
/// chain's).
pub const DEFAULT_DECIMALS: u8 = 18;

/// What one paid submission cost (or is counted as costing).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Spend {
	/// Unix time of the submission.
	pub at: u64,
	/// Base units.
	pub amount: u128,
	/// Counted from the estimate (the events were not known), not from the chain's events.
	#[serde(default)]
	pub estimated: bool,
}

/// The paid submissions of the last [`WINDOW_SECS`] (persisted in the state file).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Spending {
	/// The submissions, oldest first.
	#[serde(default)]
	pub entries: Vec<Spend>,
}

/// Whether the budget leaves room for a submission.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Room {
	/// It does: `left` base units remain in the window.
	Open {
		/// What remains.
		left: u128,
	},
	/// It does not: `spent` of `budget` in the window; room frees in `frees_in_secs` (when
	/// the oldest submission of the window leaves it).
	Spent {
		/// Spent in the window.
		spent: u128,
		/// The budget.
		budget: u128,
		/// Seconds until the oldest submission leaves the window.
		frees_in_secs: u64,
	},
}

impl Spending {
	/// Whether the entry `spend` is in the window ending at `now` (an entry from a clock that
	/// was ahead counts until a day after its time).
	fn in_window(spend: &Spend, now: u64) -> bool {
		spend.at.saturating_add(WINDOW_SECS) > now
	}

	/// Drops the entries older than the window.
	pub fn prune(&mut self, now: u64) {
		self.entries.retain(|spend| Self::in_window(spend, now));
	}

	/// Base units spent in the window ending at `now`.
	pub fn spent(&self, now: u64) -> u128 {
		self.entries
			.iter()
			.filter(|spend| Self::in_window(spend, now))
			.fold(0u128, |sum, spend| sum.saturating_add(spend.amount))
	}

	/// Records a submission's cost at `now` (nothing for a cost of zero), dropping what left
	/// the window.
	pub fn record(&mut self, now: u64, amount: u128, estimated: bool) {
		self.prune(now);
		if amount > 0 {
			self.entries.push(Spend { at: now, amount, estimated });
		}
	}

	/// Whether a submission costing at most `cost` fits `budget` at `now`: the window's
	/// spending and `cost` together must not exceed it.
	pub fn room(&self, now: u64, budget: u128, cost: u128) -> Room {
		let spent = self.spent(now);
		match budget.checked_sub(spent).filter(|left| *left >= cost) {
			Some(left) => Room::Open { left },
			None => {
				let oldest = self
					.entries
					.iter()
					.filter(|spend| Self::in_window(spend, now))
					.map(|spend| spend.at)
					.min();
				let frees_in_secs = oldest
					.map(|at| at.saturating_add(WINDOW_SECS).saturating_sub(now))
					.unwrap_or(0)
					// At least a minute, so that a wait never spins.
					.max(60);
				Room::Spent { spent, budget, frees_in_secs }
			}
		}
	}
}

/// The default budget in base units for a chain of `decimals` decimals:
/// [`DEFAULT_DAILY_BUDGET_UNITS`] whole units (saturating).
pub fn default_budget(decimals: Option<u8>) -> u128 {
	let decimals = u32::from(decimals.unwrap_or(DEFAULT_DECIMALS));
	10u128.saturating_pow(decimals).saturating_mul(DEFAULT_DAILY_BUDGET_UNITS)
}

#[cfg(test)]
mod tests {
	use super::*;

	const UNIT: u128 = 1_000_000_000_000_000_000;
	const T0: u64 = 1_750_000_000;

	/// Issue 30, finding 4: paid retries had no end (about 1,200 a day at the defaults).
	#[test]
	fn the_budget_stops_paid_submissions_until_the_window_frees_room() {
		let budget = default_budget(Some(18));
		assert_eq!(budget, 5 * UNIT);
		let cost = UNIT + UNIT / 100;
		let mut spending = Spending::default();
		let mut now = T0;
		let mut paid = 0;
		// A retry every 72 s for a day: only what the budget allows is submitted.
		while now < T0 + WINDOW_SECS {
			if let Room::Open { .. } = spending.room(now, budget, cost) {
				spending.record(now, cost, false);
				paid += 1;
			}
			now += 72;
		}
		assert_eq!(paid, 4, "four of 1.01 fit 5, a fifth would not");
		assert!(spending.spent(now - 1) <= budget);
		match spending.room(T0 + 100, budget, cost) {
			Room::Spent { spent, budget: b, frees_in_secs } => {
				assert_eq!((spent, b), (4 * cost, budget));
				assert_eq!(frees_in_secs, WINDOW_SECS - 100);
			}
			open => panic!("room left: {open:?}"),
		}
		// A day after the first, it leaves the window: room again.
		assert!(matches!(spending.room(T0 + WINDOW_SECS, budget, cost), Room::Open { .. }));
		spending.prune(T0 + WINDOW_SECS);
		assert_eq!(spending.entries.len(), 3);
	}

	#[test]
	fn the_window_survives_a_restart_through_the_state_file() {
		let mut spending = Spending::default();
		spending.record(T0, UNIT, false);
		spending.record(T0 + 10, 2 * UNIT, true);
		spending.record(T0 + 20, 0, false);
		let text = serde_json::to_string(&spending).unwrap();
		let read: Spending = serde_json::from_str(&text).unwrap();
		assert_eq!(read, spending);
		assert_eq!(read.entries.len(), 2, "a cost of zero is not recorded");
		assert_eq!(read.spent(T0 + 30), 3 * UNIT);
		assert!(matches!(read.room(T0 + 30, 3 * UNIT, 1), Room::Spent { .. }));
		assert_eq!(read.room(T0 + 30, 3 * UNIT, 0), Room::Open { left: 0 });
	}

	#[test]
	fn sums_and_defaults_never_overflow() {
		let mut spending = Spending::default();
		spending.record(T0, u128::MAX, false);
		spending.record(T0, u128::MAX, false);
		assert_eq!(spending.spent(T0), u128::MAX);
		assert!(matches!(spending.room(T0, u128::MAX, 1), Room::Spent { .. }));
		assert_eq!(default_budget(Some(60)), u128::MAX);
		assert_eq!(default_budget(None), 5 * UNIT);
		// An entry from a clock far ahead counts, and says when it frees.
		let mut ahead = Spending::default();
		ahead.record(u64::MAX - 5, UNIT, false);
		assert_eq!(ahead.spent(T0), UNIT);
	}
}
