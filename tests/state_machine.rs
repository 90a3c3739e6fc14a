//! A property test of the call state machine (`tests/common/state_machine.rs`): random sequences
//! of every call — registrations (valid, corrupted, over-long, replayed), forced registrations,
//! unregistrations, forced removals, degradations, owner swaps (offer, acceptance, cancellation),
//! registrations with an owner's consent (bare, wrapped, forged, under-priced), revocations, key
//! rotations (by the owner or with a consent), fee-less heartbeats and node records (valid,
//! stale, foreign, corrupted), deregistration reports, stake bonded and unbonded, bans, disabled types, whitelists and the
//! governance switches — interleaved with block advances
//! across consensus rounds and challenge expiries, checked against a plain model of the registry
//! after every step. A call the model refuses must fail and leave the storage root unchanged; one
//! it accepts must succeed; the registry must equal the model; `try_state` must hold.

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
		1 => key.clone().prop_map(|key| Op::ForceUnregister { key }),
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

/// A fixed sequence through the paths random sequences reach least often: two validators vote
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
	let outcomes = run(vec![
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
	])
	.expect("the pallet agrees with the model");
	let expected =
		[true, true, true, true, false, true, true, false, true, false, false, true, true, false];
	assert_eq!(outcomes, expected);
}

/// A fixed sequence through the rules of the second review: an offer is not a hand-over and
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
	let outcomes = run(vec![
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
	])
	.expect("the pallet agrees with the model");
	let expected =
		[true, true, true, true, true, false, true, false, true, true, true, true, true, false];
	assert_eq!(outcomes, expected);
}

/// Inputs the `state_machine` fuzz target once failed on (`fuzz/regressions/state_machine/`),
/// decoded as the fuzzer decodes them.
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
		inputs += 1;
	}
	assert!(inputs > 0, "no regression inputs in {}", dir.display());
}
