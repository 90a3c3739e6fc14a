//! `consent`: an owner consent file, made (online through the `consent_payload` view function,
//! or offline from the genesis hash and the current block), signed with the owner's key, given
//! a signature made elsewhere, or checked (online through `consent_status`). Every report also
//! carries the call data that revokes the consent, for owners who only have polkadot.js apps.

use super::CommandError;
use crate::{
	amount::{show, Amount, Token},
	chain::ChainClient,
	consent::{ConsentTerms, OwnerSignature, SignatureScheme, SignedConsent, Validity},
	facts::BlockNumberWidth,
	keys::OwnerKey,
	outcome::OutcomeClass,
};
use pallet_registration::{ConsentStatus, NodeType, CONSENT_DOMAIN};
use sp_core::crypto::{AccountId32, Ss58Codec};
use std::path::{Path, PathBuf};

/// The call index of `revoke_consent` in the pallet (pinned by the pallet's upgrade tests).
pub const REVOKE_CALL_INDEX: u8 = 20;

/// What a new consent is to allow, as asked: [`ConsentTerms`] with the most fee as given, in
/// base units or in the chain's currency (read once the chain's [`Token`] is known).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewConsent {
	/// The owner that consents.
	pub owner: AccountId32,
	/// The node.
	pub peer_id: pallet_registration::peer_id::Ed25519PeerId,
	/// The node type it may be registered as.
	pub node_type: NodeType,
	/// The most registration fee one registration may take from the owner.
	pub max_fee: Amount,
	/// The most deposit (the node's bond) one registration may hold from the owner.
	pub max_deposit: Amount,
	/// Tells apart two consents of the same terms.
	pub nonce: u64,
	/// Also allow rotating the owner's node to this PeerId.
	pub may_rotate: bool,
}

impl NewConsent {
	/// The terms, with the fee and the deposit in base units (`token`: how the chain writes amounts, when known).
	pub fn terms(&self, token: Option<&Token>) -> Result<ConsentTerms, CommandError> {
		let max_fee = self
			.max_fee
			.base_units(token)
			.map_err(|e| CommandError::Invalid(format!("--max-fee: {e}")))?;
		let max_deposit = self
			.max_deposit
			.base_units(token)
			.map_err(|e| CommandError::Invalid(format!("--max-deposit: {e}")))?;
		Ok(ConsentTerms {
			owner: self.owner.clone(),
			peer_id: self.peer_id,
			node_type: self.node_type,
			max_fee,
			max_deposit,
			nonce: self.nonce,
			may_rotate: self.may_rotate,
		})
	}
}

/// What `consent` did: the report it prints, and whether the chain said the consent cannot be
/// used (`SlowRetry` until it can, `Fatal` for good), which decides the exit code.
#[derive(Debug)]
pub struct ConsentReport {
	/// The consent file's content, what was done, what the chain said, how to sign and revoke.
	pub report: serde_json::Value,
	/// `None` unless the chain was asked and refuses the consent.
	pub refused: Option<OutcomeClass>,
}

/// Where a new consent takes the chain's part from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConsentChainSource {
	/// The `consent_payload` view function of this endpoint (the genesis hash, the finalized
	/// block, the block number width and the lifetime's cap are the chain's).
	Online {
		/// The chain's JSON-RPC websocket.
		endpoint: String,
	},
	/// Given: what the chain would say.
	Offline {
		/// The chain's genesis hash.
		genesis_hash: [u8; 32],
		/// The current block (needed for a lifetime, not for a `valid_until`).
		block_number: Option<u64>,
		/// The chain's block number width.
		width: BlockNumberWidth,
	},
}

/// What `consent` does.
// One request per run: the size of its largest variant does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
pub enum ConsentRequest {
	/// Make a new consent file; signed when the owner's key is given.
	Create {
		/// What the owner consents to.
		terms: NewConsent,
		/// How long the consent stays valid.
		validity: Validity,
		/// Where the chain's part comes from.
		chain: ConsentChainSource,
		/// The owner's key, to sign here.
		owner_key: Option<OwnerKey>,
		/// The consent file to write.
		path: PathBuf,
		/// Replace an existing file.
		overwrite: bool,
		/// Offline: the pallet's index in the runtime, for the revocation's call data.
		pallet_index: u8,
	},
	/// Sign an existing consent file with the owner's key.
	Sign {
		/// The consent file.
		path: PathBuf,
		/// The owner's key.
		owner_key: OwnerKey,
		/// The pallet's index in the runtime, for the revocation's call data.
		pallet_index: u8,
	},
	/// Attach a signature made elsewhere to an existing consent file, once it verifies.
	Attach {
		/// The consent file.
		path: PathBuf,
		/// The signature, `0x` hex (bare, or a SCALE `MultiSignature`).
		signature: String,
		/// Its scheme (sr25519 when absent and not a `MultiSignature`).
		scheme: Option<SignatureScheme>,
		/// The pallet's index in the runtime, for the revocation's call data.
		pallet_index: u8,
	},
	/// Check a consent file (and ask the chain about it when an endpoint is given).
	Show {
		/// The consent file.
		path: PathBuf,
		/// The chain to ask `consent_status`.
		endpoint: Option<String>,
		/// Offline: the pallet's index in the runtime, for the revocation's call data.
		pallet_index: u8,
	},
}

