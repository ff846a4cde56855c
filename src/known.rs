//! The known-demand page: a memory figure someone already has ("this container
//! asks for 22 GiB on each of 2 GPUs"), fitted to every GPU, MIG instance and
//! vGPU type like a sized model.

use leptos::prelude::*;
use sizing::known::{GPUS, PER_GPU, WHAT};

use crate::bind::Bind;
use crate::deploy_card::DeployCard;
use crate::fits::FitsPanel;
use crate::memory_card::PageMemory;
use crate::state::{InputsStoreFields, Shared};
use crate::text;
use crate::widgets::{BelowFold, TextField};

#[component]
pub fn KnownPage() -> impl IntoView {
    let shared = Shared::expect();
    let sizing = shared.known.first;
    let form = Bind::new(shared.inputs.known(), sizing);
    // The cards below the memory card follow a keystroke one frame later.
    let later = shared.known.whole;
    let units = shared.units();
    view! {
        <section class="inputs" aria-label="Workload">
            <h2>"Workload"</h2>
            <p class="hint">
                "When the memory is already known — an inference microservice's profile, a vendor's sizing, "
                "what nvidia-smi shows for a running job — state it here and see which GPUs, MIG instances and vGPU types hold it."
            </p>
            <TextField
                id="known-what"
                label="What it is"
                inputmode="text"
                field=text!(form, WHAT, what)
                hint="Optional, e.g. \"Llama 3.1 8B microservice, FP8 profile\"."
            />
            <TextField
                id="known-per-gpu"
                label="Memory on each GPU"
                inputmode="text"
                field=text!(form, PER_GPU, per_gpu)
                hint="With its unit: 24 GB (10⁹ bytes) or 22.5 GiB (2³⁰ bytes). A MIG instance holds it only if nvidia-smi's figure for the instance does."
            />
            <TextField
                id="known-gpus"
                label="GPUs per copy"
                field=text!(form, GPUS, gpus)
                hint="1 for most containers; each GPU must hold the figure above."
            />
        </section>
        <section class="results" aria-label="Memory">
            <PageMemory sizing=sizing title="Memory" prefix="known-" units=units/>
            // Built just after the frame that shows the memory card.
            <BelowFold>
                <FitsPanel bind=Bind::new(shared.inputs.known_fit(), later) prefix="known-"/>
                <DeployCard bind=Bind::new(shared.inputs.known_fit(), later) prefix="known-"/>
            </BelowFold>
        </section>
    }
}
