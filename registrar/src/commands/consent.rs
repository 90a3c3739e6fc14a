//! `consent`: an owner consent file, made (online through the `consent_payload` view function,
//! or offline from the genesis hash and the current block), signed with the owner's key, given
//! a signature made elsewhere, or checked (online through `consent_status`); or the consents of
//! a fleet, one file per PeerId with the same terms, made (and signed) in one step. Every report
//! also carries the call data that revokes the consent, for owners who only have polkadot.js
//! apps.
//!
//! Before the owner's key signs, the terms are shown on stderr ([`terms_text`]) and agreed to
//! ([`Confirm`]: at the terminal, [`AskOnTerminal`]; or given beforehand, `--yes`:
//! [`AssumeYes`]); declined, nothing is signed or written.

use super::CommandError;
use crate::{
	amount::{show, Amount, Token},
	chain::ChainClient,
	consent::{ConsentTerms, OwnerSignature, SignatureScheme, SignedConsent, Validity},
	facts::BlockNumberWidth,
	keys::OwnerKey,
	outcome::OutcomeClass,
};
use pallet_registration::{peer_id::Ed25519PeerId, ConsentStatus, NodeType, CONSENT_DOMAIN};
use sp_core::crypto::{AccountId32, Ss58Codec};
use std::{
	collections::BTreeSet,
	path::{Path, PathBuf},
};

/// The call index of `revoke_consent` in the pallet (pinned by the pallet's upgrade tests).
pub const REVOKE_CALL_INDEX: u8 = 20;

/// Whether the owner agrees to sign the terms it is shown, asked before its key signs a
/// consent.
pub trait Confirm: Sync {
	/// Shows `terms` ([`terms_text`]) and answers whether to sign them; an error refuses too.
	fn confirm(&self, terms: &str) -> Result<bool, CommandError>;
}

/// Agreement given beforehand (`registrar consent --yes`, for scripts): the terms are shown on
/// stderr, then signed.
#[derive(Clone, Copy, Debug, Default)]
pub struct AssumeYes;

impl Confirm for AssumeYes {
	fn confirm(&self, terms: &str) -> Result<bool, CommandError> {
		eprint!("{terms}");
		eprintln!("Signing (--yes).");
		Ok(true)
	}
}

/// The owner at the terminal: the terms and the question on stderr, the answer a line of stdin
/// (`y` or `yes` signs, anything else declines). Refused when stdin is not a terminal: a
/// script says `--yes` ([`AssumeYes`]).
#[derive(Clone, Copy, Debug, Default)]
pub struct AskOnTerminal;

