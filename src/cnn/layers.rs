//! The per-layer table: shape, parameters and feature-map memory of every layer.

use leptos::prelude::*;
use sizing::ByteUnits;
use sizing::cnn::form::CnnResult;
use sizing::cnn::{Mode, Source};
use sizing::units::{format_bytes, format_bytes_exact, group_digits};

#[component]
pub fn LayerTable(result: CnnResult, units: RwSignal<ByteUnits>) -> impl IntoView {
    let a = result.analysis;
    let batch = result.workload.batch;
    let inference = result.workload.mode == Mode::Inference;
    let peak: Vec<Source> = a.peak.tensors.clone();
    let live = move |s: Source| inference && peak.contains(&s);
    let input = result.input_bytes;
    let input_live = live(Source::Input);
    let bytes_cell = move |b: u64, testid: String| {
        view! {
            <td class="num" data-testid=testid data-bytes=b.to_string() title=format_bytes_exact(b)>
                {move || format_bytes(b, units.get())}
            </td>
        }
    };
    let param_bytes: u64 = result.layers.iter().map(|l| l.param_bytes).sum();
    let per_image: u64 = result
        .layers
        .iter()
        .map(|l| l.feature_bytes_per_image)
        .sum();
    let per_batch: u64 = result
        .layers
        .iter()
        .map(|l| l.feature_bytes_per_batch)
        .sum();

    view! {
        <div class="card">
            <h2>"Layers"</h2>
            <p class="hint">
                {format!(
                    "{} layers, {} parameters. Feature maps are each layer's output, per image and for the batch of {}.",
                    a.layers.len(),
                    group_digits(a.params),
                    group_digits(batch)
                )}
                {inference.then_some(" Highlighted: the feature maps alive together at the inference peak.")}
            </p>
            <div class="table-scroll">
                <table class="layers" data-testid="layer-table">
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
                        <tr class="image-row" class:live=input_live>
                            <td class="num">"0"</td>
                            <td>"input"</td>
                            <td>"image batch"</td>
                            <td>{a.input.to_string()}</td>
                            <td class="num">"0"</td>
                            <td class="num">"—"</td>
                            {bytes_cell(input.feature_bytes_per_image, "fmap-image-input".to_string())}
                            {bytes_cell(input.feature_bytes_per_batch, "fmap-batch-input".to_string())}
                        </tr>
                        {a
                            .layers
                            .iter()
                            .zip(result.layers.iter())
                            .enumerate()
                            .map(|(i, (l, b))| {
                                let formula = l.param_formula.clone().map(|f| format!("{f} = {}", group_digits(l.params)));
                                let op = if l.view {
                                    format!("{} (a view: no new memory)", l.description)
                                } else {
                                    l.description.clone()
                                };
                                view! {
                                    <tr class:live=live(Source::Layer(i)) data-testid=format!("layer-{}", l.name)>
                                        <td class="num">{i + 1}</td>
                                        <td class="name">{l.name.clone()}</td>
                                        <td>{op}</td>
                                        <td>{l.output.to_string()}</td>
                                        <td class="num" title=formula>{group_digits(l.params)}</td>
                                        {bytes_cell(b.param_bytes, format!("params-{}", l.name))}
                                        {bytes_cell(b.feature_bytes_per_image, format!("fmap-image-{}", l.name))}
                                        {bytes_cell(b.feature_bytes_per_batch, format!("fmap-batch-{}", l.name))}
                                    </tr>
                                }
                            })
                            .collect_view()}
                    </tbody>
                    <tfoot>
                        <tr>
                            <td></td>
                            <td colspan="3">"Total"</td>
                            <td class="num" data-testid="total-params">{group_digits(a.params)}</td>
                            {bytes_cell(param_bytes, "total-param-bytes".to_string())}
                            {bytes_cell(per_image, "total-fmap-image".to_string())}
                            {bytes_cell(per_batch, "total-fmap-batch".to_string())}
                        </tr>
                    </tfoot>
                </table>
            </div>
        </div>
    }
}
