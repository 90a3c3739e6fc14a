//! The command line: flags (clap), and from them the library's configuration and requests.
//! Nothing here talks to the chain.

use clap::{ArgGroup, Args, Parser, Subcommand, ValueEnum};
use pallet_registration::{peer_id::Ed25519PeerId, NodeType, Status};
use registrar::{
	amount::Amount,
	commands::{
		AskOnTerminal, AssumeYes, ChainSource, Confirm, ConsentChainSource, ConsentRequest,
		NewConsent, NewConsents, NodesRequest, RotateRequest, SignRequest, StatusRequest,
		NOT_A_TERMINAL,
	},
	consent::{parse_peer_id_list, ConsentError, SignatureScheme, SignedConsent, Validity},
	discovery::default_version,
	judge::discovery::FeeLessMode,
	keys::{parse_account, NodeKey, NodeKeyFormat, OwnerKey, OwnerSecretSource},
	outcome::OutcomeClass,
	Authority, DiscoverySigning, RegistrationConfig,
	{challenge::DEV_PALLET_INDEX, facts::BlockNumberWidth},
};
use sp_core::crypto::AccountId32;
use std::{
	net::SocketAddr,
	path::{Path, PathBuf},
	process::ExitCode,
	time::Duration,
};

/// Exit code of any command after an error: a key, a file, an unreachable chain.
const EXIT_FAILED: u8 = 1;
/// Exit code of an invalid command line (clap's own, for what clap cannot check).
const EXIT_USAGE: u8 = 2;
/// Exit code of `register` when the node or owner is registered to someone else.
const EXIT_CONFLICT: u8 = 3;
/// Exit code of `register` after a transient failure (retry soon).
const EXIT_FAST_RETRY: u8 = 4;
/// Exit code of `register` when the chain refused (retry after a while).
const EXIT_SLOW_RETRY: u8 = 5;
/// Exit code of `register` when the chain refuses this configuration every time (do not retry
/// as it is: fix the configuration).
const EXIT_FATAL: u8 = 6;

/// Why a command line cannot be carried out; each kind has the exit code the README's table
/// gives it.
#[derive(Debug, PartialEq, Eq)]
pub enum CliError {
	/// A missing, conflicting or malformed flag that clap cannot see (exit 2, as clap's own).
	Usage(String),
	/// A configuration the chain refuses every time (exit 6, as `register`'s fatal outcome): a
	/// consent for another node or node type.
	Fatal(String),
	/// Anything else (exit 1): a key or consent file, an unreachable chain.
	Failed(String),
}

impl CliError {
	/// The message, without the kind.
	pub fn message(&self) -> &str {
		match self {
			CliError::Usage(message) | CliError::Fatal(message) | CliError::Failed(message) => {
				message
			}
		}
	}

	/// The exit code of this kind of error.
	pub fn exit_code(&self) -> ExitCode {
		ExitCode::from(match self {
			CliError::Usage(_) => EXIT_USAGE,
			CliError::Fatal(_) => EXIT_FATAL,
			CliError::Failed(_) => EXIT_FAILED,
		})
	}
}

impl From<String> for CliError {
	fn from(message: String) -> Self {
		CliError::Failed(message)
	}
}

impl std::fmt::Display for CliError {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		f.write_str(self.message())
	}
}

/// A library error, as the binary reports it (exit 1).
pub fn failed(error: impl std::fmt::Display) -> CliError {
	CliError::Failed(error.to_string())
}

fn usage(message: &str) -> CliError {
	CliError::Usage(message.to_owned())
}

/// The flags a newcomer tries for a secret, which the registrar does not take on purpose: the
/// message that says so and which flag to use instead, when `args` holds one.
pub fn secret_on_the_command_line(args: &[String]) -> Option<String> {
	let given = args.iter().find_map(|arg| {
		let flag = arg.split('=').next().unwrap_or_default();
		["--owner-secret", "--submitter-secret", "--secret"].into_iter().find(|f| *f == flag)
	})?;
	let file = if given == "--submitter-secret" { "--submitter-secret" } else { "--owner-secret" };
	Some(format!(
		"there is no {given}: a secret on the command line shows in `ps` and the shell's \
		 history. Put it in a file readable by you alone and give {file}-file FILE (or name an \
		 environment variable that holds it with {file}-env VAR)"
	))
}

/// The exit code of `register` (and `rotate`) for an outcome of class `class`.
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

/// `--fee-less`.
#[derive(Clone, Copy, Debug, ValueEnum)]
enum FeeLessArg {
	/// General transactions where the runtime takes them (extrinsic format 5 with the
	/// AuthorizeCall extension), else bare ones (the default).
	Auto,
	/// General transactions only: none is sent to a runtime without AuthorizeCall.
	General,
	/// Bare transactions only (the pallet's ValidateUnsigned).
	Bare,
}

impl From<FeeLessArg> for FeeLessMode {
	fn from(arg: FeeLessArg) -> Self {
		match arg {
			FeeLessArg::Auto => FeeLessMode::Auto,
			FeeLessArg::General => FeeLessMode::General,
			FeeLessArg::Bare => FeeLessMode::Bare,
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
	/// Make an owner consent file for offline signing (and sign it with the owner's secret),
	/// sign an existing one, attach a signature made elsewhere, or check one.
	Consent(ConsentArgs),
	/// Move a registered node to a new key (signed by the owner, or by a submitter with the
	/// owner's consent); print the outcome.
	Rotate(RotateArgs),
	/// List registered nodes with their records (each signature checked here) and liveness.
	Nodes(NodesArgs),
}

impl Command {
	/// The names of the environment variables this command reads a secret from
	/// (`--owner-secret-env`, `--submitter-secret-env`), which `main` moves out of the
	/// environment before it starts any thread.
	pub fn secret_env_vars(&self) -> Vec<&str> {
		fn authority(a: &AuthorityArgs) -> Vec<&str> {
			[&a.owner_secret_env, &a.submitter.submitter_secret_env]
				.into_iter()
				.flatten()
				.map(String::as_str)
				.collect()
		}
		match self {
			Command::Sign(args) => args.owner.owner_secret_env.iter().map(String::as_str).collect(),
			Command::Register(args) => authority(&args.authority),
			Command::Status(args) => {
				args.owner.owner_secret_env.iter().map(String::as_str).collect()
			}
			Command::Run(args) => authority(&args.attempt.authority),
			Command::Consent(args) => args.owner_secret_env.iter().map(String::as_str).collect(),
			Command::Rotate(args) => authority(&args.authority),
			Command::Nodes(_) => Vec::new(),
		}
	}
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum NodeTypeArg {
	Validator,
	StorageMiner,
	StorageS3,
	ComputeMiner,
	GpuMiner,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum StatusArg {
	Online,
	Degraded,
	Offline,
}

impl From<StatusArg> for Status {
	fn from(arg: StatusArg) -> Self {
		match arg {
			StatusArg::Online => Status::Online,
			StatusArg::Degraded => Status::Degraded,
			StatusArg::Offline => Status::Offline,
		}
	}
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
	fn load(&self) -> Result<NodeKey, CliError> {
		NodeKey::load(&self.node_key_file, self.node_key_format.into()).map_err(failed)
	}
}

/// Who authorizes: the owner's key, or the owner's consent file and a submitter's key.
#[derive(Args, Debug)]
struct AuthorityArgs {
	/// A file holding the owner's secret URI or mnemonic.
	#[arg(
		long,
		env = "REGISTRAR_OWNER_SECRET_FILE",
		conflicts_with_all = ["owner_secret_env", "consent_file"],
		required_unless_present_any = ["owner_secret_env", "consent_file"]
	)]
	owner_secret_file: Option<PathBuf>,
	/// The NAME of an environment variable holding the owner's secret URI or mnemonic.
	#[arg(long, value_name = "VAR", conflicts_with = "consent_file")]
	owner_secret_env: Option<String>,
	/// Instead of the owner's secret: the owner's signed consent file (`registrar consent`);
	/// a submitter key signs and pays the transaction fees, the owner pays the registration
	/// fee.
	#[arg(long, requires = "submitter")]
	consent_file: Option<PathBuf>,
	#[command(flatten)]
	submitter: SubmitterSecretArgs,
}

/// The submitter's key, with `--consent-file`.
#[derive(Args, Debug)]
#[group(id = "submitter", multiple = false)]
struct SubmitterSecretArgs {
	/// With --consent-file: a file holding the submitter's secret URI or mnemonic (an sr25519
	/// account that only needs transaction fees).
	#[arg(
		long,
		requires = "consent_file",
		conflicts_with_all = ["owner_secret_file", "owner_secret_env"]
	)]
	submitter_secret_file: Option<PathBuf>,
	/// With --consent-file: the NAME of an environment variable holding the submitter's
	/// secret.
	#[arg(
		long,
		value_name = "VAR",
		requires = "consent_file",
		conflicts_with_all = ["owner_secret_file", "owner_secret_env"]
	)]
	submitter_secret_env: Option<String>,
}

