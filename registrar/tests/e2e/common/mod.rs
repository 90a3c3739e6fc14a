//! What every end-to-end test uses: the dev chain (started through the repository's launcher,
//! one per test, on a free port), the `registrar` binary, key and secret files, the HTTP
//! endpoints of a running registrar, and the chain reads and transactions the tests check with.

pub mod proxy;

use registrar::{
	chain::ChainClient,
	discovery::NodeView,
	facts::RegistryEvent,
	keys::{NodeKey, OwnerKey},
	secret::SecretText,
};
use std::{
	net::{SocketAddr, TcpListener},
	path::{Path, PathBuf},
	process::Stdio,
	time::{Duration, Instant},
};
use tokio::{
	io::{AsyncReadExt, AsyncWriteExt},
	process::{Child, Command},
};

pub fn repo_root() -> PathBuf {
	Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

pub fn spec_path() -> PathBuf {
	std::env::var_os("REGISTRATION_SPEC")
		.map(PathBuf::from)
		.unwrap_or_else(|| repo_root().join("target/registration-dev-spec.json"))
}

pub fn chopsticks_cli() -> PathBuf {
	repo_root().join("e2e/node_modules/@acala-network/chopsticks/chopsticks.cjs")
}

/// `Some(reason)` when the dev chain cannot be started here.
pub fn missing_prerequisite() -> Option<String> {
	if !spec_path().exists() {
		return Some(format!(
			"no chain spec at {} (run scripts/build-chain-spec.sh)",
			spec_path().display()
		));
	}
	if !chopsticks_cli().exists() {
		return Some("no e2e/node_modules (run scripts/setup-node-deps.sh)".into());
	}
	None
}

/// Skips the test (or fails it when `REGISTRAR_E2E_REQUIRED=1`) without the dev chain.
#[macro_export]
macro_rules! require_chain {
	() => {
		if let Some(reason) = missing_prerequisite() {
			if std::env::var("REGISTRAR_E2E_REQUIRED").as_deref() == Ok("1") {
				panic!("end-to-end prerequisites missing: {reason}");
			}
			eprintln!("SKIPPED (end-to-end): {reason}");
			return;
		}
	};
}

pub fn free_port() -> u16 {
	TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// The dev chain, run by the repository's launcher (`node e2e/chain.mjs`); stopped on drop.
pub struct Chain {
	pub endpoint: String,
	child: std::process::Child,
	log: tempfile::NamedTempFile,
}

impl Chain {
	pub async fn start() -> Chain {
		Self::start_on(free_port()).await
	}

	/// A fresh dev chain on `port`: the launcher prints `ready: <endpoint>` once it answers.
	pub async fn start_on(port: u16) -> Chain {
		let log = tempfile::NamedTempFile::new().unwrap();
		let child = std::process::Command::new("node")
			.arg(repo_root().join("e2e/chain.mjs"))
			.args(["--port", &port.to_string()])
			.env("REGISTRATION_SPEC", spec_path())
			.env("LOG_LEVEL", "warn")
			.stdin(Stdio::null())
			.stdout(log.reopen().unwrap())
			.stderr(log.reopen().unwrap())
			.spawn()
			.expect("node runs e2e/chain.mjs");
		let endpoint = format!("ws://127.0.0.1:{port}");
		let mut chain = Chain { endpoint, child, log };
		let deadline = Instant::now() + Duration::from_secs(180);
		let ready = format!("ready: {}", chain.endpoint);
		loop {
			let output = std::fs::read_to_string(chain.log.path()).unwrap_or_default();
			if output.lines().any(|line| line.starts_with(&ready)) {
				break;
			}
			let exited = chain.child.try_wait().unwrap();
			assert!(
				exited.is_none() && Instant::now() < deadline,
				"the launcher did not get the chain up on {} ({exited:?}): {output}",
				chain.endpoint
			);
			tokio::time::sleep(Duration::from_millis(200)).await;
		}
		chain
	}

	pub async fn client(&self) -> ChainClient {
		ChainClient::connect(&self.endpoint).await.unwrap()
	}

	/// Root's `force_unregister_coldkey_node(node_id)` through `Sudo.sudo`, signed by the sudo
	/// key; the registry events of the transaction (the inner call must succeed).
	pub async fn sudo_force_unregister(
		&self,
		node_id: &[u8],
		sudo: &OwnerKey,
	) -> Vec<RegistryEvent> {
		let args = [subxt::dynamic::Value::from_bytes(node_id)];
		self.sudo("force_unregister_coldkey_node", args, sudo).await
	}

	/// Root's `force_register_coldkey_node(owner, node_type, node_id)` through `Sudo.sudo`
	/// (no proof, fee or deposit: a quick way to give an owner nodes); the registry events.
	pub async fn sudo_force_register(
		&self,
		owner: &sp_core::crypto::AccountId32,
		node_type: &str,
		node_id: &[u8],
		sudo: &OwnerKey,
	) -> Vec<RegistryEvent> {
		let args = [
			subxt::dynamic::Value::from_bytes(owner),
			subxt::dynamic::Value::unnamed_variant(node_type, []),
			subxt::dynamic::Value::from_bytes(node_id),
		];
		self.sudo("force_register_coldkey_node", args, sudo).await
	}

	/// Root's `Registration.<call>(args)` through `Sudo.sudo`, signed by the sudo key; the
	/// registry events of the transaction (the inner call must succeed).
	async fn sudo<const N: usize>(
		&self,
		call: &str,
		args: [subxt::dynamic::Value; N],
		sudo: &OwnerKey,
	) -> Vec<RegistryEvent> {
		let client = self.client().await;
		let inner = subxt::dynamic::tx(
			"Registration",
			call,
			subxt::ext::scale_value::Composite::unnamed(args),
		)
		.into_value();
		let payload = subxt::dynamic::tx("Sudo", "sudo", vec![inner]);
		let events = client
			.api()
			.tx()
			.await
			.unwrap()
			.sign_and_submit_then_watch_default(&payload, sudo.signer())
			.await
			.unwrap()
			.wait_for_finalized_success()
			.await
			.unwrap();
		let metadata = client.api().at_current_block().await.unwrap().metadata();
		let mut registry = Vec::new();
		for event in events.iter() {
			let event = event.unwrap();
			if event.pallet_name() == "Sudo" && event.event_name() == "Sudid" {
				// `Sudid { sudo_result: Result<(), DispatchError> }`: 0 = Ok.
				assert_eq!(event.field_bytes().first(), Some(&0), "the sudo call {call} failed");
			}
			registry.extend(RegistryEvent::of(&event, &metadata).unwrap());
		}
		registry
	}

	/// The pallet's `MaxNodesPerOwner` (16 in the dev runtime, 1 in the reference's rules).
	pub async fn max_nodes_per_owner(&self) -> u32 {
		let at = self.client().await.api().at_current_block().await.unwrap();
		at.constants()
			.entry(subxt::dynamic::constant::<u32>("Registration", "MaxNodesPerOwner"))
			.unwrap()
	}

	/// Builds `count` empty blocks (chopsticks' `dev_newBlock`).
	pub async fn new_blocks(&self, count: u32) {
		let rpc = subxt::rpcs::RpcClient::from_insecure_url(&self.endpoint).await.unwrap();
		let _: serde_json::Value = rpc
			.request(
				"dev_newBlock",
				subxt::rpcs::rpc_params![serde_json::json!({ "count": count })],
			)
			.await
			.unwrap();
	}
}

impl Drop for Chain {
	/// SIGTERM to the launcher, which stops chopsticks and exits (SIGKILL would orphan
	/// chopsticks, still holding the port); SIGKILL only if it does not within 10 s.
	fn drop(&mut self) {
		let pid = self.child.id().to_string();
		let _ = std::process::Command::new("kill").args(["-TERM", &pid]).status();
		let deadline = Instant::now() + Duration::from_secs(10);
		while Instant::now() < deadline {
			if let Ok(Some(_)) = self.child.try_wait() {
				return;
			}
			std::thread::sleep(Duration::from_millis(100));
		}
		let _ = self.child.kill();
		let _ = self.child.wait();
	}
}

pub fn owner(uri: &str) -> OwnerKey {
	OwnerKey::from_suri(&SecretText::new(uri.into())).unwrap()
}

/// A fresh node key, written as a Substrate node-key file (hex) in `dir`.
pub fn node_key_file(dir: &Path) -> (NodeKey, PathBuf) {
	let seed: [u8; 32] = rand::random();
	let path = dir.join("node-key");
	write_private(&path, hex::encode(seed));
	(NodeKey::from_seed(&seed), path)
}

pub fn secret_file(dir: &Path, name: &str, uri: &str) -> PathBuf {
	let path = dir.join(name);
	write_private(&path, format!("{uri}\n"));
	path
}

/// Writes a key or secret file readable by its owner alone (the registrar refuses others, as
/// ssh does).
pub fn write_private(path: &Path, content: impl AsRef<[u8]>) {
	use std::os::unix::fs::PermissionsExt;
	std::fs::write(path, content).unwrap();
	std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).unwrap();
}

pub fn registrar() -> Command {
	let mut command = Command::new(env!("CARGO_BIN_EXE_registrar"));
	command.env_remove("RUST_LOG").stdin(Stdio::null()).kill_on_drop(true);
	command
}

pub async fn http_get(addr: SocketAddr, path: &str) -> Option<(u16, String)> {
	let mut stream = tokio::net::TcpStream::connect(addr).await.ok()?;
	let request = format!("GET {path} HTTP/1.1\r\nHost: registrar\r\nConnection: close\r\n\r\n");
	stream.write_all(request.as_bytes()).await.ok()?;
	let mut response = String::new();
	stream.read_to_string(&mut response).await.ok()?;
	let status = response.get(9..12)?.parse().ok()?;
	let body = response.split_once("\r\n\r\n").map(|(_, b)| b.to_owned()).unwrap_or_default();
	Some((status, body))
}

pub async fn status_json(addr: SocketAddr) -> serde_json::Value {
	let (_, body) = http_get(addr, "/status").await.expect("/status answers");
	serde_json::from_str(&body).unwrap()
}

/// `/status` as JSON, or `Null` while the server is not up yet.
pub async fn try_status_json(addr: SocketAddr) -> serde_json::Value {
	match http_get(addr, "/status").await {
		Some((200, body)) => serde_json::from_str(&body).unwrap_or_default(),
		_ => serde_json::Value::Null,
	}
}

/// Polls until `check` holds, for at most `limit`.
pub async fn wait_until<F, Fut>(limit: Duration, what: &str, mut check: F)
where
	F: FnMut() -> Fut,
	Fut: std::future::Future<Output = bool>,
{
	let deadline = Instant::now() + limit;
	while !check().await {
		assert!(Instant::now() < deadline, "timed out waiting for {what}");
		tokio::time::sleep(Duration::from_millis(300)).await;
	}
}

pub fn metric(text: &str, name: &str) -> u64 {
	text.lines()
		.find_map(|line| line.strip_prefix(name)?.strip_prefix(' ')?.parse().ok())
		.unwrap_or(0)
}

/// A `registrar run` child with its HTTP address and log file.
pub struct RunningRegistrar {
	pub child: Child,
	pub http: SocketAddr,
	pub log: PathBuf,
}

impl RunningRegistrar {
	pub fn spawn(
		chain: &Chain,
		node_key: &Path,
		owner_secret: &Path,
		state_dir: &Path,
		node_type: &str,
		extra: &[&str],
	) -> Self {
		Self::spawn_at(&chain.endpoint, node_key, owner_secret, state_dir, node_type, extra)
	}

	/// [`Self::spawn`] against `endpoint` (a proxy in front of the chain, say).
	pub fn spawn_at(
		endpoint: &str,
		node_key: &Path,
		owner_secret: &Path,
		state_dir: &Path,
		node_type: &str,
		extra: &[&str],
	) -> Self {
		let http: SocketAddr = format!("127.0.0.1:{}", free_port()).parse().unwrap();
		let log = state_dir.with_extension("log");
		let child = registrar()
			.arg("run")
			.arg("--node-key-file")
			.arg(node_key)
			.arg("--owner-secret-file")
			.arg(owner_secret)
			.args(["--endpoint", endpoint, "--node-type", node_type])
			.arg("--state-dir")
			.arg(state_dir)
			.args(["--http-addr", &http.to_string()])
			.args(["--register-interval-secs", "2", "--check-interval-secs", "2"])
			.args(extra)
			.stdout(Stdio::null())
			.stderr(std::fs::File::create(&log).unwrap())
			.spawn()
			.unwrap();
		Self { child, http, log }
	}

	pub fn log(&self) -> String {
		std::fs::read_to_string(&self.log).unwrap_or_default()
	}

	pub async fn wait_ready(&self, limit: Duration) {
		wait_until(limit, "/readyz to answer 200", || async {
			matches!(http_get(self.http, "/readyz").await, Some((200, _)))
		})
		.await;
	}

	/// Sends SIGTERM and waits for a clean exit.
	pub async fn terminate(mut self) -> String {
		let pid = self.child.id().unwrap().to_string();
		let status = std::process::Command::new("kill").args(["-TERM", &pid]).status().unwrap();
		assert!(status.success());
		let exit = tokio::time::timeout(Duration::from_secs(20), self.child.wait())
			.await
			.expect("registrar stops within 20 s of SIGTERM")
			.unwrap();
		let log = self.log();
		assert!(exit.success(), "registrar exited with {exit}: {log}");
		log
	}
}

/// The dev runtime's unit of currency.
pub const UNIT: u128 = 1_000_000_000_000_000_000;

/// Submits `call` signed by `signer` and waits for its successful finalization.
pub async fn submit_as(
	client: &ChainClient,
	call: &subxt::transactions::DynamicPayload<Vec<subxt::dynamic::Value>>,
	signer: &OwnerKey,
) {
	client
		.api()
		.tx()
		.await
		.unwrap()
		.sign_and_submit_then_watch_default(call, signer.signer())
		.await
		.unwrap()
		.wait_for_finalized_success()
		.await
		.unwrap();
}

/// `registrar register` once; the exit code and the printed outcome.
pub async fn register_cli(
	chain: &Chain,
	key_path: &Path,
	secret: &Path,
	node_type: &str,
	extra: &[&str],
) -> (Option<i32>, serde_json::Value) {
	let output = registrar()
		.arg("register")
		.arg("--node-key-file")
		.arg(key_path)
		.arg("--owner-secret-file")
		.arg(secret)
		.args(["--endpoint", &chain.endpoint, "--node-type", node_type])
		.args(extra)
		.output()
		.await
		.unwrap();
	let outcome = serde_json::from_slice(&output.stdout).unwrap_or_else(|_| {
		panic!("no outcome printed: {}", String::from_utf8_lossy(&output.stderr))
	});
	(output.status.code(), outcome)
}

/// The free balance of `account` (`System::Account`), at the finalized block.
pub async fn free_balance(client: &ChainClient, account: &sp_core::crypto::AccountId32) -> u128 {
	use subxt::dynamic::{At as _, Value};
	let bytes: [u8; 32] = *account.as_ref();
	let at = client.api().at_current_block().await.unwrap();
	let entry = subxt::dynamic::storage::<([u8; 32],), Value>("System", "Account");
	let value = at.storage().try_fetch(entry, (bytes,)).await.unwrap().expect("an account");
	let value = value.decode().unwrap();
	value.at("data").and_then(|d| d.at("free")).and_then(|v| v.as_u128()).unwrap()
}

/// `registrar <args>`; the exit code, the printed JSON (`Null` when none) and stderr.
pub async fn registrar_json(args: &[&std::ffi::OsStr]) -> (Option<i32>, serde_json::Value, String) {
	let output = registrar()
		.env_remove("REGISTRAR_OWNER_SECRET_FILE")
		.env_remove("REGISTRAR_ENDPOINT")
		.args(args)
		.output()
		.await
		.unwrap();
	let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
	let json = serde_json::from_slice(&output.stdout).unwrap_or_default();
	(output.status.code(), json, stderr)
}

/// `registrar_json` of string arguments.
pub async fn registrar_str(args: &[&str]) -> (Option<i32>, serde_json::Value, String) {
	let args: Vec<&std::ffi::OsStr> = args.iter().map(std::ffi::OsStr::new).collect();
	registrar_json(&args).await
}

/// `registrar_str` of owned arguments.
pub async fn registrar_str_owned(args: Vec<String>) -> (Option<i32>, serde_json::Value, String) {
	let args: Vec<&str> = args.iter().map(String::as_str).collect();
	registrar_str(&args).await
}

/// The next nonce of `account` (`system_accountNextIndex`): how many transactions it signed.
pub async fn account_nonce(chain: &Chain, account: &OwnerKey) -> u64 {
	let rpc = subxt::rpcs::RpcClient::from_insecure_url(&chain.endpoint).await.unwrap();
	rpc.request("system_accountNextIndex", subxt::rpcs::rpc_params![account.ss58()]).await.unwrap()
}

/// The node's view (registry entry, record, liveness) at the finalized block.
pub async fn node_view(client: &ChainClient, node_id: &str) -> NodeView {
	client.node_view(node_id.as_bytes()).await.unwrap().expect("the node is registered")
}
