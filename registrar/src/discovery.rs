//! Discovery, the node's side: the record it publishes (addresses, version, capabilities, signed
//! by the node key), the heartbeat it sends each liveness period, and the check of a published
//! record's signature by anyone who reads it.
//!
//! The pallet's `NodeRecord`, `RecordStatement`, `HeartbeatStatement`, `SignedRecord`,
//! `Liveness`, `NodeView` and `NodePage` are generic over the runtime (`T: Config`), so a client
//! cannot name them without a runtime; their SCALE layout is reproduced here (bounded vectors
//! encode as vectors; block numbers in the chain's width). The layout is checked three ways: the
//! statements against the byte vectors of `spec/vectors.json`, which the JS reference client
//! computes too (the tests below, and `js/client/test/vectors.test.mjs`), the
//! decoded views against the dev runtime's answers, and the signatures by the chain itself (the
//! end-to-end tests: a statement encoded differently would not verify).

use crate::{
	facts::{BlockNumberWidth, RegistryEntry},
	keys::NodeKey,
	multiaddr::{self, MultiaddrError},
};
use codec::{Decode, Encode};
use pallet_registration::{peer_id::Ed25519PeerId, HEARTBEAT_DOMAIN, RECORD_DOMAIN};
use serde::Serialize;

/// The version a registrar announces when none is configured: `registrar/<its version>`.
pub fn default_version() -> String {
	format!("registrar/{}", env!("CARGO_PKG_VERSION"))
}

/// Why a record (or a heartbeat's version) is not acceptable.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RecordError {
	/// An address that is not a multiaddr this registrar can encode.
	#[error("address {address:?}: {error}")]
	Address {
		/// The address as given.
		address: String,
		/// Why.
		error: MultiaddrError,
	},
	/// An address the pallet would refuse (its own check).
	#[error("address {address:?} is refused by the pallet's check: {reason}")]
	Refused {
		/// The address as given.
		address: String,
		/// The pallet's reason.
		reason: String,
	},
	/// A version that is empty or not printable ASCII (spaces allowed).
	#[error("version {0:?} must be printable ASCII (spaces allowed) and not empty")]
	Version(String),
	/// A capability that is empty or not printable ASCII without spaces.
	#[error("capability {0:?} must be printable ASCII without spaces and not empty")]
	Capability(String),
	/// The same capability twice.
	#[error("capability {0:?} is given twice")]
	DuplicateCapability(String),
	/// Beyond one of the chain's limits.
	#[error("{what}: {actual} is more than the chain's {limit} ({constant})")]
	Limit {
		/// What is too long or too many.
		what: String,
		/// Its size.
		actual: usize,
		/// The chain's limit.
		limit: u32,
		/// The pallet constant.
		constant: &'static str,
	},
	/// A block number that does not fit the chain's width.
	#[error("block number {0} does not fit in 32 bits")]
	BlockNumber(u64),
}

/// The pallet's limits on a record (its constants).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Limits {
	/// `MaxAddresses`.
	pub max_addresses: u32,
	/// `MaxAddressLen` (bytes of one binary multiaddr).
	pub max_address_len: u32,
	/// `MaxVersionLen`.
	pub max_version_len: u32,
	/// `MaxCapabilities`.
	pub max_capabilities: u32,
	/// `MaxCapabilityLen`.
	pub max_capability_len: u32,
}

/// What the pallet's liveness needs a client to know (its constants).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct DiscoveryParams {
	/// `HeartbeatPeriod`: blocks per liveness period.
	pub heartbeat_period: u64,
	/// `OfflineAfterPeriods`: periods a node may stay silent before it is marked offline.
	pub offline_after_periods: u32,
	/// `MaxPageSize`: the most nodes a page holds.
	pub max_page_size: u32,
	/// The limits on a record.
	pub limits: Limits,
}

fn printable(text: &[u8], allow_space: bool) -> bool {
	!text.is_empty()
		&& text.iter().all(|byte| (0x21..=0x7e).contains(byte) || (allow_space && *byte == b' '))
}

