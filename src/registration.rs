//! Registration, unregistration and owner swap: the registry's writes, kept consistent.
//!
//! Every path that adds or removes a node goes through [`Pallet::insert_node`] and
//! [`Pallet::remove_node`], which update the registry, the owner index, the identity, the
//! per-type index and count together.

use crate::{
	challenge::{self, ChallengeContext, ChallengeError},
	pallet::*,
	peer_id::{Ed25519PeerId, PeerIdError},
	types::*,
	CreditsError, CreditsPayment, NodeEligibility, OnNodeUnregistered,
};
use frame_support::{
	ensure,
	pallet_prelude::*,
	traits::{fungible::Mutate, tokens::Preservation},
};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::traits::Saturating;
use sp_staking::StakingInterface;

/// The parameters of a registration (`register_node_with_coldkey` and the calls beside it),
/// after the owner's consent was checked.
pub struct RegistrationRequest<T: Config> {
	/// The node's type.
	pub node_type: NodeType,
	/// The node id in either form.
	pub node_id: NodeIdParam,
	/// Pay the fee in credits.
	pub pay_in_credits: bool,
	/// The owner (the signer).
	pub owner: T::AccountId,
	/// The key type (always Ed25519).
	pub main_key_type: Libp2pKeyType,
	/// The node's public key.
	pub main_public_key: PublicKeyParam,
	/// The node key's signature over `challenge_bytes`.
	pub main_sig: SignatureParam,
	/// The encoded challenge.
	pub challenge_bytes: ChallengeBytes<T>,
	/// The raw PeerId.
	pub node_id_hex: NodeIdParam,
	/// The most fee the owner agreed to pay (`None`: whatever the current fee is).
	pub max_fee: Option<BalanceOf<T>>,
	/// The most deposit the owner agreed to hold (`None`: whatever the type's deposit is).
	pub max_deposit: Option<BalanceOf<T>>,
}

impl<T: Config> From<ChallengeError> for Error<T> {
	fn from(error: ChallengeError) -> Self {
		match error {
			ChallengeError::Malformed => Error::<T>::InvalidChallenge,
			ChallengeError::WrongDomain => Error::<T>::InvalidChallengeDomain,
			ChallengeError::GenesisMismatch => Error::<T>::GenesisMismatch,
			ChallengeError::AccountMismatch => Error::<T>::InvalidAccountId,
			ChallengeError::NodeMismatch => Error::<T>::ChallengeMismatch,
			ChallengeError::FromTheFuture => Error::<T>::ChallengeFromFuture,
			ChallengeError::Expired => Error::<T>::ChallengeExpired,
			ChallengeError::LifetimeTooLong => Error::<T>::ChallengeLifetimeTooLong,
		}
	}
}

impl<T: Config> From<PeerIdError> for Error<T> {
	fn from(error: PeerIdError) -> Self {
		match error {
			PeerIdError::Malformed => Error::<T>::InvalidNodeId,
			PeerIdError::SmallOrderKey => Error::<T>::SmallOrderNodeKey,
		}
	}
}

