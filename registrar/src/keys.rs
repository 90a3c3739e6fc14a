//! The two keys of a registration: the node's libp2p Ed25519 key (it signs the challenge) and
//! the owner's sr25519 account key (it signs the transaction).
//!
//! Node keys are read in the formats operators have:
//! - a Substrate node-key file (`--node-key-file` of a Substrate node): the 32-byte secret as
//!   64 hex characters, or as 32 raw bytes;
//! - a raw hex seed: 32 bytes (the secret) or 64 bytes (secret followed by public key);
//! - a go-libp2p private key: the protobuf `PrivateKey { Type = Ed25519, Data }` in base64 (as in
//!   an IPFS/kubo `config` file's `PrivKey`), or its raw bytes, read by rust-libp2p's
//!   `libp2p-identity`.
//!
//! The owner's key comes from a secret URI or mnemonic (with optional `//hard/soft` derivation
//! and `///password`) read from a file or an environment variable, never from the command line.
//!
//! A key file (node key, owner or submitter secret) that its group or other users can read or
//! write is refused, as ssh refuses such private keys ([`KeyError::SharedKeyFile`] says which
//! `chmod` to run). A secret in an environment variable can be moved out of the environment
//! at start-up ([`take_env_secret`], which the binary does before it starts any thread).

use crate::secret::{SecretBytes, SecretText};
use base64::Engine as _;
use ed25519_dalek::{Signer as _, SigningKey};
use pallet_registration::peer_id::Ed25519PeerId;
use sp_core::crypto::{AccountId32, Ss58Codec};
use std::{path::Path, str::FromStr};
use zeroize::Zeroizing;

/// Why a key could not be loaded. Messages never contain key material.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
	/// The key file could not be read.
	#[error("cannot read key file {path}: {source}")]
	Io {
		/// The file.
		path: String,
		/// The cause.
		source: std::io::Error,
	},
	/// A key file its group or other users can read or write.
	#[error(
		"key file {path} is accessible to other users (mode {mode:04o}); it holds a private key, \
		 so the registrar refuses it, as ssh refuses such keys: run `chmod 600 {path}`"
	)]
	SharedKeyFile {
		/// The file.
		path: String,
		/// Its permission bits.
		mode: u32,
	},
	/// The environment variable is not set or not UTF-8.
	#[error("environment variable {0} is not set (or not valid UTF-8)")]
	MissingEnv(String),
	/// The content is not a key in the expected format.
	#[error("invalid node key ({format}): {reason}")]
	InvalidNodeKey {
		/// The format tried.
		format: &'static str,
		/// What is wrong (never the key).
		reason: String,
	},
	/// The owner secret is not a valid secret URI or mnemonic.
	#[error("invalid owner secret: {0}")]
	InvalidOwnerSecret(String),
	/// An account id is neither SS58 nor 32-byte hex.
	#[error("invalid account id {0:?}: expected SS58 or 0x-prefixed 32-byte hex")]
	InvalidAccount(String),
}

/// The formats a node key file can have.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum NodeKeyFormat {
	/// Detect the format from the content (the default).
	#[default]
	Auto,
	/// A Substrate node-key file: the 32-byte secret as 64 hex characters or 32 raw bytes.
	Substrate,
	/// A hex seed: 32 bytes (secret) or 64 bytes (secret then public key), optional `0x`.
	Hex,
	/// A go-libp2p protobuf private key, base64 (or raw bytes).
	Protobuf,
}

impl NodeKeyFormat {
	fn name(self) -> &'static str {
		match self {
			NodeKeyFormat::Auto => "auto",
			NodeKeyFormat::Substrate => "substrate node-key file",
			NodeKeyFormat::Hex => "hex seed",
			NodeKeyFormat::Protobuf => "libp2p protobuf",
		}
	}
}

/// The protobuf head of go-libp2p's older Ed25519 keys: `Type` 1 (Ed25519), then `Data` of 96
/// bytes (seed, public key, public key again).
const LEGACY_ED25519_PREFIX: [u8; 4] = [0x08, 0x01, 0x12, 96];

/// A node's libp2p Ed25519 key. `Debug` shows only its PeerId.
#[derive(Clone)]
pub struct NodeKey {
	signing: SigningKey,
}

impl std::fmt::Debug for NodeKey {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		write!(f, "NodeKey({})", self.peer_id_base58())
	}
}