impl Confirm for AskOnTerminal {
	fn confirm(&self, terms: &str) -> Result<bool, CommandError> {
		use std::io::{IsTerminal, Write};
		eprint!("{terms}");
		let stdin = std::io::stdin();
		if !stdin.is_terminal() {
			return Err(CommandError::Unconfirmed(NOT_A_TERMINAL.into()));
		}
		eprint!("Sign it with the owner's key? [y/N] ");
		let _ = std::io::stderr().flush();
		let mut answer = String::new();
		stdin
			.read_line(&mut answer)
			.map_err(|e| CommandError::Unconfirmed(format!("no answer: {e}")))?;
		Ok(matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes"))
	}
}

/// Why a consent is not signed without `--yes` when stdin is not a terminal.
pub const NOT_A_TERMINAL: &str = "the owner's key signs a consent only once its terms are agreed \
	to at the terminal, and stdin is not a terminal: give --yes to sign the terms shown without \
	asking (as a script must)";

/// What the owner is about to sign, as shown before its key signs: the PeerId (or each
/// PeerId of a fleet, whose consents share every other term), the node type, the most fee and
/// deposit (in the chain's currency when `token` says how it writes amounts, else in base
/// units), the last block it can be used in, whether it allows a rotation, and the chain's
/// genesis hash.
pub fn terms_text(consents: &[SignedConsent], token: Option<&Token>) -> String {
	let Some(first) = consents.first() else { return String::new() };
	let terms = first.consent();
	let mut text = format!(
		"The owner {} is about to consent to {}:\n",
		terms.owner.to_ss58check(),
		if consents.len() == 1 { "this".to_owned() } else { format!("{} nodes", consents.len()) }
	);
	let mut line = |label: &str, value: String| text.push_str(&format!("  {label:<17}{value}\n"));
	for consent in consents {
		line("node (PeerId):", consent.peer_id_base58());
	}
	line("node type:", format!("{:?}", terms.node_type));
	line("max fee:", show(terms.max_fee, token));
	line("max deposit:", show(terms.max_deposit, token));
	line("valid until:", format!("block {}", terms.valid_until));
	line(
		"may rotate:",
		if terms.may_rotate {
			"yes (the owner's node may be moved to this key)".into()
		} else {
			"no".into()
		},
	);
	line("chain (genesis):", format!("0x{}", hex::encode(terms.genesis_hash)));
	text
}

/// Signs `consents` with `key` once `confirm` agrees to the terms ([`terms_text`]); declined,
/// none is signed.
fn sign_confirmed(
	consents: &mut [SignedConsent],
	key: &OwnerKey,
	token: Option<&Token>,
	confirm: &dyn Confirm,
) -> Result<(), CommandError> {
	if !confirm.confirm(&terms_text(consents, token))? {
		return Err(CommandError::Unconfirmed("declined; nothing was signed or written".into()));
	}
	for consent in consents {
		consent.sign(key)?;
	}
	Ok(())
}

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

/// What the consents of a fleet are to allow: the same terms for every PeerId, each consent
/// with a nonce of its own.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewConsents {
	/// The owner that consents.
	pub owner: AccountId32,
	/// The nodes, one consent each (distinct).
	pub peer_ids: Vec<Ed25519PeerId>,
	/// The node type each may be registered as.
	pub node_type: NodeType,
	/// The most registration fee one registration may take from the owner.
	pub max_fee: Amount,
	/// The most deposit (the node's bond) one registration may hold from the owner.
	pub max_deposit: Amount,
	/// Also allow rotating the owner's node to each PeerId.
	pub may_rotate: bool,
}

impl NewConsents {
	/// One consent per PeerId, in the list's order, each with a random nonce, no two alike.
	pub fn each(&self) -> Vec<NewConsent> {
		let nonces = distinct_nonces(self.peer_ids.len(), rand::random);
		self.peer_ids
			.iter()
			.zip(nonces)
			.map(|(peer_id, nonce)| NewConsent {
				owner: self.owner.clone(),
				peer_id: *peer_id,
				node_type: self.node_type,
				max_fee: self.max_fee.clone(),
				max_deposit: self.max_deposit.clone(),
				nonce,
				may_rotate: self.may_rotate,
			})
			.collect()
	}
}

/// `count` nonces from `draw`, drawn again when one repeats, so that no two are alike.
fn distinct_nonces(count: usize, mut draw: impl FnMut() -> u64) -> Vec<u64> {
	let mut seen = BTreeSet::new();
	let mut nonces = Vec::with_capacity(count);
	while nonces.len() < count {
		let nonce = draw();
		if seen.insert(nonce) {
			nonces.push(nonce);
		}
	}
	nonces
}

