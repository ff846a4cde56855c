//! The "Fits" panel: every GPU, MIG instance and vGPU type that holds a workload.

use leptos::prelude::*;
use sizing::ByteUnits;
use sizing::catalog::form::{FitForm, FitOutcome, architectures, evaluate_fit};
use sizing::catalog::{
    CapacityBasis, Demand, DeploymentMode, FitOption, FitStatus, Fits, VgpuMode,
};
use sizing::units::{format_bytes, format_bytes_exact, group_digits};

use crate::app::{ActiveCatalog, use_units};
use crate::widgets::{Choice, TextField};

const ALL: &str = "all";

#[component]
pub fn FitsPanel(
    demand: Signal<Option<Demand>>,
    /// The panel's own inputs (margin, host, filters).
    form: RwSignal<FitForm>,
    /// Prepended to every element id and test id, so that several panels can be mounted at once.
    #[prop(default = "")]
    prefix: &'static str,
) -> impl IntoView {
    let active = expect_context::<ActiveCatalog>();
    let units = use_units();
    let outcome: Memo<Option<FitOutcome>> = Memo::new(move |_| {
        let d = demand.get()?;
        let u = units.get();
        Some(form.with(|f| active.catalog.with(|c| evaluate_fit(c, &d, f, u))))
    });

    let margin = Signal::derive(move || form.with(|f| f.margin.clone()));
    let set_margin = Callback::new(move |v: String| form.update(|f| f.margin = v));
    let margin_error =
        Signal::derive(move || outcome.with(|o| o.as_ref().and_then(|o| o.errors.margin.clone())));
    let cards = Signal::derive(move || form.with(|f| f.cards.clone()));
    let set_cards = Callback::new(move |v: String| form.update(|f| f.cards = v));
    let cards_error =
        Signal::derive(move || outcome.with(|o| o.as_ref().and_then(|o| o.errors.cards.clone())));

    let mode_options = vec![
        ("equal_size", "Equal size (vSphere default)".to_string()),
        ("mixed_size", "Mixed size (vSphere 8.0 U3+)".to_string()),
    ];
    let vgpu_mode = Signal::derive(move || {
        form.with(|f| match f.vgpu_mode {
            VgpuMode::EqualSize => "equal_size",
            VgpuMode::MixedSize => "mixed_size",
        })
        .to_string()
    });
    let set_vgpu_mode = Callback::new(move |v: String| {
        form.update(|f| {
            f.vgpu_mode = if v == "mixed_size" {
                VgpuMode::MixedSize
            } else {
                VgpuMode::EqualSize
            }
        })
    });

    let arch_options = move || {
        let mut o = vec![(ALL.to_string(), "All architectures".to_string())];
        active
            .catalog
            .with(|c| o.extend(architectures(c).into_iter().map(|a| (a.clone(), a))));
        o
    };
    let mut deploy_options = vec![(ALL, "All deployment modes".to_string())];
    deploy_options.extend(
        DeploymentMode::ALL
            .iter()
            .map(|m| (m.id(), m.label().to_string())),
    );
    let deploy_value =
        Signal::derive(move || form.with(|f| f.mode.map_or(ALL, DeploymentMode::id).to_string()));
    let set_deploy =
        Callback::new(move |v: String| form.update(|f| f.mode = DeploymentMode::from_id(&v)));
    let form_options = vec![
        (ALL, "All form factors".to_string()),
        ("PCIe", "PCIe cards".to_string()),
        ("SXM", "SXM modules".to_string()),
        ("Superchip", "Superchips".to_string()),
    ];
    let form_value = Signal::derive(move || {
        form.with(|f| f.form_class.clone().unwrap_or_else(|| ALL.to_string()))
    });
    let set_form =
        Callback::new(move |v: String| form.update(|f| f.form_class = (v != ALL).then_some(v)));

    view! {
        <div class="card fits" data-testid=format!("{prefix}fits")>
            <h2>"Fits"</h2>
            <p class="hint">
                "Every full GPU, MIG instance and vGPU C-series type in the catalog that holds this workload, smallest first."
            </p>
            <div class="fit-controls">
                <TextField id=format!("{prefix}margin") label="Safety margin" unit="%" inputmode="decimal" value=margin on_input=set_margin error=margin_error/>
                <TextField id=format!("{prefix}cards") label="GPU cards per host" value=cards on_input=set_cards error=cards_error hint="An A16 card holds 4 GPUs."/>
                <Choice id=format!("{prefix}vgpu-mode") label="vGPU mode" options=mode_options value=vgpu_mode on_change=set_vgpu_mode/>
                <div class="field">
                    <label for=format!("{prefix}fit-arch")>"Architecture"</label>
                    <select
                        id=format!("{prefix}fit-arch")
                        data-testid=format!("{prefix}fit-arch")
                        on:change:target=move |ev| {
                            let v = ev.target().value();
                            form.update(|f| f.architecture = (v != ALL).then_some(v))
                        }
                    >
                        {move || {
                            let selected = form.with(|f| f.architecture.clone().unwrap_or_else(|| ALL.to_string()));
                            arch_options()
                                .into_iter()
                                .map(|(id, label)| {
                                    let sel = id == selected;
                                    view! { <option value=id selected=sel>{label}</option> }
                                })
                                .collect_view()
                        }}
                    </select>
                </div>
                <Choice id=format!("{prefix}fit-form") label="Form factor" options=form_options value=form_value on_change=set_form/>
                <Choice id=format!("{prefix}fit-mode") label="Deployment" options=deploy_options value=deploy_value on_change=set_deploy/>
            </div>
            <div class="fit-checks">
                <label class="check">
                    <input
                        type="checkbox"
                        data-testid=format!("{prefix}fit-ecc")
                        prop:checked=move || form.with(|f| f.ecc)
                        on:change:target=move |ev| {
                            let on = ev.target().checked();
                            form.update(|f| f.ecc = on)
                        }
                    />
                    "ECC on (GDDR GPUs lose 1/16 of their memory)"
                </label>
                <label class="check">
                    <input
                        type="checkbox"
                        data-testid=format!("{prefix}fit-show-all")
                        prop:checked=move || form.with(|f| f.show_too_small)
                        on:change:target=move |ev| {
                            let on = ev.target().checked();
                            form.update(|f| f.show_too_small = on)
                        }
                    />
                    "Also list the options that are too small"
                </label>
                <label class="check">
                    <input
                        type="checkbox"
                        data-testid=format!("{prefix}fit-all-profiles")
                        prop:checked=move || form.with(|f| f.all_profiles)
                        on:change:target=move |ev| {
                            let on = ev.target().checked();
                            form.update(|f| f.all_profiles = on)
                        }
                    />
                    "List every profile (not only the smallest fit per GPU and mode)"
                </label>
            </div>
            {move || {
                outcome
                    .get()
                    .and_then(|o| o.fits)
                    .map(|fits| view! { <FitsResult fits=fits units=units prefix=prefix/> }.into_any())
                    .unwrap_or_else(|| {
                        view! { <p class="hint" data-testid=format!("{prefix}fits-none")>"Correct the fields above to see what fits."</p> }
                            .into_any()
                    })
            }}
        </div>
    }
}