impl<T: Config> Pallet<T> {
	/// `register_node_with_coldkey` after the consent check: every check, then the writes.
	pub(crate) fn do_register(request: RegistrationRequest<T>) -> DispatchResult {
		let RegistrationRequest {
			node_type,
			node_id,
			pay_in_credits,
			owner,
			main_key_type,
			main_public_key,
			main_sig,
			challenge_bytes,
			node_id_hex,
			max_fee,
			max_deposit,
		} = request;
		let Libp2pKeyType::Ed25519 = main_key_type;
		let now = frame_system::Pallet::<T>::block_number();

		// Identity: `node_id_hex` is an Ed25519 PeerId carrying `main_public_key`, and `node_id`
		// names the same PeerId.
		let peer = Ed25519PeerId::from_raw(&node_id_hex).map_err(Error::<T>::from)?;
		let public_key: [u8; 32] =
			main_public_key.as_slice().try_into().map_err(|_| Error::<T>::PublicKeyMismatch)?;
		ensure!(peer.public_key() == &public_key, Error::<T>::PublicKeyMismatch);
		let (claimed, node_id) =
			Ed25519PeerId::parse_canonical(&node_id).map_err(Error::<T>::from)?;
		ensure!(claimed == peer, Error::<T>::NodeIdMismatch);

		let (challenge_hash, expires_at) =
			Self::check_node_proof(&owner, &peer, &main_sig, &challenge_bytes, now)?;

		// Policy.
		ensure!(!DisabledNodeTypes::<T>::get(node_type), Error::<T>::NodeTypeDisabled);
		Self::ensure_may_own(&owner, node_type, now)?;
		Self::ensure_node_free(&node_id, now)?;
		Self::ensure_registry_room()?;
		Self::ensure_validator_slot(node_type)?;
		Self::ensure_deposit_within(node_type, max_deposit)?;

		// Fee and bond, taken last among the checks: nothing is written before they succeed
		// (and the call is transactional: a bond that cannot be held undoes the fee).
		if FeeChargingEnabled::<T>::get() {
			Self::charge_fee(&owner, node_type, pay_in_credits, max_fee, now)?;
		}
		Self::hold_bond(&owner, &node_id, node_type)?;

		Self::record_used_challenge(challenge_hash, expires_at);
		Self::insert_node(node_id, node_type, owner, &peer, now);
		Ok(())
	}

	/// Checks a node key's proof of consent to be registered to `owner` now: `challenge_bytes`
	/// is exactly one challenge for this chain, `owner` and `peer`, within its window and never
	/// used, and `signature` is the node key's over it. Returns the challenge's hash and
	/// `expires_at`, for [`Self::record_used_challenge`].
	pub(crate) fn check_node_proof(
		owner: &T::AccountId,
		peer: &Ed25519PeerId,
		signature: &SignatureParam,
		challenge_bytes: &[u8],
		now: BlockNumberFor<T>,
	) -> Result<(sp_core::H256, BlockNumberFor<T>), DispatchError> {
		// Strictly decoded, bound to this chain, owner, node and time, unused.
		let decoded =
			challenge::decode_challenge::<T::AccountId, BlockNumberFor<T>>(challenge_bytes)
				.map_err(Error::<T>::from)?;
		challenge::check_challenge(
			&decoded,
			&ChallengeContext {
				genesis_hash: Self::genesis_hash(),
				owner,
				node_id_hash: sp_core::H256(sp_io::hashing::blake2_256(&peer.to_raw())),
				now,
				max_lifetime: T::MaxChallengeLifetime::get(),
			},
		)
		.map_err(Error::<T>::from)?;
		let challenge_hash = challenge::challenge_hash(challenge_bytes);
		ensure!(!UsedChallenges::<T>::contains_key(challenge_hash), Error::<T>::ChallengeReused);

		// The node key signed exactly these bytes.
		let signature: [u8; 64] =
			signature.as_slice().try_into().map_err(|_| Error::<T>::InvalidSignatureLength)?;
		ensure!(
			challenge::verify_signature(peer.public_key(), &signature, challenge_bytes),
			Error::<T>::InvalidSignature
		);
		Ok((challenge_hash, decoded.expires_at))
	}

	/// Marks a challenge used until its `expires_at` is past.
	pub(crate) fn record_used_challenge(hash: sp_core::H256, expires_at: BlockNumberFor<T>) {
		UsedChallenges::<T>::insert(hash, expires_at);
		Self::schedule_expiry(expires_at, Expiring::Challenge(hash));
	}

