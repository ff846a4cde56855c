//! The GPU, MIG and vGPU catalog: NVIDIA data-center GPUs with their memory,
//! throughput per format, MIG profiles and vGPU C-series types, each with its
//! sources. The bundled catalog is `data/gpu-catalog.json`, compiled in as the
//! binary copy `data/gpu-catalog.bin` (`packed.rs`); users can import their own in
//! the same schema.

pub mod browse;
mod fit;
pub mod form;
mod packed;
mod validate;

use std::sync::OnceLock;

use serde::{Deserialize, Deserializer, Serialize};

pub use fit::{
    CapacityBasis, Caveat, Demand, DeploymentMode, FitOption, FitSettings, FitStatus, Fits, Heads,
    Layout, MAX_CARDS_PER_HOST, MAX_GPUS, MAX_MARGIN_PERCENT, MultiGpu, Recommendation,
    RecommendationKind, Rounding, VgpuMode, VllmSplit, bridged, faster_split, fewest_gpus, fit,
    gpus_per_host, layout, nvlink_group, rounding, time_slice_ms, with_margin,
};
pub use validate::CatalogError;

/// The schema version this build reads and writes.
pub const SCHEMA_VERSION: u32 = 1;

/// A field that must be present in the file, with `null` meaning "not known".
fn required<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d)
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Catalog {
    pub schema_version: u32,
    pub description: String,
    pub gpus: Vec<Gpu>,
    pub sources: Vec<SourceRef>,
}

