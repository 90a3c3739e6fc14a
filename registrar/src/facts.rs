//! What the registrar reads from the chain, as plain values: the node's registry entry, the
//! owner's main node and how many nodes it has of the most it may have ([`ChainView`]), what the pallet would check before accepting a registration
//! ([`Policy`]), what a challenge is built from ([`ChainContext`]), an owner consent's standing
//! ([`ConsentFacts`]), what a key rotation depends on ([`RotationRead`]), an included
//! transaction ([`Included`]), the pallet's events the registrar reacts to ([`RegistryEvent`]),
//! how the chain encodes block numbers ([`BlockNumberWidth`]) and how a fee-less transaction
//! reaches it ([`FeeLessPath`]).
//!
//! A leaf: it imports nothing of the registrar. The chain client (`chain`) produces these
//! values; the decisions (`judge`), the outcomes (`outcome`) and the discovery types read them.

use pallet_registration::{ConsentStatus, NodeType, Status, UnregisterReason};
use serde::Serialize;
use sp_core::crypto::{AccountId32, Ss58Codec};
use subxt::config::substrate::H256;

/// The name of the pallet in the runtime.
pub const PALLET: &str = "Registration";

/// How the chain encodes block numbers: the challenge's `block_number` and `expires_at` use it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize)]
pub enum BlockNumberWidth {
	/// `u32` block numbers (192-byte challenges).
	U32,
	/// `u64` block numbers (200-byte challenges), as in the reference chain and the dev runtime.
	#[default]
	U64,
}

/// How a fee-less record or heartbeat is sent (shown in `/status` as `general` or `bare`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FeeLessPath {
	/// A general transaction (extrinsic format 5) without a signer, which the runtime's
	/// `AuthorizeCall` extension admits by the call's own `#[pallet::authorize]` check.
	General,
	/// A bare transaction, which the pallet's `ValidateUnsigned` admits (deprecated in FRAME).
	Bare,
}

impl std::fmt::Display for FeeLessPath {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		f.write_str(match self {
			FeeLessPath::General => "general",
			FeeLessPath::Bare => "bare",
		})
	}
}

/// A node's entry in the registry, as the chain has it (the pallet's `ColdkeyNodeInfoLite`; not
/// the pallet's `NodeRecord`, which is a node's signed discovery record).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RegistryEntry {
	/// The canonical node id (base58 PeerId text).
	pub node_id: String,
	/// The node type.
	#[serde(serialize_with = "debug_name")]
	pub node_type: NodeType,
	/// Its status.
	#[serde(serialize_with = "debug_name")]
	pub status: Status,
	/// The block it was registered in.
	pub registered_at: u64,
	/// The owner.
	#[serde(serialize_with = "ss58")]
	pub owner: AccountId32,
}

fn debug_name<T: std::fmt::Debug, S: serde::Serializer>(
	value: &T,
	s: S,
) -> Result<S::Ok, S::Error> {
	s.serialize_str(&format!("{value:?}"))
}

fn ss58<S: serde::Serializer>(value: &AccountId32, s: S) -> Result<S::Ok, S::Error> {
	s.serialize_str(&value.to_ss58check())
}

/// What the chain says about a node and its owner, as of one finalized block.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ChainView {
	/// The finalized block read.
	pub block_number: u64,
	/// Its hash (`0x` hex).
	pub block_hash: String,
	/// The node's registry record, if any.
	pub node: Option<RegistryEntry>,
	/// The owner's main node (`node_of_owner`: the first of its fleet), if it has any. Whether
	/// *this* node is registered to the owner is [`Self::node`]'s `owner`, not this.
	pub owner_node: Option<String>,
	/// How many nodes the owner has registered (`owner_node_count`; 0 or 1 on a chain whose
	/// owners have one node at most, where it is not read).
	pub owner_node_count: u32,
	/// The most nodes an owner may have (the pallet's `MaxNodesPerOwner`; 1, the reference's
	/// rule, on a runtime without that constant).
	pub max_nodes_per_owner: u32,
}

