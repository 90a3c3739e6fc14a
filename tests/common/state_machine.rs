//! The call state machine shared by the property test (`tests/state_machine.rs`) and the fuzz
//! target (`fuzz/fuzz_targets/state_machine.rs`): operations, a plain model of the registry, and
//! `run`, which applies operations to the mock runtime and checks them against the model.

#![allow(dead_code)]

use super::mock::*;
use pallet_registration::{ColdkeyNodeRegistrationV2, NodeType, Status};
use std::collections::{BTreeMap, BTreeSet};

/// Owners are accounts `1..=OWNERS`.
pub const OWNERS: u8 = 6;
/// Node keys are `NodeKey::new(1..=KEYS)`.
pub const KEYS: u8 = 6;
/// Owners 1..=STAKED have bonded the validator stake.
pub const STAKED: u8 = 3;

/// One call (or a block advance).
#[derive(Clone, Debug)]
pub enum Op {
	Register { owner: u8, key: u8, node_type: NodeType, corrupt: bool, raw: bool },
	Unregister { signer: u8, key: u8 },
	ForceUnregister { key: u8 },
	Swap { signer: u8, key: u8, new_owner: u8 },
	Ban { owner: u8, banned: bool },
	Disable { node_type: NodeType, disabled: bool },
	Advance { blocks: u64 },
}

#[derive(Default)]
struct Model {
	nodes: BTreeMap<u8, (u8, NodeType, Status)>,
	owner_node: BTreeMap<u8, u8>,
	node_free_at: BTreeMap<u8, u64>,
	owner_free_at: BTreeMap<u8, u64>,
	banned: BTreeSet<u8>,
	disabled: BTreeSet<NodeType>,
}

impl Model {
	fn may_own(&self, owner: u8, node_type: NodeType, now: u64) -> bool {
		!self.banned.contains(&owner)
			&& !self.owner_node.contains_key(&owner)
			&& self.owner_free_at.get(&owner).is_none_or(|at| now >= *at)
			&& (node_type != NodeType::Validator || owner <= STAKED)
	}

	fn unregister(&mut self, key: u8, now: u64) {
		let Some((owner, node_type, status)) = self.nodes.get(&key).copied() else { return };
		if node_type == NodeType::StorageMiner && status == Status::Online {
			self.nodes.insert(key, (owner, node_type, Status::Degraded));
		} else {
			self.nodes.remove(&key);
			self.owner_node.remove(&owner);
			self.node_free_at.insert(key, now + COOLDOWN);
			self.owner_free_at.insert(owner, now + COOLDOWN);
		}
	}
}

fn storage_root() -> Vec<u8> {
	sp_io::storage::root(sp_runtime::StateVersion::V1)
}

