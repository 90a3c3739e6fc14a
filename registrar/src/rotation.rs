//! Key rotation: the arguments of `rotate_node_key`, which moves a registered node to a new
//! libp2p key.
//!
//! Both keys sign: the new key signs a registration challenge bound to the owner and the new
//! PeerId (the pallet's own [`pallet_registration::RegisterChallenge`], as at registration), and
//! the old key signs the pallet's own [`KeyRotation`] statement naming this chain, the owner,
//! both PeerIds and `blake2_256` of that challenge.

use crate::{
	challenge::{challenge_bytes, ChallengeError, ChallengeInputs},
	consent::{ConsentError, SignedConsent},
	facts::BlockNumberWidth,
	keys::NodeKey,
};
use codec::Encode;
use pallet_registration::{KeyRotation, ROTATE_DOMAIN};
use sp_core::{crypto::AccountId32, H256};
use sp_crypto_hashing::blake2_256;

/// A rotation statement with the registrar's account type.
pub type Rotation = KeyRotation<AccountId32>;

/// Every argument of `rotate_node_key` but the optional consent, signed by both keys.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RotationCall {
	/// `node_id`: the node's current id (base58 PeerId text).
	pub node_id: Vec<u8>,
	/// `new_public_key`: the new Ed25519 key.
	pub new_public_key: [u8; 32],
	/// `new_key_sig`: the new key's signature over `challenge_bytes`.
	pub new_key_sig: [u8; 64],
	/// `challenge_bytes`: a `RegisterChallenge` for the owner and the new PeerId.
	pub challenge_bytes: Vec<u8>,
	/// `rotation`: the statement the old key signs.
	pub rotation: Rotation,
	/// `old_key_sig`: the old key's signature over the statement's encoding.
	pub old_key_sig: [u8; 64],
	/// The new node id (base58 PeerId text).
	pub new_node_id: Vec<u8>,
	/// The inputs the challenge was built from.
	pub inputs: ChallengeInputs,
}

impl RotationCall {
	/// Builds and signs the rotation of `old_key`'s node of `owner` to `new_key`, with a
	/// challenge from `inputs` encoded in `width`.
	pub fn new(
		old_key: &NodeKey,
		new_key: &NodeKey,
		owner: &AccountId32,
		inputs: ChallengeInputs,
		width: BlockNumberWidth,
	) -> Result<Self, ChallengeError> {
		let challenge_bytes = challenge_bytes(owner, new_key, &inputs, width)?;
		let rotation = KeyRotation {
			domain: ROTATE_DOMAIN,
			genesis_hash: inputs.genesis_hash,
			owner: owner.clone(),
			old_peer_id: old_key.peer_id_raw(),
			new_peer_id: new_key.peer_id_raw(),
			challenge_hash: H256(blake2_256(&challenge_bytes)),
		};
		Ok(Self {
			node_id: old_key.peer_id_base58().into_bytes(),
			new_public_key: new_key.public_key(),
			new_key_sig: new_key.sign(&challenge_bytes),
			old_key_sig: old_key.sign(&rotation.encode()),
			challenge_bytes,
			rotation,
			new_node_id: new_key.peer_id_base58().into_bytes(),
			inputs,
		})
	}

	/// The statement's SCALE encoding: what the old key signed.
	pub fn rotation_bytes(&self) -> Vec<u8> {
		self.rotation.encode()
	}

