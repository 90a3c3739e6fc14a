//! The multi-block migration to storage version 3, from version 0 (the reference pallet's
//! layout), version 1 (this pallet's layout before the discovery indexes) or version 2 (before
//! fleets: the owner index).
//!
//! ## From version 0
//!
//! Phases, in order; each walks its item by raw storage key from the cursor, one bounded and
//! weighed unit of work per entry:
//!
//! 1. Clear what is not carried over: the legacy items (`ColdkeyNodeRegistration`,
//!    `NodeRegistration`, `Libp2pIpfsIdentity`, `ValidatorWhitelistEnabled`, `LinkedNodes`), the
//!    report state (`ReportSubmissionCount` counts per reporting node and
//!    `TemporaryDeregistrationReports` lists without rounds: validators report again in the
//!    first round after the upgrade), and `OwnerToNode`, rebuilt from the registry.
//! 2. `RegistryKeys`: every registry entry keyed by a raw PeerId moves to the PeerId's base58
//!    text. When the PeerId is stored in both forms, the preferred entry stays (see below).
//! 3. `RegistryIndex`: every entry is checked (its record must name the PeerId of its key) and
//!    indexed: owner index, identity (the key inside the PeerId), type and status indexes and
//!    counts, liveness (heard from at the migration's block; an `Offline` node is marked
//!    silent). A `Degraded` node of another type than storage miner becomes `Online`. An owner
//!    keeps one node: the preferred one.
//! 4. `Validators`: when more validator nodes than `MaxValidators` are registered, the
//!    preferred `MaxValidators` stay.
//! 5. `Identities`: keys of nodes no longer registered (or in the raw form) are removed.
//! 6. `Cooldowns`: anchors move to the base58 form (the later one when both forms have one) and
//!    are queued for removal at the end of their cooldown; anchors of 0 (the reference's "never")
//!    and anchors whose cooldown is over are removed.
//! 7. `UsedChallenges`: hashes move from `Blake2_128Concat` to `Identity` keys and are queued
//!    for removal after their expiry; hashes already expired are removed (their challenges are
//!    refused as expired anyway).
//! 8. `DisabledNodeTypes`, `CurrentNodeTypeFee`, `LastRegistrationBlock` move from
//!    `Blake2_128Concat` to `Twox64Concat` keys; `false` entries are dropped; a fee outside
//!    `MinNodeTypeFee..=MaxNodeTypeFee` is brought within them (`NodeTypeFeeUpdated`).
//! 9. `BannedAccounts`: `false` entries are removed.
//! 10. `WhitelistedValidators`: duplicates are removed and the list is cut to
//!     `MaxWhitelistedValidators` (the first accounts stay; the others cannot report until the
//!     force origin sets a new list).
//! 11. Finish: the switches are checked, the deregistration round and the expiry queue's cursor
//!     are set, the storage version becomes 3, `MigrationCompleted`.
//!
//! **Preference** (one entry per PeerId, one node per owner, `MaxValidators` validators): an
//! `Online` node first, then the earliest `registered_at`, then the base58 form, then the
//! smaller node id. Every entry dropped emits `MigrationEntryDropped` with its id as stored, its
//! owner and the reason. The rules apply per PeerId first, then per owner, then to the validator
//! places, so the outcome does not depend on the order entries are met in.
//!
//! Entries that do not decode (keys or values) are removed and counted: one
//! `MigrationUndecodable` per item. Entries removed for another reason are counted in
//! `MigrationEntriesRemoved` per item. Nothing panics.
//!
//! Every node kept is indexed under its owner too (`NodesByOwner`, `OwnerNodeCount`, and
//! `OwnerValidatorNode` for a validator): each owner keeps one node, its main node.
//!
//! ## From version 1 or 2
//!
//! Every registered node gets what its layout lacks: from version 1 its status index entry,
//! its count and its liveness (heard from at the migration's block, queued for the sweep); from
//! either, its owner index entry (one node per owner then: its main node).
//!
//! Version 1 named more than one layout while this pallet was young. The migration reads the
//! last of them: deregistration rounds (`DeregistrationRound` stored, as genesis writes it),
//! report state tagged with rounds and windows, the expiry queue keyed by item; consents, key
//! rotation and discovery items may be there or not. An earlier version-1 layout (a counted
//! expiry queue, `ExpiryQueueLen`, or no `DeregistrationRound`) is refused: the first step
//! emits `MigrationRefused` and changes nothing else, and the next one fails the migration, so
//! that the runtime's `FailedMigrationHandler` acts and nothing is lost silently (D30).
//!
//! ## While it runs
//!
//! `pallet-migrations` holds transactions back, and the pallet's hook waits (storage version
//! below 2), so nothing reads the half-built indexes. Node counts are kept in memory during a
//! step and written at its end.

use super::{
	rules::{decode_key, effective_status, rank, read_strict, PREFIX_LEN},
	v0,
};
use crate::{
	pallet::*, peer_id::Ed25519PeerId, stored::Stored, types::*, weights::WeightInfo,
	STORAGE_VERSION,
};
use alloc::{collections::btree_set::BTreeSet, vec::Vec};
use codec::{Compact, Decode, Encode, MaxEncodedLen};
use core::marker::PhantomData;
use frame_support::{
	migrations::{MigrationId, SteppedMigration, SteppedMigrationError},
	pallet_prelude::*,
	storage::unhashed,
	traits::PalletInfoAccess,
	weights::WeightMeter,
};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_core::H256;
use sp_runtime::traits::{Saturating, Zero};

/// The migration to storage version 3 for a runtime with weights `W` (the runtime's
/// `pallet_registration::weights::SubstrateWeight<Runtime>`), for `pallet-migrations`'
/// `Migrations`.
pub struct LazyMigrationToV3<T, W>(PhantomData<(T, W)>);

impl<T: Config, W: WeightInfo> SteppedMigration for LazyMigrationToV3<T, W> {
	type Cursor = MigrationCursor;
	type Identifier = MigrationId<19>;

