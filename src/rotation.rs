//! Node key rotation: a registered node moves to a new libp2p key and keeps its owner, type,
//! status, registration block and liveness; its record, which the old key signed, is removed,
//! and its key epoch rises, so that no record signed before the rotation verifies again.
//!
//! Both keys prove continuity: the new key signs a registration challenge as at registration
//! (bound to the owner and the new PeerId, used once), and the old key signs a
//! [`KeyRotation`] statement naming the new PeerId and that challenge. An owner whose old key is
//! lost cannot rotate: it unregisters the node and registers the new key (after the cooldown).

use crate::{challenge, pallet::*, peer_id::Ed25519PeerId, types::*};
use codec::Encode;
use frame_support::{ensure, pallet_prelude::*};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::traits::Saturating;

/// The parameters of `rotate_node_key`, after the origin check.
pub struct RotationRequest<T: Config> {
	/// The account that signed the call.
	pub who: T::AccountId,
	/// The node's current id, in either form.
	pub node_id: NodeIdParam,
	/// The new Ed25519 key.
	pub new_public_key: PublicKeyParam,
	/// The new key's signature over `challenge_bytes`.
	pub new_key_sig: SignatureParam,
	/// A registration challenge for the owner and the new PeerId.
	pub challenge_bytes: ChallengeBytes<T>,
	/// The old key's statement.
	pub rotation: KeyRotationOf<T>,
	/// The old key's signature over the statement's encoding.
	pub old_key_sig: SignatureParam,
	/// A consent of the owner that allows the rotation, when `who` is not the owner.
	pub consent: Option<SignedConsentOf<T>>,
}

impl<T: Config> Pallet<T> {
	/// `rotate_node_key` after the origin check: every check, then the node moves in one step.
	pub(crate) fn do_rotate_key(request: RotationRequest<T>) -> DispatchResult {
		let RotationRequest {
			who,
			node_id,
			new_public_key,
			new_key_sig,
			challenge_bytes,
			rotation,
			old_key_sig,
			consent,
		} = request;
		let now = frame_system::Pallet::<T>::block_number();
		let (old_peer, info) = Self::registered_node(&node_id)?;
		let old_id = info.node_id.clone();
		let new_key: [u8; 32] =
			new_public_key.as_slice().try_into().map_err(|_| Error::<T>::PublicKeyMismatch)?;
		let new_peer = Ed25519PeerId::from_raw(&Ed25519PeerId::from_public_key(new_key).to_raw())
			.map_err(Error::<T>::from)?;

		// Who may: the owner, or the holder of the owner's consent to this new key.
		match consent {
			None => ensure!(who == info.owner, Error::<T>::NotNodeOwner),
			Some((consent, signature)) => {
				let (consented, _) = Self::check_consent(&consent, &signature, now)?;
				ensure!(consent.owner == info.owner, Error::<T>::NotNodeOwner);
				ensure!(consent.may_rotate, Error::<T>::ConsentForbidsRotation);
				ensure!(consented == new_peer, Error::<T>::ConsentNodeMismatch);
				ensure!(consent.node_type == info.node_type, Error::<T>::ConsentNodeTypeMismatch);
			}
		}
		ensure!(!BannedAccounts::<T>::get(&info.owner), Error::<T>::AccountBanned);
		if let Some(at) = NodeKeyRotatedAt::<T>::get(&old_id) {
			ensure!(Self::cooldown_over(at, now), Error::<T>::KeyRotationTooSoon);
		}
		ensure!(!Self::is_under_report(&old_id), Error::<T>::NodeUnderReport);
		let new_id = new_peer.to_node_id();
		Self::ensure_node_free(&new_id, now)?;

		// The new key: a registration challenge for the owner and the new PeerId, unused.
		let (challenge_hash, expires_at) =
			Self::check_node_proof(&info.owner, &new_peer, &new_key_sig, &challenge_bytes, now)?;

		// The old key: a statement naming this chain, the owner, both PeerIds and the challenge.
		let expected = KeyRotation {
			domain: ROTATE_DOMAIN,
			genesis_hash: Self::genesis_hash(),
			owner: info.owner.clone(),
			old_peer_id: old_peer.to_raw(),
			new_peer_id: new_peer.to_raw(),
			challenge_hash,
		};
		ensure!(rotation == expected, Error::<T>::InvalidRotationStatement);
		let old_sig: [u8; 64] =
			old_key_sig.as_slice().try_into().map_err(|_| Error::<T>::InvalidSignatureLength)?;
		ensure!(
			challenge::verify_signature(old_peer.public_key(), &old_sig, &rotation.encode()),
			Error::<T>::InvalidRotationSignature
		);

		Self::record_used_challenge(challenge_hash, expires_at);
		Self::move_node(info, old_id, new_id, &new_peer, now);
		Ok(())
	}

