//! Node type fees: a fee doubles after each paid registration of its type and halves for every
//! `BlocksPerDay` without one, always within `MinNodeTypeFee..=MaxNodeTypeFee`.
//!
//! Nothing decays in storage: the stored fee and the block it was set are enough to compute the
//! current fee, so no hook walks the fee table and the table changes only when a fee is paid or
//! set.

use crate::{pallet::*, types::*, InitialNodeTypeFee};
use frame_support::{dispatch::DispatchResult, ensure, traits::Get};
use frame_system::pallet_prelude::BlockNumberFor;

/// Halvings beyond this leave any fee at the floor (balances have at most 128 bits).
const MAX_HALVINGS: u32 = 128;

/// `fee` halved once per full `period` elapsed between `since` and `now`, never below `floor`.
pub fn decayed_fee<Balance, BlockNumber>(
	fee: Balance,
	since: BlockNumber,
	now: BlockNumber,
	period: BlockNumber,
	floor: Balance,
) -> Balance
where
	Balance: sp_runtime::traits::AtLeast32BitUnsigned + Copy,
	BlockNumber: sp_runtime::traits::AtLeast32BitUnsigned + Copy,
{
	let halvings: u32 = now
		.saturating_sub(since)
		.checked_div(&period)
		.map(|periods| periods.unique_saturated_into())
		.unwrap_or(0);
	let two = Balance::from(2u32);
	let mut fee = fee;
	for _ in 0..halvings.min(MAX_HALVINGS) {
		if fee <= floor {
			break;
		}
		fee = fee.checked_div(&two).unwrap_or(floor);
	}
	fee.max(floor)
}

/// The fee after a registration paid `paid`: doubled, within `floor..=cap`.
pub fn raised_fee<Balance>(paid: Balance, floor: Balance, cap: Balance) -> Balance
where
	Balance: sp_runtime::traits::AtLeast32BitUnsigned + Copy,
{
	paid.saturating_mul(Balance::from(2u32)).max(floor).min(cap)
}

impl<T: Config> Pallet<T> {
	/// The fee a registration of `node_type` pays now.
	pub fn fee_now(node_type: NodeType) -> BalanceOf<T> {
		let floor = T::MinNodeTypeFee::get();
		let cap = T::MaxNodeTypeFee::get();
		let stored = CurrentNodeTypeFee::<T>::get(node_type)
			.unwrap_or_else(|| T::InitialNodeTypeFee::initial_fee(node_type));
		let fee = match LastRegistrationBlock::<T>::get(node_type) {
			Some(since) => decayed_fee(
				stored,
				since,
				frame_system::Pallet::<T>::block_number(),
				T::BlocksPerDay::get(),
				floor,
			),
			None => stored,
		};
		fee.max(floor).min(cap)
	}

	/// `set_node_type_fee` after the origin check: a fee within the floor and the cap.
	pub(crate) fn do_set_fee(node_type: NodeType, fee: BalanceOf<T>) -> DispatchResult {
		ensure!(fee <= T::MaxNodeTypeFee::get(), Error::<T>::FeeTooHigh);
		ensure!(fee >= T::MinNodeTypeFee::get(), Error::<T>::FeeTooLow);
		Self::store_fee(node_type, fee);
		Self::deposit_event(Event::NodeTypeFeeUpdated { node_type, fee });
		Ok(())
	}

	/// Sets the fee of `node_type` as of now.
	pub(crate) fn store_fee(node_type: NodeType, fee: BalanceOf<T>) {
		CurrentNodeTypeFee::<T>::insert(node_type, fee);
		LastRegistrationBlock::<T>::insert(node_type, frame_system::Pallet::<T>::block_number());
	}

	/// Raises the fee of `node_type` after a registration paid `paid` at `now`.
	pub(crate) fn raise_fee_after_registration(
		node_type: NodeType,
		paid: BalanceOf<T>,
		now: BlockNumberFor<T>,
	) {
		let fee = raised_fee(paid, T::MinNodeTypeFee::get(), T::MaxNodeTypeFee::get());
		CurrentNodeTypeFee::<T>::insert(node_type, fee);
		LastRegistrationBlock::<T>::insert(node_type, now);
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn halves_once_per_elapsed_period() {
		assert_eq!(decayed_fee(800u128, 0u64, 99, 100, 1), 800);
		assert_eq!(decayed_fee(800u128, 0u64, 100, 100, 1), 400);
		assert_eq!(decayed_fee(800u128, 0u64, 350, 100, 1), 100);
		assert_eq!(decayed_fee(800u128, 50u64, 350, 100, 1), 100);
	}

	#[test]
	fn never_below_floor_whatever_the_quiet_time() {
		assert_eq!(decayed_fee(800u128, 0u64, u64::MAX, 1, 3), 3);
		assert_eq!(decayed_fee(u128::MAX, 0u64, u64::MAX, 1, 1), 1);
		assert_eq!(decayed_fee(2u128, 0u64, 1000, 0, 1), 2, "zero period: no decay");
	}

	#[test]
	fn raise_doubles_within_floor_and_cap() {
		assert_eq!(raised_fee(5u128, 1, 100), 10);
		assert_eq!(raised_fee(80u128, 1, 100), 100);
		assert_eq!(raised_fee(0u128, 1, 100), 1);
		assert_eq!(raised_fee(u128::MAX, 1, u128::MAX), u128::MAX);
	}
}
