//! Secret material that must never reach a log line, a `Debug` dump or an error message.

use zeroize::Zeroizing;

/// Text that holds a secret (a secret URI, a mnemonic, a key file's content).
///
/// Its `Debug` and `Display` print `<redacted>`; its memory is zeroed when it is dropped.
pub struct SecretText(Zeroizing<String>);

impl SecretText {
	/// Wraps `text`.
	pub fn new(text: String) -> Self {
		Self(Zeroizing::new(text))
	}

	/// The secret itself; keep the borrow short and never format it.
	pub fn expose(&self) -> &str {
		self.0.as_str()
	}
}

impl std::fmt::Debug for SecretText {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		f.write_str("SecretText(<redacted>)")
	}
}

impl std::fmt::Display for SecretText {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		f.write_str("<redacted>")
	}
}

/// Bytes that hold a secret; zeroed on drop, redacted in `Debug`.
pub struct SecretBytes(Zeroizing<Vec<u8>>);

impl SecretBytes {
	/// Wraps `bytes`.
	pub fn new(bytes: Vec<u8>) -> Self {
		Self(Zeroizing::new(bytes))
	}

	/// The secret itself.
	pub fn expose(&self) -> &[u8] {
		self.0.as_slice()
	}
}

impl std::fmt::Debug for SecretBytes {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		write!(f, "SecretBytes(<redacted, {} bytes>)", self.0.len())
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn secrets_are_redacted_in_debug_and_display() {
		let text = SecretText::new("bottom drive obey lake//Alice".into());
		assert_eq!(format!("{text:?}"), "SecretText(<redacted>)");
		assert_eq!(format!("{text}"), "<redacted>");
		let bytes = SecretBytes::new(vec![1, 2, 3]);
		assert!(!format!("{bytes:?}").contains('1'));
	}
}
