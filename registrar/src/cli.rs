//! The command line: flags (clap), and from them the library's configuration and requests.
//! Nothing here talks to the chain.

use clap::{Args, Parser, Subcommand, ValueEnum};
use pallet_registration::NodeType;
use registrar::{
	challenge::{BlockNumberWidth, DEV_PALLET_INDEX},
	commands::{ChainSource, SignRequest, StatusRequest},
	keys::{parse_account, NodeKey, NodeKeyFormat, OwnerKey, OwnerSecretSource},
	outcome::OutcomeClass,
	RegistrationConfig,
};
use sp_core::crypto::AccountId32;
use std::{net::SocketAddr, path::PathBuf, process::ExitCode, time::Duration};

/// Exit code of `register` when the node or owner is registered to someone else.
const EXIT_CONFLICT: u8 = 3;
/// Exit code of `register` after a transient failure (retry soon).
const EXIT_FAST_RETRY: u8 = 4;
/// Exit code of `register` when the chain refused (retry after a while).
const EXIT_SLOW_RETRY: u8 = 5;
/// Exit code of `register` when the chain refuses this configuration every time (do not retry
/// as it is: fix the configuration).
const EXIT_FATAL: u8 = 6;

/// The exit code of `register` for an outcome of class `class`.
pub fn exit_code(class: OutcomeClass) -> ExitCode {
	match class {
		OutcomeClass::Registered => ExitCode::SUCCESS,
		OutcomeClass::Conflict => ExitCode::from(EXIT_CONFLICT),
		OutcomeClass::FastRetry => ExitCode::from(EXIT_FAST_RETRY),
		OutcomeClass::SlowRetry => ExitCode::from(EXIT_SLOW_RETRY),
		OutcomeClass::Fatal => ExitCode::from(EXIT_FATAL),
	}
}

/// `--node-key-format`.
#[derive(Clone, Copy, Debug, ValueEnum)]
enum NodeKeyFormatArg {
	/// Detect the format from the content (the default).
	Auto,
	/// A Substrate node-key file: the 32-byte secret as 64 hex characters or 32 raw bytes.
	Substrate,
	/// A hex seed: 32 bytes (secret) or 64 bytes (secret then public key), optional `0x`.
	Hex,
	/// A go-libp2p protobuf private key, base64 (or raw bytes).
	Protobuf,
}

impl From<NodeKeyFormatArg> for NodeKeyFormat {
	fn from(arg: NodeKeyFormatArg) -> Self {
		match arg {
			NodeKeyFormatArg::Auto => NodeKeyFormat::Auto,
			NodeKeyFormatArg::Substrate => NodeKeyFormat::Substrate,
			NodeKeyFormatArg::Hex => NodeKeyFormat::Hex,
			NodeKeyFormatArg::Protobuf => NodeKeyFormat::Protobuf,
		}
	}
}

/// `--block-number-width`.
#[derive(Clone, Copy, Debug, ValueEnum)]
enum WidthArg {
	/// `u32` block numbers (192-byte challenges).
	#[value(name = "32")]
	U32,
	/// `u64` block numbers (200-byte challenges), as in the reference chain and the dev runtime.
	#[value(name = "64")]
	U64,
}

impl From<WidthArg> for BlockNumberWidth {
	fn from(arg: WidthArg) -> Self {
		match arg {
			WidthArg::U32 => BlockNumberWidth::U32,
			WidthArg::U64 => BlockNumberWidth::U64,
		}
	}
}

