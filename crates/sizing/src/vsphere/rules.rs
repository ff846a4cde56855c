//! The vSphere facts the deployment sheet rests on, each with the article
//! section it comes from: releases and their limits, MMIO, firmware, NVLink.

use serde::{Deserialize, Serialize};

use crate::catalog::Gpu;

/// A vSphere release, oldest first.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
pub enum Release {
    #[serde(rename = "7.0")]
    V70,
    #[serde(rename = "7.0u2")]
    V70U2,
    #[serde(rename = "7.0u3")]
    V70U3,
    #[serde(rename = "8.0")]
    V80,
    #[serde(rename = "8.0u1")]
    V80U1,
    #[serde(rename = "8.0u2")]
    V80U2,
    #[default]
    #[serde(rename = "8.0u3")]
    V80U3,
}

impl Release {
    pub const ALL: [Release; 7] = [
        Release::V70,
        Release::V70U2,
        Release::V70U3,
        Release::V80,
        Release::V80U1,
        Release::V80U2,
        Release::V80U3,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Release::V70 => "7.0",
            Release::V70U2 => "7.0u2",
            Release::V70U3 => "7.0u3",
            Release::V80 => "8.0",
            Release::V80U1 => "8.0u1",
            Release::V80U2 => "8.0u2",
            Release::V80U3 => "8.0u3",
        }
    }

    pub fn from_id(id: &str) -> Option<Release> {
        Release::ALL.into_iter().find(|r| r.id() == id)
    }

    pub fn is_default(&self) -> bool {
        *self == Release::default()
    }

    pub fn label(self) -> &'static str {
        match self {
            Release::V70 => "vSphere 7.0",
            Release::V70U2 => "vSphere 7.0 U2",
            Release::V70U3 => "vSphere 7.0 U3",
            Release::V80 => "vSphere 8.0",
            Release::V80U1 => "vSphere 8.0 U1",
            Release::V80U2 => "vSphere 8.0 U2",
            Release::V80U3 => "vSphere 8.0 U3",
        }
    }

    /// (Dynamic) DirectPath I/O devices one VM may have: 16 with hardware
    /// versions 13–19 (7.x), 32 with 20 (8.0), 64 with 20 on 8.0 U1, 128 with 21
    /// (8.0 U2 and later; Broadcom KB 309986).
    pub fn passthrough_per_vm(self) -> u32 {
        if self >= Release::V80U2 {
            128
        } else if self >= Release::V80U1 {
            64
        } else if self >= Release::V80 {
            32
        } else {
            16
        }
    }

    /// vGPU devices one VM may have: 4 (since 6.7 U3), 8 from vSphere 8.
    pub fn vgpus_per_vm(self) -> u32 {
        if self >= Release::V80 { 8 } else { 4 }
    }
}

/// Where a rule comes from: an article of F. Denneman's series (by section of
/// the product's reference notes) or NVIDIA's documentation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// "vSphere ML Accelerator Spectrum Deep Dive – Fractional and Full GPUs" (2023).
    Fractional,
    /// "… for Distributed Training – Multi-GPU" (2023).
    MultiGpu,
    /// "… – NVIDIA AI Enterprise Suite" (2023).
    Nvaie,
    /// "… – ESXi Host BIOS, VM, and vCenter Settings" (2023).
    EsxiSettings,
    /// "… – Using Dynamic DirectPath IO (Passthrough) with VMs" (2023).
    DynamicDirectPath,
    /// "… – Installing the NVAIE vGPU Driver" (2023).
    VgpuDriver,
    /// "New vSphere 8 Features for Consistent ML Workload Performance" (2022).
    Vsphere8,
    /// "vSphere 8.0 Update 1 Enhancements for Accelerating ML Workloads" (2023).
    Vsphere8U1,
    /// "Architecting AI Infrastructure", parts 4–8 (2026): placement.
    Placement,
    /// NVIDIA AI Enterprise / vGPU user guide.
    NvidiaVgpu,
    /// Broadcom KB 309986: passthrough devices per VM by release.
    DirectPathKb,
}

