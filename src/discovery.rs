//! Discovery: node-signed records (addresses, version, capabilities), liveness from heartbeats,
//! and the indexes the paged queries read.
//!
//! A record and a heartbeat need only the node key: the owner, any account, or nobody (a
//! fee-less transaction: bare, or a general transaction authorized by `AuthorizeCall`) submits
//! them. The fee-less path is not a free channel: the pool admits a record or a heartbeat only
//! after the same complete check the call makes (a registered node, its key's signature, a
//! higher sequence number, the current period), and at most one of each per node and period
//! (one pool tag per node and period; the call refuses a second one in a period). So the fee-less
//! load is at most two transactions per registered node per `HeartbeatPeriod`, and every node
//! paid its registration.
//!
//! Liveness: each node has one entry in the expiry queue, at the first block of the period in
//! which it would have been silent for more than `OfflineAfterPeriods` periods. When the sweep
//! reaches it, a node that sent a heartbeat since is looked at again later; a silent one becomes
//! `Offline` (if it was `Online`), `OnNodeOffline` is told, and its next heartbeat brings it back.
//! The sweep is the expiry queue's bounded, metered work: the same per entry whatever the
//! registry's size.

use crate::{multiaddr, pallet::*, peer_id::Ed25519PeerId, types::*, OnNodeOffline, WeightInfo};
use alloc::vec::Vec;
use codec::Encode;
use frame_support::{
	ensure,
	pallet_prelude::*,
	storage::{IterableStorageDoubleMap, StorageDoubleMap},
	weights::Weight,
};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::{
	traits::{Saturating, UniqueSaturatedInto},
	transaction_validity::ValidTransaction,
};

/// The tag prefix of the pallet's fee-less transactions in the pool.
const TAG_PREFIX: &str = "RegistrationDiscovery";

/// The code of `UnknownTransaction::Custom` with which the pool refuses a fee-less record or
/// heartbeat while the pallet's storage is behind its code's version (a migration is pending).
/// Unknown rather than invalid: the same transaction may be valid once the migration is over,
/// and the pool bans the hashes of invalid ones for a while.
pub const STORAGE_MIGRATION_PENDING: u8 = 1;

/// Printable ASCII (and, in a version, the space).
fn printable(text: &[u8], allow_space: bool) -> bool {
	!text.is_empty()
		&& text.iter().all(|byte| (0x21..=0x7e).contains(byte) || (allow_space && *byte == b' '))
}

/// A stored record (`NodeRecords`) read without the runtime's bounds: the fields of
/// [`SignedRecord`] in their encoding order, every list unbounded. A record that an upgrade made
/// too long for lowered bounds still decodes this way.
#[derive(Decode)]
pub(crate) struct UnboundedRecord<BlockNumber> {
	seq: u64,
	_addresses: Vec<Vec<u8>>,
	_version: Vec<u8>,
	capabilities: Vec<Vec<u8>>,
	_signature: [u8; 64],
	published_at: BlockNumber,
}

/// A stored liveness (`NodeLiveness`) read without the runtime's bound on its version: the
/// fields of [`Liveness`] in their encoding order.
#[derive(Decode)]
pub(crate) struct UnboundedLiveness<BlockNumber> {
	last_seen: BlockNumber,
	heartbeat_sent: bool,
	version: Vec<u8>,
	silent: bool,
	check_at: BlockNumber,
}

/// What the pallet needs of a node's stored record, whether or not it still decodes within
/// the runtime's bounds.
pub(crate) struct StoredRecordMeta<BlockNumber> {
	/// Its sequence number: the floor of the next record's.
	pub seq: u64,
	/// The block it was published in (one record per period).
	pub published_at: BlockNumber,
	/// Its capabilities, as stored (the index entries to remove with it).
	pub capabilities: Vec<Vec<u8>>,
}

