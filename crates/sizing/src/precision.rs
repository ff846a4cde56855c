//! Number formats: the one definition of "how many bytes does one value take"
//! that every model in the engine uses.
//!
//! Storage is counted in bits so that sub-byte formats (INT4) are exact:
//! `n` values of a `b`-bit format take `ceil(n · b / 8)` bytes.

use serde::{Deserialize, Serialize};

/// A numeric format a tensor can be stored in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Precision {
    Fp64,
    Fp32,
    /// NVIDIA TensorFloat-32: a tensor-core math mode. Values are stored as FP32.
    Tf32,
    Fp16,
    Bf16,
    /// OCP FP8 E4M3 (no infinities, max 448).
    Fp8E4m3,
    /// OCP FP8 E5M2 (IEEE-like, max 57344).
    Fp8E5m2,
    Int8,
    Int4,
}

/// Sign / exponent / mantissa widths of a floating-point format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BitLayout {
    pub sign: u8,
    pub exponent: u8,
    pub mantissa: u8,
}

/// What a format is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FormatKind {
    /// A floating-point storage format.
    Float,
    /// A math mode whose operands are stored in another format (TF32 → FP32).
    MathMode,
    /// A two's-complement integer format used for quantized inference.
    Integer,
}

/// Facts about one format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FormatInfo {
    pub precision: Precision,
    /// Stable identifier used in files and links.
    pub id: &'static str,
    /// Display name.
    pub name: &'static str,
    /// Bits one stored value occupies in memory.
    pub storage_bits: u32,
    /// Bits that take part in arithmetic (19 for TF32, otherwise the storage width).
    pub math_bits: u32,
    pub layout: Option<BitLayout>,
    pub kind: FormatKind,
    /// One sentence on where the format is used.
    pub note: &'static str,
}

const fn float(sign: u8, exponent: u8, mantissa: u8) -> Option<BitLayout> {
    Some(BitLayout {
        sign,
        exponent,
        mantissa,
    })
}

const FORMATS: [FormatInfo; 9] = [
    FormatInfo {
        precision: Precision::Fp64,
        id: "fp64",
        name: "FP64",
        storage_bits: 64,
        math_bits: 64,
        layout: float(1, 11, 52),
        kind: FormatKind::Float,
        note: "Double precision for HPC; not needed to train neural networks.",
    },
    FormatInfo {
        precision: Precision::Fp32,
        id: "fp32",
        name: "FP32",
        storage_bits: 32,
        math_bits: 32,
        layout: float(1, 8, 23),
        kind: FormatKind::Float,
        note: "Single precision: the frameworks' default and the reference for training.",
    },
    FormatInfo {
        precision: Precision::Tf32,
        id: "tf32",
        name: "TF32",
        storage_bits: 32,
        math_bits: 19,
        layout: float(1, 8, 10),
        kind: FormatKind::MathMode,
        note: "Tensor-core math mode (Ampere and later): faster FP32 math, but values are stored as FP32, so no memory is saved.",
    },
    FormatInfo {
        precision: Precision::Fp16,
        id: "fp16",
        name: "FP16",
        storage_bits: 16,
        math_bits: 16,
        layout: float(1, 5, 10),
        kind: FormatKind::Float,
        note: "Half precision: half the memory of FP32; training needs loss scaling and FP32 master weights.",
    },
    FormatInfo {
        precision: Precision::Bf16,
        id: "bf16",
        name: "BF16",
        storage_bits: 16,
        math_bits: 16,
        layout: float(1, 8, 7),
        kind: FormatKind::Float,
        note: "bfloat16: half the memory of FP32 with FP32's range; no loss scaling.",
    },
    FormatInfo {
        precision: Precision::Fp8E4m3,
        id: "fp8_e4m3",
        name: "FP8 E4M3",
        storage_bits: 8,
        math_bits: 8,
        layout: float(1, 4, 3),
        kind: FormatKind::Float,
        note: "FP8 with more precision (Hopper and later): inference, and forward tensors in FP8 training.",
    },
    FormatInfo {
        precision: Precision::Fp8E5m2,
        id: "fp8_e5m2",
        name: "FP8 E5M2",
        storage_bits: 8,
        math_bits: 8,
        layout: float(1, 5, 2),
        kind: FormatKind::Float,
        note: "FP8 with more range (Hopper and later): gradients in FP8 training.",
    },
    FormatInfo {
        precision: Precision::Int8,
        id: "int8",
        name: "INT8",
        storage_bits: 8,
        math_bits: 8,
        layout: None,
        kind: FormatKind::Integer,
        note: "8-bit integers for quantized inference.",
    },
    FormatInfo {
        precision: Precision::Int4,
        id: "int4",
        name: "INT4",
        storage_bits: 4,
        math_bits: 4,
        layout: None,
        kind: FormatKind::Integer,
        note: "4-bit integers for quantized inference; two values per byte.",
    },
];