/// Checks a version as the pallet does (printable ASCII, spaces allowed, not empty).
pub fn check_version(version: &str) -> Result<(), RecordError> {
	if printable(version.as_bytes(), true) {
		Ok(())
	} else {
		Err(RecordError::Version(version.to_owned()))
	}
}

/// The pallet's `NodeRecord`, on the wire.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct Record {
	/// Increases with every record the node publishes.
	pub seq: u64,
	/// Binary multiaddrs.
	pub addresses: Vec<Vec<u8>>,
	/// The software version (printable ASCII).
	pub version: Vec<u8>,
	/// The capabilities (printable ASCII, distinct).
	pub capabilities: Vec<Vec<u8>>,
}

/// What a node announces, before it gets a sequence number: checked as the pallet checks a
/// record (except for the chain's limits: [`Self::check_limits`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RecordContent {
	/// The addresses as text, as given.
	pub address_texts: Vec<String>,
	/// The addresses, binary.
	#[serde(skip)]
	pub addresses: Vec<Vec<u8>>,
	/// The version.
	pub version: String,
	/// The capabilities.
	pub capabilities: Vec<String>,
}

/// What the pallet's `ForeignPeerId` means for `address`: which PeerId its `/p2p/` names, and
/// what to do about it.
fn foreign_peer_id(address: &str, peer: &Ed25519PeerId) -> String {
	let ours = String::from_utf8_lossy(&peer.to_node_id()).into_owned();
	let parts: Vec<&str> = address.split('/').collect();
	let named = parts
		.windows(2)
		.filter(|pair| matches!(pair[0], "p2p" | "ipfs"))
		.map(|pair| pair[1])
		.find(|named| *named != ours)
		.unwrap_or("another node");
	format!(
		"ForeignPeerId: its /p2p/ names {named}, but this node is {ours}; a record carries the \
		 node's own addresses (end it with /p2p/{ours}, or leave /p2p/ out)"
	)
}

impl RecordContent {
	/// The content of the node `peer`'s record: every address encoded and accepted by the
	/// pallet's own check (known protocols; a `/p2p/` component names this node), a printable
	/// version, printable and distinct capabilities.
	pub fn new(
		addresses: &[String],
		version: &str,
		capabilities: &[String],
		peer: &Ed25519PeerId,
	) -> Result<Self, RecordError> {
		let raw = peer.to_raw();
		let mut binary = Vec::with_capacity(addresses.len());
		for address in addresses {
			let bytes = multiaddr::parse(address)
				.map_err(|error| RecordError::Address { address: address.clone(), error })?;
			pallet_registration::multiaddr::check(&bytes, &raw).map_err(|error| {
				let reason = match error {
					pallet_registration::multiaddr::MultiaddrError::ForeignPeerId => {
						foreign_peer_id(address, peer)
					}
					other => format!("{other:?}"),
				};
				RecordError::Refused { address: address.clone(), reason }
			})?;
			binary.push(bytes);
		}
		check_version(version)?;
		for (index, capability) in capabilities.iter().enumerate() {
			if !printable(capability.as_bytes(), false) {
				return Err(RecordError::Capability(capability.clone()));
			}
			if capabilities.get(..index).unwrap_or_default().contains(capability) {
				return Err(RecordError::DuplicateCapability(capability.clone()));
			}
		}
		Ok(Self {
			address_texts: addresses.to_vec(),
			addresses: binary,
			version: version.to_owned(),
			capabilities: capabilities.to_vec(),
		})
	}

	/// Checks the content against the chain's limits.
	pub fn check_limits(&self, limits: &Limits) -> Result<(), RecordError> {
		let over = |what: String, actual: usize, limit: u32, constant| {
			if actual > limit as usize {
				Err(RecordError::Limit { what, actual, limit, constant })
			} else {
				Ok(())
			}
		};
		over("addresses".into(), self.addresses.len(), limits.max_addresses, "MaxAddresses")?;
		for (text, bytes) in self.address_texts.iter().zip(&self.addresses) {
			over(
				format!("address {text:?} (bytes)"),
				bytes.len(),
				limits.max_address_len,
				"MaxAddressLen",
			)?;
		}
		over(
			format!("version {:?} (bytes)", self.version),
			self.version.len(),
			limits.max_version_len,
			"MaxVersionLen",
		)?;
		over(
			"capabilities".into(),
			self.capabilities.len(),
			limits.max_capabilities,
			"MaxCapabilities",
		)?;
		for capability in &self.capabilities {
			over(
				format!("capability {capability:?} (bytes)"),
				capability.len(),
				limits.max_capability_len,
				"MaxCapabilityLen",
			)?;
		}
		Ok(())
	}

