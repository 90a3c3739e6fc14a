//! `consent`: an owner consent file, made (online through the `consent_payload` view function,
//! or offline from the genesis hash and the current block), signed with the owner's key, given
//! a signature made elsewhere, or checked (online through `consent_status`).

use super::CommandError;
use crate::{
	chain::ChainClient,
	consent::{ConsentTerms, OwnerSignature, SignatureScheme, SignedConsent, Validity},
	facts::BlockNumberWidth,
	keys::OwnerKey,
};
use pallet_registration::CONSENT_DOMAIN;
use std::path::{Path, PathBuf};

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
#[derive(Debug)]
pub enum ConsentRequest {
	/// Make a new consent file; signed when the owner's key is given.
	Create {
		/// What the owner consents to.
		terms: ConsentTerms,
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
	},
	/// Sign an existing consent file with the owner's key.
	Sign {
		/// The consent file.
		path: PathBuf,
		/// The owner's key.
		owner_key: OwnerKey,
	},
	/// Attach a signature made elsewhere to an existing consent file, once it verifies.
	Attach {
		/// The consent file.
		path: PathBuf,
		/// The signature, `0x` hex (bare, or a SCALE `MultiSignature`).
		signature: String,
		/// Its scheme (sr25519 when absent and not a `MultiSignature`).
		scheme: Option<SignatureScheme>,
	},
	/// Check a consent file (and ask the chain about it when an endpoint is given).
	Show {
		/// The consent file.
		path: PathBuf,
		/// The chain to ask `consent_status`.
		endpoint: Option<String>,
	},
}

/// Carries out `request`; returns what the CLI prints: the consent file's content, with what
/// was done (`action`), where (`consent_file`), whether it is signed, what the chain said, and
/// how to sign it when it is not signed yet. The owner's secret is never part of it.
pub async fn consent(request: ConsentRequest) -> Result<serde_json::Value, CommandError> {
	match request {
		ConsentRequest::Create { terms, validity, chain, owner_key, path, overwrite } => {
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
			let (mut signed, chain_info) = match chain {
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
					(SignedConsent::new(terms.consent(genesis_hash, valid_until), width)?, None)
				}
			};
			if let Some(key) = &owner_key {
				signed.sign(key)?;
			}
			signed.save(&path)?;
			Ok(report("created", &path, &signed, chain_info))
		}
		ConsentRequest::Sign { path, owner_key } => {
			let mut signed = SignedConsent::load(&path)?;
			signed.sign(&owner_key)?;
			signed.save(&path)?;
			Ok(report("signed", &path, &signed, None))
		}
		ConsentRequest::Attach { path, signature, scheme } => {
			let mut signed = SignedConsent::load(&path)?;
			signed.attach(OwnerSignature::parse(&signature, scheme)?)?;
			signed.save(&path)?;
			Ok(report("attached", &path, &signed, None))
		}
		ConsentRequest::Show { path, endpoint } => {
			let signed = SignedConsent::load(&path)?;
			let chain_info = match (&endpoint, signed.signature()) {
				(Some(endpoint), Some(signature)) => {
					let client = ChainClient::connect(endpoint).await?;
					let (block, status) =
						client.consent_status(signed.payload(), signature).await?;
					Some(serde_json::json!({
						"block_number": block,
						"status": format!("{status:?}"),
						"usable": status == pallet_registration::ConsentStatus::Valid,
					}))
				}
				_ => None,
			};
			Ok(report("checked", &path, &signed, chain_info))
		}
	}
}

/// The consent of `terms` as the chain's `consent_payload` view function makes it, checked to be
/// a consent of exactly these terms whose encoding is what the chain answered; and what the
/// chain said.
async fn create_online(
	endpoint: &str,
	terms: &ConsentTerms,
	validity: Validity,
) -> Result<(SignedConsent, Option<serde_json::Value>), CommandError> {
	let client = ChainClient::connect(endpoint).await?;
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
	let info = serde_json::json!({
		"block_number": now,
		"max_consent_lifetime": answer.max_lifetime,
		"lifetime_capped": capped,
	});
	Ok((signed, Some(info)))
}

/// What `consent` prints: the file's content and what was done.
fn report(
	action: &str,
	path: &Path,
	signed: &SignedConsent,
	chain: Option<serde_json::Value>,
) -> serde_json::Value {
	let mut out = signed.to_json();
	let file = path.display().to_string();
	if let Some(object) = out.as_object_mut() {
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
