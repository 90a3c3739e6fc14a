//! Fleets (many nodes per owner, `MaxNodesPerOwner`) and bonds (a deposit per node type, held
//! from the owner, released after a node leaves, slashed by consensus): issue 26. The mock's
//! default limit is 1 and its deposits zero, the reference's rules, under which every other
//! test file runs unchanged.

use crate::common::mock::*;
use codec::Encode;
use frame_support::{
	assert_noop, assert_ok,
	traits::fungible::{Inspect, InspectHold},
};
use pallet_registration::{
	ColdkeyNodeRegistrationV2, Error, Event, HoldReason, NodeBonds, NodeRegistry, NodeType,
	NodesByOwner, OwnerNodeCount, OwnerToNode, PageError, ReleasingBonds, Status, UnregisterReason,
};
use sp_runtime::DispatchError;

/// A fleet limit of `limit`, fee charging off, the events cleared.
fn fleets(limit: u32) {
	MaxNodesPerOwnerParam::set(limit);
	registration_events();
}

fn main_of(owner: u8) -> Option<Vec<u8>> {
	OwnerToNode::<Test>::get(account(owner)).map(|ids| ids[0].to_vec())
}

fn unregister_node(owner: u8, key: &NodeKey) -> sp_runtime::DispatchResult {
	Registration::unregister_node(RuntimeOrigin::signed(account(owner)), node_param(key.raw()))
}

fn held(owner: u8) -> Balance {
	Balances::balance_on_hold(&HoldReason::NodeBond.into(), &account(owner))
}

fn set_deposit(node_type: NodeType, deposit: Balance) {
	assert_ok!(Registration::set_node_type_deposit(RuntimeOrigin::root(), node_type, deposit));
}

#[test]
fn an_owner_registers_a_fleet_up_to_its_limit_each_node_with_its_key() {
	new_test_ext(|| {
		fleets(3);
		let keys: Vec<NodeKey> = (1..=4).map(NodeKey::new).collect();
		register(&account(1), &keys[0], NodeType::StorageMiner);
		register(&account(1), &keys[1], NodeType::GpuMiner);
		// The consent path and governance's path add to the same fleet.
		let owner = OwnerKey::new(2);
		MaxNodesPerOwnerParam::set(3);
		assert_ok!(force_register(&owner.account(), NodeType::StorageS3, keys[2].raw()));
		assert_ok!(Consenting::new(&owner, &keys[3], NodeType::ComputeMiner).submit());
		assert_ok!(force_register(&account(1), NodeType::ComputeMiner, NodeKey::new(5).raw()));
		assert_eq!(OwnerNodeCount::<Test>::get(account(1)), 3);
		assert_eq!(OwnerNodeCount::<Test>::get(owner.account()), 2);
		// The first node is the owner's main node, as the reference's clients read it.
		assert_eq!(main_of(1), Some(keys[0].base58()));
		assert_eq!(
			Registration::node_of_owner(account(1)).unwrap().node_id.to_vec(),
			keys[0].base58()
		);
		// At the limit: refused, whatever the path.
		let more = Registering::new(&account(1), &NodeKey::new(6), NodeType::GpuMiner);
		assert_noop!(more.submit(), Error::<Test>::OwnerAlreadyRegistered);
		assert_noop!(
			force_register(&account(1), NodeType::GpuMiner, NodeKey::new(6).raw()),
			Error::<Test>::OwnerAlreadyRegistered
		);
		// Queries page the fleet.
		assert_eq!(Registration::owner_node_count(account(1)), 3);
		let first = Registration::nodes_of_owner(account(1), None, 2).unwrap();
		assert_eq!(first.nodes.len(), 2);
		let rest =
			Registration::nodes_of_owner(account(1), first.next.map(|n| n.to_vec()), 2).unwrap();
		assert_eq!((rest.nodes.len(), rest.next), (1, None));
		assert_eq!(Registration::nodes_of_owner(account(1), None, 0), Err(PageError::ZeroLimit));
		assert_eq!(<Registration as NodeRegistry<_, _>>::owner_node_count(&account(1)), 3);
		assert_eq!(
			<Registration as NodeRegistry<_, _>>::nodes_of_owner(&account(1), None, 10)
				.unwrap()
				.len(),
			3
		);
	});
}

