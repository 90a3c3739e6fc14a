//! Multiaddrs as text (`/ip4/203.0.113.7/tcp/30333/p2p/12D3KooW…`) and as the binary form the
//! pallet stores, through rust-libp2p's `multiaddr` crate (the format's implementation that
//! libp2p nodes use), limited to what the pallet accepts and shown as this registrar always
//! showed it.
//!
//! The crate reads and writes each component (IP addresses, ports, names, PeerIds, certificate
//! hashes, the varints and length prefixes). Around it, this module keeps the registrar's own
//! rules: only the protocols the pallet accepts
//! ([`pallet_registration::multiaddr::value_of`]), ports written as plain decimal, names in
//! printable ASCII, a `/p2p/` PeerId of an Ed25519 key (the pallet's only key type), and the
//! registrar's error messages, which name the protocol and the value. The pallet's own check
//! (`pallet_registration::multiaddr::check`) is still applied to every address before it is
//! published ([`crate::discovery::RecordContent`]).
//!
//! Known: `/ip4 /ip6 /dns /dns4 /dns6 /dnsaddr /ip6zone /sni` (text values), `/tcp /udp /dccp
//! /sctp` (ports), `/quic /quic-v1 /ws /wss /tls /noise /http /https /webtransport /webrtc
//! /webrtc-direct /p2p-circuit` (no value), `/p2p` (an Ed25519 PeerId in base58; `/ipfs` is read
//! as `/p2p`) and `/certhash` (a multihash in any multibase, shown in base16, `f…`).

use multiaddr::{Multiaddr, Protocol};
use pallet_registration::{
	multiaddr::{read_varint, value_of},
	peer_id::Ed25519PeerId,
};

/// Why a multiaddr's text or bytes could not be converted.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum MultiaddrError {
	/// The text does not start with `/` (or is empty).
	#[error("a multiaddr starts with /, got {0:?}")]
	NoLeadingSlash(String),
	/// A protocol this encoder does not know (or the pallet does not accept).
	#[error("unknown or unsupported protocol /{0}")]
	UnknownProtocol(String),
	/// A protocol that needs a value has none.
	#[error("/{0} needs a value")]
	MissingValue(String),
	/// A value that does not parse for its protocol.
	#[error("bad /{protocol} value {value:?}: {reason}")]
	BadValue {
		/// The protocol.
		protocol: String,
		/// The value's text.
		value: String,
		/// Why.
		reason: &'static str,
	},
	/// Binary: no component at all.
	#[error("empty multiaddr")]
	Empty,
	/// Binary: a varint that does not end or is not minimal.
	#[error("bad varint in the multiaddr")]
	BadVarint,
	/// Binary: a protocol code this decoder does not know.
	#[error("unknown protocol code 0x{0:x}")]
	UnknownCode(u64),
	/// Binary: a value shorter than its protocol or length prefix says.
	#[error("truncated /{0} value")]
	Truncated(String),
}

/// The names of the protocols the pallet accepts, by multicodec code (for messages about bytes
/// that do not decode: the crate names a protocol only once it has read it).
const NAMES: [(u64, &str); 26] = [
	(0x04, "ip4"),
	(0x06, "tcp"),
	(0x21, "dccp"),
	(0x29, "ip6"),
	(0x2a, "ip6zone"),
	(0x35, "dns"),
	(0x36, "dns4"),
	(0x37, "dns6"),
	(0x38, "dnsaddr"),
	(0x84, "sctp"),
	(0x0111, "udp"),
	(0x0118, "webrtc-direct"),
	(0x0119, "webrtc"),
	(0x0122, "p2p-circuit"),
	(0x01a5, "p2p"),
	(0x01bb, "https"),
	(0x01c0, "tls"),
	(0x01c1, "sni"),
	(0x01c6, "noise"),
	(0x01cc, "quic"),
	(0x01cd, "quic-v1"),
	(0x01d1, "webtransport"),
	(0x01d2, "certhash"),
	(0x01dd, "ws"),
	(0x01de, "wss"),
	(0x01e0, "http"),
];

fn name_of(code: u64) -> &'static str {
	NAMES.iter().find(|(c, _)| *c == code).map_or("?", |(_, name)| name)
}

