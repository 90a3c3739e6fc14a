//! The registrar's configuration: what to register, where, and how to behave.

use crate::{
	amount::{Amount, AmountError, Token},
	backoff::DEFAULT_SLOW_RETRY_CAP,
	budget,
	chain::ChainClient,
	chain_error::ChainError,
	consent::{ConsentError, SignedConsent},
	discovery::{default_version, RecordContent, RecordError},
	endpoint::redact_endpoint,
	facts::BlockNumberWidth,
	genesis::{self, GenesisError, Pin},
	judge::{discovery::FeeLessMode, ConsentIntent, Intent},
	keys::{NodeKey, OwnerKey},
};
use pallet_registration::NodeType;
use sp_core::crypto::{AccountId32, Ss58Codec};
use std::{net::SocketAddr, path::PathBuf, time::Duration};

/// Who authorizes a registration, and whose key signs its transactions.
#[derive(Clone)]
pub enum Authority {
	/// The owner's own key signs `register_node_with_coldkey` (and the node's removal,
	/// `unregister_main_node` or on a chain of fleets `unregister_node`) and pays both fees.
	Owner(OwnerKey),
	/// The owner's signed consent: the submitter's key signs `register_node_with_consent` and
	/// pays the transaction fee; the owner pays the registration fee (at most the consent's
	/// `max_fee`). The owner's key is nowhere here, so nothing can be unregistered.
	Consent {
		/// The consent, signed by the owner.
		consent: Box<SignedConsent>,
		/// The account that submits.
		submitter: OwnerKey,
	},
}

impl Authority {
	/// The owner account: the key's, or the consent's.
	pub fn owner_account(&self) -> AccountId32 {
		match self {
			Authority::Owner(owner) => owner.account_id(),
			Authority::Consent { consent, .. } => consent.owner().clone(),
		}
	}

	/// The key that signs the transactions: the owner's, or the submitter's.
	pub fn signer(&self) -> &OwnerKey {
		match self {
			Authority::Owner(owner) => owner,
			Authority::Consent { submitter, .. } => submitter,
		}
	}

	/// The owner's key, when it is here (not with a consent).
	pub fn owner_key(&self) -> Option<&OwnerKey> {
		match self {
			Authority::Owner(owner) => Some(owner),
			Authority::Consent { .. } => None,
		}
	}

	/// The consent, when registering with one.
	pub fn consent(&self) -> Option<&SignedConsent> {
		match self {
			Authority::Owner(_) => None,
			Authority::Consent { consent, .. } => Some(consent),
		}
	}

	/// What [`crate::judge`] checks of the consent, when there is one.
	pub fn consent_intent(&self) -> Option<ConsentIntent> {
		let Authority::Consent { consent, submitter } = self else { return None };
		let terms = consent.consent();
		Some(ConsentIntent {
			node_id: consent.peer_id_base58(),
			owner: terms.owner.clone(),
			node_type: terms.node_type,
			max_fee: terms.max_fee,
			valid_until: terms.valid_until,
			may_rotate: terms.may_rotate,
			width: consent.width(),
			submitter: submitter.account_id(),
		})
	}
}

impl std::fmt::Debug for Authority {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		match self {
			Authority::Owner(owner) => f.debug_tuple("Owner").field(owner).finish(),
			Authority::Consent { consent, submitter } => f
				.debug_struct("Consent")
				.field("owner", &consent.owner().to_ss58check())
				.field("consent_hash", &hex::encode(consent.hash()))
				.field("submitter", submitter)
				.finish(),
		}
	}
}

/// How records and heartbeats reach the chain.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DiscoverySigning {
	/// Fee-less: transactions no account signs (general or bare, as
	/// [`DiscoveryConfig::fee_less`] says), which the pool admits only after the pallet's full
	/// check (the node key's signature, a registered node) and at most one of each per node
	/// and period. Only the node key is needed; no account pays.
	#[default]
	FeeLess,
	/// Signed by the registrar's account (the owner's key, or the submitter's with a consent),
	/// which pays the transaction fees.
	Signed,
}