	fn id() -> Self::Identifier {
		MigrationId { pallet_id: MIGRATION_ID, version_from: 0, version_to: 3 }
	}

	fn migrating_prefixes() -> Option<impl IntoIterator<Item = Vec<u8>>> {
		Some([sp_io::hashing::twox_128(Pallet::<T>::name().as_bytes()).to_vec()])
	}

	fn step(
		cursor: Option<Self::Cursor>,
		meter: &mut WeightMeter,
	) -> Result<Option<Self::Cursor>, SteppedMigrationError> {
		let base = W::migration_step();
		if !meter.can_consume(base) {
			return Err(SteppedMigrationError::InsufficientWeight {
				required: base.saturating_add(W::migration_registry_node()),
			});
		}
		meter.consume(base);
		let fresh = cursor.is_none();
		let cursor = match cursor {
			// Someone else finished it (or the chain is at a later version): nothing to do.
			Some(_) if StorageVersion::get::<Pallet<T>>() >= STORAGE_VERSION => return Ok(None),
			// Storage the migration cannot read, announced in the previous step: nothing was
			// changed, and the runtime's `FailedMigrationHandler` decides what follows.
			Some(MigrationCursor { phase: MigrationPhase::Refused, .. }) => {
				return Err(SteppedMigrationError::Failed)
			}
			Some(cursor) => cursor,
			None => match Migrator::<T>::start() {
				Some(cursor) => cursor,
				None => return Ok(None),
			},
		};
		let mut migrator = Migrator::<T>::new(cursor);
		let first = migrator.worst::<W>();
		if !meter.can_consume(first) {
			return Err(SteppedMigrationError::InsufficientWeight {
				required: base.saturating_add(first),
			});
		}
		if fresh && !NextExpiryToPrune::<T>::exists() {
			// Everything the migration queues lies at or after this block.
			NextExpiryToPrune::<T>::put(frame_system::Pallet::<T>::block_number());
		}
		loop {
			if !meter.can_consume(migrator.worst::<W>()) {
				break;
			}
			let work = migrator.unit();
			meter.consume(work.weight::<W>());
			if migrator.done || migrator.paused {
				break;
			}
		}
		migrator.flush();
		Ok(if migrator.done { None } else { Some(migrator.cursor) })
	}

	#[cfg(feature = "try-runtime")]
	fn pre_upgrade() -> Result<Vec<u8>, sp_runtime::TryRuntimeError> {
		super::checks::pre_upgrade::<T>()
	}

	#[cfg(feature = "try-runtime")]
	fn post_upgrade(state: Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
		super::checks::post_upgrade::<T>(state)
	}
}

/// The longest storage key a cursor keeps. Every key a phase leaves in place fits (canonical
/// node ids, hashes, node types, accounts of up to 208 bytes). Keys of the reference can be
/// longer (a node id of any length), but a phase removes those; a longer key is kept cut, and
/// the walk resumes just before it, where it finds it removed.
pub const MAX_CURSOR_KEY_LEN: u32 = 256;

/// The bytes of a storage key a cursor keeps.
pub type CursorKey = BoundedVec<u8, ConstU32<MAX_CURSOR_KEY_LEN>>;

/// The identifier's prefix, unique to this pallet.
const MIGRATION_ID: [u8; 19] = *b"pallet-registration";

/// What the migration is doing.
#[derive(Encode, Decode, MaxEncodedLen, TypeInfo, Clone, PartialEq, Eq, Debug)]
pub enum MigrationPhase {
	/// Removing every entry of an item the new layout does not carry over.
	Clear(MigrationItem),
	/// Moving registry entries keyed by a raw PeerId to its base58 text.
	RegistryKeys,
	/// Checking and indexing every registry entry; one node per owner.
	RegistryIndex,
	/// Keeping at most `MaxValidators` validator nodes.
	Validators,
	/// Removing identities of nodes not in the registry.
	Identities,
	/// Moving and queueing node cooldown anchors.
	Cooldowns,
	/// Moving and queueing used challenge hashes.
	UsedChallenges,
	/// Moving a node type map to its new hasher.
	NodeTypeMap(MigrationItem),
	/// Removing bans that are `false`.
	Bans,
	/// Deduplicating and bounding the whitelist.
	Whitelist,
	/// Checking the switches, setting the round, the prune cursor and the storage version.
	Finish,
	/// From version 1: the status index, counts and liveness of every node.
	V1Index,
	/// Storage is in a layout the migration cannot read: announce it (`MigrationRefused`),
	/// changing nothing else.
	Refuse(MigrationRefusal),
	/// The refusal is announced: the next step fails the migration.
	Refused,
}

/// The phases from version 0, in order.
const V0_PHASES: [MigrationPhase; 20] = [
	MigrationPhase::Clear(MigrationItem::ColdkeyNodeRegistration),
	MigrationPhase::Clear(MigrationItem::NodeRegistration),
	MigrationPhase::Clear(MigrationItem::Libp2pIpfsIdentity),
	MigrationPhase::Clear(MigrationItem::ValidatorWhitelistEnabled),
	MigrationPhase::Clear(MigrationItem::LinkedNodes),
	MigrationPhase::Clear(MigrationItem::ReportSubmissionCount),
	MigrationPhase::Clear(MigrationItem::TemporaryDeregistrationReports),
	MigrationPhase::Clear(MigrationItem::OwnerToNode),
	MigrationPhase::RegistryKeys,
	MigrationPhase::RegistryIndex,
	MigrationPhase::Validators,
	MigrationPhase::Identities,
	MigrationPhase::Cooldowns,
	MigrationPhase::UsedChallenges,
	MigrationPhase::NodeTypeMap(MigrationItem::DisabledNodeTypes),
	MigrationPhase::NodeTypeMap(MigrationItem::CurrentNodeTypeFee),
	MigrationPhase::NodeTypeMap(MigrationItem::LastRegistrationBlock),
	MigrationPhase::Bans,
	MigrationPhase::Whitelist,
	MigrationPhase::Finish,
];

