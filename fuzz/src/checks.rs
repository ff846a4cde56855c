//! What every fuzz target checks. Each function takes the raw bytes a user could
//! paste, upload or put in a link, and returns `Err` with what broke:
//!
//! - nothing panics (a panic is a crash of the target);
//! - every accepted report is sound: every float finite, no NaN or ∞ in its
//!   words, no option with zero capacity, total = Σ terms, low ≤ total ≤ high;
//! - every refusal names fields of the scenario;
//! - what is accepted round-trips: scenario ↔ JSON ↔ link ↔ saved list, catalog ↔ JSON.

use sizing::ByteUnits;
use sizing::catalog::Catalog;
use sizing::report::{Report, size, words};
use sizing::scenario::link::{self, AppState};
use sizing::scenario::store::Library;
use sizing::scenario::{self, CnnScenario, ModelRef, Scenario, TransformerScenario, Workload};
use sizing::transformer::hf;

pub type Checked = Result<(), String>;

fn ensure(ok: bool, what: impl FnOnce() -> String) -> Checked {
    if ok { Ok(()) } else { Err(what()) }
}

/// Text with a non-finite number written into it ("NaN", "inf").
fn non_finite(text: &str) -> bool {
    text.contains("NaN")
        || text
            .split(|c: char| !c.is_alphanumeric())
            .any(|w| w == "inf" || w == "-inf")
}

/// Everything a report draws is a finite, consistent number.
pub fn report(r: &Report) -> Checked {
    let m = &r.memory;
    let sum = m
        .terms
        .iter()
        .map(|t| t.bytes)
        .fold(0u64, u64::saturating_add);
    ensure(m.total == sum, || {
        format!("total {} is not Σ terms {sum}", m.total)
    })?;
    ensure(m.low <= m.total && m.total <= m.high, || {
        format!(
            "band {}..{} does not hold the total {}",
            m.low, m.high, m.total
        )
    })?;
    for t in &m.terms {
        ensure(t.low <= t.bytes && t.bytes <= t.high, || {
            format!(
                "term {}: band {}..{} does not hold {}",
                t.id, t.low, t.high, t.bytes
            )
        })?;
        ensure(!non_finite(&t.formula), || {
            format!("term {}: {}", t.id, t.formula)
        })?;
    }
    if let Some(f) = &r.fits {
        ensure(f.margin_percent.is_finite(), || "margin not finite".into())?;
        for o in &f.options {
            ensure(o.headroom_percent.is_finite(), || {
                format!("{}: headroom {} %", o.label(), o.headroom_percent)
            })?;
            ensure(o.capacity > 0, || format!("{}: zero capacity", o.label()))?;
        }
        for u in ByteUnits::ALL {
            let mut text: Vec<String> = vec![words::needed(f, u), words::nothing_fits(f, u)];
            text.extend(f.options.iter().map(|o| words::reason(o, f, u)));
            text.extend(f.recommendations.iter().map(|r| words::why(r, f, u)));
            if let Some(t) = text.iter().find(|t| non_finite(t)) {
                return Err(format!("words with a non-finite number: {t}"));
            }
        }
    }
    speed(r)?;
    serde_json::from_str::<serde_json::Value>(&r.to_json())
        .map(|_| ())
        .map_err(|e| format!("the report's JSON does not read back: {e}"))
}

/// Every speed figure is finite, in its band, and its formula carries no NaN or ∞.
fn speed(r: &Report) -> Checked {
    let finite = |what: &str, x: f64| ensure(x.is_finite() && x >= 0.0, || format!("{what}: {x}"));
    for o in r.fits.iter().flat_map(|f| &f.options) {
        if let Some(s) = &o.speed {
            let l = o.label();
            finite(&format!("{l}: step"), s.step_s)?;
            finite(&format!("{l}: busy step"), s.busy_step_s)?;
            finite(&format!("{l}: throughput"), s.throughput)?;
            finite(&format!("{l}: share"), s.busy_share)?;
            finite(
                &format!("{l}: time to first token"),
                s.ttft_s.unwrap_or(0.0),
            )?;
            finite(&format!("{l}: training time"), s.training_s.unwrap_or(0.0))?;
        }
    }
    let Some(sp) = &r.speed else { return Ok(()) };
    let figures = sp
        .work
        .iter()
        .chain(sp.detail.iter().flat_map(|d| &d.figures));
    for f in figures {
        finite(&f.id, f.value)?;
        ensure(f.low <= f.value && f.value <= f.high, || {
            format!(
                "{}: band {}..{} does not hold {}",
                f.id, f.low, f.high, f.value
            )
        })?;
        ensure(!non_finite(&f.formula), || {
            format!("{}: {}", f.id, f.formula)
        })?;
    }
    for p in sp.detail.iter().flat_map(|d| &d.curve) {
        finite("curve time per token", p.tpot_s)?;
        finite("curve tokens/s", p.tokens_per_s)?;
    }
    Ok(())
}

fn at_a_field(path: &str) -> bool {
    ["workload.", "deployment.", "speed."]
        .iter()
        .any(|p| path.starts_with(p))
}

