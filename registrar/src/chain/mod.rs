//! The chain client: Substrate JSON-RPC through subxt's dynamic API and legacy backend (the
//! methods every node and chopsticks serve), so no generated code or metadata file is needed.
//!
//! This module is the transport (connecting, the endpoint's redaction, the block number width
//! detected once per connection, the time limit on a call); its submodules hold one job each:
//! [`reads`] (the typed reads, through the pallet's view functions where it has them),
//! [`consent`] (the reads of owner consents and key rotations), [`discovery`] (records,
//! liveness and the paged node queries; fee-less submission), [`fee_less`] (general
//! transactions without a signer: whether the runtime takes them, their encoding),
//! [`view_functions`] (the runtime API call), [`events`] (events decoded by field name) and
//! [`submit`] (signing, submission, finality). What they read is in [`crate::facts`], what can go wrong in
//! [`crate::chain_error`]: both leaves below this module.

pub mod consent;
pub mod discovery;
pub mod events;
pub mod fee_less;
pub mod reads;
pub mod submit;
pub mod view_functions;

pub use consent::ConsentPayloadAnswer;
pub use discovery::{DiscoveryRead, DiscoverySender, NodeQuery, OwnerNodes};
pub use events::BlockWatcher;
pub use submit::PreparedCall;

use crate::{
	amount::Token,
	chain_error::ChainError,
	endpoint::EndpointRedactor,
	facts::BlockNumberWidth,
	genesis::{check_statement, Pin},
};
use scale_info::{TypeDef, TypeDefPrimitive};
use std::{sync::Arc, time::Duration};
use subxt::{backend::LegacyBackend, OnlineClient, SubstrateConfig};

/// The subxt configuration: `SubstrateConfig` fits chains with 32-byte accounts,
/// `MultiSignature`, BLAKE2 hashes and the default transaction extensions (the header's block
/// number is compact, so any width up to 64 bits decodes).
pub type ChainConfig = SubstrateConfig;

/// A connection to a chain.
#[derive(Clone)]
pub struct ChainClient {
	api: OnlineClient<ChainConfig>,
	rpc: subxt::rpcs::RpcClient,
	redactor: EndpointRedactor,
	/// The chain's block number width, from `System::Number`'s type at connection time.
	width: Option<BlockNumberWidth>,
	/// How the chain writes amounts (`system_properties`), when it says.
	token: Option<Token>,
	/// Whether the runtime takes general transactions authorized by their call, from its
	/// metadata at connection time ([`fee_less::general_extension_version`]).
	takes_general: bool,
	/// The genesis hash this client signs for, once pinned ([`Self::pinned`]).
	pin: Option<Pin>,
}

impl std::fmt::Debug for ChainClient {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		f.debug_struct("ChainClient").field("endpoint", &self.redactor.shown()).finish()
	}
}

impl ChainClient {
	/// Connects to the JSON-RPC websocket at `endpoint` (`ws://` or `wss://`). Errors (and
	/// everything this client reports) show the endpoint without its user-info, path or query.
	pub async fn connect(endpoint: &str) -> Result<Self, ChainError> {
		let redactor = EndpointRedactor::new(endpoint);
		let connect_err = |reason: String| ChainError::Connect {
			endpoint: redactor.shown().to_owned(),
			reason: redactor.scrub(&tidy(&reason)),
		};
		let rpc_client = subxt::rpcs::RpcClient::from_insecure_url(endpoint)
			.await
			.map_err(|e| connect_err(e.to_string()))?;
		let backend = LegacyBackend::<ChainConfig>::builder().build(rpc_client.clone());
		let api = OnlineClient::from_backend_with_config(ChainConfig::new(), Arc::new(backend))
			.await
			.map_err(|e| connect_err(e.to_string()))?;
		let (width, takes_general) = match api.at_current_block().await {
			Ok(at) => {
				let metadata = at.metadata();
				(detect_width(&metadata), fee_less::general_extension_version(&metadata).is_some())
			}
			Err(e) => return Err(connect_err(e.to_string())),
		};
		let token = read_token(&rpc_client).await;
		Ok(Self { api, rpc: rpc_client, redactor, width, token, takes_general, pin: None })
	}

	/// [`Self::connect`] that gives up after `limit` (the one connect timeout of the CLI and
	/// the service).
	pub async fn connect_within(endpoint: &str, limit: Duration) -> Result<Self, ChainError> {
		match tokio::time::timeout(limit, Self::connect(endpoint)).await {
			Ok(connected) => connected,
			Err(_) => Err(ChainError::Connect {
				endpoint: EndpointRedactor::new(endpoint).shown().to_owned(),
				reason: format!("timed out after {} s", limit.as_secs()),
			}),
		}
	}

	/// The endpoint this client talks to, as it may be shown (no user-info, path or query).
	pub fn endpoint(&self) -> &str {
		self.redactor.shown()
	}

	/// The chain's block number width, detected once when connecting (`None`: neither `u32`
	/// nor `u64`).
	pub fn block_number_width(&self) -> Option<BlockNumberWidth> {
		self.width
	}

	/// Whether the runtime takes fee-less calls as general transactions authorized by their
	/// call (extrinsic format 5 and the `AuthorizeCall` extension), as its metadata said when
	/// connecting ([`fee_less::general_extension_version`]).
	pub fn takes_general_transactions(&self) -> bool {
		self.takes_general
	}

	/// How the chain writes amounts (`tokenSymbol`, `tokenDecimals` of `system_properties`,
	/// read once when connecting); `None` when it does not say.
	pub fn token(&self) -> Option<&Token> {
		self.token.as_ref()
	}

