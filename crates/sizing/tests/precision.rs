//! Number formats checked against their definitions (IEEE 754, OCP OFP8 1.0,
//! OCP MX 1.0, QLoRA), the `half` crate, and the A100 figures the precision
//! article quotes. Exhaustive over every FP8 and FP16/BF16 code. These run
//! natively and, compiled to wasm32, under Node.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use std::cmp::Ordering;

use half::{bf16, f16};
use sizing::Precision;
use sizing::catalog::Catalog;
use sizing::precision::codec::{Decoded, FloatSpec, Overflow, Rounding};
use sizing::precision::decimal::ValueError;
use sizing::precision::explore::{ExploreError, ExploreOptions, Field, Stored, explore};
use sizing::precision::support::{Path, support, tensor_core_formats};

fn spec(p: Precision) -> FloatSpec {
    p.float_spec().unwrap_or_else(|| panic!("{p} is a float"))
}

fn row(
    text: &str,
    p: Precision,
    options: ExploreOptions,
) -> sizing::precision::explore::Conversion {
    explore(text, options)
        .unwrap_or_else(|e| panic!("{text}: {e}"))
        .rows
        .into_iter()
        .find(|r| r.precision == p)
        .expect("every format has a row")
}

fn stored(text: &str, p: Precision) -> f64 {
    match row(text, p, ExploreOptions::default()).stored {
        Stored::Finite(v) => v,
        s => panic!("{text} in {p}: {s:?}"),
    }
}

#[test]
fn bit_layouts() {
    let l = |p: Precision| p.layout().map(|l| (l.sign, l.exponent, l.mantissa));
    assert_eq!(l(Precision::Fp64), Some((1, 11, 52)));
    assert_eq!(l(Precision::Fp32), Some((1, 8, 23)));
    assert_eq!(l(Precision::Tf32), Some((1, 8, 10)));
    assert_eq!(l(Precision::Fp16), Some((1, 5, 10)));
    assert_eq!(l(Precision::Bf16), Some((1, 8, 7)));
    assert_eq!(l(Precision::Fp8E4m3), Some((1, 4, 3)));
    assert_eq!(l(Precision::Fp8E5m2), Some((1, 5, 2)));
    assert_eq!(l(Precision::Fp4E2m1), Some((1, 2, 1)));
    assert_eq!(l(Precision::Fp6E3m2), Some((1, 3, 2)));
    assert_eq!(l(Precision::Fp6E2m3), Some((1, 2, 3)));
    assert_eq!(l(Precision::Int8), None);
}

#[test]
fn ranges_and_precision() {
    assert_eq!(Precision::Fp16.max_finite(), 65504.0);
    // BF16: (2 − 2^-7) · 2^127 = 3.3895313892515355e38.
    assert_eq!(Precision::Bf16.max_finite(), 3.389_531_389_251_535_5e38);
    assert_eq!(Precision::Fp8E4m3.max_finite(), 448.0);
    assert_eq!(Precision::Fp8E5m2.max_finite(), 57344.0);
    assert_eq!(Precision::Fp4E2m1.max_finite(), 6.0);
    assert_eq!(Precision::Fp6E3m2.max_finite(), 28.0);
    assert_eq!(Precision::Fp6E2m3.max_finite(), 7.5);
    assert_eq!(Precision::Fp32.max_finite(), f64::from(f32::MAX));
    assert_eq!(Precision::Fp64.max_finite(), f64::MAX);
    assert_eq!(Precision::Int8.max_finite(), 127.0);

    assert_eq!(Precision::Fp16.min_positive(), 2f64.powi(-24));
    assert_eq!(Precision::Fp16.min_normal(), Some(2f64.powi(-14)));
    assert_eq!(Precision::Fp8E4m3.min_positive(), 2f64.powi(-9));
    assert_eq!(Precision::Fp8E4m3.min_normal(), Some(2f64.powi(-6)));
    assert_eq!(Precision::Fp8E5m2.min_positive(), 2f64.powi(-16));
    assert_eq!(Precision::Fp32.min_positive(), 2f64.powi(-149));
    assert_eq!(
        Precision::Bf16.min_normal(),
        Some(f64::from(f32::MIN_POSITIVE))
    );

    assert_eq!(Precision::Fp16.epsilon(), Some(2f64.powi(-10)));
    assert_eq!(Precision::Bf16.epsilon(), Some(2f64.powi(-7)));
    assert_eq!(Precision::Fp32.epsilon(), Some(f64::from(f32::EPSILON)));
    assert_eq!(Precision::Fp64.epsilon(), Some(f64::EPSILON));
    // Decimal digits: FP16 3.31, BF16 2.41, FP32 7.22.
    let digits = |p: Precision| (p.decimal_digits() * 100.0).round() / 100.0;
    assert_eq!(digits(Precision::Fp16), 3.31);
    assert_eq!(digits(Precision::Bf16), 2.41);
    assert_eq!(digits(Precision::Fp32), 7.22);
}