/// Sizing answers soundly, or refuses naming fields of the scenario.
fn sized(s: &Scenario, catalog: &Catalog) -> Checked {
    match size(s, catalog) {
        Ok(r) => {
            report(&r)?;
            for e in &r.errors {
                ensure(at_a_field(&e.path), || {
                    format!("a problem not at a field: {e}")
                })?;
            }
            Ok(())
        }
        Err(errors) => {
            ensure(!errors.is_empty(), || "refused without a reason".into())?;
            for e in &errors {
                ensure(at_a_field(&e.path) && !e.message.is_empty(), || {
                    format!("a problem not at a field: {e}")
                })?;
            }
            Ok(())
        }
    }
}

/// A scenario reads back from its JSON, its link and a saved list.
fn round_trips(s: &Scenario) -> Checked {
    let back = scenario::parse(&s.to_json()).map_err(|e| format!("its JSON is refused: {e}"))?;
    ensure(back == *s, || "JSON → scenario changed it".into())?;
    let state = AppState::from_scenario(s);
    let link = link::encoded(&state);
    // A state too large for any link is exported as a file instead (the app says so).
    if !link.too_long() {
        let read = link::decode(&link.fragment)
            .map_err(|e| format!("its link ({} bytes) is refused: {e}", link.fragment.len()))?;
        ensure(read == state, || "link → state changed it".into())?;
    }
    let mut lib = Library::default();
    lib.add(s.clone());
    let again =
        Library::read(&lib.to_json()).map_err(|e| format!("its saved list is refused: {e}"))?;
    ensure(again == lib, || "saved list → list changed it".into())
}

fn text(data: &[u8]) -> Option<&str> {
    std::str::from_utf8(data).ok()
}

/// A scenario file, as `headroom-cli size` and the import read it.
pub fn scenario(data: &[u8]) -> Checked {
    let Some(s) = text(data).and_then(|t| scenario::parse(t).ok()) else {
        return Ok(());
    };
    sized(&s, Catalog::bundled())?;
    round_trips(&s)
}

/// A pasted or uploaded config.json, sized as the transformer page sizes it.
pub fn config(data: &[u8]) -> Checked {
    let Some(t) = text(data) else { return Ok(()) };
    if hf::import(t).is_err() {
        return Ok(());
    }
    let Ok(map) = serde_json::from_str(sizing::input::without_bom(t)) else {
        return Err("an imported config is not a JSON object".into());
    };
    let s = Scenario::new(Workload::Transformer(TransformerScenario {
        model: ModelRef::Config(map),
        ..TransformerScenario::default()
    }));
    sized(&s, Catalog::bundled())?;
    round_trips(&s)
}

/// An imported GPU catalog: both workload pages sized against it, and its export read back.
pub fn catalog(data: &[u8]) -> Checked {
    let Some(c) = text(data).and_then(|t| Catalog::from_json(t).ok()) else {
        return Ok(());
    };
    for w in [
        Workload::Cnn(CnnScenario::default()),
        Workload::Transformer(TransformerScenario::default()),
    ] {
        let s = Scenario {
            deployment: sizing::scenario::Deployment {
                show_too_small: true,
                all_profiles: true,
                ..Default::default()
            },
            ..Scenario::new(w)
        };
        sized(&s, &c)?;
    }
    let back =
        Catalog::from_json(&c.to_json()).map_err(|e| format!("its export is refused: {e}"))?;
    ensure(back == c, || "catalog → JSON → catalog changed it".into())
}

/// A link's fragment, as the app opens it.
pub fn link(data: &[u8]) -> Checked {
    let Some(state) = text(data).and_then(|t| link::decode(t).ok()) else {
        return Ok(());
    };
    let written = link::encoded(&state);
    ensure(!written.too_long(), || {
        "a link read is too long to write".into()
    })?;
    let back = link::decode(&written.fragment).map_err(|e| {
        format!(
            "the link it writes ({} bytes) is refused: {e}",
            written.fragment.len()
        )
    })?;
    ensure(back == state, || "state → link → state changed it".into())?;
    for page in [link::Page::Transformer, link::Page::Cnn] {
        if let Some(s) = state.scenario_of(page) {
            sized(&s, Catalog::bundled())?;
        }
    }
    Ok(())
}

/// A saved-scenarios list, as the browser's storage or an import holds it.
pub fn saved(data: &[u8]) -> Checked {
    let Some(lib) = text(data).and_then(|t| Library::read(t).ok()) else {
        return Ok(());
    };
    let back = Library::read(&lib.to_json()).map_err(|e| format!("its export is refused: {e}"))?;
    ensure(back == lib, || "list → JSON → list changed it".into())?;
    for (_, s) in lib.saved().take(4) {
        sized(s, Catalog::bundled())?;
    }
    Ok(())
}

/// A target's check.
pub type Check = fn(&[u8]) -> Checked;

/// The targets by name, for the replay.
pub const TARGETS: [(&str, Check); 5] = [
    ("scenario", scenario),
    ("config", config),
    ("catalog", catalog),
    ("link", link),
    ("saved", saved),
];
