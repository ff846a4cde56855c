//! The precision page: every number format side by side — a value explorer
//! (type a number, see its bits and error in each format), the format table, a
//! range and precision chart, and which GPU computes in which format how fast.

use leptos::prelude::*;
use sizing::Precision;
use sizing::catalog::Gpu;
use sizing::input::parse_decimal;
use sizing::precision::codec::Rounding;
use sizing::precision::decimal::{Parsed, ValueError, parse_value};
use sizing::precision::explore::{
    Conversion, ExploreError, ExploreOptions, Field, Stored, exact_text, explore_parsed, short,
};
use sizing::precision::support::{COLUMNS, Path, column_label, support, unit};
use sizing::precision::{FormatKind, Use};
use sizing::scenario::link::FormatsView;

use crate::state::{InputsStoreFields, Shared};
use crate::widgets::{Check, TextField};
use reactive_stores::Field as StoreField;

/// Significant digits of a stored value shown before it is cut with "…".
const SHOWN_DIGITS: usize = 24;

fn field_class(f: Field) -> &'static str {
    match f {
        Field::Sign => "bit-sign",
        Field::Exponent => "bit-exp",
        Field::Mantissa => "bit-man",
        Field::Integer | Field::Index => "bit-int",
    }
}

fn status_text(c: &Conversion) -> String {
    let mut parts = vec![
        match c.rounding {
            Rounding::Exact => "exact",
            Rounding::Rounded => "rounded",
            Rounding::Underflow => "underflow to zero",
            Rounding::Saturated if c.clipped => "clipped to ±absmax",
            Rounding::Saturated => "overflow: saturated to ±max",
            Rounding::OverflowInfinity => "overflow: ±∞",
            Rounding::OverflowNaN => "overflow: NaN",
        }
        .to_string(),
    ];
    if c.subnormal {
        parts.push("subnormal".into());
    }
    if let Some(s) = &c.scale {
        parts.push(format!(
            "{} scale {} = {}",
            s.format.name(),
            s.hex,
            short(s.value)
        ));
    }
    parts.join(" · ")
}

fn stored_text(s: Stored) -> (String, String) {
    match s {
        Stored::Finite(x) => (exact_text(x, SHOWN_DIGITS), exact_text(x, 800)),
        Stored::Infinite { negative } => {
            let t = if negative { "−∞" } else { "+∞" };
            (t.into(), t.into())
        }
        Stored::NaN => ("NaN".into(), "NaN".into()),
    }
}

fn explorer_row(c: Conversion) -> impl IntoView {
    let id = c.precision.id();
    let bits = c
        .fields
        .iter()
        .map(|(f, b)| view! { <span class=field_class(*f)>{b.clone()}</span> })
        .collect_view();
    let scale_bits = c.scale.as_ref().map(|s| {
        view! { <span class="bit-scale" title=format!("{} scale", s.format.name())>{s.bits.clone()}</span>" " }
    });
    let (shown, full) = stored_text(c.stored);
    let abs = c.abs_error.map_or_else(|| "—".to_string(), short);
    let rel = c
        .rel_error
        .map_or_else(|| "—".to_string(), |r| format!("{} %", short(r * 100.0)));
    let status = status_text(&c);
    let warn = c.rounding.is_overflow() || c.rounding == Rounding::Underflow;
    view! {
        <tr data-testid=format!("pr-row-{id}") class:warn=warn>
            <th scope="row">{c.precision.name()}</th>
            <td class="bits mono">{scale_bits}{bits}</td>
            <td class="mono" data-testid=format!("pr-hex-{id}")>{c.hex.clone()}</td>
            <td class="mono num" data-testid=format!("pr-stored-{id}") title=full>{shown}</td>
            <td class="num" data-testid=format!("pr-abs-{id}")>{abs}</td>
            <td class="num" data-testid=format!("pr-rel-{id}")>{rel}</td>
            <td class="status" data-testid=format!("pr-status-{id}")>{status}</td>
        </tr>
    }
}