/// What a registered node announces: its record and its heartbeats.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DiscoveryConfig {
	/// The record to publish (`None`: publish none).
	pub record: Option<RecordContent>,
	/// Send a heartbeat every liveness period (without them the node is marked offline after
	/// `OfflineAfterPeriods` silent periods).
	pub heartbeats: bool,
	/// The software version heartbeats carry (the record's too).
	pub version: String,
	/// How records and heartbeats are submitted.
	pub signing: DiscoverySigning,
	/// Which path fee-less ones take: general transactions where the runtime takes them
	/// (the default), or one path forced.
	pub fee_less: FeeLessMode,
}

impl Default for DiscoveryConfig {
	/// A record with no address or capability and the registrar's version
	/// ([`default_version`]), heartbeats, fee-less.
	fn default() -> Self {
		let version = default_version();
		Self {
			record: Some(RecordContent {
				address_texts: Vec::new(),
				addresses: Vec::new(),
				version: version.clone(),
				capabilities: Vec::new(),
			}),
			heartbeats: true,
			version,
			signing: DiscoverySigning::FeeLess,
			fee_less: FeeLessMode::Auto,
		}
	}
}

/// Everything the registrar needs: what to register, where, and how to behave.
#[derive(Clone)]
pub struct RegistrationConfig {
	/// The chain's JSON-RPC websocket (`ws://` or `wss://`); it may carry credentials, so it is
	/// only ever shown redacted ([`redact_endpoint`]).
	pub endpoint: String,
	/// The node's libp2p key.
	pub node_key: NodeKey,
	/// Who authorizes the registration: the owner's key, or its consent and a submitter's key.
	pub authority: Authority,
	/// The node type to register.
	pub node_type: NodeType,
	/// Pay the registration fee in credits.
	pub pay_in_credits: bool,
	/// The state directory (lock and state file).
	pub state_dir: PathBuf,
	/// Where to serve `/livez`, `/readyz`, `/status`, `/metrics` (`None`: no HTTP server).
	pub http_addr: Option<SocketAddr>,
	/// The full interval conflicts and slow retries wait (the reference's 120 s).
	pub register_interval: Duration,
	/// The longest wait after slow retries in a row (each doubles the wait, from the interval).
	pub max_slow_retry_interval: Duration,
	/// The longest burst of fast retries before waiting a full interval (`-1`: unbounded).
	pub max_retry: i64,
	/// How often the parked loop re-reads the registry (a backstop for missed events).
	pub check_interval: Duration,
	/// Blocks a challenge stays valid (capped by the chain's `MaxChallengeLifetime`).
	pub challenge_lifetime: u64,
	/// Blocks the transaction stays valid (capped by the challenge lifetime).
	pub mortality: u64,
	/// Longest wait for a read or a connection.
	pub rpc_timeout: Duration,
	/// Longest wait for a submitted transaction to be finalized.
	pub submit_timeout: Duration,
	/// Shortest time between two logged conflict warnings (the reference's 180 s).
	pub conflict_log_period: Duration,
	/// Unregister the node (`unregister_main_node`, or `unregister_node` on a chain of fleets)
	/// when shutting down.
	pub unregister_on_shutdown: bool,
	/// When the node is degraded, unregister it (as its owner) and register it again.
	pub recover_degraded: bool,
	/// The chain's block number width; `None` detects it from the metadata.
	pub block_number_width: Option<BlockNumberWidth>,
	/// What the node announces once registered (`run` only; `register` announces nothing).
	pub discovery: DiscoveryConfig,
	/// The genesis hash of the chain to sign for (`--genesis-hash`); with a consent, it must
	/// be the consent's. `None`: the consent's, else the state file's, else the endpoint's at
	/// the first start ([`crate::genesis`]).
	pub genesis_hash: Option<[u8; 32]>,
	/// The most the paid transactions (registrations, and the removals of
	/// `recover_degraded`) may cost in 24 hours (`--daily-budget`); `None`: the default,
	/// [`budget::DEFAULT_DAILY_BUDGET_UNITS`] whole units of the chain's currency.
	pub daily_budget: Option<Amount>,
}

