//! The "Fits" panel: every GPU, MIG instance and vGPU type that holds a workload.

use std::collections::HashMap;

use leptos::prelude::*;
use sizing::ByteUnits;
use sizing::catalog::form::{ARCHITECTURE, CARDS, FORM_CLASS, FitForm, MARGIN, architectures};
use sizing::catalog::{
    CapacityBasis, DeploymentMode, FitOption, FitStatus, Fits, MultiGpu, VgpuMode,
};
use sizing::fleet::{FLEET, FleetAnswer};
use sizing::report::chart::GpuSlots;
use sizing::report::{chart, words};
use sizing::units::{format_bytes, format_bytes_exact, group_digits};
use wasm_bindgen::JsCast;

use crate::bind::{ALL, Bind, TextBinding, optional};
use crate::glossary::Term;
use crate::state::{ActiveCatalog, BUNDLED, InputsStoreFields, Kept, Shared};
use crate::widgets::{BelowFold, Check, Choice, TextField, ToggleButton, options};
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
    // The user's hosts are shared by the workload pages: typing here changes both.
    let inputs = shared.inputs;
    let fleet_field: TextBinding = (
        Signal::derive(move || bind.with(|f| f.fleet.clone())),
        Callback::new(move |v: String| {
            inputs.tf_fit().update(|f| f.fleet = v.clone());
            inputs.cnn_fit().update(|f| f.fleet = v.clone());
            inputs.known_fit().update(|f| f.fleet = v);
        }),
        bind.sizing.error(FLEET),
        Signal::stored(None),
    );
    // While the list as typed has a fault, no answer for an earlier list is shown.
    let fleet_error = bind.sizing.error(FLEET);
    let fleet: Memo<Vec<FleetAnswer>> = Memo::new(move |_| {
        if fleet_error.with(Option::is_some) {
            return Vec::new();
        }
        report.with(|r| r.as_ref().map(|r| r.fleet.clone()).unwrap_or_default())
    });
    let mine: Memo<Vec<String>> =
        Memo::new(move |_| fleet.with(|f| f.iter().map(|a| a.gpu_id.clone()).collect()));

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
        <div class="card fits" class:cv=crate::widgets::settled() data-testid=format!("{prefix}fits")>
            <h2>"Fits"</h2>
            <p class="hint">
                "Every full GPU ("<Term id="passthrough">"passthrough"</Term>"), "<Term id="mig">"MIG"</Term>" instance and "
                <Term id="c-series">"vGPU C-series"</Term>" type ("<Term id="time-sliced">"time-sliced"</Term>" or "
                <Term id="mig-backed">"MIG-backed"</Term>") in the catalog that holds this workload, smallest first."
            </p>
            {move || catalog_words(catalog).map(|t| view! { <p class="hint" role="status" data-testid=format!("{prefix}fits-catalog")>{t}</p> })}
            <div class="fleet-field">
                <TextField
                    id=format!("{prefix}fleet")
                    label="Your GPUs"
                    inputmode="text"
                    field=fleet_field
                    hint="e.g. 4 × L40S per host, 6 hosts; 8 × H100 SXM per host. Answered first; kept in this browser."
                />
            </div>
            <FleetAnswers fleet=fleet units=units prefix=prefix/>
            <div class="fit-controls">
                <TextField id=format!("{prefix}margin") label="Safety margin" unit="%" inputmode="decimal" field=text!(bind, MARGIN, margin)/>
                <TextField id=format!("{prefix}cards") label="GPU cards per host" field=text!(bind, CARDS, cards) hint="An A16 card holds 4 GPUs."/>
                <Choice
                    id=format!("{prefix}vgpu-mode")
                    label="vGPU mode"
                    options=options(&VgpuMode::ALL, VgpuMode::id, VgpuMode::label)
                    field=choice!(bind, vgpu_mode, VgpuMode)
                    hint=Signal::stored(VGPU_MODES.to_string())
                />
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
            <Show
                when=move || fits.with(Option::is_some)
                fallback=move || view! { <p class="hint" data-testid=format!("{prefix}fits-none")>"Correct the fields above to see what fits."</p> }
            >
                <FitsResult catalog=catalog fits=fits fleet=fleet mine=mine units=units prefix=prefix/>
            </Show>
        </div>
    }
}

