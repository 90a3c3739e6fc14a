//! The registration proof, checked as pure code: no storage access.
//!
//! The pallet gathers what the chain knows (genesis hash, current block, the owner) into a
//! [`ChallengeContext`] and asks [`check_challenge`] whether the signed bytes prove that the key
//! of the node consents to being registered to that owner now.

use crate::types::{RegisterChallenge, REGISTER_DOMAIN};
use codec::{Decode, DecodeAll};
use sp_core::H256;
use sp_runtime::traits::{CheckedAdd, Zero};

/// Why a challenge is refused. Each maps to one pallet error.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ChallengeError {
	/// Not exactly one SCALE-encoded `RegisterChallenge` (short, long or malformed).
	Malformed,
	/// The domain tag is not [`REGISTER_DOMAIN`].
	WrongDomain,
	/// Built for another chain.
	GenesisMismatch,
	/// Built for another owner.
	AccountMismatch,
	/// Built for another node.
	NodeMismatch,
	/// `block_number` lies after the current block.
	FromTheFuture,
	/// The current block is after `expires_at`.
	Expired,
	/// `expires_at` lies further ahead than the maximum lifetime allows (or before
	/// `block_number`).
	LifetimeTooLong,
}

/// What the chain expects a challenge to say.
pub struct ChallengeContext<'a, AccountId, BlockNumber> {
	/// `frame_system::BlockHash(0)`.
	pub genesis_hash: [u8; 32],
	/// The owner the node is being registered to.
	pub owner: &'a AccountId,
	/// `blake2_256` of the raw PeerId of the node.
	pub node_id_hash: H256,
	/// The current block.
	pub now: BlockNumber,
	/// The latest acceptable `expires_at` is `now + max_lifetime`.
	pub max_lifetime: BlockNumber,
}

/// Decodes `bytes` as exactly one challenge: trailing bytes are an error.
pub fn decode_challenge<AccountId: Decode, BlockNumber: Decode>(
	bytes: &[u8],
) -> Result<RegisterChallenge<AccountId, BlockNumber>, ChallengeError> {
	RegisterChallenge::decode_all(&mut &bytes[..]).map_err(|_| ChallengeError::Malformed)
}

/// Checks every field of a decoded challenge against the chain's context.
pub fn check_challenge<AccountId, BlockNumber>(
	challenge: &RegisterChallenge<AccountId, BlockNumber>,
	context: &ChallengeContext<AccountId, BlockNumber>,
) -> Result<(), ChallengeError>
where
	AccountId: PartialEq,
	BlockNumber: PartialOrd + CheckedAdd + Zero + Copy,
{
	if challenge.domain != REGISTER_DOMAIN {
		return Err(ChallengeError::WrongDomain);
	}
	if challenge.genesis_hash != context.genesis_hash {
		return Err(ChallengeError::GenesisMismatch);
	}
	if &challenge.account != context.owner {
		return Err(ChallengeError::AccountMismatch);
	}
	if challenge.node_id_hash != context.node_id_hash {
		return Err(ChallengeError::NodeMismatch);
	}
	if challenge.block_number > context.now {
		return Err(ChallengeError::FromTheFuture);
	}
	if context.now > challenge.expires_at {
		return Err(ChallengeError::Expired);
	}
	// An overflowing bound means "no block number is too far", as a saturating add would.
	let too_long = match context.now.checked_add(&context.max_lifetime) {
		Some(latest) => challenge.expires_at > latest,
		None => false,
	};
	if too_long || challenge.expires_at < challenge.block_number {
		return Err(ChallengeError::LifetimeTooLong);
	}
	Ok(())
}

/// `blake2_256` of the challenge bytes: the key of `UsedChallenges`.
pub fn challenge_hash(bytes: &[u8]) -> H256 {
	H256(sp_io::hashing::blake2_256(bytes))
}

/// Whether `signature` is a valid Ed25519 signature of `message` by `public_key`.
pub fn verify_signature(public_key: &[u8; 32], signature: &[u8; 64], message: &[u8]) -> bool {
	sp_io::crypto::ed25519_verify(
		&sp_core::ed25519::Signature::from_raw(*signature),
		message,
		&sp_core::ed25519::Public::from_raw(*public_key),
	)
}
