//! The per-layer table: shape, parameters and feature-map memory of every layer,
//! as the report lists them (the input image first).

use leptos::prelude::*;
use sizing::ByteUnits;
use sizing::mode::Mode;
use sizing::report::LayerRow;
use sizing::scenario::Workload;
use sizing::units::group_digits;

use crate::state::Sizing;
use crate::widgets::BytesCell;

/// The layer table, when there is an estimate.
#[component]
pub fn LayerTable(sizing: Sizing, units: Signal<ByteUnits>) -> impl IntoView {
    let table = Memo::new(move |_| {
        sizing.report.with(|r| {
            let r = r.as_ref().ok()?;
            let Workload::Cnn(c) = &r.scenario.workload else {
                return None;
            };
            Some((r.layers.clone()?, c.batch, c.mode == Mode::Inference))
        })
    });
    // A long network shows its first rows until asked for all, for that network
    // and batch only: drawing thousands of rows on every change would hold up
    // the page.
    let all = RwSignal::new(None::<(usize, u64, u64)>);
    move || {
        table
            .get()
            .map(|(rows, batch, inference)| layers(rows, batch, inference, units, all))
    }
}

/// Rows drawn before "Show all" is pressed.
const FIRST_ROWS: usize = 200;

fn layers(
    rows: Vec<LayerRow>,
    batch: u64,
    inference: bool,
    units: Signal<ByteUnits>,
    all: RwSignal<Option<(usize, u64, u64)>>,
) -> impl IntoView {
    let bytes_cell = move |b: u64, testid: String| view! { <BytesCell testid=testid bytes=Some(b) units=units/> };
    let Some((input, layers)) = rows.split_first() else {
        return ().into_any();
    };
    let sum = |f: fn(&LayerRow) -> u64| layers.iter().map(f).fold(0u64, u64::saturating_add);
    let params = sum(|l| l.params);
    let param_bytes = sum(|l| l.param_bytes);
    let per_image = sum(|l| l.feature_bytes_per_image);
    let per_batch = sum(|l| l.feature_bytes_per_batch);
    let count = layers.len();
    let key = (count, params, per_batch);
    let shown = if all.get() == Some(key) {
        count
    } else {
        count.min(FIRST_ROWS)
    };
    let body = layers[..shown]
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let formula = l
                .param_formula
                .clone()
                .map(|f| format!("{f} = {}", group_digits(l.params)));
            let op = if l.view {
                format!("{} (a view: no new memory)", l.description)
            } else {
                l.description.clone()
            };
            view! {
                <tr class:live=l.live data-testid=format!("cnn-layer-{}", l.name)>
                    <td class="num">{i + 1}</td>
                    <td class="name">{l.name.clone()}</td>
                    <td>{op}</td>
                    <td>{l.output.to_string()}</td>
                    <td class="num" title=formula>{group_digits(l.params)}</td>
                    {bytes_cell(l.param_bytes, format!("cnn-params-{}", l.name))}
                    {bytes_cell(l.feature_bytes_per_image, format!("cnn-fmap-image-{}", l.name))}
                    {bytes_cell(l.feature_bytes_per_batch, format!("cnn-fmap-batch-{}", l.name))}
                </tr>
            }
        })
        .collect_view();

    view! {
        <div class="card" class:cv=crate::widgets::settled()>
            <h2>"Layers"</h2>
            <p class="hint">
                {format!(
                    "{count} layers, {} parameters. Feature maps are each layer's output, per image and for the batch of {}.",
                    group_digits(params),
                    group_digits(batch)
                )}
                {inference.then_some(" Highlighted: the feature maps alive together at the inference peak.")}
            </p>
            <div class="table-scroll" tabindex="0" role="region" aria-label="Layers">
                <table class="layers" data-testid="cnn-layer-table">
                    <thead>
                        <tr>
                            <th scope="col" class="num">"#"</th>
                            <th scope="col">"Layer"</th>
                            <th scope="col">"Operation"</th>
                            <th scope="col">"Output (H×W×C)"</th>
                            <th scope="col" class="num">"Parameters"</th>
                            <th scope="col" class="num">"Parameter memory"</th>
                            <th scope="col" class="num">"Feature map / image"</th>
                            <th scope="col" class="num">{format!("Feature map / batch of {}", group_digits(batch))}</th>
                        </tr>
                    </thead>
                    <tbody>
                        <tr class="image-row" class:live=input.live>
                            <td class="num">"0"</td>
                            <td>"input"</td>
                            <td>"image batch"</td>
                            <td>{input.output.to_string()}</td>
                            <td class="num">"0"</td>
                            <td class="num">"—"</td>
                            {bytes_cell(input.feature_bytes_per_image, "cnn-fmap-image-input".to_string())}
                            {bytes_cell(input.feature_bytes_per_batch, "cnn-fmap-batch-input".to_string())}
                        </tr>
                        {body}
                    </tbody>
                    <tfoot>
                        <tr>
                            <td></td>
                            <td colspan="3">"Total"</td>
                            <td class="num" data-testid="cnn-total-params">{group_digits(params)}</td>
                            {bytes_cell(param_bytes, "cnn-total-param-bytes".to_string())}
                            {bytes_cell(per_image, "cnn-total-fmap-image".to_string())}
                            {bytes_cell(per_batch, "cnn-total-fmap-batch".to_string())}
                        </tr>
                    </tfoot>
                </table>
            </div>
            {(shown < count).then(|| view! {
                <p class="hint print-keep" data-testid="cnn-layers-more">
                    {format!("The first {} of {} layers are listed; the totals count them all. ", group_digits(shown as u64), group_digits(count as u64))}
                    <button type="button" data-testid="cnn-layers-all" on:click=move |_| all.set(Some(key))>{format!("Show all {} layers", group_digits(count as u64))}</button>
                </p>
            })}
        </div>
    }
    .into_any()
}