/// The answer on each kind of the user's hosts, before the rest of the catalog.
#[component]
fn FleetAnswers(
    fleet: Memo<Vec<FleetAnswer>>,
    units: Signal<ByteUnits>,
    prefix: &'static str,
) -> impl IntoView {
    move || {
        let u = units.get();
        fleet.with(|answers| {
            answers
                .iter()
                .map(|a| {
                    let w = words::fleet(a, u);
                    // Holding none (a copy needs more GPUs than a host has) is no fit.
                    let state = if a.one.is_some() && a.copies > 0 {
                        "fits"
                    } else if a.split.as_ref().is_some_and(|s| s.in_fleet) {
                        "split"
                    } else {
                        "small"
                    };
                    let id = format!("{prefix}fleet-{}", a.gpu_id);
                    let label = w.title.clone();
                    view! {
                        <section class=format!("fleet-answer fleet-{state}") data-testid=id.clone() aria-label=label>
                            <h3>{w.title}</h3>
                            <p class="fleet-verdict" data-testid=format!("{id}-verdict")>{w.verdict}</p>
                            {w.short.map(|t| view! { <p class="fleet-short" data-testid=format!("{id}-short")>{t}</p> })}
                            {(!w.fixes.is_empty()).then(|| view! {
                                <ul class="fleet-fixes" data-testid=format!("{id}-fixes")>
                                    {w.fixes.into_iter().map(|f| view! { <li>{f}</li> }).collect_view()}
                                </ul>
                            })}
                        </section>
                    }
                })
                .collect_view()
        })
    }
}

fn option_testid(o: &FitOption) -> String {
    format!(
        "fit-{}-{}",
        o.gpu_id,
        o.profile.as_deref().unwrap_or("full")
    )
}

/// Options listed before "Show N more options", besides the user's GPUs and the
/// recommendations.
const SHORT_LIST: usize = 12;

/// The vGPU mode choice's hint (the glossary says more).
const VGPU_MODES: &str = "Equal size: one vGPU type per GPU. Mixed size: types of different sizes share a GPU (vSphere 8.0 U3+).";

/// What "≈" next to a capacity means.
const ESTIMATED: &str = "Estimated: derived from nominal figures, not read from a published table.";

/// A row's key: the option, as its test id names it, and its deployment mode.
fn option_key(o: &FitOption) -> String {
    format!("{}:{}", option_testid(o), o.mode.label())
}

/// The options and where each row's option is among them.
#[derive(Clone, Copy)]
struct Rows {
    fits: Memo<Option<Fits>>,
    index: Memo<HashMap<String, usize>>,
}

/// The answer: recommendations, every option (a keyed table: a change touches
/// only the cells whose text changes) and the multi-GPU counts.
/// Which catalog the options come from, when it is not the bundled one (or an
/// imported one from an earlier visit is being read, or could not be).
fn catalog_words(c: ActiveCatalog) -> Option<String> {
    match c.kept.get() {
        Kept::Reading(name) => return Some(format!("Reading your catalog {name} again…")),
        Kept::Unreadable(name, why) => {
            return Some(format!(
                "Your catalog {name} could not be read again ({why}); the bundled catalog is in use."
            ));
        }
        _ => {}
    }
    let origin = c.origin.get();
    (origin != BUNDLED).then(|| {
        let n = c.catalog.with(|c| c.gpus.len());
        format!(
            "Options from the imported catalog ({origin}, {}); the Catalog page goes back to the bundled one.",
            sizing::units::count(n as u64, "GPU", "GPUs")
        )
    })
}

