//! A workload whose memory is already known: "this container asks for 22 GiB on
//! each of 2 GPUs" — an inference microservice's profile, a vendor's sizing, a
//! measurement of a running job. headroom adds nothing to the figure but the
//! Fits panel's margin, and fits it to every GPU, MIG instance and vGPU type like
//! any other workload. The figure is per GPU and cannot be split further: a
//! copy needs `gpus` devices that each hold it.

use serde::{Deserialize, Serialize};

use crate::catalog::Demand;
use crate::field::{Reader, Rule, Whole};
use crate::input::{clip, parse_bytes};
use crate::scenario::{FieldError, FromForm};
use crate::term::{Kind, Term};
use crate::units::{ByteUnits, format_bytes, group_digits};

/// An amount-of-memory field: its path, and what the typed text reads as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Amount {
    pub path: &'static str,
    pub max: u64,
}

impl Rule for Amount {
    fn path(&self) -> &'static str {
        self.path
    }

    fn reading(&self, text: &str) -> Option<String> {
        let b = parse_bytes(text, self.max).ok()?;
        Some(format!(
            "Read as {} B ({}, {}).",
            group_digits(b),
            format_bytes(b, ByteUnits::Decimal),
            format_bytes(b, ByteUnits::Binary)
        ))
    }
}

/// Where each field is, in a scenario.
pub const PER_GPU: Amount = Amount {
    path: "workload.known.per_gpu",
    max: MAX_PER_GPU,
};
pub const GPUS: Whole = Whole::new("workload.known.gpus", 1, 64);
pub const WHAT: &str = "workload.known.what";

/// The largest demand per GPU accepted: 16 TiB, far above any GPU.
pub const MAX_PER_GPU: u64 = 1 << 44;
/// Longest description kept, in characters.
pub const MAX_WHAT: usize = 200;

/// The known-demand part of a scenario.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct KnownScenario {
    /// What asks for the memory, e.g. "inference microservice, Llama 3.1 8B FP8".
    #[serde(skip_serializing_if = "String::is_empty")]
    pub what: String,
    /// Bytes it needs on each GPU.
    pub per_gpu: u64,
    /// GPUs one copy uses.
    pub gpus: u32,
}

impl Default for KnownScenario {
    fn default() -> KnownScenario {
        KnownScenario {
            what: String::new(),
            per_gpu: 24_000_000_000,
            gpus: 1,
        }
    }
}

/// The page's fields as typed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KnownForm {
    pub what: String,
    /// An amount with its unit: "24 GB", "22.5 GiB".
    pub per_gpu: String,
    pub gpus: String,
}

impl Default for KnownForm {
    fn default() -> KnownForm {
        KnownScenario::default().to_form()
    }
}

impl KnownScenario {
    /// The known-demand part of a scenario, read once from the page's fields; a
    /// field that holds no amount keeps its `last` value and gets a message.
    pub fn from_form(form: &KnownForm, last: Option<&KnownScenario>) -> FromForm<KnownScenario> {
        let fallback = last.cloned().unwrap_or_default();
        let mut r = Reader::new(|_: &str| true);
        let per_gpu = r.read(
            parse_bytes(&form.per_gpu, MAX_PER_GPU).map_err(|m| FieldError::new(PER_GPU.path, m)),
            fallback.per_gpu,
        );
        let gpus = r.whole(GPUS, &form.gpus, fallback.gpus.into());
        let part = KnownScenario {
            what: form.what.trim().to_string(),
            per_gpu,
            gpus: u32::try_from(gpus).unwrap_or(u32::MAX),
        };
        FromForm {
            part,
            unread: r.unread,
        }
    }

    /// The page's fields for this part: the amount in the largest unit that
    /// states it exactly (GiB, MiB, GB, MB or bytes).
    pub fn to_form(&self) -> KnownForm {
        KnownForm {
            what: self.what.clone(),
            per_gpu: amount_text(self.per_gpu),
            gpus: self.gpus.to_string(),
        }
    }
}

/// An amount as a field shows it and reads it back exactly: in the first unit
/// of GiB, GB, MiB, MB, KiB, KB that states it with at most two decimals.
pub fn amount_text(bytes: u64) -> String {
    const UNITS: [(&str, u64); 6] = [
        ("GiB", 1 << 30),
        ("GB", 1_000_000_000),
        ("MiB", 1 << 20),
        ("MB", 1_000_000),
        ("KiB", 1 << 10),
        ("KB", 1_000),
    ];
    for (unit, size) in UNITS {
        let hundredths = u128::from(bytes) * 100;
        if bytes >= size && hundredths.is_multiple_of(u128::from(size)) {
            let v = hundredths / u128::from(size);
            let (whole, frac) = ((v / 100) as u64, v % 100);
            let frac = match frac {
                0 => String::new(),
                f if f % 10 == 0 => format!(".{}", f / 10),
                f => format!(".{f:02}"),
            };
            return format!("{}{frac} {unit}", group_digits(whole));
        }
    }
    format!("{} B", group_digits(bytes))
}

