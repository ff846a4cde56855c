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

/// A handle on one entry of a [`Library`] that stays the same while other
/// entries are added, renamed and removed. It lives as long as the list in
/// memory and is not stored: a list read again numbers its entries from 0.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EntryId(pub u64);

impl std::fmt::Display for EntryId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// The saved scenarios, in the order they were saved, each with its [`EntryId`].
#[derive(Clone, Debug, Default)]
pub struct Library {
    entries: Vec<(EntryId, Entry)>,
    next: u64,
}

/// Two lists are equal when they hold the same entries in the same order; the
/// ids are handles, not content.
impl PartialEq for Library {
    fn eq(&self, other: &Library) -> bool {
        self.entries().eq(other.entries())
    }
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
                let mut lib = Library::default();
                lib.push(Entry::Saved(scenario));
                return Ok(lib);
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
        let mut lib = Library::default();
        for (i, raw) in list.into_iter().enumerate() {
            lib.push(match from_value(raw.clone()) {
                Ok(s) => Entry::Saved(s),
                Err(e) => Entry::Unreadable {
                    raw,
                    reason: e.under(&format!("scenarios[{i}]")).to_string(),
                },
            });
        }
        Ok(lib)
    }

    fn push(&mut self, entry: Entry) -> EntryId {
        let id = EntryId(self.next);
        self.next += 1;
        self.entries.push((id, entry));
        id
    }

    /// Every entry, readable or not, in order.
    pub fn entries(&self) -> impl Iterator<Item = &Entry> {
        self.entries.iter().map(|(_, e)| e)
    }

    /// The saved scenario with this id.
    pub fn get(&self, id: EntryId) -> Option<&Scenario> {
        self.saved().find(|(i, _)| *i == id).map(|(_, s)| s)
    }

    /// The file text, readable entries first as they are, unreadable ones as stored.
    pub fn to_json(&self) -> String {
        let scenarios: Vec<Value> = self
            .entries()
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

    /// The text to store, when it reads back as this very list; else why not
    /// (an entry nested too deep, for example). A list that would not read back
    /// is never stored: it would make every saved scenario unreadable.
    pub fn to_checked_json(&self) -> Result<String, String> {
        let text = self.to_json();
        match Library::read(&text) {
            Ok(back) if back == *self => Ok(text),
            Ok(back) => Err(back
                .problems()
                .into_iter()
                .next()
                .unwrap_or_else(|| "it would not read back as it is".into())),
            Err(e) => Err(e.to_string()),
        }
    }

    /// Takes the entries of `stored` (what another tab may have written since),
    /// keeping the id of every entry this list also holds.
    pub fn refresh(&mut self, stored: Library) {
        let mut mine = std::mem::take(&mut self.entries);
        for (_, entry) in stored.entries {
            let id = match mine.iter().position(|(_, m)| *m == entry) {
                Some(i) => mine.remove(i).0,
                None => {
                    self.next += 1;
                    EntryId(self.next - 1)
                }
            };
            self.entries.push((id, entry));
        }
    }

    /// The readable scenarios with their ids.
    pub fn saved(&self) -> impl Iterator<Item = (EntryId, &Scenario)> {
        self.entries.iter().filter_map(|(id, e)| match e {
            Entry::Saved(s) => Some((*id, s)),
            Entry::Unreadable { .. } => None,
        })
    }

    /// Reasons of the unreadable entries.
    pub fn problems(&self) -> Vec<String> {
        self.entries()
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

    /// Saves `scenario` under a free name; returns its id and the name it got.
    pub fn add(&mut self, mut scenario: Scenario) -> (EntryId, String) {
        scenario.name = self.free_name(&scenario.name);
        let name = scenario.name.clone();
        (self.push(Entry::Saved(scenario)), name)
    }

    /// Renames entry `id`; `Err` with a message when the name is empty or taken.
    pub fn rename(&mut self, id: EntryId, name: &str) -> Result<(), String> {
        let name = name.trim();
        if name.is_empty() {
            return Err("Enter a name.".into());
        }
        if self.saved().any(|(i, s)| i != id && s.name == name) {
            return Err(format!("A saved scenario is already called \"{name}\"."));
        }
        match self.entries.iter_mut().find(|(i, _)| *i == id) {
            Some((_, Entry::Saved(s))) => {
                s.name = name.to_string();
                Ok(())
            }
            _ => Err("That scenario is no longer saved.".into()),
        }
    }

    pub fn remove(&mut self, id: EntryId) {
        self.entries.retain(|(i, _)| *i != id);
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
        assert_eq!(Library::read("[1,2]").unwrap_err().path, "");
        assert_eq!(
            Library::read(r#"{"format":"other"}"#).unwrap_err().path,
            "format"
        );
        assert_eq!(
            Library::read(r#"{"format":"headroom-scenarios","version":2}"#)
                .unwrap_err()
                .path,
            "version"
        );
        // One scenario on its own is a list of one.
        let one = Library::read(&cnn("one", 2).to_json()).unwrap();
        assert_eq!(one.saved().count(), 1);
    }

    #[test]
    fn names_must_be_free_and_not_empty() {
        let mut lib = Library::default();
        let (a, _) = lib.add(cnn("a", 1));
        let (b, _) = lib.add(cnn("b", 2));
        assert!(lib.rename(b, "a").is_err());
        assert!(lib.rename(b, "  ").is_err());
        assert!(lib.rename(b, "c").is_ok());
        lib.remove(a);
        assert_eq!(lib.saved().next().unwrap().1.name, "c");
    }

    #[test]
    fn a_list_that_would_not_read_back_is_not_offered_for_storing() {
        let mut lib = Library::default();
        lib.add(cnn("ok", 1));
        assert!(lib.to_checked_json().is_ok());
        let mut deep = Value::from(1);
        for _ in 0..100 {
            deep = serde_json::json!({ "k": deep });
        }
        let mut s = Scenario::new(Workload::Transformer(
            crate::scenario::TransformerScenario {
                model: crate::scenario::ModelRef::Config(deep.as_object().unwrap().clone()),
                ..Default::default()
            },
        ));
        s.name = "deep".into();
        lib.add(s);
        let e = lib.to_checked_json().unwrap_err();
        assert!(e.contains("nested more than"), "{e}");
    }

    #[test]
    fn refreshing_from_storage_keeps_ids_and_adds_what_another_tab_saved() {
        let mut mine = Library::default();
        let (a, _) = mine.add(cnn("a", 1));
        let mut other = Library::read(&mine.to_json()).unwrap();
        other.add(cnn("b", 2));
        mine.refresh(Library::read(&other.to_json()).unwrap());
        assert_eq!(mine.get(a).unwrap().name, "a");
        let names: Vec<&str> = mine.saved().map(|(_, s)| s.name.as_str()).collect();
        assert_eq!(names, ["a", "b"]);
        let (c, _) = mine.add(cnn("c", 3));
        assert!(mine.get(c).is_some() && c != a);
    }

    #[test]
    fn ids_stay_with_their_entry_while_others_go() {
        let mut lib = Library::default();
        let ids: Vec<EntryId> = (0..3).map(|i| lib.add(cnn("s", i)).0).collect();
        lib.remove(ids[0]);
        assert_eq!(lib.get(ids[2]).unwrap().name, "s (3)");
        assert!(lib.rename(ids[2], "last").is_ok());
        assert_eq!(lib.get(ids[1]).unwrap().name, "s (2)");
        assert_eq!(lib.get(ids[0]), None);
        // A new entry never takes an old id.
        let (new, _) = lib.add(cnn("new", 9));
        assert!(!ids.contains(&new));
    }
}