#[component]
fn FitsResult(
    /// The catalog the options come from (each recommendation draws its GPU).
    catalog: ActiveCatalog,
    fits: Memo<Option<Fits>>,
    /// The answers on the user's hosts (their GPUs lead the chart).
    fleet: Memo<Vec<FleetAnswer>>,
    /// The user's GPUs: their options lead the table and say so.
    mine: Memo<Vec<String>>,
    units: Signal<ByteUnits>,
    prefix: &'static str,
) -> impl IntoView {
    let with_fits =
        move |f: &dyn Fn(&Fits) -> String| fits.with(|x| x.as_ref().map(f).unwrap_or_default());
    let needed = move || with_fits(&|f| words::needed(f, units.get()));
    let counted = move || with_fits(&|f| words::counted(f));
    let split_words =
        move || fits.with(|x| x.as_ref().map_or_else(|| ("", ""), words::split_section));
    let none_fit =
        Memo::new(move |_| fits.with(|x| x.as_ref().is_some_and(|f| f.recommendations.is_empty())));
    let cards = move || {
        fits.with(|x| {
            let Some(fits) = x else { return Vec::new() };
            fits.recommendations
                .iter()
                .map(|r| {
                    let o = &fits.options[r.option];
                    let why = words::why(r, fits, units.get());
                    let yours = mine.with(|m| m.contains(&o.gpu_id));
                    let slots = catalog.catalog.with(|c| chart::gpu_slots(fits, r.option, c));
                    let testid = format!("{prefix}rec-{}", r.kind.id());
                    view! {
                        <div class="rec" class:yours=yours data-testid=testid.clone() data-option=option_testid(o)>
                            <p class="rec-kind">{r.kind.label()}{yours.then_some(" · your GPU")}</p>
                            <p class="rec-option">{o.label()}</p>
                            <p class="rec-mode">{o.mode.label()}</p>
                            <p class="rec-why">{why}</p>
                            {slots.map(|g| view! { <GpuSlotsChart slots=g units=units testid=format!("{testid}-slots")/> })}
                        </div>
                    }
                })
                .collect::<Vec<_>>()
        })
    };
    let index = Memo::new(move |_| {
        fits.with(|x| {
            x.as_ref()
                .map(|f| {
                    f.options
                        .iter()
                        .enumerate()
                        .map(|(i, o)| (option_key(o), i))
                        .collect::<HashMap<_, _>>()
                })
                .unwrap_or_default()
        })
    });
    let rows = Rows { fits, index };
    // The table in its order: the user's GPUs first, then the catalog, smallest first.
    let order = Memo::new(move |_| {
        mine.with(|m| {
            fits.with(|x| {
                let Some(f) = x else { return Vec::new() };
                let (mut first, rest): (Vec<_>, Vec<_>) =
                    (0..f.options.len()).partition(|&i| m.contains(&f.options[i].gpu_id));
                first.extend(rest);
                first
            })
        })
    });
    // A short list unless asked for every option: the user's GPUs, the
    // recommendations and the first options of the order; a keystroke then
    // rewrites a few rows, not a hundred.
    let every = RwSignal::new(false);
    let short = Memo::new(move |_| {
        mine.with(|m| {
            fits.with(|x| {
                let Some(f) = x else { return Vec::new() };
                let recommended: Vec<usize> = f.recommendations.iter().map(|r| r.option).collect();
                order.with(|o| {
                    o.iter()
                        .enumerate()
                        .filter(|&(pos, &i)| {
                            pos < SHORT_LIST
                                || m.contains(&f.options[i].gpu_id)
                                || recommended.contains(&i)
                        })
                        .map(|(_, &i)| i)
                        .collect::<Vec<_>>()
                })
            })
        })
    });
    let hidden = move || order.with(Vec::len) - short.with(Vec::len);
    let keys = move || {
        let shown = if every.get() {
            order.get()
        } else {
            short.get()
        };
        fits.with(|x| {
            x.as_ref()
                .map(|f| {
                    shown
                        .iter()
                        .map(|&i| option_key(&f.options[i]))
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    };
    // The user's GPUs first, then the catalog's order.
    let multi_keys = move || {
        let ids = mine.get();
        fits.with(|x| {
            x.as_ref()
                .map(|f| {
                    let mut keys: Vec<String> =
                        f.multi_gpu.iter().map(|m| m.gpu_id.clone()).collect();
                    keys.sort_by_key(|k| !ids.contains(k));
                    keys
                })
                .unwrap_or_default()
        })
    };
    let has_multi =
        Memo::new(move |_| fits.with(|x| x.as_ref().is_some_and(|f| !f.multi_gpu.is_empty())));
    let multi_open = RwSignal::new(false);

    view! {
        <p class="fits-summary" data-testid=format!("{prefix}fits-summary")>
            {needed}
            " "
            {counted}
        </p>
        {move || {
            fits.with(|x| x.as_ref().and_then(words::mig_left_out)).map(|w| {
                view! { <p class="hint" data-testid=format!("{prefix}fits-mig-left-out")>{w}</p> }
            })
        }}
        <Show
            when=move || !none_fit.get()
            fallback=move || view! {
                <p class="warning" data-testid=format!("{prefix}fits-nothing")>
                    {move || with_fits(&|f| words::nothing_fits(f, units.get()))}
                </p>
            }
        >
            <div class="recs">{cards}</div>
        </Show>
        // Below the first screen: built just after the frame that shows the rest.
        <BelowFold>
        <FitsChart fits=fits fleet=fleet units=units prefix=prefix/>
        <div class="table-scroll" tabindex="0" role="region" aria-label="Every option">
            <table class="fit-table" id=format!("{prefix}fit-table") data-testid=format!("{prefix}fit-table")>
                <thead>
                    <tr>
                        <th scope="col">"Option"</th>
                        <th scope="col">"Mode"</th>
                        <th scope="col" class="num"><Term id="estimated">"Usable"</Term></th>
                        <th scope="col"><Term id="headroom">"Headroom"</Term></th>
                        <th scope="col" class="num"><Term id="per-host">"Per host"</Term></th>
                        <th scope="col" class="num">"Speed"</th>
                        <th scope="col" class="num">"Throughput"</th>
                        <th scope="col"><span class="visually-hidden">"Details"</span></th>
                    </tr>
                </thead>
                <tbody>
                    <For each=keys key=|k| k.clone() let:key>
                        <FitRow rows=rows key=key mine=mine units=units prefix=prefix/>
                    </For>
                </tbody>
            </table>
        </div>
        <Show when=move || { hidden() > 0 }>
            <p class="fit-more">
                <ToggleButton
                    open=every
                    testid=format!("{prefix}fit-every-option")
                    controls=format!("{prefix}fit-table")
                    label=Signal::derive(move || {
                        if every.get() {
                            "Show the short list".to_string()
                        } else {
                            let n = hidden();
                            format!("Show {n} more option{}", if n == 1 { "" } else { "s" })
                        }
                    })
                />
            </p>
        </Show>
        <Show when=move || has_multi.get()>
            // The split at a glance: GPUs × memory on each against one GPU's memory.
            <div class="multi-chart" data-testid=format!("{prefix}multi-chart")>
                <p class="multi-chart-title">"Split as an engine runs it: GPUs needed, and the memory on each"</p>
                {move || {
                    let u = units.get();
                    let ids = mine.get();
                    fits.with(|x| {
                        x.as_ref()
                            .map(|f| {
                                // The user's GPUs first.
                                let yours = |m: &&MultiGpu| ids.contains(&m.gpu_id);
                                f.multi_gpu
                                    .iter()
                                    .filter(yours)
                                    .chain(f.multi_gpu.iter().filter(|m| !yours(m)))
                                    .take(8)
                                    .map(|m| {
                                        let used = if m.capacity == 0 { 100.0 } else { m.per_gpu as f64 * 100.0 / m.capacity as f64 };
                                        let name = m.gpu_name.trim_start_matches("NVIDIA ").to_string();
                                        let words = format!("{} of {}", format_bytes(m.per_gpu, u), format_bytes(m.capacity, u));
                                        let mine = ids.contains(&m.gpu_id);
                                        view! {
                                            <div class="multi-bar">
                                                <span class="multi-count">
                                                    {format!("{} × {name}", m.gpus)}
                                                    {mine.then_some(view! { <span class="badge yours">"Yours"</span> })}
                                                </span>
                                                <div class="meter meter-fits" role="img" aria-label=format!("{} GPUs, {words} each", m.gpus)>
                                                    <div class="fill" style:width=format!("{:.1}%", used.min(100.0))></div>
                                                </div>
                                                <span class="multi-words">{words}</span>
                                            </div>
                                        }
                                    })
                                    .collect_view()
                            })
                    })
                }}
            </div>
            <details
                class="multi"
                open=move || none_fit.get()
                data-testid=format!("{prefix}multi-gpu")
                on:toggle=move |ev| {
                    if let Some(el) = ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) {
                        multi_open.set(el.has_attribute("open"));
                    }
                }
            >
                <summary>{move || split_words().0}</summary>
                <p class="hint">{move || split_words().1}</p>
                // Built while open: closed, a keystroke does not rewrite a row per GPU.
                <Show when=move || multi_open.get() || none_fit.get()>
                    <div class="scroll-x" tabindex="0" role="region" aria-label="GPU counts">
                        <table class="multi-table">
                            <thead>
                                <tr>
                                    <th scope="col">"GPU"</th>
                                    <th scope="col" class="num">"GPUs"</th>
                                    <th scope="col">"Layout"</th>
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
                                <For each=multi_keys key=|k| k.clone() let:gpu>
                                    <MultiRow fits=fits gpu=gpu mine=mine units=units prefix=prefix/>
                                </For>
                            </tbody>
                        </table>
                    </div>
                </Show>
            </details>
        </Show>
        </BelowFold>
        <ul class="notes">{words::FIT_RULES.map(|n| view! { <li>{n}</li> }).collect_view()}</ul>
    }
}

/// Capacity against need for the user's GPUs and the recommendations: a bar per
/// option, to one scale, the demand and its margin drawn inside the capacity.
/// Each bar's words are its text equivalent (the drawing is hidden from screen
/// readers).
#[component]
fn FitsChart(
    fits: Memo<Option<Fits>>,
    fleet: Memo<Vec<FleetAnswer>>,
    units: Signal<ByteUnits>,
    prefix: &'static str,
) -> impl IntoView {
    let bars = Memo::new(move |_| {
        fleet.with(|m| {
            fits.with(|x| {
                x.as_ref()
                    .map(|f| (chart::fit_bars(f, m), f.demand.total, f.needed))
                    .unwrap_or_default()
            })
        })
    });
    move || {
        let u = units.get();
        let (bars, demand, needed) = bars.get();
        if bars.is_empty() {
            return None;
        }
        let scale = chart::scale(bars.iter().map(|b| b.capacity).chain([needed]));
        let x = move |bytes: u64| format!("{:.1}", bytes as f64 * 1000.0 / scale as f64);
        let rows = bars
            .into_iter()
            .enumerate()
            .map(|(i, b)| {
                let state = match b.status {
                    FitStatus::Fits => "fits",
                    FitStatus::Tight => "tight",
                    FitStatus::TooSmall => "small",
                };
                let mut who: Vec<String> = Vec::new();
                if b.mine {
                    who.push("your GPU".into());
                }
                who.extend(b.recommended.iter().map(|r| r.to_lowercase()));
                let tag = if who.is_empty() { String::new() } else { format!(" · {}", who.join(", ")) };
                let shown_demand = demand.min(b.capacity);
                let over = demand.saturating_sub(b.capacity);
                view! {
                    <li class=format!("fit-bar fit-bar-{state}") data-testid=format!("{prefix}fit-bar-{i}")>
                        <span class="fit-bar-label">{b.label}<span class="fit-bar-tag">{tag}</span></span>
                        <svg class="fit-bar-svg" viewBox="0 0 1000 20" preserveAspectRatio="none" aria-hidden="true">
                            <rect class="bar-track" x="0" y="0" width=x(b.capacity) height="20"></rect>
                            <rect class="bar-demand" x="0" y="3" width=x(shown_demand) height="14"></rect>
                            <rect class="bar-over" x=x(b.capacity) y="3" width=x(over) height="14"></rect>
                            <rect class="bar-margin" x=x(demand) y="3" width=x(needed.saturating_sub(demand)) height="14"></rect>
                            <line class="bar-cap" x1=x(b.capacity) x2=x(b.capacity) y1="0" y2="20"></line>
                        </svg>
                        <span class="fit-bar-words">{words::fit_bar(b.capacity, demand, needed, u)}</span>
                    </li>
                }
            })
            .collect_view();
        Some(view! {
            <figure class="fit-chart" data-testid=format!("{prefix}fit-chart")>
                <figcaption>
                    "Capacity against need: "
                    <span class="key key-demand" aria-hidden="true"></span>"demand "
                    <span class="key key-margin" aria-hidden="true"></span>"margin "
                    <span class="key key-cap" aria-hidden="true"></span>"usable capacity, to one scale"
                </figcaption>
                <ul class="fit-bars">{rows}</ul>
            </figure>
        })
    }
}

/// One GPU as the instances of an option: a slot per instance with one copy's
/// demand filled in, the GPU's memory as the track. The words say the same.
#[component]
fn GpuSlotsChart(slots: GpuSlots, units: Signal<ByteUnits>, testid: String) -> impl IntoView {
    let shown = slots.instances.min(64);
    let scale = chart::scale([
        slots.gpu_memory,
        slots.slot.saturating_mul(u64::from(shown)),
    ]);
    let x = move |bytes: u64| bytes as f64 * 1000.0 / scale as f64;
    let slot_w = x(slots.slot);
    let used_w = x(slots.demand.min(slots.slot));
    let cells = (0..shown)
        .map(|j| {
            let x0 = f64::from(j) * slot_w;
            view! {
                <rect class="slot" x=format!("{x0:.1}") y="2" width=format!("{slot_w:.1}") height="20"></rect>
                <rect class="slot-used" x=format!("{x0:.1}") y="6" width=format!("{used_w:.1}") height="12"></rect>
            }
        })
        .collect_view();
    let g = slots.clone();
    let words = move || words::gpu_slots(g.instances, g.gpu_memory, g.slot, g.demand, units.get());
    view! {
        <div class="gpu-slots" data-testid=testid>
            <svg viewBox="0 0 1000 24" preserveAspectRatio="none" aria-hidden="true">
                <rect class="slots-gpu" x="0" y="0" width=format!("{:.1}", x(slots.gpu_memory)) height="24"></rect>
                {cells}
            </svg>
            <p class="gpu-slots-words">{words}</p>
        </div>
    }
}

/// What one row of the table shows, in the units on show.
#[derive(Clone, Debug, Default, PartialEq)]
struct RowText {
    status: &'static str,
    badges: Vec<&'static str>,
    usable: String,
    usable_exact: String,
    estimated: bool,
    used_percent: String,
    used_label: String,
    headroom: String,
    per_gpu: String,
    per_host: String,
    time_slice: String,
    speed: [String; 2],
}

impl RowText {
    fn of(i: usize, o: &FitOption, f: &Fits, u: ByteUnits) -> RowText {
        let used = if o.capacity == 0 {
            100.0
        } else {
            (f.demand.total as f64 * 100.0 / o.capacity as f64).min(100.0)
        };
        RowText {
            status: match o.status {
                FitStatus::Fits => "fits",
                FitStatus::Tight => "tight",
                FitStatus::TooSmall => "small",
            },
            badges: f
                .recommendations
                .iter()
                .filter(|r| r.option == i)
                .map(|r| r.kind.label())
                .collect(),
            usable: format_bytes(o.capacity, u),
            usable_exact: format!("{} — {}", format_bytes_exact(o.capacity), o.capacity_note),
            estimated: matches!(o.basis, CapacityBasis::Estimated | CapacityBasis::Nominal),
            used_percent: format!("{used:.1}%"),
            used_label: format!("{used:.0} % used"),
            headroom: if o.headroom >= 0 {
                format!(
                    "{} free ({:.0} %)",
                    format_bytes(o.headroom as u64, u),
                    o.headroom_percent
                )
            } else {
                format!("{} short", format_bytes(o.headroom.unsigned_abs(), u))
            },
            per_gpu: o.per_gpu.to_string(),
            per_host: if o.status == FitStatus::TooSmall {
                "—".to_string()
            } else {
                group_digits(u64::from(o.per_host))
            },
            time_slice: o
                .time_slice_ms
                .map_or_else(|| "—".to_string(), |ms| format!("{ms} ms")),
            speed: o
                .speed
                .as_ref()
                .map_or_else(|| ["—".to_string(), "—".to_string()], words::speed_cells),
        }
    }
}

/// One option of the table. Its text is one memo (so the options do not each
/// watch the whole answer many times over); each cell follows its part of it.
#[component]
fn FitRow(
    rows: Rows,
    key: String,
    mine: Memo<Vec<String>>,
    units: Signal<ByteUnits>,
    prefix: &'static str,
) -> impl IntoView {
    // What does not change while the row is there: the option's names and test id.
    let fixed = rows.fits.with_untracked(|x| {
        x.as_ref()
            .and_then(|f| f.options.iter().find(|o| option_key(o) == key))
            .map(|o| {
                (
                    option_testid(o),
                    o.gpu_name.clone(),
                    o.profile.clone(),
                    o.mode.label(),
                    o.gpu_id.clone(),
                )
            })
    });
    let (testid, gpu_name, profile, mode, gpu_id) = fixed.unwrap_or_default();
    // The row's "Why" button names its option among the table's others.
    let about = match &profile {
        Some(p) => format!("{gpu_name} · {p} · {mode}"),
        None => format!("{gpu_name} · {mode}"),
    };
    let yours = Memo::new(move |_| mine.with(|m| m.contains(&gpu_id)));
    let Rows { fits, index } = rows;
    let key_for_reason = key.clone();
    let text = Memo::new(move |_| {
        let u = units.get();
        index
            .with(|ix| ix.get(&key).copied())
            .and_then(|i| {
                fits.with(|x| {
                    x.as_ref()
                        .and_then(|f| f.options.get(i).map(|o| RowText::of(i, o, f, u)))
                })
            })
            .unwrap_or_default()
    });
    let cell = move |f: fn(&RowText) -> String| move || text.with(f);
    // Why it fits or not, per GPU and time slice: in a row of its own, opened on
    // demand, so that the table keeps the decision columns in view and a keystroke
    // does not rewrite a paragraph per option.
    let open = RwSignal::new(false);
    let reason = Signal::derive(move || {
        index
            .with(|ix| ix.get(&key_for_reason).copied())
            .and_then(|i| {
                fits.with(|x| {
                    x.as_ref()
                        .and_then(|f| f.options.get(i).map(|o| words::reason(o, f, units.get())))
                })
            })
            .unwrap_or_default()
    });
    let why_id = format!("{prefix}{testid}-why");
    let detail_id = format!("{prefix}{testid}-detail");
    view! {
        <tr
            class=move || text.with(|t| format!("status-{}", t.status))
            class:recommended=move || text.with(|t| !t.badges.is_empty())
            class:yours=move || yours.get()
            data-testid=format!("{prefix}{testid}")
        >
            <td>
                <span class="gpu">{gpu_name}</span>
                {profile.map(|p| view! { <span class="profile">{p}</span> })}
                {move || yours.get().then_some(view! { <span class="badge yours">"Yours"</span> })}
                {move || text.with(|t| t.badges.iter().map(|b| view! { <span class="badge">{*b}</span> }).collect_view())}
            </td>
            <td>{mode}</td>
            <td class="num" title=cell(|t| t.usable_exact.clone())>
                {cell(|t| t.usable.clone())}
                {move || text.with(|t| t.estimated).then_some(view! { <span class="est" title=ESTIMATED>"≈"</span> })}
            </td>
            <td class="headroom">
                <div class=move || text.with(|t| format!("meter meter-{}", t.status)) role="img" aria-label=cell(|t| t.used_label.clone())>
                    <div class="fill" style:width=cell(|t| t.used_percent.clone())></div>
                </div>
                <span class="headroom-text">{cell(|t| t.headroom.clone())}</span>
            </td>
            <td class="num" data-testid=format!("{prefix}{testid}-per-host")>{cell(|t| t.per_host.clone())}</td>
            <td class="num speed-cell" data-testid=format!("{prefix}{testid}-speed")>{cell(|t| t.speed[0].clone())}</td>
            <td class="num" data-testid=format!("{prefix}{testid}-throughput")>{cell(|t| t.speed[1].clone())}</td>
            <td class="more">
                <ToggleButton
                    open=open
                    testid=format!("{prefix}{testid}-more")
                    controls=detail_id.clone()
                    label=Signal::derive(move || if open.get() { "Less" } else { "Why" }.to_string())
                    about=about
                />
            </td>
        </tr>
        <tr class="fit-detail" id=detail_id class:hidden=move || !open.get()>
            <td colspan="8">
                <Show when=move || open.get()>
                    <p class="why" data-testid=why_id.clone()>{reason}</p>
                    <p class="hint">
                        {cell(|t| format!("{} per GPU", t.per_gpu))}
                        {move || {
                            text.with(|t| {
                                (t.time_slice != "—")
                                    .then(|| view! { " · " <Term id="time-slice">"time slice"</Term> {format!(" {}", t.time_slice)} })
                            })
                        }}
                    </p>
                </Show>
            </td>
        </tr>
    }
}

/// One GPU of the multi-GPU table.
#[component]
fn MultiRow(
    fits: Memo<Option<Fits>>,
    gpu: String,
    mine: Memo<Vec<String>>,
    units: Signal<ByteUnits>,
    prefix: &'static str,
) -> impl IntoView {
    let row = {
        let gpu = gpu.clone();
        Memo::new(move |_| {
            fits.with(|x| {
                x.as_ref()
                    .and_then(|f| f.multi_gpu.iter().find(|m| m.gpu_id == gpu).cloned())
            })
        })
    };
    let cell = move |f: fn(&MultiGpu) -> String| move || row.with(|m| m.as_ref().map(f));
    let fb = move |b: u64| format_bytes(b, units.get());
    let per_gpu = move || {
        row.with(|m| {
            m.as_ref()
                .map(|m| format!("{} of {}", fb(m.per_gpu), fb(m.capacity)))
        })
    };
    let speed = |m: &MultiGpu| {
        m.speed
            .as_ref()
            .map_or_else(|| "—".to_string(), |s| words::speed_cells(s)[0].clone())
    };
    let yours = {
        let gpu = gpu.clone();
        Memo::new(move |_| mine.with(|m| m.contains(&gpu)))
    };
    let layout = |m: &MultiGpu| words::layout_short(m.layout);
    let note = |m: &MultiGpu| match words::rounding(m.fewest, m.rounding) {
        Some(why) => format!("{why} {}", m.note),
        None => m.note.clone(),
    };
    let amount = |m: &MultiGpu| {
        m.speed
            .as_ref()
            .map_or_else(|| "—".to_string(), |s| words::speed_cells(s)[1].clone())
    };
    view! {
        <tr data-testid=format!("{prefix}multi-{gpu}")>
            <td>
                {cell(|m| m.gpu_name.clone())}
                {move || yours.get().then_some(view! { <span class="badge yours">"Yours"</span> })}
            </td>
            <td class="num">{cell(|m| m.gpus.to_string())}</td>
            <td class="nowrap" data-testid=format!("{prefix}multi-{gpu}-layout")>{cell(layout)}</td>
            <td class="num">{per_gpu}</td>
            <td class="num">{cell(|m| m.hosts.to_string())}</td>
            <td>{cell(|m| m.interconnect.clone())}</td>
            <td class="num speed-cell" data-testid=format!("{prefix}multi-{gpu}-speed")>{cell(speed)}</td>
            <td class="num">{cell(amount)}</td>
            <td class="num" data-testid=format!("{prefix}multi-{gpu}-target")>
                {cell(|m| m.target_gpus.map_or_else(|| "—".to_string(), |n| format!("met with {n} GPUs")))}
            </td>
            <td class="why">{cell(note)}</td>
        </tr>
    }
}
