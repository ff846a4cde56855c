//! Formatting at the edge: the engine computes in bytes and counts; these
//! functions turn them into text with honest unit labels.

use serde::{Deserialize, Serialize};

/// Which unit system byte sizes are shown in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ByteUnits {
    /// kB, MB, GB, TB: powers of 1000 (as GPU datasheets count memory bandwidth and disk sizes).
    #[default]
    Decimal,
    /// KiB, MiB, GiB, TiB: powers of 1024 (as nvidia-smi and operating systems count memory).
    Binary,
    /// The convention of the memory-consumption article's figures:
    /// 1 KB* = 1,024 B, 1 MB* = 1,000 KB* = 1,024,000 B, 1 GB* = 1,000 MB*.
    Article,
}

/// Bytes in one "MB" as the article's figures count it (e.g. 553,430,176 B → "540.46MB").
pub const ARTICLE_MB: u64 = 1_024_000;

impl ByteUnits {
    pub const ALL: [ByteUnits; 3] = [ByteUnits::Decimal, ByteUnits::Binary, ByteUnits::Article];

    pub fn id(self) -> &'static str {
        match self {
            ByteUnits::Decimal => "decimal",
            ByteUnits::Binary => "binary",
            ByteUnits::Article => "article",
        }
    }

    pub fn from_id(id: &str) -> Option<ByteUnits> {
        ByteUnits::ALL.into_iter().find(|u| u.id() == id)
    }

    /// A label for a unit picker.
    pub fn label(self) -> &'static str {
        match self {
            ByteUnits::Decimal => "GB (10⁹ bytes)",
            ByteUnits::Binary => "GiB (2³⁰ bytes)",
            ByteUnits::Article => "Article units (MB* = 1,024,000 bytes)",
        }
    }

    /// Units from smallest to largest above bytes, with their size in bytes.
    fn ladder(self) -> &'static [(&'static str, f64)] {
        match self {
            ByteUnits::Decimal => &[
                ("kB", 1e3),
                ("MB", 1e6),
                ("GB", 1e9),
                ("TB", 1e12),
                ("PB", 1e15),
                ("EB", 1e18),
            ],
            ByteUnits::Binary => &[
                ("KiB", 1024.0),
                ("MiB", 1_048_576.0),
                ("GiB", 1_073_741_824.0),
                ("TiB", 1_099_511_627_776.0),
                ("PiB", 1_125_899_906_842_624.0),
                ("EiB", 1_152_921_504_606_846_976.0),
            ],
            ByteUnits::Article => &[
                ("KB*", 1024.0),
                ("MB*", 1_024_000.0),
                ("GB*", 1_024_000_000.0),
                ("TB*", 1_024_000_000_000.0),
                ("PB*", 1_024_000_000_000_000.0),
                ("EB*", 1_024_000_000_000_000_000.0),
            ],
        }
    }
}

/// `bytes` in the largest unit that keeps the number at or above 1, with two decimals:
/// `format_bytes(553_430_176, Decimal)` is "553.43 MB".
pub fn format_bytes(bytes: u64, units: ByteUnits) -> String {
    let ladder = units.ladder();
    // Precision loss above 2^53 bytes only affects digits far past the two shown.
    let value = bytes as f64;
    match ladder.iter().rev().find(|(_, size)| value >= *size) {
        Some((label, size)) => format!("{:.2} {label}", value / size),
        None => format!("{bytes} B"),
    }
}

/// An exact byte count with digit grouping: "553,430,176 B".
pub fn format_bytes_exact(bytes: u64) -> String {
    format!("{} B", group_digits(bytes))
}

/// Digits in groups of three: 138357544 → "138,357,544".
pub fn group_digits(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A count with its noun, grouped: "1 sequence", "16 sequences".
pub fn count(n: u64, one: &str, many: &str) -> String {
    format!("{} {}", group_digits(n), if n == 1 { one } else { many })
}

/// A share as a percentage with one decimal ("42.5 %"): "< 0.1 %" for a small
/// non-zero part, "—" when the whole is zero.
pub fn format_share(part: u64, whole: u64) -> String {
    if whole == 0 {
        return "—".to_string();
    }
    let percent = part as f64 * 100.0 / whole as f64;
    if part > 0 && percent < 0.05 {
        return "< 0.1 %".to_string();
    }
    format!("{percent:.1} %")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grouping() {
        assert_eq!(group_digits(0), "0");
        assert_eq!(group_digits(999), "999");
        assert_eq!(group_digits(1_000), "1,000");
        assert_eq!(group_digits(138_357_544), "138,357,544");
        assert_eq!(group_digits(u64::MAX), "18,446,744,073,709,551,615");
    }

    #[test]
    fn decimal_and_binary_labels_are_honest() {
        assert_eq!(format_bytes(0, ByteUnits::Decimal), "0 B");
        assert_eq!(format_bytes(999, ByteUnits::Decimal), "999 B");
        assert_eq!(format_bytes(1_000, ByteUnits::Decimal), "1.00 kB");
        assert_eq!(format_bytes(553_430_176, ByteUnits::Decimal), "553.43 MB");
        assert_eq!(format_bytes(553_430_176, ByteUnits::Binary), "527.79 MiB");
        assert_eq!(format_bytes(80 * (1 << 30), ByteUnits::Binary), "80.00 GiB");
        assert_eq!(format_bytes(80 * (1 << 30), ByteUnits::Decimal), "85.90 GB");
        assert_eq!(format_bytes(u64::MAX, ByteUnits::Binary), "16.00 EiB");
    }

    #[test]
    fn article_units_reproduce_the_figures() {
        // VGG-16 weights, FP32: the figure says "540.46MB".
        assert_eq!(format_bytes(553_430_176, ByteUnits::Article), "540.46 MB*");
        // First conv layer at batch 32: "401.40 MB" in the text.
        assert_eq!(format_bytes(411_041_792, ByteUnits::Article), "401.41 MB*");
        assert_eq!(411_041_792 / ARTICLE_MB, 401);
    }

    #[test]
    fn shares() {
        assert_eq!(format_share(1, 4), "25.0 %");
        assert_eq!(format_share(1, 0), "—");
        assert_eq!(format_share(1, 10_000), "< 0.1 %");
        assert_eq!(format_share(0, 10_000), "0.0 %");
    }

    #[test]
    fn ids_round_trip() {
        for u in ByteUnits::ALL {
            assert_eq!(ByteUnits::from_id(u.id()), Some(u));
        }
    }
}
