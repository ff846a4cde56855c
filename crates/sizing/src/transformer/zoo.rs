//! The bundled model zoo: each entry is the model's Hugging Face `config.json`
//! (data/zoo.json, compiled in as its packed copy data/zoo.bin) read by the same
//! importer as a pasted config, so a zoo model and its pasted config always give
//! the same numbers.

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::hf::{Imported, import_object};

/// One zoo entry as stored.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ZooEntry {
    /// Stable identifier used in links and files.
    pub id: String,
    pub name: String,
    /// The Hugging Face repository.
    pub hf_repo: String,
    /// Where the config is published.
    pub source: String,
    /// "verbatim": the published file; "reconstructed": assembled from the sources in `note`.
    pub config_status: String,
    #[serde(default)]
    pub note: Option<String>,
    /// A parameter count published for the model, when one is exact.
    #[serde(default)]
    pub published_params: Option<u64>,
    pub config: Map<String, Value>,
}

/// A zoo entry with its architecture read.
#[derive(Clone, Debug, PartialEq)]
pub struct ZooModel {
    pub entry: ZooEntry,
    pub imported: Imported,
}

/// The model opened first.
pub const DEFAULT_MODEL: &str = "llama-3.1-8b";

/// `data/zoo.json`: its entries, as a test reads them.
#[cfg(test)]
static ZOO_JSON: &str = include_str!("../../data/zoo.json");

/// `data/zoo.json` in the packed form (`crate::packed`), so that start-up parses
/// no JSON; a test checks it against the JSON file.
static ZOO_BIN: &[u8] = include_bytes!("../../data/zoo.bin");

crate::packed::packed_struct!(ZooEntry {
    id,
    name,
    hf_repo,
    source,
    config_status,
    note,
    published_params,
    config,
});

/// Every zoo model, in the file's order.
pub fn zoo() -> &'static [ZooModel] {
    static ZOO: OnceLock<Vec<ZooModel>> = OnceLock::new();
    ZOO.get_or_init(|| {
        let entries: Vec<ZooEntry> = crate::packed::unpack(ZOO_BIN);
        entries
            .into_iter()
            .map(|entry| {
                let imported = import_object(&entry.config)
                    .unwrap_or_else(|e| panic!("zoo entry {}: {e}", entry.id));
                ZooModel { entry, imported }
            })
            .collect()
    })
}

pub fn find(id: &str) -> Option<&'static ZooModel> {
    zoo().iter().find(|m| m.entry.id == id)
}

/// Models whose name, id or repository contains every word of `query`
/// (case-insensitive; "llama 70" finds Llama-2-70B and Llama-3.1-70B).
pub fn search(query: &str) -> Vec<&'static ZooModel> {
    let words: Vec<String> = query.split_whitespace().map(str::to_lowercase).collect();
    zoo()
        .iter()
        .filter(|m| {
            let hay = format!(
                "{} {} {} {}",
                m.entry.name, m.entry.id, m.entry.hf_repo, m.imported.model_type
            )
            .to_lowercase();
            words.iter().all(|w| hay.contains(w.as_str()))
        })
        .collect()
}

/// The config.json of a zoo model as pretty JSON, as a user would paste it.
pub fn config_text(m: &ZooModel) -> String {
    serde_json::to_string_pretty(&m.entry.config).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_zoo_binary_is_the_json_file() {
        let parsed: Vec<ZooEntry> = serde_json::from_str(ZOO_JSON).unwrap();
        let bytes = crate::packed::pack(&parsed);
        assert!(
            crate::packed::check_or_write(ZOO_BIN, &bytes, "data/zoo.bin"),
            "data/zoo.bin is not data/zoo.json: run `UPDATE_BUNDLED=1 cargo test -p sizing binary_is_the_json_file`"
        );
        assert_eq!(crate::packed::unpack::<Vec<ZooEntry>>(&bytes), parsed);
    }
}
