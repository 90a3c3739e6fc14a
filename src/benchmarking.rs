//! Benchmarks of every call and hook step, each at its worst case.

// Benchmark set-up code: its arithmetic only builds bounded inputs.
#![allow(clippy::arithmetic_side_effects)]

use super::*;
use crate::{migrations, pallet::*, peer_id::Ed25519PeerId};
use alloc::{boxed::Box, format, vec::Vec};
use codec::Encode;
use frame_benchmarking::v2::*;
use frame_support::{
	pallet_prelude::*,
	traits::fungible::{Inspect, Mutate, MutateHold},
};
use frame_system::{pallet_prelude::BlockNumberFor, RawOrigin};
use sp_core::{crypto::KeyTypeId, H256};
use sp_runtime::{
	traits::{Bounded, One, Saturating, Zero},
	transaction_validity::TransactionSource,
};
use sp_staking::StakingInterface;

/// Key type of the node keys the benchmarks generate in the keystore.
const NODE_KEY: KeyTypeId = KeyTypeId(*b"nodk");

/// An Ed25519 node key generated in the keystore from a seed naming `index`.
fn node_key(index: u32) -> sp_core::ed25519::Public {
	sp_io::crypto::ed25519_generate(NODE_KEY, Some(format!("//node//{index}").into_bytes()))
}

fn peer_of(key: &sp_core::ed25519::Public) -> Ed25519PeerId {
	Ed25519PeerId::from_public_key(key.0)
}

/// The node id parameter in the form component `b` names: 1 base58 text, 0 raw bytes.
fn node_id_param(peer: &Ed25519PeerId, b: u32) -> NodeIdParam {
	if b == 0 {
		NodeIdParam::truncate_from(peer.to_raw().to_vec())
	} else {
		NodeIdParam::truncate_from(peer.to_node_id().into_inner())
	}
}

/// Nodes in the registry and used challenges outstanding when registration is measured: the
/// registry size of the performance target, and at least the used-challenge set's bound in the
/// dev runtime (challenges live at most `MaxChallengeLifetime` = 100 blocks, a block holds
/// fewer than 1,000 registrations). The benchmark tests on the mock use 1,000 to stay quick.
const FILLED: u32 = if cfg!(test) { 1_000 } else { 100_000 };

/// The most expiry entries of one block that one hook drains (`prune_expired_items`' range):
/// the dev runtime's budget (a tenth of a 2 s block) pays for about 1,100 entries at the
/// weights of 2026-11-25, and the range goes well past it so the slope is measured where hooks
/// run. More entries of one block are drained by later hooks, each with its own iterator.
const MAX_PRUNED_IN_ONE_BLOCK: u32 = if cfg!(test) { 50 } else { 2_000 };

/// Fills the registry (every index, each node with its liveness) and the used-challenge set
/// (with its expiry queue) with `count` entries each, written directly: no events, no
/// signatures. The filler nodes are marked silent, so that the sweep has no entry of theirs.
///
/// Benchmarks that run on this state measure their proof (`pov_mode = Measured`): the maps
/// they read hold as many entries as on a chain of the performance target, so the values and
/// trie nodes they touch are what such a chain's blocks prove. Items the set-up leaves small
/// (accounts, staking ledgers, block hashes) are still estimated from `MaxEncodedLen`:
/// measured here, they would be charged the proof of a near-empty map.
fn fill_registry_and_challenges<T: Config>(count: u32, expires_at: BlockNumberFor<T>) {
	for i in 0..count {
		let mut key = [0xf1; 32];
		key[..4].copy_from_slice(&i.to_le_bytes());
		let peer = Ed25519PeerId::from_public_key(key);
		let node_id = peer.to_node_id();
		let owner: T::AccountId = account("filler", i, 0);
		// Every type but validators, whose number `MaxValidators` bounds (and whose check is
		// a count, the same whatever it is).
		let others = &NodeType::ALL[1..];
		let node_type =
			others.get(i as usize % others.len()).copied().unwrap_or(NodeType::GpuMiner);
		ColdkeyNodeRegistrationV2::<T>::insert(
			&node_id,
			ColdkeyNodeInfoLite {
				node_id: node_id.clone(),
				node_type,
				status: Status::Online,
				registered_at: Zero::zero(),
				owner: owner.clone(),
			},
		);
		OwnerToNode::<T>::insert(&owner, OwnerNodes::truncate_from(alloc::vec![node_id.clone()]));
		Libp2pMainIdentity::<T>::insert(
			&node_id,
			(Libp2pKeyType::Ed25519, PublicKeyParam::truncate_from(key.to_vec())),
		);
		NodesByType::<T>::insert(node_type, &node_id, ());
		NodeCountByType::<T>::mutate(node_type, |n| *n += 1);
		NodesByStatus::<T>::insert(Status::Online, &node_id, ());
		NodeCountByStatus::<T>::mutate(Status::Online, |n| *n += 1);
		NodeLiveness::<T>::insert(
			&node_id,
			Liveness {
				last_seen: Zero::zero(),
				heartbeat_sent: false,
				version: VersionOf::<T>::new(),
				silent: true,
				check_at: Zero::zero(),
			},
		);
		let hash = H256(sp_io::hashing::blake2_256(&i.to_le_bytes()));
		UsedChallenges::<T>::insert(hash, expires_at);
		ExpiryQueue::<T>::insert(expires_at, Expiring::Challenge(hash), ());
	}
}

/// An account with plenty of funds.
fn funded<T: Config>(name: &'static str, index: u32) -> T::AccountId {
	let who: T::AccountId = account(name, index, 0);
	fund::<T>(&who);
	who
}

/// Bonds the validator stake threshold for `who` in `Staking`.
fn staked<T: Config>(who: &T::AccountId) -> Result<(), BenchmarkError> {
	let stake = T::MinerStakeThreshold::get().max(T::Currency::minimum_balance());
	T::Staking::bond(who, stake.saturating_mul(2u32.into()), who)
		.map_err(|_| BenchmarkError::Stop("bonding the validator stake failed"))
}

/// Registers a node of `node_type` for a fresh owner; returns the owner and the node id.
fn registered<T: Config>(node_type: NodeType, index: u32) -> (T::AccountId, NodeId) {
	let owner = funded::<T>("owner", index);
	let peer = peer_of(&node_key(index));
	let node_id = peer.to_node_id();
	Pallet::<T>::insert_node(
		node_id.clone(),
		node_type,
		owner.clone(),
		&peer,
		frame_system::Pallet::<T>::block_number(),
	);
	(owner, node_id)
}

/// A deposit for every node type: the bond a registration holds in the benchmarks.
fn with_deposits<T: Config>() -> BalanceOf<T> {
	let deposit = T::Currency::minimum_balance().max(One::one()).saturating_mul(100u32.into());
	for node_type in NodeType::ALL {
		NodeTypeDeposit::<T>::insert(node_type, deposit);
	}
	deposit
}

/// Makes `node_id` (of `owner`, of `node_type`) the worst case of a node that leaves: bonded,
/// and the main node of a fleet with another node, which takes its place.
fn leaving_worst_case<T: Config>(owner: &T::AccountId, node_id: &NodeId, node_type: NodeType) {
	with_deposits::<T>();
	if Pallet::<T>::hold_bond(owner, node_id, node_type).is_err() {
		frame_support::defensive!("a funded owner holds the deposit");
	}
	let other = peer_of(&node_key(60_000)).to_node_id();
	NodesByOwner::<T>::insert(owner, &other, ());
	OwnerNodeCount::<T>::mutate(owner, |count| *count += 1);
}

/// Leaves expired cooldown anchors for `owner` and `node_id`, so registration reads them.
fn expired_cooldowns<T: Config>(owner: &T::AccountId, node_id: &NodeId) {
	NodeLastDeregisteredAt::<T>::insert(node_id, BlockNumberFor::<T>::zero());
	OwnerLastDeregisteredAt::<T>::insert(owner, BlockNumberFor::<T>::zero());
}