impl RegistrationConfig {
	/// A configuration with the defaults: 120 s interval, unbounded bursts, checks every 60 s,
	/// challenges of 32 blocks, 30 s RPC and 120 s submission timeouts, conflict warnings at most
	/// every 180 s, no HTTP server, no unregistering on shutdown.
	pub fn new(
		endpoint: impl Into<String>,
		node_key: NodeKey,
		owner: OwnerKey,
		node_type: NodeType,
		state_dir: impl Into<PathBuf>,
	) -> Self {
		Self {
			endpoint: endpoint.into(),
			node_key,
			authority: Authority::Owner(owner),
			node_type,
			pay_in_credits: false,
			state_dir: state_dir.into(),
			http_addr: None,
			register_interval: Duration::from_secs(120),
			max_slow_retry_interval: DEFAULT_SLOW_RETRY_CAP,
			max_retry: -1,
			check_interval: Duration::from_secs(60),
			challenge_lifetime: 32,
			mortality: 32,
			rpc_timeout: Duration::from_secs(30),
			submit_timeout: Duration::from_secs(120),
			conflict_log_period: Duration::from_secs(180),
			unregister_on_shutdown: false,
			recover_degraded: false,
			block_number_width: None,
			discovery: DiscoveryConfig::default(),
			genesis_hash: None,
			daily_budget: None,
		}
	}

	/// [`Self::new`] for a registration with the owner's signed `consent`, submitted by
	/// `submitter`: the node type is the consent's. Refused when the consent is not signed or
	/// is for another node than `node_key`'s.
	pub fn with_consent(
		endpoint: impl Into<String>,
		node_key: NodeKey,
		consent: SignedConsent,
		submitter: OwnerKey,
		state_dir: impl Into<PathBuf>,
	) -> Result<Self, ConsentError> {
		consent.require_signature()?;
		if consent.peer_id() != node_key.peer_id() {
			return Err(ConsentError::NodeMismatch {
				consent: consent.peer_id_base58(),
				key: node_key.peer_id_base58(),
			});
		}
		let node_type = consent.consent().node_type;
		let mut config = Self::new(endpoint, node_key, submitter.clone(), node_type, state_dir);
		config.authority = Authority::Consent { consent: Box::new(consent), submitter };
		Ok(config)
	}

	/// Sets the record to publish: `addresses` (multiaddr text), `version` and `capabilities`,
	/// checked as the pallet checks a record (the chain's limits are checked once connected).
	/// The version is also the heartbeats'.
	pub fn set_record(
		&mut self,
		addresses: &[String],
		version: &str,
		capabilities: &[String],
	) -> Result<(), RecordError> {
		let content =
			RecordContent::new(addresses, version, capabilities, &self.node_key.peer_id())?;
		self.discovery.version = version.to_owned();
		self.discovery.record = Some(content);
		Ok(())
	}

	/// The node id (base58 PeerId text bytes), as the pallet keys it.
	pub fn node_id(&self) -> Vec<u8> {
		self.node_key.peer_id_base58().into_bytes()
	}

	/// What [`crate::judge`] decides on: this node, owner and registration's options.
	pub fn intent(&self) -> Intent {
		Intent {
			node_id: self.node_key.peer_id_base58(),
			owner: self.authority.owner_account(),
			node_type: self.node_type,
			pay_in_credits: self.pay_in_credits,
			challenge_lifetime: self.challenge_lifetime,
			mortality: self.mortality,
			block_number_width: self.block_number_width,
		}
	}

	/// A fingerprint (`blake2_256`, hex) of what a registration's outcome depends on in this
	/// configuration: the node, the owner, the node type, credits, the block number width, the
	/// challenge's lifetime, who signs (the owner's key, or the consent's hash and the
	/// submitter's account), the endpoint (scheme, host and port only: no credential is hashed)
	/// and the registrar's version. A refusal remembered for one fingerprint does not hold back
	/// a registration with another ([`crate::state::RefusedRegistration`]).
	pub fn fingerprint(&self) -> String {
		let signer = match &self.authority {
			Authority::Owner(owner) => format!("owner key {}", owner.ss58()),
			Authority::Consent { consent, submitter } => format!(
				"consent 0x{} submitted by {}",
				hex::encode(consent.hash()),
				submitter.ss58()
			),
		};
		let text = format!(
			"registrar refusal fingerprint v1\nnode {}\nowner {}\ntype {:?}\ncredits {}\n\
			 width {:?}\nlifetime {}\n{signer}\nendpoint {}\nversion {}\n",
			self.node_key.peer_id_base58(),
			self.authority.owner_account().to_ss58check(),
			self.node_type,
			self.pay_in_credits,
			self.block_number_width,
			self.challenge_lifetime,
			redact_endpoint(&self.endpoint),
			env!("CARGO_PKG_VERSION"),
		);
		hex::encode(sp_crypto_hashing::blake2_256(text.as_bytes()))
	}

