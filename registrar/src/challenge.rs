//! The registration challenge and the arguments of `register_node_with_coldkey`.
//!
//! The challenge is the pallet crate's own [`RegisterChallenge`] (never a second definition),
//! SCALE-encoded with the chain's block number width, and signed with the node key.

use crate::{facts::BlockNumberWidth, keys::NodeKey};
use codec::Encode;
use pallet_registration::{Libp2pKeyType, NodeType, RegisterChallenge, REGISTER_DOMAIN};
use serde::Serialize;
use sp_core::{
	crypto::{AccountId32, Ss58Codec},
	H256,
};
use sp_crypto_hashing::blake2_256;

/// The call index of `register_node_with_coldkey` in the pallet (fixed by the contract).
pub const REGISTER_CALL_INDEX: u8 = 1;

/// The pallet index of `Registration` in the development runtime (used offline only; online,
/// it comes from the chain's metadata).
pub const DEV_PALLET_INDEX: u8 = 7;

/// Why a challenge or call could not be built.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ChallengeError {
	/// A block number does not fit the chain's width.
	#[error("block number {0} does not fit in 32 bits")]
	BlockNumberTooLarge(u64),
	/// `expires_at` is before `block_number`.
	#[error("expires_at {expires_at} is before block_number {block_number}")]
	ExpiresBeforeBlock {
		/// The challenge's block.
		block_number: u64,
		/// Its expiry.
		expires_at: u64,
	},
}

/// What the chain contributes to a challenge, plus the client's nonce.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChallengeInputs {
	/// `System::BlockHash(0)` of the chain.
	pub genesis_hash: [u8; 32],
	/// The current block (at most the block the transaction executes in).
	pub block_number: u64,
	/// The last block in which the challenge is accepted.
	pub expires_at: u64,
	/// Client randomness, so that no two challenges hash alike.
	pub nonce: [u8; 32],
}

impl ChallengeInputs {
	/// Inputs valid for `lifetime` blocks from `block_number`, with a random nonce.
	pub fn fresh(genesis_hash: [u8; 32], block_number: u64, lifetime: u64) -> Self {
		Self {
			genesis_hash,
			block_number,
			expires_at: block_number.saturating_add(lifetime),
			nonce: rand::random(),
		}
	}
}

/// The SCALE bytes of the pallet's `RegisterChallenge` for `owner` and the node of `node_key`.
pub fn challenge_bytes(
	owner: &AccountId32,
	node_key: &NodeKey,
	inputs: &ChallengeInputs,
	width: BlockNumberWidth,
) -> Result<Vec<u8>, ChallengeError> {
	if inputs.expires_at < inputs.block_number {
		return Err(ChallengeError::ExpiresBeforeBlock {
			block_number: inputs.block_number,
			expires_at: inputs.expires_at,
		});
	}
	let node_id_hash = H256(blake2_256(&node_key.peer_id_raw()));
	let ipfs_peer_id_hash = H256(blake2_256(b""));
	Ok(match width {
		BlockNumberWidth::U64 => RegisterChallenge::<AccountId32, u64> {
			domain: REGISTER_DOMAIN,
			genesis_hash: inputs.genesis_hash,
			account: owner.clone(),
			node_id_hash,
			ipfs_peer_id_hash,
			block_number: inputs.block_number,
			nonce: inputs.nonce,
			expires_at: inputs.expires_at,
		}
		.encode(),
		BlockNumberWidth::U32 => {
			let narrow =
				|n: u64| u32::try_from(n).map_err(|_| ChallengeError::BlockNumberTooLarge(n));
			RegisterChallenge::<AccountId32, u32> {
				domain: REGISTER_DOMAIN,
				genesis_hash: inputs.genesis_hash,
				account: owner.clone(),
				node_id_hash,
				ipfs_peer_id_hash,
				block_number: narrow(inputs.block_number)?,
				nonce: inputs.nonce,
				expires_at: narrow(inputs.expires_at)?,
			}
			.encode()
		}
	})
}