#[test]
fn bytes_per_value_with_block_scales() {
    // MXFP4: 32 × 4 bits + one 8-bit scale = 136 bits per 32 values = 4.25 bits.
    assert_eq!(Precision::Mxfp4.bits_per_value(), 4.25);
    assert_eq!(Precision::Mxfp4.bytes_for(32), Some(17));
    // NVFP4: 16 × 4 + 8 = 72 bits per 16 values = 4.5 bits.
    assert_eq!(Precision::Nvfp4.bits_per_value(), 4.5);
    assert_eq!(Precision::Nvfp4.bytes_for(16), Some(9));
    // NF4: 64 × 4 + 32 = 288 bits per 64 values = 4.5 bits (QLoRA §3: 32/64 = 0.5 bits of scale).
    assert_eq!(Precision::Nf4.bits_per_value(), 4.5);
    // A partial last block still has its scale: 33 MXFP4 values = 132 + 16 bits = 19 bytes (148 bits).
    assert_eq!(Precision::Mxfp4.bytes_for(33), Some(19));
    assert_eq!(Precision::Fp6E2m3.bytes_for(4), Some(3));
    assert_eq!(Precision::Mxfp4.bytes_per_value_label(), "0.53125 B");
    assert_eq!(Precision::Int4.bytes_per_value_label(), "0.5 B");
    // FP8 weights are half of BF16 ones, 4-bit a quarter (plus scales).
    let n = 8_030_261_248; // Llama-3.1-8B parameters
    assert_eq!(
        Precision::Fp8E4m3.bytes_for(n).unwrap() * 2,
        Precision::Bf16.bytes_for(n).unwrap()
    );
    assert_eq!(Precision::Tf32.bytes_for(n), Precision::Fp32.bytes_for(n));
}

#[test]
fn worked_conversions() {
    let fp16 = row("0.1", Precision::Fp16, ExploreOptions::default());
    assert_eq!(fp16.hex, "0x2E66");
    assert_eq!(fp16.stored, Stored::Finite(0.099_975_585_937_5));
    // |0.1 − 0.0999755859375| = 0.0000244140625 exactly; relative 2.44140625e-4.
    assert_eq!(fp16.abs_error, Some(2.441_406_25e-5));
    assert_eq!(fp16.rel_error, Some(2.441_406_25e-4));
    assert_eq!(fp16.rounding, Rounding::Rounded);
    assert_eq!(
        fp16.fields,
        vec![
            (Field::Sign, "0".to_string()),
            (Field::Exponent, "01011".to_string()),
            (Field::Mantissa, "1001100110".to_string())
        ]
    );

    let third = row(
        "0.3333333333333333",
        Precision::Bf16,
        ExploreOptions::default(),
    );
    assert_eq!(third.hex, "0x3EAB");
    assert_eq!(third.stored, Stored::Finite(0.333_984_375));

    // FP64 itself: 0.1 is stored as 0.1000000000000000055511151231257827…
    let fp64 = row("0.1", Precision::Fp64, ExploreOptions::default());
    assert_eq!(fp64.hex, "0x3FB999999999999A");
    assert_eq!(fp64.abs_error, Some(5.551_115_123_125_783e-18));
    // FP32 0.1 = 0x3DCCCCCD; TF32 keeps 10 mantissa bits: 0x3DCCC000 = 0.0999755859375.
    assert_eq!(
        row("0.1", Precision::Fp32, ExploreOptions::default()).hex,
        "0x3DCCCCCD"
    );
    let tf32 = row("0.1", Precision::Tf32, ExploreOptions::default());
    assert_eq!(tf32.hex, "0x3DCCC000");
    assert_eq!(tf32.stored, Stored::Finite(0.099_975_585_937_5));

    // An exact value is exact everywhere it fits.
    let exact = row("1.5", Precision::Fp4E2m1, ExploreOptions::default());
    assert_eq!(
        (exact.hex.as_str(), exact.rounding, exact.abs_error),
        ("0x3", Rounding::Exact, Some(0.0))
    );
    // 0.5 is E2M1's one subnormal: exact, and flagged.
    let sub = row("0.5", Precision::Fp4E2m1, ExploreOptions::default());
    assert_eq!(
        (sub.hex.as_str(), sub.rounding, sub.subnormal),
        ("0x1", Rounding::Exact, true)
    );
}