/// Gives `reporter` a full ballot of the open round that claims part of the round's list, so
/// reading it (and counting the reporter as departed when its node leaves) costs the most.
fn full_report_state<T: Config>(reporter: &T::AccountId) {
	let round = Pallet::<T>::current_round();
	let node_ids: Vec<NodeId> = (0..T::MaxReportsPerRound::get())
		.map(|i| peer_of(&sp_core::ed25519::Public::from_raw([i as u8; 32])).to_node_id())
		.collect();
	TemporaryDeregistrationReports::<T>::insert(
		reporter,
		ReporterRound { round, node_ids: BoundedVec::truncate_from(node_ids), added: 1 },
	);
	ReportSubmissionCount::<T>::insert(
		reporter,
		SubmissionWindow { started_at: Zero::zero(), count: 1 },
	);
}

/// Fills the open round's list of reported nodes (nodes not registered: only its size matters
/// to the calls that scan it), so that scanning it costs the most.
fn full_round_list<T: Config>() {
	let nodes: Vec<NodeVotes> = (0..T::MaxReportedNodesPerRound::get())
		.map(|i| NodeVotes { node_id: peer_of(&node_key(50_000 + i)).to_node_id(), votes: 1 })
		.collect();
	ReportedNodes::<T>::put(RoundReports {
		round: Pallet::<T>::current_round(),
		nodes: BoundedVec::truncate_from(nodes),
	});
}

/// Offers `owner`'s node `node_id` (of `index`) to a fresh, staked account with an expired
/// cooldown anchor; returns that account.
fn offered<T: Config>(
	owner: &T::AccountId,
	node_id: &NodeId,
) -> Result<T::AccountId, BenchmarkError> {
	let new_owner = funded::<T>("new_owner", 1);
	staked::<T>(&new_owner)?;
	OwnerLastDeregisteredAt::<T>::insert(&new_owner, BlockNumberFor::<T>::zero());
	let expires_at =
		frame_system::Pallet::<T>::block_number().saturating_add(T::OwnershipOfferLifetime::get());
	NodeOwnershipOffers::<T>::insert(
		node_id,
		OwnershipOffer { owner: owner.clone(), new_owner: new_owner.clone(), expires_at },
	);
	Pallet::<T>::schedule_expiry(expires_at, Expiring::OwnershipOffer(node_id.clone()));
	Ok(new_owner)
}

/// Gives `who` plenty of funds.
fn fund<T: Config>(who: &T::AccountId) {
	// Small enough that 65,536 funded accounts do not overflow the total issuance (with 1,024,
	// the 1,024th account's minting failed and `release_bonds` measured empty releases).
	T::Currency::set_balance(who, BalanceOf::<T>::max_value() / (1u32 << 16).into());
}

/// `message` as wallets sign raw bytes: wrapped in `<Bytes>`…`</Bytes>`.
fn wrapped(message: &[u8]) -> Vec<u8> {
	[WRAPPED_PREFIX, message, WRAPPED_SUFFIX].concat()
}

/// A consent of `owner` for `peer` as `node_type`, valid as long as allowed, with the highest
/// fee and deposit limits.
fn consent_for<T: Config>(
	owner: &T::AccountId,
	peer: &Ed25519PeerId,
	node_type: NodeType,
	now: BlockNumberFor<T>,
) -> OwnerConsentOf<T> {
	OwnerConsent {
		domain: CONSENT_DOMAIN,
		genesis_hash: Pallet::<T>::genesis_hash(),
		owner: owner.clone(),
		peer_id: peer.to_raw(),
		node_type,
		max_fee: T::MaxNodeTypeFee::get(),
		max_deposit: BalanceOf::<T>::max_value(),
		valid_until: now.saturating_add(T::MaxConsentLifetime::get()),
		nonce: 7,
		may_rotate: false,
	}
}

/// `key`'s signature of `message` from the benchmark keystore.
fn ed25519_signature(key: &sp_core::ed25519::Public, message: &[u8]) -> SignatureParam {
	SignatureParam::truncate_from(
		sp_io::crypto::ed25519_sign(NODE_KEY, key, message)
			.map(|s| s.0.to_vec())
			.unwrap_or_default(),
	)
}

/// A registration challenge of `key` for `owner`, valid as long as allowed, and its signature.
fn node_proof<T: Config>(
	owner: &T::AccountId,
	key: &sp_core::ed25519::Public,
	now: BlockNumberFor<T>,
) -> (ChallengeBytes<T>, SignatureParam) {
	let challenge = RegisterChallenge {
		domain: REGISTER_DOMAIN,
		genesis_hash: Pallet::<T>::genesis_hash(),
		account: owner.clone(),
		node_id_hash: H256(sp_io::hashing::blake2_256(&peer_of(key).to_raw())),
		ipfs_peer_id_hash: H256(sp_io::hashing::blake2_256(b"")),
		block_number: now,
		nonce: [7; 32],
		expires_at: now.saturating_add(T::MaxChallengeLifetime::get()),
	}
	.encode();
	let signature = ed25519_signature(key, &challenge);
	(ChallengeBytes::<T>::truncate_from(challenge), signature)
}

/// The longest address the runtime allows, for the node `peer`: `/ip4/…` components and a
/// `/p2p/` component naming it (every byte parsed).
fn long_address<T: Config>(peer: &Ed25519PeerId) -> AddressOf<T> {
	let mut address = alloc::vec![0xa5, 0x03, crate::types::RAW_PEER_ID_LEN as u8];
	address.extend_from_slice(&peer.to_raw());
	while address.len() + 5 <= T::MaxAddressLen::get() as usize {
		address.extend_from_slice(&[0x04, 10, 0, 0, 1]);
	}
	AddressOf::<T>::truncate_from(address)
}

/// Printable text of `len` bytes, different for each `index`.
fn text(index: u32, len: u32) -> Vec<u8> {
	let mut text = format!("/cap/{index}/").into_bytes();
	text.resize(len.max(text.len() as u32) as usize, b'x');
	text.truncate(len as usize);
	text
}

/// A record of `peer` with `a` longest addresses, `c` longest capabilities (numbered from
/// `first`, so that two records can name disjoint sets) and the longest version.
fn record_of<T: Config>(
	peer: &Ed25519PeerId,
	seq: u64,
	a: u32,
	c: u32,
	first: u32,
) -> NodeRecord<T> {
	NodeRecord {
		seq,
		addresses: BoundedVec::truncate_from((0..a).map(|_| long_address::<T>(peer)).collect()),
		version: VersionOf::<T>::truncate_from(text(0, T::MaxVersionLen::get())),
		capabilities: BoundedVec::truncate_from(
			(first..first + c)
				.map(|i| CapabilityOf::<T>::truncate_from(text(i, T::MaxCapabilityLen::get())))
				.collect(),
		),
	}
}

/// Stores a record for the node `node_id` of `key`, published now, with every address and
/// capability it may have (capabilities `0..MaxCapabilities`), indexed: removing or replacing
/// it costs the most.
fn give_full_record<T: Config>(node_id: &NodeId, key: &sp_core::ed25519::Public) {
	let record =
		record_of::<T>(&peer_of(key), 1, T::MaxAddresses::get(), T::MaxCapabilities::get(), 0);
	for capability in record.capabilities.iter() {
		NodesByCapability::<T>::insert(capability, node_id, ());
	}
	let published_at = frame_system::Pallet::<T>::block_number();
	NodeRecords::<T>::insert(node_id, SignedRecord { record, signature: [0; 64], published_at });
}

/// The node key `key`'s signature of `record`'s statement for its node registered at block
/// `registered_at`.
fn record_signature<T: Config>(
	key: &sp_core::ed25519::Public,
	registered_at: BlockNumberFor<T>,
	record: &NodeRecord<T>,
) -> SignatureParam {
	let statement = RecordStatement::<T> {
		domain: RECORD_DOMAIN,
		genesis_hash: Pallet::<T>::genesis_hash(),
		peer_id: peer_of(key).to_raw(),
		registered_at,
		key_epoch: 0,
		record: record.clone(),
	};
	ed25519_signature(key, &statement.encode())
}