impl ChainView {
	/// Whether the owner has no room for another node: it has `MaxNodesPerOwner` nodes (or
	/// more). Places cooling down after a removal are the policy's ([`Policy`]), not counted here.
	pub fn owner_at_limit(&self) -> bool {
		self.owner_node.is_some() && self.owner_node_count >= self.max_nodes_per_owner
	}
}

/// The pallet's policy for a registration, as of one finalized block.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Policy {
	/// The finalized block read.
	pub block_number: u64,
	/// The owner is banned (`BannedAccounts`).
	pub banned: bool,
	/// The node type is disabled (`DisabledNodeTypes`).
	pub type_disabled: bool,
	/// The first block the node may register again after its removal, if it was removed.
	pub node_cooldown_until: Option<u64>,
	/// The end of the owner's cooldown after its (latest) node's removal, if any: until then
	/// the places its removed nodes freed cool down (`OwnerLastDeregisteredAt` +
	/// `NodeCooldownPeriod`). It refuses a registration only while the owner's nodes and those
	/// places fill its `MaxNodesPerOwner` (always, on a chain of one node per owner).
	pub owner_cooldown_until: Option<u64>,
	/// How many nodes the owner has registered (counted against `MaxNodesPerOwner` with the
	/// places cooling down; 0 on a chain of one node per owner, where it is not read).
	pub owner_nodes: u32,
	/// How many of the owner's places cool down until [`Self::owner_cooldown_until`]
	/// (`OwnerPlacesCooling`; 1 on a chain of one node per owner, where it is not read; 0
	/// without a cooldown).
	pub owner_places_cooling: u32,
	/// The most nodes an owner may have (`MaxNodesPerOwner`; 1 without that constant).
	pub max_nodes_per_owner: u32,
	/// The registration fee is charged (`FeeChargingEnabled`).
	pub fee_charging: bool,
	/// The node type's current fee (the `current_fee` view function), when the chain tells.
	pub fee: Option<u128>,
	/// What the owner can pay while keeping its account alive (`System::Account`: free balance
	/// less what is frozen beyond the reserved balance, and at least the existential deposit),
	/// when the chain tells.
	pub spendable: Option<u128>,
	/// The fee is to be paid in credits.
	pub pay_in_credits: bool,
	/// A validator's active stake and the pallet's threshold, when the chain tells (`None` for
	/// other node types).
	pub stake: Option<Stake>,
}

/// A validator owner's stake against the pallet's `MinerStakeThreshold`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Stake {
	/// The owner's active stake (`Staking::Ledger(Staking::Bonded(owner)).active`; 0 unbonded).
	pub active: u128,
	/// The pallet's `MinerStakeThreshold`.
	pub threshold: u128,
}

/// What the chain says about an owner consent and its submitter, as of one finalized block.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConsentFacts {
	/// The finalized block read.
	pub block_number: u64,
	/// The `consent_status` view function's answer for the consent and its signature.
	pub status: ConsentStatus,
	/// What the submitter can spend and stay alive (it pays the transaction fee).
	pub submitter_spendable: u128,
}

/// What a key rotation depends on, as of one finalized block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RotationRead {
	/// The finalized block read.
	pub block_number: u64,
	/// The registry record of the node's current id, if any.
	pub old_node: Option<RegistryEntry>,
	/// The registry record of the new id, if any.
	pub new_node: Option<RegistryEntry>,
	/// The current node's owner is banned (`BannedAccounts`; `false` without a record).
	pub banned: bool,
	/// The first block the node may rotate again, when it rotated recently
	/// (`NodeKeyRotatedAt` + `NodeCooldownPeriod`).
	pub rotation_cooldown_until: Option<u64>,
	/// The first block the new id may be used, when it was removed (or rotated away from)
	/// recently (`NodeLastDeregisteredAt` + `NodeCooldownPeriod`).
	pub new_node_cooldown_until: Option<u64>,
	/// What the transaction's signer can spend and stay alive (it pays the transaction fee).
	pub signer_spendable: u128,
}

