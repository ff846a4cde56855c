//! The transformer page's answers beside the memory: what fits in a given GPU
//! (the reverse questions) and the parameter count.

use leptos::prelude::*;
use sizing::ByteUnits;
use sizing::mode::Mode;
use sizing::report::{ReverseAnswers, words};
use sizing::transformer::ModelKind;
use sizing::transformer::memory::Reverse;
use sizing::transformer::size as rules;
use sizing::units::{format_bytes, format_bytes_exact, format_share, group_digits};

use super::Form;
use super::curves::CurveChart;
use crate::state::Sizing;
use crate::text;
use crate::widgets::TextField;

#[component]
pub fn ReverseCard(form: Form, units: Signal<ByteUnits>) -> impl IntoView {
    let answer = move |r: Option<Reverse>, memory, what, counts, testid, context: String| {
        r.map(|r| {
            let value = r.value().to_string();
            view! {
                <div>
                    <p data-testid=testid data-value=value>{move || words::reverse(&r, memory, what, counts, units.get())}</p>
                    <p class="hint">{context}</p>
                </div>
            }
        })
    };
    // Only the answers, not the whole report.
    let report = form.sizing.report;
    let answers: Memo<Option<ReverseAnswers>> =
        Memo::new(move |_| report.with(|r| r.as_ref().ok().and_then(|r| r.reverse.clone())));
    let serving = Memo::new(move |_| report.with(|r| r.as_ref().is_ok_and(|r| r.curves.is_some())));
    // The curves, with the memory asked about and the user's GPUs drawn across.
    let charts_open = RwSignal::new(false);
    let drawn = Memo::new(move |_| {
        if !charts_open.get() {
            return None;
        }
        report.with(|r| {
            let r = r.as_ref().ok()?;
            let c = r.curves.clone()?;
            let mut lines: Vec<(String, u64)> = r
                .reverse
                .iter()
                .map(|a| ("Memory per GPU above".to_string(), a.memory))
                .collect();
            lines.extend(r.fleet.iter().map(|f| {
                (
                    format!("Your {}", f.gpu_name.trim_start_matches("NVIDIA ")),
                    f.capacity,
                )
            }));
            let (sequences, context) = match &r.scenario.workload {
                sizing::scenario::Workload::Transformer(t) => (t.sequences, t.context),
                _ => (0, 0),
            };
            Some((c, lines, sequences, context))
        })
    });
    view! {
        <div class="card reverse" class:cv=crate::widgets::settled() data-testid="tf-reverse">
            <h2>"What fits in a given GPU"</h2>
            <TextField id="tf-memory" label="Memory per GPU" unit="GiB" inputmode="decimal" field=text!(form, rules::MEMORY_GIB, memory_gib) hint="e.g. 80 for an H100 80GB, 19.62 for an H100 2g.20gb MIG slice. The answers use all of it: the Fits' safety margin is not taken off."/>
            {move || {
                answers.get().map(|a| {
                    // The workload the answers were sized for, as the report has it.
                    let (seqs, ctx, engine, training) = report.with(|r| match r.as_ref().map(|r| &r.scenario.workload) {
                        Ok(sizing::scenario::Workload::Transformer(t)) if t.mode == Mode::Training => {
                            (t.micro_batch, t.context, t.engine, true)
                        }
                        Ok(sizing::scenario::Workload::Transformer(t)) => (t.sequences, t.context, t.engine, false),
                        _ => (1, 0, Default::default(), false),
                    });
                    let with_seqs = if training {
                        format!("at micro-batch {}", group_digits(seqs))
                    } else {
                        format!(
                            "with {} concurrent sequence{}",
                            group_digits(seqs),
                            if seqs == 1 { "" } else { "s" }
                        )
                    };
                    let (length, count) = ReverseAnswers::words(training);
                    let each = if training {
                        format!("of {} tokens each", group_digits(ctx))
                    } else {
                        format!("at {} tokens each", group_digits(ctx))
                    };
                    view! {
                        {answer(a.max_context, a.memory, length, ReverseAnswers::TOKENS, "tf-max-context", with_seqs)}
                        {answer(Some(a.max_sequences), a.memory, count, ReverseAnswers::SEQUENCES, "tf-max-sequences", each)}
                        {a.kv_tokens.map(|n| {
                            let as_reported = match engine {
                                sizing::transformer::ServingEngine::Generic => "as an engine with this memory fraction would allocate it, with the rest of the workload as set".to_string(),
                                e => format!("as {} reports it at start-up, with the rest of the workload as set", e.label()),
                            };
                            view! {
                                <div>
                                    <p data-testid="tf-kv-tokens" data-value=n.to_string()>
                                        {format!("KV cache the engine allocates: {} tokens", group_digits(n))}
                                    </p>
                                    <p class="hint">{as_reported}</p>
                                </div>
                            }
                        })}
                    }
                })
            }}
            // Drawn only while open: a keystroke does not redraw two charts nobody looks at.
            // (Serving only: training has no curves.)
            <details class="curves" data-testid="tf-curves" class:hidden=move || !serving.get()>
                <summary on:click=move |_| charts_open.update(|o| *o = !*o)>
                    "Memory against context and against concurrent users, with your GPUs drawn across"
                </summary>
                <Show when=move || charts_open.get()>
                    {move || {
                        let u = units.get();
                        drawn.get().map(|(c, lines, sequences, context)| {
                            view! {
                                {(!c.context.is_empty()).then(|| view! {
                                    <CurveChart testid="tf-curve-context" x_label="Context per sequence (tokens)" points=c.context.clone() asked=context lines=lines.clone() token_axis=true units=u/>
                                })}
                                <CurveChart testid="tf-curve-sequences" x_label="Concurrent sequences" points=c.sequences lines=lines asked=sequences token_axis=false units=u/>
                            }
                        })
                    }}
                </Show>
            </details>
        </div>
    }
}

