//! The Speed card: how fast the workload runs on one option (time to first
//! token, time per output token, tokens/s or images/s), how long training takes
//! and what the all-reduce costs, each figure with its formula and band; the
//! latency targets, efficiencies, dataset and network that feed them; and a chart
//! of latency and throughput against concurrent users.

use leptos::prelude::*;
use sizing::ByteUnits;
use sizing::catalog::FitStatus;
use sizing::report::words;
use sizing::scenario::link::{self, AppState};
use sizing::speed::efficiency::Origin;
use sizing::speed::form::{
    DECODE_MBU, EPOCHS, GRADIENT_PARAMS, OUTPUT_TOKENS, PREFILL_MFU, PRICE, SAMPLE_BYTES, SAMPLES,
    STEP_OVERHEAD_MS, STORAGE_MB_S, SpeedForm, TPOT_MS, TRAINING_MFU, TTFT_MS,
};
use sizing::speed::{
    Bound, CurvePoint, Detail, Engine, Figure, Link, Overlap, Speed, bert_all_reduce_example,
    layout_key, option_key,
};
use sizing::units::group_digits;

use crate::bind::{ALL, Bind, TextBinding, optional};
use crate::glossary::Term;
use crate::widgets::{Check, Choice, TextField, options};
use crate::{choice, flag, text};

/// What the page's workload is, for the controls the card shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A generating transformer served.
    Serving,
    /// One forward pass per batch (encoders, CNN inference).
    Forward,
    Training,
}