	/// Whether `record` announces exactly this content (whatever its sequence number).
	pub fn matches(&self, record: &Record) -> bool {
		record.addresses == self.addresses
			&& record.version == self.version.as_bytes()
			&& record.capabilities.len() == self.capabilities.len()
			&& record.capabilities.iter().zip(&self.capabilities).all(|(a, b)| a == b.as_bytes())
	}

	/// The record of this content with sequence number `seq`.
	pub fn record(&self, seq: u64) -> Record {
		Record {
			seq,
			addresses: self.addresses.clone(),
			version: self.version.as_bytes().to_vec(),
			capabilities: self.capabilities.iter().map(|c| c.as_bytes().to_vec()).collect(),
		}
	}
}

/// The pallet's `RecordStatement`, on the wire.
#[derive(Encode)]
struct RecordStatement<'a, BlockNumber> {
	domain: [u8; 24],
	genesis_hash: [u8; 32],
	peer_id: [u8; 38],
	registered_at: BlockNumber,
	key_epoch: u32,
	record: &'a Record,
}

/// The pallet's `HeartbeatStatement`, on the wire.
#[derive(Encode)]
struct HeartbeatStatement<'a> {
	domain: [u8; 24],
	genesis_hash: [u8; 32],
	peer_id: [u8; 38],
	period: u32,
	version: &'a [u8],
}

/// What the node key signs to publish `record` on the chain `genesis_hash` for the node
/// `peer_id` (raw) registered in block `registered_at`, at key epoch `key_epoch` (how many
/// times the node moved to a new key), in the chain's block number width.
pub fn record_statement(
	genesis_hash: [u8; 32],
	peer_id: [u8; 38],
	registered_at: u64,
	key_epoch: u32,
	width: BlockNumberWidth,
	record: &Record,
) -> Result<Vec<u8>, RecordError> {
	let statement = |registered_at| RecordStatement {
		domain: RECORD_DOMAIN,
		genesis_hash,
		peer_id,
		registered_at,
		key_epoch,
		record,
	};
	Ok(match width {
		BlockNumberWidth::U64 => statement(registered_at).encode(),
		BlockNumberWidth::U32 => {
			let narrow = u32::try_from(registered_at)
				.map_err(|_| RecordError::BlockNumber(registered_at))?;
			RecordStatement {
				domain: RECORD_DOMAIN,
				genesis_hash,
				peer_id,
				registered_at: narrow,
				key_epoch,
				record,
			}
			.encode()
		}
	})
}

/// What the node key signs to say the node `peer_id` (raw) is alive in `period`, running
/// `version`, on the chain `genesis_hash`.
pub fn heartbeat_statement(
	genesis_hash: [u8; 32],
	peer_id: [u8; 38],
	period: u32,
	version: &[u8],
) -> Vec<u8> {
	HeartbeatStatement { domain: HEARTBEAT_DOMAIN, genesis_hash, peer_id, period, version }.encode()
}

/// `publish_node_record`'s arguments for `record`, signed by `node_key` for its registration
/// in block `registered_at` at key epoch `key_epoch`: their SCALE encoding (`node_id`,
/// `record`, `signature`).
pub fn publish_args(
	node_key: &NodeKey,
	genesis_hash: [u8; 32],
	registered_at: u64,
	key_epoch: u32,
	width: BlockNumberWidth,
	record: &Record,
) -> Result<Vec<u8>, RecordError> {
	let statement = record_statement(
		genesis_hash,
		node_key.peer_id_raw(),
		registered_at,
		key_epoch,
		width,
		record,
	)?;
	let signature = node_key.sign(&statement);
	let node_id = node_key.peer_id_base58().into_bytes();
	Ok((node_id, record, signature.to_vec()).encode())
}

