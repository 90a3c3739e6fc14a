//! What an attempt to register came to, and why the parked loop re-armed: the outcome classes
//! (the reference's four, plus refusals that recur as long as the configuration stays as it
//! is), the re-arm reasons, one attempt's [`AttemptOutcome`], and the classification of pallet
//! errors, pool rejections and chain errors into classes.

use crate::{
	chain_error::ChainError,
	facts::{ChainView, PALLET},
};
use serde::Serialize;

/// The class of an attempt's outcome; it decides what the loop does next.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OutcomeClass {
	/// The node is registered to this owner (event and read-back agree): park.
	Registered,
	/// The node or the owner is registered to someone else: wait a full interval; warnings are
	/// rate-limited.
	Conflict,
	/// A transient failure (network, RPC, timeout, a stale nonce, an expired or reused
	/// challenge): retry soon with exponential backoff and a fresh challenge.
	FastRetry,
	/// A refusal that waiting may clear (banned, disabled node type, cooldown, stake, balance,
	/// eligibility, an invalid transaction...): wait a full interval, doubling while it lasts.
	SlowRetry,
	/// A refusal that recurs for as long as the configuration stays as it is (a proof the
	/// pallet rejects for what it is, a wrong block number width, credits the chain does not
	/// take): stop trying; `register` exits non-zero, `run` stays up in the `failed` phase.
	Fatal,
}

impl OutcomeClass {
	/// The label used in logs and metrics.
	pub fn label(self) -> &'static str {
		match self {
			OutcomeClass::Registered => "registered",
			OutcomeClass::Conflict => "conflict",
			OutcomeClass::FastRetry => "fast_retry",
			OutcomeClass::SlowRetry => "slow_retry",
			OutcomeClass::Fatal => "fatal",
		}
	}

	/// Every class, in label order.
	pub const ALL: [OutcomeClass; 5] = [
		OutcomeClass::Registered,
		OutcomeClass::Conflict,
		OutcomeClass::FastRetry,
		OutcomeClass::SlowRetry,
		OutcomeClass::Fatal,
	];
}

/// Why the parked loop re-armed (the `reason` label of `registrar_rearms_total`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RearmReason {
	/// The node left the registry (`NodeUnregistered`, `DeregistrationConsensusReached`).
	Unregistered,
	/// The node was degraded (`NodeStatusUpdated(Degraded)`, or seen by a storage check).
	Degraded,
	/// The node was swapped to another owner (`NodeOwnerSwapped`, or seen by a storage check).
	Swapped,
	/// A storage check found the node gone from the registry.
	StorageCheck,
	/// The node moved to a new key (`NodeKeyRotated`): this key's registration is gone.
	Rotated,
}

impl RearmReason {
	/// The label used in logs and metrics.
	pub fn label(self) -> &'static str {
		match self {
			RearmReason::Unregistered => "unregistered",
			RearmReason::Degraded => "degraded",
			RearmReason::Swapped => "swapped",
			RearmReason::StorageCheck => "storage_check",
			RearmReason::Rotated => "rotated",
		}
	}

	/// Every reason, in label order (each is exported, at 0 until it happens).
	pub const ALL: [RearmReason; 5] = [
		RearmReason::Unregistered,
		RearmReason::Degraded,
		RearmReason::Swapped,
		RearmReason::StorageCheck,
		RearmReason::Rotated,
	];
}

