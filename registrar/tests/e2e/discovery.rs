//! Announcing a registered node: its record and heartbeats, fee-less or signed, and
//! `registrar nodes` (by capability, by status, an owner's fleet).

use crate::common::*;
use registrar::{
	discovery::{verify_record, RecordText},
	facts::BlockNumberWidth,
};
use std::time::{Duration, Instant};

/// Discovery: `run` with addresses and capabilities registers the node, publishes its record
/// (fee-less; its signature checks out against the chain's genesis hash) and sends a fee-less
/// heartbeat in every period as blocks come; the record's seq is the host's clock (Unix
/// seconds). Stopped, the node goes silent and the chain marks it offline after
/// `OfflineAfterPeriods` periods; restarted with one more capability, the registrar publishes
/// the changed record (a higher seq) and brings the node back online at once. `registrar nodes --capability` lists it with a verified signature.
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
	let started = registrar::state::unix_now();
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
	let first_seq = record.seq;
	let now = registrar::state::unix_now();
	assert!((started..=now).contains(&first_seq), "seq {first_seq}, clock {started}..={now}");
	assert_eq!(record.addresses, [p2p.clone(), wss.to_owned()]);
	assert_eq!(record.capabilities, ["e2e/discovery", "gpu"]);
	assert_eq!(record.version, "e2e 1.0");

	// Heartbeats: one in each period, at a block of the registrar's choosing, as blocks come
	// (chopsticks builds a block only when asked or when a transaction arrives). The bound is
	// for a loaded machine: at load 7 on two cores, 22 blocks took two minutes.
	let mut periods = std::collections::BTreeSet::new();
	let deadline = Instant::now() + Duration::from_secs(300);
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
	assert_eq!(status["discovery"]["record_seq"], first_seq, "{status}");
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
		view.record.is_some_and(|r| r.record.seq > first_seq)
	})
	.await;
	let view = node_view(&client, &node_id).await;
	let second_seq = view.record.as_ref().unwrap().record.seq;
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
	assert_eq!(node["record"]["seq"], second_seq);
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
	assert_eq!(state["record_seq"], second_seq);
	assert!(state["last_heartbeat_period"].as_u64().is_some(), "{state}");
}

/// Fee-less records and heartbeats go as general transactions (extrinsic format 5, no signer)
/// to the dev runtime, which takes them (`AuthorizeCall`): the record and a heartbeat land in
/// blocks as such (the general preamble and extension version 0 after the compact length), the
/// record with `NodeRecordPublished`, both with `ExtrinsicSuccess`, and `/status` says
/// `general`. `--fee-less bare` forces the fallback: bare transactions (format 4), which land
/// too, on a runtime that still takes them (`Registration::BareFeeLessPath`). No account signs
/// either.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fee_less_records_and_heartbeats_are_general_transactions_or_bare_when_forced() {
	require_chain!();
	let chain = Chain::start().await;
	let client = chain.client().await;
	assert!(client.takes_general_transactions(), "the dev runtime has AuthorizeCall");
	let dir = tempfile::tempdir().unwrap();
	// The preamble each path's transactions start with (after the compact length).
	let cases =
		[("auto", "//Dave", [0x45u8, 0].as_slice(), "general"), ("bare", "//Eve", &[0x04], "bare")];
	// A runtime built without the pallet's bare path (its feature `bare-fee-less`) refuses them.
	let bare_path = client
		.api()
		.at_current_block()
		.await
		.unwrap()
		.constants()
		.entry(subxt::dynamic::constant::<bool>("Registration", "BareFeeLessPath"))
		.unwrap_or(true);
	let cases = if bare_path { &cases[..] } else { &cases[..1] };
	for &(mode, owner_uri, preamble, path) in cases {
		let case_dir = dir.path().join(mode);
		std::fs::create_dir_all(&case_dir).unwrap();
		let (key, key_path) = node_key_file(&case_dir);
		let node_id = key.peer_id_base58();
		let secret = secret_file(&case_dir, "owner", owner_uri);
		let state_dir = case_dir.join("state");
		let extra = ["--fee-less", mode, "--version", "fee-less 1"];
		let run =
			RunningRegistrar::spawn(&chain, &key_path, &secret, &state_dir, "storage-s3", &extra);
		run.wait_ready(Duration::from_secs(90)).await;
		// The record goes at once; the heartbeat at a block of its period's first half.
		let deadline = Instant::now() + Duration::from_secs(240);
		loop {
			let view = node_view(&client, &node_id).await;
			if view.record.is_some() && view.liveness.is_some_and(|l| l.heartbeat_sent) {
				break;
			}
			assert!(Instant::now() < deadline, "{mode}: no record and heartbeat: {}", run.log());
			chain.new_blocks(1).await;
			tokio::time::sleep(Duration::from_millis(400)).await;
		}

		// The node's two transactions, as the blocks have them.
		let node_arg = codec::Encode::encode(&node_id.as_bytes().to_vec());
		let finalized = client.api().at_current_block().await.unwrap().block_number();
		let mut found = Vec::new();
		for number in 1..=finalized {
			let at = client.api().at_block(number).await.unwrap();
			let extrinsics = at.extrinsics().fetch().await.unwrap();
			for extrinsic in extrinsics.iter() {
				let extrinsic = extrinsic.unwrap();
				let call = extrinsic.call_name().to_owned();
				if extrinsic.pallet_name() != "Registration"
					|| !["publish_node_record", "heartbeat"].contains(&call.as_str())
					|| !extrinsic.call_data_field_bytes().starts_with(&node_arg)
				{
					continue;
				}
				let mut bytes = extrinsic.bytes();
				let len = <codec::Compact<u32> as codec::Decode>::decode(&mut bytes).unwrap();
				assert_eq!(len.0 as usize, bytes.len());
				assert!(
					bytes.starts_with(preamble),
					"{mode}: {call} in block {number} starts with {:02x?}, not {preamble:02x?}",
					&bytes[..2]
				);
				assert!(!extrinsic.is_signed(), "{mode}: {call}");
				let events = extrinsic.events().await.unwrap();
				let names: Vec<String> = events
					.iter()
					.map(|e| {
						let e = e.unwrap();
						format!("{}.{}", e.pallet_name(), e.event_name())
					})
					.collect();
				assert!(names.contains(&"System.ExtrinsicSuccess".to_owned()), "{call}: {names:?}");
				if call == "publish_node_record" {
					assert!(
						names.contains(&"Registration.NodeRecordPublished".to_owned()),
						"{names:?}"
					);
				}
				found.push(call);
			}
		}
		assert!(found.contains(&"publish_node_record".to_owned()), "{mode}: {found:?}");
		assert!(found.contains(&"heartbeat".to_owned()), "{mode}: {found:?}");

		let status = status_json(run.http).await;
		assert_eq!(status["discovery"]["fee_less"], true, "{status}");
		assert_eq!(status["discovery"]["fee_less_path"], path, "{status}");
		// Only the registration is signed by the owner.
		assert_eq!(account_nonce(&chain, &owner(owner_uri)).await, 1);
		let log = run.terminate().await;
		let said = format!("fee-less records and heartbeats go as {path} transactions");
		assert_eq!(log.matches(&said).count(), 1, "{mode}: {log}");
	}
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
	let deadline = Instant::now() + Duration::from_secs(180);
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

