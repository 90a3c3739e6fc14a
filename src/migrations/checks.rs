//! try-runtime checks of the migration to storage version 3.
//!
//! `pre_upgrade` works out, independently of the migration's step by step walk, what the
//! migration must leave: from version 0 it applies the documented rules to the whole
//! registry at once (per PeerId, then per owner, then the validator places); `post_upgrade`
//! compares. Preserved, modulo the documented drops: the number of nodes, per type, of owners,
//! of bans, of fees, and of used challenges that still guard (expiry not past).

use super::{
	rules::{decode_key, effective_status, rank, read_strict},
	v0,
};
use crate::{pallet::*, peer_id::Ed25519PeerId, stored::Stored, types::*, STORAGE_VERSION};
use alloc::{collections::btree_map::BTreeMap, vec::Vec};
use codec::{Decode, Encode};
use frame_support::{
	ensure,
	traits::{Get, StorageVersion},
};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_core::H256;
use sp_runtime::TryRuntimeError;

/// What the migration must leave.
#[derive(Encode, Decode, Debug)]
struct Expected<BlockNumber> {
	/// Nodes in the registry.
	nodes: u32,
	/// Owners with a node.
	owners: u32,
	/// Nodes per type, in `NodeType::ALL` order.
	by_type: Vec<u32>,
	/// Banned accounts.
	bans: u32,
	/// Node types with a stored fee.
	fees: u32,
	/// Used challenges per expiry block.
	challenges: Vec<(BlockNumber, u32)>,
}

/// Every key under `prefix`.
fn keys_under(prefix: &[u8]) -> Vec<Vec<u8>> {
	let mut keys = Vec::new();
	let mut from = prefix.to_vec();
	while let Some(key) = sp_io::storage::next_key(&from).filter(|key| key.starts_with(prefix)) {
		keys.push(key.clone());
		from = key;
	}
	keys
}

fn count(n: usize) -> u32 {
	u32::try_from(n).unwrap_or(u32::MAX)
}

/// Counts per expiry block.
fn histogram<B: Ord>(expiries: impl Iterator<Item = B>) -> Vec<(B, u32)> {
	let mut per_block: BTreeMap<B, u32> = BTreeMap::new();
	for at in expiries {
		let n = per_block.entry(at).or_default();
		*n = n.saturating_add(1);
	}
	per_block.into_iter().collect()
}

/// The state before the migration, as `post_upgrade` expects it after.
pub fn pre_upgrade<T: Config>() -> Result<Vec<u8>, TryRuntimeError> {
	let version = StorageVersion::get::<Pallet<T>>();
	let expected = if version == StorageVersion::new(0) {
		expected_from_v0::<T>()
	} else {
		// Version 1 (or already 2): the migration changes no count.
		Expected::<BlockNumberFor<T>> {
			nodes: count(ColdkeyNodeRegistrationV2::<T>::iter_keys().count()),
			owners: count(OwnerToNode::<T>::iter_keys().count()),
			by_type: NodeType::ALL.iter().map(NodeCountByType::<T>::get).collect(),
			bans: count(BannedAccounts::<T>::iter_keys().count()),
			fees: count(CurrentNodeTypeFee::<T>::iter_keys().count()),
			challenges: histogram(UsedChallenges::<T>::iter_values()),
		}
	};
	Ok(expected.encode())
}