/// Every argument of `register_node_with_coldkey`, in the contract's order, signed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegistrationCall {
	/// `node_type`.
	pub node_type: NodeType,
	/// `node_id`: the PeerId's base58 text as bytes (what the reference SDK sends).
	pub node_id: Vec<u8>,
	/// `pay_in_credits`.
	pub pay_in_credits: bool,
	/// `owner`.
	pub owner: AccountId32,
	/// `main_key_type`: always Ed25519.
	pub main_key_type: Libp2pKeyType,
	/// `main_public_key`: the node's Ed25519 public key.
	pub main_public_key: [u8; 32],
	/// `main_sig`: the node key's signature over `challenge_bytes`.
	pub main_sig: [u8; 64],
	/// `challenge_bytes`: the SCALE-encoded `RegisterChallenge`.
	pub challenge_bytes: Vec<u8>,
	/// `node_id_hex`: the raw 38-byte PeerId (not hex text, despite the name).
	pub node_id_hex: [u8; 38],
	/// The inputs the challenge was built from.
	pub inputs: ChallengeInputs,
	/// The block number width the challenge was encoded with.
	pub width: BlockNumberWidth,
}

impl RegistrationCall {
	/// Builds and signs the challenge for `owner` and `node_key`.
	pub fn new(
		node_key: &NodeKey,
		owner: &AccountId32,
		node_type: NodeType,
		pay_in_credits: bool,
		inputs: ChallengeInputs,
		width: BlockNumberWidth,
	) -> Result<Self, ChallengeError> {
		let challenge_bytes = challenge_bytes(owner, node_key, &inputs, width)?;
		Ok(Self {
			node_type,
			node_id: node_key.peer_id_base58().into_bytes(),
			pay_in_credits,
			owner: owner.clone(),
			main_key_type: Libp2pKeyType::Ed25519,
			main_public_key: node_key.public_key(),
			main_sig: node_key.sign(&challenge_bytes),
			challenge_bytes,
			node_id_hex: node_key.peer_id_raw(),
			inputs,
			width,
		})
	}

	/// The SCALE encoding of the nine arguments, in order (what follows the call's two index
	/// bytes in the call data).
	pub fn encode_args(&self) -> Vec<u8> {
		let mut out = Vec::new();
		self.node_type.encode_to(&mut out);
		self.node_id.encode_to(&mut out);
		self.pay_in_credits.encode_to(&mut out);
		self.owner.encode_to(&mut out);
		self.main_key_type.encode_to(&mut out);
		self.main_public_key.to_vec().encode_to(&mut out);
		self.main_sig.to_vec().encode_to(&mut out);
		self.challenge_bytes.encode_to(&mut out);
		self.node_id_hex.to_vec().encode_to(&mut out);
		out
	}

	/// The full call data for a runtime where the pallet has index `pallet_index`.
	pub fn call_data(&self, pallet_index: u8) -> Vec<u8> {
		let mut out = vec![pallet_index, REGISTER_CALL_INDEX];
		out.extend(self.encode_args());
		out
	}

	/// What `registrar sign` prints: the call data for polkadot.js apps' Decode tab first, then
	/// the nine parameters in the call's order (byte arguments as `0x` hex, the owner as SS58,
	/// enums by variant name) for its form, then what the challenge was built from.
	pub fn shown(&self, pallet_index: u8) -> SignedCall {
		let hex0x = |bytes: &[u8]| format!("0x{}", hex::encode(bytes));
		SignedCall {
			pallet: "registration",
			call: "registerNodeWithColdkey",
			call_data: hex0x(&self.call_data(pallet_index)),
			in_apps: format!(
				"polkadot.js apps, Developer > Extrinsics > Decode: paste callData, then submit it \
				 signed by the owner ({}) before block {}. Apps cannot make mainSig, the node key's \
				 signature: it is made here, and the call data already holds it",
				self.owner.to_ss58check(),
				self.inputs.expires_at
			),
			args: CallArgs {
				node_type: format!("{:?}", self.node_type),
				node_id: hex0x(&self.node_id),
				pay_in_credits: self.pay_in_credits,
				owner: self.owner.to_ss58check(),
				main_key_type: format!("{:?}", self.main_key_type),
				main_public_key: hex0x(&self.main_public_key),
				main_sig: hex0x(&self.main_sig),
				challenge_bytes: hex0x(&self.challenge_bytes),
				node_id_hex: hex0x(&self.node_id_hex),
			},
			pallet_index,
			peer_id: String::from_utf8_lossy(&self.node_id).into_owned(),
			challenge: ChallengeShown {
				genesis_hash: hex0x(&self.inputs.genesis_hash),
				block_number: self.inputs.block_number,
				expires_at: self.inputs.expires_at,
				nonce: hex0x(&self.inputs.nonce),
				block_number_bits: match self.width {
					BlockNumberWidth::U32 => 32,
					BlockNumberWidth::U64 => 64,
				},
				length: self.challenge_bytes.len(),
			},
		}
	}

