//! Saved scenarios: the list the app keeps in the browser's storage, and the file
//! it exports and imports. Both are one format:
//!
//! ```json
//! { "format": "headroom-scenarios", "version": 1, "scenarios": [ { "version": 1, … } ] }
//! ```
//!
//! An entry that cannot be read is kept as it was, with the reason, and written
//! back unchanged: nothing stored is dropped because this build does not
//! understand it.

use serde_json::{Map, Value};

use super::{FieldError, Scenario, VERSION, check_version, from_value, json_kind, read_json};

/// The `format` field of a saved-scenarios file.
pub const FORMAT: &str = "headroom-scenarios";

/// One stored entry.
#[derive(Clone, Debug, PartialEq)]
#[allow(clippy::large_enum_variant)] // a handful per list; boxing buys nothing
pub enum Entry {
    Saved(Scenario),
    /// Kept as stored; `reason` says why it cannot be opened.
    Unreadable {
        raw: Value,
        reason: String,
    },
}

/// The saved scenarios, in the order they were saved.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Library {
    pub entries: Vec<Entry>,
}

impl Library {
    /// Reads stored or exported text. `Err` when the text as a whole is not a
    /// saved-scenarios file (the caller keeps it and says so).
    pub fn read(text: &str) -> Result<Library, FieldError> {
        let value = read_json(text)?;
        let Value::Object(mut obj) = value else {
            return Err(FieldError::new(
                "",
                format!(
                    "A saved-scenarios file is a JSON object with \"format\": \"{FORMAT}\", found {}.",
                    json_kind(&value)
                ),
            ));
        };
        match obj.get("format") {
            Some(Value::String(f)) if f == FORMAT => {}
            // A single scenario file is read as a list of one.
            None if obj.contains_key("workload") => {
                let scenario = from_value(Value::Object(obj))?;
                return Ok(Library {
                    entries: vec![Entry::Saved(scenario)],
                });
            }
            _ => {
                return Err(FieldError::new(
                    "format",
                    format!("must be \"{FORMAT}\"; this is not a headroom saved-scenarios file"),
                ));
            }
        }
        check_version(obj.get("version"), "saved-scenarios file")?;
        let list = match obj.remove("scenarios") {
            Some(Value::Array(list)) => list,
            None => Vec::new(),
            Some(other) => {
                return Err(FieldError::new(
                    "scenarios",
                    format!("must be a list, found {}", json_kind(&other)),
                ));
            }
        };
        if let Some(k) = obj
            .keys()
            .find(|k| !["format", "version"].contains(&k.as_str()))
        {
            return Err(FieldError::new(
                k.clone(),
                "unknown field; a saved-scenarios file has format, version and scenarios",
            ));
        }
        let entries = list
            .into_iter()
            .enumerate()
            .map(|(i, raw)| match from_value(raw.clone()) {
                Ok(s) => Entry::Saved(s),
                Err(e) => Entry::Unreadable {
                    raw,
                    reason: e.under(&format!("scenarios[{i}]")).to_string(),
                },
            })
            .collect();
        Ok(Library { entries })
    }

    /// The file text, readable entries first as they are, unreadable ones as stored.
    pub fn to_json(&self) -> String {
        let scenarios: Vec<Value> = self
            .entries
            .iter()
            .map(|e| match e {
                Entry::Saved(s) => serde_json::to_value(s).expect("a scenario serializes"),
                Entry::Unreadable { raw, .. } => raw.clone(),
            })
            .collect();
        let mut obj = Map::new();
        obj.insert("format".into(), Value::from(FORMAT));
        obj.insert("version".into(), Value::from(VERSION));
        obj.insert("scenarios".into(), Value::Array(scenarios));
        serde_json::to_string_pretty(&Value::Object(obj)).expect("JSON serializes")
    }

    /// The readable scenarios with their index in `entries`.
    pub fn saved(&self) -> impl Iterator<Item = (usize, &Scenario)> {
        self.entries
            .iter()
            .enumerate()
            .filter_map(|(i, e)| match e {
                Entry::Saved(s) => Some((i, s)),
                Entry::Unreadable { .. } => None,
            })
    }

    /// Reasons of the unreadable entries.
    pub fn problems(&self) -> Vec<String> {
        self.entries
            .iter()
            .filter_map(|e| match e {
                Entry::Unreadable { reason, .. } => Some(reason.clone()),
                Entry::Saved(_) => None,
            })
            .collect()
    }

    /// A name no saved scenario has yet: `name`, else "name (2)", "name (3)", ….
    pub fn free_name(&self, name: &str) -> String {
        let name = if name.trim().is_empty() {
            "Scenario"
        } else {
            name.trim()
        };
        let taken = |n: &str| self.saved().any(|(_, s)| s.name == n);
        if !taken(name) {
            return name.to_string();
        }
        (2..)
            .map(|i| format!("{name} ({i})"))
            .find(|n| !taken(n))
            .expect("some number is free")
    }

