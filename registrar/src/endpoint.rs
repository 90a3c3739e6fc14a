//! The chain endpoint as it may be shown. An RPC URL often carries a credential: user-info
//! (`wss://user:password@host`), an API key in the path (`wss://host/v3/<key>`) or in the query
//! (`?apikey=…`). Only the scheme, host and port are ever shown (in `/status`, logs, errors
//! and the state file); the rest is replaced by `<redacted>`.

use zeroize::Zeroizing;

/// What replaces a secret part.
pub const REDACTED: &str = "<redacted>";

/// Shortest part of an endpoint (a path segment, a query value, a user name or password)
/// scrubbed on its own from text; shorter parts are scrubbed only as part of the whole URL, so
/// that scrubbing does not mangle ordinary words.
const MIN_SCRUBBED_LEN: usize = 4;

/// `url` without user-info, path, query or fragment: `wss://<redacted>@host:443/<redacted>`
/// for `wss://user:pw@host:443/key?x=1`. A URL whose authority does not parse is shown as
/// `<redacted>` entirely.
pub fn redact_endpoint(url: &str) -> String {
	match Parts::of(url) {
		Some(parts) => parts.shown(),
		None => REDACTED.to_owned(),
	}
}

/// The parts of a URL: `scheme://userinfo@hostport/path?query#fragment`.
struct Parts<'a> {
	scheme: &'a str,
	userinfo: Option<&'a str>,
	hostport: &'a str,
	path: &'a str,
	query: Option<&'a str>,
	fragment: Option<&'a str>,
}

impl<'a> Parts<'a> {
	fn of(url: &'a str) -> Option<Self> {
		let url = url.trim();
		let (scheme, rest) = match url.find("://") {
			Some(i) => (&url[..i], &url[i + 3..]),
			None => ("", url),
		};
		let scheme_ok = scheme.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c));
		let (before_fragment, fragment) = match rest.split_once('#') {
			Some((before, fragment)) => (before, Some(fragment)),
			None => (rest, None),
		};
		let (before_query, query) = match before_fragment.split_once('?') {
			Some((before, query)) => (before, Some(query)),
			None => (before_fragment, None),
		};
		let (authority, path) = match before_query.find('/') {
			Some(i) => before_query.split_at(i),
			None => (before_query, ""),
		};
		let (userinfo, hostport) = match authority.rsplit_once('@') {
			Some((userinfo, hostport)) => (Some(userinfo), hostport),
			None => (None, authority),
		};
		let host_ok = !hostport.is_empty()
			&& hostport.chars().all(|c| c.is_ascii_alphanumeric() || ".-_:[]%".contains(c));
		(scheme_ok && host_ok).then_some(Parts {
			scheme,
			userinfo,
			hostport,
			path,
			query,
			fragment,
		})
	}

	fn shown(&self) -> String {
		let mut out = String::new();
		if !self.scheme.is_empty() {
			out.push_str(self.scheme);
			out.push_str("://");
		}
		if self.userinfo.is_some() {
			out.push_str(REDACTED);
			out.push('@');
		}
		out.push_str(self.hostport);
		if !self.path.is_empty() && self.path != "/" {
			out.push('/');
			out.push_str(REDACTED);
		}
		if self.query.is_some() {
			out.push('?');
			out.push_str(REDACTED);
		}
		if self.fragment.is_some() {
			out.push('#');
			out.push_str(REDACTED);
		}
		out
	}

	/// The secret parts worth scrubbing from text on their own.
	fn secrets(&self) -> Vec<String> {
		let mut secrets = Vec::new();
		if let Some(userinfo) = self.userinfo {
			secrets.push(format!("{userinfo}@"));
			secrets.push(userinfo.to_owned());
			secrets.extend(userinfo.split(':').map(str::to_owned));
		}
		if !self.path.is_empty() && self.path != "/" {
			secrets.push(self.path.to_owned());
			secrets.extend(self.path.split('/').map(str::to_owned));
		}
		for part in [self.query, self.fragment].into_iter().flatten() {
			secrets.push(part.to_owned());
			for pair in part.split('&') {
				secrets.push(pair.to_owned());
				if let Some((_, value)) = pair.split_once('=') {
					secrets.push(value.to_owned());
				}
			}
		}
		secrets
	}
}

/// Removes an endpoint's secrets from any text (error messages of the RPC client may quote
/// the URL): the URL itself becomes its redacted form, its secret parts `<redacted>`.
#[derive(Clone)]
pub struct EndpointRedactor {
	url: Zeroizing<String>,
	shown: String,
	/// Secret parts, longest first.
	secrets: Vec<Zeroizing<String>>,
}

