//! Terms of art: explained where they appear (on hover and on focus), and all
//! of them on the glossary page. The words live in the engine (`sizing::glossary`).

use leptos::prelude::*;
use sizing::glossary::{TERMS, find};

/// `children`, marked as a term with its one-line explanation from the glossary.
#[component]
pub fn Term(
    /// The term's id in `sizing::glossary`.
    id: &'static str,
    children: Children,
) -> impl IntoView {
    let short = find(id).map_or("", |t| t.short);
    let tip = format!("tip-{id}-{}", next_tip());
    let described = tip.clone();
    // Escape hides the explanation until the term loses focus (WCAG 1.4.13).
    let dismissed = RwSignal::new(false);
    view! {
        <span class="term" tabindex="0" aria-describedby=described class:dismissed=move || dismissed.get()
            on:keydown=move |ev| {
                if ev.key() == "Escape" {
                    dismissed.set(true);
                }
            }
            on:blur=move |_| dismissed.set(false)
            on:mouseleave=move |_| dismissed.set(false)
        >
            {children()}
            <span class="tip" role="tooltip" id=tip>{short}</span>
        </span>
    }
}

/// A number to tell the tooltips of one term apart where it appears twice.
fn next_tip() -> usize {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// Every term, with its longer explanation.
#[component]
pub fn GlossaryPage() -> impl IntoView {
    view! {
        <p class="lead">"The terms headroom uses, in a sentence or two each. The same words appear when you point at or tab to a dotted term on the other pages."</p>
        <dl class="glossary card" data-testid="glossary">
            {TERMS
                .iter()
                .map(|t| {
                    view! {
                        <dt id=format!("term-{}", t.id) data-testid=format!("term-{}", t.id)>{t.term}</dt>
                        <dd>
                            <p>{t.short}</p>
                            {(!t.more.is_empty()).then(|| view! { <p class="hint">{t.more}</p> })}
                        </dd>
                    }
                })
                .collect_view()}
        </dl>
    }
}
