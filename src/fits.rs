//! The "Fits" panel: every GPU, MIG instance and vGPU type that holds a workload.

use leptos::prelude::*;
use sizing::ByteUnits;
use sizing::catalog::form::{ARCHITECTURE, CARDS, FORM_CLASS, FitForm, MARGIN, architectures};
use sizing::catalog::{CapacityBasis, DeploymentMode, FitOption, FitStatus, Fits, VgpuMode};
use sizing::report::words;
use sizing::units::{format_bytes, format_bytes_exact, group_digits};

use crate::bind::{ALL, Bind, optional};
use crate::state::Shared;
use crate::widgets::{Check, Choice, TextField, options};
use crate::{choice, flag, text};

#[component]
pub fn FitsPanel(
    /// The panel's own inputs (margin, host, filters) and the page's sizing.
    bind: Bind<FitForm>,
    /// Prepended to every element id and test id, so that several panels can be mounted at once.
    prefix: &'static str,
) -> impl IntoView {
    let shared = Shared::expect();
    let (catalog, units) = (shared.catalog, shared.units());
    let report = bind.sizing.report;
    let fits: Memo<Option<Fits>> =
        Memo::new(move |_| report.with(|r| r.as_ref().ok().and_then(|r| r.fits.clone())));
    let arch_error = bind.sizing.error(ARCHITECTURE);
    let form_error = bind.sizing.error(FORM_CLASS);

    let architecture = optional(bind.form, |f| &f.architecture, |f| &mut f.architecture);
    let form_class = optional(bind.form, |f| &f.form_class, |f| &mut f.form_class);
    let arch_options = Signal::derive(move || {
        let mut o = vec![(ALL.to_string(), "All architectures".to_string())];
        catalog
            .catalog
            .with(|c| o.extend(architectures(c).into_iter().map(|a| (a.clone(), a))));
        o
    });
    let mut deploy_options = vec![(ALL, "All deployment modes".to_string())];
    deploy_options.extend(options(
        &DeploymentMode::ALL,
        DeploymentMode::id,
        DeploymentMode::label,
    ));
    let deploy = (
        Signal::derive(move || bind.with(|f| f.mode.map_or(ALL, DeploymentMode::id).to_string())),
        Callback::new(move |v: String| bind.update(|f| f.mode = DeploymentMode::from_id(&v))),
    );
    let form_options = vec![
        (ALL, "All form factors".to_string()),
        ("PCIe", "PCIe cards".to_string()),
        ("SXM", "SXM modules".to_string()),
        ("Superchip", "Superchips".to_string()),
    ];

    view! {
        <div class="card fits" data-testid=format!("{prefix}fits")>
            <h2>"Fits"</h2>
            <p class="hint">
                "Every full GPU, MIG instance and vGPU C-series type in the catalog that holds this workload, smallest first."
            </p>
            <div class="fit-controls">
                <TextField id=format!("{prefix}margin") label="Safety margin" unit="%" inputmode="decimal" field=text!(bind, MARGIN.path, margin)/>
                <TextField id=format!("{prefix}cards") label="GPU cards per host" field=text!(bind, CARDS.path, cards) hint="An A16 card holds 4 GPUs."/>
                <Choice id=format!("{prefix}vgpu-mode") label="vGPU mode" options=options(&VgpuMode::ALL, VgpuMode::id, VgpuMode::label) field=choice!(bind, vgpu_mode, VgpuMode)/>
                <div class="field">
                    <Choice id=format!("{prefix}fit-arch") label="Architecture" options=arch_options field=architecture/>
                    <p class="error" role="alert" data-testid=format!("{prefix}fit-arch-error")>{move || arch_error.get().unwrap_or_default()}</p>
                </div>
                <div class="field">
                    <Choice id=format!("{prefix}fit-form") label="Form factor" options=form_options field=form_class/>
                    <p class="error" role="alert" data-testid=format!("{prefix}fit-form-error")>{move || form_error.get().unwrap_or_default()}</p>
                </div>
                <Choice id=format!("{prefix}fit-mode") label="Deployment" options=deploy_options field=deploy/>
            </div>
            <div class="fit-checks">
                <Check testid=format!("{prefix}fit-ecc") label="ECC on (GDDR GPUs lose 1/16 of their memory)" field=flag!(bind, ecc)/>
                <Check testid=format!("{prefix}fit-show-all") label="Also list the options that are too small" field=flag!(bind, show_too_small)/>
                <Check testid=format!("{prefix}fit-all-profiles") label="List every profile (not only the smallest fit per GPU and mode)" field=flag!(bind, all_profiles)/>
            </div>
            {move || {
                fits.get()
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
fn FitsResult(fits: Fits, units: Signal<ByteUnits>, prefix: &'static str) -> impl IntoView {
    let fb = move |b: u64| format_bytes(b, units.get());
    // Shared by the closures that write the words in the units on show.
    let fits = std::sync::Arc::new(fits);
    let demand = fits.demand.total;
    let needed = {
        let fits = fits.clone();
        move || words::needed(&fits, units.get())
    };
    let recommended: Vec<(usize, &'static str)> = fits
        .recommendations
        .iter()
        .map(|r| (r.option, r.kind.label()))
        .collect();
    let cards = fits
        .recommendations
        .iter()
        .map(|r| {
            let o = &fits.options[r.option];
            let why = {
                let (r, fits) = (r.clone(), std::sync::Arc::clone(&fits));
                move || words::why(&r, &fits, units.get())
            };
            view! {
                <div class="rec" data-testid=format!("{prefix}rec-{}", r.kind.id())>
                    <p class="rec-kind">{r.kind.label()}</p>
                    <p class="rec-option">{o.label()}</p>
                    <p class="rec-mode">{o.mode.label()}</p>
                    <p class="rec-why">{why}</p>
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
            let speed = o
                .speed
                .as_ref()
                .map_or_else(|| ["—".to_string(), "—".to_string()], words::speed_cells);
            let speed = (speed[0].clone(), speed[1].clone());
            let reason = {
                let fits = std::sync::Arc::clone(&fits);
                move || words::reason(&fits.options[i], &fits, units.get())
            };
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
                            <div class="fill" style:width=format!("{used:.1}%")></div>
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
                    <td class="num speed-cell" data-testid=format!("{prefix}{}-speed", option_testid(o))>{speed.0}</td>
                    <td class="num" data-testid=format!("{prefix}{}-throughput", option_testid(o))>{speed.1}</td>
                    <td class="why">{reason}</td>
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
            {needed}
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
                        <th scope="col" class="num">"Speed"</th>
                        <th scope="col" class="num">"Throughput"</th>
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
                                    <th scope="col" class="num">"Speed"</th>
                                    <th scope="col" class="num">"Throughput"</th>
                                    <th scope="col" class="num">"Latency target"</th>
                                    <th scope="col">"Note"</th>
                                </tr>
                            </thead>
                            <tbody>
                                {multi
                                    .into_iter()
                                    .map(|m| {
                                        let per_gpu = m.per_gpu;
                                        let cap = m.capacity;
                                        let [speed, amount] = m
                                            .speed
                                            .as_ref()
                                            .map_or_else(|| ["—".to_string(), "—".to_string()], words::speed_cells);
                                        let target = m.target_gpus.map_or_else(|| "—".to_string(), |n| format!("met with {n} GPUs"));
                                        view! {
                                            <tr data-testid=format!("{prefix}multi-{}", m.gpu_id)>
                                                <td>{m.gpu_name}</td>
                                                <td class="num">{m.gpus}</td>
                                                <td class="num">{move || format!("{} of {}", fb(per_gpu), fb(cap))}</td>
                                                <td class="num">{m.hosts}</td>
                                                <td>{m.interconnect}</td>
                                                <td class="num speed-cell" data-testid=format!("{prefix}multi-{}-speed", m.gpu_id)>{speed}</td>
                                                <td class="num">{amount}</td>
                                                <td class="num" data-testid=format!("{prefix}multi-{}-target", m.gpu_id)>{target}</td>
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
        <ul class="notes">{words::FIT_RULES.map(|n| view! { <li>{n}</li> }).collect_view()}</ul>
    }
}
