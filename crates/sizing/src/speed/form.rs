//! The speed card's inputs as typed, their one conversion into the scenario's
//! speed question ([`SpeedInputs::from_form`], back with [`SpeedInputs::to_form`]),
//! and the rule of every number.

use serde::{Deserialize, Serialize};

use super::{Engine, Link, Overlap, SpeedInputs};
use crate::field::{Decimal, Problems, Reader, Whole};
use crate::input::number_text;
use crate::scenario::{FieldError, FromForm};
use crate::transformer::memory::MAX_CONTEXT;

pub const OPTION: &str = "speed.option";
pub const OUTPUT_TOKENS: Whole = Whole::tokens("speed.output_tokens", 1, MAX_CONTEXT);
pub const TTFT_MS: Decimal = Decimal::new("speed.ttft_ms", 0.001, 1e9);
pub const TPOT_MS: Decimal = Decimal::new("speed.tpot_ms", 0.001, 1e9);
pub const TRAINING_MFU: Decimal = Decimal::new("speed.training_mfu_percent", 0.1, 100.0);
pub const PREFILL_MFU: Decimal = Decimal::new("speed.prefill_mfu_percent", 0.1, 100.0);
pub const DECODE_MBU: Decimal = Decimal::new("speed.decode_mbu_percent", 0.1, 100.0);
pub const STEP_OVERHEAD_MS: Decimal = Decimal::new("speed.step_overhead_ms", 0.0, 1e6);
pub const SAMPLES: Whole = Whole::new("speed.samples", 1, super::training::MAX_SAMPLES);
pub const EPOCHS: Whole = Whole::new("speed.epochs", 1, 1_000_000);
pub const SAMPLE_BYTES: Whole = Whole::new("speed.sample_bytes", 1, 1 << 50);
pub const STORAGE_MB_S: Decimal = Decimal::new("speed.storage_mb_s", 0.001, 1e9);
pub const GPUS: Whole = Whole::new("speed.gpus", 1, 65_536);
pub const GRADIENT_PARAMS: Whole = Whole::new("speed.gradient_params", 1, 1_000_000_000_000_000);
pub const PRICE: Decimal = Decimal::new("speed.price_per_gpu_hour", 0.0, 1e9);

/// The speed card's fields, numbers as typed; an empty optional field means "the default".
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpeedForm {
    pub option: Option<String>,
    pub engine: Engine,
    pub output_tokens: String,
    pub ttft_ms: String,
    pub tpot_ms: String,
    pub training_mfu: String,
    pub prefill_mfu: String,
    pub decode_mbu: String,
    pub step_overhead_ms: String,
    pub samples: String,
    pub epochs: String,
    pub sample_bytes: String,
    pub storage_mb_s: String,
    pub prefetch: bool,
    pub gpus: String,
    pub link: Link,
    pub overlap: Overlap,
    pub gradient_params: String,
    pub price: String,
}

impl Default for SpeedForm {
    fn default() -> SpeedForm {
        SpeedInputs::default().to_form()
    }
}

/// An optional whole number: empty text is `None`.
fn whole(
    r: &mut Reader<impl Fn(&str) -> bool>,
    rule: Whole,
    text: &str,
    last: Option<u64>,
) -> Option<u64> {
    if text.trim().is_empty() {
        None
    } else {
        Some(r.whole(rule, text, last.unwrap_or(rule.min)))
    }
}

fn decimal(
    r: &mut Reader<impl Fn(&str) -> bool>,
    rule: Decimal,
    text: &str,
    last: Option<f64>,
) -> Option<f64> {
    if text.trim().is_empty() {
        None
    } else {
        Some(r.decimal(rule, text, last.unwrap_or(rule.min)))
    }
}

fn text<T: Copy>(v: Option<T>, f: impl Fn(T) -> String) -> String {
    v.map(f).unwrap_or_default()
}