#[test]
fn fp8_overflow_saturates_or_reports() {
    let sat = row("500", Precision::Fp8E4m3, ExploreOptions::default());
    assert_eq!(sat.stored, Stored::Finite(448.0));
    assert_eq!(sat.hex, "0x7E");
    assert_eq!(sat.rounding, Rounding::Saturated);
    let strict = ExploreOptions {
        saturate_fp8: false,
        ..ExploreOptions::default()
    };
    let nan = row("500", Precision::Fp8E4m3, strict);
    assert_eq!(
        (nan.stored, nan.hex.as_str(), nan.rounding),
        (Stored::NaN, "0x7F", Rounding::OverflowNaN)
    );
    // E5M2 follows IEEE: 60000 is below the halfway point 61440 and rounds to 57344.
    assert_eq!(
        row("60000", Precision::Fp8E5m2, strict).stored,
        Stored::Finite(57344.0)
    );
    let inf = row("-61440", Precision::Fp8E5m2, strict);
    assert_eq!(inf.stored, Stored::Infinite { negative: true });
    assert_eq!(inf.hex, "0xFC");
    // 464 is halfway between 448 (even mantissa) and 480: it rounds to 448, no overflow.
    assert_eq!(
        row("464", Precision::Fp8E4m3, strict).stored,
        Stored::Finite(448.0)
    );
    // FP16 follows IEEE: 65520 (halfway to 2^16) overflows to ∞ whatever the FP8 setting.
    assert_eq!(
        row("65520", Precision::Fp16, ExploreOptions::default()).stored,
        Stored::Infinite { negative: false }
    );
    assert_eq!(
        row("65519.99", Precision::Fp16, ExploreOptions::default()).stored,
        Stored::Finite(65504.0)
    );
    // FP4 has no ∞: always saturates.
    assert_eq!(stored("7", Precision::Fp4E2m1), 6.0);
}

#[test]
fn decimals_round_correctly_at_ties() {
    // 1 + 2^-11 = 1.00048828125 is halfway between FP16 neighbours 1 and 1 + 2^-10.
    assert_eq!(
        row("1.00048828125", Precision::Fp16, ExploreOptions::default()).hex,
        "0x3C00"
    );
    // A hair above the tie rounds up, although its nearest f64 is the tie itself.
    assert_eq!(
        row(
            "1.000488281250000000000001",
            Precision::Fp16,
            ExploreOptions::default()
        )
        .hex,
        "0x3C01"
    );
    assert_eq!(
        row(
            "-1.000488281250000000000001",
            Precision::Fp16,
            ExploreOptions::default()
        )
        .hex,
        "0xBC01"
    );
    // A hair below rounds down even from the odd side: 1 + 3·2^-11 is a tie between 0x3C01 and 0x3C02.
    assert_eq!(
        row("1.00146484375", Precision::Fp16, ExploreOptions::default()).hex,
        "0x3C02"
    );
    assert_eq!(
        row(
            "1.001464843749999999999999",
            Precision::Fp16,
            ExploreOptions::default()
        )
        .hex,
        "0x3C01"
    );
    // Below FP16's smallest subnormal by half exactly: a tie, rounds to even (zero).
    let half_min = row(
        "2.98023223876953125e-8",
        Precision::Fp16,
        ExploreOptions::default(),
    );
    assert_eq!(
        (half_min.hex.as_str(), half_min.rounding),
        ("0x0000", Rounding::Underflow)
    );
    assert_eq!(
        row(
            "2.98023223876953126e-8",
            Precision::Fp16,
            ExploreOptions::default()
        )
        .hex,
        "0x0001"
    );
    // Subnormals are reported.
    let sub = row("1e-6", Precision::Fp16, ExploreOptions::default());
    assert_eq!((sub.rounding, sub.subnormal), (Rounding::Rounded, true));
    // Tinier than every format: zero everywhere, relative error 100 %.
    let tiny = row("1e-999", Precision::Fp64, ExploreOptions::default());
    assert_eq!(
        (tiny.rounding, tiny.rel_error),
        (Rounding::Underflow, Some(1.0))
    );
    // Negative zero keeps its sign bit.
    assert_eq!(
        row("-0", Precision::Bf16, ExploreOptions::default()).hex,
        "0x8000"
    );
}

