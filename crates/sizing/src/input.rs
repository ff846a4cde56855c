//! Reading numbers people type. Every function returns either a value inside the
//! allowed range or a message meant to be shown next to the field.

use serde_json::Value;

use crate::units::group_digits;

/// Strip `,` thousands separators when they group digits by three ("1,024").
fn without_grouping(text: &str) -> Option<String> {
    if !text.contains(',') {
        return Some(text.to_string());
    }
    let (int, frac) = match text.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (text, None),
    };
    let int = int.strip_prefix('-').unwrap_or(int);
    let mut groups = int.split(',');
    let first = groups.next()?;
    let ok_first = (1..=3).contains(&first.len()) && first.chars().all(|c| c.is_ascii_digit());
    let ok_rest = groups.all(|g| g.len() == 3 && g.chars().all(|c| c.is_ascii_digit()));
    if !(ok_first && ok_rest) || frac.is_some_and(|f| f.contains(',')) {
        return None;
    }
    Some(text.replace(',', ""))
}

/// What one "k" is worth in a field: 1,000, or 1,024 for token counts (an
/// "8k context" is 8,192 tokens, a "128k" one 131,072).
pub const DECIMAL_K: u64 = 1000;
/// See [`DECIMAL_K`].
pub const BINARY_K: u64 = 1024;

/// A count written as people type it: digits and an optional decimal part, then
/// `k`, `M`, `G` or `T` (either case) for one to four factors of `k`: "8k",
/// "32K", "1.5M". `None` when the text has no such suffix; otherwise the whole
/// number it stands for, or why it stands for none.
pub fn parse_shorthand(text: &str, k: u64) -> Option<Result<u64, String>> {
    let t = text.trim();
    let power = match t.chars().last()?.to_ascii_lowercase() {
        'k' => 1,
        'm' => 2,
        'g' => 3,
        't' => 4,
        _ => return None,
    };
    let digits = t[..t.len() - 1].trim_end();
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    let plain = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    if int.is_empty() || !plain(int) || !plain(frac) || int.len() > 20 || frac.len() > 9 {
        return None;
    }
    let too_big = || Err(format!("'{}' is too large.", clip(t, 24)));
    let (Ok(i), f) = (int.parse::<u128>(), frac.parse::<u128>().unwrap_or(0)) else {
        return Some(too_big());
    };
    let scale = 10u128.pow(frac.len() as u32);
    let value = (i * scale + f)
        .checked_mul(u128::from(k).pow(power))
        .map(|v| (v / scale, v % scale));
    Some(match value {
        Some((v, 0)) => u64::try_from(v).or_else(|_| too_big()),
        Some((v, _)) => Err(format!(
            "'{}' is more than {} and less than {}; enter a whole number.",
            clip(t, 40),
            group_digits(u64::try_from(v).unwrap_or(u64::MAX)),
            group_digits(u64::try_from(v + 1).unwrap_or(u64::MAX))
        )),
        None => too_big(),
    })
}

/// A whole number in `min..=max`, e.g. a batch size or an image side.
pub fn parse_whole(text: &str, min: u64, max: u64) -> Result<u64, String> {
    parse_whole_k(text, min, max, DECIMAL_K)
}

/// [`parse_whole`], with "k" worth `k` (see [`parse_shorthand`]).
pub fn parse_whole_k(text: &str, min: u64, max: u64, k: u64) -> Result<u64, String> {
    let t = text.trim();
    if t.is_empty() {
        return Err("Enter a whole number.".to_string());
    }
    // What was typed is echoed in part.
    let q = clip(t, 40);
    let range = || format!("between {} and {}", group_digits(min), group_digits(max));
    if let Some(read) = parse_shorthand(t, k) {
        return match read {
            Ok(v) if v < min || v > max => Err(format!("Must be {}.", range())),
            other => other,
        };
    }
    let Some(clean) = without_grouping(t) else {
        return Err(format!(
            "'{q}' is not a number; use digits, e.g. 1024 or 1,024."
        ));
    };
    if let Ok(v) = clean.parse::<u64>() {
        return if v < min || v > max {
            Err(format!("Must be {}.", range()))
        } else {
            Ok(v)
        };
    }
    match clean.parse::<f64>() {
        Ok(v) if v.is_nan() => Err(format!("'{q}' is not a number.")),
        Ok(v) if v < min as f64 => Err(format!("Must be {}.", range())),
        Ok(v) if v > max as f64 => Err(format!("Must be {}.", range())),
        // A whole number written as one ("32.0", "1e3"), as a scenario file
        // takes it; up to 2^53, past which a float has no exact whole value.
        Ok(v) if v.fract() == 0.0 && v <= 9_007_199_254_740_992.0 => Ok(v as u64),
        Ok(_) => Err(format!("Must be a whole number {}.", range())),
        Err(_) if clean.starts_with('-') && clean[1..].chars().all(|c| c.is_ascii_digit()) => {
            Err(format!("Must be {}.", range()))
        }
        Err(_) if clean.chars().all(|c| c.is_ascii_digit()) => Err(format!("Must be {}.", range())),
        Err(_) => Err(format!("'{q}' is not a number.")),
    }
}