/// What one attempt came to.
#[derive(Clone, Debug, Serialize)]
pub struct AttemptOutcome {
	/// Its class.
	pub class: OutcomeClass,
	/// Whether a transaction was submitted.
	pub submitted: bool,
	/// A one-line description (never contains secrets).
	pub detail: String,
	/// What the chain said, as of the newest finalized block read.
	pub view: Option<ChainView>,
	/// The registry's `registered_at` when registered.
	pub registered_at: Option<u64>,
	/// The finalized block that confirmed the registration.
	pub confirmed_block: Option<u64>,
	/// Its hash.
	pub confirmed_hash: Option<String>,
	/// The node is registered to this owner but degraded.
	pub degraded: bool,
	/// The pallet error's name, when the dispatch failed in the pallet.
	pub pallet_error: Option<String>,
	/// Blocks the best block was ahead of the finalized one, when read.
	pub finality_lag: Option<u64>,
	/// The connection should be re-established before the next attempt.
	#[serde(skip)]
	pub reconnect: bool,
	/// What the submitted transaction is counted as costing ([`crate::budget`]).
	#[serde(skip_serializing_if = "Option::is_none")]
	pub cost: Option<Cost>,
	/// Nothing was submitted because it would have exceeded the daily budget.
	#[serde(skip_serializing_if = "std::ops::Not::not")]
	pub over_budget: bool,
}

/// What a submitted transaction is counted as costing, in base units of the currency.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Cost {
	/// The amount.
	pub amount: u128,
	/// From the estimate made before signing, not from the chain's events (which were not
	/// known).
	pub estimated: bool,
	/// The part of the amount that is the transaction fee.
	pub transaction_fee: u128,
}

impl AttemptOutcome {
	/// An attempt of class `class` that registered nothing.
	pub fn failed(class: OutcomeClass, detail: String, view: Option<ChainView>) -> Self {
		Self {
			class,
			submitted: false,
			detail,
			view,
			registered_at: None,
			confirmed_block: None,
			confirmed_hash: None,
			degraded: false,
			pallet_error: None,
			finality_lag: None,
			reconnect: false,
			cost: None,
			over_budget: false,
		}
	}

	/// An attempt that ended in `error` (after submitting or not).
	pub fn chain_error(error: &ChainError, submitted: bool, view: Option<ChainView>) -> Self {
		Self {
			submitted,
			pallet_error: pallet_error(error).map(str::to_owned),
			reconnect: needs_reconnect(error),
			..Self::failed(class_of(error), error.to_string(), view)
		}
	}

	/// The node registered to this owner as of `view`'s finalized block.
	pub fn registered(view: ChainView, submitted: bool, detail: String) -> Self {
		let registered_at = view.node.as_ref().map(|n| n.registered_at);
		Self {
			class: OutcomeClass::Registered,
			submitted,
			detail,
			registered_at,
			confirmed_block: Some(view.block_number),
			confirmed_hash: Some(view.block_hash.clone()),
			view: Some(view),
			degraded: false,
			pallet_error: None,
			finality_lag: None,
			reconnect: false,
			cost: None,
			over_budget: false,
		}
	}
}

/// The outcome class of a chain error.
pub fn class_of(error: &ChainError) -> OutcomeClass {
	match error {
		ChainError::Connect { .. } | ChainError::Rpc(_) | ChainError::Timeout(_) => {
			OutcomeClass::FastRetry
		}
		ChainError::Decode(_) => OutcomeClass::FastRetry,
		ChainError::Pool(message) => classify_pool_rejection(message),
		ChainError::Dispatch(failure) if failure.pallet.as_deref() == Some(PALLET) => {
			classify_pallet_error(&failure.error)
		}
		ChainError::Dispatch(_) | ChainError::Metadata(_) => OutcomeClass::SlowRetry,
		// Another chain than the pinned one: refused every time until the operator acts.
		ChainError::Genesis(_) => OutcomeClass::Fatal,
	}
}

/// The pallet error's name when `error` is a `Registration` dispatch error.
pub fn pallet_error(error: &ChainError) -> Option<&str> {
	match error {
		ChainError::Dispatch(f) if f.pallet.as_deref() == Some(PALLET) => Some(&f.error),
		_ => None,
	}
}

/// Whether the connection should be re-established after `error`.
pub fn needs_reconnect(error: &ChainError) -> bool {
	matches!(error, ChainError::Connect { .. } | ChainError::Rpc(_) | ChainError::Timeout(_))
}

