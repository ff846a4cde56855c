//! The GPU catalog browser: filter and sort GPUs, see one GPU's MIG and vGPU
//! profiles, import a catalog of your own and export the active one.

use leptos::prelude::*;
use sizing::catalog::browse::{SortKey, browse};
use sizing::catalog::form::architectures;
use sizing::catalog::{Catalog, Gpu, Rate, RateStatus, time_slice_ms};

use crate::bind::{ALL, optional};
use crate::browser::download::download;
use crate::browser::file_open::{UseFileOpenOptions, use_file_open};
use crate::state::{BUNDLED, InputsStoreFields, Kept, Shared};
use crate::widgets::{Check, Choice, options};
use reactive_stores::Field;
use sizing::scenario::link::CatalogView;
use sizing::units::count;

fn rate_text(r: Rate) -> String {
    match r {
        Rate::Value(v) => {
            if v.fract() == 0.0 {
                format!("{v:.0}")
            } else {
                format!("{v}")
            }
        }
        Rate::Status(RateStatus::Unsupported) => "—".to_string(),
        Rate::Status(RateStatus::Unknown) => "not published".to_string(),
    }
}

fn opt_num(v: Option<f64>, unit: &str) -> String {
    match v {
        Some(v) if v.fract() == 0.0 => format!("{v:.0} {unit}"),
        Some(v) => format!("{v} {unit}"),
        None => "not published".to_string(),
    }
}

