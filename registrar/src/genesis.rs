//! Which chain the registrar signs for: the genesis hash it is pinned to, and where the pin
//! comes from. Pure decisions, no I/O: the service connects, reads what its RPC endpoint says
//! the genesis hash is, and asks [`pin`]; the chain client then refuses any answer naming
//! another genesis ([`check_statement`]) before anything is signed with it.
//!
//! The pin comes, in this order, from the configuration (`--genesis-hash`, or a consent's own
//! genesis hash; both given, they must agree: [`configured`]), from the state file (the genesis
//! pinned at an earlier start), or, with neither, from the endpoint's answer at the first
//! start (trust on first use, logged). Whatever its source, the endpoint's answer must equal
//! it, and a configured genesis must equal the one the state file holds: anything else is
//! refused, and nothing is signed.
//!
//! A leaf: it imports nothing of the registrar.

use serde::Serialize;

/// Where the pinned genesis hash comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PinSource {
	/// `--genesis-hash` (or `REGISTRAR_GENESIS_HASH`).
	Flag,
	/// The owner's consent (the genesis hash it was signed for).
	Consent,
	/// The state file: pinned at an earlier start.
	StateFile,
	/// The endpoint's answer at the first start, with nothing configured (trust on first use).
	FirstUse,
}

impl PinSource {
	/// How the source is named in messages.
	pub fn label(self) -> &'static str {
		match self {
			PinSource::Flag => "--genesis-hash",
			PinSource::Consent => "the consent",
			PinSource::StateFile => "the state file",
			PinSource::FirstUse => "the endpoint at first use",
		}
	}
}

/// A genesis hash and where it comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pin {
	/// The genesis hash.
	pub hash: [u8; 32],
	/// Where it comes from.
	pub source: PinSource,
}

/// Why the registrar refuses to sign for the chain its endpoint names.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum GenesisError {
	/// `--genesis-hash` and the consent name two chains.
	#[error(
		"--genesis-hash is {flag} but the consent was signed for the chain {consent}: one of them \
		 is for another chain"
	)]
	FlagAndConsent {
		/// The flag's hash (`0x` hex).
		flag: String,
		/// The consent's hash (`0x` hex).
		consent: String,
	},
	/// The configuration names another chain than the state file pinned.
	#[error(
		"{source_label} names the chain {configured} but the state file is pinned to {stored}: \
		 refusing to sign for another chain than before (a new chain needs a new state \
		 directory, or its state.json removed)"
	)]
	ConfigAndState {
		/// The configured hash (`0x` hex).
		configured: String,
		/// Where it is configured.
		source_label: &'static str,
		/// The state file's hash (`0x` hex).
		stored: String,
	},
	/// The state file's genesis hash is not one.
	#[error(
		"the state file's genesis_hash {0:?} is not 32 bytes of hex: refusing to guess which \
		 chain it was pinned to (fix or remove state.json)"
	)]
	StateUnreadable(String),
	/// The endpoint answers another genesis hash than the pinned one.
	#[error(
		"the endpoint says the chain's genesis hash is {answered}, but the registrar is pinned to \
		 {pinned} (from {source_label}): another chain, or a lying endpoint; nothing is signed"
	)]
	Endpoint {
		/// The pinned hash (`0x` hex).
		pinned: String,
		/// Where the pin comes from.
		source_label: &'static str,
		/// What the endpoint answered (`0x` hex).
		answered: String,
	},
}

/// A genesis hash written as `0x` hex (as the state file and `--genesis-hash` write it).
pub fn parse(text: &str) -> Option<[u8; 32]> {
	let text = text.trim();
	let digits = text.strip_prefix("0x").unwrap_or(text);
	hex::decode(digits).ok()?.try_into().ok()
}

/// `0x` and the hex of `hash`.
pub fn hex0x(hash: &[u8; 32]) -> String {
	format!("0x{}", hex::encode(hash))
}

/// The genesis hash the configuration names, if any: `--genesis-hash` (`flag`) or the
/// consent's (`consent`); both given, they must be the same.
pub fn configured(
	flag: Option<[u8; 32]>,
	consent: Option<[u8; 32]>,
) -> Result<Option<Pin>, GenesisError> {
	match (flag, consent) {
		(Some(flag), Some(consent)) if flag != consent => {
			Err(GenesisError::FlagAndConsent { flag: hex0x(&flag), consent: hex0x(&consent) })
		}
		(Some(hash), _) => Ok(Some(Pin { hash, source: PinSource::Flag })),
		(None, Some(hash)) => Ok(Some(Pin { hash, source: PinSource::Consent })),
		(None, None) => Ok(None),
	}
}