/// The name of a fleet's consent file for `peer_id` in its directory: `<PeerId>.json`.
pub fn consent_file_name(peer_id: &Ed25519PeerId) -> String {
	format!("{}.json", String::from_utf8_lossy(&peer_id.to_node_id()))
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
	/// Make the consents of a fleet in one step: one consent file per PeerId, named
	/// [`consent_file_name`], in a directory; all signed when the owner's key is given. Nothing
	/// is written unless every consent could be made and signed, and no file would be replaced
	/// without `overwrite`.
	CreateMany {
		/// What the owner consents to, and for which nodes.
		terms: NewConsents,
		/// How long the consents stay valid (all until the same block).
		validity: Validity,
		/// Where the chain's part comes from.
		chain: ConsentChainSource,
		/// The owner's key, to sign here.
		owner_key: Option<OwnerKey>,
		/// The directory to write the files in (made when missing).
		dir: PathBuf,
		/// Replace existing files of the same names.
		overwrite: bool,
		/// Offline: the pallet's index in the runtime, for the revocations' call data.
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
/// of it. Before the owner's key signs anything, `confirm` is shown the terms and must agree.
pub async fn consent(
	request: ConsentRequest,
	confirm: &dyn Confirm,
) -> Result<ConsentReport, CommandError> {
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
			let (signed, chain_info, pallet_index, token) = match chain {
				ConsentChainSource::Online { endpoint } => {
					create_online(&endpoint, &terms, validity).await?
				}
				ConsentChainSource::Offline { genesis_hash, block_number, width } => {
					let valid_until = offline_valid_until(validity, block_number)?;
					let consent = terms.terms(None)?.consent(genesis_hash, valid_until);
					(SignedConsent::new(consent, width)?, None, pallet_index, None)
				}
			};
			let mut signed = [signed];
			if let Some(key) = &owner_key {
				sign_confirmed(&mut signed, key, token.as_ref(), confirm)?;
			}
			let [signed] = signed;
			signed.save(&path)?;
			done(report("created", &path, &signed, chain_info, pallet_index), None)
		}
		ConsentRequest::CreateMany {
			terms,
			validity,
			chain,
			owner_key,
			dir,
			overwrite,
			pallet_index,
		} => {
			let fleet = Fleet { terms, validity, chain, owner_key, pallet_index };
			done(create_many(fleet, &dir, overwrite, confirm).await?, None)
		}
		ConsentRequest::Sign { path, owner_key, pallet_index } => {
			// Offline: amounts in base units (the chain's decimals are not known here).
			let mut signed = [SignedConsent::load(&path)?];
			sign_confirmed(&mut signed, &owner_key, None, confirm)?;
			let [signed] = signed;
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

/// The block an offline consent is valid until: `--valid-until`, or the current block (given)
/// plus the lifetime.
fn offline_valid_until(validity: Validity, block_number: Option<u64>) -> Result<u64, CommandError> {
	Ok(match validity {
		Validity::Until(block) => block,
		Validity::Lifetime(blocks) => block_number
			.ok_or_else(|| {
				CommandError::Invalid(
					"offline, --lifetime needs --block-number (or give --valid-until)".into(),
				)
			})?
			.saturating_add(blocks),
	})
}

/// What a fleet's consents are made of: [`ConsentRequest::CreateMany`]'s terms, validity,
/// chain, owner's key and pallet index.
struct Fleet {
	terms: NewConsents,
	validity: Validity,
	chain: ConsentChainSource,
	owner_key: Option<OwnerKey>,
	pallet_index: u8,
}

/// The consents of a fleet: checks that no file would be replaced (unless `overwrite`) and that
/// the key is the owner's, makes every consent (the first one as a single consent is made
/// online, the others until the same block), signs them once `confirm` agrees, and only then
/// writes them.
async fn create_many(
	fleet: Fleet,
	dir: &Path,
	overwrite: bool,
	confirm: &dyn Confirm,
) -> Result<serde_json::Value, CommandError> {
	let Fleet { terms, validity, chain, owner_key, pallet_index } = fleet;
	let files: Vec<PathBuf> =
		terms.peer_ids.iter().map(|peer| dir.join(consent_file_name(peer))).collect();
	if !overwrite {
		let existing: Vec<_> = files.iter().filter(|file| file.exists()).collect();
		if let Some(first) = existing.first() {
			return Err(CommandError::Invalid(format!(
				"{} of the {} consent files exist already ({}{}); give --force to replace them",
				existing.len(),
				files.len(),
				first.display(),
				if existing.len() > 1 { ", …" } else { "" }
			)));
		}
	}
	if owner_key.as_ref().is_some_and(|key| key.account_id() != terms.owner) {
		return Err(CommandError::Invalid("the owner secret is not the consent owner's".into()));
	}
	let asked = terms.each();
	let mut consents = Vec::with_capacity(asked.len());
	let mut token = None;
	let (chain_info, pallet_index) = match chain {
		ConsentChainSource::Online { endpoint } => {
			let client = ChainClient::connect(&endpoint).await?;
			token = client.token().cloned();
			let mut info = None;
			let mut index = pallet_index;
			for one in &asked {
				match consents.first().map(|first: &SignedConsent| first.consent().valid_until) {
					None => {
						let (signed, first_info, first_index, _) =
							create_on(&client, one, validity).await?;
						(info, index) = (first_info, first_index);
						consents.push(signed);
					}
					// The others until the first one's block, whatever blocks came since.
					Some(until) => {
						let terms = one.terms(client.token())?;
						let (signed, _) =
							payload_checked(&client, &terms, Validity::Until(until)).await?;
						consents.push(signed);
					}
				}
			}
			(info, index)
		}
		ConsentChainSource::Offline { genesis_hash, block_number, width } => {
			let valid_until = offline_valid_until(validity, block_number)?;
			for one in &asked {
				let consent = one.terms(None)?.consent(genesis_hash, valid_until);
				consents.push(SignedConsent::new(consent, width)?);
			}
			(None, pallet_index)
		}
	};
	if let Some(key) = &owner_key {
		sign_confirmed(&mut consents, key, token.as_ref(), confirm)?;
	}
	std::fs::create_dir_all(dir).map_err(|source| crate::consent::ConsentError::Io {
		path: dir.display().to_string(),
		source,
	})?;
	for (signed, file) in consents.iter().zip(&files) {
		signed.save(file)?;
	}
	Ok(batch_report(dir, &consents, &files, chain_info, pallet_index))
}

/// The consent of `terms` as the chain's `consent_payload` view function makes it, checked to be
/// a consent of exactly these terms whose encoding is what the chain answered; and what the
/// chain said.
async fn create_online(
	endpoint: &str,
	asked: &NewConsent,
	validity: Validity,
) -> Result<Created, CommandError> {
	let client = ChainClient::connect(endpoint).await?;
	create_on(&client, asked, validity).await
}

/// A consent made online: the consent, what the chain said, the pallet's index and how the
/// chain writes amounts.
type Created = (SignedConsent, Option<serde_json::Value>, u8, Option<Token>);

/// [`create_online`] through a connected client.
async fn create_on(
	client: &ChainClient,
	asked: &NewConsent,
	validity: Validity,
) -> Result<Created, CommandError> {
	let token = client.token();
	let terms = &asked.terms(token)?;
	let (signed, answer) = payload_checked(client, terms, validity).await?;
	let consent = signed.consent();
	let now = answer.block_number;
	let max = answer.max_lifetime.map_or_else(|| "?".to_owned(), |m| m.to_string());
	let capped = match validity {
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
	Ok((signed, Some(info), client.pallet_index().await?, token.cloned()))
}

/// The consent of `terms` from the chain's `consent_payload` view function, checked: a consent
/// of exactly these terms, whose encoding is the bytes the chain answered, and valid until the
/// block asked for when one was; and the chain's answer.
async fn payload_checked(
	client: &ChainClient,
	terms: &ConsentTerms,
	validity: Validity,
) -> Result<(SignedConsent, crate::chain::ConsentPayloadAnswer), CommandError> {
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
	if let Validity::Until(block) = validity {
		if consent.valid_until != block {
			let max = answer.max_lifetime.map_or_else(|| "?".to_owned(), |m| m.to_string());
			return Err(CommandError::Invalid(format!(
				"--valid-until {block} must lie after the current block {} and at most \
				 MaxConsentLifetime ({max} blocks) ahead of it",
				answer.block_number
			)));
		}
	}
	Ok((signed, answer))
}

/// The call data of `revoke_consent(consent)` for a runtime where the pallet has index
/// `pallet_index`: the owner submits it (in polkadot.js apps: Developer > Extrinsics > Decode).
pub fn revoke_call_data(signed: &SignedConsent, pallet_index: u8) -> Vec<u8> {
	let mut out = vec![pallet_index, REVOKE_CALL_INDEX];
	out.extend_from_slice(signed.payload());
	out
}

/// What `consent --peer-id-file` prints: what was done, the terms every consent shares (the
/// consent file's fields but the PeerId and the nonce), what the chain said, and per consent
/// its PeerId, file, nonce, hash and the call data that revokes it; how to sign them when they
/// are not signed yet.
fn batch_report(
	dir: &Path,
	consents: &[SignedConsent],
	files: &[PathBuf],
	chain: Option<serde_json::Value>,
	pallet_index: u8,
) -> serde_json::Value {
	let signed = consents.iter().all(|c| c.signature().is_some());
	let mut terms = consents.first().map(|c| c.to_json()).unwrap_or_default();
	let bits = terms.get("block_number_bits").cloned();
	let mut terms = terms.get_mut("consent").map(serde_json::Value::take).unwrap_or_default();
	if let Some(fields) = terms.as_object_mut() {
		fields.remove("peer_id");
		fields.remove("nonce");
		if let Some(bits) = bits {
			fields.insert("block_number_bits".into(), bits);
		}
	}
	let each: Vec<_> = consents
		.iter()
		.zip(files)
		.map(|(consent, file)| {
			serde_json::json!({
				"peer_id": consent.peer_id_base58(),
				"consent_file": file.display().to_string(),
				"nonce": consent.consent().nonce.to_string(),
				"consent_hash": format!("0x{}", hex::encode(consent.hash())),
				"revoke_call_data":
					format!("0x{}", hex::encode(revoke_call_data(consent, pallet_index))),
			})
		})
		.collect();
	let owner = consents.first().map(|c| c.consent().owner.to_ss58check()).unwrap_or_default();
	let dir_text = dir.display().to_string();
	let mut out = serde_json::json!({
		"action": "created",
		"consent_dir": dir_text,
		"count": consents.len(),
		"signed": signed,
		"terms": terms,
		"consents": each,
		"revoke": {
			"call": "registration.revokeConsent",
			"palletIndex": pallet_index,
			"inApps": format!(
				"to revoke one of these consents: polkadot.js apps, Developer > Extrinsics > \
				 Decode: paste its revoke_call_data, then submit it signed by the owner ({owner})"
			),
		},
		"to_run": format!(
			"copy each node's own file to its host (the files hold no secret), e.g. scp \
			 {dir_text}/<PeerId>.json <host>:/etc/registrar/consent.json, and run registrar run \
			 --consent-file /etc/registrar/consent.json --submitter-secret-file … there"
		),
	});
	if let (Some(object), Some(chain)) = (out.as_object_mut(), chain) {
		object.insert("chain".into(), chain);
	}
	if !signed {
		if let Some(object) = out.as_object_mut() {
			object.insert(
				"to_sign".into(),
				serde_json::json!({
					"registrar": format!(
						"on the owner's offline machine, every file: for f in {dir_text}/*.json; \
						 do registrar consent --consent-file \"$f\" --owner-secret-file <owner \
						 secret> || break; done"
					),
					"elsewhere": "sign each file's payload as the owner and attach the signature: \
						registrar consent --consent-file <file> --attach-signature <signature> \
						[--scheme sr25519|ed25519|ecdsa]",
				}),
			);
		}
	}
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

#[cfg(test)]
mod tests {
	use super::*;
	use crate::{
		consent::{SignedMessage, Validity},
		keys::NodeKey,
		secret::SecretText,
		RegistrationConfig,
	};

	fn key(uri: &str) -> OwnerKey {
		OwnerKey::from_suri(&SecretText::new(uri.into())).unwrap()
	}

	fn nodes() -> Vec<NodeKey> {
		(1..=5u8).map(|seed| NodeKey::from_seed(&[seed; 32])).collect()
	}

	fn fleet(owner: &OwnerKey) -> NewConsents {
		NewConsents {
			owner: owner.account_id(),
			peer_ids: nodes().iter().map(NodeKey::peer_id).collect(),
			node_type: NodeType::ComputeMiner,
			max_fee: Amount::Base(7_000),
			max_deposit: Amount::Base(10_000),
			may_rotate: true,
		}
	}

	fn offline(width: BlockNumberWidth) -> ConsentChainSource {
		ConsentChainSource::Offline { genesis_hash: [0x45; 32], block_number: Some(100), width }
	}

	fn many(
		terms: NewConsents,
		owner_key: Option<OwnerKey>,
		dir: &Path,
		overwrite: bool,
	) -> ConsentRequest {
		ConsentRequest::CreateMany {
			terms,
			validity: Validity::Lifetime(50),
			chain: offline(BlockNumberWidth::U64),
			owner_key,
			dir: dir.to_path_buf(),
			overwrite,
			pallet_index: 7,
		}
	}

	/// `text` with every run of whitespace one space.
	fn flat(text: &str) -> String {
		text.split_whitespace().collect::<Vec<_>>().join(" ")
	}

	/// An owner at a scripted terminal: answers `answer`, and keeps what it was shown.
	struct Scripted {
		answer: bool,
		shown: std::sync::Mutex<Vec<String>>,
	}

	impl Scripted {
		fn new(answer: bool) -> Self {
			Self { answer, shown: std::sync::Mutex::new(Vec::new()) }
		}

		fn shown(&self) -> Vec<String> {
			self.shown.lock().unwrap().clone()
		}
	}

	impl Confirm for Scripted {
		fn confirm(&self, terms: &str) -> Result<bool, CommandError> {
			self.shown.lock().unwrap().push(terms.to_owned());
			Ok(self.answer)
		}
	}

	fn create(path: &Path, owner_key: Option<OwnerKey>, node: &NodeKey) -> ConsentRequest {
		ConsentRequest::Create {
			terms: NewConsent {
				owner: key("//Alice").account_id(),
				peer_id: node.peer_id(),
				node_type: NodeType::GpuMiner,
				max_fee: Amount::Base(7_000),
				max_deposit: Amount::Base(10_000),
				nonce: 5,
				may_rotate: true,
			},
			validity: Validity::Lifetime(50),
			chain: offline(BlockNumberWidth::U64),
			owner_key,
			path: path.to_path_buf(),
			overwrite: true,
			pallet_index: 7,
		}
	}

	/// Issue 30, finding 8: `consent --owner-secret-file` signed at once and showed the terms
	/// only afterwards.
	#[tokio::test]
	async fn the_owner_is_shown_the_terms_and_agrees_before_its_key_signs() {
		let dir = tempfile::tempdir().unwrap();
		let path = dir.path().join("consent.json");
		let node = NodeKey::from_seed(&[3; 32]);
		// Declined: nothing signed, nothing written.
		let no = Scripted::new(false);
		let declined = consent(create(&path, Some(key("//Alice")), &node), &no).await;
		assert!(matches!(declined, Err(CommandError::Unconfirmed(_))), "{declined:?}");
		assert!(!path.exists());
		let shown = no.shown();
		assert_eq!(shown.len(), 1, "{shown:?}");
		let alice = key("//Alice").ss58();
		let genesis = format!("0x{}", "45".repeat(32));
		let terms = flat(&shown[0]);
		for term in [
			alice.as_str(),
			&format!("node (PeerId): {}", node.peer_id_base58()),
			"node type: GpuMiner",
			"max fee: 7000 base units",
			"max deposit: 10000 base units",
			"valid until: block 150",
			"may rotate: yes",
			&format!("chain (genesis): {genesis}"),
		] {
			assert!(terms.contains(term), "{term:?} not in {}", shown[0]);
		}
		// Agreed: signed, then written.
		let yes = Scripted::new(true);
		let done = consent(create(&path, Some(key("//Alice")), &node), &yes).await.unwrap();
		assert_eq!(done.report["signed"], true);
		assert_eq!(yes.shown(), shown);
		// Made unsigned (no owner's key here): nothing to agree to.
		let unasked = Scripted::new(false);
		consent(create(&path, None, &node), &unasked).await.unwrap();
		assert!(unasked.shown().is_empty());
		// Signed afterwards, as the owner's offline machine does: asked the same way.
		let sign = || ConsentRequest::Sign {
			path: path.clone(),
			owner_key: key("//Alice"),
			pallet_index: 7,
		};
		assert!(consent(sign(), &no).await.is_err());
		assert!(SignedConsent::load(&path).unwrap().signature().is_none(), "signed anyway");
		let done = consent(sign(), &yes).await.unwrap();
		assert_eq!(done.report["signed"], true);
		assert!(yes.shown()[1].contains(&node.peer_id_base58()));
	}

	#[tokio::test]
	async fn a_fleets_terms_list_every_peer_id_once_and_nothing_is_signed_when_declined() {
		let dir = tempfile::tempdir().unwrap();
		let out = dir.path().join("consents");
		let no = Scripted::new(false);
		let alice = key("//Alice");
		let declined = consent(many(fleet(&alice), Some(key("//Alice")), &out, false), &no).await;
		assert!(declined.is_err());
		assert!(!out.exists(), "nothing written");
		let shown = no.shown();
		assert_eq!(shown.len(), 1, "asked once for the fleet");
		assert!(shown[0].contains("to consent to 5 nodes"), "{}", shown[0]);
		for node in nodes() {
			assert_eq!(shown[0].matches(&node.peer_id_base58()).count(), 1, "{}", shown[0]);
		}
	}

	#[test]
	fn the_terms_show_amounts_in_the_chains_currency_when_it_is_known() {
		let node = NodeKey::from_seed(&[3; 32]);
		let terms = ConsentTerms {
			owner: key("//Alice").account_id(),
			peer_id: node.peer_id(),
			node_type: NodeType::StorageMiner,
			max_fee: 2_500_000_000_000_000_000,
			max_deposit: 0,
			nonce: 1,
			may_rotate: false,
		};
		let consent =
			SignedConsent::new(terms.consent([7; 32], 99), BlockNumberWidth::U64).unwrap();
		let unit = Token { symbol: "UNIT".into(), decimals: 18 };
		let text = flat(&terms_text(std::slice::from_ref(&consent), Some(&unit)));
		assert!(text.contains("max fee: 2.5 UNIT max deposit: 0 UNIT"), "{text}");
		assert!(text.contains("may rotate: no chain"), "{text}");
		assert!(text.contains("to consent to this:"), "{text}");
	}

	#[test]
	fn nonces_are_drawn_again_until_none_repeats() {
		let mut script = [5u64, 5, 6, 5, 6, 7].into_iter();
		assert_eq!(distinct_nonces(3, || script.next().unwrap()), [5, 6, 7]);
		assert!(distinct_nonces(0, || unreachable!()).is_empty());
		let drawn = fleet(&key("//Alice")).each();
		let nonces: BTreeSet<_> = drawn.iter().map(|c| c.nonce).collect();
		assert_eq!((drawn.len(), nonces.len()), (5, 5));
	}

	#[tokio::test]
	async fn a_fleets_consents_share_their_terms_and_each_runs_its_own_node() {
		let alice = key("//Alice");
		let dir = tempfile::tempdir().unwrap();
		let out = dir.path().join("consents");
		let done = consent(many(fleet(&alice), Some(key("//Alice")), &out, false), &AssumeYes)
			.await
			.unwrap();
		assert_eq!(done.refused, None);
		let report = done.report;
		assert_eq!(
			(report["action"].as_str(), report["count"].as_u64()),
			(Some("created"), Some(5))
		);
		assert_eq!(report["signed"], true);
		assert!(report.get("to_sign").is_none(), "{report}");
		// The shared terms: the consent file's fields but the PeerId and the nonce.
		let terms = &report["terms"];
		assert_eq!(terms["owner"], alice.ss58().as_str());
		assert_eq!(terms["node_type"], "ComputeMiner");
		assert_eq!(
			(terms["max_fee"].as_str(), terms["max_deposit"].as_str()),
			(Some("7000"), Some("10000"))
		);
		assert_eq!(
			(terms["valid_until"].as_u64(), terms["may_rotate"].as_bool()),
			(Some(150), Some(true))
		);
		assert_eq!(terms["block_number_bits"], 64);
		assert!(terms.get("peer_id").is_none() && terms.get("nonce").is_none(), "{terms}");

		let submitter = key("//Dave");
		let mut nonces = BTreeSet::new();
		let listed = report["consents"].as_array().unwrap();
		assert_eq!(listed.len(), 5);
		assert_eq!(std::fs::read_dir(&out).unwrap().count(), 5, "one file each, nothing else");
		for (node, entry) in nodes().into_iter().zip(listed) {
			// Named by its PeerId, and what `run --consent-file` loads and checks.
			let file = out.join(format!("{}.json", node.peer_id_base58()));
			assert_eq!(entry["consent_file"], file.display().to_string().as_str());
			assert_eq!(entry["peer_id"], node.peer_id_base58().as_str());
			let loaded = SignedConsent::load(&file).unwrap();
			let signature = loaded.require_signature().unwrap();
			assert!(signature.verifies(loaded.payload(), &alice.account_id()));
			assert_eq!(loaded.signed_message(), Some(SignedMessage::Bare));
			let consent = loaded.consent().clone();
			assert_eq!(entry["nonce"], consent.nonce.to_string().as_str());
			assert_eq!(entry["consent_hash"], format!("0x{}", hex::encode(loaded.hash())).as_str());
			assert!(entry["revoke_call_data"].as_str().unwrap().starts_with("0x0714"));
			assert!(nonces.insert(consent.nonce), "a nonce of its own");
			let expected = ConsentTerms {
				owner: alice.account_id(),
				peer_id: node.peer_id(),
				node_type: NodeType::ComputeMiner,
				max_fee: 7_000,
				max_deposit: 10_000,
				nonce: consent.nonce,
				may_rotate: true,
			};
			assert_eq!(consent, expected.consent([0x45; 32], 150));
			assert_eq!(loaded.width(), BlockNumberWidth::U64);
			// Its own node runs with it; another node is refused.
			let other = NodeKey::from_seed(&[9; 32]);
			let config = RegistrationConfig::with_consent(
				"ws://x",
				node,
				loaded.clone(),
				submitter.clone(),
				dir.path(),
			)
			.unwrap();
			assert_eq!(config.node_type, NodeType::ComputeMiner);
			assert!(matches!(
				RegistrationConfig::with_consent(
					"ws://x",
					other,
					loaded,
					submitter.clone(),
					dir.path()
				),
				Err(crate::consent::ConsentError::NodeMismatch { .. })
			));
		}
	}

	#[tokio::test]
	async fn a_fleets_consents_replace_no_file_without_force() {
		let alice = key("//Alice");
		let dir = tempfile::tempdir().unwrap();
		let out = dir.path().to_path_buf();
		let first = nodes()[2].peer_id_base58();
		let taken = out.join(format!("{first}.json"));
		std::fs::write(&taken, "mine").unwrap();
		let error = consent(many(fleet(&alice), None, &out, false), &AssumeYes)
			.await
			.unwrap_err()
			.to_string();
		assert!(error.contains("1 of the 5 consent files exist already"), "{error}");
		assert!(error.contains(&first) && error.contains("--force"), "{error}");
		// Nothing written: the one file is as it was, and alone.
		assert_eq!(std::fs::read_to_string(&taken).unwrap(), "mine");
		assert_eq!(std::fs::read_dir(&out).unwrap().count(), 1);
		// With --force, unsigned: every file, and how to sign them.
		let done = consent(many(fleet(&alice), None, &out, true), &AssumeYes).await.unwrap();
		assert_eq!(done.report["signed"], false);
		let hint = done.report["to_sign"]["registrar"].as_str().unwrap();
		assert!(hint.contains("--owner-secret-file"), "{hint}");
		assert_eq!(std::fs::read_dir(&out).unwrap().count(), 5);
		let replaced = SignedConsent::load(&taken).unwrap();
		assert!(replaced.signature().is_none());
		assert_eq!(replaced.peer_id_base58(), first);
	}

	#[tokio::test]
	async fn a_fleets_consents_are_all_refused_before_any_is_written() {
		let dir = tempfile::tempdir().unwrap();
		let out = dir.path().join("consents");
		// Another account's secret than the owner's.
		let error =
			consent(many(fleet(&key("//Alice")), Some(key("//Bob")), &out, false), &AssumeYes)
				.await
				.unwrap_err()
				.to_string();
		assert!(error.contains("not the consent owner's"), "{error}");
		assert!(!out.exists());
		// Offline, a lifetime without the current block.
		let request = ConsentRequest::CreateMany {
			terms: fleet(&key("//Alice")),
			validity: Validity::Lifetime(50),
			chain: ConsentChainSource::Offline {
				genesis_hash: [0; 32],
				block_number: None,
				width: BlockNumberWidth::U64,
			},
			owner_key: None,
			dir: out.clone(),
			overwrite: false,
			pallet_index: 7,
		};
		let error = consent(request, &AssumeYes).await.unwrap_err().to_string();
		assert!(error.contains("--block-number"), "{error}");
		// A valid_until beyond 32-bit block numbers.
		let request = ConsentRequest::CreateMany {
			terms: fleet(&key("//Alice")),
			validity: Validity::Until(u64::from(u32::MAX) + 1),
			chain: offline(BlockNumberWidth::U32),
			owner_key: None,
			dir: out.clone(),
			overwrite: false,
			pallet_index: 7,
		};
		assert!(consent(request, &AssumeYes).await.is_err());
		// Offline, the chain's decimals are unknown: an amount in UNIT is refused.
		let in_units = NewConsents {
			max_fee: Amount::Units { value: "1".into(), symbol: "UNIT".into() },
			..fleet(&key("//Alice"))
		};
		let error =
			consent(many(in_units, None, &out, false), &AssumeYes).await.unwrap_err().to_string();
		assert!(error.contains("--max-fee"), "{error}");
		assert!(!out.exists(), "nothing written");
	}
}
