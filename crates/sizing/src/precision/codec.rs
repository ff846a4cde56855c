//! Exact conversion between real numbers and the bit patterns of binary
//! floating-point formats of any width: IEEE 754 (FP64, FP32, FP16, BF16, TF32,
//! FP8 E5M2), OCP FP8 E4M3 (no infinities, one NaN per sign), and the OCP MX
//! element formats FP6 E3M2, FP6 E2M3 and FP4 E2M1 (no infinities, no NaN).
//!
//! Encoding rounds to nearest, ties to even, with subnormals. Because a decimal
//! typed by the user is first parsed to the nearest `f64`, the encoder also takes
//! the side the exact value lies on relative to that `f64` (`tail`): it only
//! matters when the `f64` sits exactly halfway between two neighbours of the
//! narrower format, and it makes the result the correctly rounded one for the
//! decimal itself, not for its `f64` approximation.

use std::cmp::Ordering;

use serde::{Deserialize, Serialize};

/// Which bit patterns of the largest exponent are special.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Specials {
    /// IEEE 754: the all-ones exponent holds ±∞ (mantissa 0) and NaN.
    Ieee,
    /// OCP FP8 E4M3: no infinities; only S.1111.111 is NaN.
    NanOnly,
    /// OCP MX FP6/FP4: every pattern is a finite number.
    None,
}

/// A binary floating-point format: 1 sign bit, `exponent` bits, `mantissa` bits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FloatSpec {
    pub exponent: u32,
    pub mantissa: u32,
    pub bias: i32,
    pub specials: Specials,
}

/// What an encoder does with a value too large for the format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Overflow {
    /// Clamp to the largest finite value (NVIDIA `__NV_SATFINITE`, OCP "saturating").
    Saturate,
    /// IEEE behaviour: ±∞, or NaN in a format without infinities.
    Special,
}

/// A decoded bit pattern.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Decoded {
    Finite(f64),
    Infinite { negative: bool },
    NaN,
}

impl Decoded {
    pub fn finite(self) -> Option<f64> {
        match self {
            Decoded::Finite(v) => Some(v),
            _ => None,
        }
    }
}

/// How the stored value relates to the value asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rounding {
    /// Stored exactly.
    Exact,
    /// Rounded to a neighbouring value.
    Rounded,
    /// A non-zero value rounded to zero.
    Underflow,
    /// Too large: clamped to the largest finite value.
    Saturated,
    /// Too large: became ±∞.
    OverflowInfinity,
    /// Too large: became NaN (E4M3 in non-saturating mode).
    OverflowNaN,
}

impl Rounding {
    pub fn is_overflow(self) -> bool {
        matches!(
            self,
            Rounding::Saturated | Rounding::OverflowInfinity | Rounding::OverflowNaN
        )
    }
}

/// The result of encoding.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Encoded {
    pub code: u64,
    pub rounding: Rounding,
    /// The result is a subnormal (fewer significant bits than a normal number).
    pub subnormal: bool,
}

/// `2^k` for any `k` an `f64` can hold (−1074 ≤ k ≤ 1023).
pub fn pow2(k: i32) -> f64 {
    debug_assert!((-1074..=1023).contains(&k));
    if k >= -1022 {
        f64::from_bits(((k + 1023) as u64) << 52)
    } else {
        f64::from_bits(1u64 << (k + 1074))
    }
}

/// `floor(log2(a))` for a finite `a > 0`, exactly.
fn ilog2(a: f64) -> i32 {
    let bits = a.to_bits();
    let exp = ((bits >> 52) & 0x7ff) as i32;
    if exp == 0 {
        let m = bits & ((1u64 << 52) - 1);
        (63 - m.leading_zeros() as i32) - 1074
    } else {
        exp - 1023
    }
}

impl FloatSpec {
    pub const fn ieee(exponent: u32, mantissa: u32) -> FloatSpec {
        FloatSpec {
            exponent,
            mantissa,
            bias: (1 << (exponent - 1)) - 1,
            specials: Specials::Ieee,
        }
    }

    /// Total width in bits (sign included).
    pub const fn width(self) -> u32 {
        1 + self.exponent + self.mantissa
    }