#[test]
fn the_main_node_leaving_hands_its_role_to_another_node_of_the_fleet() {
	new_test_ext(|| {
		fleets(3);
		let (a, b, c) = (NodeKey::new(1), NodeKey::new(2), NodeKey::new(3));
		for key in [&a, &b, &c] {
			register(&account(1), key, NodeType::GpuMiner);
		}
		registration_events();
		// `unregister_main_node` keeps its meaning: the main node only.
		assert_noop!(
			Registration::unregister_main_node(
				RuntimeOrigin::signed(account(1)),
				node_param(b.raw())
			),
			Error::<Test>::NotMainNode
		);
		assert_ok!(Registration::unregister_main_node(
			RuntimeOrigin::signed(account(1)),
			node_param(a.raw())
		));
		let new_main = main_of(1).expect("another node is main");
		assert!(new_main == b.base58() || new_main == c.base58());
		assert!(registration_events().contains(&Event::MainNodeChanged {
			owner: account(1),
			node_id: new_main.clone().try_into().unwrap(),
		}));
		// Any node leaves with `unregister_node`; the last one takes the main role with it.
		let other = if new_main == b.base58() { &c } else { &b };
		assert_ok!(unregister_node(1, other));
		assert_eq!(main_of(1), Some(new_main.clone()));
		let last = if new_main == b.base58() { &b } else { &c };
		assert_ok!(unregister_node(1, last));
		assert_eq!(main_of(1), None);
		assert_eq!(OwnerNodeCount::<Test>::get(account(1)), 0);
		// Only the owner removes its nodes.
		register(&account(2), &NodeKey::new(4), NodeType::GpuMiner);
		assert_noop!(unregister_node(1, &NodeKey::new(4)), Error::<Test>::NotNodeOwner);
	});
}

#[test]
fn a_removed_node_cools_its_place_down_and_leaves_the_others_free() {
	new_test_ext(|| {
		fleets(3);
		let key = NodeKey::new(1);
		register(&account(1), &key, NodeType::GpuMiner);
		register(&account(1), &NodeKey::new(2), NodeType::GpuMiner);
		assert_ok!(unregister_node(1, &key));
		// One node, one place cooling, one free: the free one takes a node at once...
		register(&account(1), &NodeKey::new(3), NodeType::GpuMiner);
		// ...but the cooling one does not, nor does the removed PeerId.
		assert_noop!(
			Registering::new(&account(1), &NodeKey::new(4), NodeType::GpuMiner).submit(),
			Error::<Test>::NodeCooldownPeriodNotExpired
		);
		// Two removals: two places cool down, until the later one's cooldown ends.
		assert_ok!(unregister_node(1, &NodeKey::new(2)));
		assert_noop!(
			Registering::new(&account(1), &NodeKey::new(4), NodeType::GpuMiner).submit(),
			Error::<Test>::NodeCooldownPeriodNotExpired
		);
		run_to_block(System::block_number() + COOLDOWN);
		register(&account(1), &NodeKey::new(4), NodeType::GpuMiner);
		register(&account(1), &NodeKey::new(5), NodeType::GpuMiner);
		assert_eq!(OwnerNodeCount::<Test>::get(account(1)), 3);
	});
}

#[test]
fn an_owner_removed_by_consensus_cannot_replace_the_node_at_once() {
	new_test_ext(|| {
		fleets(2);
		for v in 1..=2u8 {
			register_validator(&account(v), &NodeKey::new(v));
		}
		let target = NodeKey::new(20);
		register(&account(20), &target, NodeType::GpuMiner);
		register(&account(20), &NodeKey::new(21), NodeType::GpuMiner);
		assert_ok!(report(1, &[&target]));
		assert_ok!(report(2, &[&target]));
		run_to_block(CONSENSUS_PERIOD);
		assert!(!ColdkeyNodeRegistrationV2::<Test>::contains_key(node_id(&target)));
		// Its other node stays; the freed place cools down.
		assert!(ColdkeyNodeRegistrationV2::<Test>::contains_key(node_id(&NodeKey::new(21))));
		assert_noop!(
			Registering::new(&account(20), &NodeKey::new(22), NodeType::GpuMiner).submit(),
			Error::<Test>::NodeCooldownPeriodNotExpired
		);
	});
}

#[test]
fn an_owner_has_at_most_one_validator_node() {
	new_test_ext(|| {
		fleets(3);
		register_validator(&account(1), &NodeKey::new(1));
		register(&account(1), &NodeKey::new(2), NodeType::GpuMiner);
		assert_noop!(
			Registering::new(&account(1), &NodeKey::new(3), NodeType::Validator).submit(),
			Error::<Test>::OwnerHasValidator
		);
		assert_noop!(
			force_register(&account(1), NodeType::Validator, NodeKey::new(3).raw()),
			Error::<Test>::OwnerHasValidator
		);
		// Its fleet's validator reports once, for the owner.
		let target = NodeKey::new(20);
		register(&account(20), &target, NodeType::GpuMiner);
		assert_ok!(report(1, &[&target]));
	});
}

