//! Performance harness: prints, in one run,
//!
//! 1. the native throughput of the full registration path (call decoding, checks, signature,
//!    writes, event) next to the raw throughput of `sp_io::crypto::ed25519_verify` over the same
//!    messages, and their ratio (target ≥ 0.5);
//! 2. the cost of `on_initialize` (time and weight used) with 10 … 100,000 registered nodes and
//!    as many used challenges outstanding, in an ordinary block and in one where every periodic
//!    job fires, and the ratio of the largest to the smallest (target ≤ 1.1);
//! 3. how many registrations fit one block of the dev runtime by the generated weights, by
//!    ref_time and by proof size (target ≥ 1,000);
//! 4. the time of pruning k expiry entries of one block (k = 1 … 1,000) against the weight the
//!    hook charges for them: time ÷ weight must stay flat (pruning is linear and so is its
//!    weight);
//! 5. liveness: a heartbeat's weight against a registration's (target ≤ 1/10); the share of a
//!    dev-runtime block that 100,000 nodes beating once an hour (6-s blocks) and the offline
//!    sweep take (target ≤ 10 %), as charged by the weights and as the storage proof of such a
//!    block measures against a 100,000-node state; and the sweep of the same due nodes with 10
//!    and with 100,000 nodes registered, by weight (target: equal) and by time;
//! 6. the sweep's capacity and how late its last check comes as the registry grows;
//! 7. fleets at scale: a registry of 1,000,000 nodes held by 10,000 owners of 100 (`--fleets N`
//!    sets the count): `on_initialize` at 10 nodes and at that size (target: the same weight), a
//!    registration for an owner with no node and with `MaxNodesPerOwner - 1` (the same weight;
//!    the ratio of their times), and the liveness share of a block at that size with the dev
//!    runtime's periods and with hourly ones (about 2.5 minutes and 11 GiB at 1,000,000).
//!
//! It runs on the shared mock runtime (tests/common/mock.rs) in native code; `--csv DIR` also
//! writes the hook measurements for `benchmarks/plot.py`; `--throughput-only` stops after the
//! first table (for profiling); `--fleets-only` runs section 7 alone.
//! Run: `benchmarks/run-harness.sh` (a release build).

// The harness uses a part of the shared mock.
#[path = "../../../tests/common/mock.rs"]
#[allow(dead_code, unused_imports)]
mod mock;

use codec::{Decode, Encode};
use frame_support::{
	dispatch::GetDispatchInfo,
	storage::{with_transaction, TransactionOutcome},
	traits::{fungible::Mutate, Get, Hooks, UnfilteredDispatchable},
	weights::Weight,
};
use mock::*;
use pallet_registration::{
	peer_id::Ed25519PeerId, Expiring, ExpiryQueue, NodeType, NodeVotes, ReportedNodes,
	RoundReports, UsedChallenges, WeightInfo,
};
use sp_core::H256;
use sp_runtime::DispatchError;
use std::time::{Duration, Instant};

fn median(mut samples: Vec<Duration>) -> Duration {
	samples.sort();
	samples[samples.len() / 2]
}

fn owner_of(i: u32) -> AccountId {
	let mut bytes = [0u8; 32];
	bytes[..4].copy_from_slice(&i.to_le_bytes());
	bytes[31] = 0xaa;
	AccountId::new(bytes)
}

fn key_of(i: u32) -> NodeKey {
	let mut seed = [0u8; 32];
	seed[..4].copy_from_slice(&i.to_le_bytes());
	seed[31] = 0xbb;
	NodeKey::from_seed(seed)
}

/// (registrations per second, verifications per second) over `n` registrations.
fn throughput(n: u32) -> (f64, f64) {
	let mut ext = ExtBuilder::default().build();
	ext.execute_with(|| {
		assert!(Registration::set_fee_charging(RuntimeOrigin::root(), true).is_ok());
		let registrations: Vec<(AccountId, Vec<u8>, Registering)> = (0..n)
			.map(|i| {
				let owner = owner_of(i);
				Balances::set_balance(&owner, FUNDS);
				let registering = Registering::new(&owner, &key_of(i), NodeType::GpuMiner);
				let call = RuntimeCall::Registration(registering.call()).encode();
				(owner, call, registering)
			})
			.collect();

		let start = Instant::now();
		for (owner, encoded, _) in &registrations {
			let call = RuntimeCall::decode(&mut &encoded[..]).expect("decodes");
			let _ = call.get_dispatch_info();
			call.dispatch_bypass_filter(RuntimeOrigin::signed(owner.clone()))
				.map_err(|e| e.error)
				.expect("registers");
		}
		let registering = start.elapsed();

		let checks: Vec<(sp_core::ed25519::Signature, Vec<u8>, sp_core::ed25519::Public)> =
			registrations
				.iter()
				.map(|(_, _, r)| {
					let signature: [u8; 64] = r.signature.clone().try_into().expect("64 bytes");
					let public: [u8; 32] = r.public_key.clone().try_into().expect("32 bytes");
					(
						sp_core::ed25519::Signature::from_raw(signature),
						r.challenge.clone(),
						sp_core::ed25519::Public::from_raw(public),
					)
				})
				.collect();
		let start = Instant::now();
		for (signature, message, public) in &checks {
			assert!(sp_io::crypto::ed25519_verify(signature, message, public));
		}
		let verifying = start.elapsed();
		(n as f64 / registering.as_secs_f64(), n as f64 / verifying.as_secs_f64())
	})
}