#[component]
pub fn CatalogPage() -> impl IntoView {
    let shared = Shared::expect();
    let active = shared.catalog;
    // A kept catalog whose reader could not be fetched at start: this page's
    // module is here now, so read it again (one this headroom refused was
    // forgotten, and nothing is read).
    if matches!(active.kept.get_untracked(), Kept::Unreadable(..)) {
        active.restore();
    }
    let view: Field<CatalogView> = shared.inputs.catalog().into();
    let import_error = RwSignal::new(Option::<String>::None);
    let import_note = RwSignal::new(Option::<String>::None);
    let paste = RwSignal::new(String::new());

    let import_text = move |name: String, text: String| match Catalog::from_json(&text) {
        Ok(c) => {
            let n = c.gpus.len();
            active.import(name.clone(), &text, c);
            import_error.set(None);
            import_note.set(Some(match active.kept.get_untracked() {
                Kept::NotKept(why) => format!(
                    "Imported {name}: {}. Every fit now uses it until this page is reloaded, as {why}; export it to keep it.",
                    count(n as u64, "GPU", "GPUs")
                ),
                _ => format!(
                    "Imported {name}: {}. Every fit now uses it, on the next visits too, until you go back to the bundled catalog.",
                    count(n as u64, "GPU", "GPUs")
                ),
            }));
            view.update(|v| v.gpu = None);
        }
        Err(e) => {
            import_note.set(None);
            import_error.set(Some(format!(
                "{name} was not imported, the active catalog is unchanged: {e}"
            )));
        }
    };

    let limit = UseFileOpenOptions {
        max_bytes: sizing::catalog::MAX_CATALOG_BYTES as u64,
    };
    let on_file = use_file_open(limit, move |opened| match opened.text {
        Ok(text) => import_text(opened.name, text),
        Err(e) => import_error.set(Some(format!("{} was not read: {e}.", opened.name))),
    });

    let export = move |_| {
        let json = active.catalog.with(Catalog::to_json);
        if let Err(e) = download("headroom-gpu-catalog.json", &json) {
            import_error.set(Some(format!("Export failed: {e}")));
        }
    };

    let query = Memo::new(move |_| view.with(|v| v.query.clone()));
    let list = Memo::new(move |_| {
        query.with(|q| {
            active.catalog.with(|c| {
                browse(c, q)
                    .into_iter()
                    .map(|g| g.id.clone())
                    .collect::<Vec<_>>()
            })
        })
    });
    let current = Memo::new(move |_| {
        let id = view
            .with(|v| v.gpu.clone())
            .or_else(|| list.with(|l| l.first().cloned()))?;
        active.catalog.with(|c| c.gpu(&id).cloned())
    });
    let arch_options = Signal::derive(move || {
        let mut o = vec![(ALL.to_string(), "All".to_string())];
        o.extend(
            active
                .catalog
                .with(architectures)
                .into_iter()
                .map(|a| (a.clone(), a)),
        );
        o
    });

    view! {
        <section class="card catalog-source" aria-label="Active catalog">
            <h2>"Active catalog"</h2>
            <p data-testid="catalog-origin">
                {move || {
                    let n = active.catalog.with(|c| c.gpus.len());
                    let origin = active.origin.get();
                    if origin == BUNDLED {
                        let bundled = format!("Bundled catalog: {n} GPUs with their MIG profiles and vGPU C-series types, each with its sources.");
                        match active.kept.get() {
                            Kept::Reading(name) => format!("{bundled} Reading {name}, imported on an earlier visit…"),
                            Kept::Unreadable(name, why) => format!("{bundled} {name}, imported on an earlier visit, could not be read again: {why}."),
                            _ => bundled,
                        }
                    } else if active.kept.with(|k| *k == Kept::Kept) {
                        format!("Imported catalog {origin}: {} (kept in this browser).", count(n as u64, "GPU", "GPUs"))
                    } else {
                        format!("Imported catalog {origin}: {} (until this page is reloaded).", count(n as u64, "GPU", "GPUs"))
                    }
                }}
            </p>
            <div class="catalog-actions">
                <label class="button">
                    "Import JSON file…"
                    <input type="file" accept=".json,application/json" data-testid="import-file" on:change=on_file class="visually-hidden"/>
                </label>
                <button type="button" data-testid="export" on:click=export>"Export active catalog"</button>
                <button
                    type="button"
                    data-testid="reset-catalog"
                    disabled=move || active.origin.get() == BUNDLED
                    on:click=move |_| {
                        active.reset();
                        import_error.set(None);
                        import_note.set(Some("Back to the bundled catalog.".to_string()));
                    }
                >
                    "Use the bundled catalog"
                </button>
            </div>
            <details class="paste">
                <summary>"…or paste a catalog"</summary>
                <textarea
                    rows="6"
                    data-testid="import-text"
                    aria-label="Catalog JSON to import"
                    aria-invalid=move || import_error.with(|e| e.is_some()).then_some("true")
                    aria-describedby="import-error"
                    spellcheck="false"
                    placeholder="{ \"schema_version\": 1, \"description\": \"…\", \"gpus\": [ … ], \"sources\": [ … ] }"
                    prop:value=move || paste.get()
                    on:input:target=move |ev| paste.set(ev.target().value())
                ></textarea>
                <button type="button" data-testid="import-paste" on:click=move |_| import_text("the pasted catalog".to_string(), paste.get())>
                    "Import pasted JSON"
                </button>
                <p class="hint">
                    "Same schema as the export: start from an exported file, add a GPU or set reserve_mib on a profile to keep memory free in every instance."
                </p>
            </details>
            <p class="error" id="import-error" data-testid="import-error" role="alert">{move || import_error.get().unwrap_or_default()}</p>
            <p class="ok" data-testid="import-note">{move || import_note.get().unwrap_or_default()}</p>
        </section>

        <section class="card" aria-label="GPUs">
            <div class="browse-controls">
                <div class="field">
                    <label for="gpu-search">"Search"</label>
                    <input id="gpu-search" data-testid="gpu-search" type="text" placeholder="e.g. h100 80" prop:value=move || query.with(|q| q.text.clone()) on:input:target=move |ev| view.update(|v| v.query.text = ev.target().value())/>
                </div>
                <Choice id="gpu-arch" label="Architecture" options=arch_options field=optional(view, |v| &v.query.architecture, |v| &mut v.query.architecture)/>
                <Choice
                    id="gpu-form"
                    label="Form factor"
                    options=vec![(ALL, "All".to_string()), ("PCIe", "PCIe".into()), ("SXM", "SXM".into()), ("Superchip", "Superchip".into())]
                    field=optional(view, |v| &v.query.form_class, |v| &mut v.query.form_class)
                />
                <Choice
                    id="gpu-sort"
                    label="Sort by"
                    options=options(&SortKey::ALL, SortKey::id, SortKey::label)
                    field=(
                        Signal::derive(move || query.with(|q| q.sort.id().to_string())),
                        Callback::new(move |id: String| {
                            if let Some(k) = SortKey::from_id(&id) {
                                view.update(|v| v.query.sort = k)
                            }
                        }),
                    )
                />
                <Check
                    testid="gpu-mig-only"
                    label="MIG-capable only"
                    field=(
                        Signal::derive(move || query.with(|q| q.mig_only)),
                        Callback::new(move |on| view.update(|v| v.query.mig_only = on)),
                    )
                />
            </div>
            <div class="table-scroll" tabindex="0" role="region" aria-label="GPU table">
                <table class="gpu-table" data-testid="gpu-table">
                    <thead>
                        <tr>
                            <th scope="col">"GPU"</th>
                            <th scope="col">"Architecture"</th>
                            <th scope="col" class="num" title="As NVIDIA names it: binary gigabytes (1 GB = 1 GiB)">"Memory (as marketed)"</th>
                            <th scope="col" class="num">"Bandwidth"</th>
                            <th scope="col" class="num">"BF16/FP16"</th>
                            <th scope="col" class="num">"FP8"</th>
                            <th scope="col" class="num">"INT8"</th>
                            <th scope="col" class="num">"Power"</th>
                            <th scope="col" class="num">"MIG"</th>
                            <th scope="col" class="num">"vGPU types"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {move || {
                            let ids = list.get();
                            let sel = current.with(|c| c.as_ref().map(|g| g.id.clone()));
                            active
                                .catalog
                                .with(|c| {
                                    ids.iter()
                                        .filter_map(|id| c.gpu(id))
                                        .map(|g| gpu_row(g, sel.as_deref() == Some(g.id.as_str()), view))
                                        .collect_view()
                                })
                        }}
                    </tbody>
                </table>
            </div>
            <p class="hint" data-testid="gpu-count">
                {move || format!("{} GPUs shown. TFLOPS/TOPS are dense (no sparsity). Select a GPU for its MIG and vGPU profiles.", list.with(Vec::len))}
            </p>
        </section>

        {move || current.get().map(|g| view! { <GpuDetail gpu=g/> })}

        <section class="card">
            <details>
                <summary>"Catalog sources"</summary>
                <ul class="sources">
                    {move || {
                        active
                            .catalog
                            .with(|c| {
                                c.sources
                                    .iter()
                                    .map(|s| view! { <li><strong>{s.id.clone()}</strong>" — "{s.reference.clone()}<br/>{s.description.clone()}</li> })
                                    .collect_view()
                            })
                    }}
                </ul>
            </details>
        </section>
    }
}