	/// `force_register_coldkey_node` after the origin check.
	pub(crate) fn do_force_register(
		owner: T::AccountId,
		node_type: NodeType,
		node_id: &[u8],
	) -> DispatchResult {
		let (peer, node_id) = Ed25519PeerId::parse_canonical(node_id).map_err(Error::<T>::from)?;
		ensure!(!BannedAccounts::<T>::get(&owner), Error::<T>::AccountBanned);
		ensure!(
			OwnerNodeCount::<T>::get(&owner) < T::MaxNodesPerOwner::get(),
			Error::<T>::OwnerAlreadyRegistered
		);
		if node_type == NodeType::Validator {
			ensure!(!OwnerValidatorNode::<T>::contains_key(&owner), Error::<T>::OwnerHasValidator);
		}
		ensure!(
			!ColdkeyNodeRegistrationV2::<T>::contains_key(&node_id),
			Error::<T>::NodeAlreadyRegistered
		);
		Self::ensure_registry_room()?;
		Self::ensure_validator_slot(node_type)?;
		let now = frame_system::Pallet::<T>::block_number();
		Self::insert_node(node_id, node_type, owner, &peer, now);
		Ok(())
	}

	/// How many nodes the registry holds (the sum of the counts per type).
	pub fn node_total() -> u32 {
		NodeType::ALL.iter().fold(0u32, |total, node_type| {
			total.saturating_add(NodeCountByType::<T>::get(node_type))
		})
	}

	/// Checks that one more node fits under `MaxNodes`.
	fn ensure_registry_room() -> DispatchResult {
		ensure!(Self::node_total() < T::MaxNodes::get(), Error::<T>::RegistryFull);
		Ok(())
	}

	/// Checks that a new validator node fits under `MaxValidators` (nothing to check for other
	/// types).
	fn ensure_validator_slot(node_type: NodeType) -> DispatchResult {
		if node_type == NodeType::Validator {
			ensure!(
				Self::validator_places_taken() < T::MaxValidators::get(),
				Error::<T>::TooManyValidators
			);
		}
		Ok(())
	}

	/// Checks that `owner` may take one more node of `node_type` now: not banned, eligible, a
	/// free place in its fleet that is not cooling down (one validator node at most), and
	/// staked enough for a validator.
	fn ensure_may_own(
		owner: &T::AccountId,
		node_type: NodeType,
		now: BlockNumberFor<T>,
	) -> DispatchResult {
		ensure!(!BannedAccounts::<T>::get(owner), Error::<T>::AccountBanned);
		ensure!(T::Eligibility::is_eligible(owner, node_type), Error::<T>::NotEligible);
		Self::ensure_place(owner, node_type, now)?;
		if node_type == NodeType::Validator {
			let stake = T::Staking::active_stake(owner).unwrap_or_default();
			ensure!(stake >= T::MinerStakeThreshold::get(), Error::<T>::InsufficientStake);
		}
		Ok(())
	}

	/// Checks that `node_id` is not registered and not cooling down.
	pub(crate) fn ensure_node_free(node_id: &NodeId, now: BlockNumberFor<T>) -> DispatchResult {
		ensure!(
			!ColdkeyNodeRegistrationV2::<T>::contains_key(node_id),
			Error::<T>::NodeAlreadyRegistered
		);
		if let Some(at) = NodeLastDeregisteredAt::<T>::get(node_id) {
			ensure!(Self::cooldown_over(at, now), Error::<T>::NodeCooldownPeriodNotExpired);
		}
		Ok(())
	}

	/// Whether a cooldown anchored at `at` is over at `now`.
	pub(crate) fn cooldown_over(at: BlockNumberFor<T>, now: BlockNumberFor<T>) -> bool {
		now >= at.saturating_add(T::NodeCooldownPeriod::get())
	}