impl NodeKey {
	/// The key of a 32-byte Ed25519 secret (seed).
	pub fn from_seed(seed: &[u8; 32]) -> Self {
		Self { signing: SigningKey::from_bytes(seed) }
	}

	/// A 32-byte seed, or a 64-byte keypair (seed then public key, checked to match).
	fn from_secret_bytes(bytes: &[u8], format: NodeKeyFormat) -> Result<Self, KeyError> {
		let invalid = |reason: String| KeyError::InvalidNodeKey { format: format.name(), reason };
		match bytes.len() {
			32 => {
				let mut seed = Zeroizing::new([0u8; 32]);
				seed.copy_from_slice(bytes);
				Ok(Self::from_seed(&seed))
			}
			64 => {
				let (secret, public) = bytes.split_at(32);
				let mut seed = Zeroizing::new([0u8; 32]);
				seed.copy_from_slice(secret);
				let key = Self::from_seed(&seed);
				if key.public_key().as_slice() != public {
					return Err(invalid(
						"the last 32 bytes are not the public key of the first 32".into(),
					));
				}
				Ok(key)
			}
			n => Err(invalid(format!("expected 32 or 64 bytes, got {n}"))),
		}
	}

	/// A hex seed: 32 or 64 bytes, optional `0x`, surrounding whitespace ignored.
	pub fn from_hex(text: &str) -> Result<Self, KeyError> {
		let bytes = decode_hex_secret(text).ok_or_else(|| KeyError::InvalidNodeKey {
			format: NodeKeyFormat::Hex.name(),
			reason: "not hex text".into(),
		})?;
		Self::from_secret_bytes(bytes.expose(), NodeKeyFormat::Hex)
	}

	/// The content of a Substrate node-key file: 64 hex characters (optionally `0x`, trailing
	/// newline allowed) or exactly 32 raw bytes, as Substrate writes and reads it.
	pub fn from_substrate_file(content: &[u8]) -> Result<Self, KeyError> {
		let format = NodeKeyFormat::Substrate;
		if let Some(bytes) = std::str::from_utf8(content).ok().and_then(decode_hex_secret) {
			if bytes.expose().len() == 32 {
				return Self::from_secret_bytes(bytes.expose(), format);
			}
		}
		if content.len() == 32 {
			return Self::from_secret_bytes(content, format);
		}
		Err(KeyError::InvalidNodeKey {
			format: format.name(),
			reason: "expected 64 hex characters or 32 raw bytes".into(),
		})
	}

	/// A go-libp2p protobuf private key, as base64 text (standard alphabet, padding optional)
	/// or raw protobuf bytes.
	pub fn from_protobuf(content: &[u8]) -> Result<Self, KeyError> {
		let text = std::str::from_utf8(content).map(str::trim).unwrap_or("");
		let decoded = [
			base64::engine::general_purpose::STANDARD,
			base64::engine::general_purpose::STANDARD_NO_PAD,
			base64::engine::general_purpose::URL_SAFE,
			base64::engine::general_purpose::URL_SAFE_NO_PAD,
		]
		.iter()
		.find_map(|engine| engine.decode(text).ok())
		.filter(|_| !text.is_empty())
		.map(SecretBytes::new);
		match decoded {
			Some(bytes) => Self::from_protobuf_bytes(bytes.expose()),
			None => Self::from_protobuf_bytes(content),
		}
	}