fn gpu_row(g: &Gpu, is_selected: bool, view: Field<CatalogView>) -> impl IntoView + use<> {
    let id = g.id.clone();
    let key_id = g.id.clone();
    let fp16 = if matches!(g.perf.dense.bf16, Rate::Value(_)) {
        g.perf.dense.bf16
    } else {
        g.perf.dense.fp16
    };
    let vgpu_types = g.vgpu.time_sliced.len() + g.vgpu.mig_backed.len();
    view! {
        <tr
            class:selected=is_selected
            data-testid=format!("gpu-{}", g.id)
            tabindex="0"
            aria-current=is_selected.then_some("true")
            on:click=move |_| view.update(|v| v.gpu = Some(id.clone()))
            // The keyboard selects a row as a click does.
            on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                if ev.key() == "Enter" || ev.key() == " " {
                    ev.prevent_default();
                    view.update(|v| v.gpu = Some(key_id.clone()));
                }
            }
        >
            <td>{g.name.clone()}</td>
            <td>{g.architecture.clone()}</td>
            <td class="num">{format!("{} GB {}", g.memory.size_gb, g.memory.kind)}</td>
            <td class="num">{opt_num(g.memory.bandwidth_gbps, "GB/s")}</td>
            <td class="num">{rate_text(fp16)}</td>
            <td class="num">{rate_text(g.perf.dense.fp8)}</td>
            <td class="num">{rate_text(g.perf.dense.int8)}</td>
            <td class="num">{board_power(g)}</td>
            <td class="num">{g.mig.as_ref().map_or_else(|| "—".to_string(), |m| format!("up to {}", m.max_instances))}</td>
            <td class="num">{vgpu_types}</td>
        </tr>
    }
}

