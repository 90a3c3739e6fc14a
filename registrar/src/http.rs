//! Health probes, status and metrics over HTTP: `/livez`, `/readyz`, `/status`, `/metrics`.
//!
//! Every endpoint is read-only and answers only `GET` and `HEAD` (others get `405`): nothing
//! reachable without authentication changes the registrar's state. The server holds at most
//! [`HttpLimits::max_connections`] connections at a time (more wait in the listen backlog),
//! closes a connection whose request head does not arrive within
//! [`HttpLimits::header_timeout`], serves one request per connection, and drops a connection
//! still open after [`HttpLimits::connection_timeout`].

use crate::{shutdown::stopped, status::Shared};
use http_body_util::Full;
use hyper::{
	body::{Bytes, Incoming},
	header, Method, Request, Response, StatusCode,
};
use hyper_util::rt::{TokioIo, TokioTimer};
use std::{convert::Infallible, net::SocketAddr, sync::Arc, time::Duration};
use tokio::{
	net::TcpListener,
	sync::{watch, Semaphore},
};

/// Bounds on what clients of the probe server can hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HttpLimits {
	/// Connections served at once; further ones wait in the listen backlog.
	pub max_connections: usize,
	/// Longest wait for a request's head (request line and headers).
	pub header_timeout: Duration,
	/// Longest life of a connection.
	pub connection_timeout: Duration,
}

impl Default for HttpLimits {
	/// 32 connections, 5 s for the request head, 30 s per connection.
	fn default() -> Self {
		Self {
			max_connections: 32,
			header_timeout: Duration::from_secs(5),
			connection_timeout: Duration::from_secs(30),
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

/// Serves the endpoints on `listener` until `shutdown` turns true, within `limits`.
pub async fn serve_with_limits(
	listener: TcpListener,
	shared: Shared,
	mut shutdown: watch::Receiver<bool>,
	limits: HttpLimits,
) {
	let slots = Arc::new(Semaphore::new(limits.max_connections.max(1)));
	loop {
		// A free slot first: at the limit, new connections wait in the backlog.
		let slot = tokio::select! {
			slot = slots.clone().acquire_owned() => match slot {
				Ok(slot) => slot,
				Err(_) => return,
			},
			_ = stopped(&mut shutdown) => return,
		};
		let accepted = tokio::select! {
			accepted = listener.accept() => accepted,
			_ = stopped(&mut shutdown) => return,
		};
		let stream = match accepted {
			Ok((stream, _)) => stream,
			Err(error) => {
				tracing::debug!(%error, "accepting an HTTP connection");
				continue;
			}
		};
		let shared = shared.clone();
		tokio::spawn(async move {
			let _slot = slot;
			let service = hyper::service::service_fn(move |request: Request<Incoming>| {
				let response = respond(request.method(), request.uri().path(), &shared);
				async move { Ok::<_, Infallible>(response) }
			});
			let connection = hyper::server::conn::http1::Builder::new()
				.timer(TokioTimer::new())
				.header_read_timeout(limits.header_timeout)
				.keep_alive(false)
				.max_buf_size(16 * 1024)
				.serve_connection(TokioIo::new(stream), service);
			match tokio::time::timeout(limits.connection_timeout, connection).await {
				Ok(Ok(())) => {}
				Ok(Err(error)) => tracing::debug!(%error, "serving an HTTP connection"),
				Err(_) => tracing::debug!("closing an HTTP connection open too long"),
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

	#[tokio::test]
	async fn connections_beyond_the_limit_wait_until_one_closes() {
		let limits = HttpLimits {
			max_connections: 2,
			header_timeout: Duration::from_secs(30),
			connection_timeout: Duration::from_secs(30),
		};
		let (addr, _stop) = start(limits).await;
		// Two idle connections take both slots.
		let idle_one = tokio::net::TcpStream::connect(addr).await.unwrap();
		let _idle_two = tokio::net::TcpStream::connect(addr).await.unwrap();
		tokio::time::sleep(Duration::from_millis(100)).await;
		let mut third = tokio::net::TcpStream::connect(addr).await.unwrap();
		third.write_all(b"GET /livez HTTP/1.1\r\nHost: x\r\n\r\n").await.unwrap();
		// The kernel accepts the third connection and its request, the server does not
		// serve it yet.
		let mut early = [0u8; 64];
		let waited = tokio::time::timeout(Duration::from_millis(500), third.read(&mut early)).await;
		assert!(waited.is_err(), "served beyond the limit: {waited:?}");
		// One idle client leaves: the third is served.
		drop(idle_one);
		let mut response = Vec::new();
		tokio::time::timeout(Duration::from_secs(5), third.read_to_end(&mut response))
			.await
			.unwrap()
			.unwrap();
		let response = String::from_utf8_lossy(&response);
		assert!(response.starts_with("HTTP/1.1 200"), "{response}");
		assert!(response.to_ascii_lowercase().contains("connection: close"), "{response}");
	}
}