#[test]
fn scaled_formats() {
    // INT8 with absmax 1: scale 1/127; 0.1 → q = round(12.7) = 13 → 13/127.
    let int8 = row("0.1", Precision::Int8, ExploreOptions::default());
    assert_eq!(int8.hex, "0x0D");
    assert_eq!(int8.stored, Stored::Finite(13.0 / 127.0));
    assert_eq!(
        row("-0.1", Precision::Int8, ExploreOptions::default()).hex,
        "0xF3"
    );
    // INT4: scale 1/7; 0.1 → round(0.7) = 1 → 1/7.
    assert_eq!(stored("0.1", Precision::Int4), 1.0 / 7.0);
    // MXFP4, absmax 1: shared scale 2^(floor(log2 1) − 2) = 0.25 (E8M0 code 125);
    // 0.1 / 0.25 = 0.4 → E2M1 0.5 → 0.125.
    let mx = row("0.1", Precision::Mxfp4, ExploreOptions::default());
    assert_eq!(mx.stored, Stored::Finite(0.125));
    let scale = mx.scale.expect("MXFP4 has a scale");
    assert_eq!((scale.hex.as_str(), scale.value), ("0x7D", 0.25));
    // NVFP4, absmax 1: scale 1/6 → E4M3 0.171875 (0x2B... 1.375·2^-3); 0.1 / 0.171875 = 0.58 → 0.5.
    let nv = row("0.1", Precision::Nvfp4, ExploreOptions::default());
    assert_eq!(nv.scale.expect("NVFP4 has a scale").value, 0.171_875);
    assert_eq!(nv.stored, Stored::Finite(0.085_937_5));
    // NF4, absmax 1: the nearest level to 0.1 is 0.0796 (index 8, code 0x8).
    let nf4 = row("0.1", Precision::Nf4, ExploreOptions::default());
    assert_eq!(
        (nf4.hex.as_str(), nf4.stored),
        ("0x8", Stored::Finite(0.079_580_299_556_255_34))
    );
    // Outside ±absmax: clipped.
    let clipped = row("3", Precision::Int8, ExploreOptions::default());
    assert!(clipped.clipped);
    assert_eq!(clipped.stored, Stored::Finite(1.0));
    // A wider absmax keeps it.
    let wide = ExploreOptions {
        absmax: 4.0,
        ..ExploreOptions::default()
    };
    assert!(!row("3", Precision::Int8, wide).clipped);
}

#[test]
fn garbage_gets_a_message() {
    let err = |t: &str| explore(t, ExploreOptions::default()).unwrap_err();
    assert!(matches!(
        err("1e999"),
        ExploreError::Value(ValueError::TooLarge(_))
    ));
    assert!(matches!(
        err("abc"),
        ExploreError::Value(ValueError::NotANumber(_))
    ));
    assert_eq!(err(""), ExploreError::Value(ValueError::Empty));
    assert_eq!(err("nan"), ExploreError::Value(ValueError::NotFinite));
    assert!(
        err("1e999")
            .to_string()
            .contains("beyond the range of every format")
    );
    assert!(err("abc").to_string().contains("“abc” is not a number"));
    let bad_absmax = ExploreOptions {
        absmax: 0.0,
        ..ExploreOptions::default()
    };
    assert_eq!(explore("1", bad_absmax).unwrap_err(), ExploreError::Absmax);
    let nan_absmax = ExploreOptions {
        absmax: f64::NAN,
        ..ExploreOptions::default()
    };
    assert_eq!(explore("1", nan_absmax).unwrap_err(), ExploreError::Absmax);
}