/// Why a value of `protocol` is refused, as this registrar has always said it.
fn reason(protocol: &str) -> &'static str {
	match protocol {
		"ip4" => "not an IPv4 address",
		"ip6" => "not an IPv6 address",
		"tcp" | "udp" | "dccp" | "sctp" => "not a port (0 to 65535)",
		"p2p" | "ipfs" => "not the base58 PeerId of an Ed25519 key",
		"certhash" => "not a multihash in a multibase (e.g. base16, f…)",
		_ => "not printable ASCII",
	}
}

fn bad(protocol: &str, value: &str, reason: &'static str) -> MultiaddrError {
	MultiaddrError::BadValue { protocol: protocol.to_owned(), value: value.to_owned(), reason }
}

/// What the registrar refuses of a value the crate read: a port not written as plain decimal
/// (`080`, `+80`), a name that is not printable ASCII (or holds a `/`, which its text could not
/// show), a PeerId of another key type than Ed25519. `text` is the port as given, when given
/// as text.
fn refusal(protocol: &Protocol<'_>, text: Option<&str>) -> Option<&'static str> {
	let printable = |name: &str| {
		!name.is_empty() && name.bytes().all(|b| (0x21..=0x7e).contains(&b) && b != b'/')
	};
	match protocol {
		Protocol::Tcp(_) | Protocol::Udp(_) | Protocol::Dccp(_) | Protocol::Sctp(_) => {
			let text = text?;
			let decimal = text.bytes().all(|b| b.is_ascii_digit())
				&& !(text.len() > 1 && text.starts_with('0'));
			(!decimal).then_some(reason("tcp"))
		}
		Protocol::Dns(name)
		| Protocol::Dns4(name)
		| Protocol::Dns6(name)
		| Protocol::Dnsaddr(name)
		| Protocol::Ip6zone(name)
		| Protocol::Sni(name) => (!printable(name)).then_some(reason("dns")),
		Protocol::P2p(peer) => {
			Ed25519PeerId::from_raw(&peer.to_bytes()).is_err().then_some(reason("p2p"))
		}
		_ => None,
	}
}

/// The multicodec code of an encoded component (its first varint).
fn code_of(encoded: &[u8]) -> u64 {
	read_varint(encoded).map_or(0, |(code, _)| code)
}

/// The binary form of the multiaddr `text`.
pub fn parse(text: &str) -> Result<Vec<u8>, MultiaddrError> {
	let rest =
		text.strip_prefix('/').ok_or_else(|| MultiaddrError::NoLeadingSlash(text.to_owned()))?;
	let mut parts = rest.split('/').peekable();
	let mut out = Vec::new();
	while let Some(&name) = parts.peek() {
		let value = parts.clone().nth(1);
		let protocol = Protocol::from_str_parts(&mut parts).map_err(|error| match error {
			multiaddr::Error::UnknownProtocolString(_) => {
				MultiaddrError::UnknownProtocol(name.to_owned())
			}
			_ if value.is_none_or(str::is_empty) => MultiaddrError::MissingValue(name.to_owned()),
			_ => bad(name, value.unwrap_or_default(), reason(name)),
		})?;
		let encoded = Multiaddr::from(protocol.clone()).to_vec();
		if value_of(code_of(&encoded)).is_none() {
			return Err(MultiaddrError::UnknownProtocol(name.to_owned()));
		}
		if let Some(why) = refusal(&protocol, value) {
			return Err(bad(name, value.unwrap_or_default(), why));
		}
		out.extend(encoded);
	}
	Ok(out)
}

/// The text of one component: the crate's, but a certificate hash in base16 (`f…`), as the
/// registrar has always shown it.
fn component_text(protocol: &Protocol<'_>) -> String {
	match protocol {
		Protocol::Certhash(hash) => format!("/certhash/f{}", hex::encode(hash.to_bytes())),
		other => other.to_string(),
	}
}

/// The text of the binary multiaddr `bytes`.
pub fn to_text(bytes: &[u8]) -> Result<String, MultiaddrError> {
	if bytes.is_empty() {
		return Err(MultiaddrError::Empty);
	}
	let mut text = String::new();
	let mut rest = bytes;
	while !rest.is_empty() {
		let (code, _) = read_varint(rest).map_err(|_| MultiaddrError::BadVarint)?;
		if value_of(code).is_none() {
			return Err(MultiaddrError::UnknownCode(code));
		}
		let name = name_of(code);
		let (protocol, after) = Protocol::from_bytes(rest).map_err(|error| match error {
			multiaddr::Error::DataLessThanLen => MultiaddrError::Truncated(name.to_owned()),
			multiaddr::Error::InvalidUvar(_) => MultiaddrError::BadVarint,
			_ => bad(name, &hex::encode(rest), "cannot be shown"),
		})?;
		if refusal(&protocol, None).is_some() {
			let value = &rest[..rest.len() - after.len()];
			return Err(bad(name, &hex::encode(value), "cannot be shown"));
		}
		text.push_str(&component_text(&protocol));
		rest = after;
	}
	Ok(text)
}

/// The text of `bytes`, or `0x` hex when it is not a multiaddr this module can show.
pub fn to_text_or_hex(bytes: &[u8]) -> String {
	to_text(bytes).unwrap_or_else(|_| format!("0x{}", hex::encode(bytes)))
}

#[cfg(test)]
mod tests {
	use super::*;

	const PEER: &str = "12D3KooWQK1wnefoLrcVHbbnf5tLzbopUd3K3bFAoJpA7YJgL5pV";
	const PEER_RAW: &str =
		"002408011220d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";

	/// The multiaddr vectors of the contract's vectors (`spec/vectors.json`, the repository's
	/// one copy), computed by the JS reference client (`js/client/discovery.mjs`, `multiaddr` and
	/// `multiaddrText`, @polkadot/util) independently of this module: text, bytes, text read
	/// back.
	fn js_vectors() -> Vec<(String, String, String)> {
		let vectors: serde_json::Value =
			serde_json::from_str(include_str!("../../spec/vectors.json")).unwrap();
		let field = |v: &serde_json::Value, key: &str| v[key].as_str().unwrap().to_owned();
		let cases = vectors["discovery"]["multiaddrs"].as_array().unwrap();
		assert!(cases.len() >= 7);
		cases.iter().map(|v| (field(v, "text"), field(v, "bytes"), field(v, "shown"))).collect()
	}

	#[test]
	fn text_and_bytes_match_the_js_client() {
		let raw = hex::decode(PEER_RAW).unwrap();
		for (text, bytes, back) in js_vectors() {
			assert_eq!(hex::encode(parse(&text).unwrap()), bytes, "{text}");
			let binary = hex::decode(&bytes).unwrap();
			assert_eq!(pallet_registration::multiaddr::check(&binary, &raw), Ok(()), "{text}");
			assert_eq!(to_text(&hex::decode(&bytes).unwrap()).unwrap(), back, "{text}");
		}
	}

	#[test]
	fn every_protocol_round_trips_and_passes_the_pallets_check() {
		let raw = hex::decode(PEER_RAW).unwrap();
		let texts = [
			"/dns/node.example.com/tcp/30333/tls/sni/node.example.com/http".to_owned(),
			format!(
				"/dns6/v6.example.com/udp/9000/quic/webtransport/certhash/f1220{}",
				"ab".repeat(32)
			),
			"/dnsaddr/bootstrap.example.com".to_owned(),
			"/ip6zone/eth0/ip6/fe80::1/tcp/1/wss".to_owned(),
			"/ip4/1.2.3.4/udp/5/webrtc-direct/certhash/f0000".to_owned(),
			"/ip4/1.2.3.4/tcp/5/noise/https".to_owned(),
			"/ip4/1.2.3.4/sctp/5/dccp/6/webrtc".to_owned(),
			format!("/ip4/1.2.3.4/tcp/5/p2p/{PEER}/p2p-circuit"),
			"/ip4/255.255.255.255/tcp/65535".to_owned(),
		];
		for text in texts {
			let bytes = parse(&text).unwrap();
			assert_eq!(to_text(&bytes).unwrap(), text);
			assert_eq!(pallet_registration::multiaddr::check(&bytes, &raw), Ok(()), "{text}");
		}
		// `/ipfs/` is the old name of `/p2p/`.
		assert_eq!(
			to_text(&parse(&format!("/ipfs/{PEER}")).unwrap()).unwrap(),
			format!("/p2p/{PEER}")
		);
		// A certificate hash in another multibase (libp2p prints base64url, `u…`) is read too,
		// and shown in base16 as always.
		let base64url = "/ip4/1.2.3.4/udp/5/webrtc-direct/certhash/uEiCrq6urq6urq6urq6urq6urq6urq6urq6urq6urq6urqw";
		assert_eq!(
			to_text(&parse(base64url).unwrap()).unwrap(),
			format!("/ip4/1.2.3.4/udp/5/webrtc-direct/certhash/f1220{}", "ab".repeat(32))
		);
	}

	#[test]
	fn protocols_the_pallet_refuses_are_refused_by_name() {
		use MultiaddrError::*;
		// rust-libp2p knows these; the pallet does not take them.
		for (text, name) in
			[("/unix/tmp", "unix"), ("/memory/5", "memory"), ("/ip4/1.2.3.4/udt", "udt")]
		{
			assert_eq!(parse(text), Err(UnknownProtocol(name.into())), "{text}");
		}
		// The message names the protocol and the value, as before the crate.
		assert_eq!(
			parse("/ip4/1.2.3.4/tcp/99999").unwrap_err().to_string(),
			"bad /tcp value \"99999\": not a port (0 to 65535)"
		);
		assert_eq!(parse("/ip4").unwrap_err().to_string(), "/ip4 needs a value");
	}

	#[test]
	fn bad_text_is_refused_with_the_reason() {
		use MultiaddrError::*;
		assert!(matches!(parse(""), Err(NoLeadingSlash(_))));
		assert!(matches!(parse("ip4/1.2.3.4"), Err(NoLeadingSlash(_))));
		assert_eq!(parse("/ip9/1"), Err(UnknownProtocol("ip9".into())));
		assert_eq!(parse("/"), Err(UnknownProtocol("".into())));
		assert_eq!(parse("/ip4"), Err(MissingValue("ip4".into())));
		assert_eq!(parse("/ip4/1.2.3.4/tcp/"), Err(MissingValue("tcp".into())));
		assert!(matches!(parse("/ip4/1.2.3.4/"), Err(UnknownProtocol(_))));
		for bad_text in [
			"/ip4/1.2.3",
			"/ip4/256.1.1.1",
			"/ip6/1::2::3",
			"/ip4/1.2.3.4/tcp/65536",
			"/ip4/1.2.3.4/tcp/-1",
			"/ip4/1.2.3.4/tcp/080",
			"/ip4/1.2.3.4/tcp/+80",
			"/dns4/bad name",
			"/p2p/QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N",
			"/p2p/notbase58!",
			"/certhash/uAAAA",
			"/certhash/fABCD",
			"/certhash/f123",
		] {
			assert!(matches!(parse(bad_text), Err(BadValue { .. })), "{bad_text}");
		}
	}

	#[test]
	fn bad_bytes_are_refused_and_shown_as_hex() {
		use MultiaddrError::*;
		assert_eq!(to_text(&[]), Err(Empty));
		assert_eq!(to_text(&[0x04, 1, 2, 3]), Err(Truncated("ip4".into())));
		assert_eq!(to_text(&[0x7f]), Err(UnknownCode(0x7f)));
		assert_eq!(to_text(&[0x80]), Err(BadVarint));
		assert_eq!(to_text(&[0x36, 5, b'a']), Err(Truncated("dns4".into())));
		// A `/p2p/` value that is not an Ed25519 PeerId cannot be shown as one.
		assert!(matches!(to_text(&[0xa5, 0x03, 2, 1, 2]), Err(BadValue { .. })));
		assert_eq!(to_text_or_hex(&[0x7f, 1]), "0x7f01");
		assert_eq!(to_text_or_hex(&[0x04, 1, 2, 3, 4]), "/ip4/1.2.3.4");
	}
}