#[component]
pub fn SpeedCard(
    /// The card's own inputs and the page's sizing.
    bind: Bind<SpeedForm>,
    kind: Signal<Kind>,
    /// The GPU-count control of a training run: the CNN's data-parallel GPUs, or
    /// the transformer's data-parallel size.
    gpus: TextBinding,
    /// Prepended to every element id and test id ("tf-", "cnn-").
    prefix: &'static str,
    units: Signal<ByteUnits>,
) -> impl IntoView {
    let id = move |name: &str| format!("{prefix}{name}");
    let report = bind.sizing.report;
    let speed: Memo<Option<Speed>> =
        Memo::new(move |_| report.with(|r| r.as_ref().ok().and_then(|r| r.speed.clone())));
    // A memo: a change that keeps the list (most do) leaves the menu alone.
    let choices = Memo::new(move |_| {
        let mut o = vec![(ALL.to_string(), "Recommended option".to_string())];
        report.with(|r| {
            if let Some(f) = r.as_ref().ok().and_then(|r| r.fits.as_ref()) {
                o.extend(f.options.iter().map(|x| {
                    let key = option_key(&x.gpu_id, x.profile.as_deref());
                    match x.status {
                        FitStatus::TooSmall => (key, format!("{} (too small)", x.label())),
                        _ => (key, x.label()),
                    }
                }));
                for m in &f.multi_gpu {
                    let more = m.target_gpus.filter(|n| *n != m.gpus);
                    o.extend(std::iter::once(m.gpus).chain(more).map(|n| {
                        let label = format!("{n} × {} (split)", m.gpu_name);
                        (layout_key(&m.gpu_id, n), label)
                    }));
                }
            }
        });
        o
    });
    let chosen = optional(bind.form, |f| &f.option, |f| &mut f.option);
    let serving = move || kind.get() == Kind::Serving;
    let training = move || kind.get() == Kind::Training;
    let links = options(&Link::ALL, Link::id, Link::label);
    view! {
        <div class="card speed" class:cv=crate::widgets::settled() data-testid=id("speed")>
            <h2>"Speed"</h2>
            <p class="hint">
                "A roofline: each step takes as long as the slower of its arithmetic (FLOPs ÷ peak × "<Term id="mfu-mbu">"MFU"</Term>") and its memory traffic (bytes ÷ bandwidth × MBU). "
                "Efficiencies default to values calibrated against published measurements (Megatron-LM, the Llama 3 paper, NVIDIA's DeepLearningExamples, MLPerf and engine benchmarks); the band is their spread."
            </p>
            <div class="fit-controls">
                <Choice id=id("speed-option") label="Option" options=Signal::from(choices) field=chosen/>
                <Show when=serving>
                    <Choice id=id("speed-engine") label="Engine class (speed)" options=options(&Engine::ALL, Engine::id, Engine::label) field=choice!(bind, engine, Engine)/>
                    <TextField id=id("speed-output") label="Output tokens per request" field=text!(bind, OUTPUT_TOKENS, output_tokens) hint="The prompt is the rest of the context."/>
                    <TextField id=id("speed-ttft") label="Target: time to first token" unit="ms" inputmode="decimal" field=text!(bind, TTFT_MS, ttft_ms) hint="Empty: no target."/>
                    <TextField id=id("speed-tpot") label="Target: time per output token" unit="ms" inputmode="decimal" field=text!(bind, TPOT_MS, tpot_ms) hint="Empty: no target."/>
                </Show>
                <Show when=training>
                    <TextField id=id("speed-gpus") label="GPUs (data parallel)" field=gpus/>
                    <TextField id=id("speed-samples") label="Samples per epoch" field=text!(bind, SAMPLES, samples) hint="Empty: the default dataset."/>
                    <TextField id=id("speed-epochs") label="Epochs" field=text!(bind, EPOCHS, epochs)/>
                    <TextField id=id("speed-sample-bytes") label="Bytes per sample on disk" unit="B" field=text!(bind, SAMPLE_BYTES, sample_bytes)/>
                    <TextField id=id("speed-storage") label="Storage read throughput" unit="MB/s" inputmode="decimal" field=text!(bind, STORAGE_MB_S, storage_mb_s) hint="Empty: loading never waits."/>
                    <Choice id=id("speed-link") label="All-reduce link" options=links.clone() field=choice!(bind, link, Link)/>
                    <Choice id=id("speed-overlap") label="All-reduce overlap" options=options(&Overlap::ALL, Overlap::id, Overlap::label) field=choice!(bind, overlap, Overlap)/>
                    <TextField id=id("speed-gradients") label="Parameters exchanged" field=text!(bind, GRADIENT_PARAMS, gradient_params) hint="Empty: the trainable parameters."/>
                    <TextField id=id("speed-price") label="Price per GPU-hour" inputmode="decimal" field=text!(bind, PRICE, price) hint="Empty: no cost."/>
                </Show>
            </div>
            <Show when=training>
                <div class="fit-checks">
                    <Check testid=id("speed-prefetch") label="Data loading runs ahead of the GPUs (prefetching workers)" field=flag!(bind, prefetch)/>
                </div>
                <p class="hint">
                    "Worked example: "
                    <a href=example_link() data-testid=id("speed-example")>
                        "BERT-Large's gradients all-reduced over 25 Gb Ethernet (the article's 2.72 GB and 870 ms per iteration)"
                    </a>
                </p>
            </Show>
            <details class="efficiencies" data-testid=id("speed-efficiencies")>
                <summary>"Efficiencies"</summary>
                <div class="fit-controls">
                    <TextField id=id("speed-training-mfu") label="Training MFU" unit="%" inputmode="decimal" field=text!(bind, TRAINING_MFU, training_mfu)/>
                    <TextField id=id("speed-prefill-mfu") label="Prefill MFU" unit="%" inputmode="decimal" field=text!(bind, PREFILL_MFU, prefill_mfu)/>
                    <TextField id=id("speed-decode-mbu") label="Decode MBU" unit="%" inputmode="decimal" field=text!(bind, DECODE_MBU, decode_mbu)/>
                    <TextField id=id("speed-overhead") label="Time per decode step" unit="ms" inputmode="decimal" field=text!(bind, STEP_OVERHEAD_MS, step_overhead_ms)/>
                </div>
                <p class="hint" data-testid=id("speed-efficiencies-used")>
                    {move || speed.with(|s| s.as_ref().and_then(|s| s.detail.as_ref()).map(efficiencies).unwrap_or_default())}
                </p>
            </details>
            // Drawn again on a change of the figures or of the units; the rows
            // hold plain text, so only the text that differs is rewritten.
            {move || {
                let units = units.get();
                match speed.get() {
                Some(s) => view! { <SpeedResult speed=s prefix=prefix units=units/> }.into_any(),
                None => view! {
                    <p class="hint" data-testid=id("speed-none")>"Correct the fields marked in red to see the speed."</p>
                }
                .into_any(),
            }
            }}
        </div>
    }
}

