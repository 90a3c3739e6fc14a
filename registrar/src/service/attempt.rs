//! One registration attempt ([`register_once`]): reads what [`judge::decide`] (or
//! [`judge::decide_with_consent`]) asks for, acts on its answer (prepare, submit), and turns the
//! result into an [`AttemptOutcome`].

use super::{config::Authority, RegistrationConfig};
use crate::{
	chain::{within, ChainClient, PreparedCall},
	chain_error::ChainError,
	challenge::{ChallengeInputs, RegistrationCall},
	facts::{ChainView, Included},
	judge::{self, AfterRefusal, Decision, Fact, Facts, Plan},
	outcome::{AttemptOutcome, Cost, OutcomeClass},
};

/// The owner's registration (its key signs).
const OWNER_CALL: &str = "register_node_with_coldkey";
/// The registration with the owner's consent (a submitter signs).
const CONSENT_CALL: &str = "register_node_with_consent";

/// One attempt: read the chain (finalized); if the node is not registered to this owner (and
/// neither it nor the owner is taken, nor would the pallet refuse for a ban, a disabled type, a
/// cooldown that lasts past the next block, a validator's stake, the owner's balance against
/// the current fee, or credits), build a fresh challenge from the best block (held while
/// finality lags more than half its lifetime), submit, wait for finalization, and confirm by
/// the pallet's event plus a storage read-back at the finalized block. What to do at each step
/// is [`judge::decide`]'s answer. With an owner's consent, the consent is checked on the chain
/// (`consent_status`, its `max_fee` against the fee) before the submitter signs
/// `register_node_with_consent`.
pub async fn register_once(client: &ChainClient, config: &RegistrationConfig) -> AttemptOutcome {
	register_within(client, config, u128::MAX).await
}

/// [`register_once`] that submits only a registration whose estimated cost (the transaction
/// fee and the registration fee) is at most `allowance` base units (what the daily budget
/// leaves: [`crate::budget`]); else it ends `over_budget`, having submitted nothing. A
/// submitted registration's outcome says what it is counted as costing
/// ([`AttemptOutcome::cost`]).
pub(super) async fn register_within(
	client: &ChainClient,
	config: &RegistrationConfig,
	allowance: u128,
) -> AttemptOutcome {
	match attempt(client, config, Mode::Submit { allowance }).await {
		Ended::Outcome(outcome) | Ended::Changed(outcome) => outcome,
		// (Only a read-only attempt stops there.)
		Ended::Stands => AttemptOutcome::chain_error(&missing(), false, None),
	}
}

/// What a read-only attempt found, while a refusal is remembered for this configuration
/// ([`crate::judge::after_refusal`]).
pub(super) enum RefusalCheck {
	/// The judge would submit again, as when the chain refused: the refusal stands, and
	/// nothing was submitted (nor signed).
	Stands,
	/// Nothing was decided (a read failed, finality lags): this outcome, to back off on.
	Undecided(AttemptOutcome),
	/// The judge decides otherwise now (park, conflict, degraded, a refusal of its own): the
	/// refusal no longer applies; this attempt's outcome, which submitted nothing.
	Changed(AttemptOutcome),
}

/// [`register_once`]'s reads and decisions, submitting nothing: whether a refusal remembered
/// for this configuration still stands.
pub(super) async fn check_refusal(
	client: &ChainClient,
	config: &RegistrationConfig,
) -> RefusalCheck {
	match attempt(client, config, Mode::ReadOnly).await {
		Ended::Stands => RefusalCheck::Stands,
		Ended::Outcome(outcome) => RefusalCheck::Undecided(outcome),
		Ended::Changed(outcome) => RefusalCheck::Changed(outcome),
	}
}

/// Whether an attempt may submit.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
	/// It may, within `allowance` base units: [`register_within`].
	Submit {
		/// The most the submission may cost.
		allowance: u128,
	},
	/// It may not: [`check_refusal`].
	ReadOnly,
}

/// How an attempt ended.
enum Ended {
	/// With this outcome (read-only: undecided).
	Outcome(AttemptOutcome),
	/// Read-only, at a decision to submit.
	Stands,
	/// Read-only, at a decision of another kind, with its outcome.
	Changed(AttemptOutcome),
}

