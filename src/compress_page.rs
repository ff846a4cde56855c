//! The compression page: a model from the Transformers or CNNs page, a recipe
//! (pruning, 2:4, quantization, storage), and what it does — each memory term and
//! each weight matrix before and after, the options that now fit, the iterative
//! schedule, each format's break-even — and the kernel lab that measures it.

use leptos::prelude::*;
use sizing::compress::apply::CompressionReport;
use sizing::compress::{Block, INDEX_BITS, Pruning, RATE, SPARSITY, Storage, Targets};
use sizing::precision::Precision;
use sizing::scenario::link::CompressOn;
use sizing::units::format_bytes;

use crate::bind::Bind;
use crate::lab::KernelLab;
use crate::state::{InputsStoreFields, Shared};
use crate::widgets::{BytesCell, Check, Choice, Segmented, TextField, options};
use crate::{choice, flag, text};

fn quantize_options() -> Vec<(&'static str, String)> {
    std::iter::once(("keep", "Keep the model's format".to_string()))
        .chain(
            Precision::ALL
                .into_iter()
                .filter(|p| !matches!(p, Precision::Fp64 | Precision::Tf32))
                .map(|p| (p.id(), p.name().to_string())),
        )
        .collect()
}

#[component]
pub fn CompressPage() -> impl IntoView {
    let shared = Shared::expect();
    // The recipe's sections are in the first part of the report; the list of
    // problems is the whole report's (it names the speed question's too).
    let sizing = shared.compress.first;
    let form = Bind::new(shared.inputs.compress(), sizing);
    let on = shared.inputs.compress_on();
    let units = shared.units();
    let is_cnn = move || on.get() == CompressOn::Cnn;
    let pruning = move || form.with(|f| f.pruning);
    let model_name = move |which: CompressOn| {
        let s = match which {
            CompressOn::Transformer => shared.tf.first,
            CompressOn::Cnn => shared.cnn.first,
        };
        s.report
            .with(|r| r.as_ref().map(|r| r.model.name.clone()).unwrap_or_default())
    };
    let on_field = (
        Signal::derive(move || match on.get() {
            CompressOn::Transformer => "transformer".to_string(),
            CompressOn::Cnn => "cnn".to_string(),
        }),
        Callback::new(move |v: String| {
            on.set(if v == "cnn" {
                CompressOn::Cnn
            } else {
                CompressOn::Transformer
            });
            // Targets that belong to the other kind of model go back to every matrix.
            form.update(|f| {
                let ok = if v == "cnn" {
                    f.targets.for_cnn()
                } else {
                    f.targets.for_transformer()
                };
                if !ok {
                    f.targets = Targets::All;
                }
            });
        }),
    );
    let quantize = (
        Signal::derive(move || form.with(|f| f.quantize.map_or("keep", Precision::id).to_string())),
        Callback::new(move |v: String| form.update(|f| f.quantize = Precision::from_id(&v))),
    );
    let target_options = Signal::derive(move || {
        Targets::ALL
            .into_iter()
            .filter(|t| {
                if is_cnn() {
                    t.for_cnn()
                } else {
                    t.for_transformer()
                }
            })
            .map(|t| (t.id().to_string(), t.label().to_string()))
            .collect::<Vec<_>>()
    });
    let report = Memo::new(move |_| {
        sizing
            .report
            .with(|r| r.as_ref().ok().and_then(|r| r.compression.clone()))
    });
    let errors = shared.compress.whole.errors;
    view! {
        <p class="lead">
            "What pruning, 2:4 structured sparsity and quantization do to a model's weights: "
            "memory term by term, every weight matrix in the format it is stored in, the GPUs it now fits, "
            "and how fast the sparse kernels run in this browser."
        </p>
        <div class="card">
            <h2>"Model"</h2>
            <Segmented
                legend="Compress the model of"
                name="compress-on"
                options=vec![("transformer", "the Transformers page"), ("cnn", "the CNNs page")]
                field=on_field
            />
            <p class="hint" data-testid="compress-model">
                {move || {
                    let name = model_name(on.get());
                    format!("{name} — its workload, deployment and speed question are those of its page.")
                }}
            </p>
        </div>
        // On paper the recipe is the printed link's; its controls do not print.
        <div class="card print-hide">
            <h2>"Recipe"</h2>
            <div class="fit-controls">
                <Choice id="compress-pruning" label="Pruning" options=options(&Pruning::ALL, Pruning::id, Pruning::label) field=choice!(form, pruning, Pruning)/>
                <Show when=move || matches!(pruning(), Pruning::Unstructured | Pruning::Block)>
                    <TextField id="compress-sparsity" label="Sparsity" unit="%" field=text!(form, SPARSITY, sparsity) hint="Share of the chosen weights (block pruning: blocks) set to zero."/>
                    <TextField id="compress-rate" label="Pruned per iteration" unit="%" field=text!(form, RATE, rate) hint="Iterative pruning removes this share of the remaining weights per step; 20 % is common."/>
                </Show>
                <Show when=move || pruning() == Pruning::Block>
                    <Choice id="compress-block" label="Block" options=options(&Block::ALL, Block::id, Block::label) field=choice!(form, block, Block)/>
                </Show>
                <Choice id="compress-targets" label="Apply to" options=target_options field=choice!(form, targets, Targets)/>
                <Choice id="compress-storage" label="Stored as" options=options(&Storage::ALL, Storage::id, Storage::label) field=choice!(form, storage, Storage)/>
                <TextField id="compress-index-bits" label="Index width" unit="bits" field=text!(form, INDEX_BITS, index_bits) hint="Column index (CSR, blocked CSR) or gap (relative index). 16 or 32 bits are usual; Deep Compression stored gaps in 8 bits for convolutions and 5 for fully connected layers."/>
                <Choice id="compress-quantize" label="Quantize the chosen weights to" options=quantize_options() field=quantize/>
            </div>
            <div class="fit-checks">
                <Check testid="compress-activations" label="Quantize activations too (the math runs in that format)" field=flag!(form, activations)/>
                <Check testid="compress-keep-edges" label="Keep the first and last layer as they are" field=flag!(form, keep_first_last)/>
            </div>
            <ul class="errors" data-testid="compress-errors">
                {move || {
                    errors
                        .get()
                        .into_iter()
                        .filter(|e| !e.path.starts_with("compression.sparsity") && !e.path.starts_with("compression.rate") && !e.path.starts_with("compression.index"))
                        .map(|e| view! { <li role="alert">{e.message}</li> })
                        .collect_view()
                }}
            </ul>
        </div>
        <Results report=report units=units/>
        <SpeedCompare/>
        <KernelLab/>
    }
}

