//! The expiry queue: state that stops mattering after a known block (used challenge hashes,
//! cooldown anchors) is queued under that block and removed by `on_initialize` in bounded,
//! metered batches that resume in the next block.
//!
//! An entry is only ever removed after its block, and late removal is harmless (a used hash kept
//! longer still refuses replays; an expired cooldown anchor no longer blocks anyone), so the
//! queue may fall behind under load without weakening any check.

use crate::{pallet::*, types::*, WeightInfo};
use frame_support::weights::WeightMeter;
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::traits::Saturating;

impl<T: Config> Pallet<T> {
	/// Queues `item` for removal once block `at` is past.
	pub(crate) fn schedule_expiry(at: BlockNumberFor<T>, item: Expiring<T::AccountId>) {
		ExpiryQueue::<T>::insert(at, item, ());
	}

	/// Removes queued entries of blocks before `now`, oldest block first, while `meter` allows.
	///
	/// Each lookup either takes one entry of the cursor's block (`prune_expired_item`) or finds
	/// the block drained and moves the cursor on (`prune_expired_block`); a lookup only starts
	/// when the meter can pay for either.
	pub(crate) fn prune_expired(now: BlockNumberFor<T>, meter: &mut WeightMeter) {
		let item_weight = T::WeightInfo::prune_expired_item();
		let block_weight = T::WeightInfo::prune_expired_block();
		let lookup_weight = item_weight.max(block_weight);
		let mut cursor = NextExpiryToPrune::<T>::get().unwrap_or(now);
		while cursor < now && meter.can_consume(lookup_weight) {
			match ExpiryQueue::<T>::drain_prefix(cursor).next() {
				Some((item, ())) => {
					meter.consume(item_weight);
					Self::expire(item, now);
				}
				None => {
					meter.consume(block_weight);
					cursor.saturating_inc();
				}
			}
		}
		NextExpiryToPrune::<T>::put(cursor);
	}

	/// Removes the state `item` stands for, unless it was renewed since it was queued.
	fn expire(item: Expiring<T::AccountId>, now: BlockNumberFor<T>) {
		match item {
			Expiring::Challenge(hash) => {
				if UsedChallenges::<T>::get(hash).is_some_and(|expires_at| expires_at < now) {
					UsedChallenges::<T>::remove(hash);
				}
			}
			Expiring::NodeCooldown(node_id) => {
				if NodeLastDeregisteredAt::<T>::get(&node_id)
					.is_some_and(|at| Self::cooldown_over(at, now))
				{
					NodeLastDeregisteredAt::<T>::remove(&node_id);
				}
			}
			Expiring::OwnerCooldown(owner) => {
				if OwnerLastDeregisteredAt::<T>::get(&owner)
					.is_some_and(|at| Self::cooldown_over(at, now))
				{
					OwnerLastDeregisteredAt::<T>::remove(&owner);
				}
			}
		}
	}
}
