//! The kernel lab: `crates/sparse`'s kernels timed in this browser on one of the
//! model's weight matrices, in a Web Worker fetched only when a run starts. One
//! request goes out at a time; progress is answers over requests, and Cancel
//! terminates the worker. The page keeps answering input while it runs.

use lab::{Format, Measurement, Request};
use leptos::prelude::set_timeout;
use leptos::prelude::*;
use sizing::input::parse_decimal;
use sizing::units::format_bytes;

use crate::browser::download::{DownloadOptions, download_with_options};
use crate::browser::worker::{TextWorker, spawn_worker};
use crate::state::Shared;

/// The worker's loader script, next to index.html (Trunk writes it).
const WORKER_URL: &str = "./lab-worker_loader.js";

/// One answered request.
#[derive(Clone, Debug, PartialEq)]
struct Row {
    req: Request,
    result: Result<Measurement, String>,
}

/// The sparsities typed ("0, 50, 90"), as fractions; a message for the first bad one.
fn sparsities(text: &str) -> Result<Vec<f64>, String> {
    let mut out = Vec::new();
    // "50 %", as the page writes it, and "50%" both read as 50.
    for part in text
        .split([',', ';', ' ', '%'])
        .filter(|p| !p.trim().is_empty())
    {
        let v = parse_decimal(part.trim(), 0.0, 99.0).map_err(|_| {
            format!(
                "\"{}\": each sparsity is a number from 0 to 99 (%).",
                sizing::input::clip(part.trim(), 40)
            )
        })?;
        out.push(v / 100.0);
    }
    if out.is_empty() {
        return Err("Enter at least one sparsity, e.g. 90 or 0, 50, 90.".into());
    }
    if out.len() > 12 {
        return Err("At most 12 sparsities per run.".into());
    }
    out.sort_by(f64::total_cmp);
    out.dedup();
    Ok(out)
}

/// The measurement of `format` in a run, if it succeeded.
fn measured(rows: &[Row], format: Format) -> Option<&Measurement> {
    rows.iter()
        .find(|r| r.req.format == format)
        .and_then(|r| r.result.as_ref().ok())
}

/// The arithmetic peak of a run: the higher of its two measurements (first
/// and last), so that a busy moment at one of them does not lower it.
fn peak(rows: &[Row]) -> Option<&Measurement> {
    rows.iter()
        .filter(|r| r.req.format == Format::Peak)
        .filter_map(|r| r.result.as_ref().ok())
        .max_by(|a, b| a.gflops.total_cmp(&b.gflops))
}

/// A kernel's name in the table: 2:4 names its layout when it is the one
/// sorted by pattern (more than one token).
fn kernel_label(req: &Request) -> &'static str {
    match req.format {
        Format::TwoFour if req.n > 1 => "2:4, rows sorted by pattern",
        f => f.label(),
    }
}

/// A sparsity as a percentage, without binary noise (29, not 28.999999999999996).
fn percent(fraction: f64) -> String {
    format!("{}", (fraction * 100.0 * 1e6).round() / 1e6)
}

fn dense_ms(rows: &[Row]) -> Option<f64> {
    measured(rows, Format::Dense).map(|m| m.ms)
}

fn csv(rows: &[Row]) -> String {
    let mut out = String::from(
        "format,sparsity_percent,rows,cols,tokens,kernels,ms,gflops,bytes,speedup_vs_dense\n",
    );
    let dense = dense_ms(rows);
    for r in rows {
        if let Ok(m) = &r.result {
            let speedup = dense
                .filter(|_| r.req.format != Format::Peak)
                .map_or(String::new(), |d| format!("{:.3}", d / m.ms));
            out.push_str(&format!(
                "{},{},{},{},{},{},{:.4},{:.3},{},{}\n",
                r.req.format.label(),
                percent(r.req.sparsity),
                r.req.rows,
                r.req.cols,
                r.req.n,
                if m.simd { "simd128" } else { "scalar" },
                m.ms,
                m.gflops,
                m.bytes,
                speedup
            ));
        }
    }
    out
}