/// Fills the registry with `n` nodes and `n` used challenges that expire later, plus `expired`
/// entries already past and a full round of votes that reach consensus.
fn fill(n: u32, now: u64) -> Result<(), DispatchError> {
	for i in 0..n {
		let peer = Ed25519PeerId::from_public_key(sp_io::hashing::blake2_256(&i.to_le_bytes()));
		force_register(&owner_of(i), NodeType::GpuMiner, peer.to_raw().to_vec())?;
		let hash = H256(sp_io::hashing::blake2_256(&(i, "challenge").encode()));
		let expires_at = now + 1 + u64::from(i % 100);
		UsedChallenges::<Test>::insert(hash, expires_at);
		ExpiryQueue::<Test>::insert(expires_at, Expiring::Challenge(hash), ());
	}
	Ok(())
}

/// Puts a full round in place (the list of reported nodes at its bound, every validator place
/// taken by a staked validator whose ballot names them) ending just before `now`, and `expired`
/// expired challenges.
fn every_job_due(now: u64, expired: u32) {
	let max = <Test as pallet_registration::Config>::MaxReportedNodesPerRound::get();
	let validators = <Test as pallet_registration::Config>::MaxValidators::get();
	let nodes: Vec<NodeVotes> = (0..max)
		.map(|i| NodeVotes {
			node_id: Ed25519PeerId::from_public_key(sp_io::hashing::blake2_256(&i.to_le_bytes()))
				.to_node_id(),
			votes: validators,
		})
		.collect();
	let round = pallet_registration::DeregistrationRound::<Test>::get().index;
	let ballot: Vec<_> = nodes
		.iter()
		.take(MAX_REPORTS_PER_ROUND as usize)
		.map(|entry| entry.node_id.clone())
		.collect();
	for v in 0..validators {
		let owner = owner_of(1_000_000 + v);
		Balances::set_balance(&owner, FUNDS);
		bond(&owner, STAKE_THRESHOLD);
		let peer = Ed25519PeerId::from_public_key(sp_io::hashing::blake2_256(&(v, "v").encode()));
		force_register(&owner, NodeType::Validator, peer.to_raw().to_vec()).expect("a place");
		pallet_registration::TemporaryDeregistrationReports::<Test>::insert(
			&owner,
			pallet_registration::ReporterRound {
				round,
				node_ids: ballot.clone().try_into().expect("within bound"),
				added: 0,
			},
		);
	}
	ReportedNodes::<Test>::put(RoundReports {
		round,
		nodes: nodes.try_into().expect("within bound"),
	});
	pallet_registration::DeregistrationRound::<Test>::mutate(|r| r.ends_at = now - 1);
	for i in 0..expired {
		let hash = H256(sp_io::hashing::blake2_256(&(i, "expired").encode()));
		UsedChallenges::<Test>::insert(hash, now - 1);
		ExpiryQueue::<Test>::insert(now - 1, Expiring::Challenge(hash), ());
	}
}

/// A hook budget that holds the base, a full tally and 64 pruned items.
fn tally_budget() -> Weight {
	<() as WeightInfo>::on_initialize_base()
		+ <() as WeightInfo>::tally_reports(MAX_VALIDATORS, MAX_REPORTED_NODES)
		+ <() as WeightInfo>::prune_expired_items(64)
		+ <() as WeightInfo>::prune_expired_block()
}

struct HookCost {
	nodes: u32,
	ordinary: Duration,
	ordinary_weight: Weight,
	busy: Duration,
	busy_weight: Weight,
}

/// Median time of `on_initialize(block)` over 31 runs, each rolled back, and its weight.
fn time_hook(block: u64) -> (Duration, Weight) {
	let mut weight = Weight::zero();
	let samples = (0..31)
		.map(|_| {
			with_transaction(|| {
				System::set_block_number(block);
				let start = Instant::now();
				weight = Registration::on_initialize(block);
				let elapsed = start.elapsed();
				TransactionOutcome::Rollback(Ok::<_, DispatchError>(elapsed))
			})
			.expect("rolls back")
		})
		.collect();
	(median(samples), weight)
}

