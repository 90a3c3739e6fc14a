//! The call state machine shared by the property test (`tests/state_machine.rs`) and the fuzz
//! target (`fuzz/fuzz_targets/state_machine.rs`): operations, a plain model of the registry, and
//! `run`, which applies operations to the mock runtime and checks them against the model.
//!
//! The model predicts whether each call succeeds before it runs. A call predicted to fail must
//! fail and leave the storage root unchanged (the root is only computed around those calls, so a
//! step stays cheap); a call predicted to succeed must succeed. After every step the registry
//! must equal the model and `try_state` must hold. Block advances run `on_initialize`, so
//! deregistration rounds are tallied and expired state pruned as on a chain.
//!
//! Owners are sr25519 accounts (so they can sign consents): `account(n)` here is the account of
//! the sr25519 key of seed `[n; 32]`. Consents are fixed per owner, node and type (fee limit
//! `MAX_FEE`, deposit limit [`CONSENT_MAX_DEPOSIT`], valid until [`CONSENT_END`], rotation
//! allowed), so a revocation and a later use name the same consent.
//!
//! The model knows the rules of the second review and the third (a registry bound, validators
//! that lost their stake removed at every tally, revoking every consent below a nonce): an owner swap is an offer the new owner
//! accepts (and which starts the old owner's cooldown, refused while the node has votes against
//! it), stake is checked when reporting and when tallying (owners unbond and bond again), each
//! validator may be the first to report only its share of a round's list, and an owner's votes
//! and rate-limit window stay with it whatever happens to its node.
//!
//! It knows fleets and bonds (issue 26). [`run`] sets `MaxNodesPerOwner` to 2 or 3 (see
//! [`fleet_limit_of`]) and starts with the deposits of [`INITIAL_DEPOSITS`]; [`run_with`] takes
//! any limit and deposits (1 and none: the reference's rules). An
//! owner registers while its nodes and its places cooling down are fewer than the limit (each
//! node it loses, by any removal or a handover, cools one more place until `COOLDOWN` blocks
//! after its latest loss), with one validator node at most; governance's registration checks
//! the nodes only. Its main node is its first registered; when the main node leaves or changes
//! hands, the first of its remaining nodes in `NodesByOwner`'s storage order takes over (the
//! model orders an owner's nodes by the key bytes of that `Blake2_128Concat` map:
//! `blake2_128(node_id.encode()) ++ node_id.encode()`); a rotation keeps the role with the node.
//! `unregister_main_node` takes the main node only, `unregister_node` any of the caller's.
//! A registration by the owner or with its consent holds the type's deposit (none when it is
//! zero; a forced registration holds none), refused by a consent whose deposit limit
//! ([`CONSENT_MAX_DEPOSIT`]) is below it; a rotation keeps the bond with the node; a handover
//! holds the new owner's deposit (at the deposit then in force) and releases the old owner's
//! bond after the cooldown. A removal releases the bond `COOLDOWN` blocks later, in the hook of
//! the block after that (a bond of the same owner and node still waiting is merged into one
//! release at the later block); a consensus removal first slashes 40 % of it (rounded down),
//! `force_remove_node` removes at once (no degraded step) and slashes all of it when told to.
//! After every step, what each owner holds under `HoldReason::NodeBond` is compared with the
//! model's bonds and releases, as are the total slashed, each owner's nodes, main node,
//! validator node and cooling places.

use super::mock::*;
use codec::Encode;
use frame_support::pallet_prelude::DispatchResult;
use pallet_registration::{
	ColdkeyNodeRegistrationV2, NodeId, NodeType, OwnerConsentOf, SignedConsentOf, Status,
};
use sp_core::Pair;
use std::collections::{BTreeMap, BTreeSet};

/// Owners are accounts `1..=OWNERS`.
pub const OWNERS: u8 = 6;
/// Node keys are `NodeKey::new(1..=KEYS)`.
pub const KEYS: u8 = 6;
/// Owners 1..=STAKED have bonded the validator stake.
pub const STAKED: u8 = 3;
/// The last block of every consent.
pub const CONSENT_END: u64 = 120;
/// The account that submits with consents.
const SUBMITTER: u8 = 30;
/// The registry's bound in these runs (`MaxNodes`), below the number of keys, so that
/// registrations meet it.
const MAX_NODES_IN_RUNS: u32 = 4;
/// The most deposit every consent of the runs agrees to hold: some of [`DEPOSITS`] are above it.
pub const CONSENT_MAX_DEPOSIT: Balance = 1_000;
/// The deposits `set_node_type_deposit` sets in the runs: none, one too small to slash any of,
/// one whose slashed share rounds down, the consents' limit, just above it and well above it.
pub const DEPOSITS: [Balance; 6] = [0, 1, 333, CONSENT_MAX_DEPOSIT, CONSENT_MAX_DEPOSIT + 1, 2_500];
/// The share of a bond a consensus removal slashes in the mock (`BondSlashShare`), in percent.
const SLASH_PERCENT: Balance = 40;

/// The deposits in force when [`run`] starts, so that bonds are held, released and slashed
/// without waiting for a `SetDeposit`: GPU miners 333 (whose slashed share rounds down) and
/// validators the consents' limit. Storage miners hold none until a `SetDeposit`: they are the
/// only type the kept regression inputs register, which so hold nothing, as when they were found.
pub const INITIAL_DEPOSITS: [(NodeType, Balance); 2] =
	[(NodeType::GpuMiner, 333), (NodeType::Validator, CONSENT_MAX_DEPOSIT)];

/// The fleet limit (`MaxNodesPerOwner`) [`run`] gives a sequence of `ops` operations: 2 for an
/// even number, 3 for an odd one, so that random and fuzzed runs meet both without an argument
/// of their own.
pub fn fleet_limit_of(ops: usize) -> u32 {
	2 + (ops % 2) as u32
}

/// The sr25519 key of owner `n`.
fn owner_key(n: u8) -> OwnerKey {
	OwnerKey::Sr25519(sp_core::sr25519::Pair::from_seed(&[n; 32]))
}

/// The account of owner `n` (shadows the mock's `[n; 32]` accounts, which cannot sign).
fn account(n: u8) -> AccountId {
	owner_key(n).account()
}