/// `nodes --owner`: an owner with two nodes (the dev runtime allows 16 per owner) lists both,
/// page by page, with its node count; `--type` filters the fleet, and the count stays the
/// owner's; another owner has none.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nodes_lists_an_owners_fleet_with_its_count() {
	require_chain!();
	let chain = Chain::start().await;
	let client = chain.client().await;
	let dir = tempfile::tempdir().unwrap();
	let ferdie = owner("//Ferdie");
	let ferdie_secret = secret_file(dir.path(), "ferdie", "//Ferdie");
	// The first node through `registrar register`: the owner's main node.
	let (first, first_path) = node_key_file(dir.path());
	let (code, outcome) =
		register_cli(&chain, &first_path, &ferdie_secret, "storage-miner", &[]).await;
	assert_eq!(code, Some(0), "{outcome}");
	// The second one on a host of its own, through `registrar register` too: an owner below
	// its limit registers another node, not a conflict.
	let second_host = tempfile::tempdir().unwrap();
	let (second, second_path) = node_key_file(second_host.path());
	let (code, outcome) =
		register_cli(&chain, &second_path, &ferdie_secret, "storage-s3", &[]).await;
	assert_eq!(code, Some(0), "{outcome}");
	assert_eq!(outcome["class"], "registered", "{outcome}");
	assert_eq!(outcome["submitted"], true, "{outcome}");
	assert_eq!(outcome["view"]["owner_node"], first.peer_id_base58().as_str(), "{outcome}");
	assert_eq!(outcome["view"]["owner_node_count"], 2, "{outcome}");
	// Registered to the owner though it is not the owner's main node: `register` again parks,
	// and `status` says registered.
	let (code, again) = register_cli(&chain, &second_path, &ferdie_secret, "storage-s3", &[]).await;
	assert_eq!(code, Some(0), "{again}");
	assert_eq!(
		(again["class"].as_str(), again["submitted"].as_bool()),
		(Some("registered"), Some(false))
	);
	let (code, status, stderr) = registrar_str(&[
		"status",
		"--peer-id",
		&second.peer_id_base58(),
		"--owner",
		&ferdie.ss58(),
		"--endpoint",
		&chain.endpoint,
	])
	.await;
	assert_eq!(code, Some(0), "{stderr}");
	assert_eq!(status["registered_to_owner"], true, "{status}");
	assert_eq!(status["owner_node"], first.peer_id_base58().as_str(), "{status}");
	assert_eq!(status["owner_node_count"], 2, "{status}");
	assert_eq!(status["max_nodes_per_owner"], 16, "{status}");

	// Both, one per page, with the count and the chain's limit.
	let (code, fleet, stderr) = registrar_str(&[
		"nodes",
		"--owner",
		&ferdie.ss58(),
		"--page-size",
		"1",
		"--json",
		"--endpoint",
		&chain.endpoint,
	])
	.await;
	assert_eq!(code, Some(0), "{stderr}");
	assert_eq!(fleet["owner"]["account"], ferdie.ss58().as_str(), "{fleet}");
	assert_eq!(fleet["owner"]["node_count"], 2, "{fleet}");
	assert_eq!(fleet["owner"]["max_nodes_per_owner"], 16, "{fleet}");
	let mut listed: Vec<_> = fleet["nodes"]
		.as_array()
		.unwrap()
		.iter()
		.map(|node| {
			assert_eq!(node["owner"], ferdie.ss58().as_str(), "{fleet}");
			node["node_id"].as_str().unwrap().to_owned()
		})
		.collect();
	listed.sort();
	let mut expected = vec![first.peer_id_base58(), second.peer_id_base58()];
	expected.sort();
	assert_eq!(listed, expected, "{fleet}");

	// --type filters the fleet; the count is still the owner's.
	let (code, s3, stderr) = registrar_str(&[
		"nodes",
		"--owner",
		&ferdie.ss58(),
		"--type",
		"storage-s3",
		"--json",
		"--endpoint",
		&chain.endpoint,
	])
	.await;
	assert_eq!(code, Some(0), "{stderr}");
	assert_eq!(s3["nodes"].as_array().map(Vec::len), Some(1), "{s3}");
	assert_eq!(s3["nodes"][0]["node_id"], second.peer_id_base58().as_str(), "{s3}");
	assert_eq!(s3["owner"]["node_count"], 2, "{s3}");

	// As text: the owner's line first.
	let text = registrar()
		.args(["nodes", "--owner", &ferdie.ss58(), "--endpoint", &chain.endpoint])
		.output()
		.await
		.unwrap();
	assert!(text.status.success());
	let text = String::from_utf8_lossy(&text.stdout);
	assert!(
		text.starts_with(&format!(
			"owner {} has 2 node(s) registered of at most 16\n",
			ferdie.ss58()
		)),
		"{text}"
	);
	assert!(text.contains(&first.peer_id_base58()) && text.contains(&second.peer_id_base58()));

	// An owner without nodes.
	let (code, none, stderr) = registrar_str(&[
		"nodes",
		"--owner",
		&owner("//Eve").ss58(),
		"--json",
		"--endpoint",
		&chain.endpoint,
	])
	.await;
	assert_eq!(code, Some(0), "{stderr}");
	assert_eq!(
		(none["owner"]["node_count"].as_u64(), none["nodes"].as_array().map(Vec::len)),
		(Some(0), Some(0))
	);

	// The service on the second host: parked and ready, its storage checks confirming it,
	// though it is not the owner's main node; on shutdown it removes its own node
	// (`unregister_node`: `unregister_main_node` would refuse it), and the main node stays.
	let state_dir = second_host.path().join("state");
	let run = RunningRegistrar::spawn(
		&chain,
		&second_path,
		&ferdie_secret,
		&state_dir,
		"storage-s3",
		&["--unregister-on-shutdown", "--no-record"],
	);
	run.wait_ready(Duration::from_secs(90)).await;
	chain.new_blocks(2).await;
	wait_until(Duration::from_secs(60), "a storage check while parked", || async {
		let (_, metrics) = http_get(run.http, "/metrics").await.unwrap_or_default();
		metric(&metrics, "registrar_storage_checks_total") >= 1
	})
	.await;
	let status = status_json(run.http).await;
	assert_eq!(
		(status["phase"].as_str(), status["registered"].as_bool()),
		(Some("registered"), Some(true)),
		"{status}"
	);
	let (_, metrics) = http_get(run.http, "/metrics").await.unwrap();
	assert_eq!(metric(&metrics, "registrar_submissions_total"), 0, "{metrics}");
	assert!(matches!(http_get(run.http, "/readyz").await, Some((200, _))));
	let log = run.terminate().await;
	assert!(log.contains("already registered"), "{log}");
	assert!(log.contains("unregistered on shutdown"), "{log}");
	let after =
		client.view(second.peer_id_base58().as_bytes(), &ferdie.account_id()).await.unwrap();
	assert_eq!(after.node, None);
	assert_eq!(after.owner_node, Some(first.peer_id_base58()));
	assert_eq!(after.owner_node_count, 1);
}