/// Where the owner's secret comes from: the file if given, else the named variable.
fn secret_source(file: &Option<PathBuf>, env: &Option<String>) -> Option<OwnerSecretSource> {
	match (file, env) {
		(Some(path), _) => Some(OwnerSecretSource::File(path.clone())),
		(None, Some(var)) => Some(OwnerSecretSource::Env(var.clone())),
		(None, None) => None,
	}
}

impl AuthorityArgs {
	/// The owner's key, or the consent (checked: signed by its owner) and the submitter's key.
	fn load(&self) -> Result<Authority, CliError> {
		if let Some(path) = &self.consent_file {
			let consent = SignedConsent::load(path).map_err(failed)?;
			consent.require_signature().map_err(failed)?;
			let source = secret_source(
				&self.submitter.submitter_secret_file,
				&self.submitter.submitter_secret_env,
			)
			.ok_or_else(|| usage("give --submitter-secret-file or --submitter-secret-env"))?;
			let submitter = OwnerKey::load(&source).map_err(|e| format!("submitter: {e}"))?;
			return Ok(Authority::Consent { consent: Box::new(consent), submitter });
		}
		let source =
			secret_source(&self.owner_secret_file, &self.owner_secret_env).ok_or_else(|| {
				usage("give --owner-secret-file or --owner-secret-env (or --consent-file)")
			})?;
		OwnerKey::load(&source).map(Authority::Owner).map_err(failed)
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
	fn account(&self) -> Result<Option<AccountId32>, CliError> {
		if let Some(text) = &self.owner {
			return parse_account(text).map(Some).map_err(failed);
		}
		let Some(source) = secret_source(&self.owner_secret_file, &self.owner_secret_env) else {
			return Ok(None);
		};
		OwnerKey::load(&source).map(|key| Some(key.account_id())).map_err(failed)
	}
}

/// The endpoint every command talks to unless told otherwise: the default port of a local node
/// and of the dev chain (`scripts/chain.sh`).
pub const DEFAULT_ENDPOINT: &str = "ws://127.0.0.1:9944";

/// `REGISTRAR_ENDPOINT`, else [`DEFAULT_ENDPOINT`]: where a command goes online when it may also
/// work offline and no flag says.
fn default_endpoint() -> String {
	std::env::var("REGISTRAR_ENDPOINT").unwrap_or_else(|_| DEFAULT_ENDPOINT.to_owned())
}

#[derive(Args, Debug)]
struct ChainArgs {
	/// The chain's JSON-RPC websocket (it may hold a credential: never shown, not even in
	/// `--help`).
	#[arg(
		long,
		env = "REGISTRAR_ENDPOINT",
		hide_env_values = true,
		default_value = DEFAULT_ENDPOINT
	)]
	endpoint: String,
}

#[derive(Args, Debug)]
struct RegistrationArgs {
	/// The node type to register (with --consent-file: the consent's, checked when given).
	#[arg(long, value_enum, required_unless_present = "consent_file")]
	node_type: Option<NodeTypeArg>,
	/// Pay the fee in credits instead of the currency.
	#[arg(long, conflicts_with = "consent_file")]
	pay_in_credits: bool,
	/// The genesis hash (0x hex) of the chain to sign for; the endpoint must answer it, and
	/// with --consent-file it must be the consent's. Without it: the consent's, else the one
	/// the state file pinned, else the endpoint's at the first start (logged).
	#[arg(long = "genesis-hash", id = "pinned_genesis", env = "REGISTRAR_GENESIS_HASH")]
	pinned_genesis: Option<String>,
	#[command(flatten)]
	transaction: TransactionArgs,
}

/// The challenge's and the transaction's options.
#[derive(Args, Debug)]
struct TransactionArgs {
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
	/// Read the genesis hash, block and pallet index from this endpoint (the default endpoint
	/// unless --genesis-hash and --block-number make it offline).
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
	authority: AuthorityArgs,
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
	#[arg(long, env = "REGISTRAR_HTTP_ADDR", default_value = "127.0.0.1:9955")]
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
	/// Unregister the node (unregister_main_node; unregister_node on a chain of fleets) on
	/// SIGINT/SIGTERM (needs the owner's key).
	#[arg(long, conflicts_with = "consent_file")]
	unregister_on_shutdown: bool,
	/// When the node is degraded, unregister it as its owner and register it again (needs the
	/// owner's key).
	#[arg(long, conflicts_with = "consent_file")]
	recover_degraded: bool,
	/// The most the paid transactions (registrations, and the removals of
	/// --recover-degraded) may cost in any 24 hours, in the chain's currency (5UNIT) or in base
	/// units; when spent, nothing paid is submitted until the window frees room. Default: 5
	/// whole units of the chain's currency.
	#[arg(long, env = "REGISTRAR_DAILY_BUDGET", value_name = "AMOUNT")]
	daily_budget: Option<Amount>,
	#[command(flatten)]
	discovery: DiscoveryArgs,
}

/// What the registered node announces: its record and heartbeats.
#[derive(Args, Debug)]
struct DiscoveryArgs {
	/// An address the node is reached at, as multiaddr text (/ip4/203.0.113.7/tcp/30333,
	/// /dns4/node.example.com/tcp/443/wss/p2p/<its PeerId>…); repeat for several. Published
	/// in the node's record.
	#[arg(long = "address", value_name = "MULTIADDR")]
	addresses: Vec<String>,
	/// A capability the node announces in its record (printable ASCII without spaces, e.g.
	/// /reconstruction/global-refinement/v1); repeat for several.
	#[arg(long = "capability", value_name = "TEXT")]
	capabilities: Vec<String>,
	/// The software version announced in the record and in heartbeats.
	#[arg(long = "version", id = "node_version", value_name = "TEXT", default_value_t = default_version())]
	node_version: String,
	/// Publish no record (heartbeats only).
	#[arg(long, conflicts_with_all = ["addresses", "capabilities"])]
	no_record: bool,
	/// Send no heartbeats (the chain marks a silent node offline after OfflineAfterPeriods
	/// periods).
	#[arg(long)]
	no_heartbeat: bool,
	/// Sign records and heartbeats with the owner's key (or the submitter's, with a consent),
	/// which pays their transaction fees, instead of sending them fee-less.
	#[arg(long)]
	signed_discovery: bool,
	/// How fee-less records and heartbeats are sent: as general transactions where the
	/// runtime takes them (auto), or always general or bare.
	#[arg(
		long,
		env = "REGISTRAR_FEE_LESS",
		value_enum,
		default_value = "auto",
		value_name = "PATH"
	)]
	fee_less: FeeLessArg,
}

impl DiscoveryArgs {
	/// Sets `config`'s discovery: the record (checked now, as the pallet checks one), the
	/// heartbeats and how they are sent.
	fn apply(&self, config: &mut RegistrationConfig) -> Result<(), CliError> {
		config
			.set_record(&self.addresses, &self.node_version, &self.capabilities)
			.map_err(failed)?;
		if self.no_record {
			config.discovery.record = None;
		}
		config.discovery.heartbeats = !self.no_heartbeat;
		config.discovery.signing = if self.signed_discovery {
			DiscoverySigning::Signed
		} else {
			DiscoverySigning::FeeLess
		};
		config.discovery.fee_less = self.fee_less.into();
		Ok(())
	}
}