#[component]
fn Explorer(
    formats: StoreField<FormatsView>,
    parsed: Memo<Result<Parsed, ValueError>>,
) -> impl IntoView {
    let absmax_parsed = Memo::new(move |_| formats.with(|f| parse_decimal(&f.absmax, 1e-30, 1e30)));
    // A block absmax that cannot be read keeps the last one that could (1 at first).
    let absmax = Memo::new(move |last: Option<&f64>| {
        absmax_parsed
            .get()
            .unwrap_or_else(|_| last.copied().unwrap_or(1.0))
    });
    let saturate = Signal::derive(move || formats.with(|f| f.saturate));
    let result = Memo::new(move |_| {
        let options = ExploreOptions {
            saturate_fp8: saturate.get(),
            absmax: absmax.get(),
        };
        parsed
            .get()
            .map_err(ExploreError::Value)
            .and_then(|p| explore_parsed(p, options))
    });
    let value_error = Signal::derive(move || match result.get() {
        Err(ExploreError::Value(e)) => Some(e.to_string()),
        _ => None,
    });
    let absmax_error = Signal::derive(move || {
        absmax_parsed.get().err().map(|e| {
            format!(
                "{e} The scaled rows use the last block absmax that could be read, {}.",
                sizing::input::number_text(absmax.get())
            )
        })
    });
    let nearest = move || {
        result.with(|r| {
            r.as_ref().ok().map(|e| {
                let exact = e.parsed.tail == std::cmp::Ordering::Equal;
                format!(
                    "Typed: {} — {}",
                    e.parsed.exact.display(SHOWN_DIGITS),
                    if exact {
                        "exactly an FP64 value"
                    } else {
                        "not exactly representable in binary"
                    }
                )
            })
        })
    };
    view! {
        <section class="card" data-testid="pr-explorer">
            <h2>"Value explorer"</h2>
            <p class="hint">
                "Type any decimal: each format rounds it to nearest, ties to even, with subnormals, exactly (the error is computed on the decimal you typed, not on a float approximation of it). "
                "Integer, NF4, MXFP4 and NVFP4 values are scaled by the absolute maximum of their block or tensor."
            </p>
            <div class="fit-controls">
                <TextField
                    id="pr-value"
                    label="Value"
                    field=(
                        Signal::derive(move || formats.with(|f| f.value.clone())),
                        Callback::new(move |v| formats.update(|f| f.value = v)),
                        value_error,
                        Signal::stored(None),
                    )
                    inputmode="decimal"
                />
                <TextField
                    id="pr-absmax"
                    label="Block absmax (scaled formats)"
                    field=(
                        Signal::derive(move || formats.with(|f| f.absmax.clone())),
                        Callback::new(move |v| formats.update(|f| f.absmax = v)),
                        absmax_error,
                        Signal::stored(None),
                    )
                    inputmode="decimal"
                />
                <Check
                    testid="pr-saturate"
                    label="FP8 saturates on overflow (NVIDIA satfinite); off: E4M3 → NaN, E5M2 → ∞"
                    field=(saturate, Callback::new(move |on| formats.update(|f| f.saturate = on)))
                />
            </div>
            <p class="hint" data-testid="pr-typed">{nearest}</p>
            <div class="table-scroll" tabindex="0" role="region" aria-label="The value in each format">
                <table class="compact explorer">
                    <thead>
                        <tr>
                            <th>"Format"</th>
                            <th>"Bits: "<span class="bit-sign">"sign"</span>" "<span class="bit-exp">"exponent"</span>" "<span class="bit-man">"mantissa"</span>" "<span class="bit-scale">"scale"</span></th>
                            <th>"Hex"</th>
                            <th class="num">"Stored value"</th>
                            <th class="num">"Absolute error"</th>
                            <th class="num">"Relative error"</th>
                            <th>"Result"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {move || match result.get() {
                            Ok(e) => e.rows.into_iter().map(explorer_row).collect_view().into_any(),
                            Err(_) => view! {
                                <tr><td colspan="7" class="hint" data-testid="pr-explorer-empty">"Enter a valid number above to see it in every format."</td></tr>
                            }
                            .into_any(),
                        }}
                    </tbody>
                </table>
            </div>
            <p class="hint">"TF32's hex is the FP32 word it is stored in (low 13 bits zero). Integers are symmetric: scale = absmax / 127 (INT8) or / 7 (INT4). MXFP4's scale is 2^(⌊log2 absmax⌋ − 2) (OCP MX §6.3); NVFP4's is absmax / 6 in E4M3 (per-tensor FP32 scale taken as 1)."</p>
        </section>
    }
}

