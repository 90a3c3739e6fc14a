//! `register`: one attempt of the service's ([`crate::register_once`]), connecting first.

use crate::{
	chain_error::ChainError,
	outcome::AttemptOutcome,
	service::{register_once, RegistrationConfig},
};

/// One attempt, connecting within the configuration's RPC timeout, pinned to the configured
/// genesis (`--genesis-hash` or the consent's) when there is one, else to the endpoint's.
pub async fn register(config: &RegistrationConfig) -> Result<AttemptOutcome, ChainError> {
	let client = config.connect_pinned(None).await?;
	Ok(register_once(&client, config).await)
}