#[derive(Parser, Debug)]
#[command(
	name = "registrar",
	version,
	about = "Keep a libp2p node registered in the registration pallet"
)]
pub struct Cli {
	/// Log filter (tracing `EnvFilter` syntax; `RUST_LOG` also works).
	#[arg(long, global = true, default_value = "info")]
	pub log: String,
	#[command(subcommand)]
	pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
	/// Build and sign the challenge; print `register_node_with_coldkey`'s parameters as JSON for
	/// polkadot.js apps (from an endpoint, or offline from --genesis-hash and --block-number).
	Sign(SignArgs),
	/// Register once: read the chain, submit if needed, wait for finality; print the outcome.
	Register(RegisterArgs),
	/// Print what the chain says about the node (and the owner), and the state file if given.
	Status(StatusArgs),
	/// Keep the node registered until SIGINT/SIGTERM (the service).
	Run(RunArgs),
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum NodeTypeArg {
	Validator,
	StorageMiner,
	StorageS3,
	ComputeMiner,
	GpuMiner,
}

impl From<NodeTypeArg> for NodeType {
	fn from(arg: NodeTypeArg) -> Self {
		match arg {
			NodeTypeArg::Validator => NodeType::Validator,
			NodeTypeArg::StorageMiner => NodeType::StorageMiner,
			NodeTypeArg::StorageS3 => NodeType::StorageS3,
			NodeTypeArg::ComputeMiner => NodeType::ComputeMiner,
			NodeTypeArg::GpuMiner => NodeType::GpuMiner,
		}
	}
}

#[derive(Args, Debug)]
struct NodeKeyArgs {
	/// The node's libp2p key file.
	#[arg(long, env = "REGISTRAR_NODE_KEY_FILE")]
	node_key_file: PathBuf,
	/// Its format.
	#[arg(long, value_enum, default_value_t = NodeKeyFormatArg::Auto)]
	node_key_format: NodeKeyFormatArg,
}

impl NodeKeyArgs {
	fn load(&self) -> Result<NodeKey, String> {
		NodeKey::load(&self.node_key_file, self.node_key_format.into()).map_err(|e| e.to_string())
	}
}

#[derive(Args, Debug)]
#[group(required = true, multiple = false)]
struct OwnerSecretArgs {
	/// A file holding the owner's secret URI or mnemonic.
	#[arg(long, env = "REGISTRAR_OWNER_SECRET_FILE")]
	owner_secret_file: Option<PathBuf>,
	/// The NAME of an environment variable holding the owner's secret URI or mnemonic.
	#[arg(long, value_name = "VAR")]
	owner_secret_env: Option<String>,
}

/// Where the owner's secret comes from: the file if given, else the named variable.
fn secret_source(file: &Option<PathBuf>, env: &Option<String>) -> Option<OwnerSecretSource> {
	match (file, env) {
		(Some(path), _) => Some(OwnerSecretSource::File(path.clone())),
		(None, Some(var)) => Some(OwnerSecretSource::Env(var.clone())),
		(None, None) => None,
	}
}

impl OwnerSecretArgs {
	fn source(&self) -> Option<OwnerSecretSource> {
		secret_source(&self.owner_secret_file, &self.owner_secret_env)
	}

	fn load(&self) -> Result<OwnerKey, String> {
		let source = self.source().ok_or("give --owner-secret-file or --owner-secret-env")?;
		OwnerKey::load(&source).map_err(|e| e.to_string())
	}
}

/// The owner account, for commands that only need its address: given directly, or the account
/// of the owner's secret.
#[derive(Args, Debug)]
struct OwnerAccountArgs {
	/// The owner account (SS58 or 0x hex); or give the owner's secret instead.
	#[arg(long, conflicts_with_all = ["owner_secret_file", "owner_secret_env"])]
	owner: Option<String>,
	/// A file holding the owner's secret URI or mnemonic (only its account is used).
	#[arg(long)]
	owner_secret_file: Option<PathBuf>,
	/// The NAME of an environment variable holding the owner's secret (only its account is
	/// used).
	#[arg(long, value_name = "VAR")]
	owner_secret_env: Option<String>,
}

impl OwnerAccountArgs {
	/// The account, if any of the three was given.
	fn account(&self) -> Result<Option<AccountId32>, String> {
		if let Some(text) = &self.owner {
			return parse_account(text).map(Some).map_err(|e| e.to_string());
		}
		let Some(source) = secret_source(&self.owner_secret_file, &self.owner_secret_env) else {
			return Ok(None);
		};
		OwnerKey::load(&source).map(|key| Some(key.account_id())).map_err(|e| e.to_string())
	}
}

#[derive(Args, Debug)]
struct ChainArgs {
	/// The chain's JSON-RPC websocket (it may hold a credential: never shown, not even in
	/// `--help`).
	#[arg(
		long,
		env = "REGISTRAR_ENDPOINT",
		hide_env_values = true,
		default_value = "ws://127.0.0.1:9944"
	)]
	endpoint: String,
}

#[derive(Args, Debug)]
struct RegistrationArgs {
	/// The node type to register.
	#[arg(long, value_enum)]
	node_type: NodeTypeArg,
	/// Pay the fee in credits instead of the currency.
	#[arg(long)]
	pay_in_credits: bool,
	/// Blocks the challenge stays valid (capped by the chain's MaxChallengeLifetime).
	#[arg(long, default_value_t = 32)]
	lifetime: u64,
	/// Blocks the transaction stays valid (capped by the lifetime).
	#[arg(long, default_value_t = 32)]
	mortality: u64,
	/// The chain's block number width; detected from the metadata when absent.
	#[arg(long, value_enum)]
	block_number_width: Option<WidthArg>,
	/// Longest wait for a transaction to be finalized, in seconds.
	#[arg(long, default_value_t = 120)]
	submit_timeout_secs: u64,
	/// Longest wait for a read or a connection, in seconds.
	#[arg(long, default_value_t = 30)]
	rpc_timeout_secs: u64,
}

