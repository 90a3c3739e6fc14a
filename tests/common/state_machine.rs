//! The call state machine shared by the property test (`tests/state_machine.rs`) and the fuzz
//! target (`fuzz/fuzz_targets/state_machine.rs`): operations, a plain model of the registry, and
//! `run`, which applies operations to the mock runtime and checks them against the model.
//!
//! The model predicts whether each call succeeds before it runs. A call predicted to fail must
//! fail and leave the storage root unchanged (the root is only computed around those calls, so a
//! step stays cheap); a call predicted to succeed must succeed. After every step the registry
//! must equal the model and `try_state` must hold. Block advances run `on_initialize`, so
//! deregistration rounds are tallied and expired state pruned as on a chain.

#![allow(dead_code)]

use super::mock::*;
use frame_support::pallet_prelude::DispatchResult;
use pallet_registration::{ColdkeyNodeRegistrationV2, NodeId, NodeType, Status};
use std::collections::{BTreeMap, BTreeSet};

/// Owners are accounts `1..=OWNERS`.
pub const OWNERS: u8 = 6;
/// Node keys are `NodeKey::new(1..=KEYS)`.
pub const KEYS: u8 = 6;
/// Owners 1..=STAKED have bonded the validator stake.
pub const STAKED: u8 = 3;

/// One call (or a block advance). Owners, keys and validators are small numbers (see
/// [`OWNERS`], [`KEYS`]).
#[derive(Clone, Debug)]
pub enum Op {
	/// `register_node_with_coldkey` with a fresh challenge living `lifetime` blocks (beyond
	/// `MAX_LIFETIME` it is refused), its signature `corrupt`ed or not, the id `raw` or base58.
	Register { owner: u8, key: u8, node_type: NodeType, lifetime: u64, corrupt: bool, raw: bool },
	/// Submits the last successful registration again, byte for byte: always refused.
	Replay,
	/// `force_register_coldkey_node`.
	ForceRegister { owner: u8, key: u8, node_type: NodeType },
	/// `unregister_main_node` signed by `signer`.
	Unregister { signer: u8, key: u8 },
	/// `force_unregister_coldkey_node`.
	ForceUnregister { key: u8 },
	/// `set_node_status_to_degraded`.
	Degrade { key: u8 },
	/// `swap_node_owner` signed by `signer`.
	Swap { signer: u8, key: u8, new_owner: u8 },
	/// `submit_deregistration_report` of one node, signed by `reporter`.
	Report { reporter: u8, key: u8 },
	/// `set_account_ban_status`.
	Ban { owner: u8, banned: bool },
	/// `set_node_type_disabled`.
	Disable { node_type: NodeType, disabled: bool },
	/// `set_whitelisted_validators` with the owners whose bit (`1 << (owner - 1)`) is set.
	Whitelist { owners: u8 },
	/// `set_deregistration_enabled`.
	DeregistrationSwitch { enabled: bool },
	/// `set_fee_charging`.
	FeeCharging { enabled: bool },
	/// `set_node_type_fee` (within the floor and cap).
	SetFee { node_type: NodeType, fee: Balance },
	/// Runs `blocks` blocks.
	Advance { blocks: u64 },
}

/// What the harness expects the chain to hold.
struct Model {
	/// key → (owner, type, status).
	nodes: BTreeMap<u8, (u8, NodeType, Status)>,
	owner_node: BTreeMap<u8, u8>,
	node_free_at: BTreeMap<u8, u64>,
	owner_free_at: BTreeMap<u8, u64>,
	banned: BTreeSet<u8>,
	disabled: BTreeSet<NodeType>,
	whitelist: BTreeSet<u8>,
	deregistration_enabled: bool,
	/// Votes of the open round, in the order nodes were first reported, and the round.
	votes: Vec<(u8, u32)>,
	votes_round: Option<u64>,
	/// reporter → (round, nodes it reported in that round).
	reported_by: BTreeMap<u8, (u64, BTreeSet<u8>)>,
	/// reporter → (rate-limit window, report calls in it).
	submissions: BTreeMap<u8, (u64, u32)>,
}

