//! Filtering and sorting the catalog for the browser page.

use serde::{Deserialize, Serialize};

use super::{Catalog, Gpu};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SortKey {
    #[default]
    Catalog,
    Name,
    Memory,
    Bandwidth,
    Fp16,
    Fp8,
    Tdp,
}

impl SortKey {
    pub const ALL: [SortKey; 7] = [
        SortKey::Catalog,
        SortKey::Name,
        SortKey::Memory,
        SortKey::Bandwidth,
        SortKey::Fp16,
        SortKey::Fp8,
        SortKey::Tdp,
    ];

    pub fn id(self) -> &'static str {
        match self {
            SortKey::Catalog => "catalog",
            SortKey::Name => "name",
            SortKey::Memory => "memory",
            SortKey::Bandwidth => "bandwidth",
            SortKey::Fp16 => "fp16",
            SortKey::Fp8 => "fp8",
            SortKey::Tdp => "tdp",
        }
    }

    pub fn from_id(id: &str) -> Option<SortKey> {
        SortKey::ALL.into_iter().find(|k| k.id() == id)
    }

    pub fn label(self) -> &'static str {
        match self {
            SortKey::Catalog => "Catalog order (by generation)",
            SortKey::Name => "Name",
            SortKey::Memory => "Memory, largest first",
            SortKey::Bandwidth => "Memory bandwidth, highest first",
            SortKey::Fp16 => "FP16/BF16 dense, highest first",
            SortKey::Fp8 => "FP8 dense, highest first",
            SortKey::Tdp => "Power, lowest first",
        }
    }
}

/// What the catalog browser shows.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BrowseQuery {
    /// Words that must all appear in the name, id or architecture (case-insensitive).
    pub text: String,
    pub architecture: Option<String>,
    pub form_class: Option<String>,
    pub mig_only: bool,
    pub sort: SortKey,
}

fn fp16(g: &Gpu) -> Option<f64> {
    g.perf.dense.bf16.value().or(g.perf.dense.fp16.value())
}

/// The GPUs matching `q`, in its order. Unknown values sort last.
pub fn browse<'a>(catalog: &'a Catalog, q: &BrowseQuery) -> Vec<&'a Gpu> {
    let words: Vec<String> = q.text.split_whitespace().map(str::to_lowercase).collect();
    let mut out: Vec<&Gpu> = catalog
        .gpus
        .iter()
        .filter(|g| {
            let hay = format!("{} {} {}", g.name, g.id, g.architecture).to_lowercase();
            words.iter().all(|w| hay.contains(w.as_str()))
                && q.architecture.as_ref().is_none_or(|a| *a == g.architecture)
                && q.form_class.as_ref().is_none_or(|f| f == g.form_class())
                && (!q.mig_only || g.mig.is_some())
        })
        .collect();
    let desc = |v: Option<f64>| -v.unwrap_or(f64::NEG_INFINITY);
    match q.sort {
        SortKey::Catalog => {}
        SortKey::Name => out.sort_by(|a, b| a.name.cmp(&b.name)),
        SortKey::Memory => out
            .sort_by(|a, b| desc(Some(a.memory.size_gb)).total_cmp(&desc(Some(b.memory.size_gb)))),
        SortKey::Bandwidth => out.sort_by(|a, b| {
            desc(a.memory.bandwidth_gbps).total_cmp(&desc(b.memory.bandwidth_gbps))
        }),
        SortKey::Fp16 => out.sort_by(|a, b| desc(fp16(a)).total_cmp(&desc(fp16(b)))),
        SortKey::Fp8 => out.sort_by(|a, b| {
            desc(a.perf.dense.fp8.value()).total_cmp(&desc(b.perf.dense.fp8.value()))
        }),
        SortKey::Tdp => out.sort_by(|a, b| {
            a.tdp_w
                .unwrap_or(f64::INFINITY)
                .total_cmp(&b.tdp_w.unwrap_or(f64::INFINITY))
        }),
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_filter_and_sort() {
        let c = Catalog::bundled();
        let q = BrowseQuery {
            text: "a100 80".into(),
            ..BrowseQuery::default()
        };
        let ids: Vec<&str> = browse(c, &q).iter().map(|g| g.id.as_str()).collect();
        assert_eq!(ids, vec!["a100-pcie-80gb", "a100-sxm4-80gb"]);

        let q = BrowseQuery {
            sort: SortKey::Memory,
            ..BrowseQuery::default()
        };
        assert_eq!(browse(c, &q)[0].id, "b200-sxm-180gb");

        let q = BrowseQuery {
            mig_only: true,
            form_class: Some("PCIe".into()),
            ..BrowseQuery::default()
        };
        let list = browse(c, &q);
        assert!(
            list.iter()
                .all(|g| g.mig.is_some() && g.form_class() == "PCIe")
        );
        assert!(list.iter().any(|g| g.id == "a30"));

        let q = BrowseQuery {
            sort: SortKey::Tdp,
            ..BrowseQuery::default()
        };
        assert_eq!(browse(c, &q)[0].id, "a2");
    }
}