/// `registrar nodes`.
#[derive(Args, Debug)]
pub struct NodesArgs {
	/// Only nodes of this type.
	#[arg(long = "type", value_enum)]
	node_type: Option<NodeTypeArg>,
	/// Only nodes with this status.
	#[arg(long, value_enum)]
	status: Option<StatusArg>,
	/// Only nodes whose record names this capability.
	#[arg(long)]
	capability: Option<String>,
	/// Only this owner's nodes (its fleet, SS58 or 0x hex), with its node count; --type,
	/// --status and --capability then filter the fleet.
	#[arg(long, value_name = "ACCOUNT", value_parser = parse_owner)]
	owner: Option<AccountId32>,
	/// Nodes per page asked of the chain (it caps this at its MaxPageSize); every page is
	/// read.
	#[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u32).range(1..))]
	page_size: u32,
	/// Print JSON instead of text.
	#[arg(long)]
	pub json: bool,
	#[command(flatten)]
	chain: ChainArgs,
}

impl NodesArgs {
	/// The request `nodes` makes of the library.
	pub fn request(&self) -> NodesRequest {
		NodesRequest {
			endpoint: self.chain.endpoint.clone(),
			node_type: self.node_type.map(Into::into),
			status: self.status.map(Into::into),
			capability: self.capability.clone(),
			owner: self.owner.clone(),
			page_size: self.page_size,
		}
	}
}

/// An account flag's value (SS58 or `0x` hex), checked by clap (a malformed one exits 2).
fn parse_owner(text: &str) -> Result<AccountId32, String> {
	parse_account(text).map_err(|e| e.to_string())
}

/// `--scheme`.
#[derive(Clone, Copy, Debug, ValueEnum)]
enum SchemeArg {
	Sr25519,
	Ed25519,
	Ecdsa,
}

impl From<SchemeArg> for SignatureScheme {
	fn from(arg: SchemeArg) -> Self {
		match arg {
			SchemeArg::Sr25519 => SignatureScheme::Sr25519,
			SchemeArg::Ed25519 => SignatureScheme::Ed25519,
			SchemeArg::Ecdsa => SignatureScheme::Ecdsa,
		}
	}
}

/// `registrar consent`: what it does follows from the flags. With --node-type it makes a new
/// consent (signed when the owner's secret is given), or with --peer-id-file one per PeerId in
/// --consent-dir; with only the owner's secret it signs the file's consent; with
/// --attach-signature it attaches that signature; with neither it checks the file (and asks
/// --endpoint about it).
#[derive(Args, Debug)]
#[command(
	group(ArgGroup::new("consent_node").args(["node_key_file", "peer_id", "peer_id_file"])),
	group(ArgGroup::new("consent_validity").args(["lifetime", "valid_until"])),
	group(ArgGroup::new("consent_owner").args(["owner", "owner_secret_file", "owner_secret_env"])),
)]
pub struct ConsentArgs {
	/// The consent file: written by a new consent, or read (and rewritten when signed).
	#[arg(long, required_unless_present = "consent_dir")]
	consent_file: Option<PathBuf>,
	/// New consents for many nodes: a file of PeerIds, one base58 PeerId per line (blank lines
	/// and # comments skipped; a duplicate or invalid one refuses the file). Each gets a
	/// consent of the same terms and a nonce of its own, in --consent-dir.
	#[arg(
		long,
		value_name = "FILE",
		requires_all = ["node_type", "consent_dir"],
		conflicts_with_all = ["peer_id", "node_key_file", "nonce", "consent_file"]
	)]
	peer_id_file: Option<PathBuf>,
	/// With --peer-id-file: the directory the consents are written to (made when missing), one
	/// consent file per PeerId, named <PeerId>.json.
	#[arg(long, value_name = "DIR", requires = "peer_id_file")]
	consent_dir: Option<PathBuf>,
	/// New consent: the node type it allows (needs the node, --max-fee, --lifetime or
	/// --valid-until, the owner and the chain).
	#[arg(
		long,
		value_enum,
		requires_all = ["consent_node", "max_fee", "consent_validity", "consent_owner"]
	)]
	node_type: Option<NodeTypeArg>,
	/// New consent: the node's key file (only its PeerId is used); or give --peer-id.
	#[arg(long, conflicts_with = "peer_id", requires = "node_type")]
	node_key_file: Option<PathBuf>,
	/// The key file's format.
	#[arg(long, value_enum, default_value_t = NodeKeyFormatArg::Auto)]
	node_key_format: NodeKeyFormatArg,
	/// New consent: the node's PeerId (base58).
	#[arg(long, requires = "node_type")]
	peer_id: Option<String>,
	/// New consent: the most registration fee one registration may take from the owner, in the
	/// chain's currency (10UNIT, 2.5 UNIT: read with the chain's decimals, so online only) or in
	/// base units (10000000000000000000).
	#[arg(long, requires = "node_type", value_name = "AMOUNT")]
	max_fee: Option<Amount>,
	/// New consent: the most deposit (the node's bond) one registration may hold from the
	/// owner, written as --max-fee is (0: only node types without a deposit).
	#[arg(long, requires = "node_type", value_name = "AMOUNT", default_value = "0")]
	max_deposit: Amount,
	/// New consent: blocks it stays valid from the current block (the chain caps it at its
	/// MaxConsentLifetime).
	#[arg(long, conflicts_with = "valid_until", requires = "node_type")]
	lifetime: Option<u64>,
	/// New consent: the last block it can be used in.
	#[arg(long, requires = "node_type")]
	valid_until: Option<u64>,
	/// New consent: its nonce (random when absent).
	#[arg(long, requires = "node_type")]
	nonce: Option<u64>,
	/// New consent: also allow rotating the owner's node to this PeerId (`registrar rotate`).
	#[arg(long, requires = "node_type")]
	may_rotate: bool,
	/// New consent: the owner account (SS58 or 0x hex), when it signs elsewhere.
	#[arg(long, requires = "node_type", conflicts_with_all = ["owner_secret_file", "owner_secret_env"])]
	owner: Option<String>,
	/// A file holding the owner's secret URI or mnemonic: signs the consent (new, or the
	/// file's). Never printed or stored.
	#[arg(long, conflicts_with = "owner_secret_env")]
	owner_secret_file: Option<PathBuf>,
	/// The NAME of an environment variable holding the owner's secret.
	#[arg(long, value_name = "VAR")]
	owner_secret_env: Option<String>,
	/// Attach this signature of the payload, made elsewhere (0x hex; over the bare payload or
	/// <Bytes>payload</Bytes>); checked before it is written.
	#[arg(
		long,
		value_name = "HEX",
		conflicts_with_all = ["node_type", "owner_secret_file", "owner_secret_env", "endpoint"]
	)]
	attach_signature: Option<String>,
	/// The attached signature's scheme (default sr25519; a SCALE MultiSignature carries its
	/// own).
	#[arg(long, value_enum, requires = "attach_signature")]
	scheme: Option<SchemeArg>,
	/// The chain's endpoint: a new consent is made through its consent_payload view function
	/// (the default endpoint, or REGISTRAR_ENDPOINT, unless --genesis-hash makes it offline); a
	/// file is checked through its consent_status only when this is given.
	#[arg(long, conflicts_with_all = ["genesis_hash", "block_number"])]
	endpoint: Option<String>,
	/// New consent, offline: the chain's genesis hash (0x hex).
	#[arg(long, requires = "node_type")]
	genesis_hash: Option<String>,
	/// New consent, offline with --lifetime: the current block.
	#[arg(long, requires = "genesis_hash")]
	block_number: Option<u64>,
	/// New consent, offline: the chain's block number width (default 64).
	#[arg(long, value_enum, requires = "genesis_hash")]
	block_number_width: Option<WidthArg>,
	/// New consent: replace an existing consent file.
	#[arg(long, requires = "node_type")]
	force: bool,
	/// Offline: the pallet's index in the runtime, for the call data that revokes the consent
	/// (online, the chain's).
	#[arg(long, default_value_t = DEV_PALLET_INDEX)]
	pallet_index: u8,
	/// Sign with the owner's secret without asking (scripts): the terms are still shown on
	/// stderr. Without it the owner is asked at the terminal, and a stdin that is not a terminal
	/// is refused.
	#[arg(long, short = 'y')]
	yes: bool,
}

