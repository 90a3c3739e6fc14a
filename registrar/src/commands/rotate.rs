//! `rotate`: moves a registered node to a new key. Reads what [`judge::decide_rotation`] asks
//! for, builds the new key's challenge and the old key's statement, submits `rotate_node_key`
//! (signed by the owner, or by a submitter holding the owner's consent), waits for a finalized
//! block and confirms by the pallet's `NodeKeyRotated` and a read-back there.

use crate::{
	chain::{within, ChainClient},
	chain_error::ChainError,
	challenge::ChallengeInputs,
	facts::{BlockNumberWidth, Included},
	judge::{self, Decision, Fact, RotationFacts, RotationIntent},
	keys::NodeKey,
	outcome::{class_of, pallet_error, OutcomeClass},
	rotation::RotationCall,
	service::Authority,
};
use serde::Serialize;
use sp_core::crypto::Ss58Codec;
use std::time::Duration;

/// The call that rotates a node's key.
const ROTATE_CALL: &str = "rotate_node_key";

/// A key rotation to carry out.
#[derive(Clone, Debug)]
pub struct RotateRequest {
	/// The chain's JSON-RPC websocket.
	pub endpoint: String,
	/// The node's current key (it signs the rotation statement).
	pub old_key: NodeKey,
	/// The new key (it signs a registration challenge).
	pub new_key: NodeKey,
	/// The owner's key, or its consent to the new PeerId (with `may_rotate`) and a
	/// submitter's key.
	pub authority: Authority,
	/// Blocks the new key's challenge stays valid (capped by `MaxChallengeLifetime`).
	pub challenge_lifetime: u64,
	/// Blocks the transaction stays valid (capped by the lifetime).
	pub mortality: u64,
	/// The chain's block number width; detected when absent.
	pub block_number_width: Option<BlockNumberWidth>,
	/// Longest wait for a read or a connection.
	pub rpc_timeout: Duration,
	/// Longest wait for the transaction to be finalized.
	pub submit_timeout: Duration,
}

impl RotateRequest {
	/// What [`judge::decide_rotation`] decides on.
	pub fn intent(&self) -> RotationIntent {
		RotationIntent {
			old_node_id: self.old_key.peer_id_base58(),
			new_node_id: self.new_key.peer_id_base58(),
			owner: self.authority.owner_account(),
			consent: self.authority.consent_intent(),
			challenge_lifetime: self.challenge_lifetime,
			mortality: self.mortality,
			block_number_width: self.block_number_width,
		}
	}
}

/// What a rotation came to (what `rotate` prints).
#[derive(Clone, Debug, Serialize)]
pub struct RotationOutcome {
	/// `registered` when the node is registered under the new key (rotated now or before),
	/// else why not, as for a registration attempt.
	pub class: OutcomeClass,
	/// The node moved to the new key in this run.
	pub rotated: bool,
	/// Whether a transaction was submitted.
	pub submitted: bool,
	/// A one-line description.
	pub detail: String,
	/// The node's previous PeerId.
	pub old_peer_id: String,
	/// Its new PeerId.
	pub new_peer_id: String,
	/// The node's owner (SS58).
	pub owner: String,
	/// The account that signed the transaction (SS58).
	pub signer: String,
	/// The finalized block the rotation was included in.
	pub block_number: Option<u64>,
	/// Its hash.
	pub block_hash: Option<String>,
	/// The pallet error's name, when the dispatch failed in the pallet.
	pub pallet_error: Option<String>,
}

/// Connects (within the RPC timeout) and rotates once.
pub async fn rotate(request: &RotateRequest) -> Result<RotationOutcome, ChainError> {
	let client = ChainClient::connect_within(&request.endpoint, request.rpc_timeout).await?;
	Ok(rotate_once(&client, request).await)
}