/// The one kind of memory a known demand has.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum TermKind {
    Stated,
}

impl Kind for TermKind {
    fn id(self) -> &'static str {
        "stated"
    }
}

/// A known demand, checked.
#[derive(Clone, Debug, PartialEq)]
pub struct KnownSized {
    pub terms: Vec<Term<TermKind>>,
    pub per_gpu: u64,
    pub gpus: u32,
    pub name: String,
    pub headline: String,
}

impl KnownSized {
    /// What the fit engine places: the whole figure on every GPU (it is per GPU
    /// already, so no split divides it).
    pub fn demand(&self) -> Demand {
        Demand {
            copy_gpus: self.gpus.max(1),
            ..Demand::new(self.per_gpu, self.per_gpu)
        }
    }
}

/// Checks the known demand; every problem names its field.
pub fn size(k: &KnownScenario) -> Result<KnownSized, Vec<FieldError>> {
    let mut errors = Vec::new();
    if !(1..=MAX_PER_GPU).contains(&k.per_gpu) {
        errors.push(FieldError::new(
            PER_GPU.path,
            format!(
                "Must be between 1 B and {} B (16 TiB).",
                group_digits(MAX_PER_GPU)
            ),
        ));
    }
    if let Err(e) = GPUS.check(k.gpus.into()) {
        errors.push(e);
    }
    if k.what.chars().count() > MAX_WHAT {
        errors.push(FieldError::new(
            WHAT,
            format!(
                "Keep the description under {MAX_WHAT} characters ('{}').",
                clip(&k.what, 24)
            ),
        ));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let name = if k.what.is_empty() {
        "Known demand".to_string()
    } else {
        k.what.clone()
    };
    let amount = format!(
        "{} ({})",
        format_bytes(k.per_gpu, ByteUnits::Decimal),
        format_bytes(k.per_gpu, ByteUnits::Binary)
    );
    let on = if k.gpus == 1 {
        "one GPU".to_string()
    } else {
        format!("each of {} GPUs", k.gpus)
    };
    let term = Term::new(
        TermKind::Stated,
        "Stated demand",
        k.per_gpu,
        format!("{} B per GPU, as stated", group_digits(k.per_gpu)),
        "Your figure, taken as it is: headroom adds only the Fits panel's margin. A MIG instance or vGPU holds it only if its usable memory does (nvidia-smi's figure, below the size in the profile's name).",
    );
    Ok(KnownSized {
        terms: vec![term],
        per_gpu: k.per_gpu,
        gpus: k.gpus,
        headline: format!("{name}: {amount} on {on}, as stated"),
        name,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(per_gpu: &str, gpus: &str) -> KnownForm {
        KnownForm {
            what: " NIM ".into(),
            per_gpu: per_gpu.into(),
            gpus: gpus.into(),
        }
    }

    #[test]
    fn a_known_demand_reads_and_writes_back_exactly() {
        let r = KnownScenario::from_form(&form("22.5 GiB", "2"), None);
        assert!(r.unread.is_empty());
        assert_eq!(
            r.part,
            KnownScenario {
                what: "NIM".into(),
                per_gpu: 24_159_191_040,
                gpus: 2
            }
        );
        assert_eq!(r.part.to_form().per_gpu, "22.5 GiB");
        for b in [
            1,
            999,
            24_000_000_000,
            10_485_760_000,
            9_984 << 20,
            1 << 44,
            123_456_789_013,
        ] {
            let text = amount_text(b);
            assert_eq!(parse_bytes(&text, MAX_PER_GPU), Ok(b), "{text}");
        }
        assert_eq!(amount_text(24_000_000_000), "24 GB");
        assert_eq!(amount_text(9_984 << 20), "9.75 GiB");
    }

    #[test]
    fn a_bad_field_keeps_the_last_value_and_says_why() {
        let last = KnownScenario::default();
        let r = KnownScenario::from_form(&form("lots", "two"), Some(&last));
        assert_eq!(r.part.per_gpu, last.per_gpu);
        let paths: Vec<&str> = r.unread.iter().map(|e| e.path.as_str()).collect();
        assert_eq!(paths, [PER_GPU.path, GPUS.path]);
        let bad = KnownScenario {
            per_gpu: 0,
            gpus: 65,
            what: "x".repeat(201),
        };
        let paths: Vec<String> = size(&bad)
            .unwrap_err()
            .into_iter()
            .map(|e| e.path)
            .collect();
        assert_eq!(paths, [PER_GPU.path, GPUS.path, WHAT]);
    }

    #[test]
    fn the_demand_is_placed_whole_on_every_gpu() {
        let k = size(&KnownScenario::default()).unwrap();
        let d = k.demand();
        assert_eq!(
            (d.per_gpu(1), d.per_gpu(8)),
            (24_000_000_000, 24_000_000_000)
        );
        assert_eq!(
            k.headline,
            "Known demand: 24.00 GB (22.35 GiB) on one GPU, as stated"
        );
    }
}