	/// Raw protobuf bytes of a libp2p `PrivateKey` (go-libp2p's and kubo's encoding, which
	/// rust-libp2p writes with `Keypair::to_protobuf_encoding`), read by rust-libp2p's
	/// `libp2p-identity`; the key must be Ed25519. go-libp2p's older form, whose 96-byte `Data`
	/// repeats the public key and which libp2p-identity does not read, is accepted too.
	pub fn from_protobuf_bytes(bytes: &[u8]) -> Result<Self, KeyError> {
		let invalid = |reason: String| KeyError::InvalidNodeKey {
			format: NodeKeyFormat::Protobuf.name(),
			reason,
		};
		if let Some(data) = bytes.strip_prefix(&LEGACY_ED25519_PREFIX) {
			let (keypair, repeated) = data
				.split_at_checked(64)
				.filter(|(_, repeated)| repeated.len() == 32)
				.ok_or_else(|| {
					invalid("Ed25519 data must be 64 bytes (or 96, go-libp2p's older form)".into())
				})?;
			if keypair.get(32..) != Some(repeated) {
				return Err(invalid("the repeated public key differs".into()));
			}
			return Self::from_secret_bytes(keypair, NodeKeyFormat::Protobuf);
		}
		let keypair = libp2p_identity::Keypair::from_protobuf_encoding(bytes)
			.map_err(|e| invalid(format!("not a libp2p PrivateKey ({e})")))?;
		let (number, name) =
			(protobuf_key_type(&keypair.key_type()), keypair.key_type().to_string());
		let ed25519 = keypair
			.try_into_ed25519()
			.map_err(|_| invalid(format!("key type {number} is not Ed25519 (1): a {name} key")))?;
		Self::from_secret_bytes(&Zeroizing::new(ed25519.to_bytes())[..], NodeKeyFormat::Protobuf)
	}

	/// The key in `content`, read as `format` (`Auto` tries hex, then the Substrate raw form,
	/// then protobuf).
	pub fn parse(content: &[u8], format: NodeKeyFormat) -> Result<Self, KeyError> {
		match format {
			NodeKeyFormat::Substrate => Self::from_substrate_file(content),
			NodeKeyFormat::Hex => Self::from_hex(std::str::from_utf8(content).map_err(|_| {
				KeyError::InvalidNodeKey { format: format.name(), reason: "not UTF-8 text".into() }
			})?),
			NodeKeyFormat::Protobuf => Self::from_protobuf(content),
			NodeKeyFormat::Auto => {
				if let Some(bytes) = std::str::from_utf8(content).ok().and_then(decode_hex_secret) {
					return Self::from_secret_bytes(bytes.expose(), NodeKeyFormat::Hex);
				}
				if content.len() == 32 {
					return Self::from_substrate_file(content);
				}
				Self::from_protobuf(content).map_err(|_| KeyError::InvalidNodeKey {
					format: format.name(),
					reason: "not a hex seed (32/64 bytes), a 32-byte Substrate node key or a \
					         libp2p protobuf key"
						.into(),
				})
			}
		}
	}

	/// Reads and parses the key file at `path`; refused when its group or others can read or
	/// write it ([`read_private_file`]).
	pub fn load(path: &Path, format: NodeKeyFormat) -> Result<Self, KeyError> {
		let content = read_private_file(path)?;
		Self::parse(content.expose(), format)
	}

	/// The Ed25519 public key.
	pub fn public_key(&self) -> [u8; 32] {
		self.signing.verifying_key().to_bytes()
	}

	/// The node's PeerId.
	pub fn peer_id(&self) -> Ed25519PeerId {
		Ed25519PeerId::from_public_key(self.public_key())
	}

	/// The PeerId's base58btc text (`12D3KooW…`).
	pub fn peer_id_base58(&self) -> String {
		String::from_utf8_lossy(&self.peer_id().to_node_id()).into_owned()
	}

	/// The raw 38-byte PeerId.
	pub fn peer_id_raw(&self) -> [u8; 38] {
		self.peer_id().to_raw()
	}

	/// Signs `message` with plain Ed25519.
	pub fn sign(&self, message: &[u8]) -> [u8; 64] {
		self.signing.sign(message).to_bytes()
	}
}

/// Decodes hex text of a 32- or 64-byte secret: optional `0x`, surrounding whitespace ignored.
fn decode_hex_secret(text: &str) -> Option<SecretBytes> {
	let text = text.trim();
	let text = text.strip_prefix("0x").unwrap_or(text);
	if !(text.len() == 64 || text.len() == 128) {
		return None;
	}
	hex::decode(text).ok().map(SecretBytes::new)
}

/// A key type's number in libp2p's `crypto.proto` (`KeyType`).
fn protobuf_key_type(key_type: &libp2p_identity::KeyType) -> u8 {
	use libp2p_identity::KeyType;
	match key_type {
		KeyType::RSA => 0,
		KeyType::Ed25519 => 1,
		KeyType::Secp256k1 => 2,
		KeyType::Ecdsa => 3,
	}
}

/// Where the owner's secret URI or mnemonic comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OwnerSecretSource {
	/// A file holding the secret (surrounding whitespace ignored).
	File(std::path::PathBuf),
	/// An environment variable holding the secret (named here; its value is never shown).
	Env(String),
}

