//! Owner consents: what an owner ("coldkey") signs offline so that another account (the
//! "submitter", on the node's host) can register its node without the owner's key.
//!
//! The consent is the pallet crate's own [`OwnerConsent`] (never a second definition),
//! SCALE-encoded in the chain's block number width: those bytes are the payload the owner signs,
//! bare (`subkey sign`, this registrar) or wrapped in `<Bytes>`…`</Bytes>` (the polkadot.js
//! extension and apps' sign tab); the pallet accepts both. The signature is the runtime's
//! `MultiSignature`: sr25519, ed25519 or ecdsa, checked here as the runtime checks it.
//!
//! A consent travels as a consent file ([`SignedConsent::to_json`], [`SignedConsent::load`]):
//! JSON, versioned, holding the consent's fields, the exact payload and, once signed, the
//! signature. Loading checks that the payload is the encoding of the fields and that the
//! signature is the owner's, so a file edited by hand is refused rather than submitted.

use crate::{challenge::RegistrationCall, facts::BlockNumberWidth, keys::OwnerKey};
use codec::Encode;
use pallet_registration::{
	peer_id::Ed25519PeerId, NodeType, OwnerConsent, CONSENT_DOMAIN, WRAPPED_PREFIX, WRAPPED_SUFFIX,
};
use serde::{Deserialize, Serialize};
use sp_core::crypto::{AccountId32, Ss58Codec};
use sp_crypto_hashing::blake2_256;
use std::path::Path;

/// An owner consent with the registrar's types: 32-byte accounts, `u128` balances, block
/// numbers widened to `u64` (encoded in the chain's width).
pub type Consent = OwnerConsent<AccountId32, u128, u64>;

/// The `kind` of a consent file.
pub const CONSENT_FILE_KIND: &str = "registrar-owner-consent";

/// The version of the consent file format this registrar writes and reads.
pub const CONSENT_FILE_VERSION: u32 = 2;

/// Why a consent could not be built, signed, read or used. Messages never contain secrets.
#[derive(Debug, thiserror::Error)]
pub enum ConsentError {
	/// The consent file could not be read or written.
	#[error("consent file {path}: {source}")]
	Io {
		/// The file.
		path: String,
		/// The cause.
		source: std::io::Error,
	},
	/// The file is not a consent file of this format.
	#[error("not a valid consent file: {0}")]
	Format(String),
	/// The file was written by a newer registrar.
	#[error(
		"consent file version {0} is newer than this registrar reads ({CONSENT_FILE_VERSION}); \
		 upgrade the registrar"
	)]
	Version(u32),
	/// The payload is not the encoding of the consent's fields.
	#[error("the consent file's payload is not the encoding of its fields (was it edited?)")]
	PayloadMismatch,
	/// A signature does not verify.
	#[error("the signature is not {owner}'s over the consent's payload (bare or <Bytes>-wrapped)")]
	BadSignature {
		/// The consent's owner (SS58).
		owner: String,
	},
	/// A signature is not well-formed.
	#[error("invalid signature: {0}")]
	InvalidSignature(String),
	/// The consent is not signed yet.
	#[error(
		"the consent is not signed yet: sign it with `registrar consent --consent-file … \
		 --owner-secret-file …` or attach a signature with `--attach-signature`"
	)]
	Unsigned,
	/// The owner key is not the consent's owner.
	#[error("the owner secret is of account {key}, but the consent names owner {owner}")]
	WrongOwnerKey {
		/// The key's account (SS58).
		key: String,
		/// The consent's owner (SS58).
		owner: String,
	},
	/// The consent's PeerId is not an acceptable Ed25519 PeerId.
	#[error("the consent's PeerId is not the PeerId of an acceptable Ed25519 key")]
	InvalidPeerId,
	/// A block number does not fit the chain's width.
	#[error("valid_until {0} does not fit in 32 bits")]
	BlockNumberTooLarge(u64),
	/// The consent is for another node than the node key's.
	#[error("the consent is for node {consent}, not for this node key's {key}")]
	NodeMismatch {
		/// The consent's PeerId.
		consent: String,
		/// The node key's PeerId.
		key: String,
	},
}

/// Why a list of PeerIds (`registrar consent --peer-id-file`) was refused, by line (counted
/// from 1).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PeerIdListError {
	/// A line is not a PeerId.
	#[error("line {line}: {text:?} is not the base58 PeerId of an acceptable Ed25519 key")]
	Invalid {
		/// The line.
		line: usize,
		/// What it holds (without its comment; cut after 64 characters).
		text: String,
	},
	/// A PeerId is listed twice.
	#[error("line {line}: {peer_id} is listed already, on line {first}")]
	Duplicate {
		/// The line of the second mention.
		line: usize,
		/// The line of the first.
		first: usize,
		/// The PeerId.
		peer_id: String,
	},
	/// The list names no PeerId.
	#[error("it lists no PeerId (only blank lines and # comments)")]
	Empty,
}

/// The PeerIds of a list: one base58 PeerId per line, surrounding blanks ignored, blank lines
/// and `#` comments (a whole line, or the end of one) skipped. Refused as a whole, at the first
/// offending line, when a line is not an acceptable Ed25519 PeerId or a PeerId comes twice, or
/// when there is none.
pub fn parse_peer_id_list(text: &str) -> Result<Vec<Ed25519PeerId>, PeerIdListError> {
	let mut peers = Vec::new();
	let mut seen = std::collections::HashMap::new();
	for (index, raw_line) in text.lines().enumerate() {
		let line = index + 1;
		let entry = raw_line.split('#').next().unwrap_or_default().trim();
		if entry.is_empty() {
			continue;
		}
		let peer = Ed25519PeerId::from_base58(entry.as_bytes()).map_err(|_| {
			PeerIdListError::Invalid { line, text: entry.chars().take(64).collect() }
		})?;
		if let Some(first) = seen.insert(peer.to_raw(), line) {
			return Err(PeerIdListError::Duplicate { line, first, peer_id: entry.to_owned() });
		}
		peers.push(peer);
	}
	if peers.is_empty() {
		return Err(PeerIdListError::Empty);
	}
	Ok(peers)
}