impl std::fmt::Debug for EndpointRedactor {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		f.debug_tuple("EndpointRedactor").field(&self.shown).finish()
	}
}

impl EndpointRedactor {
	/// A redactor for `url`.
	pub fn new(url: &str) -> Self {
		let parts = Parts::of(url);
		let shown = parts.as_ref().map_or_else(|| REDACTED.to_owned(), Parts::shown);
		let mut secrets: Vec<String> = match &parts {
			Some(parts) => parts.secrets(),
			// Unparsable: nothing but the whole text can be recognized.
			None => Vec::new(),
		};
		secrets.retain(|s| s.len() >= MIN_SCRUBBED_LEN && s.as_str() != REDACTED);
		secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
		secrets.dedup();
		Self {
			url: Zeroizing::new(url.trim().to_owned()),
			shown,
			secrets: secrets.into_iter().map(Zeroizing::new).collect(),
		}
	}

	/// The endpoint as it may be shown.
	pub fn shown(&self) -> &str {
		&self.shown
	}

	/// `text` without the endpoint's secrets.
	pub fn scrub(&self, text: &str) -> String {
		let mut out = if self.url.is_empty() {
			text.to_owned()
		} else {
			text.replace(self.url.as_str(), &self.shown)
		};
		for secret in &self.secrets {
			if out.contains(secret.as_str()) {
				out = out.replace(secret.as_str(), REDACTED);
			}
		}
		out
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn only_scheme_host_and_port_are_shown() {
		assert_eq!(redact_endpoint("ws://127.0.0.1:9944"), "ws://127.0.0.1:9944");
		assert_eq!(redact_endpoint("wss://rpc.example.com/"), "wss://rpc.example.com");
		assert_eq!(
			redact_endpoint("wss://alice:s3cret@rpc.example.com:443/v3/0123456789abcdef?key=k#f"),
			"wss://<redacted>@rpc.example.com:443/<redacted>?<redacted>#<redacted>"
		);
		assert_eq!(
			redact_endpoint("wss://rpc.example.com?apikey=abc"),
			"wss://rpc.example.com?<redacted>"
		);
		assert_eq!(redact_endpoint("ws://[::1]:9944/ws"), "ws://[::1]:9944/<redacted>");
		assert_eq!(redact_endpoint("user:pw@host:1"), "<redacted>@host:1");
		// What does not parse is not shown at all.
		assert_eq!(redact_endpoint("wss://exa mple.com/key"), REDACTED);
		assert_eq!(redact_endpoint("w s://host/key"), REDACTED);
		assert_eq!(redact_endpoint(""), REDACTED);
	}

	#[test]
	fn scrubbing_removes_the_url_and_its_secret_parts_from_text() {
		let url = "wss://alice:s3cretpw@rpc.example.com/v3/0123456789abcdef?apikey=topsecret";
		let redactor = EndpointRedactor::new(url);
		assert_eq!(redactor.shown(), "wss://<redacted>@rpc.example.com/<redacted>?<redacted>");
		let text = format!(
			"cannot connect to {url}: Invalid URL wss://alice:s3cretpw@rpc.example.com/v3/0123456789abcdef/?apikey=topsecret, \
			 401 for /v3/0123456789abcdef, password s3cretpw, token 0123456789abcdef, topsecret"
		);
		let scrubbed = redactor.scrub(&text);
		for secret in ["alice", "s3cretpw", "0123456789abcdef", "apikey", "topsecret"] {
			assert!(!scrubbed.contains(secret), "{secret} in {scrubbed}");
		}
		assert!(scrubbed.starts_with(
			"cannot connect to wss://<redacted>@rpc.example.com/<redacted>?<redacted>: "
		));
		assert!(scrubbed.contains("rpc.example.com"));
		// Ordinary text and plain endpoints are left alone.
		let plain = EndpointRedactor::new("ws://127.0.0.1:9944");
		assert_eq!(
			plain.scrub("connection refused (os error 111)"),
			"connection refused (os error 111)"
		);
		assert_eq!(plain.scrub("ws://127.0.0.1:9944 closed"), "ws://127.0.0.1:9944 closed");
		// Short parts (`/ws`) are scrubbed only as part of the URL.
		let short = EndpointRedactor::new("ws://host:1/ws");
		assert_eq!(short.scrub("ws://host:1/ws: ws error"), "ws://host:1/<redacted>: ws error");
		assert!(!format!("{redactor:?}").contains("s3cretpw"));
	}
}