impl Model {
	fn new() -> Self {
		Self {
			nodes: BTreeMap::new(),
			owner_node: BTreeMap::new(),
			node_free_at: BTreeMap::new(),
			owner_free_at: BTreeMap::new(),
			banned: BTreeSet::new(),
			disabled: BTreeSet::new(),
			whitelist: BTreeSet::new(),
			deregistration_enabled: true,
			votes: Vec::new(),
			votes_round: None,
			reported_by: BTreeMap::new(),
			submissions: BTreeMap::new(),
		}
	}

	fn may_own(&self, owner: u8, node_type: NodeType, now: u64) -> bool {
		!self.banned.contains(&owner)
			&& !self.owner_node.contains_key(&owner)
			&& self.owner_free_at.get(&owner).is_none_or(|at| now >= *at)
			&& (node_type != NodeType::Validator || owner <= STAKED)
	}

	fn node_free(&self, key: u8, now: u64) -> bool {
		!self.nodes.contains_key(&key) && self.node_free_at.get(&key).is_none_or(|at| now >= *at)
	}

	/// Whether `op` should succeed at block `now`.
	fn accepts(&self, op: &Op, now: u64) -> bool {
		match *op {
			Op::Register { owner, key, node_type, lifetime, corrupt, .. } => {
				!corrupt
					&& lifetime <= MAX_LIFETIME
					&& !self.disabled.contains(&node_type)
					&& self.may_own(owner, node_type, now)
					&& self.node_free(key, now)
			}
			Op::Replay => false,
			Op::ForceRegister { owner, key, .. } => {
				!self.banned.contains(&owner)
					&& !self.owner_node.contains_key(&owner)
					&& !self.nodes.contains_key(&key)
			}
			Op::Unregister { signer, key } => {
				self.nodes.get(&key).is_some_and(|(owner, ..)| *owner == signer)
			}
			Op::ForceUnregister { key } => self.nodes.contains_key(&key),
			Op::Degrade { key } => self
				.nodes
				.get(&key)
				.is_some_and(|(_, node_type, _)| *node_type == NodeType::StorageMiner),
			Op::Swap { signer, key, new_owner } => {
				self.nodes.get(&key).is_some_and(|(owner, node_type, _)| {
					*owner == signer
						&& new_owner != signer
						&& self.may_own(new_owner, *node_type, now)
				})
			}
			Op::Report { reporter, key } => {
				let is_validator = self
					.owner_node
					.get(&reporter)
					.and_then(|own| self.nodes.get(own))
					.is_some_and(|(_, node_type, _)| *node_type == NodeType::Validator);
				let window = now / REPORT_WINDOW;
				let calls = self
					.submissions
					.get(&reporter)
					.filter(|(w, _)| *w == window)
					.map_or(0, |(_, count)| *count);
				let round = now / CONSENSUS_PERIOD;
				let already = self
					.reported_by
					.get(&reporter)
					.is_some_and(|(r, keys)| *r == round && keys.contains(&key));
				self.deregistration_enabled
					&& !self.banned.contains(&reporter)
					&& is_validator && (self.whitelist.is_empty() || self.whitelist.contains(&reporter))
					&& calls < MAX_REPORT_CALLS
					&& self.nodes.contains_key(&key)
					&& !already
			}
			Op::Ban { .. }
			| Op::Disable { .. }
			| Op::Whitelist { .. }
			| Op::DeregistrationSwitch { .. }
			| Op::FeeCharging { .. }
			| Op::SetFee { .. }
			| Op::Advance { .. } => true,
		}
	}