/// The phases from version 1, in order.
const V1_PHASES: [MigrationPhase; 2] = [MigrationPhase::V1Index, MigrationPhase::Finish];

/// The phases from version 2 (the owner index of fleets is all it lacks): those of version 1,
/// whose walk adds only what is missing.
const V2_PHASES: [MigrationPhase; 2] = V1_PHASES;

impl MigrationPhase {
	/// The item whose removals and undecodable entries the phase reports when it ends.
	fn item(&self) -> Option<MigrationItem> {
		match self {
			Self::Clear(item) | Self::NodeTypeMap(item) => Some(*item),
			Self::RegistryKeys | Self::RegistryIndex | Self::V1Index => {
				Some(MigrationItem::ColdkeyNodeRegistrationV2)
			}
			Self::Validators | Self::Finish | Self::Refuse(_) | Self::Refused => None,
			Self::Identities => Some(MigrationItem::Libp2pMainIdentity),
			Self::Cooldowns => Some(MigrationItem::NodeLastDeregisteredAt),
			Self::UsedChallenges => Some(MigrationItem::UsedChallenges),
			Self::Bans => Some(MigrationItem::BannedAccounts),
			Self::Whitelist => Some(MigrationItem::WhitelistedValidators),
		}
	}
}

/// Where the migration stands: stored by `pallet-migrations` between steps.
#[derive(Encode, Decode, MaxEncodedLen, TypeInfo, Clone, PartialEq, Eq, Debug)]
pub struct MigrationCursor {
	/// The storage version the migration started from (0 or 1).
	pub from_version: u16,
	/// The phase in progress.
	pub phase: MigrationPhase,
	/// The last storage key the phase handled (cut to [`MAX_CURSOR_KEY_LEN`]); `None` before
	/// its first.
	pub last_key: Option<CursorKey>,
	/// Entries of the phase's item removed so far (reported when the phase ends).
	pub removed: u32,
	/// Entries of the phase's item that did not decode, removed so far (reported when the
	/// phase ends).
	pub undecodable: u32,
	/// `Validators`: the validator nodes kept so far (all of those before `last_key`).
	pub kept: u32,
}

impl MigrationCursor {
	/// A cursor at the start of `phase`.
	fn at(from_version: u16, phase: MigrationPhase) -> Self {
		Self { from_version, phase, last_key: None, removed: 0, undecodable: 0, kept: 0 }
	}
}

/// What one unit of work did; the step charges its weight.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Work {
	/// One key read: a phase ended, or an entry was left as it is.
	Skip,
	/// A key removed.
	Remove,
	/// A registry entry moved to its canonical key (or dropped).
	RegistryMove,
	/// A registry entry checked and indexed (or dropped).
	RegistryNode,
	/// A registry entry checked and indexed, and another node dropped for it.
	RegistryNodeDropping,
	/// A validator node kept while places were left.
	ValidatorKept,
	/// The kept validator nodes (this many) compared with one more, and one of them dropped.
	ValidatorScan(u32),
	/// An entry of a small item moved to a new key, or checked and removed.
	Rekey,
	/// An entry moved to a new key and queued for removal.
	RekeyQueued,
	/// The whitelist (of this many accounts) read, deduplicated, bounded.
	Whitelist(u32),
	/// A node of a version 1 registry given its status index entry and liveness.
	V1Node,
	/// The last step.
	Finish,
}

impl Work {
	/// Its weight.
	pub(crate) fn weight<W: WeightInfo>(self) -> Weight {
		match self {
			Work::Skip => W::migration_registry_key(),
			Work::Remove => W::migration_remove_entry(),
			Work::RegistryMove => W::migration_registry_move(),
			Work::RegistryNode => W::migration_registry_node(),
			Work::RegistryNodeDropping => {
				W::migration_registry_node().saturating_add(W::migration_drop_node())
			}
			Work::ValidatorKept => W::migration_registry_key(),
			Work::ValidatorScan(scanned) => W::migration_validator_scan(scanned),
			Work::Rekey => W::migration_rekey_entry(),
			Work::RekeyQueued => W::migration_rekey_queued(),
			Work::Whitelist(accounts) => W::migration_whitelist(accounts),
			Work::V1Node => W::migration_v1_node(),
			Work::Finish => W::migration_finish(),
		}
	}
}

/// Node counts per type and per status, kept in memory during a step.
#[derive(Clone, Copy, Default, Debug)]
struct Counts {
	by_type: [u32; 5],
	by_status: [u32; 3],
	changed: bool,
}

impl Counts {
	fn load<T: Config>() -> Self {
		let mut counts = Self::default();
		for node_type in NodeType::ALL {
			if let Some(count) = counts.by_type.get_mut(node_type as usize) {
				*count = NodeCountByType::<T>::get(node_type);
			}
		}
		for status in Status::ALL {
			if let Some(count) = counts.by_status.get_mut(status as usize) {
				*count = NodeCountByStatus::<T>::get(status);
			}
		}
		counts
	}

	fn store<T: Config>(&self) {
		if !self.changed {
			return;
		}
		for node_type in NodeType::ALL {
			if let Some(count) = self.by_type.get(node_type as usize) {
				NodeCountByType::<T>::insert(node_type, count);
			}
		}
		for status in Status::ALL {
			if let Some(count) = self.by_status.get(status as usize) {
				NodeCountByStatus::<T>::insert(status, count);
			}
		}
	}

	fn of_type(&self, node_type: NodeType) -> u32 {
		self.by_type.get(node_type as usize).copied().unwrap_or_default()
	}

	fn total(&self) -> u32 {
		self.by_type.iter().fold(0u32, |sum, count| sum.saturating_add(*count))
	}

