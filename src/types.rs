//! Types stored by the pallet or exchanged with its clients.
//!
//! The variant and field order of every type here is its SCALE encoding, and several of them are
//! part of the compatibility contract with existing clients: do not reorder.

use crate::Config;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{
	traits::fungible::Inspect, BoundedVec, CloneNoBound, DebugNoBound, EqNoBound, PartialEqNoBound,
};
use frame_system::pallet_prelude::BlockNumberFor;
use scale_info::TypeInfo;
use sp_core::{ConstU32, H256};

/// The domain tag that opens every registration challenge: `HIPPIUS::REGISTER::v1`, zero-padded
/// to 24 bytes.
pub const REGISTER_DOMAIN: [u8; 24] = *b"HIPPIUS::REGISTER::v1\0\0\0";

/// The domain tag that opens every owner consent: `HIPPIUS::CONSENT::v2`, zero-padded to 24
/// bytes. Distinct from [`REGISTER_DOMAIN`], so no signature over one can pass for the other.
/// (Version 1 consents had no `max_deposit`; they are refused with
/// [`ConsentStatus::WrongDomain`].)
pub const CONSENT_DOMAIN: [u8; 24] = *b"HIPPIUS::CONSENT::v2\0\0\0\0";

/// The domain tag that opens every key rotation statement: `HIPPIUS::ROTATE::v1`, zero-padded
/// to 24 bytes.
pub const ROTATE_DOMAIN: [u8; 24] = *b"HIPPIUS::ROTATE::v1\0\0\0\0\0";

/// The domain tag of every node record statement: `HIPPIUS::RECORD::v1`, zero-padded to 24
/// bytes.
pub const RECORD_DOMAIN: [u8; 24] = *b"HIPPIUS::RECORD::v1\0\0\0\0\0";

/// The domain tag of every heartbeat: `HIPPIUS::HEARTBEAT::v1`, zero-padded to 24 bytes.
pub const HEARTBEAT_DOMAIN: [u8; 24] = *b"HIPPIUS::HEARTBEAT::v1\0\0";

/// What wallets put before a message they sign "raw" (the polkadot.js extension's `signRaw`,
/// polkadot.js apps' sign tab), so a signed message can never be a transaction.
pub const WRAPPED_PREFIX: &[u8] = b"<Bytes>";
/// What wallets put after a message they sign "raw".
pub const WRAPPED_SUFFIX: &[u8] = b"</Bytes>";

/// Length of an Ed25519 public key.
pub const ED25519_PUBLIC_KEY_LEN: u32 = 32;
/// Length of an Ed25519 signature.
pub const ED25519_SIGNATURE_LEN: u32 = 64;
/// Length of the raw binary libp2p PeerId of an Ed25519 key.
pub const RAW_PEER_ID_LEN: u32 = 38;
/// Longest base58btc text of an Ed25519 PeerId (in practice always 52 characters).
pub const BASE58_PEER_ID_MAX_LEN: u32 = 53;
/// Longest `node_id` a call accepts: the base58 text form is the longer of the two forms.
pub const MAX_NODE_ID_PARAM_LEN: u32 = 64;

/// The balance type of the pallet's currency.
pub type BalanceOf<T> =
	<<T as Config>::Currency as Inspect<<T as frame_system::Config>::AccountId>>::Balance;

/// Funds taken from a bond (the part slashed), for [`Config::OnBondSlashed`].
pub type CreditOf<T> = frame_support::traits::fungible::Credit<
	<T as frame_system::Config>::AccountId,
	<T as Config>::Currency,
>;

/// A node id as stored: the canonical base58btc text of the node's PeerId.
pub type NodeId = BoundedVec<u8, ConstU32<BASE58_PEER_ID_MAX_LEN>>;

/// A node id as a call receives it: base58 text or raw PeerId bytes, not yet checked.
pub type NodeIdParam = BoundedVec<u8, ConstU32<MAX_NODE_ID_PARAM_LEN>>;

/// An Ed25519 public key as a call receives it (checked to be exactly 32 bytes).
pub type PublicKeyParam = BoundedVec<u8, ConstU32<ED25519_PUBLIC_KEY_LEN>>;

