//! Owner consent: an owner ("coldkey") signs, offline and with its account's own key, a consent
//! to have one node registered for it; any account holding the consent and the node key then
//! registers the node, and the fee comes from the owner, capped by the consent.
//!
//! A consent is not used up: it serves again (after a removal and the cooldown, say) until its
//! `valid_until`, unless the owner revokes it. Revocations are kept, per owner at most
//! `MaxRevokedConsents` of them, until the consent could no longer be used anyway (at most
//! `2 × MaxConsentLifetime` blocks); the expiry queue then removes them.

use crate::{pallet::*, peer_id::Ed25519PeerId, registration::RegistrationRequest, types::*};
use alloc::vec::Vec;
use codec::Encode;
use frame_support::{ensure, pallet_prelude::*};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_core::H256;
use sp_runtime::traits::{Saturating, Verify};

/// Whether `signature` is `owner`'s signature of `message`, bare or wrapped in
/// `<Bytes>`…`</Bytes>` as wallets and the polkadot.js extension sign raw messages.
pub fn signed_by<S: Verify>(
	signature: &S,
	message: &[u8],
	owner: &<S::Signer as sp_runtime::traits::IdentifyAccount>::AccountId,
) -> bool {
	if signature.verify(message, owner) {
		return true;
	}
	let mut wrapped = Vec::with_capacity(
		WRAPPED_PREFIX.len().saturating_add(message.len()).saturating_add(WRAPPED_SUFFIX.len()),
	);
	wrapped.extend_from_slice(WRAPPED_PREFIX);
	wrapped.extend_from_slice(message);
	wrapped.extend_from_slice(WRAPPED_SUFFIX);
	signature.verify(&wrapped[..], owner)
}

/// Whether `account` is a 32-byte account id that, read as an Ed25519 public key, has small
/// order (the all-zero account among them). With such a key the constant signature `R` =
/// identity, `S` = 0 verifies over any message, so a "signature" of such an owner proves
/// nothing: anyone could make one (D23).
pub fn is_small_order_account<A: Encode>(account: &A) -> bool {
	account.using_encoded(|bytes| {
		<[u8; 32]>::try_from(bytes).is_ok_and(|key| crate::peer_id::is_small_order(&key))
	})
}

/// The terms of a consent a client asks for (the `consent_payload` view function).
pub struct ConsentTerms<Balance, BlockNumber> {
	/// The node type.
	pub node_type: NodeType,
	/// The most fee one registration may take.
	pub max_fee: Balance,
	/// The most deposit one registration may hold.
	pub max_deposit: Balance,
	/// How many blocks from now it stays valid.
	pub lifetime: BlockNumber,
	/// The owner's nonce for it.
	pub nonce: u64,
	/// Whether it also allows a rotation to this PeerId.
	pub may_rotate: bool,
}

/// `blake2_256` of a consent's encoding: how revocations name it.
pub fn consent_hash<C: Encode>(consent: &C) -> H256 {
	H256(sp_io::hashing::blake2_256(&consent.encode()))
}

impl<T: Config> Pallet<T> {
	/// Checks everything about a consent that does not depend on what it is used for: its
	/// domain, chain, PeerId, validity window, revocation and the owner's signature. Returns the
	/// consent's node and hash.
	pub(crate) fn check_consent(
		consent: &OwnerConsentOf<T>,
		signature: &T::OwnerSignature,
		now: BlockNumberFor<T>,
	) -> Result<(Ed25519PeerId, H256), Error<T>> {
		ensure!(consent.domain == CONSENT_DOMAIN, Error::<T>::InvalidConsentDomain);
		ensure!(consent.genesis_hash == Self::genesis_hash(), Error::<T>::ConsentGenesisMismatch);
		ensure!(!is_small_order_account(&consent.owner), Error::<T>::SmallOrderOwner);
		let peer = Ed25519PeerId::from_raw(&consent.peer_id).map_err(Error::<T>::from)?;
		ensure!(now <= consent.valid_until, Error::<T>::ConsentExpired);
		ensure!(
			consent.valid_until <= now.saturating_add(T::MaxConsentLifetime::get()),
			Error::<T>::ConsentLifetimeTooLong
		);
		let hash = consent_hash(consent);
		ensure!(
			consent.nonce >= ConsentNonceFloor::<T>::get(&consent.owner)
				&& !RevokedConsents::<T>::contains_key(&consent.owner, hash),
			Error::<T>::ConsentRevoked
		);
		ensure!(
			signed_by(signature, &consent.encode(), &consent.owner),
			Error::<T>::InvalidOwnerSignature
		);
		Ok((peer, hash))
	}