/// Owner `owner`'s consent to `key` as `node_type`.
fn consent_of(owner: u8, key: &NodeKey, node_type: NodeType) -> OwnerConsentOf<Test> {
	pallet_registration::OwnerConsent {
		domain: pallet_registration::CONSENT_DOMAIN,
		genesis_hash: Registration::genesis_hash(),
		owner: account(owner),
		peer_id: key.peer().to_raw(),
		node_type,
		max_fee: MAX_FEE,
		max_deposit: CONSENT_MAX_DEPOSIT,
		valid_until: CONSENT_END,
		nonce: 0,
		may_rotate: true,
	}
}

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
	/// `unregister_main_node` signed by `signer` (refused for a node that is not its main node).
	Unregister { signer: u8, key: u8 },
	/// `unregister_node` signed by `signer`: any node of its fleet.
	UnregisterNode { signer: u8, key: u8 },
	/// `force_unregister_coldkey_node`.
	ForceUnregister { key: u8 },
	/// `force_remove_node`: removed at once, its bond slashed whole when `forfeit`.
	ForceRemove { key: u8, forfeit: bool },
	/// `set_node_status_to_degraded`.
	Degrade { key: u8 },
	/// `swap_node_owner` signed by `signer`: offers the node to `new_owner`.
	Swap { signer: u8, key: u8, new_owner: u8 },
	/// `accept_node_ownership` signed by `who`.
	Accept { who: u8, key: u8 },
	/// `cancel_node_ownership_offer` signed by `signer`.
	CancelOffer { signer: u8, key: u8 },
	/// `submit_deregistration_report` of one node, signed by `reporter`.
	Report { reporter: u8, key: u8 },
	/// pallet-staking: `owner` unbonds all of its active stake (nothing when it has none).
	Unbond { owner: u8 },
	/// pallet-staking: `owner` bonds `STAKE_THRESHOLD` more (a first bond if it has none).
	BondMore { owner: u8 },
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
	/// `set_node_type_deposit` (one of [`DEPOSITS`]).
	SetDeposit { node_type: NodeType, deposit: Balance },
	/// Runs `blocks` blocks.
	Advance { blocks: u64 },
	/// `register_node_with_consent` by the submitter with `owner`'s consent to `key` as
	/// `node_type`, signed bare or `wrapped`, or by another owner's key when `forged`; with a
	/// fee limit of 0 (another consent) when `cheap`.
	RegisterWithConsent {
		owner: u8,
		key: u8,
		node_type: NodeType,
		wrapped: bool,
		forged: bool,
		cheap: bool,
	},
	/// `revoke_consent` by `owner` of its consent to `key` as `node_type`.
	Revoke { owner: u8, key: u8, node_type: NodeType },
	/// `revoke_consents_below` by `owner` with nonce 1: every consent of its (all carry nonce
	/// 0) is revoked; refused once done (the floor only rises).
	RevokeBelow { owner: u8 },
	/// `rotate_node_key` of `key`'s node to `new_key`, signed by `signer`, or by the submitter
	/// with the owner's consent to `new_key` when `by_consent`.
	Rotate { signer: u8, key: u8, new_key: u8, by_consent: bool },
	/// A fee-less `heartbeat` of `key` for the current period (the next one when `stale`),
	/// its signature `corrupt`ed or not.
	Heartbeat { key: u8, stale: bool, corrupt: bool },
	/// A fee-less `publish_node_record` of `key`: the sequence number one above the stored
	/// record's (the stored one, or 0 without a record, when `stale`), an address naming another node when `foreign`, the
	/// signature `corrupt`ed or not; capability `capability` (of two) named.
	Publish { key: u8, stale: bool, foreign: bool, corrupt: bool, capability: u8 },
}

/// A node's liveness as the model sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Live {
	last_seen: u64,
	heartbeat_sent: bool,
	silent: bool,
	check_at: u64,
}

/// The liveness period of `block`.
fn period_of(block: u64) -> u64 {
	block / HEARTBEAT_PERIOD
}

/// The first block at which a node last heard from at `last_seen` is silent too long.
fn silent_from(last_seen: u64) -> u64 {
	(period_of(last_seen) + u64::from(OFFLINE_AFTER) + 1) * HEARTBEAT_PERIOD
}

impl Live {
	fn new(now: u64) -> Self {
		Self { last_seen: now, heartbeat_sent: false, silent: false, check_at: silent_from(now) }
	}
}

/// An owner's votes in one round.
#[derive(Clone, Default)]
struct Ballot {
	round: u64,
	keys: BTreeSet<u8>,
	/// How many of them it was the first to report (its share of the round's list).
	added: u32,
}

/// Why a node leaves, as far as its bond is concerned.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Leaving {
	/// By its owner, governance without forfeit, or for lost stake: the bond is released.
	Released,
	/// By validators' consensus: [`SLASH_PERCENT`] of the bond is slashed.
	Consensus,
	/// By `force_remove_node` with forfeit: the whole bond is slashed.
	Forfeit,
}

/// What the harness expects the chain to hold.
struct Model {
	/// `MaxNodesPerOwner` of the run.
	fleet_limit: u32,
	/// key → the bytes `NodesByOwner` orders it by (its `Blake2_128Concat` key).
	order: BTreeMap<u8, Vec<u8>>,
	/// key → (owner, type, status).
	nodes: BTreeMap<u8, (u8, NodeType, Status)>,
	/// owner → its main node (`OwnerToNode`).
	main: BTreeMap<u8, u8>,
	node_free_at: BTreeMap<u8, u64>,
	/// owner → (block of its latest loss of a node, places cooling down since).
	cooling: BTreeMap<u8, (u64, u32)>,
	/// Node type → deposit (absent: zero).
	deposits: BTreeMap<NodeType, Balance>,
	/// key → the bond held for its node.
	bonds: BTreeMap<u8, Balance>,
	/// (owner, key) → (bond still held after the node left the owner, block after which it is
	/// released).
	releasing: BTreeMap<(u8, u8), (Balance, u64)>,
	/// Everything slashed so far.
	slashed: Balance,
	/// Active stake per owner.
	active: BTreeMap<u8, Balance>,
	banned: BTreeSet<u8>,
	disabled: BTreeSet<NodeType>,
	whitelist: BTreeSet<u8>,
	deregistration_enabled: bool,
	/// Nodes reported in the open round, in the order they were first reported, and the round.
	listed: Vec<u8>,
	listed_round: Option<u64>,
	/// owner → its ballot of its latest round (kept whatever it does with its node).
	ballots: BTreeMap<u8, Ballot>,
	/// owner → (rate-limit window, report calls in it) (kept likewise).
	submissions: BTreeMap<u8, (u64, u32)>,
	/// Reporters that claimed a share of the open round's list and left their validator node.
	departed: (u64, u32),
	/// key → (offering owner, new owner, last block it can be accepted).
	offers: BTreeMap<u8, (u8, u8, u64)>,
	fee_charging: bool,
	/// Revoked consents: (owner, key, type).
	revoked: BTreeSet<(u8, u8, NodeType)>,
	/// key → block its node last rotated to it.
	rotated_at: BTreeMap<u8, u64>,
	/// key → liveness (registered nodes only).
	live: BTreeMap<u8, Live>,
	/// key → (record sequence number, block published) (registered nodes only).
	records: BTreeMap<u8, (u64, u64)>,
	/// Owners that revoked every consent below nonce 1 (all of theirs).
	floored: BTreeSet<u8>,
}