fn use_label(u: Use) -> impl IntoView {
    view! { <span class=format!("use use-{}", u.label())>{u.label()}</span> }
}

fn format_row(p: Precision) -> impl IntoView {
    let info = p.info();
    let layout = p.layout().map_or_else(
        || match info.kind {
            FormatKind::Lookup => "4-bit index".to_string(),
            _ => format!("{}-bit integer", info.storage_bits),
        },
        |l| format!("{}/{}/{}", l.sign, l.exponent, l.mantissa),
    );
    let block = info.block.map_or_else(String::new, |b| {
        format!(" + {} scale per {}", b.scale.name(), b.values)
    });
    let gb_per_billion = p
        .bytes_for(1_000_000_000)
        .map_or_else(|| "—".into(), |b| short(b as f64 / 1e9));
    let min_normal = p.min_normal().map_or_else(|| "—".into(), short);
    let eps = p.epsilon().map_or_else(|| "—".into(), short);
    let scaled = matches!(info.kind, FormatKind::Integer | FormatKind::Lookup);
    let max = if scaled {
        format!("{} × scale", short(p.max_finite()))
    } else {
        short(p.max_finite())
    };
    let min_pos = if scaled {
        format!("{} × scale", short(p.min_positive()))
    } else {
        short(p.min_positive())
    };
    view! {
        <tr data-testid=format!("pr-format-{}", info.id)>
            <th scope="row" title=info.source>{info.name}</th>
            <td class="mono" data-testid=format!("pr-layout-{}", info.id)>{layout}{block}</td>
            <td class="num">{p.bytes_per_value_label()}</td>
            <td class="num">{gb_per_billion}</td>
            <td class="num" data-testid=format!("pr-max-{}", info.id)>{max}</td>
            <td class="num">{min_normal}</td>
            <td class="num">{min_pos}</td>
            <td class="num">{eps}</td>
            <td class="num">{format!("{:.2}", p.decimal_digits())}</td>
            <td>{info.loss_scaling.label()}</td>
            <td>{use_label(info.training)}</td>
            <td>{use_label(info.inference)}</td>
            <td>{info.tensor_cores_since.unwrap_or("none (no tensor-core path)")}</td>
            <td class="note">{info.note}</td>
        </tr>
    }
}

#[component]
fn FormatTable() -> impl IntoView {
    view! {
        <section class="card" data-testid="pr-formats">
            <h2>"Formats"</h2>
            <p class="hint">
                "Training: FP32, TF32 (a math mode on FP32 data), BF16, or mixed precision (FP16 with FP32 master weights and loss scaling). Inference: BF16, FP8, INT8, INT4 and the 4-bit block formats. "
                "Bytes per value include block scales. Max and min of block formats assume the widest scale; integers and NF4 are multiples of their scale."
            </p>
            <div class="table-scroll" tabindex="0" role="region" aria-label="Formats">
                <table class="compact formats">
                    <thead>
                        <tr>
                            <th>"Format"</th>
                            <th>"Sign/exponent/mantissa"</th>
                            <th class="num">"Bytes per value"</th>
                            <th class="num">"GB per 10⁹ values"</th>
                            <th class="num">"Max finite"</th>
                            <th class="num">"Min normal"</th>
                            <th class="num">"Min positive"</th>
                            <th class="num">"Machine ε"</th>
                            <th class="num">"Decimal digits"</th>
                            <th>"Training needs scaling"</th>
                            <th>"Training"</th>
                            <th>"Inference"</th>
                            <th>"Tensor cores since"</th>
                            <th>"Notes"</th>
                        </tr>
                    </thead>
                    <tbody>{Precision::ALL.into_iter().map(format_row).collect_view()}</tbody>
                </table>
            </div>
        </section>
    }
}