/// Applies `ops` to a fresh mock chain; returns the first disagreement with the model. Adds
/// the steps it ran to `steps`.
pub fn run(ops: Vec<Op>, steps: &mut u64) -> Result<(), String> {
	let mut result = Ok(());
	ExtBuilder::default().build_and_execute(|| {
		for owner in 1..=STAKED {
			bond(&account(owner), STAKE_THRESHOLD);
		}
		let mut model = Model::default();
		let mut nonce = 0u8;
		for op in ops {
			let now = System::block_number();
			let before = storage_root();
			let (expected, outcome) = match op.clone() {
				Op::Register { owner, key, node_type, corrupt, raw } => {
					nonce = nonce.wrapping_add(1);
					let signer = NodeKey::new(key);
					let c = challenge(&account(owner), &signer, now, now + 10, nonce);
					let mut r = Registering::with_challenge(&account(owner), &signer, node_type, c);
					if raw {
						r.node_id = signer.raw();
					}
					if corrupt {
						r.signature[0] ^= 1;
					}
					let ok = !corrupt
						&& !model.disabled.contains(&node_type)
						&& model.may_own(owner, node_type, now)
						&& !model.nodes.contains_key(&key)
						&& model.node_free_at.get(&key).is_none_or(|at| now >= *at);
					let outcome = r.submit();
					if ok && outcome.is_ok() {
						model.nodes.insert(key, (owner, node_type, Status::Online));
						model.owner_node.insert(owner, key);
					}
					(ok, outcome)
				}
				Op::Unregister { signer, key } => {
					let ok = model.nodes.get(&key).is_some_and(|(owner, ..)| *owner == signer);
					let outcome = Registration::unregister_main_node(
						RuntimeOrigin::signed(account(signer)),
						node_param(NodeKey::new(key).raw()),
					);
					if ok && outcome.is_ok() {
						model.unregister(key, now);
					}
					(ok, outcome)
				}
				Op::ForceUnregister { key } => {
					let ok = model.nodes.contains_key(&key);
					let outcome = Registration::force_unregister_coldkey_node(
						RuntimeOrigin::root(),
						node_param(NodeKey::new(key).base58()),
					);
					if ok && outcome.is_ok() {
						model.unregister(key, now);
					}
					(ok, outcome)
				}
				Op::Swap { signer, key, new_owner } => {
					let ok = model.nodes.get(&key).is_some_and(|(owner, node_type, _)| {
						*owner == signer
							&& new_owner != signer
							&& model.may_own(new_owner, *node_type, now)
					});
					let outcome = Registration::swap_node_owner(
						RuntimeOrigin::signed(account(signer)),
						node_param(NodeKey::new(key).raw()),
						account(new_owner),
					);
					if ok && outcome.is_ok() {
						let entry = model.nodes.get_mut(&key).expect("checked");
						entry.0 = new_owner;
						model.owner_node.remove(&signer);
						model.owner_node.insert(new_owner, key);
					}
					(ok, outcome)
				}
				Op::Ban { owner, banned } => {
					if banned {
						model.banned.insert(owner);
					} else {
						model.banned.remove(&owner);
					}
					(
						true,
						Registration::set_account_ban_status(
							RuntimeOrigin::root(),
							account(owner),
							banned,
						),
					)
				}
				Op::Disable { node_type, disabled } => {
					if disabled {
						model.disabled.insert(node_type);
					} else {
						model.disabled.remove(&node_type);
					}
					(
						true,
						Registration::set_node_type_disabled(
							RuntimeOrigin::root(),
							node_type,
							disabled,
						),
					)
				}
				Op::Advance { blocks } => {
					run_to_block(now + blocks);
					(true, Ok(()))
				}
			};
			*steps += 1;
			let step = || -> Result<(), String> {
				if outcome.is_ok() != expected {
					return Err(format!(
						"{op:?} at block {now}: {outcome:?}, model expected ok = {expected}"
					));
				}
				if outcome.is_err() && storage_root() != before {
					return Err(format!("failed {op:?} changed storage"));
				}
				if let Err(error) = Registration::do_try_state() {
					return Err(format!("invariants after {op:?}: {error:?}"));
				}
				for key in 1..=KEYS {
					let stored =
						ColdkeyNodeRegistrationV2::<Test>::get(node_id(&NodeKey::new(key)))
							.map(|info| (info.owner, info.node_type, info.status));
					let modelled = model
						.nodes
						.get(&key)
						.map(|(owner, node_type, status)| (account(*owner), *node_type, *status));
					if stored != modelled {
						return Err(format!("node {key} after {op:?}: {stored:?} != {modelled:?}"));
					}
				}
				Ok(())
			};
			if let Err(error) = step() {
				result = Err(error);
				return;
			}
		}
	});
	result
}

impl Op {
	/// An operation from four bytes (for the fuzzer): a kind, then three arguments.
	pub fn from_bytes([kind, a, b, c]: [u8; 4]) -> Op {
		let owner = |x: u8| x % OWNERS + 1;
		let key = |x: u8| x % KEYS + 1;
		let node_type = |x: u8| {
			[NodeType::StorageMiner, NodeType::GpuMiner, NodeType::Validator][usize::from(x % 3)]
		};
		match kind % 12 {
			0..=3 => Op::Register {
				owner: owner(a),
				key: key(b),
				node_type: node_type(c),
				corrupt: c & 0x70 == 0x70,
				raw: c & 0x80 != 0,
			},
			4 | 5 => Op::Unregister { signer: owner(a), key: key(b) },
			6 => Op::ForceUnregister { key: key(a) },
			7 => Op::Swap { signer: owner(a), key: key(b), new_owner: owner(c) },
			8 => Op::Ban { owner: owner(a), banned: b % 3 == 0 },
			9 => Op::Disable { node_type: node_type(a), disabled: b % 3 == 0 },
			_ => Op::Advance { blocks: u64::from(a % 25) + 1 },
		}
	}
}