/// Each validator may be the first to report this many nodes of a round.
const SHARE: u32 = MAX_REPORTED_NODES / MAX_VALIDATORS;

impl Model {
	fn new(fleet_limit: u32, order: BTreeMap<u8, Vec<u8>>) -> Self {
		Self {
			fleet_limit,
			order,
			nodes: BTreeMap::new(),
			main: BTreeMap::new(),
			node_free_at: BTreeMap::new(),
			cooling: BTreeMap::new(),
			deposits: BTreeMap::new(),
			bonds: BTreeMap::new(),
			releasing: BTreeMap::new(),
			slashed: 0,
			active: (1..=STAKED).map(|owner| (owner, STAKE_THRESHOLD)).collect(),
			banned: BTreeSet::new(),
			disabled: BTreeSet::new(),
			whitelist: BTreeSet::new(),
			deregistration_enabled: true,
			listed: Vec::new(),
			listed_round: None,
			ballots: BTreeMap::new(),
			submissions: BTreeMap::new(),
			departed: (0, 0),
			offers: BTreeMap::new(),
			fee_charging: false,
			revoked: BTreeSet::new(),
			rotated_at: BTreeMap::new(),
			live: BTreeMap::new(),
			records: BTreeMap::new(),
			floored: BTreeSet::new(),
		}
	}

	/// Whether owner `owner`'s consent to `key` as `node_type` can be used at `now`.
	fn consent_valid(&self, owner: u8, key: u8, node_type: NodeType, now: u64) -> bool {
		now <= CONSENT_END
			&& !self.revoked.contains(&(owner, key, node_type))
			&& !self.floored.contains(&owner)
	}

	/// Whether one more node fits under the run's `MaxNodes`.
	fn room(&self) -> bool {
		(self.nodes.len() as u32) < MAX_NODES_IN_RUNS
	}

	fn staked(&self, owner: u8) -> bool {
		self.active.get(&owner).is_some_and(|stake| *stake >= STAKE_THRESHOLD)
	}

