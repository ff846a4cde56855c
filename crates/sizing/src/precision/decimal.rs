//! Decimal numbers as the user types them, kept exactly: parsing with clear
//! messages, the exact decimal expansion of an `f64`, comparison and the
//! difference of two decimals. Enough arithmetic to state conversion errors
//! exactly, without a big-number dependency.

use std::cmp::Ordering;

use thiserror::Error;

/// Longest input accepted, in characters.
pub const MAX_INPUT_CHARS: usize = 400;

/// Why a typed value is not a number the explorer can convert.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum ValueError {
    #[error("Enter a number, for example 0.1, -2.5 or 6.02e23.")]
    Empty,
    #[error("“{0}” is not a number. Type a decimal such as 0.1, -2.5 or 6.02e23.")]
    NotANumber(String),
    #[error("Use a point as the decimal separator: {0}.")]
    Comma(String),
    #[error(
        "Enter a finite number. ∞ and NaN are not values to convert; the format table shows which formats can store them."
    )]
    NotFinite,
    #[error(
        "{0} is beyond the range of every format here: the largest FP64 value is about 1.8e308, so every format would overflow."
    )]
    TooLarge(String),
    #[error("That is {0} characters; up to {MAX_INPUT_CHARS} are accepted.")]
    TooLong(usize),
}

/// An exact decimal: `(-1)^negative × digits × 10^exp`, with no leading or
/// trailing zeros in `digits` (zero has no digits).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decimal {
    negative: bool,
    digits: Vec<u8>,
    exp: i64,
}

impl Decimal {
    fn new(negative: bool, mut digits: Vec<u8>, mut exp: i64) -> Decimal {
        let lead = digits.iter().take_while(|d| **d == 0).count();
        digits.drain(..lead);
        while digits.last() == Some(&0) {
            digits.pop();
            exp += 1;
        }
        if digits.is_empty() {
            exp = 0;
        }
        Decimal {
            negative,
            digits,
            exp,
        }
    }

    /// Parses what a user typed: an optional sign, digits with at most one point,
    /// and an optional exponent (`e` or `E`). Spaces and `_` between digits are
    /// ignored. `inf` and `nan` are refused, as are values beyond FP64's range.
    pub fn parse(text: &str) -> Result<Decimal, ValueError> {
        let t = text.trim();
        let chars = t.chars().count();
        if chars > MAX_INPUT_CHARS {
            return Err(ValueError::TooLong(chars));
        }
        if t.is_empty() {
            return Err(ValueError::Empty);
        }
        let lower = t.to_ascii_lowercase();
        let bare = lower.trim_start_matches(['+', '-']);
        if matches!(bare, "inf" | "infinity" | "nan" | "∞") {
            return Err(ValueError::NotFinite);
        }
        let not_a_number = || ValueError::NotANumber(t.to_string());
        let cleaned: String = t
            .chars()
            .filter(|c| !matches!(c, ' ' | '_' | '\u{2009}' | '\u{202f}'))
            .collect();
        let (negative, rest) = match cleaned
            .strip_prefix('-')
            .or_else(|| cleaned.strip_prefix('−'))
        {
            Some(r) => (true, r),
            None => (false, cleaned.strip_prefix('+').unwrap_or(&cleaned)),
        };
        let (mantissa, exponent) = match rest.find(['e', 'E']) {
            Some(i) => (&rest[..i], Some(&rest[i + 1..])),
            None => (rest, None),
        };
        if mantissa.contains(',') && !mantissa.contains('.') && mantissa.matches(',').count() == 1 {
            return Err(ValueError::Comma(t.replace(',', ".")));
        }
        let (int_part, frac_part) = match mantissa.split_once('.') {
            Some((i, f)) => (i, f),
            None => (mantissa, ""),
        };
        let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if (int_part.is_empty() && frac_part.is_empty())
            || !all_digits(int_part)
            || !all_digits(frac_part)
        {
            return Err(not_a_number());
        }
        let exp10: i64 = match exponent {
            None => 0,
            Some(e) => {
                let (neg, body) = match e.strip_prefix('-').or_else(|| e.strip_prefix('−')) {
                    Some(b) => (true, b),
                    None => (false, e.strip_prefix('+').unwrap_or(e)),
                };
                if body.is_empty() || !all_digits(body) {
                    return Err(not_a_number());
                }
                // Exponents beyond a million are out of every range anyway; clamp them.
                let v = body
                    .trim_start_matches('0')
                    .parse::<i64>()
                    .unwrap_or(if body.trim_start_matches('0').is_empty() {
                        0
                    } else {
                        1_000_000
                    })
                    .min(1_000_000);
                if neg { -v } else { v }
            }
        };
        let digits: Vec<u8> = int_part
            .bytes()
            .chain(frac_part.bytes())
            .map(|b| b - b'0')
            .collect();
        let d = Decimal::new(negative, digits, exp10 - frac_part.len() as i64);
        if d.to_f64().is_infinite() {
            return Err(ValueError::TooLarge(t.to_string()));
        }
        Ok(d)
    }

