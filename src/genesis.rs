//! The genesis build: the registry's switches, fees, bans, whitelist and pre-registered nodes.

use crate::{pallet::*, peer_id::Ed25519PeerId, types::*};
use frame_support::pallet_prelude::*;
use sp_runtime::traits::Zero;

impl<T: Config> GenesisConfig<T> {
	/// Writes the genesis state; panics on an inconsistent genesis (a chain spec error, found
	/// when the chain spec is built, never at run time).
	#[allow(clippy::panic)]
	pub(crate) fn build_registry(&self) {
		FeeChargingEnabled::<T>::put(self.fee_charging_enabled);
		// Pruning starts at the genesis block, so state queued before the first `on_initialize`
		// (by genesis or by calls in the first block) is pruned too.
		let now = frame_system::Pallet::<T>::block_number();
		NextExpiryToPrune::<T>::put(now);
		DeregistrationRound::<T>::put(RoundInfo { index: 0, ends_at: Pallet::<T>::round_end(now) });
		DeregistrationEnabled::<T>::put(self.deregistration_enabled);
		for (node_type, fee) in &self.initial_fees {
			assert!(
				*fee >= T::MinNodeTypeFee::get() && *fee <= T::MaxNodeTypeFee::get(),
				"genesis fee of {node_type:?} lies outside MinNodeTypeFee..=MaxNodeTypeFee"
			);
			CurrentNodeTypeFee::<T>::insert(node_type, fee);
		}
		for (node_type, deposit) in &self.deposits {
			NodeTypeDeposit::<T>::insert(node_type, deposit);
		}
		for node_type in &self.disabled_node_types {
			DisabledNodeTypes::<T>::insert(node_type, true);
		}
		for account in &self.banned_accounts {
			BannedAccounts::<T>::insert(account, true);
		}
		let whitelist = BoundedVec::<_, T::MaxWhitelistedValidators>::try_from(
			self.whitelisted_validators.clone(),
		);
		let Ok(whitelist) = whitelist else {
			panic!("genesis whitelist is longer than MaxWhitelistedValidators");
		};
		WhitelistedValidators::<T>::put(whitelist);
		for (owner, node_type, node_id) in &self.nodes {
			let Ok(peer) = Ed25519PeerId::parse(node_id) else {
				panic!("genesis node id {node_id:?} is not an acceptable Ed25519 PeerId");
			};
			let node_id = peer.to_node_id();
			assert!(
				OwnerNodeCount::<T>::get(owner) < T::MaxNodesPerOwner::get(),
				"genesis owner {owner:?} has more than MaxNodesPerOwner nodes"
			);
			assert!(
				*node_type != NodeType::Validator || !OwnerValidatorNode::<T>::contains_key(owner),
				"genesis owner {owner:?} has more than one validator node"
			);
			assert!(
				!ColdkeyNodeRegistrationV2::<T>::contains_key(&node_id),
				"genesis node {node_id:?} is listed twice"
			);
			Pallet::<T>::insert_node(node_id, *node_type, owner.clone(), &peer, Zero::zero());
		}
		assert!(
			NodeCountByType::<T>::get(NodeType::Validator) <= T::MaxValidators::get(),
			"genesis has more validator nodes than MaxValidators"
		);
		assert!(
			Pallet::<T>::node_total() <= T::MaxNodes::get(),
			"genesis has more nodes than MaxNodes"
		);
	}
}
