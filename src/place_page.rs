//! The placement page: a cluster of host groups, VMs in arrival order, and how
//! vSphere would place them — each GPU drawn as a bar of its memory with the VMs
//! placed, the memory still usable and what is stranded; random orders run in
//! slices with progress and cancel.

use std::cell::RefCell;
use std::rc::Rc;

use leptos::prelude::*;
use reactive_stores::Field;
use sizing::place::form::{ClusterForm, GroupForm, RequestForm};
use sizing::place::monte_carlo::{MonteCarlo, Stats, Summary};
use sizing::place::{Cluster, GpuMode, GpuResult, Placement, Policy, gb_words as gb, request_for};
use sizing::report::size;
use sizing::scenario::FieldError;

use crate::bind::{ChoiceBinding, TextBinding};
use crate::browser::slices::{SliceOptions, SliceRun, run_in_slices};
use crate::saved::saved_scenarios;
use crate::state::{InputsStoreFields, Shared};
use crate::widgets::{Choice, TextField, options};

/// Most lines of failures listed.
const SHOWN_FAILURES: usize = 12;
/// Most GPUs drawn; the rest are summed up in words.
const DRAWN: usize = 48;
/// Colours of the request lines, in turn.
const PALETTE: [&str; 8] = [
    "#2f6fdf", "#e07b28", "#2a9d63", "#a64dc9", "#c23b5b", "#1b9aaa", "#8a6d1d", "#5c6bc0",
];

fn error_at(errors: Signal<Vec<FieldError>>, path: String) -> Signal<Option<String>> {
    Signal::derive(move || errors.with(|e| FieldError::at(e, &path).map(str::to_string)))
}

fn text_at(
    form: Field<ClusterForm>,
    errors: Signal<Vec<FieldError>>,
    path: String,
    get: impl Fn(&ClusterForm) -> String + Send + Sync + 'static,
    set: impl Fn(&mut ClusterForm, String) + Send + Sync + 'static,
) -> TextBinding {
    (
        Signal::derive(move || form.with(&get)),
        Callback::new(move |v: String| form.update(|f| set(f, v))),
        error_at(errors, path),
        Signal::stored(None),
    )
}

fn choice_at(
    form: Field<ClusterForm>,
    get: impl Fn(&ClusterForm) -> String + Send + Sync + 'static,
    set: impl Fn(&mut ClusterForm, String) + Send + Sync + 'static,
) -> ChoiceBinding {
    (
        Signal::derive(move || form.with(&get)),
        Callback::new(move |v: String| form.update(|f| set(f, v))),
    )
}