/// The link that opens the article's all-reduce example.
fn example_link() -> String {
    let state = AppState::from_scenario(&bert_all_reduce_example());
    format!("#{}", link::encode(&state))
}

/// "Used: training MFU 45 % (default for this GPU), …".
fn efficiencies(d: &Detail) -> String {
    let e = &d.efficiencies;
    let o = |origin: Origin| match origin {
        Origin::Default => "default",
        Origin::Yours => "yours",
    };
    format!(
        "Used on this option: training MFU {} % ({}), prefill MFU {} % ({}), decode MBU {} % ({}), {} per decode step ({}). Empty fields take the defaults.",
        words::sig(e.training * 100.0),
        o(e.training_origin),
        words::sig(e.prefill * 100.0),
        o(e.prefill_origin),
        words::sig(e.decode * 100.0),
        o(e.decode_origin),
        words::duration(e.step_overhead_s),
        o(e.step_origin)
    )
}

#[component]
fn SpeedResult(speed: Speed, prefix: &'static str, units: ByteUnits) -> impl IntoView {
    let id = move |name: &str| format!("{prefix}{name}");
    let target = speed.tpot_target_s;
    let detail = speed.detail.clone();
    let rows = speed
        .work
        .iter()
        .chain(detail.iter().flat_map(|d| &d.figures))
        .cloned()
        .map(|f| view! { <FigureRow figure=f prefix=prefix units=units/> })
        .collect_view();
    let share = detail
        .as_ref()
        .and_then(|d| d.training.as_ref())
        .and_then(|t| t.all_reduce.as_ref())
        .map(|a| {
            view! {
                <p class="speed-share" data-testid=id("speed-allreduce-share")>
                    {format!(
                        "The all-reduce takes {} % of each iteration ({} of {} not hidden); scaling efficiency {} %.",
                        words::sig(a.share * 100.0),
                        words::duration(a.exposed_s),
                        words::duration(a.time_s),
                        words::sig(detail.as_ref().and_then(|d| d.training.as_ref()).map_or(0.0, |t| t.scaling_efficiency) * 100.0)
                    )}
                </p>
            }
        });
    // A curve needs two points: an option whose memory holds one user says so.
    let chart = detail.as_ref().filter(|d| !d.curve.is_empty()).map(|d| {
        if d.curve.len() > 1 {
            view! { <SpeedChart curve=d.curve.clone() users=d.users target=target prefix=prefix/> }
                .into_any()
        } else {
            let none = d
                .figures
                .iter()
                .any(|f| f.id == "max_users" && f.value < 1.0);
            let text = if none {
                "With the safety margin its memory holds no user at this context (the figures above are for one, without the margin): there is no curve against concurrent users to draw."
            } else {
                "Its memory holds one user at this context: there is no curve against concurrent users to draw."
            };
            view! { <p class="hint" data-testid=id("speed-chart-one")>{text}</p> }.into_any()
        }
    });
    let on = detail.as_ref().map(|d| {
        view! { <p class="speed-on" data-testid=id("speed-on")>{format!("On {}.", d.label)}</p> }
    });
    let layout = speed.target_layout.as_ref().map(|t| {
        let [time, amount] = words::speed_cells(&t.speed);
        view! {
            <p class="speed-share" data-testid=id("speed-target-layout")>
                {format!(
                    "No single GPU, MIG instance or vGPU meets the latency target; the fewest GPUs that do: {} × {} ({time}, {amount}).",
                    t.gpus, t.gpu_name
                )}
            </p>
        }
    });
    let unmet = words::target_unmet(&speed).map(|w| {
        view! { <p class="speed-share" role="status" data-testid=id("speed-target-unmet")>{w}</p> }
    });
    let misses = words::detail_misses(&speed).map(|w| {
        view! { <p class="speed-share" data-testid=id("speed-target-missed")>{w}</p> }
    });
    view! {
        {on}
        {misses}
        {layout}
        {unmet}
        {share}
        <div class="scroll-x" tabindex="0" role="region" aria-label="Speed figures">
            <table class="terms speed-figures" data-testid=id("speed-figures")>
                <thead>
                    <tr>
                        <th scope="col">"Figure"</th>
                        <th scope="col" class="num">"Value"</th>
                        <th scope="col" class="num">"Range"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        {chart}
    }
}