impl<T: Config> Pallet<T> {
	/// What the pallet needs of the record stored for `node_id`. A record that an upgrade made
	/// undecodable (a lowered `MaxAddresses`, `MaxAddressLen`, `MaxVersionLen`,
	/// `MaxCapabilities` or `MaxCapabilityLen`) is void for clients (the view functions show no
	/// record) but is never read as absent here: it still sets the next record's sequence floor
	/// and rate limit, and its index entries go when it is replaced or removed. `None` when no
	/// record is stored (or what is stored does not decode even so: not a record).
	pub(crate) fn stored_record(node_id: &NodeId) -> Option<StoredRecordMeta<BlockNumberFor<T>>> {
		match crate::stored::read::<UnboundedRecord<BlockNumberFor<T>>>(
			&NodeRecords::<T>::hashed_key_for(node_id),
		) {
			crate::stored::Stored::Present(record) => Some(StoredRecordMeta {
				seq: record.seq,
				published_at: record.published_at,
				capabilities: record.capabilities,
			}),
			_ => None,
		}
	}

	/// The liveness stored for `node_id`. One that an upgrade made undecodable (a lowered
	/// `MaxVersionLen`) is re-bounded: its version is cleared and the rest kept, so the node's
	/// heartbeats and the sweep go on; it is written back with the next write of the node's
	/// liveness. What does not decode even so is not a liveness: it reads as a silent node's,
	/// which its next heartbeat restores (and `try_state` reports).
	pub(crate) fn liveness_of(node_id: &NodeId) -> Option<Liveness<T>> {
		use crate::stored::{read, Stored};
		let key = NodeLiveness::<T>::hashed_key_for(node_id);
		match read::<Liveness<T>>(&key) {
			Stored::Absent => None,
			Stored::Present(liveness) => Some(liveness),
			Stored::Undecodable => match read::<UnboundedLiveness<BlockNumberFor<T>>>(&key) {
				Stored::Present(stored) => Some(Liveness {
					last_seen: stored.last_seen,
					heartbeat_sent: stored.heartbeat_sent,
					version: VersionOf::<T>::try_from(stored.version).unwrap_or_default(),
					silent: stored.silent,
					check_at: stored.check_at,
				}),
				_ => {
					let now = frame_system::Pallet::<T>::block_number();
					Some(Liveness {
						last_seen: now,
						heartbeat_sent: false,
						version: VersionOf::<T>::new(),
						silent: true,
						check_at: now,
					})
				}
			},
		}
	}

	/// The storage key of the capability index entry of `node_id` for `capability` as stored
	/// (which may be longer than today's `MaxCapabilityLen`).
	pub(crate) fn capability_key(capability: &[u8], node_id: &NodeId) -> Vec<u8> {
		use frame_support::{storage::StoragePrefixedMap, Blake2_128Concat, StorageHasher};
		let mut key = NodesByCapability::<T>::final_prefix().to_vec();
		key.extend(Blake2_128Concat::hash(&capability.encode()));
		key.extend(Blake2_128Concat::hash(&node_id.encode()));
		key
	}

	/// Removes the capability index entry of `node_id` for `capability` as stored, which may
	/// be longer than today's `MaxCapabilityLen`.
	fn unindex_capability(capability: &[u8], node_id: &NodeId) {
		frame_support::storage::unhashed::kill(&Self::capability_key(capability, node_id));
	}

	/// The liveness period of block `block`.
	pub fn period_of(block: BlockNumberFor<T>) -> u32 {
		let period = T::HeartbeatPeriod::get();
		// `integrity_test` refuses a zero period; a zero divisor reads as period 0.
		let index: u64 = block.checked_div(&period).map(|p| p.unique_saturated_into()).unwrap_or(0);
		u32::try_from(index).unwrap_or(u32::MAX)
	}

	/// The first block of period `period`.
	fn period_start(period: u32) -> BlockNumberFor<T> {
		T::HeartbeatPeriod::get().saturating_mul(period.into())
	}