/// How long a new consent stays valid.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Validity {
	/// This many blocks from the current block (the chain caps it at `MaxConsentLifetime`).
	Lifetime(u64),
	/// Until this block, included.
	Until(u64),
}

/// The signature schemes of the runtime's `MultiSignature`, in its variant order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SignatureScheme {
	/// Ed25519 (`MultiSignature::Ed25519`, 64 bytes); the account is the public key.
	Ed25519,
	/// Sr25519 (`MultiSignature::Sr25519`, 64 bytes); the account is the public key.
	Sr25519,
	/// ECDSA over secp256k1 (`MultiSignature::Ecdsa`, 65 bytes with the recovery id); the
	/// account is `blake2_256` of the compressed public key.
	Ecdsa,
}

impl SignatureScheme {
	/// The scheme's variant index in `MultiSignature`.
	pub fn variant_index(self) -> u8 {
		match self {
			SignatureScheme::Ed25519 => 0,
			SignatureScheme::Sr25519 => 1,
			SignatureScheme::Ecdsa => 2,
		}
	}

	/// The length of the scheme's signatures.
	pub fn signature_len(self) -> usize {
		match self {
			SignatureScheme::Ed25519 | SignatureScheme::Sr25519 => 64,
			SignatureScheme::Ecdsa => 65,
		}
	}

	fn of_variant_index(index: u8) -> Option<Self> {
		match index {
			0 => Some(SignatureScheme::Ed25519),
			1 => Some(SignatureScheme::Sr25519),
			2 => Some(SignatureScheme::Ecdsa),
			_ => None,
		}
	}
}

/// Which message a signature was made over.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SignedMessage {
	/// The payload itself (`subkey sign --hex`, this registrar).
	Bare,
	/// `<Bytes>` ++ payload ++ `</Bytes>` (the polkadot.js extension, apps' sign tab).
	Wrapped,
}

/// `<Bytes>` ++ `message` ++ `</Bytes>`: what wallets sign when asked to sign raw bytes.
pub fn wrapped(message: &[u8]) -> Vec<u8> {
	[WRAPPED_PREFIX, message, WRAPPED_SUFFIX].concat()
}

/// An owner's signature: a `MultiSignature` variant and its bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OwnerSignature {
	scheme: SignatureScheme,
	bytes: Vec<u8>,
}

impl OwnerSignature {
	/// A signature of `scheme` (its length checked).
	pub fn new(scheme: SignatureScheme, bytes: Vec<u8>) -> Result<Self, ConsentError> {
		if bytes.len() != scheme.signature_len() {
			return Err(ConsentError::InvalidSignature(format!(
				"an {scheme:?} signature has {} bytes, not {}",
				scheme.signature_len(),
				bytes.len()
			)));
		}
		Ok(Self { scheme, bytes })
	}

	/// A signature given as `0x` hex: the bare signature of `scheme` (sr25519 when absent),
	/// or a SCALE-encoded `MultiSignature` (its variant byte first, as some wallets return
	/// it), whose variant must then agree with `scheme` when given.
	pub fn parse(text: &str, scheme: Option<SignatureScheme>) -> Result<Self, ConsentError> {
		let text = text.trim();
		let bytes = hex::decode(text.strip_prefix("0x").unwrap_or(text))
			.map_err(|_| ConsentError::InvalidSignature("not hex".into()))?;
		let typed = |index: u8| {
			let scheme = SignatureScheme::of_variant_index(index)?;
			(bytes.len() == 1 + scheme.signature_len()).then(|| (scheme, bytes[1..].to_vec()))
		};
		let (found, rest) = match (bytes.len(), scheme) {
			(64, given) => (given.unwrap_or(SignatureScheme::Sr25519), bytes),
			(65, Some(SignatureScheme::Ecdsa)) => (SignatureScheme::Ecdsa, bytes),
			// A MultiSignature of an ed25519 or sr25519 signature, or a bare ecdsa one.
			(65, given) => match typed(bytes[0]) {
				Some(typed) => typed,
				None if given.is_none() => (SignatureScheme::Ecdsa, bytes),
				None => return Err(ConsentError::InvalidSignature(
					"65 bytes are neither a signature of this scheme nor a MultiSignature of it"
						.into(),
				)),
			},
			(66, _) => typed(bytes[0]).ok_or_else(|| {
				ConsentError::InvalidSignature("66 bytes but not a MultiSignature::Ecdsa".into())
			})?,
			(n, _) => {
				return Err(ConsentError::InvalidSignature(format!(
					"{n} bytes: expected 64 (sr25519, ed25519), 65 (ecdsa) or a MultiSignature"
				)))
			}
		};
		if let Some(given) = scheme.filter(|given| *given != found) {
			return Err(ConsentError::InvalidSignature(format!(
				"the signature is a MultiSignature::{found:?}, not {given:?}"
			)));
		}
		Self::new(found, rest)
	}

	/// The scheme.
	pub fn scheme(&self) -> SignatureScheme {
		self.scheme
	}