/// The `Registration` error names this registrar classifies by name (checked against the dev
/// runtime's metadata by the end-to-end tests): the conflicts, the stale challenges, the
/// deterministic refusals (of the owner's registration, of consents and of rotations), the
/// slow retries that may clear by themselves, and the refusals of records and heartbeats
/// ([`DISCOVERY_PALLET_ERRORS`]).
pub fn known_pallet_errors() -> Vec<&'static str> {
	let mut names = vec![
		"NodeAlreadyRegistered",
		"OwnerAlreadyRegistered",
		"ChallengeExpired",
		"ChallengeReused",
		"ChallengeFromFuture",
		"InsufficientStake",
		"InsufficientBalanceForFee",
		"InsufficientCreditsForFee",
		"NotEligible",
		"TooManyValidators",
	];
	names.extend(DETERMINISTIC_PALLET_ERRORS);
	names.extend(DETERMINISTIC_CONSENT_ERRORS);
	names.extend(["FeeAboveMaximum", "ConsentLifetimeTooLong", "KeyRotationTooSoon"]);
	names.extend(["DepositAboveMaximum", "InsufficientBalanceForDeposit", "OwnerHasValidator"]);
	names.extend(DISCOVERY_PALLET_ERRORS);
	names
}

/// Errors of `publish_node_record` that refuse the record's content for what it is: an
/// address that is not a multiaddr the pallet accepts, a `/p2p/` component naming another
/// node, a version or capability that is not printable text, a capability named twice. The
/// same record is refused every time; publishing it again only pays fees (or loads the pool).
/// Of a `heartbeat`, `InvalidRecordText` refuses its version the same way.
pub const FINAL_RECORD_ERRORS: [&str; 4] =
	["InvalidAddress", "ForeignPeerIdInAddress", "InvalidRecordText", "DuplicateCapability"];

/// The errors of `publish_node_record` and `heartbeat` that the discovery loop classifies by
/// name (`judge::discovery::classify_failure` says how): [`FINAL_RECORD_ERRORS`], the stale
/// and rate-limited record, the heartbeat for another period or already sent, the refused
/// signatures, and a node that is not registered.
pub const DISCOVERY_PALLET_ERRORS: [&str; 11] = [
	"InvalidAddress",
	"ForeignPeerIdInAddress",
	"InvalidRecordText",
	"DuplicateCapability",
	"StaleRecord",
	"RecordRateLimited",
	"InvalidRecordSignature",
	"HeartbeatForAnotherPeriod",
	"HeartbeatAlreadySent",
	"InvalidHeartbeatSignature",
	"NodeNotFound",
];

/// Errors of `register_node_with_coldkey` that the same node key, owner and options produce
/// again on every attempt: the proof is rejected for what it is (built and signed the same way
/// each time), or the chain does not take credits. Retrying them only pays fees.
pub const DETERMINISTIC_PALLET_ERRORS: [&str; 14] = [
	"PublicKeyMismatch",
	"GenesisMismatch",
	"InvalidChallengeDomain",
	"InvalidChallenge",
	"ChallengeMismatch",
	"ChallengeLifetimeTooLong",
	"InvalidAccountId",
	"SignerNotOwner",
	"InvalidNodeId",
	"NodeIdMismatch",
	"InvalidSignature",
	"InvalidSignatureLength",
	"SmallOrderNodeKey",
	"CreditsNotSupported",
];

/// Errors of `register_node_with_consent` and `rotate_node_key` that the same consent, keys
/// and options produce again on every attempt: the consent is for another chain, node or type,
/// expired, revoked or not signed by its owner, it does not allow the rotation, the rotation
/// statement or its signature is rejected, or the node to rotate is not the owner's (or not
/// registered at all). A new consent or other keys are needed; retrying only pays fees.
/// (`ConsentLifetimeTooLong` clears as blocks pass, `FeeAboveMaximum` as the fee decays, and
/// `KeyRotationTooSoon` after the cooldown: slow retries.)
pub const DETERMINISTIC_CONSENT_ERRORS: [&str; 12] = [
	"InvalidConsentDomain",
	"ConsentGenesisMismatch",
	"ConsentExpired",
	"ConsentRevoked",
	"InvalidOwnerSignature",
	"ConsentNodeMismatch",
	"ConsentNodeTypeMismatch",
	"ConsentForbidsRotation",
	"InvalidRotationStatement",
	"InvalidRotationSignature",
	"NotNodeOwner",
	"NodeNotFound",
];