/// An Ed25519 signature as a call receives it (checked to be exactly 64 bytes).
pub type SignatureParam = BoundedVec<u8, ConstU32<ED25519_SIGNATURE_LEN>>;

/// The node ids of an owner (`OwnerToNode`): at most one, its main node. A list on the wire,
/// as in the reference, so clients decode it unchanged.
pub type OwnerNodes = BoundedVec<NodeId, ConstU32<1>>;

/// The registry record of a node.
pub type NodeInfoOf<T> =
	ColdkeyNodeInfoLite<NodeId, <T as frame_system::Config>::AccountId, BlockNumberFor<T>>;

/// A raw libp2p PeerId of an Ed25519 key, as consents and rotation statements carry it.
pub type RawPeerId = [u8; RAW_PEER_ID_LEN as usize];

/// An owner consent for the runtime's account, balance and block number types.
pub type OwnerConsentOf<T> =
	OwnerConsent<<T as frame_system::Config>::AccountId, BalanceOf<T>, BlockNumberFor<T>>;

/// A key rotation statement for the runtime's account type.
pub type KeyRotationOf<T> = KeyRotation<<T as frame_system::Config>::AccountId>;

/// An owner consent and the owner's signature of it, as `rotate_node_key` takes them.
pub type SignedConsentOf<T> = (OwnerConsentOf<T>, <T as Config>::OwnerSignature);

/// The registration challenge for the runtime's account and block number types.
pub type RegisterChallengeOf<T> =
	RegisterChallenge<<T as frame_system::Config>::AccountId, BlockNumberFor<T>>;

/// The kind of service a node offers.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Clone,
	Copy,
	PartialEq,
	Eq,
	PartialOrd,
	Ord,
	Debug,
	serde::Serialize,
	serde::Deserialize,
)]
pub enum NodeType {
	/// A chain validator; must hold the minimum active stake.
	Validator,
	/// A storage miner; unregistering first degrades it.
	StorageMiner,
	/// An S3-compatible storage gateway.
	StorageS3,
	/// A compute miner.
	ComputeMiner,
	/// A GPU miner.
	GpuMiner,
}

impl Status {
	/// Every status, in encoding order.
	pub const ALL: [Status; 3] = [Status::Online, Status::Degraded, Status::Offline];
}

impl NodeType {
	/// Every node type, in encoding order.
	pub const ALL: [NodeType; 5] = [
		NodeType::Validator,
		NodeType::StorageMiner,
		NodeType::StorageS3,
		NodeType::ComputeMiner,
		NodeType::GpuMiner,
	];
}

/// The health of a registered node.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
)]
pub enum Status {
	/// Registered and serving.
	Online,
	/// Unregistered once (storage miners only); the next unregistration removes it.
	Degraded,
	/// Silent: no heartbeat for more than `OfflineAfterPeriods` liveness periods; its next
	/// heartbeat makes it `Online` again.
	Offline,
}

/// The type of a libp2p identity key. Ed25519 is the only one accepted.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
)]
pub enum Libp2pKeyType {
	/// An Ed25519 key, whose PeerId embeds the public key.
	Ed25519,
}

/// The registry record of a main node (`ColdkeyNodeRegistrationV2`).
#[derive(
	Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Clone, PartialEq, Eq, Debug,
)]
pub struct ColdkeyNodeInfoLite<NodeId, AccountId, BlockNumber> {
	/// The node's PeerId as base58btc text (the registry key).
	pub node_id: NodeId,
	/// The kind of node.
	pub node_type: NodeType,
	/// Its health.
	pub status: Status,
	/// The block in which it was registered.
	pub registered_at: BlockNumber,
	/// The owner ("coldkey") account.
	pub owner: AccountId,
}

/// What a node's libp2p key signs to prove control of the node.
///
/// Encoded with SCALE, fields in this order, without length prefixes: with 32-byte accounts it is
/// 200 bytes when the block number is `u64` and 192 bytes when it is `u32`.
#[derive(
	Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Clone, PartialEq, Eq, Debug,
)]
pub struct RegisterChallenge<AccountId, BlockNumber> {
	/// Always [`REGISTER_DOMAIN`].
	pub domain: [u8; 24],
	/// The chain's genesis hash (`frame_system::BlockHash(0)`).
	pub genesis_hash: [u8; 32],
	/// The owner the node is registered to.
	pub account: AccountId,
	/// `blake2_256` of the raw 38-byte PeerId.
	pub node_id_hash: H256,
	/// Legacy field, not checked (clients send `blake2_256` of the empty string).
	pub ipfs_peer_id_hash: H256,
	/// The block the client read when it built the challenge.
	pub block_number: BlockNumber,
	/// Client-chosen randomness, so two challenges never hash alike.
	pub nonce: [u8; 32],
	/// The last block in which the challenge is accepted.
	pub expires_at: BlockNumber,
}