/// The owner's sr25519 account key. `Debug` shows only the account.
#[derive(Clone)]
pub struct OwnerKey {
	pair: subxt_signer::sr25519::Keypair,
}

impl std::fmt::Debug for OwnerKey {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		write!(f, "OwnerKey({})", self.ss58())
	}
}

impl OwnerKey {
	/// The key of a secret URI (`<mnemonic or 0x seed>[//hard][/soft][///password]`, or
	/// `//Alice`-style development keys).
	pub fn from_suri(suri: &SecretText) -> Result<Self, KeyError> {
		let text = suri.expose().trim();
		if AccountId32::from_ss58check(text).is_ok() {
			return Err(KeyError::InvalidOwnerSecret(
				"it is an account address (SS58), not a secret: give the secret URI or mnemonic \
				 of the account's key (an address alone goes in --owner, where a command takes \
				 one)"
					.into(),
			));
		}
		let uri = subxt_signer::SecretUri::from_str(text)
			.map_err(|_| KeyError::InvalidOwnerSecret("not a secret URI or mnemonic".into()))?;
		let pair = subxt_signer::sr25519::Keypair::from_uri(&uri).map_err(|_| {
			KeyError::InvalidOwnerSecret("cannot derive an sr25519 key from it".into())
		})?;
		Ok(Self { pair })
	}

	/// Reads the secret from `source` and derives the key. A file is refused when its group or
	/// others can read or write it ([`read_private_file`]); a variable is taken from what
	/// [`take_env_secret`] moved out of the environment, else read from the environment (and
	/// left there: only the process itself can remove it soundly, before it starts threads).
	pub fn load(source: &OwnerSecretSource) -> Result<Self, KeyError> {
		let secret = match source {
			OwnerSecretSource::File(path) => {
				let bytes = read_private_file(path)?;
				let text = std::str::from_utf8(bytes.expose()).map_err(|_| {
					KeyError::InvalidOwnerSecret("the secret file is not UTF-8 text".into())
				})?;
				SecretText::new(text.to_owned())
			}
			OwnerSecretSource::Env(name) => match taken_env_secret(name) {
				Some(secret) => secret,
				None => SecretText::new(
					std::env::var(name).map_err(|_| KeyError::MissingEnv(name.clone()))?,
				),
			},
		};
		Self::from_suri(&secret)
	}

	/// The signer for transactions.
	pub fn signer(&self) -> &subxt_signer::sr25519::Keypair {
		&self.pair
	}

	/// The owner's account id.
	pub fn account_id(&self) -> AccountId32 {
		AccountId32::new(self.pair.public_key().0)
	}

	/// The account's SS58 text (generic prefix 42).
	pub fn ss58(&self) -> String {
		self.account_id().to_ss58check()
	}
}

/// Reads a file that holds a private key or a secret, refusing it when its group or other
/// users have any access to it (mode bits `0o077`, as ssh checks private keys): a key others
/// can read is no longer private, and one others can write can be swapped for theirs. The mode
/// is that of the file opened (a link is followed to it), read before its content.
pub fn read_private_file(path: &Path) -> Result<SecretBytes, KeyError> {
	use std::{io::Read, os::unix::fs::PermissionsExt};
	let io = |source| KeyError::Io { path: path.display().to_string(), source };
	let mut file = std::fs::File::open(path).map_err(io)?;
	let mode = file.metadata().map_err(io)?.permissions().mode() & 0o7777;
	if mode & 0o077 != 0 {
		return Err(KeyError::SharedKeyFile { path: path.display().to_string(), mode });
	}
	// Sized for the whole file plus one byte, so that reading it grows no buffer (which would
	// leave a copy behind unzeroed).
	let size = file.metadata().map_err(io)?.len();
	let mut content =
		Zeroizing::new(Vec::with_capacity(usize::try_from(size).unwrap_or(0).saturating_add(1)));
	file.read_to_end(&mut content).map_err(io)?;
	Ok(SecretBytes::new(std::mem::take(&mut *content)))
}

/// The secrets [`take_env_secret`] moved out of the environment, by variable name.
static TAKEN_ENV_SECRETS: std::sync::Mutex<Vec<(String, SecretText)>> =
	std::sync::Mutex::new(Vec::new());