	/// What [`Self::check_consent`] says of a consent now, as the `consent_status` view function
	/// reports it.
	pub(crate) fn consent_status_now(
		consent: &OwnerConsentOf<T>,
		signature: &T::OwnerSignature,
	) -> ConsentStatus {
		let now = frame_system::Pallet::<T>::block_number();
		match Self::check_consent(consent, signature, now) {
			Ok(_) => ConsentStatus::Valid,
			Err(Error::<T>::InvalidConsentDomain) => ConsentStatus::WrongDomain,
			Err(Error::<T>::ConsentGenesisMismatch) => ConsentStatus::WrongChain,
			Err(Error::<T>::ConsentExpired) => ConsentStatus::Expired,
			Err(Error::<T>::ConsentLifetimeTooLong) => ConsentStatus::LifetimeTooLong,
			Err(Error::<T>::ConsentRevoked) => ConsentStatus::Revoked,
			Err(Error::<T>::InvalidOwnerSignature) => ConsentStatus::BadSignature,
			Err(Error::<T>::SmallOrderOwner) => ConsentStatus::SmallOrderOwner,
			// `InvalidNodeId` and `SmallOrderNodeKey`: the PeerId is not acceptable.
			Err(_) => ConsentStatus::InvalidPeerId,
		}
	}

	/// The consent `owner` would sign for `peer_id` now on `terms`, valid for `terms.lifetime`
	/// blocks (at most `MaxConsentLifetime`), with its encoding; `None` when `peer_id` is not an
	/// acceptable PeerId in either form.
	pub(crate) fn consent_payload_now(
		owner: T::AccountId,
		peer_id: &[u8],
		terms: ConsentTerms<BalanceOf<T>, BlockNumberFor<T>>,
	) -> Option<ConsentPayload<OwnerConsentOf<T>>> {
		let peer = Ed25519PeerId::parse(peer_id).ok()?;
		let now = frame_system::Pallet::<T>::block_number();
		let consent = OwnerConsent {
			domain: CONSENT_DOMAIN,
			genesis_hash: Self::genesis_hash(),
			owner,
			peer_id: peer.to_raw(),
			node_type: terms.node_type,
			max_fee: terms.max_fee,
			max_deposit: terms.max_deposit,
			valid_until: now.saturating_add(terms.lifetime.min(T::MaxConsentLifetime::get())),
			nonce: terms.nonce,
			may_rotate: terms.may_rotate,
		};
		let bytes = consent.encode();
		Some(ConsentPayload { consent, bytes })
	}