/// `heartbeat`'s arguments for `period` and `version`, signed by `node_key`: their SCALE
/// encoding (`node_id`, `period`, `version`, `signature`).
pub fn heartbeat_args(
	node_key: &NodeKey,
	genesis_hash: [u8; 32],
	period: u32,
	version: &[u8],
) -> Vec<u8> {
	let statement = heartbeat_statement(genesis_hash, node_key.peer_id_raw(), period, version);
	let signature = node_key.sign(&statement);
	let node_id = node_key.peer_id_base58().into_bytes();
	(node_id, period, version.to_vec(), signature.to_vec()).encode()
}

/// A published record as stored (the pallet's `SignedRecord`), block numbers widened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedRecord {
	/// The record.
	pub record: Record,
	/// The node key's signature of its statement.
	pub signature: [u8; 64],
	/// The block it was published in.
	pub published_at: u64,
}

/// What the chain knows of a node's liveness (the pallet's `Liveness`), block numbers widened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Liveness {
	/// The block the node was last heard from (its last heartbeat, or its registration).
	pub last_seen: u64,
	/// Whether `last_seen` is a heartbeat's block.
	pub heartbeat_sent: bool,
	/// The version of its last heartbeat (empty before the first).
	pub version: Vec<u8>,
	/// Whether the sweep found it silent (its next heartbeat clears it).
	pub silent: bool,
	/// Where the sweep looks at it next.
	pub check_at: u64,
}

/// A node as the paged view functions return it (the pallet's `NodeView`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodeView {
	/// The registry entry.
	pub info: RegistryEntry,
	/// Its published record.
	pub record: Option<SignedRecord>,
	/// Its liveness.
	pub liveness: Option<Liveness>,
	/// Its key epoch, which its record's statement names.
	pub key_epoch: u32,
}

/// One page of nodes (the pallet's `NodePage`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodePage {
	/// The nodes.
	pub nodes: Vec<NodeView>,
	/// The cursor of the next page (a node id), `None` on the last page.
	pub next: Option<Vec<u8>>,
}

/// Why a published record does not verify.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
	/// The node has no record.
	#[error("no record")]
	NoRecord,
	/// The node id is not the PeerId of an acceptable Ed25519 key.
	#[error("the node id is not an Ed25519 PeerId")]
	NodeId,
	/// The statement could not be rebuilt.
	#[error(transparent)]
	Statement(#[from] RecordError),
	/// The signature is not the node key's over the rebuilt statement.
	#[error("the signature is not the node key's")]
	BadSignature,
}

/// Checks `view`'s record without trusting whoever returned it: rebuilds the statement from
/// the record, the node's `registered_at` and key epoch and the chain's genesis hash, takes the
/// public key
/// from the node id, and verifies the signature.
pub fn verify_record(
	view: &NodeView,
	genesis_hash: [u8; 32],
	width: BlockNumberWidth,
) -> Result<(), VerifyError> {
	let signed = view.record.as_ref().ok_or(VerifyError::NoRecord)?;
	let peer = Ed25519PeerId::from_base58(view.info.node_id.as_bytes())
		.map_err(|_| VerifyError::NodeId)?;
	let statement = record_statement(
		genesis_hash,
		peer.to_raw(),
		view.info.registered_at,
		view.key_epoch,
		width,
		&signed.record,
	)?;
	if pallet_registration::challenge::verify_signature(
		peer.public_key(),
		&signed.signature,
		&statement,
	) {
		Ok(())
	} else {
		Err(VerifyError::BadSignature)
	}
}

/// A record's text fields as shown: addresses as multiaddr text (hex when not one), version
/// and capabilities as text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RecordText {
	/// The sequence number.
	pub seq: u64,
	/// The addresses.
	pub addresses: Vec<String>,
	/// The version.
	pub version: String,
	/// The capabilities.
	pub capabilities: Vec<String>,
}