/// Every code of a format decodes and re-encodes to itself; NaN codes decode to NaN.
fn round_trips(p: Precision, nan_codes: &[u64]) {
    let s = spec(p);
    for code in 0..(1u64 << s.width()) {
        let decoded = s.decode(code);
        if nan_codes.contains(&code) {
            assert_eq!(decoded, Decoded::NaN, "{p} {code:#x}");
            let back = s.encode(f64::NAN, Ordering::Equal, Overflow::Special).code;
            assert_eq!(s.decode(back), Decoded::NaN);
            continue;
        }
        let x = match decoded {
            Decoded::Finite(x) => x,
            Decoded::Infinite { negative } => {
                if negative {
                    f64::NEG_INFINITY
                } else {
                    f64::INFINITY
                }
            }
            Decoded::NaN => panic!("{p} {code:#x} is NaN"),
        };
        let enc = s.encode(x, Ordering::Equal, Overflow::Special);
        assert_eq!(
            enc.code, code,
            "{p}: {code:#x} = {x} re-encodes to {:#x}",
            enc.code
        );
        if x.is_finite() {
            assert_eq!(enc.rounding, Rounding::Exact, "{p} {code:#x}");
        }
    }
}

#[test]
fn every_fp8_code_round_trips() {
    round_trips(Precision::Fp8E4m3, &[0x7F, 0xFF]);
    let e5m2_nans: Vec<u64> = (0x7D..=0x7F).chain(0xFD..=0xFF).collect();
    round_trips(Precision::Fp8E5m2, &e5m2_nans);
    // E5M2 has ±∞ at 0x7C / 0xFC, E4M3 none.
    assert_eq!(
        spec(Precision::Fp8E5m2).decode(0x7C),
        Decoded::Infinite { negative: false }
    );
    assert_eq!(
        spec(Precision::Fp8E4m3).decode(0x78),
        Decoded::Finite(256.0)
    );
    assert_eq!(
        spec(Precision::Fp8E4m3).decode(0x7E),
        Decoded::Finite(448.0)
    );
}

#[test]
fn every_fp6_and_fp4_code_round_trips() {
    round_trips(Precision::Fp6E3m2, &[]);
    round_trips(Precision::Fp6E2m3, &[]);
    round_trips(Precision::Fp4E2m1, &[]);
    let e2m1 = spec(Precision::Fp4E2m1);
    let values: Vec<f64> = (0..8).map(|c| e2m1.decode(c).finite().unwrap()).collect();
    assert_eq!(values, [0.0, 0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0]);
}

#[test]
fn every_fp16_code_matches_half() {
    let s = spec(Precision::Fp16);
    let mut nans = 0;
    for code in 0..=u16::MAX {
        let reference = f16::from_bits(code).to_f64();
        match s.decode(u64::from(code)) {
            Decoded::NaN => {
                assert!(reference.is_nan());
                nans += 1;
            }
            Decoded::Infinite { negative } => assert_eq!(
                reference,
                if negative {
                    f64::NEG_INFINITY
                } else {
                    f64::INFINITY
                }
            ),
            Decoded::Finite(x) => {
                assert_eq!(x.to_bits(), reference.to_bits(), "{code:#06x}");
                assert_eq!(
                    s.encode(x, Ordering::Equal, Overflow::Special).code,
                    u64::from(code)
                );
            }
        }
    }
    assert_eq!(nans, 2 * 1023);
}

#[test]
fn every_bf16_code_matches_half() {
    let s = spec(Precision::Bf16);
    for code in 0..=u16::MAX {
        let reference = bf16::from_bits(code).to_f64();
        match s.decode(u64::from(code)) {
            Decoded::NaN => assert!(reference.is_nan()),
            Decoded::Infinite { .. } => assert!(reference.is_infinite()),
            Decoded::Finite(x) => {
                assert_eq!(x.to_bits(), reference.to_bits(), "{code:#06x}");
                assert_eq!(
                    s.encode(x, Ordering::Equal, Overflow::Special).code,
                    u64::from(code)
                );
            }
        }
    }
}

