//! Multiaddrs as text (`/ip4/203.0.113.7/tcp/30333/p2p/12D3KooW…`) and as the binary form the
//! pallet stores: for each component an unsigned-varint protocol code, then its value (fixed
//! size, nothing, or an unsigned-varint length and the bytes).
//!
//! Hand-written rather than the `multiaddr` crate: it adds no dependency, and it knows exactly
//! the protocols the pallet accepts (`pallet_registration::multiaddr`), each with a plain value,
//! so what it encodes is what the pallet will check, and nothing the pallet refuses is produced.
//! The pallet's own check (`pallet_registration::multiaddr::check`) is applied to every
//! address before it is published ([`crate::discovery::RecordContent`]).
//!
//! Known: `/ip4 /ip6 /dns /dns4 /dns6 /dnsaddr /ip6zone /sni` (text values), `/tcp /udp /dccp
//! /sctp` (ports), `/quic /quic-v1 /ws /wss /tls /noise /http /https /webtransport /webrtc
//! /webrtc-direct /p2p-circuit` (no value), `/p2p` (an Ed25519 PeerId in base58; `/ipfs` is read
//! as `/p2p`) and `/certhash` (multibase base16, `f…`).

use pallet_registration::{multiaddr::read_varint, peer_id::Ed25519PeerId};
use std::net::{Ipv4Addr, Ipv6Addr};

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
	MissingValue(&'static str),
	/// A value that does not parse for its protocol.
	#[error("bad /{protocol} value {value:?}: {reason}")]
	BadValue {
		/// The protocol.
		protocol: &'static str,
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
	Truncated(&'static str),
}

/// How a protocol's value is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
	/// No value.
	Flag,
	/// An IPv4 address: 4 bytes.
	Ip4,
	/// An IPv6 address: 16 bytes.
	Ip6,
	/// A port: 2 bytes, big-endian.
	Port,
	/// Text (a name): varint length, then the bytes.
	Text,
	/// A PeerId: varint length, then the raw multihash bytes; base58 as text.
	PeerId,
	/// A multibase value: varint length, then the bytes; base16 (`f…`) as text.
	Multibase,
}

/// The protocols: text name, multicodec code, value kind (the pallet's list, without the ones
/// whose text form needs more than this encoder knows).
const PROTOCOLS: [(&str, u64, Kind); 26] = [
	("ip4", 0x04, Kind::Ip4),
	("tcp", 0x06, Kind::Port),
	("dccp", 0x21, Kind::Port),
	("ip6", 0x29, Kind::Ip6),
	("ip6zone", 0x2a, Kind::Text),
	("dns", 0x35, Kind::Text),
	("dns4", 0x36, Kind::Text),
	("dns6", 0x37, Kind::Text),
	("dnsaddr", 0x38, Kind::Text),
	("sctp", 0x84, Kind::Port),
	("udp", 0x0111, Kind::Port),
	("webrtc-direct", 0x0118, Kind::Flag),
	("webrtc", 0x0119, Kind::Flag),
	("p2p-circuit", 0x0122, Kind::Flag),
	("p2p", 0x01a5, Kind::PeerId),
	("https", 0x01bb, Kind::Flag),
	("tls", 0x01c0, Kind::Flag),
	("sni", 0x01c1, Kind::Text),
	("noise", 0x01c6, Kind::Flag),
	("quic", 0x01cc, Kind::Flag),
	("quic-v1", 0x01cd, Kind::Flag),
	("webtransport", 0x01d1, Kind::Flag),
	("certhash", 0x01d2, Kind::Multibase),
	("ws", 0x01dd, Kind::Flag),
	("wss", 0x01de, Kind::Flag),
	("http", 0x01e0, Kind::Flag),
];

fn by_name(name: &str) -> Option<(&'static str, u64, Kind)> {
	let name = if name == "ipfs" { "p2p" } else { name };
	PROTOCOLS.iter().copied().find(|(n, _, _)| *n == name)
}

fn by_code(code: u64) -> Option<(&'static str, u64, Kind)> {
	PROTOCOLS.iter().copied().find(|(_, c, _)| *c == code)
}

/// Appends `value` as an unsigned varint (7 bits a byte, low group first).
pub fn write_varint(mut value: u64, out: &mut Vec<u8>) {
	loop {
		let low = (value & 0x7f) as u8;
		value >>= 7;
		if value == 0 {
			out.push(low);
			return;
		}
		out.push(low | 0x80);
	}
}

fn bad(protocol: &'static str, value: &str, reason: &'static str) -> MultiaddrError {
	MultiaddrError::BadValue { protocol, value: value.to_owned(), reason }
}

/// The bytes of `value`, a text value of `protocol`.
fn value_bytes(protocol: &'static str, kind: Kind, value: &str) -> Result<Vec<u8>, MultiaddrError> {
	Ok(match kind {
		Kind::Flag => Vec::new(),
		Kind::Ip4 => value
			.parse::<Ipv4Addr>()
			.map_err(|_| bad(protocol, value, "not an IPv4 address"))?
			.octets()
			.to_vec(),
		Kind::Ip6 => value
			.parse::<Ipv6Addr>()
			.map_err(|_| bad(protocol, value, "not an IPv6 address"))?
			.octets()
			.to_vec(),
		Kind::Port => {
			let decimal = value.bytes().all(|b| b.is_ascii_digit())
				&& !(value.len() > 1 && value.starts_with('0'));
			let port = value
				.parse::<u16>()
				.ok()
				.filter(|_| decimal)
				.ok_or_else(|| bad(protocol, value, "not a port (0 to 65535)"))?;
			port.to_be_bytes().to_vec()
		}
		Kind::Text => {
			if !value.bytes().all(|b| (0x21..=0x7e).contains(&b)) {
				return Err(bad(protocol, value, "not printable ASCII"));
			}
			value.as_bytes().to_vec()
		}
		Kind::PeerId => Ed25519PeerId::from_base58(value.as_bytes())
			.map_err(|_| bad(protocol, value, "not the base58 PeerId of an Ed25519 key"))?
			.to_raw()
			.to_vec(),
		Kind::Multibase => {
			let hex_digits = value
				.strip_prefix('f')
				.ok_or_else(|| bad(protocol, value, "only base16 multibase (f…) is supported"))?;
			let bytes =
				hex::decode(hex_digits).map_err(|_| bad(protocol, value, "not lowercase hex"))?;
			if hex_digits.bytes().any(|b| b.is_ascii_uppercase()) {
				return Err(bad(protocol, value, "not lowercase hex"));
			}
			bytes
		}
	})
}

/// The binary form of the multiaddr `text`.
pub fn parse(text: &str) -> Result<Vec<u8>, MultiaddrError> {
	let rest =
		text.strip_prefix('/').ok_or_else(|| MultiaddrError::NoLeadingSlash(text.to_owned()))?;
	let mut parts = rest.split('/');
	let mut out = Vec::new();
	while let Some(name) = parts.next() {
		let (protocol, code, kind) =
			by_name(name).ok_or_else(|| MultiaddrError::UnknownProtocol(name.to_owned()))?;
		write_varint(code, &mut out);
		if kind == Kind::Flag {
			continue;
		}
		let value = parts
			.next()
			.filter(|value| !value.is_empty())
			.ok_or(MultiaddrError::MissingValue(protocol))?;
		let bytes = value_bytes(protocol, kind, value)?;
		if matches!(kind, Kind::Text | Kind::PeerId | Kind::Multibase) {
			if bytes.is_empty() {
				return Err(MultiaddrError::MissingValue(protocol));
			}
			write_varint(bytes.len() as u64, &mut out);
		}
		out.extend_from_slice(&bytes);
	}
	Ok(out)
}

/// Splits `len` bytes off the front of `bytes`.
fn take<'a>(
	bytes: &'a [u8],
	len: usize,
	protocol: &'static str,
) -> Result<(&'a [u8], &'a [u8]), MultiaddrError> {
	bytes.split_at_checked(len).ok_or(MultiaddrError::Truncated(protocol))
}