/// What a challenge is built from, read from the chain.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChainContext {
	/// The genesis hash challenges must carry (the `challenge_fields` view function).
	pub genesis_hash: [u8; 32],
	/// The best block's number: the challenge's `block_number` (the transaction executes after
	/// it, so the challenge is never from the future, and its lifetime does not shrink by the
	/// finality lag).
	pub block_number: u64,
	/// The best block's hash: the transaction is built (nonce, mortality) at this block.
	pub block_hash: H256,
	/// The finalized block's number, as read just before the best block.
	pub finalized_block_number: u64,
	/// The pallet's `MaxChallengeLifetime`.
	pub max_challenge_lifetime: u64,
	/// The pallet's index in the runtime.
	pub pallet_index: u8,
	/// The width of the chain's block numbers, from `System::Number`'s type.
	pub block_number_width: Option<BlockNumberWidth>,
}

impl ChainContext {
	/// Blocks the best block is ahead of the finalized one.
	pub fn finality_lag(&self) -> u64 {
		self.block_number.saturating_sub(self.finalized_block_number)
	}
}

/// A transaction that made it into a finalized block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Included {
	/// The block number.
	pub block_number: u64,
	/// The block hash (`0x` hex).
	pub block_hash: String,
	/// The pallet's events of the transaction.
	pub events: Vec<RegistryEvent>,
	/// The transaction fee (with its tip) the signer paid, from `TransactionFeePaid`, when
	/// the events say (`None`: the fees are not known, [`Self::registration_fee_paid`]
	/// included).
	pub transaction_fee_paid: Option<u128>,
	/// The registration fee paid in the currency (`RegistrationFeePaid`), if any.
	pub registration_fee_paid: u128,
}

/// The pallet's events the registrar cares about, decoded with the pallet's types.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RegistryEvent {
	/// `MainNodeRegistered`.
	Registered {
		/// The node.
		node_id: Vec<u8>,
		/// Its owner.
		owner: AccountId32,
	},
	/// `NodeUnregistered`.
	Unregistered {
		/// The node.
		node_id: Vec<u8>,
		/// Its owner.
		owner: AccountId32,
		/// Why.
		reason: UnregisterReason,
	},
	/// `NodeStatusUpdated`.
	StatusUpdated {
		/// The node.
		node_id: Vec<u8>,
		/// The new status.
		status: Status,
	},
	/// `NodeOwnerSwapped`.
	OwnerSwapped {
		/// The node.
		node_id: Vec<u8>,
		/// The previous owner.
		old_owner: AccountId32,
		/// The new owner.
		new_owner: AccountId32,
	},
	/// `DeregistrationConsensusReached`.
	ConsensusReached {
		/// The node.
		node_id: Vec<u8>,
	},
	/// `NodeKeyRotated`: the node moved to a new key (and id).
	KeyRotated {
		/// The node's previous id.
		node_id: Vec<u8>,
		/// Its new id.
		new_node_id: Vec<u8>,
		/// Its owner.
		owner: AccountId32,
	},
	/// `NodeRecordPublished`: the node published a record.
	RecordPublished {
		/// The node.
		node_id: Vec<u8>,
		/// The record's sequence number.
		seq: u64,
	},
	/// `NodeWentOffline`: the sweep found the node silent and marked it offline.
	WentOffline {
		/// The node.
		node_id: Vec<u8>,
		/// The block it was last heard from.
		last_seen: u64,
	},
	/// `NodeBackOnline`: an offline node's heartbeat made it online again.
	BackOnline {
		/// The node.
		node_id: Vec<u8>,
		/// The heartbeat's period.
		period: u32,
	},
}

impl RegistryEvent {
	/// The node the event is about (base58 text bytes; the previous id of a rotated node).
	pub fn node_id(&self) -> &[u8] {
		match self {
			RegistryEvent::Registered { node_id, .. }
			| RegistryEvent::Unregistered { node_id, .. }
			| RegistryEvent::StatusUpdated { node_id, .. }
			| RegistryEvent::OwnerSwapped { node_id, .. }
			| RegistryEvent::ConsensusReached { node_id }
			| RegistryEvent::KeyRotated { node_id, .. }
			| RegistryEvent::RecordPublished { node_id, .. }
			| RegistryEvent::WentOffline { node_id, .. }
			| RegistryEvent::BackOnline { node_id, .. } => node_id,
		}
	}
}
