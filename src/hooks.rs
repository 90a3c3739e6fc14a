//! `on_initialize` and `integrity_test`.

use crate::{pallet::*, types::*, InitialNodeTypeFee, WeightInfo};
use frame_support::{pallet_prelude::*, traits::fungible::Inspect, weights::WeightMeter};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::traits::{UniqueSaturatedInto, Zero};

impl<T: Config> Pallet<T> {
	/// Per block: after a round's last block, tally its votes and open the next round; then
	/// remove expired state with what is left of `HookWeightBudget`.
	///
	/// While a multi-block migration brings storage to this code's version (or before one
	/// started: a runtime upgrade from the reference pallet), the hook does nothing: the
	/// indexes it reads are half-built, and a liveness sweep could mark nodes silent that could
	/// not send heartbeats (transactions wait for the migration).
	pub(crate) fn do_on_initialize(now: BlockNumberFor<T>) -> Weight {
		// The storage version read; `on_initialize_base` covers it once benchmarked again.
		let version_read = T::DbWeight::get().reads(1);
		if StorageVersion::get::<Pallet<T>>() < crate::STORAGE_VERSION {
			return version_read;
		}
		let mut meter = WeightMeter::with_limit(T::HookWeightBudget::get());
		meter.consume(T::WeightInfo::on_initialize_base());
		meter.consume(version_read);
		// Bounded by `MaxValidators` and `MaxReportedNodesPerRound`; `integrity_test` checks the
		// budget covers the largest tally.
		if let Some((validators, nodes, unstaked)) = Self::tally_reports(now) {
			meter.consume(T::WeightInfo::tally_reports(validators, nodes));
			// As many validators without stake as the budget leaves room for; the next round's
			// tally finds the others again.
			let base = T::WeightInfo::remove_unstaked_validators(0);
			let each = T::WeightInfo::remove_unstaked_validators(1).saturating_sub(base);
			let mut room = 0usize;
			if meter.can_consume(base) {
				meter.consume(base);
				while room < unstaked.len() && meter.can_consume(each) {
					meter.consume(each);
					room = room.saturating_add(1);
				}
			}
			// A node the tally just removed is charged too: small, and the charge stays
			// independent of what the tally did.
			Self::remove_unstaked_validators(unstaked.into_iter().take(room).collect());
		}
		Self::prune_expired(now, &mut meter);
		meter.consumed()
	}

