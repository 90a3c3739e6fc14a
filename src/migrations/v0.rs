//! The reference pallet's storage layout: storage version 0, no version stored.
//!
//! Written from the contract's description of the reference (`ColdkeyNodeInfoLite`'s field
//! order is the one this pallet keeps): every map hashes its keys with `Blake2_128Concat`; node
//! ids are the bytes the owner submitted (base58 text or the raw PeerId). Only the migration
//! reads these, mostly by raw key: an entry that does not decode is counted and removed, never
//! read as a default.

use crate::{pallet::Config, BalanceOf, ColdkeyNodeInfoLite, NodeIdParam, NodeType, Pallet};
use alloc::vec::Vec;
use frame_support::{storage_alias, Blake2_128Concat, BoundedVec};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_core::{ConstU32, H256};

/// The most accounts the reference's whitelist holds.
pub const V0_MAX_WHITELIST: u32 = 16_384;

/// A registry record as the reference stores it, with the node id as the owner submitted it.
/// Decoded with the node id bounded to the longest one a call accepts: a longer id cannot be a
/// PeerId, and its record counts as undecodable.
pub type NodeInfoV0<T> =
	ColdkeyNodeInfoLite<NodeIdParam, <T as frame_system::Config>::AccountId, BlockNumberFor<T>>;

/// Node id (either form) → record.
#[storage_alias]
pub type ColdkeyNodeRegistrationV2<T: Config> =
	StorageMap<Pallet<T>, Blake2_128Concat, Vec<u8>, NodeInfoV0<T>>;

/// Owner → its node ids (any number, possibly disagreeing with the registry). Rebuilt from the
/// registry, never read.
#[storage_alias]
pub type OwnerToNode<T: Config> =
	StorageMap<Pallet<T>, Blake2_128Concat, <T as frame_system::Config>::AccountId, Vec<Vec<u8>>>;

/// Node id (either form) → (key type, public key); never cleaned by the reference.
#[storage_alias]
pub type Libp2pMainIdentity<T: Config> =
	StorageMap<Pallet<T>, Blake2_128Concat, Vec<u8>, (crate::Libp2pKeyType, Vec<u8>)>;

/// Challenge hash → expiry block.
#[storage_alias]
pub type UsedChallenges<T: Config> =
	StorageMap<Pallet<T>, Blake2_128Concat, H256, BlockNumberFor<T>>;

/// Node id (either form) → block of its last removal.
#[storage_alias]
pub type NodeLastDeregisteredAt<T: Config> =
	StorageMap<Pallet<T>, Blake2_128Concat, Vec<u8>, BlockNumberFor<T>>;

/// Node type → disabled.
#[storage_alias]
pub type DisabledNodeTypes<T: Config> = StorageMap<Pallet<T>, Blake2_128Concat, NodeType, bool>;

/// Node type → fee.
#[storage_alias]
pub type CurrentNodeTypeFee<T: Config> =
	StorageMap<Pallet<T>, Blake2_128Concat, NodeType, BalanceOf<T>>;

/// Node type → the block of its last paid registration.
#[storage_alias]
pub type LastRegistrationBlock<T: Config> =
	StorageMap<Pallet<T>, Blake2_128Concat, NodeType, BlockNumberFor<T>>;

/// Account → banned.
#[storage_alias]
pub type BannedAccounts<T: Config> =
	StorageMap<Pallet<T>, Blake2_128Concat, <T as frame_system::Config>::AccountId, bool>;

/// The reference's whitelist: at most [`V0_MAX_WHITELIST`] accounts.
pub type WhitelistV0<T> =
	BoundedVec<<T as frame_system::Config>::AccountId, ConstU32<V0_MAX_WHITELIST>>;

/// The validator whitelist.
#[storage_alias]
pub type WhitelistedValidators<T: Config> = StorageValue<Pallet<T>, WhitelistV0<T>>;

/// The reporter's node id → its report count. Cleared, never read.
#[storage_alias]
pub type ReportSubmissionCount<T: Config> = StorageMap<Pallet<T>, Blake2_128Concat, Vec<u8>, u32>;

/// Reporter account → its reports, each `{ node_id, created_at }`. Cleared, never read (the
/// value is kept opaque here).
#[storage_alias]
pub type TemporaryDeregistrationReports<T: Config> =
	StorageMap<Pallet<T>, Blake2_128Concat, <T as frame_system::Config>::AccountId, Vec<u8>>;

/// Whether registration charges fees (the same in both layouts).
#[storage_alias]
pub type FeeChargingEnabled<T: Config> = StorageValue<Pallet<T>, bool>;