#[component]
fn GpuDetail(gpu: Gpu) -> impl IntoView {
    let g = gpu;
    let rates = g
        .perf
        .dense
        .all()
        .into_iter()
        .zip(g.perf.sparse.all())
        .map(|((name, dense), (_, sparse))| {
            view! {
                <tr>
                    <td>{name.to_uppercase().replace("_TENSOR", " Tensor")}</td>
                    <td class="num">{rate_text(dense)}</td>
                    <td class="num">{rate_text(sparse)}</td>
                </tr>
            }
        })
        .collect_view();
    let mig = g.mig.clone();
    let ts = g.vgpu.time_sliced.clone();
    let mb = g.vgpu.mig_backed.clone();
    let nvlink = if g.nvlink.supported {
        format!(
            "{} ({})",
            opt_num(g.nvlink.bandwidth_gbps, "GB/s"),
            g.nvlink.note
        )
    } else {
        "none".to_string()
    };
    view! {
        <section class="card gpu-detail" data-testid="gpu-detail">
            <h2>{g.name.clone()}</h2>
            <dl class="specs">
                <dt>"Architecture"</dt><dd>{g.architecture.clone()}</dd>
                <dt>"Form factor"</dt><dd>{g.form_factor.clone()}</dd>
                <dt>"Memory"</dt><dd>{format!(
                    "{} GB {}{} as marketed: {} GiB, {} (10⁹ B); the Fits tables show what each option keeps usable",
                    g.memory.size_gb,
                    g.memory.kind,
                    if g.memory.ecc { ", ECC" } else { "" },
                    g.memory.size_gb,
                    sizing::units::format_bytes((g.memory.size_gb * 1_073_741_824.0) as u64, sizing::ByteUnits::Decimal)
                )}</dd>
                <dt>"Bandwidth"</dt><dd>{opt_num(g.memory.bandwidth_gbps, "GB/s")}</dd>
                <dt>"NVLink"</dt><dd>{nvlink}</dd>
                <dt>"PCIe"</dt><dd>{g.pcie_gen.map_or_else(|| "not published".to_string(), |p| format!("Gen{p}"))}</dd>
                <dt>"Power"</dt><dd>{board_power(&g)}</dd>
                <dt>"GPUs per card"</dt><dd>{g.gpus_per_board}</dd>
                <dt>"vGPU MMIO per GPU"</dt><dd>{g.vgpu.mmio_gb.map_or_else(|| "not published".to_string(), |m| format!("{m} GB"))}</dd>
            </dl>
            <div class="detail-grid">
                <div>
                    <h3>"Throughput (TFLOPS; INT: TOPS)"</h3>
                    <div class="scroll-x" tabindex="0" role="region" aria-label="Memory">
                        <table class="compact">
                            <thead><tr><th>"Format"</th><th class="num">"Dense"</th><th class="num">"2:4 sparse"</th></tr></thead>
                            <tbody>{rates}</tbody>
                        </table>
                    </div>
                    <p class="hint">{format!("Confidence: {}. {}", g.perf.confidence, g.perf.provenance)}</p>
                </div>
                <div>
                    <h3>"MIG profiles"</h3>
                    {match mig {
                        None => view! { <p class="hint">"This GPU has no MIG."</p> }.into_any(),
                        Some(m) => view! {
                            <div class="scroll-x" tabindex="0" role="region" aria-label="MIG profiles">
                                <table class="compact" data-testid="mig-table">
                                    <thead><tr><th>"Profile"</th><th class="num">"Usable"</th><th class="num">"Memory / compute slices"</th><th class="num">"Max per GPU"</th><th>"Starts at slice"</th></tr></thead>
                                    <tbody>
                                        {m.profiles.iter().map(|p| {
                                            let usable = match p.usable_gib {
                                                Some(u) => format!("{u} GiB"),
                                                None => "not reported".to_string(),
                                            };
                                            let starts = p.start_slices.iter().map(u32::to_string).collect::<Vec<_>>().join(", ");
                                            view! {
                                                <tr data-testid=format!("mig-{}", p.name)>
                                                    <td>{p.name.clone()}</td>
                                                    <td class="num" title=p.usable_basis.clone().unwrap_or_default()>{usable}</td>
                                                    <td class="num">{format!("{}/{} · {}/{}", p.memory_slices, m.memory_slices, p.compute_slices, m.compute_slices)}</td>
                                                    <td class="num">{p.max_instances}</td>
                                                    <td>{starts}</td>
                                                </tr>
                                            }
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                        }.into_any(),
                    }}
                </div>
            </div>
            <div class="detail-grid">
                <div>
                    <h3>"vGPU C-series, time-sliced"</h3>
                    {ts.is_empty().then(|| view! { <p class="hint" data-testid="vgpu-none">"None."</p> })}
                    <div class="scroll-x" tabindex="0" role="region" aria-label="vGPU types" class:hidden=ts.is_empty()>
                        <table class="compact" data-testid="vgpu-table">
                            <thead><tr><th>"Type"</th><th class="num">"Framebuffer"</th><th class="num">"Max per GPU"</th><th class="num">"Mixed size"</th><th class="num">"Time slice"</th></tr></thead>
                            <tbody>
                                {ts.iter().map(|t| view! {
                                    <tr data-testid=format!("vgpu-{}", t.name)>
                                        <td>{t.name.clone()}</td>
                                        <td class="num">{t.framebuffer_mib.map_or_else(|| format!("{} GB (name)", t.memory_gb), |m| format!("{m} MiB"))}</td>
                                        <td class="num">{t.max_per_gpu}</td>
                                        <td class="num">{t.max_per_gpu_mixed.map_or_else(|| "—".to_string(), |m| m.to_string())}</td>
                                        <td class="num">{format!("{} ms", time_slice_ms(t.max_per_gpu))}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                </div>
                <div>
                    <h3>"vGPU C-series, MIG-backed"</h3>
                    {if mb.is_empty() {
                        view! { <p class="hint">"None."</p> }.into_any()
                    } else {
                        view! {
                            <div class="scroll-x" tabindex="0" role="region" aria-label="vGPU placement">
                                <table class="compact">
                                    <thead><tr><th>"Type"</th><th class="num">"Framebuffer"</th><th>"GPU instance"</th><th class="num">"Max per GPU"</th></tr></thead>
                                    <tbody>
                                        {mb.iter().map(|t| view! {
                                            <tr>
                                                <td>{t.name.clone()}</td>
                                                <td class="num">{t.framebuffer_mib.map_or_else(|| format!("{} GB (name)", t.memory_gb), |m| format!("{m} MiB"))}</td>
                                                <td>{if t.vgpus_per_instance > 1 { format!("{} ({} per instance)", t.gpu_instance, t.vgpus_per_instance) } else { t.gpu_instance.clone() }}</td>
                                                <td class="num">{t.max_per_gpu}</td>
                                            </tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                        }.into_any()
                    }}
                </div>
            </div>
            {(!g.notes.is_empty() || g.mig.as_ref().is_some_and(|m| !m.notes.is_empty())).then(|| {
                let mut notes = g.notes.clone();
                if let Some(m) = &g.mig {
                    notes.extend(m.notes.iter().cloned());
                }
                view! { <h3>"Notes"</h3><ul class="notes">{notes.into_iter().map(|n| view! { <li>{n}</li> }).collect_view()}</ul> }
            })}
            <h3>"Sources"</h3>
            <ul class="sources">{g.sources.iter().map(|s| view! { <li>{s.clone()}</li> }).collect_view()}</ul>
        </section>
    }
}

/// Board power, and the GPUs that share it where a board holds several ("250 W
/// per board of 4 GPUs").
fn board_power(g: &Gpu) -> String {
    let w = opt_num(g.tdp_w, "W");
    if g.gpus_per_board > 1 && g.tdp_w.is_some() {
        format!("{w} per board of {} GPUs", g.gpus_per_board)
    } else {
        w
    }
}
