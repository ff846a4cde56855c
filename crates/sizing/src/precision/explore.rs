//! The value explorer: one typed decimal converted to every format, with the
//! stored bits, the value they stand for and the exact error.

use std::cmp::Ordering;

use serde::{Deserialize, Serialize};

use super::codec::{Decoded, FloatSpec, Overflow, Rounding};
use super::decimal::{Decimal, Parsed, ValueError, parse_value};
use super::{Element, Precision, ScaleFormat};

/// bitsandbytes' NF4 levels (`get_4bit_type("nf4")`), as the FP32 values it stores.
pub const NF4_LEVELS: [f64; 16] = [
    -1.0,
    -0.696_192_800_998_687_7,
    -0.525_073_051_452_636_7,
    -0.394_917_488_098_144_53,
    -0.284_441_381_692_886_35,
    -0.184_773_430_228_233_34,
    -0.091_050_036_251_544_95,
    0.0,
    0.079_580_299_556_255_34,
    0.160_930_201_411_247_25,
    0.246_112_301_945_686_34,
    0.337_915_241_718_292_24,
    0.440_709_829_330_444_34,
    0.562_617_003_917_694_1,
    0.722_956_836_223_602_3,
    1.0,
];

/// Settings of the explorer.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExploreOptions {
    /// FP8 overflow clamps to ±max (NVIDIA's `satfinite`, the default of FP8
    /// casts in Transformer Engine) instead of giving ∞ (E5M2) or NaN (E4M3).
    pub saturate_fp8: bool,
    /// The absolute maximum of the block or tensor the value belongs to, which
    /// sets the scale of INT8, INT4, NF4, MXFP4 and NVFP4.
    pub absmax: f64,
}

impl Default for ExploreOptions {
    fn default() -> Self {
        ExploreOptions {
            saturate_fp8: true,
            absmax: 1.0,
        }
    }
}

/// What a run of bits means, for colouring.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Sign,
    Exponent,
    Mantissa,
    /// Two's-complement integer bits.
    Integer,
    /// An index into the NF4 table.
    Index,
}

/// The scale a block format stored alongside the value.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ScaleCode {
    pub format: ScaleFormat,
    pub bits: String,
    pub hex: String,
    pub value: f64,
}

/// One format's result.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Conversion {
    pub precision: Precision,
    /// The element's bits, most significant first, split into fields.
    pub fields: Vec<(Field, String)>,
    /// Hexadecimal of the stored element (TF32: the FP32 word it is stored in).
    pub hex: String,
    pub scale: Option<ScaleCode>,
    /// The value the stored bits stand for (scale applied).
    pub stored: Stored,
    /// |exact − stored|, computed exactly and rounded to `f64`.
    pub abs_error: Option<f64>,
    /// abs_error / |exact|; `None` for zero input or a non-finite result.
    pub rel_error: Option<f64>,
    pub rounding: Rounding,
    /// The element is a subnormal number (fewer significant bits).
    pub subnormal: bool,
    /// The value lay outside ±absmax and was clamped (scaled formats).
    pub clipped: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stored {
    Finite(f64),
    Infinite { negative: bool },
    NaN,
}

/// The whole exploration.
#[derive(Clone, Debug, PartialEq)]
pub struct Exploration {
    pub parsed: Parsed,
    pub rows: Vec<Conversion>,
}

/// Why the explorer cannot run.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ExploreError {
    #[error(transparent)]
    Value(#[from] ValueError),
    #[error("The block absmax must be a positive finite number.")]
    Absmax,
}

/// Converts `text` to every format.
pub fn explore(text: &str, options: ExploreOptions) -> Result<Exploration, ExploreError> {
    explore_parsed(parse_value(text)?, options)
}

/// Converts an already parsed value to every format.
pub fn explore_parsed(
    parsed: Parsed,
    options: ExploreOptions,
) -> Result<Exploration, ExploreError> {
    if !(options.absmax.is_finite() && options.absmax > 0.0) {
        return Err(ExploreError::Absmax);
    }
    let rows = Precision::ALL
        .iter()
        .map(|p| convert(*p, &parsed, options))
        .collect();
    Ok(Exploration { parsed, rows })
}