async fn attempt(client: &ChainClient, config: &RegistrationConfig, mode: Mode) -> Ended {
	let intent = config.intent();
	let consent_intent = config.authority.consent_intent();
	let owner = &intent.owner;
	let node_id = config.node_id();
	let limit = config.rpc_timeout;
	let view = match within(limit, client.view(&node_id, owner)).await {
		Ok(view) => view,
		Err(e) => return Ended::Outcome(AttemptOutcome::chain_error(&e, false, None)),
	};
	let mut facts = Facts { token: client.token().cloned(), ..Facts::new(view) };
	let mut consent_facts = None;
	let mut prepared = None;
	loop {
		let fail = |e: &ChainError, facts: &Facts| {
			Ended::Outcome(AttemptOutcome::chain_error(e, false, Some(facts.view.clone())))
		};
		let decision = match &consent_intent {
			None => judge::decide(&intent, &facts),
			Some(consent) => {
				judge::decide_with_consent(&intent, consent, &facts, consent_facts.as_ref())
			}
		};
		if mode == Mode::ReadOnly {
			match judge::after_refusal(&decision) {
				AfterRefusal::Stands => return Ended::Stands,
				AfterRefusal::Changed => return Ended::Changed(verdict(decision, facts.view)),
				// The reads go on below; a hold ends the attempt undecided.
				AfterRefusal::Undecided => {}
			}
		}
		match decision {
			Decision::Read(Fact::Policy) => {
				let read = client.policy(&node_id, owner, config.node_type, config.pay_in_credits);
				match within(limit, read).await {
					Ok(policy) => facts.policy = Some(policy),
					Err(e) => return fail(&e, &facts),
				}
			}
			Decision::Read(Fact::Context) => match within(limit, client.context()).await {
				Ok(context) => facts.context = Some(context),
				Err(e) => return fail(&e, &facts),
			},
			Decision::Read(Fact::Consent) => {
				let Authority::Consent { consent, submitter } = &config.authority else {
					return fail(&missing(), &facts);
				};
				let submitter = submitter.account_id();
				let read = client.consent_facts(consent, &submitter);
				match within(limit, read).await {
					Ok(read) => consent_facts = Some(read),
					Err(e) => return fail(&e, &facts),
				}
			}
			Decision::Prepare(plan) => {
				let call = match build_call(config, &plan) {
					Ok(call) => call,
					Err(detail) => {
						let view = Some(facts.view.clone());
						return Ended::Outcome(AttemptOutcome::failed(
							OutcomeClass::Fatal,
							detail,
							view,
						));
					}
				};
				let Some(context) = facts.context else { return fail(&missing(), &facts) };
				let signed = prepare(client, config, &call, plan.mortality, &context);
				let signed = match within(limit, signed).await {
					Ok(signed) => signed,
					Err(e) => return fail(&e, &facts),
				};
				// The owner pays the transaction fee before the registration fee: both must fit
				// (with a consent, the submitter pays the transaction fee).
				let fee = match within(limit, client.transaction_fee(&signed)).await {
					Ok(fee) => fee,
					Err(error) => {
						tracing::debug!(%error, "cannot estimate the transaction fee; counting none");
						0
					}
				};
				let policy = facts.policy.as_ref();
				tracing::debug!(
					transaction_fee = fee,
					fee = ?policy.and_then(|p| p.fee),
					spendable = ?policy.and_then(|p| p.spendable),
					"funds"
				);
				facts.transaction_fee = Some(fee);
				prepared = Some((call, signed));
			}
			Decision::Submit(plan) => {
				let Some((call, signed)) = prepared.take() else {
					return fail(&missing(), &facts);
				};
				let estimate = Estimate::of(config, &facts);
				if let Mode::Submit { allowance } = mode {
					if estimate.total() > allowance {
						let detail = format!(
							"not submitted: the registration would cost up to {} (fee and \
							 transaction fee) and the daily budget has {} left",
							crate::amount::show(estimate.total(), facts.token.as_ref()),
							crate::amount::show(allowance, facts.token.as_ref()),
						);
						return Ended::Outcome(AttemptOutcome {
							over_budget: true,
							..AttemptOutcome::failed(
								OutcomeClass::SlowRetry,
								detail,
								Some(facts.view),
							)
						});
					}
				}
				tracing::info!(
					block = call.inputs.block_number,
					finalized = facts.context.map(|c| c.finalized_block_number),
					expires_at = call.inputs.expires_at,
					node_type = ?config.node_type,
					call = match config.authority {
						Authority::Owner(_) => OWNER_CALL,
						Authority::Consent { .. } => CONSENT_CALL,
					},
					"submitting the registration"
				);
				let submitted = within(config.submit_timeout, client.submit_prepared(signed)).await;
				let cost = estimate.cost_of(&submitted);
				let outcome = submission_outcome(client, config, submitted, facts.view).await;
				return Ended::Outcome(AttemptOutcome {
					finality_lag: Some(plan.finality_lag),
					cost,
					..outcome
				});
			}
			decision => return Ended::Outcome(verdict(decision, facts.view)),
		}
	}
}

