//! The command line's errors as a newcomer meets them, with no chain (the README's exit codes):
//! an unreachable chain said once, naming where the endpoint is set; a secret flag that does not
//! exist pointing to the file flag; an address given as a secret; `status` without a node.

use crate::common::*;
use std::net::TcpListener;

/// A local port nothing listens on.
fn dead_endpoint() -> String {
	let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
	format!("ws://127.0.0.1:{port}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_chain_is_said_once_with_where_the_endpoint_is_set() {
	let dead = dead_endpoint();
	let peer = "12D3KooWQK1wnefoLrcVHbbnf5tLzbopUd3K3bFAoJpA7YJgL5pV";
	let (code, json, stderr) =
		registrar_str(&["status", "--peer-id", peer, "--endpoint", &dead]).await;
	assert_eq!((code, json), (Some(1), serde_json::Value::Null), "{stderr}");
	assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
	assert!(stderr.starts_with(&format!("error: cannot connect to {dead}: ")), "{stderr}");
	assert_eq!(stderr.matches("RPC error").count(), 0, "{stderr}");
	assert_eq!(stderr.matches("onnection refused").count(), 1, "{stderr}");
	assert!(stderr.contains("--endpoint or REGISTRAR_ENDPOINT"), "{stderr}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_secret_flag_that_does_not_exist_points_to_the_file_flag() {
	let (code, _, stderr) = registrar_str(&["run", "--owner-secret", "//Alice"]).await;
	assert_eq!(code, Some(2), "{stderr}");
	assert!(stderr.contains("there is no --owner-secret"), "{stderr}");
	assert!(stderr.contains("--owner-secret-file FILE"), "{stderr}");
	assert!(!stderr.contains("--owner-secret-env'"), "not clap's tip: {stderr}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_address_given_as_the_owner_secret_is_called_an_address() {
	let dir = tempfile::tempdir().unwrap();
	let address =
		secret_file(dir.path(), "owner", "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY");
	let (_, key) = node_key_file(dir.path());
	let (code, _, stderr) = registrar_str(&[
		"register",
		"--node-key-file",
		key.to_str().unwrap(),
		"--owner-secret-file",
		address.to_str().unwrap(),
		"--node-type",
		"storage-miner",
		"--endpoint",
		&dead_endpoint(),
	])
	.await;
	assert_eq!(code, Some(1), "{stderr}");
	assert!(stderr.contains("is an account address (SS58), not a secret"), "{stderr}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn status_without_a_node_is_an_invalid_command_line() {
	let (code, _, stderr) = registrar_str(&["status"]).await;
	assert_eq!(code, Some(2), "{stderr}");
	assert!(stderr.contains("give --node-key-file or --peer-id"), "{stderr}");
}