	/// The SCALE encoding of the seven arguments, in order, with `consent` (the owner's signed
	/// consent to the new PeerId, when a submitter rather than the owner signs the call).
	pub fn encode_args(&self, consent: Option<&SignedConsent>) -> Result<Vec<u8>, ConsentError> {
		let mut out = Vec::new();
		self.node_id.encode_to(&mut out);
		self.new_public_key.to_vec().encode_to(&mut out);
		self.new_key_sig.to_vec().encode_to(&mut out);
		self.challenge_bytes.encode_to(&mut out);
		self.rotation.encode_to(&mut out);
		self.old_key_sig.to_vec().encode_to(&mut out);
		match consent {
			// `Option<Box<(OwnerConsent, MultiSignature)>>`: a box encodes as its content.
			Some(consent) => {
				out.push(1);
				out.extend_from_slice(consent.payload());
				out.extend(consent.require_signature()?.encode());
			}
			None => out.push(0),
		}
		Ok(out)
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::consent::{ConsentTerms, SignedConsent};
	use codec::Decode;
	use ed25519_dalek::{Signature, Verifier, VerifyingKey};
	use pallet_registration::{NodeType, RegisterChallenge};

	fn owner() -> crate::keys::OwnerKey {
		crate::keys::OwnerKey::from_suri(&crate::secret::SecretText::new("//Alice".into())).unwrap()
	}

	fn rotation() -> (NodeKey, NodeKey, RotationCall) {
		let (old, new) = (NodeKey::from_seed(&[1; 32]), NodeKey::from_seed(&[2; 32]));
		let inputs = ChallengeInputs {
			genesis_hash: [0x45; 32],
			block_number: 100,
			expires_at: 110,
			nonce: [0x42; 32],
		};
		let call =
			RotationCall::new(&old, &new, &owner().account_id(), inputs, BlockNumberWidth::U64)
				.unwrap();
		(old, new, call)
	}

	fn verifies(public: [u8; 32], signature: [u8; 64], message: &[u8]) -> bool {
		VerifyingKey::from_bytes(&public)
			.unwrap()
			.verify(message, &Signature::from_bytes(&signature))
			.is_ok()
	}

	#[test]
	fn the_statement_is_the_pallets_key_rotation_byte_for_byte() {
		let (old, new, call) = rotation();
		// By hand: domain, genesis hash, owner, old raw PeerId, new raw PeerId, challenge hash.
		let mut expected = b"HIPPIUS::ROTATE::v1\0\0\0\0\0".to_vec();
		expected.extend([0x45; 32]);
		expected.extend(<AccountId32 as AsRef<[u8; 32]>>::as_ref(&owner().account_id()));
		expected.extend(old.peer_id_raw());
		expected.extend(new.peer_id_raw());
		expected.extend(blake2_256(&call.challenge_bytes));
		assert_eq!(expected.len(), 196);
		assert_eq!(call.rotation_bytes(), expected);
		assert_eq!(Rotation::decode(&mut &expected[..]).unwrap(), call.rotation);
		// The old key signs the statement; the new key signs the challenge.
		assert!(verifies(old.public_key(), call.old_key_sig, &expected));
		assert!(verifies(new.public_key(), call.new_key_sig, &call.challenge_bytes));
		assert_eq!(call.new_public_key, new.public_key());
		assert_eq!(call.node_id, old.peer_id_base58().into_bytes());
		assert_eq!(call.new_node_id, new.peer_id_base58().into_bytes());
	}

	#[test]
	fn the_new_keys_challenge_is_bound_to_the_owner_and_the_new_peer_id() {
		let (_, new, call) = rotation();
		let challenge =
			RegisterChallenge::<AccountId32, u64>::decode(&mut &call.challenge_bytes[..]).unwrap();
		assert_eq!(challenge.account, owner().account_id());
		assert_eq!(challenge.node_id_hash, H256(blake2_256(&new.peer_id_raw())));
		assert_eq!((challenge.block_number, challenge.expires_at), (100, 110));
		assert_eq!(challenge.genesis_hash, [0x45; 32]);
	}

	#[test]
	fn the_arguments_are_the_calls_seven_with_or_without_a_consent() {
		let (_, new, call) = rotation();
		let decode_common = |args: &[u8]| {
			let mut input = args;
			assert_eq!(Vec::<u8>::decode(&mut input).unwrap(), call.node_id);
			assert_eq!(Vec::<u8>::decode(&mut input).unwrap(), call.new_public_key.to_vec());
			assert_eq!(Vec::<u8>::decode(&mut input).unwrap(), call.new_key_sig.to_vec());
			assert_eq!(Vec::<u8>::decode(&mut input).unwrap(), call.challenge_bytes);
			assert_eq!(Rotation::decode(&mut input).unwrap(), call.rotation);
			assert_eq!(Vec::<u8>::decode(&mut input).unwrap(), call.old_key_sig.to_vec());
			input.to_vec()
		};
		assert_eq!(decode_common(&call.encode_args(None).unwrap()), vec![0]);
		let terms = ConsentTerms {
			owner: owner().account_id(),
			peer_id: new.peer_id(),
			node_type: NodeType::StorageMiner,
			max_fee: 0,
			max_deposit: 0,
			nonce: 7,
			may_rotate: true,
		};
		let mut consent =
			SignedConsent::new(terms.consent([0x45; 32], 500), BlockNumberWidth::U64).unwrap();
		assert!(call.encode_args(Some(&consent)).is_err(), "an unsigned consent");
		consent.sign(&owner()).unwrap();
		let rest = decode_common(&call.encode_args(Some(&consent)).unwrap());
		let mut input = &rest[..];
		type Signed = Option<(crate::consent::Consent, subxt::utils::MultiSignature)>;
		let (decoded, signature) = Signed::decode(&mut input).unwrap().unwrap();
		assert_eq!(&decoded, consent.consent());
		assert_eq!(signature.encode(), consent.require_signature().unwrap().encode());
		assert!(input.is_empty());
	}
}