	/// [`Self::shown`] as a JSON value (whose object keys no longer keep the call's order: print
	/// the [`SignedCall`] itself to keep it).
	pub fn to_json(&self, pallet_index: u8) -> serde_json::Value {
		serde_json::to_value(self.shown(pallet_index)).unwrap_or_default()
	}
}

/// `register_node_with_coldkey`'s call as `registrar sign` prints it; its fields serialize in
/// this order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SignedCall {
	/// `registration`.
	pub pallet: &'static str,
	/// `registerNodeWithColdkey`.
	pub call: &'static str,
	/// The call data: the pallet's index, the call's, then the nine arguments.
	pub call_data: String,
	/// How to submit it with polkadot.js apps.
	pub in_apps: String,
	/// The nine parameters, in the call's order.
	pub args: CallArgs,
	/// The pallet's index in the runtime.
	pub pallet_index: u8,
	/// The node's PeerId.
	pub peer_id: String,
	/// What the challenge was built from.
	pub challenge: ChallengeShown,
}

/// `register_node_with_coldkey`'s nine parameters, in the call's order (the order of polkadot.js
/// apps' form); they serialize in this order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CallArgs {
	/// `node_type`, by variant name.
	pub node_type: String,
	/// `node_id`: the PeerId's base58 text, as `0x` hex bytes.
	pub node_id: String,
	/// `pay_in_credits`.
	pub pay_in_credits: bool,
	/// `owner`, SS58.
	pub owner: String,
	/// `main_key_type`, by variant name.
	pub main_key_type: String,
	/// `main_public_key`, `0x` hex.
	pub main_public_key: String,
	/// `main_sig`, `0x` hex.
	pub main_sig: String,
	/// `challenge_bytes`, `0x` hex.
	pub challenge_bytes: String,
	/// `node_id_hex`: the raw PeerId, `0x` hex.
	pub node_id_hex: String,
}

/// What a challenge was built from, as `registrar sign` prints it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ChallengeShown {
	/// The chain's genesis hash.
	pub genesis_hash: String,
	/// The challenge's block.
	pub block_number: u64,
	/// The last block it is accepted in.
	pub expires_at: u64,
	/// Its nonce.
	pub nonce: String,
	/// 32 or 64.
	pub block_number_bits: u8,
	/// Its length in bytes.
	pub length: usize,
}

#[cfg(test)]
mod tests {
	use super::*;
	use codec::Decode;
	use ed25519_dalek::{Signature, Verifier, VerifyingKey};

	/// The contract's vectors: the repository's one copy (`spec/vectors.json`), also read by
	/// the pallet's tests and the JS end-to-end tests.
	fn vectors() -> serde_json::Value {
		serde_json::from_str(include_str!("../../spec/vectors.json")).unwrap()
	}

	fn text(name: &str) -> String {
		vectors()[name].as_str().unwrap().to_owned()
	}

	fn bytes32(name: &str) -> [u8; 32] {
		hex::decode(text(name)).unwrap().try_into().unwrap()
	}

	fn vector_inputs() -> ChallengeInputs {
		let v = vectors();
		ChallengeInputs {
			genesis_hash: bytes32("genesis_hash"),
			block_number: v["block_number"].as_u64().unwrap(),
			expires_at: v["expires_at"].as_u64().unwrap(),
			nonce: bytes32("nonce"),
		}
	}

	fn alice() -> AccountId32 {
		AccountId32::new(bytes32("owner_account"))
	}

	#[test]
	fn matches_the_contract_vectors_for_both_widths() {
		let key = NodeKey::from_hex(&text("node_seed")).unwrap();
		let cases = vectors()["cases"].as_array().unwrap().clone();
		assert_eq!(cases.len(), 2);
		for case in cases {
			let width = match case["block_number_type"].as_str().unwrap() {
				"u64" => BlockNumberWidth::U64,
				"u32" => BlockNumberWidth::U32,
				other => panic!("unknown block number type {other}"),
			};
			let bytes = case["challenge_bytes"].as_str().unwrap();
			let sig = case["signature"].as_str().unwrap();
			let call = RegistrationCall::new(
				&key,
				&alice(),
				NodeType::StorageMiner,
				false,
				vector_inputs(),
				width,
			)
			.unwrap();
			assert_eq!(hex::encode(&call.challenge_bytes), bytes, "{width:?}");
			assert_eq!(call.challenge_bytes.len() as u64, case["length"].as_u64().unwrap());
			assert_eq!(hex::encode(call.main_sig), sig, "{width:?}");
			assert_eq!(hex::encode(call.node_id_hex), text("node_id_hex"));
			assert_eq!(call.node_id, text("peer_id_base58").into_bytes());
		}
	}

