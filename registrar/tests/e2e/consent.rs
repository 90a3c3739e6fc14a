//! Registering with the owner's consent: the owner's key stays off the node host.

use crate::common::*;
use registrar::chain::ChainClient;
use std::{
	net::SocketAddr,
	path::{Path, PathBuf},
	process::Stdio,
	time::Duration,
};

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
		// Compute miners hold a bond on the dev chain.
		"--max-deposit",
		&(10 * UNIT).to_string(),
		"--lifetime",
		"1000",
	])
	.await;
	assert_eq!(code, Some(0), "{stderr}");
	assert_eq!(made["action"], "created");
	assert_eq!(made["signed"], false);
	assert!(made["to_sign"]["registrar"].is_string(), "{made}");
	let sign = [
		"consent".as_ref(),
		"--consent-file".as_ref(),
		consent_path.as_os_str(),
		"--owner-secret-file".as_ref(),
		owner_secret.as_os_str(),
	];
	// Without a terminal to agree at, and without --yes: refused, nothing signed.
	let (code, _, stderr) = registrar_json(&sign).await;
	assert_eq!(code, Some(2), "{stderr}");
	assert!(stderr.contains("give --yes"), "{stderr}");
	let unsigned = registrar::consent::SignedConsent::load(&consent_path).unwrap();
	assert!(unsigned.signature().is_none());
	// With --yes: the terms on stderr, then signed.
	let (code, signed, stderr) = registrar_json(&[&sign[..], &["--yes".as_ref()]].concat()).await;
	assert_eq!(code, Some(0), "{stderr}");
	let shown = stderr.split_whitespace().collect::<Vec<_>>().join(" ");
	assert!(shown.contains(&format!("node (PeerId): {peer}")), "{stderr}");
	// (Offline, amounts in base units.)
	let deposit = format!("max deposit: {} base units", 10 * UNIT);
	assert!(shown.contains(&deposit), "{stderr}");
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

	// The owner paid the two registration fees and holds the second registration's bond (the
	// dev chain bonds compute miners with 10 UNIT; the first bond was released after the
	// cooldown), and nothing else; the submitter only the transaction fees (about a hundredth
	// of a unit each).
	let bond = 10 * UNIT;
	let owner_paid = owner_before - free_balance(&client, &cold.account_id()).await;
	let submitter_paid = submitter_before - free_balance(&client, &hot.account_id()).await;
	assert_eq!(owner_paid, first_fee + second_fee + bond, "fees {first_fee} and {second_fee}");
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