	/// `register_node_with_consent` after the origin check: the consent, then every check of
	/// the owner path for `consent.owner`, with the fee capped by the consent.
	pub(crate) fn do_register_with_consent(
		submitter: T::AccountId,
		node_type: NodeType,
		consent: OwnerConsentOf<T>,
		signature: T::OwnerSignature,
		main_public_key: PublicKeyParam,
		main_sig: SignatureParam,
		challenge_bytes: ChallengeBytes<T>,
	) -> DispatchResult {
		let now = frame_system::Pallet::<T>::block_number();
		let (peer, consent_hash) = Self::check_consent(&consent, &signature, now)?;
		ensure!(consent.node_type == node_type, Error::<T>::ConsentNodeTypeMismatch);
		let public_key: [u8; 32] =
			main_public_key.as_slice().try_into().map_err(|_| Error::<T>::PublicKeyMismatch)?;
		ensure!(peer.public_key() == &public_key, Error::<T>::ConsentNodeMismatch);

		let raw = NodeIdParam::truncate_from(peer.to_raw().to_vec());
		let owner = consent.owner;
		Self::do_register(RegistrationRequest {
			node_type,
			node_id: raw.clone(),
			pay_in_credits: false,
			owner: owner.clone(),
			main_key_type: Libp2pKeyType::Ed25519,
			main_public_key,
			main_sig,
			challenge_bytes,
			node_id_hex: raw,
			max_fee: Some(consent.max_fee),
			max_deposit: Some(consent.max_deposit),
		})?;
		Self::deposit_event(Event::ConsentUsed {
			owner,
			submitter,
			consent_hash,
			node_id: peer.to_node_id(),
		});
		Ok(())
	}

	/// `revoke_consent` after the origin check.
	///
	/// A consent is usable only while its `valid_until` lies at most `MaxConsentLifetime`
	/// ahead; one lying up to twice that ahead can be revoked, so that every consent can be
	/// revoked for a whole `MaxConsentLifetime` before it becomes usable, and no revocation is
	/// kept longer than `2 × MaxConsentLifetime` blocks.
	pub(crate) fn do_revoke_consent(
		who: T::AccountId,
		consent: OwnerConsentOf<T>,
	) -> DispatchResult {
		ensure!(consent.owner == who, Error::<T>::NotConsentOwner);
		ensure!(consent.domain == CONSENT_DOMAIN, Error::<T>::InvalidConsentDomain);
		ensure!(consent.genesis_hash == Self::genesis_hash(), Error::<T>::ConsentGenesisMismatch);
		let now = frame_system::Pallet::<T>::block_number();
		ensure!(now <= consent.valid_until, Error::<T>::ConsentExpired);
		let max = T::MaxConsentLifetime::get();
		ensure!(
			consent.valid_until <= now.saturating_add(max).saturating_add(max),
			Error::<T>::ConsentLifetimeTooLong
		);
		let hash = consent_hash(&consent);
		ensure!(!RevokedConsents::<T>::contains_key(&who, hash), Error::<T>::ConsentRevoked);
		let count = RevokedConsentCount::<T>::get(&who);
		ensure!(count < T::MaxRevokedConsents::get(), Error::<T>::TooManyRevokedConsents);

		RevokedConsents::<T>::insert(&who, hash, consent.valid_until);
		RevokedConsentCount::<T>::insert(&who, count.saturating_add(1));
		Self::schedule_expiry(consent.valid_until, Expiring::RevokedConsent(who.clone(), hash));
		Self::deposit_event(Event::ConsentRevoked {
			owner: who,
			consent_hash: hash,
			valid_until: consent.valid_until,
		});
		Ok(())
	}

	/// `revoke_consents_below` after the origin check: every consent of `who` with a nonce
	/// below `nonce` is refused from now on. The floor only rises, and one entry per owner
	/// holds it, however many consents it revokes.
	pub(crate) fn do_revoke_consents_below(who: T::AccountId, nonce: u64) -> DispatchResult {
		ensure!(nonce > ConsentNonceFloor::<T>::get(&who), Error::<T>::NonceFloorNotRaised);
		ConsentNonceFloor::<T>::insert(&who, nonce);
		Self::deposit_event(Event::ConsentsRevokedBelow { owner: who, nonce });
		Ok(())
	}

	/// Removes a revocation once its consent can no longer be used (the expiry queue).
	pub(crate) fn expire_revocation(owner: T::AccountId, hash: H256, now: BlockNumberFor<T>) {
		if RevokedConsents::<T>::get(&owner, hash).is_some_and(|valid_until| valid_until < now) {
			RevokedConsents::<T>::remove(&owner, hash);
			RevokedConsentCount::<T>::mutate_exists(&owner, |count| {
				*count = count.map(|n| n.saturating_sub(1)).filter(|n| *n > 0);
			});
		}
	}
}
