//! The registrar against a lying endpoint (issue 30, item 9): a proxy on the loopback address
//! between the registrar and the dev chain ([`LyingProxy`]) rewrites chosen answers. Each case
//! checks the chain itself (read directly, not through the proxy) and `/status`.

use crate::common::{
	proxy::{Lies, LyingProxy},
	*,
};
use registrar::{chain::ChainClient, discovery::RecordText};
use std::{path::PathBuf, time::Duration};

fn hex0x(bytes: &[u8; 32]) -> String {
	format!("0x{}", hex::encode(bytes))
}

fn state_file(dir: &std::path::Path) -> serde_json::Value {
	let text = std::fs::read_to_string(dir.join("state.json")).unwrap();
	serde_json::from_str(&text).unwrap()
}

async fn wait_refused(run: &RunningRegistrar) -> serde_json::Value {
	wait_until(Duration::from_secs(60), "the genesis refusal", || async {
		let status = try_status_json(run.http).await;
		status["phase"] == "failed" && status["genesis"]["refused"].is_string()
	})
	.await;
	status_json(run.http).await
}

/// What every case starts from: the dev chain, the lying proxy in front of it, a client that
/// reads the chain directly, and in a directory of their own a node key, the owner's secret and
/// the registrar's state directory.
struct Scene {
	chain: Chain,
	proxy: LyingProxy,
	client: ChainClient,
	dir: tempfile::TempDir,
	key_path: PathBuf,
	node_id: String,
	owner: PathBuf,
	state_dir: PathBuf,
}

impl Scene {
	/// The scene with `//{owner}` as the owner (`Charlie`, `Dave`).
	async fn start(owner: &str) -> Self {
		let chain = Chain::start().await;
		let proxy = LyingProxy::start(&chain.endpoint).await;
		let client = chain.client().await;
		let dir = tempfile::tempdir().unwrap();
		let (key, key_path) = node_key_file(dir.path());
		let owner = secret_file(dir.path(), &owner.to_lowercase(), &format!("//{owner}"));
		let state_dir = dir.path().join("state");
		Scene {
			chain,
			proxy,
			client,
			node_id: key.peer_id_base58(),
			dir,
			key_path,
			owner,
			state_dir,
		}
	}
}

/// Another genesis hash: refused at once, whether the pin comes from the state file (trust on
/// first use) or from `--genesis-hash`; nothing is signed by the node key or the owner.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_genesis_is_refused_and_nothing_is_signed() {
	require_chain!();
	let Scene { chain, proxy, client, dir: _dir, key_path, node_id, owner: charlie, state_dir } =
		Scene::start("Charlie").await;
	let genesis = hex0x(&client.genesis_hash());

	// Honest at first, with nothing configured: the endpoint's genesis is pinned on first use.
	let quiet = ["--no-record", "--no-heartbeat"];
	let run = RunningRegistrar::spawn_at(
		&proxy.endpoint,
		&key_path,
		&charlie,
		&state_dir,
		"storage-miner",
		&quiet,
	);
	run.wait_ready(Duration::from_secs(90)).await;
	let status = status_json(run.http).await;
	assert_eq!(status["genesis"]["pinned"], genesis.as_str(), "{status}");
	assert_eq!(status["genesis"]["source"], "first_use", "{status}");
	let log = run.terminate().await;
	assert!(log.contains("pinned the endpoint's on first use"), "{log}");
	assert_eq!(state_file(&state_dir)["genesis_hash"], genesis.as_str());
	let nonce = account_nonce(&chain, &owner("//Charlie")).await;
	assert_eq!(nonce, 1);

	// Then the endpoint names another chain: refused; the registered node publishes no record
	// and sends no heartbeat (the node key signs nothing), the owner signs nothing.
	let lie = hex0x(&[0x66; 32]);
	proxy.lie(|lies| lies.genesis = Some(lie.clone()));
	let run = RunningRegistrar::spawn_at(
		&proxy.endpoint,
		&key_path,
		&charlie,
		&state_dir,
		"storage-miner",
		&[],
	);
	let status = wait_refused(&run).await;
	let refused = status["genesis"]["refused"].as_str().unwrap();
	assert!(refused.contains(&lie) && refused.contains(&genesis), "{refused}");
	assert!(
		refused.contains("the state file") && refused.contains("nothing is signed"),
		"{refused}"
	);
	assert!(matches!(http_get(run.http, "/readyz").await, Some((503, _))));
	tokio::time::sleep(Duration::from_secs(3)).await;
	chain.new_blocks(2).await;
	assert_eq!(account_nonce(&chain, &owner("//Charlie")).await, nonce);
	let view = node_view(&client, &node_id).await;
	assert!(view.record.is_none(), "a record was signed: {view:?}");
	assert!(!view.liveness.is_some_and(|l| l.heartbeat_sent), "a heartbeat was signed");
	let log = run.terminate().await;
	assert!(log.contains("refusing the endpoint's chain"), "{log}");
	assert_eq!(state_file(&state_dir)["genesis_hash"], genesis.as_str());

	// A fresh node pinned by --genesis-hash: refused the same way, and nothing reaches the
	// chain.
	let fresh = tempfile::tempdir().unwrap();
	let (other_key, other_key_path) = node_key_file(fresh.path());
	let dave = secret_file(fresh.path(), "dave", "//Dave");
	let run = RunningRegistrar::spawn_at(
		&proxy.endpoint,
		&other_key_path,
		&dave,
		&fresh.path().join("state"),
		"storage-miner",
		&["--genesis-hash", &genesis],
	);
	let status = wait_refused(&run).await;
	let refused = status["genesis"]["refused"].as_str().unwrap();
	assert!(refused.contains("--genesis-hash"), "{refused}");
	tokio::time::sleep(Duration::from_secs(3)).await;
	let dave_account = owner("//Dave").account_id();
	let view = client.view(other_key.peer_id_base58().as_bytes(), &dave_account).await.unwrap();
	assert!(view.node.is_none(), "{view:?}");
	assert_eq!(account_nonce(&chain, &owner("//Dave")).await, 0);
	run.terminate().await;
}