fn hook_cost(n: u32) -> HookCost {
	let mut ext = ExtBuilder::default().build();
	let ordinary_block = 10 * CONSENSUS_PERIOD + 5;
	let busy_block = 11 * CONSENSUS_PERIOD;
	ext.execute_with(|| {
		MaxNodesParam::set(u32::MAX);
		System::set_block_number(ordinary_block - 1);
		fill(n, busy_block).expect("registry fills");
		System::reset_events();
	});
	// Into the trie backend, as a node's database holds it: reads then walk the trie.
	ext.commit_all().expect("state commits");
	ext.execute_with(|| {
		HookBudget::set(tally_budget());
		pallet_registration::NextExpiryToPrune::<Test>::put(ordinary_block);
		// The open round ends before the busy block: the ordinary block tallies nothing.
		pallet_registration::DeregistrationRound::<Test>::mutate(|r| r.ends_at = busy_block - 1);

		let (ordinary, ordinary_weight) = time_hook(ordinary_block);
		pallet_registration::NextExpiryToPrune::<Test>::put(busy_block - 1);
		every_job_due(busy_block, 200);
		let (busy, busy_weight) = time_hook(busy_block);
		HookCost { nodes: n, ordinary, ordinary_weight, busy, busy_weight }
	})
}

/// Used challenges queued for later blocks behind every pruning measurement, so that the trie
/// has about the same depth whatever `k` is and the measurement shows the pruning itself.
const PRUNE_BACKGROUND: u32 = 20_000;

/// Time and weight of the hook of a block that prunes `k` entries queued for the block before
/// it (used challenges, in state committed to the trie, among `PRUNE_BACKGROUND` others queued
/// for later), with nothing else to do; and the time of draining them with an iterator per
/// entry, as the pallet did before.
fn prune_cost(k: u32) -> (Duration, Weight, Duration) {
	let mut ext = ExtBuilder::default().build();
	let (at, now) = (10 * CONSENSUS_PERIOD + 4, 10 * CONSENSUS_PERIOD + 5);
	ext.execute_with(|| {
		System::set_block_number(at);
		for i in 0..PRUNE_BACKGROUND {
			let hash = H256(sp_io::hashing::blake2_256(&(i, "later").encode()));
			let later = now + 1 + u64::from(i % 50);
			UsedChallenges::<Test>::insert(hash, later);
			ExpiryQueue::<Test>::insert(later, Expiring::Challenge(hash), ());
		}
		for i in 0..k {
			let hash = H256(sp_io::hashing::blake2_256(&(i, "crowded").encode()));
			UsedChallenges::<Test>::insert(hash, at);
			ExpiryQueue::<Test>::insert(at, Expiring::Challenge(hash), ());
		}
		pallet_registration::NextExpiryToPrune::<Test>::put(at);
		// The open round ends after `now`, so the hook only prunes.
		pallet_registration::DeregistrationRound::<Test>::mutate(|r| r.ends_at = now + 1);
	});
	ext.commit_all().expect("state commits");
	ext.execute_with(|| {
		HookBudget::set(Weight::from_parts(u64::MAX / 2, u64::MAX / 2));
		let (time, weight) = time_hook(now);
		assert!(pallet_registration::ExpiryQueue::<Test>::iter_prefix(at).next().is_some());
		// For comparison, the same entries drained the way the pallet did before: a fresh
		// prefix iterator for every entry (median of 5, rolled back).
		let samples = (0..5)
			.map(|_| {
				with_transaction(|| {
					let start = Instant::now();
					while let Some((Expiring::Challenge(hash), ())) =
						ExpiryQueue::<Test>::drain_prefix(at).next()
					{
						UsedChallenges::<Test>::remove(hash);
					}
					TransactionOutcome::Rollback(Ok::<_, DispatchError>(start.elapsed()))
				})
				.expect("rolls back")
			})
			.collect();
		(time, weight, median(samples))
	})
}

/// Registers `n` nodes: the first `early` in block 1, so that the sweep looks at them first (in
/// block `(OFFLINE_AFTER + 1) * HEARTBEAT_PERIOD`), the others a period later. The first
/// `keys.len()` nodes are those keys' (so that they can sign); the others have PeerIds made up
/// from their index.
fn register_in_two_periods(n: u32, early: u32, keys: &[NodeKey]) {
	for i in 0..n {
		if i == early {
			System::set_block_number(HEARTBEAT_PERIOD + 1);
		}
		let peer = match keys.get(i as usize) {
			Some(key) => key.raw(),
			None => Ed25519PeerId::from_public_key(sp_io::hashing::blake2_256(&i.to_le_bytes()))
				.to_raw()
				.to_vec(),
		};
		force_register(&owner_of(i), NodeType::GpuMiner, peer).expect("a fresh node");
	}
}

/// Time and weight of the hook of a block in which `due` silent nodes (of `n` registered) are
/// found by the liveness sweep, in state committed to the trie.
fn sweep_cost(n: u32, due: u32) -> (Duration, Weight) {
	let mut ext = ExtBuilder::default().build();
	ext.execute_with(|| MaxNodesParam::set(u32::MAX));
	// The `due` nodes are silent from block `silent_from`; the others are checked later.
	let silent_from = (u64::from(OFFLINE_AFTER) + 1) * HEARTBEAT_PERIOD;
	ext.execute_with(|| {
		register_in_two_periods(n, due, &[]);
		System::reset_events();
	});
	ext.commit_all().expect("state commits");
	ext.execute_with(|| {
		HookBudget::set(Weight::from_parts(u64::MAX, u64::MAX));
		pallet_registration::NextExpiryToPrune::<Test>::put(silent_from);
		time_hook(silent_from + 1)
	})
}

