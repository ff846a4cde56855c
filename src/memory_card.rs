//! The memory card every model shows: the total, its band, a stacked bar and the
//! term-by-term table with each term's formula and assumption.

use leptos::prelude::*;
use sizing::ByteUnits;
use sizing::report::Memory;
use sizing::report::chart::{self, Against};
use sizing::units::{format_bytes, format_bytes_exact, format_share};

use crate::state::Sizing;
use crate::widgets::StackedBar;

#[component]
pub fn MemoryCard(
    memory: Memory,
    title: &'static str,
    headline: String,
    /// Prepended to every test id ("tf-" on the transformer page).
    prefix: &'static str,
    /// Read by the caller: a change of units draws the card again, as a change of the memory does.
    units: ByteUnits,
    /// The option the bar is drawn against (the user's GPU or the first recommendation).
    against: Option<Against>,
) -> impl IntoView {
    let m = memory;
    let (total, low, high) = (m.total, m.low, m.high);
    let bands = m.has_bands();
    // Plain values, no effects of their own: the card is drawn again on a
    // change, and only the text that differs is rewritten.
    let u = units;
    let other = match u {
        ByteUnits::Binary => format_bytes(total, ByteUnits::Decimal),
        _ => format_bytes(total, ByteUnits::Binary),
    };
    let range = move |lo: u64, hi: u64| {
        if lo == hi {
            "exact".to_string()
        } else {
            format!("{} – {}", format_bytes(lo, u), format_bytes(hi, u))
        }
    };
    let visible: Vec<_> = m.visible().cloned().collect();
    let bar: Vec<_> = visible
        .iter()
        .map(|t| (t.id.clone(), t.label.clone(), t.bytes))
        .collect();
    let gpus = m.gpus_per_copy;
    let id = move |name: &str| format!("{prefix}{name}");
    view! {
        <div class="card summary" data-testid=id("summary")>
            <h2>{title}</h2>
            <p class="headline" data-testid=id("headline")>{headline}</p>
            <p class="total">
                <span class="total-value" data-testid=id("total") data-bytes=total.to_string() title=format_bytes_exact(total)>
                    {format_bytes(total, u)}
                </span>
                <span class="total-alt">{other}" · "{format_bytes_exact(total)}</span>
            </p>
            {bands.then(|| view! {
                <p class="band" data-testid=id("band") data-low=low.to_string() data-high=high.to_string()>
                    {format!("Expected between {} and {} (the bands of the terms below).", format_bytes(low, u), format_bytes(high, u))}
                </p>
            })}
            {(m.host > 0).then(|| {
                let (host, note) = (m.host, m.host_note.clone());
                view! {
                    <p class="hint" data-testid=id("host") data-bytes=host.to_string()>
                        {format!("Also in host memory, outside this total: {} per GPU. ", format_bytes(host, u))}
                        {note}
                    </p>
                }
            })}
            {(gpus > 1).then(|| view! {
                <p class="hint" data-testid=id("spans")>
                    {format!("One copy spans {gpus} GPUs; every figure is what each of them holds. Fits below checks one GPU and counts whole sets of {gpus} per host.")}
                </p>
            })}
            {match against {
                Some(a) => view! { <StackedBar testid=id("stacked-bar") terms=bar total=total units=u against=a/> }.into_any(),
                None => view! { <StackedBar testid=id("stacked-bar") terms=bar total=total units=u/> }.into_any(),
            }}
            <div class="scroll-x" tabindex="0" role="region" aria-label="Memory terms">
                <table class="terms">
                    <thead>
                        <tr>
                            <th scope="col">"Term"</th>
                            <th scope="col" class="num">"Memory"</th>
                            {bands.then(|| view! { <th scope="col" class="num">"Range"</th> })}
                            <th scope="col" class="num">"Share"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {visible
                            .into_iter()
                            .map(|t| {
                                let bytes = t.bytes;
                                view! {
                                    <tr>
                                        <td>
                                            <details>
                                                <summary>
                                                    <span class=format!("swatch seg-{}", t.id) aria-hidden="true"></span>
                                                    {t.label.clone()}
                                                </summary>
                                                <p class="formula" data-testid=id(&format!("formula-{}", t.id))>{t.formula.clone()}</p>
                                                <p class="note">{t.note.clone()}</p>
                                            </details>
                                        </td>
                                        <td class="num" data-testid=id(&format!("term-{}", t.id)) data-bytes=bytes.to_string() title=format_bytes_exact(bytes)>
                                            {format_bytes(bytes, u)}
                                        </td>
                                        {bands.then(|| view! { <td class="num range">{range(t.low, t.high)}</td> })}
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
                                    <p class="formula" data-testid=id("formula-total")>{m.total_formula.clone()}</p>
                                </details>
                            </td>
                            <td class="num">{format_bytes(total, u)}</td>
                            {bands.then(|| view! { <td class="num range">{range(low, high)}</td> })}
                            <td class="num">"100 %"</td>
                        </tr>
                    </tfoot>
                </table>
            </div>
            {(!m.warnings.is_empty()).then(|| view! {
                <ul class="warnings" data-testid=id("warnings")>
                    {m.warnings.iter().map(|w| view! { <li>{w.clone()}</li> }).collect_view()}
                </ul>
            })}
            <p class="unit-note" class:hidden=u != ByteUnits::Article>
                "* Article units, as in the source article's figures: 1 KB* = 1,024 B, 1 MB* = 1,024,000 B, 1 GB* = 1,024,000,000 B."
            </p>
        </div>
    }
}

/// A workload page's memory: the card of its report, or a placeholder while a
/// field is wrong.
#[component]
pub fn PageMemory(
    sizing: Sizing,
    title: &'static str,
    /// Prepended to every test id ("tf-", "cnn-").
    prefix: &'static str,
    units: Signal<ByteUnits>,
) -> impl IntoView {
    let memory = sizing.part(|r| {
        (
            r.memory.clone(),
            r.model.headline.clone(),
            chart::against(r),
        )
    });
    move || {
        let units = units.get();
        match memory.get() {
        Some((memory, headline, against)) => view! {
            <MemoryCard memory=memory title=title headline=headline prefix=prefix units=units against=against/>
        }
        .into_any(),
        None => view! { <NoEstimate testid=format!("{prefix}no-result")/> }.into_any(),
    }
    }
}

/// In place of the card while a field is wrong.
#[component]
fn NoEstimate(testid: String) -> impl IntoView {
    view! {
        <div class="placeholder" data-testid=testid>
            <h2>"Memory"</h2>
            <p>"Correct the fields marked in red to see the estimate."</p>
        </div>
    }
}