	/// Takes the current fee of `node_type` from `owner`, if it is at most `max_fee`, and raises
	/// the type's fee.
	fn charge_fee(
		owner: &T::AccountId,
		node_type: NodeType,
		pay_in_credits: bool,
		max_fee: Option<BalanceOf<T>>,
		now: BlockNumberFor<T>,
	) -> DispatchResult {
		let amount = Self::fee_now(node_type);
		if let Some(max_fee) = max_fee {
			ensure!(amount <= max_fee, Error::<T>::FeeAboveMaximum);
		}
		if pay_in_credits {
			T::Credits::pay(owner, amount).map_err(|error| match error {
				CreditsError::Unsupported => Error::<T>::CreditsNotSupported,
				CreditsError::Insufficient => Error::<T>::InsufficientCreditsForFee,
			})?;
		} else {
			T::Currency::transfer(owner, &Self::account_id(), amount, Preservation::Preserve)
				.map_err(|_| Error::<T>::InsufficientBalanceForFee)?;
		}
		Self::raise_fee_after_registration(node_type, amount, now);
		Self::deposit_event(Event::RegistrationFeePaid {
			owner: owner.clone(),
			node_type,
			amount,
			in_credits: pay_in_credits,
		});
		Ok(())
	}

	/// Adds a node to the registry and every index.
	pub(crate) fn insert_node(
		node_id: NodeId,
		node_type: NodeType,
		owner: T::AccountId,
		peer: &Ed25519PeerId,
		now: BlockNumberFor<T>,
	) {
		let info = ColdkeyNodeInfoLite {
			node_id: node_id.clone(),
			node_type,
			status: Status::Online,
			registered_at: now,
			owner: owner.clone(),
		};
		ColdkeyNodeRegistrationV2::<T>::insert(&node_id, info);
		Self::attach_to_owner(&owner, &node_id, node_type);
		Libp2pMainIdentity::<T>::insert(
			&node_id,
			(Libp2pKeyType::Ed25519, PublicKeyParam::truncate_from(peer.public_key().to_vec())),
		);
		NodesByType::<T>::insert(node_type, &node_id, ());
		NodeCountByType::<T>::mutate(node_type, |count| *count = count.saturating_add(1));
		NodesByStatus::<T>::insert(Status::Online, &node_id, ());
		NodeCountByStatus::<T>::mutate(Status::Online, |count| *count = count.saturating_add(1));
		Self::start_liveness(&node_id, now);
		Self::deposit_event(Event::MainNodeRegistered { node_id, owner, node_type });
	}

	/// Unregisters a node: an online storage miner is degraded, anything else removed.
	pub(crate) fn degrade_or_remove(info: NodeInfoOf<T>, reason: UnregisterReason) {
		if info.node_type == NodeType::StorageMiner && info.status == Status::Online {
			let mut info = info;
			let node_id = info.node_id.clone();
			Self::set_status(&mut info, Status::Degraded);
			ColdkeyNodeRegistrationV2::<T>::insert(&node_id, info);
			Self::deposit_event(Event::NodeStatusUpdated { node_id, status: Status::Degraded });
		} else {
			Self::remove_node(info, reason);
		}
	}

	/// Removes a node from the registry and every index, and starts the node's and the owner's
	/// cooldown.
	pub(crate) fn remove_node(info: NodeInfoOf<T>, reason: UnregisterReason) {
		let now = frame_system::Pallet::<T>::block_number();
		let ColdkeyNodeInfoLite { node_id, node_type, owner, status, .. } = info;
		ColdkeyNodeRegistrationV2::<T>::remove(&node_id);
		Self::detach_from_owner(&owner, &node_id, node_type);
		Libp2pMainIdentity::<T>::remove(&node_id);
		NodesByType::<T>::remove(node_type, &node_id);
		NodeCountByType::<T>::mutate(node_type, |count| *count = count.saturating_sub(1));
		NodesByStatus::<T>::remove(status, &node_id);
		NodeCountByStatus::<T>::mutate(status, |count| *count = count.saturating_sub(1));
		// Its liveness entry in the expiry queue finds nothing and is dropped.
		NodeLiveness::<T>::remove(&node_id);
		NodeKeyEpoch::<T>::remove(&node_id);
		Self::remove_record(&node_id);
		NodeOwnershipOffers::<T>::remove(&node_id);
		// The owner's report state stays until its round and window are over (one vote per
		// owner, node and round, whatever the owner does with its node).
		if node_type == NodeType::Validator && Self::claims_round_share(&owner) {
			Self::count_departed_reporter();
		}

		let cooldown_end = now.saturating_add(T::NodeCooldownPeriod::get());
		NodeLastDeregisteredAt::<T>::insert(&node_id, now);
		Self::schedule_expiry(cooldown_end, Expiring::NodeCooldown(node_id.clone()));
		Self::start_owner_cooldown(&owner, now);
		Self::settle_bond(&owner, &node_id, Some(reason), now);

		T::OnNodeUnregistered::on_node_unregistered(&node_id, &owner, node_type);
		Self::deposit_event(Event::NodeUnregistered { node_id, owner, reason });
	}