	#[test]
	fn signature_verifies_and_challenge_decodes_as_the_pallet_type() {
		let key = NodeKey::from_seed(&[9; 32]);
		let inputs = ChallengeInputs::fresh([1; 32], 5, 20);
		assert_eq!(inputs.expires_at, 25);
		let call = RegistrationCall::new(
			&key,
			&alice(),
			NodeType::Validator,
			true,
			inputs,
			Default::default(),
		)
		.unwrap();
		assert_eq!(call.challenge_bytes.len(), 200);
		let decoded =
			RegisterChallenge::<AccountId32, u64>::decode(&mut &call.challenge_bytes[..]).unwrap();
		assert_eq!(decoded.account, alice());
		assert_eq!(decoded.nonce, inputs.nonce);
		assert_eq!(decoded.node_id_hash, H256(blake2_256(&key.peer_id_raw())));
		let public = VerifyingKey::from_bytes(&call.main_public_key).unwrap();
		public.verify(&call.challenge_bytes, &Signature::from_bytes(&call.main_sig)).unwrap();
		assert!(call.node_id.starts_with(b"12D3KooW"));
		assert_eq!(&call.node_id_hex[..6], &[0x00, 0x24, 0x08, 0x01, 0x12, 0x20]);
	}

	#[test]
	fn call_data_is_pallet_call_then_the_nine_arguments() {
		let key = NodeKey::from_hex(&text("node_seed")).unwrap();
		let call = RegistrationCall::new(
			&key,
			&alice(),
			NodeType::StorageMiner,
			false,
			vector_inputs(),
			BlockNumberWidth::U64,
		)
		.unwrap();
		let data = call.call_data(7);
		assert_eq!(&data[..2], &[7, 1]);
		let mut input = &data[2..];
		assert_eq!(NodeType::decode(&mut input).unwrap(), NodeType::StorageMiner);
		assert_eq!(Vec::<u8>::decode(&mut input).unwrap(), call.node_id);
		assert!(!bool::decode(&mut input).unwrap());
		assert_eq!(AccountId32::decode(&mut input).unwrap(), alice());
		assert_eq!(Libp2pKeyType::decode(&mut input).unwrap(), Libp2pKeyType::Ed25519);
		assert_eq!(Vec::<u8>::decode(&mut input).unwrap(), call.main_public_key.to_vec());
		assert_eq!(Vec::<u8>::decode(&mut input).unwrap(), call.main_sig.to_vec());
		assert_eq!(Vec::<u8>::decode(&mut input).unwrap(), call.challenge_bytes);
		assert_eq!(Vec::<u8>::decode(&mut input).unwrap(), call.node_id_hex.to_vec());
		assert!(input.is_empty());
		let json = call.to_json(7);
		assert_eq!(json["args"]["owner"], text("owner_ss58"));
		assert_eq!(json["args"]["nodeType"], "StorageMiner");
		assert_eq!(json["challenge"]["length"], 200);
		// Printed, the parameters keep the call's order (polkadot.js apps' form), after the
		// call data for its Decode tab.
		let text = serde_json::to_string_pretty(&call.shown(7)).unwrap();
		let at = |key: &str| text.find(&format!("\"{key}\":")).unwrap_or_else(|| panic!("{key}"));
		let order = [
			"callData",
			"args",
			"nodeType",
			"nodeId",
			"payInCredits",
			"owner",
			"mainKeyType",
			"mainPublicKey",
			"mainSig",
			"challengeBytes",
			"nodeIdHex",
		];
		assert!(order.windows(2).all(|pair| at(pair[0]) < at(pair[1])), "{text}");
		assert!(json["inApps"].as_str().unwrap().contains("cannot make mainSig"));
	}

	#[test]
	fn rejects_inputs_the_chain_would_refuse() {
		let key = NodeKey::from_seed(&[1; 32]);
		let mut inputs = vector_inputs();
		inputs.block_number = u64::from(u32::MAX) + 1;
		inputs.expires_at = inputs.block_number + 1;
		assert_eq!(
			challenge_bytes(&alice(), &key, &inputs, BlockNumberWidth::U32),
			Err(ChallengeError::BlockNumberTooLarge(inputs.block_number))
		);
		let mut backwards = vector_inputs();
		backwards.expires_at = 99;
		assert!(challenge_bytes(&alice(), &key, &backwards, BlockNumberWidth::U64).is_err());
	}
}