/// The parameter table, when there is an estimate.
#[component]
pub fn ParamTable(sizing: Sizing, units: Signal<ByteUnits>) -> impl IntoView {
    let table = Memo::new(move |_| {
        sizing.report.with(|r| {
            let r = r.as_ref().ok()?;
            Some((
                r.parameters.clone()?,
                r.transformer.clone()?,
                r.model.trainable,
            ))
        })
    });
    move || {
        table
            .get()
            .map(|(p, facts, trainable)| params(p, facts, trainable, units))
    }
}

fn params(
    p: sizing::transformer::ParamCount,
    facts: sizing::report::TransformerFacts,
    trainable: u64,
    units: Signal<ByteUnits>,
) -> impl IntoView {
    let a = facts.arch;
    let mut rows: Vec<(&str, &str, u64)> = vec![
        ("Token embedding", "embedding", p.token_embedding),
        (
            match a.kind {
                ModelKind::Vision => "Patch projection, class token, positions",
                _ => "Position and token-type embeddings, embedding norm",
            },
            "other_embeddings",
            p.other_embeddings,
        ),
        ("Attention (all layers)", "attention", p.attention()),
        (
            if a.moe.is_some() {
                "FFN and experts (all layers)"
            } else {
                "FFN (all layers)"
            },
            "ffn",
            p.ffn(),
        ),
        ("Norms and biases", "norms", p.norms_and_biases()),
        ("Output head (untied)", "head", p.output_head),
        ("Pooler / classifier", "task_head", p.task_head),
    ];
    rows.retain(|r| r.2 > 0);
    let total = p.total;
    let active = p.active;
    let kv = facts.kv_bytes_per_token;
    view! {
        <div class="card params" class:cv=crate::widgets::settled() data-testid="tf-params">
            <h2>"Parameters"</h2>
            <div class="scroll-x" tabindex="0" role="region" aria-label="Parameters">
                <table>
                    <tbody>
                        {rows
                            .into_iter()
                            .map(|(label, id, n)| view! {
                                <tr>
                                    <td>{label}</td>
                                    <td class="num" data-testid=format!("tf-params-{id}")>{group_digits(n)}</td>
                                    <td class="num">{format_share(n, total)}</td>
                                </tr>
                            })
                            .collect_view()}
                    </tbody>
                    <tfoot>
                        <tr>
                            <td>"Total"</td>
                            <td class="num" data-testid="tf-params-total">{group_digits(total)}</td>
                            <td class="num">"100 %"</td>
                        </tr>
                    </tfoot>
                </table>
            </div>
            <dl class="facts">
                {(active != total).then(|| view! {
                    <dt>"Active per token"</dt>
                    <dd data-testid="tf-params-active">{group_digits(active)}" ("{format_share(active, total)}")"</dd>
                })}
                {(trainable > 0 && trainable != total).then(|| view! {
                    <dt>"Trainable (adapters)"</dt>
                    <dd data-testid="tf-params-trainable">{group_digits(trainable)}" ("{format_share(trainable, total)}")"</dd>
                })}
                <dt>"Attention"</dt>
                <dd>{a.attention_label()}</dd>
                {(kv > 0).then(|| view! {
                    <dt>"KV cache per token"</dt>
                    <dd data-testid="tf-kv-per-token" data-bytes=kv.to_string()>{move || format!("{} ({})", format_bytes(kv, units.get()), format_bytes_exact(kv))}</dd>
                })}
            </dl>
            <p class="hint">
                "Counted as Hugging Face's num_parameters() counts them: every weight and bias, embeddings once when tied, the untied output head included."
            </p>
        </div>
    }
}