/// A registered node (key `index`) whose stored record, published in an earlier period, has
/// every address and capability it may have (so publishing reads the largest record and
/// removes every capability from the index). Returns the
/// key, the node id and the block it was registered in.
fn node_with_full_record<T: Config>(
	index: u32,
) -> (sp_core::ed25519::Public, NodeId, BlockNumberFor<T>) {
	let registered_at = frame_system::Pallet::<T>::block_number();
	let (_, node_id) = registered::<T>(NodeType::StorageMiner, index);
	let key = node_key(index);
	give_full_record::<T>(&node_id, &key);
	let next_period = T::HeartbeatPeriod::get().saturating_add(registered_at);
	frame_system::Pallet::<T>::set_block_number(next_period);
	(key, node_id, registered_at)
}

/// A heartbeat of node `key` for the current period, with the longest version, and its
/// signature.
fn heartbeat_of<T: Config>(key: &sp_core::ed25519::Public) -> (u32, VersionOf<T>, SignatureParam) {
	let period = Pallet::<T>::period_of(frame_system::Pallet::<T>::block_number());
	let version = VersionOf::<T>::truncate_from(text(1, T::MaxVersionLen::get()));
	let statement = HeartbeatStatement::<T> {
		domain: HEARTBEAT_DOMAIN,
		genesis_hash: Pallet::<T>::genesis_hash(),
		peer_id: peer_of(key).to_raw(),
		period,
		version: version.clone(),
	};
	(period, version, ed25519_signature(key, &statement.encode()))
}

/// Moves to a block where cooldowns anchored at 0 are over and challenges can be built.
fn go_to_working_block<T: Config>() -> BlockNumberFor<T> {
	let now = T::NodeCooldownPeriod::get()
		.saturating_add(T::ConsensusPeriod::get())
		.saturating_add(One::one());
	frame_system::Pallet::<T>::set_block_number(now);
	now
}

/// A migration cursor at the start of `phase`, from storage version 0.
fn migration_cursor(phase: migrations::MigrationPhase) -> migrations::MigrationCursor {
	migrations::MigrationCursor {
		from_version: 0,
		phase,
		last_key: None,
		removed: 0,
		undecodable: 0,
		kept: 0,
	}
}

/// A registry record of the reference layout for node `index`: its id in the given form,
/// owned by a fresh account.
fn v0_record<T: Config>(
	index: u32,
	raw: bool,
	node_type: NodeType,
	status: Status,
) -> (Vec<u8>, crate::migrations::NodeInfoV0<T>) {
	let peer = peer_of(&node_key(index));
	let node_id = if raw { peer.to_raw().to_vec() } else { peer.to_node_id().into_inner() };
	let info = ColdkeyNodeInfoLite {
		node_id: NodeIdParam::truncate_from(node_id.clone()),
		node_type,
		status,
		registered_at: One::one(),
		owner: account("v0-owner", index, 0),
	};
	(node_id, info)
}

/// Writes a registry record of the reference layout; returns its final key.
fn put_v0_record<T: Config>(node_id: &Vec<u8>, info: &crate::migrations::NodeInfoV0<T>) -> Vec<u8> {
	migrations::put_v0::<T>(MigrationItem::ColdkeyNodeRegistrationV2, node_id, info)
}