/// A record sequence number at the end of the range: not believed (nothing signed, `/status`
/// says `seq_ahead`), and once the endpoint tells the truth the registrar's next record lands.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_huge_record_seq_leaves_the_record_publishable() {
	require_chain!();
	let Scene { chain, proxy, client, dir: _dir, key_path, node_id, owner: charlie, state_dir } =
		Scene::start("Charlie").await;
	let version = |v: &'static str| ["--version", v, "--no-heartbeat"];

	let run = RunningRegistrar::spawn_at(
		&proxy.endpoint,
		&key_path,
		&charlie,
		&state_dir,
		"storage-miner",
		&version("e2e 1.0"),
	);
	run.wait_ready(Duration::from_secs(90)).await;
	wait_until(Duration::from_secs(60), "the record", || async {
		node_view(&client, &node_id).await.record.is_some()
	})
	.await;
	let seq = node_view(&client, &node_id).await.record.unwrap().record.seq;
	run.terminate().await;

	// The endpoint says the chain's record is at u64::MAX - 1; the registrar has a new record.
	proxy.lie(|lies| lies.seq = Some((seq, u64::MAX - 1)));
	let run = RunningRegistrar::spawn_at(
		&proxy.endpoint,
		&key_path,
		&charlie,
		&state_dir,
		"storage-miner",
		&version("e2e 1.1"),
	);
	run.wait_ready(Duration::from_secs(90)).await;
	// One record per liveness period: the next period first (the dev runtime's is 10 blocks).
	chain.new_blocks(11).await;
	wait_until(Duration::from_secs(60), "seq_ahead in /status", || async {
		status_json(run.http).await["discovery"]["record"] == "seq_ahead"
	})
	.await;
	let status = status_json(run.http).await;
	assert!(status["discovery"]["record_error"].is_string(), "{status}");
	chain.new_blocks(1).await;
	assert_eq!(node_view(&client, &node_id).await.record.unwrap().record.seq, seq);
	let saved = state_file(&state_dir)["record_seq"].as_u64().unwrap();
	assert!(saved < u64::MAX / 2, "the lie reached the state file: {saved}");

	// The truth again: the next look publishes the new record, above the old one.
	proxy.lie(|lies| *lies = Lies::default());
	wait_until(Duration::from_secs(90), "the new record on chain", || async {
		let record = RecordText::from(&node_view(&client, &node_id).await.record.unwrap().record);
		record.seq > seq && record.version == "e2e 1.1"
	})
	.await;
	wait_until(Duration::from_secs(30), "published in /status", || async {
		status_json(run.http).await["discovery"]["record"] == "published"
	})
	.await;
	let record_seq = node_view(&client, &node_id).await.record.unwrap().record.seq;
	assert!(record_seq < u64::MAX / 2, "{record_seq}");
	run.terminate().await;
}