/// The fields a client needs to build a challenge (see the `challenge_fields` view function).
#[derive(
	Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Clone, PartialEq, Eq, Debug,
)]
pub struct ChallengeFields<BlockNumber> {
	/// The value to put in `domain`.
	pub domain: [u8; 24],
	/// The value to put in `genesis_hash`.
	pub genesis_hash: [u8; 32],
	/// The current block: the newest acceptable `block_number`.
	pub current_block: BlockNumber,
	/// The latest `expires_at` the chain accepts for a challenge submitted in the current block.
	pub latest_expires_at: BlockNumber,
}

/// An owner's consent, signed offline with the owner account's own key, to have a node
/// registered for it by another account.
///
/// The owner signs the SCALE encoding (fields in this order, no length prefixes), bare or
/// wrapped in `<Bytes>`…`</Bytes>` as wallets do for raw messages. Whoever holds the consent, its
/// signature and the node key can register the node for the owner (`register_node_with_consent`)
/// as often as the registry allows until `valid_until`, paying at most `max_fee` of the owner's
/// funds each time and holding at most `max_deposit` as the node's bond, unless the owner
/// revokes it (`revoke_consent`). With `may_rotate` it also
/// lets them move the owner's node to this PeerId (`rotate_node_key`).
#[derive(
	Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Clone, PartialEq, Eq, Debug,
)]
pub struct OwnerConsent<AccountId, Balance, BlockNumber> {
	/// Always [`CONSENT_DOMAIN`].
	pub domain: [u8; 24],
	/// The chain's genesis hash (`frame_system::BlockHash(0)`).
	pub genesis_hash: [u8; 32],
	/// The owner that consents; its account key signs.
	pub owner: AccountId,
	/// The node: its raw 38-byte Ed25519 PeerId.
	pub peer_id: RawPeerId,
	/// The node type it may be registered as.
	pub node_type: NodeType,
	/// The most registration fee one registration may take from the owner.
	pub max_fee: Balance,
	/// The most deposit (bond) one registration may hold from the owner.
	pub max_deposit: Balance,
	/// The last block in which the consent can be used (at most `MaxConsentLifetime` ahead of
	/// the block that uses it).
	pub valid_until: BlockNumber,
	/// Owner-chosen, so that two consents of the same terms differ (and one can be revoked
	/// alone).
	pub nonce: u64,
	/// Whether the consent also lets its holder rotate the owner's node to this PeerId.
	pub may_rotate: bool,
}

/// What an owner consent is, checked now (the `consent_status` view function).
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
)]
pub enum ConsentStatus {
	/// It can be used now.
	Valid,
	/// Its domain is not [`CONSENT_DOMAIN`].
	WrongDomain,
	/// It was made for another chain.
	WrongChain,
	/// Its `peer_id` is not the PeerId of an Ed25519 key of large order.
	InvalidPeerId,
	/// Its `valid_until` is past.
	Expired,
	/// Its `valid_until` lies more than `MaxConsentLifetime` blocks ahead.
	LifetimeTooLong,
	/// Its owner revoked it.
	Revoked,
	/// The signature is not the owner's over the consent (bare or `<Bytes>`-wrapped).
	BadSignature,
	/// Its owner is an account whose key has small order: its signature proves nothing.
	SmallOrderOwner,
}

/// The owner consent a client asks the owner to sign (the `consent_payload` view function).
#[derive(Encode, Decode, TypeInfo, Clone, PartialEq, Eq, Debug)]
pub struct ConsentPayload<Consent> {
	/// The consent.
	pub consent: Consent,
	/// Its SCALE encoding: the bytes the owner signs (or wraps in `<Bytes>`…`</Bytes>`).
	pub bytes: alloc::vec::Vec<u8>,
}