	/// The signature's bytes (without the `MultiSignature` variant).
	pub fn bytes(&self) -> &[u8] {
		&self.bytes
	}

	/// The SCALE encoding of the `MultiSignature`: the variant index, then the bytes.
	pub fn encode(&self) -> Vec<u8> {
		let mut out = vec![self.scheme.variant_index()];
		out.extend_from_slice(&self.bytes);
		out
	}

	/// Whether this is `owner`'s signature of `message`: the runtime's own `MultiSignature`
	/// check (ecdsa: the key recovered from `blake2_256(message)`, hashed, is the account; the
	/// recovery id may be 0/1 or 27/28).
	pub fn verifies(&self, message: &[u8], owner: &AccountId32) -> bool {
		use codec::Decode;
		use sp_runtime::traits::Verify;
		sp_runtime::MultiSignature::decode(&mut &self.encode()[..])
			.is_ok_and(|signature| signature.verify(message, owner))
	}

	/// Which form of `payload` this is `owner`'s signature of, if any: the bare payload or the
	/// `<Bytes>`-wrapped one (the pallet accepts both).
	pub fn signed_message(&self, payload: &[u8], owner: &AccountId32) -> Option<SignedMessage> {
		if self.verifies(payload, owner) {
			Some(SignedMessage::Bare)
		} else if self.verifies(&wrapped(payload), owner) {
			Some(SignedMessage::Wrapped)
		} else {
			None
		}
	}
}

/// The SCALE encoding of `consent` in `width`: the payload the owner signs.
pub fn consent_bytes(consent: &Consent, width: BlockNumberWidth) -> Result<Vec<u8>, ConsentError> {
	Ok(match width {
		BlockNumberWidth::U64 => consent.encode(),
		BlockNumberWidth::U32 => OwnerConsent::<AccountId32, u128, u32> {
			domain: consent.domain,
			genesis_hash: consent.genesis_hash,
			owner: consent.owner.clone(),
			peer_id: consent.peer_id,
			node_type: consent.node_type,
			max_fee: consent.max_fee,
			max_deposit: consent.max_deposit,
			valid_until: u32::try_from(consent.valid_until)
				.map_err(|_| ConsentError::BlockNumberTooLarge(consent.valid_until))?,
			nonce: consent.nonce,
			may_rotate: consent.may_rotate,
		}
		.encode(),
	})
}

/// What an owner consents to; the chain adds the genesis hash (and the current block, for a
/// lifetime).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConsentTerms {
	/// The owner account.
	pub owner: AccountId32,
	/// The node's PeerId.
	pub peer_id: Ed25519PeerId,
	/// The node type it may be registered as.
	pub node_type: NodeType,
	/// The most registration fee one registration may take from the owner.
	pub max_fee: u128,
	/// The most deposit (bond) one registration may hold from the owner.
	pub max_deposit: u128,
	/// The nonce.
	pub nonce: u64,
	/// Whether the consent also allows rotating the owner's node to this PeerId.
	pub may_rotate: bool,
}

impl ConsentTerms {
	/// The consent of these terms on the chain `genesis_hash`, valid until `valid_until`.
	pub fn consent(&self, genesis_hash: [u8; 32], valid_until: u64) -> Consent {
		OwnerConsent {
			domain: CONSENT_DOMAIN,
			genesis_hash,
			owner: self.owner.clone(),
			peer_id: self.peer_id.to_raw(),
			node_type: self.node_type,
			max_fee: self.max_fee,
			max_deposit: self.max_deposit,
			valid_until,
			nonce: self.nonce,
			may_rotate: self.may_rotate,
		}
	}

	/// Whether `consent` is a consent of these terms (any chain, any validity).
	pub fn matches(&self, consent: &Consent) -> bool {
		*consent == self.consent(consent.genesis_hash, consent.valid_until)
	}
}

/// A consent, its payload in the chain's width and, once there is one, the owner's signature.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedConsent {
	consent: Consent,
	width: BlockNumberWidth,
	payload: Vec<u8>,
	signature: Option<OwnerSignature>,
}

impl SignedConsent {
	/// An unsigned consent, encoded in `width`.
	pub fn new(consent: Consent, width: BlockNumberWidth) -> Result<Self, ConsentError> {
		Ed25519PeerId::from_raw(&consent.peer_id).map_err(|_| ConsentError::InvalidPeerId)?;
		let payload = consent_bytes(&consent, width)?;
		Ok(Self { consent, width, payload, signature: None })
	}

	/// The consent.
	pub fn consent(&self) -> &Consent {
		&self.consent
	}

	/// The block number width it is encoded in.
	pub fn width(&self) -> BlockNumberWidth {
		self.width
	}

	/// The payload: the bytes the owner signs (bare), and what the chain decodes as the
	/// consent.
	pub fn payload(&self) -> &[u8] {
		&self.payload
	}

	/// `blake2_256` of the payload: how the pallet names the consent in `ConsentUsed`,
	/// `ConsentRevoked` and its revocation list.
	pub fn hash(&self) -> [u8; 32] {
		blake2_256(&self.payload)
	}

	/// The owner.
	pub fn owner(&self) -> &AccountId32 {
		&self.consent.owner
	}

	/// The node's PeerId.
	pub fn peer_id(&self) -> Ed25519PeerId {
		// Checked when the consent was made.
		Ed25519PeerId::from_public_key(raw_peer_key(&self.consent.peer_id))
	}

	/// The node's PeerId as base58 text (the pallet's node id).
	pub fn peer_id_base58(&self) -> String {
		String::from_utf8_lossy(&self.peer_id().to_node_id()).into_owned()
	}