    fn exp_all_ones(self) -> u64 {
        (1u64 << self.exponent) - 1
    }

    fn man_mask(self) -> u64 {
        (1u64 << self.mantissa) - 1
    }

    /// Smallest unbiased exponent of a normal number.
    pub const fn emin(self) -> i32 {
        1 - self.bias
    }

    /// Largest unbiased exponent of a finite number, and the largest significand
    /// (hidden bit included) at that exponent.
    fn emax_nmax(self) -> (i32, u64) {
        let full = (1u64 << (self.mantissa + 1)) - 1;
        let top = self.exp_all_ones() as i32 - self.bias;
        match self.specials {
            Specials::Ieee => (top - 1, full),
            Specials::NanOnly => (top, full - 1),
            Specials::None => (top, full),
        }
    }

    /// The code of the largest finite value with the given sign.
    pub fn max_code(self, negative: bool) -> u64 {
        let (emax, nmax) = self.emax_nmax();
        let exp_field = (emax + self.bias) as u64;
        self.sign_bit(negative) | (exp_field << self.mantissa) | (nmax & self.man_mask())
    }

    fn sign_bit(self, negative: bool) -> u64 {
        u64::from(negative) << (self.exponent + self.mantissa)
    }

    pub fn max_finite(self) -> f64 {
        self.decode(self.max_code(false))
            .finite()
            .unwrap_or(f64::NAN)
    }

    pub fn min_normal(self) -> f64 {
        pow2(self.emin())
    }

    pub fn min_subnormal(self) -> f64 {
        pow2(self.emin() - self.mantissa as i32)
    }

    /// Distance from 1 to the next larger value: 2^-mantissa.
    pub fn epsilon(self) -> f64 {
        pow2(-(self.mantissa as i32))
    }

    /// The value a bit pattern stands for. Bits above the width are ignored.
    pub fn decode(self, code: u64) -> Decoded {
        let m_bits = self.mantissa;
        let negative = (code >> (self.exponent + m_bits)) & 1 == 1;
        let e = (code >> m_bits) & self.exp_all_ones();
        let m = code & self.man_mask();
        let top = e == self.exp_all_ones();
        match self.specials {
            Specials::Ieee if top && m == 0 => return Decoded::Infinite { negative },
            Specials::Ieee if top => return Decoded::NaN,
            Specials::NanOnly if top && m == self.man_mask() => return Decoded::NaN,
            _ => {}
        }
        let (significand, exp) = if e == 0 {
            (m, self.emin())
        } else {
            (m | (1u64 << m_bits), e as i32 - self.bias)
        };
        let magnitude = significand as f64 * pow2(exp - m_bits as i32);
        Decoded::Finite(if negative { -magnitude } else { magnitude })
    }