	/// The first block at which a node last heard from in block `last_seen` has been silent for
	/// more than `OfflineAfterPeriods` periods. Computed with the constants in force, so an
	/// upgrade that changes them applies to every node from its next check.
	pub(crate) fn silent_from(last_seen: BlockNumberFor<T>) -> BlockNumberFor<T> {
		Self::period_start(
			Self::period_of(last_seen)
				.saturating_add(T::OfflineAfterPeriods::get())
				.saturating_add(1),
		)
	}

	/// Starts the liveness of a node that just joined the registry in block `now`.
	pub(crate) fn start_liveness(node_id: &NodeId, now: BlockNumberFor<T>) {
		let check_at = Self::silent_from(now);
		NodeLiveness::<T>::insert(
			node_id,
			Liveness {
				last_seen: now,
				heartbeat_sent: false,
				version: VersionOf::<T>::new(),
				silent: false,
				check_at,
			},
		);
		Self::schedule_expiry(check_at, Expiring::Liveness(node_id.clone()));
	}

	/// Sets a registered node's status, keeping the status index and counts.
	pub(crate) fn set_status(info: &mut NodeInfoOf<T>, status: Status) {
		if info.status == status {
			return;
		}
		NodesByStatus::<T>::remove(info.status, &info.node_id);
		NodeCountByStatus::<T>::mutate(info.status, |count| *count = count.saturating_sub(1));
		NodesByStatus::<T>::insert(status, &info.node_id, ());
		NodeCountByStatus::<T>::mutate(status, |count| *count = count.saturating_add(1));
		info.status = status;
	}

	/// Removes a node's record and its capability index entries (also those of a record that
	/// no longer decodes within the runtime's bounds).
	pub(crate) fn remove_record(node_id: &NodeId) {
		let stored = Self::stored_record(node_id);
		NodeRecords::<T>::remove(node_id);
		if let Some(stored) = stored {
			for capability in &stored.capabilities {
				Self::unindex_capability(capability, node_id);
			}
			Self::deposit_event(Event::NodeRecordRemoved {
				node_id: node_id.clone(),
				seq: stored.seq,
			});
		}
	}

	/// Checks a record for a node: well-formed fields, a higher sequence number than the stored
	/// record's, not a second record in this period, and the node key's signature. Returns the
	/// node's canonical id.
	pub(crate) fn check_record(
		node_id: &[u8],
		record: &NodeRecord<T>,
		signature: &[u8],
		now: BlockNumberFor<T>,
	) -> Result<NodeId, DispatchError> {
		let (peer, info) = Self::registered_node(node_id)?;
		let node_id = info.node_id.clone();
		let raw = peer.to_raw();
		for address in record.addresses.iter() {
			multiaddr::check(address, &raw).map_err(|error| match error {
				multiaddr::MultiaddrError::ForeignPeerId => Error::<T>::ForeignPeerIdInAddress,
				_ => Error::<T>::InvalidAddress,
			})?;
		}
		ensure!(printable(&record.version, true), Error::<T>::InvalidRecordText);
		let mut capabilities: Vec<&CapabilityOf<T>> = record.capabilities.iter().collect();
		ensure!(
			capabilities.iter().all(|capability| printable(capability, false)),
			Error::<T>::InvalidRecordText
		);
		capabilities.sort();
		capabilities.dedup();
		ensure!(capabilities.len() == record.capabilities.len(), Error::<T>::DuplicateCapability);
		if let Some(stored) = Self::stored_record(&node_id) {
			ensure!(record.seq > stored.seq, Error::<T>::StaleRecord);
			ensure!(
				Self::period_of(stored.published_at) < Self::period_of(now),
				Error::<T>::RecordRateLimited
			);
		}
		let statement = RecordStatement::<T> {
			domain: RECORD_DOMAIN,
			genesis_hash: Self::genesis_hash(),
			peer_id: raw,
			registered_at: info.registered_at,
			key_epoch: NodeKeyEpoch::<T>::get(&node_id),
			record: record.clone(),
		};
		let signature: [u8; 64] =
			signature.try_into().map_err(|_| Error::<T>::InvalidSignatureLength)?;
		ensure!(
			crate::challenge::verify_signature(peer.public_key(), &signature, &statement.encode()),
			Error::<T>::InvalidRecordSignature
		);
		Ok(node_id)
	}