#[component]
pub fn PlacementPage() -> impl IntoView {
    let shared = Shared::expect();
    let form: Field<ClusterForm> = shared.inputs.cluster().into();
    let placement = shared.placement;
    let errors =
        Signal::derive(move || placement.with(|p| p.as_ref().err().cloned().unwrap_or_default()));
    let groups = Memo::new(move |_| form.with(|f| f.groups.len()));
    let requests = Memo::new(move |_| form.with(|f| f.requests.len()));
    let gpu_options = Signal::derive(move || {
        shared.catalog.catalog.with(|c| {
            c.gpus
                .iter()
                .map(|g| (g.id.clone(), g.name.clone()))
                .collect::<Vec<_>>()
        })
    });
    let load = move |c: Cluster| form.set(c.to_form());
    let from_saved_status = RwSignal::new(String::new());
    // Each saved scenario's detailed option, as VMs of its vGPU type or whole
    // GPUs, with their devices per VM.
    let add_saved = move |_| {
        let scenarios = saved_scenarios();
        let mut added = Vec::new();
        let mut skipped = 0;
        shared.catalog.catalog.with_untracked(|cat| {
            for s in &scenarios {
                match size(s, cat).ok().and_then(|r| r.deploy) {
                    Some(sheet) => {
                        for r in request_for(&sheet) {
                            added.push((s.name.clone(), r));
                        }
                    }
                    None => skipped += 1,
                }
            }
        });
        from_saved_status.set(match (added.len(), skipped) {
            (0, 0) => "No saved scenarios yet: save one on a workload page first.".to_string(),
            (n, 0) => format!(
                "Added {n} request lines from saved scenarios: {}.",
                added
                    .iter()
                    .map(|(name, r)| match r.devices() {
                        1 => format!("{name} → {}", r.profile),
                        n => format!("{name} → {} × {n} in one VM", r.profile),
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            (n, k) => {
                format!("Added {n} request lines; {k} saved scenarios have no option to deploy.")
            }
        });
        form.update(|f| {
            f.requests
                .extend(added.into_iter().map(|(_, r)| RequestForm {
                    devices: r.devices().to_string(),
                    profile: r.profile,
                    count: r.count.to_string(),
                }));
        });
    };
    let list_error = move |path: &'static str| error_at(errors, path.to_string());
    let (groups_error, requests_error) =
        (list_error("cluster.groups"), list_error("cluster.requests"));

    let group_row = move |i: usize| {
        let g = move |f: &ClusterForm| f.groups.get(i).cloned();
        let at = move |m: &str| format!("cluster.groups[{i}].{m}");
        let set = move |f: &mut ClusterForm, apply: &dyn Fn(&mut GroupForm)| {
            if let Some(x) = f.groups.get_mut(i) {
                apply(x)
            }
        };
        let gpu_error = error_at(errors, at("gpu"));
        let mode_error = error_at(errors, at("mode"));
        view! {
            <fieldset class="place-row" data-testid=format!("place-group-{i}")>
                <legend>{format!("Host group {}", i + 1)}</legend>
                <TextField id=format!("place-group-{i}-hosts") label="Hosts" field=text_at(form, errors, at("hosts"),
                    move |f| g(f).map(|x| x.hosts).unwrap_or_default(),
                    move |f, v| set(f, &|x| x.hosts = v.clone()))/>
                <div class="field">
                    <Choice id=format!("place-group-{i}-gpu") label="GPU" options=gpu_options field=choice_at(form,
                        move |f| g(f).map(|x| x.gpu).unwrap_or_default(),
                        move |f, v| set(f, &|x| x.gpu = v.clone()))/>
                    <p class="error" role="alert">{move || gpu_error.get().unwrap_or_default()}</p>
                </div>
                <TextField id=format!("place-group-{i}-gpus") label="GPUs per host" field=text_at(form, errors, at("gpus_per_host"),
                    move |f| g(f).map(|x| x.gpus_per_host).unwrap_or_default(),
                    move |f, v| set(f, &|x| x.gpus_per_host = v.clone()))/>
                <div class="field">
                    <Choice id=format!("place-group-{i}-mode") label="GPU mode" options=options(&GpuMode::ALL, GpuMode::id, GpuMode::label) field=choice_at(form,
                        move |f| g(f).map_or(GpuMode::default(), |x| x.mode).id().to_string(),
                        move |f, v| set(f, &|x| x.mode = GpuMode::from_id(&v).unwrap_or_default()))/>
                    <p class="error" role="alert">{move || mode_error.get().unwrap_or_default()}</p>
                </div>
                <Choice id=format!("place-group-{i}-policy") label="Assignment policy (same size)" options=options(&Policy::ALL, Policy::id, Policy::label) field=choice_at(form,
                    move |f| g(f).map_or(Policy::default(), |x| x.policy).id().to_string(),
                    move |f, v| set(f, &|x| x.policy = Policy::from_id(&v).unwrap_or_default()))/>
                <button type="button" class="remove" data-testid=format!("place-group-{i}-remove")
                    disabled=move || groups.get() <= 1
                    on:click=move |_| form.update(|f| { if f.groups.len() > 1 { f.groups.remove(i); } })>"Remove"</button>
            </fieldset>
        }
    };
    let request_row = move |j: usize| {
        let q = move |f: &ClusterForm| f.requests.get(j).cloned();
        let set = move |f: &mut ClusterForm, apply: &dyn Fn(&mut RequestForm)| {
            if let Some(x) = f.requests.get_mut(j) {
                apply(x)
            }
        };
        view! {
            <div class="place-row" data-testid=format!("place-request-{j}")>
                <TextField id=format!("place-request-{j}-profile") label="Profile" inputmode="text"
                    hint="A vGPU type or its size (20C), a MIG profile (3g.40gb), or passthrough."
                    field=text_at(form, errors, format!("cluster.requests[{j}].profile"),
                        move |f| q(f).map(|x| x.profile).unwrap_or_default(),
                        move |f, v| set(f, &|x| x.profile = v.clone()))/>
                <TextField id=format!("place-request-{j}-count") label="VMs" field=text_at(form, errors, format!("cluster.requests[{j}].count"),
                    move |f| q(f).map(|x| x.count).unwrap_or_default(),
                    move |f, v| set(f, &|x| x.count = v.clone()))/>
                <TextField id=format!("place-request-{j}-devices") label="Devices per VM"
                    hint="Each on a GPU of its own, all in one host."
                    field=text_at(form, errors, format!("cluster.requests[{j}].devices"),
                        move |f| q(f).map(|x| x.devices).unwrap_or_default(),
                        move |f, v| set(f, &|x| x.devices = v.clone()))/>
                <button type="button" class="remove" data-testid=format!("place-request-{j}-remove")
                    disabled=move || requests.get() <= 1
                    on:click=move |_| form.update(|f| { if f.requests.len() > 1 { f.requests.remove(j); } })>"Remove"</button>
            </div>
        }
    };

    view! {
        <section class="inputs place-inputs" aria-label="Cluster">
            <p class="hint">
                "Can the cluster start these VMs, and what does placement strand? VMs arrive in the order listed; "
                "DRS picks the host with the fewest VMs, the host's policy picks the GPU (same-size mode), "
                "mixed-size vGPUs start at their placement IDs, MIG instances at their allowed slices. Sizes are nominal GB."
            </p>
            <div class="actions">
                "Examples: "
                <button type="button" data-testid="place-example-spread" on:click=move |_| load(Cluster::spread_example(Policy::Spread))>"Spread: 10, 10, 20 GB on two 80 GB GPUs"</button>
                <button type="button" data-testid="place-example-group" on:click=move |_| load(Cluster::spread_example(Policy::Group))>"Group: the same VMs"</button>
                <button type="button" data-testid="place-example-mixed" on:click=move |_| load(Cluster::mixed_example())>"Mixed size: 8C, 10C, 20C in random orders"</button>
            </div>
            <h2>"Hosts"</h2>
            <For each=move || 0..groups.get() key=|i| *i children=group_row/>
            <p class="error" role="alert">{move || groups_error.get().unwrap_or_default()}</p>
            <button type="button" data-testid="place-add-group" on:click=move |_| form.update(|f| {
                let last = f.groups.last().cloned().unwrap_or_else(|| GroupForm::of(&Default::default()));
                f.groups.push(last);
            })>"Add host group"</button>
            <h2>"VMs, in arrival order"</h2>
            <For each=move || 0..requests.get() key=|j| *j children=request_row/>
            <p class="error" role="alert">{move || requests_error.get().unwrap_or_default()}</p>
            <button type="button" data-testid="place-add-request" on:click=move |_| form.update(|f| {
                f.requests.push(RequestForm { profile: "10C".into(), count: "1".into(), devices: "1".into() });
            })>"Add VMs"</button>
            " "
            <button type="button" data-testid="place-add-saved" on:click=add_saved>"Add the options of saved scenarios"</button>
            <p class="hint" role="status" data-testid="place-saved-status">{move || from_saved_status.get()}</p>
            <h2>"Random orders"</h2>
            <div class="fit-controls">
                <TextField id="place-orders" label="Orders to try" hint="0 places the VMs only in the order listed." field=text_at(form, errors, "cluster.orders".into(), |f| f.orders.clone(), |f, v| f.orders = v)/>
                <TextField id="place-seed" label="Seed" field=text_at(form, errors, "cluster.seed".into(), |f| f.seed.clone(), |f, v| f.seed = v)/>
            </div>
        </section>
        <section class="results" aria-label="Placement">
            <div class="card" data-testid="place-result">
                <h2>"In the order listed"</h2>
                {move || match placement.get() {
                    Err(e) => view! {
                        <p class="hint" data-testid="place-none">{format!("Correct the fields on the left ({} to fix) to see the placement.", e.len())}</p>
                    }.into_any(),
                    Ok(p) => view! { <PlacementView placement=p.listed prefix="place-"/> }.into_any(),
                }}
            </div>
            <MonteCarloCard/>
        </section>
    }
}

#[component]
fn PlacementView(placement: Placement, prefix: &'static str) -> impl IntoView {
    let p = placement;
    let failures = p.failures();
    let more = failures.len().saturating_sub(SHOWN_FAILURES);
    view! {
        <p data-testid=format!("{prefix}summary")>
            <strong>{format!("{} placed, {} cannot start", p.placed, p.failed)}</strong>
            {format!(
                " — {} used, {} still usable, {} stranded of {}; {:.2} VMs per GPU{}.",
                gb(p.used_gb), gb(p.free_gb), gb(p.stranded_gb), gb(p.capacity_gb), p.density,
                if p.compute_stranded > 0 { format!("; {} MIG compute slices stranded", p.compute_stranded) } else { String::new() }
            )}
        </p>
        <Bars placement=p prefix=prefix/>
        <ul class="place-failures" data-testid=format!("{prefix}failures")>
            {failures.into_iter().take(SHOWN_FAILURES).map(|f| view! { <li>{f.sentence()}</li> }).collect_view()}
            {(more > 0).then(|| view! { <li>{format!("… and {more} more request lines that cannot start.")}</li> })}
        </ul>
    }
}

/// Each GPU as a bar of its memory: placed VMs in their request's colour, memory a
/// requested VM could still use outlined, stranded memory hatched; MIG GPUs also
/// show their compute slices.
#[component]
fn Bars(placement: Placement, prefix: &'static str) -> impl IntoView {
    let p = placement;
    let drawn: Vec<&GpuResult> = p.gpus.iter().take(DRAWN).collect();
    let max_cap = drawn.iter().map(|g| g.capacity_gb).fold(1.0, f64::max);
    // With several host groups, each GPU's label names its group ("G2 · H1 · GPU 1").
    let groups = p.gpus.iter().any(|g| g.group > 0);
    let (left, width, row) = (if groups { 124.0 } else { 96.0 }, 520.0, 34.0);
    let scale = width / max_cap;
    let height = row * drawn.len() as f64 + 12.0;
    let summary = format!(
        "{} GPUs drawn of {}: {} used, {} still usable, {} stranded.",
        drawn.len(),
        p.gpus.len(),
        gb(p.used_gb),
        gb(p.free_gb),
        gb(p.stranded_gb)
    );
    let hatch = format!("url(#{prefix}hatch)");
    let bars = drawn
        .iter()
        .enumerate()
        .map(|(k, g)| {
            let hatch = hatch.clone();
            let y = 8.0 + row * k as f64;
            let cap_w = g.capacity_gb * scale;
            let blocks = g
                .blocks
                .iter()
                .map(|b| {
                    let label = format!("{} at {} ({})", p.profiles[b.request as usize], gb(b.start_gb), gb(b.size_gb));
                    view! {
                        <rect class="vm" stroke="#ffffff" stroke-width="1" x=left + b.start_gb * scale y=y width=(b.size_gb * scale).max(1.0) height=16.0
                            fill=PALETTE[b.request as usize % PALETTE.len()]><title>{label}</title></rect>
                    }
                })
                .collect_view();
            let usable = g
                .usable
                .iter()
                .map(|&(s, w)| view! { <rect class="usable" x=left + s * scale y=y width=(w * scale).max(1.0) height=16.0/> })
                .collect_view();
            let compute = (g.mode == GpuMode::Mig && g.compute_slices > 0).then(|| {
                let cw = cap_w / f64::from(g.compute_slices);
                let used = g
                    .blocks
                    .iter()
                    .filter_map(|b| b.compute.map(|(s, n)| (s, n, b.request)))
                    .map(|(s, n, r)| view! {
                        <rect x=left + f64::from(s) * cw y=y + 18.0 width=f64::from(n) * cw height=6.0 fill=PALETTE[r as usize % PALETTE.len()]/>
                    })
                    .collect_view();
                view! {
                    <rect class="stranded" x=left y=y + 18.0 width=cap_w height=6.0 fill=hatch.clone()/>
                    <rect class="usable" x=left + f64::from(g.compute_used) * cw y=y + 18.0
                        width={ if g.compute_stranded > 0 { 0.0 } else { f64::from(g.compute_slices - g.compute_used) * cw } } height=6.0/>
                    {used}
                }
            });
            view! {
                <g data-testid=format!("{prefix}gpu-{k}")>
                    <text x=0.0 y=y + 12.0 class="label">{
                        if groups {
                            format!("G{} · H{} · GPU {}", g.group + 1, g.host + 1, g.index + 1)
                        } else {
                            format!("H{} · GPU {}", g.host + 1, g.index + 1)
                        }
                    }</text>
                    <rect class="stranded" x=left y=y width=cap_w height=16.0 fill=hatch.clone()><title>{format!("{} stranded", gb(g.stranded_gb))}</title></rect>
                    {usable}
                    {blocks}
                    <rect class="outline" x=left y=y width=cap_w height=16.0/>
                    {compute}
                </g>
            }
        })
        .collect_view();
    let legend = p
        .profiles
        .iter()
        .enumerate()
        .map(|(i, name)| view! { <li><svg class="swatch" viewBox="0 0 10 10" aria-hidden="true"><rect width="10" height="10" fill=PALETTE[i % PALETTE.len()]/></svg>{name.clone()}</li> })
        .collect_view();
    view! {
        <figure class="place-bars">
            <svg role="img" aria-label=summary.clone() data-testid=format!("{prefix}bars") viewBox=format!("0 0 {} {height}", left + width + 8.0) width="100%">
                <defs>
                    <pattern id=format!("{prefix}hatch") width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
                        <rect width="6" height="6" fill="#fef3f2"/>
                        <line x1="0" y1="0" x2="0" y2="6" class="hatch-line"/>
                    </pattern>
                </defs>
                {bars}
            </svg>
            <figcaption>
                <ul class="legend">{legend}
                    <li><span class="swatch usable-swatch"></span>"free, usable by a requested VM"</li>
                    <li><span class="swatch stranded-swatch"></span>"stranded"</li>
                </ul>
                <p class="hint">{summary}{(p.gpus.len() > DRAWN).then(|| format!(" The first {DRAWN} are drawn."))}</p>
            </figcaption>
        </figure>
    }
}

/// Random arrival orders, run in slices: progress, cancel, min / median / max.
#[component]
fn MonteCarloCard() -> impl IntoView {
    let shared = Shared::expect();
    let placement = shared.placement;
    let progress = RwSignal::new((0u32, 0u32));
    let running = RwSignal::new(false);
    let summary: RwSignal<Option<(Summary, bool)>> = RwSignal::new(None);
    let handle: StoredValue<Option<SliceRun>, LocalStorage> = StoredValue::new_local(None);
    let current: StoredValue<Option<Rc<RefCell<MonteCarlo>>>, LocalStorage> =
        StoredValue::new_local(None);
    let orders = Memo::new(move |_| placement.with(|p| p.as_ref().map_or(0, |p| p.plan.orders)));
    let stop = move || {
        if let Some(h) = handle.get_value() {
            h.cancel();
        }
        handle.set_value(None);
        running.set(false);
    };
    // A changed cluster makes an earlier run's answer stale.
    Effect::watch(
        move || placement.track(),
        move |_, _, _| {
            stop();
            summary.set(None);
            progress.set((0, 0));
        },
        false,
    );
    let start = move |_| {
        let Some(plan) = placement.with_untracked(|p| p.as_ref().ok().map(|p| p.plan.clone()))
        else {
            return;
        };
        stop();
        let total = plan.orders.max(1);
        let mc = Rc::new(RefCell::new(MonteCarlo::new(plan, total)));
        current.set_value(Some(mc.clone()));
        progress.set((0, total));
        summary.set(None);
        running.set(true);
        let run = run_in_slices(
            move || {
                let mut mc = mc.borrow_mut();
                mc.step(4);
                progress.set((mc.done(), mc.total()));
                let done = mc.finished();
                if done {
                    summary.set(mc.summary().map(|s| (s, false)));
                    running.set(false);
                }
                !done
            },
            SliceOptions::default(),
        );
        handle.set_value(Some(run));
    };
    let cancel = move |_| {
        stop();
        // What the orders run so far give.
        let partial = current.with_value(|c| c.as_ref().and_then(|mc| mc.borrow().summary()));
        summary.set(partial.map(|s| (s, true)));
    };
    let stats = |label: &'static str, s: Stats, unit: bool| {
        let f = move |x: f64| if unit { gb(x) } else { format!("{x}") };
        view! { <tr><th scope="row">{label}</th><td>{f(s.min)}</td><td>{f(s.median)}</td><td>{f(s.max)}</td></tr> }
    };
    view! {
        <div class="card" data-testid="place-mc">
            <h2>"Random orders"</h2>
            <p class="hint">"The same VMs in random arrival orders: how much memory placement silos (free in pieces a VM that fails could have used) and strands, at best, typically and at worst."</p>
            <div class="actions">
                <button type="button" data-testid="place-mc-run" disabled=move || running.get() || orders.get() == 0 on:click=start>
                    {move || match orders.get() {
                        0 => "Set orders to try first".to_string(),
                        n => format!("Run {} random orders", sizing::units::group_digits(n.into())),
                    }}
                </button>
                <button type="button" data-testid="place-mc-cancel" disabled=move || !running.get() on:click=cancel>"Cancel"</button>
                <progress data-testid="place-mc-progress" max=move || progress.get().1.max(1) value=move || progress.get().0></progress>
                <span role="status" data-testid="place-mc-status">{move || {
                    let (done, total) = progress.get();
                    if running.get() { format!("{done} of {total} orders…") }
                    else if total > 0 && done < total { format!("Cancelled after {done} of {total} orders.") }
                    else if total > 0 { format!("{done} orders run.") }
                    else { String::new() }
                }}</span>
            </div>
            {move || summary.get().map(|(s, cancelled)| view! {
                <p class="hint" data-testid="place-mc-basis">{format!("Over {} orders{}.", s.orders, if cancelled { ", cancelled before the end" } else { "" })}</p>
                <div class="scroll-x" tabindex="0" role="region" aria-label="Random orders">
                    <table class="sheet" data-testid="place-mc-table">
                        <thead><tr><th></th><th>"min"</th><th>"median"</th><th>"max"</th></tr></thead>
                        <tbody>
                            {stats("Siloed when a VM failed", s.siloed_gb, true)}
                            {stats("Stranded at the end", s.stranded_gb, true)}
                            {stats("VMs that cannot start", s.failed, false)}
                        </tbody>
                    </table>
                </div>
                <h3>{format!("The worst order (seed {})", s.seed)}</h3>
                <PlacementView placement=s.worst prefix="place-mc-"/>
            })}
        </div>
    }
}