/// The FP32 values around every FP16/BF16 code and every midpoint between
/// neighbours (the midpoint and the FP32 values one ulp either side) round as
/// `half` rounds them from FP32.
#[test]
fn rounding_from_fp32_matches_half() {
    let fp16 = spec(Precision::Fp16);
    let bf = spec(Precision::Bf16);
    let check = |x: f32| {
        let ours = fp16
            .encode(f64::from(x), Ordering::Equal, Overflow::Special)
            .code;
        assert_eq!(
            ours,
            u64::from(f16::from_f32(x).to_bits()),
            "FP16 of {x:e} ({:#x})",
            x.to_bits()
        );
        let ours = bf
            .encode(f64::from(x), Ordering::Equal, Overflow::Special)
            .code;
        assert_eq!(
            ours,
            u64::from(bf16::from_f32(x).to_bits()),
            "BF16 of {x:e} ({:#x})",
            x.to_bits()
        );
    };
    // The last midpoint, 65520, is IEEE's overflow threshold: ∞ for both.
    check(65520.0);
    for code in 0..0x7BFFu16 {
        let lo = f16::from_bits(code).to_f32();
        let hi = f16::from_bits(code + 1).to_f32();
        let mid = (f64::from(lo) + f64::from(hi)) / 2.0;
        let mid32 = mid as f32;
        assert_eq!(f64::from(mid32), mid, "FP16 midpoints are FP32 values");
        for x in [
            lo,
            mid32,
            f32::from_bits(mid32.to_bits() - 1),
            f32::from_bits(mid32.to_bits() + 1),
        ] {
            check(x);
            check(-x);
        }
    }
    for code in 0..0x7F80u16 {
        let lo = bf16::from_bits(code).to_f32();
        let mid = f32::from_bits((lo.to_bits()) + 0x8000);
        for x in [
            lo,
            mid,
            f32::from_bits(mid.to_bits() - 1),
            f32::from_bits(mid.to_bits() + 1),
        ] {
            check(x);
        }
    }
    // And a deterministic sweep of other FP32 bit patterns (finite ones).
    let mut state = 0x2545_f491_u32;
    for _ in 0..200_000 {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        let x = f32::from_bits(state);
        if x.is_finite() {
            check(x);
        }
    }
}

#[test]
fn a100_row_reads_as_the_article_quotes() {
    let catalog = Catalog::bundled();
    for id in ["a100-pcie-40gb", "a100-sxm4-80gb"] {
        let gpu = catalog
            .gpus
            .iter()
            .find(|g| g.id == id)
            .expect("A100 in the catalog");
        let rate = |p: Precision| support(gpu, p).dense;
        assert_eq!(rate(Precision::Fp32), Some(19.5));
        assert_eq!(support(gpu, Precision::Fp32).path, Path::CudaCores);
        assert_eq!(rate(Precision::Tf32), Some(156.0));
        assert_eq!(rate(Precision::Bf16), Some(312.0));
        let int8 = support(gpu, Precision::Int8);
        assert_eq!((int8.dense, int8.sparse), (Some(624.0), Some(1248.0)));
        assert_eq!(support(gpu, Precision::Tf32).speedup_vs_fp32, Some(8.0));
        assert_eq!(support(gpu, Precision::Fp8E4m3).path, Path::Unsupported);
        assert_eq!(
            support(gpu, Precision::Nf4).path,
            Path::Dequantized(Precision::Bf16)
        );
        let formats = tensor_core_formats(gpu);
        assert!(formats.contains(&Precision::Int4) && !formats.contains(&Precision::Fp8E4m3));
    }
    // Hopper adds FP8 and drops INT4; Blackwell adds FP4 (and FP6 at the FP8 rate).
    let h100 = catalog
        .gpus
        .iter()
        .find(|g| g.id == "h100-sxm5-80gb")
        .expect("H100");
    assert_eq!(support(h100, Precision::Fp8E4m3).dense, Some(1979.0));
    assert_eq!(support(h100, Precision::Int4).path, Path::Unsupported);
    let b200 = catalog
        .gpus
        .iter()
        .find(|g| g.id == "b200-sxm-180gb")
        .expect("B200");
    assert_eq!(support(b200, Precision::Nvfp4).dense, Some(9000.0));
    assert_eq!(
        support(b200, Precision::Fp6E3m2).path,
        Path::SameRateAs(Precision::Fp8E4m3)
    );
}

