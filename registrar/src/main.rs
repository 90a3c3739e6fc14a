//! `registrar`: keep a libp2p node registered in the registration pallet.
//!
//! Commands: `sign` (print the call's parameters for polkadot.js apps), `register` (one
//! attempt), `status` (what the chain says about the node) and `run` (the loop, as a service).
//! Secrets are read from files or environment variables named on the command line, never from
//! the command line itself.

#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use clap::{Args, Parser, Subcommand, ValueEnum};
use pallet_registration::NodeType;
use registrar::{
	chain::ChainClient,
	challenge::{BlockNumberWidth, ChallengeInputs, RegistrationCall, DEV_PALLET_INDEX},
	endpoint::redact_endpoint,
	keys::{parse_account, NodeKey, NodeKeyFormat, OwnerKey, OwnerSecretSource},
	outcome::OutcomeClass,
	register::{register_once, RegistrationConfig},
	state::PersistedState,
};
use sp_core::crypto::{AccountId32, Ss58Codec};
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

#[derive(Parser, Debug)]
#[command(
	name = "registrar",
	version,
	about = "Keep a libp2p node registered in the registration pallet"
)]
struct Cli {
	/// Log filter (tracing `EnvFilter` syntax; `RUST_LOG` also works).
	#[arg(long, global = true, default_value = "info")]
	log: String,
	#[command(subcommand)]
	command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
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
	#[arg(long, value_enum, default_value_t = NodeKeyFormat::Auto)]
	node_key_format: NodeKeyFormat,
}

