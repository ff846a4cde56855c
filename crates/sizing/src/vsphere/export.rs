//! The deployment sheet as Markdown (for a wiki or a runbook) and as a PowerCLI
//! script that makes the VM settings and adds the device.

use super::{Firmware, Item, Sheet, SheetKind, Status};

fn md_escape(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

fn table(out: &mut String, title: &str, items: &[Item]) {
    if items.is_empty() {
        return;
    }
    out.push_str(&format!(
        "\n## {title}\n\n| Item | Value | Status | Why | Source |\n|---|---|---|---|---|\n"
    ));
    for i in items {
        out.push_str(&format!(
            "| {} | `{}` | {} | {} | [{}]({}) |\n",
            md_escape(&i.label),
            md_escape(&i.value),
            i.status.label(),
            md_escape(&i.why),
            md_escape(i.source.title()),
            i.source.url()
        ));
    }
}

/// The sheet as a Markdown document.
pub fn markdown(s: &Sheet) -> String {
    let mut out = format!(
        "# Deploying on vSphere: {}\n\n- How: {}\n- vSphere release: {}\n",
        s.label,
        s.kind.label(),
        s.release.label()
    );
    if s.vms > 1 {
        out.push_str(&format!(
            "- VMs: {} (the settings below are for a VM of {})\n",
            s.vms_words(),
            s.devices
        ));
    }
    if let Some(v) = &s.vgpu_string {
        out.push_str(&format!("- vGPU profile: `{v}`\n"));
    }
    if let Some(m) = &s.mmio {
        out.push_str(&format!("- 64-bit MMIO: {} per VM\n", m.formula));
    }
    out.push_str(&format!(
        "- Checks: {}\n",
        if s.deployable() {
            "all pass"
        } else {
            "some fail (see below)"
        }
    ));
    table(&mut out, "VM settings", &s.vm);
    table(&mut out, "Host and vCenter", &s.host);
    table(&mut out, "Releases and limits", &s.checks);
    out
}

/// A PowerShell single-quoted string: every quote doubled, the typographic
/// ones too, which PowerShell also takes for single quotes.
fn ps_quote(s: &str) -> String {
    let mut out = String::from("'");
    for c in s.chars() {
        if matches!(c, '\'' | '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}') {
            out.push(c);
        }
        out.push(c);
    }
    out.push('\'');
    out
}

/// Text for a `#` comment: a line break or other control character would end
/// the comment and run the rest as a command.
fn ps_comment(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// A PowerCLI script that makes the sheet's VM settings. It connects to nothing
/// itself and asks for the VM by name; review it before running it.
pub fn powercli(s: &Sheet) -> String {
    let mut o = String::new();
    o.push_str("# headroom deployment script: REVIEW BEFORE RUNNING.\n");
    o.push_str(&format!(
        "# {} — {}\n",
        ps_comment(&s.label),
        s.kind.label()
    ));
    o.push_str(&format!(
        "# Written for {}. It changes one VM, which must be powered off.\n",
        s.release.label()
    ));
    if s.vms > 1 {
        o.push_str(&format!(
            "# The deployment takes {}: run it once for each (it sets a VM of {}).\n",
            s.vms_words(),
            s.devices
        ));
    }
    o.push_str("# Connect first: Connect-VIServer -Server <vcenter>\n");
    if !s.deployable() {
        o.push_str("# WARNING: some checks of the sheet fail for this release; see the sheet.\n");
    }
    o.push_str("param([Parameter(Mandatory = $true)][string]$VMName)\n\n");
    o.push_str("$vm = Get-VM -Name $VMName -ErrorAction Stop\n");
    o.push_str("if ($vm.PowerState -ne 'PoweredOff') { throw \"Power off $VMName first.\" }\n\n");
    if let Some(m) = &s.mmio {
        let size = s.vm.iter().find(|i| i.id == "mmio_size");
        o.push_str("# 64-bit MMIO (pciPassthru.use64bitMMIO, pciPassthru.64bitMMIOSizeGB)\n");
        o.push_str("New-AdvancedSetting -Entity $vm -Name 'pciPassthru.use64bitMMIO' -Value 'TRUE' -Force -Confirm:$false\n");
        if size.is_some_and(|i| i.status == Status::Set) {
            o.push_str(&format!(
                "New-AdvancedSetting -Entity $vm -Name 'pciPassthru.64bitMMIOSizeGB' -Value '{}' -Force -Confirm:$false\n",
                m.total_gb
            ));
        } else {
            o.push_str(&format!(
                "# pciPassthru.64bitMMIOSizeGB: the TKG default covers {} GB\n",
                m.total_gb
            ));
        }
        o.push('\n');
    }
    o.push_str("$spec = New-Object VMware.Vim.VirtualMachineConfigSpec\n");
    o.push_str("# Reserve all guest memory (All locked)\n");
    o.push_str("$spec.MemoryReservationLockedToMax = $true\n");
    if s.firmware == Firmware::Efi {
        o.push_str("# EFI firmware (BAR1 above 256 MB). Changing an installed guest from BIOS needs a reinstall.\n");
        o.push_str("$spec.Firmware = [VMware.Vim.GuestOsDescriptorFirmwareType]::efi\n");
    }
    match s.kind {
        SheetKind::TimeSlicedVgpu | SheetKind::MigBackedVgpu => {
            let profile = s.vgpu_string.clone().unwrap_or_default();
            let n = s.devices.max(1);
            o.push_str(&format!(
                "# {}, profile {}\n",
                crate::units::count(u64::from(n), "vGPU device", "vGPU devices"),
                ps_comment(&profile)
            ));
            // Each new device takes its own negative key.
            o.push_str(&format!("$devices = foreach ($i in 1..{n}) {{\n"));
            o.push_str("    $dev = New-Object VMware.Vim.VirtualDeviceConfigSpec\n");
            o.push_str("    $dev.Operation = 'add'\n");
            o.push_str("    $dev.Device = New-Object VMware.Vim.VirtualPCIPassthrough\n");
            o.push_str("    $dev.Device.Key = -100 - $i\n");
            o.push_str("    $dev.Device.Backing = New-Object VMware.Vim.VirtualPCIPassthroughVmiopBackingInfo\n");
            o.push_str(&format!(
                "    $dev.Device.Backing.Vgpu = {}\n",
                ps_quote(&profile)
            ));
            o.push_str("    $dev\n}\n");
            o.push_str("$spec.DeviceChange = @($devices)\n");
        }
        _ => {
            o.push_str(&format!(
                "# {} × {}: add as Dynamic DirectPath I/O devices in the vSphere Client\n",
                s.devices,
                ps_comment(&s.gpu_name)
            ));
            o.push_str("# (Edit Settings > Add New Device > PCI Device), or list them with\n");
            o.push_str("#   Get-PassthroughDevice -VMHost (Get-VMHost -VM $vm) -Type Pci\n");
        }
    }
    o.push_str("$vm.ExtensionData.ReconfigVM($spec)\n");
    o.push_str("Write-Host \"Reconfigured $VMName. Check the host items of the sheet (BIOS, driver, graphics type) before powering on.\"\n");
    o
}

#[cfg(test)]
mod script_text {
    use super::{ps_comment, ps_quote};

    #[test]
    fn names_cannot_end_a_comment_or_a_string() {
        assert_eq!(
            ps_comment("NVIDIA A40\nWrite-Host 'x'\r#"),
            "NVIDIA A40 Write-Host 'x' #"
        );
        assert_eq!(ps_quote("it's"), "'it''s'");
        // PowerShell takes typographic quotes for single quotes too.
        assert_eq!(ps_quote("a\u{2019}b"), "'a\u{2019}\u{2019}b'");
    }
}