/// The speed the speed card details for the model as its page gives it, and
/// for the compressed model: the option each names, and its headline times.
#[component]
fn SpeedCompare() -> impl IntoView {
    use sizing::report::words::{duration, sig};
    let shared = Shared::expect();
    let on = shared.inputs.compress_on();
    let compressed = shared.compress.whole.report;
    let rows = move || {
        let before = match on.get() {
            CompressOn::Transformer => shared.tf.whole.report,
            CompressOn::Cnn => shared.cnn.whole.report,
        };
        before.with(|b| {
            compressed.with(|a| {
                let (b, a) = (b.as_ref().ok()?, a.as_ref().ok()?);
                let applies = a.compression.as_ref().is_some_and(|c| c.applies);
                let row = |r: &sizing::report::Report| {
                    r.detailed_speed()
                        .map(|(label, s)| (label.to_string(), s.clone()))
                };
                // The compressed model on the option detailed for the model as
                // given, when its own speed card details another.
                let same = b
                    .detailed_key()
                    .filter(|k| a.detailed_key() != Some(*k))
                    .and_then(|k| a.speed_on(k))
                    .map(|(label, s)| (label, s.clone()));
                Some((applies, row(b), same, row(a)))
            })
        })
    };
    move || {
        let Some((applies, before, same, after)) = rows() else {
            return ().into_any();
        };
        let body = if !applies {
            view! { <p class="hint" data-testid="compress-speed-none">"In training the recipe changes nothing here: compression applies to the model as it is served."</p> }.into_any()
        } else if let (Some(before), Some(after)) = (before, after) {
            // Columns: the model as given, the compressed model on the same
            // option (when its card details another), the compressed model on
            // the option its card details.
            let mut columns = vec![("The model as given", "before", before)];
            if let Some(same) = same {
                columns.push(("Compressed, same option", "same", same));
            }
            columns.push(("Compressed", "after", after));
            let generates = columns.iter().all(|(_, _, (_, s))| s.ttft_s.is_some());
            type Cell = fn(&sizing::speed::row::OptionSpeed) -> String;
            let lines: Vec<(&'static str, Cell)> = if generates {
                vec![
                    ("Time to first token", |s| {
                        duration(s.ttft_s.unwrap_or(f64::NAN))
                    }),
                    ("Time per output token", |s| duration(s.step_s)),
                    ("Throughput, tokens/s", |s| sig(s.throughput)),
                ]
            } else {
                vec![
                    ("Time per batch", |s| duration(s.step_s)),
                    ("Throughput, per second", |s| sig(s.throughput)),
                ]
            };
            let head = columns
                .iter()
                .map(|(title, _, _)| view! { <th scope="col">{*title}</th> })
                .collect_view();
            let on = columns
                .iter()
                .map(|(_, id, (label, _))| {
                    view! { <td data-testid=format!("compress-speed-{id}-on")>{label.clone()}</td> }
                })
                .collect_view();
            let body = lines
                .into_iter()
                .map(|(what, cell)| {
                    let cells = columns
                        .iter()
                        .map(|(_, _, (_, s))| view! { <td class="num">{cell(s)}</td> })
                        .collect_view();
                    view! { <tr><th scope="row">{what}</th>{cells}</tr> }
                })
                .collect_view();
            view! {
                <div class="table-scroll" tabindex="0" role="region" aria-label="Speed before and after">
                    <table data-testid="compress-speed">
                        <thead><tr><th scope="col">"Figure"</th>{head}</tr></thead>
                        <tbody>
                            <tr><th scope="row">"On"</th>{on}</tr>
                            {body}
                        </tbody>
                    </table>
                </div>
            }
            .into_any()
        } else {
            view! { <p class="hint" data-testid="compress-speed-none">"No option to time: the speed card of the model's page says why."</p> }.into_any()
        };
        view! {
            <div class="card" data-testid="compress-speed-card">
                <h2>"Speed"</h2>
                <p class="hint">
                    "\"The model as given\" and \"Compressed\" are the options the speed card details for each model: the GPU named in its page's speed section, else the one it recommends, "
                    "which for the compressed model may be a smaller one; then \"Compressed, same option\" times the compressed model on the first column's option. "
                    "The compressed figures are the command line's for a scenario with this recipe."
                </p>
                {body}
            </div>
        }
        .into_any()
    }
}