/// A source a catalog entry cites.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceRef {
    pub id: String,
    /// A URL or `github:owner/repo path @commit`.
    pub reference: String,
    pub description: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Gpu {
    /// Stable identifier, e.g. `a100-pcie-40gb`.
    pub id: String,
    pub name: String,
    pub architecture: String,
    pub form_factor: String,
    #[serde(deserialize_with = "required")]
    pub pcie_gen: Option<u32>,
    /// Maximum board power in watts (the whole board where it holds several GPUs).
    #[serde(deserialize_with = "required")]
    pub tdp_w: Option<f64>,
    pub memory: Memory,
    /// Physical GPUs on one card (4 for the A16, 1 otherwise).
    pub gpus_per_board: u32,
    pub nvlink: Nvlink,
    pub perf: Perf,
    #[serde(deserialize_with = "required")]
    pub mig: Option<Mig>,
    pub vgpu: Vgpu,
    pub notes: Vec<String>,
    pub sources: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Memory {
    /// Memory per GPU as marketed. NVIDIA's GPU memory sizes are binary: 40 GB is 40 GiB.
    pub size_gb: f64,
    #[serde(rename = "type")]
    pub kind: String,
    /// GB/s (10⁹ bytes per second).
    #[serde(deserialize_with = "required")]
    pub bandwidth_gbps: Option<f64>,
    pub ecc: bool,
}

impl Memory {
    /// GDDR memory loses about 1/16 of its capacity to ECC when ECC is on; HBM does not.
    pub fn ecc_costs_capacity(&self) -> bool {
        self.ecc && self.kind.to_ascii_uppercase().starts_with("GDDR")
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Nvlink {
    pub supported: bool,
    /// Total bidirectional GB/s per GPU.
    #[serde(deserialize_with = "required")]
    pub bandwidth_gbps: Option<f64>,
    pub note: String,
    /// PCIe cards: how many cards one NVLink bridge joins, every one to every
    /// other (H200 NVL's 4-way bridge: 4); 2 when absent. SXM modules ignore it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bridge_gpus: Option<u32>,
}

/// A published throughput: a number, or why there is none.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Rate {
    Value(f64),
    Status(RateStatus),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RateStatus {
    /// The hardware has no such format.
    Unsupported,
    /// Not published, or not found.
    Unknown,
}

impl Rate {
    pub fn value(self) -> Option<f64> {
        match self {
            Rate::Value(v) => Some(v),
            Rate::Status(_) => None,
        }
    }
}

/// Throughput per format: TFLOPS, or TOPS for the integer formats.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rates {
    pub fp64: Rate,
    pub fp64_tensor: Rate,
    pub fp32: Rate,
    pub tf32: Rate,
    pub fp16: Rate,
    pub bf16: Rate,
    pub fp8: Rate,
    pub int8: Rate,
    pub int4: Rate,
    pub fp4: Rate,
}

impl Rates {
    /// Every rate with its name, in table order.
    pub fn all(&self) -> [(&'static str, Rate); 10] {
        [
            ("fp64", self.fp64),
            ("fp64_tensor", self.fp64_tensor),
            ("fp32", self.fp32),
            ("tf32", self.tf32),
            ("fp16", self.fp16),
            ("bf16", self.bf16),
            ("fp8", self.fp8),
            ("int8", self.int8),
            ("int4", self.int4),
            ("fp4", self.fp4),
        ]
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Perf {
    /// Dense (no sparsity) peak rates.
    pub dense: Rates,
    /// Rates NVIDIA prints with 2:4 structured sparsity.
    pub sparse: Rates,
    pub confidence: String,
    pub provenance: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mig {
    /// Memory slices of the GPU (8, or 4 on A30 and RTX PRO 6000).
    pub memory_slices: u32,
    /// Compute slices of the GPU (7, or 4).
    pub compute_slices: u32,
    pub max_instances: u32,
    pub profiles: Vec<MigProfile>,
    pub notes: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MigProfile {
    /// e.g. `3g.40gb`.
    pub name: String,
    /// The memory the name states (nominal).
    pub memory_gb: f64,
    pub memory_slices: u32,
    pub compute_slices: u32,
    pub max_instances: u32,
    pub media_extensions: bool,
    /// Memory slices an instance may start at.
    pub start_slices: Vec<u32>,
    /// Memory `nvidia-smi mig -lgip` reports, in GiB; less than the name says.
    #[serde(deserialize_with = "required")]
    pub usable_gib: Option<f64>,
    /// Where `usable_gib` comes from.
    #[serde(deserialize_with = "required")]
    pub usable_basis: Option<String>,
    #[serde(deserialize_with = "required")]
    pub sm_count: Option<u32>,
    /// Memory you keep free in every instance of this profile, in MiB.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub reserve_mib: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Vgpu {
    /// NVIDIA AI Enterprise C-series types exist for this GPU.
    pub c_series: bool,
    /// vSphere 8.0 U3 mixed-size (heterogeneous time-slice sizes) mode.
    pub mixed_size_supported: bool,
    /// 64-bit MMIO a VM needs per GPU, in GB.
    #[serde(deserialize_with = "required")]
    pub mmio_gb: Option<u32>,
    /// vGPU types that allow NVLink peer-to-peer between GPUs in one VM.
    pub p2p_types: Vec<String>,
    pub time_sliced: Vec<TimeSlicedType>,
    pub mig_backed: Vec<MigBackedType>,
}

/// A time-sliced vGPU type: a fixed framebuffer, all SMs in turn.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimeSlicedType {
    /// e.g. `A100-8C`.
    pub name: String,
    /// Framebuffer in MiB (NVIDIA's tables say MB); null when only the name's size is known.
    #[serde(deserialize_with = "required")]
    pub framebuffer_mib: Option<u64>,
    /// The size in the name, in GB.
    pub memory_gb: f64,
    /// Most vGPUs of this type on one GPU in equal-size mode.
    pub max_per_gpu: u32,
    /// Most in mixed-size mode; null where unknown or unsupported.
    #[serde(deserialize_with = "required")]
    pub max_per_gpu_mixed: Option<u32>,
    /// Mixed-size placement IDs (about 1 GB units).
    pub placement_ids: Vec<u32>,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub reserve_mib: u64,
}

/// A MIG-backed vGPU type: one GPU instance (or a share of one) per vGPU.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MigBackedType {
    /// e.g. `A100-2-10C`.
    pub name: String,
    #[serde(deserialize_with = "required")]
    pub framebuffer_mib: Option<u64>,
    pub memory_gb: f64,
    pub max_per_gpu: u32,
    /// The MIG profile of the GPU instance behind it.
    pub gpu_instance: String,
    /// vGPUs time-sliced inside one GPU instance (1 except on RTX PRO 6000).
    pub vgpus_per_instance: u32,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub reserve_mib: u64,
}

fn is_zero(v: &u64) -> bool {
    *v == 0
}

/// Most superchip modules in one server: two, in GH200 NVL2 (NVIDIA MGX).
pub const MAX_SUPERCHIPS_PER_HOST: u32 = 2;

/// The form-factor class of a Grace superchip module.
pub const SUPERCHIP: &str = "Superchip";

/// Whether a GPU of this form-factor class sits in an Arm (Grace) host, which
/// ESXi does not run.
pub fn arm_host(form_class: &str) -> bool {
    form_class == SUPERCHIP
}

impl Gpu {
    pub fn mig_profile(&self, name: &str) -> Option<&MigProfile> {
        self.mig.as_ref()?.profiles.iter().find(|p| p.name == name)
    }

    /// GPUs in a host of `cards` cards (or modules). A superchip server holds
    /// one Grace Hopper module, or two joined by NVLink (GH200 NVL2).
    pub fn per_host(&self, cards: u32) -> u32 {
        let cards = if self.arm_host() {
            cards.min(MAX_SUPERCHIPS_PER_HOST)
        } else {
            cards
        };
        self.gpus_per_board.saturating_mul(cards.max(1))
    }

    /// GPUs joined by NVSwitch: SXM modules from SXM3 on (HGX A100, H100, H200
    /// and B200 baseboards); a VM or container gets a partition of 1, 2, 4 or 8 of
    /// them. SXM2 modules (V100 on DGX-1 and HGX-1 boards) link to each other
    /// directly, in a hybrid cube-mesh, with no partitions.
    pub fn nvswitch(&self) -> bool {
        self.form_class() == "SXM" && !self.form_factor.to_ascii_lowercase().starts_with("sxm2")
    }

    /// Whether the GPU sits in an Arm (Grace) host, which ESXi does not run.
    pub fn arm_host(&self) -> bool {
        arm_host(self.form_class())
    }

    /// A short form-factor class for filtering: "PCIe", "SXM" or "Superchip".
    pub fn form_class(&self) -> &'static str {
        let f = self.form_factor.to_ascii_lowercase();
        if f.starts_with("sxm") {
            "SXM"
        } else if f.starts_with("superchip") {
            SUPERCHIP
        } else {
            "PCIe"
        }
    }
}

/// Why a catalog file could not be used.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LoadError {
    #[error("not valid JSON: {0}")]
    Syntax(String),
    #[error("{path}: {message}")]
    Schema { path: String, message: String },
    #[error(
        "schema version {found} is not supported; this version of headroom reads version {SCHEMA_VERSION}"
    )]
    Version { found: u32 },
    #[error("{0}")]
    Invalid(CatalogError),
}

/// The largest catalog file accepted, in bytes.
pub const MAX_CATALOG_BYTES: usize = 8 * 1024 * 1024;

impl Catalog {
    /// Read and validate a catalog; the message names the entry and field at fault.
    pub fn from_json(text: &str) -> Result<Catalog, LoadError> {
        let text = crate::input::without_bom(text);
        if text.len() > MAX_CATALOG_BYTES {
            return Err(LoadError::Syntax(format!(
                "the file is {} bytes; the limit is {MAX_CATALOG_BYTES}",
                text.len()
            )));
        }
        // One parse into a JSON value and one reading of it that keeps the path
        // of what failed. Only a file that fails is read again, for its version:
        // a newer file gets a version message, not a schema one.
        let value = serde_json::from_str::<serde_json::Value>(text)
            .map_err(|e| LoadError::Syntax(crate::input::clip(&e.to_string(), 240)))?;
        let catalog = match crate::json_path::deserialize::<Catalog>(&value) {
            Ok(c) => c,
            Err((path, e)) => {
                if let Ok(v) = crate::json_path::deserialize::<VersionProbe>(&value)
                    && v.schema_version != SCHEMA_VERSION
                {
                    return Err(LoadError::Version {
                        found: v.schema_version,
                    });
                }
                // A value from the file is echoed only in part.
                let clip = |t: String| crate::input::clip(&t, 240);
                return Err(LoadError::Schema {
                    path: clip(describe_path(&value, &path)),
                    message: clip(strip_position(&e.to_string())),
                });
            }
        };
        if catalog.schema_version != SCHEMA_VERSION {
            return Err(LoadError::Version {
                found: catalog.schema_version,
            });
        }
        catalog.validate().map_err(|e| {
            LoadError::Invalid(CatalogError {
                path: crate::input::clip(&e.path, 240),
                message: crate::input::clip(&e.message, 240),
            })
        })?;
        Ok(catalog)
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a catalog always serializes")
    }

    pub fn gpu(&self, id: &str) -> Option<&Gpu> {
        self.gpus.iter().find(|g| g.id == id)
    }

    /// The catalog bundled with headroom: `data/gpu-catalog.json`, read from the
    /// binary copy a test makes of it and checks (`packed.rs`), so that start-up
    /// parses no JSON.
    pub fn bundled() -> &'static Catalog {
        static BUNDLED: OnceLock<Catalog> = OnceLock::new();
        BUNDLED.get_or_init(packed::bundled)
    }
}

/// The bundled catalog file, as the tests read it (the app reads its binary copy).
#[cfg(test)]
const BUNDLED_JSON: &str = include_str!("../../data/gpu-catalog.json");

#[derive(Deserialize)]
struct VersionProbe {
    schema_version: u32,
}

/// serde's message without its " at line L column C" tail (the path says where).
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

/// Make a serde path like `gpus[3].memory.size_gb` readable by naming the GPU:
/// `gpus[3] (a100-pcie-40gb).memory.size_gb`.
fn describe_path(catalog: &serde_json::Value, path: &str) -> String {
    // The whole file: a top-level field is missing or of the wrong kind.
    if path == "." {
        return "the catalog".to_string();
    }
    let Some(rest) = path.strip_prefix("gpus[") else {
        return path.to_string();
    };
    let Some((index, tail)) = rest.split_once(']') else {
        return path.to_string();
    };
    let Ok(i) = index.parse::<usize>() else {
        return path.to_string();
    };
    let id = catalog
        .get("gpus")
        .and_then(|g| g.get(i)?.get("id")?.as_str());
    match id {
        Some(id) => format!("gpus[{i}] ({id}){tail}"),
        None => path.to_string(),
    }
}

#[cfg(test)]
mod tests;