	/// `publish_node_record` after the origin check.
	pub(crate) fn do_publish_record(
		node_id: &[u8],
		record: NodeRecord<T>,
		signature: &[u8],
	) -> DispatchResult {
		let now = frame_system::Pallet::<T>::block_number();
		let node_id = Self::check_record(node_id, &record, signature, now)?;
		let signature: [u8; 64] =
			signature.try_into().map_err(|_| Error::<T>::InvalidSignatureLength)?;
		if let Some(old) = Self::stored_record(&node_id) {
			for capability in &old.capabilities {
				Self::unindex_capability(capability, &node_id);
			}
		}
		for capability in record.capabilities.iter() {
			NodesByCapability::<T>::insert(capability, &node_id, ());
		}
		let seq = record.seq;
		NodeRecords::<T>::insert(&node_id, SignedRecord { record, signature, published_at: now });
		Self::deposit_event(Event::NodeRecordPublished { node_id, seq });
		Ok(())
	}

	/// Checks a heartbeat: a registered node, the current period, none sent in it yet, and the
	/// node key's signature. Returns the node's canonical id and liveness.
	pub(crate) fn check_heartbeat(
		node_id: &[u8],
		period: u32,
		version: &VersionOf<T>,
		signature: &[u8],
		now: BlockNumberFor<T>,
	) -> Result<(NodeId, Liveness<T>), DispatchError> {
		let (peer, node_id) = Ed25519PeerId::parse_canonical(node_id).map_err(Error::<T>::from)?;
		// Every registered node has a liveness entry, and only registered nodes do.
		let liveness = Self::liveness_of(&node_id).ok_or(Error::<T>::NodeNotFound)?;
		ensure!(period == Self::period_of(now), Error::<T>::HeartbeatForAnotherPeriod);
		ensure!(
			!(liveness.heartbeat_sent && Self::period_of(liveness.last_seen) == period),
			Error::<T>::HeartbeatAlreadySent
		);
		ensure!(version.is_empty() || printable(version, true), Error::<T>::InvalidRecordText);
		let statement = HeartbeatStatement::<T> {
			domain: HEARTBEAT_DOMAIN,
			genesis_hash: Self::genesis_hash(),
			peer_id: peer.to_raw(),
			period,
			version: version.clone(),
		};
		let signature: [u8; 64] =
			signature.try_into().map_err(|_| Error::<T>::InvalidSignatureLength)?;
		ensure!(
			crate::challenge::verify_signature(peer.public_key(), &signature, &statement.encode()),
			Error::<T>::InvalidHeartbeatSignature
		);
		Ok((node_id, liveness))
	}

	/// `heartbeat` after the origin check. Returns the weight it used: a node that was silent
	/// costs more (its status and the sweep's entry come back).
	pub(crate) fn do_heartbeat(
		node_id: &[u8],
		period: u32,
		version: VersionOf<T>,
		signature: &[u8],
	) -> Result<Weight, DispatchError> {
		let now = frame_system::Pallet::<T>::block_number();
		let (node_id, mut liveness) =
			Self::check_heartbeat(node_id, period, &version, signature, now)?;
		liveness.last_seen = now;
		liveness.heartbeat_sent = true;
		liveness.version = version;
		if !liveness.silent {
			NodeLiveness::<T>::insert(&node_id, liveness);
			return Ok(T::WeightInfo::heartbeat());
		}
		liveness.silent = false;
		liveness.check_at = Self::silent_from(now);
		Self::schedule_expiry(liveness.check_at, Expiring::Liveness(node_id.clone()));
		NodeLiveness::<T>::insert(&node_id, liveness);
		if let Some(mut info) = ColdkeyNodeRegistrationV2::<T>::get(&node_id) {
			if info.status == Status::Offline {
				Self::set_status(&mut info, Status::Online);
				ColdkeyNodeRegistrationV2::<T>::insert(&node_id, info);
				Self::deposit_event(Event::NodeBackOnline { node_id, period });
			}
		}
		Ok(T::WeightInfo::heartbeat_back_online())
	}

