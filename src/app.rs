use leptos::prelude::*;

use crate::cnn::CnnPage;

/// The whole application.
#[component]
pub fn App() -> impl IntoView {
    view! {
        <header class="topbar">
            <div class="brand">
                <span class="logo" aria-hidden="true">"▮▮▯"</span>
                <span class="name">"headroom"</span>
            </div>
            <p class="tagline">"GPU memory sizing for machine-learning workloads"</p>
        </header>
        <main class="page">
            <CnnPage/>
        </main>
        <footer class="footer">
            <p>
                "Everything is computed in your browser; nothing is sent anywhere. "
                "Memory model after F. Denneman, “Training vs Inference – Memory Consumption by Neural Networks” (2022). "
                "GB = 10⁹ bytes, GiB = 2³⁰ bytes."
            </p>
        </footer>
    }
}
