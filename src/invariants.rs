//! `try_state`: the relations between the storage items, checked after every test and by
//! `try-runtime`.

use crate::{pallet::*, peer_id::Ed25519PeerId, types::*};
use alloc::collections::btree_map::BTreeMap;
use frame_support::ensure;
use frame_support::traits::Get;
use sp_runtime::TryRuntimeError;

impl<T: Config> Pallet<T> {
	/// Checks every invariant; the first that fails is returned.
	pub fn do_try_state() -> Result<(), TryRuntimeError> {
		Self::check_registry()?;
		Self::check_expiry_queue()?;
		Self::check_reports()?;
		Self::check_fees()?;
		Ok(())
	}

	/// Registry ⇄ owner index ⇄ identities ⇄ type index and counts.
	fn check_registry() -> Result<(), TryRuntimeError> {
		let mut per_type: BTreeMap<NodeType, u32> = BTreeMap::new();
		let mut nodes = 0usize;
		for (node_id, info) in ColdkeyNodeRegistrationV2::<T>::iter() {
			nodes = nodes.saturating_add(1);
			ensure!(info.node_id == node_id, "record's node_id differs from its key");
			let peer =
				Ed25519PeerId::from_base58(&node_id).ok_or("registry key is not a PeerId")?;
			ensure!(peer.to_node_id() == node_id, "registry key is not canonical base58");
			ensure!(
				OwnerToNode::<T>::get(&info.owner)
					.is_some_and(|ids| ids.as_slice() == [node_id.clone()]),
				"OwnerToNode does not point back to the node"
			);
			let identity = Libp2pMainIdentity::<T>::get(&node_id).ok_or("node has no identity")?;
			ensure!(
				identity.1.as_slice() == peer.public_key(),
				"identity key differs from the PeerId's key"
			);
			ensure!(
				NodesByType::<T>::contains_key(info.node_type, &node_id),
				"node missing from NodesByType"
			);
			ensure!(
				info.status == Status::Online
					|| (info.status == Status::Degraded
						&& info.node_type == NodeType::StorageMiner),
				"only storage miners are ever degraded"
			);
			let count = per_type.entry(info.node_type).or_default();
			*count = count.saturating_add(1);
		}
		ensure!(OwnerToNode::<T>::iter().count() == nodes, "OwnerToNode has stray owners");
		ensure!(
			Libp2pMainIdentity::<T>::iter_keys().count() == nodes,
			"Libp2pMainIdentity has stray nodes"
		);
		ensure!(NodesByType::<T>::iter_keys().count() == nodes, "NodesByType has stray nodes");
		for node_type in NodeType::ALL {
			ensure!(
				NodeCountByType::<T>::get(node_type)
					== per_type.get(&node_type).copied().unwrap_or_default(),
				"NodeCountByType differs from the registry"
			);
		}
		Ok(())
	}

	/// Every used challenge and cooldown anchor is queued for removal, at or after the block it
	/// stops mattering, and nothing is queued before the prune cursor.
	fn check_expiry_queue() -> Result<(), TryRuntimeError> {
		let cursor = NextExpiryToPrune::<T>::get();
		let mut challenges: BTreeMap<sp_core::H256, ()> = BTreeMap::new();
		let mut node_cooldowns = alloc::vec::Vec::new();
		let mut owner_cooldowns = alloc::vec::Vec::new();
		for (at, item) in ExpiryQueue::<T>::iter_keys() {
			ensure!(cursor.is_none_or(|c| at >= c), "queue entry before the prune cursor");
			match item {
				Expiring::Challenge(hash) => {
					if let Some(expires_at) = UsedChallenges::<T>::get(hash) {
						ensure!(at >= expires_at, "challenge queued before its expiry");
					}
					challenges.insert(hash, ());
				}
				Expiring::NodeCooldown(node_id) => node_cooldowns.push(node_id),
				Expiring::OwnerCooldown(owner) => owner_cooldowns.push(owner),
			}
		}
		for hash in UsedChallenges::<T>::iter_keys() {
			ensure!(challenges.contains_key(&hash), "used challenge never queued for removal");
		}
		for node_id in NodeLastDeregisteredAt::<T>::iter_keys() {
			ensure!(node_cooldowns.contains(&node_id), "node cooldown never queued for removal");
		}
		for owner in OwnerLastDeregisteredAt::<T>::iter_keys() {
			ensure!(owner_cooldowns.contains(&owner), "owner cooldown never queued for removal");
		}
		Ok(())
	}

	/// Report state belongs to registered validators; votes are within bounds.
	fn check_reports() -> Result<(), TryRuntimeError> {
		let is_validator = |who: &T::AccountId| {
			OwnerToNode::<T>::get(who)
				.and_then(|ids| ids.into_iter().next())
				.and_then(ColdkeyNodeRegistrationV2::<T>::get)
				.is_some_and(|info| info.node_type == NodeType::Validator)
		};
		for who in TemporaryDeregistrationReports::<T>::iter_keys() {
			ensure!(is_validator(&who), "reports kept for an account without a validator node");
		}
		for (who, window) in ReportSubmissionCount::<T>::iter() {
			ensure!(is_validator(&who), "report count kept for an account without a validator");
			ensure!(
				window.count <= T::MaxDeregRequestsPerPeriod::get(),
				"report count above MaxDeregRequestsPerPeriod"
			);
		}
		if let Some(reports) = ReportedNodes::<T>::get() {
			ensure!(reports.round <= Self::current_round(), "votes recorded for a future round");
			for entry in reports.nodes.iter() {
				ensure!(entry.votes > 0, "reported node without votes");
			}
		}
		let mut whitelist = WhitelistedValidators::<T>::get().into_inner();
		let len = whitelist.len();
		whitelist.sort();
		whitelist.dedup();
		ensure!(whitelist.len() == len, "whitelist has duplicates");
		Ok(())
	}

	/// Stored fees lie within the floor and the cap.
	fn check_fees() -> Result<(), TryRuntimeError> {
		for (_, fee) in CurrentNodeTypeFee::<T>::iter() {
			ensure!(
				fee >= T::MinNodeTypeFee::get() && fee <= T::MaxNodeTypeFee::get(),
				"stored fee outside MinNodeTypeFee..=MaxNodeTypeFee"
			);
		}
		Ok(())
	}
}