	/// The sweep's step for one liveness entry queued at `at`: a node heard from since is looked
	/// at again later; a silent one is marked (and `Offline` if it was `Online`). Returns the
	/// weight of what it did: the sweep's step, plus `OnNodeOffline`'s weight if it marked one.
	pub(crate) fn check_liveness(
		node_id: NodeId,
		at: BlockNumberFor<T>,
		now: BlockNumberFor<T>,
	) -> Weight {
		let Some(mut liveness) = Self::liveness_of(&node_id) else {
			// The node left the registry: nothing to look at.
			return Self::liveness_check_weight();
		};
		if liveness.silent || liveness.check_at != at {
			// A stale entry: the node is already marked, or has another entry (it left and came
			// back, or rotated to this id).
			return Self::liveness_check_weight();
		}
		let silent_from = Self::silent_from(liveness.last_seen);
		if silent_from > now {
			liveness.check_at = silent_from;
			Self::schedule_expiry(silent_from, Expiring::Liveness(node_id.clone()));
			NodeLiveness::<T>::insert(&node_id, liveness);
			return Self::liveness_check_weight();
		}
		liveness.silent = true;
		let last_seen = liveness.last_seen;
		NodeLiveness::<T>::insert(&node_id, liveness);
		if let Some(mut info) = ColdkeyNodeRegistrationV2::<T>::get(&node_id) {
			if info.status == Status::Online {
				Self::set_status(&mut info, Status::Offline);
				ColdkeyNodeRegistrationV2::<T>::insert(&node_id, info.clone());
				Self::deposit_event(Event::NodeWentOffline { node_id: node_id.clone(), last_seen });
			}
			T::OnNodeOffline::on_node_offline(&node_id, &info.owner, info.node_type);
		}
		Self::sweep_item_weight()
	}

	/// The weight of one liveness entry that marks no node: the slope of `sweep_offline_items`,
	/// which measures the costlier step that marks one (an entry that finds its node alive reads
	/// the same liveness and queue entries and no registry entry).
	pub(crate) fn liveness_check_weight() -> Weight {
		T::WeightInfo::sweep_offline_items(1).saturating_sub(T::WeightInfo::sweep_offline_items(0))
	}

	/// The weight of the sweep's step that marks a node silent: the slope of
	/// `sweep_offline_items`, and what `OnNodeOffline` declares.
	pub(crate) fn sweep_item_weight() -> Weight {
		Self::liveness_check_weight().saturating_add(T::OnNodeOffline::weight())
	}

	/// The pool's view of a fee-less record: the call's own checks, one transaction per node
	/// and sequence number and per node and period, valid until the period ends.
	pub(crate) fn validate_record(
		node_id: &[u8],
		record: &NodeRecord<T>,
		signature: &[u8],
	) -> Result<ValidTransaction, TransactionValidityError> {
		Self::ensure_storage_current_for_pool()?;
		let now = frame_system::Pallet::<T>::block_number();
		let node_id = Self::check_record(node_id, record, signature, now)
			.map_err(|_| InvalidTransaction::BadProof)?;
		let period = Self::period_of(now);
		ValidTransaction::with_tag_prefix(TAG_PREFIX)
			.priority(T::RecordPriority::get())
			.and_provides((b"record", &node_id, record.seq))
			.and_provides((b"record-period", &node_id, period))
			.longevity(Self::blocks_left_in_period(now))
			.propagate(true)
			.build()
	}