/// One rotation: reads what the judge asks for, prepares and submits `rotate_node_key`, and
/// confirms it; nothing is submitted when the judge refuses or finds it done already.
pub async fn rotate_once(client: &ChainClient, request: &RotateRequest) -> RotationOutcome {
	let intent = request.intent();
	let outcome = |class, detail: String| RotationOutcome {
		class,
		rotated: false,
		submitted: false,
		detail,
		old_peer_id: intent.old_node_id.clone(),
		new_peer_id: intent.new_node_id.clone(),
		owner: intent.owner.to_ss58check(),
		signer: request.authority.signer().ss58(),
		block_number: None,
		block_hash: None,
		pallet_error: None,
	};
	let failed = |error: &ChainError, submitted: bool| RotationOutcome {
		submitted,
		pallet_error: pallet_error(error).map(str::to_owned),
		..outcome(class_of(error), error.to_string())
	};
	let limit = request.rpc_timeout;
	let signer = request.authority.signer();
	let signer_account = signer.account_id();
	let mut facts = RotationFacts::default();
	let mut prepared = None;
	loop {
		match judge::decide_rotation(&intent, &facts) {
			Decision::Read(Fact::Rotation) => {
				let (old, new) = (intent.old_node_id.as_bytes(), intent.new_node_id.as_bytes());
				let read = client.rotation_read(old, new, &signer_account);
				match within(limit, read).await {
					Ok(read) => facts.read = Some(read),
					Err(e) => return failed(&e, false),
				}
			}
			Decision::Read(Fact::Context) => match within(limit, client.context()).await {
				Ok(context) => facts.context = Some(context),
				Err(e) => return failed(&e, false),
			},
			Decision::Read(Fact::Consent) => {
				let Some(consent) = request.authority.consent() else {
					return failed(&missing(), false);
				};
				let read = client.consent_facts(consent, &signer_account);
				match within(limit, read).await {
					Ok(read) => facts.consent = Some(read),
					Err(e) => return failed(&e, false),
				}
			}
			Decision::Read(Fact::Policy) => return failed(&missing(), false),
			Decision::Prepare(plan) => {
				let Some(context) = facts.context else { return failed(&missing(), false) };
				let inputs =
					ChallengeInputs::fresh(plan.genesis_hash, plan.block_number, plan.lifetime);
				let call = RotationCall::new(
					&request.old_key,
					&request.new_key,
					&intent.owner,
					inputs,
					plan.width,
				);
				let args = match call.map_err(|e| e.to_string()).and_then(|call| {
					call.encode_args(request.authority.consent()).map_err(|e| e.to_string())
				}) {
					Ok(args) => args,
					Err(detail) => return outcome(OutcomeClass::Fatal, detail),
				};
				let signed =
					client.prepare_call(ROTATE_CALL, &args, signer, plan.mortality, &context);
				let signed = match within(limit, signed).await {
					Ok(signed) => signed,
					Err(e) => return failed(&e, false),
				};
				let fee = match within(limit, client.transaction_fee(&signed)).await {
					Ok(fee) => fee,
					Err(error) => {
						tracing::debug!(%error, "cannot estimate the transaction fee; counting none");
						0
					}
				};
				facts.transaction_fee = Some(fee);
				prepared = Some(signed);
			}
			Decision::Submit(plan) => {
				let Some(signed) = prepared.take() else { return failed(&missing(), false) };
				tracing::info!(
					old = %intent.old_node_id,
					new = %intent.new_node_id,
					block = plan.block_number,
					"submitting rotate_node_key"
				);
				let submitted =
					within(request.submit_timeout, client.submit_prepared(signed)).await;
				return match submitted {
					Ok(included) => confirm(client, request, &intent, included, &outcome).await,
					Err(e) => failed(&e, true),
				};
			}
			Decision::Park { detail } => return outcome(OutcomeClass::Registered, detail),
			Decision::Conflict { detail } => return outcome(OutcomeClass::Conflict, detail),
			Decision::Refuse(refusal) => return outcome(refusal.class, refusal.reason),
			Decision::Hold { reason, .. } => return outcome(OutcomeClass::FastRetry, reason),
			Decision::Degraded { detail } => return outcome(OutcomeClass::SlowRetry, detail),
		}
	}
}

/// The outcome of an included rotation: confirmed by the event and a read-back at the
/// finalized block of inclusion.
async fn confirm(
	client: &ChainClient,
	request: &RotateRequest,
	intent: &RotationIntent,
	included: Included,
	outcome: impl Fn(OutcomeClass, String) -> RotationOutcome,
) -> RotationOutcome {
	let at = |mut o: RotationOutcome| {
		o.submitted = true;
		o.block_number = Some(included.block_number);
		o.block_hash = Some(included.block_hash.clone());
		o
	};
	let hash = hex::decode(included.block_hash.trim_start_matches("0x"))
		.ok()
		.and_then(|b| <[u8; 32]>::try_from(b).ok())
		.map(subxt::config::substrate::H256);
	let Some(hash) = hash else {
		let detail = format!("bad block hash {}", included.block_hash);
		return at(outcome(OutcomeClass::FastRetry, detail));
	};
	let read_back = client.view_at_hash(hash, intent.new_node_id.as_bytes(), &intent.owner);
	let read_back = match within(request.rpc_timeout, read_back).await {
		Ok(view) => view,
		Err(e) => return at(outcome(class_of(&e), e.to_string())),
	};
	let confirmation = judge::rotation_confirmed(intent, &included.events, &read_back);
	if confirmation.registered() {
		let detail = format!(
			"node {} moved to {} in finalized block {} ({})",
			intent.old_node_id, intent.new_node_id, included.block_number, included.block_hash
		);
		RotationOutcome { rotated: true, ..at(outcome(OutcomeClass::Registered, detail)) }
	} else {
		let detail = format!(
			"included in block {} but not confirmed (event: {}, read-back: {})",
			included.block_number, confirmation.event, confirmation.read_back
		);
		at(outcome(OutcomeClass::FastRetry, detail))
	}
}

/// A step the judge asked for out of order (a bug, reported rather than panicking).
fn missing() -> ChainError {
	ChainError::Decode("the rotation lost track of its steps".into())
}