/// What a node's current key signs to hand the node over to a new key (`rotate_node_key`).
///
/// It names the new key's registration challenge, so a statement is good for one rotation.
#[derive(
	Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Clone, PartialEq, Eq, Debug,
)]
pub struct KeyRotation<AccountId> {
	/// Always [`ROTATE_DOMAIN`].
	pub domain: [u8; 24],
	/// The chain's genesis hash (`frame_system::BlockHash(0)`).
	pub genesis_hash: [u8; 32],
	/// The node's owner.
	pub owner: AccountId,
	/// The node's current raw PeerId (its key signs this statement).
	pub old_peer_id: RawPeerId,
	/// The raw PeerId of the new key.
	pub new_peer_id: RawPeerId,
	/// `blake2_256` of the new key's registration challenge (`challenge_bytes`).
	pub challenge_hash: H256,
}

/// One of a node's addresses: a binary multiaddr.
pub type AddressOf<T> = BoundedVec<u8, <T as Config>::MaxAddressLen>;

/// One of a node's capabilities: printable ASCII text naming a protocol or a job it serves
/// (e.g. `/reconstruction/global-refinement/v1`).
pub type CapabilityOf<T> = BoundedVec<u8, <T as Config>::MaxCapabilityLen>;

/// A node's software version: printable ASCII text.
pub type VersionOf<T> = BoundedVec<u8, <T as Config>::MaxVersionLen>;

/// What a node announces about itself (as libp2p's signed peer records and Ethereum's ENR do):
/// where to reach it, what it runs and what it can do.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	CloneNoBound,
	PartialEqNoBound,
	EqNoBound,
	DebugNoBound,
)]
#[scale_info(skip_type_params(T))]
#[codec(mel_bound())]
pub struct NodeRecord<T: Config> {
	/// Increases with every record the node publishes; a record with a sequence number not
	/// above the stored one is refused.
	pub seq: u64,
	/// Binary multiaddrs; a `/p2p/` component names this node.
	pub addresses: BoundedVec<AddressOf<T>, T::MaxAddresses>,
	/// The node's software version.
	pub version: VersionOf<T>,
	/// What the node can do, each at most once.
	pub capabilities: BoundedVec<CapabilityOf<T>, T::MaxCapabilities>,
}

/// What a node key signs to publish a record: the SCALE encoding of these fields in this
/// order. Bound to the chain, the node, its registration and its key epoch, so a record cannot
/// be replayed on another chain, for another node, after the node was removed and registered
/// again, or after it moved to another key and back.
#[derive(Encode, Decode, TypeInfo, CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound)]
#[scale_info(skip_type_params(T))]
pub struct RecordStatement<T: Config> {
	/// Always [`RECORD_DOMAIN`].
	pub domain: [u8; 24],
	/// The chain's genesis hash.
	pub genesis_hash: [u8; 32],
	/// The node's raw PeerId.
	pub peer_id: RawPeerId,
	/// The node's `registered_at`.
	pub registered_at: BlockNumberFor<T>,
	/// The node's key epoch (`NodeKeyEpoch`): how many times it moved to a new key. A record
	/// signed before a rotation names an older epoch and never verifies again, even after the
	/// node rotates back to the key that signed it (D24).
	pub key_epoch: u32,
	/// The record.
	pub record: NodeRecord<T>,
}

/// A node's record as stored (`NodeRecords`): with the node key's signature of its
/// [`RecordStatement`], so that a client can check it without trusting the chain's RPC.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	CloneNoBound,
	PartialEqNoBound,
	EqNoBound,
	DebugNoBound,
)]
#[scale_info(skip_type_params(T))]
#[codec(mel_bound())]
pub struct SignedRecord<T: Config> {
	/// The record.
	pub record: NodeRecord<T>,
	/// The node key's Ed25519 signature of the record's statement.
	pub signature: [u8; 64],
	/// The block it was published in (one record per node per liveness period).
	pub published_at: BlockNumberFor<T>,
}

