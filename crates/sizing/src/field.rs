//! The numeric fields of a scenario: each one's dotted path and allowed range,
//! written once and used twice. A page reads what was typed with
//! [`Whole::read`] / [`Decimal::read`] (text → number, once); sizing checks the
//! number with `check`. Both name the field by the same path, so the page, the
//! link reader and the command line report a problem at the same place.

use crate::input::{
    BINARY_K, DECIMAL_K, number_text, parse_decimal, parse_shorthand, parse_whole_k,
};
use crate::scenario::FieldError;
use crate::units::group_digits;

/// A whole-number field, e.g. `workload.cnn.batch` from 1 to 1,048,576.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Whole {
    pub path: &'static str,
    pub min: u64,
    pub max: u64,
    /// What "k" is worth when typed: "8k" (see [`crate::input::parse_shorthand`]).
    pub k: u64,
}

impl Whole {
    pub const fn new(path: &'static str, min: u64, max: u64) -> Whole {
        Whole {
            path,
            min,
            max,
            k: DECIMAL_K,
        }
    }

    /// A count of tokens: "8k" is 8,192, as context lengths are named.
    pub const fn tokens(path: &'static str, min: u64, max: u64) -> Whole {
        Whole {
            path,
            min,
            max,
            k: BINARY_K,
        }
    }

    /// The number typed. A number out of range is kept (sizing says so, and a link
    /// carries it); text that holds no whole number is a message for the field.
    pub fn read(&self, text: &str) -> Result<u64, FieldError> {
        parse_whole_k(text, 0, u64::MAX, self.k).map_err(|_| {
            // The message the field's own range gives ("Must be a whole number between 1 and 100.").
            let message = parse_whole_k(text, self.min, self.max, self.k)
                .err()
                .unwrap_or_else(|| "Enter a whole number.".to_string());
            FieldError::new(self.path, message)
        })
    }

    /// The number when it is in range.
    pub fn check(&self, v: u64) -> Result<u64, FieldError> {
        if (self.min..=self.max).contains(&v) {
            Ok(v)
        } else {
            Err(FieldError::new(
                self.path,
                format!(
                    "Must be between {} and {}.",
                    group_digits(self.min),
                    group_digits(self.max)
                ),
            ))
        }
    }
}

/// A field as a page binds it: its scenario path, and what a shorthand typed in
/// it was read as.
pub trait Rule: Copy + Send + Sync + 'static {
    fn path(&self) -> &'static str;
    /// "Read as 8,192 (k = 1,024)." when `text` is a shorthand such as "8k".
    fn reading(&self, _text: &str) -> Option<String> {
        None
    }
}

impl Rule for Whole {
    fn path(&self) -> &'static str {
        self.path
    }

    fn reading(&self, text: &str) -> Option<String> {
        let v = parse_shorthand(text, self.k)?.ok()?;
        let k = if self.k == BINARY_K {
            " (k = 1,024)"
        } else {
            ""
        };
        Some(format!("Read as {}{k}.", group_digits(v)))
    }
}

impl Rule for Decimal {
    fn path(&self) -> &'static str {
        self.path
    }
}

/// A form member checked at a path without a numeric rule.
impl Rule for &'static str {
    fn path(&self) -> &'static str {
        self
    }
}

/// A decimal field, e.g. `deployment.margin_percent` from 0 to 100.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Decimal {
    pub path: &'static str,
    pub min: f64,
    pub max: f64,
}

impl Decimal {
    pub const fn new(path: &'static str, min: f64, max: f64) -> Decimal {
        Decimal { path, min, max }
    }

    /// The number typed, in range or not; a message when the text holds no finite number.
    pub fn read(&self, text: &str) -> Result<f64, FieldError> {
        parse_decimal(text, f64::MIN, f64::MAX).map_err(|_| {
            let message = parse_decimal(text, self.min, self.max)
                .err()
                .unwrap_or_else(|| "Enter a number.".to_string());
            FieldError::new(self.path, message)
        })
    }

    /// The number when it is finite and in range.
    pub fn check(&self, v: f64) -> Result<f64, FieldError> {
        if v.is_finite() && v >= self.min && v <= self.max {
            Ok(v)
        } else {
            Err(FieldError::new(
                self.path,
                format!(
                    "Must be between {} and {}.",
                    number_text(self.min),
                    number_text(self.max)
                ),
            ))
        }
    }
}