impl Source {
    pub fn title(self) -> &'static str {
        match self {
            Source::Fractional => "Denneman, “Fractional and Full GPUs” (2023)",
            Source::MultiGpu => "Denneman, “Multi-GPU for distributed training” (2023)",
            Source::Nvaie => "Denneman, “NVIDIA AI Enterprise Suite” (2023)",
            Source::EsxiSettings => "Denneman, “ESXi Host BIOS, VM, and vCenter Settings” (2023)",
            Source::DynamicDirectPath => "Denneman, “Using Dynamic DirectPath IO with VMs” (2023)",
            Source::VgpuDriver => "Denneman, “Installing the NVAIE vGPU Driver” (2023)",
            Source::Vsphere8 => "Denneman, “New vSphere 8 Features for ML” (2022)",
            Source::Vsphere8U1 => "Denneman, “vSphere 8.0 Update 1 Enhancements for ML” (2023)",
            Source::Placement => "Denneman, “Architecting AI Infrastructure” parts 4–8 (2026)",
            Source::NvidiaVgpu => "NVIDIA AI Enterprise / vGPU user guide",
            Source::DirectPathKb => {
                "Broadcom KB 309986, “Configuring VMDirectPath I/O passthrough devices”"
            }
        }
    }

    pub fn url(self) -> &'static str {
        match self {
            Source::Fractional => {
                "https://frankdenneman.nl/2023/05/10/vsphere-ml-accelerator-deep-dive-fractional-and-full-gpus/"
            }
            Source::MultiGpu => {
                "https://frankdenneman.nl/2023/05/12/vsphere-ml-accelerator-spectrum-deep-dive-for-distributed-training-multi-gpu/"
            }
            Source::Nvaie => {
                "https://frankdenneman.nl/2023/05/23/vsphere-ml-accelerator-spectrum-deep-dive-nvidia-ai-enterprise-suite/"
            }
            Source::EsxiSettings => {
                "https://frankdenneman.nl/2023/05/30/vsphere-ml-accelerator-spectrum-deep-dive-esxi-host-bios-vm-and-vcenter-settings/"
            }
            Source::DynamicDirectPath => {
                "https://frankdenneman.nl/2023/06/06/vsphere-ml-accelerator-spectrum-deep-dive-using-dynamic-directpath-io-passthrough-with-vms/"
            }
            Source::VgpuDriver => {
                "https://frankdenneman.nl/2023/07/06/vsphere-ml-accelerator-spectrum-deep-dive-installing-the-nvaie-vgpu-driver/"
            }
            Source::Vsphere8 => {
                "https://frankdenneman.nl/2022/08/30/new-vsphere-8-features-for-consistent-ml-workload-performance/"
            }
            Source::Vsphere8U1 => {
                "https://frankdenneman.nl/2023/04/26/vsphere-8-0-update-1-enhancements-for-accelerating-machine-learning-workloads/"
            }
            Source::Placement => {
                "https://frankdenneman.nl/posts/2026-02-17-how-vsphere-gpu-modes-and-assignment-policies-determine-host-level-placement/"
            }
            Source::NvidiaVgpu => "https://docs.nvidia.com/ai-enterprise/",
            Source::DirectPathKb => {
                "https://knowledge.broadcom.com/external/article/309986/configuring-vmdirectpath-io-passthrough.html"
            }
        }
    }
}

const GB: u64 = 1_000_000_000;
const MIB: f64 = 1_048_576.0;

/// A VM's 64-bit MMIO window without the setting.
pub const DEFAULT_MMIO_GB: u64 = 32;
/// What Tanzu Kubernetes Grid GPU worker nodes get by default: four A100 40GB.
pub const TKG_MMIO_GB: u64 = 512;

/// BAR1 sizes the article measured where they are small enough to matter: the
/// T4's 32-bit 256 MB BAR1 needs neither 64-bit MMIO nor EFI.
const SMALL_BAR1_MIB: &[(&str, u64)] = &[("t4", 256)];

/// The GPU's BAR1 in MiB when it is small (≤ 256 MiB), else `None`.
pub fn small_bar1_mib(gpu: &Gpu) -> Option<u64> {
    SMALL_BAR1_MIB
        .iter()
        .find(|(id, _)| *id == gpu.id)
        .map(|&(_, m)| m)
}

/// Where a GPU's MMIO figure comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MmioBasis {
    /// NVIDIA's / the article's table, as the catalog holds it.
    Table,
    /// The article's rule: the framebuffer rounded up to a power of two, then
    /// the next power of two.
    Rule,
}

/// 64-bit MMIO one GPU needs, in GB, and where the figure comes from; `None`
/// when its BAR1 fits below 4 GB (T4).
pub fn mmio_per_gpu_gb(gpu: &Gpu) -> Option<(u64, MmioBasis)> {
    if small_bar1_mib(gpu).is_some() {
        return None;
    }
    if let Some(gb) = gpu.vgpu.mmio_gb {
        return Some((u64::from(gb), MmioBasis::Table));
    }
    Some((mmio_rule_gb(gpu.memory.size_gb), MmioBasis::Rule))
}

/// The article's rule: round the framebuffer up to a power of two, then take the
/// next one (A100 40 GB → 64 → 128 GB).
pub fn mmio_rule_gb(framebuffer_gb: f64) -> u64 {
    let fb = if framebuffer_gb.is_finite() && framebuffer_gb > 0.0 {
        framebuffer_gb.ceil().min(1e6) as u64
    } else {
        1
    };
    fb.next_power_of_two().saturating_mul(2)
}