    /// Saves `scenario` under a free name; returns its index.
    pub fn add(&mut self, mut scenario: Scenario) -> usize {
        scenario.name = self.free_name(&scenario.name);
        self.entries.push(Entry::Saved(scenario));
        self.entries.len() - 1
    }

    /// Renames entry `index`; `Err` with a message when the name is empty or taken.
    pub fn rename(&mut self, index: usize, name: &str) -> Result<(), String> {
        let name = name.trim();
        if name.is_empty() {
            return Err("Enter a name.".into());
        }
        if self.saved().any(|(i, s)| i != index && s.name == name) {
            return Err(format!("A saved scenario is already called \"{name}\"."));
        }
        match self.entries.get_mut(index) {
            Some(Entry::Saved(s)) => {
                s.name = name.to_string();
                Ok(())
            }
            _ => Err("That scenario is no longer saved.".into()),
        }
    }

    pub fn remove(&mut self, index: usize) {
        if index < self.entries.len() {
            self.entries.remove(index);
        }
    }

    /// Adds the readable entries of `other`: one equal to a saved scenario is
    /// skipped, one whose name is taken gets a free name. Returns how many were
    /// added and skipped.
    pub fn import(&mut self, other: &Library) -> (usize, usize) {
        let (mut added, mut skipped) = (0, 0);
        for (_, s) in other.saved() {
            if self.saved().any(|(_, mine)| mine == s) {
                skipped += 1;
            } else {
                self.add(s.clone());
                added += 1;
            }
        }
        (added, skipped)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{CnnScenario, Workload};

    fn cnn(name: &str, batch: u64) -> Scenario {
        Scenario {
            name: name.into(),
            ..Scenario::new(Workload::Cnn(CnnScenario {
                batch,
                ..CnnScenario::default()
            }))
        }
    }

    #[test]
    fn export_and_import_give_the_same_list() {
        let mut lib = Library::default();
        lib.add(cnn("VGG-16 batch 8", 8));
        lib.add(cnn("VGG-16 batch 8", 16));
        assert_eq!(lib.saved().nth(1).unwrap().1.name, "VGG-16 batch 8 (2)");
        let back = Library::read(&lib.to_json()).unwrap();
        assert_eq!(back, lib);
        let mut empty = Library::default();
        assert_eq!(empty.import(&back), (2, 0));
        assert_eq!(empty, lib);
        assert_eq!(empty.import(&back), (0, 2));
    }

    #[test]
    fn unreadable_entries_are_kept_as_stored() {
        let text = r#"{"format":"headroom-scenarios","version":1,"scenarios":[
            {"version":1,"name":"ok","workload":{"cnn":{"batch":4}}},
            {"version":9,"name":"from the future"},
            {"version":1,"workload":{"cnn":{"batch":-1}}}
        ]}"#;
        let lib = Library::read(text).unwrap();
        assert_eq!(lib.saved().count(), 1);
        let problems = lib.problems();
        assert_eq!(problems.len(), 2);
        assert!(
            problems[0].starts_with("scenarios[1].version: 9 is newer"),
            "{}",
            problems[0]
        );
        assert!(
            problems[1].starts_with("scenarios[2].workload.cnn.batch:"),
            "{}",
            problems[1]
        );
        let again: Value = serde_json::from_str(&lib.to_json()).unwrap();
        let before: Value = serde_json::from_str(text).unwrap();
        assert_eq!(again["scenarios"][1], before["scenarios"][1]);
        assert_eq!(again["scenarios"][2], before["scenarios"][2]);
    }

    #[test]
    fn foreign_text_is_refused_as_a_whole() {
        assert!(Library::read("not json").is_err());
        assert_eq!(Library::read("[1,2]").unwrap_err().field, "");
        assert_eq!(
            Library::read(r#"{"format":"other"}"#).unwrap_err().field,
            "format"
        );
        assert_eq!(
            Library::read(r#"{"format":"headroom-scenarios","version":2}"#)
                .unwrap_err()
                .field,
            "version"
        );
        // One scenario on its own is a list of one.
        let one = Library::read(&cnn("one", 2).to_json()).unwrap();
        assert_eq!(one.saved().count(), 1);
    }

    #[test]
    fn names_must_be_free_and_not_empty() {
        let mut lib = Library::default();
        lib.add(cnn("a", 1));
        lib.add(cnn("b", 2));
        assert!(lib.rename(1, "a").is_err());
        assert!(lib.rename(1, "  ").is_err());
        assert!(lib.rename(1, "c").is_ok());
        lib.remove(0);
        assert_eq!(lib.saved().next().unwrap().1.name, "c");
    }
}