	/// Checks the constants; the reference divided by periods that could be zero.
	pub(crate) fn check_constants() {
		assert!(!T::ConsensusPeriod::get().is_zero(), "ConsensusPeriod must not be zero");
		assert!(
			T::NodeCooldownPeriod::get() >= T::ConsensusPeriod::get(),
			"NodeCooldownPeriod must be at least ConsensusPeriod (no unregistering and \
			 returning within one round)"
		);
		assert!(
			!T::OwnershipOfferLifetime::get().is_zero(),
			"OwnershipOfferLifetime must not be zero"
		);
		assert!(
			!T::ReportCounterClearInterval::get().is_zero(),
			"ReportCounterClearInterval must not be zero"
		);
		assert!(!T::BlocksPerDay::get().is_zero(), "BlocksPerDay must not be zero");
		assert!(!T::MaxChallengeLifetime::get().is_zero(), "MaxChallengeLifetime must not be zero");
		assert!(!T::MaxConsentLifetime::get().is_zero(), "MaxConsentLifetime must not be zero");
		assert!(T::MaxRevokedConsents::get() > 0, "MaxRevokedConsents must be > 0");
		assert!(!T::HeartbeatPeriod::get().is_zero(), "HeartbeatPeriod must not be zero");
		assert!(T::OfflineAfterPeriods::get() > 0, "OfflineAfterPeriods must be > 0");
		assert!(T::MaxPageSize::get() > 0, "MaxPageSize must be > 0");
		assert!(T::MaxNodesPerOwner::get() > 0, "MaxNodesPerOwner must be > 0");
		assert!(
			T::MaxAddressLen::get() >= crate::types::RAW_PEER_ID_LEN.saturating_add(3),
			"MaxAddressLen must hold at least a /p2p/ component"
		);
		assert!(!T::MinNodeTypeFee::get().is_zero(), "MinNodeTypeFee must be at least 1");
		// Every fee is at least the floor (initial, genesis and governance fees are checked
		// against it), so a floor of at least the existential deposit lets the first fee create
		// the pallet account; below it, every paid registration would fail until one did.
		assert!(
			T::MinNodeTypeFee::get() >= T::Currency::minimum_balance(),
			"MinNodeTypeFee must be at least the currency's existential deposit"
		);
		assert!(
			T::MinNodeTypeFee::get() <= T::MaxNodeTypeFee::get(),
			"MinNodeTypeFee must not exceed MaxNodeTypeFee"
		);
		for node_type in NodeType::ALL {
			let fee = T::InitialNodeTypeFee::initial_fee(node_type);
			assert!(
				fee >= T::MinNodeTypeFee::get() && fee <= T::MaxNodeTypeFee::get(),
				"InitialNodeTypeFee of {node_type:?} lies outside MinNodeTypeFee..=MaxNodeTypeFee"
			);
		}
		assert!(T::MaxDeregRequestsPerPeriod::get() > 0, "MaxDeregRequestsPerPeriod must be > 0");
		assert!(T::MaxNodesPerReport::get() > 0, "MaxNodesPerReport must be > 0");
		assert!(T::MaxReportsPerRound::get() > 0, "MaxReportsPerRound must be > 0");
		assert!(T::MaxValidators::get() > 0, "MaxValidators must be > 0");
		assert!(
			T::MaxReportedNodesPerRound::get() >= T::MaxValidators::get(),
			"MaxReportedNodesPerRound must be at least MaxValidators (a share of one each)"
		);
		let least = Self::hook_fixed_weight().saturating_add(Self::worst_expiry_weight());
		assert!(
			T::HookWeightBudget::get().all_gte(least),
			"HookWeightBudget must cover the base, a full tally and some pruning: {least:?}"
		);
		let capacity = Self::sweep_capacity();
		assert!(
			u64::from(T::MaxNodes::get()) <= capacity,
			"MaxNodes ({}) is more than the sweep can check in time with this HookWeightBudget, \
			 HeartbeatPeriod and OfflineAfterPeriods: at most {capacity}",
			T::MaxNodes::get()
		);
	}

	/// What a hook may use before it prunes: the base, the storage version read, the largest
	/// tally, the removal of a validator that lost its stake (more wait for the next round when
	/// the budget is short), and opening a block of the expiry queue.
	fn hook_fixed_weight() -> Weight {
		T::WeightInfo::on_initialize_base()
			.saturating_add(T::DbWeight::get().reads(1))
			.saturating_add(T::WeightInfo::tally_reports(
				T::MaxValidators::get(),
				T::MaxReportedNodesPerRound::get(),
			))
			.saturating_add(T::WeightInfo::remove_unstaked_validators(1))
			.saturating_add(T::WeightInfo::prune_expired_block())
	}

	/// How many of the sweep's costliest steps (one that marks a node silent) one hook can
	/// take after its fixed work (see `hook_fixed_weight`), by compute and by proof size.
	pub fn sweep_steps_per_block() -> u64 {
		let room = T::HookWeightBudget::get().saturating_sub(Self::hook_fixed_weight());
		let step = Self::sweep_item_weight();
		let by_time = room.ref_time().checked_div(step.ref_time()).unwrap_or(u64::MAX);
		let by_proof = room.proof_size().checked_div(step.proof_size()).unwrap_or(u64::MAX);
		by_time.min(by_proof)
	}

	/// The most nodes whose liveness the sweep checks in time: a node that beats every period
	/// comes due once every `OfflineAfterPeriods` periods, and all the nodes due in a period
	/// come due in its first block; so that even all of them at once are checked before they
	/// come due again, with half of the hook's room kept for the other expiring state:
	///
	/// `sweep_steps_per_block × OfflineAfterPeriods × HeartbeatPeriod / 2`.
	///
	/// `integrity_test` requires `MaxNodes` to be at most this.
	pub fn sweep_capacity() -> u64 {
		let period: u64 = T::HeartbeatPeriod::get().unique_saturated_into();
		Self::sweep_steps_per_block()
			.saturating_mul(u64::from(T::OfflineAfterPeriods::get()))
			.saturating_mul(period)
			.saturating_div(2)
	}

	/// How many blocks after it came due the sweep checks the last of `due` nodes that came
	/// due in the same block, with nothing else queued.
	pub fn sweep_lateness(due: u64) -> u64 {
		due.div_ceil(Self::sweep_steps_per_block().max(1))
	}
}