impl Precision {
    /// Every format, widest first.
    pub const ALL: [Precision; 9] = [
        Precision::Fp64,
        Precision::Fp32,
        Precision::Tf32,
        Precision::Fp16,
        Precision::Bf16,
        Precision::Fp8E4m3,
        Precision::Fp8E5m2,
        Precision::Int8,
        Precision::Int4,
    ];

    pub fn info(self) -> &'static FormatInfo {
        // FORMATS is ordered like ALL; the test `table_is_in_declaration_order` keeps it so.
        &FORMATS[self as usize]
    }

    pub fn id(self) -> &'static str {
        self.info().id
    }

    pub fn name(self) -> &'static str {
        self.info().name
    }

    pub fn from_id(id: &str) -> Option<Precision> {
        FORMATS
            .iter()
            .find(|f| f.id.eq_ignore_ascii_case(id) || f.name.eq_ignore_ascii_case(id))
            .map(|f| f.precision)
    }

    /// Bits one stored value takes.
    pub fn storage_bits(self) -> u32 {
        self.info().storage_bits
    }

    /// Bytes `elements` values take when packed: `ceil(elements · bits / 8)`.
    /// `None` when the result does not fit in 64 bits.
    pub fn bytes_for(self, elements: u64) -> Option<u64> {
        let bits = u128::from(elements) * u128::from(self.storage_bits());
        u64::try_from(bits.div_ceil(8)).ok()
    }

    /// Bytes per value as people write it: "4 B", "2 B", "0.5 B".
    pub fn bytes_per_value_label(self) -> String {
        let bits = self.storage_bits();
        if bits.is_multiple_of(8) {
            format!("{} B", bits / 8)
        } else {
            // Only 4-bit formats today; keep one decimal for any width.
            let tenths = bits * 10 / 8;
            format!("{}.{} B", tenths / 10, tenths % 10)
        }
    }

    pub fn is_integer(self) -> bool {
        self.info().kind == FormatKind::Integer
    }

    /// Whether values are narrower than FP32 in memory.
    pub fn narrower_than_fp32(self) -> bool {
        self.storage_bits() < 32
    }
}

impl std::fmt::Display for Precision {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_in_declaration_order() {
        for (i, p) in Precision::ALL.iter().enumerate() {
            assert_eq!(*p as usize, i);
            assert_eq!(p.info().precision, *p);
        }
    }

    #[test]
    fn bytes_per_value_follow_the_article() {
        // The precision article (frankdenneman.nl, 2022-07-26): FP64 8, FP32 4, TF32 4 (stored as FP32), FP16 2, BF16 2, INT8 1; INT4 is half a byte.
        let expect = [
            (Precision::Fp64, 8),
            (Precision::Fp32, 4),
            (Precision::Tf32, 4),
            (Precision::Fp16, 2),
            (Precision::Bf16, 2),
            (Precision::Fp8E4m3, 1),
            (Precision::Fp8E5m2, 1),
            (Precision::Int8, 1),
        ];
        for (p, bytes) in expect {
            assert_eq!(p.bytes_for(1_000), Some(1_000 * bytes), "{p}");
        }
        assert_eq!(Precision::Int4.bytes_for(1_000), Some(500));
        // An odd count of 4-bit values still needs a whole last byte.
        assert_eq!(Precision::Int4.bytes_for(3), Some(2));
        assert_eq!(Precision::Int4.bytes_per_value_label(), "0.5 B");
        assert_eq!(Precision::Bf16.bytes_per_value_label(), "2 B");
    }

    #[test]
    fn layouts_match_the_article() {
        let l = |p: Precision| p.info().layout.map(|l| (l.sign, l.exponent, l.mantissa));
        assert_eq!(l(Precision::Fp64), Some((1, 11, 52)));
        assert_eq!(l(Precision::Fp32), Some((1, 8, 23)));
        assert_eq!(l(Precision::Tf32), Some((1, 8, 10)));
        assert_eq!(l(Precision::Fp16), Some((1, 5, 10)));
        assert_eq!(l(Precision::Bf16), Some((1, 8, 7)));
        assert_eq!(l(Precision::Fp8E4m3), Some((1, 4, 3)));
        assert_eq!(l(Precision::Fp8E5m2), Some((1, 5, 2)));
        assert_eq!(Precision::Tf32.info().math_bits, 19);
    }

    #[test]
    fn ids_round_trip() {
        for p in Precision::ALL {
            assert_eq!(Precision::from_id(p.id()), Some(p));
            assert_eq!(Precision::from_id(p.name()), Some(p));
        }
        assert_eq!(Precision::from_id("fp12"), None);
    }

    #[test]
    fn overflow_is_reported_not_wrapped() {
        assert_eq!(Precision::Fp64.bytes_for(u64::MAX), None);
        assert_eq!(Precision::Int4.bytes_for(u64::MAX), Some(u64::MAX / 2 + 1));
    }
}
