//! "Deploy on vSphere": the deployment sheet of the option the speed card
//! details — VM settings, host checklist, release and limit checks — with the
//! sheet as Markdown and as a PowerCLI script to copy or download.

use leptos::prelude::*;
use sizing::catalog::form::FitForm;
use sizing::fleet::FLEET;
use sizing::vsphere::export::{markdown, powercli};
use sizing::vsphere::{Item, Release, Sheet, Status};

use crate::bind::Bind;
use crate::browser::clipboard::use_clipboard;
use crate::browser::download::{DownloadOptions, download_with_options};
use crate::widgets::{Check, Choice, options};
use crate::{choice, flag};

#[component]
pub fn DeployCard(
    /// The Fits panel's inputs (the release and TKG live there) and the page's sizing.
    bind: Bind<FitForm>,
    prefix: &'static str,
) -> impl IntoView {
    let sheet = bind.sizing.part(|r| r.deploy.clone());
    // The sheet follows the user's GPUs as last read while the list has a fault.
    let fleet_error = bind.sizing.error(FLEET);
    let clipboard = use_clipboard();
    let status = RwSignal::new(String::new());
    let copy = move |what: &'static str, text: String| {
        clipboard.copy(&text);
        status.set(format!("{what} copied."));
    };
    let save = move |name: String, text: String, mime: &'static str| {
        status.set(
            match download_with_options(&name, &text, DownloadOptions { mime }) {
                Ok(()) => format!("{name} downloaded."),
                Err(e) => format!("Could not download: {e}."),
            },
        );
    };
    view! {
        <div class="card deploy" class:cv=crate::widgets::settled() data-testid=format!("{prefix}deploy")>
            <h2>"Deploy on vSphere"</h2>
            <p class="hint">
                "The VM settings, host checklist and release checks for the option detailed under Speed. "
                "Each line says why and links the article it follows."
            </p>
            <div class="fit-controls">
                <Choice id=format!("{prefix}vsphere") label="vSphere release" options=options(&Release::ALL, Release::id, Release::label) field=choice!(bind, vsphere, Release)/>
            </div>
            <div class="fit-checks">
                <Check testid=format!("{prefix}tkg") label="The VM is a Tanzu Kubernetes Grid worker node (512 GB MMIO by default)" field=flag!(bind, tkg)/>
            </div>
            {move || fleet_error.with(Option::is_some).then(|| view! {
                <p class="hint" data-testid=format!("{prefix}deploy-fleet-stale")>
                    "Your GPUs has a fault (see Fits): this sheet follows the list as it was last read."
                </p>
            })}
            {move || match sheet.get().flatten() {
                None => view! { <p class="hint" data-testid=format!("{prefix}deploy-none")>"No option to deploy: correct the fields above, or widen the Fits filters."</p> }.into_any(),
                Some(s) => {
                    let md = markdown(&s);
                    let ps = powercli(&s);
                    let (md2, ps2, ps3) = (md.clone(), ps.clone(), ps.clone());
                    let base = s.key.replace(['/', '×', ' '], "-");
                    let (b1, b2) = (base.clone(), base);
                    view! {
                        <SheetView sheet=s prefix=prefix/>
                        <div class="actions">
                            <button type="button" data-testid=format!("{prefix}deploy-copy-md") on:click=move |_| copy("Markdown", md.clone())>"Copy as Markdown"</button>
                            <button type="button" data-testid=format!("{prefix}deploy-download-md") on:click=move |_| save(format!("headroom-vsphere-{b1}.md"), md2.clone(), "text/markdown")>"Download Markdown"</button>
                            <button type="button" data-testid=format!("{prefix}deploy-copy-ps") on:click=move |_| copy("PowerCLI script", ps.clone())>"Copy PowerCLI script"</button>
                            <button type="button" data-testid=format!("{prefix}deploy-download-ps") on:click=move |_| save(format!("headroom-vsphere-{b2}.ps1"), ps2.clone(), "text/plain")>"Download PowerCLI script"</button>
                            <span class="status" role="status" data-testid=format!("{prefix}deploy-status")>{move || status.get()}</span>
                        </div>
                        <details class="script">
                            <summary>"PowerCLI script (review before running)"</summary>
                            <pre data-testid=format!("{prefix}deploy-script") tabindex="0" role="region" aria-label="PowerCLI script">{ps3}</pre>
                        </details>
                    }.into_any()
                }
            }}
        </div>
    }
}

#[component]
fn SheetView(sheet: Sheet, prefix: &'static str) -> impl IntoView {
    let verdict = if sheet.deployable() {
        "Every check passes."
    } else {
        "Some checks fail for this release: see below."
    };
    view! {
        <p data-testid=format!("{prefix}deploy-summary")>
            <strong>{sheet.label.clone()}</strong>" — "{sheet.kind.label()}" on "{sheet.release.label()}". "{verdict}
        </p>
        <Items title="VM settings" items=sheet.vm prefix=prefix/>
        <Items title="Host and vCenter" items=sheet.host prefix=prefix/>
        <Items title="Releases and limits" items=sheet.checks prefix=prefix/>
    }
}

#[component]
fn Items(title: &'static str, items: Vec<Item>, prefix: &'static str) -> impl IntoView {
    view! {
        <h3>{title}</h3>
        <div class="table-wrap" tabindex="0" role="region" aria-label=title>
            <table class="sheet">
                <thead><tr><th>"Item"</th><th>"Setting or finding"</th><th>"Status"</th><th>"Why"</th></tr></thead>
                <tbody>
                    {items.into_iter().map(|i| {
                        let class = match i.status {
                            Status::Fails => "status fails",
                            Status::NotApplicable => "status na",
                            Status::Ok => "status ok",
                            _ => "status",
                        };
                        view! {
                            <tr data-testid=format!("{prefix}deploy-{}", i.id)>
                                <td>{i.label}</td>
                                <td><code>{i.value}</code></td>
                                <td class=class>{i.status.label()}</td>
                                <td>{i.why}" "<a href=i.source.url() target="_blank" rel="noopener">{format!("[{}]", i.source.title())}</a></td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}