fn option_testid(o: &FitOption) -> String {
    format!(
        "fit-{}-{}",
        o.gpu_id,
        o.profile.as_deref().unwrap_or("full")
    )
}

#[component]
fn FitsResult(fits: Fits, units: RwSignal<ByteUnits>, prefix: &'static str) -> impl IntoView {
    let fb = move |b: u64| format_bytes(b, units.get());
    let demand = fits.demand.total;
    let notes = fits.notes.clone();
    let recommended: Vec<(usize, &'static str)> = fits
        .recommendations
        .iter()
        .map(|r| (r.option, r.kind.label()))
        .collect();
    let cards = fits
        .recommendations
        .iter()
        .map(|r| {
            let o = fits.options[r.option].clone();
            view! {
                <div class="rec" data-testid=format!("{prefix}rec-{}", r.kind.id())>
                    <p class="rec-kind">{r.kind.label()}</p>
                    <p class="rec-option">{o.label()}</p>
                    <p class="rec-mode">{o.mode.label()}</p>
                    <p class="rec-why">{r.why.clone()}</p>
                </div>
            }
        })
        .collect_view();
    let none_fit = fits.recommendations.is_empty();
    let rows = fits
        .options
        .iter()
        .enumerate()
        .map(|(i, o)| {
            let badges: Vec<&'static str> = recommended.iter().filter(|(j, _)| *j == i).map(|(_, l)| *l).collect();
            let used = if o.capacity == 0 { 100.0 } else { (demand as f64 * 100.0 / o.capacity as f64).min(100.0) };
            let status = match o.status {
                FitStatus::Fits => "fits",
                FitStatus::Tight => "tight",
                FitStatus::TooSmall => "small",
            };
            let estimated = matches!(o.basis, CapacityBasis::Estimated | CapacityBasis::Nominal);
            let recommended_row = !badges.is_empty();
            let capacity = o.capacity;
            let headroom = o.headroom;
            let pct = o.headroom_percent;
            view! {
                <tr class=format!("status-{status}") class:recommended=recommended_row data-testid=format!("{prefix}{}", option_testid(o))>
                    <td>
                        <span class="gpu">{o.gpu_name.clone()}</span>
                        {o.profile.clone().map(|p| view! { <span class="profile">{p}</span> })}
                        {badges.into_iter().map(|b| view! { <span class="badge">{b}</span> }).collect_view()}
                    </td>
                    <td>{o.mode.label()}</td>
                    <td class="num" title=format!("{} — {}", format_bytes_exact(capacity), o.capacity_note)>
                        {move || fb(capacity)}
                        {estimated.then_some(view! { <span class="est" title="estimated">"≈"</span> })}
                    </td>
                    <td class="headroom">
                        <div class=format!("meter meter-{status}") role="img" aria-label=format!("{used:.0} % used")>
                            <div class="fill" style=format!("width:{used:.1}%")></div>
                        </div>
                        <span class="headroom-text">
                            {move || {
                                if headroom >= 0 {
                                    format!("{} free ({pct:.0} %)", fb(headroom as u64))
                                } else {
                                    format!("{} short", fb(headroom.unsigned_abs()))
                                }
                            }}
                        </span>
                    </td>
                    <td class="num">{o.per_gpu}</td>
                    <td class="num" data-testid=format!("{prefix}{}-per-host", option_testid(o))>{group_digits(u64::from(o.per_host))}</td>
                    <td class="num">{o.time_slice_ms.map(|ms| format!("{ms} ms")).unwrap_or_else(|| "—".to_string())}</td>
                    <td class="why">{o.reason.clone()}</td>
                </tr>
            }
        })
        .collect_view();
    let count = fits.options.len();
    let fitting = fits.fitting().count();
    let multi = fits.multi_gpu.clone();
    let has_multi = !multi.is_empty();

    view! {
        <p class="fits-summary" data-testid=format!("{prefix}fits-summary")>
            {notes.first().cloned()}
            " "
            {format!("{fitting} of the {count} options listed fit.")}
        </p>
        {if none_fit {
            view! {
                <p class="warning" data-testid=format!("{prefix}fits-nothing")>
                    "No single GPU, MIG instance or vGPU holds this workload with the margin. See the GPU counts below."
                </p>
            }
                .into_any()
        } else {
            view! { <div class="recs">{cards}</div> }.into_any()
        }}
        <div class="table-scroll">
            <table class="fit-table" data-testid=format!("{prefix}fit-table")>
                <thead>
                    <tr>
                        <th scope="col">"Option"</th>
                        <th scope="col">"Mode"</th>
                        <th scope="col" class="num">"Usable"</th>
                        <th scope="col">"Headroom"</th>
                        <th scope="col" class="num">"Per GPU"</th>
                        <th scope="col" class="num">"Per host"</th>
                        <th scope="col" class="num">"Time slice"</th>
                        <th scope="col">"Why"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        {has_multi
            .then(|| {
                view! {
                    <details class="multi" open=none_fit data-testid=format!("{prefix}multi-gpu")>
                        <summary>"Split over several GPUs (tensor or pipeline parallelism)"</summary>
                        <p class="hint">
                            "GPUs too small on their own: how many hold the workload together, split evenly, with the margin on each. "
                            "The runtime overhead is needed again on every GPU."
                        </p>
                        <table class="multi-table">
                            <thead>
                                <tr>
                                    <th scope="col">"GPU"</th>
                                    <th scope="col" class="num">"GPUs"</th>
                                    <th scope="col" class="num">"Per GPU"</th>
                                    <th scope="col" class="num">"Hosts"</th>
                                    <th scope="col">"Interconnect"</th>
                                    <th scope="col">"Note"</th>
                                </tr>
                            </thead>
                            <tbody>
                                {multi
                                    .into_iter()
                                    .map(|m| {
                                        let per_gpu = m.per_gpu;
                                        let cap = m.capacity;
                                        view! {
                                            <tr data-testid=format!("{prefix}multi-{}", m.gpu_id)>
                                                <td>{m.gpu_name}</td>
                                                <td class="num">{m.gpus}</td>
                                                <td class="num">{move || format!("{} of {}", fb(per_gpu), fb(cap))}</td>
                                                <td class="num">{m.hosts}</td>
                                                <td>{m.interconnect}</td>
                                                <td class="why">{m.note}</td>
                                            </tr>
                                        }
                                    })
                                    .collect_view()}
                            </tbody>
                        </table>
                    </details>
                }
            })}
        <ul class="notes">{notes.into_iter().skip(1).map(|n| view! { <li>{n}</li> }).collect_view()}</ul>
    }
}