/// The secret [`take_env_secret`] took from the variable `name`, if it took one.
fn taken_env_secret(name: &str) -> Option<SecretText> {
	let taken = TAKEN_ENV_SECRETS.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
	taken
		.iter()
		.find(|(taken, _)| taken == name)
		.map(|(_, secret)| SecretText::new(secret.expose().to_owned()))
}

/// Moves the secret in the environment variable `name` into the process's own memory (where
/// [`OwnerKey::load`] finds it) and removes the variable from the environment: it no longer
/// shows in what a child process would inherit, in a later `getenv`, or in
/// `/proc/<pid>/environ`, whose copy of the variable's value is overwritten with zeros first.
/// Returns whether the variable was set (as UTF-8 text); an unset one is left to the key's
/// load to report.
///
/// # Safety
///
/// The environment is process-wide and unsynchronized: `getenv`, `setenv` and `unsetenv` in
/// another thread at the same time are undefined behaviour (which is why Rust 2024 makes
/// `std::env::remove_var` unsafe). Call this only while the process has a single thread: the
/// binary calls it at the very start of `main`, after parsing its arguments and before the
/// logger and the async runtime start any thread.
pub unsafe fn take_env_secret(name: &str) -> bool {
	let Ok(value) = std::env::var(name) else { return false };
	let secret = SecretText::new(value);
	{
		let mut taken = TAKEN_ENV_SECRETS.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
		taken.retain(|(taken, _)| taken != name);
		taken.push((name.to_owned(), secret));
	}
	if let Ok(c_name) = std::ffi::CString::new(name) {
		// SAFETY: single-threaded by this function's contract, so nothing else reads or
		// changes the environment meanwhile. `getenv` returns the variable's value inside its
		// `NAME=value` entry (the kernel's copy on the initial stack, or a copy `setenv` made),
		// valid and writable until the entry is removed; `strlen` bytes from it are the value,
		// and overwriting them with zeros leaves a valid (empty) C string.
		unsafe {
			let value = libc::getenv(c_name.as_ptr());
			if !value.is_null() {
				std::ptr::write_bytes(value, 0, libc::strlen(value));
			}
		}
	}
	// Sound for the same reason (and a safe function in this crate's edition, 2021).
	std::env::remove_var(name);
	true
}

/// Reads an account id given as SS58 text or as `0x`-prefixed 32-byte hex.
pub fn parse_account(text: &str) -> Result<AccountId32, KeyError> {
	let text = text.trim();
	if let Some(hex_text) = text.strip_prefix("0x") {
		let bytes: [u8; 32] = hex::decode(hex_text)
			.ok()
			.and_then(|b| b.try_into().ok())
			.ok_or_else(|| KeyError::InvalidAccount(text.to_owned()))?;
		return Ok(AccountId32::new(bytes));
	}
	AccountId32::from_ss58check(text).map_err(|_| KeyError::InvalidAccount(text.to_owned()))
}

#[cfg(test)]
mod tests {
	use super::*;

	/// A field of the contract's vectors (`spec/vectors.json`, the repository's one copy): RFC
	/// 8032 test 1 is their node key.
	fn vector(name: &str) -> String {
		let vectors: serde_json::Value =
			serde_json::from_str(include_str!("../../spec/vectors.json")).unwrap();
		vectors[name].as_str().unwrap().to_owned()
	}

	fn seed_hex() -> String {
		vector("node_seed")
	}

	fn public_hex() -> String {
		vector("node_public_key")
	}

	fn peer() -> String {
		vector("peer_id_base58")
	}

	fn seed() -> [u8; 32] {
		hex::decode(seed_hex()).unwrap().try_into().unwrap()
	}

	#[test]
	fn hex_seed_of_32_and_64_bytes() {
		let (seed_text, public_text, peer_text) = (seed_hex(), public_hex(), peer());
		let key = NodeKey::from_hex(&seed_text).unwrap();
		assert_eq!(hex::encode(key.public_key()), public_text);
		assert_eq!(key.peer_id_base58(), peer_text);
		let with_public = format!("0x{seed_text}{public_text}\n");
		assert_eq!(NodeKey::from_hex(&with_public).unwrap().public_key(), key.public_key());
		let wrong_public = format!("{seed_text}{}", "00".repeat(32));
		assert!(NodeKey::from_hex(&wrong_public).is_err());
		assert!(NodeKey::from_hex("abcd").is_err());
		assert!(NodeKey::from_hex(&"zz".repeat(32)).is_err());
	}

