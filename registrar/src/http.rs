//! Health probes, status and metrics over HTTP: `/livez`, `/readyz`, `/status`, `/metrics`.
//!
//! Every endpoint is read-only and answers only `GET` and `HEAD` (others get `405`): nothing
//! reachable without authentication changes the registrar's state.
//!
//! Idle or slow clients cannot starve the probes. The server accepts every connection at once
//! (none waits in the listen backlog for a slot), serves one request per connection, closes a
//! connection whose request head (request line and headers) has not arrived within
//! [`HttpLimits::header_timeout`] and any connection still open after
//! [`HttpLimits::connection_timeout`]. It holds at most [`HttpLimits::max_per_peer`]
//! connections from one IP address and [`HttpLimits::max_connections`] in all: a connection
//! beyond either limit takes the place of the oldest one (of that address, or of all) still
//! waiting for its request head, which is closed; only when none is waiting is the new one
//! closed instead. A probe sends its request as it connects: its head is in hand when it is
//! accepted (looked at with `MSG_PEEK`), so it never gives its place, while a client that holds
//! connections open without a whole request head, idle or slow, loses them to whoever comes
//! next.

use crate::{shutdown::stopped, status::Shared};
use http_body_util::Full;
use hyper::{
	body::{Bytes, Incoming},
	header, Method, Request, Response, StatusCode,
};
use hyper_util::rt::{TokioIo, TokioTimer};
use std::{
	collections::BTreeMap,
	convert::Infallible,
	net::{IpAddr, SocketAddr},
	os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd},
	sync::{Arc, Mutex, PoisonError},
	time::Duration,
};
use tokio::{
	net::TcpListener,
	sync::{watch, Notify},
};

/// Bounds on what clients of the probe server can hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HttpLimits {
	/// Connections held at once; beyond, the oldest one still waiting for its request head is
	/// closed (or, when none is, the new one).
	pub max_connections: usize,
	/// Connections held at once from one IP address; beyond, that address's oldest one still
	/// waiting for its request head is closed (or, when none is, the new one).
	pub max_per_peer: usize,
	/// Longest wait for a request's head (request line and headers).
	pub header_timeout: Duration,
	/// Longest life of a connection.
	pub connection_timeout: Duration,
}

impl Default for HttpLimits {
	/// 64 connections, 16 from one address, 2 s for the request head, 10 s per connection.
	fn default() -> Self {
		Self {
			max_connections: 64,
			max_per_peer: 16,
			header_timeout: Duration::from_secs(2),
			connection_timeout: Duration::from_secs(10),
		}
	}
}

/// Binds the probe server's socket (port 0 picks a free port).
pub async fn bind(addr: SocketAddr) -> std::io::Result<TcpListener> {
	TcpListener::bind(addr).await
}

/// Serves the endpoints on `listener` until `shutdown` turns true, within the default
/// [`HttpLimits`].
pub async fn serve(listener: TcpListener, shared: Shared, shutdown: watch::Receiver<bool>) {
	serve_with_limits(listener, shared, shutdown, HttpLimits::default()).await
}

/// A connection the server holds.
struct Held {
	/// Where it comes from.
	peer: IpAddr,
	/// Its request head has not arrived yet (as far as the server knows).
	waiting: bool,
	/// Closes it.
	close: Arc<Notify>,
	/// Its socket (a duplicate descriptor, closed with the entry), to look for its request
	/// head before it is closed for a newer connection.
	socket: Option<OwnedFd>,
}

/// The connections the server holds, by id: ids grow, so the first is the oldest.
#[derive(Default)]
struct Connections {
	next_id: u64,
	held: BTreeMap<u64, Held>,
}

