//! `try_state`: the relations between the storage items, checked after every test and by
//! `try-runtime`.

use crate::{pallet::*, peer_id::Ed25519PeerId, stored::Stored, types::*};
use alloc::collections::btree_map::BTreeMap;
use frame_support::{ensure, storage::StoragePrefixedMap, traits::Get};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::{traits::Saturating, TryRuntimeError};

/// How many storage keys lie under `prefix` (read raw: keys that no longer decode count too).
fn keys_under(prefix: &[u8]) -> usize {
	let mut count = 0usize;
	let mut key = prefix.to_vec();
	while let Some(next) = sp_io::storage::next_key(&key).filter(|next| next.starts_with(prefix)) {
		count = count.saturating_add(1);
		key = next;
	}
	count
}

impl<T: Config> Pallet<T> {
	/// `try_state`: every invariant when storage is at this code's version. Storage behind it is
	/// half-built while a multi-block migration runs (its `post_upgrade` checks the invariants
	/// once it is done); behind it with no migration running, it stays in a layout that the
	/// calls refuse and the hooks skip, which is an error.
	pub fn try_state_of_version() -> Result<(), TryRuntimeError> {
		use frame_support::{migrations::MultiStepMigrator, traits::StorageVersion};
		if StorageVersion::get::<Self>() < crate::STORAGE_VERSION {
			ensure!(
				<T as frame_system::Config>::MultiBlockMigrator::ongoing(),
				"storage is behind the code's storage version and no migration is running"
			);
			return Ok(());
		}
		Self::do_try_state()
	}

	/// Checks every invariant; the first that fails is returned.
	pub fn do_try_state() -> Result<(), TryRuntimeError> {
		Self::check_registry()?;
		Self::check_expiry_queue()?;
		Self::check_reports()?;
		Self::check_offers()?;
		Self::check_consents_and_rotations()?;
		Self::check_discovery()?;
		Self::check_bonds()?;
		Self::check_fees()?;
		Ok(())
	}

	/// Registry ⇄ owner index ⇄ identities ⇄ type index and counts.
	fn check_registry() -> Result<(), TryRuntimeError> {
		let mut per_type: BTreeMap<NodeType, u32> = BTreeMap::new();
		let mut per_owner: BTreeMap<T::AccountId, u32> = BTreeMap::new();
		let mut nodes = 0usize;
		for (node_id, info) in ColdkeyNodeRegistrationV2::<T>::iter() {
			nodes = nodes.saturating_add(1);
			ensure!(info.node_id == node_id, "record's node_id differs from its key");
			let peer =
				Ed25519PeerId::from_base58(&node_id).map_err(|_| "registry key is not a PeerId")?;
			ensure!(peer.to_node_id() == node_id, "registry key is not canonical base58");
			ensure!(
				NodesByOwner::<T>::contains_key(&info.owner, &node_id),
				"NodesByOwner does not name the node under its owner"
			);
			let per_owner = per_owner.entry(info.owner.clone()).or_default();
			*per_owner = per_owner.saturating_add(1);
			if info.node_type == NodeType::Validator {
				ensure!(
					OwnerValidatorNode::<T>::get(&info.owner).as_ref() == Some(&node_id),
					"OwnerValidatorNode does not name the owner's validator node"
				);
			}
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
				info.status != Status::Degraded || info.node_type == NodeType::StorageMiner,
				"only storage miners are ever degraded"
			);
			let count = per_type.entry(info.node_type).or_default();
			*count = count.saturating_add(1);
		}
		// Fleets: each owner with nodes has its count, at most the limit, one main node of its
		// own, and at most one validator node.
		for (owner, count) in &per_owner {
			ensure!(OwnerNodeCount::<T>::get(owner) == *count, "OwnerNodeCount differs");
			let main =
				OwnerToNode::<T>::get(owner).ok_or("an owner with nodes has no main node")?;
			ensure!(
				main.len() == 1 && main.iter().all(|id| NodesByOwner::<T>::contains_key(owner, id)),
				"OwnerToNode does not name one of the owner's nodes"
			);
		}
		ensure!(
			OwnerToNode::<T>::iter_keys().count() == per_owner.len(),
			"OwnerToNode has stray owners"
		);
		ensure!(
			OwnerNodeCount::<T>::iter_keys().count() == per_owner.len(),
			"OwnerNodeCount has stray owners"
		);
		ensure!(NodesByOwner::<T>::iter_keys().count() == nodes, "NodesByOwner has stray nodes");
		for (owner, node_id) in OwnerValidatorNode::<T>::iter() {
			ensure!(
				ColdkeyNodeRegistrationV2::<T>::get(&node_id)
					.is_some_and(
						|info| info.owner == owner && info.node_type == NodeType::Validator
					),
				"OwnerValidatorNode names no validator node of the owner"
			);
		}
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
		let now = frame_system::Pallet::<T>::block_number();
		ensure!(cursor.is_none_or(|c| c <= now), "the prune cursor is in the future");
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
				Expiring::ReportState(_)
				| Expiring::OwnershipOffer(_)
				| Expiring::RevokedConsent(..)
				| Expiring::KeyRotation(_)
				| Expiring::Liveness(_)
				| Expiring::BondRelease(..) => {}
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