	fn add_type(&mut self, node_type: NodeType, add: bool) {
		if let Some(count) = self.by_type.get_mut(node_type as usize) {
			*count = if add { count.saturating_add(1) } else { count.saturating_sub(1) };
			self.changed = true;
		}
	}

	fn add_status(&mut self, status: Status, add: bool) {
		if let Some(count) = self.by_status.get_mut(status as usize) {
			*count = if add { count.saturating_add(1) } else { count.saturating_sub(1) };
			self.changed = true;
		}
	}
}

/// The next key under `prefix` after `after` (from the start of the prefix when `None`).
fn next_key_under(prefix: &[u8], after: Option<&[u8]>) -> Option<Vec<u8>> {
	let from = match after {
		Some(key) if key.starts_with(prefix) => key,
		_ => prefix,
	};
	sp_io::storage::next_key(from).filter(|key| key.starts_with(prefix))
}

/// Whether a node id (either form) names `peer`.
fn names(node_id: &[u8], peer: &Ed25519PeerId) -> bool {
	Ed25519PeerId::parse(node_id).is_ok_and(|named| named == *peer)
}

/// The work of the migration: a cursor and the node counts, with the block it runs in.
pub(crate) struct Migrator<T: Config> {
	/// Where it stands.
	pub(crate) cursor: MigrationCursor,
	counts: Counts,
	now: BlockNumberFor<T>,
	/// The last phase is done.
	pub(crate) done: bool,
	/// The step must end here (a refusal was announced: it must be committed before the
	/// migration fails).
	pub(crate) paused: bool,
}

impl<T: Config> Migrator<T> {
	/// The cursor of a migration that starts now, or `None` when storage is at version 3
	/// already (or later).
	pub(crate) fn start() -> Option<MigrationCursor> {
		let version = StorageVersion::get::<Pallet<T>>();
		let (from_version, phases): (u16, &[MigrationPhase]) = if version == StorageVersion::new(0)
		{
			(0, &V0_PHASES)
		} else if version == StorageVersion::new(1) {
			if !Self::v1_layout_is_readable() {
				let phase = MigrationPhase::Refuse(MigrationRefusal::EarlierVersion1Layout);
				return Some(MigrationCursor::at(1, phase));
			}
			(1, &V1_PHASES)
		} else if version == StorageVersion::new(2) {
			(2, &V2_PHASES)
		} else {
			return None;
		};
		phases.first().map(|phase| MigrationCursor::at(from_version, phase.clone()))
	}

	/// Whether storage at version 1 is in the version-1 layout the migration reads: the one
	/// with deregistration rounds (`DeregistrationRound` stored, written at genesis since) and
	/// the expiry queue keyed by item (no `ExpiryQueueLen`). Earlier version-1 layouts kept
	/// report state without rounds and a counted expiry queue, which this code would misread.
	fn v1_layout_is_readable() -> bool {
		let counted_queue = frame_support::storage::storage_prefix(
			Pallet::<T>::name().as_bytes(),
			b"ExpiryQueueLen",
		);
		DeregistrationRound::<T>::exists() && next_key_under(&counted_queue, None).is_none()
	}

	/// Resumes at `cursor`, with the stored counts.
	pub(crate) fn new(cursor: MigrationCursor) -> Self {
		Self {
			cursor,
			counts: Counts::load::<T>(),
			now: frame_system::Pallet::<T>::block_number(),
			done: false,
			paused: false,
		}
	}

	/// Writes the counts (at the end of a step).
	pub(crate) fn flush(&self) {
		self.counts.store::<T>();
	}

	/// Marks the counts changed, so that `flush` writes them (benchmarks).
	#[cfg(feature = "runtime-benchmarks")]
	pub(crate) fn touch_counts(&mut self) {
		self.counts.changed = true;
	}

	/// The most the next unit of work can weigh.
	pub(crate) fn worst<W: WeightInfo>(&self) -> Weight {
		let work = match &self.cursor.phase {
			MigrationPhase::Clear(_) => Work::Remove,
			MigrationPhase::RegistryKeys => Work::RegistryMove,
			MigrationPhase::RegistryIndex => Work::RegistryNodeDropping,
			MigrationPhase::Validators => Work::ValidatorScan(T::MaxValidators::get()),
			MigrationPhase::Identities | MigrationPhase::NodeTypeMap(_) | MigrationPhase::Bans => {
				Work::Rekey
			}
			MigrationPhase::Cooldowns | MigrationPhase::UsedChallenges => Work::RekeyQueued,
			MigrationPhase::Whitelist => Work::Whitelist(Self::whitelist_len()),
			MigrationPhase::Finish => Work::Finish,
			MigrationPhase::V1Index => Work::V1Node,
			MigrationPhase::Refuse(_) | MigrationPhase::Refused => Work::Finish,
		};
		// The phase may end instead: one key read.
		work.weight::<W>().max(Work::Skip.weight::<W>())
	}

	/// Does the next unit of work of the current phase, or ends the phase.
	pub(crate) fn unit(&mut self) -> Work {
		let phase = self.cursor.phase.clone();
		match phase {
			MigrationPhase::Clear(item) => self.clear_unit(item),
			MigrationPhase::Whitelist => {
				let work = self.whitelist();
				self.end_phase();
				work
			}
			MigrationPhase::Finish => self.finish(),
			MigrationPhase::Refuse(reason) => {
				Pallet::<T>::deposit_event(Event::MigrationRefused {
					from_version: self.cursor.from_version,
					reason,
				});
				self.cursor =
					MigrationCursor::at(self.cursor.from_version, MigrationPhase::Refused);
				self.paused = true;
				Work::Finish
			}
			// `step` fails the migration before it gets here.
			MigrationPhase::Refused => {
				self.paused = true;
				Work::Skip
			}
			MigrationPhase::Validators => self.validators_unit(),
			_ => {
				let Some(prefix) = self.walked_prefix() else {
					self.end_phase();
					return Work::Skip;
				};
				let Some(key) = next_key_under(&prefix, self.last_key()) else {
					self.end_phase();
					return Work::Skip;
				};
				let work = match phase {
					MigrationPhase::RegistryKeys => self.registry_key(&key),
					MigrationPhase::RegistryIndex => self.registry_node(&key),
					MigrationPhase::Identities => self.identity(&key),
					MigrationPhase::Cooldowns => self.cooldown(&key),
					MigrationPhase::UsedChallenges => self.used_challenge(&key),
					MigrationPhase::NodeTypeMap(item) => self.node_type_entry(item, &key),
					MigrationPhase::Bans => self.ban(&key),
					MigrationPhase::V1Index => self.v1_node(&key),
					_ => Work::Skip,
				};
				if key.len() > MAX_CURSOR_KEY_LEN as usize && unhashed::exists(&key) {
					// A cut cursor would meet this key again, forever: no phase leaves one.
					frame_support::defensive!("the migration left a key longer than its cursor");
					unhashed::kill(&key);
					self.undecodable_one();
				}
				self.cursor.last_key = Some(CursorKey::truncate_from(key));
				work
			}
		}
	}

