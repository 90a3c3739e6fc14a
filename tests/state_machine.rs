//! A property test of the call state machine (`tests/common/state_machine.rs`): random sequences
//! of every call — registrations (valid, corrupted, over-long, replayed), forced registrations,
//! unregistrations, forced removals, degradations, owner swaps (offer, acceptance, cancellation),
//! registrations with an owner's consent (bare, wrapped, forged, under-priced), revocations, key
//! rotations (by the owner or with a consent), fee-less heartbeats and node records (valid,
//! stale, foreign, corrupted), deregistration reports, stake bonded and unbonded, bans, disabled types, whitelists and the
//! governance switches, fleets (removals of the main node or of any node, forced removals with
//! and without forfeit) and deposits per node type (GPU miners and validators bonded from the
//! start) — interleaved with block advances
//! across consensus rounds and challenge expiries, checked against a plain model of the registry
//! after every step. A call the model refuses must fail and leave the storage root unchanged; one
//! it accepts must succeed; the registry must equal the model (each owner's fleet, main node,
//! cooling places and held bonds among it); `try_state` must hold.

use crate::common::{mock::*, state_machine::*};

use pallet_registration::NodeType;
use proptest::prelude::*;

fn node_type() -> impl Strategy<Value = NodeType> {
	prop_oneof![Just(NodeType::StorageMiner), Just(NodeType::GpuMiner), Just(NodeType::Validator)]
}

fn op() -> impl Strategy<Value = Op> {
	let owner = 1..=OWNERS;
	let key = 1..=KEYS;
	let register = (
		owner.clone(),
		key.clone(),
		node_type(),
		prop_oneof![9 => 0..=MAX_LIFETIME, 1 => MAX_LIFETIME + 1..MAX_LIFETIME + 5],
		prop::bool::weighted(0.15),
		any::<bool>(),
	)
		.prop_map(|(owner, key, node_type, lifetime, corrupt, raw)| Op::Register {
			owner,
			key,
			node_type,
			lifetime,
			corrupt,
			raw,
		});
	prop_oneof![
		6 => register,
		1 => Just(Op::Replay),
		1 => (owner.clone(), key.clone(), node_type())
			.prop_map(|(owner, key, node_type)| Op::ForceRegister { owner, key, node_type }),
		2 => (owner.clone(), key.clone()).prop_map(|(signer, key)| Op::Unregister { signer, key }),
		2 => (owner.clone(), key.clone())
			.prop_map(|(signer, key)| Op::UnregisterNode { signer, key }),
		1 => key.clone().prop_map(|key| Op::ForceUnregister { key }),
		1 => (key.clone(), any::<bool>()).prop_map(|(key, forfeit)| Op::ForceRemove { key, forfeit }),
		1 => key.clone().prop_map(|key| Op::Degrade { key }),
		1 => (owner.clone(), key.clone(), owner.clone())
			.prop_map(|(signer, key, new_owner)| Op::Swap { signer, key, new_owner }),
		2 => (owner.clone(), key.clone()).prop_map(|(who, key)| Op::Accept { who, key }),
		1 => (owner.clone(), key.clone())
			.prop_map(|(signer, key)| Op::CancelOffer { signer, key }),
		4 => (1..=STAKED, key).prop_map(|(reporter, key)| Op::Report { reporter, key }),
		1 => owner.clone().prop_map(|owner| Op::Unbond { owner }),
		1 => owner.clone().prop_map(|owner| Op::BondMore { owner }),
		1 => (owner, prop::bool::weighted(0.3)).prop_map(|(owner, banned)| Op::Ban { owner, banned }),
		1 => (node_type(), prop::bool::weighted(0.3))
			.prop_map(|(node_type, disabled)| Op::Disable { node_type, disabled }),
		1 => prop_oneof![Just(0u8), any::<u8>()].prop_map(|owners| Op::Whitelist { owners }),
		1 => prop::bool::weighted(0.8).prop_map(|enabled| Op::DeregistrationSwitch { enabled }),
		1 => any::<bool>().prop_map(|enabled| Op::FeeCharging { enabled }),
		1 => (node_type(), MIN_FEE..=MAX_FEE).prop_map(|(node_type, fee)| Op::SetFee { node_type, fee }),
		2 => (node_type(), prop::sample::select(&DEPOSITS[..]))
			.prop_map(|(node_type, deposit)| Op::SetDeposit { node_type, deposit }),
		3 => (1u64..=25).prop_map(|blocks| Op::Advance { blocks }),
		4 => (1..=OWNERS, 1..=KEYS, node_type(), any::<bool>(), prop::bool::weighted(0.15), prop::bool::weighted(0.15))
			.prop_map(|(owner, key, node_type, wrapped, forged, cheap)| Op::RegisterWithConsent {
				owner, key, node_type, wrapped, forged, cheap,
			}),
		1 => (1..=OWNERS, 1..=KEYS, node_type())
			.prop_map(|(owner, key, node_type)| Op::Revoke { owner, key, node_type }),
		2 => (1..=OWNERS, 1..=KEYS, 1..=KEYS, any::<bool>())
			.prop_map(|(signer, key, new_key, by_consent)| Op::Rotate { signer, key, new_key, by_consent }),
		5 => (1..=KEYS, prop::bool::weighted(0.1), prop::bool::weighted(0.1))
			.prop_map(|(key, stale, corrupt)| Op::Heartbeat { key, stale, corrupt }),
		3 => (1..=KEYS, prop::bool::weighted(0.1), prop::bool::weighted(0.1), prop::bool::weighted(0.1), any::<u8>())
			.prop_map(|(key, stale, foreign, corrupt, capability)| Op::Publish { key, stale, foreign, corrupt, capability }),
	]
}