impl NodeKeyArgs {
	fn load(&self) -> Result<NodeKey, String> {
		NodeKey::load(&self.node_key_file, self.node_key_format).map_err(|e| e.to_string())
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
	block_number_width: Option<BlockNumberWidth>,
	/// Longest wait for a transaction to be finalized, in seconds.
	#[arg(long, default_value_t = 120)]
	submit_timeout_secs: u64,
	/// Longest wait for a read or a connection, in seconds.
	#[arg(long, default_value_t = 30)]
	rpc_timeout_secs: u64,
}

#[derive(Args, Debug)]
struct SignArgs {
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
	block_number_width: Option<BlockNumberWidth>,
	/// The challenge nonce (0x hex, 32 bytes); random when absent.
	#[arg(long)]
	nonce: Option<String>,
}

#[derive(Args, Debug)]
struct RegisterArgs {
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
struct StatusArgs {
	/// The node's key file (or give --peer-id).
	#[arg(long, env = "REGISTRAR_NODE_KEY_FILE", conflicts_with = "peer_id")]
	node_key_file: Option<PathBuf>,
	/// The key file's format.
	#[arg(long, value_enum, default_value_t = NodeKeyFormat::Auto)]
	node_key_format: NodeKeyFormat,
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
struct RunArgs {
	#[command(flatten)]
	node_key: NodeKeyArgs,
	#[command(flatten)]
	owner: OwnerSecretArgs,
	#[command(flatten)]
	chain: ChainArgs,
	#[command(flatten)]
	registration: RegistrationArgs,
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

fn registration_config(
	node_key: NodeKey,
	owner: OwnerKey,
	endpoint: &str,
	args: &RegistrationArgs,
	state_dir: PathBuf,
) -> RegistrationConfig {
	let mut config =
		RegistrationConfig::new(endpoint, node_key, owner, args.node_type.into(), state_dir);
	config.pay_in_credits = args.pay_in_credits;
	config.challenge_lifetime = args.lifetime;
	config.mortality = args.mortality;
	config.block_number_width = args.block_number_width;
	config.submit_timeout = Duration::from_secs(args.submit_timeout_secs);
	config.rpc_timeout = Duration::from_secs(args.rpc_timeout_secs);
	config
}

fn print_json(value: &serde_json::Value) -> Result<(), String> {
	let text = serde_json::to_string_pretty(value).map_err(|e| e.to_string())?;
	println!("{text}");
	Ok(())
}

async fn sign(args: SignArgs) -> Result<ExitCode, String> {
	let node_key = args.node_key.load()?;
	let owner =
		args.owner.account()?.ok_or("give --owner, --owner-secret-file or --owner-secret-env")?;
	let nonce = match &args.nonce {
		Some(text) => hex::decode(text.trim_start_matches("0x"))
			.ok()
			.and_then(|b| <[u8; 32]>::try_from(b).ok())
			.ok_or("--nonce must be 32 bytes of hex")?,
		None => rand::random(),
	};
	let (genesis_hash, block_number, lifetime, pallet_index, width) = match &args.endpoint {
		Some(endpoint) => {
			let client = ChainClient::connect(endpoint).await.map_err(|e| e.to_string())?;
			let context = client.context().await.map_err(|e| e.to_string())?;
			let width = args
				.block_number_width
				.or(context.block_number_width)
				.unwrap_or(BlockNumberWidth::U64);
			let lifetime = args.lifetime.clamp(1, context.max_challenge_lifetime.max(1));
			(context.genesis_hash, context.block_number, lifetime, context.pallet_index, width)
		}
		None => {
			let (Some(hash), Some(block)) = (&args.genesis_hash, args.block_number) else {
				return Err("give --endpoint, or --genesis-hash and --block-number".into());
			};
			let genesis: [u8; 32] = hex::decode(hash.trim_start_matches("0x"))
				.ok()
				.and_then(|b| b.try_into().ok())
				.ok_or("--genesis-hash must be 32 bytes of hex")?;
			let width = args.block_number_width.unwrap_or(BlockNumberWidth::U64);
			(genesis, block, args.lifetime, args.pallet_index, width)
		}
	};
	let inputs = ChallengeInputs {
		genesis_hash,
		block_number,
		expires_at: block_number.saturating_add(lifetime),
		nonce,
	};
	let call = RegistrationCall::new(
		&node_key,
		&owner,
		args.node_type.into(),
		args.pay_in_credits,
		inputs,
		width,
	)
	.map_err(|e| e.to_string())?;
	print_json(&call.to_json(pallet_index))?;
	Ok(ExitCode::SUCCESS)
}

async fn register(args: RegisterArgs) -> Result<ExitCode, String> {
	let node_key = args.node_key.load()?;
	let owner = args.owner.load()?;
	let config = registration_config(
		node_key,
		owner,
		&args.chain.endpoint,
		&args.registration,
		PathBuf::new(),
	);
	let client = tokio::time::timeout(config.rpc_timeout, ChainClient::connect(&config.endpoint))
		.await
		.map_err(|_| format!("timed out connecting to {}", redact_endpoint(&config.endpoint)))?
		.map_err(|e| e.to_string())?;
	let outcome = register_once(&client, &config).await;
	print_json(&serde_json::to_value(&outcome).map_err(|e| e.to_string())?)?;
	Ok(match outcome.class {
		OutcomeClass::Registered => ExitCode::SUCCESS,
		OutcomeClass::Conflict => ExitCode::from(EXIT_CONFLICT),
		OutcomeClass::FastRetry => ExitCode::from(EXIT_FAST_RETRY),
		OutcomeClass::SlowRetry => ExitCode::from(EXIT_SLOW_RETRY),
		OutcomeClass::Fatal => ExitCode::from(EXIT_FATAL),
	})
}

async fn status(args: StatusArgs) -> Result<ExitCode, String> {
	let node_id = match (&args.node_key_file, &args.peer_id) {
		(Some(path), _) => {
			NodeKey::load(path, args.node_key_format).map_err(|e| e.to_string())?.peer_id_base58()
		}
		(None, Some(peer)) => {
			pallet_registration::peer_id::Ed25519PeerId::from_base58(peer.as_bytes())
				.map_err(|_| "--peer-id is not the base58 PeerId of an acceptable Ed25519 key")?;
			peer.clone()
		}
		(None, None) => return Err("give --node-key-file or --peer-id".into()),
	};
	let owner = args.owner.account()?;
	let client = ChainClient::connect(&args.chain.endpoint).await.map_err(|e| e.to_string())?;
	let query_owner = owner.clone().unwrap_or_else(|| AccountId32::new([0; 32]));
	let view = client.view(node_id.as_bytes(), &query_owner).await.map_err(|e| e.to_string())?;
	let registered_to_owner = owner.as_ref().map(|o| {
		view.node
			.as_ref()
			.is_some_and(|n| &n.owner == o && n.status != pallet_registration::Status::Degraded)
	});
	let state = match &args.state_dir {
		Some(dir) => PersistedState::load(dir).map_err(|e| e.to_string())?,
		None => None,
	};
	print_json(&serde_json::json!({
		"node_id": node_id,
		"owner": owner.as_ref().map(|o| o.to_ss58check()),
		"finalized_block": view.block_number,
		"finalized_hash": view.block_hash,
		"node": view.node,
		"owner_node": if owner.is_some() { serde_json::to_value(&view.owner_node).unwrap_or_default() } else { serde_json::Value::Null },
		"registered_to_owner": registered_to_owner,
		"state_file": state,
	}))?;
	Ok(ExitCode::SUCCESS)
}

async fn run(args: RunArgs) -> Result<ExitCode, String> {
	let node_key = args.node_key.load()?;
	let owner = args.owner.load()?;
	let mut config = registration_config(
		node_key,
		owner,
		&args.chain.endpoint,
		&args.registration,
		args.state_dir.clone(),
	);
	config.http_addr = (!args.no_http).then_some(args.http_addr);
	config.register_interval = Duration::from_secs(args.register_interval_secs);
	config.max_slow_retry_interval = Duration::from_secs(args.max_slow_retry_secs);
	config.max_retry = args.max_retry;
	config.check_interval = Duration::from_secs(args.check_interval_secs.max(1));
	config.conflict_log_period = Duration::from_secs(args.conflict_log_secs);
	config.unregister_on_shutdown = args.unregister_on_shutdown;
	config.recover_degraded = args.recover_degraded;
	registrar::run_registration_loop(config).await.map_err(|e| e.to_string())?;
	Ok(ExitCode::SUCCESS)
}

fn main() -> ExitCode {
	let cli = Cli::parse();
	let filter = tracing_subscriber::EnvFilter::try_from_default_env()
		.or_else(|_| tracing_subscriber::EnvFilter::try_new(&cli.log))
		.unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
	tracing_subscriber::fmt()
		.with_env_filter(filter)
		.with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
		.with_writer(std::io::stderr)
		.init();
	let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
		Ok(runtime) => runtime,
		Err(error) => {
			eprintln!("error: cannot start the async runtime: {error}");
			return ExitCode::FAILURE;
		}
	};
	let result = runtime.block_on(async {
		match cli.command {
			Command::Sign(args) => sign(args).await,
			Command::Register(args) => register(args).await,
			Command::Status(args) => status(args).await,
			Command::Run(args) => run(args).await,
		}
	});
	match result {
		Ok(code) => code,
		Err(message) => {
			tracing::error!("{message}");
			eprintln!("error: {message}");
			ExitCode::FAILURE
		}
	}
}