/// Converts a parsed value to one format.
pub fn convert(p: Precision, v: &Parsed, options: ExploreOptions) -> Conversion {
    let info = p.info();
    match (info.element, info.block) {
        (Element::Float(spec), None) => {
            let fp8 = matches!(p, Precision::Fp8E4m3 | Precision::Fp8E5m2);
            let overflow = if fp8 && options.saturate_fp8 {
                Overflow::Saturate
            } else {
                Overflow::Special
            };
            let enc = spec.encode(v.nearest, v.tail, overflow);
            let hex = if p == Precision::Tf32 {
                hex(enc.code << 13, 32)
            } else {
                hex(enc.code, spec.width())
            };
            finish(
                p,
                v,
                float_fields(spec, enc.code),
                hex,
                None,
                spec.decode(enc.code),
                Some(enc.rounding),
                (enc.subnormal, false),
            )
        }
        (Element::Float(spec), Some(block)) => block_float(p, spec, block.scale, v, options.absmax),
        (Element::Integer { bits }, _) => integer(p, bits, v, options.absmax),
        (Element::Nf4, _) => nf4(p, v, options.absmax),
    }
}

/// Builds a row: the exact error of the stored value and, when the encoder did
/// not say (`rounding: None`, the scaled formats), how it relates to the input.
#[allow(clippy::too_many_arguments)]
fn finish(
    p: Precision,
    v: &Parsed,
    fields: Vec<(Field, String)>,
    hex: String,
    scale: Option<ScaleCode>,
    decoded: Decoded,
    rounding: Option<Rounding>,
    (subnormal, clipped): (bool, bool),
) -> Conversion {
    let (stored, abs_error, rel_error) = match decoded {
        Decoded::Finite(x) => {
            let abs = v.exact.abs_diff(&Decimal::from_f64(x));
            let rel = if v.exact.is_zero() {
                None
            } else if x == 0.0 {
                Some(1.0)
            } else {
                Some(abs / v.exact.to_f64().abs())
            };
            (Stored::Finite(x), Some(abs), rel.filter(|r| r.is_finite()))
        }
        Decoded::Infinite { negative } => (Stored::Infinite { negative }, None, None),
        Decoded::NaN => (Stored::NaN, None, None),
    };
    let rounding = rounding.unwrap_or(if clipped {
        Rounding::Saturated
    } else if stored == Stored::Finite(0.0) && !v.exact.is_zero() {
        Rounding::Underflow
    } else if abs_error == Some(0.0) {
        Rounding::Exact
    } else {
        Rounding::Rounded
    });
    Conversion {
        precision: p,
        fields,
        hex,
        scale,
        stored,
        abs_error,
        rel_error,
        rounding,
        subnormal,
        clipped,
    }
}

/// A number with four significant digits, for errors and rates: "2.441e-5",
/// "0.1024", "65504".
pub fn short(x: f64) -> String {
    if x == 0.0 {
        return "0".into();
    }
    if !x.is_finite() {
        return "—".into();
    }
    let a = x.abs();
    if (1e-3..1e6).contains(&a) {
        let decimals = (3 - a.log10().floor() as i32).max(0) as usize;
        let s = format!("{x:.decimals$}");
        if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            s
        }
    } else {
        let s = format!("{x:.3e}");
        let (m, e) = s.split_once('e').unwrap_or((&s, "0"));
        let m = if m.contains('.') {
            m.trim_end_matches('0').trim_end_matches('.')
        } else {
            m
        };
        format!("{m}e{e}")
    }
}

/// The exact value of an `f64`, cut to `max_digits` significant digits.
pub fn exact_text(x: f64, max_digits: usize) -> String {
    Decimal::from_f64(x).display(max_digits)
}

/// The bits of `code`, `width` wide, most significant first.
pub fn bit_string(code: u64, width: u32) -> String {
    (0..width)
        .rev()
        .map(|i| if (code >> i) & 1 == 1 { '1' } else { '0' })
        .collect()
}

/// `0x…` with as many hex digits as the width needs.
pub fn hex(code: u64, width: u32) -> String {
    let digits = width.div_ceil(4) as usize;
    format!("0x{code:0digits$X}")
}

fn float_fields(spec: FloatSpec, code: u64) -> Vec<(Field, String)> {
    let bits = bit_string(code, spec.width());
    let e = spec.exponent as usize;
    vec![
        (Field::Sign, bits[..1].to_string()),
        (Field::Exponent, bits[1..1 + e].to_string()),
        (Field::Mantissa, bits[1 + e..].to_string()),
    ]
}

/// Clamps to ±absmax and reports whether it had to.
fn clip(x: f64, absmax: f64) -> (f64, bool) {
    if x.abs() > absmax {
        (absmax.copysign(x), true)
    } else {
        (x, false)
    }
}

/// The scale a block format stores, as shown: its bits, hex and value.
fn scale_code(format: ScaleFormat, code: u64, width: u32, value: f64) -> ScaleCode {
    ScaleCode {
        format,
        bits: bit_string(code, width),
        hex: hex(code, width),
        value,
    }
}