/// VM overhead memory the MMIO window costs once a GPU is attached, in MiB (the
/// "MB" vSphere reports): measured 82.91 MiB at 128 GB (856.82 − 773.91) and
/// 97.03 MiB at 512 GB (870.94 − 773.91); between and beyond, on a log scale
/// through those two points.
pub fn mmio_overhead_mib(mmio_gb: u64) -> f64 {
    const AT_128: f64 = 856.82 - 773.91;
    const AT_512: f64 = 870.94 - 773.91;
    let per_doubling = (AT_512 - AT_128) / 2.0;
    let doublings = (mmio_gb.max(1) as f64 / 128.0).log2();
    (AT_128 + per_doubling * doublings).max(0.0)
}

/// [`mmio_overhead_mib`] in bytes.
pub fn mmio_overhead_bytes(mmio_gb: u64) -> u64 {
    (mmio_overhead_mib(mmio_gb) * MIB).round() as u64
}

pub fn gb(n: u64) -> u64 {
    n.saturating_mul(GB)
}

/// An NVLink generation: links per GPU and bandwidth per GPU (both directions).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct NvlinkGen {
    pub generation: u32,
    pub links: u32,
    pub gb_per_s: u32,
    pub architecture: &'static str,
}

/// NVLink by architecture: 2nd gen (Volta) 6 links / 300 GB/s, 3rd (Ampere)
/// 12 / 600, 4th (Hopper) 18 / 900, 5th (Blackwell) 18 / 1,800.
pub const NVLINK: [NvlinkGen; 4] = [
    NvlinkGen {
        generation: 2,
        links: 6,
        gb_per_s: 300,
        architecture: "Volta",
    },
    NvlinkGen {
        generation: 3,
        links: 12,
        gb_per_s: 600,
        architecture: "Ampere",
    },
    NvlinkGen {
        generation: 4,
        links: 18,
        gb_per_s: 900,
        architecture: "Hopper",
    },
    NvlinkGen {
        generation: 5,
        links: 18,
        gb_per_s: 1800,
        architecture: "Blackwell",
    },
];

pub fn nvlink_gen(gpu: &Gpu) -> Option<NvlinkGen> {
    if !gpu.nvlink.supported {
        return None;
    }
    NVLINK
        .into_iter()
        .find(|g| gpu.architecture.starts_with(g.architecture))
}

/// A GPU's own NVLink: its generation, its bandwidth per GPU (both directions)
/// as the catalog gives it (a bridged A30 has 200 GB/s of Ampere's 600), and
/// its generation's link count where it has the full set.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct CardNvlink {
    pub generation: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub links: Option<u32>,
    pub gb_per_s: f64,
}

pub fn card_nvlink(gpu: &Gpu) -> Option<CardNvlink> {
    let g = nvlink_gen(gpu)?;
    let gb_per_s = gpu
        .nvlink
        .bandwidth_gbps
        .filter(|b| b.is_finite() && *b > 0.0)
        .unwrap_or(f64::from(g.gb_per_s));
    Some(CardNvlink {
        generation: g.generation,
        links: (gb_per_s == f64::from(g.gb_per_s)).then_some(g.links),
        gb_per_s,
    })
}

/// Whether the GPU sits on an NVSwitch baseboard (SXM3 on): vGPUs can then be given
/// to one VM in NVSwitch groups of 2, 4 or 8.
pub fn on_nvswitch(gpu: &Gpu) -> bool {
    gpu.nvswitch() && gpu.nvlink.supported
}

/// The NVSwitch device-group size that holds `n` GPUs: 2, 4 or 8; `None` above 8.
pub fn nvswitch_group(n: u32) -> Option<u32> {
    [2, 4, 8].into_iter().find(|&g| g >= n.max(2))
}

/// The release NVSwitch-connected vGPUs need: 8.0 U1 (Ampere), 8.0 U2 (Hopper and later).
pub fn nvswitch_release(gpu: &Gpu) -> Release {
    if gpu.architecture.starts_with("Ampere") || gpu.architecture.starts_with("Volta") {
        Release::V80U1
    } else {
        Release::V80U2
    }
}

/// The string vSphere shows for a vGPU type: `grid_` and the type in lower case.
pub fn vgpu_string(type_name: &str) -> String {
    let t: String = type_name
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect();
    format!("grid_{t}")
}

/// The host driver the GPU needs for vGPU: NVIDIA AI Enterprise (NVD-AIE) for
/// the compute-only parts (A30, A100, H100 and later data-center GPUs).
pub fn compute_only(gpu: &Gpu) -> bool {
    gpu.mig.is_some()
}