/// What a node key signs to say it is alive in a period: the SCALE encoding of these fields in
/// this order.
#[derive(Encode, Decode, TypeInfo, CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound)]
#[scale_info(skip_type_params(T))]
pub struct HeartbeatStatement<T: Config> {
	/// Always [`HEARTBEAT_DOMAIN`].
	pub domain: [u8; 24],
	/// The chain's genesis hash.
	pub genesis_hash: [u8; 32],
	/// The node's raw PeerId.
	pub peer_id: RawPeerId,
	/// The period index: the block number divided by `HeartbeatPeriod`.
	pub period: u32,
	/// The node's software version.
	pub version: VersionOf<T>,
}

/// What the chain knows of a node's liveness (`NodeLiveness`).
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	CloneNoBound,
	PartialEqNoBound,
	EqNoBound,
	DebugNoBound,
)]
#[scale_info(skip_type_params(T))]
#[codec(mel_bound())]
pub struct Liveness<T: Config> {
	/// The block the node was last heard from: its last heartbeat, or its registration before
	/// the first.
	pub last_seen: BlockNumberFor<T>,
	/// Whether `last_seen` is a heartbeat's block (one heartbeat per node per period).
	pub heartbeat_sent: bool,
	/// The software version of its last heartbeat (empty before the first).
	pub version: VersionOf<T>,
	/// Whether the sweep found it silent for more than `OfflineAfterPeriods` periods (its
	/// status became `Offline` if it was `Online`); its next heartbeat clears it.
	pub silent: bool,
	/// The block of its entry in the expiry queue, where the sweep looks at it next (while it
	/// is not `silent`).
	pub check_at: BlockNumberFor<T>,
}

/// A node as the paged view functions return it.
#[derive(Encode, Decode, TypeInfo, CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound)]
#[scale_info(skip_type_params(T))]
pub struct NodeView<T: Config> {
	/// The registry record.
	pub info: NodeInfoOf<T>,
	/// Its published record, if any.
	pub record: Option<SignedRecord<T>>,
	/// Its liveness.
	pub liveness: Option<Liveness<T>>,
	/// Its key epoch, which its record's statement names (`NodeKeyEpoch`).
	pub key_epoch: u32,
}

/// One page of nodes (the paged view functions).
#[derive(Encode, Decode, TypeInfo, CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound)]
#[scale_info(skip_type_params(T))]
pub struct NodePage<T: Config> {
	/// At most the page size asked for (and at most `MaxPageSize`), in storage order.
	pub nodes: alloc::vec::Vec<NodeView<T>>,
	/// The id to pass as `start_after` for the next page; `None` when this is the last one.
	pub next: Option<NodeId>,
}

/// Why a page of nodes was refused (the paged view functions, `NodeRegistry::nodes_of_type`):
/// a client that stops at a page without `next` must never take a refused query for the end of
/// the registry.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
)]
pub enum PageError {
	/// `start_after` is not a PeerId in either form, so no page could have returned it.
	InvalidCursor,
	/// `limit` is 0: a page of no nodes says nothing of the nodes after the cursor.
	ZeroLimit,
	/// The capability is longer than `MaxCapabilityLen`: no record can name it.
	InvalidCapability,
}

/// How many nodes are registered, per type and per status (the `node_counts` view function).
#[derive(Encode, Decode, TypeInfo, Clone, PartialEq, Eq, Debug)]
pub struct NodeCounts {
	/// (type, nodes of that type), for every type.
	pub by_type: alloc::vec::Vec<(NodeType, u32)>,
	/// (status, nodes with that status), for every status.
	pub by_status: alloc::vec::Vec<(Status, u32)>,
}

/// A reporter's deregistration reports in one consensus round
/// (`TemporaryDeregistrationReports`).
///
/// Kept until the round is over even when the reporter's node leaves the registry, so an owner
/// votes at most once per node and round whatever it does with its node.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	CloneNoBound,
	PartialEqNoBound,
	EqNoBound,
	DebugNoBound,
)]
#[scale_info(skip_type_params(MaxReports))]
pub struct ReporterRound<MaxReports: frame_support::traits::Get<u32>> {
	/// The consensus round these reports belong to (its index, see [`RoundInfo`]); reports of an
	/// older round count as none. The first field, so its round can be read even when the list
	/// no longer fits its bound.
	pub round: u32,
	/// The nodes reported in that round, each once.
	pub node_ids: BoundedVec<NodeId, MaxReports>,
	/// How many of them this reporter was the first to report: its share of the round's list
	/// of reported nodes (`ReportedNodes`).
	pub added: u32,
}