#[derive(Args, Debug)]
pub struct SignArgs {
	#[command(flatten)]
	node_key: NodeKeyArgs,
	#[command(flatten)]
	owner: OwnerAccountArgs,
	/// The node type.
	#[arg(long, value_enum)]
	node_type: NodeTypeArg,
	/// Pay the fee in credits.
	#[arg(long)]
	pay_in_credits: bool,
	/// Read the genesis hash, block and pallet index from this endpoint.
	#[arg(
		long,
		env = "REGISTRAR_ENDPOINT",
		hide_env_values = true,
		conflicts_with_all = ["genesis_hash", "block_number"]
	)]
	endpoint: Option<String>,
	/// Offline: the chain's System::BlockHash(0) (0x hex).
	#[arg(long, requires = "block_number")]
	genesis_hash: Option<String>,
	/// Offline: the current block number.
	#[arg(long, requires = "genesis_hash")]
	block_number: Option<u64>,
	/// Blocks the challenge stays valid.
	#[arg(long, default_value_t = 32)]
	lifetime: u64,
	/// Offline: the pallet's index in the runtime.
	#[arg(long, default_value_t = DEV_PALLET_INDEX)]
	pallet_index: u8,
	/// The chain's block number width (online: detected when absent; offline default 64).
	#[arg(long, value_enum)]
	block_number_width: Option<WidthArg>,
	/// The challenge nonce (0x hex, 32 bytes); random when absent.
	#[arg(long)]
	nonce: Option<String>,
}

#[derive(Args, Debug)]
pub struct RegisterArgs {
	#[command(flatten)]
	node_key: NodeKeyArgs,
	#[command(flatten)]
	owner: OwnerSecretArgs,
	#[command(flatten)]
	chain: ChainArgs,
	#[command(flatten)]
	registration: RegistrationArgs,
}

#[derive(Args, Debug)]
pub struct StatusArgs {
	/// The node's key file (or give --peer-id).
	#[arg(long, env = "REGISTRAR_NODE_KEY_FILE", conflicts_with = "peer_id")]
	node_key_file: Option<PathBuf>,
	/// The key file's format.
	#[arg(long, value_enum, default_value_t = NodeKeyFormatArg::Auto)]
	node_key_format: NodeKeyFormatArg,
	/// The node's PeerId (base58).
	#[arg(long)]
	peer_id: Option<String>,
	#[command(flatten)]
	owner: OwnerAccountArgs,
	/// Also print this state directory's state file.
	#[arg(long)]
	state_dir: Option<PathBuf>,
	#[command(flatten)]
	chain: ChainArgs,
}

#[derive(Args, Debug)]
pub struct RunArgs {
	// What `register` takes: the node, the owner, the chain and the registration's options.
	#[command(flatten)]
	attempt: RegisterArgs,
	/// The state directory (lock file and state file); one registrar per directory.
	#[arg(long, env = "REGISTRAR_STATE_DIR")]
	state_dir: PathBuf,
	/// Where to serve /livez, /readyz, /status and /metrics.
	#[arg(long, default_value = "127.0.0.1:9955")]
	http_addr: SocketAddr,
	/// Serve no HTTP endpoints.
	#[arg(long)]
	no_http: bool,
	/// The full interval conflicts and slow retries wait, in seconds.
	#[arg(long, default_value_t = 120)]
	register_interval_secs: u64,
	/// The longest wait after slow retries in a row, in seconds (each doubles the wait from
	/// the interval; a value at or below the interval keeps it flat).
	#[arg(long, default_value_t = 14_400)]
	max_slow_retry_secs: u64,
	/// The longest burst of fast retries before waiting a full interval (-1: unbounded).
	#[arg(long, default_value_t = -1, allow_negative_numbers = true)]
	max_retry: i64,
	/// How often the parked loop re-reads the registry, in seconds.
	#[arg(long, default_value_t = 60)]
	check_interval_secs: u64,
	/// Shortest time between two logged conflict or refusal warnings, in seconds.
	#[arg(long, default_value_t = 180)]
	conflict_log_secs: u64,
	/// Unregister the node (unregister_main_node) on SIGINT/SIGTERM.
	#[arg(long)]
	unregister_on_shutdown: bool,
	/// When the node is degraded, unregister it as its owner and register it again.
	#[arg(long)]
	recover_degraded: bool,
}

