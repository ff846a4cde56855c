//! The CNN page's inputs as typed, and the one conversion of them into the CNN
//! part of a scenario ([`CnnScenario::from_form`]), and back
//! ([`CnnScenario::to_form`]) when a link or a saved scenario is opened.

use serde::{Deserialize, Serialize};

use super::memory::{CnnWorkload, Mode, Optimizer};
use super::presets::Preset;
use super::size::{self as rules, bundled, design_input, layer_text};
use super::text;
use crate::field::Reader;
use crate::input::number_text;
use crate::precision::Precision;
use crate::scenario::{CnnScenario, FromForm, NetworkRef};

/// Everything the user can set on the CNN page, with numbers as typed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CnnForm {
    /// The layer list in the text format of [`text`].
    pub layers: String,
    pub height: String,
    pub width: String,
    pub channels: String,
    pub batch: String,
    pub precision: Precision,
    pub mode: Mode,
    pub optimizer: Optimizer,
    pub mixed_precision: bool,
    /// Runtime overhead in MiB.
    pub overhead_mib: String,
    /// GPU memory for the reverse question, GiB.
    #[serde(default = "default_memory_gib")]
    pub memory_gib: String,
}

fn default_memory_gib() -> String {
    "80".into()
}

impl CnnForm {
    /// The form as it opens: `preset` at its design input, batch 32, FP32 training.
    pub fn for_preset(preset: Preset) -> CnnForm {
        let input = preset.input();
        let w = CnnWorkload::default();
        CnnForm {
            layers: text::render(&preset.network()),
            height: input.height.to_string(),
            width: input.width.to_string(),
            channels: input.channels.to_string(),
            batch: w.batch.to_string(),
            precision: w.precision,
            mode: w.mode,
            optimizer: w.optimizer,
            mixed_precision: w.mixed_precision,
            overhead_mib: number_text(w.runtime_overhead as f64 / 1_048_576.0),
            memory_gib: default_memory_gib(),
        }
    }

    /// The preset whose layer list this form holds unchanged, if any.
    pub fn matching_preset(&self) -> Option<Preset> {
        bundled(&text::parse(&self.layers).ok()?.network)
    }
}

impl Default for CnnForm {
    fn default() -> CnnForm {
        CnnForm::for_preset(Preset::Vgg16)
    }
}

impl CnnScenario {
    /// The CNN part of a scenario, read once from the page's fields. A layer list
    /// equal to a bundled network's is that network; one with mistakes is kept as
    /// typed. A number field that holds no number keeps its `last` value and gets
    /// a message; an image side equal to the network's design input is left out.
    pub fn from_form(form: &CnnForm, last: Option<&CnnScenario>) -> FromForm<CnnScenario> {
        let preset = form.matching_preset();
        let network = match preset {
            Some(p) => NetworkRef::Preset(p),
            None => NetworkRef::Layers(form.layers.clone()),
        };
        let design = design_input(preset);
        let mut r = Reader::new(|_: &str| true);
        let was = |f: fn(&CnnScenario) -> Option<u64>| last.and_then(f);
        let mut side = |rule, text: &str, design: u32, last: Option<u64>| {
            let v = r.whole(rule, text, last.unwrap_or(design.into()));
            (v != u64::from(design)).then_some(v)
        };
        let height = side(
            rules::HEIGHT,
            &form.height,
            design.height,
            was(|s| s.height),
        );
        let width = side(rules::WIDTH, &form.width, design.width, was(|s| s.width));
        let channels = side(
            rules::CHANNELS,
            &form.channels,
            design.channels,
            was(|s| s.channels),
        );
        let part = CnnScenario {
            network,
            height,
            width,
            channels,
            batch: r.whole(rules::BATCH, &form.batch, last.map_or(0, |s| s.batch)),
            precision: form.precision,
            mode: form.mode,
            optimizer: form.optimizer,
            mixed_precision: form.mixed_precision,
            overhead_mib: r.decimal(
                rules::OVERHEAD_MIB,
                &form.overhead_mib,
                last.map_or(0.0, |s| s.overhead_mib),
            ),
            memory_gib: r.decimal(
                rules::MEMORY_GIB,
                &form.memory_gib,
                last.map_or(80.0, |s| s.memory_gib),
            ),
        };
        FromForm {
            part,
            unread: r.unread,
        }
    }

    /// The page's fields for this part of a scenario.
    pub fn to_form(&self) -> CnnForm {
        let (layers, preset) = layer_text(&self.network);
        let preset = preset.or_else(|| bundled(&text::parse(&layers).ok()?.network));
        let design = design_input(preset);
        let side = |v: Option<u64>, d: u32| v.unwrap_or(u64::from(d)).to_string();
        CnnForm {
            layers,
            height: side(self.height, design.height),
            width: side(self.width, design.width),
            channels: side(self.channels, design.channels),
            batch: self.batch.to_string(),
            precision: self.precision,
            mode: self.mode,
            optimizer: self.optimizer,
            mixed_precision: self.mixed_precision,
            overhead_mib: number_text(self.overhead_mib),
            memory_gib: number_text(self.memory_gib),
        }
    }
}

impl Default for CnnScenario {
    fn default() -> CnnScenario {
        CnnScenario::from_form(&CnnForm::default(), None).part
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_opening_form_is_vgg16_and_the_default_scenario() {
        let form = CnnForm::default();
        assert_eq!(form.matching_preset(), Some(Preset::Vgg16));
        let read = CnnScenario::from_form(&form, None);
        assert!(read.unread.is_empty());
        assert_eq!(read.part.network, NetworkRef::Preset(Preset::Vgg16));
        assert_eq!(read.part.height, None);
        assert_eq!(read.part.to_form(), form);
    }

    #[test]
    fn out_of_range_numbers_are_kept_and_text_keeps_the_last_number() {
        let mut form = CnnForm {
            batch: "0".into(),
            ..CnnForm::default()
        };
        let read = CnnScenario::from_form(&form, None);
        assert_eq!(read.part.batch, 0);
        assert!(read.unread.is_empty());
        form.batch = "lots".into();
        let read = CnnScenario::from_form(&form, Some(&read.part));
        assert_eq!(read.part.batch, 0);
        assert_eq!(read.unread[0].path, rules::BATCH.path);
        assert_eq!(read.unread[0].message, "'lots' is not a number.");
        // A broken layer list is kept as typed.
        form.batch = "8".into();
        form.layers = "conv 64 3x3 pad=1\nconv oops\n".into();
        assert_eq!(
            CnnScenario::from_form(&form, None).part.network,
            NetworkRef::Layers("conv 64 3x3 pad=1\nconv oops\n".into())
        );
    }

    #[test]
    fn edited_layers_are_no_longer_the_preset() {
        let mut form = CnnForm::for_preset(Preset::AlexNet);
        assert_eq!(form.matching_preset(), Some(Preset::AlexNet));
        form.layers.push_str("extra: fc 10\n");
        assert_eq!(form.matching_preset(), None);
        let s = CnnScenario::from_form(&form, None).part;
        assert!(matches!(s.network, NetworkRef::Layers(_)));
        assert_eq!(s.to_form(), form);
    }
}