impl Connections {
	/// Makes room for a connection from `peer` within `limits` (closing the oldest connections
	/// still waiting for their request head, of that peer first) and holds it, as waiting for
	/// its request head unless `head_in_hand`: its id and what closes it, or `None` when there
	/// is no room (every connection in the way has its request head).
	fn admit(
		&mut self,
		peer: IpAddr,
		head_in_hand: bool,
		socket: Option<OwnedFd>,
		limits: &HttpLimits,
	) -> Option<(u64, Arc<Notify>)> {
		let of_peer = self.held.values().filter(|held| held.peer == peer).count();
		if of_peer >= limits.max_per_peer.max(1) && !self.close_oldest_waiting(Some(peer)) {
			return None;
		}
		if self.held.len() >= limits.max_connections.max(1) && !self.close_oldest_waiting(None) {
			return None;
		}
		let id = self.next_id;
		self.next_id = self.next_id.wrapping_add(1);
		let close = Arc::new(Notify::new());
		let waiting = !head_in_hand;
		self.held.insert(id, Held { peer, waiting, close: close.clone(), socket });
		Some((id, close))
	}

	/// Closes the oldest connection (of `peer`, when given) still waiting for its request
	/// head; whether there was one. A connection whose head has arrived meanwhile (seen on its
	/// socket) is not waiting any more, and is passed over.
	fn close_oldest_waiting(&mut self, peer: Option<IpAddr>) -> bool {
		let candidates = self
			.held
			.iter_mut()
			.filter(|(_, held)| held.waiting && peer.is_none_or(|peer| held.peer == peer));
		let mut oldest = None;
		for (id, held) in candidates {
			if held.socket.as_ref().is_some_and(|socket| head_in_hand(socket.as_fd())) {
				held.waiting = false;
				held.socket = None;
				continue;
			}
			oldest = Some(*id);
			break;
		}
		match oldest.and_then(|id| self.held.remove(&id)) {
			Some(held) => {
				// A stored permit: closed even if its task has not started waiting yet.
				held.close.notify_one();
				true
			}
			None => false,
		}
	}

	/// The request head of connection `id` arrived: it is being answered, and no longer
	/// gives its place to a newer connection.
	fn answering(&mut self, id: u64) {
		if let Some(held) = self.held.get_mut(&id) {
			held.waiting = false;
			held.socket = None;
		}
	}
}

/// Whether a whole request head (up to its blank line) has arrived on `socket` already, in its
/// first 2 KiB: looked at without taking it (`MSG_PEEK`), and without waiting.
fn head_in_hand(socket: BorrowedFd<'_>) -> bool {
	let mut buf = [0u8; 2048];
	// SAFETY: recv(2) writes at most `buf.len()` bytes into `buf`, a live buffer of that
	// length, and returns how many (or -1); the descriptor is borrowed, so open for the
	// whole call. MSG_PEEK leaves the bytes for the HTTP parser, MSG_DONTWAIT never blocks.
	let read = unsafe {
		libc::recv(
			socket.as_raw_fd(),
			buf.as_mut_ptr().cast(),
			buf.len(),
			libc::MSG_PEEK | libc::MSG_DONTWAIT,
		)
	};
	usize::try_from(read)
		.ok()
		.and_then(|read| buf.get(..read))
		.is_some_and(|bytes| bytes.windows(4).any(|window| window == b"\r\n\r\n"))
}

/// The shared table of held connections.
type Table = Arc<Mutex<Connections>>;

fn lock(table: &Table) -> std::sync::MutexGuard<'_, Connections> {
	table.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Lets go of a connection's place when its task ends, however it ends.
struct Place {
	table: Table,
	id: u64,
}

impl Drop for Place {
	fn drop(&mut self) {
		lock(&self.table).held.remove(&self.id);
	}
}