	/// Records the effect of `op`, which succeeded at block `now`.
	fn apply(&mut self, op: &Op, now: u64) {
		match *op {
			Op::Register { owner, key, node_type, .. }
			| Op::ForceRegister { owner, key, node_type } => {
				self.nodes.insert(key, (owner, node_type, Status::Online));
				self.owner_node.insert(owner, key);
			}
			Op::Unregister { key, .. } | Op::ForceUnregister { key } => self.unregister(key, now),
			Op::Degrade { key } => {
				if let Some(entry) = self.nodes.get_mut(&key) {
					entry.2 = Status::Degraded;
				}
			}
			Op::Swap { signer, key, new_owner } => {
				if let Some(entry) = self.nodes.get_mut(&key) {
					entry.0 = new_owner;
				}
				self.owner_node.remove(&signer);
				self.owner_node.insert(new_owner, key);
				if let Some(reported) = self.reported_by.remove(&signer) {
					self.reported_by.insert(new_owner, reported);
				}
				if let Some(calls) = self.submissions.remove(&signer) {
					self.submissions.insert(new_owner, calls);
				}
			}
			Op::Report { reporter, key } => {
				let round = now / CONSENSUS_PERIOD;
				let window = now / REPORT_WINDOW;
				let calls = self.submissions.entry(reporter).or_insert((window, 0));
				if calls.0 != window {
					*calls = (window, 0);
				}
				calls.1 += 1;
				let reported = self.reported_by.entry(reporter).or_insert((round, BTreeSet::new()));
				if reported.0 != round {
					*reported = (round, BTreeSet::new());
				}
				reported.1.insert(key);
				if self.votes_round != Some(round) {
					self.votes.clear();
					self.votes_round = Some(round);
				}
				match self.votes.iter_mut().find(|(k, _)| *k == key) {
					Some(entry) => entry.1 += 1,
					None => self.votes.push((key, 1)),
				}
			}
			Op::Ban { owner, banned } => {
				if banned {
					self.banned.insert(owner);
				} else {
					self.banned.remove(&owner);
				}
			}
			Op::Disable { node_type, disabled } => {
				if disabled {
					self.disabled.insert(node_type);
				} else {
					self.disabled.remove(&node_type);
				}
			}
			Op::Whitelist { owners } => self.whitelist = whitelisted(owners).collect(),
			Op::DeregistrationSwitch { enabled } => self.deregistration_enabled = enabled,
			Op::Replay | Op::FeeCharging { .. } | Op::SetFee { .. } | Op::Advance { .. } => {}
		}
	}

	/// What an unregistration does: an online storage miner is degraded, any other node
	/// removed, starting both cooldowns and dropping its owner's report state.
	fn unregister(&mut self, key: u8, now: u64) {
		let Some((owner, node_type, status)) = self.nodes.get(&key).copied() else { return };
		if node_type == NodeType::StorageMiner && status == Status::Online {
			self.nodes.insert(key, (owner, node_type, Status::Degraded));
		} else {
			self.nodes.remove(&key);
			self.owner_node.remove(&owner);
			self.node_free_at.insert(key, now + COOLDOWN);
			self.owner_free_at.insert(owner, now + COOLDOWN);
			self.reported_by.remove(&owner);
			self.submissions.remove(&owner);
		}
	}

	/// `on_initialize` of block `now`: the first block of a round tallies the votes of the
	/// round before and clears them.
	fn on_initialize(&mut self, now: u64) {
		if now / CONSENSUS_PERIOD == (now - 1) / CONSENSUS_PERIOD {
			return;
		}
		if self.votes_round.take().is_none() {
			return;
		}
		let votes = std::mem::take(&mut self.votes);
		if !self.deregistration_enabled {
			return;
		}
		let validators = self.nodes.values().filter(|(_, t, _)| *t == NodeType::Validator).count();
		let share = (validators as u32).div_ceil(2);
		let required = 2u32.max(share);
		for (key, count) in votes {
			if count >= required {
				self.unregister(key, now);
			}
		}
	}
}

/// The owners set in the bit mask `owners`.
fn whitelisted(owners: u8) -> impl Iterator<Item = u8> {
	(1..=OWNERS).filter(move |owner| owners & (1 << (owner - 1)) != 0)
}

fn storage_root() -> Vec<u8> {
	sp_io::storage::root(sp_runtime::StateVersion::V1)
}

