//! `register`: one attempt of the service's ([`crate::register_once`]), connecting first.

use crate::{
	chain_error::ChainError,
	outcome::AttemptOutcome,
	service::{register_once, RegistrationConfig},
};

/// One attempt, connecting within the configuration's RPC timeout.
pub async fn register(config: &RegistrationConfig) -> Result<AttemptOutcome, ChainError> {
	let client = config.connect().await?;
	Ok(register_once(&client, config).await)
}