	/// The mortality of the node's removal transaction (4 blocks at least).
	pub fn unregister_mortality(&self) -> u64 {
		self.mortality.max(4)
	}

	/// Connects to the endpoint within the RPC timeout.
	pub async fn connect(&self) -> Result<ChainClient, ChainError> {
		ChainClient::connect_within(&self.endpoint, self.rpc_timeout).await
	}

	/// The daily budget in base units, read with the chain's `token` (a budget in its currency
	/// needs it; the default is [`budget::DEFAULT_DAILY_BUDGET_UNITS`] whole units, read with
	/// 18 decimals when the chain does not say its own).
	pub fn daily_budget_base_units(&self, token: Option<&Token>) -> Result<u128, AmountError> {
		match &self.daily_budget {
			Some(amount) => amount.base_units(token),
			None => Ok(budget::default_budget(token.map(|t| t.decimals))),
		}
	}

	/// The genesis hash the configuration names: `--genesis-hash` or the consent's, which
	/// must agree ([`genesis::configured`]).
	pub fn configured_genesis(&self) -> Result<Option<Pin>, GenesisError> {
		let consent = self.authority.consent().map(|c| c.consent().genesis_hash);
		genesis::configured(self.genesis_hash, consent)
	}

	/// [`Self::connect`], and the client pinned to the chain it may sign for: the configured
	/// genesis, else `stored` (the state file's), else the endpoint's answer (first use);
	/// [`ChainError::Genesis`] when they differ ([`genesis::pin`]).
	pub async fn connect_pinned(
		&self,
		stored: Option<[u8; 32]>,
	) -> Result<ChainClient, ChainError> {
		let configured = self.configured_genesis()?;
		let client = self.connect().await?;
		let pin = genesis::pin(configured, stored, client.genesis_hash())?;
		client.pinned(pin)
	}
}

impl std::fmt::Debug for RegistrationConfig {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		f.debug_struct("RegistrationConfig")
			.field("endpoint", &redact_endpoint(&self.endpoint))
			.field("node_key", &self.node_key)
			.field("authority", &self.authority)
			.field("node_type", &self.node_type)
			.field("pay_in_credits", &self.pay_in_credits)
			.field("state_dir", &self.state_dir)
			.field("http_addr", &self.http_addr)
			.field("register_interval", &self.register_interval)
			.field("max_slow_retry_interval", &self.max_slow_retry_interval)
			.field("max_retry", &self.max_retry)
			.field("check_interval", &self.check_interval)
			.field("challenge_lifetime", &self.challenge_lifetime)
			.field("mortality", &self.mortality)
			.field("rpc_timeout", &self.rpc_timeout)
			.field("submit_timeout", &self.submit_timeout)
			.field("conflict_log_period", &self.conflict_log_period)
			.field("unregister_on_shutdown", &self.unregister_on_shutdown)
			.field("recover_degraded", &self.recover_degraded)
			.field("block_number_width", &self.block_number_width)
			.field("discovery", &self.discovery)
			.field("genesis_hash", &self.genesis_hash.as_ref().map(genesis::hex0x))
			.field("daily_budget", &self.daily_budget)
			.finish()
	}
}