#[test]
fn an_offer_to_an_owner_at_its_limit_is_refused_at_offer_and_at_acceptance() {
	new_test_ext(|| {
		fleets(2);
		let offered = NodeKey::new(1);
		register(&account(1), &offered, NodeType::GpuMiner);
		register(&account(2), &NodeKey::new(2), NodeType::GpuMiner);
		register(&account(2), &NodeKey::new(3), NodeType::GpuMiner);
		assert_noop!(
			Registration::swap_node_owner(
				RuntimeOrigin::signed(account(1)),
				node_param(offered.raw()),
				account(2)
			),
			Error::<Test>::OwnerAlreadyRegistered
		);
		// Offered while it had room, accepted when it has none.
		assert_ok!(unregister_node(2, &NodeKey::new(3)));
		run_to_block(System::block_number() + COOLDOWN);
		assert_ok!(Registration::swap_node_owner(
			RuntimeOrigin::signed(account(1)),
			node_param(offered.raw()),
			account(2)
		));
		register(&account(2), &NodeKey::new(4), NodeType::GpuMiner);
		assert_noop!(
			Registration::accept_node_ownership(
				RuntimeOrigin::signed(account(2)),
				node_param(offered.raw())
			),
			Error::<Test>::OwnerAlreadyRegistered
		);
		// With room, the node joins the new owner's fleet (not as its main node) and leaves the
		// old owner's.
		assert_ok!(unregister_node(2, &NodeKey::new(4)));
		run_to_block(System::block_number() + COOLDOWN);
		assert_ok!(Registration::swap_node_owner(
			RuntimeOrigin::signed(account(1)),
			node_param(offered.raw()),
			account(2)
		));
		assert_ok!(Registration::accept_node_ownership(
			RuntimeOrigin::signed(account(2)),
			node_param(offered.raw())
		));
		assert!(NodesByOwner::<Test>::contains_key(account(2), node_id(&offered)));
		assert_eq!(main_of(2), Some(NodeKey::new(2).base58()));
		assert_eq!(main_of(1), None);
	});
}

#[test]
fn a_fleet_node_rotates_its_own_key_and_keeps_its_place() {
	new_test_ext(|| {
		fleets(2);
		let (main, other, new) = (NodeKey::new(1), NodeKey::new(2), NodeKey::new(3));
		register(&account(1), &main, NodeType::GpuMiner);
		register(&account(1), &other, NodeType::GpuMiner);
		assert_ok!(Rotating::new(&account(1), &other, &new).submit());
		assert_eq!(main_of(1), Some(main.base58()));
		assert!(NodesByOwner::<Test>::contains_key(account(1), node_id(&new)));
		assert!(!NodesByOwner::<Test>::contains_key(account(1), node_id(&other)));
		// The main node rotating stays main.
		run_to_block(System::block_number() + COOLDOWN);
		let newer = NodeKey::new(4);
		assert_ok!(Rotating::new(&account(1), &main, &newer).submit());
		assert_eq!(main_of(1), Some(newer.base58()));
		assert_eq!(OwnerNodeCount::<Test>::get(account(1)), 2);
	});
}

#[test]
fn a_registration_holds_its_types_deposit_and_refuses_without_the_funds() {
	new_test_ext(|| {
		fleets(2);
		set_deposit(NodeType::GpuMiner, 300);
		assert_eq!(Registration::current_deposit(NodeType::GpuMiner), 300);
		assert_eq!(Registration::current_deposit(NodeType::StorageS3), 0);
		registration_events();
		let key = NodeKey::new(1);
		register(&account(1), &key, NodeType::GpuMiner);
		assert_eq!(held(1), 300);
		assert_eq!(NodeBonds::<Test>::get(node_id(&key)), Some(300));
		assert!(registration_events().contains(&Event::BondHeld {
			node_id: node_id(&key),
			owner: account(1),
			amount: 300,
		}));
		// A type without a deposit holds nothing.
		register(&account(1), &NodeKey::new(2), NodeType::StorageS3);
		assert_eq!(held(1), 300);
		// An owner that cannot hold the deposit is refused, and nothing changes.
		let poor = account(33);
		<Balances as frame_support::traits::fungible::Mutate<_>>::set_balance(&poor, 100);
		assert_noop!(
			Registering::new(&poor, &NodeKey::new(3), NodeType::GpuMiner).submit(),
			Error::<Test>::InsufficientBalanceForDeposit
		);
		// Only the fee authority sets deposits.
		assert_noop!(
			Registration::set_node_type_deposit(
				RuntimeOrigin::signed(account(1)),
				NodeType::GpuMiner,
				1
			),
			DispatchError::BadOrigin
		);
		assert_ok!(Registration::set_node_type_deposit(
			RuntimeOrigin::signed(FEE_AUTHORITY),
			NodeType::GpuMiner,
			0
		));
		assert_eq!(Registration::current_deposit(NodeType::GpuMiner), 0);
	});
}