/// What a registration is estimated to cost before it is signed: the transaction fee the
/// chain estimates, and the registration fee when it is charged in the currency.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Estimate {
	/// The transaction fee.
	pub transaction_fee: u128,
	/// The registration fee.
	pub registration_fee: u128,
}

impl Estimate {
	/// The estimate of the facts read for `config`'s registration.
	fn of(config: &RegistrationConfig, facts: &Facts) -> Self {
		let registration_fee = facts
			.policy
			.as_ref()
			.filter(|policy| policy.fee_charging && !config.pay_in_credits)
			.and_then(|policy| policy.fee)
			.unwrap_or(0);
		Self { transaction_fee: facts.transaction_fee.unwrap_or(0), registration_fee }
	}

	/// Both fees.
	pub fn total(&self) -> u128 {
		self.transaction_fee.saturating_add(self.registration_fee)
	}

	/// What a submission that ended in `submitted` is counted as costing: what the chain's
	/// events say it paid (the estimate where they do not say); with no
	/// events, nothing when the pool refused it (it was never included), the transaction fee
	/// when its dispatch failed (the registration fee is not charged then), and both fees
	/// otherwise (lost, timed out: it may have been included).
	pub fn cost_of(&self, submitted: &Result<Included, ChainError>) -> Option<Cost> {
		let (transaction_fee, registration_fee, estimated) = match submitted {
			Ok(included) => match included.transaction_fee_paid {
				Some(fee) => (fee, included.registration_fee_paid, false),
				None => (
					self.transaction_fee,
					self.registration_fee.max(included.registration_fee_paid),
					true,
				),
			},
			Err(ChainError::Pool(_)) => return None,
			Err(ChainError::Dispatch(_)) => (self.transaction_fee, 0, true),
			Err(_) => (self.transaction_fee, self.registration_fee, true),
		};
		let amount = transaction_fee.saturating_add(registration_fee);
		Some(Cost { amount, estimated, transaction_fee })
	}
}

/// A step [`judge::decide`] asked for out of order (a bug, reported rather than panicking).
fn missing() -> ChainError {
	ChainError::Decode("the attempt lost track of its prepared transaction".into())
}

/// The transaction of `call`, signed: the owner's `register_node_with_coldkey`, or the
/// submitter's `register_node_with_consent` with the owner's consent.
async fn prepare(
	client: &ChainClient,
	config: &RegistrationConfig,
	call: &RegistrationCall,
	mortality: u64,
	context: &crate::facts::ChainContext,
) -> Result<PreparedCall, ChainError> {
	match &config.authority {
		Authority::Owner(owner) => {
			client.prepare_call(OWNER_CALL, &call.encode_args(), owner, mortality, context).await
		}
		Authority::Consent { consent, submitter } => {
			let args = consent
				.registration_args(call)
				.map_err(|e| ChainError::Decode(format!("the consent: {e}")))?;
			client.prepare_call(CONSENT_CALL, &args, submitter, mortality, context).await
		}
	}
}

/// The signed call along `plan`, with a fresh nonce; why it cannot be built otherwise (the
/// configuration's fault: fatal).
fn build_call(config: &RegistrationConfig, plan: &Plan) -> Result<RegistrationCall, String> {
	let inputs = ChallengeInputs::fresh(plan.genesis_hash, plan.block_number, plan.lifetime);
	RegistrationCall::new(
		&config.node_key,
		&config.authority.owner_account(),
		config.node_type,
		config.pay_in_credits,
		inputs,
		plan.width,
	)
	.map_err(|e| e.to_string())
}

/// The outcome of a decision that ends the attempt without a submission.
fn verdict(decision: Decision, view: ChainView) -> AttemptOutcome {
	if let Decision::Park { detail } = decision {
		return AttemptOutcome::registered(view, false, detail);
	}
	let view = Some(view);
	match decision {
		Decision::Conflict { detail } => {
			AttemptOutcome::failed(OutcomeClass::Conflict, detail, view)
		}
		Decision::Degraded { detail } => AttemptOutcome {
			degraded: true,
			..AttemptOutcome::failed(OutcomeClass::SlowRetry, detail, view)
		},
		Decision::Refuse(refusal) => AttemptOutcome::failed(refusal.class, refusal.reason, view),
		Decision::Hold { reason, finality_lag } => AttemptOutcome {
			finality_lag: Some(finality_lag),
			..AttemptOutcome::failed(OutcomeClass::FastRetry, reason, view)
		},
		Decision::Park { .. } | Decision::Read(_) | Decision::Prepare(_) | Decision::Submit(_) => {
			AttemptOutcome::chain_error(&missing(), false, view)
		}
	}
}