/// Chart geometry: log10 magnitudes from `LO` to `HI` across `WIDTH` units.
const LO: f64 = -46.0;
const HI: f64 = 40.0;
const LEFT: f64 = 90.0;
const WIDTH: f64 = 760.0;
const ROW: f64 = 22.0;

fn x_of(v: f64) -> f64 {
    let l = v.log10().clamp(LO, HI);
    LEFT + (l - LO) / (HI - LO) * WIDTH
}

#[component]
fn RangeChart(parsed: Memo<Result<Parsed, ValueError>>) -> impl IntoView {
    let formats: Vec<Precision> = Precision::ALL
        .into_iter()
        .filter(|p| !matches!(p.info().kind, FormatKind::Integer | FormatKind::Lookup))
        .collect();
    let height = ROW * formats.len() as f64 + 40.0;
    let rows = formats
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let y = 10.0 + i as f64 * ROW;
            let lo = x_of(p.min_positive());
            let mid = p.min_normal().map_or(lo, x_of);
            let hi = x_of(p.max_finite());
            let beyond = p.max_finite().log10() > HI;
            let label = format!("{:.1} digits", p.decimal_digits());
            view! {
                <g data-testid=format!("pr-bar-{}", p.id())>
                    <text x=LEFT - 6.0 y=y + 12.0 text-anchor="end" class="chart-label">{p.name()}</text>
                    <rect x=lo y=y + 3.0 width=(mid - lo).max(0.0) height=ROW - 8.0 class="bar-sub">
                        <title>{format!("{}: subnormals from {}", p.name(), short(p.min_positive()))}</title>
                    </rect>
                    <rect x=mid y=y + 3.0 width=(hi - mid).max(1.0) height=ROW - 8.0 class="bar-normal">
                        <title>{format!("{}: normal numbers up to {}, {label}", p.name(), short(p.max_finite()))}</title>
                    </rect>
                    {beyond.then(|| view! { <text x=LEFT + WIDTH - 4.0 y=y + 12.0 text-anchor="end" class="chart-beyond">{format!("→ {}", short(p.max_finite()))}</text> })}
                    <text x=LEFT + WIDTH + 8.0 y=y + 12.0 class="chart-note">{label}</text>
                </g>
            }
        })
        .collect_view();
    let ticks = (-45..=39)
        .step_by(15)
        .map(|e| {
            let x = LEFT + (f64::from(e) - LO) / (HI - LO) * WIDTH;
            view! {
                <line x1=x x2=x y1=6.0 y2=height - 24.0 class="grid"/>
                <text x=x y=height - 10.0 text-anchor="middle" class="chart-label">{format!("1e{e}")}</text>
            }
        })
        .collect_view();
    let marker = move || {
        parsed.get().ok().and_then(|p| {
            let a = p.nearest.abs();
            (a > 0.0).then(|| {
                let x = x_of(a);
                view! {
                    <line x1=x x2=x y1=2.0 y2=height - 24.0 class="marker" data-testid="pr-chart-marker"/>
                }
            })
        })
    };
    view! {
        <section class="card" data-testid="pr-chart">
            <h2>"Range and precision"</h2>
            <p class="hint">"Each bar spans the magnitudes a format can hold, on a log scale: light for subnormals (precision fades), dark for normal numbers. The red line is the value you typed; on the right, the significant decimal digits of a normal number. Block formats show the range their scale reaches."</p>
            <svg viewBox=format!("0 0 {} {height}", LEFT + WIDTH + 90.0) class="range-chart" role="img" aria-label="Range of each floating-point format">
                {ticks}
                {rows}
                {marker}
            </svg>
        </section>
    }
}