	/// The pool's view of a fee-less heartbeat: the call's own checks, one per node and period,
	/// valid until the period ends.
	pub(crate) fn validate_heartbeat(
		node_id: &[u8],
		period: u32,
		version: &VersionOf<T>,
		signature: &[u8],
	) -> Result<ValidTransaction, TransactionValidityError> {
		Self::ensure_storage_current_for_pool()?;
		let now = frame_system::Pallet::<T>::block_number();
		let (node_id, _) = Self::check_heartbeat(node_id, period, version, signature, now)
			.map_err(|error| match error {
				DispatchError::Module(_) if period != Self::period_of(now) => {
					InvalidTransaction::Stale
				}
				_ => InvalidTransaction::BadProof,
			})?;
		ValidTransaction::with_tag_prefix(TAG_PREFIX)
			.priority(T::HeartbeatPriority::get())
			.and_provides((b"heartbeat", &node_id, period))
			.longevity(Self::blocks_left_in_period(now))
			.propagate(true)
			.build()
	}

	/// The pool's [`Self::ensure_storage_current`]: refused while a migration is pending.
	fn ensure_storage_current_for_pool() -> Result<(), TransactionValidityError> {
		Self::ensure_storage_current()
			.map_err(|_| UnknownTransaction::Custom(STORAGE_MIGRATION_PENDING).into())
	}

	/// Blocks from `now` to the end of its period (at least 1), as a transaction longevity.
	fn blocks_left_in_period(now: BlockNumberFor<T>) -> u64 {
		let end = Self::period_start(Self::period_of(now).saturating_add(1));
		let left: u64 = end.saturating_sub(now).unique_saturated_into();
		left.max(1)
	}

	/// A node as the view functions show it.
	pub(crate) fn view_of(info: NodeInfoOf<T>) -> NodeView<T> {
		// A record over today's bounds is void for clients: none is shown.
		let record = NodeRecords::<T>::get(&info.node_id);
		let liveness = Self::liveness_of(&info.node_id);
		let key_epoch = NodeKeyEpoch::<T>::get(&info.node_id);
		NodeView { info, record, liveness, key_epoch }
	}

	/// The node ids of one page of the index `M` under `key`: at most `limit` (and
	/// `MaxPageSize`) after the node id `start_after` (either form), and the cursor of the next
	/// page when more follow. The one paging rule of every paged query.
	pub(crate) fn page_ids<M, K>(
		key: K,
		start_after: Option<Vec<u8>>,
		limit: u32,
	) -> Result<(Vec<NodeId>, Option<NodeId>), PageError>
	where
		K: codec::FullCodec + Clone,
		M: IterableStorageDoubleMap<K, NodeId, ()> + StorageDoubleMap<K, NodeId, ()>,
	{
		ensure!(limit > 0, PageError::ZeroLimit);
		let limit = limit.min(T::MaxPageSize::get()) as usize;
		let keys = match start_after {
			None => M::iter_key_prefix(key),
			Some(after) => {
				let after =
					Self::canonical_node_id(&after).map_err(|_| PageError::InvalidCursor)?;
				let from = M::hashed_key_for(key.clone(), after);
				M::iter_key_prefix_from(key, from)
			}
		};
		let mut keys = keys.peekable();
		let node_ids: Vec<NodeId> = keys.by_ref().take(limit).collect();
		let next = match keys.peek() {
			Some(_) => node_ids.last().cloned(),
			None => None,
		};
		Ok((node_ids, next))
	}

	/// One page of the index `M` under `key`, each node with its record and liveness (see
	/// [`Self::page_ids`]).
	pub(crate) fn page<M, K>(
		key: K,
		start_after: Option<Vec<u8>>,
		limit: u32,
	) -> Result<NodePage<T>, PageError>
	where
		K: codec::FullCodec + Clone,
		M: IterableStorageDoubleMap<K, NodeId, ()> + StorageDoubleMap<K, NodeId, ()>,
	{
		let (node_ids, next) = Self::page_ids::<M, K>(key, start_after, limit)?;
		let nodes = node_ids
			.into_iter()
			.filter_map(ColdkeyNodeRegistrationV2::<T>::get)
			.map(Self::view_of)
			.collect();
		Ok(NodePage { nodes, next })
	}
}