/// The class of a `Registration` pallet error, by its name.
///
/// `NodeAlreadyRegistered` and `OwnerAlreadyRegistered` are conflicts (the caller checks first
/// that the node is not registered to this very owner); errors of a challenge that went stale
/// are fast retries with a fresh challenge; [`DETERMINISTIC_PALLET_ERRORS`] and
/// [`DETERMINISTIC_CONSENT_ERRORS`] are fatal; everything else (stake, balance, credits,
/// eligibility, `TooManyValidators`, cooldown, ban, a fee above the consent's maximum, a
/// rotation too soon, and names this registrar does not know) is a slow retry.
pub fn classify_pallet_error(name: &str) -> OutcomeClass {
	match name {
		"NodeAlreadyRegistered" | "OwnerAlreadyRegistered" => OutcomeClass::Conflict,
		"ChallengeExpired" | "ChallengeReused" | "ChallengeFromFuture" => OutcomeClass::FastRetry,
		_ if DETERMINISTIC_PALLET_ERRORS.contains(&name) => OutcomeClass::Fatal,
		_ if DETERMINISTIC_CONSENT_ERRORS.contains(&name) => OutcomeClass::Fatal,
		_ => OutcomeClass::SlowRetry,
	}
}

/// The class of a transaction the pool refused, by the node's message.
///
/// Stale or future nonces and outdated (mortality) transactions are fast retries; inability to
/// pay, bad proofs, exhausted resources and everything unknown are slow retries.
pub fn classify_pool_rejection(message: &str) -> OutcomeClass {
	let m = message.to_ascii_lowercase();
	let transient = [
		"stale",
		"outdated",
		"future",
		"temporarily banned",
		"priority is too low",
		"already imported",
		"ancient",
	];
	if transient.iter().any(|t| m.contains(t)) {
		OutcomeClass::FastRetry
	} else {
		OutcomeClass::SlowRetry
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn pallet_errors_fall_in_the_reference_classes() {
		assert_eq!(classify_pallet_error("NodeAlreadyRegistered"), OutcomeClass::Conflict);
		assert_eq!(classify_pallet_error("OwnerAlreadyRegistered"), OutcomeClass::Conflict);
		for transient in ["ChallengeExpired", "ChallengeReused", "ChallengeFromFuture"] {
			assert_eq!(classify_pallet_error(transient), OutcomeClass::FastRetry, "{transient}");
		}
		for slow in [
			"AccountBanned",
			"NodeTypeDisabled",
			"NodeCooldownPeriodNotExpired",
			"InsufficientStake",
			"InsufficientBalanceForFee",
			"InsufficientCreditsForFee",
			"InsufficientBalanceForDeposit",
			"DepositAboveMaximum",
			"OwnerHasValidator",
			"NotEligible",
			"TooManyValidators",
			"SomethingNew",
		] {
			assert_eq!(classify_pallet_error(slow), OutcomeClass::SlowRetry, "{slow}");
		}
	}

	#[test]
	fn refusals_of_the_proof_itself_and_of_credits_are_fatal() {
		for fatal in [
			"PublicKeyMismatch",
			"GenesisMismatch",
			"InvalidChallengeDomain",
			"InvalidChallenge",
			"ChallengeMismatch",
			"InvalidSignature",
			"InvalidNodeId",
			"NodeIdMismatch",
			"SmallOrderNodeKey",
			"CreditsNotSupported",
		] {
			assert_eq!(classify_pallet_error(fatal), OutcomeClass::Fatal, "{fatal}");
		}
	}

	#[test]
	fn refusals_of_a_consent_or_rotation_are_fatal_unless_time_clears_them() {
		for fatal in DETERMINISTIC_CONSENT_ERRORS {
			assert_eq!(classify_pallet_error(fatal), OutcomeClass::Fatal, "{fatal}");
		}
		for slow in ["FeeAboveMaximum", "ConsentLifetimeTooLong", "KeyRotationTooSoon"] {
			assert_eq!(classify_pallet_error(slow), OutcomeClass::SlowRetry, "{slow}");
			assert!(known_pallet_errors().contains(&slow), "{slow}");
		}
		assert_eq!(classify_pallet_error("NodeUnderReport"), OutcomeClass::SlowRetry);
		// Every name classified is checked against the runtime's metadata (end-to-end).
		for name in DETERMINISTIC_CONSENT_ERRORS {
			assert!(known_pallet_errors().contains(&name), "{name}");
		}
	}

	#[test]
	fn pool_rejections() {
		assert_eq!(
			classify_pool_rejection("Invalid Transaction: Transaction is outdated"),
			OutcomeClass::FastRetry
		);
		assert_eq!(
			classify_pool_rejection("1010: Invalid Transaction: Transaction is stale"),
			OutcomeClass::FastRetry
		);
		assert_eq!(
			classify_pool_rejection("1010: Invalid Transaction: Inability to pay some fees"),
			OutcomeClass::SlowRetry
		);
		assert_eq!(
			classify_pool_rejection("Transaction has a bad signature"),
			OutcomeClass::SlowRetry
		);
	}

	#[test]
	fn labels_are_distinct() {
		let labels: std::collections::HashSet<_> =
			OutcomeClass::ALL.iter().map(|c| c.label()).collect();
		assert_eq!(labels.len(), OutcomeClass::ALL.len());
		let reasons: std::collections::HashSet<_> =
			RearmReason::ALL.iter().map(|r| r.label()).collect();
		assert_eq!(reasons.len(), RearmReason::ALL.len());
		for reason in RearmReason::ALL {
			// The label is the serialized name (one spelling in metrics and JSON).
			assert_eq!(serde_json::to_value(reason).unwrap(), reason.label());
		}
	}

	#[test]
	fn errors_fall_in_classes() {
		use crate::chain_error::DispatchFailure;
		let dispatch = |pallet: &str, error: &str| {
			ChainError::Dispatch(DispatchFailure {
				pallet: Some(pallet.into()),
				error: error.into(),
			})
		};
		assert_eq!(class_of(&dispatch(PALLET, "NodeAlreadyRegistered")), OutcomeClass::Conflict);
		assert_eq!(class_of(&dispatch(PALLET, "ChallengeExpired")), OutcomeClass::FastRetry);
		assert_eq!(class_of(&dispatch(PALLET, "AccountBanned")), OutcomeClass::SlowRetry);
		assert_eq!(class_of(&dispatch("Balances", "InsufficientBalance")), OutcomeClass::SlowRetry);
		assert_eq!(pallet_error(&dispatch(PALLET, "ChallengeExpired")), Some("ChallengeExpired"));
		assert_eq!(class_of(&ChainError::Rpc("closed".into())), OutcomeClass::FastRetry);
		assert_eq!(class_of(&ChainError::Timeout(5)), OutcomeClass::FastRetry);
		assert_eq!(
			class_of(&ChainError::Pool("Invalid Transaction: Transaction is stale".into())),
			OutcomeClass::FastRetry
		);
		assert_eq!(
			class_of(&ChainError::Pool("Invalid Transaction: Inability to pay some fees".into())),
			OutcomeClass::SlowRetry
		);
		assert_eq!(
			dispatch(PALLET, "NodeAlreadyRegistered").to_string(),
			"dispatch failed: Registration.NodeAlreadyRegistered"
		);
		assert!(needs_reconnect(&ChainError::Timeout(5)));
		assert!(!needs_reconnect(&dispatch(PALLET, "ChallengeExpired")));
	}
}
