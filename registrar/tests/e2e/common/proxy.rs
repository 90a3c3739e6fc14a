//! A lying JSON-RPC endpoint: a WebSocket man-in-the-middle on the loopback address between
//! the registrar and the dev chain, which passes everything through but rewrites the answers
//! its [`Lies`] choose. The lies can be changed while the registrar runs ([`LyingProxy::lie`]).
//!
//! WebSocket through soketto (already in the graph: the chain client's transport uses it).

use serde_json::Value;
use std::{
	collections::HashMap,
	sync::{Arc, Mutex},
};
use tokio::net::{TcpListener, TcpStream};
use tokio_util::compat::{Compat, TokioAsyncReadCompatExt};

/// What the proxy changes in the chain's answers.
#[derive(Clone, Debug, Default)]
pub struct Lies {
	/// Answer `chain_getBlockHash(0)` (the genesis hash) with this hash (`0x` hex).
	pub genesis: Option<String>,
	/// Replace this 8-byte little-endian number by the second one wherever it appears in an
	/// answer's hex (a record's sequence number in the view functions' SCALE output).
	pub seq: Option<(u64, u64)>,
	/// Freeze every `state_call` whose argument holds this hex (a node's id): its first answer
	/// is recorded and given again ever after, whatever the chain says.
	pub freeze: Option<String>,
	/// While set, give the recorded answer of each frozen-or-recorded `state_call` holding
	/// this hex instead of the chain's (the recording goes on while unset).
	pub replay: Option<String>,
}

type Shared<T> = Arc<Mutex<T>>;

/// The proxy, serving until dropped.
pub struct LyingProxy {
	/// Its endpoint (`ws://127.0.0.1:…`).
	pub endpoint: String,
	lies: Shared<Lies>,
	task: tokio::task::JoinHandle<()>,
}

impl LyingProxy {
	/// A proxy in front of `upstream` (`ws://127.0.0.1:port`), honest until told otherwise.
	pub async fn start(upstream: &str) -> Self {
		let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
		let endpoint = format!("ws://{}", listener.local_addr().unwrap());
		let upstream = upstream.trim_start_matches("ws://").to_owned();
		let lies: Shared<Lies> = Arc::default();
		let recorded: Shared<HashMap<String, Value>> = Arc::default();
		let task = {
			let lies = lies.clone();
			tokio::spawn(async move {
				while let Ok((socket, _)) = listener.accept().await {
					let (upstream, lies, recorded) =
						(upstream.clone(), lies.clone(), recorded.clone());
					tokio::spawn(async move {
						let _ = serve(socket, &upstream, lies, recorded).await;
					});
				}
			})
		};
		Self { endpoint, lies, task }
	}

	/// Changes the lies (for the connections open and to come).
	pub fn lie(&self, change: impl FnOnce(&mut Lies)) {
		change(&mut self.lies.lock().unwrap());
	}
}

impl Drop for LyingProxy {
	fn drop(&mut self) {
		self.task.abort();
	}
}

type Error = Box<dyn std::error::Error + Send + Sync>;