/// Symmetric integer quantization: scale = absmax / (2^(bits−1) − 1), q = round(x / scale).
fn integer(p: Precision, bits: u32, v: &Parsed, absmax: f64) -> Conversion {
    let qmax = f64::from((1u32 << (bits - 1)) - 1);
    let scale = absmax / qmax;
    let (x, clipped) = clip(v.nearest, absmax);
    // + 0.0: an integer has no negative zero (−0.001 stores as 0, not "-0").
    let q = (x / scale).round_ties_even().clamp(-qmax, qmax) + 0.0;
    let stored = q * scale;
    let code = (q as i64 as u64) & ((1u64 << bits) - 1);
    let fields = vec![(Field::Integer, bit_string(code, bits))];
    finish(
        p,
        v,
        fields,
        hex(code, bits),
        None,
        Decoded::Finite(stored),
        None,
        (false, clipped),
    )
}

/// NF4: the nearest of the 16 levels to x / absmax, times the FP32 absmax.
fn nf4(p: Precision, v: &Parsed, absmax: f64) -> Conversion {
    let absmax32 = absmax as f32;
    let scale = f64::from(absmax32);
    let (x, clipped) = clip(v.nearest, scale);
    let t = x / scale;
    let index = NF4_LEVELS
        .iter()
        .enumerate()
        .min_by(|a, b| (a.1 - t).abs().total_cmp(&(b.1 - t).abs()))
        .map_or(7, |(i, _)| i);
    let stored = NF4_LEVELS[index] * scale;
    let scale = scale_code(ScaleFormat::Fp32, u64::from(absmax32.to_bits()), 32, scale);
    let fields = vec![(Field::Index, bit_string(index as u64, 4))];
    finish(
        p,
        v,
        fields,
        hex(index as u64, 4),
        Some(scale),
        Decoded::Finite(stored),
        None,
        (false, clipped),
    )
}

/// MXFP4 (power-of-two scale 2^(floor(log2 absmax) − emax_elem), OCP MX §6.3) and
/// NVFP4 (scale absmax / 6 rounded to E4M3).
fn block_float(
    p: Precision,
    elem: FloatSpec,
    scale: ScaleFormat,
    v: &Parsed,
    absmax: f64,
) -> Conversion {
    let scale = match scale {
        ScaleFormat::E8m0 => {
            let emax_elem = elem.max_finite().log2().floor() as i32;
            let shared = (absmax.log2().floor() as i32 - emax_elem).clamp(-127, 127);
            scale_code(scale, (shared + 127) as u64, 8, super::codec::pow2(shared))
        }
        // NVFP4 (no element format takes an FP32 block scale).
        ScaleFormat::Fp8E4m3 | ScaleFormat::Fp32 => {
            let e4m3 = Precision::Fp8E4m3.float_spec().expect("E4M3 is a float");
            let enc = e4m3.encode(
                absmax / elem.max_finite(),
                Ordering::Equal,
                Overflow::Saturate,
            );
            let value = e4m3.decode(enc.code).finite().unwrap_or(0.0);
            scale_code(ScaleFormat::Fp8E4m3, enc.code, 8, value)
        }
    };
    let scale_value = scale.value;
    let (x, clipped) = clip(v.nearest, absmax);
    let (code, stored, subnormal, saturated) = if scale_value > 0.0 {
        let enc = elem.encode(x / scale_value, Ordering::Equal, Overflow::Saturate);
        let element = elem.decode(enc.code).finite().unwrap_or(0.0);
        (
            enc.code,
            element * scale_value,
            enc.subnormal,
            enc.rounding == Rounding::Saturated,
        )
    } else {
        (
            u64::from(x.is_sign_negative()) << (elem.width() - 1),
            0.0,
            false,
            false,
        )
    };
    // An element past its format's largest value (MXFP4's power-of-two scale
    // can leave absmax above 6 × scale) is clamped, not rounded.
    finish(
        p,
        v,
        float_fields(elem, code),
        hex(code, elem.width()),
        Some(scale),
        Decoded::Finite(stored),
        None,
        (subnormal, clipped || saturated),
    )
}

#[cfg(test)]
mod tests {
    use super::short;

    #[test]
    fn short_numbers() {
        assert_eq!(short(2.441_406_25e-5), "2.441e-5");
        assert_eq!(short(0.102_362_204_724_409_45), "0.1024");
        assert_eq!(short(65504.0), "65504");
        assert_eq!(short(2.441_406_25e-4), "2.441e-4");
        assert_eq!(short(1.0), "1");
        assert_eq!(short(3.389_531_389_251_535_5e38), "3.39e38");
        assert_eq!(short(-0.5), "-0.5");
    }
}