	/// Report state: every stored list decodes within its bound, belongs to no future round or
	/// window, and is queued for removal; the round's list names each node once.
	fn check_reports() -> Result<(), TryRuntimeError> {
		let now = frame_system::Pallet::<T>::block_number();
		let round = Self::current_round();
		let mut queued: alloc::vec::Vec<T::AccountId> = alloc::vec::Vec::new();
		for (_, item) in ExpiryQueue::<T>::iter_keys() {
			if let Expiring::ReportState(owner) = item {
				queued.push(owner);
			}
		}
		for owner in TemporaryDeregistrationReports::<T>::iter_keys() {
			let Stored::Present(ballot) = Self::ballot(&owner) else {
				return Err("a ballot no longer fits MaxReportsPerRound".into());
			};
			ensure!(ballot.round <= round, "a ballot of a future round");
			ensure!(
				ballot.added as usize <= ballot.node_ids.len(),
				"ballot claims more than it holds"
			);
			ensure!(queued.contains(&owner), "a ballot never queued for removal");
		}
		for (owner, window) in ReportSubmissionCount::<T>::iter() {
			ensure!(window.started_at <= now, "a rate-limit window that starts in the future");
			ensure!(
				window.count <= T::MaxDeregRequestsPerPeriod::get(),
				"report count above MaxDeregRequestsPerPeriod"
			);
			ensure!(queued.contains(&owner), "a report count never queued for removal");
		}
		ensure!(
			ReportSubmissionCount::<T>::iter_keys().count()
				== ReportSubmissionCount::<T>::iter().count(),
			"a report count does not decode"
		);
		match Self::round_reports() {
			Stored::Absent => {}
			Stored::Undecodable => {
				return Err(
					"the round's reported nodes no longer fit MaxReportedNodesPerRound".into()
				)
			}
			Stored::Present(reports) => {
				ensure!(
					reports.round == round,
					"votes recorded for another round than the open one"
				);
				let mut ids: alloc::vec::Vec<&NodeId> =
					reports.nodes.iter().map(|entry| &entry.node_id).collect();
				ids.sort();
				ids.dedup();
				ensure!(
					ids.len() == reports.nodes.len(),
					"a node listed twice in the round's votes"
				);
				for entry in reports.nodes.iter() {
					ensure!(entry.votes > 0, "reported node without votes");
				}
			}
		}
		ensure!(
			DepartedReporters::<T>::get().round <= round,
			"departed reporters of a future round"
		);
		ensure!(
			Self::validator_places_taken() <= T::MaxValidators::get(),
			"more validators than MaxValidators"
		);
		let mut whitelist = match Self::whitelist() {
			Stored::Present(list) => list.into_inner(),
			Stored::Absent => alloc::vec::Vec::new(),
			Stored::Undecodable => {
				return Err("the whitelist no longer fits MaxWhitelistedValidators".into())
			}
		};
		let len = whitelist.len();
		whitelist.sort();
		whitelist.dedup();
		ensure!(whitelist.len() == len, "whitelist has duplicates");
		Ok(())
	}