/// Indexes node `index` as the migration's index phase does; returns its record.
fn v0_indexed<T: Config>(
	migrator: &mut migrations::Migrator<T>,
	index: u32,
	node_type: NodeType,
) -> Result<NodeInfoOf<T>, BenchmarkError> {
	let (node_id, info) = v0_record::<T>(index, false, node_type, Status::Online);
	let key = put_v0_record::<T>(&node_id, &info);
	migrator.registry_node(&key);
	ColdkeyNodeRegistrationV2::<T>::get(NodeId::truncate_from(node_id))
		.ok_or(BenchmarkError::Stop("the migration indexes a valid record"))
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn force_register_coldkey_node(b: Linear<0, 1>) {
		let owner = funded::<T>("owner", 0);
		let peer = peer_of(&node_key(0));
		let node_id = node_id_param(&peer, b);

		#[extrinsic_call]
		_(RawOrigin::Root, owner.clone(), NodeType::Validator, node_id);

		assert!(OwnerToNode::<T>::contains_key(&owner));
	}

	/// Worst case: a validator (stake read), fee charging on (transfer and fee update), expired
	/// cooldown anchors to read, and `FILLED` nodes and used challenges already stored.
	///
	/// The node id's form does not change this call's cost measurably: with a raw/base58
	/// component it measured a slope of 0 µs over 420.6 µs (frame-omni-bencher, 2026-11-25), and
	/// each run here costs a `FILLED`-sized set-up, so the call is measured once, in base58.
	#[benchmark(pov_mode = Measured { System: MaxEncodedLen, Balances: MaxEncodedLen, Staking: MaxEncodedLen })]
	fn register_node_with_coldkey() -> Result<(), BenchmarkError> {
		let now = go_to_working_block::<T>();
		fill_registry_and_challenges::<T>(
			FILLED,
			now.saturating_add(T::MaxChallengeLifetime::get()),
		);
		let owner = funded::<T>("owner", 0);
		staked::<T>(&owner)?;
		FeeChargingEnabled::<T>::put(true);
		with_deposits::<T>();
		let key = node_key(0);
		let peer = peer_of(&key);
		expired_cooldowns::<T>(&owner, &peer.to_node_id());
		let (challenge, signature) = node_proof::<T>(&owner, &key, now);

		#[extrinsic_call]
		_(
			RawOrigin::Signed(owner.clone()),
			NodeType::Validator,
			node_id_param(&peer, 1),
			false,
			owner.clone(),
			Libp2pKeyType::Ed25519,
			PublicKeyParam::truncate_from(key.0.to_vec()),
			signature,
			challenge,
			NodeIdParam::truncate_from(peer.to_raw().to_vec()),
		);

		assert_eq!(
			ColdkeyNodeRegistrationV2::<T>::get(peer.to_node_id()).map(|info| info.owner),
			Some(owner)
		);
		Ok(())
	}

	#[benchmark]
	fn set_node_status_to_degraded(b: Linear<0, 1>) {
		let (_, node_id) = registered::<T>(NodeType::StorageMiner, 0);

		#[extrinsic_call]
		_(RawOrigin::Root, node_id_param(&peer_of(&node_key(0)), b));

		assert_eq!(
			ColdkeyNodeRegistrationV2::<T>::get(&node_id).map(|info| info.status),
			Some(Status::Degraded)
		);
	}

	#[benchmark]
	fn set_fee_charging() {
		#[extrinsic_call]
		_(RawOrigin::Root, true);

		assert!(FeeChargingEnabled::<T>::get());
	}

	#[benchmark]
	fn set_node_type_fee() -> Result<(), BenchmarkError> {
		let origin =
			T::FeeOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let fee = T::MaxNodeTypeFee::get();

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, NodeType::GpuMiner, fee);

		assert_eq!(CurrentNodeTypeFee::<T>::get(NodeType::GpuMiner), Some(fee));
		Ok(())
	}

	#[benchmark]
	fn set_node_type_disabled() {
		#[extrinsic_call]
		_(RawOrigin::Root, NodeType::GpuMiner, true);

		assert!(DisabledNodeTypes::<T>::get(NodeType::GpuMiner));
	}

	/// Worst case: a validator with report state, a full record (every capability leaves the
	/// index) and a bond, the main node of a fleet (another node takes its place), is removed and
	/// both cooldowns start.
	#[benchmark]
	fn force_unregister_coldkey_node(b: Linear<0, 1>) {
		let (owner, node_id) = registered::<T>(NodeType::Validator, 0);
		full_report_state::<T>(&owner);
		give_full_record::<T>(&node_id, &node_key(0));
		leaving_worst_case::<T>(&owner, &node_id, NodeType::Validator);

		#[extrinsic_call]
		_(RawOrigin::Root, node_id_param(&peer_of(&node_key(0)), b));

		assert!(!ColdkeyNodeRegistrationV2::<T>::contains_key(&node_id));
	}

	/// Worst case: as `force_unregister_coldkey_node`, signed by the owner.
	#[benchmark]
	fn unregister_main_node(b: Linear<0, 1>) {
		let (owner, node_id) = registered::<T>(NodeType::Validator, 0);
		full_report_state::<T>(&owner);
		give_full_record::<T>(&node_id, &node_key(0));
		leaving_worst_case::<T>(&owner, &node_id, NodeType::Validator);

		#[extrinsic_call]
		_(RawOrigin::Signed(owner), node_id_param(&peer_of(&node_key(0)), b));

		assert!(!ColdkeyNodeRegistrationV2::<T>::contains_key(&node_id));
	}

	/// Worst case: a validator node (stake check of the new owner, who has an expired cooldown
	/// anchor to read) with an earlier offer to replace, and a full round list to scan.
	#[benchmark]
	fn swap_node_owner(b: Linear<0, 1>) -> Result<(), BenchmarkError> {
		go_to_working_block::<T>();
		let (owner, node_id) = registered::<T>(NodeType::Validator, 0);
		let new_owner = offered::<T>(&owner, &node_id)?;
		full_round_list::<T>();

		#[extrinsic_call]
		_(RawOrigin::Signed(owner), node_id_param(&peer_of(&node_key(0)), b), new_owner.clone());

		assert_eq!(
			NodeOwnershipOffers::<T>::get(&node_id).map(|offer| offer.new_owner),
			Some(new_owner)
		);
		Ok(())
	}

	/// Worst case: the whitelist is full with the reporter last; the reporter is staked; the
	/// round's list is full but for the nodes it is the first to report (its whole share), the
	/// other nodes it names are at the list's end, and its own ballot is nearly full.
	#[benchmark]
	fn submit_deregistration_report(
		n: Linear<1, { T::MaxNodesPerReport::get().min(T::MaxReportsPerRound::get()) }>,
	) -> Result<(), BenchmarkError> {
		DeregistrationEnabled::<T>::put(true);
		let (reporter, _) = registered::<T>(NodeType::Validator, 0);
		staked::<T>(&reporter)?;
		let mut whitelist: Vec<T::AccountId> = (0..T::MaxWhitelistedValidators::get()
			.saturating_sub(1))
			.map(|i| account("listed", i, 0))
			.collect();
		whitelist.push(reporter.clone());
		WhitelistedValidators::<T>::put(BoundedVec::truncate_from(whitelist));

		let round = Pallet::<T>::current_round();
		let fresh = n.min(Pallet::<T>::report_share());
		let others = T::MaxReportedNodesPerRound::get().saturating_sub(fresh);
		let mut listed = Vec::new();
		for i in 0..others {
			let (_, node_id) = registered::<T>(NodeType::StorageMiner, 1_000 + i);
			listed.push(NodeVotes { node_id, votes: 1 });
		}
		let mine: Vec<NodeId> = listed
			.iter()
			.take(T::MaxReportsPerRound::get().saturating_sub(n) as usize)
			.map(|v| v.node_id.clone())
			.collect();
		let mut targets: Vec<NodeIdParam> = listed
			.iter()
			.rev()
			.take((n - fresh) as usize)
			.map(|v| NodeIdParam::truncate_from(v.node_id.clone().into_inner()))
			.collect();
		ReportedNodes::<T>::put(RoundReports { round, nodes: BoundedVec::truncate_from(listed) });
		TemporaryDeregistrationReports::<T>::insert(
			&reporter,
			ReporterRound { round, node_ids: BoundedVec::truncate_from(mine), added: 0 },
		);
		for i in 0..fresh {
			let (_, node_id) = registered::<T>(NodeType::StorageMiner, 2_000 + i);
			targets.push(NodeIdParam::truncate_from(node_id.into_inner()));
		}

		#[extrinsic_call]
		_(RawOrigin::Signed(reporter.clone()), BoundedVec::truncate_from(targets));

		assert_eq!(ReportSubmissionCount::<T>::get(&reporter).map(|s| s.count), Some(1));
		assert_eq!(
			TemporaryDeregistrationReports::<T>::get(&reporter).map(|r| r.added),
			Some(fresh)
		);
		Ok(())
	}

	#[benchmark]
	fn set_account_ban_status() {
		let who: T::AccountId = account("banned", 0, 0);

		#[extrinsic_call]
		_(RawOrigin::Root, who.clone(), true);

		assert!(BannedAccounts::<T>::get(&who));
	}

	#[benchmark]
	fn set_whitelisted_validators(n: Linear<0, { T::MaxWhitelistedValidators::get() }>) {
		let validators: Vec<T::AccountId> = (0..n).map(|i| account("validator", i, 0)).collect();

		#[extrinsic_call]
		_(RawOrigin::Root, BoundedVec::truncate_from(validators));

		assert_eq!(WhitelistedValidators::<T>::get().len() as u32, n);
	}

	#[benchmark]
	fn set_deregistration_enabled() {
		#[extrinsic_call]
		_(RawOrigin::Root, true);

		assert!(DeregistrationEnabled::<T>::get());
	}

	/// Worst case: a bonded validator node, the main node of its old owner's fleet, whose old
	/// owner claimed part of the open round's list (so a place under `MaxValidators` is checked
	/// and it is counted as departed), a new owner with stake, an expired cooldown anchor to
	/// read and a deposit to hold, and a full round list to scan.
	#[benchmark]
	fn accept_node_ownership(b: Linear<0, 1>) -> Result<(), BenchmarkError> {
		go_to_working_block::<T>();
		let (owner, node_id) = registered::<T>(NodeType::Validator, 0);
		full_report_state::<T>(&owner);
		leaving_worst_case::<T>(&owner, &node_id, NodeType::Validator);
		let new_owner = offered::<T>(&owner, &node_id)?;
		full_round_list::<T>();

		#[extrinsic_call]
		_(RawOrigin::Signed(new_owner.clone()), node_id_param(&peer_of(&node_key(0)), b));

		assert_eq!(
			ColdkeyNodeRegistrationV2::<T>::get(&node_id).map(|info| info.owner),
			Some(new_owner)
		);
		assert_eq!(DepartedReporters::<T>::get().count, 1);
		Ok(())
	}

	#[benchmark]
	fn cancel_node_ownership_offer(b: Linear<0, 1>) -> Result<(), BenchmarkError> {
		let (owner, node_id) = registered::<T>(NodeType::Validator, 0);
		offered::<T>(&owner, &node_id)?;

		#[extrinsic_call]
		_(RawOrigin::Signed(owner), node_id_param(&peer_of(&node_key(0)), b));

		assert!(!NodeOwnershipOffers::<T>::contains_key(&node_id));
		Ok(())
	}

	/// Worst case: as `register_node_with_coldkey` (a staked validator owner with expired
	/// cooldown anchors, fee charging on, `FILLED` nodes and used challenges), with the owner's
	/// signature over the `<Bytes>`-wrapped consent, so the bare form is tried first and fails.
	#[benchmark(pov_mode = Measured { System: MaxEncodedLen, Balances: MaxEncodedLen, Staking: MaxEncodedLen })]
	fn register_node_with_consent() -> Result<(), BenchmarkError> {
		let now = go_to_working_block::<T>();
		fill_registry_and_challenges::<T>(
			FILLED,
			now.saturating_add(T::MaxChallengeLifetime::get()),
		);
		let owner = T::BenchmarkHelper::owner(0);
		fund::<T>(&owner);
		staked::<T>(&owner)?;
		FeeChargingEnabled::<T>::put(true);
		with_deposits::<T>();
		let key = node_key(0);
		let peer = peer_of(&key);
		expired_cooldowns::<T>(&owner, &peer.to_node_id());
		let consent = consent_for::<T>(&owner, &peer, NodeType::Validator, now);
		let signature = T::BenchmarkHelper::sign(0, &wrapped(&consent.encode()));
		let (challenge, node_sig) = node_proof::<T>(&owner, &key, now);
		let submitter = funded::<T>("submitter", 0);

		#[extrinsic_call]
		_(
			RawOrigin::Signed(submitter),
			NodeType::Validator,
			Box::new(consent),
			signature,
			PublicKeyParam::truncate_from(key.0.to_vec()),
			node_sig,
			challenge,
		);

		assert_eq!(
			ColdkeyNodeRegistrationV2::<T>::get(peer.to_node_id()).map(|info| info.owner),
			Some(owner)
		);
		Ok(())
	}

	/// Worst case: as `register_node_with_coldkey`, with the fee limit checked.
	#[benchmark(pov_mode = Measured { System: MaxEncodedLen, Balances: MaxEncodedLen, Staking: MaxEncodedLen })]
	fn register_node_with_max_fee() -> Result<(), BenchmarkError> {
		let now = go_to_working_block::<T>();
		fill_registry_and_challenges::<T>(
			FILLED,
			now.saturating_add(T::MaxChallengeLifetime::get()),
		);
		let owner = funded::<T>("owner", 0);
		staked::<T>(&owner)?;
		FeeChargingEnabled::<T>::put(true);
		with_deposits::<T>();
		let key = node_key(0);
		let peer = peer_of(&key);
		expired_cooldowns::<T>(&owner, &peer.to_node_id());
		let (challenge, signature) = node_proof::<T>(&owner, &key, now);

		#[extrinsic_call]
		_(
			RawOrigin::Signed(owner.clone()),
			NodeType::Validator,
			node_id_param(&peer, 1),
			false,
			owner.clone(),
			Libp2pKeyType::Ed25519,
			PublicKeyParam::truncate_from(key.0.to_vec()),
			signature,
			challenge,
			NodeIdParam::truncate_from(peer.to_raw().to_vec()),
			T::MaxNodeTypeFee::get(),
		);

		assert_eq!(
			ColdkeyNodeRegistrationV2::<T>::get(peer.to_node_id()).map(|info| info.owner),
			Some(owner)
		);
		Ok(())
	}

	/// Worst case: the owner has all but one of its `MaxRevokedConsents` places taken.
	#[benchmark]
	fn revoke_consent() {
		let now = go_to_working_block::<T>();
		let owner = funded::<T>("owner", 0);
		RevokedConsentCount::<T>::insert(&owner, T::MaxRevokedConsents::get().saturating_sub(1));
		let consent = consent_for::<T>(&owner, &peer_of(&node_key(0)), NodeType::Validator, now);
		let hash = crate::consent::consent_hash(&consent);

		#[extrinsic_call]
		_(RawOrigin::Signed(owner.clone()), Box::new(consent));

		assert!(RevokedConsents::<T>::contains_key(&owner, hash));
	}

	/// Raising an owner's nonce floor above an earlier one.
	#[benchmark]
	fn revoke_consents_below() {
		let owner = funded::<T>("owner", 0);
		ConsentNonceFloor::<T>::insert(&owner, 1);

		#[extrinsic_call]
		_(RawOrigin::Signed(owner.clone()), 2);

		assert_eq!(ConsentNonceFloor::<T>::get(&owner), 2);
	}

	/// Worst case: a submitter with the owner's `<Bytes>`-wrapped consent; the node has a
	/// pending offer to withdraw, a full record to remove and an expired rotation anchor; the new id an expired cooldown
	/// anchor; the round's list is full (scanned for the node); `FILLED` nodes and used
	/// challenges are stored. The node id is given in base58 (its form costs nothing
	/// measurable, as for registration).
	#[benchmark(pov_mode = Measured { System: MaxEncodedLen, Balances: MaxEncodedLen, Staking: MaxEncodedLen })]
	fn rotate_node_key() -> Result<(), BenchmarkError> {
		let now = go_to_working_block::<T>();
		fill_registry_and_challenges::<T>(
			FILLED,
			now.saturating_add(T::MaxChallengeLifetime::get()),
		);
		let owner = T::BenchmarkHelper::owner(0);
		fund::<T>(&owner);
		let old_key = node_key(0);
		let old_peer = peer_of(&old_key);
		let old_id = old_peer.to_node_id();
		Pallet::<T>::insert_node(
			old_id.clone(),
			NodeType::Validator,
			owner.clone(),
			&old_peer,
			now,
		);
		offered::<T>(&owner, &old_id)?;
		give_full_record::<T>(&old_id, &old_key);
		with_deposits::<T>();
		if Pallet::<T>::hold_bond(&owner, &old_id, NodeType::Validator).is_err() {
			return Err(BenchmarkError::Stop("the owner holds the deposit"));
		}
		NodeKeyRotatedAt::<T>::insert(&old_id, BlockNumberFor::<T>::zero());
		full_round_list::<T>();
		let new_key = node_key(1);
		let new_peer = peer_of(&new_key);
		NodeLastDeregisteredAt::<T>::insert(new_peer.to_node_id(), BlockNumberFor::<T>::zero());
		let mut consent = consent_for::<T>(&owner, &new_peer, NodeType::Validator, now);
		consent.may_rotate = true;
		let owner_sig = T::BenchmarkHelper::sign(0, &wrapped(&consent.encode()));
		let (challenge, new_sig) = node_proof::<T>(&owner, &new_key, now);
		let rotation = KeyRotation {
			domain: ROTATE_DOMAIN,
			genesis_hash: Pallet::<T>::genesis_hash(),
			owner: owner.clone(),
			old_peer_id: old_peer.to_raw(),
			new_peer_id: new_peer.to_raw(),
			challenge_hash: H256(sp_io::hashing::blake2_256(&challenge)),
		};
		let old_sig = ed25519_signature(&old_key, &rotation.encode());
		let submitter = funded::<T>("submitter", 0);

		#[extrinsic_call]
		_(
			RawOrigin::Signed(submitter),
			node_id_param(&old_peer, 1),
			PublicKeyParam::truncate_from(new_key.0.to_vec()),
			new_sig,
			challenge,
			Box::new(rotation),
			old_sig,
			Some(Box::new((consent, owner_sig))),
		);

		assert_eq!(
			ColdkeyNodeRegistrationV2::<T>::get(new_peer.to_node_id()).map(|info| info.owner),
			Some(owner)
		);
		assert!(!ColdkeyNodeRegistrationV2::<T>::contains_key(&old_id));
		Ok(())
	}

	/// Worst case: `a` addresses and `c` capabilities, each of the longest length (every
	/// address parsed to its `/p2p/` component) and the longest version, replacing a record with
	/// every address and capability, none of which the new record names: each old capability
	/// is removed from the index and each new one added (`MaxCapabilities + c` writes).
	#[benchmark]
	fn publish_node_record(
		a: Linear<0, { T::MaxAddresses::get() }>,
		c: Linear<0, { T::MaxCapabilities::get() }>,
	) {
		let (key, node_id, registered_at) = node_with_full_record::<T>(0);
		let record = record_of::<T>(&peer_of(&key), 2, a, c, T::MaxCapabilities::get());
		let old: Vec<CapabilityOf<T>> = NodeRecords::<T>::get(&node_id)
			.map(|stored| stored.record.capabilities.into_inner())
			.unwrap_or_default();
		let signature = record_signature::<T>(&key, registered_at, &record);

		// Authorized, as a general fee-less transaction (a bare one does the same work, and its
		// check in the block is `authorize_publish_node_record`).
		#[extrinsic_call]
		_(
			RawOrigin::Authorized,
			node_id_param(&peer_of(&key), 1),
			Box::new(record.clone()),
			signature,
		);

		assert_eq!(NodeRecords::<T>::get(&node_id).map(|stored| stored.record.seq), Some(2));
		// The two sets are disjoint: every old entry went, every new one came.
		assert_eq!(old.len() as u32, T::MaxCapabilities::get());
		for capability in &old {
			assert!(!record.capabilities.contains(capability));
			assert!(!NodesByCapability::<T>::contains_key(capability, &node_id));
		}
		for capability in record.capabilities.iter() {
			assert!(NodesByCapability::<T>::contains_key(capability, &node_id));
		}
	}

	/// The pool's check of a fee-less record at its largest (every address and capability).
	#[benchmark]
	fn authorize_publish_node_record() -> Result<(), BenchmarkError> {
		let (key, _, registered_at) = node_with_full_record::<T>(0);
		let record = record_of::<T>(
			&peer_of(&key),
			2,
			T::MaxAddresses::get(),
			T::MaxCapabilities::get(),
			T::MaxCapabilities::get(),
		);
		let signature = record_signature::<T>(&key, registered_at, &record);
		let call = Call::<T>::publish_node_record {
			node_id: node_id_param(&peer_of(&key), 1),
			record: Box::new(record),
			signature,
		};

		#[block]
		{
			use frame_support::pallet_prelude::Authorize;
			call.authorize(TransactionSource::External)
				.ok_or("the call authorizes itself")?
				.map_err(|_| "a valid record")?;
		}

		Ok(())
	}

	/// An ordinary heartbeat (the node was not silent), with the longest version, among
	/// `FILLED` nodes.
	#[benchmark(pov_mode = Measured { System: MaxEncodedLen, Balances: MaxEncodedLen, Staking: MaxEncodedLen })]
	fn heartbeat() {
		fill_registry_and_challenges::<T>(FILLED, frame_system::Pallet::<T>::block_number());
		let (_, node_id) = registered::<T>(NodeType::StorageMiner, 0);
		let key = node_key(0);
		let (period, version, signature) = heartbeat_of::<T>(&key);

		#[extrinsic_call]
		_(RawOrigin::Authorized, node_id_param(&peer_of(&key), 1), period, version, signature);

		assert!(NodeLiveness::<T>::get(&node_id).is_some_and(|l| l.heartbeat_sent));
	}

	/// A heartbeat of an `Offline` node: it is `Online` again and queued for the sweep, among
	/// `FILLED` nodes.
	#[benchmark(pov_mode = Measured { System: MaxEncodedLen, Balances: MaxEncodedLen, Staking: MaxEncodedLen })]
	fn heartbeat_back_online() {
		fill_registry_and_challenges::<T>(FILLED, frame_system::Pallet::<T>::block_number());
		let (_, node_id) = registered::<T>(NodeType::StorageMiner, 0);
		if let Some(mut info) = ColdkeyNodeRegistrationV2::<T>::get(&node_id) {
			Pallet::<T>::set_status(&mut info, Status::Offline);
			ColdkeyNodeRegistrationV2::<T>::insert(&node_id, info);
		}
		NodeLiveness::<T>::mutate(&node_id, |liveness| {
			if let Some(liveness) = liveness {
				liveness.silent = true;
			}
		});
		let key = node_key(0);
		let (period, version, signature) = heartbeat_of::<T>(&key);

		#[extrinsic_call]
		heartbeat(
			RawOrigin::Authorized,
			node_id_param(&peer_of(&key), 1),
			period,
			version,
			signature,
		);

		assert_eq!(
			ColdkeyNodeRegistrationV2::<T>::get(&node_id).map(|info| info.status),
			Some(Status::Online)
		);
	}

	/// The pool's check of a fee-less heartbeat, among `FILLED` nodes.
	#[benchmark(pov_mode = Measured { System: MaxEncodedLen, Balances: MaxEncodedLen, Staking: MaxEncodedLen })]
	fn authorize_heartbeat() -> Result<(), BenchmarkError> {
		fill_registry_and_challenges::<T>(FILLED, frame_system::Pallet::<T>::block_number());
		registered::<T>(NodeType::StorageMiner, 0);
		let key = node_key(0);
		let (period, version, signature) = heartbeat_of::<T>(&key);
		let call = Call::<T>::heartbeat {
			node_id: node_id_param(&peer_of(&key), 1),
			period,
			version,
			signature,
		};

		#[block]
		{
			use frame_support::pallet_prelude::Authorize;
			call.authorize(TransactionSource::External)
				.ok_or("the call authorizes itself")?
				.map_err(|_| "a valid heartbeat")?;
		}

		Ok(())
	}

	/// `k` liveness entries of one block, each finding an `Online` node silent: the node
	/// becomes `Offline` (status index, counts, event) and `OnNodeOffline` is told; among
	/// `FILLED` nodes.
	#[benchmark(pov_mode = Measured { System: MaxEncodedLen, Balances: MaxEncodedLen, Staking: MaxEncodedLen })]
	fn sweep_offline_items(k: Linear<0, MAX_PRUNED_IN_ONE_BLOCK>) {
		fill_registry_and_challenges::<T>(FILLED, frame_system::Pallet::<T>::block_number());
		// Every node registered in this block: each is silent from `check_at`.
		let check_at = Pallet::<T>::silent_from(frame_system::Pallet::<T>::block_number());
		for i in 0..k {
			registered::<T>(NodeType::GpuMiner, 20_000 + i);
		}
		let now = check_at.saturating_add(One::one());
		frame_system::Pallet::<T>::set_block_number(now);
		NextExpiryToPrune::<T>::put(check_at);
		let mut meter = frame_support::weights::WeightMeter::new();

		#[block]
		{
			Pallet::<T>::prune_expired(now, &mut meter);
		}

		assert_eq!(NodeCountByStatus::<T>::get(Status::Offline), k);
	}

	/// A block that is not a round's first and has nothing to prune.
	#[benchmark]
	fn on_initialize_base() {
		let now = go_to_working_block::<T>();
		NextExpiryToPrune::<T>::put(now);
		DeregistrationRound::<T>::put(RoundInfo { index: 0, ends_at: now });

		#[block]
		{
			Pallet::<T>::do_on_initialize(now);
		}

		assert_eq!(NextExpiryToPrune::<T>::get(), Some(now));
	}

	/// Worst case: `v` staked, whitelisted validators (last on a full whitelist), each with a
	/// ballot of the round naming up to `MaxReportsPerRound` of the `n` reported nodes; every
	/// reported node (each with a full record) reaches consensus and is removed.
	#[benchmark]
	fn tally_reports(
		v: Linear<0, { T::MaxValidators::get() }>,
		n: Linear<0, { T::MaxReportedNodesPerRound::get() }>,
	) -> Result<(), BenchmarkError> {
		DeregistrationEnabled::<T>::put(true);
		let now = go_to_working_block::<T>();
		let round = Pallet::<T>::current_round();
		let mut nodes = Vec::new();
		for i in 0..n {
			let (owner, node_id) = registered::<T>(NodeType::GpuMiner, 10_000 + i);
			give_full_record::<T>(&node_id, &node_key(10_000 + i));
			leaving_worst_case::<T>(&owner, &node_id, NodeType::GpuMiner);
			nodes.push(NodeVotes { node_id, votes: v.max(1) });
		}
		let ballot: Vec<NodeId> = nodes
			.iter()
			.take(T::MaxReportsPerRound::get() as usize)
			.map(|entry| entry.node_id.clone())
			.collect();
		let whitelist_len = T::MaxWhitelistedValidators::get().max(v);
		let mut whitelist: Vec<T::AccountId> =
			(0..whitelist_len.saturating_sub(v)).map(|i| account("listed", i, 0)).collect();
		for i in 0..v {
			let (owner, _) = registered::<T>(NodeType::Validator, i);
			staked::<T>(&owner)?;
			TemporaryDeregistrationReports::<T>::insert(
				&owner,
				ReporterRound {
					round,
					node_ids: BoundedVec::truncate_from(ballot.clone()),
					added: 0,
				},
			);
			whitelist.push(owner);
		}
		whitelist.truncate(T::MaxWhitelistedValidators::get() as usize);
		WhitelistedValidators::<T>::put(BoundedVec::truncate_from(whitelist));
		ReportedNodes::<T>::put(RoundReports { round, nodes: BoundedVec::truncate_from(nodes) });
		DeregistrationRound::<T>::put(RoundInfo {
			index: round,
			ends_at: now.saturating_sub(One::one()),
		});

		#[block]
		{
			Pallet::<T>::tally_reports(now);
		}

		assert!(ReportedNodes::<T>::get().is_none());
		assert_eq!(Pallet::<T>::current_round(), round + 1);
		if v >= T::ConsensusThreshold::get() && n <= T::MaxReportsPerRound::get() {
			// Every voter named every node: all of them reached consensus.
			assert_eq!(NodeCountByType::<T>::get(NodeType::GpuMiner), 0);
		}
		Ok(())
	}

	/// `u` validator nodes whose owners hold no stake, each with a full record, a pending
	/// offer and a ballot that claims part of the open round's list: all removed.
	#[benchmark]
	fn remove_unstaked_validators(u: Linear<0, { T::MaxValidators::get() }>) {
		let mut unstaked = Vec::new();
		for i in 0..u {
			let (owner, node_id) = registered::<T>(NodeType::Validator, i);
			give_full_record::<T>(&node_id, &node_key(i));
			full_report_state::<T>(&owner);
			leaving_worst_case::<T>(&owner, &node_id, NodeType::Validator);
			NodeOwnershipOffers::<T>::insert(
				&node_id,
				OwnershipOffer {
					owner: owner.clone(),
					new_owner: account("new_owner", i, 0),
					expires_at: frame_system::Pallet::<T>::block_number(),
				},
			);
			unstaked.extend(ColdkeyNodeRegistrationV2::<T>::get(&node_id));
		}

		#[block]
		{
			Pallet::<T>::remove_unstaked_validators(unstaked);
		}

		assert_eq!(NodeCountByType::<T>::get(NodeType::Validator), 0);
	}

	/// `k` entries of one block removed by one iterator, then the block found drained. Each is
	/// a reporter's state whose round and window are over (two items to read and remove: the
	/// most any entry costs).
	#[benchmark]
	fn prune_expired_items(k: Linear<0, MAX_PRUNED_IN_ONE_BLOCK>) {
		let now = go_to_working_block::<T>();
		let at = now.saturating_sub(One::one());
		DeregistrationRound::<T>::put(RoundInfo { index: 1, ends_at: now });
		for i in 0..k {
			let owner: T::AccountId = account("reporter", i, 0);
			TemporaryDeregistrationReports::<T>::insert(
				&owner,
				ReporterRound { round: 0, node_ids: BoundedVec::new(), added: 0 },
			);
			ReportSubmissionCount::<T>::insert(
				&owner,
				SubmissionWindow { started_at: Zero::zero(), count: 1 },
			);
			Pallet::<T>::schedule_expiry(at, Expiring::ReportState(owner));
		}
		NextExpiryToPrune::<T>::put(at);
		let mut meter = frame_support::weights::WeightMeter::new();

		#[block]
		{
			Pallet::<T>::prune_expired(now, &mut meter);
		}

		assert_eq!(TemporaryDeregistrationReports::<T>::iter_keys().count(), 0);
		assert_eq!(NextExpiryToPrune::<T>::get(), Some(now));
	}

	/// `k` bonds of nodes that left, queued in one block, each released (a hold released).
	#[benchmark]
	fn release_bonds(k: Linear<0, MAX_PRUNED_IN_ONE_BLOCK>) -> Result<(), BenchmarkError> {
		let now = go_to_working_block::<T>();
		let at = now.saturating_sub(One::one());
		let deposit = with_deposits::<T>();
		for i in 0..k {
			let owner = funded::<T>("bonded", i);
			let node_id = peer_of(&node_key(30_000 + i)).to_node_id();
			T::Currency::hold(&HoldReason::NodeBond.into(), &owner, deposit)
				.map_err(|_| BenchmarkError::Stop("a funded owner holds the deposit"))?;
			ReleasingBonds::<T>::insert(&owner, &node_id, (deposit, at));
			Pallet::<T>::schedule_expiry(at, Expiring::BondRelease(owner, node_id));
		}
		NextExpiryToPrune::<T>::put(at);
		let mut meter = frame_support::weights::WeightMeter::new();

		#[block]
		{
			Pallet::<T>::prune_expired(now, &mut meter);
		}

		assert_eq!(ReleasingBonds::<T>::iter_keys().count(), 0);
		Ok(())
	}

	#[benchmark]
	fn set_node_type_deposit() -> Result<(), BenchmarkError> {
		let origin =
			T::FeeOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let deposit = T::Currency::minimum_balance().max(One::one());

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, NodeType::GpuMiner, deposit);

		assert_eq!(NodeTypeDeposit::<T>::get(NodeType::GpuMiner), deposit);
		Ok(())
	}

	/// Worst case: as `force_unregister_coldkey_node`, with the bond forfeited (slashed to
	/// `OnBondSlashed`).
	#[benchmark]
	fn force_remove_node() {
		let (owner, node_id) = registered::<T>(NodeType::Validator, 0);
		full_report_state::<T>(&owner);
		give_full_record::<T>(&node_id, &node_key(0));
		leaving_worst_case::<T>(&owner, &node_id, NodeType::Validator);

		#[extrinsic_call]
		_(RawOrigin::Root, node_id_param(&peer_of(&node_key(0)), 1), true);

		assert!(!ColdkeyNodeRegistrationV2::<T>::contains_key(&node_id));
	}

	/// The cursor passes one block with nothing queued.
	#[benchmark]
	fn prune_expired_block() {
		let now = go_to_working_block::<T>();
		let at = now.saturating_sub(One::one());
		NextExpiryToPrune::<T>::put(at);
		let mut meter = frame_support::weights::WeightMeter::new();

		#[block]
		{
			Pallet::<T>::prune_expired(now, &mut meter);
		}

		assert_eq!(NextExpiryToPrune::<T>::get(), Some(now));
	}

	/// A step's fixed cost: the storage version and the node counts read, the counts written.
	#[benchmark]
	fn migration_step() {
		let mut migrator = migrations::Migrator::<T>::new(migration_cursor(
			migrations::MigrationPhase::RegistryIndex,
		));

		#[block]
		{
			let _ = StorageVersion::get::<Pallet<T>>();
			migrator = migrations::Migrator::<T>::new(migrator.cursor.clone());
			migrator.touch_counts();
			migrator.flush();
		}

		assert!(!migrator.done);
	}

	/// One key of an item the migration clears, found and removed.
	#[benchmark]
	fn migration_remove_entry() {
		let item = MigrationItem::LinkedNodes;
		migrations::put_v0::<T>(item, &1u32, &[0u8; 64]);
		let mut cursor = migration_cursor(migrations::MigrationPhase::Clear(item));
		cursor.last_key =
			Some(BoundedVec::truncate_from(migrations::v0_prefix::<T>(item).to_vec()));
		let mut migrator = migrations::Migrator::<T>::new(cursor);

		#[block]
		{
			migrator.unit();
		}

		assert_eq!(migrator.cursor.removed, 1);
	}

	/// A registry key of the reference found in the canonical form and left for the index
	/// phase.
	#[benchmark]
	fn migration_registry_key() {
		let (node_id, info) = v0_record::<T>(1, false, NodeType::GpuMiner, Status::Online);
		put_v0_record::<T>(&node_id, &info);
		let mut migrator = migrations::Migrator::<T>::new(migration_cursor(
			migrations::MigrationPhase::RegistryKeys,
		));

		#[block]
		{
			migrator.unit();
		}

		assert!(migrator.cursor.last_key.is_some());
	}

	/// Worst case: a raw-form registry entry whose PeerId is also registered in base58 form;
	/// the raw one is preferred (online) and takes the canonical key.
	#[benchmark]
	fn migration_registry_move() {
		let (base58, existing) = v0_record::<T>(1, false, NodeType::GpuMiner, Status::Offline);
		put_v0_record::<T>(&base58, &existing);
		let (raw, moved) = v0_record::<T>(1, true, NodeType::GpuMiner, Status::Online);
		let key = put_v0_record::<T>(&raw, &moved);
		let prefix = migrations::v0_prefix::<T>(MigrationItem::ColdkeyNodeRegistrationV2);
		let mut migrator = migrations::Migrator::<T>::new(migration_cursor(
			migrations::MigrationPhase::RegistryKeys,
		));

		#[block]
		{
			let _ = sp_io::storage::next_key(&prefix);
			migrator.registry_key(&key);
		}

		let stored = ColdkeyNodeRegistrationV2::<T>::get(NodeId::truncate_from(base58));
		assert_eq!(stored.map(|info| info.status), Some(Status::Online));
	}

	/// Worst case without a drop: a degraded validator (it becomes online, with an event) whose
	/// owner has no node yet, indexed everywhere.
	#[benchmark]
	fn migration_registry_node() {
		let (node_id, info) = v0_record::<T>(1, false, NodeType::Validator, Status::Degraded);
		let key = put_v0_record::<T>(&node_id, &info);
		let prefix = migrations::v0_prefix::<T>(MigrationItem::ColdkeyNodeRegistrationV2);
		let mut migrator = migrations::Migrator::<T>::new(migration_cursor(
			migrations::MigrationPhase::RegistryIndex,
		));

		#[block]
		{
			let _ = sp_io::storage::next_key(&prefix);
			migrator.registry_node(&key);
		}

		assert!(NodesByStatus::<T>::contains_key(Status::Online, NodeId::truncate_from(node_id)));
	}

	/// An indexed node dropped from the registry and every index, with its event.
	#[benchmark]
	fn migration_drop_node() -> Result<(), BenchmarkError> {
		let mut migrator = migrations::Migrator::<T>::new(migration_cursor(
			migrations::MigrationPhase::RegistryIndex,
		));
		let info = v0_indexed::<T>(&mut migrator, 1, NodeType::GpuMiner)?;
		let node_id = info.node_id.clone();

		#[block]
		{
			migrator.drop_indexed(info, MigrationDropReason::DuplicateOwner);
		}

		assert!(!ColdkeyNodeRegistrationV2::<T>::contains_key(node_id));
		Ok(())
	}

	/// `v` kept validator nodes compared with one more, which is preferred: the least preferred
	/// kept one is dropped.
	#[benchmark]
	fn migration_validator_scan(
		v: Linear<0, { T::MaxValidators::get() }>,
	) -> Result<(), BenchmarkError> {
		let mut migrator = migrations::Migrator::<T>::new(migration_cursor(
			migrations::MigrationPhase::Validators,
		));
		let mut nodes = Vec::new();
		for i in 0..=v {
			nodes.push(v0_indexed::<T>(&mut migrator, 100 + i, NodeType::Validator)?);
		}
		// The candidate is the last in storage order: the others are the kept ones.
		nodes.sort_by_key(|info| {
			NodesByType::<T>::hashed_key_for(NodeType::Validator, &info.node_id)
		});
		let candidate = nodes.pop().ok_or(BenchmarkError::Stop("one validator at least"))?;
		let mut info = candidate.clone();
		info.registered_at = Zero::zero();
		ColdkeyNodeRegistrationV2::<T>::insert(&candidate.node_id, info);
		migrator.cursor.kept = T::MaxValidators::get();

		#[block]
		{
			migrator.validator(&candidate.node_id);
		}

		// One of the `v + 1` is dropped: the candidate when nothing is kept, else a kept one.
		assert_eq!(NodesByType::<T>::iter_key_prefix(NodeType::Validator).count() as u32, v);
		Ok(())
	}

	/// Worst case of the small maps: a fee out of bounds moved to its new key, brought within
	/// the bounds, with its event.
	#[benchmark]
	fn migration_rekey_entry() {
		let key = migrations::put_v0::<T>(
			MigrationItem::CurrentNodeTypeFee,
			&NodeType::GpuMiner,
			&BalanceOf::<T>::zero(),
		);
		let prefix = migrations::v0_prefix::<T>(MigrationItem::CurrentNodeTypeFee);
		let mut migrator = migrations::Migrator::<T>::new(migration_cursor(
			migrations::MigrationPhase::NodeTypeMap(MigrationItem::CurrentNodeTypeFee),
		));

		#[block]
		{
			let _ = sp_io::storage::next_key(&prefix);
			migrator.node_type_entry(MigrationItem::CurrentNodeTypeFee, &key);
		}

		assert_eq!(
			CurrentNodeTypeFee::<T>::get(NodeType::GpuMiner),
			Some(T::MinNodeTypeFee::get())
		);
	}

	/// Worst case of the queued maps: a raw-form cooldown anchor whose base58 form has one too,
	/// moved, merged and queued.
	#[benchmark]
	fn migration_rekey_queued() {
		let now = go_to_working_block::<T>();
		let peer = peer_of(&node_key(1));
		let item = MigrationItem::NodeLastDeregisteredAt;
		migrations::put_v0::<T>(item, &peer.to_node_id().into_inner(), &now);
		let key = migrations::put_v0::<T>(item, &peer.to_raw().to_vec(), &now);
		let prefix = migrations::v0_prefix::<T>(item);
		let mut migrator =
			migrations::Migrator::<T>::new(migration_cursor(migrations::MigrationPhase::Cooldowns));

		#[block]
		{
			let _ = sp_io::storage::next_key(&prefix);
			migrator.cooldown(&key);
		}

		assert_eq!(NodeLastDeregisteredAt::<T>::get(peer.to_node_id()), Some(now));
	}

	/// A whitelist of `n` distinct accounts, longer than `MaxWhitelistedValidators`: read,
	/// deduplicated, cut and written. Its proof is measured: the list read is the reference's,
	/// up to `V0_MAX_WHITELIST` accounts, not today's bounded one.
	#[benchmark(pov_mode = Measured)]
	fn migration_whitelist(n: Linear<0, { migrations::V0_MAX_WHITELIST }>) {
		let accounts: Vec<T::AccountId> = (0..n).map(|i| account("listed", i, 0)).collect();
		frame_support::storage::unhashed::put_raw(
			&migrations::v0_prefix::<T>(MigrationItem::WhitelistedValidators),
			&accounts.encode(),
		);
		let mut migrator =
			migrations::Migrator::<T>::new(migration_cursor(migrations::MigrationPhase::Whitelist));

		#[block]
		{
			migrator.whitelist();
		}

		assert_eq!(migrator.cursor.removed, n.saturating_sub(T::MaxWhitelistedValidators::get()));
	}

	/// A node of the version 1 layout given its status index entry and liveness.
	#[benchmark]
	fn migration_v1_node() {
		let (_, node_id) = registered::<T>(NodeType::GpuMiner, 1);
		NodesByStatus::<T>::remove(Status::Online, &node_id);
		NodeLiveness::<T>::remove(&node_id);
		let key = ColdkeyNodeRegistrationV2::<T>::hashed_key_for(&node_id);
		let prefix = migrations::v0_prefix::<T>(MigrationItem::ColdkeyNodeRegistrationV2);
		let mut migrator =
			migrations::Migrator::<T>::new(migration_cursor(migrations::MigrationPhase::V1Index));

		#[block]
		{
			let _ = sp_io::storage::next_key(&prefix);
			migrator.v1_node(&key);
		}

		assert!(NodeLiveness::<T>::contains_key(&node_id));
	}

	/// The last step, worst case: both switches undecodable, no round, no prune cursor.
	#[benchmark]
	fn migration_finish() {
		for item in [MigrationItem::FeeChargingEnabled, MigrationItem::DeregistrationEnabled] {
			frame_support::storage::unhashed::put_raw(&migrations::v0_prefix::<T>(item), &[7u8]);
		}
		DeregistrationRound::<T>::kill();
		NextExpiryToPrune::<T>::kill();
		let mut migrator =
			migrations::Migrator::<T>::new(migration_cursor(migrations::MigrationPhase::Finish));

		#[block]
		{
			migrator.finish();
		}

		assert_eq!(StorageVersion::get::<Pallet<T>>(), crate::STORAGE_VERSION);
	}

	impl_benchmark_test_suite!(
		Pallet,
		crate::mock::ExtBuilder::default().build(),
		crate::mock::Test
	);
}
