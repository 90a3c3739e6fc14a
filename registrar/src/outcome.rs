//! What an attempt to register came to: the reference's four classes, plus refusals that will
//! recur as long as the configuration stays as it is.

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

/// The class of a `Registration` pallet error, by its name.
///
/// `NodeAlreadyRegistered` and `OwnerAlreadyRegistered` are conflicts (the caller checks first
/// that the node is not registered to this very owner); errors of a challenge that went stale
/// are fast retries with a fresh challenge; [`DETERMINISTIC_PALLET_ERRORS`] are fatal;
/// everything else (stake, balance, credits, eligibility, `TooManyValidators`, cooldown, ban,
/// and names this registrar does not know) is a slow retry.
pub fn classify_pallet_error(name: &str) -> OutcomeClass {
	match name {
		"NodeAlreadyRegistered" | "OwnerAlreadyRegistered" => OutcomeClass::Conflict,
		"ChallengeExpired" | "ChallengeReused" | "ChallengeFromFuture" => OutcomeClass::FastRetry,
		_ if DETERMINISTIC_PALLET_ERRORS.contains(&name) => OutcomeClass::Fatal,
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
	}
}