	/// The prefix a key-walking phase walks.
	fn walked_prefix(&self) -> Option<[u8; 32]> {
		let item = match &self.cursor.phase {
			MigrationPhase::RegistryKeys
			| MigrationPhase::RegistryIndex
			| MigrationPhase::V1Index => MigrationItem::ColdkeyNodeRegistrationV2,
			MigrationPhase::Identities => MigrationItem::Libp2pMainIdentity,
			MigrationPhase::Cooldowns => MigrationItem::NodeLastDeregisteredAt,
			MigrationPhase::UsedChallenges => MigrationItem::UsedChallenges,
			MigrationPhase::NodeTypeMap(item) => *item,
			MigrationPhase::Bans => MigrationItem::BannedAccounts,
			_ => return None,
		};
		Some(v0::v0_prefix::<T>(item))
	}

	fn last_key(&self) -> Option<&[u8]> {
		self.cursor.last_key.as_ref().map(|key| key.as_slice())
	}

	/// Reports the phase's counts and moves to the next phase. Counts go on to a next phase of
	/// the same item (the registry's two walks), to be reported once.
	fn end_phase(&mut self) {
		let phases: &[MigrationPhase] = match self.cursor.from_version {
			0 => &V0_PHASES,
			1 => &V1_PHASES,
			_ => &V2_PHASES,
		};
		let next = phases
			.iter()
			.position(|phase| *phase == self.cursor.phase)
			.and_then(|at| phases.get(at.saturating_add(1)))
			.cloned()
			.unwrap_or(MigrationPhase::Finish);
		let item = self.cursor.phase.item();
		let mut cursor = MigrationCursor::at(self.cursor.from_version, next);
		if item.is_some() && item == cursor.phase.item() {
			cursor.removed = self.cursor.removed;
			cursor.undecodable = self.cursor.undecodable;
		} else if let Some(item) = item {
			if self.cursor.removed > 0 {
				Pallet::<T>::deposit_event(Event::MigrationEntriesRemoved {
					item,
					count: self.cursor.removed,
				});
			}
			if self.cursor.undecodable > 0 {
				Pallet::<T>::deposit_event(Event::MigrationUndecodable {
					item,
					count: self.cursor.undecodable,
				});
			}
		}
		self.cursor = cursor;
	}

	fn removed_one(&mut self) {
		self.cursor.removed = self.cursor.removed.saturating_add(1);
	}

	fn undecodable_one(&mut self) {
		self.cursor.undecodable = self.cursor.undecodable.saturating_add(1);
	}

	/// Emits `MigrationEntryDropped`.
	fn dropped(node_id: &[u8], owner: T::AccountId, reason: MigrationDropReason) {
		Pallet::<T>::deposit_event(Event::MigrationEntryDropped {
			node_id: NodeIdParam::truncate_from(node_id.to_vec()),
			owner,
			reason,
		});
	}

	/// `Clear`: the item's value key first, then every key under its prefix.
	fn clear_unit(&mut self, item: MigrationItem) -> Work {
		let prefix = v0::v0_prefix::<T>(item);
		if self.cursor.last_key.is_none() {
			if unhashed::exists(&prefix) {
				unhashed::kill(&prefix);
				self.removed_one();
			}
			self.cursor.last_key = Some(CursorKey::truncate_from(prefix.to_vec()));
			return Work::Remove;
		}
		match next_key_under(&prefix, self.last_key()) {
			Some(key) => {
				unhashed::kill(&key);
				self.removed_one();
				self.cursor.last_key = Some(CursorKey::truncate_from(key));
				Work::Remove
			}
			None => {
				self.end_phase();
				Work::Skip
			}
		}
	}

	/// `RegistryKeys`: a base58 entry stays for the next phase; an entry keyed otherwise moves
	/// to its PeerId's base58 text, or is dropped.
	pub(crate) fn registry_key(&mut self, key: &[u8]) -> Work {
		let Some(id) = decode_key::<Vec<u8>>(key) else {
			unhashed::kill(key);
			self.undecodable_one();
			return Work::RegistryMove;
		};
		if id.len() != RAW_PEER_ID_LEN as usize && Ed25519PeerId::from_base58(&id).is_ok() {
			return Work::Skip;
		}
		let info = match read_strict::<v0::NodeInfoV0<T>>(key) {
			Stored::Present(info) => info,
			Stored::Absent | Stored::Undecodable => {
				unhashed::kill(key);
				self.undecodable_one();
				return Work::RegistryMove;
			}
		};
		unhashed::kill(key);
		let Ok(peer) = Ed25519PeerId::from_raw(&id) else {
			Self::dropped(&id, info.owner, MigrationDropReason::InvalidNodeId);
			return Work::RegistryMove;
		};
		if !names(&info.node_id, &peer) {
			Self::dropped(&id, info.owner, MigrationDropReason::RecordMismatch);
			return Work::RegistryMove;
		}
		let canonical = peer.to_node_id();
		let target = ColdkeyNodeRegistrationV2::<T>::hashed_key_for(&canonical);
		match read_strict::<v0::NodeInfoV0<T>>(&target) {
			Stored::Present(existing) if names(&existing.node_id, &peer) => {
				if rank(&info, true) < rank(&existing, false) {
					unhashed::put_raw(&target, &info.encode());
					Self::dropped(&canonical, existing.owner, MigrationDropReason::DuplicatePeerId);
				} else {
					Self::dropped(&id, info.owner, MigrationDropReason::DuplicatePeerId);
				}
			}
			Stored::Present(existing) => {
				unhashed::put_raw(&target, &info.encode());
				Self::dropped(&canonical, existing.owner, MigrationDropReason::RecordMismatch);
			}
			Stored::Undecodable => {
				unhashed::put_raw(&target, &info.encode());
				self.undecodable_one();
			}
			Stored::Absent => unhashed::put_raw(&target, &info.encode()),
		}
		Work::RegistryMove
	}