fn varint(bytes: &[u8]) -> Result<(u64, &[u8]), MultiaddrError> {
	read_varint(bytes).map_err(|_| MultiaddrError::BadVarint)
}

/// The text of the binary multiaddr `bytes`.
pub fn to_text(bytes: &[u8]) -> Result<String, MultiaddrError> {
	if bytes.is_empty() {
		return Err(MultiaddrError::Empty);
	}
	let mut text = String::new();
	let mut rest = bytes;
	while !rest.is_empty() {
		let (code, after_code) = varint(rest)?;
		let (protocol, _, kind) = by_code(code).ok_or(MultiaddrError::UnknownCode(code))?;
		text.push('/');
		text.push_str(protocol);
		let (value, after_value) = match kind {
			Kind::Flag => (&[] as &[u8], after_code),
			Kind::Ip4 => take(after_code, 4, protocol)?,
			Kind::Ip6 => take(after_code, 16, protocol)?,
			Kind::Port => take(after_code, 2, protocol)?,
			Kind::Text | Kind::PeerId | Kind::Multibase => {
				let (len, after_len) = varint(after_code)?;
				let len = usize::try_from(len).map_err(|_| MultiaddrError::Truncated(protocol))?;
				take(after_len, len, protocol)?
			}
		};
		let shown = match kind {
			Kind::Flag => None,
			Kind::Ip4 => <[u8; 4]>::try_from(value).ok().map(|o| Ipv4Addr::from(o).to_string()),
			Kind::Ip6 => <[u8; 16]>::try_from(value).ok().map(|o| Ipv6Addr::from(o).to_string()),
			Kind::Port => {
				<[u8; 2]>::try_from(value).ok().map(|p| u16::from_be_bytes(p).to_string())
			}
			Kind::Text => std::str::from_utf8(value)
				.ok()
				.filter(|t| !t.is_empty() && !t.contains('/'))
				.map(str::to_owned),
			Kind::PeerId => Ed25519PeerId::from_raw(value)
				.ok()
				.map(|peer| String::from_utf8_lossy(&peer.to_node_id()).into_owned()),
			Kind::Multibase => Some(format!("f{}", hex::encode(value))),
		};
		if kind != Kind::Flag {
			let shown =
				shown.ok_or_else(|| bad(protocol, &hex::encode(value), "cannot be shown"))?;
			text.push('/');
			text.push_str(&shown);
		}
		rest = after_value;
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
	/// one copy), computed by the JS reference client (`e2e/lib/discovery.mjs`, `multiaddr` and
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
			"/dns6/v6.example.com/udp/9000/quic/webtransport/certhash/f1220aabb".to_owned(),
			"/dnsaddr/bootstrap.example.com".to_owned(),
			"/ip6zone/eth0/ip6/fe80::1/tcp/1/wss".to_owned(),
			"/ip4/1.2.3.4/udp/5/webrtc-direct/certhash/f00".to_owned(),
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
	}

	#[test]
	fn varints_are_minimal_little_groups_first() {
		let mut out = Vec::new();
		// Multiformats varints are at most 9 bytes: 63 bits.
		for value in [0u64, 1, 0x7f, 0x80, 0x01a5, 0x3fff, 0x4000, (1 << 63) - 1] {
			out.clear();
			write_varint(value, &mut out);
			assert_eq!(read_varint(&out), Ok((value, &[][..])), "{value}");
		}
		out.clear();
		write_varint(1 << 63, &mut out);
		assert_eq!(out.len(), 10);
		assert!(read_varint(&out).is_err());
		out.clear();
		write_varint(0x01a5, &mut out);
		assert_eq!(out, [0xa5, 0x03]);
	}

	#[test]
	fn bad_text_is_refused_with_the_reason() {
		use MultiaddrError::*;
		assert!(matches!(parse(""), Err(NoLeadingSlash(_))));
		assert!(matches!(parse("ip4/1.2.3.4"), Err(NoLeadingSlash(_))));
		assert_eq!(parse("/ip9/1"), Err(UnknownProtocol("ip9".into())));
		assert_eq!(parse("/"), Err(UnknownProtocol("".into())));
		assert_eq!(parse("/ip4"), Err(MissingValue("ip4")));
		assert_eq!(parse("/ip4/1.2.3.4/tcp/"), Err(MissingValue("tcp")));
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
		assert_eq!(to_text(&[0x04, 1, 2, 3]), Err(Truncated("ip4")));
		assert_eq!(to_text(&[0x7f]), Err(UnknownCode(0x7f)));
		assert_eq!(to_text(&[0x80]), Err(BadVarint));
		assert_eq!(to_text(&[0x36, 5, b'a']), Err(Truncated("dns4")));
		// A `/p2p/` value that is not an Ed25519 PeerId cannot be shown as one.
		assert!(matches!(to_text(&[0xa5, 0x03, 2, 1, 2]), Err(BadValue { .. })));
		assert_eq!(to_text_or_hex(&[0x7f, 1]), "0x7f01");
		assert_eq!(to_text_or_hex(&[0x04, 1, 2, 3, 4]), "/ip4/1.2.3.4");
	}
}