/// A configuration for `endpoint` with a fixed node key and //Alice, for unit tests.
#[cfg(test)]
pub(crate) fn test_config(endpoint: &str) -> RegistrationConfig {
	RegistrationConfig::new(
		endpoint,
		NodeKey::from_seed(&[1; 32]),
		OwnerKey::from_suri(&crate::secret::SecretText::new("//Alice".into())).unwrap(),
		NodeType::StorageMiner,
		"/nonexistent",
	)
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn the_fingerprint_follows_what_a_refusal_depends_on() {
		let base = test_config("wss://user:hunter22@rpc.example.com/v3/key");
		let fingerprint = base.fingerprint();
		assert_eq!(fingerprint.len(), 64);
		// Not what a refusal does not depend on: timeouts, intervals, the endpoint's secrets.
		let mut same = base.clone();
		same.rpc_timeout = Duration::from_secs(1);
		same.register_interval = Duration::from_secs(1);
		same.endpoint = "wss://other:secret@rpc.example.com/v3/other-key".into();
		assert_eq!(same.fingerprint(), fingerprint);
		// What it does.
		let changes: [fn(&mut RegistrationConfig); 6] = [
			|c| c.node_type = NodeType::GpuMiner,
			|c| c.pay_in_credits = true,
			|c| c.block_number_width = Some(BlockNumberWidth::U32),
			|c| c.challenge_lifetime = 8,
			|c| c.node_key = NodeKey::from_seed(&[2; 32]),
			|c| c.endpoint = "wss://rpc.other.example.com".into(),
		];
		for change in changes {
			let mut other = base.clone();
			change(&mut other);
			assert_ne!(other.fingerprint(), fingerprint, "{other:?}");
		}
		let bob = OwnerKey::from_suri(&crate::secret::SecretText::new("//Bob".into())).unwrap();
		let mut owner = base.clone();
		owner.authority = Authority::Owner(bob);
		assert_ne!(owner.fingerprint(), fingerprint);
	}

	#[test]
	fn the_configuration_debug_hides_the_endpoint_secrets() {
		let config = test_config("wss://user:hunter22@rpc.example.com/v3/0123456789abcdef");
		let debug = format!("{config:?}");
		assert!(debug.contains("wss://<redacted>@rpc.example.com/<redacted>"), "{debug}");
		assert!(!debug.contains("hunter22") && !debug.contains("0123456789abcdef"), "{debug}");
	}

	#[test]
	fn a_consent_configuration_takes_the_consents_owner_and_type_and_no_owner_key() {
		use crate::consent::{ConsentTerms, SignedConsent};
		let alice = OwnerKey::from_suri(&crate::secret::SecretText::new("//Alice".into())).unwrap();
		let bob = OwnerKey::from_suri(&crate::secret::SecretText::new("//Bob".into())).unwrap();
		let node_key = NodeKey::from_seed(&[1; 32]);
		let terms = ConsentTerms {
			owner: alice.account_id(),
			peer_id: node_key.peer_id(),
			node_type: NodeType::GpuMiner,
			max_fee: 5,
			max_deposit: 0,
			nonce: 1,
			may_rotate: false,
		};
		let mut consent =
			SignedConsent::new(terms.consent([7; 32], 100), BlockNumberWidth::U64).unwrap();
		let unsigned = RegistrationConfig::with_consent(
			"ws://x",
			node_key.clone(),
			consent.clone(),
			bob.clone(),
			"/x",
		);
		assert!(matches!(unsigned, Err(ConsentError::Unsigned)));
		consent.sign(&alice).unwrap();
		let other = NodeKey::from_seed(&[2; 32]);
		let mismatch =
			RegistrationConfig::with_consent("ws://x", other, consent.clone(), bob.clone(), "/x");
		assert!(matches!(mismatch, Err(ConsentError::NodeMismatch { .. })));
		let config =
			RegistrationConfig::with_consent("ws://x", node_key, consent, bob.clone(), "/x")
				.unwrap();
		assert_eq!(config.node_type, NodeType::GpuMiner);
		assert_eq!(config.intent().owner, alice.account_id());
		assert_eq!(config.authority.signer().account_id(), bob.account_id());
		assert!(config.authority.owner_key().is_none());
		let intent = config.authority.consent_intent().unwrap();
		assert_eq!((intent.max_fee, intent.valid_until), (5, 100));
		assert_eq!(intent.submitter, bob.account_id());
		let debug = format!("{config:?}");
		assert!(debug.contains("consent_hash") && debug.contains(&bob.ss58()), "{debug}");
	}
}