	/// `RegistryIndex`: checks an entry (all keyed by base58 text now) and indexes it; of two
	/// nodes of one owner, the preferred stays.
	pub(crate) fn registry_node(&mut self, key: &[u8]) -> Work {
		let (Some(node_id), Stored::Present(stored)) =
			(decode_key::<NodeId>(key), read_strict::<v0::NodeInfoV0<T>>(key))
		else {
			unhashed::kill(key);
			self.undecodable_one();
			return Work::RegistryNode;
		};
		let Ok(peer) = Ed25519PeerId::from_base58(&node_id) else {
			unhashed::kill(key);
			Self::dropped(&node_id, stored.owner, MigrationDropReason::InvalidNodeId);
			return Work::RegistryNode;
		};
		if !names(&stored.node_id, &peer) {
			unhashed::kill(key);
			Self::dropped(&node_id, stored.owner, MigrationDropReason::RecordMismatch);
			return Work::RegistryNode;
		}
		let info: NodeInfoOf<T> = ColdkeyNodeInfoLite {
			node_id: node_id.clone(),
			node_type: stored.node_type,
			status: effective_status(stored.node_type, stored.status),
			registered_at: stored.registered_at,
			owner: stored.owner,
		};
		let mut work = Work::RegistryNode;
		let other = OwnerToNode::<T>::get(&info.owner)
			.and_then(|ids| ids.into_iter().next())
			.and_then(ColdkeyNodeRegistrationV2::<T>::get);
		if let Some(other) = other {
			work = Work::RegistryNodeDropping;
			if rank(&info, false) > rank(&other, false) {
				unhashed::kill(key);
				Self::dropped(&node_id, info.owner, MigrationDropReason::DuplicateOwner);
				return work;
			}
			self.drop_indexed(other, MigrationDropReason::DuplicateOwner);
		}
		if info.status != stored.status {
			Pallet::<T>::deposit_event(Event::NodeStatusUpdated {
				node_id: node_id.clone(),
				status: info.status,
			});
		}
		self.index(info, &peer);
		work
	}

	/// Writes a checked node into the registry and every index.
	fn index(&mut self, info: NodeInfoOf<T>, peer: &Ed25519PeerId) {
		let node_id = info.node_id.clone();
		Pallet::<T>::attach_to_owner(&info.owner, &node_id, info.node_type);
		Libp2pMainIdentity::<T>::insert(
			&node_id,
			(Libp2pKeyType::Ed25519, PublicKeyParam::truncate_from(peer.public_key().to_vec())),
		);
		NodesByType::<T>::insert(info.node_type, &node_id, ());
		self.counts.add_type(info.node_type, true);
		self.index_status(&node_id, info.status);
		self.start_liveness(&node_id, info.status);
		ColdkeyNodeRegistrationV2::<T>::insert(&node_id, info);
	}

	/// The status index entry of a node and its count.
	fn index_status(&mut self, node_id: &NodeId, status: Status) {
		NodesByStatus::<T>::insert(status, node_id, ());
		self.counts.add_status(status, true);
	}

	/// The liveness of a node indexed now: heard from now, or already found silent.
	fn start_liveness(&self, node_id: &NodeId, status: Status) {
		if status == Status::Offline {
			// Already found silent: its next heartbeat brings it back.
			NodeLiveness::<T>::insert(
				node_id,
				Liveness {
					last_seen: self.now,
					heartbeat_sent: false,
					version: VersionOf::<T>::new(),
					silent: true,
					check_at: Pallet::<T>::silent_from(self.now),
				},
			);
		} else {
			Pallet::<T>::start_liveness(node_id, self.now);
		}
	}

	/// Removes an indexed node from the registry and every index, and says so.
	pub(crate) fn drop_indexed(&mut self, info: NodeInfoOf<T>, reason: MigrationDropReason) {
		self.unindex(&info);
		Self::dropped(&info.node_id, info.owner, reason);
	}

	/// Removes an indexed node from the registry and every index (no cooldown: it was never
	/// unregistered). Its liveness entry in the expiry queue finds nothing and is dropped.
	fn unindex(&mut self, info: &NodeInfoOf<T>) {
		let node_id = &info.node_id;
		ColdkeyNodeRegistrationV2::<T>::remove(node_id);
		if NodesByOwner::<T>::contains_key(&info.owner, node_id) {
			Pallet::<T>::detach_from_owner(&info.owner, node_id, info.node_type);
		}
		Libp2pMainIdentity::<T>::remove(node_id);
		NodesByType::<T>::remove(info.node_type, node_id);
		self.counts.add_type(info.node_type, false);
		NodesByStatus::<T>::remove(info.status, node_id);
		self.counts.add_status(info.status, false);
		NodeLiveness::<T>::remove(node_id);
	}