    /// The exact value of a finite `f64`. Every finite binary fraction has a
    /// finite decimal expansion (at most 767 significant digits).
    pub fn from_f64(x: f64) -> Decimal {
        debug_assert!(x.is_finite());
        // `{:.800e}` prints the exact expansion, padded with zeros.
        let s = format!("{:.800e}", x.abs());
        let (mantissa, exp) = s.split_once('e').unwrap_or((&s, "0"));
        let exp: i64 = exp.parse().unwrap_or(0);
        let digits: Vec<u8> = mantissa
            .bytes()
            .filter(u8::is_ascii_digit)
            .map(|b| b - b'0')
            .collect();
        let frac_len = digits.len() as i64 - 1;
        Decimal::new(x.is_sign_negative(), digits, exp - frac_len)
    }

    pub fn is_zero(&self) -> bool {
        self.digits.is_empty()
    }

    pub fn is_negative(&self) -> bool {
        self.negative
    }

    /// Decimal exponent of the leading digit plus one (`0.5` → 0, `12` → 2).
    fn magnitude_order(&self) -> i64 {
        self.exp + self.digits.len() as i64
    }

    /// Compares absolute values.
    pub fn magnitude_cmp(&self, other: &Decimal) -> Ordering {
        match (self.is_zero(), other.is_zero()) {
            (true, true) => return Ordering::Equal,
            (true, false) => return Ordering::Less,
            (false, true) => return Ordering::Greater,
            _ => {}
        }
        match self.magnitude_order().cmp(&other.magnitude_order()) {
            Ordering::Equal => {}
            o => return o,
        }
        let n = self.digits.len().max(other.digits.len());
        let at = |d: &Decimal, i: usize| d.digits.get(i).copied().unwrap_or(0);
        (0..n)
            .map(|i| at(self, i).cmp(&at(other, i)))
            .find(|o| *o != Ordering::Equal)
            .unwrap_or(Ordering::Equal)
    }

    /// Compares on the number line (−0 equals 0).
    pub fn cmp_value(&self, other: &Decimal) -> Ordering {
        let sign = |d: &Decimal| {
            if d.is_zero() {
                0
            } else if d.negative {
                -1
            } else {
                1
            }
        };
        match sign(self).cmp(&sign(other)) {
            Ordering::Equal if sign(self) == 0 => Ordering::Equal,
            Ordering::Equal if self.negative => other.magnitude_cmp(self),
            Ordering::Equal => self.magnitude_cmp(other),
            o => o,
        }
    }

    /// The nearest `f64` (ties to even), ±∞ beyond the range.
    pub fn to_f64(&self) -> f64 {
        if self.is_zero() {
            return if self.negative { -0.0 } else { 0.0 };
        }
        // Rust's float parser rounds correctly for any number of digits.
        let body: String = self.digits.iter().map(|d| char::from(b'0' + d)).collect();
        let exp = self.exp.clamp(-100_000, 100_000);
        let s = format!("{}{body}e{exp}", if self.negative { "-" } else { "" });
        s.parse().unwrap_or(f64::NAN)
    }

