//! Amounts of the chain's currency as people write them: `2 UNIT`, `0.5UNIT`, or a plain number
//! of base units (`2000000000000000000`), and shown the same way. The chain says how it writes
//! its amounts (`system_properties`: `tokenSymbol`, `tokenDecimals`; 18 decimals and `UNIT` on
//! the dev chain): a [`Token`].
//!
//! A leaf: it imports nothing of the registrar.

use std::str::FromStr;

/// How the chain writes amounts of its currency.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token {
	/// The currency's symbol (`UNIT`).
	pub symbol: String,
	/// How many decimals a whole unit has (18: one UNIT is 10^18 base units).
	pub decimals: u8,
}

impl Token {
	/// `amount` base units in the token, with its symbol and no trailing zeros: `2 UNIT`,
	/// `0.015625 UNIT`.
	pub fn format(&self, amount: u128) -> String {
		let decimals = u32::from(self.decimals);
		let Some(unit) = 10u128.checked_pow(decimals) else {
			return format!("{amount} base units");
		};
		let (whole, fraction) = (amount / unit, amount % unit);
		if fraction == 0 {
			return format!("{whole} {}", self.symbol);
		}
		let digits = format!("{fraction:0width$}", width = decimals as usize);
		format!("{whole}.{} {}", digits.trim_end_matches('0'), self.symbol)
	}
}

/// `amount` in `token` when the chain said how it writes amounts, else in base units.
pub fn show(amount: u128, token: Option<&Token>) -> String {
	match token {
		Some(token) => token.format(amount),
		None => format!("{amount} base units"),
	}
}

/// Why an amount could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AmountError {
	/// Neither a whole number of base units nor a number followed by a symbol.
	#[error(
		"{0:?} is not an amount: give a number of base units (2000000000000000000) or one in the \
		 chain's currency (2 UNIT, 0.5UNIT)"
	)]
	Syntax(String),
	/// A symbol other than the chain's.
	#[error("{given:?} is not this chain's currency ({chain})")]
	Symbol {
		/// The symbol given.
		given: String,
		/// The chain's symbol.
		chain: String,
	},
	/// An amount in a currency, where the chain's decimals are not known.
	#[error(
		"{0:?} is in a currency, but the chain's decimals are not known here: give it in base \
		 units (10^18 per UNIT on the dev chain)"
	)]
	NoToken(String),
	/// More decimals than the currency has, or more than 128 bits.
	#[error("{0:?} does not fit the chain's amounts (too many decimals, or too large)")]
	Range(String),
}

/// An amount as given: in base units, or in the chain's currency (to be read with its
/// [`Token`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Amount {
	/// A whole number of base units.
	Base(u128),
	/// A decimal number of whole units of the currency `symbol`.
	Units {
		/// The number as written (`0.5`).
		value: String,
		/// The symbol as written (`UNIT`).
		symbol: String,
	},
}

impl FromStr for Amount {
	type Err = AmountError;

	fn from_str(text: &str) -> Result<Self, AmountError> {
		let trimmed = text.trim();
		if let Ok(base) = trimmed.parse::<u128>() {
			if trimmed.bytes().all(|b| b.is_ascii_digit()) {
				return Ok(Amount::Base(base));
			}
		}
		let split = trimmed.find(|c: char| !(c.is_ascii_digit() || c == '.'));
		let (value, symbol) = match split {
			Some(at) => (trimmed[..at].trim(), trimmed[at..].trim()),
			None => return Err(AmountError::Syntax(text.to_owned())),
		};
		let number = !value.is_empty()
			&& value.bytes().filter(|b| *b == b'.').count() <= 1
			&& value.bytes().any(|b| b.is_ascii_digit());
		let word = !symbol.is_empty() && symbol.chars().all(|c| c.is_ascii_alphanumeric());
		if !(number && word) {
			return Err(AmountError::Syntax(text.to_owned()));
		}
		Ok(Amount::Units { value: value.to_owned(), symbol: symbol.to_owned() })
	}
}

impl Amount {
	/// The amount in base units: as given, or read with the chain's `token` (its symbol, in any
	/// case, and its decimals).
	pub fn base_units(&self, token: Option<&Token>) -> Result<u128, AmountError> {
		let (value, symbol) = match self {
			Amount::Base(base) => return Ok(*base),
			Amount::Units { value, symbol } => (value, symbol),
		};
		let written = format!("{value} {symbol}");
		let token = token.ok_or_else(|| AmountError::NoToken(written.clone()))?;
		if !symbol.eq_ignore_ascii_case(&token.symbol) {
			return Err(AmountError::Symbol { given: symbol.clone(), chain: token.symbol.clone() });
		}
		let (whole, fraction) = value.split_once('.').unwrap_or((value, ""));
		let decimals = usize::from(token.decimals);
		if fraction.len() > decimals {
			return Err(AmountError::Range(written));
		}
		let digits = format!("{whole}{fraction:0<decimals$}");
		let digits = digits.trim_start_matches('0');
		if digits.is_empty() {
			return Ok(0);
		}
		digits.parse::<u128>().map_err(|_| AmountError::Range(written))
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	fn unit() -> Token {
		Token { symbol: "UNIT".into(), decimals: 18 }
	}

	const UNIT: u128 = 1_000_000_000_000_000_000;

	#[test]
	fn amounts_in_base_units_or_in_the_currency() {
		let read = |text: &str| text.parse::<Amount>().and_then(|a| a.base_units(Some(&unit())));
		assert_eq!(read("2000000000000000000"), Ok(2 * UNIT));
		assert_eq!(read("2 UNIT"), Ok(2 * UNIT));
		assert_eq!(read("2UNIT"), Ok(2 * UNIT));
		assert_eq!(read(" 10 unit "), Ok(10 * UNIT));
		assert_eq!(read("0.5UNIT"), Ok(UNIT / 2));
		assert_eq!(read(".25 UNIT"), Ok(UNIT / 4));
		assert_eq!(read("1.000000000000000001 UNIT"), Ok(UNIT + 1));
		assert_eq!(read("0 UNIT"), Ok(0));
		assert_eq!(read("340282366920938463463374607431768211455"), Ok(u128::MAX));
		assert!(matches!(read("0.0000000000000000001 UNIT"), Err(AmountError::Range(_))));
		assert!(matches!(read("1e18"), Err(AmountError::Symbol { .. })));
		for bad in ["", "UNIT", "2 UNIT extra", "1.2.3 UNIT", "-2 UNIT", "+2", ". UNIT"] {
			assert!(read(bad).is_err(), "{bad}");
		}
		assert!(matches!(read("2 DOT"), Err(AmountError::Symbol { .. })));
		let offline = "2 UNIT".parse::<Amount>().unwrap().base_units(None);
		assert!(matches!(offline, Err(AmountError::NoToken(_))));
		assert_eq!("5".parse::<Amount>().unwrap().base_units(None), Ok(5));
	}

	#[test]
	fn amounts_are_shown_in_the_currency() {
		assert_eq!(unit().format(2 * UNIT), "2 UNIT");
		assert_eq!(unit().format(UNIT / 64), "0.015625 UNIT");
		assert_eq!(unit().format(1), "0.000000000000000001 UNIT");
		assert_eq!(unit().format(0), "0 UNIT");
		assert_eq!(show(7, None), "7 base units");
		assert_eq!(Token { symbol: "X".into(), decimals: 0 }.format(7), "7 X");
	}
}