/// Carries out `request`; returns what the CLI prints: the consent file's content, with what
/// was done (`action`), where (`consent_file`), whether it is signed, what the chain said, how
/// to sign it when it is not signed yet, and how to revoke it. The owner's secret is never part
/// of it.
pub async fn consent(request: ConsentRequest) -> Result<ConsentReport, CommandError> {
	let done = |report, refused| Ok(ConsentReport { report, refused });
	match request {
		ConsentRequest::Create {
			terms,
			validity,
			chain,
			owner_key,
			path,
			overwrite,
			pallet_index,
		} => {
			if !overwrite && path.exists() {
				return Err(CommandError::Invalid(format!(
					"{} exists; give --force to replace it",
					path.display()
				)));
			}
			if let Some(key) = &owner_key {
				if key.account_id() != terms.owner {
					return Err(CommandError::Invalid(
						"the owner secret is not the consent owner's".into(),
					));
				}
			}
			let (mut signed, chain_info, pallet_index) = match chain {
				ConsentChainSource::Online { endpoint } => {
					create_online(&endpoint, &terms, validity).await?
				}
				ConsentChainSource::Offline { genesis_hash, block_number, width } => {
					let valid_until = match validity {
						Validity::Until(block) => block,
						Validity::Lifetime(blocks) => block_number
							.ok_or_else(|| {
								CommandError::Invalid(
									"offline, --lifetime needs --block-number (or give \
									 --valid-until)"
										.into(),
								)
							})?
							.saturating_add(blocks),
					};
					let consent = terms.terms(None)?.consent(genesis_hash, valid_until);
					(SignedConsent::new(consent, width)?, None, pallet_index)
				}
			};
			if let Some(key) = &owner_key {
				signed.sign(key)?;
			}
			signed.save(&path)?;
			done(report("created", &path, &signed, chain_info, pallet_index), None)
		}
		ConsentRequest::Sign { path, owner_key, pallet_index } => {
			let mut signed = SignedConsent::load(&path)?;
			signed.sign(&owner_key)?;
			signed.save(&path)?;
			done(report("signed", &path, &signed, None, pallet_index), None)
		}
		ConsentRequest::Attach { path, signature, scheme, pallet_index } => {
			let mut signed = SignedConsent::load(&path)?;
			signed.attach(OwnerSignature::parse(&signature, scheme)?)?;
			signed.save(&path)?;
			done(report("attached", &path, &signed, None, pallet_index), None)
		}
		ConsentRequest::Show { path, endpoint, pallet_index } => {
			let signed = SignedConsent::load(&path)?;
			let Some(endpoint) = endpoint else {
				return done(report("checked", &path, &signed, None, pallet_index), None);
			};
			let client = ChainClient::connect(&endpoint).await?;
			let pallet_index = client.pallet_index().await?;
			let Some(signature) = signed.signature() else {
				// Nothing the chain could say of an unsigned consent: it is not usable yet.
				let report = report("checked", &path, &signed, None, pallet_index);
				return done(report, Some(OutcomeClass::Fatal));
			};
			let (block, status) = client.consent_status(signed.payload(), signature).await?;
			let chain_info = serde_json::json!({
				"block_number": block,
				"status": format!("{status:?}"),
				"usable": status == ConsentStatus::Valid,
			});
			let refused = match status {
				ConsentStatus::Valid => None,
				// A valid_until further ahead than the chain allows clears as blocks pass.
				ConsentStatus::LifetimeTooLong => Some(OutcomeClass::SlowRetry),
				_ => Some(OutcomeClass::Fatal),
			};
			done(report("checked", &path, &signed, Some(chain_info), pallet_index), refused)
		}
	}
}

