//! The bundled catalog, `data/gpu-catalog.json`, as the binary copy
//! `data/gpu-catalog.bin` (see `crate::packed`), so that the app starts with no
//! JSON to parse: reading and checking 200 KB of JSON took about 29 ms (median)
//! of a cold start in Chromium.

use super::*;
use crate::packed::{Packed, Reader, packed_struct};

impl Packed for Rate {
    fn read(r: &mut Reader) -> Self {
        match r.tag() {
            0 => Rate::Value(f64::read(r)),
            1 => Rate::Status(RateStatus::Unsupported),
            _ => Rate::Status(RateStatus::Unknown),
        }
    }
    #[cfg(test)]
    fn write(&self, out: &mut Vec<u8>) {
        match self {
            Rate::Value(v) => {
                out.push(0);
                v.write(out);
            }
            Rate::Status(RateStatus::Unsupported) => out.push(1),
            Rate::Status(RateStatus::Unknown) => out.push(2),
        }
    }
}

packed_struct!(Catalog {
    schema_version,
    description,
    gpus,
    sources
});
packed_struct!(SourceRef {
    id,
    reference,
    description
});
packed_struct!(Gpu {
    id,
    name,
    architecture,
    form_factor,
    pcie_gen,
    tdp_w,
    memory,
    gpus_per_board,
    nvlink,
    perf,
    mig,
    vgpu,
    notes,
    sources,
});
packed_struct!(Memory {
    size_gb,
    kind,
    bandwidth_gbps,
    ecc
});
packed_struct!(Nvlink {
    supported,
    bandwidth_gbps,
    note,
    bridge_gpus
});
packed_struct!(Rates {
    fp64,
    fp64_tensor,
    fp32,
    tf32,
    fp16,
    bf16,
    fp8,
    int8,
    int4,
    fp4
});
packed_struct!(Perf {
    dense,
    sparse,
    confidence,
    provenance
});
packed_struct!(Mig {
    memory_slices,
    compute_slices,
    max_instances,
    profiles,
    notes
});
packed_struct!(MigProfile {
    name,
    memory_gb,
    memory_slices,
    compute_slices,
    max_instances,
    media_extensions,
    start_slices,
    usable_gib,
    usable_basis,
    sm_count,
    reserve_mib,
});
packed_struct!(Vgpu {
    c_series,
    mixed_size_supported,
    mmio_gb,
    p2p_types,
    time_sliced,
    mig_backed
});
packed_struct!(TimeSlicedType {
    name,
    framebuffer_mib,
    memory_gb,
    max_per_gpu,
    max_per_gpu_mixed,
    placement_ids,
    reserve_mib,
});
packed_struct!(MigBackedType {
    name,
    framebuffer_mib,
    memory_gb,
    max_per_gpu,
    gpu_instance,
    vgpus_per_instance,
    reserve_mib,
});

/// The bundled catalog, from `data/gpu-catalog.bin`.
pub(super) fn bundled() -> Catalog {
    crate::packed::unpack(BUNDLED_BIN)
}

/// `data/gpu-catalog.json` in the packed form.
pub(super) const BUNDLED_BIN: &[u8] = include_bytes!("../../data/gpu-catalog.bin");