#[test]
fn a_consent_binds_the_most_deposit_the_owner_holds() {
	new_test_ext(|| {
		set_deposit(NodeType::GpuMiner, 300);
		let owner = OwnerKey::new(7);
		let key = NodeKey::new(1);
		let mut consent = consent(&owner.account(), &key, NodeType::GpuMiner, 100);
		consent.max_deposit = 299;
		let signature = owner.sign(&consent.encode());
		let consenting =
			Consenting::with_consent(consent.clone(), signature, &key, NodeType::GpuMiner);
		assert_noop!(consenting.submit(), Error::<Test>::DepositAboveMaximum);
		consent.max_deposit = 300;
		let signature = owner.sign(&consent.encode());
		assert_ok!(Consenting::with_consent(consent, signature, &key, NodeType::GpuMiner).submit());
		assert_eq!(Balances::balance_on_hold(&HoldReason::NodeBond.into(), &owner.account()), 300);
	});
}

#[test]
fn a_node_that_leaves_releases_its_bond_after_the_cooldown() {
	new_test_ext(|| {
		set_deposit(NodeType::GpuMiner, 300);
		let key = NodeKey::new(1);
		register(&account(1), &key, NodeType::GpuMiner);
		let free = Balances::balance(&account(1));
		registration_events();
		let left_at = System::block_number();
		assert_ok!(Registration::unregister_main_node(
			RuntimeOrigin::signed(account(1)),
			node_param(key.raw())
		));
		let release_at = left_at + COOLDOWN;
		assert!(registration_events().contains(&Event::BondReleasing {
			node_id: node_id(&key),
			owner: account(1),
			amount: 300,
			release_at,
		}));
		assert_eq!(ReleasingBonds::<Test>::get(account(1), node_id(&key)), Some((300, release_at)));
		// Held until the cooldown is over, released in the next hook's pruning.
		run_to_block(release_at);
		assert_eq!(held(1), 300);
		run_to_block(release_at + 1);
		assert_eq!(held(1), 0);
		assert_eq!(Balances::balance(&account(1)), free + 300);
		assert!(registration_events().contains(&Event::BondReleased {
			node_id: node_id(&key),
			owner: account(1),
			amount: 300,
		}));
	});
}

#[test]
fn consensus_slashes_its_share_of_the_bond_and_releases_the_rest() {
	new_test_ext(|| {
		for v in 1..=2u8 {
			register_validator(&account(v), &NodeKey::new(v));
		}
		set_deposit(NodeType::GpuMiner, 1_000);
		let target = NodeKey::new(20);
		register(&account(20), &target, NodeType::GpuMiner);
		let issuance = Balances::total_issuance();
		assert_ok!(report(1, &[&target]));
		assert_ok!(report(2, &[&target]));
		registration_events();
		run_to_block(CONSENSUS_PERIOD);
		let events = registration_events();
		assert!(events.contains(&Event::NodeUnregistered {
			node_id: node_id(&target),
			owner: account(20),
			reason: UnregisterReason::Consensus,
		}));
		// 40 % to the handler, which burns it here; 60 % released after the cooldown.
		assert!(events.contains(&Event::BondSlashed {
			node_id: node_id(&target),
			owner: account(20),
			amount: 400,
		}));
		assert_eq!(SLASHED.with(|s| *s.borrow()), 400);
		assert_eq!(Balances::total_issuance(), issuance - 400);
		assert_eq!(held(20), 600);
		run_to_block(CONSENSUS_PERIOD + COOLDOWN + 1);
		assert_eq!(held(20), 0);
	});
}