#[test]
fn guidance_follows_the_article() {
    // Training: FP32, BF16, mixed precision (FP16 + FP32); inference: BF16, INT8, INT4.
    use sizing::precision::Use;
    assert_eq!(Precision::Fp32.info().training, Use::Standard);
    assert_eq!(Precision::Bf16.info().training, Use::Standard);
    assert_eq!(Precision::Bf16.info().inference, Use::Standard);
    assert_eq!(Precision::Int8.info().inference, Use::Standard);
    assert!(!Precision::Int8.trainable() && !Precision::Int4.trainable());
    assert_eq!(Precision::Tf32.info().math_bits, 19);
    use sizing::precision::LossScaling;
    assert_eq!(
        Precision::Fp16.info().loss_scaling,
        LossScaling::LossScaling
    );
    assert_eq!(Precision::Bf16.info().loss_scaling, LossScaling::NotNeeded);
}

#[test]
fn ranges_quoted_in_the_docs() {
    // docs/precision.md §1: smallest positives and block-format ranges.
    assert_eq!(Precision::Tf32.min_positive(), 2f64.powi(-136));
    assert_eq!(Precision::Bf16.min_positive(), 2f64.powi(-133));
    assert_eq!(Precision::Fp6E3m2.min_normal(), Some(0.25));
    assert_eq!(Precision::Fp6E3m2.min_positive(), 0.0625);
    assert_eq!(Precision::Fp6E2m3.min_normal(), Some(1.0));
    assert_eq!(Precision::Fp6E2m3.min_positive(), 0.125);
    assert_eq!(Precision::Fp4E2m1.min_positive(), 0.5);
    // MXFP4: 6 × 2^127 with the largest E8M0 scale, 0.5 × 2^-127 with the smallest.
    assert_eq!(Precision::Mxfp4.max_finite(), 6.0 * 2f64.powi(127));
    assert_eq!(Precision::Mxfp4.min_positive(), 0.5 * 2f64.powi(-127));
    // NVFP4: 6 × 448 = 2688; 0.5 × 2^-9 (E4M3's smallest subnormal).
    assert_eq!(Precision::Nvfp4.max_finite(), 2688.0);
    assert_eq!(Precision::Nvfp4.min_positive(), 2f64.powi(-10));
    assert_eq!(Precision::Nf4.min_positive(), 0.079_580_299_556_255_34);
    // GB per 10^9 values: MXFP4 0.53125, NVFP4 and NF4 0.5625.
    assert_eq!(Precision::Mxfp4.bytes_for(1_000_000_000), Some(531_250_000));
    assert_eq!(Precision::Nvfp4.bytes_for(1_000_000_000), Some(562_500_000));
    assert_eq!(Precision::Nf4.bytes_for(1_000_000_000), Some(562_500_000));
}

#[test]
fn integers_have_no_negative_zero_and_a_clamped_element_says_so() {
    // −0 and −0.001 (absmax 1) store as INT8 code 0, which is +0.
    for text in ["-0", "-0.001"] {
        let r = row(text, Precision::Int8, ExploreOptions::default());
        assert_eq!(r.stored, Stored::Finite(0.0), "{text}");
        if let Stored::Finite(x) = r.stored {
            assert!(x.is_sign_positive(), "{text}");
        }
    }
    // MXFP4, 7.9 with block absmax 7.9: scale 2^(2 − 2) = 1, and 7.9 is past
    // E2M1's 6: clamped to 6, not "rounded".
    let options = ExploreOptions {
        absmax: 7.9,
        ..ExploreOptions::default()
    };
    let r = row("7.9", Precision::Mxfp4, options);
    assert_eq!(r.stored, Stored::Finite(6.0));
    assert_eq!(r.rounding, Rounding::Saturated);
}