/// Whether deregistration by validators is on (the same in both layouts).
#[storage_alias]
pub type DeregistrationEnabled<T: Config> = StorageValue<Pallet<T>, bool>;

// Legacy items the newest reference no longer reads. Only their prefixes matter: every key
// under them is removed whatever its hasher and type.

/// Legacy: the first coldkey registry.
#[storage_alias]
pub type ColdkeyNodeRegistration<T: Config> =
	StorageMap<Pallet<T>, Blake2_128Concat, Vec<u8>, Vec<u8>>;

/// Legacy: the registry before coldkeys.
#[storage_alias]
pub type NodeRegistration<T: Config> = StorageMap<Pallet<T>, Blake2_128Concat, Vec<u8>, Vec<u8>>;

/// Legacy: IPFS identities.
#[storage_alias]
pub type Libp2pIpfsIdentity<T: Config> = StorageMap<Pallet<T>, Blake2_128Concat, Vec<u8>, Vec<u8>>;

/// Legacy: the whitelist switch.
#[storage_alias]
pub type ValidatorWhitelistEnabled<T: Config> = StorageValue<Pallet<T>, bool>;

/// Legacy: nodes linked to a main node.
#[storage_alias]
pub type LinkedNodes<T: Config> = StorageMap<Pallet<T>, Blake2_128Concat, Vec<u8>, Vec<u8>>;

/// The storage prefix of an item of the reference layout (`twox_128(pallet) ++
/// twox_128(item)`): under it lie a value's key and every key of a map.
pub fn v0_prefix<T: Config>(item: crate::MigrationItem) -> [u8; 32] {
	use crate::MigrationItem as I;
	use frame_support::storage::StoragePrefixedMap;
	match item {
		I::ColdkeyNodeRegistrationV2 => ColdkeyNodeRegistrationV2::<T>::final_prefix(),
		I::OwnerToNode => OwnerToNode::<T>::final_prefix(),
		I::Libp2pMainIdentity => Libp2pMainIdentity::<T>::final_prefix(),
		I::UsedChallenges => UsedChallenges::<T>::final_prefix(),
		I::NodeLastDeregisteredAt => NodeLastDeregisteredAt::<T>::final_prefix(),
		I::DisabledNodeTypes => DisabledNodeTypes::<T>::final_prefix(),
		I::CurrentNodeTypeFee => CurrentNodeTypeFee::<T>::final_prefix(),
		I::LastRegistrationBlock => LastRegistrationBlock::<T>::final_prefix(),
		I::BannedAccounts => BannedAccounts::<T>::final_prefix(),
		I::WhitelistedValidators => WhitelistedValidators::<T>::hashed_key(),
		I::ReportSubmissionCount => ReportSubmissionCount::<T>::final_prefix(),
		I::TemporaryDeregistrationReports => TemporaryDeregistrationReports::<T>::final_prefix(),
		I::FeeChargingEnabled => FeeChargingEnabled::<T>::hashed_key(),
		I::DeregistrationEnabled => DeregistrationEnabled::<T>::hashed_key(),
		I::ColdkeyNodeRegistration => ColdkeyNodeRegistration::<T>::final_prefix(),
		I::NodeRegistration => NodeRegistration::<T>::final_prefix(),
		I::Libp2pIpfsIdentity => Libp2pIpfsIdentity::<T>::final_prefix(),
		I::ValidatorWhitelistEnabled => ValidatorWhitelistEnabled::<T>::hashed_key(),
		I::LinkedNodes => LinkedNodes::<T>::final_prefix(),
	}
}

/// The final key of an entry of a `Blake2_128Concat` map of the reference layout (benchmarks).
#[cfg(feature = "runtime-benchmarks")]
pub fn v0_map_key<T: Config>(item: crate::MigrationItem, key: &impl codec::Encode) -> Vec<u8> {
	let encoded = key.encode();
	let mut final_key = v0_prefix::<T>(item).to_vec();
	final_key.extend_from_slice(&sp_io::hashing::blake2_128(&encoded));
	final_key.extend_from_slice(&encoded);
	final_key
}

/// Writes `value` under `key` of the reference layout's map `item` (benchmarks).
#[cfg(feature = "runtime-benchmarks")]
pub fn put_v0<T: Config>(
	item: crate::MigrationItem,
	key: &impl codec::Encode,
	value: &impl codec::Encode,
) -> Vec<u8> {
	let final_key = v0_map_key::<T>(item, key);
	frame_support::storage::unhashed::put_raw(&final_key, &value.encode());
	final_key
}