	#[test]
	fn substrate_file_hex_or_raw() {
		let (seed_text, peer_text) = (seed_hex(), peer());
		let hex_file = format!("{seed_text}\n");
		let key = NodeKey::from_substrate_file(hex_file.as_bytes()).unwrap();
		assert_eq!(key.peer_id_base58(), peer_text);
		let raw = NodeKey::from_substrate_file(&seed()).unwrap();
		assert_eq!(raw.peer_id_base58(), peer_text);
		assert!(NodeKey::from_substrate_file(&[1u8; 31]).is_err());
		// Auto-detection reads both.
		assert_eq!(
			NodeKey::parse(&seed(), NodeKeyFormat::Auto).unwrap().peer_id_base58(),
			peer_text
		);
		assert_eq!(
			NodeKey::parse(hex_file.as_bytes(), NodeKeyFormat::Auto).unwrap().peer_id_base58(),
			peer_text
		);
	}

	#[test]
	fn protobuf_rejects_other_key_types_and_garbage() {
		// secp256k1 (type 2) with 32 bytes of data.
		let mut secp = vec![0x08, 0x02, 0x12, 0x20];
		secp.extend_from_slice(&[7u8; 32]);
		let err = NodeKey::from_protobuf_bytes(&secp).unwrap_err();
		assert!(err.to_string().contains("not Ed25519"), "{err}");
		assert!(NodeKey::from_protobuf_bytes(&[0x08, 0x01, 0x12, 0x40, 1, 2]).is_err());
		assert!(NodeKey::from_protobuf(b"not base64 at all!").is_err());
		assert!(NodeKey::parse(b"hello", NodeKeyFormat::Auto).is_err());
	}

	#[test]
	fn errors_and_debug_never_show_the_secret() {
		let (seed_text, peer_text) = (seed_hex(), peer());
		let key = NodeKey::from_hex(&seed_text).unwrap();
		assert_eq!(format!("{key:?}"), format!("NodeKey({peer_text})"));
		let bad = format!("{}{}", &seed_text[..60], "zzzz");
		let err = NodeKey::from_hex(&bad).unwrap_err().to_string();
		assert!(!err.contains(&seed_text[..16]), "{err}");
		let owner = OwnerKey::from_suri(&SecretText::new("//Alice".into())).unwrap();
		assert_eq!(
			format!("{owner:?}"),
			"OwnerKey(5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY)"
		);
	}

	#[test]
	fn owner_from_uri_mnemonic_file_and_env() {
		let alice = OwnerKey::from_suri(&SecretText::new("//Alice\n".into())).unwrap();
		assert_eq!(alice.ss58(), "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY");
		let phrase = "bottom drive obey lake curtain smoke basket hold race lonely fit walk";
		let from_phrase =
			OwnerKey::from_suri(&SecretText::new(format!("{phrase}//Alice"))).unwrap();
		assert_eq!(from_phrase.account_id(), alice.account_id());
		let dir = tempfile::tempdir().unwrap();
		let path = private_file(dir.path(), "owner", b"//Bob\n");
		let bob = OwnerKey::load(&OwnerSecretSource::File(path)).unwrap();
		assert_eq!(bob.ss58(), "5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty");
		let var = "REGISTRAR_TEST_OWNER_SECRET_UNIQUE";
		std::env::set_var(var, "//Bob");
		assert_eq!(
			OwnerKey::load(&OwnerSecretSource::Env(var.into())).unwrap().account_id(),
			bob.account_id()
		);
		let missing = OwnerKey::load(&OwnerSecretSource::Env("REGISTRAR_TEST_UNSET_VAR".into()));
		assert!(matches!(missing, Err(KeyError::MissingEnv(_))));
		let err = OwnerKey::from_suri(&SecretText::new("not a phrase at all".into())).unwrap_err();
		assert!(!err.to_string().contains("phrase at all"));
		// An address where the secret belongs: said so (the address is no secret to hide).
		let address = OwnerKey::from_suri(&SecretText::new(
			"5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY\n".into(),
		))
		.unwrap_err()
		.to_string();
		assert!(address.contains("is an account address (SS58), not a secret"), "{address}");
	}

