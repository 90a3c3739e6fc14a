//! Bonds: a deposit held from a node's owner while the node is registered.
//!
//! Each node type has a deposit ([`NodeTypeDeposit`], set by `FeeOrigin`; zero keeps the
//! reference's rule: no deposit). A registration holds it from the owner under
//! [`HoldReason::NodeBond`], beside the fee, and records it for the node ([`NodeBonds`]), so
//! that what is released or slashed is what was held, whatever the deposit is by then.
//!
//! When the node leaves its owner (unregistered, handed over, removed by governance or for lost
//! stake) the bond stays held until the node's cooldown is over ([`ReleasingBonds`]) and is then
//! released through the expiry queue: bounded and weighed, like every other expiry. When
//! validators' consensus removes the node, [`Config::BondSlashShare`] of it is slashed to
//! [`Config::OnBondSlashed`] and the rest released after the cooldown; governance may remove a
//! node with its whole bond forfeited (`force_remove_node`). A key rotation keeps the bond; a
//! handover holds the new owner's deposit when it accepts. Nodes registered before deposits
//! existed (or while the deposit was zero) hold none: nothing is released or slashed for them.

use crate::{pallet::*, types::*};
use frame_support::{
	pallet_prelude::*,
	traits::{
		fungible::{BalancedHold, MutateHold},
		tokens::Precision,
		OnUnbalanced,
	},
};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::{
	traits::{Saturating, Zero},
	Perbill,
};

impl<T: Config> Pallet<T> {
	/// The deposit a registration of `node_type` holds now.
	pub fn deposit_now(node_type: NodeType) -> BalanceOf<T> {
		NodeTypeDeposit::<T>::get(node_type)
	}

	/// Checks that the deposit of `node_type` is at most `max_deposit` (when one is given).
	pub(crate) fn ensure_deposit_within(
		node_type: NodeType,
		max_deposit: Option<BalanceOf<T>>,
	) -> DispatchResult {
		if let Some(max_deposit) = max_deposit {
			ensure!(Self::deposit_now(node_type) <= max_deposit, Error::<T>::DepositAboveMaximum);
		}
		Ok(())
	}

	/// Holds the deposit of `node_type` from `owner` as the bond of `node_id` (nothing when the
	/// deposit is zero).
	pub(crate) fn hold_bond(
		owner: &T::AccountId,
		node_id: &NodeId,
		node_type: NodeType,
	) -> DispatchResult {
		let amount = Self::deposit_now(node_type);
		if amount.is_zero() {
			return Ok(());
		}
		T::Currency::hold(&HoldReason::NodeBond.into(), owner, amount)
			.map_err(|_| Error::<T>::InsufficientBalanceForDeposit)?;
		NodeBonds::<T>::insert(node_id, amount);
		Self::deposit_event(Event::BondHeld {
			node_id: node_id.clone(),
			owner: owner.clone(),
			amount,
		});
		Ok(())
	}

	/// The bond of `node_id`, which just left `owner` for `reason` at `now`: part of it slashed
	/// (`Consensus`: `BondSlashShare`; `ForcedForfeit`: all of it), the rest released once the
	/// node's cooldown is over.
	pub(crate) fn settle_bond(
		owner: &T::AccountId,
		node_id: &NodeId,
		reason: Option<UnregisterReason>,
		now: BlockNumberFor<T>,
	) {
		if let Some(amount) = NodeBonds::<T>::take(node_id) {
			Self::settle_amount(owner, node_id, amount, reason, now);
		}
	}

	/// `amount` of the bond of `node_id`, which left `owner` for `reason`: see
	/// [`Self::settle_bond`].
	pub(crate) fn settle_amount(
		owner: &T::AccountId,
		node_id: &NodeId,
		amount: BalanceOf<T>,
		reason: Option<UnregisterReason>,
		now: BlockNumberFor<T>,
	) {
		let share = match reason {
			Some(UnregisterReason::Consensus) => T::BondSlashShare::get(),
			Some(UnregisterReason::ForcedForfeit) => Perbill::one(),
			_ => Perbill::zero(),
		};
		let to_slash = share.mul_floor(amount);
		let slashed = if to_slash.is_zero() {
			Zero::zero()
		} else {
			let (credit, missing) = <T::Currency as BalancedHold<_>>::slash(
				&HoldReason::NodeBond.into(),
				owner,
				to_slash,
			);
			T::OnBondSlashed::on_unbalanced(credit);
			let slashed = to_slash.saturating_sub(missing);
			Self::deposit_event(Event::BondSlashed {
				node_id: node_id.clone(),
				owner: owner.clone(),
				amount: slashed,
			});
			slashed
		};
		let rest = amount.saturating_sub(slashed);
		if !rest.is_zero() {
			Self::release_later(owner, node_id, rest, now);
		}
	}

	/// Keeps `amount` of `owner`'s bond for `node_id` held until the node's cooldown is over.
	fn release_later(
		owner: &T::AccountId,
		node_id: &NodeId,
		amount: BalanceOf<T>,
		now: BlockNumberFor<T>,
	) {
		let release_at = now.saturating_add(T::NodeCooldownPeriod::get());
		// An earlier bond of the same node and owner still waiting (the node came back and left
		// again before it was released): one entry holds both, released at the later block.
		let (amount, release_at) = match ReleasingBonds::<T>::get(owner, node_id) {
			Some((earlier, at)) => (earlier.saturating_add(amount), at.max(release_at)),
			None => (amount, release_at),
		};
		ReleasingBonds::<T>::insert(owner, node_id, (amount, release_at));
		Self::schedule_expiry(release_at, Expiring::BondRelease(owner.clone(), node_id.clone()));
		Self::deposit_event(Event::BondReleasing {
			node_id: node_id.clone(),
			owner: owner.clone(),
			amount,
			release_at,
		});
	}

	/// Releases a bond whose block is past (the expiry queue); queues it again if a later
	/// departure moved its block.
	pub(crate) fn expire_bond_release(
		owner: T::AccountId,
		node_id: NodeId,
		now: BlockNumberFor<T>,
	) {
		let Some((amount, release_at)) = ReleasingBonds::<T>::get(&owner, &node_id) else {
			return;
		};
		if release_at >= now {
			Self::schedule_expiry(release_at, Expiring::BondRelease(owner, node_id));
			return;
		}
		ReleasingBonds::<T>::remove(&owner, &node_id);
		let released = T::Currency::release(
			&HoldReason::NodeBond.into(),
			&owner,
			amount,
			Precision::BestEffort,
		)
		.unwrap_or_default();
		Self::deposit_event(Event::BondReleased { node_id, owner, amount: released });
	}

	/// `set_node_type_deposit` after the origin check. Bonds held already keep their amount.
	pub(crate) fn do_set_deposit(node_type: NodeType, deposit: BalanceOf<T>) -> DispatchResult {
		if deposit.is_zero() {
			NodeTypeDeposit::<T>::remove(node_type);
		} else {
			NodeTypeDeposit::<T>::insert(node_type, deposit);
		}
		Self::deposit_event(Event::NodeTypeDepositUpdated { node_type, deposit });
		Ok(())
	}
}