/// Applies the migration's rules to the reference layout as a whole.
fn expected_from_v0<T: Config>() -> Expected<BlockNumberFor<T>> {
	// One entry per PeerId: the preferred of its forms.
	let mut by_peer: BTreeMap<NodeId, (v0::NodeInfoV0<T>, bool)> = BTreeMap::new();
	for key in keys_under(&v0::v0_prefix::<T>(MigrationItem::ColdkeyNodeRegistrationV2)) {
		let (Some(id), Stored::Present(info)) =
			(decode_key::<Vec<u8>>(&key), read_strict::<v0::NodeInfoV0<T>>(&key))
		else {
			continue;
		};
		let Ok((peer, canonical)) = Ed25519PeerId::parse_canonical(&id) else { continue };
		if Ed25519PeerId::parse(&info.node_id) != Ok(peer) {
			continue;
		}
		let raw = id.len() == RAW_PEER_ID_LEN as usize;
		let better = by_peer
			.get(&canonical)
			.is_none_or(|(other, other_raw)| rank(&info, raw) < rank(other, *other_raw));
		if better {
			by_peer.insert(canonical, (info, raw));
		}
	}
	// One node per owner: the preferred.
	let mut by_owner: BTreeMap<T::AccountId, NodeInfoOf<T>> = BTreeMap::new();
	for (node_id, (info, _)) in by_peer {
		let info: NodeInfoOf<T> = ColdkeyNodeInfoLite {
			node_id,
			node_type: info.node_type,
			status: effective_status(info.node_type, info.status),
			registered_at: info.registered_at,
			owner: info.owner,
		};
		let better =
			by_owner.get(&info.owner).is_none_or(|other| rank(&info, false) < rank(other, false));
		if better {
			by_owner.insert(info.owner.clone(), info);
		}
	}
	// The preferred `MaxValidators` validators.
	let mut validators: Vec<_> = by_owner
		.values()
		.filter(|info| info.node_type == NodeType::Validator)
		.map(|info| rank(info, false))
		.collect();
	validators.sort();
	let places = T::MaxValidators::get() as usize;
	let dropped = validators.len().saturating_sub(places);
	let mut by_type: Vec<u32> = NodeType::ALL
		.iter()
		.map(|t| count(by_owner.values().filter(|info| info.node_type == *t).count()))
		.collect();
	if let Some(n) = by_type.get_mut(NodeType::Validator as usize) {
		*n = n.saturating_sub(count(dropped));
	}
	let nodes = count(by_owner.len().saturating_sub(dropped));

	let bans = keys_under(&v0::v0_prefix::<T>(MigrationItem::BannedAccounts))
		.into_iter()
		.filter(|key| {
			decode_key::<T::AccountId>(key).is_some()
				&& read_strict::<bool>(key) == Stored::Present(true)
		})
		.count();
	let fees = keys_under(&v0::v0_prefix::<T>(MigrationItem::CurrentNodeTypeFee))
		.into_iter()
		.filter(|key| {
			decode_key::<NodeType>(key).is_some()
				&& matches!(read_strict::<BalanceOf<T>>(key), Stored::Present(_))
		})
		.count();
	let challenges = keys_under(&v0::v0_prefix::<T>(MigrationItem::UsedChallenges))
		.into_iter()
		.filter_map(|key| match (decode_key::<H256>(&key), read_strict(&key)) {
			(Some(_), Stored::Present(at)) => Some(at),
			_ => None,
		});
	Expected {
		nodes,
		owners: nodes,
		by_type,
		bans: count(bans),
		fees: count(fees),
		challenges: histogram(challenges),
	}
}

/// Checks the state after the migration against `pre_upgrade`'s, and every invariant.
pub fn post_upgrade<T: Config>(state: Vec<u8>) -> Result<(), TryRuntimeError> {
	let expected = Expected::<BlockNumberFor<T>>::decode(&mut state.as_slice())
		.map_err(|_| "pre_upgrade's state does not decode")?;
	ensure!(
		StorageVersion::get::<Pallet<T>>() == STORAGE_VERSION,
		"the storage version is not the code's after the migration"
	);
	ensure!(
		count(ColdkeyNodeRegistrationV2::<T>::iter_keys().count()) == expected.nodes,
		"the migration lost or made up nodes"
	);
	ensure!(
		count(OwnerToNode::<T>::iter_keys().count()) == expected.owners,
		"the migration lost or made up owners"
	);
	let by_type: Vec<u32> = NodeType::ALL.iter().map(NodeCountByType::<T>::get).collect();
	ensure!(by_type == expected.by_type, "the migration changed the nodes per type");
	ensure!(
		count(BannedAccounts::<T>::iter_keys().count()) == expected.bans,
		"the migration lost or made up bans"
	);
	ensure!(
		count(CurrentNodeTypeFee::<T>::iter_keys().count()) == expected.fees,
		"the migration lost or made up fees"
	);
	// Challenges whose expiry is not past yet must all still guard; older ones may or may not
	// have been pruned.
	let now = frame_system::Pallet::<T>::block_number();
	let guarding = expected
		.challenges
		.iter()
		.filter(|(at, _)| *at >= now)
		.fold(0u32, |sum, (_, n)| sum.saturating_add(*n));
	ensure!(
		count(UsedChallenges::<T>::iter_values().filter(|at| *at >= now).count()) == guarding,
		"the migration lost or made up used challenges"
	);
	Pallet::<T>::do_try_state()
}