/// Serves the endpoints on `listener` until `shutdown` turns true, within `limits`.
pub async fn serve_with_limits(
	listener: TcpListener,
	shared: Shared,
	mut shutdown: watch::Receiver<bool>,
	limits: HttpLimits,
) {
	let table = Table::default();
	loop {
		// Accept first: a connection never waits in the backlog for a slot.
		let accepted = tokio::select! {
			accepted = listener.accept() => accepted,
			_ = stopped(&mut shutdown) => return,
		};
		let (stream, peer) = match accepted {
			Ok(accepted) => accepted,
			Err(error) => {
				// Out of descriptors, say: not at full speed.
				tracing::debug!(%error, "accepting an HTTP connection");
				tokio::time::sleep(Duration::from_millis(50)).await;
				continue;
			}
		};
		// A probe sends its request as it connects: with its head in hand, it is never the
		// one that gives its place.
		let head = head_in_hand(stream.as_fd());
		let socket = if head { None } else { stream.as_fd().try_clone_to_owned().ok() };
		let admitted = lock(&table).admit(peer.ip(), head, socket, &limits);
		let Some((id, close)) = admitted else {
			tracing::debug!(%peer, "no room for another HTTP connection; closed it");
			continue;
		};
		let place = Place { table: table.clone(), id };
		let shared = shared.clone();
		tokio::spawn(async move {
			let table = place.table.clone();
			let _place = place;
			let service = hyper::service::service_fn(move |request: Request<Incoming>| {
				lock(&table).answering(id);
				let response = respond(request.method(), request.uri().path(), &shared);
				async move { Ok::<_, Infallible>(response) }
			});
			let connection = hyper::server::conn::http1::Builder::new()
				.timer(TokioTimer::new())
				.header_read_timeout(limits.header_timeout)
				.keep_alive(false)
				.max_buf_size(16 * 1024)
				.serve_connection(TokioIo::new(stream), service);
			tokio::select! {
				_ = close.notified() => {
					tracing::debug!(%peer, "closed an HTTP connection without a request for a newer one");
				}
				served = tokio::time::timeout(limits.connection_timeout, connection) => match served {
					Ok(Ok(())) => {}
					Ok(Err(error)) => tracing::debug!(%error, "serving an HTTP connection"),
					Err(_) => tracing::debug!("closing an HTTP connection open too long"),
				},
			}
		});
	}
}

fn text(status: StatusCode, content_type: &'static str, body: String) -> Response<Full<Bytes>> {
	let mut response = Response::new(Full::new(Bytes::from(body)));
	*response.status_mut() = status;
	response
		.headers_mut()
		.insert(header::CONTENT_TYPE, header::HeaderValue::from_static(content_type));
	response
}

/// The response to `method path`.
pub fn respond(method: &Method, path: &str, shared: &Shared) -> Response<Full<Bytes>> {
	if method != Method::GET && method != Method::HEAD {
		let mut response =
			text(StatusCode::METHOD_NOT_ALLOWED, "text/plain", "read-only endpoint\n".into());
		response.headers_mut().insert(header::ALLOW, header::HeaderValue::from_static("GET, HEAD"));
		return response;
	}
	match path {
		"/livez" => text(StatusCode::OK, "text/plain", "ok\n".into()),
		"/readyz" => {
			if shared.ready() {
				text(StatusCode::OK, "text/plain", "ready\n".into())
			} else {
				let phase = serde_json::to_value(shared.status().phase)
					.ok()
					.and_then(|v| v.as_str().map(str::to_owned))
					.unwrap_or_default();
				text(StatusCode::SERVICE_UNAVAILABLE, "text/plain", format!("not ready: {phase}\n"))
			}
		}
		"/status" => match serde_json::to_string_pretty(&shared.status()) {
			Ok(json) => text(StatusCode::OK, "application/json", json + "\n"),
			Err(e) => text(StatusCode::INTERNAL_SERVER_ERROR, "text/plain", format!("{e}\n")),
		},
		"/metrics" => text(StatusCode::OK, "text/plain; version=0.0.4", shared.render_metrics()),
		_ => text(StatusCode::NOT_FOUND, "text/plain", "not found\n".into()),
	}
}

