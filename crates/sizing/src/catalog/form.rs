//! The "Fits" panel's inputs as typed, and what they evaluate to.

use serde::{Deserialize, Serialize};

use super::fit::{
    DeploymentMode, FitSettings, Fits, MAX_CARDS_PER_HOST, MAX_MARGIN_PERCENT, VgpuMode, fit,
};
use super::{Catalog, Demand};
use crate::input::{parse_decimal, parse_whole};
use crate::units::ByteUnits;

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
}

impl Default for FitForm {
    fn default() -> FitForm {
        let s = FitSettings::default();
        FitForm {
            margin: crate::input::trim_float(s.margin_percent),
            cards: s.cards_per_host.to_string(),
            vgpu_mode: s.vgpu_mode,
            ecc: s.ecc,
            architecture: None,
            form_class: None,
            mode: None,
            show_too_small: false,
            all_profiles: false,
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FitErrors {
    pub margin: Option<String>,
    pub cards: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FitOutcome {
    pub errors: FitErrors,
    pub fits: Option<Fits>,
}

/// Validate the panel's fields and, if they are valid, answer the fit question.
pub fn evaluate_fit(
    catalog: &Catalog,
    demand: &Demand,
    form: &FitForm,
    units: ByteUnits,
) -> FitOutcome {
    let mut errors = FitErrors::default();
    let margin = parse_decimal(&form.margin, 0.0, MAX_MARGIN_PERCENT)
        .map_err(|e| errors.margin = Some(e))
        .ok();
    let cards = parse_whole(&form.cards, 1, u64::from(MAX_CARDS_PER_HOST))
        .map_err(|e| errors.cards = Some(e))
        .ok();
    let (Some(margin), Some(cards)) = (margin, cards) else {
        return FitOutcome { errors, fits: None };
    };
    let settings = FitSettings {
        margin_percent: margin,
        cards_per_host: cards as u32,
        vgpu_mode: form.vgpu_mode,
        ecc: form.ecc,
        architectures: form.architecture.iter().cloned().collect(),
        form_classes: form.form_class.iter().cloned().collect(),
        modes: form.mode.iter().copied().collect(),
        units,
    };
    let mut fits = fit(catalog, demand, &settings);
    if !form.all_profiles {
        fits.condense();
    }
    if !form.show_too_small {
        fits.drop_too_small();
    }
    FitOutcome {
        errors,
        fits: Some(fits),
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
    fn bad_fields_get_messages() {
        let form = FitForm {
            margin: "-5".into(),
            cards: "0".into(),
            ..FitForm::default()
        };
        let out = evaluate_fit(
            Catalog::bundled(),
            &Demand {
                total: 1,
                replicated: 0,
            },
            &form,
            ByteUnits::Decimal,
        );
        assert_eq!(
            out.errors.margin.as_deref(),
            Some("Must be between 0 and 100.")
        );
        assert_eq!(
            out.errors.cards.as_deref(),
            Some("Must be between 1 and 16.")
        );
        assert!(out.fits.is_none());
    }

    #[test]
    fn hiding_too_small_options_keeps_recommendations_valid() {
        let demand = Demand {
            total: 60_000_000_000,
            replicated: 0,
        };
        let out = evaluate_fit(
            Catalog::bundled(),
            &demand,
            &FitForm::default(),
            ByteUnits::Decimal,
        );
        let fits = out.fits.unwrap();
        assert!(
            fits.options
                .iter()
                .all(|o| o.status != crate::catalog::FitStatus::TooSmall)
        );
        for r in &fits.recommendations {
            assert_eq!(
                fits.options[r.option].status,
                crate::catalog::FitStatus::Fits
            );
        }
    }

    #[test]
    fn condensed_lists_one_row_per_gpu_and_mode() {
        let demand = Demand {
            total: 2_000_000_000,
            replicated: 0,
        };
        let all = evaluate_fit(
            Catalog::bundled(),
            &demand,
            &FitForm {
                all_profiles: true,
                ..FitForm::default()
            },
            ByteUnits::Decimal,
        )
        .fits
        .unwrap();
        let few = evaluate_fit(
            Catalog::bundled(),
            &demand,
            &FitForm::default(),
            ByteUnits::Decimal,
        )
        .fits
        .unwrap();
        assert!(few.options.len() < all.options.len());
        let mut groups = std::collections::HashSet::new();
        for o in &few.options {
            groups.insert((o.gpu_id.clone(), o.mode));
        }
        // Recommendations survive and still name the same options.
        for (a, b) in all.recommendations.iter().zip(&few.recommendations) {
            assert_eq!(all.options[a.option], few.options[b.option]);
        }
        // The A100 40GB time-sliced row is its smallest fitting type, A100-4C.
        assert!(
            few.options
                .iter()
                .any(|o| o.profile.as_deref() == Some("A100-4C"))
        );
        assert!(
            !few.options
                .iter()
                .any(|o| o.profile.as_deref() == Some("A100-5C"))
        );
        assert!(groups.len() + few.recommendations.len() >= few.options.len());
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