/// A finite decimal number in `min..=max`, e.g. an overhead in MiB.
pub fn parse_decimal(text: &str, min: f64, max: f64) -> Result<f64, String> {
    let t = text.trim();
    if t.is_empty() {
        return Err("Enter a number.".to_string());
    }
    let q = clip(t, 40);
    let range = || format!("between {} and {}", number_text(min), number_text(max));
    if let Some(read) = parse_shorthand(t, DECIMAL_K) {
        return match read {
            Ok(v) if (v as f64) < min || v as f64 > max => Err(format!("Must be {}.", range())),
            Ok(v) => Ok(v as f64),
            Err(e) => Err(e),
        };
    }
    let Some(clean) = without_grouping(t) else {
        return Err(format!(
            "'{q}' is not a number; use digits and a decimal point, e.g. 512 or 0.5."
        ));
    };
    let lower = clean.to_ascii_lowercase();
    if lower.contains("inf") || lower.contains("nan") {
        return Err(format!("'{q}' is not a number."));
    }
    match clean.parse::<f64>() {
        Ok(v) if !v.is_finite() || v < min || v > max => Err(format!("Must be {}.", range())),
        Ok(v) => Ok(v),
        Err(_) => Err(format!("'{q}' is not a number.")),
    }
}

/// Units a memory amount may be typed in, lower case, with their bytes.
const BYTE_UNITS: [(&str, u64); 9] = [
    ("b", 1),
    ("kb", 1_000),
    ("mb", 1_000_000),
    ("gb", 1_000_000_000),
    ("tb", 1_000_000_000_000),
    ("kib", 1 << 10),
    ("mib", 1 << 20),
    ("gib", 1 << 30),
    ("tib", 1 << 40),
];

/// An amount of memory as people write it: a number and a unit, "24 GB",
/// "22.5 GiB", "9,984 MiB" (GB is 10⁹ bytes, GiB 2³⁰), in `1..=max` bytes,
/// rounded up to a whole byte. A number without a unit is refused rather than
/// guessed.
pub fn parse_bytes(text: &str, max: u64) -> Result<u64, String> {
    let t = text.trim();
    if t.is_empty() {
        return Err("Enter an amount of memory, e.g. 24 GB or 22.5 GiB.".to_string());
    }
    // The unit is what follows the number's last digit ("1e30 GB": "GB").
    let split = match t.rfind(|c: char| c.is_ascii_digit() || c == '.') {
        Some(i) if t[i + 1..].trim().chars().all(|c| c.is_ascii_alphabetic()) => i + 1,
        _ => t.find(|c: char| c.is_ascii_alphabetic()).unwrap_or(t.len()),
    };
    let (number, unit) = (t[..split].trim(), t[split..].trim());
    // Other digits ("١٢") or none at all: not a number to ask a unit of.
    if !number.is_empty() && !number.chars().any(|c| c.is_ascii_digit()) {
        return Err(format!(
            "'{}' is not a number; write it with the digits 0–9 and a unit, e.g. 24 GB or 22.5 GiB.",
            clip(number, 24)
        ));
    }
    if unit.is_empty() {
        return Err(format!(
            "Say the unit: '{} GB' or '{} GiB' (GB is 10⁹ bytes, GiB 2³⁰).",
            clip(number, 24),
            clip(number, 24)
        ));
    }
    let lower = unit.to_ascii_lowercase();
    let Some(&(_, size)) = BYTE_UNITS.iter().find(|(u, _)| *u == lower) else {
        return Err(format!(
            "'{}' is not a unit of memory; use B, KB, MB, GB, TB, KiB, MiB, GiB or TiB.",
            clip(unit, 24)
        ));
    };
    let limit = || format!("between 1 B and {} B", group_digits(max));
    let value = parse_decimal(number, 0.0, f64::MAX).map_err(|e| {
        if number.is_empty() {
            format!("Put a number before {unit}, e.g. 24 {unit}.")
        } else if e.starts_with("Must be") {
            format!("Must be {}.", limit())
        } else {
            e
        }
    })?;
    // Rounded up to a whole byte, but not past one that binary noise alone
    // misses (1.07 × 10⁹ is 1,070,000,000.0000001 in floating point).
    let exact = value * size as f64;
    let bytes = if (exact - exact.round()).abs() <= exact.abs() * 4.0 * f64::EPSILON {
        exact.round()
    } else {
        exact.ceil()
    };
    if bytes < 1.0 {
        return Err(format!("Must be {}.", limit()));
    }
    if bytes > max as f64 {
        return Err(format!(
            "'{}' is more than {} B.",
            clip(t, 24),
            group_digits(max)
        ));
    }
    Ok(bytes as u64)
}