/// What a newcomer meets with a consent: `--max-fee` in the chain's currency, a warning when it
/// is below the fee now, the refusal of a fee above it in UNIT with what to do, the call data
/// that revokes it from polkadot.js apps (checked by submitting it), and the exit codes of the
/// README: `consent --endpoint` non-zero for a consent that cannot be used, 6 for a consent for
/// another node.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_consent_in_unit_warns_refuses_revokes_and_exits_as_documented() {
	require_chain!();
	let chain = Chain::start().await;
	let client = chain.client().await;
	let dir = tempfile::tempdir().unwrap();
	let (key, key_path) = node_key_file(dir.path());
	let eve = owner("//Eve");
	let eve_secret = secret_file(dir.path(), "eve", "//Eve");
	let submitter = secret_file(dir.path(), "ferdie", "//Ferdie");
	let consent_path = dir.path().join("consent.json");
	let consent = consent_path.to_str().unwrap();

	// Made and signed in one step, half a UNIT: below the dev chain's first fee (1 UNIT).
	let (code, made, stderr) = registrar_str(&[
		"consent",
		"--consent-file",
		consent,
		"--endpoint",
		&chain.endpoint,
		"--owner-secret-file",
		eve_secret.to_str().unwrap(),
		"--peer-id",
		&key.peer_id_base58(),
		"--node-type",
		"storage-miner",
		"--max-fee",
		"0.5UNIT",
		"--lifetime",
		"1000",
		"--yes",
	])
	.await;
	assert_eq!(code, Some(0), "{stderr}");
	assert_eq!(made["consent"]["max_fee"], (UNIT / 2).to_string(), "{made}");
	assert_eq!(made["chain"]["max_fee"], "0.5 UNIT", "{made}");
	assert_eq!(made["chain"]["max_fee_below_current_fee"], true, "{made}");
	assert!(
		stderr.contains("max_fee of 0.5 UNIT is below the current registration fee of 1 UNIT"),
		"{stderr}"
	);

	// Registering with it waits for the fee to fall, and says so in UNIT, with what to do.
	let (code, outcome, stderr) = registrar_str(&[
		"register",
		"--endpoint",
		&chain.endpoint,
		"--node-key-file",
		key_path.to_str().unwrap(),
		"--consent-file",
		consent,
		"--submitter-secret-file",
		submitter.to_str().unwrap(),
	])
	.await;
	assert_eq!(code, Some(5), "slow retry: {outcome} {stderr}");
	let detail = outcome["detail"].as_str().unwrap();
	assert!(detail.contains("fee is 1 UNIT, above the consent's max_fee of 0.5 UNIT"), "{detail}");
	assert!(detail.contains("higher --max-fee"), "{detail}");

	// A consent for another node: refused every time, exit 6, before any transaction.
	let other = tempfile::tempdir().unwrap();
	let (_, other_key) = node_key_file(other.path());
	let (code, _, stderr) = registrar_str(&[
		"register",
		"--endpoint",
		&chain.endpoint,
		"--node-key-file",
		other_key.to_str().unwrap(),
		"--consent-file",
		consent,
		"--submitter-secret-file",
		submitter.to_str().unwrap(),
	])
	.await;
	assert_eq!(code, Some(6), "{stderr}");

	// The chain checks it: usable, exit 0.
	let check = ["consent", "--consent-file", consent, "--endpoint", &chain.endpoint];
	let (code, checked, stderr) = registrar_str(&check).await;
	assert_eq!(code, Some(0), "{stderr}");
	assert_eq!(checked["chain"]["status"], "Valid");

	// Revoked with the call data printed for polkadot.js apps: the pallet's index, call 20
	// (revoke_consent), then the consent, as the chain decodes its arguments.
	let call_data = made["revoke"]["callData"].as_str().unwrap();
	let call_data = hex::decode(call_data.trim_start_matches("0x")).unwrap();
	assert_eq!(call_data[..2], [7, 20]);
	let context = client.context().await.unwrap();
	let prepared =
		client.prepare_call("revoke_consent", &call_data[2..], &eve, 32, &context).await.unwrap();
	let included = client.submit_prepared(prepared).await.unwrap();
	assert!(included.block_number > 0);

	// Now it cannot be used: `consent --endpoint` says so and exits 6.
	let (code, checked, stderr) = registrar_str(&check).await;
	assert_eq!(code, Some(6), "{checked} {stderr}");
	assert_eq!(checked["chain"]["status"], "Revoked");
	assert_eq!(checked["chain"]["usable"], false);
}