	/// The genesis hash the endpoint answered when connecting (`chain_getBlockHash(0)`): the
	/// one every transaction this client signs commits to (`CheckGenesis`).
	pub fn genesis_hash(&self) -> [u8; 32] {
		self.api.genesis_hash().0
	}

	/// This client, pinned to `pin` ([`crate::genesis`]): refused unless the endpoint's genesis
	/// hash is the pinned one. Once pinned, every genesis hash the client reads for a
	/// statement to sign (a challenge's, a record's or a heartbeat's) is checked against it,
	/// and another one is a [`ChainError::Genesis`] before anything is signed.
	pub fn pinned(mut self, pin: Pin) -> Result<Self, ChainError> {
		check_statement(&pin, self.genesis_hash())?;
		self.pin = Some(pin);
		Ok(self)
	}

	/// The genesis this client is pinned to, if it is.
	pub fn pin(&self) -> Option<&Pin> {
		self.pin.as_ref()
	}

	/// Whether `answered`, a genesis hash read for a statement to sign, is the pinned one
	/// (always, when not pinned).
	pub(crate) fn check_genesis(&self, answered: [u8; 32]) -> Result<(), ChainError> {
		match &self.pin {
			Some(pin) => Ok(check_statement(pin, answered)?),
			None => Ok(()),
		}
	}

	fn scrub(&self, error: ChainError) -> ChainError {
		error.scrubbed(&self.redactor)
	}

	/// The subxt client, for callers that need more than this wrapper offers.
	pub fn api(&self) -> &OnlineClient<ChainConfig> {
		&self.api
	}

	/// Subscribes to finalized blocks; [`BlockWatcher::next`] yields each block's registry
	/// events.
	pub async fn watch(&self) -> Result<BlockWatcher, ChainError> {
		let blocks = self.api.stream_blocks().await.map_err(|e| self.scrub(rpc(e)))?;
		Ok(BlockWatcher { blocks, redactor: self.redactor.clone() })
	}
}

/// An RPC or transport error of any kind.
pub(crate) fn rpc<E: std::fmt::Display>(error: E) -> ChainError {
	ChainError::Rpc(error.to_string())
}

/// Runs `future` for at most `limit`; [`ChainError::Timeout`] after that.
pub async fn within<T>(
	limit: std::time::Duration,
	future: impl std::future::Future<Output = Result<T, ChainError>>,
) -> Result<T, ChainError> {
	tokio::time::timeout(limit, future).await.unwrap_or(Err(ChainError::Timeout(limit.as_secs())))
}

/// The RPC client's message without the prefixes each layer adds again ("RPC error: client
/// error: RPC error: client error: Error when opening the TCP socket: …").
fn tidy(reason: &str) -> String {
	let mut rest = reason.trim();
	while let Some(inner) =
		["RPC error: ", "client error: ", "Rpc error: "].iter().find_map(|p| rest.strip_prefix(p))
	{
		rest = inner.trim_start();
	}
	rest.to_owned()
}

/// The chain's currency as `system_properties` names it (the first one of a chain with several).
async fn read_token(rpc: &subxt::rpcs::RpcClient) -> Option<Token> {
	let properties: serde_json::Value =
		rpc.request("system_properties", subxt::rpcs::rpc_params![]).await.ok()?;
	let first = |value: &serde_json::Value| match value {
		serde_json::Value::Array(values) => values.first().cloned(),
		other => Some(other.clone()),
	};
	let symbol = first(&properties["tokenSymbol"])?.as_str()?.to_owned();
	let decimals = u8::try_from(first(&properties["tokenDecimals"])?.as_u64()?).ok()?;
	Some(Token { symbol, decimals })
}

/// The width of `System::Number`'s type in `metadata`.
pub fn detect_width(metadata: &subxt::Metadata) -> Option<BlockNumberWidth> {
	metadata
		.pallet_by_name("System")
		.and_then(|system| system.storage())
		.and_then(|storage| storage.entry_by_name("Number"))
		.and_then(|entry| metadata.types().resolve(entry.value_ty()))
		.and_then(|ty| match ty.type_def {
			TypeDef::Primitive(TypeDefPrimitive::U32) => Some(BlockNumberWidth::U32),
			TypeDef::Primitive(TypeDefPrimitive::U64) => Some(BlockNumberWidth::U64),
			_ => None,
		})
}

/// The node id of the contract's test key (RFC 8032 key 1), for the chain modules' tests.
#[cfg(test)]
pub(crate) fn test_node_id() -> pallet_registration::NodeId {
	pallet_registration::NodeId::truncate_from(
		b"12D3KooWQK1wnefoLrcVHbbnf5tLzbopUd3K3bFAoJpA7YJgL5pV".to_vec(),
	)
}

#[cfg(test)]
mod tests {
	#[test]
	fn a_refused_connection_is_said_once() {
		let subxt = "RPC error: client error: RPC error: client error: Error when opening the TCP \
		             socket: Connection refused (os error 111)";
		assert_eq!(
			super::tidy(subxt),
			"Error when opening the TCP socket: Connection refused (os error 111)"
		);
		let error = crate::chain_error::ChainError::Connect {
			endpoint: "ws://127.0.0.1:9".into(),
			reason: super::tidy(subxt),
		}
		.to_string();
		assert_eq!(error.matches("Connection refused").count(), 1, "{error}");
		assert!(error.contains("--endpoint or REGISTRAR_ENDPOINT"), "{error}");
	}
}