/// Reads a form's text fields into numbers, keeping a message for each field that
/// holds none. Such a field takes its last value (a link keeps the last number
/// until the field holds one again); fields that do not `count` give no message.
pub(crate) struct Reader<F: Fn(&str) -> bool> {
    pub unread: Vec<FieldError>,
    pub counts: F,
}

impl<F: Fn(&str) -> bool> Reader<F> {
    pub fn new(counts: F) -> Reader<F> {
        Reader {
            unread: Vec::new(),
            counts,
        }
    }

    fn miss<T>(&mut self, e: FieldError, last: T) -> T {
        if (self.counts)(&e.path) {
            self.unread.push(e);
        }
        last
    }

    pub fn whole(&mut self, rule: Whole, text: &str, last: u64) -> u64 {
        rule.read(text).unwrap_or_else(|e| self.miss(e, last))
    }

    pub fn decimal(&mut self, rule: Decimal, text: &str, last: f64) -> f64 {
        rule.read(text).unwrap_or_else(|e| self.miss(e, last))
    }

    /// A field read by its own parser: the value, or `last` with the message.
    pub fn read<T>(&mut self, r: Result<T, FieldError>, last: T) -> T {
        r.unwrap_or_else(|e| self.miss(e, last))
    }
}

/// Problems collected while checking a scenario part, at most one per path.
#[derive(Debug, Default)]
pub(crate) struct Problems(pub Vec<FieldError>);

impl Problems {
    /// Keeps `e` unless its field already has a message.
    pub fn push(&mut self, e: FieldError) {
        if !self.has(&e.path) {
            self.0.push(e);
        }
    }

    pub fn has(&self, path: &str) -> bool {
        self.0.iter().any(|e| e.path == path)
    }

    /// The value, or `fallback` with the problem recorded.
    pub fn take<T>(&mut self, r: Result<T, FieldError>, fallback: T) -> T {
        r.unwrap_or_else(|e| {
            self.push(e);
            fallback
        })
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BATCH: Whole = Whole::new("workload.cnn.batch", 1, 1_048_576);
    const MARGIN: Decimal = Decimal::new("deployment.margin_percent", 0.0, 100.0);

    #[test]
    fn reading_keeps_numbers_out_of_range_and_explains_text() {
        assert_eq!(BATCH.read("0"), Ok(0));
        assert_eq!(BATCH.read("1,024"), Ok(1024));
        let message = |r: Result<u64, FieldError>| r.unwrap_err().message;
        assert_eq!(
            message(BATCH.read("-5")),
            "Must be between 1 and 1,048,576."
        );
        assert_eq!(
            message(BATCH.read("2.5")),
            "Must be a whole number between 1 and 1,048,576."
        );
        assert_eq!(message(BATCH.read("abc")), "'abc' is not a number.");
        assert_eq!(message(BATCH.read("")), "Enter a whole number.");
        assert_eq!(BATCH.read("x").unwrap_err().path, "workload.cnn.batch");
        assert_eq!(MARGIN.read("250"), Ok(250.0));
        assert_eq!(
            MARGIN.read("1e999").unwrap_err().message,
            "Must be between 0 and 100."
        );
    }

    #[test]
    fn shorthand_is_read_by_the_field_and_said() {
        const CONTEXT: Whole = Whole::tokens("workload.transformer.context", 1, 1 << 20);
        assert_eq!(CONTEXT.read("8k"), Ok(8192));
        assert_eq!(
            CONTEXT.reading("8k").as_deref(),
            Some("Read as 8,192 (k = 1,024).")
        );
        assert_eq!(BATCH.read("2k"), Ok(2000));
        assert_eq!(BATCH.reading("2k").as_deref(), Some("Read as 2,000."));
        assert_eq!(BATCH.reading("2000"), None);
        assert_eq!(BATCH.reading("2.0001k"), None);
        assert_eq!(
            CONTEXT.read("2M").unwrap(),
            2_097_152,
            "kept, out of range: sizing says so"
        );
        assert_eq!(MARGIN.reading("1k"), None);
    }

    #[test]
    fn checking_gives_the_same_message_as_typing() {
        assert_eq!(
            BATCH.check(0).unwrap_err().message,
            "Must be between 1 and 1,048,576."
        );
        assert_eq!(BATCH.check(32), Ok(32));
        assert_eq!(
            MARGIN.check(f64::NAN).unwrap_err().message,
            "Must be between 0 and 100."
        );
        assert_eq!(
            MARGIN.check(-1.0).unwrap_err(),
            MARGIN.check(101.0).unwrap_err()
        );
    }
}
