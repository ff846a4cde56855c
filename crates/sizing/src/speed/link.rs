//! The links gradients and activations travel over, and the ring all-reduce.

use serde::{Deserialize, Serialize};

use crate::catalog::Gpu;

/// A network or GPU link, by its bandwidth in one direction.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Link {
    /// The option's own GPU-to-GPU link: NVLink when the GPU has it, else PCIe.
    #[default]
    Gpu,
    #[serde(rename = "10gbe")]
    Eth10,
    #[serde(rename = "25gbe")]
    Eth25,
    #[serde(rename = "100gbe")]
    Eth100,
    #[serde(rename = "200gbe")]
    Eth200,
    #[serde(rename = "400gbe")]
    Eth400,
    /// InfiniBand HDR, 200 Gb/s.
    IbHdr,
    /// InfiniBand NDR, 400 Gb/s.
    IbNdr,
    Pcie3,
    Pcie4,
    Pcie5,
    /// NVLink 2 (Volta): 6 links, 300 GB/s per GPU both ways.
    Nvlink2,
    /// NVLink 3 (Ampere): 12 links, 600 GB/s.
    Nvlink3,
    /// NVLink 4 (Hopper): 18 links, 900 GB/s.
    Nvlink4,
    /// NVLink 5 (Blackwell): 18 links, 1,800 GB/s.
    Nvlink5,
}

impl Link {
    pub const ALL: [Link; 15] = [
        Link::Gpu,
        Link::Eth10,
        Link::Eth25,
        Link::Eth100,
        Link::Eth200,
        Link::Eth400,
        Link::IbHdr,
        Link::IbNdr,
        Link::Pcie3,
        Link::Pcie4,
        Link::Pcie5,
        Link::Nvlink2,
        Link::Nvlink3,
        Link::Nvlink4,
        Link::Nvlink5,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Link::Gpu => "gpu",
            Link::Eth10 => "10gbe",
            Link::Eth25 => "25gbe",
            Link::Eth100 => "100gbe",
            Link::Eth200 => "200gbe",
            Link::Eth400 => "400gbe",
            Link::IbHdr => "ib_hdr",
            Link::IbNdr => "ib_ndr",
            Link::Pcie3 => "pcie3",
            Link::Pcie4 => "pcie4",
            Link::Pcie5 => "pcie5",
            Link::Nvlink2 => "nvlink2",
            Link::Nvlink3 => "nvlink3",
            Link::Nvlink4 => "nvlink4",
            Link::Nvlink5 => "nvlink5",
        }
    }

    pub fn from_id(id: &str) -> Option<Link> {
        Link::ALL.into_iter().find(|l| l.id() == id)
    }

    pub fn label(self) -> &'static str {
        match self {
            Link::Gpu => "The GPU's own (NVLink or PCIe)",
            Link::Eth10 => "10 Gb Ethernet",
            Link::Eth25 => "25 Gb Ethernet",
            Link::Eth100 => "100 Gb Ethernet",
            Link::Eth200 => "200 Gb Ethernet",
            Link::Eth400 => "400 Gb Ethernet",
            Link::IbHdr => "InfiniBand HDR (200 Gb/s)",
            Link::IbNdr => "InfiniBand NDR (400 Gb/s)",
            Link::Pcie3 => "PCIe Gen3 x16",
            Link::Pcie4 => "PCIe Gen4 x16",
            Link::Pcie5 => "PCIe Gen5 x16",
            Link::Nvlink2 => "NVLink 2 (6 links, 300 GB/s)",
            Link::Nvlink3 => "NVLink 3 (12 links, 600 GB/s)",
            Link::Nvlink4 => "NVLink 4 (18 links, 900 GB/s)",
            Link::Nvlink5 => "NVLink 5 (18 links, 1,800 GB/s)",
        }
    }

    /// Bytes per second in one direction; `None` for [`Link::Gpu`] (see [`gpu_link`]).
    /// Network links at their line rate (the article's 25 Gb/s = 3.125 GB/s);
    /// PCIe x16 after its 128b/130b encoding; NVLink half its two-way figure.
    pub fn bytes_per_s(self) -> Option<f64> {
        let gbit = |g: f64| Some(g * 1e9 / 8.0);
        let gbyte = |g: f64| Some(g * 1e9);
        match self {
            Link::Gpu => None,
            Link::Eth10 => gbit(10.0),
            Link::Eth25 => gbit(25.0),
            Link::Eth100 => gbit(100.0),
            Link::Eth200 | Link::IbHdr => gbit(200.0),
            Link::Eth400 | Link::IbNdr => gbit(400.0),
            Link::Pcie3 => gbyte(15.75),
            Link::Pcie4 => gbyte(31.5),
            Link::Pcie5 => gbyte(63.0),
            Link::Nvlink2 => gbyte(150.0),
            Link::Nvlink3 => gbyte(300.0),
            Link::Nvlink4 => gbyte(450.0),
            Link::Nvlink5 => gbyte(900.0),
        }
    }
}

