//! Benchmarks of every call and hook step, each at its worst case.

// Benchmark set-up code: its arithmetic only builds bounded inputs.
#![allow(clippy::arithmetic_side_effects)]

use super::*;
use crate::{pallet::*, peer_id::Ed25519PeerId};
use alloc::{format, vec::Vec};
use codec::Encode;
use frame_benchmarking::v2::*;
use frame_support::{
	pallet_prelude::*,
	traits::fungible::{Inspect, Mutate},
};
use frame_system::{pallet_prelude::BlockNumberFor, RawOrigin};
use sp_core::{crypto::KeyTypeId, H256};
use sp_runtime::traits::{Bounded, One, Saturating, Zero};
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

/// Fills the registry (every index) and the used-challenge set (with its expiry queue) with
/// `count` entries each, written directly: no events, no signatures.
fn fill_registry_and_challenges<T: Config>(count: u32, expires_at: BlockNumberFor<T>) {
	for i in 0..count {
		let mut key = [0xf1; 32];
		key[..4].copy_from_slice(&i.to_le_bytes());
		let peer = Ed25519PeerId::from_public_key(key);
		let node_id = peer.to_node_id();
		let owner: T::AccountId = account("filler", i, 0);
		let node_type = NodeType::ALL
			.get(i as usize % NodeType::ALL.len())
			.copied()
			.unwrap_or(NodeType::GpuMiner);
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
		let hash = H256(sp_io::hashing::blake2_256(&i.to_le_bytes()));
		UsedChallenges::<T>::insert(hash, expires_at);
		ExpiryQueue::<T>::insert(expires_at, Expiring::Challenge(hash), ());
	}
}