/// Text without the byte-order mark some editors write first.
pub fn without_bom(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}

/// `text` cut to at most `max` characters, "…" marking the cut: values a user
/// sent are echoed in messages only this far.
pub fn clip(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_string(),
    }
}

/// The message with a full stop at the end unless it ends with one (or "?",
/// "!", "…"); its words as they are (a field's name keeps its case).
pub fn sentence(s: &str) -> String {
    let s = s.trim();
    if s.ends_with(['.', '?', '!', '…']) {
        s.to_string()
    } else {
        format!("{s}.")
    }
}

/// The message with its first letter in upper case, for showing an error at a field.
pub fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// A number as a field shows it and reads it back exactly: whole numbers grouped
/// ("1,024"), others as the shortest text that reads back as the same `f64`
/// ("0.3333333333333333"), very large or small ones with an exponent ("1e30").
pub fn number_text(v: f64) -> String {
    let a = v.abs();
    if v.fract() == 0.0 && a < 1e15 {
        let sign = if v < 0.0 { "-" } else { "" };
        format!("{sign}{}", group_digits(a as u64))
    } else if a >= 1e15 || (a != 0.0 && a < 1e-4) {
        format!("{v:e}")
    } else {
        format!("{v}")
    }
}

/// Deepest nesting of objects and lists a scenario may have. A config.json nests
/// a few levels; a saved-scenarios file adds two, and must stay well under the
/// 128 levels the JSON reader takes, or one deep entry would make the whole list
/// unreadable.
pub const MAX_NESTING: usize = 64;