/// The genesis hash to sign for, given the configured one (`configured`: [`configured`]'s),
/// the one the state file holds (`stored`) and the endpoint's answer (`answered`): the
/// configured one, else the stored one, else (nothing configured, nothing stored: the first
/// start) the endpoint's, as long as they all agree.
pub fn pin(
	configured: Option<Pin>,
	stored: Option<[u8; 32]>,
	answered: [u8; 32],
) -> Result<Pin, GenesisError> {
	let pin = match (configured, stored) {
		(Some(configured), Some(stored)) if configured.hash != stored => {
			return Err(GenesisError::ConfigAndState {
				configured: hex0x(&configured.hash),
				source_label: configured.source.label(),
				stored: hex0x(&stored),
			})
		}
		(Some(configured), _) => configured,
		(None, Some(hash)) => Pin { hash, source: PinSource::StateFile },
		(None, None) => Pin { hash: answered, source: PinSource::FirstUse },
	};
	check_statement(&pin, answered)?;
	Ok(pin)
}

/// Whether a genesis hash the endpoint answered (for a statement to sign: a challenge, a
/// heartbeat, a record, a transaction) is the pinned one.
pub fn check_statement(pin: &Pin, answered: [u8; 32]) -> Result<(), GenesisError> {
	if answered == pin.hash {
		Ok(())
	} else {
		Err(GenesisError::Endpoint {
			pinned: hex0x(&pin.hash),
			source_label: pin.source.label(),
			answered: hex0x(&answered),
		})
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	const A: [u8; 32] = [0xaa; 32];
	const B: [u8; 32] = [0xbb; 32];

	/// Issue 30, finding 1: nothing pinned the chain; the endpoint's genesis was signed for.
	#[test]
	fn the_configuration_pins_the_chain_and_another_answer_is_refused() {
		let flag = configured(Some(A), None).unwrap();
		assert_eq!(pin(flag, None, A), Ok(Pin { hash: A, source: PinSource::Flag }));
		let refused = pin(flag, None, B).unwrap_err();
		assert!(matches!(refused, GenesisError::Endpoint { .. }));
		let text = refused.to_string();
		assert!(text.contains(&hex0x(&A)) && text.contains(&hex0x(&B)), "{text}");
		assert!(text.contains("--genesis-hash") && text.contains("nothing is signed"), "{text}");
		// A consent's own genesis pins the chain the same way.
		let consent = configured(None, Some(A)).unwrap();
		assert_eq!(pin(consent, None, A).map(|p| p.source), Ok(PinSource::Consent));
		assert!(pin(consent, None, B).is_err());
	}

	#[test]
	fn the_flag_and_the_consent_must_agree() {
		assert_eq!(configured(None, None), Ok(None));
		assert_eq!(
			configured(Some(A), Some(A)),
			Ok(Some(Pin { hash: A, source: PinSource::Flag }))
		);
		let error = configured(Some(A), Some(B)).unwrap_err();
		assert!(matches!(error, GenesisError::FlagAndConsent { .. }), "{error}");
	}

	#[test]
	fn the_first_use_pins_the_answer_and_later_starts_hold_to_it() {
		// Nothing configured, nothing stored: the endpoint's answer (trust on first use).
		assert_eq!(pin(None, None, A), Ok(Pin { hash: A, source: PinSource::FirstUse }));
		// Stored: held to, whatever the endpoint says later.
		assert_eq!(pin(None, Some(A), A), Ok(Pin { hash: A, source: PinSource::StateFile }));
		let error = pin(None, Some(A), B).unwrap_err();
		assert!(error.to_string().contains("the state file"), "{error}");
		// A configuration that differs from what the state file holds is refused, even when
		// the endpoint agrees with the configuration.
		let flag = configured(Some(B), None).unwrap();
		let error = pin(flag, Some(A), B).unwrap_err();
		assert!(matches!(error, GenesisError::ConfigAndState { .. }), "{error}");
		assert!(error.to_string().contains("state.json"), "{error}");
		assert_eq!(pin(flag, Some(B), B).map(|p| p.source), Ok(PinSource::Flag));
	}

	#[test]
	fn hashes_read_as_written() {
		assert_eq!(parse(&hex0x(&A)), Some(A));
		assert_eq!(parse(&hex::encode(B)), Some(B));
		assert_eq!(parse("0x1234"), None);
		assert_eq!(parse("not hex"), None);
	}

	#[test]
	fn a_statement_for_another_genesis_is_refused() {
		let pinned = Pin { hash: A, source: PinSource::StateFile };
		assert_eq!(check_statement(&pinned, A), Ok(()));
		assert!(check_statement(&pinned, B).is_err());
	}
}