#[test]
fn governance_removes_a_node_with_its_bond_forfeited_or_not() {
	new_test_ext(|| {
		set_deposit(NodeType::StorageMiner, 500);
		let (kept, forfeited) = (NodeKey::new(1), NodeKey::new(2));
		register(&account(1), &kept, NodeType::StorageMiner);
		register(&account(2), &forfeited, NodeType::StorageMiner);
		// Removed at once (no degraded step), the bond released after the cooldown...
		assert_ok!(Registration::force_remove_node(
			RuntimeOrigin::root(),
			node_param(kept.raw()),
			false
		));
		assert!(!ColdkeyNodeRegistrationV2::<Test>::contains_key(node_id(&kept)));
		assert_eq!(held(1), 500);
		// ...or forfeited whole.
		assert_ok!(Registration::force_remove_node(
			RuntimeOrigin::root(),
			node_param(forfeited.raw()),
			true
		));
		assert_eq!(held(2), 0);
		assert_eq!(SLASHED.with(|s| *s.borrow()), 500);
		assert_noop!(
			Registration::force_remove_node(
				RuntimeOrigin::signed(account(1)),
				node_param(kept.raw()),
				true
			),
			DispatchError::BadOrigin
		);
		// The reference's force removal keeps its behaviour: an online storage miner is degraded.
		let miner = NodeKey::new(3);
		register(&account(3), &miner, NodeType::StorageMiner);
		assert_ok!(Registration::force_unregister_coldkey_node(
			RuntimeOrigin::root(),
			node_param(miner.raw())
		));
		assert_eq!(
			ColdkeyNodeRegistrationV2::<Test>::get(node_id(&miner)).map(|i| i.status),
			Some(Status::Degraded)
		);
		assert_eq!(held(3), 500);
	});
}

#[test]
fn a_handover_moves_the_bond_and_a_rotation_keeps_it() {
	new_test_ext(|| {
		set_deposit(NodeType::GpuMiner, 200);
		let key = NodeKey::new(1);
		register(&account(1), &key, NodeType::GpuMiner);
		assert_ok!(hand_over(&account(1), &key, &account(2)));
		// The new owner holds the deposit now; the old owner's waits for the cooldown.
		assert_eq!(held(2), 200);
		assert_eq!(held(1), 200);
		assert!(ReleasingBonds::<Test>::contains_key(account(1), node_id(&key)));
		run_to_block(System::block_number() + COOLDOWN + 1);
		assert_eq!(held(1), 0);
		// A rotation keeps the bond with the node.
		let new = NodeKey::new(2);
		assert_ok!(Rotating::new(&account(2), &key, &new).submit());
		assert_eq!(NodeBonds::<Test>::get(node_id(&new)), Some(200));
		assert_eq!(held(2), 200);
	});
}

#[test]
fn a_node_registered_before_deposits_holds_none_and_leaves_freely() {
	new_test_ext(|| {
		let key = NodeKey::new(1);
		register(&account(1), &key, NodeType::GpuMiner);
		set_deposit(NodeType::GpuMiner, 300);
		assert_eq!(NodeBonds::<Test>::get(node_id(&key)), None);
		assert_ok!(Registration::unregister_main_node(
			RuntimeOrigin::signed(account(1)),
			node_param(key.raw())
		));
		assert_eq!(held(1), 0);
		assert!(ReleasingBonds::<Test>::iter().next().is_none());
	});
}

#[test]
fn a_node_that_returns_and_leaves_again_before_its_release_merges_its_bonds() {
	new_test_ext(|| {
		set_deposit(NodeType::GpuMiner, 100);
		// The queue falls behind: no budget for pruning.
		let key = NodeKey::new(1);
		register(&account(1), &key, NodeType::GpuMiner);
		assert_ok!(unregister_node(1, &key));
		let budget = HookBudget::get();
		{
			use pallet_registration::WeightInfo;
			HookBudget::set(
				<() as WeightInfo>::on_initialize_base()
					+ <() as WeightInfo>::tally_reports(0, 0)
					+ <() as WeightInfo>::remove_unstaked_validators(0),
			);
		}
		run_to_block(System::block_number() + COOLDOWN);
		register(&account(1), &key, NodeType::GpuMiner);
		assert_ok!(unregister_node(1, &key));
		let (amount, _) = ReleasingBonds::<Test>::get(account(1), node_id(&key)).unwrap();
		assert_eq!(amount, 200);
		HookBudget::set(budget);
		run_to_block(System::block_number() + COOLDOWN + 1);
		assert_eq!(held(1), 0);
	});
}
