//! The memory total, its stacked bar and the term-by-term table.

use leptos::prelude::*;
use sizing::ByteUnits;
use sizing::cnn::Mode;
use sizing::cnn::form::CnnResult;
use sizing::units::{format_bytes, format_bytes_exact, format_share, group_digits};

use crate::widgets::StackedBar;

#[component]
pub fn Breakdown(
    result: CnnResult,
    network: &'static str,
    units: RwSignal<ByteUnits>,
) -> impl IntoView {
    let e = result.estimate;
    let w = result.workload;
    let total = e.total;
    let mode = match w.mode {
        Mode::Training => "Training",
        Mode::Inference => "Inference with",
    };
    let headline = format!(
        "{mode} {network} on {}×{}×{} images, batch {}, {}",
        result.input.height,
        result.input.width,
        result.input.channels,
        group_digits(w.batch),
        w.precision.name()
    );
    let other = move || match units.get() {
        ByteUnits::Binary => format_bytes(total, ByteUnits::Decimal),
        _ => format_bytes(total, ByteUnits::Binary),
    };
    let visible: Vec<_> = e.terms.iter().filter(|t| t.bytes > 0).cloned().collect();

    let bar: Vec<_> = visible
        .iter()
        .map(|t| (t.kind.id(), t.label.clone(), t.bytes))
        .collect();

    view! {
        <div class="card summary">
            <h2>"Memory"</h2>
            <p class="headline">{headline}</p>
            <p class="total">
                <span
                    class="total-value"
                    data-testid="total"
                    data-bytes=total.to_string()
                    title=format_bytes_exact(total)
                >
                    {move || format_bytes(total, units.get())}
                </span>
                <span class="total-alt">{other}" · "{format_bytes_exact(total)}</span>
            </p>
            <StackedBar testid="stacked-bar" terms=bar total=total units=units/>
            <table class="terms">
                <thead>
                    <tr>
                        <th scope="col">"Term"</th>
                        <th scope="col" class="num">"Memory"</th>
                        <th scope="col" class="num">"Share"</th>
                    </tr>
                </thead>
                <tbody>
                    {visible
                        .into_iter()
                        .map(|t| {
                            let id = t.kind.id();
                            let bytes = t.bytes;
                            view! {
                                <tr>
                                    <td>
                                        <details>
                                            <summary>
                                                <span class=format!("swatch seg-{id}") aria-hidden="true"></span>
                                                {t.label.clone()}
                                            </summary>
                                            <p class="formula" data-testid=format!("formula-{id}")>{t.formula.clone()}</p>
                                            <p class="note">{t.note.clone()}</p>
                                        </details>
                                    </td>
                                    <td
                                        class="num"
                                        data-testid=format!("term-{id}")
                                        data-bytes=bytes.to_string()
                                        title=format_bytes_exact(bytes)
                                    >
                                        {move || format_bytes(bytes, units.get())}
                                    </td>
                                    <td class="num">{format_share(bytes, total)}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
                <tfoot>
                    <tr>
                        <td>
                            <details>
                                <summary>"Total"</summary>
                                <p class="formula" data-testid="formula-total">{e.total_formula.clone()}</p>
                            </details>
                        </td>
                        <td class="num">{move || format_bytes(total, units.get())}</td>
                        <td class="num">"100 %"</td>
                    </tr>
                </tfoot>
            </table>
            {(!e.warnings.is_empty())
                .then(|| {
                    view! {
                        <ul class="warnings" data-testid="warnings">
                            {e.warnings.iter().map(|w| view! { <li>{w.clone()}</li> }).collect_view()}
                        </ul>
                    }
                })}
            <p class="unit-note" class:hidden=move || units.get() != ByteUnits::Article>
                "* Article units, as in the source article's figures: 1 KB* = 1,024 B, 1 MB* = 1,024,000 B, 1 GB* = 1,024,000,000 B."
            </p>
        </div>
    }
}