	/// The signature, if the consent is signed.
	pub fn signature(&self) -> Option<&OwnerSignature> {
		self.signature.as_ref()
	}

	/// The signature; [`ConsentError::Unsigned`] when there is none yet.
	pub fn require_signature(&self) -> Result<&OwnerSignature, ConsentError> {
		self.signature.as_ref().ok_or(ConsentError::Unsigned)
	}

	/// Which form of the payload the signature is over (`None`: unsigned).
	pub fn signed_message(&self) -> Option<SignedMessage> {
		self.signature.as_ref().and_then(|s| s.signed_message(&self.payload, &self.consent.owner))
	}

	/// Signs the bare payload with the owner's key (which must be the consent's owner's).
	pub fn sign(&mut self, owner: &OwnerKey) -> Result<(), ConsentError> {
		if owner.account_id() != self.consent.owner {
			return Err(ConsentError::WrongOwnerKey {
				key: owner.ss58(),
				owner: self.consent.owner.to_ss58check(),
			});
		}
		let signature = owner.signer().sign(&self.payload);
		self.signature = Some(OwnerSignature::new(SignatureScheme::Sr25519, signature.0.to_vec())?);
		Ok(())
	}

	/// Attaches a signature made elsewhere, once it verifies as the owner's over the payload,
	/// bare or wrapped; says which.
	pub fn attach(&mut self, signature: OwnerSignature) -> Result<SignedMessage, ConsentError> {
		let form =
			signature.signed_message(&self.payload, &self.consent.owner).ok_or_else(|| {
				ConsentError::BadSignature { owner: self.consent.owner.to_ss58check() }
			})?;
		self.signature = Some(signature);
		Ok(form)
	}

	/// The SCALE encoding of `register_node_with_consent`'s six arguments with `call`'s node
	/// proof (its challenge bound to the consent's owner): `node_type`, the consent, the owner's
	/// `MultiSignature`, `main_public_key`, `main_sig`, `challenge_bytes`.
	pub fn registration_args(&self, call: &RegistrationCall) -> Result<Vec<u8>, ConsentError> {
		let mut out = call.node_type.encode();
		// `Box<OwnerConsent>` encodes as the consent: the payload, exactly.
		out.extend_from_slice(&self.payload);
		out.extend(self.require_signature()?.encode());
		call.main_public_key.to_vec().encode_to(&mut out);
		call.main_sig.to_vec().encode_to(&mut out);
		call.challenge_bytes.encode_to(&mut out);
		Ok(out)
	}

	/// The consent file's JSON (format [`CONSENT_FILE_VERSION`]; `docs/consents-and-rotation.md`
	/// describes it).
	pub fn to_json(&self) -> serde_json::Value {
		let file = ConsentFile {
			kind: CONSENT_FILE_KIND.into(),
			version: CONSENT_FILE_VERSION,
			consent: ConsentFields {
				domain: domain_text(),
				genesis_hash: hex0x(&self.consent.genesis_hash),
				owner: self.consent.owner.to_ss58check(),
				peer_id: self.peer_id_base58(),
				node_type: self.consent.node_type,
				max_fee: self.consent.max_fee.to_string(),
				max_deposit: self.consent.max_deposit.to_string(),
				valid_until: self.consent.valid_until,
				nonce: self.consent.nonce.to_string(),
				may_rotate: self.consent.may_rotate,
			},
			block_number_bits: match self.width {
				BlockNumberWidth::U32 => 32,
				BlockNumberWidth::U64 => 64,
			},
			payload: hex0x(&self.payload),
			consent_hash: Some(hex0x(&self.hash())),
			signature: self.signature.as_ref().map(|s| SignatureField {
				scheme: s.scheme,
				signature: hex0x(&s.bytes),
				signed_message: s.signed_message(&self.payload, &self.consent.owner),
			}),
		};
		serde_json::to_value(file).unwrap_or_default()
	}

	/// A consent file's content, checked: its kind and version, that the payload is the
	/// encoding of the fields, and that the signature (if any) is the owner's.
	pub fn from_json(text: &str) -> Result<Self, ConsentError> {
		let value: serde_json::Value =
			serde_json::from_str(text).map_err(|e| ConsentError::Format(e.to_string()))?;
		if value.get("kind").and_then(|k| k.as_str()) != Some(CONSENT_FILE_KIND) {
			return Err(ConsentError::Format(format!("its kind is not {CONSENT_FILE_KIND:?}")));
		}
		match value.get("version").and_then(|v| v.as_u64()) {
			Some(v) if v == u64::from(CONSENT_FILE_VERSION) => {}
			Some(v) if v > u64::from(CONSENT_FILE_VERSION) => {
				return Err(ConsentError::Version(u32::try_from(v).unwrap_or(u32::MAX)))
			}
			Some(1) => {
				return Err(ConsentError::Format(
					"a version 1 file holds a consent without max_deposit, which the chain no \
					 longer takes: the owner makes a new one (registrar consent)"
						.into(),
				))
			}
			other => return Err(ConsentError::Format(format!("unknown version {other:?}"))),
		}
		let file: ConsentFile =
			serde_json::from_value(value).map_err(|e| ConsentError::Format(e.to_string()))?;
		let fields = file.consent;
		let format = |what: &str| ConsentError::Format(what.to_owned());
		if fields.domain != domain_text() {
			return Err(format("its domain is not HIPPIUS::CONSENT::v2"));
		}
		let peer = Ed25519PeerId::from_base58(fields.peer_id.as_bytes())
			.map_err(|_| format("peer_id is not the base58 PeerId of an acceptable Ed25519 key"))?;
		let consent = OwnerConsent {
			domain: CONSENT_DOMAIN,
			genesis_hash: decode_hex32(&fields.genesis_hash)
				.ok_or_else(|| format("genesis_hash is not 32 bytes of hex"))?,
			owner: crate::keys::parse_account(&fields.owner)
				.map_err(|_| format("owner is not an SS58 or 0x hex account"))?,
			peer_id: peer.to_raw(),
			node_type: fields.node_type,
			max_fee: fields.max_fee.parse().map_err(|_| format("max_fee is not a u128"))?,
			max_deposit: fields
				.max_deposit
				.parse()
				.map_err(|_| format("max_deposit is not a u128"))?,
			valid_until: fields.valid_until,
			nonce: fields.nonce.parse().map_err(|_| format("nonce is not a u64"))?,
			may_rotate: fields.may_rotate,
		};
		let width = match file.block_number_bits {
			32 => BlockNumberWidth::U32,
			64 => BlockNumberWidth::U64,
			_ => return Err(format("block_number_bits is neither 32 nor 64")),
		};
		let mut signed = Self::new(consent, width)?;
		let payload = decode_hex(&file.payload).ok_or_else(|| format("payload is not hex"))?;
		if payload != signed.payload {
			return Err(ConsentError::PayloadMismatch);
		}
		if let Some(signature) = file.signature {
			signed.attach(OwnerSignature::parse(&signature.signature, Some(signature.scheme))?)?;
		}
		Ok(signed)
	}