    /// |self − other|, exactly, then rounded to the nearest `f64`.
    pub fn abs_diff(&self, other: &Decimal) -> f64 {
        if self.is_zero() || other.is_zero() || self.negative != other.negative {
            // Opposite signs (or a zero): the magnitudes add.
            return self.abs_add(other);
        }
        let (big, small) = match self.magnitude_cmp(other) {
            Ordering::Equal => return 0.0,
            Ordering::Greater => (self, other),
            Ordering::Less => (other, self),
        };
        let exp = big.exp.min(small.exp);
        let a = big.aligned(exp);
        let b = small.aligned(exp);
        // Long subtraction, least significant digit last; `a` is at least as long as `b`.
        let mut out = vec![0u8; a.len()];
        let mut borrow = 0i16;
        let offset = a.len() - b.len();
        for i in (0..a.len()).rev() {
            let bd = if i >= offset {
                i16::from(b[i - offset])
            } else {
                0
            };
            let mut d = i16::from(a[i]) - bd - borrow;
            borrow = 0;
            if d < 0 {
                d += 10;
                borrow = 1;
            }
            out[i] = d as u8;
        }
        Decimal::new(false, out, exp).to_f64()
    }

    fn abs_add(&self, other: &Decimal) -> f64 {
        if self.is_zero() {
            return other.to_f64().abs();
        }
        if other.is_zero() {
            return self.to_f64().abs();
        }
        let exp = self.exp.min(other.exp);
        let a = self.aligned(exp);
        let b = other.aligned(exp);
        let len = a.len().max(b.len()) + 1;
        let mut out = vec![0u8; len];
        let mut carry = 0u8;
        for i in 0..len {
            let da = a.len().checked_sub(i + 1).map_or(0, |j| a[j]);
            let db = b.len().checked_sub(i + 1).map_or(0, |j| b[j]);
            let s = da + db + carry;
            out[len - 1 - i] = s % 10;
            carry = s / 10;
        }
        Decimal::new(false, out, exp).to_f64()
    }

    /// The value as text with at most `max_digits` significant digits; longer
    /// expansions are cut (not rounded) and end in "…". Positional notation from
    /// 1e-6 to 1e21, scientific outside.
    pub fn display(&self, max_digits: usize) -> String {
        if self.is_zero() {
            return if self.negative {
                "-0".into()
            } else {
                "0".into()
            };
        }
        let max_digits = max_digits.max(1);
        let cut = self.digits.len() > max_digits;
        let shown: String = self
            .digits
            .iter()
            .take(max_digits)
            .map(|d| char::from(b'0' + d))
            .collect();
        let more = if cut { "…" } else { "" };
        let sign = if self.negative { "-" } else { "" };
        let order = self.magnitude_order();
        if !(-5..=21).contains(&order) {
            let (lead, rest) = shown.split_at(1);
            let rest = if rest.is_empty() {
                String::new()
            } else {
                format!(".{rest}")
            };
            return format!("{sign}{lead}{rest}{more}e{}", order - 1);
        }
        let body = if order <= 0 {
            format!("0.{}{shown}", "0".repeat((-order) as usize))
        } else if order as usize >= shown.len() {
            format!("{shown}{}", "0".repeat(order as usize - shown.len()))
        } else {
            format!("{}.{}", &shown[..order as usize], &shown[order as usize..])
        };
        format!("{sign}{body}{more}")
    }

    /// The digits scaled so that the last one has weight 10^`exp` (`exp` ≤ self.exp).
    fn aligned(&self, exp: i64) -> Vec<u8> {
        let pad = (self.exp - exp) as usize;
        let mut v = self.digits.clone();
        v.resize(v.len() + pad, 0);
        v
    }
}

/// A typed value parsed exactly, with its nearest `f64` and the side of that
/// `f64` the exact value lies on (`Greater`: the value is above it).
#[derive(Clone, Debug, PartialEq)]
pub struct Parsed {
    pub exact: Decimal,
    pub nearest: f64,
    pub tail: Ordering,
}