	/// Moves a node to a new id in the registry and every index; the old id cools down as after
	/// a removal, and the node may not rotate again for `NodeCooldownPeriod` blocks.
	fn move_node(
		info: NodeInfoOf<T>,
		old_id: NodeId,
		new_id: NodeId,
		new_peer: &Ed25519PeerId,
		now: BlockNumberFor<T>,
	) {
		let owner = info.owner.clone();
		ColdkeyNodeRegistrationV2::<T>::remove(&old_id);
		Libp2pMainIdentity::<T>::remove(&old_id);
		NodesByType::<T>::remove(info.node_type, &old_id);
		NodesByStatus::<T>::remove(info.status, &old_id);
		NodeKeyRotatedAt::<T>::remove(&old_id);
		let key_epoch = NodeKeyEpoch::<T>::take(&old_id).saturating_add(1);
		// The record names the old key, which signed it: the node publishes again with its new
		// key. The liveness moves (its entry in the expiry queue follows).
		Self::remove_record(&old_id);
		let liveness = Self::liveness_of(&old_id);
		NodeLiveness::<T>::remove(&old_id);
		if let Some(offer) = NodeOwnershipOffers::<T>::take(&old_id) {
			Self::deposit_event(Event::NodeOwnershipOfferCancelled {
				node_id: old_id.clone(),
				owner: offer.owner,
				new_owner: offer.new_owner,
			});
		}

		ColdkeyNodeRegistrationV2::<T>::insert(
			&new_id,
			ColdkeyNodeInfoLite { node_id: new_id.clone(), ..info.clone() },
		);
		Libp2pMainIdentity::<T>::insert(
			&new_id,
			(Libp2pKeyType::Ed25519, PublicKeyParam::truncate_from(new_peer.public_key().to_vec())),
		);
		NodesByType::<T>::insert(info.node_type, &new_id, ());
		NodesByStatus::<T>::insert(info.status, &new_id, ());
		NodeKeyEpoch::<T>::insert(&new_id, key_epoch);
		Self::rename_owner_node(&owner, &old_id, &new_id, info.node_type);
		// The bond stays with the node.
		if let Some(bond) = NodeBonds::<T>::take(&old_id) {
			NodeBonds::<T>::insert(&new_id, bond);
		}
		match liveness {
			Some(liveness) => {
				if !liveness.silent {
					Self::schedule_expiry(liveness.check_at, Expiring::Liveness(new_id.clone()));
				}
				NodeLiveness::<T>::insert(&new_id, liveness);
			}
			None => Self::start_liveness(&new_id, now),
		}

		let cooldown_end = now.saturating_add(T::NodeCooldownPeriod::get());
		NodeLastDeregisteredAt::<T>::insert(&old_id, now);
		Self::schedule_expiry(cooldown_end, Expiring::NodeCooldown(old_id.clone()));
		NodeKeyRotatedAt::<T>::insert(&new_id, now);
		Self::schedule_expiry(cooldown_end, Expiring::KeyRotation(new_id.clone()));

		Self::deposit_event(Event::NodeKeyRotated {
			old_node_id: old_id,
			new_node_id: new_id,
			owner,
		});
	}

	/// Removes a rotation anchor once its period is over (the expiry queue); queues it again at
	/// its end if an upgrade raised the cooldown since.
	pub(crate) fn expire_rotation_anchor(node_id: NodeId, now: BlockNumberFor<T>) {
		if let Some(at) = NodeKeyRotatedAt::<T>::get(&node_id) {
			if Self::cooldown_over(at, now) {
				NodeKeyRotatedAt::<T>::remove(&node_id);
			} else {
				Self::schedule_expiry(
					at.saturating_add(T::NodeCooldownPeriod::get()),
					Expiring::KeyRotation(node_id),
				);
			}
		}
	}
}
