//! The CNN page's reverse question: the largest batch a given GPU memory holds.

use leptos::prelude::*;
use sizing::ByteUnits;
use sizing::cnn::form::CnnForm;
use sizing::cnn::size as rules;
use sizing::report::{ReverseAnswers, words};

use crate::bind::Bind;
use crate::text;
use crate::widgets::TextField;

#[component]
pub fn BatchCard(form: Bind<CnnForm>, units: Signal<ByteUnits>) -> impl IntoView {
    // Only the answer, not the whole report.
    let report = form.sizing.report;
    let answers: Memo<Option<ReverseAnswers>> =
        Memo::new(move |_| report.with(|r| r.as_ref().ok().and_then(|r| r.reverse.clone())));
    view! {
        <div class="card reverse" class:cv=crate::widgets::settled() data-testid="cnn-reverse">
            <h2>"What fits in a given GPU"</h2>
            <TextField id="cnn-memory" label="Memory per GPU" unit="GiB" inputmode="decimal" field=text!(form, rules::MEMORY_GIB, memory_gib) hint="e.g. 80 for an H100 80GB, 19.62 for an H100 2g.20gb MIG slice. The answer uses all of it: the Fits' safety margin is not taken off."/>
            {move || {
                answers.get().map(|a| {
                    let (most, memory) = (a.max_sequences, a.memory);
                    let value = most.value().to_string();
                    view! {
                        <div>
                            <p data-testid="cnn-max-batch" data-value=value>{move || words::reverse(&most, memory, "Largest batch", ReverseAnswers::IMAGES, units.get())}</p>
                            <p class="hint">"Images per GPU and step, the rest of the workload as set."</p>
                        </div>
                    }
                })
            }}
        </div>
    }
}
