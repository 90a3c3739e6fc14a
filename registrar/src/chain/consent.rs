//! The reads of owner consents and key rotations: the consent an owner would sign now (the
//! `consent_payload` view function), a consent's standing (`consent_status`), and what a key
//! rotation depends on. Decoded with the pallet crate's own types, in the block number width
//! detected when connecting.

use super::{reads::account_key, rpc, view_functions, ChainClient, ChainConfig};
use crate::{
	chain_error::ChainError,
	consent::{Consent, ConsentTerms, OwnerSignature, SignedConsent, Validity},
	facts::{BlockNumberWidth, ConsentFacts, RotationRead, PALLET},
};
use codec::{Decode, Encode};
use pallet_registration::{ConsentPayload, ConsentStatus, OwnerConsent};
use sp_core::crypto::AccountId32;
use subxt::client::OnlineClientAtBlock;

/// The `consent_payload` view function's answer: the consent the owner would sign now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConsentPayloadAnswer {
	/// The finalized block it was computed at ("now" for the lifetime).
	pub block_number: u64,
	/// The consent (block numbers widened to `u64`).
	pub consent: Consent,
	/// Its encoding, as the chain made it: the bytes to sign.
	pub bytes: Vec<u8>,
	/// The width the chain encodes block numbers in.
	pub width: BlockNumberWidth,
	/// The pallet's `MaxConsentLifetime` (the view function caps the lifetime at it).
	pub max_lifetime: Option<u64>,
}

impl ChainClient {
	/// The consent of `terms` the chain would have the owner sign now (the `consent_payload`
	/// view function, at the finalized block), valid for `validity`; `None` when the chain
	/// finds the PeerId unacceptable. `Validity::Until` asks for the lifetime that reaches it
	/// from that block (nothing when it is past).
	pub async fn consent_payload(
		&self,
		terms: &ConsentTerms,
		validity: Validity,
	) -> Result<Option<ConsentPayloadAnswer>, ChainError> {
		let read = async {
			let at = self.api.at_current_block().await.map_err(rpc)?;
			let now = at.block_number();
			let lifetime = match validity {
				Validity::Lifetime(blocks) => blocks,
				Validity::Until(block) => block.saturating_sub(now),
			};
			let width = self.width_or_default();
			let mut input = terms.owner.encode();
			terms.peer_id.to_raw().to_vec().encode_to(&mut input);
			terms.node_type.encode_to(&mut input);
			terms.max_fee.encode_to(&mut input);
			terms.max_deposit.encode_to(&mut input);
			match width {
				BlockNumberWidth::U64 => lifetime.encode_to(&mut input),
				BlockNumberWidth::U32 => {
					u32::try_from(lifetime).unwrap_or(u32::MAX).encode_to(&mut input)
				}
			}
			terms.nonce.encode_to(&mut input);
			terms.may_rotate.encode_to(&mut input);
			let (output, _) = view_functions::call(&at, "consent_payload", &input).await?;
			let err = |e: codec::Error| ChainError::Decode(format!("consent_payload: {e}"));
			let mut bytes = output.as_slice();
			let answer = match width {
				BlockNumberWidth::U64 => Option::<ConsentPayload<Consent>>::decode(&mut bytes)
					.map_err(err)?
					.map(|p| (p.consent, p.bytes)),
				BlockNumberWidth::U32 => {
					type Narrow = OwnerConsent<AccountId32, u128, u32>;
					Option::<ConsentPayload<Narrow>>::decode(&mut bytes).map_err(err)?.map(|p| {
						let c = p.consent;
						let wide = OwnerConsent {
							domain: c.domain,
							genesis_hash: c.genesis_hash,
							owner: c.owner,
							peer_id: c.peer_id,
							node_type: c.node_type,
							max_fee: c.max_fee,
							max_deposit: c.max_deposit,
							valid_until: u64::from(c.valid_until),
							nonce: c.nonce,
							may_rotate: c.may_rotate,
						};
						(wide, p.bytes)
					})
				}
			};
			let max_lifetime = at
				.constants()
				.entry(subxt::dynamic::constant::<u64>(PALLET, "MaxConsentLifetime"))
				.ok();
			Ok(answer.map(|(consent, bytes)| ConsentPayloadAnswer {
				block_number: now,
				consent,
				bytes,
				width,
				max_lifetime,
			}))
		};
		read.await.map_err(|e| self.scrub(e))
	}

