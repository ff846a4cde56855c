//! The compression page's recipe as typed, its one conversion into the
//! scenario's recipe ([`Compression::from_form`], back with [`Compression::to_form`]).

use serde::{Deserialize, Serialize};

use super::{Block, Compression, INDEX_BITS, Pruning, RATE, SPARSITY, Storage, Targets};
use crate::field::Reader;
use crate::input::number_text;
use crate::precision::Precision;
use crate::scenario::FromForm;

/// The recipe's fields; numbers as typed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CompressionForm {
    pub pruning: Pruning,
    pub sparsity: String,
    pub block: Block,
    pub rate: String,
    pub targets: Targets,
    pub storage: Storage,
    pub index_bits: String,
    pub quantize: Option<Precision>,
    pub activations: bool,
    pub keep_first_last: bool,
}

impl Default for CompressionForm {
    fn default() -> CompressionForm {
        Compression::default().to_form()
    }
}

impl Compression {
    /// The recipe, read once from the page's fields; a field that holds no number keeps `last`'s value.
    pub fn from_form(f: &CompressionForm, last: Option<&Compression>) -> FromForm<Compression> {
        let d = Compression::default();
        let last = last.unwrap_or(&d);
        let mut r = Reader::new(|_: &str| true);
        let part = Compression {
            pruning: f.pruning,
            sparsity_percent: r.decimal(SPARSITY, &f.sparsity, last.sparsity_percent),
            block: f.block,
            rate_percent: r.decimal(RATE, &f.rate, last.rate_percent),
            targets: f.targets,
            storage: f.storage,
            index_bits: r.whole(INDEX_BITS, &f.index_bits, last.index_bits),
            quantize: f.quantize,
            activations: f.activations,
            keep_first_last: f.keep_first_last,
        };
        FromForm {
            part,
            unread: r.unread,
        }
    }

    /// The page's fields for this recipe.
    pub fn to_form(&self) -> CompressionForm {
        CompressionForm {
            pruning: self.pruning,
            sparsity: number_text(self.sparsity_percent),
            block: self.block,
            rate: number_text(self.rate_percent),
            targets: self.targets,
            storage: self.storage,
            index_bits: self.index_bits.to_string(),
            quantize: self.quantize,
            activations: self.activations,
            keep_first_last: self.keep_first_last,
        }
    }
}