/// An account with plenty of funds.
fn funded<T: Config>(name: &'static str, index: u32) -> T::AccountId {
	let who: T::AccountId = account(name, index, 0);
	let amount = BalanceOf::<T>::max_value() / 1024u32.into();
	T::Currency::set_balance(&who, amount);
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

/// Leaves expired cooldown anchors for `owner` and `node_id`, so registration reads them.
fn expired_cooldowns<T: Config>(owner: &T::AccountId, node_id: &NodeId) {
	NodeLastDeregisteredAt::<T>::insert(node_id, BlockNumberFor::<T>::zero());
	OwnerLastDeregisteredAt::<T>::insert(owner, BlockNumberFor::<T>::zero());
}

/// Gives `reporter` full report state, so removing or moving it costs the most.
fn full_report_state<T: Config>(reporter: &T::AccountId) {
	let round = Pallet::<T>::current_round();
	let node_ids: Vec<NodeId> = (0..T::MaxReportsPerRound::get())
		.map(|i| peer_of(&sp_core::ed25519::Public::from_raw([i as u8; 32])).to_node_id())
		.collect();
	TemporaryDeregistrationReports::<T>::insert(
		reporter,
		ReporterRound { round, node_ids: BoundedVec::truncate_from(node_ids) },
	);
	ReportSubmissionCount::<T>::insert(reporter, SubmissionWindow { window: 0, count: 1 });
}

/// Moves to a block where cooldowns anchored at 0 are over and challenges can be built.
fn go_to_working_block<T: Config>() -> BlockNumberFor<T> {
	let now = T::NodeCooldownPeriod::get()
		.saturating_add(T::ConsensusPeriod::get())
		.saturating_add(One::one());
	frame_system::Pallet::<T>::set_block_number(now);
	now
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
	#[benchmark]
	fn register_node_with_coldkey() -> Result<(), BenchmarkError> {
		let now = go_to_working_block::<T>();
		fill_registry_and_challenges::<T>(
			FILLED,
			now.saturating_add(T::MaxChallengeLifetime::get()),
		);
		let owner = funded::<T>("owner", 0);
		staked::<T>(&owner)?;
		FeeChargingEnabled::<T>::put(true);
		let key = node_key(0);
		let peer = peer_of(&key);
		expired_cooldowns::<T>(&owner, &peer.to_node_id());
		let challenge = RegisterChallenge {
			domain: REGISTER_DOMAIN,
			genesis_hash: Pallet::<T>::genesis_hash(),
			account: owner.clone(),
			node_id_hash: H256(sp_io::hashing::blake2_256(&peer.to_raw())),
			ipfs_peer_id_hash: H256(sp_io::hashing::blake2_256(b"")),
			block_number: now,
			nonce: [7; 32],
			expires_at: now.saturating_add(T::MaxChallengeLifetime::get()),
		}
		.encode();
		let signature = sp_io::crypto::ed25519_sign(NODE_KEY, &key, &challenge)
			.map(|s| s.0.to_vec())
			.unwrap_or_default();

		#[extrinsic_call]
		_(
			RawOrigin::Signed(owner.clone()),
			NodeType::Validator,
			node_id_param(&peer, 1),
			false,
			owner.clone(),
			Libp2pKeyType::Ed25519,
			PublicKeyParam::truncate_from(key.0.to_vec()),
			SignatureParam::truncate_from(signature),
			ChallengeBytes::<T>::truncate_from(challenge),
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

	/// Worst case: a validator with report state is removed and both cooldowns start.
	#[benchmark]
	fn force_unregister_coldkey_node(b: Linear<0, 1>) {
		let (owner, node_id) = registered::<T>(NodeType::Validator, 0);
		full_report_state::<T>(&owner);

		#[extrinsic_call]
		_(RawOrigin::Root, node_id_param(&peer_of(&node_key(0)), b));

		assert!(!ColdkeyNodeRegistrationV2::<T>::contains_key(&node_id));
	}

	/// Worst case: as `force_unregister_coldkey_node`, signed by the owner.
	#[benchmark]
	fn unregister_main_node(b: Linear<0, 1>) {
		let (owner, node_id) = registered::<T>(NodeType::Validator, 0);
		full_report_state::<T>(&owner);

		#[extrinsic_call]
		_(RawOrigin::Signed(owner), node_id_param(&peer_of(&node_key(0)), b));

		assert!(!ColdkeyNodeRegistrationV2::<T>::contains_key(&node_id));
	}

	/// Worst case: a validator node (stake check of the new owner) whose report state moves,
	/// with an expired cooldown anchor of the new owner to read.
	#[benchmark]
	fn swap_node_owner(b: Linear<0, 1>) -> Result<(), BenchmarkError> {
		go_to_working_block::<T>();
		let (owner, node_id) = registered::<T>(NodeType::Validator, 0);
		full_report_state::<T>(&owner);
		let new_owner = funded::<T>("new_owner", 1);
		staked::<T>(&new_owner)?;
		OwnerLastDeregisteredAt::<T>::insert(&new_owner, BlockNumberFor::<T>::zero());

		#[extrinsic_call]
		_(RawOrigin::Signed(owner), node_id_param(&peer_of(&node_key(0)), b), new_owner.clone());

		assert_eq!(
			ColdkeyNodeRegistrationV2::<T>::get(&node_id).map(|info| info.owner),
			Some(new_owner)
		);
		Ok(())
	}

	/// Worst case: the whitelist is full with the reporter last, the round's list of reported
	/// nodes is full but for the new ones, and the reporter's own list nearly full.
	#[benchmark]
	fn submit_deregistration_report(
		n: Linear<1, { T::MaxNodesPerReport::get().min(T::MaxReportsPerRound::get()) }>,
	) {
		DeregistrationEnabled::<T>::put(true);
		let (reporter, _) = registered::<T>(NodeType::Validator, 0);
		let mut whitelist: Vec<T::AccountId> = (0..T::MaxWhitelistedValidators::get()
			.saturating_sub(1))
			.map(|i| account("listed", i, 0))
			.collect();
		whitelist.push(reporter.clone());
		WhitelistedValidators::<T>::put(BoundedVec::truncate_from(whitelist));

		let round = Pallet::<T>::current_round();
		let others = T::MaxReportedNodesPerRound::get().saturating_sub(n);
		let mut voted = Vec::new();
		for i in 0..others {
			let (_, node_id) = registered::<T>(NodeType::StorageMiner, 1_000 + i);
			voted.push(NodeVotes { node_id, votes: 1 });
		}
		let mine: Vec<NodeId> = voted
			.iter()
			.take(T::MaxReportsPerRound::get().saturating_sub(n) as usize)
			.map(|v| v.node_id.clone())
			.collect();
		ReportedNodes::<T>::put(RoundReports { round, nodes: BoundedVec::truncate_from(voted) });
		TemporaryDeregistrationReports::<T>::insert(
			&reporter,
			ReporterRound { round, node_ids: BoundedVec::truncate_from(mine) },
		);
		let targets: Vec<NodeIdParam> = (0..n)
			.map(|i| {
				let (_, node_id) = registered::<T>(NodeType::StorageMiner, 2_000 + i);
				NodeIdParam::truncate_from(node_id.into_inner())
			})
			.collect();

		#[extrinsic_call]
		_(RawOrigin::Signed(reporter.clone()), BoundedVec::truncate_from(targets));

		assert_eq!(ReportSubmissionCount::<T>::get(&reporter).map(|s| s.count), Some(1),);
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

	/// A block that is not a round's first and has nothing to prune.
	#[benchmark]
	fn on_initialize_base() {
		let now = go_to_working_block::<T>();
		NextExpiryToPrune::<T>::put(now);

		#[block]
		{
			Pallet::<T>::do_on_initialize(now);
		}

		assert_eq!(NextExpiryToPrune::<T>::get(), Some(now));
	}

	/// Worst case: every reported node reached consensus and is a validator with report state,
	/// so each is removed with everything it owns.
	#[benchmark]
	fn tally_reports(n: Linear<0, { T::MaxReportedNodesPerRound::get() }>) {
		DeregistrationEnabled::<T>::put(true);
		let now = T::ConsensusPeriod::get();
		frame_system::Pallet::<T>::set_block_number(now);
		let mut nodes = Vec::new();
		for i in 0..n {
			let (owner, node_id) = registered::<T>(NodeType::Validator, i);
			full_report_state::<T>(&owner);
			nodes.push(NodeVotes { node_id, votes: u32::MAX });
		}
		ReportedNodes::<T>::put(RoundReports { round: 0, nodes: BoundedVec::truncate_from(nodes) });

		#[block]
		{
			Pallet::<T>::tally_reports(now);
		}

		assert_eq!(NodeCountByType::<T>::get(NodeType::Validator), 0);
		assert!(ReportedNodes::<T>::get().is_none());
	}

	/// One lookup that takes a queued entry: a node cooldown anchor (the longest key). The meter
	/// then cannot pay for another lookup, so the cursor stays on the block.
	#[benchmark]
	fn prune_expired_item() {
		let now = go_to_working_block::<T>();
		let at = now.saturating_sub(One::one());
		let node_id = peer_of(&node_key(0)).to_node_id();
		NodeLastDeregisteredAt::<T>::insert(&node_id, BlockNumberFor::<T>::zero());
		Pallet::<T>::schedule_expiry(at, Expiring::NodeCooldown(node_id.clone()));
		NextExpiryToPrune::<T>::put(at);
		let lookup = T::WeightInfo::prune_expired_item().max(T::WeightInfo::prune_expired_block());
		let mut meter = frame_support::weights::WeightMeter::with_limit(lookup);

		#[block]
		{
			Pallet::<T>::prune_expired(now, &mut meter);
		}

		assert!(!NodeLastDeregisteredAt::<T>::contains_key(&node_id));
		assert_eq!(NextExpiryToPrune::<T>::get(), Some(at));
	}

	/// The cursor passes one block with nothing queued.
	#[benchmark]
	fn prune_expired_block() {
		let now = go_to_working_block::<T>();
		let at = now.saturating_sub(One::one());
		NextExpiryToPrune::<T>::put(at);
		let lookup = T::WeightInfo::prune_expired_item().max(T::WeightInfo::prune_expired_block());
		let mut meter = frame_support::weights::WeightMeter::with_limit(lookup);

		#[block]
		{
			Pallet::<T>::prune_expired(now, &mut meter);
		}

		assert_eq!(NextExpiryToPrune::<T>::get(), Some(now));
	}

	impl_benchmark_test_suite!(
		Pallet,
		crate::mock::ExtBuilder::default().build(),
		crate::mock::Test
	);
}