/// The consent of `terms` as the chain's `consent_payload` view function makes it, checked to be
/// a consent of exactly these terms whose encoding is what the chain answered; and what the
/// chain said.
async fn create_online(
	endpoint: &str,
	asked: &NewConsent,
	validity: Validity,
) -> Result<(SignedConsent, Option<serde_json::Value>, u8), CommandError> {
	let client = ChainClient::connect(endpoint).await?;
	let token = client.token();
	let terms = &asked.terms(token)?;
	let answer = client.consent_payload(terms, validity).await?.ok_or_else(|| {
		CommandError::Invalid("the chain does not accept the node's PeerId".into())
	})?;
	let consent = &answer.consent;
	if consent.domain != CONSENT_DOMAIN || !terms.matches(consent) {
		return Err(CommandError::Invalid(
			"the chain's consent_payload answer is not a consent of the terms asked for".into(),
		));
	}
	let signed = SignedConsent::new(consent.clone(), answer.width)?;
	if signed.payload() != answer.bytes.as_slice() {
		return Err(CommandError::Invalid(
			"the chain's consent_payload bytes are not the encoding of its consent".into(),
		));
	}
	let now = answer.block_number;
	let max = answer.max_lifetime.map_or_else(|| "?".to_owned(), |m| m.to_string());
	let capped = match validity {
		Validity::Until(block) if consent.valid_until != block => {
			return Err(CommandError::Invalid(format!(
				"--valid-until {block} must lie after the current block {now} and at most \
				 MaxConsentLifetime ({max} blocks) ahead of it"
			)))
		}
		Validity::Until(_) => false,
		Validity::Lifetime(blocks) => consent.valid_until < now.saturating_add(blocks),
	};
	if capped {
		tracing::warn!(
			valid_until = consent.valid_until,
			max_consent_lifetime = %max,
			"the lifetime was capped at the chain's MaxConsentLifetime"
		);
	}
	// A consent whose max_fee is below the fee now cannot be used until the fee falls: say so
	// while the owner is still at hand.
	let fee = client.registration_fee(terms.node_type).await?;
	let below = fee.filter(|fee| terms.max_fee < *fee);
	if let Some(fee) = below {
		tracing::warn!(
			"the consent's max_fee of {} is below the current registration fee of {} for a {:?}: \
			 it cannot be used until the fee falls (it halves every day without a registration); \
			 give a higher --max-fee to use it now",
			show(terms.max_fee, token),
			show(fee, token),
			terms.node_type
		);
	}
	let info = serde_json::json!({
		"block_number": now,
		"max_consent_lifetime": answer.max_lifetime,
		"lifetime_capped": capped,
		"current_fee": fee.map(|fee| show(fee, token)),
		"max_fee": show(terms.max_fee, token),
		"max_fee_below_current_fee": below.is_some(),
	});
	Ok((signed, Some(info), client.pallet_index().await?))
}

/// The call data of `revoke_consent(consent)` for a runtime where the pallet has index
/// `pallet_index`: the owner submits it (in polkadot.js apps: Developer > Extrinsics > Decode).
pub fn revoke_call_data(signed: &SignedConsent, pallet_index: u8) -> Vec<u8> {
	let mut out = vec![pallet_index, REVOKE_CALL_INDEX];
	out.extend_from_slice(signed.payload());
	out
}

/// What `consent` prints: the file's content and what was done.
fn report(
	action: &str,
	path: &Path,
	signed: &SignedConsent,
	chain: Option<serde_json::Value>,
	pallet_index: u8,
) -> serde_json::Value {
	let mut out = signed.to_json();
	let file = path.display().to_string();
	if let Some(object) = out.as_object_mut() {
		object.insert(
			"revoke".into(),
			serde_json::json!({
				"call": "registration.revokeConsent",
				"callData": format!("0x{}", hex::encode(revoke_call_data(signed, pallet_index))),
				"palletIndex": pallet_index,
				"inApps": format!(
					"to revoke this consent: polkadot.js apps, Developer > Extrinsics > Decode: \
					 paste callData, then submit it signed by the owner ({})",
					signed.consent().owner.to_ss58check()
				),
			}),
		);
		object.insert("action".into(), action.into());
		object.insert("consent_file".into(), file.clone().into());
		object.insert("signed".into(), signed.signature().is_some().into());
		if let Some(chain) = chain {
			object.insert("chain".into(), chain);
		}
		if signed.signature().is_none() {
			let payload = format!("0x{}", hex::encode(signed.payload()));
			object.insert(
				"to_sign".into(),
				serde_json::json!({
					"registrar": format!(
						"on the owner's offline machine: registrar consent --consent-file {file} \
						 --owner-secret-file <owner secret>"
					),
					"polkadot_js": format!(
						"sign the payload {payload} as the owner (extension, or apps' Developer > \
						 Sign and verify: they sign <Bytes>payload</Bytes>), then: registrar \
						 consent --consent-file {file} --attach-signature <signature> \
						 [--scheme sr25519|ed25519|ecdsa]"
					),
					"subkey": format!(
						"subkey sign --hex --message {payload} [--scheme …] (bare bytes), then \
						 attach the signature as above"
					),
				}),
			);
		}
	}
	out
}