/// A reporter's submissions in one rate-limit window (`ReportSubmissionCount`).
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Default,
)]
pub struct SubmissionWindow<BlockNumber> {
	/// The first block of the window (a multiple of the window length when it began). The
	/// window is over once `ReportCounterClearInterval` blocks have passed since, with the
	/// interval in force then.
	pub started_at: BlockNumber,
	/// Report calls accepted from this reporter in that window.
	pub count: u32,
}

/// The open deregistration round (`DeregistrationRound`).
///
/// Its end is fixed when it opens, so a runtime upgrade that changes `ConsensusPeriod` changes
/// the length of later rounds only.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Default,
)]
pub struct RoundInfo<BlockNumber> {
	/// The round's index: one more than the round before.
	pub index: u32,
	/// The round's last block; its votes are tallied in the next block's `on_initialize`.
	pub ends_at: BlockNumber,
}

/// Reporters that claimed part of the open round's list of reported nodes and no longer own
/// a validator node (`DepartedReporters`): their share stays taken until the round ends.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Default,
)]
pub struct DepartedCount {
	/// The round (index) the count belongs to; a count of an older round counts as zero.
	pub round: u32,
	/// How many such reporters.
	pub count: u32,
}

/// A pending hand-over of a node to a new owner (`NodeOwnershipOffers`): the node changes owner
/// only when `new_owner` accepts.
#[derive(
	Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Clone, PartialEq, Eq, Debug,
)]
pub struct OwnershipOffer<AccountId, BlockNumber> {
	/// The node's owner when it made the offer.
	pub owner: AccountId,
	/// The account the node is offered to.
	pub new_owner: AccountId,
	/// The last block in which the offer can be accepted.
	pub expires_at: BlockNumber,
}

/// An ownership offer for the runtime's account and block number types.
pub type OwnershipOfferOf<T> =
	OwnershipOffer<<T as frame_system::Config>::AccountId, BlockNumberFor<T>>;

/// A node reported in the current consensus round, with its vote count.
#[derive(
	Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Clone, PartialEq, Eq, Debug,
)]
pub struct NodeVotes {
	/// The reported node.
	pub node_id: NodeId,
	/// Distinct validators that reported it this round.
	pub votes: u32,
}

/// The nodes reported in one consensus round (`ReportedNodes`).
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	CloneNoBound,
	PartialEqNoBound,
	EqNoBound,
	DebugNoBound,
)]
#[scale_info(skip_type_params(MaxNodes))]
pub struct RoundReports<MaxNodes: frame_support::traits::Get<u32>> {
	/// The consensus round.
	pub round: u32,
	/// The reported nodes and their votes.
	pub nodes: BoundedVec<NodeVotes, MaxNodes>,
}

/// Something that stops mattering at a known block and is then removed by `on_initialize`.
#[derive(
	Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Clone, PartialEq, Eq, Debug,
)]
pub enum Expiring<AccountId> {
	/// A used challenge hash (`UsedChallenges`), once its challenge can no longer be accepted.
	Challenge(H256),
	/// A node's cooldown anchor (`NodeLastDeregisteredAt`), once the cooldown is over.
	NodeCooldown(NodeId),
	/// An owner's cooldown anchor (`OwnerLastDeregisteredAt`), once the cooldown is over.
	OwnerCooldown(AccountId),
	/// A reporter's state (`TemporaryDeregistrationReports`, `ReportSubmissionCount`), once its
	/// round and its rate-limit window are over.
	ReportState(AccountId),
	/// A node's pending ownership offer (`NodeOwnershipOffers`), once it expired.
	OwnershipOffer(NodeId),
	/// A revoked consent (`RevokedConsents`), once it can no longer be used anyway.
	RevokedConsent(AccountId, H256),
	/// A node's rotation rate-limit anchor (`NodeKeyRotatedAt`), once its period is over.
	KeyRotation(NodeId),
	/// A node's liveness check (`NodeLiveness`): the sweep marks it `Offline` if it has been
	/// silent too long, or looks again later.
	Liveness(NodeId),
	/// A bond held after its node left an owner (`ReleasingBonds`), released once its block is
	/// past.
	BondRelease(AccountId, NodeId),
}