/// The storage proof of a block of the liveness load with `n` nodes registered: `checks` queue
/// entries of the sweep (nodes that beat last period, found alive, or silent ones marked when
/// `alive` is false) and `beats` heartbeats, with the storage root computed at its end as a
/// block's is. Returns the proof's size as recorded and as a compact proof (what a parachain
/// block's PoV carries, before compression), and the bytes of the heartbeats themselves, which
/// the PoV carries in the block's body.
fn liveness_block_proof(n: u32, checks: u32, beats: u32, alive: bool) -> (usize, usize, usize) {
	let mut ext = ExtBuilder::default().build();
	ext.execute_with(|| MaxNodesParam::set(u32::MAX));
	// The `checks` nodes are checked at `check_at`, the others a period later. Nodes up to
	// `checks + beats` have real keys: the first beat last period, the others beat in the
	// measured block.
	let check_at = (u64::from(OFFLINE_AFTER) + 1) * HEARTBEAT_PERIOD;
	let keys: Vec<NodeKey> = (0..checks + beats).map(key_of).collect();
	ext.execute_with(|| {
		register_in_two_periods(n, checks, &keys);
		if alive {
			System::set_block_number(check_at - HEARTBEAT_PERIOD + 5);
			let period = ((check_at - HEARTBEAT_PERIOD) / HEARTBEAT_PERIOD) as u32;
			for key in &keys[..checks as usize] {
				heartbeat_call(key, period, b"node/1.0").expect("a valid heartbeat");
			}
		}
		System::reset_events();
	});
	ext.commit_all().expect("state commits");
	let root = *ext.as_backend().root();
	let block = check_at + 1;
	let period = (block / HEARTBEAT_PERIOD) as u32;
	let ((), proof) = ext.execute_and_prove(|| {
		HookBudget::set(Weight::from_parts(u64::MAX, u64::MAX));
		pallet_registration::NextExpiryToPrune::<Test>::put(check_at);
		System::set_block_number(block);
		Registration::on_initialize(block);
		for key in &keys[checks as usize..] {
			heartbeat_call(key, period, b"node/1.0").expect("a valid heartbeat");
		}
		sp_io::storage::root(sp_runtime::StateVersion::V1);
	});
	let recorded = proof.encoded_size();
	let compact = proof
		.encoded_compact_size::<sp_runtime::traits::BlakeTwo256>(root)
		.expect("the proof compacts");
	// Each heartbeat as a bare extrinsic (a version byte and a compact length before the call),
	// with the id in its longer base58 form.
	let body: usize = keys[checks as usize..]
		.iter()
		.map(|key| {
			let call = RuntimeCall::Registration(pallet_registration::Call::heartbeat {
				node_id: node_param(key.base58()),
				period,
				version: b"node/1.0".to_vec().try_into().expect("short"),
				signature: [0u8; 64].to_vec().try_into().expect("64 bytes"),
			});
			let len = call.encoded_size() + 1;
			len + codec::Compact(len as u32).encoded_size()
		})
		.sum();
	(recorded, compact, body)
}

/// The owner of fleet `o` (accounts apart from `owner_of`'s).
fn fleet_owner(o: u32) -> AccountId {
	let mut bytes = [0u8; 32];
	bytes[..4].copy_from_slice(&o.to_le_bytes());
	bytes[31] = 0xcc;
	AccountId::new(bytes)
}

/// Registers `n` nodes in fleets of `per_owner`: node `i` is fleet `i / per_owner`'s.
fn fill_fleets(n: u32, per_owner: u32) -> Result<(), DispatchError> {
	for i in 0..n {
		let peer =
			Ed25519PeerId::from_public_key(sp_io::hashing::blake2_256(&(i, "fleet").encode()));
		force_register(&fleet_owner(i / per_owner), NodeType::GpuMiner, peer.to_raw().to_vec())?;
	}
	Ok(())
}

/// What section 7 measures on one registry.
struct FleetCost {
	/// Nodes registered.
	nodes: u32,
	/// `on_initialize` in an ordinary block and in one where every job is due (time, weight).
	ordinary: (Duration, Weight),
	busy: (Duration, Weight),
	/// A registration's median time and charged weight, for an owner with no node and for one
	/// with `MaxNodesPerOwner - 1` (when measured).
	registrations: Option<((Duration, Weight), (Duration, Weight))>,
}