/// `registrar rotate`.
#[derive(Args, Debug)]
pub struct RotateArgs {
	/// The node's current key file (it signs the rotation statement).
	#[arg(long)]
	old_node_key_file: PathBuf,
	/// The new key file (it signs a registration challenge).
	#[arg(long)]
	new_node_key_file: PathBuf,
	/// The format of both key files.
	#[arg(long, value_enum, default_value_t = NodeKeyFormatArg::Auto)]
	node_key_format: NodeKeyFormatArg,
	/// The owner's key; or a consent file for the NEW PeerId made with --may-rotate, and a
	/// submitter key.
	#[command(flatten)]
	authority: AuthorityArgs,
	#[command(flatten)]
	chain: ChainArgs,
	#[command(flatten)]
	transaction: TransactionArgs,
}

/// 32 bytes of `0x`-optional hex, or `message`.
fn hex32(text: &str, message: &str) -> Result<[u8; 32], CliError> {
	hex::decode(text.trim_start_matches("0x"))
		.ok()
		.and_then(|b| <[u8; 32]>::try_from(b).ok())
		.ok_or_else(|| usage(message))
}

impl RegistrationArgs {
	/// The configuration of a registration of `node_key` authorized by `authority` at
	/// `endpoint`.
	fn config(
		&self,
		node_key: NodeKey,
		authority: Authority,
		endpoint: &str,
		state_dir: PathBuf,
	) -> Result<RegistrationConfig, CliError> {
		let node_type = self.node_type.map(NodeType::from);
		let mut config = match authority {
			Authority::Owner(owner) => {
				let node_type = node_type.ok_or_else(|| usage("give --node-type"))?;
				RegistrationConfig::new(endpoint, node_key, owner, node_type, state_dir)
			}
			Authority::Consent { consent, submitter } => {
				// A consent for another node (or type) is refused every time: fatal, as when
				// the judge finds it.
				let config = RegistrationConfig::with_consent(
					endpoint, node_key, *consent, submitter, state_dir,
				)
				.map_err(|e| match e {
					ConsentError::NodeMismatch { .. } => CliError::Fatal(e.to_string()),
					other => CliError::Failed(other.to_string()),
				})?;
				if let Some(given) = node_type.filter(|given| *given != config.node_type) {
					return Err(CliError::Fatal(format!(
						"--node-type is {given:?} but the consent is for a {:?}",
						config.node_type
					)));
				}
				config
			}
		};
		config.pay_in_credits = self.pay_in_credits;
		if let Some(text) = &self.pinned_genesis {
			config.genesis_hash = Some(hex32(text, "--genesis-hash must be 32 bytes of hex")?);
		}
		// A consent for another chain than --genesis-hash's is refused every time.
		config.configured_genesis().map_err(|e| CliError::Fatal(e.to_string()))?;
		config.challenge_lifetime = self.transaction.lifetime;
		config.mortality = self.transaction.mortality;
		config.block_number_width = self.transaction.block_number_width.map(Into::into);
		config.submit_timeout = Duration::from_secs(self.transaction.submit_timeout_secs);
		config.rpc_timeout = Duration::from_secs(self.transaction.rpc_timeout_secs);
		Ok(config)
	}
}

impl SignArgs {
	/// The request `sign` makes of the library.
	pub fn request(&self) -> Result<SignRequest, CliError> {
		let node_key = self.node_key.load()?;
		let owner = self
			.owner
			.account()?
			.ok_or_else(|| usage("give --owner, --owner-secret-file or --owner-secret-env"))?;
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
			(None, None, None) => ChainSource::Online { endpoint: default_endpoint() },
			_ => return Err(usage("give --genesis-hash and --block-number (offline), or neither")),
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
	pub fn config(&self) -> Result<RegistrationConfig, CliError> {
		self.config_in(PathBuf::new())
	}

	/// The configuration of a registration with its state in `state_dir`.
	fn config_in(&self, state_dir: PathBuf) -> Result<RegistrationConfig, CliError> {
		let node_key = self.node_key.load()?;
		let authority = self.authority.load()?;
		self.registration.config(node_key, authority, &self.chain.endpoint, state_dir)
	}
}

impl StatusArgs {
	/// The request `status` makes of the library.
	pub fn request(&self) -> Result<StatusRequest, CliError> {
		let node_id = match (&self.node_key_file, &self.peer_id) {
			(Some(path), _) => {
				NodeKey::load(path, self.node_key_format.into()).map_err(failed)?.peer_id_base58()
			}
			(None, Some(peer)) => {
				pallet_registration::peer_id::Ed25519PeerId::from_base58(peer.as_bytes()).map_err(
					|_| usage("--peer-id is not the base58 PeerId of an acceptable Ed25519 key"),
				)?;
				peer.clone()
			}
			(None, None) => return Err(usage("give --node-key-file or --peer-id")),
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
	pub fn config(&self) -> Result<RegistrationConfig, CliError> {
		let mut config = self.attempt.config_in(self.state_dir.clone())?;
		config.http_addr = (!self.no_http).then_some(self.http_addr);
		config.register_interval = Duration::from_secs(self.register_interval_secs);
		config.max_slow_retry_interval = Duration::from_secs(self.max_slow_retry_secs);
		config.max_retry = self.max_retry;
		config.check_interval = Duration::from_secs(self.check_interval_secs.max(1));
		config.conflict_log_period = Duration::from_secs(self.conflict_log_secs);
		config.unregister_on_shutdown = self.unregister_on_shutdown;
		config.recover_degraded = self.recover_degraded;
		config.daily_budget = self.daily_budget.clone();
		self.discovery.apply(&mut config)?;
		Ok(config)
	}
}

impl ConsentArgs {
	/// Who agrees to the terms before the owner's key signs them: `--yes`, or the owner at the
	/// terminal; refused at once (exit 2) when the owner's secret is given, `--yes` is not and
	/// stdin is not a terminal, before anything is made.
	pub fn confirmation(&self) -> Result<&'static dyn Confirm, CliError> {
		self.confirmation_for(std::io::IsTerminal::is_terminal(&std::io::stdin()))
	}

	/// [`Self::confirmation`] with a stdin that is a terminal or not.
	fn confirmation_for(&self, stdin_is_terminal: bool) -> Result<&'static dyn Confirm, CliError> {
		let signs = self.owner_secret_file.is_some() || self.owner_secret_env.is_some();
		match (self.yes, signs, stdin_is_terminal) {
			(true, _, _) => Ok(&AssumeYes),
			(false, true, false) => Err(usage(NOT_A_TERMINAL)),
			(false, _, _) => Ok(&AskOnTerminal),
		}
	}

	/// The request `consent` makes of the library.
	pub fn request(&self) -> Result<ConsentRequest, CliError> {
		let owner_key = match secret_source(&self.owner_secret_file, &self.owner_secret_env) {
			Some(source) => Some(OwnerKey::load(&source).map_err(failed)?),
			None => None,
		};
		let pallet_index = self.pallet_index;
		if let Some(list) = &self.peer_id_file {
			return self.request_many(list, owner_key);
		}
		let path = self.consent_file.clone().ok_or_else(|| usage("give --consent-file"))?;
		if let Some(signature) = &self.attach_signature {
			return Ok(ConsentRequest::Attach {
				path,
				signature: signature.clone(),
				scheme: self.scheme.map(Into::into),
				pallet_index,
			});
		}
		let Some(node_type) = self.node_type else {
			return Ok(match owner_key {
				Some(owner_key) => ConsentRequest::Sign { path, owner_key, pallet_index },
				None => {
					ConsentRequest::Show { path, endpoint: self.endpoint.clone(), pallet_index }
				}
			});
		};
		let peer_id = match (&self.node_key_file, &self.peer_id) {
			(Some(file), _) => {
				NodeKey::load(file, self.node_key_format.into()).map_err(failed)?.peer_id()
			}
			(None, Some(peer)) => Ed25519PeerId::from_base58(peer.as_bytes()).map_err(|_| {
				usage("--peer-id is not the base58 PeerId of an acceptable Ed25519 key")
			})?,
			(None, None) => return Err(usage("give --node-key-file or --peer-id")),
		};
		let owner = self.owner_account(&owner_key)?;
		let terms = NewConsent {
			owner,
			peer_id,
			node_type: node_type.into(),
			max_fee: self.max_fee.clone().ok_or_else(|| usage("give --max-fee"))?,
			max_deposit: self.max_deposit.clone(),
			nonce: self.nonce.unwrap_or_else(rand::random),
			may_rotate: self.may_rotate,
		};
		let validity = self.validity()?;
		let chain = self.chain_source()?;
		Ok(ConsentRequest::Create {
			terms,
			validity,
			chain,
			owner_key,
			path,
			overwrite: self.force,
			pallet_index,
		})
	}