	/// `Validators`: once `MaxValidators` are kept, each further validator node is compared
	/// with the least preferred kept one, and the less preferred of the two is dropped.
	fn validators_unit(&mut self) -> Work {
		let max = T::MaxValidators::get();
		if self.cursor.last_key.is_none() && self.counts.of_type(NodeType::Validator) <= max {
			self.end_phase();
			return Work::Skip;
		}
		let next = match &self.cursor.last_key {
			Some(last) => NodesByType::<T>::iter_key_prefix_from(
				NodeType::Validator,
				last.clone().into_inner(),
			)
			.next(),
			None => NodesByType::<T>::iter_key_prefix(NodeType::Validator).next(),
		};
		let Some(node_id) = next else {
			self.end_phase();
			return Work::Skip;
		};
		let work = self.validator(&node_id);
		self.cursor.last_key = Some(CursorKey::truncate_from(NodesByType::<T>::hashed_key_for(
			NodeType::Validator,
			&node_id,
		)));
		work
	}

	/// One validator node of the `Validators` phase.
	pub(crate) fn validator(&mut self, node_id: &NodeId) -> Work {
		let max = T::MaxValidators::get();
		if self.cursor.kept < max {
			self.cursor.kept = self.cursor.kept.saturating_add(1);
			return Work::ValidatorKept;
		}
		// The kept ones are exactly those before this node.
		let mut least: Option<NodeInfoOf<T>> = None;
		let mut scanned = 0u32;
		for kept in NodesByType::<T>::iter_key_prefix(NodeType::Validator) {
			if kept == *node_id || scanned >= max {
				break;
			}
			scanned = scanned.saturating_add(1);
			if let Some(info) = ColdkeyNodeRegistrationV2::<T>::get(&kept) {
				if least.as_ref().is_none_or(|least| rank(least, false) < rank(&info, false)) {
					least = Some(info);
				}
			}
		}
		let Some(candidate) = ColdkeyNodeRegistrationV2::<T>::get(node_id) else {
			return Work::ValidatorScan(scanned);
		};
		let loser = match least {
			Some(least) if rank(&candidate, false) < rank(&least, false) => least,
			_ => candidate,
		};
		self.drop_indexed(loser, MigrationDropReason::TooManyValidators);
		Work::ValidatorScan(scanned)
	}

	/// `Identities`: an identity stays if its key is a registered node (whose identity the
	/// index phase wrote); any other is removed.
	pub(crate) fn identity(&mut self, key: &[u8]) -> Work {
		let id = decode_key::<Vec<u8>>(key);
		let registered = id
			.as_ref()
			.and_then(|id| NodeId::try_from(id.clone()).ok())
			.is_some_and(|id| ColdkeyNodeRegistrationV2::<T>::contains_key(&id));
		if registered {
			return Work::Rekey;
		}
		let value = read_strict::<(Libp2pKeyType, BoundedVec<u8, ConstU32<64>>)>(key);
		unhashed::kill(key);
		if id.is_some() && matches!(value, Stored::Present(_)) {
			self.removed_one();
		} else {
			self.undecodable_one();
		}
		Work::Rekey
	}

	/// `Cooldowns`: an anchor still running moves to its base58 key (the later of two) and is
	/// queued for removal at its end; any other is removed.
	pub(crate) fn cooldown(&mut self, key: &[u8]) -> Work {
		let (Some(id), Stored::Present(at)) =
			(decode_key::<Vec<u8>>(key), read_strict::<BlockNumberFor<T>>(key))
		else {
			unhashed::kill(key);
			self.undecodable_one();
			return Work::RekeyQueued;
		};
		let Ok((_, canonical)) = Ed25519PeerId::parse_canonical(&id) else {
			unhashed::kill(key);
			self.removed_one();
			return Work::RekeyQueued;
		};
		if at.is_zero() || Pallet::<T>::cooldown_over(at, self.now) {
			unhashed::kill(key);
			self.removed_one();
			return Work::RekeyQueued;
		}
		let mut at = at;
		if canonical.as_slice() != id.as_slice() {
			unhashed::kill(key);
			if let Some(other) = NodeLastDeregisteredAt::<T>::get(&canonical) {
				at = at.max(other);
			}
			NodeLastDeregisteredAt::<T>::insert(&canonical, at);
		}
		Pallet::<T>::schedule_expiry(
			at.saturating_add(T::NodeCooldownPeriod::get()),
			Expiring::NodeCooldown(canonical),
		);
		Work::RekeyQueued
	}

	/// `UsedChallenges`: a hash still guarding moves to its `Identity` key and is queued for
	/// removal after its expiry; an expired one is removed. Keys written by this phase are left.
	pub(crate) fn used_challenge(&mut self, key: &[u8]) -> Work {
		if key.len() == PREFIX_LEN.saturating_add(32) {
			return Work::Skip;
		}
		let hash = decode_key::<H256>(key);
		let expires_at = read_strict::<BlockNumberFor<T>>(key);
		unhashed::kill(key);
		match (hash, expires_at) {
			(Some(hash), Stored::Present(expires_at)) => {
				if expires_at < self.now {
					self.removed_one();
				} else {
					UsedChallenges::<T>::insert(hash, expires_at);
					Pallet::<T>::schedule_expiry(expires_at, Expiring::Challenge(hash));
				}
			}
			_ => self.undecodable_one(),
		}
		Work::RekeyQueued
	}