/// Median time of registering a fresh node for `owner` in the current state (each run rolled
/// back), and the weight the call is charged.
fn time_registration(owner: &AccountId, key: &NodeKey) -> (Duration, Weight) {
	let call = RuntimeCall::Registration(Registering::new(owner, key, NodeType::GpuMiner).call());
	let weight = call.get_dispatch_info().call_weight;
	let samples = (0..31)
		.map(|_| {
			with_transaction(|| {
				let call = call.clone();
				let start = Instant::now();
				let result = call.dispatch_bypass_filter(RuntimeOrigin::signed(owner.clone()));
				let elapsed = start.elapsed();
				assert!(result.is_ok(), "registers: {result:?}");
				TransactionOutcome::Rollback(Ok::<_, DispatchError>(elapsed))
			})
			.expect("rolls back")
		})
		.collect();
	(median(samples), weight)
}

/// Section 7 on a registry of `n` nodes in fleets of `per_owner` (the limit), committed to the
/// trie. With `registrations`, `per_owner - 1` of the `n` nodes are one owner's, who then
/// registers one more, as does an owner with none.
fn fleet_cost(n: u32, per_owner: u32, registrations: bool) -> FleetCost {
	let mut ext = ExtBuilder::default().build();
	let ordinary_block = 10 * CONSENSUS_PERIOD + 5;
	let busy_block = 11 * CONSENSUS_PERIOD;
	let one_short = fleet_owner(u32::MAX);
	ext.execute_with(|| {
		MaxNodesParam::set(u32::MAX);
		MaxNodesPerOwnerParam::set(per_owner);
		System::set_block_number(ordinary_block - 1);
		let short = if registrations { per_owner - 1 } else { 0 };
		fill_fleets(n - short, per_owner).expect("the registry fills");
		for i in 0..short {
			let peer =
				Ed25519PeerId::from_public_key(sp_io::hashing::blake2_256(&(i, "short").encode()));
			force_register(&one_short, NodeType::GpuMiner, peer.to_raw().to_vec())
				.expect("a place");
		}
		System::reset_events();
	});
	ext.commit_all().expect("state commits");
	ext.execute_with(|| {
		HookBudget::set(tally_budget());
		let nodes = pallet_registration::NodeCountByStatus::<Test>::iter_values().sum();
		System::set_block_number(ordinary_block);
		let registrations = registrations.then(|| {
			assert_eq!(
				pallet_registration::OwnerNodeCount::<Test>::get(&one_short),
				per_owner - 1,
				"the owner is one short of the limit"
			);
			let fresh = fleet_owner(u32::MAX - 1);
			// A first round warms the trie's upper layers, which both registrations read.
			time_registration(&fresh, &key_of(u32::MAX - 1));
			(
				time_registration(&fresh, &key_of(u32::MAX - 1)),
				time_registration(&one_short, &key_of(u32::MAX - 2)),
			)
		});
		pallet_registration::NextExpiryToPrune::<Test>::put(ordinary_block);
		pallet_registration::DeregistrationRound::<Test>::mutate(|r| r.ends_at = busy_block - 1);
		let ordinary = time_hook(ordinary_block);
		pallet_registration::NextExpiryToPrune::<Test>::put(busy_block - 1);
		every_job_due(busy_block, 200);
		let busy = time_hook(busy_block);
		FleetCost { nodes, ordinary, busy, registrations }
	})
}

/// The liveness load of `nodes` nodes beating once a period of `period` blocks on the dev
/// runtime, by its generated weights: (heartbeats, sweep checks, share of a block by ref_time,
/// by proof size).
fn liveness_share(nodes: u64, period: u64) -> (u64, u64, f64, f64) {
	type Runtime = registration_dev_runtime::Runtime;
	type Weights = pallet_registration::weights::SubstrateWeight<Runtime>;
	let block = <Runtime as frame_system::Config>::BlockWeights::get();
	let base = block.get(frame_support::dispatch::DispatchClass::Normal).base_extrinsic;
	let offline_after = u64::from(registration_dev_runtime::registration::OFFLINE_AFTER_PERIODS);
	// A node that beats every period comes up in the sweep once every `OfflineAfterPeriods`
	// periods; a check that finds it alive queues it again, charged the sweep's step.
	let beats = nodes.div_ceil(period);
	let checks = nodes.div_ceil(period * offline_after);
	let item = Weights::sweep_offline_items(1) - Weights::sweep_offline_items(0);
	let load = (Weights::heartbeat() + base).saturating_mul(beats)
		+ item.saturating_mul(checks)
		+ Weights::prune_expired_block();
	let share = load.ref_time() as f64 / block.max_block.ref_time() as f64;
	let proof_share = load.proof_size() as f64 / block.max_block.proof_size().min(5 << 20) as f64;
	(beats, checks, share, proof_share)
}