	/// The request of `--peer-id-file`: the consents of every PeerId it lists (the file is read
	/// and checked whole here, before anything is written).
	fn request_many(
		&self,
		list: &Path,
		owner_key: Option<OwnerKey>,
	) -> Result<ConsentRequest, CliError> {
		let node_type = self.node_type.ok_or_else(|| usage("give --node-type"))?;
		let dir = self.consent_dir.clone().ok_or_else(|| usage("give --consent-dir"))?;
		let text = std::fs::read_to_string(list)
			.map_err(|e| CliError::Failed(format!("PeerId file {}: {e}", list.display())))?;
		let peer_ids = parse_peer_id_list(&text)
			.map_err(|e| CliError::Failed(format!("PeerId file {}: {e}", list.display())))?;
		let terms = NewConsents {
			owner: self.owner_account(&owner_key)?,
			peer_ids,
			node_type: node_type.into(),
			max_fee: self.max_fee.clone().ok_or_else(|| usage("give --max-fee"))?,
			max_deposit: self.max_deposit.clone(),
			may_rotate: self.may_rotate,
		};
		Ok(ConsentRequest::CreateMany {
			terms,
			validity: self.validity()?,
			chain: self.chain_source()?,
			owner_key,
			dir,
			overwrite: self.force,
			pallet_index: self.pallet_index,
		})
	}

	/// The owner of a new consent: --owner, else the secret's account.
	fn owner_account(&self, owner_key: &Option<OwnerKey>) -> Result<AccountId32, CliError> {
		match (&self.owner, owner_key) {
			(Some(text), _) => parse_account(text).map_err(failed),
			(None, Some(key)) => Ok(key.account_id()),
			(None, None) => Err(usage("give --owner, --owner-secret-file or --owner-secret-env")),
		}
	}

	/// How long a new consent stays valid: --lifetime or --valid-until.
	fn validity(&self) -> Result<Validity, CliError> {
		match (self.lifetime, self.valid_until) {
			(Some(blocks), _) => Ok(Validity::Lifetime(blocks)),
			(None, Some(block)) => Ok(Validity::Until(block)),
			(None, None) => Err(usage("give --lifetime or --valid-until")),
		}
	}

	/// Where a new consent takes the chain's part from: --endpoint, else --genesis-hash
	/// (offline), else the default endpoint.
	fn chain_source(&self) -> Result<ConsentChainSource, CliError> {
		Ok(match (&self.endpoint, &self.genesis_hash) {
			(Some(endpoint), _) => ConsentChainSource::Online { endpoint: endpoint.clone() },
			(None, Some(hash)) => ConsentChainSource::Offline {
				genesis_hash: hex32(hash, "--genesis-hash must be 32 bytes of hex")?,
				block_number: self.block_number,
				width: self.block_number_width.map(Into::into).unwrap_or_default(),
			},
			(None, None) => ConsentChainSource::Online { endpoint: default_endpoint() },
		})
	}
}

impl RotateArgs {
	/// The rotation `rotate` carries out.
	pub fn request(&self) -> Result<RotateRequest, CliError> {
		let load =
			|path: &PathBuf| NodeKey::load(path, self.node_key_format.into()).map_err(failed);
		let transaction = &self.transaction;
		Ok(RotateRequest {
			endpoint: self.chain.endpoint.clone(),
			old_key: load(&self.old_node_key_file)?,
			new_key: load(&self.new_node_key_file)?,
			authority: self.authority.load()?,
			challenge_lifetime: transaction.lifetime,
			mortality: transaction.mortality,
			block_number_width: transaction.block_number_width.map(Into::into),
			rpc_timeout: Duration::from_secs(transaction.rpc_timeout_secs),
			submit_timeout: Duration::from_secs(transaction.submit_timeout_secs),
		})
	}
}

// The binary denies panics; its tests may (as the library's do).
#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
	use super::*;

