//! No multi-GPU answer proposes a layout an engine refuses: for every zoo model,
//! served and trained, every split of the fits, of the user's GPUs and of the
//! latency search uses a tensor-parallel degree that divides the attention heads
//! (and divides or is a multiple of the key/value heads), stays within one host
//! (the user's own hosts for their GPUs), and holds the workload with the margin
//! on every GPU.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use serde_json::json;
use sizing::catalog::{Catalog, Heads, with_margin};
use sizing::report::size;
use sizing::scenario::parse;
use sizing::transformer::zoo::zoo;

fn heads(id: &str) -> Heads {
    let m = zoo().iter().find(|m| m.entry.id == id).unwrap();
    m.imported.arch.heads_per_gpu(1)
}

#[test]
fn every_split_is_a_layout_an_engine_runs() {
    let catalog = Catalog::bundled();
    let mut splits = 0;
    for m in zoo() {
        let id = &m.entry.id;
        let h = heads(id);
        for (workload, cards) in [
            (
                json!({"model": id, "sequences": 64, "context": 32768, "utilization": 0.9}),
                8,
            ),
            (json!({"model": id, "sequences": 8, "context": 8192}), 4),
            (json!({"model": id, "mode": "training", "context": 4096}), 8),
        ] {
            let text = json!({
                "version": 1,
                "workload": {"transformer": workload},
                "deployment": {"cards_per_host": cards, "fleet": [
                    {"gpu": "L40S", "gpus_per_host": 4, "hosts": 6},
                    {"gpu": "H100 SXM", "gpus_per_host": 8, "hosts": 2}
                ]},
                "speed": {"tpot_ms": 20}
            })
            .to_string();
            let Ok(r) = size(&parse(&text).unwrap(), catalog) else {
                continue;
            };
            let f = r.fits.as_ref().unwrap();
            for g in &f.multi_gpu {
                splits += 1;
                let l = g.layout;
                // The user's GPUs are laid out on their own hosts.
                let per_host = r
                    .fleet
                    .iter()
                    .find(|a| a.gpu_id == g.gpu_id)
                    .map_or(catalog.gpu(&g.gpu_id).unwrap().per_host(cards), |a| {
                        a.gpus_per_host
                    });
                let what = format!("{id} on {} × {}: {l:?}", g.gpus, g.gpu_id);
                assert!(h.accept(l.tensor), "{what}: heads {h:?}");
                assert!(l.tensor <= per_host, "{what}");
                assert_eq!(g.gpus, l.tensor * l.pipeline, "{what}");
                assert!(g.gpus >= g.fewest, "{what}");
                assert_eq!(l.hosts, g.gpus.div_ceil(per_host), "{what}");
                assert!(
                    with_margin(g.per_gpu, 10.0) <= g.capacity,
                    "{what}: {} > {}",
                    g.per_gpu,
                    g.capacity
                );
                if let Some(n) = g.target_gpus {
                    assert!(h.accept(n), "{what}: latency target at {n}");
                }
            }
            for a in &r.fleet {
                if let Some(s) = &a.split {
                    splits += 1;
                    assert!(h.accept(s.layout.tensor), "{id} on {}", a.gpu_id);
                    assert!(s.layout.tensor <= a.gpus_per_host);
                }
            }
        }
    }
    assert!(splits > 200, "only {splits} splits were checked");
}