proptest! {
	#![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

	#[test]
	fn calls_agree_with_the_model(ops in prop::collection::vec(op(), 1..60)) {
		run(ops).map_err(TestCaseError::fail)?;
	}
}

/// A fixed sequence through the paths random sequences reach least often, with the reference's
/// one node per owner: two validators vote
/// a node out at the round's end (a second vote of the same validator is refused), a used
/// challenge is replayed after its node left, the owner returns once the cooldown is over, and
/// a challenge past its lifetime bound is refused.
#[test]
fn consensus_replay_and_return_agree_with_the_model() {
	use Op::*;
	let register = |owner, key, node_type, lifetime| Register {
		owner,
		key,
		node_type,
		lifetime,
		corrupt: false,
		raw: true,
	};
	let outcomes = run_with(
		vec![
			register(1, 1, NodeType::Validator, MAX_LIFETIME),
			register(2, 2, NodeType::Validator, MAX_LIFETIME),
			register(4, 4, NodeType::GpuMiner, MAX_LIFETIME),
			Report { reporter: 1, key: 4 },
			Report { reporter: 1, key: 4 },
			Report { reporter: 2, key: 4 },
			Advance { blocks: CONSENSUS_PERIOD },
			Replay,
			Advance { blocks: COOLDOWN },
			Replay,
			register(4, 4, NodeType::GpuMiner, MAX_LIFETIME + 1),
			register(4, 4, NodeType::GpuMiner, 0),
			Advance { blocks: MAX_LIFETIME + 1 },
			Replay,
		],
		1,
		&[],
	)
	.expect("the pallet agrees with the model");
	let expected =
		[true, true, true, true, false, true, true, false, true, false, false, true, true, false];
	assert_eq!(outcomes, expected);
}

/// A fixed sequence through the rules of the second review, with the reference's one node per
/// owner: an offer is not a hand-over and
/// cannot be taken while the node is under report; a validator without stake cannot report, and
/// the vote of one that unbonds after reporting does not count at the tally; accepting starts
/// the old owner's cooldown.
#[test]
fn swap_stake_and_report_state_agree_with_the_model() {
	use Op::*;
	let register = |owner, key, node_type| Register {
		owner,
		key,
		node_type,
		lifetime: MAX_LIFETIME,
		corrupt: false,
		raw: false,
	};
	let outcomes = run_with(
		vec![
			register(1, 1, NodeType::Validator),
			register(2, 2, NodeType::Validator),
			register(4, 4, NodeType::GpuMiner),
			Swap { signer: 4, key: 4, new_owner: 5 },
			Report { reporter: 1, key: 4 },
			Accept { who: 5, key: 4 },
			Unbond { owner: 2 },
			Report { reporter: 2, key: 4 },
			BondMore { owner: 2 },
			Report { reporter: 2, key: 4 },
			Unbond { owner: 2 },
			Advance { blocks: CONSENSUS_PERIOD },
			Accept { who: 5, key: 4 },
			register(4, 3, NodeType::GpuMiner),
		],
		1,
		&[],
	)
	.expect("the pallet agrees with the model");
	let expected =
		[true, true, true, true, true, false, true, false, true, true, true, true, true, false];
	assert_eq!(outcomes, expected);
}