	/// Every ownership offer is of a registered node by its owner, to another account, and is
	/// queued for removal at or after its expiry.
	fn check_offers() -> Result<(), TryRuntimeError> {
		let mut queued = alloc::vec::Vec::new();
		for (at, item) in ExpiryQueue::<T>::iter_keys() {
			if let Expiring::OwnershipOffer(node_id) = item {
				queued.push((node_id, at));
			}
		}
		for (node_id, offer) in NodeOwnershipOffers::<T>::iter() {
			ensure!(
				ColdkeyNodeRegistrationV2::<T>::get(&node_id)
					.is_some_and(|info| info.owner == offer.owner),
				"an offer of a node its offerer does not own"
			);
			ensure!(offer.new_owner != offer.owner, "an offer to the owner itself");
			ensure!(
				queued.iter().any(|(id, at)| *id == node_id && *at >= offer.expires_at),
				"an offer never queued for removal after its expiry"
			);
		}
		Ok(())
	}

	/// Every revocation is queued for removal after its consent's `valid_until` and counted for
	/// its owner (the count may exceed a `MaxRevokedConsents` an upgrade lowered; it only
	/// refuses new revocations then); every rotation anchor lies in the past and is
	/// queued for removal.
	fn check_consents_and_rotations() -> Result<(), TryRuntimeError> {
		let now = frame_system::Pallet::<T>::block_number();
		let mut revocations = alloc::vec::Vec::new();
		let mut rotations = alloc::vec::Vec::new();
		for (at, item) in ExpiryQueue::<T>::iter_keys() {
			match item {
				Expiring::RevokedConsent(owner, hash) => revocations.push((owner, hash, at)),
				Expiring::KeyRotation(node_id) => rotations.push(node_id),
				_ => {}
			}
		}
		let mut per_owner: BTreeMap<T::AccountId, u32> = BTreeMap::new();
		for (owner, hash, valid_until) in RevokedConsents::<T>::iter() {
			ensure!(
				revocations
					.iter()
					.any(|(o, h, at)| *o == owner && *h == hash && *at >= valid_until),
				"a revoked consent never queued for removal after its valid_until"
			);
			let count = per_owner.entry(owner).or_default();
			*count = count.saturating_add(1);
		}
		ensure!(
			RevokedConsentCount::<T>::iter().count() == per_owner.len(),
			"RevokedConsentCount has stray owners"
		);
		for (owner, count) in per_owner {
			ensure!(
				RevokedConsentCount::<T>::get(&owner) == count,
				"RevokedConsentCount differs from the revocations"
			);
		}
		for (node_id, at) in NodeKeyRotatedAt::<T>::iter() {
			ensure!(at <= now, "a key rotation in the future");
			ensure!(rotations.contains(&node_id), "a rotation anchor never queued for removal");
		}
		Ok(())
	}

