//! The Fits panel's inputs as typed, the one conversion of them into the
//! deployment question of a scenario ([`Deployment::from_form`], and back with
//! [`Deployment::to_form`]), and the check of that question against a catalog
//! ([`Deployment::settings`]).

use serde::{Deserialize, Serialize};

use super::Catalog;
use super::fit::{DeploymentMode, FitSettings, MAX_CARDS_PER_HOST, MAX_MARGIN_PERCENT, VgpuMode};
use crate::field::{Decimal, Problems, Reader, Whole};
use crate::fleet;
use crate::input::number_text;
use crate::scenario::{Deployment, FORM_CLASSES, FieldError, FromForm};
use crate::vsphere::Release;

pub const MARGIN: Decimal = Decimal::new("deployment.margin_percent", 0.0, MAX_MARGIN_PERCENT);
pub const CARDS: Whole = Whole::new("deployment.cards_per_host", 1, MAX_CARDS_PER_HOST as u64);
pub const ARCHITECTURE: &str = "deployment.architecture";
pub const FORM_CLASS: &str = "deployment.form_class";

/// Everything the user can set on the Fits panel, with numbers as typed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FitForm {
    /// Safety margin in percent.
    pub margin: String,
    /// GPU cards per host.
    pub cards: String,
    pub vgpu_mode: VgpuMode,
    pub ecc: bool,
    /// One architecture, or all when `None`.
    pub architecture: Option<String>,
    /// One form-factor class, or all when `None`.
    pub form_class: Option<String>,
    /// One deployment mode, or all when `None`.
    pub mode: Option<DeploymentMode>,
    /// Also list the options that are too small.
    pub show_too_small: bool,
    /// List every profile, not only the smallest fit per GPU and deployment mode.
    pub all_profiles: bool,
    /// The vSphere release of the deployment sheet.
    #[serde(default)]
    pub vsphere: Release,
    /// The VM is a TKG worker node.
    #[serde(default)]
    pub tkg: bool,
    /// The user's own hosts, as typed ("4 × L40S per host, 6 hosts").
    #[serde(default)]
    pub fleet: String,
}

impl Default for FitForm {
    fn default() -> FitForm {
        Deployment::default().to_form()
    }
}

impl Default for Deployment {
    fn default() -> Deployment {
        let s = FitSettings::default();
        Deployment {
            margin_percent: s.margin_percent,
            cards_per_host: s.cards_per_host.into(),
            vgpu_mode: s.vgpu_mode,
            ecc: s.ecc,
            architecture: None,
            form_class: None,
            mode: None,
            show_too_small: false,
            all_profiles: false,
            vsphere: Release::default(),
            tkg: false,
            fleet: Vec::new(),
        }
    }
}

impl Deployment {
    /// The deployment question, read once from the Fits panel's fields; a field
    /// that holds no number keeps its `last` value and gets a message.
    pub fn from_form(form: &FitForm, last: Option<&Deployment>) -> FromForm<Deployment> {
        let mut r = Reader::new(|_: &str| true);
        let part = Deployment {
            margin_percent: r.decimal(MARGIN, &form.margin, last.map_or(0.0, |d| d.margin_percent)),
            cards_per_host: r.whole(CARDS, &form.cards, last.map_or(0, |d| d.cards_per_host)),
            vgpu_mode: form.vgpu_mode,
            ecc: form.ecc,
            architecture: form.architecture.clone(),
            form_class: form.form_class.clone(),
            mode: form.mode,
            show_too_small: form.show_too_small,
            all_profiles: form.all_profiles,
            vsphere: form.vsphere,
            tkg: form.tkg,
            fleet: match fleet::parse(&form.fleet) {
                Ok(f) => f,
                Err(e) => {
                    r.unread.push(e);
                    last.map(|d| d.fleet.clone()).unwrap_or_default()
                }
            },
        };
        FromForm {
            part,
            unread: r.unread,
        }
    }

    /// The Fits panel's fields for this deployment question.
    pub fn to_form(&self) -> FitForm {
        FitForm {
            margin: number_text(self.margin_percent),
            cards: self.cards_per_host.to_string(),
            vgpu_mode: self.vgpu_mode,
            ecc: self.ecc,
            architecture: self.architecture.clone(),
            form_class: self.form_class.clone(),
            mode: self.mode,
            show_too_small: self.show_too_small,
            all_profiles: self.all_profiles,
            vsphere: self.vsphere,
            tkg: self.tkg,
            fleet: fleet::text(&self.fleet),
        }
    }

