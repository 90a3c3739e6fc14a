//! Fleets: the nodes of one owner.
//!
//! An owner may have up to `MaxNodesPerOwner` nodes registered at once, each proven by its own
//! key. [`NodesByOwner`] and [`OwnerNodeCount`] index them; [`OwnerToNode`] keeps naming one of
//! them, the owner's main node, as the reference's clients expect. When the main node leaves
//! (or changes hands) while others remain, the first of them in [`NodesByOwner`]'s order becomes
//! main ([`Event::MainNodeChanged`]): one read, whatever the fleet's size, so a removal costs the
//! same with one node or a hundred.
//!
//! Every node an owner loses frees a place that cools down for `NodeCooldownPeriod` blocks: an
//! owner cannot swap a removed node for a fresh PeerId at once, but its other free places stay
//! free. The places cooling are counted ([`OwnerPlacesCooling`]) under the owner's latest
//! cooldown anchor ([`OwnerLastDeregisteredAt`]), so they free together when the latest ends;
//! an owner registers while its nodes and cooling places are fewer than the limit. With a limit
//! of 1 this is the reference's rule: one node, and none during the cooldown after it left.
//!
//! An owner has at most one validator node ([`OwnerValidatorNode`]): one stake, one vote.

use crate::{pallet::*, types::*};
use frame_support::pallet_prelude::*;
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::traits::Saturating;

impl<T: Config> Pallet<T> {
	/// Records `node_id` (of `node_type`) as one of `owner`'s nodes; it is the main node if the
	/// owner had none.
	pub(crate) fn attach_to_owner(owner: &T::AccountId, node_id: &NodeId, node_type: NodeType) {
		NodesByOwner::<T>::insert(owner, node_id, ());
		OwnerNodeCount::<T>::mutate(owner, |count| *count = count.saturating_add(1));
		if !OwnerToNode::<T>::contains_key(owner) {
			OwnerToNode::<T>::insert(
				owner,
				OwnerNodes::truncate_from(alloc::vec![node_id.clone()]),
			);
		}
		if node_type == NodeType::Validator {
			OwnerValidatorNode::<T>::insert(owner, node_id);
		}
	}

	/// Forgets `node_id` (of `node_type`) as one of `owner`'s nodes. If it was the main node,
	/// the first of the owner's other nodes takes its place (`MainNodeChanged`).
	pub(crate) fn detach_from_owner(owner: &T::AccountId, node_id: &NodeId, node_type: NodeType) {
		NodesByOwner::<T>::remove(owner, node_id);
		OwnerNodeCount::<T>::mutate_exists(owner, |count| {
			*count = count.map(|n| n.saturating_sub(1)).filter(|n| *n > 0);
		});
		if node_type == NodeType::Validator {
			OwnerValidatorNode::<T>::remove(owner);
		}
		let was_main = OwnerToNode::<T>::get(owner).is_some_and(|ids| ids.contains(node_id));
		if was_main {
			match NodesByOwner::<T>::iter_key_prefix(owner).next() {
				Some(next) => {
					OwnerToNode::<T>::insert(
						owner,
						OwnerNodes::truncate_from(alloc::vec![next.clone()]),
					);
					Self::deposit_event(Event::MainNodeChanged {
						owner: owner.clone(),
						node_id: next,
					});
				}
				None => OwnerToNode::<T>::remove(owner),
			}
		}
	}

	/// Moves `owner`'s node from `old_id` to `new_id` (a key rotation), keeping it main if it
	/// was.
	pub(crate) fn rename_owner_node(
		owner: &T::AccountId,
		old_id: &NodeId,
		new_id: &NodeId,
		node_type: NodeType,
	) {
		NodesByOwner::<T>::remove(owner, old_id);
		NodesByOwner::<T>::insert(owner, new_id, ());
		if OwnerToNode::<T>::get(owner).is_some_and(|ids| ids.contains(old_id)) {
			OwnerToNode::<T>::insert(owner, OwnerNodes::truncate_from(alloc::vec![new_id.clone()]));
		}
		if node_type == NodeType::Validator {
			OwnerValidatorNode::<T>::insert(owner, new_id);
		}
	}

	/// How many of `owner`'s places are cooling down at `now`.
	pub(crate) fn places_cooling(owner: &T::AccountId, now: BlockNumberFor<T>) -> u32 {
		match OwnerLastDeregisteredAt::<T>::get(owner) {
			Some(at) if !Self::cooldown_over(at, now) => {
				OwnerPlacesCooling::<T>::get(owner).unwrap_or(1)
			}
			_ => 0,
		}
	}

	/// Checks that `owner` may take one more node of `node_type` now: fewer nodes than
	/// `MaxNodesPerOwner` (`OwnerAlreadyRegistered`), a place that is not cooling down
	/// (`NodeCooldownPeriodNotExpired`), and no validator node already for a validator
	/// (`OwnerHasValidator`).
	pub(crate) fn ensure_place(
		owner: &T::AccountId,
		node_type: NodeType,
		now: BlockNumberFor<T>,
	) -> DispatchResult {
		let nodes = OwnerNodeCount::<T>::get(owner);
		let limit = T::MaxNodesPerOwner::get();
		ensure!(nodes < limit, Error::<T>::OwnerAlreadyRegistered);
		ensure!(
			nodes.saturating_add(Self::places_cooling(owner, now)) < limit,
			Error::<T>::NodeCooldownPeriodNotExpired
		);
		if node_type == NodeType::Validator {
			ensure!(!OwnerValidatorNode::<T>::contains_key(owner), Error::<T>::OwnerHasValidator);
		}
		Ok(())
	}

	/// Starts the cooldown of one more of `owner`'s places at `now` (it lost a node).
	pub(crate) fn start_owner_cooldown(owner: &T::AccountId, now: BlockNumberFor<T>) {
		let cooling = Self::places_cooling(owner, now);
		OwnerPlacesCooling::<T>::insert(owner, cooling.saturating_add(1));
		OwnerLastDeregisteredAt::<T>::insert(owner, now);
		Self::schedule_expiry(
			now.saturating_add(T::NodeCooldownPeriod::get()),
			Expiring::OwnerCooldown(owner.clone()),
		);
	}
}