/// A GPU's own link to its peers, one direction: half its NVLink figure, or its
/// PCIe generation x16; (bytes/s, what it is).
pub fn gpu_link(gpu: &Gpu, mig: bool) -> (f64, String) {
    if !mig
        && gpu.nvlink.supported
        && let Some(bw) = gpu
            .nvlink
            .bandwidth_gbps
            .filter(|b| b.is_finite() && *b > 0.0)
    {
        return (
            bw / 2.0 * 1e9,
            format!("NVLink, {} GB/s each way", super::num(bw / 2.0)),
        );
    }
    let (link, generation) = match gpu.pcie_gen {
        Some(3) => (Link::Pcie3, 3),
        Some(4) => (Link::Pcie4, 4),
        _ => (Link::Pcie5, 5),
    };
    let why = if mig {
        " (MIG instances have no NVLink)"
    } else {
        ""
    };
    (
        link.bytes_per_s().unwrap_or(0.0),
        format!("PCIe Gen{generation} x16{why}"),
    )
}

/// The link a ring of `n` GPUs runs at: the GPU's own ([`gpu_link`]) while its
/// NVLink joins all `n` (every GPU of an SXM baseboard; the cards one bridge
/// joins: a pair, or four with H200 NVL's 4-way bridge), else PCIe, its slowest
/// hop: a ring of more cards crosses PCIe between the bridged groups.
pub fn ring_link(gpu: &Gpu, mig: bool, n: u64) -> (f64, String) {
    let own = gpu_link(gpu, mig);
    let joined = u64::from(crate::catalog::nvlink_group(
        gpu,
        u32::try_from(n).unwrap_or(u32::MAX),
    ));
    if mig || !gpu.nvlink.supported || n <= joined {
        return own;
    }
    let (rate, pcie) = gpu_link(gpu, true);
    let pcie = pcie.trim_end_matches(" (MIG instances have no NVLink)");
    (
        rate,
        format!(
            "{pcie}: NVLink bridges join {}, and a ring of {n} crosses PCIe between them",
            crate::catalog::bridged(joined as u32)
        ),
    )
}

/// Between vGPUs of a type without peer-to-peer (`profile`): every transfer
/// goes through host memory, down one GPU's PCIe link and up the other's,
/// taken as half the PCIe rate.
pub fn through_host(gpu: &Gpu, profile: &str) -> (f64, String) {
    let (rate, label) = gpu_link(gpu, true);
    let pcie = label.trim_end_matches(" (MIG instances have no NVLink)");
    (
        rate / 2.0,
        format!("{pcie} through host memory, half its rate ({profile} has no peer-to-peer)"),
    )
}

/// How much of the gradient all-reduce runs during the backward pass.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Overlap {
    /// The all-reduce starts after the backward pass: it adds in full.
    None,
    /// Buckets all-reduce while the backward pass runs (PyTorch DDP): up to half
    /// the compute time hides it.
    #[default]
    Partial,
    /// Fully hidden while it is shorter than the compute.
    Full,
}

impl Overlap {
    pub const ALL: [Overlap; 3] = [Overlap::None, Overlap::Partial, Overlap::Full];

    pub fn id(self) -> &'static str {
        match self {
            Overlap::None => "none",
            Overlap::Partial => "partial",
            Overlap::Full => "full",
        }
    }

    pub fn from_id(id: &str) -> Option<Overlap> {
        Overlap::ALL.into_iter().find(|o| o.id() == id)
    }

    pub fn label(self) -> &'static str {
        match self {
            Overlap::None => "None — after the backward pass",
            Overlap::Partial => "Partial — during half the compute (DDP buckets)",
            Overlap::Full => "Full — hidden behind the compute",
        }
    }

    /// The all-reduce time left on the iteration's critical path.
    pub fn exposed(self, compute_s: f64, comm_s: f64) -> f64 {
        match self {
            Overlap::None => comm_s,
            Overlap::Partial => (comm_s - compute_s / 2.0).max(0.0),
            Overlap::Full => (comm_s - compute_s).max(0.0),
        }
    }
}

/// Bytes each of `n` GPUs sends (and receives) in a ring all-reduce of `bytes`:
/// a reduce-scatter and an all-gather, each (n − 1)/n of the data.
pub fn ring_bytes(bytes: f64, n: u64) -> f64 {
    if n <= 1 {
        return 0.0;
    }
    2.0 * (n - 1) as f64 / n as f64 * bytes
}