/// The harness's side of a run: node keys made once, and the last registration for replays.
struct Harness {
	keys: Vec<NodeKey>,
	ids: Vec<NodeId>,
	nonce: u8,
	last_registration: Option<Registering>,
}

impl Harness {
	fn new() -> Self {
		let keys: Vec<NodeKey> = (1..=KEYS).map(NodeKey::new).collect();
		let ids = keys.iter().map(node_id).collect();
		Self { keys, ids, nonce: 0, last_registration: None }
	}

	fn key(&self, key: u8) -> &NodeKey {
		&self.keys[usize::from(key - 1)]
	}

	/// Submits `op` at block `now`.
	fn execute(&mut self, op: &Op, now: u64) -> DispatchResult {
		let root = || RuntimeOrigin::root();
		let signed = |who: u8| RuntimeOrigin::signed(account(who));
		match *op {
			Op::Register { owner, key, node_type, lifetime, corrupt, raw } => {
				// Inputs hold at most 64 operations, so the nonce never repeats within a run.
				self.nonce = self.nonce.wrapping_add(1);
				let signer = self.key(key);
				let c = challenge(&account(owner), signer, now, now + lifetime, self.nonce);
				let mut r = Registering::with_challenge(&account(owner), signer, node_type, c);
				if raw {
					r.node_id = signer.raw();
				}
				if corrupt {
					r.signature[0] ^= 1;
				}
				let outcome = r.submit();
				if outcome.is_ok() {
					self.last_registration = Some(r);
				}
				outcome
			}
			Op::Replay => match &self.last_registration {
				Some(r) => r.submit(),
				None => Err(pallet_registration::Error::<Test>::ChallengeReused.into()),
			},
			Op::ForceRegister { owner, key, node_type } => {
				Registration::force_register_coldkey_node(
					root(),
					account(owner),
					node_type,
					node_param(self.key(key).raw()),
				)
			}
			Op::Unregister { signer, key } => {
				Registration::unregister_main_node(signed(signer), node_param(self.key(key).raw()))
			}
			Op::ForceUnregister { key } => Registration::force_unregister_coldkey_node(
				root(),
				node_param(self.key(key).base58()),
			),
			Op::Degrade { key } => {
				Registration::set_node_status_to_degraded(root(), node_param(self.key(key).raw()))
			}
			Op::Swap { signer, key, new_owner } => Registration::swap_node_owner(
				signed(signer),
				node_param(self.key(key).raw()),
				account(new_owner),
			),
			Op::Report { reporter, key } => report(reporter, &[self.key(key)]),
			Op::Ban { owner, banned } => {
				Registration::set_account_ban_status(root(), account(owner), banned)
			}
			Op::Disable { node_type, disabled } => {
				Registration::set_node_type_disabled(root(), node_type, disabled)
			}
			Op::Whitelist { owners } => Registration::set_whitelisted_validators(
				root(),
				whitelisted(owners).map(account).collect::<Vec<_>>().try_into().expect("≤ 8"),
			),
			Op::DeregistrationSwitch { enabled } => {
				Registration::set_deregistration_enabled(root(), enabled)
			}
			Op::FeeCharging { enabled } => Registration::set_fee_charging(root(), enabled),
			Op::SetFee { node_type, fee } => {
				Registration::set_node_type_fee(root(), node_type, fee)
			}
			Op::Advance { blocks } => {
				run_to_block(now + blocks);
				Ok(())
			}
		}
	}

	/// The registry agrees with the model for every key.
	fn compare(&self, model: &Model) -> Result<(), String> {
		for key in 1..=KEYS {
			let stored = ColdkeyNodeRegistrationV2::<Test>::get(&self.ids[usize::from(key - 1)])
				.map(|info| (info.owner, info.node_type, info.status));
			let modelled = model
				.nodes
				.get(&key)
				.map(|(owner, node_type, status)| (account(*owner), *node_type, *status));
			if stored != modelled {
				return Err(format!("node {key}: stored {stored:?}, model {modelled:?}"));
			}
		}
		Ok(())
	}
}