	/// The registered node `node_id` (either form) names, with its PeerId: the one lookup of
	/// every call that takes a node id.
	pub(crate) fn registered_node(
		node_id: &[u8],
	) -> Result<(Ed25519PeerId, NodeInfoOf<T>), Error<T>> {
		let (peer, node_id) = Ed25519PeerId::parse_canonical(node_id).map_err(Error::<T>::from)?;
		let info = ColdkeyNodeRegistrationV2::<T>::get(&node_id).ok_or(Error::<T>::NodeNotFound)?;
		Ok((peer, info))
	}

	/// `set_node_status_to_degraded` after the origin check.
	pub(crate) fn do_degrade(node_id: &[u8]) -> DispatchResult {
		let (_, mut info) = Self::registered_node(node_id)?;
		ensure!(info.node_type == NodeType::StorageMiner, Error::<T>::NotAminer);
		Self::set_status(&mut info, Status::Degraded);
		let node_id = info.node_id.clone();
		ColdkeyNodeRegistrationV2::<T>::insert(&node_id, info);
		Self::deposit_event(Event::NodeStatusUpdated { node_id, status: Status::Degraded });
		Ok(())
	}

	/// `unregister_main_node` and `unregister_node` (by `who`, the node's owner; `main_only`:
	/// the first) and `force_unregister_coldkey_node` (`who` is `None`) after the origin check.
	pub(crate) fn do_unregister(
		who: Option<T::AccountId>,
		node_id: &[u8],
		main_only: bool,
	) -> DispatchResult {
		let (_, info) = Self::registered_node(node_id)?;
		let reason = match who {
			Some(who) => {
				ensure!(info.owner == who, Error::<T>::NotNodeOwner);
				if main_only {
					ensure!(
						OwnerToNode::<T>::get(&who).is_some_and(|ids| ids.contains(&info.node_id)),
						Error::<T>::NotMainNode
					);
				}
				UnregisterReason::Owner
			}
			None => UnregisterReason::Forced,
		};
		Self::degrade_or_remove(info, reason);
		Ok(())
	}

	/// `force_remove_node` after the origin check: removed at once (a storage miner is not
	/// degraded first), its bond forfeited when `forfeit_bond`.
	pub(crate) fn do_force_remove(node_id: &[u8], forfeit_bond: bool) -> DispatchResult {
		let (_, info) = Self::registered_node(node_id)?;
		let reason =
			if forfeit_bond { UnregisterReason::ForcedForfeit } else { UnregisterReason::Forced };
		Self::remove_node(info, reason);
		Ok(())
	}

	/// `swap_node_owner` after the origin check: records an offer of the node to `new_owner`.
	pub(crate) fn do_offer_ownership(
		who: T::AccountId,
		node_id: &[u8],
		new_owner: T::AccountId,
	) -> DispatchResult {
		let (_, info) = Self::registered_node(node_id)?;
		let node_id = info.node_id.clone();
		ensure!(info.owner == who, Error::<T>::NotNodeOwner);
		ensure!(new_owner != who, Error::<T>::SameOwner);
		ensure!(!Self::is_under_report(&node_id), Error::<T>::NodeUnderReport);
		let now = frame_system::Pallet::<T>::block_number();
		Self::ensure_may_own(&new_owner, info.node_type, now)?;

		let expires_at = now.saturating_add(T::OwnershipOfferLifetime::get());
		NodeOwnershipOffers::<T>::insert(
			&node_id,
			OwnershipOffer { owner: who.clone(), new_owner: new_owner.clone(), expires_at },
		);
		Self::schedule_expiry(expires_at, Expiring::OwnershipOffer(node_id.clone()));
		Self::deposit_event(Event::NodeOwnershipOffered {
			node_id,
			owner: who,
			new_owner,
			expires_at,
		});
		Ok(())
	}