	/// Reads and checks the consent file at `path` (see [`Self::from_json`]).
	pub fn load(path: &Path) -> Result<Self, ConsentError> {
		let text = std::fs::read_to_string(path)
			.map_err(|source| ConsentError::Io { path: path.display().to_string(), source })?;
		Self::from_json(&text)
	}

	/// Writes the consent file to `path` atomically (a temporary file, then a rename).
	pub fn save(&self, path: &Path) -> Result<(), ConsentError> {
		let io = |source| ConsentError::Io { path: path.display().to_string(), source };
		let text = serde_json::to_string_pretty(&self.to_json())
			.map_err(|e| ConsentError::Format(e.to_string()))?;
		let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned());
		let temporary =
			path.with_file_name(format!(".{}.tmp", file_name.unwrap_or_else(|| "consent".into())));
		std::fs::write(&temporary, format!("{text}\n")).map_err(io)?;
		std::fs::rename(&temporary, path).map_err(io)
	}
}

/// The public key inside a raw Ed25519 PeerId (`00 24 08 01 12 20 ‖ key`).
fn raw_peer_key(raw: &[u8; 38]) -> [u8; 32] {
	let mut key = [0; 32];
	key.copy_from_slice(&raw[6..]);
	key
}

/// The domain as text: `HIPPIUS::CONSENT::v2` (without its zero padding).
fn domain_text() -> String {
	String::from_utf8_lossy(&CONSENT_DOMAIN).trim_end_matches('\0').to_owned()
}

fn hex0x(bytes: &[u8]) -> String {
	format!("0x{}", hex::encode(bytes))
}

fn decode_hex(text: &str) -> Option<Vec<u8>> {
	hex::decode(text.trim().trim_start_matches("0x")).ok()
}

fn decode_hex32(text: &str) -> Option<[u8; 32]> {
	decode_hex(text).and_then(|b| b.try_into().ok())
}

/// The consent file, version 1.
#[derive(Serialize, Deserialize)]
struct ConsentFile {
	kind: String,
	version: u32,
	consent: ConsentFields,
	block_number_bits: u8,
	payload: String,
	#[serde(default, skip_serializing_if = "Option::is_none")]
	consent_hash: Option<String>,
	signature: Option<SignatureField>,
}

#[derive(Serialize, Deserialize)]
struct ConsentFields {
	domain: String,
	genesis_hash: String,
	owner: String,
	peer_id: String,
	node_type: NodeType,
	max_fee: String,
	max_deposit: String,
	valid_until: u64,
	nonce: String,
	may_rotate: bool,
}

#[derive(Serialize, Deserialize)]
struct SignatureField {
	scheme: SignatureScheme,
	signature: String,
	#[serde(default, skip_serializing_if = "Option::is_none")]
	signed_message: Option<SignedMessage>,
}

#[cfg(test)]
mod tests {
	use super::*;
	use codec::Decode;
	use sp_core::Pair as _;

	fn alice() -> OwnerKey {
		OwnerKey::from_suri(&crate::secret::SecretText::new("//Alice".into())).unwrap()
	}

	/// RFC 8032 test key 1 (the contract's vector node key).
	fn node() -> crate::keys::NodeKey {
		crate::keys::NodeKey::from_hex(
			"9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
		)
		.unwrap()
	}

	fn terms(owner: AccountId32) -> ConsentTerms {
		ConsentTerms {
			owner,
			peer_id: node().peer_id(),
			node_type: NodeType::ComputeMiner,
			max_fee: 0x0102_0304_0506_0708_090a_0b0c_0d0e_0f10,
			max_deposit: 0x2122_2324_2526_2728_292a_2b2c_2d2e_2f30,
			nonce: 0x1122_3344_5566_7788,
			may_rotate: true,
		}
	}

	fn unsigned(owner: AccountId32, width: BlockNumberWidth) -> SignedConsent {
		SignedConsent::new(terms(owner).consent([0x45; 32], 0x0a0b_0c0d), width).unwrap()
	}

