//! A property test of the call state machine: random sequences of registrations (valid and
//! corrupted), unregistrations, forced removals, owner swaps, bans, disabled types and block
//! advances, checked against a plain model of the registry after every step. A call the model
//! refuses must fail and leave the storage root unchanged; one it accepts must succeed; the
//! registry must equal the model; `try_state` must hold.

mod common;

use common::mock::*;
use pallet_registration::{ColdkeyNodeRegistrationV2, NodeType, Status};
use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

const OWNERS: u8 = 6;
const KEYS: u8 = 6;
/// Owners 1..=STAKED have bonded the validator stake.
const STAKED: u8 = 3;

#[derive(Clone, Debug)]
enum Op {
	Register { owner: u8, key: u8, node_type: NodeType, corrupt: bool, raw: bool },
	Unregister { signer: u8, key: u8 },
	ForceUnregister { key: u8 },
	Swap { signer: u8, key: u8, new_owner: u8 },
	Ban { owner: u8, banned: bool },
	Disable { node_type: NodeType, disabled: bool },
	Advance { blocks: u64 },
}

fn node_type() -> impl Strategy<Value = NodeType> {
	prop_oneof![Just(NodeType::StorageMiner), Just(NodeType::GpuMiner), Just(NodeType::Validator)]
}

fn op() -> impl Strategy<Value = Op> {
	let owner = 1..=OWNERS;
	let key = 1..=KEYS;
	prop_oneof![
		4 => (owner.clone(), key.clone(), node_type(), prop::bool::weighted(0.15), any::<bool>())
			.prop_map(|(owner, key, node_type, corrupt, raw)| Op::Register { owner, key, node_type, corrupt, raw }),
		2 => (owner.clone(), key.clone()).prop_map(|(signer, key)| Op::Unregister { signer, key }),
		1 => key.clone().prop_map(|key| Op::ForceUnregister { key }),
		1 => (owner.clone(), key, owner.clone()).prop_map(|(signer, key, new_owner)| Op::Swap { signer, key, new_owner }),
		1 => (owner, prop::bool::weighted(0.3)).prop_map(|(owner, banned)| Op::Ban { owner, banned }),
		1 => (node_type(), prop::bool::weighted(0.3)).prop_map(|(node_type, disabled)| Op::Disable { node_type, disabled }),
		2 => (1u64..=25).prop_map(|blocks| Op::Advance { blocks }),
	]
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

fn run(ops: Vec<Op>) -> Result<(), TestCaseError> {
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
			let step = || -> Result<(), TestCaseError> {
				prop_assert_eq!(
					outcome.is_ok(),
					expected,
					"{:?} at block {}: {:?}",
					op,
					now,
					outcome
				);
				if outcome.is_err() {
					prop_assert_eq!(
						storage_root(),
						before.clone(),
						"failed {:?} changed storage",
						op
					);
				}
				prop_assert!(Registration::do_try_state().is_ok(), "invariants after {:?}", op);
				for key in 1..=KEYS {
					let stored =
						ColdkeyNodeRegistrationV2::<Test>::get(node_id(&NodeKey::new(key)))
							.map(|info| (info.owner, info.node_type, info.status));
					let modelled = model
						.nodes
						.get(&key)
						.map(|(owner, node_type, status)| (account(*owner), *node_type, *status));
					prop_assert_eq!(stored, modelled, "node {} after {:?}", key, op);
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

proptest! {
	#![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

	#[test]
	fn calls_agree_with_the_model(ops in prop::collection::vec(op(), 1..60)) {
		run(ops)?;
	}
}