/// The outcome of a submitted registration: confirmed by the event and a read-back at the
/// finalized block of inclusion, or classified by its error.
async fn submission_outcome(
	client: &ChainClient,
	config: &RegistrationConfig,
	submitted: Result<Included, ChainError>,
	view: ChainView,
) -> AttemptOutcome {
	let intent = config.intent();
	let node_id = config.node_id();
	let included = match submitted {
		Ok(included) => included,
		Err(error) => {
			let mut outcome = AttemptOutcome::chain_error(&error, true, Some(view));
			if outcome.class == OutcomeClass::Conflict {
				// Someone may have registered this very node for this owner meanwhile (another
				// transaction of ours): read back before calling it a conflict.
				let read = within(config.rpc_timeout, client.view(&node_id, &intent.owner)).await;
				if let Ok(after) = read {
					match judge::by_ownership(&intent, &after) {
						Some(decision) => {
							return AttemptOutcome { submitted: true, ..verdict(decision, after) }
						}
						None => outcome.view = Some(after),
					}
				}
			}
			return outcome;
		}
	};
	let Some(hash) = parse_hash(&included.block_hash) else {
		let detail = format!("bad block hash {}", included.block_hash);
		return AttemptOutcome::failed(OutcomeClass::FastRetry, detail, Some(view));
	};
	let read_back =
		within(config.rpc_timeout, client.view_at_hash(hash, &node_id, &intent.owner)).await;
	let after = match read_back {
		Ok(after) => after,
		Err(e) => return AttemptOutcome::chain_error(&e, true, Some(view)),
	};
	let confirmation = judge::confirmed(&intent, &included.events, &after);
	if confirmation.registered() {
		let detail = format!(
			"registered in finalized block {} ({})",
			included.block_number, included.block_hash
		);
		AttemptOutcome::registered(after, true, detail)
	} else {
		let detail = format!(
			"included in block {} but not confirmed (event: {}, read-back: {})",
			included.block_number, confirmation.event, confirmation.read_back
		);
		AttemptOutcome {
			submitted: true,
			..AttemptOutcome::failed(OutcomeClass::FastRetry, detail, Some(after))
		}
	}
}

fn parse_hash(text: &str) -> Option<subxt::config::substrate::H256> {
	let bytes: [u8; 32] = hex::decode(text.trim_start_matches("0x")).ok()?.try_into().ok()?;
	Some(subxt::config::substrate::H256(bytes))
}

#[cfg(test)]
mod tests {
	use super::*;

	const UNIT: u128 = 1_000_000_000_000_000_000;

	fn included(transaction_fee_paid: Option<u128>, registration_fee_paid: u128) -> Included {
		Included {
			block_number: 7,
			block_hash: "0x07".into(),
			events: Vec::new(),
			transaction_fee_paid,
			registration_fee_paid,
		}
	}

	/// Issue 30, finding 4: a submission's cost is what the chain's events say it paid, and
	/// where they are not known, the most it could have cost: never nothing for a
	/// transaction that may have been included.
	#[test]
	fn a_submission_counts_what_the_events_say_else_the_most_it_could_have_cost() {
		let estimate = Estimate { transaction_fee: UNIT / 100, registration_fee: UNIT };
		assert_eq!(estimate.total(), UNIT + UNIT / 100);
		let cost = |submitted: Result<Included, ChainError>| estimate.cost_of(&submitted);
		let paid = cost(Ok(included(Some(UNIT / 200), UNIT))).unwrap();
		assert_eq!((paid.amount, paid.estimated), (UNIT + UNIT / 200, false));
		assert_eq!(paid.transaction_fee, UNIT / 200);
		// Included (but maybe never confirmed) without the fee's event: the estimate.
		let unnamed = cost(Ok(included(None, 0))).unwrap();
		assert_eq!((unnamed.amount, unnamed.estimated), (estimate.total(), true));
		// Lost or timed out: both fees.
		for lost in [ChainError::Timeout(120), ChainError::Rpc("transaction dropped".into())] {
			let counted = cost(Err(lost)).unwrap();
			assert_eq!((counted.amount, counted.estimated), (estimate.total(), true));
		}
		// Failed in its block: the transaction fee (the registration fee is not charged).
		let failed = crate::chain_error::DispatchFailure {
			pallet: Some("Registration".into()),
			error: "ChallengeExpired".into(),
		};
		assert_eq!(cost(Err(ChainError::Dispatch(failed))).map(|c| c.amount), Some(UNIT / 100));
		// Refused by the pool: never included, nothing paid.
		assert_eq!(cost(Err(ChainError::Pool("1010: Invalid Transaction".into()))), None);
	}
}