/// Where `value` nests deeper than `max` levels (its dotted path, clipped), if it does.
pub fn too_deep(value: &Value, max: usize) -> Option<String> {
    let mut stack: Vec<(&Value, usize, String)> = vec![(value, 0, String::new())];
    while let Some((v, depth, path)) = stack.pop() {
        if depth > max {
            return Some(clip(&path, 80));
        }
        let join = |k: &str| {
            if path.is_empty() {
                k.to_string()
            } else {
                format!("{path}.{k}")
            }
        };
        match v {
            Value::Object(m) => stack.extend(m.iter().map(|(k, x)| (x, depth + 1, join(k)))),
            Value::Array(a) => stack.extend(
                a.iter()
                    .enumerate()
                    .map(|(i, x)| (x, depth + 1, format!("{path}[{i}]"))),
            ),
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    #[test]
    fn memory_amounts_read_as_people_write_them() {
        let max = 1u64 << 44;
        assert_eq!(super::parse_bytes("24 GB", max), Ok(24_000_000_000));
        assert_eq!(super::parse_bytes("22.5GiB", max), Ok(24_159_191_040));
        assert_eq!(super::parse_bytes(" 9,984 MiB ", max), Ok(9_984 << 20));
        assert_eq!(super::parse_bytes("1 b", max), Ok(1));
        assert_eq!(super::parse_bytes("0.5 B", max), Ok(1));
        // Not a byte more than typed, whatever the binary rounding of the product.
        assert_eq!(super::parse_bytes("1.07 GB", max), Ok(1_070_000_000));
        assert_eq!(super::parse_bytes("4.03 KB", max), Ok(4_030));
        assert_eq!(super::parse_bytes("0.27 TB", max), Ok(270_000_000_000));
        assert_eq!(super::parse_bytes("1.0000001 KB", max), Ok(1_001));
        assert_eq!(
            super::parse_bytes("500000000000.4 B", max),
            Ok(500_000_000_001)
        );
        assert_eq!(
            super::parse_bytes("1.0000000000001 GB", max),
            Ok(1_000_000_001)
        );
        assert!(
            super::parse_bytes("24", max)
                .unwrap_err()
                .contains("Say the unit")
        );
        assert!(
            super::parse_bytes("24 G", max)
                .unwrap_err()
                .contains("not a unit")
        );
        assert!(
            super::parse_bytes("GB", max)
                .unwrap_err()
                .contains("Put a number")
        );
        assert!(super::parse_bytes("-3 GB", max).is_err());
        assert!(
            super::parse_bytes("0 GB", max)
                .unwrap_err()
                .contains("between 1 B")
        );
        assert!(super::parse_bytes("NaN GB", max).is_err());
        assert!(super::parse_bytes("1e400 GB", max).is_err());
        assert!(
            super::parse_bytes("17.6 TB", max)
                .unwrap_err()
                .contains("more than")
        );
        assert!(super::parse_bytes("", max).is_err());
    }

    use super::*;

    #[test]
    fn whole_numbers() {
        assert_eq!(parse_whole("32", 1, 100), Ok(32));
        assert_eq!(parse_whole(" 64 ", 1, 100), Ok(64));
        assert_eq!(parse_whole("1,024", 1, 10_000), Ok(1024));
        assert_eq!(parse_whole("", 1, 100), Err("Enter a whole number.".into()));
        assert_eq!(
            parse_whole("0", 1, 100),
            Err("Must be between 1 and 100.".into())
        );
        assert_eq!(
            parse_whole("-3", 1, 100),
            Err("Must be between 1 and 100.".into())
        );
        assert_eq!(
            parse_whole("101", 1, 100),
            Err("Must be between 1 and 100.".into())
        );
        assert_eq!(
            parse_whole("99999999999999999999999", 1, 100),
            Err("Must be between 1 and 100.".into())
        );
        assert_eq!(
            parse_whole("1.5", 1, 100),
            Err("Must be a whole number between 1 and 100.".into())
        );
        assert_eq!(
            parse_whole("1e999", 1, 100),
            Err("Must be between 1 and 100.".into())
        );
        assert_eq!(
            parse_whole("abc", 1, 100),
            Err("'abc' is not a number.".into())
        );
        assert_eq!(
            parse_whole("NaN", 1, 100),
            Err("'NaN' is not a number.".into())
        );
        assert_eq!(
            parse_whole("1,5", 1, 100),
            Err("'1,5' is not a number; use digits, e.g. 1024 or 1,024.".into())
        );
        // Whole numbers written as decimals, as a scenario file takes them.
        assert_eq!(parse_whole("32.0", 1, 100), Ok(32));
        assert_eq!(parse_whole("1e3", 1, 10_000), Ok(1000));
        assert_eq!(
            parse_whole("1e3", 1, 100),
            Err("Must be between 1 and 100.".into())
        );
        assert_eq!(
            parse_whole("1e17", 1, u64::MAX),
            Err("Must be a whole number between 1 and 18,446,744,073,709,551,615.".into())
        );
    }

    #[test]
    fn shorthand_counts() {
        // Token counts: k = 1,024 (Llama 3.1's "128K" context is 131,072 tokens).
        assert_eq!(parse_whole_k("8k", 1, 1 << 30, BINARY_K), Ok(8192));
        assert_eq!(parse_whole_k("32K", 1, 1 << 30, BINARY_K), Ok(32_768));
        assert_eq!(parse_whole_k(" 128k ", 1, 1 << 30, BINARY_K), Ok(131_072));
        assert_eq!(parse_whole_k("1.5M", 1, 1 << 30, BINARY_K), Ok(1_572_864));
        assert_eq!(parse_whole_k("4 k", 1, 1 << 30, BINARY_K), Ok(4096));
        // Everything else: k = 1,000.
        assert_eq!(parse_whole("8k", 1, 1 << 30), Ok(8000));
        assert_eq!(parse_whole("1.5M", 1, 1 << 30), Ok(1_500_000));
        assert_eq!(parse_whole("2G", 1, u64::MAX), Ok(2_000_000_000));
        assert_eq!(parse_whole("1T", 1, u64::MAX), Ok(1_000_000_000_000));
        assert_eq!(
            parse_whole("1.0005k", 1, 1 << 30),
            Err("'1.0005k' is more than 1,000 and less than 1,001; enter a whole number.".into())
        );
        assert_eq!(
            parse_whole("2k", 1, 100),
            Err("Must be between 1 and 100.".into())
        );
        assert_eq!(
            parse_whole("99999999999T", 1, u64::MAX),
            Err("'99999999999T' is too large.".into())
        );
        assert_eq!(
            parse_whole("999999999999999999999k", 1, u64::MAX),
            Err("'999999999999999999999k' is not a number.".into())
        );
        for bad in ["k", ".k", "-8k", "8kk", "8,000k", "1e3k", "8x"] {
            assert!(parse_shorthand(bad, DECIMAL_K).is_none(), "{bad}");
            assert!(parse_whole(bad, 0, u64::MAX).is_err(), "{bad}");
        }
    }

    #[test]
    fn decimals() {
        assert_eq!(parse_decimal("512", 0.0, 1e6), Ok(512.0));
        assert_eq!(parse_decimal("0.5", 0.0, 1e6), Ok(0.5));
        assert_eq!(parse_decimal("0", 0.0, 1e6), Ok(0.0));
        assert_eq!(
            parse_decimal("-1", 0.0, 1e6),
            Err("Must be between 0 and 1,000,000.".into())
        );
        assert_eq!(
            parse_decimal("1e999", 0.0, 1e6),
            Err("Must be between 0 and 1,000,000.".into())
        );
        assert_eq!(
            parse_decimal("inf", 0.0, 1e6),
            Err("'inf' is not a number.".into())
        );
        assert_eq!(
            parse_decimal("NaN", 0.0, 1e6),
            Err("'NaN' is not a number.".into())
        );
        assert_eq!(parse_decimal("", 0.0, 1e6), Err("Enter a number.".into()));
        assert_eq!(
            parse_decimal("12 MB", 0.0, 1e6),
            Err("'12 MB' is not a number.".into())
        );
        // The shorthand of counts, k = 1,000.
        assert_eq!(parse_decimal("8k", 0.0, 1e6), Ok(8_000.0));
        assert_eq!(parse_decimal("1.5M", 0.0, 1e7), Ok(1_500_000.0));
        assert_eq!(
            parse_decimal("8k", 0.0, 100.0),
            Err("Must be between 0 and 100.".into())
        );
    }

    #[test]
    fn messages_end_once() {
        assert_eq!(
            sentence("Not valid JSON: EOF at line 1 column 46."),
            "Not valid JSON: EOF at line 1 column 46."
        );
        assert_eq!(
            sentence("num_key_value_heads: 5 does not divide 32"),
            "num_key_value_heads: 5 does not divide 32."
        );
    }

    #[test]
    fn what_was_typed_is_echoed_in_part() {
        let long = "x".repeat(5_000);
        for e in [
            parse_whole(&long, 1, 10).unwrap_err(),
            parse_decimal(&long, 0.0, 1.0).unwrap_err(),
        ] {
            assert!(e.chars().count() < 80, "{e}");
            assert!(e.contains('…'), "{e}");
        }
    }

    #[test]
    fn memory_amounts_say_their_own_limits() {
        let max = 1u64 << 44;
        assert_eq!(
            parse_bytes("-5 GB", max),
            Err("Must be between 1 B and 17,592,186,044,416 B.".into())
        );
        assert_eq!(
            parse_bytes("1e30 GB", max),
            Err("'1e30 GB' is more than 17,592,186,044,416 B.".into())
        );
        assert_eq!(parse_bytes("1e3 MB", max), Ok(1_000_000_000));
        assert_eq!(parse_bytes("24GB", max), Ok(24_000_000_000));
        assert_eq!(parse_bytes("22.5 GiB", max), Ok(24_159_191_040));
        assert!(
            parse_bytes("24", max)
                .unwrap_err()
                .starts_with("Say the unit")
        );
        assert!(
            parse_bytes("GB", max)
                .unwrap_err()
                .starts_with("Put a number")
        );
        // Digits of another script are not asked for a unit, then refused.
        assert!(
            parse_bytes("١٢", max)
                .unwrap_err()
                .starts_with("'١٢' is not a number; write it with the digits 0–9")
        );
        assert!(
            parse_bytes("<script>alert(1)</script>", max)
                .unwrap_err()
                .starts_with("'<' is not a number")
        );
    }

    #[test]
    fn numbers_print_as_fields_show_them_and_read_back() {
        assert_eq!(number_text(512.0), "512");
        assert_eq!(number_text(0.25), "0.25");
        assert_eq!(number_text(1_048_576.0), "1,048,576");
        assert_eq!(number_text(0.9), "0.9");
        assert_eq!(number_text(1.0 / 3.0), "0.3333333333333333");
        assert_eq!(number_text(-2.0), "-2");
        assert_eq!(number_text(1e30), "1e30");
        assert_eq!(number_text(1e-30), "1e-30");
        for v in [
            0.0,
            1536.5,
            1.0 / 3.0,
            -1e12,
            98_566_387_794.700_23,
            1e30,
            1e-30,
            4.5e-5,
        ] {
            assert_eq!(
                parse_decimal(&number_text(v), f64::MIN, f64::MAX),
                Ok(v),
                "{v}"
            );
        }
    }
}
