//! Registering with the owner's key: one attempt through the CLI (`register`, `status`, `sign`),
//! the service's loop (`run`: park, re-arm, the state directory's lock, degraded and swapped
//! nodes, reconnection), the refusals found before paying, the endpoint's credentials, and the
//! dev runtime's metadata against what the registrar reads by name.

use crate::common::*;
use registrar::{
	facts::{BlockNumberWidth, RegistryEvent},
	keys::NodeKey,
	outcome::OutcomeClass,
	register_once, RegistrationConfig,
};
use std::{net::SocketAddr, path::PathBuf, process::Stdio, time::Duration};

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
	// Printed in the call's order, as polkadot.js apps' form asks for them.
	let text = String::from_utf8_lossy(&sign.stdout);
	let at = |key: &str| text.find(&format!("\"{key}\"")).unwrap();
	let order = ["nodeType", "nodeId", "payInCredits", "owner", "mainKeyType", "mainPublicKey"];
	let order = [&order[..], &["mainSig", "challengeBytes", "nodeIdHex"]].concat();
	assert!(order.windows(2).all(|pair| at(pair[0]) < at(pair[1])), "{text}");
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

	// Parked: blocks come and go, nothing more is submitted. (Waited for rather than slept on:
	// on a loaded machine the first storage check may come later than its 2 s interval.)
	chain.new_blocks(3).await;
	tokio::time::sleep(Duration::from_secs(3)).await;
	wait_until(Duration::from_secs(60), "a storage check while parked", || async {
		let (_, metrics) = http_get(run.http, "/metrics").await.unwrap_or_default();
		metric(&metrics, "registrar_storage_checks_total") >= 1
	})
	.await;
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

	// //One's other nodes: with one node per owner, another node of //One conflicts; with
	// fleets (the dev runtime allows 16), it registers beside the first until //One has as many
	// as it may, and then the next one conflicts, naming the limit.
	let limit = chain.max_nodes_per_owner().await;
	let another = |config: &RegistrationConfig| {
		let mut another = config.clone();
		another.node_key = NodeKey::from_seed(&rand::random());
		another
	};
	if limit > 1 {
		let second = register_once(&client, &another(&config)).await;
		assert_eq!(second.class, OutcomeClass::Registered, "{}", second.detail);
		for _ in 2..limit {
			let node = NodeKey::from_seed(&rand::random()).peer_id_base58();
			let alice = owner("//Alice");
			chain
				.sudo_force_register(
					&owner("//One").account_id(),
					"ComputeMiner",
					node.as_bytes(),
					&alice,
				)
				.await;
		}
	}
	let outcome = register_once(&client, &another(&config)).await;
	assert_eq!(outcome.class, OutcomeClass::Conflict, "{}", outcome.detail);
	assert!(!outcome.submitted, "{}", outcome.detail);
	if limit > 1 {
		let expected = format!("already has {limit} nodes");
		assert!(outcome.detail.contains(&expected), "{}", outcome.detail);
		assert!(outcome.detail.contains("MaxNodesPerOwner"), "{}", outcome.detail);
		assert!(outcome.detail.contains("unregister_node"), "{}", outcome.detail);
	} else {
		assert!(outcome.detail.contains("already has another node"), "{}", outcome.detail);
	}

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
		"nodes_of_owner",
		"owner_node_count",
	];
	for function in functions {
		assert!(pallet.view_function_by_name(function).is_some(), "no view function {function}");
	}
	for call in ["publish_node_record", "heartbeat", "unregister_main_node", "unregister_node"] {
		assert!(pallet.call_variant_by_name(call).is_some(), "no call {call}");
	}
	// What a fleet's registrar reads, and would do without (one node per owner) if renamed.
	assert!(pallet.constant_by_name("MaxNodesPerOwner").is_some(), "no MaxNodesPerOwner");
	let storage = pallet.storage().expect("the pallet's storage");
	for entry in ["OwnerLastDeregisteredAt", "OwnerPlacesCooling"] {
		assert!(storage.entry_by_name(entry).is_some(), "no storage {entry}");
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