	/// Discovery: the status index and counts match the registry; every registered node and
	/// only those have a liveness, queued for its next check unless it is marked silent; an
	/// `Offline` node is marked silent; records belong to registered nodes and the capability
	/// index names exactly their capabilities.
	fn check_discovery() -> Result<(), TryRuntimeError> {
		let now = frame_system::Pallet::<T>::block_number();
		let mut liveness_queued = alloc::vec::Vec::new();
		for (at, item) in ExpiryQueue::<T>::iter_keys() {
			if let Expiring::Liveness(node_id) = item {
				liveness_queued.push((node_id, at));
			}
		}
		let mut per_status: BTreeMap<u8, u32> = BTreeMap::new();
		for (node_id, info) in ColdkeyNodeRegistrationV2::<T>::iter() {
			ensure!(
				NodesByStatus::<T>::contains_key(info.status, &node_id),
				"node missing from NodesByStatus"
			);
			let count = per_status.entry(info.status as u8).or_default();
			*count = count.saturating_add(1);
			ensure!(
				!matches!(
					crate::stored::read::<crate::discovery::UnboundedLiveness<BlockNumberFor<T>>>(
						&NodeLiveness::<T>::hashed_key_for(&node_id)
					),
					Stored::Undecodable
				),
				"a liveness that does not decode, even unbounded"
			);
			let liveness = Self::liveness_of(&node_id).ok_or("node without liveness")?;
			ensure!(liveness.last_seen <= now, "a node last seen in the future");
			ensure!(
				info.status != Status::Offline || liveness.silent,
				"an Offline node not marked silent"
			);
			if !liveness.silent {
				ensure!(
					liveness_queued.contains(&(node_id.clone(), liveness.check_at)),
					"a liveness check never queued"
				);
			}
		}
		ensure!(
			NodeLiveness::<T>::iter_keys().count()
				== ColdkeyNodeRegistrationV2::<T>::iter_keys().count(),
			"NodeLiveness has stray nodes"
		);
		ensure!(
			NodesByStatus::<T>::iter_keys().count()
				== ColdkeyNodeRegistrationV2::<T>::iter_keys().count(),
			"NodesByStatus has stray nodes"
		);
		for status in Status::ALL {
			ensure!(
				NodeCountByStatus::<T>::get(status)
					== per_status.get(&(status as u8)).copied().unwrap_or_default(),
				"NodeCountByStatus differs from the registry"
			);
		}
		// Records are read unbounded: one that an upgrade made too long for its bounds stays
		// until it is replaced or removed, and its index entries with it.
		let mut capabilities = 0usize;
		for node_id in NodeRecords::<T>::iter_keys() {
			ensure!(
				ColdkeyNodeRegistrationV2::<T>::contains_key(&node_id),
				"a record of a node not in the registry"
			);
			let stored = Self::stored_record(&node_id)
				.ok_or("a record that does not decode, even unbounded")?;
			ensure!(stored.published_at <= now, "a record published in the future");
			for capability in &stored.capabilities {
				ensure!(
					frame_support::storage::unhashed::exists(&Self::capability_key(
						capability, &node_id
					)),
					"a capability missing from NodesByCapability"
				);
				capabilities = capabilities.saturating_add(1);
			}
		}
		ensure!(
			keys_under(&NodesByCapability::<T>::final_prefix()) == capabilities,
			"NodesByCapability has stray entries"
		);
		for node_id in NodeKeyEpoch::<T>::iter_keys() {
			ensure!(
				ColdkeyNodeRegistrationV2::<T>::contains_key(&node_id),
				"a key epoch of a node not in the registry"
			);
		}
		Ok(())
	}

	/// Bonds: every bond belongs to a registered node; every releasing bond is queued at its
	/// block; and per owner, the bonds of its nodes and its releasing bonds add up to what the
	/// currency holds from it under [`HoldReason::NodeBond`].
	fn check_bonds() -> Result<(), TryRuntimeError> {
		use frame_support::traits::fungible::InspectHold;
		let mut held: BTreeMap<T::AccountId, BalanceOf<T>> = BTreeMap::new();
		for (node_id, amount) in NodeBonds::<T>::iter() {
			let info = ColdkeyNodeRegistrationV2::<T>::get(&node_id)
				.ok_or("a bond of a node not in the registry")?;
			let sum = held.entry(info.owner).or_default();
			*sum = sum.saturating_add(amount);
		}
		let mut queued = alloc::collections::btree_set::BTreeSet::new();
		for (at, item) in ExpiryQueue::<T>::iter_keys() {
			if let Expiring::BondRelease(owner, node_id) = item {
				queued.insert((owner, node_id, at));
			}
		}
		for (owner, node_id, (amount, release_at)) in ReleasingBonds::<T>::iter() {
			ensure!(
				queued.contains(&(owner.clone(), node_id, release_at)),
				"a releasing bond not queued at its block"
			);
			let sum = held.entry(owner).or_default();
			*sum = sum.saturating_add(amount);
		}
		let reason: T::RuntimeHoldReason = HoldReason::NodeBond.into();
		for (owner, sum) in &held {
			ensure!(
				T::Currency::balance_on_hold(&reason, owner) == *sum,
				"the bonds of an owner differ from what is held from it"
			);
		}
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