	#[test]
	fn the_payload_is_the_pallets_owner_consent_byte_for_byte() {
		let owner = alice().account_id();
		let consent = unsigned(owner.clone(), BlockNumberWidth::U64);
		// The layout written out by hand: domain, genesis hash, owner, raw PeerId, node type,
		// max_fee (u128 LE), max_deposit (u128 LE), valid_until (u64 LE), nonce (u64 LE),
		// may_rotate.
		let mut expected = b"HIPPIUS::CONSENT::v2\0\0\0\0".to_vec();
		expected.extend([0x45; 32]);
		expected.extend(<AccountId32 as AsRef<[u8; 32]>>::as_ref(&owner));
		expected.extend(
			hex::decode(
				"002408011220d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
			)
			.unwrap(),
		);
		expected.push(3); // ComputeMiner
		expected.extend(0x0102_0304_0506_0708_090a_0b0c_0d0e_0f10u128.to_le_bytes());
		expected.extend(0x2122_2324_2526_2728_292a_2b2c_2d2e_2f30u128.to_le_bytes());
		expected.extend(0x0a0b_0c0du64.to_le_bytes());
		expected.extend(0x1122_3344_5566_7788u64.to_le_bytes());
		expected.push(1);
		assert_eq!(expected.len(), 176);
		assert_eq!(consent.payload(), expected.as_slice());
		let decoded =
			OwnerConsent::<AccountId32, u128, u64>::decode(&mut consent.payload()).unwrap();
		assert_eq!(&decoded, consent.consent());
		// 32-bit block numbers: valid_until takes 4 bytes.
		let narrow = unsigned(owner, BlockNumberWidth::U32);
		assert_eq!(narrow.payload().len(), 172);
		assert_eq!(&narrow.payload()[..159], &expected[..159]);
		assert_eq!(&narrow.payload()[163..], &expected[167..]);
		assert_eq!(&narrow.payload()[159..163], &0x0a0b_0c0du32.to_le_bytes());
		let too_far = terms(alice().account_id()).consent([0; 32], u64::from(u32::MAX) + 1);
		assert!(matches!(
			SignedConsent::new(too_far, BlockNumberWidth::U32),
			Err(ConsentError::BlockNumberTooLarge(_))
		));
		assert_eq!(consent.hash(), blake2_256(&expected));
		assert_eq!(
			consent.peer_id_base58(),
			"12D3KooWQK1wnefoLrcVHbbnf5tLzbopUd3K3bFAoJpA7YJgL5pV"
		);
	}

	#[test]
	fn signed_by_the_owner_key_bare_and_refused_for_another_key() {
		let mut consent = unsigned(alice().account_id(), BlockNumberWidth::U64);
		assert!(matches!(consent.require_signature(), Err(ConsentError::Unsigned)));
		let bob = OwnerKey::from_suri(&crate::secret::SecretText::new("//Bob".into())).unwrap();
		assert!(matches!(consent.sign(&bob), Err(ConsentError::WrongOwnerKey { .. })));
		consent.sign(&alice()).unwrap();
		let signature = consent.require_signature().unwrap();
		assert_eq!(signature.scheme(), SignatureScheme::Sr25519);
		assert!(signature.verifies(consent.payload(), &alice().account_id()));
		assert_eq!(consent.signed_message(), Some(SignedMessage::Bare));
		// The MultiSignature encoding: variant 1 (Sr25519), then the 64 bytes.
		let encoded = signature.encode();
		assert_eq!(encoded[0], 1);
		let multi = subxt::utils::MultiSignature::decode(&mut &encoded[..]).unwrap();
		assert!(matches!(multi, subxt::utils::MultiSignature::Sr25519(s) if s[..] == encoded[1..]));
	}

	#[test]
	fn signatures_made_elsewhere_are_attached_in_every_scheme_bare_or_wrapped() {
		// sr25519 over <Bytes>payload</Bytes>, as the polkadot.js extension and apps sign.
		let pair = sp_core::sr25519::Pair::from_string("//Charlie", None).unwrap();
		let mut consent = unsigned(AccountId32::from(pair.public().0), BlockNumberWidth::U64);
		let wrapped_sig = pair.sign(&wrapped(consent.payload()));
		let form =
			consent.attach(OwnerSignature::parse(&hex0x(&wrapped_sig.0), None).unwrap()).unwrap();
		assert_eq!(form, SignedMessage::Wrapped);
		assert_eq!(consent.signed_message(), Some(SignedMessage::Wrapped));
		// ed25519: the account is the public key (subkey sign --scheme ed25519 --hex).
		let pair = sp_core::ed25519::Pair::from_string("//Dave", None).unwrap();
		let mut consent = unsigned(AccountId32::from(pair.public().0), BlockNumberWidth::U64);
		let sig = pair.sign(consent.payload());
		// Without --scheme it would be read as sr25519, and not verify.
		let as_sr = OwnerSignature::parse(&hex0x(&sig.0), None).unwrap();
		assert!(matches!(consent.attach(as_sr), Err(ConsentError::BadSignature { .. })));
		let as_ed = OwnerSignature::parse(&hex0x(&sig.0), Some(SignatureScheme::Ed25519)).unwrap();
		assert_eq!(consent.attach(as_ed).unwrap(), SignedMessage::Bare);
		// ecdsa: the account is blake2_256 of the compressed public key; the recovery id may be
		// 0/1 or 27/28.
		let pair = sp_core::ecdsa::Pair::from_string("//Eve", None).unwrap();
		let account = AccountId32::from(blake2_256(pair.public().as_ref()));
		let mut consent = unsigned(account, BlockNumberWidth::U64);
		let mut sig = pair.sign(consent.payload()).0;
		assert_eq!(
			consent.attach(OwnerSignature::parse(&hex0x(&sig), None).unwrap()).unwrap(),
			SignedMessage::Bare
		);
		sig[64] += 27;
		let high_v = OwnerSignature::new(SignatureScheme::Ecdsa, sig.to_vec()).unwrap();
		assert!(high_v.verifies(consent.payload(), consent.owner()));
		// Not the owner's: refused, and the consent keeps its signature.
		let stranger = sp_core::sr25519::Pair::from_string("//Ferdie", None).unwrap();
		let foreign = stranger.sign(consent.payload());
		let foreign = OwnerSignature::new(SignatureScheme::Sr25519, foreign.0.to_vec()).unwrap();
		assert!(matches!(consent.attach(foreign), Err(ConsentError::BadSignature { .. })));
		assert!(consent.signature().is_some());
	}