impl SpeedInputs {
    /// The speed question, read once from the card's fields.
    pub fn from_form(f: &SpeedForm, last: Option<&SpeedInputs>) -> FromForm<SpeedInputs> {
        let d = SpeedInputs::default();
        let last = last.unwrap_or(&d);
        let mut r = Reader::new(|_: &str| true);
        let part = SpeedInputs {
            option: f.option.clone(),
            engine: f.engine,
            output_tokens: r.whole(OUTPUT_TOKENS, &f.output_tokens, last.output_tokens),
            ttft_ms: decimal(&mut r, TTFT_MS, &f.ttft_ms, last.ttft_ms),
            tpot_ms: decimal(&mut r, TPOT_MS, &f.tpot_ms, last.tpot_ms),
            training_mfu_percent: decimal(
                &mut r,
                TRAINING_MFU,
                &f.training_mfu,
                last.training_mfu_percent,
            ),
            prefill_mfu_percent: decimal(
                &mut r,
                PREFILL_MFU,
                &f.prefill_mfu,
                last.prefill_mfu_percent,
            ),
            decode_mbu_percent: decimal(&mut r, DECODE_MBU, &f.decode_mbu, last.decode_mbu_percent),
            step_overhead_ms: decimal(
                &mut r,
                STEP_OVERHEAD_MS,
                &f.step_overhead_ms,
                last.step_overhead_ms,
            ),
            samples: whole(&mut r, SAMPLES, &f.samples, last.samples),
            epochs: whole(&mut r, EPOCHS, &f.epochs, last.epochs),
            sample_bytes: whole(&mut r, SAMPLE_BYTES, &f.sample_bytes, last.sample_bytes),
            storage_mb_s: decimal(&mut r, STORAGE_MB_S, &f.storage_mb_s, last.storage_mb_s),
            prefetch: f.prefetch,
            gpus: r.whole(GPUS, &f.gpus, last.gpus),
            link: f.link,
            overlap: f.overlap,
            gradient_params: whole(
                &mut r,
                GRADIENT_PARAMS,
                &f.gradient_params,
                last.gradient_params,
            ),
            price_per_gpu_hour: decimal(&mut r, PRICE, &f.price, last.price_per_gpu_hour),
        };
        FromForm {
            part,
            unread: r.unread,
        }
    }

    /// The card's fields for this question.
    pub fn to_form(&self) -> SpeedForm {
        let n = |v: f64| number_text(v);
        let w = |v: u64| v.to_string();
        SpeedForm {
            option: self.option.clone(),
            engine: self.engine,
            output_tokens: w(self.output_tokens),
            ttft_ms: text(self.ttft_ms, n),
            tpot_ms: text(self.tpot_ms, n),
            training_mfu: text(self.training_mfu_percent, n),
            prefill_mfu: text(self.prefill_mfu_percent, n),
            decode_mbu: text(self.decode_mbu_percent, n),
            step_overhead_ms: text(self.step_overhead_ms, n),
            samples: text(self.samples, w),
            epochs: text(self.epochs, w),
            sample_bytes: text(self.sample_bytes, w),
            storage_mb_s: text(self.storage_mb_s, n),
            prefetch: self.prefetch,
            gpus: w(self.gpus),
            link: self.link,
            overlap: self.overlap,
            gradient_params: text(self.gradient_params, w),
            price: text(self.price_per_gpu_hour, n),
        }
    }

    /// Every number against its rule.
    pub fn check(&self) -> Result<(), Vec<FieldError>> {
        let mut p = Problems::default();
        let mut whole = |rule: Whole, v: Option<u64>| {
            if let Some(v) = v {
                p.take(rule.check(v).map(|_| ()), ());
            }
        };
        whole(OUTPUT_TOKENS, Some(self.output_tokens));
        whole(SAMPLES, self.samples);
        whole(EPOCHS, self.epochs);
        whole(SAMPLE_BYTES, self.sample_bytes);
        whole(GPUS, Some(self.gpus));
        whole(GRADIENT_PARAMS, self.gradient_params);
        let mut decimal = |rule: Decimal, v: Option<f64>| {
            if let Some(v) = v {
                p.take(rule.check(v).map(|_| ()), ());
            }
        };
        decimal(TTFT_MS, self.ttft_ms);
        decimal(TPOT_MS, self.tpot_ms);
        decimal(TRAINING_MFU, self.training_mfu_percent);
        decimal(PREFILL_MFU, self.prefill_mfu_percent);
        decimal(DECODE_MBU, self.decode_mbu_percent);
        decimal(STEP_OVERHEAD_MS, self.step_overhead_ms);
        decimal(STORAGE_MB_S, self.storage_mb_s);
        decimal(PRICE, self.price_per_gpu_hour);
        if p.is_empty() { Ok(()) } else { Err(p.0) }
    }
}
