//! End-to-end tests of the registrar against the dev chain: the dev runtime's raw chain spec run
//! by chopsticks, started through the same launcher as the JS tests and `scripts/chain.sh`
//! (`node e2e/chain.mjs --port P`), one chain per test on a free port, so the tests run in
//! parallel.
//!
//! Needs `target/registration-dev-spec.json` (or `REGISTRATION_SPEC`) from
//! `scripts/build-chain-spec.sh` and `e2e/node_modules` from `scripts/setup-node-deps.sh`;
//! `registrar/scripts/test.sh` prepares both. Without them each test prints why and passes,
//! unless `REGISTRAR_E2E_REQUIRED=1` (CI) makes that a failure.

use registrar::{
	chain::ChainClient,
	discovery::{verify_record, NodeView, RecordText},
	facts::BlockNumberWidth,
	facts::RegistryEvent,
	keys::{NodeKey, OwnerKey},
	outcome::OutcomeClass,
	register_once,
	secret::SecretText,
	RegistrationConfig,
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

fn repo_root() -> PathBuf {
	Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn spec_path() -> PathBuf {
	std::env::var_os("REGISTRATION_SPEC")
		.map(PathBuf::from)
		.unwrap_or_else(|| repo_root().join("target/registration-dev-spec.json"))
}

fn chopsticks_cli() -> PathBuf {
	repo_root().join("e2e/node_modules/@acala-network/chopsticks/chopsticks.cjs")
}

/// `Some(reason)` when the dev chain cannot be started here.
fn missing_prerequisite() -> Option<String> {
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

fn free_port() -> u16 {
	TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// The dev chain, run by the repository's launcher (`node e2e/chain.mjs`); stopped on drop.
struct Chain {
	endpoint: String,
	child: std::process::Child,
	log: tempfile::NamedTempFile,
}

impl Chain {
	async fn start() -> Chain {
		Self::start_on(free_port()).await
	}

	/// A fresh dev chain on `port`: the launcher prints `ready: <endpoint>` once it answers.
	async fn start_on(port: u16) -> Chain {
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

	async fn client(&self) -> ChainClient {
		ChainClient::connect(&self.endpoint).await.unwrap()
	}

	/// Root's `force_unregister_coldkey_node(node_id)` through `Sudo.sudo`, signed by the sudo
	/// key; the registry events of the transaction (the inner call must succeed).
	async fn sudo_force_unregister(&self, node_id: &[u8], sudo: &OwnerKey) -> Vec<RegistryEvent> {
		let client = self.client().await;
		let inner = subxt::dynamic::tx(
			"Registration",
			"force_unregister_coldkey_node",
			subxt::ext::scale_value::Composite::unnamed([subxt::dynamic::Value::from_bytes(
				node_id,
			)]),
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
				assert_eq!(event.field_bytes().first(), Some(&0), "the sudo call failed");
			}
			registry.extend(RegistryEvent::of(&event, &metadata).unwrap());
		}
		registry
	}

	/// Builds `count` empty blocks (chopsticks' `dev_newBlock`).
	async fn new_blocks(&self, count: u32) {
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

fn owner(uri: &str) -> OwnerKey {
	OwnerKey::from_suri(&SecretText::new(uri.into())).unwrap()
}

/// A fresh node key, written as a Substrate node-key file (hex) in `dir`.
fn node_key_file(dir: &Path) -> (NodeKey, PathBuf) {
	let seed: [u8; 32] = rand::random();
	let path = dir.join("node-key");
	std::fs::write(&path, hex::encode(seed)).unwrap();
	(NodeKey::from_seed(&seed), path)
}

fn secret_file(dir: &Path, name: &str, uri: &str) -> PathBuf {
	let path = dir.join(name);
	std::fs::write(&path, format!("{uri}\n")).unwrap();
	path
}

fn registrar() -> Command {
	let mut command = Command::new(env!("CARGO_BIN_EXE_registrar"));
	command.env_remove("RUST_LOG").stdin(Stdio::null()).kill_on_drop(true);
	command
}

async fn http_get(addr: SocketAddr, path: &str) -> Option<(u16, String)> {
	let mut stream = tokio::net::TcpStream::connect(addr).await.ok()?;
	let request = format!("GET {path} HTTP/1.1\r\nHost: registrar\r\nConnection: close\r\n\r\n");
	stream.write_all(request.as_bytes()).await.ok()?;
	let mut response = String::new();
	stream.read_to_string(&mut response).await.ok()?;
	let status = response.get(9..12)?.parse().ok()?;
	let body = response.split_once("\r\n\r\n").map(|(_, b)| b.to_owned()).unwrap_or_default();
	Some((status, body))
}

async fn status_json(addr: SocketAddr) -> serde_json::Value {
	let (_, body) = http_get(addr, "/status").await.expect("/status answers");
	serde_json::from_str(&body).unwrap()
}

/// `/status` as JSON, or `Null` while the server is not up yet.
async fn try_status_json(addr: SocketAddr) -> serde_json::Value {
	match http_get(addr, "/status").await {
		Some((200, body)) => serde_json::from_str(&body).unwrap_or_default(),
		_ => serde_json::Value::Null,
	}
}

/// Polls until `check` holds, for at most `limit`.
async fn wait_until<F, Fut>(limit: Duration, what: &str, mut check: F)
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

fn metric(text: &str, name: &str) -> u64 {
	text.lines()
		.find_map(|line| line.strip_prefix(name)?.strip_prefix(' ')?.parse().ok())
		.unwrap_or(0)
}

/// A `registrar run` child with its HTTP address and log file.
struct RunningRegistrar {
	child: Child,
	http: SocketAddr,
	log: PathBuf,
}

impl RunningRegistrar {
	fn spawn(
		chain: &Chain,
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
			.args(["--endpoint", &chain.endpoint, "--node-type", node_type])
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

	fn log(&self) -> String {
		std::fs::read_to_string(&self.log).unwrap_or_default()
	}

	async fn wait_ready(&self, limit: Duration) {
		wait_until(limit, "/readyz to answer 200", || async {
			matches!(http_get(self.http, "/readyz").await, Some((200, _)))
		})
		.await;
	}

	/// Sends SIGTERM and waits for a clean exit.
	async fn terminate(mut self) -> String {
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_shot_register_then_status_and_sign_through_the_cli() {
	require_chain!();
	let chain = Chain::start().await;
	let dir = tempfile::tempdir().unwrap();
	let (key, key_path) = node_key_file(dir.path());
	let dave = secret_file(dir.path(), "dave", "//Dave");
	let register = |key_path: PathBuf, dave: PathBuf| {
		let endpoint = chain.endpoint.clone();
		async move {
			registrar()
				.arg("register")
				.arg("--node-key-file")
				.arg(key_path)
				.arg("--owner-secret-file")
				.arg(dave)
				.args(["--endpoint", &endpoint, "--node-type", "storage-miner"])
				.output()
				.await
				.unwrap()
		}
	};
	let first = register(key_path.clone(), dave.clone()).await;
	assert!(first.status.success(), "{}", String::from_utf8_lossy(&first.stderr));
	let outcome: serde_json::Value = serde_json::from_slice(&first.stdout).unwrap();
	assert_eq!(outcome["class"], "registered");
	assert_eq!(outcome["submitted"], true);
	assert_eq!(outcome["view"]["node"]["node_id"], key.peer_id_base58());
	assert_eq!(outcome["view"]["node"]["node_type"], "StorageMiner");
	assert_eq!(outcome["view"]["node"]["owner"], owner("//Dave").ss58());

	// Registered already: nothing is submitted.
	let second = register(key_path.clone(), dave.clone()).await;
	assert!(second.status.success());
	let outcome: serde_json::Value = serde_json::from_slice(&second.stdout).unwrap();
	assert_eq!(outcome["class"], "registered");
	assert_eq!(outcome["submitted"], false);

	let status = registrar()
		.arg("status")
		.arg("--node-key-file")
		.arg(&key_path)
		.args(["--owner", &owner("//Dave").ss58(), "--endpoint", &chain.endpoint])
		.output()
		.await
		.unwrap();
	assert!(status.status.success());
	let status: serde_json::Value = serde_json::from_slice(&status.stdout).unwrap();
	assert_eq!(status["registered_to_owner"], true);
	assert_eq!(status["owner_node"], key.peer_id_base58());

	// `sign` reads the chain and prints parameters that decode as the pallet's call.
	let sign = registrar()
		.arg("sign")
		.arg("--node-key-file")
		.arg(&key_path)
		.args(["--owner", &owner("//Dave").ss58(), "--node-type", "storage-miner"])
		.args(["--endpoint", &chain.endpoint])
		.output()
		.await
		.unwrap();
	assert!(sign.status.success(), "{}", String::from_utf8_lossy(&sign.stderr));
	let signed: serde_json::Value = serde_json::from_slice(&sign.stdout).unwrap();
	assert!(signed["callData"].as_str().unwrap().starts_with("0x0701"));
	assert_eq!(signed["challenge"]["length"], 200);
	assert_eq!(signed["peerId"], key.peer_id_base58());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn loop_registers_parks_and_rearms_after_force_unregister() {
	require_chain!();
	let chain = Chain::start().await;
	let dir = tempfile::tempdir().unwrap();
	let (key, key_path) = node_key_file(dir.path());
	let eve = secret_file(dir.path(), "eve", "//Eve");
	let state_dir = dir.path().join("state");
	let run = RunningRegistrar::spawn(&chain, &key_path, &eve, &state_dir, "compute-miner", &[]);
	run.wait_ready(Duration::from_secs(90)).await;
	let status = status_json(run.http).await;
	assert_eq!(status["phase"], "registered");
	assert_eq!(status["node_id"], key.peer_id_base58());

	// Parked: blocks come and go, nothing more is submitted.
	chain.new_blocks(3).await;
	tokio::time::sleep(Duration::from_secs(3)).await;
	let (_, metrics) = http_get(run.http, "/metrics").await.unwrap();
	assert_eq!(metric(&metrics, "registrar_submissions_total"), 1, "{metrics}");
	assert_eq!(metric(&metrics, "registrar_ready"), 1);
	assert!(metric(&metrics, "registrar_storage_checks_total") >= 1, "{metrics}");

	// Root removes the node: the registrar re-arms and, once the cooldown is over, registers
	// it again.
	let client = chain.client().await;
	let events =
		chain.sudo_force_unregister(key.peer_id_base58().as_bytes(), &owner("//Alice")).await;
	assert!(events.iter().any(|e| matches!(
		e,
		RegistryEvent::Unregistered { node_id, .. } if *node_id == key.peer_id_base58().into_bytes()
	)));
	wait_until(Duration::from_secs(30), "the registrar to re-arm", || async {
		let (_, metrics) = http_get(run.http, "/metrics").await.unwrap_or_default();
		metrics.lines().any(|l| l.starts_with("registrar_rearms_total") && !l.ends_with(" 0"))
	})
	.await;
	let (code, _) = http_get(run.http, "/readyz").await.unwrap();
	assert_eq!(code, 503, "not ready while unregistered");
	// The cooldown refuses every attempt (2 s apart); its warning is logged once per period.
	wait_until(Duration::from_secs(30), "a refusal warning to be rate-limited", || async {
		let (_, metrics) = http_get(run.http, "/metrics").await.unwrap_or_default();
		metric(&metrics, "registrar_suppressed_warnings_total") >= 1
	})
	.await;
	// The dev runtime's cooldown is 20 blocks; chopsticks builds blocks only on demand.
	chain.new_blocks(21).await;
	run.wait_ready(Duration::from_secs(90)).await;
	let (_, metrics) = http_get(run.http, "/metrics").await.unwrap();
	assert!(metric(&metrics, "registrar_submissions_total") >= 2, "{metrics}");
	let view =
		client.view(key.peer_id_base58().as_bytes(), &owner("//Eve").account_id()).await.unwrap();
	assert_eq!(view.node.unwrap().owner, owner("//Eve").account_id());

	let log = run.terminate().await;
	eprintln!("---- registrar run log ----\n{log}---- end ----");
	assert!(log.contains("registered"), "{log}");
	assert!(log.contains("parked"), "{log}");
	assert!(log.contains("re-arming"), "{log}");
	assert_eq!(log.matches("registration refused").count(), 1, "{log}");
	let state: serde_json::Value =
		serde_json::from_str(&std::fs::read_to_string(state_dir.join("state.json")).unwrap())
			.unwrap();
	assert_eq!(state["phase"], "stopped");
	assert_eq!(state["registrations"], 2);
	assert!(state["rearms"].as_u64().unwrap() >= 1);
	// Secrets never reach the log.
	assert!(!log.contains("//Eve"));
	assert!(!log.contains(&std::fs::read_to_string(&key_path).unwrap()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_registrar_on_the_same_state_directory_is_refused() {
	require_chain!();
	let chain = Chain::start().await;
	let dir = tempfile::tempdir().unwrap();
	let (key, key_path) = node_key_file(dir.path());
	let ferdie = secret_file(dir.path(), "ferdie", "//Ferdie");
	let state_dir = dir.path().join("state");
	let first = RunningRegistrar::spawn(&chain, &key_path, &ferdie, &state_dir, "gpu-miner", &[]);
	first.wait_ready(Duration::from_secs(90)).await;

	let second = registrar()
		.arg("run")
		.arg("--node-key-file")
		.arg(&key_path)
		.arg("--owner-secret-file")
		.arg(&ferdie)
		.args(["--endpoint", &chain.endpoint, "--node-type", "gpu-miner", "--no-http"])
		.arg("--state-dir")
		.arg(&state_dir)
		.output();
	let second = tokio::time::timeout(Duration::from_secs(20), second).await.unwrap().unwrap();
	assert!(!second.status.success());
	let stderr = String::from_utf8_lossy(&second.stderr);
	assert!(stderr.contains("is locked by another registrar"), "{stderr}");
	assert!(stderr.contains(&format!("pid={}", first.child.id().unwrap())), "{stderr}");
	// The first one is unaffected.
	assert!(matches!(http_get(first.http, "/readyz").await, Some((200, _))));
	first.terminate().await;

	// Once it stopped, the directory can be used again (and it resumes from the state file).
	// This one unregisters the node when it is stopped.
	let again = RunningRegistrar::spawn(
		&chain,
		&key_path,
		&ferdie,
		&state_dir,
		"gpu-miner",
		&["--unregister-on-shutdown"],
	);
	again.wait_ready(Duration::from_secs(90)).await;
	let log = again.terminate().await;
	assert!(log.contains("resuming from the state file"), "{log}");
	assert!(log.contains("already registered"), "{log}");
	assert!(log.contains("unregistered on shutdown"), "{log}");
	let client = chain.client().await;
	let view = client
		.view(key.peer_id_base58().as_bytes(), &owner("//Ferdie").account_id())
		.await
		.unwrap();
	assert_eq!(view.node, None);
	assert_eq!(view.owner_node, None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_or_owner_taken_by_someone_else_is_a_rate_limited_conflict() {
	require_chain!();
	let chain = Chain::start().await;
	let dir = tempfile::tempdir().unwrap();
	let (key, key_path) = node_key_file(dir.path());
	let client = chain.client().await;

	// //One registers the node first.
	let mut config = RegistrationConfig::new(
		chain.endpoint.clone(),
		key.clone(),
		owner("//One"),
		pallet_registration::NodeType::ComputeMiner,
		dir.path().join("unused"),
	);
	config.block_number_width = Some(BlockNumberWidth::U64);
	let outcome = register_once(&client, &config).await;
	assert_eq!(outcome.class, OutcomeClass::Registered, "{}", outcome.detail);

	// //Two's one-shot attempt is a conflict (exit code 3), and nothing is submitted.
	let two = secret_file(dir.path(), "two", "//Two");
	let output = registrar()
		.arg("register")
		.arg("--node-key-file")
		.arg(&key_path)
		.arg("--owner-secret-file")
		.arg(&two)
		.args(["--endpoint", &chain.endpoint, "--node-type", "compute-miner"])
		.output()
		.await
		.unwrap();
	assert_eq!(output.status.code(), Some(3));
	let outcome: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
	assert_eq!(outcome["class"], "conflict");
	assert_eq!(outcome["submitted"], false);

	// //One's owner slot is taken too: another node of //One conflicts.
	let other = NodeKey::from_seed(&rand::random());
	let mut config_other = config.clone();
	config_other.node_key = other;
	let outcome = register_once(&client, &config_other).await;
	assert_eq!(outcome.class, OutcomeClass::Conflict);
	assert!(outcome.detail.contains("already has another node"), "{}", outcome.detail);

	// The loop keeps retrying every interval, logging the warning once per period.
	let state_dir = dir.path().join("state");
	let run = RunningRegistrar::spawn(&chain, &key_path, &two, &state_dir, "compute-miner", &[]);
	wait_until(Duration::from_secs(60), "three conflict attempts", || async {
		let (_, metrics) = http_get(run.http, "/metrics").await.unwrap_or_default();
		metrics.contains("registrar_attempts_total{outcome=\"conflict\"} ")
			&& metric(&metrics, "registrar_attempts_total{outcome=\"conflict\"}") >= 3
			&& try_status_json(run.http).await["phase"] == "conflict"
	})
	.await;
	let status = status_json(run.http).await;
	assert_eq!(status["last_outcome"], "conflict");
	assert!(matches!(http_get(run.http, "/readyz").await, Some((503, _))));
	let (_, metrics) = http_get(run.http, "/metrics").await.unwrap();
	assert_eq!(metric(&metrics, "registrar_submissions_total"), 0);
	assert!(metric(&metrics, "registrar_suppressed_warnings_total") >= 2, "{metrics}");
	let log = run.terminate().await;
	assert_eq!(
		log.matches("conflict: the node or the owner is registered to someone else").count(),
		1,
		"{log}"
	);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_degraded_node_rearms_and_is_recovered_only_when_asked() {
	require_chain!();
	let chain = Chain::start().await;
	let dir = tempfile::tempdir().unwrap();
	let (key, key_path) = node_key_file(dir.path());
	let charlie = secret_file(dir.path(), "charlie", "//Charlie");
	let state_dir = dir.path().join("state");
	let node_id = key.peer_id_base58().into_bytes();
	let client = chain.client().await;

	let run =
		RunningRegistrar::spawn(&chain, &key_path, &charlie, &state_dir, "storage-miner", &[]);
	run.wait_ready(Duration::from_secs(90)).await;
	// Force-unregistering an online storage miner degrades it.
	let events = chain.sudo_force_unregister(&node_id, &owner("//Alice")).await;
	assert!(events.iter().any(|e| matches!(
		e,
		RegistryEvent::StatusUpdated { status: pallet_registration::Status::Degraded, .. }
	)));
	wait_until(Duration::from_secs(30), "the degraded phase", || async {
		status_json(run.http).await["phase"] == "degraded"
	})
	.await;
	let (_, metrics) = http_get(run.http, "/metrics").await.unwrap();
	assert_eq!(metric(&metrics, "registrar_rearms_total{reason=\"degraded\"}"), 1, "{metrics}");
	assert!(matches!(http_get(run.http, "/readyz").await, Some((503, _))));
	// Without --recover-degraded the node is left as it is.
	tokio::time::sleep(Duration::from_secs(3)).await;
	let view = client.view(&node_id, &owner("//Charlie").account_id()).await.unwrap();
	assert_eq!(view.node.unwrap().status, pallet_registration::Status::Degraded);
	run.terminate().await;

	// With it, the registrar unregisters the degraded node and registers it again after the
	// cooldown.
	let run = RunningRegistrar::spawn(
		&chain,
		&key_path,
		&charlie,
		&state_dir,
		"storage-miner",
		&["--recover-degraded"],
	);
	wait_until(Duration::from_secs(60), "the degraded node's removal", || async {
		let view = client.view(&node_id, &owner("//Charlie").account_id()).await.unwrap();
		view.node.is_none()
	})
	.await;
	chain.new_blocks(21).await;
	run.wait_ready(Duration::from_secs(90)).await;
	let view = client.view(&node_id, &owner("//Charlie").account_id()).await.unwrap();
	assert_eq!(view.node.unwrap().status, pallet_registration::Status::Online);
	let log = run.terminate().await;
	assert!(log.contains("recovering the degraded node"), "{log}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_swapped_to_another_owner_rearms_into_a_conflict() {
	require_chain!();
	let chain = Chain::start().await;
	let dir = tempfile::tempdir().unwrap();
	let (key, key_path) = node_key_file(dir.path());
	let bob = secret_file(dir.path(), "bob", "//Bob");
	let state_dir = dir.path().join("state");
	let run = RunningRegistrar::spawn(&chain, &key_path, &bob, &state_dir, "compute-miner", &[]);
	run.wait_ready(Duration::from_secs(90)).await;

	// The owner offers the node to //Two, who accepts it (outside the registrar).
	let client = chain.client().await;
	let offer = subxt::dynamic::tx(
		"Registration",
		"swap_node_owner",
		vec![
			subxt::dynamic::Value::from_bytes(key.peer_id_base58()),
			subxt::dynamic::Value::from_bytes(owner("//Two").account_id()),
		],
	);
	let accept = subxt::dynamic::tx(
		"Registration",
		"accept_node_ownership",
		vec![subxt::dynamic::Value::from_bytes(key.peer_id_base58())],
	);
	for (call, signer) in [(&offer, "//Bob"), (&accept, "//Two")] {
		client
			.api()
			.tx()
			.await
			.unwrap()
			.sign_and_submit_then_watch_default(call, owner(signer).signer())
			.await
			.unwrap()
			.wait_for_finalized_success()
			.await
			.unwrap();
	}

	// The attempt is counted a moment before the phase is set (and each new attempt passes
	// through `registering`): wait for both.
	wait_until(Duration::from_secs(30), "a re-arm for the swap, then a conflict", || async {
		let (_, metrics) = http_get(run.http, "/metrics").await.unwrap_or_default();
		metric(&metrics, "registrar_rearms_total{reason=\"swapped\"}") == 1
			&& metric(&metrics, "registrar_attempts_total{outcome=\"conflict\"}") >= 1
			&& try_status_json(run.http).await["phase"] == "conflict"
	})
	.await;
	assert!(matches!(http_get(run.http, "/readyz").await, Some((503, _))));
	let log = run.terminate().await;
	// The event watcher usually sees the acceptance first; on a loaded machine the storage
	// check (every 2 s here) can find the new owner before it, which is the backstop's job.
	assert!(log.contains("NodeOwnerSwapped") || log.contains("storage check at block"), "{log}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_loop_reconnects_and_registers_again_when_the_chain_comes_back() {
	require_chain!();
	let port = free_port();
	let chain = Chain::start_on(port).await;
	let dir = tempfile::tempdir().unwrap();
	let (_, key_path) = node_key_file(dir.path());
	let dave = secret_file(dir.path(), "dave", "//Dave");
	let state_dir = dir.path().join("state");
	let run = RunningRegistrar::spawn(&chain, &key_path, &dave, &state_dir, "compute-miner", &[]);
	run.wait_ready(Duration::from_secs(90)).await;

	// The chain goes away: the parked registrar notices, is no longer ready, and retries.
	drop(chain);
	wait_until(Duration::from_secs(30), "/readyz to answer 503", || async {
		matches!(http_get(run.http, "/readyz").await, Some((503, _)))
	})
	.await;
	// A fresh chain on the same address (its registry is empty): the registrar reconnects and
	// registers the node there.
	let chain = Chain::start_on(port).await;
	run.wait_ready(Duration::from_secs(120)).await;
	let (_, metrics) = http_get(run.http, "/metrics").await.unwrap();
	assert_eq!(metric(&metrics, "registrar_submissions_total"), 2, "{metrics}");
	let log = run.terminate().await;
	eprintln!("---- registrar run log ----\n{log}---- end ----");
	assert!(log.contains("lost the chain while parked"), "{log}");
	drop(chain);
}

/// The dev runtime's unit of currency.
const UNIT: u128 = 1_000_000_000_000_000_000;

/// Submits `call` signed by `signer` and waits for its successful finalization.
async fn submit_as(
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
async fn register_cli(
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_validator_without_stake_is_refused_before_paying_and_registers_once_bonded() {
	require_chain!();
	let chain = Chain::start().await;
	let dir = tempfile::tempdir().unwrap();
	let (key, key_path) = node_key_file(dir.path());
	let dave = secret_file(dir.path(), "dave", "//Dave");

	// //Dave has bonded nothing: the pallet would refuse (InsufficientStake) after the fee for
	// the transaction is paid; the registrar refuses first and submits nothing.
	let (code, outcome) = register_cli(&chain, &key_path, &dave, "validator", &[]).await;
	assert_eq!(code, Some(5), "{outcome}");
	assert_eq!(outcome["class"], "slow_retry");
	assert_eq!(outcome["submitted"], false, "{outcome}");
	assert!(outcome["detail"].as_str().unwrap().contains("insufficient stake"), "{outcome}");

	// The loop waits longer after each refusal in a row: 2, 4, 8... seconds.
	let state_dir = dir.path().join("state");
	let run = RunningRegistrar::spawn(&chain, &key_path, &dave, &state_dir, "validator", &[]);
	wait_until(Duration::from_secs(40), "the slow-retry wait to double twice", || async {
		try_status_json(run.http).await["next_attempt_in_secs"].as_u64().unwrap_or(0) >= 8
	})
	.await;
	let (_, metrics) = http_get(run.http, "/metrics").await.unwrap();
	assert_eq!(metric(&metrics, "registrar_submissions_total"), 0, "{metrics}");
	assert!(metric(&metrics, "registrar_attempts_total{outcome=\"slow_retry\"}") >= 3);
	run.terminate().await;

	// Bonded above MinerStakeThreshold (1,000 units), the same owner registers the validator.
	let client = chain.client().await;
	let bond = subxt::dynamic::tx(
		"Staking",
		"bond",
		vec![
			subxt::dynamic::Value::u128(2_000 * UNIT),
			subxt::dynamic::Value::unnamed_variant("Staked", []),
		],
	);
	submit_as(&client, &bond, &owner("//Dave")).await;
	let (code, outcome) = register_cli(&chain, &key_path, &dave, "validator", &[]).await;
	assert_eq!(code, Some(0), "{outcome}");
	assert_eq!(outcome["class"], "registered");
	assert_eq!(outcome["view"]["node"]["node_id"], key.peer_id_base58());
	assert_eq!(outcome["view"]["node"]["node_type"], "Validator");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_owner_short_of_the_fee_is_refused_before_paying() {
	require_chain!();
	let chain = Chain::start().await;
	let dir = tempfile::tempdir().unwrap();
	let (_, key_path) = node_key_file(dir.path());
	// A new account with half the registration fee (the dev runtime's fee is one unit).
	let uri = format!("//Alice//poor{}", rand::random::<u32>());
	let poor = owner(&uri);
	let secret = secret_file(dir.path(), "poor", &uri);
	let client = chain.client().await;
	let transfer = subxt::dynamic::tx(
		"Balances",
		"transfer_keep_alive",
		vec![
			subxt::dynamic::Value::unnamed_variant(
				"Id",
				[subxt::dynamic::Value::from_bytes(poor.account_id())],
			),
			subxt::dynamic::Value::u128(UNIT / 2),
		],
	);
	submit_as(&client, &transfer, &owner("//Alice")).await;

	let (code, outcome) = register_cli(&chain, &key_path, &secret, "storage-miner", &[]).await;
	assert_eq!(code, Some(5), "{outcome}");
	assert_eq!(outcome["class"], "slow_retry");
	assert_eq!(outcome["submitted"], false, "{outcome}");
	assert!(outcome["detail"].as_str().unwrap().contains("insufficient balance"), "{outcome}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn credits_are_refused_for_good_without_a_transaction() {
	require_chain!();
	let chain = Chain::start().await;
	let dir = tempfile::tempdir().unwrap();
	let (_, key_path) = node_key_file(dir.path());
	let bob = secret_file(dir.path(), "bob", "//Bob");

	// The dev runtime takes no credits (CreditsNotSupported) and cannot be asked beforehand:
	// a fatal refusal (exit code 6), nothing submitted.
	let (code, outcome) =
		register_cli(&chain, &key_path, &bob, "compute-miner", &["--pay-in-credits"]).await;
	assert_eq!(code, Some(6), "{outcome}");
	assert_eq!(outcome["class"], "fatal");
	assert_eq!(outcome["submitted"], false, "{outcome}");

	// The loop stops trying and says so: not ready, phase `failed`, one attempt only.
	let state_dir = dir.path().join("state");
	let run = RunningRegistrar::spawn(
		&chain,
		&key_path,
		&bob,
		&state_dir,
		"compute-miner",
		&["--pay-in-credits"],
	);
	wait_until(Duration::from_secs(30), "the failed phase", || async {
		try_status_json(run.http).await["phase"] == "failed"
	})
	.await;
	tokio::time::sleep(Duration::from_secs(5)).await;
	assert_eq!(http_get(run.http, "/readyz").await, Some((503, "not ready: failed\n".into())));
	assert!(matches!(http_get(run.http, "/livez").await, Some((200, _))));
	let status = status_json(run.http).await;
	assert_eq!(status["last_outcome"], "fatal");
	assert!(status["last_error"].as_str().unwrap().contains("credits"), "{status}");
	let (_, metrics) = http_get(run.http, "/metrics").await.unwrap();
	assert_eq!(metric(&metrics, "registrar_attempts_total{outcome=\"fatal\"}"), 1, "{metrics}");
	assert_eq!(metric(&metrics, "registrar_submissions_total"), 0, "{metrics}");
	assert_eq!(metric(&metrics, "registrar_phase{phase=\"failed\"}"), 1, "{metrics}");
	let state: serde_json::Value =
		serde_json::from_str(&std::fs::read_to_string(state_dir.join("state.json")).unwrap())
			.unwrap();
	assert_eq!(state["phase"], "failed");
	let log = run.terminate().await;
	assert_eq!(log.matches("fatal: this configuration is refused every time").count(), 1, "{log}");
}

/// No chain needed: the endpoint's credentials, path and query never show.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_endpoint_credentials_never_show_in_status_logs_errors_or_state() {
	let dir = tempfile::tempdir().unwrap();
	let (_, key_path) = node_key_file(dir.path());
	let bob = secret_file(dir.path(), "bob", "//Bob");
	let port = free_port();
	let endpoint =
		format!("ws://operator:hunter22@127.0.0.1:{port}/v3/0123456789abcdef?apikey=topsecret");
	let secrets = ["operator", "hunter22", "0123456789abcdef", "apikey", "topsecret"];
	let shown = format!("ws://<redacted>@127.0.0.1:{port}/<redacted>?<redacted>");

	// One shot: the connection error names the endpoint without its secrets.
	let output = registrar()
		.arg("register")
		.arg("--node-key-file")
		.arg(&key_path)
		.arg("--owner-secret-file")
		.arg(&bob)
		.args(["--endpoint", &endpoint, "--node-type", "compute-miner", "--rpc-timeout-secs", "5"])
		.output()
		.await
		.unwrap();
	assert!(!output.status.success());
	let stderr = String::from_utf8_lossy(&output.stderr);
	assert!(stderr.contains(&format!("127.0.0.1:{port}")), "{stderr}");
	for secret in secrets {
		assert!(!stderr.contains(secret), "{secret} in {stderr}");
	}

	// The service: /status, the log and the state file.
	let state_dir = dir.path().join("state");
	let http: SocketAddr = format!("127.0.0.1:{}", free_port()).parse().unwrap();
	let log_path = dir.path().join("run.log");
	let mut child = registrar()
		.arg("run")
		.arg("--node-key-file")
		.arg(&key_path)
		.arg("--owner-secret-file")
		.arg(&bob)
		.args(["--endpoint", &endpoint, "--node-type", "compute-miner"])
		.arg("--state-dir")
		.arg(&state_dir)
		.args(["--http-addr", &http.to_string(), "--rpc-timeout-secs", "5"])
		.stdout(Stdio::null())
		.stderr(std::fs::File::create(&log_path).unwrap())
		.spawn()
		.unwrap();
	wait_until(Duration::from_secs(30), "a failed connection attempt", || async {
		match http_get(http, "/status").await {
			Some((200, body)) => body.contains("fast_retry"),
			_ => false,
		}
	})
	.await;
	let (_, status) = http_get(http, "/status").await.unwrap();
	let status_value: serde_json::Value = serde_json::from_str(&status).unwrap();
	assert_eq!(status_value["endpoint"], shown, "{status}");
	assert!(status_value["last_error"].as_str().unwrap().contains(&shown), "{status}");
	let state = std::fs::read_to_string(state_dir.join("state.json")).unwrap();
	let pid = child.id().unwrap().to_string();
	assert!(std::process::Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
	tokio::time::timeout(Duration::from_secs(20), child.wait()).await.unwrap().unwrap();
	let log = std::fs::read_to_string(&log_path).unwrap();
	assert!(log.contains(&shown), "{log}");
	for secret in secrets {
		assert!(!status.contains(secret), "{secret} in /status: {status}");
		assert!(!state.contains(secret), "{secret} in state.json: {state}");
		assert!(!log.contains(secret), "{secret} in the log: {log}");
	}
}

/// The dev runtime's real metadata has every event field, error name and view function the
/// registrar relies on (by name: a renamed field or error fails here, not in production).
///
/// And why the registrar encodes view function calls itself: subxt 0.50's view function client
/// sends the input without the `Vec<u8>` length prefix that the runtime API's `input: Vec<u8>`
/// parameter needs, and the runtime traps decoding its own parameters. When that part fails,
/// subxt was fixed and `chain::view_functions` can use it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dev_runtime_has_the_events_errors_and_view_functions_the_registrar_reads() {
	require_chain!();
	let chain = Chain::start().await;
	let client = chain.client().await;
	let at = client.api().at_current_block().await.unwrap();
	let metadata = at.metadata();
	let pallet = metadata.pallet_by_name(registrar::facts::PALLET).expect("the pallet");
	let events = pallet.event_variants().expect("the pallet's events");
	for (name, fields) in registrar::chain::events::REQUIRED_EVENT_FIELDS {
		let variant = events.iter().find(|v| v.name == name).unwrap_or_else(|| panic!("{name}"));
		let names: Vec<_> = variant.fields.iter().filter_map(|f| f.name.as_deref()).collect();
		for field in fields {
			assert!(names.contains(field), "event {name} has no field {field}: {names:?}");
		}
	}
	let errors: Vec<_> =
		pallet.error_variants().expect("the pallet's errors").iter().map(|v| &v.name).collect();
	for name in registrar::outcome::known_pallet_errors() {
		assert!(errors.iter().any(|e| *e == name), "no pallet error {name}");
	}
	let functions = [
		"node_by_id",
		"node_of_owner",
		"current_fee",
		"challenge_fields",
		"node_view",
		"nodes_by_type",
		"nodes_by_status",
		"nodes_by_capability",
	];
	for function in functions {
		assert!(pallet.view_function_by_name(function).is_some(), "no view function {function}");
	}
	for call in ["publish_node_record", "heartbeat"] {
		assert!(pallet.call_variant_by_name(call).is_some(), "no call {call}");
	}
	assert_eq!(client.block_number_width(), Some(BlockNumberWidth::U64));

	let call = subxt::dynamic::view_function_call::<_, subxt::dynamic::Value>(
		"Registration",
		"current_fee",
		(subxt::dynamic::Value::unnamed_variant("StorageMiner", []),),
	);
	let error = at.view_functions().call(call).await.expect_err("subxt's encoding is refused");
	assert!(error.to_string().contains("unreachable"), "{error}");
	// The registrar's own encoding of view function calls is answered (`node_by_id`,
	// `node_of_owner`, and `challenge_fields` in the context).
	let key = NodeKey::from_seed(&rand::random());
	let view = client.view(key.peer_id_base58().as_bytes(), &owner("//Alice").account_id()).await;
	assert_eq!(view.unwrap().node, None);
	client.context().await.unwrap();
}

/// The free balance of `account` (`System::Account`), at the finalized block.
async fn free_balance(client: &ChainClient, account: &sp_core::crypto::AccountId32) -> u128 {
	use subxt::dynamic::{At as _, Value};
	let bytes: [u8; 32] = *account.as_ref();
	let at = client.api().at_current_block().await.unwrap();
	let entry = subxt::dynamic::storage::<([u8; 32],), Value>("System", "Account");
	let value = at.storage().try_fetch(entry, (bytes,)).await.unwrap().expect("an account");
	let value = value.decode().unwrap();
	value.at("data").and_then(|d| d.at("free")).and_then(|v| v.as_u128()).unwrap()
}

/// `registrar <args>`; the exit code, the printed JSON (`Null` when none) and stderr.
async fn registrar_json(args: &[&std::ffi::OsStr]) -> (Option<i32>, serde_json::Value, String) {
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
async fn registrar_str(args: &[&str]) -> (Option<i32>, serde_json::Value, String) {
	let args: Vec<&std::ffi::OsStr> = args.iter().map(std::ffi::OsStr::new).collect();
	registrar_json(&args).await
}

/// The owner stays cold: a consent made online for the node's PeerId, signed on the owner's
/// machine (a directory deleted before the node host starts), and `run` on the node host with
/// only the consent file and a submitter key registers the node, and registers it again after
/// root removes it and the cooldown passes. The owner's balance pays both registration fees and
/// nothing else; the submitter pays only the transaction fees.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn run_with_a_consent_registers_and_re_registers_without_the_owner_secret() {
	require_chain!();
	let chain = Chain::start().await;
	let client = chain.client().await;
	// Dev accounts (this chain is the test's own, so nothing else moves their balances).
	let (owner_uri, submitter_uri) = ("//Charlie", "//Dave");
	let (cold, hot) = (owner(owner_uri), owner(submitter_uri));

	// The node host: its key, the submitter's key, the state directory. The PeerId goes to the
	// owner; nothing of the owner's comes back but the consent file.
	let host = tempfile::tempdir().unwrap();
	let (key, key_path) = node_key_file(host.path());
	let peer = key.peer_id_base58();
	let submitter_secret = secret_file(host.path(), "submitter", submitter_uri);

	// The owner: the consent's payload from the chain (online, no secret), signed offline.
	let owner_machine = tempfile::tempdir().unwrap();
	let consent_path = owner_machine.path().join("consent.json");
	let consent_arg = consent_path.to_str().unwrap();
	let owner_secret = secret_file(owner_machine.path(), "owner", owner_uri);
	let (code, made, stderr) = registrar_str(&[
		"consent",
		"--consent-file",
		consent_arg,
		"--endpoint",
		&chain.endpoint,
		"--owner",
		&cold.ss58(),
		"--peer-id",
		&peer,
		"--node-type",
		"compute-miner",
		"--max-fee",
		&(5 * UNIT).to_string(),
		"--lifetime",
		"1000",
	])
	.await;
	assert_eq!(code, Some(0), "{stderr}");
	assert_eq!(made["action"], "created");
	assert_eq!(made["signed"], false);
	assert!(made["to_sign"]["registrar"].is_string(), "{made}");
	let (code, signed, stderr) = registrar_json(&[
		"consent".as_ref(),
		"--consent-file".as_ref(),
		consent_path.as_os_str(),
		"--owner-secret-file".as_ref(),
		owner_secret.as_os_str(),
	])
	.await;
	assert_eq!(code, Some(0), "{stderr}");
	assert_eq!(
		(signed["action"].as_str(), signed["signed"].as_bool()),
		(Some("signed"), Some(true))
	);
	assert_eq!(signed["payload"], made["payload"], "signing changes nothing but the signature");
	assert_eq!(signed["consent"]["owner"], cold.ss58());
	let consent_text = std::fs::read_to_string(&consent_path).unwrap();
	assert!(!consent_text.contains(owner_uri) && !signed.to_string().contains(owner_uri));
	// The file goes to the node host; the owner's machine (and its secret) is gone.
	let host_consent = host.path().join("consent.json");
	std::fs::write(&host_consent, &consent_text).unwrap();
	let owner_dir = owner_machine.path().to_path_buf();
	drop(owner_machine);
	assert!(!owner_dir.exists());

	let policy = |client: &ChainClient| {
		let (client, peer, owner) = (client.clone(), peer.clone(), cold.account_id());
		async move {
			let node_type = pallet_registration::NodeType::ComputeMiner;
			client.policy(peer.as_bytes(), &owner, node_type, false).await.unwrap()
		}
	};
	let first_fee = policy(&client).await.fee.unwrap();
	let (owner_before, submitter_before) = (
		free_balance(&client, &cold.account_id()).await,
		free_balance(&client, &hot.account_id()).await,
	);

	let http: SocketAddr = format!("127.0.0.1:{}", free_port()).parse().unwrap();
	let state_dir = host.path().join("state");
	let log = host.path().join("run.log");
	let mut child = registrar()
		.env_remove("REGISTRAR_OWNER_SECRET_FILE")
		.arg("run")
		.arg("--node-key-file")
		.arg(&key_path)
		.arg("--consent-file")
		.arg(&host_consent)
		.arg("--submitter-secret-file")
		.arg(&submitter_secret)
		.args(["--endpoint", &chain.endpoint, "--http-addr", &http.to_string()])
		.arg("--state-dir")
		.arg(&state_dir)
		.args(["--register-interval-secs", "2", "--check-interval-secs", "2"])
		// Refused during the cooldown: retried every 2 s, not 2, 4, 8… s.
		.args(["--max-slow-retry-secs", "2"])
		.stdout(Stdio::null())
		.stderr(std::fs::File::create(&log).unwrap())
		.spawn()
		.unwrap();
	// No owner secret on its command line or in its environment.
	let pid = child.id().unwrap();
	for what in ["cmdline", "environ"] {
		let bytes = std::fs::read(format!("/proc/{pid}/{what}")).unwrap_or_default();
		let text = String::from_utf8_lossy(&bytes);
		assert!(
			!text.contains(owner_uri) && !text.contains("REGISTRAR_OWNER_SECRET"),
			"{what}: {text}"
		);
	}
	let ready = || async { matches!(http_get(http, "/readyz").await, Some((200, _))) };
	wait_until(Duration::from_secs(60), "the consent registration", ready).await;
	let status = status_json(http).await;
	assert_eq!(status["owner"], cold.ss58());
	assert_eq!(status["submitter"], hot.ss58());
	assert_eq!(status["consent_valid_until"], signed["consent"]["valid_until"]);
	let view = client.view(peer.as_bytes(), &cold.account_id()).await.unwrap();
	assert_eq!(view.node.as_ref().map(|n| n.owner.clone()), Some(cold.account_id()));

	// Root removes the node; after the cooldown (built at once) the loop re-arms and registers
	// it again with the same consent.
	let second_fee = policy(&client).await.fee.unwrap();
	chain.sudo_force_unregister(peer.as_bytes(), &owner("//Alice")).await;
	chain.new_blocks(21).await;
	wait_until(Duration::from_secs(60), "the registration after the cooldown", || async {
		let (_, metrics) = http_get(http, "/metrics").await.unwrap_or_default();
		metric(&metrics, "registrar_submissions_total") == 2 && ready().await
	})
	.await;
	let (_, metrics) = http_get(http, "/metrics").await.unwrap();
	assert!(
		metrics.lines().any(|l| l.starts_with("registrar_rearms_total") && !l.ends_with(" 0")),
		"{metrics}"
	);
	assert_eq!(metric(&metrics, "registrar_attempts_total{outcome=\"fatal\"}"), 0, "{metrics}");

	// The owner paid the two registration fees and nothing else; the submitter only the
	// transaction fees (about a hundredth of a unit each).
	let owner_paid = owner_before - free_balance(&client, &cold.account_id()).await;
	let submitter_paid = submitter_before - free_balance(&client, &hot.account_id()).await;
	assert_eq!(owner_paid, first_fee + second_fee, "fees {first_fee} and {second_fee}");
	assert!(submitter_paid > 0 && submitter_paid < UNIT / 10, "{submitter_paid}");

	let pid = child.id().unwrap().to_string();
	assert!(std::process::Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
	let exit = tokio::time::timeout(Duration::from_secs(20), child.wait()).await.unwrap().unwrap();
	let log = std::fs::read_to_string(&log).unwrap();
	assert!(exit.success(), "{log}");
	assert!(log.contains("with the owner's consent"), "{log}");
	// Nowhere on the node host: not in its files, not in the log.
	for entry in walk(host.path()) {
		let content = std::fs::read(&entry).unwrap_or_default();
		assert!(!String::from_utf8_lossy(&content).contains(owner_uri), "{}", entry.display());
	}
}

/// Every file under `dir`.
fn walk(dir: &Path) -> Vec<PathBuf> {
	let mut files = Vec::new();
	for entry in std::fs::read_dir(dir).unwrap().flatten() {
		let path = entry.path();
		if path.is_dir() {
			files.extend(walk(&path));
		} else {
			files.push(path);
		}
	}
	files
}

/// `registrar rotate` moves a registered node to a new key: with the owner's consent to the new
/// PeerId (signed as the polkadot.js extension signs, `<Bytes>`-wrapped, and attached) and a
/// submitter key, or with the owner's own key. The old PeerId is refused while it cools down,
/// and the node may not rotate again before the cooldown.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rotate_moves_a_node_to_a_new_key_and_the_old_peer_id_cools_down() {
	use sp_core::Pair as _;
	require_chain!();
	let chain = Chain::start().await;
	let client = chain.client().await;
	let dir = tempfile::tempdir().unwrap();
	let key_in = |name: &str| {
		let sub = dir.path().join(name);
		std::fs::create_dir(&sub).unwrap();
		node_key_file(&sub)
	};
	// Two nodes: //Bob's rotates with a consent, //Charlie's with its owner's key.
	let (old_key, old_path) = key_in("old");
	let (other_key, other_path) = key_in("other");
	let config = |key: &NodeKey, uri: &str| {
		let mut config = RegistrationConfig::new(
			chain.endpoint.clone(),
			key.clone(),
			owner(uri),
			pallet_registration::NodeType::StorageMiner,
			dir.path().join("unused"),
		);
		config.block_number_width = Some(BlockNumberWidth::U64);
		config
	};
	let (bobs, charlies) = (config(&old_key, "//Bob"), config(&other_key, "//Charlie"));
	let (first, second) =
		tokio::join!(register_once(&client, &bobs), register_once(&client, &charlies));
	assert_eq!((first.class, second.class), (OutcomeClass::Registered, OutcomeClass::Registered));
	let bob = owner("//Bob");

	// //Bob's consent to the new key's PeerId, allowing the rotation, signed elsewhere.
	let (new_key, new_path) = key_in("new");
	let consent = dir.path().join("consent.json");
	let consent_arg = consent.to_str().unwrap();
	let new_arg = new_path.to_str().unwrap();
	let (code, made, stderr) = registrar_str(&[
		"consent",
		"--consent-file",
		consent_arg,
		"--endpoint",
		&chain.endpoint,
		"--owner",
		&bob.ss58(),
		"--node-key-file",
		new_arg,
		"--node-type",
		"storage-miner",
		"--max-fee",
		"0",
		"--lifetime",
		"100",
		"--may-rotate",
	])
	.await;
	assert_eq!(code, Some(0), "{stderr}");
	let payload = hex::decode(made["payload"].as_str().unwrap().trim_start_matches("0x")).unwrap();
	let pair = sp_core::sr25519::Pair::from_string("//Bob", None).unwrap();
	let wrapped = [&b"<Bytes>"[..], &payload, b"</Bytes>"].concat();
	let signature = format!("0x{}", hex::encode(pair.sign(&wrapped).0));
	let (code, attached, stderr) = registrar_str(&[
		"consent",
		"--consent-file",
		consent_arg,
		"--attach-signature",
		&signature,
		"--scheme",
		"sr25519",
	])
	.await;
	assert_eq!(code, Some(0), "{stderr}");
	assert_eq!(attached["signature"]["signed_message"], "wrapped");
	let (code, checked, stderr) =
		registrar_str(&["consent", "--consent-file", consent_arg, "--endpoint", &chain.endpoint])
			.await;
	assert_eq!(code, Some(0), "{stderr}");
	assert_eq!(checked["chain"]["status"], "Valid", "{checked}");

	// A submitter rotates //Bob's node.
	let ferdie = secret_file(dir.path(), "ferdie", "//Ferdie");
	let (old_arg, ferdie_arg) = (old_path.to_str().unwrap(), ferdie.to_str().unwrap());
	let (code, rotated, stderr) = registrar_str(&[
		"rotate",
		"--old-node-key-file",
		old_arg,
		"--new-node-key-file",
		new_arg,
		"--consent-file",
		consent_arg,
		"--submitter-secret-file",
		ferdie_arg,
		"--endpoint",
		&chain.endpoint,
	])
	.await;
	assert_eq!(code, Some(0), "{rotated} {stderr}");
	assert_eq!(rotated["rotated"], true);
	assert_eq!(rotated["old_peer_id"], old_key.peer_id_base58());
	assert_eq!(rotated["new_peer_id"], new_key.peer_id_base58());
	assert_eq!(rotated["signer"], owner("//Ferdie").ss58());
	let view = client.view(new_key.peer_id_base58().as_bytes(), &bob.account_id()).await.unwrap();
	assert_eq!(view.node.map(|n| n.owner), Some(bob.account_id()));
	assert_eq!(view.owner_node, Some(new_key.peer_id_base58()));
	let old_view = client.view(old_key.peer_id_base58().as_bytes(), &bob.account_id()).await;
	assert_eq!(old_view.unwrap().node, None);

	// At once, and independent of each other: the old PeerId is refused while it cools down
	// (before any transaction, whoever the owner); //Bob's node may not rotate again yet; and
	// //Charlie rotates its node with its own key.
	let (third_key, third_path) = key_in("third");
	let (next_key, next_path) = key_in("next");
	let bob_secret = secret_file(dir.path(), "bob", "//Bob");
	let charlie_secret = secret_file(dir.path(), "charlie", "//Charlie");
	let owner_rotate = |old: &Path, new: &Path, secret: &Path| {
		let args: Vec<String> = vec![
			"rotate".into(),
			"--old-node-key-file".into(),
			old.display().to_string(),
			"--new-node-key-file".into(),
			new.display().to_string(),
			"--owner-secret-file".into(),
			secret.display().to_string(),
			"--endpoint".into(),
			chain.endpoint.clone(),
		];
		registrar_str_owned(args)
	};
	let ((code, refused), (early_code, early, _), (code_ok, moved, stderr)) = tokio::join!(
		register_cli(&chain, &old_path, &ferdie, "storage-miner", &[]),
		owner_rotate(&new_path, &third_path, &bob_secret),
		owner_rotate(&other_path, &next_path, &charlie_secret),
	);
	assert_eq!(code, Some(5), "{refused}");
	assert_eq!(refused["submitted"], false);
	assert!(refused["detail"].as_str().unwrap().contains("cooling down"), "{refused}");
	assert_eq!(early_code, Some(5), "{early}");
	assert_eq!(early["submitted"], false);
	assert!(early["detail"].as_str().unwrap().contains("rotated its key recently"), "{early}");
	assert_eq!(code_ok, Some(0), "{moved} {stderr}");
	assert_eq!(moved["new_peer_id"], next_key.peer_id_base58());
	assert_eq!(moved["signer"], owner("//Charlie").ss58());
	let view = client.view(third_key.peer_id_base58().as_bytes(), &bob.account_id()).await;
	assert_eq!(view.unwrap().node, None);
}

/// `registrar_str` of owned arguments.
async fn registrar_str_owned(args: Vec<String>) -> (Option<i32>, serde_json::Value, String) {
	let args: Vec<&str> = args.iter().map(String::as_str).collect();
	registrar_str(&args).await
}

/// The next nonce of `account` (`system_accountNextIndex`): how many transactions it signed.
async fn account_nonce(chain: &Chain, account: &OwnerKey) -> u64 {
	let rpc = subxt::rpcs::RpcClient::from_insecure_url(&chain.endpoint).await.unwrap();
	rpc.request("system_accountNextIndex", subxt::rpcs::rpc_params![account.ss58()]).await.unwrap()
}

/// The node's view (registry entry, record, liveness) at the finalized block.
async fn node_view(client: &ChainClient, node_id: &str) -> NodeView {
	client.node_view(node_id.as_bytes()).await.unwrap().expect("the node is registered")
}

/// Discovery: `run` with addresses and capabilities registers the node, publishes its record
/// (fee-less; its signature checks out against the chain's genesis hash) and sends a fee-less
/// heartbeat in every period as blocks come. Stopped, the node goes silent and the chain marks
/// it offline after `OfflineAfterPeriods` periods; restarted with one more capability, the
/// registrar publishes the changed record (a higher seq) and brings the node back online at
/// once. `registrar nodes --capability` lists it with a verified signature.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn run_publishes_the_record_heartbeats_and_brings_an_offline_node_back() {
	require_chain!();
	let chain = Chain::start().await;
	let client = chain.client().await;
	let dir = tempfile::tempdir().unwrap();
	let (key, key_path) = node_key_file(dir.path());
	let node_id = key.peer_id_base58();
	let charlie = secret_file(dir.path(), "charlie", "//Charlie");
	let state_dir = dir.path().join("state");
	let p2p = format!("/ip4/127.0.0.1/tcp/30333/p2p/{node_id}");
	let wss = "/dns4/node.example.com/tcp/443/wss";
	let announce = [
		"--address",
		&p2p,
		"--address",
		wss,
		"--capability",
		"e2e/discovery",
		"--capability",
		"gpu",
		"--version",
		"e2e 1.0",
	];
	let run =
		RunningRegistrar::spawn(&chain, &key_path, &charlie, &state_dir, "gpu-miner", &announce);
	run.wait_ready(Duration::from_secs(90)).await;
	let params = client.discovery_params().await.unwrap();
	assert_eq!(
		(params.heartbeat_period, params.offline_after_periods),
		(10, 2),
		"the dev runtime's"
	);
	let period_len = params.heartbeat_period;
	let genesis_hash = client.context().await.unwrap().genesis_hash;

	// The record: published once registered, signed by the node key.
	wait_until(Duration::from_secs(60), "the record to be published", || async {
		node_view(&client, &node_id).await.record.is_some()
	})
	.await;
	let view = node_view(&client, &node_id).await;
	verify_record(&view, genesis_hash, BlockNumberWidth::U64).unwrap();
	let record = RecordText::from(&view.record.as_ref().unwrap().record);
	assert_eq!(record.seq, 1);
	assert_eq!(record.addresses, [p2p.clone(), wss.to_owned()]);
	assert_eq!(record.capabilities, ["e2e/discovery", "gpu"]);
	assert_eq!(record.version, "e2e 1.0");

	// Heartbeats: one in each period, at a block of the registrar's choosing, as blocks come
	// (chopsticks builds a block only when asked or when a transaction arrives).
	let mut periods = std::collections::BTreeSet::new();
	let deadline = Instant::now() + Duration::from_secs(120);
	while periods.len() < 3 {
		assert!(
			Instant::now() < deadline,
			"heartbeats in 3 periods, got {periods:?}: {}",
			run.log()
		);
		let liveness = node_view(&client, &node_id).await.liveness.unwrap();
		if liveness.heartbeat_sent {
			periods.insert(liveness.last_seen / period_len);
			assert_eq!(liveness.version, b"e2e 1.0");
		}
		chain.new_blocks(1).await;
		tokio::time::sleep(Duration::from_millis(400)).await;
	}
	let (_, metrics) = http_get(run.http, "/metrics").await.unwrap();
	assert!(metric(&metrics, "registrar_heartbeats_sent_total") >= 3, "{metrics}");
	assert_eq!(metric(&metrics, "registrar_records_published_total"), 1, "{metrics}");
	assert_eq!(metric(&metrics, "registrar_submissions_total"), 1, "{metrics}");
	let status = status_json(run.http).await;
	assert_eq!(status["discovery"]["record"], "published", "{status}");
	assert_eq!(status["discovery"]["record_seq"], 1, "{status}");
	assert_eq!(status["discovery"]["fee_less"], true, "{status}");
	assert_eq!(status["discovery"]["heartbeat_period"], 10, "{status}");
	assert!(status["discovery"]["last_heartbeat_period"].as_u64().is_some(), "{status}");
	// Fee-less: the owner signed its registration and nothing else.
	assert_eq!(account_nonce(&chain, &owner("//Charlie")).await, 1);
	let log = run.terminate().await;
	eprintln!("---- registrar run log (first run) ----\n{log}---- end ----");
	assert!(log.contains("published the node's record"), "{log}");
	assert!(log.contains("heartbeat sent"), "{log}");

	// Silent: the sweep marks the node offline once it missed more than OfflineAfterPeriods
	// periods.
	let last_seen = node_view(&client, &node_id).await.liveness.unwrap().last_seen;
	let silent_from =
		(last_seen / period_len + u64::from(params.offline_after_periods) + 1) * period_len;
	let best = client.best_block_number().await.unwrap();
	chain.new_blocks((silent_from + 1).saturating_sub(best) as u32).await;
	let view = node_view(&client, &node_id).await;
	assert_eq!(view.info.status, pallet_registration::Status::Offline, "{view:?}");
	assert!(view.liveness.as_ref().unwrap().silent);
	let (code, offline, stderr) =
		registrar_str(&["nodes", "--status", "offline", "--json", "--endpoint", &chain.endpoint])
			.await;
	assert_eq!(code, Some(0), "{stderr}");
	assert_eq!(offline["nodes"][0]["node_id"], node_id.as_str(), "{offline}");
	assert_eq!(offline["nodes"][0]["liveness"]["state"], "offline", "{offline}");

	// Restarted with one more capability: the changed record is published with a higher seq,
	// and a heartbeat at once brings the node back online.
	let more = [&announce[..], &["--capability", "extra"]].concat();
	let run = RunningRegistrar::spawn(&chain, &key_path, &charlie, &state_dir, "gpu-miner", &more);
	run.wait_ready(Duration::from_secs(90)).await;
	wait_until(Duration::from_secs(60), "the node to be back online", || async {
		node_view(&client, &node_id).await.info.status == pallet_registration::Status::Online
	})
	.await;
	wait_until(Duration::from_secs(60), "the changed record", || async {
		let view = node_view(&client, &node_id).await;
		view.record.is_some_and(|r| r.record.seq == 2)
	})
	.await;
	let view = node_view(&client, &node_id).await;
	verify_record(&view, genesis_hash, BlockNumberWidth::U64).unwrap();
	let record = RecordText::from(&view.record.as_ref().unwrap().record);
	assert_eq!(record.capabilities, ["e2e/discovery", "gpu", "extra"]);
	let liveness = view.liveness.unwrap();
	assert!(liveness.heartbeat_sent && !liveness.silent);

	// Anyone can list it by capability, and check its record's signature.
	let (code, listed, stderr) = registrar_str(&[
		"nodes",
		"--capability",
		"e2e/discovery",
		"--json",
		"--page-size",
		"1",
		"--endpoint",
		&chain.endpoint,
	])
	.await;
	assert_eq!(code, Some(0), "{stderr}");
	let nodes = listed["nodes"].as_array().unwrap();
	assert_eq!(nodes.len(), 1, "{listed}");
	let node = &nodes[0];
	assert_eq!(node["node_id"], node_id.as_str());
	assert_eq!(node["node_type"], "GpuMiner");
	assert_eq!(node["status"], "Online");
	assert_eq!(node["owner"], owner("//Charlie").ss58());
	assert_eq!(node["record"]["signature_verified"], true, "{listed}");
	assert_eq!(node["record"]["seq"], 2);
	assert_eq!(node["record"]["addresses"][0], p2p.as_str());
	assert_eq!(node["record"]["capabilities"][2], "extra");
	assert_eq!(node["liveness"]["state"], "online");
	assert_eq!(listed["unverified_records"], 0);
	let text = registrar()
		.args(["nodes", "--capability", "gpu", "--endpoint", &chain.endpoint])
		.output()
		.await
		.unwrap();
	assert!(text.status.success());
	let text = String::from_utf8_lossy(&text.stdout);
	assert!(text.contains(&node_id) && text.contains("signature verified"), "{text}");
	assert!(text.contains(&format!("address:      {p2p}")), "{text}");
	let (code, none, _) = registrar_str(&[
		"nodes",
		"--capability",
		"nobody",
		"--json",
		"--endpoint",
		&chain.endpoint,
	])
	.await;
	assert_eq!((code, none["nodes"].as_array().map(Vec::len)), (Some(0), Some(0)));

	let (_, metrics) = http_get(run.http, "/metrics").await.unwrap();
	assert_eq!(metric(&metrics, "registrar_node_online"), 1, "{metrics}");
	assert!(metric(&metrics, "registrar_heartbeats_sent_total") >= 1, "{metrics}");
	assert_eq!(metric(&metrics, "registrar_records_published_total"), 1, "{metrics}");
	assert_eq!(account_nonce(&chain, &owner("//Charlie")).await, 1);
	let log = run.terminate().await;
	eprintln!("---- registrar run log (restart) ----\n{log}---- end ----");
	assert!(log.contains("the node was silent or offline"), "{log}");
	let state: serde_json::Value =
		serde_json::from_str(&std::fs::read_to_string(state_dir.join("state.json")).unwrap())
			.unwrap();
	assert_eq!(state["record_seq"], 2);
	assert!(state["last_heartbeat_period"].as_u64().is_some(), "{state}");
}

/// `--signed-discovery`: the record and heartbeats are signed by the owner's key (its nonce
/// counts them) instead of being fee-less; `--no-record` publishes none.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signed_discovery_is_signed_by_the_owner_and_no_record_publishes_none() {
	require_chain!();
	let chain = Chain::start().await;
	let client = chain.client().await;
	let dir = tempfile::tempdir().unwrap();
	let (key, key_path) = node_key_file(dir.path());
	let node_id = key.peer_id_base58();
	let ferdie = secret_file(dir.path(), "ferdie", "//Ferdie");
	let state_dir = dir.path().join("state");
	let extra = ["--signed-discovery", "--capability", "signed", "--version", "signed 1"];
	let run = RunningRegistrar::spawn(&chain, &key_path, &ferdie, &state_dir, "storage-s3", &extra);
	run.wait_ready(Duration::from_secs(90)).await;
	wait_until(Duration::from_secs(60), "the record and a heartbeat", || async {
		let view = node_view(&client, &node_id).await;
		view.record.is_some() && view.liveness.is_some_and(|l| l.heartbeat_sent)
	})
	.await;
	// The registration, the record and the heartbeat: three transactions of the owner's.
	assert_eq!(account_nonce(&chain, &owner("//Ferdie")).await, 3);
	let status = status_json(run.http).await;
	assert_eq!(status["discovery"]["fee_less"], false, "{status}");
	run.terminate().await;

	// Another node with no record: heartbeats only.
	let second = dir.path().join("second");
	std::fs::create_dir_all(&second).unwrap();
	let (key, key_path) = node_key_file(&second);
	let eve = secret_file(dir.path(), "eve", "//Eve");
	let state_dir = dir.path().join("state-second");
	let run = RunningRegistrar::spawn(
		&chain,
		&key_path,
		&eve,
		&state_dir,
		"storage-s3",
		&["--no-record"],
	);
	run.wait_ready(Duration::from_secs(90)).await;
	let node_id = key.peer_id_base58();
	let deadline = Instant::now() + Duration::from_secs(60);
	while !node_view(&client, &node_id).await.liveness.unwrap().heartbeat_sent {
		assert!(Instant::now() < deadline, "no heartbeat: {}", run.log());
		chain.new_blocks(1).await;
		tokio::time::sleep(Duration::from_millis(400)).await;
	}
	assert_eq!(node_view(&client, &node_id).await.record, None);
	assert_eq!(account_nonce(&chain, &owner("//Eve")).await, 1);
	let status = status_json(run.http).await;
	assert_eq!(status["discovery"]["record"], "disabled", "{status}");
	run.terminate().await;
}