	#[test]
	fn signatures_parse_bare_or_as_a_scale_multi_signature() {
		let sixty_four = format!("0x{}", "11".repeat(64));
		assert_eq!(
			OwnerSignature::parse(&sixty_four, None).unwrap().scheme(),
			SignatureScheme::Sr25519
		);
		let typed_ed = format!("0x00{}", "11".repeat(64));
		let parsed = OwnerSignature::parse(&typed_ed, None).unwrap();
		assert_eq!((parsed.scheme(), parsed.bytes().len()), (SignatureScheme::Ed25519, 64));
		assert_eq!(parsed.encode(), hex::decode(&typed_ed[2..]).unwrap());
		let typed_ecdsa = format!("02{}", "22".repeat(65));
		assert_eq!(
			OwnerSignature::parse(&typed_ecdsa, None).unwrap().scheme(),
			SignatureScheme::Ecdsa
		);
		// 65 bytes: an ecdsa signature unless it reads as a MultiSignature.
		let bare_ecdsa = format!("{}1b", "33".repeat(64));
		assert_eq!(
			OwnerSignature::parse(&bare_ecdsa, None).unwrap().scheme(),
			SignatureScheme::Ecdsa
		);
		let with_scheme =
			OwnerSignature::parse(&format!("01{}", "11".repeat(64)), Some(SignatureScheme::Ecdsa));
		assert_eq!(with_scheme.unwrap().bytes().len(), 65);
		// A MultiSignature of another scheme than the one given, bad lengths, not hex.
		assert!(OwnerSignature::parse(&typed_ed, Some(SignatureScheme::Sr25519)).is_err());
		assert!(OwnerSignature::parse(&sixty_four, Some(SignatureScheme::Ecdsa)).is_err());
		assert!(OwnerSignature::parse(&format!("05{}", "11".repeat(65)), None).is_err());
		assert!(OwnerSignature::parse("0x1234", None).is_err());
		assert!(OwnerSignature::parse("zz", None).is_err());
	}

	#[test]
	fn the_consent_file_round_trips_and_refuses_edits() {
		let mut consent = unsigned(alice().account_id(), BlockNumberWidth::U64);
		let unsigned_json = consent.to_json();
		assert_eq!(unsigned_json["signature"], serde_json::Value::Null);
		assert_eq!(SignedConsent::from_json(&unsigned_json.to_string()).unwrap(), consent);
		consent.sign(&alice()).unwrap();
		let json = consent.to_json();
		// The documented shape: big numbers as decimal strings, bytes as 0x hex.
		assert_eq!(json["kind"], CONSENT_FILE_KIND);
		assert_eq!(json["version"], 2);
		assert_eq!(json["block_number_bits"], 64);
		assert_eq!(json["consent"]["domain"], "HIPPIUS::CONSENT::v2");
		assert_eq!(json["consent"]["owner"], alice().ss58());
		assert_eq!(json["consent"]["node_type"], "ComputeMiner");
		assert_eq!(json["consent"]["max_fee"], "1339673755198158349044581307228491536");
		assert_eq!(json["consent"]["max_deposit"], "44041774702139455724840610475136659248");
		assert_eq!(json["consent"]["nonce"], "1234605616436508552");
		assert_eq!(json["consent"]["valid_until"], 0x0a0b_0c0d);
		assert_eq!(json["consent"]["may_rotate"], true);
		assert_eq!(json["payload"], hex0x(consent.payload()));
		assert_eq!(json["consent_hash"], hex0x(&consent.hash()));
		assert_eq!(json["signature"]["scheme"], "sr25519");
		assert_eq!(json["signature"]["signed_message"], "bare");
		assert_eq!(SignedConsent::from_json(&json.to_string()).unwrap(), consent);
		// Saved and loaded through a file.
		let dir = tempfile::tempdir().unwrap();
		let path = dir.path().join("consent.json");
		consent.save(&path).unwrap();
		assert_eq!(SignedConsent::load(&path).unwrap(), consent);
		assert!(std::fs::read_dir(dir.path()).unwrap().count() == 1, "no temporary file left");

		let edited = |edit: &dyn Fn(&mut serde_json::Value)| {
			let mut value = json.clone();
			edit(&mut value);
			SignedConsent::from_json(&value.to_string())
		};
		// A field changed without the payload, or the payload without the fields.
		let raised = edited(&|v| v["consent"]["max_fee"] = "999".into());
		assert!(matches!(raised, Err(ConsentError::PayloadMismatch)), "{raised:?}");
		let mut other_payload = consent.payload().to_vec();
		other_payload[159] = 0;
		let payload = edited(&|v| v["payload"] = hex0x(&other_payload).into());
		assert!(matches!(payload, Err(ConsentError::PayloadMismatch)));
		// Both changed consistently: the signature no longer verifies.
		let mut cheaper = consent.clone();
		cheaper.consent.max_fee = 1;
		cheaper.payload = consent_bytes(&cheaper.consent, BlockNumberWidth::U64).unwrap();
		let forged = cheaper.to_json();
		assert!(matches!(
			SignedConsent::from_json(&forged.to_string()),
			Err(ConsentError::BadSignature { .. })
		));
		assert!(matches!(edited(&|v| v["version"] = 3.into()), Err(ConsentError::Version(3))));
		assert!(matches!(edited(&|v| v["kind"] = "x".into()), Err(ConsentError::Format(_))));
		assert!(matches!(
			edited(&|v| v["block_number_bits"] = 16.into()),
			Err(ConsentError::Format(_))
		));
		assert!(matches!(
			edited(&|v| v["consent"]["domain"] = "X".into()),
			Err(ConsentError::Format(_))
		));
		assert!(matches!(
			edited(&|v| v["consent"]["peer_id"] = "12D3".into()),
			Err(ConsentError::Format(_))
		));
		assert!(SignedConsent::from_json("not json").is_err());
	}