	/// A file of `content` that only its owner can read and write.
	fn private_file(dir: &Path, name: &str, content: &[u8]) -> std::path::PathBuf {
		use std::os::unix::fs::PermissionsExt;
		let path = dir.join(name);
		std::fs::write(&path, content).unwrap();
		std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
		path
	}

	/// Issue 30, finding 7: a node key others could read or write loaded silently, and a
	/// shared owner or submitter secret file only warned.
	#[test]
	fn key_files_others_can_read_or_write_are_refused_with_the_chmod_to_run() {
		use std::os::unix::fs::PermissionsExt;
		let dir = tempfile::tempdir().unwrap();
		let node = private_file(dir.path(), "node-key", seed_hex().as_bytes());
		let owner = private_file(dir.path(), "owner", b"//Bob\n");
		let chmod = |path: &Path, mode: u32| {
			std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap()
		};
		for mode in [0o644, 0o640, 0o604, 0o620, 0o602, 0o660, 0o666, 0o610] {
			chmod(&node, mode);
			chmod(&owner, mode);
			let refused = NodeKey::load(&node, NodeKeyFormat::Auto).unwrap_err();
			assert!(matches!(refused, KeyError::SharedKeyFile { .. }), "{mode:o}: {refused}");
			let message = refused.to_string();
			assert!(message.contains(&format!("chmod 600 {}", node.display())), "{message}");
			assert!(message.contains(&format!("mode {mode:04o}")), "{message}");
			let refused = OwnerKey::load(&OwnerSecretSource::File(owner.clone())).unwrap_err();
			assert!(matches!(refused, KeyError::SharedKeyFile { .. }), "{mode:o}: {refused}");
			// The message names the file, never its content.
			assert!(!refused.to_string().contains("//Bob"));
		}
		// The owner's alone (read-only too): loaded.
		for mode in [0o600, 0o400] {
			chmod(&node, mode);
			chmod(&owner, mode);
			assert_eq!(NodeKey::load(&node, NodeKeyFormat::Auto).unwrap().peer_id_base58(), peer());
			assert!(OwnerKey::load(&OwnerSecretSource::File(owner.clone())).is_ok());
		}
		// A link is followed to the file it names, whose mode counts.
		let link = dir.path().join("link");
		std::os::unix::fs::symlink(&node, &link).unwrap();
		assert!(NodeKey::load(&link, NodeKeyFormat::Auto).is_ok());
		chmod(&node, 0o644);
		assert!(matches!(
			NodeKey::load(&link, NodeKeyFormat::Auto),
			Err(KeyError::SharedKeyFile { .. })
		));
	}

	/// Issue 30, finding 7: a secret read from an environment variable stayed in the process's
	/// environment.
	#[test]
	fn a_secret_taken_from_the_environment_leaves_it_and_still_loads() {
		let var = "REGISTRAR_TEST_TAKEN_SECRET_UNIQUE";
		std::env::set_var(var, "//Charlie");
		// SAFETY (of the test): no other test of this binary reads or changes this variable,
		// and the standard library's own environment functions take its environment lock.
		assert!(unsafe { take_env_secret(var) });
		assert!(std::env::var_os(var).is_none(), "the variable is still in the environment");
		let charlie = OwnerKey::load(&OwnerSecretSource::Env(var.into())).unwrap();
		assert_eq!(charlie.ss58(), "5FLSigC9HGRKVhB9FiEo4Y3koPsNmBmLJbpXg2mp1hXcS59Y");
		// Loaded again (another key of the same command), it is still there.
		assert!(OwnerKey::load(&OwnerSecretSource::Env(var.into())).is_ok());
		// An unset variable is left to the load to report.
		let unset = "REGISTRAR_TEST_TAKEN_SECRET_UNSET";
		assert!(!unsafe { take_env_secret(unset) });
		assert!(matches!(
			OwnerKey::load(&OwnerSecretSource::Env(unset.into())),
			Err(KeyError::MissingEnv(_))
		));
	}

	#[test]
	fn accounts_from_ss58_or_hex() {
		let alice = parse_account("5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY").unwrap();
		let hex_form =
			parse_account("0xd43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d")
				.unwrap();
		assert_eq!(alice, hex_form);
		assert!(parse_account("0x1234").is_err());
		assert!(parse_account("nonsense").is_err());
	}
}