/// A fleet's consents in one step, online: one file per PeerId of the list, all signed, with
/// one `valid_until` and nonces of their own; the chain finds each valid, and two node hosts
/// each register their node with their own file, the second beside the first.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fleets_consents_are_made_online_in_one_step_and_each_registers_its_node() {
	require_chain!();
	let chain = Chain::start().await;
	let owner_machine = tempfile::tempdir().unwrap();
	let owner_secret = secret_file(owner_machine.path(), "owner", "//Charlie");
	let seeds: Vec<[u8; 32]> = (0..3).map(|_| rand::random()).collect();
	let keys: Vec<_> = seeds.iter().map(registrar::keys::NodeKey::from_seed).collect();
	let list = owner_machine.path().join("fleet.txt");
	let lines: Vec<_> = keys
		.iter()
		.enumerate()
		.map(|(i, k)| format!("{}  # node {i}", k.peer_id_base58()))
		.collect();
	std::fs::write(&list, format!("# the fleet\n{}\n", lines.join("\n"))).unwrap();
	let out = owner_machine.path().join("consents");
	let (code, made, stderr) = registrar_str(&[
		"consent",
		"--peer-id-file",
		list.to_str().unwrap(),
		"--consent-dir",
		out.to_str().unwrap(),
		"--endpoint",
		&chain.endpoint,
		"--owner-secret-file",
		owner_secret.to_str().unwrap(),
		"--node-type",
		"compute-miner",
		"--max-fee",
		&(5 * UNIT).to_string(),
		"--max-deposit",
		&(10 * UNIT).to_string(),
		"--lifetime",
		"1000",
		"--yes",
	])
	.await;
	assert_eq!(code, Some(0), "{stderr}");
	assert_eq!((made["count"].as_u64(), made["signed"].as_bool()), (Some(3), Some(true)), "{made}");
	assert!(made["chain"]["block_number"].is_u64(), "{made}");
	let valid_until = made["terms"]["valid_until"].as_u64().unwrap();
	let mut nonces = std::collections::BTreeSet::new();
	for key in &keys {
		let file = out.join(format!("{}.json", key.peer_id_base58()));
		let check =
			["consent", "--consent-file", file.to_str().unwrap(), "--endpoint", &chain.endpoint];
		let (code, checked, stderr) = registrar_str(&check).await;
		assert_eq!(code, Some(0), "{checked} {stderr}");
		assert_eq!(checked["chain"]["status"], "Valid", "{checked}");
		assert_eq!(checked["consent"]["valid_until"].as_u64(), Some(valid_until));
		assert!(nonces.insert(checked["consent"]["nonce"].to_string()), "{checked}");
	}

	// Two node hosts, each with its key, its own consent file and a submitter key of its own,
	// register their nodes one after the other: the owner's first node is no conflict for the
	// second (the dev runtime allows 16 per owner).
	let hosts = [(1, "//Dave"), (2, "//Ferdie")];
	for (registered_before, (node, submitter_uri)) in hosts.into_iter().enumerate() {
		let host = tempfile::tempdir().unwrap();
		let key_path = host.path().join("node-key");
		write_private(&key_path, hex::encode(seeds[node]));
		let consent = host.path().join("consent.json");
		std::fs::copy(out.join(format!("{}.json", keys[node].peer_id_base58())), &consent).unwrap();
		let submitter = secret_file(host.path(), "submitter", submitter_uri);
		let (code, outcome, stderr) = registrar_str(&[
			"register",
			"--endpoint",
			&chain.endpoint,
			"--node-key-file",
			key_path.to_str().unwrap(),
			"--consent-file",
			consent.to_str().unwrap(),
			"--submitter-secret-file",
			submitter.to_str().unwrap(),
		])
		.await;
		assert_eq!(code, Some(0), "node {node}: {outcome} {stderr}");
		assert_eq!(outcome["class"], "registered", "{outcome}");
		assert_eq!(outcome["submitted"], true, "{outcome}");
		assert_eq!(outcome["view"]["node"]["node_id"], keys[node].peer_id_base58().as_str());
		assert_eq!(outcome["view"]["node"]["owner"], owner("//Charlie").ss58().as_str());
		// The owner's main node stays the first one registered.
		assert_eq!(outcome["view"]["owner_node"], keys[1].peer_id_base58().as_str(), "{outcome}");
		assert_eq!(outcome["view"]["owner_node_count"], registered_before + 1, "{outcome}");
	}

	// The owner's fleet: both nodes, and not the third, whose host has not started.
	let (code, fleet, stderr) = registrar_str(&[
		"nodes",
		"--owner",
		&owner("//Charlie").ss58(),
		"--json",
		"--endpoint",
		&chain.endpoint,
	])
	.await;
	assert_eq!(code, Some(0), "{stderr}");
	assert_eq!(fleet["owner"]["node_count"], 2, "{fleet}");
	let mut listed: Vec<_> = fleet["nodes"]
		.as_array()
		.unwrap()
		.iter()
		.map(|node| node["node_id"].as_str().unwrap().to_owned())
		.collect();
	listed.sort();
	let mut expected = vec![keys[1].peer_id_base58(), keys[2].peer_id_base58()];
	expected.sort();
	assert_eq!(listed, expected, "{fleet}");
}