/// A registration included but never confirmed (the endpoint hides it from every read): the
/// registrar submits no more than its budget allows, then stops paying and says so.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unconfirmed_registration_spends_within_the_budget() {
	require_chain!();
	let Scene { chain, proxy, client, dir: _dir, key_path, node_id, owner: dave, state_dir } =
		Scene::start("Dave").await;
	let dave_account = owner("//Dave").account_id();
	let before = free_balance(&client, &dave_account).await;
	// Every read of this node answers as before its registration.
	proxy.lie(|lies| lies.freeze = Some(hex::encode(node_id.as_bytes())));
	const UNIT: u128 = 1_000_000_000_000_000_000;
	let budget = UNIT + UNIT / 2;
	let run = RunningRegistrar::spawn_at(
		&proxy.endpoint,
		&key_path,
		&dave,
		&state_dir,
		"storage-miner",
		&["--daily-budget", "1.5UNIT", "--no-record", "--no-heartbeat"],
	);
	wait_until(Duration::from_secs(120), "the over_budget phase", || async {
		try_status_json(run.http).await["phase"] == "over_budget"
	})
	.await;
	let status = status_json(run.http).await;
	let spending = &status["spending"];
	assert_eq!(spending["over_budget"], true, "{status}");
	assert_eq!(spending["budget"].as_u64().map(u128::from), Some(budget), "{status}");
	let spent = spending["spent_in_window"].as_u64().map(u128::from).unwrap();
	assert!(spent > UNIT && spent <= budget, "{status}");
	assert!(spending["frees_in_secs"].as_u64().is_some(), "{status}");
	assert!(status["last_error"].as_str().unwrap().contains("daily budget"), "{status}");
	let (_, metrics) = http_get(run.http, "/metrics").await.unwrap();
	assert_eq!(metric(&metrics, "registrar_over_budget"), 1, "{metrics}");
	// Some time later: still nothing more paid.
	tokio::time::sleep(Duration::from_secs(5)).await;
	assert_eq!(account_nonce(&chain, &owner("//Dave")).await, 1);
	let paid = before - free_balance(&client, &dave_account).await;
	assert!(paid <= budget && paid == spent, "paid {paid}, counted {spent}, budget {budget}");
	// The truth: the chain holds the registration the endpoint hid.
	let view = client.view(node_id.as_bytes(), &dave_account).await.unwrap();
	assert!(view.node.is_some(), "{view:?}");
	let log = run.terminate().await;
	assert!(log.contains("but not confirmed"), "{log}");
	assert!(log.contains("over the daily budget"), "{log}");
}

/// A "degraded" answer the chain does not confirm: `--recover-degraded` does not act on it
/// (the owner signs no removal), and the registrar goes back to registered.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unconfirmed_degraded_answer_is_not_acted_on() {
	require_chain!();
	let Scene { chain, proxy, client, dir: _dir, key_path, node_id, owner: charlie, state_dir } =
		Scene::start("Charlie").await;
	let charlie_account = owner("//Charlie").account_id();
	let quiet = ["--no-record", "--no-heartbeat"];

	// A real degradation, whose answers the proxy records.
	let run = RunningRegistrar::spawn_at(
		&proxy.endpoint,
		&key_path,
		&charlie,
		&state_dir,
		"storage-miner",
		&quiet,
	);
	run.wait_ready(Duration::from_secs(90)).await;
	chain.sudo_force_unregister(node_id.as_bytes(), &owner("//Alice")).await;
	wait_until(Duration::from_secs(30), "the degraded phase", || async {
		status_json(run.http).await["phase"] == "degraded"
	})
	.await;
	run.terminate().await;
	// Healed behind the endpoint's back: removed, and registered again by root (online).
	chain.sudo_force_unregister(node_id.as_bytes(), &owner("//Alice")).await;
	chain
		.sudo_force_register(
			&charlie_account,
			"StorageMiner",
			node_id.as_bytes(),
			&owner("//Alice"),
		)
		.await;
	let view = client.view(node_id.as_bytes(), &charlie_account).await.unwrap();
	assert_eq!(view.node.unwrap().status, pallet_registration::Status::Online);
	let nonce = account_nonce(&chain, &owner("//Charlie")).await;

	// The endpoint answers the recorded "degraded" until the registrar believes it once, then
	// the truth: the second read does not confirm it.
	proxy.lie(|lies| lies.replay = Some(hex::encode(node_id.as_bytes())));
	let recover = [&quiet[..], &["--recover-degraded"]].concat();
	let run = RunningRegistrar::spawn_at(
		&proxy.endpoint,
		&key_path,
		&charlie,
		&state_dir,
		"storage-miner",
		&recover,
	);
	wait_until(Duration::from_secs(60), "the lie to be believed once", || async {
		try_status_json(run.http).await["phase"] == "degraded"
	})
	.await;
	proxy.lie(|lies| *lies = Lies::default());
	run.wait_ready(Duration::from_secs(60)).await;
	let status = status_json(run.http).await;
	assert_eq!(status["registered"], true, "{status}");
	assert_eq!(account_nonce(&chain, &owner("//Charlie")).await, nonce, "a removal was signed");
	let view = client.view(node_id.as_bytes(), &charlie_account).await.unwrap();
	assert_eq!(view.node.unwrap().status, pallet_registration::Status::Online);
	let log = run.terminate().await;
	assert!(log.contains("the degraded status is not confirmed"), "{log}");
	assert!(!log.contains("recovering the degraded node"), "{log}");
}