pub fn parse_value(text: &str) -> Result<Parsed, ValueError> {
    let exact = Decimal::parse(text)?;
    let nearest = exact.to_f64();
    if !nearest.is_finite() {
        return Err(ValueError::TooLarge(text.trim().to_string()));
    }
    let tail = exact.cmp_value(&Decimal::from_f64(nearest));
    Ok(Parsed {
        exact,
        nearest,
        tail,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_what_people_type() {
        assert_eq!(Decimal::parse("0.1").unwrap().to_f64(), 0.1);
        assert_eq!(Decimal::parse(" -2.5e3 ").unwrap().to_f64(), -2500.0);
        assert_eq!(Decimal::parse("1_000").unwrap().to_f64(), 1000.0);
        assert_eq!(Decimal::parse(".5").unwrap().to_f64(), 0.5);
        assert_eq!(Decimal::parse("5.").unwrap().to_f64(), 5.0);
        assert_eq!(Decimal::parse("1e-999").unwrap().to_f64(), 0.0);
        assert!(Decimal::parse("-0").unwrap().to_f64().is_sign_negative());
        assert_eq!(
            Decimal::parse("1e99999999999999999999").unwrap_err(),
            ValueError::TooLarge("1e99999999999999999999".into())
        );
    }

    #[test]
    fn refuses_garbage_with_a_reason() {
        assert_eq!(Decimal::parse("").unwrap_err(), ValueError::Empty);
        assert_eq!(Decimal::parse("   ").unwrap_err(), ValueError::Empty);
        assert!(matches!(
            Decimal::parse("abc"),
            Err(ValueError::NotANumber(_))
        ));
        assert!(matches!(
            Decimal::parse("1e"),
            Err(ValueError::NotANumber(_))
        ));
        assert!(matches!(
            Decimal::parse("."),
            Err(ValueError::NotANumber(_))
        ));
        assert!(matches!(
            Decimal::parse("1.2.3"),
            Err(ValueError::NotANumber(_))
        ));
        assert!(matches!(
            Decimal::parse("--1"),
            Err(ValueError::NotANumber(_))
        ));
        assert_eq!(
            Decimal::parse("0,1").unwrap_err(),
            ValueError::Comma("0.1".into())
        );
        assert_eq!(Decimal::parse("-inf").unwrap_err(), ValueError::NotFinite);
        assert_eq!(Decimal::parse("NaN").unwrap_err(), ValueError::NotFinite);
        assert!(matches!(
            Decimal::parse("1e999"),
            Err(ValueError::TooLarge(_))
        ));
        assert!(matches!(
            Decimal::parse(&"9".repeat(500)),
            Err(ValueError::TooLong(500))
        ));
    }

    #[test]
    fn f64_expansions_are_exact() {
        let tenth = Decimal::from_f64(0.1);
        // 0.1 in FP64 is 0.1000000000000000055511151231257827021181583404541015625.
        assert_eq!(
            tenth,
            Decimal::parse("0.1000000000000000055511151231257827021181583404541015625").unwrap()
        );
        let typed = Decimal::parse("0.1").unwrap();
        assert_eq!(typed.cmp_value(&tenth), Ordering::Less);
        let err = typed.abs_diff(&tenth);
        assert_eq!(err, 5.551115123125783e-18);
    }

    #[test]
    fn displays_exactly_or_says_it_cut() {
        let d = |s: &str| Decimal::parse(s).unwrap();
        assert_eq!(d("0.0999755859375").display(30), "0.0999755859375");
        assert_eq!(
            Decimal::from_f64(0.1).display(20),
            "0.10000000000000000555…"
        );
        assert_eq!(d("65504").display(30), "65504");
        assert_eq!(d("448").display(2), "440…");
        assert_eq!(d("1e30").display(5), "1e30");
        assert_eq!(
            Decimal::from_f64(3.389_531_389_251_535_5e38).display(8),
            "3.3895313…e38"
        );
        assert_eq!(d("-2.5e-9").display(5), "-2.5e-9");
        assert_eq!(d("0.00001").display(5), "0.00001");
        assert_eq!(d("12.5").display(5), "12.5");
    }

    #[test]
    fn differences_are_exact() {
        let d = |s: &str| Decimal::parse(s).unwrap();
        assert_eq!(d("1").abs_diff(&d("0.25")), 0.75);
        assert_eq!(d("-1").abs_diff(&d("0.25")), 1.25);
        assert_eq!(d("0.25").abs_diff(&d("1")), 0.75);
        assert_eq!(d("999.9").abs_diff(&d("1000")), 0.1);
        assert_eq!(d("0").abs_diff(&d("-3")), 3.0);
    }
}