/// 32 bytes of `0x`-optional hex, or `message`.
fn hex32(text: &str, message: &str) -> Result<[u8; 32], String> {
	hex::decode(text.trim_start_matches("0x"))
		.ok()
		.and_then(|b| <[u8; 32]>::try_from(b).ok())
		.ok_or_else(|| message.to_owned())
}

impl RegistrationArgs {
	/// The configuration of a registration of `node_key` for `owner` at `endpoint`.
	fn config(
		&self,
		node_key: NodeKey,
		owner: OwnerKey,
		endpoint: &str,
		state_dir: PathBuf,
	) -> RegistrationConfig {
		let mut config =
			RegistrationConfig::new(endpoint, node_key, owner, self.node_type.into(), state_dir);
		config.pay_in_credits = self.pay_in_credits;
		config.challenge_lifetime = self.lifetime;
		config.mortality = self.mortality;
		config.block_number_width = self.block_number_width.map(Into::into);
		config.submit_timeout = Duration::from_secs(self.submit_timeout_secs);
		config.rpc_timeout = Duration::from_secs(self.rpc_timeout_secs);
		config
	}
}

impl SignArgs {
	/// The request `sign` makes of the library.
	pub fn request(&self) -> Result<SignRequest, String> {
		let node_key = self.node_key.load()?;
		let owner = self
			.owner
			.account()?
			.ok_or("give --owner, --owner-secret-file or --owner-secret-env")?;
		let nonce = match &self.nonce {
			Some(text) => hex32(text, "--nonce must be 32 bytes of hex")?,
			None => rand::random(),
		};
		let chain = match (&self.endpoint, &self.genesis_hash, self.block_number) {
			(Some(endpoint), _, _) => ChainSource::Online { endpoint: endpoint.clone() },
			(None, Some(hash), Some(block_number)) => ChainSource::Offline {
				genesis_hash: hex32(hash, "--genesis-hash must be 32 bytes of hex")?,
				block_number,
				pallet_index: self.pallet_index,
			},
			_ => return Err("give --endpoint, or --genesis-hash and --block-number".into()),
		};
		Ok(SignRequest {
			node_key,
			owner,
			node_type: self.node_type.into(),
			pay_in_credits: self.pay_in_credits,
			chain,
			lifetime: self.lifetime,
			block_number_width: self.block_number_width.map(Into::into),
			nonce,
		})
	}
}

impl RegisterArgs {
	/// The configuration of the one attempt (no state directory).
	pub fn config(&self) -> Result<RegistrationConfig, String> {
		self.config_in(PathBuf::new())
	}

	/// The configuration of a registration with its state in `state_dir`.
	fn config_in(&self, state_dir: PathBuf) -> Result<RegistrationConfig, String> {
		let node_key = self.node_key.load()?;
		let owner = self.owner.load()?;
		Ok(self.registration.config(node_key, owner, &self.chain.endpoint, state_dir))
	}
}

impl StatusArgs {
	/// The request `status` makes of the library.
	pub fn request(&self) -> Result<StatusRequest, String> {
		let node_id = match (&self.node_key_file, &self.peer_id) {
			(Some(path), _) => NodeKey::load(path, self.node_key_format.into())
				.map_err(|e| e.to_string())?
				.peer_id_base58(),
			(None, Some(peer)) => {
				pallet_registration::peer_id::Ed25519PeerId::from_base58(peer.as_bytes()).map_err(
					|_| "--peer-id is not the base58 PeerId of an acceptable Ed25519 key",
				)?;
				peer.clone()
			}
			(None, None) => return Err("give --node-key-file or --peer-id".into()),
		};
		Ok(StatusRequest {
			endpoint: self.chain.endpoint.clone(),
			node_id,
			owner: self.owner.account()?,
			state_dir: self.state_dir.clone(),
		})
	}
}

impl RunArgs {
	/// The service's configuration.
	pub fn config(&self) -> Result<RegistrationConfig, String> {
		let mut config = self.attempt.config_in(self.state_dir.clone())?;
		config.http_addr = (!self.no_http).then_some(self.http_addr);
		config.register_interval = Duration::from_secs(self.register_interval_secs);
		config.max_slow_retry_interval = Duration::from_secs(self.max_slow_retry_secs);
		config.max_retry = self.max_retry;
		config.check_interval = Duration::from_secs(self.check_interval_secs.max(1));
		config.conflict_log_period = Duration::from_secs(self.conflict_log_secs);
		config.unregister_on_shutdown = self.unregister_on_shutdown;
		config.recover_degraded = self.recover_degraded;
		Ok(config)
	}
}