/// The address a listener is bound to, for logs.
pub fn local_addr(listener: &TcpListener) -> Option<SocketAddr> {
	listener.local_addr().ok()
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::{state::Phase, status::Status};
	use tokio::io::{AsyncReadExt, AsyncWriteExt};

	#[test]
	fn endpoints_and_methods() {
		let shared = Shared::new(Status { node_id: "12D3KooWx".into(), ..Default::default() });
		assert_eq!(respond(&Method::GET, "/livez", &shared).status(), StatusCode::OK);
		let not_ready = respond(&Method::GET, "/readyz", &shared);
		assert_eq!(not_ready.status(), StatusCode::SERVICE_UNAVAILABLE);
		assert_eq!(body_text(not_ready), "not ready: starting\n");
		shared.update(|s| {
			s.registered = true;
			s.phase = Phase::Registered;
			s.confirmed_block = Some(1);
		});
		assert_eq!(respond(&Method::GET, "/readyz", &shared).status(), StatusCode::OK);
		assert_eq!(respond(&Method::HEAD, "/status", &shared).status(), StatusCode::OK);
		assert_eq!(respond(&Method::GET, "/metrics", &shared).status(), StatusCode::OK);
		assert_eq!(respond(&Method::GET, "/nope", &shared).status(), StatusCode::NOT_FOUND);
		for method in [Method::POST, Method::PUT, Method::DELETE, Method::PATCH] {
			let response = respond(&method, "/status", &shared);
			assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED, "{method}");
		}
	}

	fn body_text(response: Response<Full<Bytes>>) -> String {
		use http_body_util::BodyExt;
		let collected = tokio::runtime::Runtime::new()
			.unwrap()
			.block_on(response.into_body().collect())
			.unwrap();
		String::from_utf8(collected.to_bytes().to_vec()).unwrap()
	}

	#[tokio::test]
	async fn serves_over_tcp_and_stops() {
		let shared = Shared::new(Status::default());
		let listener = bind("127.0.0.1:0".parse().unwrap()).await.unwrap();
		let addr = local_addr(&listener).unwrap();
		let (stop, stopped) = watch::channel(false);
		let server = tokio::spawn(serve(listener, shared, stopped));
		let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
		stream
			.write_all(b"GET /status HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
			.await
			.unwrap();
		let mut response = String::new();
		stream.read_to_string(&mut response).await.unwrap();
		assert!(response.starts_with("HTTP/1.1 200"), "{response}");
		assert!(response.contains("\"phase\": \"starting\""), "{response}");
		stop.send(true).unwrap();
		server.await.unwrap();
	}

	async fn start(limits: HttpLimits) -> (SocketAddr, watch::Sender<bool>) {
		let listener = bind("127.0.0.1:0".parse().unwrap()).await.unwrap();
		let addr = local_addr(&listener).unwrap();
		let (stop, stopped) = watch::channel(false);
		tokio::spawn(serve_with_limits(listener, Shared::new(Status::default()), stopped, limits));
		(addr, stop)
	}

	#[tokio::test]
	async fn a_request_head_that_does_not_arrive_in_time_closes_the_connection() {
		let limits =
			HttpLimits { header_timeout: Duration::from_millis(300), ..Default::default() };
		let (addr, _stop) = start(limits).await;
		let mut slow = tokio::net::TcpStream::connect(addr).await.unwrap();
		slow.write_all(b"GET /livez HTTP/1.1\r\nHost: x\r\n").await.unwrap();
		// The head never completes: the server closes the connection (maybe with a 408).
		let mut rest = Vec::new();
		let closed =
			tokio::time::timeout(Duration::from_secs(5), slow.read_to_end(&mut rest)).await;
		assert!(closed.is_ok(), "the connection was still open after 5 s");
		assert!(!String::from_utf8_lossy(&rest).contains("200 OK"));
	}

	/// Whether `stream` is closed by the server within `within` (its read ends or fails).
	async fn closed_within(stream: &mut tokio::net::TcpStream, within: Duration) -> bool {
		let mut buf = [0u8; 64];
		matches!(tokio::time::timeout(within, stream.read(&mut buf)).await, Ok(Ok(0) | Err(_)))
	}

	/// `/livez` over a new connection: its status line, or `None` after `within`.
	async fn probe(addr: SocketAddr, within: Duration) -> Option<String> {
		let ask = async {
			let mut stream = tokio::net::TcpStream::connect(addr).await.ok()?;
			stream.write_all(b"GET /livez HTTP/1.1\r\nHost: x\r\n\r\n").await.ok()?;
			let mut response = Vec::new();
			stream.read_to_end(&mut response).await.ok()?;
			let text = String::from_utf8_lossy(&response).into_owned();
			text.lines().next().map(str::to_owned)
		};
		tokio::time::timeout(within, ask).await.ok().flatten()
	}

	/// `/livez` as a probe asks it (a process of its own: connect, then the request at once),
	/// from a thread of its own: its status line, or `None` after `within`.
	async fn blocking_probe(addr: SocketAddr, within: Duration) -> Option<String> {
		use std::io::{Read, Write};
		let ask = move || {
			let mut stream = std::net::TcpStream::connect_timeout(&addr, within).ok()?;
			stream.set_read_timeout(Some(within)).ok()?;
			stream.write_all(b"GET /livez HTTP/1.1\r\nHost: x\r\n\r\n").ok()?;
			let mut response = Vec::new();
			stream.read_to_end(&mut response).ok()?;
			let text = String::from_utf8_lossy(&response).into_owned();
			text.lines().next().map(str::to_owned)
		};
		tokio::task::spawn_blocking(ask).await.ok().flatten()
	}

	/// Issue 30, finding 3: the server took a slot before `accept`, and an idle connection
	/// held it for 5 s, so 32 reconnecting idle clients made `/livez` time out.
	#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
	async fn idle_clients_that_reconnect_do_not_starve_the_probes() {
		let (addr, _stop) = start(HttpLimits::default()).await;
		// 80 idle clients, more than the server holds in all and from one address, each
		// connecting again as soon as it is closed: 1,000 times or three seconds at most.
		let deadline = tokio::time::Instant::now() + Duration::from_secs(3);
		let mut idle = Vec::new();
		for _ in 0..80 {
			idle.push(tokio::spawn(async move {
				let mut reconnects = 0u32;
				while tokio::time::Instant::now() < deadline && reconnects < 1000 {
					let Ok(mut stream) = tokio::net::TcpStream::connect(addr).await else {
						break;
					};
					let mut buf = [0u8; 16];
					// Held without a request until the server closes it, or the deadline.
					let _ = tokio::time::timeout_at(deadline, stream.read(&mut buf)).await;
					reconnects += 1;
				}
				reconnects
			}));
		}
		tokio::time::sleep(Duration::from_millis(300)).await;
		// Probes answer promptly all the while (the old server: not before an idle client's
		// 5 s were up).
		for attempt in 0..10 {
			let started = std::time::Instant::now();
			let answer = blocking_probe(addr, Duration::from_secs(1)).await;
			assert_eq!(
				answer.as_deref(),
				Some("HTTP/1.1 200 OK"),
				"probe {attempt} after {:?}",
				started.elapsed()
			);
			tokio::time::sleep(Duration::from_millis(100)).await;
		}
		let mut reconnects = 0;
		for client in idle {
			reconnects += client.await.unwrap();
		}
		// The idle clients were closed (and came back) all the while.
		assert!(reconnects > 80, "{reconnects}");
	}

	#[tokio::test]
	async fn beyond_its_limit_a_peer_loses_its_oldest_connection_without_a_request() {
		let limits = HttpLimits {
			max_per_peer: 2,
			header_timeout: Duration::from_secs(30),
			connection_timeout: Duration::from_secs(30),
			..Default::default()
		};
		let (addr, _stop) = start(limits).await;
		let mut first = tokio::net::TcpStream::connect(addr).await.unwrap();
		tokio::time::sleep(Duration::from_millis(50)).await;
		let mut second = tokio::net::TcpStream::connect(addr).await.unwrap();
		tokio::time::sleep(Duration::from_millis(50)).await;
		// A third, with its request: answered, and the first closed for it.
		assert_eq!(probe(addr, Duration::from_secs(2)).await.as_deref(), Some("HTTP/1.1 200 OK"));
		assert!(closed_within(&mut first, Duration::from_secs(2)).await, "the oldest stays");
		assert!(!closed_within(&mut second, Duration::from_millis(300)).await, "closed too many");
	}

	#[tokio::test]
	async fn at_the_limit_a_new_connection_takes_the_place_of_the_oldest_without_a_request() {
		let limits = HttpLimits {
			max_connections: 2,
			header_timeout: Duration::from_secs(30),
			connection_timeout: Duration::from_secs(30),
			..Default::default()
		};
		let (addr, _stop) = start(limits).await;
		let mut idle_one = tokio::net::TcpStream::connect(addr).await.unwrap();
		tokio::time::sleep(Duration::from_millis(50)).await;
		let mut idle_two = tokio::net::TcpStream::connect(addr).await.unwrap();
		tokio::time::sleep(Duration::from_millis(50)).await;
		let mut third = tokio::net::TcpStream::connect(addr).await.unwrap();
		third.write_all(b"GET /livez HTTP/1.1\r\nHost: x\r\n\r\n").await.unwrap();
		let mut response = Vec::new();
		tokio::time::timeout(Duration::from_secs(2), third.read_to_end(&mut response))
			.await
			.unwrap()
			.unwrap();
		let response = String::from_utf8_lossy(&response);
		assert!(response.starts_with("HTTP/1.1 200"), "{response}");
		assert!(response.to_ascii_lowercase().contains("connection: close"), "{response}");
		assert!(closed_within(&mut idle_one, Duration::from_secs(2)).await);
		assert!(!closed_within(&mut idle_two, Duration::from_millis(300)).await);
	}

	/// The table's rule: the oldest connection still waiting for its request head gives its
	/// place, of the same peer first; one being answered never does; with none waiting, the
	/// new one is refused.
	#[test]
	fn the_oldest_connection_waiting_for_its_request_gives_its_place() {
		let limits = HttpLimits { max_connections: 3, max_per_peer: 2, ..Default::default() };
		let (a, b): (IpAddr, IpAddr) = ("10.0.0.1".parse().unwrap(), "10.0.0.2".parse().unwrap());
		let mut table = Connections::default();
		let (a0, close_a0) = table.admit(a, false, None, &limits).unwrap();
		let (a1, _) = table.admit(a, false, None, &limits).unwrap();
		table.answering(a0);
		// A third of a's: a0 is being answered, so a1 gives its place.
		let (a2, _) = table.admit(a, false, None, &limits).unwrap();
		assert_eq!(table.held.keys().copied().collect::<Vec<_>>(), [a0, a2]);
		// b's first fills the table; b's second: the oldest waiting of all (a2) goes. It came
		// with its request head: it never gives its place.
		let (b0, _) = table.admit(b, false, None, &limits).unwrap();
		let (b1, _) = table.admit(b, true, None, &limits).unwrap();
		assert_eq!(table.held.keys().copied().collect::<Vec<_>>(), [a0, b0, b1]);
		let (b2, _) = table.admit(b, false, None, &limits).unwrap();
		assert_eq!(table.held.keys().copied().collect::<Vec<_>>(), [a0, b1, b2]);
		// Everyone being answered: no room, nothing closed.
		table.answering(b2);
		assert!(table.admit(a, true, None, &limits).is_none());
		assert_eq!(table.held.len(), 3);
		assert!(a1 < a2 && a0 < a1);
		// a0's close was never signalled.
		assert!(futures_ready(close_a0.notified()).is_none());
	}

	/// `Some(())` when `future` is ready at once.
	fn futures_ready(future: impl std::future::Future<Output = ()>) -> Option<()> {
		let waker = std::task::Waker::noop();
		let mut context = std::task::Context::from_waker(waker);
		let mut future = std::pin::pin!(future);
		match future.as_mut().poll(&mut context) {
			std::task::Poll::Ready(()) => Some(()),
			std::task::Poll::Pending => None,
		}
	}
}