	/// The `consent_status` view function for `payload` (a consent's encoding in the chain's
	/// width) and `signature`, at the finalized block: that block's number and the answer.
	pub async fn consent_status(
		&self,
		payload: &[u8],
		signature: &OwnerSignature,
	) -> Result<(u64, ConsentStatus), ChainError> {
		let read = async {
			let at = self.api.at_current_block().await.map_err(rpc)?;
			Ok((at.block_number(), self.consent_status_at(&at, payload, signature).await?))
		};
		read.await.map_err(|e| self.scrub(e))
	}

	/// What a registration or rotation with `consent`, submitted by `submitter`, depends on:
	/// the consent's standing and what the submitter can spend, at the finalized block.
	pub async fn consent_facts(
		&self,
		consent: &SignedConsent,
		submitter: &AccountId32,
	) -> Result<ConsentFacts, ChainError> {
		let read = async {
			let signature = consent
				.require_signature()
				.map_err(|e| ChainError::Decode(format!("the consent cannot be checked: {e}")))?;
			let at = self.api.at_current_block().await.map_err(rpc)?;
			let status = self.consent_status_at(&at, consent.payload(), signature).await?;
			let submitter_spendable = self.spendable(&at, submitter).await?;
			Ok(ConsentFacts { block_number: at.block_number(), status, submitter_spendable })
		};
		read.await.map_err(|e| self.scrub(e))
	}

	async fn consent_status_at(
		&self,
		at: &OnlineClientAtBlock<ChainConfig>,
		payload: &[u8],
		signature: &OwnerSignature,
	) -> Result<ConsentStatus, ChainError> {
		let mut input = payload.to_vec();
		input.extend(signature.encode());
		let (output, _) = view_functions::call(at, "consent_status", &input).await?;
		ConsentStatus::decode(&mut output.as_slice())
			.map_err(|e| ChainError::Decode(format!("consent_status: {e}")))
	}

	/// What moving the node `old_id` to `new_id` depends on, at the finalized block: both
	/// registry records, the owner's ban, the rotation and removal cooldowns, and what
	/// `signer` (who signs the transaction) can spend.
	pub async fn rotation_read(
		&self,
		old_id: &[u8],
		new_id: &[u8],
		signer: &AccountId32,
	) -> Result<RotationRead, ChainError> {
		let read = async {
			let at = self.api.at_current_block().await.map_err(rpc)?;
			let cooldown = at
				.constants()
				.entry(subxt::dynamic::constant::<u64>(PALLET, "NodeCooldownPeriod"))
				.map_err(|e| ChainError::Metadata(e.to_string()))?;
			let old_node = self.record(&at, "node_by_id", &old_id.to_vec().encode()).await?;
			let new_node = self.record(&at, "node_by_id", &new_id.to_vec().encode()).await?;
			let banned = match &old_node {
				Some(record) => {
					self.flag(&at, "BannedAccounts", account_key(&record.owner).0).await?
				}
				None => false,
			};
			let rotated = self.block_entry(&at, "NodeKeyRotatedAt", old_id.to_vec()).await?;
			let removed = self.block_entry(&at, "NodeLastDeregisteredAt", new_id.to_vec()).await?;
			Ok(RotationRead {
				block_number: at.block_number(),
				old_node,
				new_node,
				banned,
				rotation_cooldown_until: rotated.map(|at| at.saturating_add(cooldown)),
				new_node_cooldown_until: removed.map(|at| at.saturating_add(cooldown)),
				signer_spendable: self.spendable(&at, signer).await?,
			})
		};
		read.await.map_err(|e| self.scrub(e))
	}
}