/// Applies `ops` to a fresh mock chain. Returns whether each step succeeded, or the first
/// disagreement with the model.
pub fn run(ops: Vec<Op>) -> Result<Vec<bool>, String> {
	let mut result = Ok(Vec::with_capacity(ops.len()));
	// `try_state` runs after every step below, so a disagreement is returned, not panicked.
	ExtBuilder::default().build().execute_with(|| {
		for owner in 1..=STAKED {
			bond(&account(owner), STAKE_THRESHOLD);
		}
		let mut model = Model::new();
		let mut harness = Harness::new();
		let mut outcomes = Vec::with_capacity(ops.len());
		for op in ops {
			let now = System::block_number();
			let expected = model.accepts(&op, now);
			let before = (!expected).then(storage_root);
			let outcome = harness.execute(&op, now);
			let checked = (|| {
				if outcome.is_ok() != expected {
					return Err(format!("{outcome:?}, the model expected ok = {expected}"));
				}
				if before.is_some_and(|root| root != storage_root()) {
					return Err("the failed call changed storage".into());
				}
				if expected {
					model.apply(&op, now);
				}
				if let Op::Advance { blocks } = op {
					(now + 1..=now + blocks).for_each(|block| model.on_initialize(block));
				}
				Registration::do_try_state().map_err(|e| format!("invariants: {e:?}"))?;
				harness.compare(&model)
			})();
			if let Err(error) = checked {
				result = Err(format!("{op:?} at block {now}: {error}"));
				return;
			}
			outcomes.push(expected);
		}
		result = Ok(outcomes);
	});
	result
}

impl Op {
	/// The operations of a fuzz input: five bytes each, at most 64.
	pub fn sequence_from_bytes(data: &[u8]) -> Vec<Op> {
		data.chunks_exact(5)
			.take(64)
			.map(|c| Op::from_bytes([c[0], c[1], c[2], c[3], c[4]]))
			.collect()
	}

	/// An operation from five bytes (for the fuzzer): a kind, then four arguments.
	pub fn from_bytes([kind, a, b, c, d]: [u8; 5]) -> Op {
		let owner = |x: u8| x % OWNERS + 1;
		let key = |x: u8| x % KEYS + 1;
		let node_type = |x: u8| {
			[NodeType::StorageMiner, NodeType::GpuMiner, NodeType::Validator][usize::from(x % 3)]
		};
		match kind % 24 {
			0..=5 => Op::Register {
				owner: owner(a),
				key: key(b),
				node_type: node_type(c),
				// Mostly within the lifetime bound, sometimes just beyond it.
				lifetime: u64::from(d) % (MAX_LIFETIME + 6),
				corrupt: c & 0x70 == 0x70,
				raw: c & 0x80 != 0,
			},
			6 => Op::Replay,
			7 => Op::ForceRegister { owner: owner(a), key: key(b), node_type: node_type(c) },
			8 | 9 => Op::Unregister { signer: owner(a), key: key(b) },
			10 => Op::ForceUnregister { key: key(a) },
			11 => Op::Degrade { key: key(a) },
			12 => Op::Swap { signer: owner(a), key: key(b), new_owner: owner(c) },
			13..=15 => Op::Report { reporter: owner(a), key: key(b) },
			16 => Op::Ban { owner: owner(a), banned: b % 3 == 0 },
			17 => Op::Disable { node_type: node_type(a), disabled: b % 3 == 0 },
			18 => Op::Whitelist { owners: if b % 2 == 0 { 0 } else { a } },
			19 => Op::DeregistrationSwitch { enabled: a % 4 != 0 },
			20 => Op::FeeCharging { enabled: a % 2 == 0 },
			21 => Op::SetFee {
				node_type: node_type(a),
				fee: MIN_FEE + Balance::from(b) * (MAX_FEE - MIN_FEE) / 255,
			},
			_ => Op::Advance { blocks: u64::from(a % 25) + 1 },
		}
	}
}