fn main() {
	let csv_dir = std::env::args().skip_while(|a| a != "--csv").nth(1);
	if std::env::args().any(|a| a == "--fleets-only") {
		fleets_at_scale(registration_dev_runtime::registration::HEARTBEAT_PERIOD, 600);
		return;
	}

	println!("# 1. Registration throughput (native, one core)");
	// Ten rounds of 1,000 registrations (about one block's worth), each in fresh state and
	// measured next to the verifications of the same messages; medians of the rounds.
	let rounds: Vec<(f64, f64)> = (0..10).map(|_| throughput(1_000)).collect();
	let median_of = |f: &dyn Fn(&(f64, f64)) -> f64| {
		let mut values: Vec<f64> = rounds.iter().map(f).collect();
		values.sort_by(f64::total_cmp);
		values[values.len() / 2]
	};
	let registrations = median_of(&|r| r.0);
	let verifications = median_of(&|r| r.1);
	let ratio = median_of(&|r| r.0 / r.1);
	println!("full registration path : {registrations:>10.0} registrations/s");
	println!("ed25519_verify alone   : {verifications:>10.0} verifications/s");
	println!("ratio                  : {ratio:>10.2}   (target >= 0.5: {})", ratio >= 0.5);
	let (lowest, highest) = rounds
		.iter()
		.map(|r| r.0 / r.1)
		.fold((f64::MAX, f64::MIN), |(lo, hi), x| (lo.min(x), hi.max(x)));
	println!("ratio over the rounds  : {lowest:.2} .. {highest:.2}");
	if std::env::args().any(|a| a == "--throughput-only") {
		return;
	}

	println!("\n# 2. on_initialize against registry size (nodes and used challenges outstanding)");
	println!(
		"{:>8} | {:>12} {:>22} | {:>12} {:>24}",
		"nodes", "ordinary", "weight (ref, proof)", "all jobs", "weight (ref, proof)"
	);
	let mut costs = Vec::new();
	for n in [10u32, 1_000, 10_000, 100_000] {
		let cost = hook_cost(n);
		println!(
			"{:>8} | {:>10.2}µs {:>22} | {:>10.2}µs {:>24}",
			cost.nodes,
			cost.ordinary.as_secs_f64() * 1e6,
			format!("{}, {}", cost.ordinary_weight.ref_time(), cost.ordinary_weight.proof_size()),
			cost.busy.as_secs_f64() * 1e6,
			format!("{}, {}", cost.busy_weight.ref_time(), cost.busy_weight.proof_size()),
		);
		costs.push(cost);
	}
	let spread = |f: &dyn Fn(&HookCost) -> f64| {
		let values: Vec<f64> = costs.iter().map(f).collect();
		let max = values.iter().cloned().fold(f64::MIN, f64::max);
		let min = values.iter().cloned().fold(f64::MAX, f64::min);
		max / min
	};
	let time_ratio = spread(&|c| c.ordinary.as_secs_f64()).max(spread(&|c| c.busy.as_secs_f64()));
	let weight_ratio = spread(&|c| c.ordinary_weight.ref_time() as f64)
		.max(spread(&|c| c.busy_weight.ref_time() as f64));
	println!(
		"largest / smallest time   : {time_ratio:.3}   (target <= 1.1: {})",
		time_ratio <= 1.1
	);
	println!(
		"largest / smallest weight : {weight_ratio:.3}   (target <= 1.1: {})",
		weight_ratio <= 1.1
	);
	if let Some(dir) = csv_dir {
		let mut csv = String::from("nodes,ordinary_us,ordinary_ref_time,busy_us,busy_ref_time\n");
		for c in &costs {
			csv.push_str(&format!(
				"{},{:.3},{},{:.3},{}\n",
				c.nodes,
				c.ordinary.as_secs_f64() * 1e6,
				c.ordinary_weight.ref_time(),
				c.busy.as_secs_f64() * 1e6,
				c.busy_weight.ref_time()
			));
		}
		std::fs::create_dir_all(&dir).expect("csv dir");
		std::fs::write(format!("{dir}/on_initialize.csv"), csv).expect("write csv");
	}

	println!("\n# 3. Registrations per block of the dev runtime (generated weights)");
	type Runtime = registration_dev_runtime::Runtime;
	let block = <Runtime as frame_system::Config>::BlockWeights::get();
	let normal = block.get(frame_support::dispatch::DispatchClass::Normal);
	let limit = normal.max_total.unwrap_or(block.max_block);
	type Weights = pallet_registration::weights::SubstrateWeight<Runtime>;
	let call = Weights::register_node_with_coldkey();
	let per_extrinsic = call + normal.base_extrinsic;
	let by_ref_time = limit.ref_time() / per_extrinsic.ref_time().max(1);
	let pov_limit = limit.proof_size().min(5 * 1024 * 1024);
	let by_proof = pov_limit / call.proof_size().max(1);
	println!(
		"normal-class limit     : ref_time {} ps, proof {} bytes",
		limit.ref_time(),
		pov_limit
	);
	println!(
		"one registration       : ref_time {} ps (with base extrinsic), proof {} bytes",
		per_extrinsic.ref_time(),
		call.proof_size()
	);
	println!(
		"by ref_time            : {by_ref_time:>6}   (target >= 1,000: {})",
		by_ref_time >= 1_000
	);
	println!("by proof size          : {by_proof:>6}   (target >= 1,000: {})", by_proof >= 1_000);

	println!(
		"\n# 4. Pruning k entries of one block ({PRUNE_BACKGROUND} more queued later): time against \
		 charged weight"
	);
	println!(
		"{:>6} | {:>12} {:>16} | {:>14} {:>9} | {:>24}",
		"k", "time", "weight (ref)", "ps per weight", "vs k = 1", "iterator per entry (old)"
	);
	let mut first = None;
	let (mut ratios, mut old_ratios) = (Vec::new(), Vec::new());
	for k in [1u32, 10, 100, 1_000] {
		let (time, weight, old) = prune_cost(k);
		let per_weight = time.as_secs_f64() * 1e12 / weight.ref_time() as f64;
		let relative = per_weight / *first.get_or_insert(per_weight);
		ratios.push(relative);
		old_ratios.push(old.as_secs_f64() * 1e12 / weight.ref_time() as f64);
		println!(
			"{k:>6} | {:>10.2}µs {:>16} | {per_weight:>14.4} {relative:>9.3} | {:>22.2}µs",
			time.as_secs_f64() * 1e6,
			weight.ref_time(),
			old.as_secs_f64() * 1e6
		);
	}
	let spread = |values: &[f64]| {
		values.iter().cloned().fold(f64::MIN, f64::max)
			/ values.iter().cloned().fold(f64::MAX, f64::min)
	};
	println!(
		"largest / smallest     : {:.3}   (the same for an iterator per entry: {:.1})",
		spread(&ratios),
		spread(&old_ratios)
	);

	println!("\n# 5. Liveness: heartbeats and the offline sweep (dev runtime, generated weights)");
	let heartbeat = Weights::heartbeat();
	let ratio = heartbeat.ref_time() as f64 / call.ref_time() as f64;
	println!(
		"heartbeat / registration weight : {:.3}  ({} / {} ps; target <= 0.100: {})",
		ratio,
		heartbeat.ref_time(),
		call.ref_time(),
		ratio <= 0.1
	);
	let with_base =
		(heartbeat + normal.base_extrinsic).ref_time() as f64 / per_extrinsic.ref_time() as f64;
	println!("the same with the base extrinsic : {with_base:.3}");
	// 100,000 nodes beating once an hour with 6-s blocks: 600 blocks an hour.
	let (nodes, blocks_per_hour) = (100_000u64, 600u64);
	let offline_after = u64::from(registration_dev_runtime::registration::OFFLINE_AFTER_PERIODS);
	let (beats, checks, share, proof_share) = liveness_share(nodes, blocks_per_hour);
	println!(
		"100,000 nodes, 1 beat/hour      : {beats} heartbeats + {checks} sweep checks per block = \
		 {:.1} % of a block by ref_time, {:.1} % by proof (target <= 10 %: {})",
		share * 100.0,
		proof_share * 100.0,
		share <= 0.1 && proof_share <= 0.1
	);
	// What such a block proves, measured: the trie nodes it reads against a 100,000-node state.
	// The charge above counts a map's trie layers once per heartbeat and per check; a block reads
	// the upper layers once for all of them.
	let pov_limit = block.max_block.proof_size().min(5 << 20) as f64;
	for (alive, case) in [(true, "checks find nodes alive"), (false, "checks mark nodes silent")] {
		let (recorded, compact, body) =
			liveness_block_proof(100_000, checks as u32, beats as u32, alive);
		let pov = (compact + body) as f64;
		println!(
			"measured PoV of that block      : {:.1} KiB proof ({:.1} KiB before compaction) + \
			 {:.1} KiB of heartbeats = {:.1} % of a block ({case}; target <= 10 %: {})",
			compact as f64 / 1024.0,
			recorded as f64 / 1024.0,
			body as f64 / 1024.0,
			pov / pov_limit * 100.0,
			pov <= pov_limit / 10.0
		);
	}
	let due = 10;
	let (small_time, small_weight) = sweep_cost(due, due);
	let (large_time, large_weight) = sweep_cost(100_000, due);
	println!(
		"sweep of {due} silent nodes        : {:.2}µs, weight {} with {due} registered; \
		 {:.2}µs, weight {} with 100,000",
		small_time.as_secs_f64() * 1e6,
		small_weight.ref_time(),
		large_time.as_secs_f64() * 1e6,
		large_weight.ref_time()
	);
	let weight_ratio = large_weight.ref_time() as f64 / small_weight.ref_time() as f64;
	println!(
		"100,000 / {due} nodes               : weight {weight_ratio:.3} (target 1.000: {}), \
		 time {:.3}",
		weight_ratio == 1.0,
		large_time.as_secs_f64() / small_time.as_secs_f64()
	);

	println!("\n# 6. Sweep capacity and lateness (dev runtime's hook budget, generated weights)");
	// The sweep's costliest step fits `steps` times in what a hook has left after its fixed work;
	// a node that beats every period comes due once every `OfflineAfterPeriods` periods, at a
	// period's first block. `MaxNodes` is bounded by the capacity (`integrity_test`).
	type Dev = registration_dev_runtime::Registration;
	let steps = Dev::sweep_steps_per_block();
	let max_nodes = registration_dev_runtime::registration::MAX_NODES;
	println!(
		"sweep steps per block : {steps}; capacity (steps x {offline_after} periods x period / 2): \
		 {} nodes with 10-block periods, {} with hourly (600-block) periods; MaxNodes = {max_nodes}",
		Dev::sweep_capacity(),
		steps * offline_after * blocks_per_hour / 2,
	);
	println!(
		"{:>8} | {:>44} | {:>44}",
		"nodes", "10-block periods: last check late by", "hourly periods: last check late by"
	);
	let dev_period = registration_dev_runtime::registration::HEARTBEAT_PERIOD;
	for nodes in [10_000u64, 100_000] {
		let cell = |period: u64| {
			// Spread over the `offline_after` period starts of a cycle, or all in one block.
			let spread = (nodes / offline_after).div_ceil(steps.max(1));
			let lockstep = Dev::sweep_lateness(nodes);
			let keeps_up = spread <= period;
			format!(
				"{spread} blocks (all in one block: {lockstep}){}",
				if keeps_up { ", keeps up" } else { ", falls behind" }
			)
		};
		println!("{nodes:>8} | {:>44} | {:>44}", cell(dev_period), cell(blocks_per_hour));
	}
	fleets_at_scale(dev_period, blocks_per_hour);
}