    /// This question without filters `catalog` has no GPU for (an architecture or
    /// form factor it does not know), and why each was dropped.
    pub fn known_filters(&self, catalog: &Catalog) -> (Deployment, Vec<FieldError>) {
        let mut d = self.clone();
        let problems = self
            .settings(catalog)
            .err()
            .unwrap_or_default()
            .into_iter()
            .filter(|e| e.path == ARCHITECTURE || e.path == FORM_CLASS)
            .inspect(|e| match e.path.as_str() {
                ARCHITECTURE => d.architecture = None,
                _ => d.form_class = None,
            })
            .collect();
        (d, problems)
    }

    /// The fit engine's settings, once every field is valid for `catalog`.
    pub fn settings(&self, catalog: &Catalog) -> Result<FitSettings, Vec<FieldError>> {
        let mut p = Problems::default();
        let margin = p.take(MARGIN.check(self.margin_percent), 0.0);
        let cards = p.take(CARDS.check(self.cards_per_host), 1) as u32;
        if let Some(a) = &self.architecture {
            let known = architectures(catalog);
            if !known.contains(a) {
                p.push(FieldError::new(
                    ARCHITECTURE,
                    format!(
                        "\"{a}\" is not an architecture of the catalog; use one of {}",
                        known.join(", ")
                    ),
                ));
            }
        }
        if let Some(f) = &self.form_class
            && !FORM_CLASSES.contains(&f.as_str())
        {
            p.push(FieldError::new(
                FORM_CLASS,
                format!(
                    "\"{f}\" is not a form factor; use one of {}",
                    FORM_CLASSES.join(", ")
                ),
            ));
        }
        if !p.is_empty() {
            return Err(p.0);
        }
        Ok(FitSettings {
            margin_percent: margin,
            cards_per_host: cards,
            vgpu_mode: self.vgpu_mode,
            ecc: self.ecc,
            architectures: self.architecture.iter().cloned().collect(),
            form_classes: self.form_class.iter().cloned().collect(),
            modes: self.mode.iter().copied().collect(),
        })
    }
}

/// Distinct architectures of a catalog, in catalog order.
pub fn architectures(catalog: &Catalog) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for g in &catalog.gpus {
        if !out.contains(&g.architecture) {
            out.push(g.architecture.clone());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_fields_get_messages_at_their_paths() {
        let form = FitForm {
            margin: "-5".into(),
            cards: "0".into(),
            ..FitForm::default()
        };
        let read = Deployment::from_form(&form, None);
        assert!(read.unread.is_empty());
        let e = read.part.settings(Catalog::bundled()).unwrap_err();
        assert_eq!(
            FieldError::at(&e, MARGIN.path),
            Some("Must be between 0 and 100.")
        );
        assert_eq!(
            FieldError::at(&e, CARDS.path),
            Some("Must be between 1 and 16.")
        );
        let form = FitForm {
            margin: "abc".into(),
            ..FitForm::default()
        };
        let read = Deployment::from_form(&form, Some(&Deployment::default()));
        assert_eq!(read.part.margin_percent, 10.0);
        assert_eq!(read.unread[0].message, "'abc' is not a number.");
    }

    #[test]
    fn unknown_filters_are_dropped_with_their_reason() {
        let d = Deployment {
            architecture: Some("Kepler".into()),
            form_class: Some("SXM".into()),
            ..Deployment::default()
        };
        let (known, problems) = d.known_filters(Catalog::bundled());
        assert_eq!(known.architecture, None);
        assert_eq!(known.form_class.as_deref(), Some("SXM"));
        assert_eq!(problems[0].path, ARCHITECTURE);
    }

    #[test]
    fn the_opening_form_is_the_default_question() {
        let read = Deployment::from_form(&FitForm::default(), None);
        assert_eq!(read.part, Deployment::default());
        assert_eq!(FitForm::default().margin, "10");
    }

    #[test]
    fn architectures_are_listed_once() {
        let a = architectures(Catalog::bundled());
        assert!(a.contains(&"Hopper".to_string()));
        let mut dedup = a.clone();
        dedup.dedup();
        assert_eq!(a.len(), dedup.len());
    }
}