#[component]
fn FigureRow(figure: Figure, prefix: &'static str, units: ByteUnits) -> impl IntoView {
    let f = figure;
    let (unit, value, low, high) = (f.unit, f.value, f.low, f.high);
    let testid = format!("{prefix}fig-{}", f.id);
    view! {
        <tr>
            <td>
                <details>
                    <summary>{f.label.clone()}</summary>
                    <p class="formula" data-testid=format!("{testid}-formula")>{f.formula.clone()}</p>
                    {(!f.note.is_empty()).then(|| view! { <p class="note">{f.note.clone()}</p> })}
                </details>
            </td>
            <td class="num" data-testid=testid data-value=value.to_string()>
                {words::figure_value(unit, value, units)}
            </td>
            <td class="num range">
                {if low == high {
                    "exact".to_string()
                } else {
                    format!("{} – {}", words::figure_value(unit, low, units), words::figure_value(unit, high, units))
                }}
            </td>
        </tr>
    }
}

/// TPOT and total tokens/s against concurrent users, from one user to as many as
/// the option's memory holds; the scenario's users and the target marked.
#[component]
fn SpeedChart(
    curve: Vec<CurvePoint>,
    users: u64,
    target: Option<f64>,
    prefix: &'static str,
) -> impl IntoView {
    const W: f64 = 640.0;
    const H: f64 = 240.0;
    const L: f64 = 56.0;
    const R: f64 = 64.0;
    const T: f64 = 16.0;
    const B: f64 = 40.0;
    let last = curve.last().map_or(1, |p| p.users).max(1);
    let max_users = last.max(users).max(2) as f64;
    let x = move |u: u64| L + (u.max(1) as f64).ln() / max_users.ln() * (W - L - R);
    let tpot_max = curve
        .iter()
        .map(|p| p.tpot_s)
        .chain(target)
        .fold(0.0f64, f64::max)
        .max(1e-9)
        * 1.1;
    let tps_max = curve
        .iter()
        .map(|p| p.tokens_per_s)
        .fold(0.0f64, f64::max)
        .max(1e-9)
        * 1.1;
    let y_tpot = move |t: f64| H - B - t / tpot_max * (H - T - B);
    let y_tps = move |t: f64| H - B - t / tps_max * (H - T - B);
    let line = |f: &dyn Fn(&CurvePoint) -> (f64, f64)| {
        curve
            .iter()
            .map(|p| {
                let (a, b) = f(p);
                format!("{a:.1},{b:.1}")
            })
            .collect::<Vec<_>>()
            .join(" ")
    };
    let tpot_line = line(&|p| (x(p.users), y_tpot(p.tpot_s)));
    let tps_line = line(&|p| (x(p.users), y_tps(p.tokens_per_s)));
    let compute_from = curve
        .iter()
        .find(|p| p.bound == Bound::Compute)
        .map(|p| p.users);
    let summary = format!(
        "From 1 to {} concurrent users: time per output token {} to {}, total {} to {} tokens/s.{}",
        group_digits(last),
        words::duration(curve.first().map_or(0.0, |p| p.tpot_s)),
        words::duration(curve.last().map_or(0.0, |p| p.tpot_s)),
        words::sig(curve.first().map_or(0.0, |p| p.tokens_per_s)),
        words::sig(curve.last().map_or(0.0, |p| p.tokens_per_s)),
        compute_from.map_or(" Memory-bound throughout.".to_string(), |u| format!(
            " Compute-bound from {u} users."
        ))
    );
    let ticks: Vec<u64> = [
        1u64, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 100_000,
    ]
    .into_iter()
    .filter(|&t| (t as f64) <= max_users)
    .collect();
    view! {
        <figure class="speed-chart" data-testid=format!("{prefix}speed-chart")>
            // On a phone the drawing keeps a width its labels can be read at, and scrolls.
            <div class="scroll-x chart-scroll" tabindex="0" role="region" aria-label="Speed against concurrent users">
            <svg viewBox=format!("0 0 {W} {H}") role="img" aria-label=summary.clone()>
                <line class="axis" x1=L y1=H - B x2=W - R y2=H - B/>
                <line class="axis" x1=L y1=T x2=L y2=H - B/>
                <line class="axis" x1=W - R y1=T x2=W - R y2=H - B/>
                {ticks
                    .into_iter()
                    .map(|t| view! {
                        <text class="tick" x=x(t) y=H - B + 14.0 text-anchor="middle">{words::si(t as f64)}</text>
                    })
                    .collect_view()}
                <text class="tick" x=(L + W - R) / 2.0 y=H - 6.0 text-anchor="middle">"Concurrent users (log scale)"</text>
                <text class="tick tpot" x=L - 6.0 y=T + 4.0 text-anchor="end">{words::duration(tpot_max)}</text>
                <text class="tick tps" x=W - R + 6.0 y=T + 4.0>{format!("{} t/s", words::si(tps_max))}</text>
                {target.map(|t| view! {
                    <line class="target" x1=L y1=y_tpot(t) x2=W - R y2=y_tpot(t)/>
                    <text class="tick target" x=L + 4.0 y=y_tpot(t) - 4.0>{format!("target {}", words::duration(t))}</text>
                })}
                {compute_from.map(|u| view! {
                    <line class="bound" x1=x(u) y1=T x2=x(u) y2=H - B/>
                    <text class="tick bound" x=x(u) + 4.0 y=T + 12.0>"compute-bound"</text>
                })}
                <line class="bound capacity" x1=x(last) y1=T x2=x(last) y2=H - B/>
                // Left of its line, or right of it when the line is near the left axis.
                <text class="tick capacity" x=if x(last) < L + 120.0 { x(last) + 4.0 } else { x(last) - 4.0 } y=H - B - 6.0
                    text-anchor=if x(last) < L + 120.0 { "start" } else { "end" }>{format!("memory full: {}", words::si(last as f64))}</text>
                {(users > 0).then(|| view! {
                    <circle class="you" cx=x(users) cy=H - B r=5/>
                })}
                <polyline class="tpot" points=tpot_line/>
                <polyline class="tps" points=tps_line/>
            </svg>
            </div>
            <figcaption>
                <span class="key tpot">"— time per output token (left)"</span>
                <span class="key tps">"— tokens/s, all users (right)"</span>
                {(users > 0).then(|| view! { <span class="key you">{format!("● {} asked for", if users == 1 { "1 user".to_string() } else { format!("{users} users") })}</span> })}
                <span class="sr-only" data-testid=format!("{prefix}speed-chart-summary")>{summary}</span>
            </figcaption>
        </figure>
    }
}
