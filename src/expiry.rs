//! The expiry queue: state that stops mattering after a known block (used challenge hashes,
//! cooldown anchors, reporters' state, ownership offers, revoked consents, key rotation
//! anchors) is queued under that block and removed
//! by `on_initialize` in bounded, metered batches that resume in the next block.
//!
//! An entry is only ever removed after its block, and late removal is harmless (a used hash kept
//! longer still refuses replays; an expired cooldown anchor no longer blocks anyone), so the
//! queue may fall behind under load without weakening any check. State whose end moved later
//! since it was queued (an upgrade raised `NodeCooldownPeriod` or `ReportCounterClearInterval`)
//! is queued again at its new end, so nothing is ever left behind.

use crate::{pallet::*, stored::Stored, types::*, WeightInfo};
use codec::Decode;
use frame_support::{
	traits::Get,
	weights::{Weight, WeightMeter},
};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::traits::Saturating;

impl<T: Config> Pallet<T> {
	/// Queues `item` for removal once block `at` is past.
	pub(crate) fn schedule_expiry(at: BlockNumberFor<T>, item: Expiring<T::AccountId>) {
		ExpiryQueue::<T>::insert(at, item, ());
	}

	/// The weight of removing one queued entry: the slope of `prune_expired_items`.
	pub(crate) fn prune_item_weight() -> Weight {
		T::WeightInfo::prune_expired_items(1).saturating_sub(T::WeightInfo::prune_expired_items(0))
	}

	/// The weight of releasing one bond (a queued `BondRelease`): the slope of
	/// `release_bonds`.
	pub(crate) fn bond_release_weight() -> Weight {
		T::WeightInfo::release_bonds(1).saturating_sub(T::WeightInfo::release_bonds(0))
	}

	/// The most one queued entry of any kind can weigh: what the meter keeps room for before it
	/// takes the next one.
	pub(crate) fn worst_expiry_weight() -> Weight {
		Self::prune_item_weight().max(Self::sweep_item_weight()).max(Self::bond_release_weight())
	}

	/// Removes queued entries of blocks before `now`, oldest block first, while `meter` allows.
	///
	/// Each block is drained by one iterator (`prune_expired_block` pays for opening it and for
	/// finding it empty; every entry it yields costs its kind's step, see `expire`), so
	/// removing k entries of one block costs k steps: a fresh iterator per entry would step over
	/// every key already removed in this block, which stays in the trie until it is committed.
	pub(crate) fn prune_expired(now: BlockNumberFor<T>, meter: &mut WeightMeter) {
		let worst = Self::worst_expiry_weight();
		let block_weight = T::WeightInfo::prune_expired_block();
		let mut cursor = NextExpiryToPrune::<T>::get().unwrap_or(now);
		'blocks: while cursor < now && meter.can_consume(block_weight) {
			meter.consume(block_weight);
			let mut entries = ExpiryQueue::<T>::drain_prefix(cursor);
			loop {
				if !meter.can_consume(worst) {
					// Out of budget inside the block (the next entry's kind is unknown until it
					// is taken, so room for the costliest is kept): the next hook resumes it.
					break 'blocks;
				}
				match entries.next() {
					Some((item, ())) => meter.consume(Self::expire(item, cursor, now)),
					None => break,
				}
			}
			cursor.saturating_inc();
		}
		NextExpiryToPrune::<T>::put(cursor);
	}

	/// Removes the state `item` (queued at `at`) stands for if it is over at `now`; queues it
	/// again at its end if that moved later; leaves it if it was renewed (and so queued again)
	/// since. Returns the weight of what it did: a liveness entry costs a step of the sweep
	/// (with `OnNodeOffline`'s weight if it marked the node), any other entry at most the slope
	/// of pruning. Each kind is charged its own cost: charging a liveness check the pruning slope,
	/// whose worst case reads a reporter's report list, would more than double its proof size.
	fn expire(
		item: Expiring<T::AccountId>,
		at: BlockNumberFor<T>,
		now: BlockNumberFor<T>,
	) -> Weight {
		let cooldown = T::NodeCooldownPeriod::get();
		match item {
			Expiring::Challenge(hash) => {
				if UsedChallenges::<T>::get(hash).is_some_and(|expires_at| expires_at < now) {
					UsedChallenges::<T>::remove(hash);
				}
			}
			Expiring::NodeCooldown(node_id) => {
				if let Some(at) = NodeLastDeregisteredAt::<T>::get(&node_id) {
					if Self::cooldown_over(at, now) {
						NodeLastDeregisteredAt::<T>::remove(&node_id);
					} else {
						Self::schedule_expiry(
							at.saturating_add(cooldown),
							Expiring::NodeCooldown(node_id),
						);
					}
				}
			}
			Expiring::OwnerCooldown(owner) => {
				if let Some(at) = OwnerLastDeregisteredAt::<T>::get(&owner) {
					if Self::cooldown_over(at, now) {
						OwnerLastDeregisteredAt::<T>::remove(&owner);
						OwnerPlacesCooling::<T>::remove(&owner);
					} else {
						Self::schedule_expiry(
							at.saturating_add(cooldown),
							Expiring::OwnerCooldown(owner),
						);
					}
				}
			}
			Expiring::ReportState(owner) => Self::expire_report_state(owner, now),
			Expiring::OwnershipOffer(node_id) => {
				if NodeOwnershipOffers::<T>::get(&node_id).is_some_and(|o| o.expires_at < now) {
					NodeOwnershipOffers::<T>::remove(&node_id);
				}
			}
			Expiring::RevokedConsent(owner, hash) => Self::expire_revocation(owner, hash, now),
			Expiring::KeyRotation(node_id) => Self::expire_rotation_anchor(node_id, now),
			Expiring::Liveness(node_id) => return Self::check_liveness(node_id, at, now),
			Expiring::BondRelease(owner, node_id) => {
				Self::expire_bond_release(owner, node_id, now);
				return Self::bond_release_weight();
			}
		}
		Self::prune_item_weight()
	}

	/// Removes `owner`'s ballot once its round is over and its submission count once its window
	/// is; a window that an upgrade made longer is queued again at its new end.
	fn expire_report_state(owner: T::AccountId, now: BlockNumberFor<T>) {
		let round = Self::current_round();
		// The round is the ballot's first field: readable even when its list is not.
		let ballot_round = match Self::ballot(&owner) {
			Stored::Present(ballot) => Some(ballot.round),
			Stored::Absent => None,
			Stored::Undecodable => frame_support::storage::unhashed::get_raw(
				&TemporaryDeregistrationReports::<T>::hashed_key_for(&owner),
			)
			.and_then(|bytes| u32::decode(&mut &bytes[..]).ok()),
		};
		if ballot_round.is_some_and(|ballot_round| ballot_round < round) {
			TemporaryDeregistrationReports::<T>::remove(&owner);
		}
		if let Some(window) = ReportSubmissionCount::<T>::get(&owner) {
			let end = window.started_at.saturating_add(T::ReportCounterClearInterval::get());
			if now >= end {
				ReportSubmissionCount::<T>::remove(&owner);
			} else {
				Self::schedule_expiry(end, Expiring::ReportState(owner));
			}
		}
	}
}