	/// `accept_node_ownership` after the origin check: the node changes hands.
	pub(crate) fn do_accept_ownership(who: T::AccountId, node_id: &[u8]) -> DispatchResult {
		let node_id = Self::canonical_node_id(node_id)?;
		let offer = NodeOwnershipOffers::<T>::get(&node_id).ok_or(Error::<T>::NoOwnershipOffer)?;
		ensure!(offer.new_owner == who, Error::<T>::NotTheOfferedOwner);
		let now = frame_system::Pallet::<T>::block_number();
		ensure!(now <= offer.expires_at, Error::<T>::OwnershipOfferExpired);
		// Offers go with the node and with every change of owner, so the offerer still owns it.
		let mut info = ColdkeyNodeRegistrationV2::<T>::get(&node_id)
			.filter(|info| info.owner == offer.owner)
			.ok_or(Error::<T>::NoOwnershipOffer)?;
		ensure!(!Self::is_under_report(&node_id), Error::<T>::NodeUnderReport);
		Self::ensure_may_own(&who, info.node_type, now)?;
		let old_owner = info.owner.clone();
		let claims_share =
			info.node_type == NodeType::Validator && Self::claims_round_share(&old_owner);
		if claims_share {
			// The old owner keeps its share of the round's list; the new one may claim its own.
			ensure!(
				Self::validator_places_taken() < T::MaxValidators::get(),
				Error::<T>::TooManyValidators
			);
		}

		// The new owner's bond first: if it cannot be held, nothing changes hands.
		let old_bond = NodeBonds::<T>::take(&node_id);
		Self::hold_bond(&who, &node_id, info.node_type)?;
		NodeOwnershipOffers::<T>::remove(&node_id);
		if claims_share {
			Self::count_departed_reporter();
		}
		Self::detach_from_owner(&old_owner, &node_id, info.node_type);
		Self::attach_to_owner(&who, &node_id, info.node_type);
		info.owner = who.clone();
		ColdkeyNodeRegistrationV2::<T>::insert(&node_id, info);
		// Handing a node over is leaving it: the old owner waits before using the place again,
		// and its bond is released after the node's cooldown, as after a removal.
		Self::start_owner_cooldown(&old_owner, now);
		if let Some(amount) = old_bond {
			Self::settle_amount(&old_owner, &node_id, amount, None, now);
		}
		Self::deposit_event(Event::NodeOwnerSwapped { node_id, old_owner, new_owner: who });
		Ok(())
	}

	/// `cancel_node_ownership_offer` after the origin check.
	pub(crate) fn do_cancel_ownership_offer(who: T::AccountId, node_id: &[u8]) -> DispatchResult {
		let node_id = Self::canonical_node_id(node_id)?;
		let now = frame_system::Pallet::<T>::block_number();
		// An expired offer is gone, whether or not `on_initialize` has pruned it yet.
		let offer = NodeOwnershipOffers::<T>::get(&node_id)
			.filter(|offer| now <= offer.expires_at)
			.ok_or(Error::<T>::NoOwnershipOffer)?;
		ensure!(offer.owner == who, Error::<T>::NotNodeOwner);
		NodeOwnershipOffers::<T>::remove(&node_id);
		Self::deposit_event(Event::NodeOwnershipOfferCancelled {
			node_id,
			owner: who,
			new_owner: offer.new_owner,
		});
		Ok(())
	}
}