    /// Encodes `x`. `tail` says whether the exact value wanted is above (`Greater`),
    /// below (`Less`) or equal to `x` on the number line; it breaks ties only.
    /// NaN encodes to a NaN where the format has one, else to zero with `Underflow`
    /// never reported (callers reject NaN before).
    pub fn encode(self, x: f64, tail: Ordering, overflow: Overflow) -> Encoded {
        let negative = x.is_sign_negative();
        let sign = self.sign_bit(negative);
        if x.is_nan() {
            let code = match self.specials {
                Specials::Ieee => {
                    (self.exp_all_ones() << self.mantissa) | (1u64 << (self.mantissa - 1))
                }
                Specials::NanOnly => (self.exp_all_ones() << self.mantissa) | self.man_mask(),
                Specials::None => 0,
            };
            return Encoded {
                code,
                rounding: Rounding::OverflowNaN,
                subnormal: false,
            };
        }
        if x.is_infinite() {
            return self.overflowed(negative, overflow);
        }
        let a = x.abs();
        // The side the exact value lies on, as a magnitude.
        let tail = if a == 0.0 {
            if tail == Ordering::Equal {
                Ordering::Equal
            } else {
                Ordering::Greater
            }
        } else if negative {
            tail.reverse()
        } else {
            tail
        };
        if a == 0.0 {
            return Encoded {
                code: sign,
                rounding: if tail == Ordering::Equal {
                    Rounding::Exact
                } else {
                    Rounding::Underflow
                },
                subnormal: false,
            };
        }
        let m_bits = self.mantissa as i32;
        let emin = self.emin();
        let mut e = ilog2(a).max(emin);
        // Scaling by a power of two is exact (done in two steps so that each factor
        // is an `f64`); the quotient is below 2^(m+1) ≤ 2^53, so `whole` and `frac`
        // are exact too.
        let shift = m_bits - e;
        let scaled = a * pow2(shift / 2) * pow2(shift - shift / 2);
        let whole = scaled.floor();
        let frac = scaled - whole;
        let mut n = whole as u64;
        let round_up = match frac.partial_cmp(&0.5) {
            Some(Ordering::Greater) => true,
            Some(Ordering::Less) | None => false,
            Some(Ordering::Equal) => match tail {
                Ordering::Greater => true,
                Ordering::Less => false,
                Ordering::Equal => n & 1 == 1,
            },
        };
        if round_up {
            n += 1;
        }
        if n == 1u64 << (m_bits + 1) {
            n >>= 1;
            e += 1;
        }
        let (emax, nmax) = self.emax_nmax();
        if e > emax || (e == emax && n > nmax) {
            return self.overflowed(negative, overflow);
        }
        let exact = frac == 0.0 && tail == Ordering::Equal;
        if n == 0 {
            return Encoded {
                code: sign,
                rounding: Rounding::Underflow,
                subnormal: false,
            };
        }
        let hidden = 1u64 << m_bits;
        let (exp_field, man) = if n < hidden {
            (0u64, n)
        } else {
            ((e + self.bias) as u64, n - hidden)
        };
        let rounding = if exact {
            Rounding::Exact
        } else {
            Rounding::Rounded
        };
        Encoded {
            code: sign | (exp_field << m_bits) | man,
            rounding,
            subnormal: exp_field == 0,
        }
    }

    fn overflowed(self, negative: bool, overflow: Overflow) -> Encoded {
        let sign = self.sign_bit(negative);
        let all = self.exp_all_ones() << self.mantissa;
        match (self.specials, overflow) {
            (Specials::None, _) | (_, Overflow::Saturate) => Encoded {
                code: self.max_code(negative),
                rounding: Rounding::Saturated,
                subnormal: false,
            },
            (Specials::Ieee, Overflow::Special) => Encoded {
                code: sign | all,
                rounding: Rounding::OverflowInfinity,
                subnormal: false,
            },
            (Specials::NanOnly, Overflow::Special) => Encoded {
                code: sign | all | self.man_mask(),
                rounding: Rounding::OverflowNaN,
                subnormal: false,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FP16: FloatSpec = FloatSpec::ieee(5, 10);

    #[test]
    fn pow2_spans_the_f64_range() {
        assert_eq!(pow2(0), 1.0);
        assert_eq!(pow2(-1074), f64::from_bits(1));
        assert_eq!(pow2(1023), 2f64.powi(1023));
        assert_eq!(pow2(-1023), 2f64.powi(-1023));
    }

    #[test]
    fn ilog2_is_exact() {
        assert_eq!(ilog2(1.0), 0);
        assert_eq!(ilog2(0.75), -1);
        assert_eq!(ilog2(f64::from_bits(1)), -1074);
        assert_eq!(ilog2(f64::MAX), 1023);
    }

    #[test]
    fn ties_follow_the_exact_value() {
        // 1 + 2^-11 lies halfway between FP16's 1 and 1 + 2^-10.
        let tie = 1.0 + pow2(-11);
        let even = FP16.encode(tie, Ordering::Equal, Overflow::Special);
        assert_eq!(even.code, 0x3C00);
        let above = FP16.encode(tie, Ordering::Greater, Overflow::Special);
        assert_eq!(above.code, 0x3C01);
        let below = FP16.encode(-tie, Ordering::Greater, Overflow::Special);
        assert_eq!(
            below.code, 0xBC00,
            "greater than −tie is smaller in magnitude"
        );
    }

    #[test]
    fn negative_zero_keeps_its_sign() {
        let z = FP16.encode(-0.0, Ordering::Equal, Overflow::Special);
        assert_eq!(z.code, 0x8000);
        assert_eq!(z.rounding, Rounding::Exact);
    }
}