	#[test]
	fn registration_arguments_are_the_calls_six_in_order() {
		let mut consent = unsigned(alice().account_id(), BlockNumberWidth::U64);
		let inputs = crate::challenge::ChallengeInputs::fresh([0x45; 32], 10, 20);
		let call = RegistrationCall::new(
			&node(),
			&alice().account_id(),
			NodeType::ComputeMiner,
			false,
			inputs,
			BlockNumberWidth::U64,
		)
		.unwrap();
		assert!(matches!(consent.registration_args(&call), Err(ConsentError::Unsigned)));
		consent.sign(&alice()).unwrap();
		let args = consent.registration_args(&call).unwrap();
		let mut input = &args[..];
		assert_eq!(NodeType::decode(&mut input).unwrap(), NodeType::ComputeMiner);
		assert_eq!(
			&OwnerConsent::<AccountId32, u128, u64>::decode(&mut input).unwrap(),
			consent.consent()
		);
		let signature = subxt::utils::MultiSignature::decode(&mut input).unwrap();
		assert_eq!(signature.encode(), consent.require_signature().unwrap().encode());
		assert_eq!(Vec::<u8>::decode(&mut input).unwrap(), call.main_public_key.to_vec());
		assert_eq!(Vec::<u8>::decode(&mut input).unwrap(), call.main_sig.to_vec());
		assert_eq!(Vec::<u8>::decode(&mut input).unwrap(), call.challenge_bytes);
		assert!(input.is_empty());
	}

	#[test]
	fn terms_match_only_their_own_consent() {
		let terms = terms(alice().account_id());
		let consent = terms.consent([1; 32], 50);
		assert!(terms.matches(&consent));
		assert!(!ConsentTerms { may_rotate: false, ..terms.clone() }.matches(&consent));
		assert!(!ConsentTerms { max_fee: 1, ..terms.clone() }.matches(&consent));
		assert!(!terms.matches(&OwnerConsent { domain: [0; 24], ..consent }));
	}

	#[test]
	fn a_peer_id_list_skips_comments_and_refuses_bad_lines_by_number() {
		let a = crate::keys::NodeKey::from_seed(&[1; 32]).peer_id_base58();
		let b = crate::keys::NodeKey::from_seed(&[2; 32]).peer_id_base58();
		let list = format!("# the fleet\n\n  {a}  \r\n{b} # rack 2\n   # spare\n");
		let peers = parse_peer_id_list(&list).unwrap();
		let names: Vec<_> =
			peers.iter().map(|p| String::from_utf8(p.to_node_id().into_inner()).unwrap()).collect();
		assert_eq!(names, [a.clone(), b.clone()]);
		// Not a PeerId: its line, and what it held.
		assert_eq!(
			parse_peer_id_list(&format!("{a}\n\nQmNotAPeer # x\n{b}")),
			Err(PeerIdListError::Invalid { line: 3, text: "QmNotAPeer".into() })
		);
		// Two on one line are not one PeerId.
		assert!(matches!(
			parse_peer_id_list(&format!("{a} {b}")),
			Err(PeerIdListError::Invalid { line: 1, .. })
		));
		// A PeerId of another key type (secp256k1) is refused as the pallet refuses it.
		let secp = libp2p_identity::Keypair::generate_secp256k1().public().to_peer_id();
		assert!(matches!(
			parse_peer_id_list(&secp.to_base58()),
			Err(PeerIdListError::Invalid { line: 1, .. })
		));
		// A long line is cut in the message.
		let long = "x".repeat(500);
		let Err(PeerIdListError::Invalid { text, .. }) = parse_peer_id_list(&long) else {
			panic!("refused")
		};
		assert_eq!(text.len(), 64);
		// A duplicate: both lines.
		let twice = parse_peer_id_list(&format!("{a}\n{b}\n# again:\n{a} # dup")).unwrap_err();
		assert_eq!(twice, PeerIdListError::Duplicate { line: 4, first: 1, peer_id: a.clone() });
		assert_eq!(twice.to_string(), format!("line 4: {a} is listed already, on line 1"));
		// Nothing listed.
		assert_eq!(parse_peer_id_list("# none\n\n"), Err(PeerIdListError::Empty));
		assert_eq!(parse_peer_id_list(""), Err(PeerIdListError::Empty));
	}
}