/// Why a node left the registry (or was degraded).
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
)]
pub enum UnregisterReason {
	/// The owner unregistered it.
	Owner,
	/// The force origin unregistered it.
	Forced,
	/// Validators reached deregistration consensus.
	Consensus,
	/// A validator node whose owner's active stake was below `MinerStakeThreshold` when a
	/// round was tallied.
	InsufficientStake,
	/// The force origin removed it and forfeited its bond.
	ForcedForfeit,
}

/// The longest `challenge_bytes` a call accepts: the encoded challenge plus 64 bytes, so that a
/// challenge with trailing bytes reaches the pallet and gets its own error (`InvalidChallenge`).
pub struct ChallengeLen<T>(core::marker::PhantomData<T>);

impl<T: Config> frame_support::traits::Get<u32> for ChallengeLen<T> {
	fn get() -> u32 {
		(RegisterChallengeOf::<T>::max_encoded_len() as u32).saturating_add(64)
	}
}

/// `challenge_bytes` as a call receives it.
pub type ChallengeBytes<T> = BoundedVec<u8, ChallengeLen<T>>;

/// A storage item of the reference pallet's layout (storage version 0), as the migration to
/// version 2 names it in its events.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
)]
pub enum MigrationItem {
	/// The registry (`ColdkeyNodeRegistrationV2`).
	ColdkeyNodeRegistrationV2,
	/// The owner index (`OwnerToNode`), rebuilt from the registry.
	OwnerToNode,
	/// The node keys (`Libp2pMainIdentity`).
	Libp2pMainIdentity,
	/// Used challenge hashes (`UsedChallenges`).
	UsedChallenges,
	/// Node cooldown anchors (`NodeLastDeregisteredAt`).
	NodeLastDeregisteredAt,
	/// Disabled node types (`DisabledNodeTypes`).
	DisabledNodeTypes,
	/// Node type fees (`CurrentNodeTypeFee`).
	CurrentNodeTypeFee,
	/// The blocks node type fees were last set (`LastRegistrationBlock`).
	LastRegistrationBlock,
	/// Banned accounts (`BannedAccounts`).
	BannedAccounts,
	/// The validator whitelist (`WhitelistedValidators`).
	WhitelistedValidators,
	/// Report counts per reporting node (`ReportSubmissionCount`).
	ReportSubmissionCount,
	/// Reports per reporter (`TemporaryDeregistrationReports`).
	TemporaryDeregistrationReports,
	/// The fee charging switch (`FeeChargingEnabled`).
	FeeChargingEnabled,
	/// The deregistration switch (`DeregistrationEnabled`).
	DeregistrationEnabled,
	/// Legacy: the reference's first registry (`ColdkeyNodeRegistration`).
	ColdkeyNodeRegistration,
	/// Legacy: the reference's node registry before coldkeys (`NodeRegistration`).
	NodeRegistration,
	/// Legacy: IPFS identities (`Libp2pIpfsIdentity`).
	Libp2pIpfsIdentity,
	/// Legacy: the whitelist switch (`ValidatorWhitelistEnabled`).
	ValidatorWhitelistEnabled,
	/// Legacy: nodes linked to a main node (`LinkedNodes`).
	LinkedNodes,
}

/// Why the migration to storage version 3 refused to run (`MigrationRefused`).
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
)]
pub enum MigrationRefusal {
	/// Storage version 1 in a layout earlier than the one the migration reads (a counted
	/// expiry queue, or report state without rounds).
	EarlierVersion1Layout,
}

/// Why the migration to storage version 3 dropped a registry entry of the reference layout
/// (`MigrationEntryDropped`).
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
)]
pub enum MigrationDropReason {
	/// Its node id is not the PeerId of an acceptable Ed25519 key, in either form.
	InvalidNodeId,
	/// Its record names another PeerId than its key.
	RecordMismatch,
	/// The same PeerId was registered in both forms (base58 text and raw bytes); the other
	/// entry was preferred.
	DuplicatePeerId,
	/// Its owner had another node, which was preferred (one node per owner).
	DuplicateOwner,
	/// More validator nodes than `MaxValidators` were registered; the others were preferred.
	TooManyValidators,
}