/// Section 7.
fn fleets_at_scale(dev_period: u64, blocks_per_hour: u64) {
	println!("\n# 7. Fleets at scale (owners of 100 nodes; shared mock, generated weights)");
	let fleet_nodes: u32 = std::env::args()
		.skip_while(|a| a != "--fleets")
		.nth(1)
		.map(|n| n.parse().expect("--fleets takes a number of nodes"))
		.unwrap_or(1_000_000);
	let per_owner = 100;
	let small = fleet_cost(10, per_owner, false);
	let large = fleet_cost(fleet_nodes, per_owner, true);
	println!(
		"{:>10} | {:>12} {:>22} | {:>12} {:>24}",
		"nodes", "ordinary", "weight (ref, proof)", "all jobs", "weight (ref, proof)"
	);
	for cost in [&small, &large] {
		println!(
			"{:>10} | {:>10.2}µs {:>22} | {:>10.2}µs {:>24}",
			cost.nodes,
			cost.ordinary.0.as_secs_f64() * 1e6,
			format!("{}, {}", cost.ordinary.1.ref_time(), cost.ordinary.1.proof_size()),
			cost.busy.0.as_secs_f64() * 1e6,
			format!("{}, {}", cost.busy.1.ref_time(), cost.busy.1.proof_size()),
		);
	}
	let same = small.ordinary.1 == large.ordinary.1 && small.busy.1 == large.busy.1;
	println!(
		"on_initialize weight, {} / 10 nodes : ordinary {:.3}, all jobs {:.3} (target: the same: \
		 {same})",
		large.nodes,
		large.ordinary.1.ref_time() as f64 / small.ordinary.1.ref_time() as f64,
		large.busy.1.ref_time() as f64 / small.busy.1.ref_time() as f64,
	);
	let Some((first, last_place)) = large.registrations else { return };
	println!(
		"registration, owner with 0 nodes       : {:.2}µs, weight {} (mock's database weights)",
		first.0.as_secs_f64() * 1e6,
		first.1.ref_time()
	);
	println!(
		"registration, owner with {} nodes      : {:.2}µs, weight {}",
		per_owner - 1,
		last_place.0.as_secs_f64() * 1e6,
		last_place.1.ref_time()
	);
	println!(
		"with {} / with 0 nodes                 : time {:.3}, weight {:.3} (target: the same weight)",
		per_owner - 1,
		last_place.0.as_secs_f64() / first.0.as_secs_f64(),
		last_place.1.ref_time() as f64 / first.1.ref_time() as f64
	);
	for (period, name) in [(dev_period, "the dev runtime's 10-block"), (blocks_per_hour, "hourly")]
	{
		let (beats, checks, share, proof_share) = liveness_share(u64::from(fleet_nodes), period);
		println!(
			"{fleet_nodes} nodes, {name} periods: {beats} heartbeats + {checks} sweep checks per \
			 block = {:.1} % of a block by ref_time, {:.1} % by proof (fits: {})",
			share * 100.0,
			proof_share * 100.0,
			share <= 1.0 && proof_share <= 1.0
		);
	}
	// The shortest period, in hours, whose charged load stays within 10 % of a block.
	if let Some(hours) = (1..=48u64).find(|h| {
		let (_, _, share, proof_share) =
			liveness_share(u64::from(fleet_nodes), h * blocks_per_hour);
		share <= 0.1 && proof_share <= 0.1
	}) {
		println!("{fleet_nodes} nodes within 10 % of a block (charged): periods of {hours} hours");
	}
}
