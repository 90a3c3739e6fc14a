//! Moving a registered node to a new key (`registrar rotate`).

use crate::common::*;
use registrar::{
	facts::BlockNumberWidth, keys::NodeKey, outcome::OutcomeClass, register_once,
	RegistrationConfig,
};
use std::path::Path;

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