	/// The keys of `owner`'s nodes.
	fn fleet(&self, owner: u8) -> impl Iterator<Item = u8> + '_ {
		self.nodes.iter().filter(move |(_, (o, ..))| *o == owner).map(|(key, _)| *key)
	}

	fn node_count(&self, owner: u8) -> u32 {
		self.fleet(owner).count() as u32
	}

	/// How many of `owner`'s places are cooling down at `now`.
	fn places_cooling(&self, owner: u8, now: u64) -> u32 {
		self.cooling.get(&owner).filter(|(at, _)| now < at + COOLDOWN).map_or(0, |(_, n)| *n)
	}

	/// Whether `owner` has a place for one more node of `node_type` at `now`: fewer nodes than
	/// the limit, fewer nodes and cooling places than the limit, no validator node for a
	/// validator.
	fn has_place(&self, owner: u8, node_type: NodeType, now: u64) -> bool {
		let nodes = self.node_count(owner);
		nodes < self.fleet_limit
			&& nodes + self.places_cooling(owner, now) < self.fleet_limit
			&& (node_type != NodeType::Validator || !self.owns_validator(owner))
	}

	fn may_own(&self, owner: u8, node_type: NodeType, now: u64) -> bool {
		!self.banned.contains(&owner)
			&& self.has_place(owner, node_type, now)
			&& (node_type != NodeType::Validator || self.staked(owner))
	}

	fn deposit(&self, node_type: NodeType) -> Balance {
		self.deposits.get(&node_type).copied().unwrap_or(0)
	}

	/// What is held from `owner` under `HoldReason::NodeBond`: its nodes' bonds and its bonds
	/// waiting for release.
	fn held(&self, owner: u8) -> Balance {
		let bonded: Balance = self.fleet(owner).filter_map(|key| self.bonds.get(&key)).sum();
		let releasing: Balance = self
			.releasing
			.iter()
			.filter(|((o, _), _)| *o == owner)
			.map(|(_, (amount, _))| *amount)
			.sum();
		bonded + releasing
	}

	fn node_free(&self, key: u8, now: u64) -> bool {
		!self.nodes.contains_key(&key) && self.node_free_at.get(&key).is_none_or(|at| now >= *at)
	}

	fn validators(&self) -> u32 {
		self.nodes.values().filter(|(_, t, _)| *t == NodeType::Validator).count() as u32
	}

	/// Validators plus departed share-holders of the open round: what `MaxValidators` bounds.
	fn validator_places(&self, now: u64) -> u32 {
		let departed = if self.departed.0 == now / CONSENSUS_PERIOD { self.departed.1 } else { 0 };
		self.validators() + departed
	}

	fn validator_slot(&self, node_type: NodeType, now: u64) -> bool {
		node_type != NodeType::Validator || self.validator_places(now) < MAX_VALIDATORS
	}

	fn claims_share(&self, owner: u8, now: u64) -> bool {
		self.ballots.get(&owner).is_some_and(|b| b.round == now / CONSENSUS_PERIOD && b.added > 0)
	}

	fn under_report(&self, key: u8, now: u64) -> bool {
		self.listed_round == Some(now / CONSENSUS_PERIOD) && self.listed.contains(&key)
	}

	/// The key of `owner`'s validator node (it has one at most).
	fn validator_of(&self, owner: u8) -> Option<u8> {
		self.fleet(owner).find(|key| self.nodes[key].1 == NodeType::Validator)
	}

	fn owns_validator(&self, owner: u8) -> bool {
		self.validator_of(owner).is_some()
	}

	/// May `owner` vote now (it owns a validator node)?
	fn may_vote(&self, owner: u8) -> bool {
		!self.banned.contains(&owner)
			&& (self.whitelist.is_empty() || self.whitelist.contains(&owner))
			&& self.staked(owner)
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
					&& self.room() && self.validator_slot(node_type, now)
			}
			Op::Replay => false,
			Op::ForceRegister { owner, key, node_type } => {
				// Governance's path checks the fleet's nodes, not its cooling places.
				!self.banned.contains(&owner)
					&& self.node_count(owner) < self.fleet_limit
					&& (node_type != NodeType::Validator || !self.owns_validator(owner))
					&& !self.nodes.contains_key(&key)
					&& self.room() && self.validator_slot(node_type, now)
			}
			Op::Unregister { signer, key } => {
				self.nodes.get(&key).is_some_and(|(owner, ..)| *owner == signer)
					&& self.main.get(&signer) == Some(&key)
			}
			Op::UnregisterNode { signer, key } => {
				self.nodes.get(&key).is_some_and(|(owner, ..)| *owner == signer)
			}
			Op::ForceUnregister { key } | Op::ForceRemove { key, .. } => {
				self.nodes.contains_key(&key)
			}
			Op::Degrade { key } => self
				.nodes
				.get(&key)
				.is_some_and(|(_, node_type, _)| *node_type == NodeType::StorageMiner),
			Op::Swap { signer, key, new_owner } => {
				self.nodes.get(&key).is_some_and(|(owner, node_type, _)| {
					*owner == signer
						&& new_owner != signer
						&& !self.under_report(key, now)
						&& self.may_own(new_owner, *node_type, now)
				})
			}
			Op::Accept { who, key } => {
				let Some((from, to, expires_at)) = self.offers.get(&key).copied() else {
					return false;
				};
				let Some((owner, node_type, _)) = self.nodes.get(&key).copied() else {
					return false;
				};
				to == who
					&& now <= expires_at
					&& owner == from
					&& !self.under_report(key, now)
					&& self.may_own(who, node_type, now)
					&& (node_type != NodeType::Validator
						|| !self.claims_share(from, now)
						|| self.validator_places(now) < MAX_VALIDATORS)
			}
			Op::CancelOffer { signer, key } => self
				.offers
				.get(&key)
				.is_some_and(|(from, _, expires_at)| *from == signer && now <= *expires_at),
			Op::Report { reporter, key } => {
				let window = now / REPORT_WINDOW;
				let calls = self
					.submissions
					.get(&reporter)
					.filter(|(w, _)| *w == window)
					.map_or(0, |(_, count)| *count);
				let round = now / CONSENSUS_PERIOD;
				let ballot = self.ballots.get(&reporter).filter(|b| b.round == round);
				let already = ballot.is_some_and(|b| b.keys.contains(&key));
				let listed = self.under_report(key, now);
				let room = listed || ballot.map_or(0, |b| b.added) < SHARE;
				self.deregistration_enabled
					&& !self.banned.contains(&reporter)
					&& self.owns_validator(reporter)
					&& (self.whitelist.is_empty() || self.whitelist.contains(&reporter))
					&& self.staked(reporter)
					&& calls < MAX_REPORT_CALLS
					&& self.nodes.contains_key(&key)
					&& !already && room
			}
			Op::RegisterWithConsent { owner, key, node_type, forged, cheap, .. } => {
				// A cheap consent (fee limit 0) is another consent, never revoked here, and
				// refused while fees are charged.
				let consent_ok = if cheap {
					!self.fee_charging
				} else {
					!self.revoked.contains(&(owner, key, node_type))
				};
				!forged
					&& now <= CONSENT_END
					&& !self.floored.contains(&owner)
					&& consent_ok && !self.disabled.contains(&node_type)
					&& self.deposit(node_type) <= CONSENT_MAX_DEPOSIT
					&& self.may_own(owner, node_type, now)
					&& self.node_free(key, now)
					&& self.room() && self.validator_slot(node_type, now)
			}
			Op::RevokeBelow { owner } => !self.floored.contains(&owner),
			Op::Revoke { owner, key, node_type } => {
				// A revocation names one consent: below the owner's floor or not.
				now <= CONSENT_END
					&& !self.revoked.contains(&(owner, key, node_type))
					&& self.revoked.iter().filter(|(o, ..)| *o == owner).count()
						< MAX_REVOKED_CONSENTS as usize
			}
			Op::Rotate { signer, key, new_key, by_consent } => {
				let Some((owner, node_type, _)) = self.nodes.get(&key).copied() else {
					return false;
				};
				let allowed = if by_consent {
					self.consent_valid(owner, new_key, node_type, now)
				} else {
					signer == owner
				};
				allowed
					&& !self.banned.contains(&owner)
					&& self.rotated_at.get(&key).is_none_or(|at| now >= at + COOLDOWN)
					&& !self.under_report(key, now)
					&& self.node_free(new_key, now)
			}
			Op::Heartbeat { key, stale, corrupt } => {
				let beat_this_period = |live: &Live| {
					live.heartbeat_sent && period_of(live.last_seen) == period_of(now)
				};
				let refused = stale || corrupt;
				self.live.get(&key).is_some_and(|live| !refused && !beat_this_period(live))
			}
			Op::Publish { key, stale, foreign, corrupt, .. } => {
				let record = self.records.get(&key);
				let repeated = stale && record.is_some();
				let too_soon = record.is_some_and(|(_, at)| period_of(*at) == period_of(now));
				let refused = repeated || foreign || corrupt || too_soon;
				self.nodes.contains_key(&key) && !refused
			}
			Op::Unbond { .. } | Op::BondMore { .. } => true,
			Op::Ban { .. }
			| Op::Disable { .. }
			| Op::Whitelist { .. }
			| Op::DeregistrationSwitch { .. }
			| Op::FeeCharging { .. }
			| Op::SetFee { .. }
			| Op::SetDeposit { .. }
			| Op::Advance { .. } => true,
		}
	}

	/// Records the effect of `op`, which succeeded at block `now`.
	fn apply(&mut self, op: &Op, now: u64) {
		match *op {
			Op::Register { owner, key, node_type, .. }
			| Op::RegisterWithConsent { owner, key, node_type, .. }
			| Op::ForceRegister { owner, key, node_type } => {
				self.nodes.insert(key, (owner, node_type, Status::Online));
				self.main.entry(owner).or_insert(key);
				self.live.insert(key, Live::new(now));
				// Governance's registration holds no deposit.
				let deposit = self.deposit(node_type);
				if deposit > 0 && !matches!(op, Op::ForceRegister { .. }) {
					self.bonds.insert(key, deposit);
				}
			}
			Op::Heartbeat { key, .. } => {
				let Some(live) = self.live.get_mut(&key) else { return };
				live.last_seen = now;
				live.heartbeat_sent = true;
				if live.silent {
					live.silent = false;
					live.check_at = silent_from(now);
					if let Some(node) = self.nodes.get_mut(&key) {
						if node.2 == Status::Offline {
							node.2 = Status::Online;
						}
					}
				}
			}
			Op::Publish { key, stale, .. } => {
				// A stale record (the stored sequence number again) is refused unless there is
				// none: then it is sequence number 0.
				let seq = self.records.get(&key).map_or(0, |(seq, _)| *seq) + u64::from(!stale);
				self.records.insert(key, (seq, now));
			}
			Op::Unregister { key, .. }
			| Op::UnregisterNode { key, .. }
			| Op::ForceUnregister { key } => self.unregister(key, now, Leaving::Released),
			Op::ForceRemove { key, forfeit } => {
				self.remove(key, now, if forfeit { Leaving::Forfeit } else { Leaving::Released })
			}
			Op::SetDeposit { node_type, deposit } => {
				if deposit == 0 {
					self.deposits.remove(&node_type);
				} else {
					self.deposits.insert(node_type, deposit);
				}
			}
			Op::Degrade { key } => {
				if let Some(entry) = self.nodes.get_mut(&key) {
					entry.2 = Status::Degraded;
				}
			}
			Op::Swap { signer, key, new_owner } => {
				self.offers.insert(key, (signer, new_owner, now + OFFER_LIFETIME));
			}
			Op::Accept { who, key } => {
				let Some((from, ..)) = self.offers.remove(&key) else { return };
				let Some((_, node_type, status)) = self.nodes.get(&key).copied() else { return };
				if node_type == NodeType::Validator && self.claims_share(from, now) {
					self.count_departed(now);
				}
				// The new owner's bond at the deposit in force; the old one's released later.
				let old_bond = self.bonds.remove(&key);
				let deposit = self.deposit(node_type);
				if deposit > 0 {
					self.bonds.insert(key, deposit);
				}
				self.nodes.insert(key, (who, node_type, status));
				self.detach(from, key);
				self.main.entry(who).or_insert(key);
				self.start_cooldown(from, now);
				if let Some(amount) = old_bond {
					self.release_later(from, key, amount, now);
				}
			}
			Op::CancelOffer { key, .. } => {
				self.offers.remove(&key);
			}
			Op::Report { reporter, key } => {
				let round = now / CONSENSUS_PERIOD;
				let window = now / REPORT_WINDOW;
				let calls = self.submissions.entry(reporter).or_insert((window, 0));
				if calls.0 != window {
					*calls = (window, 0);
				}
				calls.1 += 1;
				if self.listed_round != Some(round) {
					self.listed.clear();
					self.listed_round = Some(round);
				}
				let ballot = self.ballots.entry(reporter).or_default();
				if ballot.round != round {
					*ballot = Ballot { round, ..Ballot::default() };
				}
				ballot.keys.insert(key);
				if !self.listed.contains(&key) {
					ballot.added += 1;
					self.listed.push(key);
				}
			}
			Op::Unbond { owner } => {
				self.active.remove(&owner);
			}
			Op::BondMore { owner } => *self.active.entry(owner).or_default() += STAKE_THRESHOLD,
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
			Op::FeeCharging { enabled } => self.fee_charging = enabled,
			Op::Revoke { owner, key, node_type } => {
				self.revoked.insert((owner, key, node_type));
			}
			Op::RevokeBelow { owner } => {
				self.floored.insert(owner);
			}
			Op::Rotate { key, new_key, .. } => {
				let Some(node) = self.nodes.remove(&key) else { return };
				self.nodes.insert(new_key, node);
				if let Some(live) = self.live.remove(&key) {
					self.live.insert(new_key, live);
				}
				self.records.remove(&key);
				if self.main.get(&node.0) == Some(&key) {
					self.main.insert(node.0, new_key);
				}
				if let Some(bond) = self.bonds.remove(&key) {
					self.bonds.insert(new_key, bond);
				}
				self.node_free_at.insert(key, now + COOLDOWN);
				self.rotated_at.remove(&key);
				self.rotated_at.insert(new_key, now);
				self.offers.remove(&key);
			}
			Op::Replay | Op::SetFee { .. } | Op::Advance { .. } => {}
		}
	}

	fn count_departed(&mut self, now: u64) {
		let round = now / CONSENSUS_PERIOD;
		if self.departed.0 != round {
			self.departed = (round, 0);
		}
		self.departed.1 += 1;
	}

	/// What an unregistration does: an online storage miner is degraded, any other node
	/// removed (see [`Self::remove`]).
	fn unregister(&mut self, key: u8, now: u64, leaving: Leaving) {
		let Some((owner, node_type, status)) = self.nodes.get(&key).copied() else { return };
		if node_type == NodeType::StorageMiner && status == Status::Online {
			self.nodes.insert(key, (owner, node_type, Status::Degraded));
		} else {
			self.remove(key, now, leaving);
		}
	}

	/// What a removal does: starts the node's cooldown and one more of its owner's places',
	/// withdraws its offer, hands the main role on, and settles its bond; the owner's votes
	/// stay.
	fn remove(&mut self, key: u8, now: u64, leaving: Leaving) {
		let Some((owner, node_type, _)) = self.nodes.remove(&key) else { return };
		if node_type == NodeType::Validator && self.claims_share(owner, now) {
			self.count_departed(now);
		}
		self.live.remove(&key);
		self.records.remove(&key);
		self.detach(owner, key);
		self.node_free_at.insert(key, now + COOLDOWN);
		self.start_cooldown(owner, now);
		self.offers.remove(&key);
		let Some(amount) = self.bonds.remove(&key) else { return };
		let slashed = match leaving {
			Leaving::Released => 0,
			Leaving::Consensus => amount * SLASH_PERCENT / 100,
			Leaving::Forfeit => amount,
		};
		self.slashed += slashed;
		if amount > slashed {
			self.release_later(owner, key, amount - slashed, now);
		}
	}

	/// `owner` no longer has `key` (already out of `nodes` or another's): if it was its main
	/// node, the first of its other nodes in storage order is main, if any.
	fn detach(&mut self, owner: u8, key: u8) {
		if self.main.get(&owner) != Some(&key) {
			return;
		}
		let next = self.fleet(owner).min_by(|a, b| self.order[a].cmp(&self.order[b]));
		match next {
			Some(next) => self.main.insert(owner, next),
			None => self.main.remove(&owner),
		};
	}

	/// `owner` lost a node at `now`: one more place cools down, all of them until `COOLDOWN`
	/// blocks from now.
	fn start_cooldown(&mut self, owner: u8, now: u64) {
		let cooling = self.places_cooling(owner, now) + 1;
		self.cooling.insert(owner, (now, cooling));
	}

	/// Keeps `amount` of `owner`'s bond for `key` held until `COOLDOWN` blocks from now (with
	/// any of the same still waiting, until the later block).
	fn release_later(&mut self, owner: u8, key: u8, amount: Balance, now: u64) {
		let entry = self.releasing.entry((owner, key)).or_insert((0, 0));
		entry.0 += amount;
		entry.1 = entry.1.max(now + COOLDOWN);
	}

	/// `on_initialize` of block `now`: the first block of a round tallies the votes of the
	/// round before and clears them. A vote counts if its owner owns a validator node and may
	/// vote then; the threshold is a share of those who may.
	fn on_initialize(&mut self, now: u64) {
		self.tally(now);
		// The expiry queue (after the tally, whose removals may merge with a release due now):
		// every bond whose block is past is released.
		self.releasing.retain(|_, (_, at)| *at >= now);
		self.sweep(now);
	}

	/// The liveness sweep of block `now` (the mock's budget covers every entry due): a node
	/// whose check is due is looked at again later if heard from since, or marked silent
	/// (`Offline` if it was `Online`).
	fn sweep(&mut self, now: u64) {
		for (key, live) in self.live.iter_mut() {
			if live.silent || live.check_at >= now {
				continue;
			}
			let from = silent_from(live.last_seen);
			if from > now {
				live.check_at = from;
				continue;
			}
			live.silent = true;
			if let Some(node) = self.nodes.get_mut(key) {
				if node.2 == Status::Online {
					node.2 = Status::Offline;
				}
			}
		}
	}

	/// The tally of the first block of a round, then the removal of every validator node
	/// whose owner lost its stake (every round, votes or not).
	fn tally(&mut self, now: u64) {
		if now / CONSENSUS_PERIOD == (now - 1) / CONSENSUS_PERIOD {
			return;
		}
		self.decide_round(now);
		let unstaked: Vec<u8> = self
			.nodes
			.iter()
			.filter(|(_, (owner, node_type, _))| {
				*node_type == NodeType::Validator && !self.staked(*owner)
			})
			.map(|(key, _)| *key)
			.collect();
		for key in unstaked {
			self.unregister(key, now, Leaving::Released);
		}
	}

	/// The votes of the round that ended before block `now`.
	fn decide_round(&mut self, now: u64) {
		let Some(round) = self.listed_round.take() else { return };
		let listed = std::mem::take(&mut self.listed);
		if !self.deregistration_enabled {
			return;
		}
		let voters: Vec<u8> = (1..=OWNERS)
			.filter(|owner| self.owns_validator(*owner) && self.may_vote(*owner))
			.collect();
		let required = 2u32.max((voters.len() as u32).div_ceil(2));
		for key in listed {
			let votes = voters
				.iter()
				.filter(|owner| {
					self.ballots
						.get(owner)
						.is_some_and(|b| b.round == round && b.keys.contains(&key))
				})
				.count() as u32;
			if votes >= required {
				self.unregister(key, now, Leaving::Consensus);
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

/// The harness's side of a run: node keys and owner accounts made once, and the last
/// registration for replays.
struct Harness {
	keys: Vec<NodeKey>,
	ids: Vec<NodeId>,
	/// `account(1..=OWNERS)`.
	accounts: Vec<AccountId>,
	nonce: u8,
	last_registration: Option<Registering>,
}

impl Harness {
	fn new() -> Self {
		let keys: Vec<NodeKey> = (1..=KEYS).map(NodeKey::new).collect();
		let ids = keys.iter().map(node_id).collect();
		let accounts = (1..=OWNERS).map(account).collect();
		Self { keys, ids, accounts, nonce: 0, last_registration: None }
	}

	/// key → the bytes `NodesByOwner` orders an owner's nodes by: the node id's
	/// `Blake2_128Concat` key, `blake2_128(encoding) ++ encoding`.
	fn storage_order(&self) -> BTreeMap<u8, Vec<u8>> {
		(1..=KEYS)
			.map(|key| {
				let encoded = self.ids[usize::from(key - 1)].encode();
				(key, [&sp_io::hashing::blake2_128(&encoded)[..], &encoded[..]].concat())
			})
			.collect()
	}

	/// The owner number of `who`, if it is one of the run's owners.
	fn owner_of(&self, who: &AccountId) -> Option<u8> {
		self.accounts.iter().position(|a| a == who).map(|i| i as u8 + 1)
	}

	/// The key number of `id`, if it is one of the run's keys.
	fn key_of(&self, id: &NodeId) -> Option<u8> {
		self.ids.iter().position(|i| i == id).map(|i| i as u8 + 1)
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
			Op::UnregisterNode { signer, key } => {
				Registration::unregister_node(signed(signer), node_param(self.key(key).base58()))
			}
			Op::ForceUnregister { key } => Registration::force_unregister_coldkey_node(
				root(),
				node_param(self.key(key).base58()),
			),
			Op::ForceRemove { key, forfeit } => {
				Registration::force_remove_node(root(), node_param(self.key(key).raw()), forfeit)
			}
			Op::Degrade { key } => {
				Registration::set_node_status_to_degraded(root(), node_param(self.key(key).raw()))
			}
			Op::Swap { signer, key, new_owner } => Registration::swap_node_owner(
				signed(signer),
				node_param(self.key(key).raw()),
				account(new_owner),
			),
			Op::Accept { who, key } => {
				Registration::accept_node_ownership(signed(who), node_param(self.key(key).base58()))
			}
			Op::CancelOffer { signer, key } => Registration::cancel_node_ownership_offer(
				signed(signer),
				node_param(self.key(key).raw()),
			),
			Op::Report { reporter, key } => Registration::submit_deregistration_report(
				signed(reporter),
				vec![node_param(self.key(key).raw())].try_into().expect("one node"),
			),
			Op::RegisterWithConsent { owner, key, node_type, wrapped, forged, cheap } => {
				let mut consent = consent_of(owner, self.key(key), node_type);
				if cheap {
					consent.max_fee = 0;
				}
				let signer = owner_key(if forged { owner % OWNERS + 1 } else { owner });
				let bytes = consent.encode();
				let signature =
					if wrapped { signer.sign_wrapped(&bytes) } else { signer.sign(&bytes) };
				let mut c = Consenting::with_consent(consent, signature, self.key(key), node_type);
				self.nonce = self.nonce.wrapping_add(1);
				c.challenge =
					challenge(&account(owner), self.key(key), now, now + 10, self.nonce).encode();
				c.signature = self.key(key).sign(&c.challenge);
				c.submitter = account(SUBMITTER);
				c.submit()
			}
			Op::Revoke { owner, key, node_type } => Registration::revoke_consent(
				signed(owner),
				Box::new(consent_of(owner, self.key(key), node_type)),
			),
			Op::RevokeBelow { owner } => Registration::revoke_consents_below(signed(owner), 1),
			Op::Rotate { signer, key, new_key, by_consent } => {
				// The statement names the node's owner; a stranger's rotation names the signer.
				let info = ColdkeyNodeRegistrationV2::<Test>::get(&self.ids[usize::from(key - 1)]);
				let owner =
					info.as_ref().map_or_else(|| account(signer), |info| info.owner.clone());
				let mut rotating = Rotating::new(&owner, self.key(key), self.key(new_key));
				self.nonce = self.nonce.wrapping_add(1);
				rotating.challenge =
					challenge(&owner, self.key(new_key), now, now + 10, self.nonce).encode();
				rotating.new_key_sig = self.key(new_key).sign(&rotating.challenge);
				rotating.rotation.challenge_hash =
					sp_core::H256(sp_io::hashing::blake2_256(&rotating.challenge));
				rotating.resign(self.key(key));
				if by_consent {
					let node_type = info.map_or(NodeType::GpuMiner, |info| info.node_type);
					let owner_n = (1..=OWNERS).find(|n| account(*n) == owner).unwrap_or(signer);
					let consent = consent_of(owner_n, self.key(new_key), node_type);
					let signature = owner_key(owner_n).sign(&consent.encode());
					rotating.signer = account(SUBMITTER);
					rotating.consent = Some::<SignedConsentOf<Test>>((consent, signature));
				} else {
					rotating.signer = account(signer);
				}
				rotating.submit()
			}
			Op::Heartbeat { key, stale, corrupt } => {
				let period = (now / HEARTBEAT_PERIOD) as u32 + u32::from(stale);
				let version: pallet_registration::VersionOf<Test> =
					b"node/1.0".to_vec().try_into().expect("short");
				let statement = pallet_registration::HeartbeatStatement::<Test> {
					domain: pallet_registration::HEARTBEAT_DOMAIN,
					genesis_hash: Registration::genesis_hash(),
					peer_id: self.key(key).peer().to_raw(),
					period,
					version: version.clone(),
				};
				let mut signature = self.key(key).sign(&statement.encode());
				if corrupt {
					signature[0] ^= 1;
				}
				Registration::heartbeat(
					fee_less_origin(),
					node_param(self.key(key).base58()),
					period,
					version,
					signature.try_into().expect("64 bytes"),
				)
				.map(|_| ())
				.map_err(|e| e.error)
			}
			Op::Publish { key, stale, foreign, corrupt, capability } => {
				let stored =
					pallet_registration::NodeRecords::<Test>::get(&self.ids[usize::from(key - 1)])
						.map_or(0, |r| r.record.seq);
				let named = if foreign { self.key(key % KEYS + 1) } else { self.key(key) };
				let record = node_record(
					if stale { stored } else { stored + 1 },
					named,
					&[if capability % 2 == 0 { "/storage/v1" } else { "/compute/v1" }],
				);
				let registered_at =
					ColdkeyNodeRegistrationV2::<Test>::get(&self.ids[usize::from(key - 1)])
						.map_or(0, |info| info.registered_at);
				let mut signature = record_signature(self.key(key), registered_at, &record);
				if corrupt {
					signature[0] ^= 1;
				}
				Registration::publish_node_record(
					fee_less_origin(),
					node_param(self.key(key).raw()),
					Box::new(record),
					signature.try_into().expect("64 bytes"),
				)
				.map(|_| ())
				.map_err(|e| e.error)
			}
			Op::Unbond { owner } => {
				// All of its active stake; nothing to do (and no call) when it has none.
				let active = pallet_staking::Ledger::<Test>::get(account(owner))
					.map_or(0, |ledger| ledger.active);
				if active > 0 {
					pallet_staking::Pallet::<Test>::unbond(signed(owner), active)
						.map_err(|e| e.error)?;
				}
				Ok(())
			}
			Op::BondMore { owner } => {
				if pallet_staking::Ledger::<Test>::contains_key(account(owner)) {
					pallet_staking::Pallet::<Test>::bond_extra(signed(owner), STAKE_THRESHOLD)
				} else {
					bond(&account(owner), STAKE_THRESHOLD);
					Ok(())
				}
			}
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
			Op::SetDeposit { node_type, deposit } => {
				Registration::set_node_type_deposit(root(), node_type, deposit)
			}
			Op::Advance { blocks } => {
				run_to_block(now + blocks);
				Ok(())
			}
		}
	}

	/// The registry agrees with the model for every key and owner at block `now`.
	fn compare(&self, model: &Model, now: u64) -> Result<(), String> {
		for key in 1..=KEYS {
			let stored = ColdkeyNodeRegistrationV2::<Test>::get(&self.ids[usize::from(key - 1)])
				.map(|info| (info.owner, info.node_type, info.status));
			let modelled = model.nodes.get(&key).map(|(owner, node_type, status)| {
				(self.accounts[usize::from(owner - 1)].clone(), *node_type, *status)
			});
			if stored != modelled {
				return Err(format!("node {key}: stored {stored:?}, model {modelled:?}"));
			}
			let id = &self.ids[usize::from(key - 1)];
			let stored = pallet_registration::NodeLiveness::<Test>::get(id).map(|l| Live {
				last_seen: l.last_seen,
				heartbeat_sent: l.heartbeat_sent,
				silent: l.silent,
				check_at: l.check_at,
			});
			let modelled = model.live.get(&key).copied();
			if stored != modelled {
				return Err(format!("liveness {key}: stored {stored:?}, model {modelled:?}"));
			}
			let stored = pallet_registration::NodeRecords::<Test>::get(id)
				.map(|r| (r.record.seq, r.published_at));
			let modelled = model.records.get(&key).copied();
			if stored != modelled {
				return Err(format!("record {key}: stored {stored:?}, model {modelled:?}"));
			}
			let stored = pallet_registration::NodeBonds::<Test>::get(id);
			let modelled = model.bonds.get(&key).copied();
			if stored != modelled {
				return Err(format!("bond {key}: stored {stored:?}, model {modelled:?}"));
			}
		}
		self.compare_fleets(model, now)?;
		self.compare_releases(model)
	}

	/// Each owner's fleet, main node, validator node, cooling places and held bonds.
	fn compare_fleets(&self, model: &Model, now: u64) -> Result<(), String> {
		use frame_support::traits::fungible::InspectHold;
		let id = |key: u8| self.ids[usize::from(key - 1)].clone();
		for owner in 1..=OWNERS {
			let who = &self.accounts[usize::from(owner - 1)];
			let stored: BTreeSet<Option<u8>> =
				pallet_registration::NodesByOwner::<Test>::iter_key_prefix(who)
					.map(|node_id| self.key_of(&node_id))
					.collect();
			let modelled: BTreeSet<Option<u8>> = model.fleet(owner).map(Some).collect();
			let count = pallet_registration::OwnerNodeCount::<Test>::get(who);
			if stored != modelled || count != model.node_count(owner) {
				return Err(format!(
					"fleet of {owner}: stored {stored:?} (count {count}), model {modelled:?}"
				));
			}
			let stored =
				pallet_registration::OwnerToNode::<Test>::get(who).map(|ids| ids.into_inner());
			let modelled = model.main.get(&owner).map(|key| vec![id(*key)]);
			if stored != modelled {
				return Err(format!("main node of {owner}: stored {stored:?}, model {modelled:?}"));
			}
			let stored = pallet_registration::OwnerValidatorNode::<Test>::get(who);
			let modelled = model.validator_of(owner).map(id);
			if stored != modelled {
				return Err(format!(
					"validator node of {owner}: stored {stored:?}, model {modelled:?}"
				));
			}
			// The places cooling now, as `ensure_place` reads them (the anchor itself is pruned
			// a block after its cooldown ends).
			let stored = pallet_registration::OwnerLastDeregisteredAt::<Test>::get(who)
				.filter(|at| now < at + COOLDOWN)
				.map_or(0, |_| {
					pallet_registration::OwnerPlacesCooling::<Test>::get(who).unwrap_or(1)
				});
			let modelled = model.places_cooling(owner, now);
			if stored != modelled {
				return Err(format!(
					"places cooling of {owner}: stored {stored}, model {modelled}"
				));
			}
			let stored =
				Balances::balance_on_hold(&pallet_registration::HoldReason::NodeBond.into(), who);
			let modelled = model.held(owner);
			if stored != modelled {
				return Err(format!("held from {owner}: stored {stored}, model {modelled}"));
			}
		}
		Ok(())
	}

	/// The bonds waiting for release, and the total slashed.
	fn compare_releases(&self, model: &Model) -> Result<(), String> {
		let stored: BTreeMap<(Option<u8>, Option<u8>), (Balance, u64)> =
			pallet_registration::ReleasingBonds::<Test>::iter()
				.map(|(who, node_id, entry)| ((self.owner_of(&who), self.key_of(&node_id)), entry))
				.collect();
		let modelled: BTreeMap<(Option<u8>, Option<u8>), (Balance, u64)> = model
			.releasing
			.iter()
			.map(|((owner, key), entry)| ((Some(*owner), Some(*key)), *entry))
			.collect();
		if stored != modelled {
			return Err(format!("releasing bonds: stored {stored:?}, model {modelled:?}"));
		}
		let stored = SLASHED.with(|s| *s.borrow());
		if stored != model.slashed {
			return Err(format!("slashed: stored {stored}, model {}", model.slashed));
		}
		Ok(())
	}
}

/// Applies `ops` to a fresh mock chain with fleets of [`fleet_limit_of`] nodes and the deposits
/// of [`INITIAL_DEPOSITS`]. Returns whether each step succeeded, or the first disagreement with
/// the model.
pub fn run(ops: Vec<Op>) -> Result<Vec<bool>, String> {
	let limit = fleet_limit_of(ops.len());
	run_with(ops, limit, &INITIAL_DEPOSITS)
}

/// [`run`] with fleets of `fleet_limit` nodes (`MaxNodesPerOwner`) and `deposits` in force at
/// the start (every other type's deposit zero).
pub fn run_with(
	ops: Vec<Op>,
	fleet_limit: u32,
	deposits: &[(NodeType, Balance)],
) -> Result<Vec<bool>, String> {
	let mut result = Ok(Vec::with_capacity(ops.len()));
	// `try_state` runs after every step below, so a disagreement is returned, not panicked.
	ExtBuilder::default().build().execute_with(|| {
		for owner in 1..=OWNERS {
			owner_key(owner).fund();
		}
		for owner in 1..=STAKED {
			bond(&account(owner), STAKE_THRESHOLD);
		}
		MaxNodesParam::set(MAX_NODES_IN_RUNS);
		MaxNodesPerOwnerParam::set(fleet_limit);
		let mut harness = Harness::new();
		let mut model = Model::new(fleet_limit, harness.storage_order());
		for (node_type, deposit) in deposits {
			let set = Op::SetDeposit { node_type: *node_type, deposit: *deposit };
			if let Err(error) = harness.execute(&set, System::block_number()) {
				result = Err(format!("setting up {set:?}: {error:?}"));
				return;
			}
			model.apply(&set, System::block_number());
		}
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
				harness.compare(&model, System::block_number())
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
			// The consent, rotation, heartbeat and record operations took over kinds no kept
			// regression input uses (6 with d % 4 >= 2, 14, 15, 19 and 20 with d % 4 != 0 and
			// d % 3 != 0), so those inputs mean what they did. The fleet and bond operations
			// took over kinds none uses either (9, 10 with b odd, 21 with d odd): the kept
			// inputs use kinds 0, 1, 5, 12, 18, 22 and 23 only.
			6 if d % 4 < 2 => Op::Replay,
			6 => Op::Report { reporter: owner(a), key: key(b) },
			7 => Op::ForceRegister { owner: owner(a), key: key(b), node_type: node_type(c) },
			8 => Op::Unregister { signer: owner(a), key: key(b) },
			9 => Op::UnregisterNode { signer: owner(a), key: key(b) },
			10 if b % 2 == 0 => Op::ForceUnregister { key: key(a) },
			10 => Op::ForceRemove { key: key(a), forfeit: b & 2 != 0 },
			11 => Op::Degrade { key: key(a) },
			12 => Op::Swap { signer: owner(a), key: key(b), new_owner: owner(c) },
			13 => Op::Report { reporter: owner(a), key: key(b) },
			14 => Op::RegisterWithConsent {
				owner: owner(a),
				key: key(b),
				node_type: node_type(c),
				wrapped: d & 1 != 0,
				forged: c & 0x70 == 0x70,
				cheap: d & 0x0e == 0x0e,
			},
			15 if d % 2 == 0 => {
				Op::Revoke { owner: owner(a), key: key(b), node_type: node_type(c) }
			}
			15 if d % 8 == 7 => Op::RevokeBelow { owner: owner(a) },
			15 => Op::Rotate {
				signer: owner(a),
				key: key(b),
				new_key: key(c),
				by_consent: d & 2 != 0,
			},
			16 => Op::Ban { owner: owner(a), banned: b % 3 == 0 },
			17 => Op::Disable { node_type: node_type(a), disabled: b % 3 == 0 },
			18 => Op::Whitelist { owners: if b % 2 == 0 { 0 } else { a } },
			19 if d % 4 == 0 => Op::DeregistrationSwitch { enabled: a % 4 != 0 },
			19 => Op::Heartbeat { key: key(a), stale: b % 8 == 0, corrupt: b % 8 == 1 },
			20 if d % 3 == 0 => Op::FeeCharging { enabled: a % 2 == 0 },
			20 => Op::Publish {
				key: key(a),
				stale: b % 8 == 0,
				foreign: b % 8 == 1,
				corrupt: b % 8 == 2,
				capability: c,
			},
			21 if d % 2 == 0 => Op::SetFee {
				node_type: node_type(a),
				fee: MIN_FEE + Balance::from(b) * (MAX_FEE - MIN_FEE) / 255,
			},
			21 => Op::SetDeposit {
				node_type: node_type(a),
				deposit: DEPOSITS[usize::from(b) % DEPOSITS.len()],
			},
			// 22 stays a block advance, so inputs kept in `fuzz/regressions/` mean what they did.
			23 => match d % 4 {
				0 | 1 => Op::Accept { who: owner(a), key: key(b) },
				2 => Op::CancelOffer { signer: owner(a), key: key(b) },
				_ if c % 2 == 0 => Op::Unbond { owner: owner(a) },
				_ => Op::BondMore { owner: owner(a) },
			},
			_ => Op::Advance { blocks: u64::from(a % 25) + 1 },
		}
	}
}