fn json(rows: &[Row]) -> String {
    let pairs: Vec<_> = rows
        .iter()
        .map(|r| (r.req.clone(), r.result.clone()))
        .collect();
    lab::results_json(&pairs)
}

/// Speed-up over dense against sparsity, one line per format, the crossover of CSR marked.
#[component]
fn Chart(rows: Vec<Row>) -> impl IntoView {
    let Some(dense) = dense_ms(&rows) else {
        return ().into_any();
    };
    let points = |f: Format| -> Vec<(f64, f64)> {
        rows.iter()
            .filter(|r| r.req.format == f)
            .filter_map(|r| {
                r.result
                    .as_ref()
                    .ok()
                    .map(|m| (r.req.sparsity, dense / m.ms))
            })
            .collect()
    };
    let series = [
        (Format::Csr, "CSR", "line-csr"),
        (Format::Bsr4x1, "Blocked CSR 4×1", "line-bsr"),
        (Format::TwoFour, "2:4", "line-two-four"),
    ];
    // A log scale: speed-ups from below 1× to tens of × on one chart.
    let values: Vec<f64> = series
        .iter()
        .flat_map(|(f, _, _)| points(*f))
        .map(|p| p.1)
        .filter(|v| v.is_finite() && *v > 0.0)
        .collect();
    let lo = values
        .iter()
        .copied()
        .fold(0.5f64, f64::min)
        .max(1e-3)
        .log2()
        .floor();
    let hi = values
        .iter()
        .copied()
        .fold(2.0f64, f64::max)
        .min(1e6)
        .log2()
        .ceil();
    let (w, h, left, bottom, right, topm) = (640.0, 300.0, 48.0, 36.0, 16.0, 12.0);
    let x = move |s: f64| left + s / 0.99 * (w - left - right);
    let y = move |v: f64| {
        let t = (v.max(1e-3).log2() - lo) / (hi - lo).max(1.0);
        h - bottom - t * (h - bottom - topm)
    };
    let crossover = {
        let p = points(Format::Csr);
        p.windows(2)
            .find(|w| w[0].1 < 1.0 && w[1].1 >= 1.0)
            .map(|w| {
                let t = (1.0 - w[0].1) / (w[1].1 - w[0].1);
                w[0].0 + t * (w[1].0 - w[0].0)
            })
    };
    let summary = series
        .iter()
        .filter_map(|(f, name, _)| {
            let p = points(*f);
            (!p.is_empty()).then(|| {
                format!(
                    "{name}: {}",
                    p.iter()
                        .map(|(s, v)| format!("{:.0} % → {v:.2}×", s * 100.0))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            })
        })
        .collect::<Vec<_>>()
        .join("; ");
    let ticks_y: Vec<f64> = (lo as i32..=hi as i32).map(|e| 2f64.powi(e)).collect();
    view! {
        <figure class="lab-chart">
            <svg data-testid="lab-chart" viewBox=format!("0 0 {w} {h}") role="img" aria-label=format!("Speed-up over dense by sparsity. {summary}")>
                {ticks_y.into_iter().map(|v| view! {
                    <line class="grid" x1=left.to_string() x2=(w - right).to_string() y1=y(v).to_string() y2=y(v).to_string()/>
                    <text class="axis" x=(left - 6.0).to_string() y=(y(v) + 4.0).to_string() text-anchor="end">{if v < 1.0 { format!("{v:.2}×") } else { format!("{v:.0}×") }}</text>
                }).collect_view()}
                {[0.0, 0.25, 0.5, 0.75, 0.95].into_iter().map(|s| view! {
                    <text class="axis" x=x(s).to_string() y=(h - 14.0).to_string() text-anchor="middle">{format!("{:.0} %", s * 100.0)}</text>
                }).collect_view()}
                <line class="dense-line" x1=left.to_string() x2=(w - right).to_string() y1=y(1.0).to_string() y2=y(1.0).to_string()/>
                <text class="axis" x=(w - right).to_string() y=(y(1.0) - 4.0).to_string() text-anchor="end">"dense"</text>
                {crossover.map(|c| view! {
                    <line class="crossover" x1=x(c).to_string() x2=x(c).to_string() y1=topm.to_string() y2=(h - bottom).to_string()/>
                    <text class="axis" x=(x(c) + 4.0).to_string() y=(topm + 12.0).to_string()>{format!("CSR beats dense from {:.0} %", c * 100.0)}</text>
                })}
                {series.into_iter().map(|(f, _, class)| {
                    let p = points(f);
                    let path = p.iter().map(|(s, v)| format!("{:.1},{:.1}", x(*s), y(*v))).collect::<Vec<_>>().join(" ");
                    view! {
                        <polyline class=format!("series {class}") points=path/>
                        {p.into_iter().map(|(s, v)| view! { <circle class=format!("dot {class}") cx=x(s).to_string() cy=y(v).to_string() r="4"/> }).collect_view()}
                    }
                }).collect_view()}
            </svg>
            <figcaption>
                <span class="key line-csr">"CSR"</span>" "
                <span class="key line-bsr">"Blocked CSR 4×1"</span>" "
                <span class="key line-two-four">"2:4"</span>
                " — speed-up over this browser's dense GEMM (log scale; above 1× is faster). "
                <span class="sr-only">{summary}</span>
            </figcaption>
        </figure>
    }
    .into_any()
}

/// One of the lab's text fields, its error shown under it as it is typed.
#[component]
fn LabField(
    id: &'static str,
    label: &'static str,
    inputmode: &'static str,
    text: RwSignal<String>,
    error: Signal<Option<String>>,
) -> impl IntoView {
    let error_id = format!("{id}-error");
    view! {
        <div class="field" class:invalid=move || error.with(Option::is_some)>
            <label for=id>{label}</label>
            <input
                id=id
                data-testid=id
                type="text"
                inputmode=inputmode
                aria-invalid=move || if error.with(Option::is_some) { "true" } else { "false" }
                aria-describedby=error_id.clone()
                prop:value=move || text.get()
                on:input:target=move |ev| text.set(ev.target().value())
            />
            <p class="error" id=error_id.clone() data-testid=error_id role="alert">{move || error.get().unwrap_or_default()}</p>
        </div>
    }
}

#[component]
pub fn KernelLab() -> impl IntoView {
    let shared = Shared::expect();
    let units = shared.units();
    let matrices = shared.compress.first.part(|r| {
        r.compression
            .as_ref()
            .map(|c| {
                c.matrices
                    .iter()
                    .map(|m| (format!("{} ({})", m.name, m.shape()), m.rows, m.cols))
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    });
    let open = RwSignal::new(false);
    let layer = RwSignal::new(String::new());
    let tokens = RwSignal::new("16".to_string());
    let sweep_text = RwSignal::new("0, 50, 70, 80, 90, 95".to_string());
    let scalar = RwSignal::new(false);
    let message = RwSignal::new(None::<String>);
    let rows = RwSignal::new(Vec::<Row>::new());
    let total = RwSignal::new(0usize);
    let running = RwSignal::new(false);
    let status = RwSignal::new(String::new());
    // Each field read as it is typed: Run takes the values, the field shows the error.
    let tokens_read = Memo::new(move |_| tokens.with(|t| sizing::input::parse_whole(t, 1, 4096)));
    let sweep_read = Memo::new(move |_| sweep_text.with(|t| sparsities(t)));
    let tokens_error = Signal::derive(move || tokens_read.with(|r| r.as_ref().err().cloned()));
    let sweep_error = Signal::derive(move || sweep_read.with(|r| r.as_ref().err().cloned()));
    // The worker and the requests still to send live on this thread only.
    let worker: StoredValue<Option<TextWorker>, LocalStorage> = StoredValue::new_local(None);
    let pending: StoredValue<Vec<Request>, LocalStorage> = StoredValue::new_local(Vec::new());
    let in_flight: StoredValue<Option<Request>, LocalStorage> = StoredValue::new_local(None);

    // The layer chosen, else the model's FFN up-projection, else its largest matrix.
    let chosen = move || -> Option<(String, u64, u64)> {
        matrices.with(|m| {
            let list = m.clone().unwrap_or_default();
            let picked = layer.with(|l| list.iter().find(|(name, _, _)| name == l).cloned());
            picked
                .or_else(|| {
                    list.iter()
                        .find(|(n, _, _)| n.starts_with("ffn_up"))
                        .cloned()
                })
                .or_else(|| {
                    list.iter()
                        .max_by_key(|(_, r, c)| r.saturating_mul(*c))
                        .cloned()
                })
        })
    };

    // Stops the run; the worker is terminated at once and dropped after the
    // current message handler has returned.
    let stop = move |why: String| {
        pending.set_value(Vec::new());
        in_flight.set_value(None);
        let w = worker.try_update_value(Option::take).flatten();
        if let Some(w) = w {
            w.terminate();
            set_timeout(move || drop(w), std::time::Duration::ZERO);
        }
        running.set(false);
        status.set(why);
    };

    let send_next = move || -> bool {
        let Some(req) = pending.try_update_value(Vec::pop).flatten() else {
            return false;
        };
        let text = lab::request_text(&req);
        in_flight.set_value(Some(req));
        worker
            .with_value(|w| w.as_ref().map(|w| w.send(&text).is_ok()))
            .unwrap_or(false)
    };

    let on_answer = move |text: String| {
        if text == lab::READY {
            status.set(format!("Measuring 1 of {}…", total.get_untracked()));
            if !send_next() {
                stop("Nothing to measure.".into());
            }
            return;
        }
        let result = lab::read_answer(&text);
        if let Some(req) = in_flight.try_update_value(Option::take).flatten() {
            rows.update(|r| r.push(Row { req, result }));
        }
        let done = rows.with_untracked(Vec::len);
        let all = total.get_untracked();
        status.set(if done < all {
            format!("Measured {done} of {all}; measuring {}…", done + 1)
        } else {
            format!("Measured {done} of {all}.")
        });
        if !send_next() {
            stop(format!("Done: {done} measurements."));
        }
    };

    let start = move || {
        let Some((_, r, c)) = chosen() else {
            message.set(Some("The model has no weight matrix to measure.".into()));
            return;
        };
        let (Ok(n), Ok(s)) = (tokens_read.get_untracked(), sweep_read.get_untracked()) else {
            message.set(None);
            status.set(if rows.with_untracked(Vec::is_empty) {
                "Not run: correct the marked field.".into()
            } else {
                "Not run: correct the marked field. The table is the previous run's.".into()
            });
            return;
        };
        let n = n as u32;
        let (Ok(r), Ok(c)) = (u32::try_from(r), u32::try_from(c)) else {
            message.set(Some(
                "This matrix is too large to measure in the browser.".into(),
            ));
            return;
        };
        let reqs = lab::sweep(r, c, n, &s, scalar.get_untracked());
        if let Some(e) = reqs.get(1).and_then(|q| lab::check(q).err()) {
            message.set(Some(format!("This matrix cannot be measured here: {e}.")));
            return;
        }
        message.set(None);
        rows.set(Vec::new());
        total.set(reqs.len());
        pending.set_value(reqs.into_iter().rev().collect());
        status.set("Starting the kernel lab…".into());
        let on_error = move |e: String| stop(format!("The kernel lab stopped: {e}."));
        match spawn_worker(WORKER_URL, on_answer, on_error) {
            Ok(w) => {
                // The first request goes out when the worker says it is ready.
                worker.set_value(Some(w));
                running.set(true);
            }
            Err(e) => message.set(Some(e)),
        }
    };
    let cancel = move || {
        let done = rows.with_untracked(Vec::len);
        stop(format!(
            "Cancelled after {done} of {} measurements.",
            total.get_untracked()
        ));
    };
    let save = move |name: &str, text: String, mime: &'static str| {
        status.set(
            match download_with_options(name, &text, DownloadOptions { mime }) {
                Ok(()) => format!("{name} downloaded."),
                Err(e) => format!("Could not download: {e}."),
            },
        );
    };

    let layer_options = move || {
        let current = chosen().map(|c| c.0).unwrap_or_default();
        matrices
            .get()
            .unwrap_or_default()
            .into_iter()
            .map(|(name, _, _)| {
                let selected = name == current;
                view! { <option value=name.clone() selected=selected>{name.clone()}</option> }
            })
            .collect_view()
    };

    view! {
        <div class="card lab print-hide" data-testid="lab">
            <h2>"Kernel lab: measure it in this browser"</h2>
            <p class="hint">
                "Times headroom's sparse kernels (WebAssembly simd128) on one of this model's weight matrices, against its dense GEMM, "
                "in a background worker that is downloaded when you start it. Large matrices are measured on their first 1,024 rows and scaled: every kernel's work is proportional to the rows. "
                "With more than one token, 2:4 runs over its weights laid out once for the kernel: in blocks of 256 rows, group of four columns by group, the rows listed by their pair of kept positions, so that the two rows of activations a pair needs are loaded once for all its rows. Its bytes are that layout's (a byte of row place per group instead of half a byte of positions, and each list's length). "
                "The reference is a loop of independent multiply-adds on values kept in registers, timed at the start and at the end of a run (the higher counts): a yardstick of this browser's arithmetic, not a ceiling, since a kernel that reuses loaded values can pass it. "
                "Values are f32 and indices u32, so the weights' bytes here are those, not the model's format."
            </p>
            <Show when=move || !open.get()>
                <button type="button" data-testid="lab-open" on:click=move |_| {
                    open.set(true);
                    // The button goes: focus moves to the lab's first control.
                    crate::browser::focus::focus_when_drawn("lab-layer");
                }>"Open the kernel lab"</button>
            </Show>
            <Show when=move || open.get()>
                <div class="fit-controls">
                    <div class="field">
                        <label for="lab-layer">"Weight matrix"</label>
                        <select id="lab-layer" data-testid="lab-layer" on:change:target=move |ev| layer.set(ev.target().value())>
                            {layer_options}
                        </select>
                    </div>
                    <LabField id="lab-tokens" label="Tokens (columns of X)" inputmode="numeric" text=tokens error=tokens_error/>
                    <LabField id="lab-sparsities" label="Sparsities (%)" inputmode="text" text=sweep_text error=sweep_error/>
                </div>
                <label class="check">
                    <input type="checkbox" data-testid="lab-scalar" prop:checked=move || scalar.get() on:change:target=move |ev| scalar.set(ev.target().checked())/>
                    "Scalar reference kernels (what SIMD buys: compare with a run without)"
                </label>
                <div class="actions">
                    <button type="button" data-testid="lab-run" disabled=move || running.get() on:click=move |_| start()>"Run"</button>
                    <button type="button" data-testid="lab-cancel" disabled=move || !running.get() on:click=move |_| cancel()>"Cancel"</button>
                    <button type="button" data-testid="lab-csv" disabled=move || rows.with(Vec::is_empty) on:click=move |_| save("headroom-kernel-lab.csv", rows.with(|r| csv(r)), "text/csv")>"Download CSV"</button>
                    <button type="button" data-testid="lab-json" disabled=move || rows.with(Vec::is_empty) on:click=move |_| save("headroom-kernel-lab.json", rows.with(|r| json(r)), "application/json")>"Download JSON"</button>
                </div>
                <p class="error" role="alert" data-testid="lab-error">{move || message.get().unwrap_or_default()}</p>
                <div class="lab-progress">
                    <progress data-testid="lab-progress" max=move || total.get().max(1).to_string() value=move || rows.with(Vec::len).to_string()></progress>
                    <span data-testid="lab-status" role="status">{move || status.get()}</span>
                </div>
                <p data-testid="lab-peak">
                    {move || rows.with(|r| {
                        let dense = measured(r, Format::Dense).map(|m| m.gflops);
                        match (peak(r), dense) {
                            (Some(p), Some(d)) => format!("This browser: {:.1} GFLOP/s in the reference loop ({}), dense GEMM {d:.1} GFLOP/s — {:.0} % of it.", p.gflops, if p.simd { "simd128" } else { "scalar" }, 100.0 * d / p.gflops),
                            (Some(p), None) => format!("This browser: {:.1} GFLOP/s in the reference loop.", p.gflops),
                            _ => String::new(),
                        }
                    })}
                </p>
                // What the results measured, which the fields above may no longer say.
                <p class="hint" data-testid="lab-measured">
                    {move || rows.with(|r| measured_what(r))}
                </p>
                {move || rows.with(|r| (dense_ms(r).is_some()).then(|| view! { <Chart rows=r.clone()/> }))}
                {move || rows.with(|r| {
                    let dense = dense_ms(r);
                    let peak = peak(r).map(|m| m.gflops);
                    let u = units.get();
                    (!r.is_empty()).then(|| view! {
                        <div class="table-scroll" tabindex="0" role="region" aria-label="Kernel timings">
                            <table data-testid="lab-table">
                                <thead><tr>
                                    <th scope="col">"Kernel"</th><th scope="col" class="num">"Sparsity"</th><th scope="col" class="num">"Time"</th>
                                    <th scope="col" class="num">"GFLOP/s"</th><th scope="col" class="num">"Of the reference"</th><th scope="col" class="num">"Weights (f32)"</th><th scope="col" class="num">"Speed-up vs dense"</th>
                                </tr></thead>
                                <tbody>
                                    {r.iter().filter(|x| x.req.format != Format::Peak).map(|x| {
                                        match &x.result {
                                            Ok(m) => view! {
                                                <tr>
                                                    <th scope="row">{kernel_label(&x.req)}</th>
                                                    <td class="num">{format!("{} %", percent(x.req.sparsity))}</td>
                                                    <td class="num">{sizing::report::words::duration(m.ms / 1000.0)}</td>
                                                    <td class="num">{format!("{:.2}", m.gflops)}</td>
                                                    <td class="num">{peak.map_or(String::new(), |p| format!("{:.0} %", 100.0 * m.gflops / p))}</td>
                                                    <td class="num">{format_bytes(m.bytes, u)}</td>
                                                    <td class="num">{dense.map_or(String::new(), |d| format!("{:.2}×", d / m.ms))}</td>
                                                </tr>
                                            }.into_any(),
                                            Err(e) => view! {
                                                <tr><th scope="row">{kernel_label(&x.req)}</th><td colspan="6">{e.clone()}</td></tr>
                                            }.into_any(),
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    })
                })}
            </Show>
        </div>
    }
}

/// What a run measured: the matrix, the tokens, the kernels, and a warning
/// where a speed-up is larger than the work the sparsity removes, which says
/// the dense baseline ran slow.
fn measured_what(rows: &[Row]) -> String {
    let Some(first) = rows.iter().find(|x| x.req.format != Format::Peak) else {
        return String::new();
    };
    let r = &first.req;
    let mut text = format!(
        "Measured on the {} × {} weight matrix, {} token{}, f32 values, {} kernels.",
        sizing::units::group_digits(u64::from(r.rows)),
        sizing::units::group_digits(u64::from(r.cols)),
        sizing::units::group_digits(u64::from(r.n)),
        if r.n == 1 { "" } else { "s" },
        if r.scalar {
            "scalar reference"
        } else {
            "simd128"
        }
    );
    if let Some(dense) = dense_ms(rows) {
        let past = rows.iter().any(|x| {
            let removed = if x.req.format == Format::TwoFour {
                0.5
            } else {
                x.req.sparsity
            };
            x.req.format != Format::Peak
                && x.req.format != Format::Dense
                && x.result
                    .as_ref()
                    .is_ok_and(|m| m.ms > 0.0 && dense / m.ms > 1.05 / (1.0 - removed).max(0.01))
        });
        if past {
            text.push_str(" A speed-up above the work the sparsity removes (at most 1 ÷ (1 − sparsity); 2× for 2:4) means the dense GEMM ran below its usual rate in this run: run again and compare.");
        }
    }
    text
}