#[component]
fn Results(
    report: Memo<Option<CompressionReport>>,
    units: Signal<sizing::ByteUnits>,
) -> impl IntoView {
    move || {
        let Some(c) = report.get() else {
            return view! { <p class="hint" data-testid="compress-none">"Correct the fields above to see what the recipe does."</p> }.into_any();
        };
        let u = units.get();
        let b = move |v: u64| format_bytes(v, u);
        let change = if c.weights_after < c.weights_before {
            format!("{:.2}× smaller", c.ratio())
        } else if c.weights_after > c.weights_before {
            let larger = c.weights_after as f64 / c.weights_before.max(1) as f64;
            if c.wider_values {
                format!(
                    "{larger:.2}× larger: {} values are wider than {}",
                    c.value_format, c.base_format
                )
            } else {
                format!("{larger:.2}× larger: the format's indices cost more than the zeros save")
            }
        } else {
            "unchanged".to_string()
        };
        let file = c.file_bytes.map_or_else(String::new, |f| {
            format!(
                "; as a file, Relative index + Huffman, {} ({:.2}× smaller), decoded to that on the GPU",
                b(f),
                c.file_ratio()
            )
        });
        let weights = format!(
            "{} → {} ({change}{file})",
            b(c.weights_before),
            b(c.weights_after)
        );
        let summary = if c.applies {
            format!(
                "Weights {weights}; memory per GPU {} → {}.",
                b(c.total_before),
                b(c.total_after)
            )
        } else {
            format!(
                "Training keeps the dense model: memory per GPU stays {}. Stored this way for inference, the weights would be {weights}.",
                b(c.total_before)
            )
        };
        let terms = c.terms.clone();
        let matrices = c.matrices.clone();
        let schedule = c.schedule.clone();
        let break_even = c.break_even.clone();
        let newly = c.newly_fit.clone();
        let notes = c.notes.clone();
        view! {
            <div class="card" data-testid="compress-result">
                <h2>"What it saves"</h2>
                <p class="total" data-testid="compress-summary">{summary}</p>
                <p class="formula" data-testid="compress-formula">{c.weights_formula.clone()}</p>
                <div class="table-scroll" tabindex="0" role="region" aria-label="Memory term by term">
                    <table data-testid="compress-terms">
                        <caption>"Memory per GPU, term by term"</caption>
                        <thead><tr><th scope="col">"Term"</th><th scope="col" class="num">"Before"</th><th scope="col" class="num">"After"</th><th scope="col" class="num">"Change"</th></tr></thead>
                        <tbody>
                            {terms.into_iter().map(|t| {
                                let change = if t.after == t.before { "unchanged".to_string() } else if t.after < t.before { format!("−{}", format_bytes(t.before - t.after, u)) } else { format!("+{}", format_bytes(t.after - t.before, u)) };
                                view! {
                                    <tr data-testid=format!("compress-term-{}", t.id)>
                                        <th scope="row">{t.label.clone()}</th>
                                        <BytesCell testid=format!("compress-term-{}-before", t.id) bytes=Some(t.before) units=units/>
                                        <BytesCell testid=format!("compress-term-{}-after", t.id) bytes=Some(t.after) units=units/>
                                        <td class="num">{change}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            </div>
            <div class="card">
                <h2>"Now fits"</h2>
                {if newly.is_empty() {
                    view! { <p class="hint" data-testid="compress-newly-fit">"No option holds the compressed model that did not hold the original (with the page's filters and margin)."</p> }.into_any()
                } else {
                    let n = newly.len();
                    view! {
                        <p data-testid="compress-newly-fit">{format!("{n} option{} hold the compressed model and not the original:", if n == 1 { "" } else { "s" })}</p>
                        <ul class="compact">{newly.into_iter().take(20).map(|o| view! { <li>{o}</li> }).collect_view()}</ul>
                        {(n > 20).then(|| view! { <p class="hint">{format!("… and {} more.", n - 20)}</p> })}
                    }.into_any()
                }}
            </div>
            <div class="card">
                <h2>"Each weight matrix"</h2>
                <div class="table-scroll" tabindex="0" role="region" aria-label="Each weight matrix">
                    <table data-testid="compress-matrices">
                        <caption>"Rows × columns is outputs × inputs; 2:4 groups run along a row."</caption>
                        <thead><tr>
                            <th scope="col">"Matrix"</th><th scope="col" class="num">"Shape"</th><th scope="col" class="num">"Count"</th>
                            <th scope="col">"Stored as"</th><th scope="col">"Values"</th><th scope="col" class="num">"Kept"</th>
                            <th scope="col" class="num">"Before"</th><th scope="col" class="num">"After"</th>
                        </tr></thead>
                        <tbody>
                            {matrices.into_iter().enumerate().map(|(i, m)| {
                                let kept = if m.params == 0 { 0.0 } else { 100.0 * m.kept as f64 / m.params as f64 };
                                view! {
                                    <tr data-testid=format!("compress-matrix-{i}")>
                                        <th scope="row">{m.name.clone()}</th>
                                        <td class="num">{m.shape()}</td>
                                        <td class="num">{sizing::units::group_digits(m.count)}</td>
                                        <td>{m.format.clone()}</td>
                                        <td>{m.value_format.clone()}</td>
                                        <td class="num">{format!("{kept:.1} %")}</td>
                                        <BytesCell testid=format!("compress-matrix-{i}-before") bytes=Some(m.before) units=units/>
                                        <BytesCell testid=format!("compress-matrix-{i}-after") bytes=Some(m.after) units=units/>
                                    </tr>
                                    <tr class="formula-row"><td colspan="8" class="formula">{m.formula.clone()}</td></tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            </div>
            <div class="card">
                <h2>"When a sparse format pays"</h2>
                <div class="scroll-x" tabindex="0" role="region" aria-label="Break-even sparsity">
                    <table data-testid="compress-break-even">
                        <thead><tr><th scope="col">"Format"</th><th scope="col" class="num">"Smaller than dense above"</th><th scope="col">"Why"</th></tr></thead>
                        <tbody>
                            {break_even.into_iter().map(|e| view! {
                                <tr>
                                    <th scope="row">{e.format.clone()}</th>
                                    <td class="num">{e.sparsity.map_or_else(|| "—".to_string(), |s| format!("{:.1} %", s * 100.0))}</td>
                                    <td>{e.formula.clone()}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
                {schedule.map(|s| view! {
                    <h3>"Iterative pruning"</h3>
                    <p class="formula" data-testid="compress-schedule">{s.formula.clone()}</p>
                    <ol class="compact schedule">
                        {s.kept.iter().map(|k| view! { <li>{format!("{:.1} % kept", k * 100.0)}</li> }).collect_view()}
                    </ol>
                })}
                <h3>"Arithmetic"</h3>
                <p data-testid="compress-math">{c.math.note.clone()}</p>
            </div>
            <div class="card" data-testid="compress-why">
                <h2>"Why sparse is not automatically faster"</h2>
                {notes.into_iter().map(|n| view! { <p>{n}</p> }).collect_view()}
            </div>
        }
        .into_any()
    }
}