/// One client connection: the handshake with the client, a connection to the chain, and the
/// two directions (requests remembered by id, answers rewritten).
async fn serve(
	socket: TcpStream,
	upstream: &str,
	lies: Shared<Lies>,
	recorded: Shared<HashMap<String, Value>>,
) -> Result<(), Error> {
	let mut server = soketto::handshake::Server::new(socket.compat());
	let key = server.receive_request().await?.key();
	server
		.send_response(&soketto::handshake::server::Response::Accept { key, protocol: None })
		.await?;
	let (mut to_client, mut from_client) = builder(server.into_builder()).finish();
	let chain = TcpStream::connect(upstream).await?;
	let mut client = soketto::handshake::Client::new(chain.compat(), upstream, "/");
	match client.handshake().await? {
		soketto::handshake::ServerResponse::Accepted { .. } => {}
		other => return Err(format!("the chain refused the proxy: {other:?}").into()),
	}
	let (mut to_chain, mut from_chain) = builder(client.into_builder()).finish();
	let pending: Shared<HashMap<String, Value>> = Arc::default();
	let requests = {
		let pending = pending.clone();
		async move {
			let mut message = Vec::new();
			loop {
				message.clear();
				from_client.receive_data(&mut message).await?;
				if let Ok(request) = serde_json::from_slice::<Value>(&message) {
					if let Some(id) = request.get("id") {
						pending.lock().unwrap().insert(id.to_string(), request.clone());
					}
				}
				to_chain.send_text(String::from_utf8_lossy(&message)).await?;
				to_chain.flush().await?;
			}
			#[allow(unreachable_code)]
			Ok::<(), Error>(())
		}
	};
	let answers = async move {
		let mut message = Vec::new();
		loop {
			message.clear();
			from_chain.receive_data(&mut message).await?;
			let text = match serde_json::from_slice::<Value>(&message) {
				Ok(mut answer) => {
					let request = answer
						.get("id")
						.and_then(|id| pending.lock().unwrap().remove(&id.to_string()));
					if let Some(request) = request {
						let lies = lies.lock().unwrap().clone();
						rewrite(&lies, &request, &mut answer, &recorded);
					}
					answer.to_string()
				}
				Err(_) => String::from_utf8_lossy(&message).into_owned(),
			};
			to_client.send_text_owned(text).await?;
			to_client.flush().await?;
		}
		#[allow(unreachable_code)]
		Ok::<(), Error>(())
	};
	tokio::select! {
		result = requests => result,
		result = answers => result,
	}
}

fn builder(
	mut builder: soketto::connection::Builder<Compat<TcpStream>>,
) -> soketto::connection::Builder<Compat<TcpStream>> {
	// The metadata is a few hundred kilobytes; allow far more.
	builder.set_max_message_size(64 << 20);
	builder.set_max_frame_size(64 << 20);
	builder
}

/// The little-endian hex of `n`, as it appears in SCALE.
fn le_hex(n: u64) -> String {
	hex::encode(n.to_le_bytes())
}

/// Applies `lies` to `answer`, the chain's answer to `request`.
fn rewrite(
	lies: &Lies,
	request: &Value,
	answer: &mut Value,
	recorded: &Mutex<HashMap<String, Value>>,
) {
	let method = request["method"].as_str().unwrap_or_default();
	let params = &request["params"];
	if let Some(genesis) = &lies.genesis {
		let zero = matches!(&params[0], Value::Number(n) if n.as_u64() == Some(0));
		if method == "chain_getBlockHash" && zero {
			answer["result"] = Value::String(genesis.clone());
		}
	}
	if let Some((real, lie)) = lies.seq {
		replace_in(&mut answer["result"], &le_hex(real), &le_hex(lie));
	}
	if method == "state_call" && answer.get("result").is_some() {
		let call = format!("{}{}", params[0], params[1]);
		let holds = |hex: &Option<String>| {
			hex.as_ref().is_some_and(|hex| params[1].as_str().is_some_and(|d| d.contains(hex)))
		};
		let mut recorded = recorded.lock().unwrap();
		if holds(&lies.freeze) {
			let first = recorded.entry(call).or_insert_with(|| answer["result"].clone());
			answer["result"] = first.clone();
		} else if holds(&lies.replay) {
			if let Some(old) = recorded.get(&call) {
				answer["result"] = old.clone();
			}
		} else if lies.replay.is_none() {
			recorded.insert(call, answer["result"].clone());
		}
	}
}

/// Replaces `from` by `to` in every string of `value`.
fn replace_in(value: &mut Value, from: &str, to: &str) {
	match value {
		Value::String(text) if text.contains(from) => *text = text.replace(from, to),
		Value::Array(items) => items.iter_mut().for_each(|item| replace_in(item, from, to)),
		Value::Object(fields) => fields.values_mut().for_each(|item| replace_in(item, from, to)),
		_ => {}
	}
}