	/// Writes a key or secret file that only its owner can read and write (the registrar
	/// refuses others).
	fn write_private(path: &Path, content: impl AsRef<[u8]>) {
		use std::os::unix::fs::PermissionsExt;
		std::fs::write(path, content).unwrap();
		std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).unwrap();
	}

	fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
		Cli::try_parse_from(std::iter::once("registrar").chain(args.iter().copied()))
	}

	fn kind(args: &[&str]) -> Option<clap::error::ErrorKind> {
		parse(args).err().map(|e| e.kind())
	}

	#[test]
	fn register_takes_the_owner_secret_or_a_consent_and_a_submitter() {
		use clap::error::ErrorKind;
		let base = ["register", "--node-key-file", "k", "--endpoint", "ws://x"];
		let with = |extra: &[&'static str]| [&base[..], extra].concat();
		assert!(parse(&with(&["--owner-secret-file", "o", "--node-type", "gpu-miner"])).is_ok());
		let consent = ["--consent-file", "c", "--submitter-secret-file", "s"];
		// The node type comes from the consent.
		assert!(parse(&with(&consent)).is_ok());
		assert!(parse(&with(&[&consent[..], &["--node-type", "gpu-miner"]].concat())).is_ok());
		// Neither, or no submitter, or both modes, or owner-only options with a consent.
		assert_eq!(
			kind(&with(&["--node-type", "gpu-miner"])),
			Some(ErrorKind::MissingRequiredArgument)
		);
		assert_eq!(kind(&with(&["--consent-file", "c"])), Some(ErrorKind::MissingRequiredArgument));
		assert_eq!(
			kind(&with(&["--owner-secret-file", "o"])),
			Some(ErrorKind::MissingRequiredArgument)
		);
		assert_eq!(
			kind(&with(&[&consent[..], &["--owner-secret-file", "o"]].concat())),
			Some(ErrorKind::ArgumentConflict)
		);
		assert_eq!(
			kind(&with(&[&consent[..], &["--pay-in-credits"]].concat())),
			Some(ErrorKind::ArgumentConflict)
		);
		assert_eq!(
			kind(&with(&[
				"--owner-secret-file",
				"o",
				"--node-type",
				"gpu-miner",
				"--submitter-secret-file",
				"s"
			])),
			Some(ErrorKind::ArgumentConflict)
		);
		let run = ["run", "--node-key-file", "k", "--state-dir", "d"];
		let run_with = |extra: &[&'static str]| [&run[..], &consent[..], extra].concat();
		assert!(parse(&run_with(&[])).is_ok());
		for owner_only in ["--unregister-on-shutdown", "--recover-degraded"] {
			assert_eq!(
				kind(&run_with(&[owner_only])),
				Some(ErrorKind::ArgumentConflict),
				"{owner_only}"
			);
		}
	}

	#[test]
	fn run_takes_addresses_capabilities_and_a_version() {
		use clap::error::ErrorKind;
		let dir = tempfile::tempdir().unwrap();
		let key = dir.path().join("key");
		write_private(&key, hex::encode([7u8; 32]));
		let owner = dir.path().join("owner");
		write_private(&owner, "//Alice");
		let (key, owner) = (key.to_str().unwrap(), owner.to_str().unwrap());
		let base = ["run", "--node-key-file", key, "--owner-secret-file", owner];
		let base = [&base[..], &["--node-type", "gpu-miner", "--state-dir", "d"]].concat();
		let config = |extra: &[&str]| {
			let Command::Run(run) = parse(&[&base[..], extra].concat()).unwrap().command else {
				panic!("run")
			};
			run.config().map_err(|e| e.to_string())
		};
		// The defaults: a record with the registrar's version, heartbeats, fee-less.
		let plain = config(&[]).unwrap();
		let record = plain.discovery.record.as_ref().unwrap();
		assert_eq!(record.version, registrar::discovery::default_version());
		assert!(record.addresses.is_empty() && record.capabilities.is_empty());
		assert!(plain.discovery.heartbeats);
		assert_eq!(plain.discovery.signing, DiscoverySigning::FeeLess);
		assert_eq!(plain.discovery.fee_less, FeeLessMode::Auto);
		assert_eq!(config(&["--fee-less", "bare"]).unwrap().discovery.fee_less, FeeLessMode::Bare);
		let general = config(&["--fee-less", "general"]).unwrap();
		assert_eq!(general.discovery.fee_less, FeeLessMode::General);
		assert!(parse(&[&base[..], &["--fee-less", "signed"]].concat()).is_err());
		let full = config(&[
			"--address",
			"/ip4/203.0.113.7/tcp/30333",
			"--address",
			"/dns4/node.example.com/tcp/443/wss",
			"--capability",
			"gpu",
			"--capability",
			"/reconstruction/global-refinement/v1",
			"--version",
			"node 1.2",
			"--signed-discovery",
		])
		.unwrap();
		let record = full.discovery.record.as_ref().unwrap();
		assert_eq!(record.addresses.len(), 2);
		assert_eq!(record.address_texts[1], "/dns4/node.example.com/tcp/443/wss");
		assert_eq!(record.capabilities, ["gpu", "/reconstruction/global-refinement/v1"]);
		assert_eq!(
			(record.version.as_str(), full.discovery.version.as_str()),
			("node 1.2", "node 1.2")
		);
		assert_eq!(full.discovery.signing, DiscoverySigning::Signed);
		let quiet = config(&["--no-record", "--no-heartbeat"]).unwrap();
		assert!(quiet.discovery.record.is_none() && !quiet.discovery.heartbeats);
		// Refused before starting: a bad address, a foreign /p2p/, a duplicate capability.
		let error = config(&["--address", "/ip4/1.2.3.4/tcp/99999"]).unwrap_err();
		assert!(error.contains("/ip4/1.2.3.4/tcp/99999") && error.contains("port"), "{error}");
		let other = registrar::keys::NodeKey::from_seed(&[8; 32]).peer_id_base58();
		let foreign = format!("/ip4/1.2.3.4/tcp/1/p2p/{other}");
		let error = config(&["--address", &foreign]).unwrap_err();
		assert!(error.contains("ForeignPeerId"), "{error}");
		// Which PeerId the address names, and which one this node is.
		let ours = registrar::keys::NodeKey::from_seed(&[7; 32]).peer_id_base58();
		assert!(error.contains(&format!("names {other}, but this node is {ours}")), "{error}");
		assert!(config(&["--capability", "a", "--capability", "a"]).unwrap_err().contains("twice"));
		assert!(config(&["--version", "caf\u{e9}"]).is_err());
		let conflict = [&base[..], &["--no-record", "--address", "/ip4/1.2.3.4/tcp/1"]].concat();
		assert_eq!(kind(&conflict), Some(ErrorKind::ArgumentConflict));
		// The top-level --version is still the registrar's own.
		assert_eq!(kind(&["--version"]), Some(ErrorKind::DisplayVersion));
	}

	/// Issue 30, finding 1: the chain to sign for comes from the configuration.
	#[test]
	fn run_takes_the_genesis_hash_to_sign_for() {
		let dir = tempfile::tempdir().unwrap();
		let key = dir.path().join("key");
		write_private(&key, hex::encode([7u8; 32]));
		let owner = dir.path().join("owner");
		write_private(&owner, "//Alice");
		let (key, owner) = (key.to_str().unwrap(), owner.to_str().unwrap());
		let base = ["run", "--node-key-file", key, "--owner-secret-file", owner];
		let base = [&base[..], &["--node-type", "gpu-miner", "--state-dir", "d"]].concat();
		let config = |extra: &[&str]| {
			let Command::Run(run) = parse(&[&base[..], extra].concat()).unwrap().command else {
				panic!("run")
			};
			run.config().map_err(|e| e.to_string())
		};
		assert_eq!(config(&[]).unwrap().genesis_hash, None);
		let hash = format!("0x{}", "ab".repeat(32));
		assert_eq!(config(&["--genesis-hash", &hash]).unwrap().genesis_hash, Some([0xab; 32]));
		let error = config(&["--genesis-hash", "0x1234"]).unwrap_err();
		assert!(error.contains("--genesis-hash must be 32 bytes of hex"), "{error}");

		// Issue 30, finding 4: the daily budget.
		assert_eq!(config(&[]).unwrap().daily_budget, None);
		let budget = config(&["--daily-budget", "2.5UNIT"]).unwrap().daily_budget.unwrap();
		let unit = registrar::amount::Token { symbol: "UNIT".into(), decimals: 18 };
		assert_eq!(budget.base_units(Some(&unit)), Ok(2_500_000_000_000_000_000));
		let in_base_units = config(&["--daily-budget", "1000"]).unwrap().daily_budget.unwrap();
		assert_eq!(in_base_units.base_units(None), Ok(1000));
		assert!(parse(&[&base[..], &["--daily-budget", "lots"]].concat()).is_err());
	}

	#[test]
	fn nodes_takes_filters_and_a_page_size() {
		use clap::error::ErrorKind;
		let Command::Nodes(args) = parse(&[
			"nodes",
			"--type",
			"storage-miner",
			"--status",
			"offline",
			"--capability",
			"gpu",
			"--page-size",
			"7",
			"--json",
			"--endpoint",
			"ws://x",
		])
		.unwrap()
		.command
		else {
			panic!("nodes")
		};
		let request = args.request();
		assert!(args.json);
		assert_eq!(request.node_type, Some(NodeType::StorageMiner));
		assert_eq!(request.status, Some(Status::Offline));
		assert_eq!((request.capability.as_deref(), request.page_size), (Some("gpu"), 7));
		assert_eq!(request.endpoint, "ws://x");
		assert_eq!(kind(&["nodes", "--page-size", "0"]), Some(ErrorKind::ValueValidation));
		let Command::Nodes(all) = parse(&["nodes"]).unwrap().command else { panic!("nodes") };
		assert_eq!(all.request().page_size, 50);
		assert_eq!(all.request().owner, None);
	}

	#[test]
	fn nodes_takes_an_owner_with_the_other_filters() {
		use clap::error::ErrorKind;
		let alice = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";
		let request = |args: &[&str]| {
			let Command::Nodes(nodes) = parse(&[&["nodes"], args].concat()).unwrap().command else {
				panic!("nodes")
			};
			nodes.request()
		};
		let fleet = request(&["--owner", alice, "--type", "gpu-miner", "--status", "online"]);
		assert_eq!(fleet.owner, Some(parse_account(alice).unwrap()));
		assert_eq!(
			(fleet.node_type, fleet.status),
			(Some(NodeType::GpuMiner), Some(Status::Online))
		);
		assert_eq!(
			fleet.queries(),
			vec![registrar::chain::NodeQuery::Owner(fleet.owner.clone().unwrap())]
		);
		// 0x hex too, as every account flag.
		let hex = format!("0x{}", hex::encode(parse_account(alice).unwrap()));
		assert_eq!(request(&["--owner", &hex]).owner, fleet.owner);
		// A malformed account is an invalid command line (exit 2), before any chain.
		assert_eq!(kind(&["nodes", "--owner", "5Grw"]), Some(ErrorKind::ValueValidation));
		assert_eq!(kind(&["nodes", "--owner", "0x1234"]), Some(ErrorKind::ValueValidation));
		assert_eq!(kind(&["nodes", "--owner"]), Some(ErrorKind::InvalidValue));
	}

	#[test]
	fn consent_modes_follow_from_the_flags() {
		use clap::error::ErrorKind;
		let create = [
			"consent",
			"--consent-file",
			"c",
			"--peer-id",
			"p",
			"--node-type",
			"storage-miner",
			"--max-fee",
			"5",
			"--lifetime",
			"10",
			"--owner",
			"o",
			"--endpoint",
			"ws://x",
		];
		assert!(parse(&create).is_ok());
		// A new consent needs all its inputs but the endpoint (online by default, at the default
		// endpoint or REGISTRAR_ENDPOINT).
		for missing in ["--peer-id", "--max-fee", "--lifetime", "--owner"] {
			let i = create.iter().position(|a| *a == missing).unwrap();
			let args: Vec<_> = create
				.iter()
				.enumerate()
				.filter(|(j, _)| *j != i && *j != i + 1)
				.map(|(_, a)| *a)
				.collect();
			assert_eq!(kind(&args), Some(ErrorKind::MissingRequiredArgument), "{missing}");
		}
		// Creation inputs without --node-type are refused, as is a signature with a secret.
		assert!(parse(&["consent", "--consent-file", "c", "--max-fee", "5"]).is_err());
		assert_eq!(
			kind(&[
				"consent",
				"--consent-file",
				"c",
				"--attach-signature",
				"0x00",
				"--owner-secret-file",
				"s"
			]),
			Some(ErrorKind::ArgumentConflict)
		);
		let Command::Consent(attach) = parse(&[
			"consent",
			"--consent-file",
			"c",
			"--attach-signature",
			"0x01",
			"--scheme",
			"ed25519",
		])
		.unwrap()
		.command
		else {
			panic!("consent")
		};
		assert!(matches!(
			attach.request().unwrap(),
			ConsentRequest::Attach { scheme: Some(SignatureScheme::Ed25519), .. }
		));
		let Command::Consent(show) = parse(&["consent", "--consent-file", "c"]).unwrap().command
		else {
			panic!("consent")
		};
		assert!(matches!(show.request().unwrap(), ConsentRequest::Show { endpoint: None, .. }));
	}

	#[test]
	fn consents_for_many_nodes_take_a_peer_id_file_and_a_directory() {
		use clap::error::ErrorKind;
		let many = [
			"consent",
			"--peer-id-file",
			"peers.txt",
			"--consent-dir",
			"consents",
			"--node-type",
			"storage-miner",
			"--max-fee",
			"5",
			"--lifetime",
			"10",
			"--owner",
			"o",
			"--endpoint",
			"ws://x",
		];
		assert!(parse(&many).is_ok());
		let with = |extra: &[&'static str]| [&many[..], extra].concat();
		// One node, or a nonce for all, or a single consent file: refused with the list.
		for single in [
			&["--peer-id", "p"][..],
			&["--node-key-file", "k"],
			&["--nonce", "1"],
			&["--consent-file", "c"],
		] {
			assert_eq!(kind(&with(single)), Some(ErrorKind::ArgumentConflict), "{single:?}");
		}
		// The list needs the directory, its terms and a node type; the directory needs the list.
		let without = |flag: &str| {
			let i = many.iter().position(|a| *a == flag).unwrap();
			many.iter()
				.enumerate()
				.filter(|(j, _)| *j != i && *j != i + 1)
				.map(|(_, a)| *a)
				.collect::<Vec<_>>()
		};
		for missing in ["--consent-dir", "--node-type", "--max-fee", "--lifetime", "--owner"] {
			assert_eq!(
				kind(&without(missing)),
				Some(ErrorKind::MissingRequiredArgument),
				"{missing}"
			);
		}
		assert_eq!(
			kind(&["consent", "--consent-dir", "d", "--peer-id", "p", "--node-type", "gpu-miner"]),
			Some(ErrorKind::MissingRequiredArgument)
		);
		assert_eq!(
			kind(&["consent", "--consent-dir", "d", "--consent-file", "c"]),
			Some(ErrorKind::MissingRequiredArgument)
		);
		// Without either, --consent-file is still required.
		assert_eq!(kind(&["consent"]), Some(ErrorKind::MissingRequiredArgument));
	}

	#[test]
	fn a_peer_id_file_is_read_whole_before_anything_is_made() {
		let dir = tempfile::tempdir().unwrap();
		let peers: Vec<_> =
			(1..=3u8).map(|s| NodeKey::from_seed(&[s; 32]).peer_id_base58()).collect();
		let list = dir.path().join("peers.txt");
		std::fs::write(
			&list,
			format!("# rack 1\n{}\n\n{} # b\n{}\n", peers[0], peers[1], peers[2]),
		)
		.unwrap();
		let secret = dir.path().join("owner");
		write_private(&secret, "//Alice");
		let genesis = format!("0x{}", "45".repeat(32));
		let args = |list: &Path| {
			vec![
				"consent".to_owned(),
				"--peer-id-file".into(),
				list.display().to_string(),
				"--consent-dir".into(),
				dir.path().join("out").display().to_string(),
				"--node-type".into(),
				"gpu-miner".into(),
				"--max-fee".into(),
				"9".into(),
				"--max-deposit".into(),
				"10".into(),
				"--valid-until".into(),
				"99".into(),
				"--owner-secret-file".into(),
				secret.display().to_string(),
				"--genesis-hash".into(),
				genesis.clone(),
				"--may-rotate".into(),
				"--force".into(),
			]
		};
		let request = |list: &Path| {
			let args = args(list);
			let args: Vec<&str> = args.iter().map(String::as_str).collect();
			let Command::Consent(consent) = parse(&args).unwrap().command else { panic!() };
			consent.request()
		};
		let ConsentRequest::CreateMany {
			terms,
			validity,
			chain,
			owner_key,
			dir: out,
			overwrite,
			..
		} = request(&list).unwrap()
		else {
			panic!("many")
		};
		let listed: Vec<_> = terms
			.peer_ids
			.iter()
			.map(|p| String::from_utf8(p.to_node_id().into_inner()).unwrap())
			.collect();
		assert_eq!(listed, peers);
		assert_eq!(terms.owner, owner_key.unwrap().account_id());
		assert_eq!(terms.node_type, NodeType::GpuMiner);
		assert_eq!((terms.max_fee, terms.max_deposit), (Amount::Base(9), Amount::Base(10)));
		assert!(terms.may_rotate && overwrite);
		assert_eq!(validity, Validity::Until(99));
		assert!(
			matches!(chain, ConsentChainSource::Offline { genesis_hash, .. } if genesis_hash == [0x45; 32])
		);
		assert_eq!(out, dir.path().join("out"));
		// A duplicate or an invalid PeerId: refused with its line (exit 1, a file's error).
		let bad = dir.path().join("bad.txt");
		std::fs::write(&bad, format!("{}\n# x\n{}\n", peers[0], peers[0])).unwrap();
		let error = request(&bad).unwrap_err();
		assert_eq!(error.exit_code(), ExitCode::from(1));
		assert!(
			error.message().contains("line 3") && error.message().contains("line 1"),
			"{error}"
		);
		assert!(error.message().contains("bad.txt"), "{error}");
		std::fs::write(&bad, format!("{}\n12D3KooWnotapeer\n", peers[0])).unwrap();
		let error = request(&bad).unwrap_err().to_string();
		assert!(error.contains("line 2") && error.contains("12D3KooWnotapeer"), "{error}");
		let error = request(&dir.path().join("missing.txt")).unwrap_err().to_string();
		assert!(error.contains("missing.txt"), "{error}");
		assert!(!dir.path().join("out").exists(), "nothing written by the command line");
	}

	#[test]
	fn a_new_consent_offline_from_a_peer_id_with_a_random_nonce() {
		let peer = "12D3KooWQK1wnefoLrcVHbbnf5tLzbopUd3K3bFAoJpA7YJgL5pV";
		let alice = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";
		let genesis = format!("0x{}", "45".repeat(32));
		let args = [
			"consent",
			"--consent-file",
			"c",
			"--peer-id",
			peer,
			"--node-type",
			"compute-miner",
			"--max-fee",
			"340282366920938463463374607431768211455",
			"--valid-until",
			"99",
			"--owner",
			alice,
			"--genesis-hash",
			&genesis,
			"--block-number-width",
			"32",
			"--may-rotate",
		];
		let Command::Consent(consent) = parse(&args).unwrap().command else { panic!("consent") };
		let ConsentRequest::Create { terms, validity, chain, owner_key, overwrite, .. } =
			consent.request().unwrap()
		else {
			panic!("create")
		};
		assert_eq!(terms.max_fee, Amount::Base(u128::MAX));
		assert_eq!(terms.node_type, NodeType::ComputeMiner);
		assert!(terms.may_rotate && owner_key.is_none() && !overwrite);
		assert_eq!(terms.owner, parse_account(alice).unwrap());
		assert_eq!(validity, Validity::Until(99));
		assert_eq!(
			chain,
			ConsentChainSource::Offline {
				genesis_hash: [0x45; 32],
				block_number: None,
				width: BlockNumberWidth::U32
			}
		);
		let Command::Consent(other) = parse(&args).unwrap().command else { panic!("consent") };
		let ConsentRequest::Create { terms: again, .. } = other.request().unwrap() else {
			panic!()
		};
		assert_ne!(terms.nonce, again.nonce, "a random nonce each time");
	}

	#[test]
	fn a_secret_on_the_command_line_points_to_the_file_flag() {
		let args = |list: &[&str]| list.iter().map(|a| a.to_string()).collect::<Vec<_>>();
		let message =
			secret_on_the_command_line(&args(&["registrar", "run", "--owner-secret", "//Alice"]))
				.unwrap();
		assert!(message.starts_with("there is no --owner-secret"), "{message}");
		assert!(message.contains("--owner-secret-file FILE"), "{message}");
		let submitter =
			secret_on_the_command_line(&args(&["registrar", "register", "--submitter-secret=x"]))
				.unwrap();
		assert!(submitter.contains("--submitter-secret-file FILE"), "{submitter}");
		let fine =
			args(&["registrar", "run", "--owner-secret-file", "f", "--owner-secret-env", "V"]);
		assert_eq!(secret_on_the_command_line(&fine), None);
		// clap alone would suggest --owner-secret-env, whose value is a variable's name.
		assert!(parse(&["run", "--owner-secret", "x"]).is_err());
	}

	/// The variables `main` moves out of the environment: every one a command reads a secret
	/// from, and no other.
	#[test]
	fn the_secret_variables_of_each_command() {
		let vars = |list: &[&str]| parse(list).unwrap().command.secret_env_vars().join(" ");
		let run = ["run", "--node-key-file", "k", "--state-dir", "d", "--node-type", "gpu-miner"];
		assert_eq!(vars(&[&run[..], &["--owner-secret-env", "OWNER"]].concat()), "OWNER");
		let consent = ["--consent-file", "c", "--submitter-secret-env", "SUBMITTER"];
		assert_eq!(vars(&[&run[..], &consent].concat()), "SUBMITTER");
		assert_eq!(vars(&[&run[..], &["--owner-secret-file", "f"]].concat()), "");
		assert_eq!(
			vars(&["consent", "--consent-file", "c", "--owner-secret-env", "OWNER"]),
			"OWNER"
		);
		assert_eq!(vars(&["status", "--peer-id", "p", "--owner-secret-env", "OWNER"]), "OWNER");
		assert_eq!(vars(&["nodes"]), "");
	}

	/// Issue 30, finding 8: the owner's key signs a consent only once the terms are agreed
	/// to; without a terminal, a script must say `--yes` (refused at once, exit 2, before
	/// anything is made).
	#[test]
	fn signing_a_consent_needs_a_terminal_or_yes() {
		let consent_args = |extra: &[&str]| {
			let base = ["consent", "--consent-file", "c.json"];
			let Command::Consent(args) = parse(&[&base[..], extra].concat()).unwrap().command
			else {
				panic!("consent")
			};
			args
		};
		let signs = consent_args(&["--owner-secret-file", "owner"]);
		let refused = signs.confirmation_for(false).err();
		assert!(
			matches!(&refused, Some(CliError::Usage(message)) if message.contains("give --yes")),
			"{refused:?}"
		);
		assert_eq!(refused.map(|e| e.exit_code()), Some(ExitCode::from(EXIT_USAGE)));
		assert!(signs.confirmation_for(true).is_ok());
		assert!(consent_args(&["--owner-secret-file", "o", "--yes"])
			.confirmation_for(false)
			.is_ok());
		assert!(consent_args(&["--owner-secret-env", "V", "-y"]).confirmation_for(false).is_ok());
		// Nothing to sign (a check): nothing to ask.
		assert!(consent_args(&[]).confirmation_for(false).is_ok());
	}

	#[test]
	fn errors_exit_as_the_readme_says() {
		// `status` without the node: an invalid command line, exit 2 (as clap's own).
		let Command::Status(status) = parse(&["status"]).unwrap().command else { panic!() };
		let error = status.request().unwrap_err();
		assert_eq!(error, CliError::Usage("give --node-key-file or --peer-id".into()));
		assert_eq!(error.exit_code(), ExitCode::from(2));
		let Command::Status(bad) = parse(&["status", "--peer-id", "Qm"]).unwrap().command else {
			panic!()
		};
		assert!(matches!(bad.request(), Err(CliError::Usage(_))));
		// A consent for another node: refused every time, exit 6 (fatal), before any chain.
		let dir = tempfile::tempdir().unwrap();
		let owner =
			OwnerKey::from_suri(&registrar::secret::SecretText::new("//Bob".into())).unwrap();
		let other_node = NodeKey::from_seed(&[5; 32]);
		let terms = registrar::consent::ConsentTerms {
			owner: owner.account_id(),
			peer_id: other_node.peer_id(),
			node_type: NodeType::StorageMiner,
			max_fee: 1,
			max_deposit: 0,
			nonce: 1,
			may_rotate: false,
		};
		let mut consent =
			SignedConsent::new(terms.consent([0x45; 32], 100), BlockNumberWidth::U64).unwrap();
		consent.sign(&owner).unwrap();
		let consent_file = dir.path().join("consent.json");
		consent.save(&consent_file).unwrap();
		let key = dir.path().join("key");
		write_private(&key, hex::encode([7u8; 32]));
		let submitter = dir.path().join("submitter");
		write_private(&submitter, "//Dave");
		let (key, consent_file, submitter) =
			(key.to_str().unwrap(), consent_file.to_str().unwrap(), submitter.to_str().unwrap());
		let Command::Register(register) = parse(&[
			"register",
			"--node-key-file",
			key,
			"--consent-file",
			consent_file,
			"--submitter-secret-file",
			submitter,
		])
		.unwrap()
		.command
		else {
			panic!()
		};
		let error = register.config().unwrap_err();
		assert!(matches!(&error, CliError::Fatal(m) if m.contains("consent")), "{error}");
		assert_eq!(error.exit_code(), ExitCode::from(6));
	}

	#[test]
	fn a_consent_takes_its_max_fee_in_the_chains_currency() {
		let base = [
			"consent",
			"--consent-file",
			"c",
			"--peer-id",
			"12D3KooWQK1wnefoLrcVHbbnf5tLzbopUd3K3bFAoJpA7YJgL5pV",
			"--node-type",
			"storage-miner",
			"--lifetime",
			"10",
			"--owner",
			"5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY",
		];
		let request = |fee: &str| {
			let Command::Consent(args) =
				parse(&[&base[..], &["--max-fee", fee]].concat()).unwrap().command
			else {
				panic!()
			};
			args.request().unwrap()
		};
		let ConsentRequest::Create { terms, chain, .. } = request("10UNIT") else { panic!() };
		assert_eq!(terms.max_fee, Amount::Units { value: "10".into(), symbol: "UNIT".into() });
		// Online by default: at REGISTRAR_ENDPOINT, or the default endpoint (scripts/chain.sh's).
		assert!(matches!(chain, ConsentChainSource::Online { .. }));
		let ConsentRequest::Create { terms, .. } = request("2000000000000000000") else { panic!() };
		assert_eq!(terms.max_fee, Amount::Base(2_000_000_000_000_000_000));
		assert_eq!(
			parse(&[&base[..], &["--max-fee", "ten"]].concat()).unwrap_err().kind(),
			clap::error::ErrorKind::ValueValidation
		);
	}
}