/// A fixed sequence through fleets and bonds (fleets of 3, no deposit until it sets them): a
/// second validator node of an owner
/// is refused; `unregister_main_node` refuses a node that is not main; consensus removes the
/// main node (40 % of its bond slashed, the rest released later) and the owner's other node
/// becomes main; each lost node cools one place, so a third registration waits while a second
/// goes in; a handover holds the new owner's deposit and releases the old owner's; a consent
/// below the deposit is refused; governance removes with and without forfeit; after the
/// cooldown every release is done (the model checks what is held after every step).
#[test]
fn fleets_and_bonds_agree_with_the_model() {
	use Op::*;
	let register = |owner, key, node_type| Register {
		owner,
		key,
		node_type,
		lifetime: MAX_LIFETIME,
		corrupt: false,
		raw: true,
	};
	let outcomes = run_with(
		vec![
			SetDeposit { node_type: NodeType::GpuMiner, deposit: 333 },
			SetDeposit { node_type: NodeType::Validator, deposit: CONSENT_MAX_DEPOSIT },
			register(1, 1, NodeType::Validator),
			register(2, 2, NodeType::Validator),
			register(1, 5, NodeType::Validator),
			register(4, 3, NodeType::GpuMiner),
			register(4, 4, NodeType::GpuMiner),
			Unregister { signer: 4, key: 4 },
			Report { reporter: 1, key: 3 },
			Report { reporter: 2, key: 3 },
			Advance { blocks: CONSENSUS_PERIOD },
			Unregister { signer: 4, key: 4 },
			register(4, 6, NodeType::GpuMiner),
			register(4, 5, NodeType::GpuMiner),
			Swap { signer: 4, key: 6, new_owner: 5 },
			Accept { who: 5, key: 6 },
			SetDeposit { node_type: NodeType::GpuMiner, deposit: 2_500 },
			RegisterWithConsent {
				owner: 5,
				key: 5,
				node_type: NodeType::GpuMiner,
				wrapped: false,
				forged: false,
				cheap: false,
			},
			ForceRemove { key: 6, forfeit: true },
			ForceRemove { key: 2, forfeit: false },
			Advance { blocks: COOLDOWN + 1 },
		],
		3,
		&[],
	)
	.expect("the pallet agrees with the model");
	let expected = [
		true, true, true, true, false, true, true, false, true, true, true, true, true, false,
		true, true, true, false, true, true, true,
	];
	assert_eq!(outcomes, expected);
	// 40 % of 333 (rounded down) by consensus, then 333 forfeited.
	assert_eq!(SLASHED.with(|s| *s.borrow()), 133 + 333);
}

/// Inputs the `state_machine` fuzz target once failed on (`fuzz/regressions/state_machine/`),
/// decoded as the fuzzer decodes them, and once more with one node per owner and no deposits,
/// the rules they were found under.
#[test]
fn fuzz_regressions_agree_with_the_model() {
	let dir =
		std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/regressions/state_machine");
	let mut inputs = 0;
	for entry in std::fs::read_dir(&dir).expect("the regression directory exists") {
		let path = entry.expect("a readable entry").path();
		let data = std::fs::read(&path).expect("a readable input");
		if let Err(error) = run(Op::sequence_from_bytes(&data)) {
			panic!("{}: {error}", path.display());
		}
		if let Err(error) = run_with(Op::sequence_from_bytes(&data), 1, &[]) {
			panic!("{} (one node per owner, no deposits): {error}", path.display());
		}
		inputs += 1;
	}
	assert!(inputs > 0, "no regression inputs in {}", dir.display());
}
