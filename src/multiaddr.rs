//! Structural checks of binary multiaddrs, without storage access and without panics.
//!
//! A multiaddr is a sequence of components, each an unsigned-varint protocol code followed by
//! the protocol's value: fixed-size, empty, or an unsigned-varint length and that many bytes.
//! The pallet accepts the protocols a libp2p node announces (IP, DNS, TCP/UDP, QUIC, WebSocket,
//! WebRTC, WebTransport, TLS, Noise, relays, HTTP, `/p2p/`) and refuses any other code, since
//! the length of an unknown protocol's value cannot be known. A `/p2p/` component must name the
//! node the address belongs to.

/// Why bytes are not an acceptable multiaddr.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum MultiaddrError {
	/// No component at all.
	Empty,
	/// A varint that does not end, is longer than the multiformats limit (9 bytes) or is not
	/// minimally encoded.
	BadVarint,
	/// A protocol code this pallet does not accept.
	UnknownProtocol,
	/// A value shorter than its protocol requires, or than its length prefix says.
	Truncated,
	/// A length-prefixed value of length zero where the protocol needs one.
	EmptyValue,
	/// A `/p2p/` component that names another node.
	ForeignPeerId,
}

/// How long a protocol's value is.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Value {
	/// Exactly this many bytes.
	Fixed(usize),
	/// An unsigned-varint length, then that many bytes (at least one).
	Prefixed,
}

/// The value an accepted protocol (by its multicodec code) carries; `None` for a protocol the
/// pallet refuses.
pub fn value_of(code: u64) -> Option<Value> {
	use Value::*;
	Some(match code {
		0x04 => Fixed(4),   // ip4
		0x06 => Fixed(2),   // tcp
		0x21 => Fixed(2),   // dccp
		0x29 => Fixed(16),  // ip6
		0x2a => Prefixed,   // ip6zone
		0x35 => Prefixed,   // dns
		0x36 => Prefixed,   // dns4
		0x37 => Prefixed,   // dns6
		0x38 => Prefixed,   // dnsaddr
		0x84 => Fixed(2),   // sctp
		0x0111 => Fixed(2), // udp
		0x0118 => Fixed(0), // webrtc-direct
		0x0119 => Fixed(0), // webrtc
		0x0122 => Fixed(0), // p2p-circuit
		0x01a5 => Prefixed, // p2p
		0x01bb => Fixed(0), // https
		0x01c0 => Fixed(0), // tls
		0x01c1 => Prefixed, // sni
		0x01c6 => Fixed(0), // noise
		0x01cc => Fixed(0), // quic
		0x01cd => Fixed(0), // quic-v1
		0x01d1 => Fixed(0), // webtransport
		0x01d2 => Prefixed, // certhash
		0x01dd => Fixed(0), // ws
		0x01de => Fixed(0), // wss
		0x01e0 => Fixed(0), // http
		_ => return None,
	})
}

/// The multicodec code of `/p2p/`.
const P2P: u64 = 0x01a5;

/// Reads one unsigned varint (at most 9 bytes, minimally encoded) from the front of `bytes`.
pub fn read_varint(bytes: &[u8]) -> Result<(u64, &[u8]), MultiaddrError> {
	let mut value: u64 = 0;
	for (index, byte) in bytes.iter().enumerate().take(9) {
		let low = u64::from(byte & 0x7f);
		value |= low.checked_shl(7u32.saturating_mul(index as u32)).unwrap_or(0);
		if byte & 0x80 == 0 {
			// A last byte of zero after the first is a longer encoding than needed.
			if index > 0 && *byte == 0 {
				return Err(MultiaddrError::BadVarint);
			}
			let rest = bytes.get(index.saturating_add(1)..).unwrap_or_default();
			return Ok((value, rest));
		}
	}
	Err(MultiaddrError::BadVarint)
}

/// Checks that `bytes` is a well-formed multiaddr of accepted protocols whose `/p2p/`
/// components, if any, are `peer_id` (the node's raw PeerId).
pub fn check(bytes: &[u8], peer_id: &[u8]) -> Result<(), MultiaddrError> {
	if bytes.is_empty() {
		return Err(MultiaddrError::Empty);
	}
	let mut rest = bytes;
	while !rest.is_empty() {
		let (code, after_code) = read_varint(rest)?;
		let (value, after_value) = match value_of(code).ok_or(MultiaddrError::UnknownProtocol)? {
			Value::Fixed(len) => {
				after_code.split_at_checked(len).ok_or(MultiaddrError::Truncated)?
			}
			Value::Prefixed => {
				let (len, after_len) = read_varint(after_code)?;
				let len = usize::try_from(len).map_err(|_| MultiaddrError::Truncated)?;
				if len == 0 {
					return Err(MultiaddrError::EmptyValue);
				}
				after_len.split_at_checked(len).ok_or(MultiaddrError::Truncated)?
			}
		};
		if code == P2P && value != peer_id {
			return Err(MultiaddrError::ForeignPeerId);
		}
		rest = after_value;
	}
	Ok(())
}

#[cfg(test)]
mod tests {
	use super::*;

	const PEER: [u8; 38] = [
		0x00, 0x24, 0x08, 0x01, 0x12, 0x20, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7,
		7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7,
	];

	fn p2p(peer: &[u8]) -> Vec<u8> {
		let mut out = vec![0xa5, 0x03, peer.len() as u8];
		out.extend_from_slice(peer);
		out
	}

	#[test]
	fn common_addresses_pass() {
		// /ip4/127.0.0.1/tcp/30333
		let tcp = [0x04, 127, 0, 0, 1, 0x06, 0x76, 0x2d];
		assert_eq!(check(&tcp, &PEER), Ok(()));
		// /ip6/::1/udp/443/quic-v1/p2p/<peer>
		let mut quic = vec![0x29];
		quic.extend_from_slice(&[0; 15]);
		quic.push(1);
		quic.extend_from_slice(&[0x91, 0x02, 0x01, 0xbb, 0xcd, 0x03]);
		quic.extend(p2p(&PEER));
		assert_eq!(check(&quic, &PEER), Ok(()));
		// /dns4/example.org/tcp/443/wss
		let mut dns = vec![0x36, 11];
		dns.extend_from_slice(b"example.org");
		dns.extend_from_slice(&[0x06, 0x01, 0xbb, 0xde, 0x03]);
		assert_eq!(check(&dns, &PEER), Ok(()));
	}

	#[test]
	fn malformed_addresses_are_refused() {
		assert_eq!(check(&[], &PEER), Err(MultiaddrError::Empty));
		assert_eq!(check(&[0x04, 127, 0, 0], &PEER), Err(MultiaddrError::Truncated));
		assert_eq!(check(&[0x7f], &PEER), Err(MultiaddrError::UnknownProtocol));
		assert_eq!(check(&[0x80], &PEER), Err(MultiaddrError::BadVarint));
		// 4 encoded in two bytes: not minimal.
		assert_eq!(check(&[0x84, 0x00, 1, 2, 3, 4], &PEER), Err(MultiaddrError::BadVarint));
		assert_eq!(check(&[0xff; 12], &PEER), Err(MultiaddrError::BadVarint));
		assert_eq!(check(&[0x36, 0], &PEER), Err(MultiaddrError::EmptyValue));
		assert_eq!(check(&[0x36, 5, b'a'], &PEER), Err(MultiaddrError::Truncated));
		let mut other = PEER;
		other[37] = 8;
		assert_eq!(check(&p2p(&other), &PEER), Err(MultiaddrError::ForeignPeerId));
	}
}