fn rate_cell(gpu: &Gpu, p: Precision) -> impl IntoView + use<> {
    let s = support(gpu, p);
    let testid = format!("pr-support-{}-{}", gpu.id, column_label(p).to_lowercase());
    let fmt = |v: f64| {
        if v.fract() == 0.0 {
            format!("{v:.0}")
        } else {
            format!("{v}")
        }
    };
    let (text, class, title) = match (s.path, s.dense) {
        (Path::Unsupported, _) => ("—".to_string(), "no", "Not supported".to_string()),
        (Path::Unknown, _) | (_, None) => ("?".to_string(), "unknown", "Not published".to_string()),
        (path, Some(d)) => {
            let sparse = s
                .sparse
                .map(|sp| format!(" / {}", fmt(sp)))
                .unwrap_or_default();
            let why = match path {
                Path::CudaCores => "CUDA cores".to_string(),
                Path::Dequantized(q) => format!("Stored in {}, computed in {}", p.name(), q.name()),
                Path::SameRateAs(q) => format!(
                    "Not on the datasheet: runs at the {} rate on this architecture",
                    q.name()
                ),
                _ => "Tensor cores".to_string(),
            };
            let speed = s
                .speedup_vs_fp32
                .map(|x| format!(", {}× FP32", short(x)))
                .unwrap_or_default();
            (
                format!("{}{sparse}", fmt(d)),
                "yes",
                format!(
                    "{why}: {} {} dense{}{speed}",
                    fmt(d),
                    unit(p),
                    if s.sparse.is_some() {
                        ", dense / 2:4 sparse"
                    } else {
                        ""
                    }
                ),
            )
        }
    };
    view! { <td class=format!("num rate-{class}") data-testid=testid title=title>{text}</td> }
}

#[component]
fn SupportMatrix() -> impl IntoView {
    let active = Shared::expect().catalog;
    let rows = move || {
        active.catalog.with(|c| {
            c.gpus
                .iter()
                .map(|g| {
                    let cells = COLUMNS.iter().map(|p| rate_cell(g, *p)).collect_view();
                    view! {
                        <tr data-testid=format!("pr-support-{}", g.id)>
                            <th scope="row">{g.name.clone()}<span class="arch">{g.architecture.clone()}</span></th>
                            {cells}
                        </tr>
                    }
                })
                .collect_view()
        })
    };
    view! {
        <section class="card" data-testid="pr-support">
            <h2>"What each GPU computes in, and how fast"</h2>
            <p class="hint">
                "Peak TFLOPS (TOPS for INT8/INT4) from NVIDIA's datasheets: dense / with 2:4 structured sparsity. FP32 is CUDA-core math; tensor cores take FP32 work as TF32 by default in NVIDIA's containers. "
                "FP8 covers E4M3 and E5M2; FP4 covers MXFP4 and NVFP4; NF4 has no tensor-core path and runs at the BF16 rate after dequantization. — unsupported, ? not published. Hover a cell for details."
            </p>
            <div class="table-scroll" tabindex="0" role="region" aria-label="What each GPU computes in">
                <table class="compact support">
                    <thead>
                        <tr>
                            <th>"GPU"</th>
                            {COLUMNS.iter().map(|p| view! { <th class="num">{column_label(*p)}</th> }).collect_view()}
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </section>
    }
}

#[component]
pub fn PrecisionPage() -> impl IntoView {
    let formats: StoreField<FormatsView> = Shared::expect().inputs.formats().into();

    // Parsed once for the explorer and the chart's marker.
    let parsed = Memo::new(move |_| formats.with(|f| parse_value(&f.value)));
    view! {
        <Explorer formats=formats parsed=parsed/>
        <RangeChart parsed=parsed/>
        <FormatTable/>
        <SupportMatrix/>
    }
}