	/// `NodeTypeMap`: an entry moves to its `Twox64Concat` key. Keys written by this phase are
	/// left.
	pub(crate) fn node_type_entry(&mut self, item: MigrationItem, key: &[u8]) -> Work {
		// `Twox64Concat` of a node type: 8 bytes of hash, 1 of node type.
		if key.len() == PREFIX_LEN.saturating_add(9) {
			return Work::Skip;
		}
		let Some(node_type) = decode_key::<NodeType>(key) else {
			unhashed::kill(key);
			self.undecodable_one();
			return Work::Rekey;
		};
		match item {
			MigrationItem::DisabledNodeTypes => match read_strict::<bool>(key) {
				Stored::Present(true) => DisabledNodeTypes::<T>::insert(node_type, true),
				Stored::Present(false) => self.removed_one(),
				Stored::Absent | Stored::Undecodable => self.undecodable_one(),
			},
			MigrationItem::CurrentNodeTypeFee => match read_strict::<BalanceOf<T>>(key) {
				Stored::Present(stored) => {
					let fee = stored.max(T::MinNodeTypeFee::get()).min(T::MaxNodeTypeFee::get());
					CurrentNodeTypeFee::<T>::insert(node_type, fee);
					if fee != stored {
						Pallet::<T>::deposit_event(Event::NodeTypeFeeUpdated { node_type, fee });
					}
				}
				Stored::Absent | Stored::Undecodable => self.undecodable_one(),
			},
			MigrationItem::LastRegistrationBlock => match read_strict::<BlockNumberFor<T>>(key) {
				Stored::Present(at) => {
					LastRegistrationBlock::<T>::insert(node_type, at.min(self.now))
				}
				Stored::Absent | Stored::Undecodable => self.undecodable_one(),
			},
			_ => {}
		}
		unhashed::kill(key);
		Work::Rekey
	}

	/// `Bans`: a ban stays; a `false` entry or one that does not decode is removed.
	pub(crate) fn ban(&mut self, key: &[u8]) -> Work {
		match (decode_key::<T::AccountId>(key), read_strict::<bool>(key)) {
			(Some(_), Stored::Present(true)) => {}
			(Some(_), Stored::Present(false)) => {
				unhashed::kill(key);
				self.removed_one();
			}
			_ => {
				unhashed::kill(key);
				self.undecodable_one();
			}
		}
		Work::Rekey
	}

	/// The number of accounts in the stored whitelist (from its length prefix; at most the
	/// reference's bound).
	pub(crate) fn whitelist_len() -> u32 {
		let mut prefix = [0u8; 5];
		match sp_io::storage::read(&WhitelistedValidators::<T>::hashed_key(), &mut prefix, 0) {
			None => 0,
			Some(_) => Compact::<u32>::decode(&mut prefix.as_slice())
				.map_or(v0::V0_MAX_WHITELIST, |len| len.0)
				.min(v0::V0_MAX_WHITELIST),
		}
	}

	/// `Whitelist`: the first occurrence of each account stays, within
	/// `MaxWhitelistedValidators`.
	pub(crate) fn whitelist(&mut self) -> Work {
		let work = Work::Whitelist(Self::whitelist_len());
		let key = WhitelistedValidators::<T>::hashed_key();
		match read_strict::<v0::WhitelistV0<T>>(&key) {
			Stored::Absent => {}
			// Unreadable, the reference read it as empty too: every validator may report.
			Stored::Undecodable => {
				unhashed::kill(&key);
				self.undecodable_one();
			}
			Stored::Present(list) => {
				let stored = list.len();
				let mut seen = BTreeSet::new();
				let mut kept: Vec<T::AccountId> =
					list.into_iter().filter(|account| seen.insert(account.clone())).collect();
				kept.truncate(T::MaxWhitelistedValidators::get() as usize);
				let removed = stored.saturating_sub(kept.len());
				if removed > 0 {
					WhitelistedValidators::<T>::put(BoundedVec::truncate_from(kept));
					self.cursor.removed = self
						.cursor
						.removed
						.saturating_add(u32::try_from(removed).unwrap_or(u32::MAX));
				}
			}
		}
		work
	}

	/// `Finish`: switches that do not decode are removed (read as off, as the reference read
	/// them), the round and the prune cursor are set if absent, the version becomes 2.
	pub(crate) fn finish(&mut self) -> Work {
		for item in [MigrationItem::FeeChargingEnabled, MigrationItem::DeregistrationEnabled] {
			let key = v0::v0_prefix::<T>(item);
			if read_strict::<bool>(&key) == Stored::Undecodable {
				unhashed::kill(&key);
				Pallet::<T>::deposit_event(Event::MigrationUndecodable { item, count: 1 });
			}
		}
		if !DeregistrationRound::<T>::exists() {
			DeregistrationRound::<T>::put(RoundInfo {
				index: 0,
				ends_at: Pallet::<T>::round_end(self.now),
			});
		}
		if !NextExpiryToPrune::<T>::exists() {
			NextExpiryToPrune::<T>::put(self.now);
		}
		STORAGE_VERSION.put::<Pallet<T>>();
		Pallet::<T>::deposit_event(Event::MigrationCompleted {
			from_version: self.cursor.from_version,
			nodes: self.counts.total(),
		});
		self.done = true;
		Work::Finish
	}

	/// `V1Index`: a node of our version 1 layout gets its status index entry, count and
	/// liveness. A record that does not decode is removed with its identity and type index
	/// entry.
	pub(crate) fn v1_node(&mut self, key: &[u8]) -> Work {
		let (Some(node_id), Stored::Present(info)) =
			(decode_key::<NodeId>(key), read_strict::<NodeInfoOf<T>>(key))
		else {
			unhashed::kill(key);
			self.undecodable_one();
			if let Some(node_id) = decode_key::<NodeId>(key) {
				Libp2pMainIdentity::<T>::remove(&node_id);
				for node_type in NodeType::ALL {
					if NodesByType::<T>::take(node_type, &node_id).is_some() {
						self.counts.add_type(node_type, false);
					}
				}
			}
			return Work::V1Node;
		};
		if !NodesByStatus::<T>::contains_key(info.status, &node_id) {
			self.index_status(&node_id, info.status);
		}
		if !NodeLiveness::<T>::contains_key(&node_id) {
			self.start_liveness(&node_id, info.status);
		}
		if !NodesByOwner::<T>::contains_key(&info.owner, &node_id) {
			// One node per owner before fleets: it is the owner's main node already.
			Pallet::<T>::attach_to_owner(&info.owner, &node_id, info.node_type);
		}
		Work::V1Node
	}
}