impl From<&Record> for RecordText {
	fn from(record: &Record) -> Self {
		let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
		Self {
			seq: record.seq,
			addresses: record.addresses.iter().map(|a| multiaddr::to_text_or_hex(a)).collect(),
			version: text(&record.version),
			capabilities: record.capabilities.iter().map(|c| text(c)).collect(),
		}
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use pallet_registration::{NodeType, Status};
	use sp_core::crypto::AccountId32;

	const SEED: &str = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
	const PEER: &str = "12D3KooWQK1wnefoLrcVHbbnf5tLzbopUd3K3bFAoJpA7YJgL5pV";

	fn key() -> NodeKey {
		NodeKey::from_hex(SEED).unwrap()
	}

	fn content() -> RecordContent {
		RecordContent::new(
			&["/ip4/127.0.0.1/tcp/30333".into(), format!("/ip4/10.0.0.2/tcp/4001/ws/p2p/{PEER}")],
			"registrar/0.1.0",
			&["/reconstruction/global-refinement/v1".into(), "storage".into()],
			&key().peer_id(),
		)
		.unwrap()
	}

	/// The discovery vectors of the contract's vectors (`spec/vectors.json`, the repository's
	/// one copy): computed by the JS reference client (`js/client/discovery.mjs`, checked there by
	/// `js/client/test/vectors.test.mjs`) for RFC 8032 test key 1, genesis hash [0x45; 32],
	/// registered_at 1234 (u64), key epoch 0, seq 7, the two addresses, version and
	/// capabilities of `content()`, and heartbeat periods 42 and 0.
	fn vector(path: &[&str]) -> String {
		let vectors: serde_json::Value =
			serde_json::from_str(include_str!("../../spec/vectors.json")).unwrap();
		let value = path.iter().fold(&vectors["discovery"], |v, key| match key.parse::<usize>() {
			Ok(index) => &v[index],
			Err(_) => &v[*key],
		});
		value.as_str().unwrap_or_else(|| panic!("{path:?}")).to_owned()
	}

	fn record_hex() -> String {
		vector(&["record_bytes"])
	}

	fn record_signature() -> String {
		vector(&["record_signature"])
	}

	fn heartbeat_signature() -> String {
		vector(&["heartbeats", "0", "signature"])
	}

	#[test]
	fn the_vectors_describe_this_record() {
		let vectors: serde_json::Value =
			serde_json::from_str(include_str!("../../spec/vectors.json")).unwrap();
		let v = &vectors["discovery"];
		let texts = |key: &str| -> Vec<String> {
			v["record"][key]
				.as_array()
				.unwrap()
				.iter()
				.map(|t| t.as_str().unwrap().into())
				.collect()
		};
		let record = content().record(v["record"]["seq"].as_u64().unwrap());
		assert_eq!(record, content().record(7));
		assert_eq!(
			RecordContent::new(
				&texts("addresses"),
				v["record"]["version"].as_str().unwrap(),
				&texts("capabilities"),
				&key().peer_id(),
			)
			.unwrap()
			.record(7),
			record
		);
		assert_eq!((v["registered_at"].as_u64(), v["key_epoch"].as_u64()), (Some(1234), Some(0)));
		assert_eq!(vectors["peer_id_base58"], PEER);
		assert_eq!(vectors["node_seed"], SEED);
	}

	#[test]
	fn the_record_and_its_statement_match_the_js_client() {
		let record = content().record(7);
		assert_eq!(hex::encode(record.encode()), record_hex());
		assert_eq!(Record::decode(&mut &hex::decode(record_hex()).unwrap()[..]).unwrap(), record);
		let statement = record_statement(
			[0x45; 32],
			key().peer_id_raw(),
			1234,
			0,
			BlockNumberWidth::U64,
			&record,
		)
		.unwrap();
		assert_eq!(hex::encode(&statement), vector(&["record_statement"]));
		// Ed25519 signatures are deterministic: the same key signs the same bytes alike.
		assert_eq!(hex::encode(key().sign(&statement)), record_signature());
		// In a 32-bit chain, registered_at takes 4 bytes.
		let narrow = record_statement(
			[0x45; 32],
			key().peer_id_raw(),
			1234,
			0,
			BlockNumberWidth::U32,
			&record,
		)
		.unwrap();
		assert_eq!(narrow.len(), statement.len() - 4);
		assert_eq!(narrow[94..98], [0xd2, 0x04, 0, 0]);
		// The key epoch follows `registered_at`: a rotation changes what the key signs.
		let rotated = record_statement(
			[0x45; 32],
			key().peer_id_raw(),
			1234,
			3,
			BlockNumberWidth::U64,
			&record,
		)
		.unwrap();
		assert_eq!(rotated[102..106], [3, 0, 0, 0]);
		assert_ne!(key().sign(&rotated), key().sign(&statement));
		assert_eq!(
			record_statement(
				[0; 32],
				key().peer_id_raw(),
				u64::from(u32::MAX) + 1,
				0,
				BlockNumberWidth::U32,
				&record
			),
			Err(RecordError::BlockNumber(u64::from(u32::MAX) + 1))
		);
	}

	#[test]
	fn the_heartbeat_statement_matches_the_js_client() {
		let statement =
			heartbeat_statement([0x45; 32], key().peer_id_raw(), 42, b"registrar/0.1.0");
		assert_eq!(hex::encode(&statement), vector(&["heartbeats", "0", "statement"]));
		assert_eq!(hex::encode(key().sign(&statement)), heartbeat_signature());
		let empty = heartbeat_statement([0x45; 32], key().peer_id_raw(), 0, b"");
		assert_eq!(hex::encode(empty), vector(&["heartbeats", "1", "statement"]));
	}

	#[test]
	fn call_arguments_carry_the_node_id_and_the_signature() {
		let record = content().record(7);
		let args =
			publish_args(&key(), [0x45; 32], 1234, 0, BlockNumberWidth::U64, &record).unwrap();
		let (node_id, decoded, signature) =
			<(Vec<u8>, Record, Vec<u8>)>::decode(&mut &args[..]).unwrap();
		assert_eq!((node_id, decoded), (PEER.as_bytes().to_vec(), record));
		assert_eq!(hex::encode(signature), record_signature());
		let args = heartbeat_args(&key(), [0x45; 32], 42, b"registrar/0.1.0");
		let (node_id, period, version, signature) =
			<(Vec<u8>, u32, Vec<u8>, Vec<u8>)>::decode(&mut &args[..]).unwrap();
		assert_eq!((node_id, period), (PEER.as_bytes().to_vec(), 42));
		assert_eq!(version, b"registrar/0.1.0");
		assert_eq!(hex::encode(signature), heartbeat_signature());
	}

	fn view(record: Option<SignedRecord>, registered_at: u64) -> NodeView {
		NodeView {
			info: RegistryEntry {
				node_id: PEER.into(),
				node_type: NodeType::StorageMiner,
				status: Status::Online,
				registered_at,
				owner: AccountId32::new([1; 32]),
			},
			record,
			liveness: None,
			key_epoch: 0,
		}
	}

	#[test]
	fn a_record_verifies_only_as_signed() {
		let record = content().record(7);
		let signature = <[u8; 64]>::try_from(hex::decode(record_signature()).unwrap()).unwrap();
		let signed = SignedRecord { record: record.clone(), signature, published_at: 1240 };
		let good = view(Some(signed.clone()), 1234);
		assert_eq!(verify_record(&good, [0x45; 32], BlockNumberWidth::U64), Ok(()));
		// Another chain, another registration, another width, an edited record: refused.
		assert_eq!(
			verify_record(&good, [0x46; 32], BlockNumberWidth::U64),
			Err(VerifyError::BadSignature)
		);
		assert_eq!(
			verify_record(&view(Some(signed.clone()), 1235), [0x45; 32], BlockNumberWidth::U64),
			Err(VerifyError::BadSignature)
		);
		assert_eq!(
			verify_record(&good, [0x45; 32], BlockNumberWidth::U32),
			Err(VerifyError::BadSignature)
		);
		let mut edited = signed.clone();
		edited.record.seq = 8;
		assert_eq!(
			verify_record(&view(Some(edited), 1234), [0x45; 32], BlockNumberWidth::U64),
			Err(VerifyError::BadSignature)
		);
		// Another node's id: its key did not sign.
		let mut other = good.clone();
		other.info.node_id = NodeKey::from_seed(&[9; 32]).peer_id_base58();
		assert_eq!(
			verify_record(&other, [0x45; 32], BlockNumberWidth::U64),
			Err(VerifyError::BadSignature)
		);
		other.info.node_id = "not-a-peer-id".into();
		assert_eq!(
			verify_record(&other, [0x45; 32], BlockNumberWidth::U64),
			Err(VerifyError::NodeId)
		);
		assert_eq!(
			verify_record(&view(None, 1234), [0x45; 32], BlockNumberWidth::U64),
			Err(VerifyError::NoRecord)
		);
	}

	#[test]
	fn content_is_checked_as_the_pallet_checks_a_record() {
		let peer = key().peer_id();
		let new = |addresses: &[&str], version: &str, capabilities: &[&str]| {
			let addresses: Vec<String> = addresses.iter().map(|a| a.to_string()).collect();
			let capabilities: Vec<String> = capabilities.iter().map(|c| c.to_string()).collect();
			RecordContent::new(&addresses, version, &capabilities, &peer)
		};
		assert!(new(&[], "v 1", &[]).is_ok());
		assert!(matches!(new(&["ip4/1.2.3.4"], "v", &[]), Err(RecordError::Address { .. })));
		let other = NodeKey::from_seed(&[9; 32]).peer_id_base58();
		assert!(matches!(
			new(&[&format!("/ip4/1.2.3.4/tcp/1/p2p/{other}")], "v", &[]),
			Err(RecordError::Refused { .. })
		));
		assert!(matches!(new(&[], "", &[]), Err(RecordError::Version(_))));
		assert!(matches!(new(&[], "v\u{e9}", &[]), Err(RecordError::Version(_))));
		assert!(matches!(new(&[], "v", &["a b"]), Err(RecordError::Capability(_))));
		assert!(matches!(new(&[], "v", &[""]), Err(RecordError::Capability(_))));
		assert_eq!(
			new(&[], "v", &["a", "b", "a"]),
			Err(RecordError::DuplicateCapability("a".into()))
		);
	}

	#[test]
	fn limits_are_the_chains() {
		let content = content();
		let roomy = Limits {
			max_addresses: 2,
			max_address_len: 64,
			max_version_len: 15,
			max_capabilities: 2,
			max_capability_len: 36,
		};
		assert_eq!(content.check_limits(&roomy), Ok(()));
		let tight = [
			(Limits { max_addresses: 1, ..roomy }, "MaxAddresses"),
			(Limits { max_address_len: 50, ..roomy }, "MaxAddressLen"),
			(Limits { max_version_len: 14, ..roomy }, "MaxVersionLen"),
			(Limits { max_capabilities: 1, ..roomy }, "MaxCapabilities"),
			(Limits { max_capability_len: 35, ..roomy }, "MaxCapabilityLen"),
		];
		for (limits, name) in tight {
			match content.check_limits(&limits) {
				Err(RecordError::Limit { constant, .. }) => assert_eq!(constant, name),
				other => panic!("{name}: {other:?}"),
			}
		}
	}

	#[test]
	fn content_matches_a_record_whatever_its_seq() {
		let content = content();
		let record = content.record(3);
		assert!(content.matches(&record));
		assert!(content.matches(&content.record(99)));
		let mut changed = record.clone();
		changed.capabilities.reverse();
		assert!(!content.matches(&changed));
		let mut changed = record.clone();
		changed.version = b"registrar/0.2.0".to_vec();
		assert!(!content.matches(&changed));
		let mut changed = record;
		changed.addresses.pop();
		assert!(!content.matches(&changed));
		let text = RecordText::from(&content.record(3));
		assert_eq!(text.addresses, content.address_texts);
		assert_eq!(text.capabilities, content.capabilities);
		assert_eq!(default_version(), format!("registrar/{}", env!("CARGO_PKG_VERSION")));
	}
}
