//! Reading a JSON value into a type, naming the field at fault: `gpus[3].memory`,
//! `workload.cnn.batch`.
//!
//! One deserializer over [`serde_json::Value`] that keeps the path it has walked
//! in a shared trail: a key or an index is added before its value is read and
//! taken off once the value has been read, so when a value fails the trail still
//! names it. Every type is compiled once, for this deserializer; a wrapper that
//! tracks paths around another deserializer (as `serde_path_to_error` does) is a
//! second copy of every visitor and seed, which the app's download paid for.
//!
//! The messages are serde's and serde_json's own ("invalid type: string \"x\",
//! expected u32", "unknown field `colour`, expected one of …", "missing field
//! `id`"), and the path reads as `serde_path_to_error` writes it: keys joined by
//! dots, indices in brackets, `.` for the top.

use std::cell::RefCell;
use std::fmt::Write;

use serde::de::value::BorrowedStrDeserializer;
use serde::de::{
    self, DeserializeOwned, DeserializeSeed, EnumAccess, Error as _, MapAccess, SeqAccess,
    Unexpected, VariantAccess, Visitor,
};
use serde::forward_to_deserialize_any;
use serde_json::{Error, Map, Value};

/// A step of the path: a key of an object (or an enum's variant) or an index.
#[derive(Clone, Copy, Debug)]
enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

type Trail<'a> = RefCell<Vec<Step<'a>>>;

/// Reads `value` as a `T`; on failure, the path of the value at fault (`.` for
/// the whole value) and serde's message.
pub fn deserialize<T: DeserializeOwned>(value: &Value) -> Result<T, (String, Error)> {
    let trail = Trail::new(Vec::new());
    T::deserialize(At {
        value,
        trail: &trail,
    })
    .map_err(|e| (show(&trail.borrow()), e))
}

/// The path as `serde_path_to_error` writes it.
fn show(steps: &[Step<'_>]) -> String {
    if steps.is_empty() {
        return ".".into();
    }
    let mut out = String::new();
    for (i, step) in steps.iter().enumerate() {
        match step {
            Step::Index(n) => {
                let _ = write!(out, "[{n}]");
            }
            Step::Key(k) => {
                if i > 0 {
                    out.push('.');
                }
                out.push_str(k);
            }
        }
    }
    out
}

/// A value and the trail that leads to it.
#[derive(Clone, Copy)]
struct At<'a, 't> {
    value: &'a Value,
    trail: &'t Trail<'a>,
}

impl<'a, 't> At<'a, 't> {
    /// Reads the value at `step` below the trail's first `depth` steps; the step
    /// stays on the trail when it fails.
    fn child<T>(
        trail: &'t Trail<'a>,
        depth: usize,
        step: Step<'a>,
        value: &'a Value,
        seed: T,
    ) -> Result<T::Value, Error>
    where
        T: DeserializeSeed<'a>,
    {
        {
            let mut t = trail.borrow_mut();
            t.truncate(depth);
            t.push(step);
        }
        let out = seed.deserialize(At { value, trail })?;
        trail.borrow_mut().truncate(depth);
        Ok(out)
    }

    fn unexpected(&self) -> Unexpected<'a> {
        match self.value {
            Value::Null => Unexpected::Unit,
            Value::Bool(b) => Unexpected::Bool(*b),
            Value::Number(n) => match (n.as_u64(), n.as_i64(), n.as_f64()) {
                (Some(u), _, _) => Unexpected::Unsigned(u),
                (None, Some(i), _) => Unexpected::Signed(i),
                (None, None, Some(f)) => Unexpected::Float(f),
                (None, None, None) => Unexpected::Other("number"),
            },
            Value::String(s) => Unexpected::Str(s),
            Value::Array(_) => Unexpected::Seq,
            Value::Object(_) => Unexpected::Map,
        }
    }
}

/// Whole-number types also take a number written with a zero fraction (`8.0`,
/// `1e3`), as a hand-edited or generated file may have it; anything else is
/// read as [`At::deserialize_any`] reads it.
macro_rules! whole_numbers {
    ($($method:ident)*) => {
        $(
            fn $method<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, Error> {
                self.deserialize_whole(visitor)
            }
        )*
    };
}

impl<'a> de::Deserializer<'a> for At<'a, '_> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.value {
            Value::Null => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(*b),
            Value::Number(n) => {
                if let Some(u) = n.as_u64() {
                    visitor.visit_u64(u)
                } else if let Some(i) = n.as_i64() {
                    visitor.visit_i64(i)
                } else {
                    match n.as_f64() {
                        Some(f) => visitor.visit_f64(f),
                        None => Err(Error::custom("number out of range")),
                    }
                }
            }
            Value::String(s) => visitor.visit_borrowed_str(s),
            Value::Array(items) => visit_array(items, self.trail, visitor),
            Value::Object(map) => visit_object(map, self.trail, visitor),
        }
    }

    // What a type expects is read without the other kinds' code: each struct,
    // list and string type compiles only the branch it can accept.
    fn deserialize_struct<V: Visitor<'a>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        match self.value {
            Value::Object(map) => visit_object(map, self.trail, visitor),
            Value::Array(items) => visit_array(items, self.trail, visitor),
            _ => Err(Error::invalid_type(self.unexpected(), &visitor)),
        }
    }

    fn deserialize_map<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.value {
            Value::Object(map) => visit_object(map, self.trail, visitor),
            _ => Err(Error::invalid_type(self.unexpected(), &visitor)),
        }
    }

    fn deserialize_seq<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.value {
            Value::Array(items) => visit_array(items, self.trail, visitor),
            _ => Err(Error::invalid_type(self.unexpected(), &visitor)),
        }
    }

    fn deserialize_tuple<V: Visitor<'a>>(self, _len: usize, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'a>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_str<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.value {
            Value::String(s) => visitor.visit_borrowed_str(s),
            _ => Err(Error::invalid_type(self.unexpected(), &visitor)),
        }
    }

    fn deserialize_string<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }

    fn deserialize_identifier<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }

    fn deserialize_bool<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.value {
            Value::Bool(b) => visitor.visit_bool(*b),
            _ => Err(Error::invalid_type(self.unexpected(), &visitor)),
        }
    }

    fn deserialize_option<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.value {
            Value::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_unit<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.value {
            Value::Null => visitor.visit_unit(),
            _ => Err(Error::invalid_type(self.unexpected(), &visitor)),
        }
    }

    fn deserialize_unit_struct<V: Visitor<'a>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'a>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'a>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        let (variant, value) = match self.value {
            Value::String(s) => (s.as_str(), None),
            Value::Object(map) => {
                let mut entries = map.iter();
                match (entries.next(), entries.next()) {
                    (Some((k, v)), None) => (k.as_str(), Some(v)),
                    _ => {
                        return Err(Error::invalid_value(
                            Unexpected::Map,
                            &"map with a single key",
                        ));
                    }
                }
            }
            _ => return Err(Error::invalid_type(self.unexpected(), &"string or map")),
        };
        visitor.visit_enum(Variant {
            name: variant,
            value,
            trail: self.trail,
        })
    }

    fn deserialize_ignored_any<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_unit()
    }

    whole_numbers! {
        deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64
        deserialize_u8 deserialize_u16 deserialize_u32 deserialize_u64
    }

    forward_to_deserialize_any! {
        <W: Visitor<'a>>
        i128 u128 f32 f64 char bytes byte_buf
    }
}

impl<'a> At<'a, '_> {
    fn deserialize_whole<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, Error> {
        // 2^64 and −2^63: the first floats outside u64 and i64.
        const U64_END: f64 = 18_446_744_073_709_551_616.0;
        const I64_START: f64 = -9_223_372_036_854_775_808.0;
        if let Value::Number(n) = self.value
            && n.as_u64().is_none()
            && n.as_i64().is_none()
            && let Some(f) = n.as_f64()
            && f.fract() == 0.0
        {
            if (0.0..U64_END).contains(&f) {
                return visitor.visit_u64(f as u64);
            }
            if (I64_START..0.0).contains(&f) {
                return visitor.visit_i64(f as i64);
            }
        }
        de::Deserializer::deserialize_any(self, visitor)
    }
}

/// An array's items, read by `visitor`; all of them must be taken.
fn visit_array<'a, V: Visitor<'a>>(
    items: &'a [Value],
    trail: &Trail<'a>,
    visitor: V,
) -> Result<V::Value, Error> {
    let mut seq = Seq {
        items: items.iter(),
        next: 0,
        depth: trail.borrow().len(),
        trail,
    };
    let out = visitor.visit_seq(&mut seq)?;
    if seq.items.len() == 0 {
        Ok(out)
    } else {
        Err(Error::invalid_length(
            items.len(),
            &"fewer elements in array",
        ))
    }
}

/// An object's entries, read by `visitor`; all of them must be taken.
fn visit_object<'a, V: Visitor<'a>>(
    map: &'a Map<String, Value>,
    trail: &Trail<'a>,
    visitor: V,
) -> Result<V::Value, Error> {
    let mut access = Entries::new(map, trail);
    let out = visitor.visit_map(&mut access)?;
    if access.entries.len() == 0 {
        Ok(out)
    } else {
        Err(Error::invalid_length(map.len(), &"fewer elements in map"))
    }
}

/// The items of an array, each read at its index.
struct Seq<'a, 't> {
    items: std::slice::Iter<'a, Value>,
    next: usize,
    depth: usize,
    trail: &'t Trail<'a>,
}

impl<'a> SeqAccess<'a> for Seq<'a, '_> {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'a>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Error> {
        let Some(item) = self.items.next() else {
            return Ok(None);
        };
        let index = self.next;
        self.next += 1;
        At::child(self.trail, self.depth, Step::Index(index), item, seed).map(Some)
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}

/// The entries of an object: a key is on the trail while it and its value are read.
struct Entries<'a, 't> {
    entries: serde_json::map::Iter<'a>,
    value: Option<&'a Value>,
    depth: usize,
    trail: &'t Trail<'a>,
}

impl<'a, 't> Entries<'a, 't> {
    fn new(map: &'a Map<String, Value>, trail: &'t Trail<'a>) -> Entries<'a, 't> {
        Entries {
            entries: map.iter(),
            value: None,
            depth: trail.borrow().len(),
            trail,
        }
    }
}

impl<'a> MapAccess<'a> for Entries<'a, '_> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'a>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        let mut trail = self.trail.borrow_mut();
        trail.truncate(self.depth);
        let Some((key, value)) = self.entries.next() else {
            return Ok(None);
        };
        // An unknown or misspelt key is itself the place at fault.
        trail.push(Step::Key(key));
        drop(trail);
        self.value = Some(value);
        seed.deserialize(BorrowedStrDeserializer::<Error>::new(key))
            .map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'a>>(&mut self, seed: V) -> Result<V::Value, Error> {
        let Some(value) = self.value.take() else {
            return Err(Error::custom("a value was read before its key"));
        };
        let out = seed.deserialize(At {
            value,
            trail: self.trail,
        })?;
        self.trail.borrow_mut().truncate(self.depth);
        Ok(out)
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}

/// An enum written as `"variant"` or `{"variant": value}`.
struct Variant<'a, 't> {
    name: &'a str,
    value: Option<&'a Value>,
    trail: &'t Trail<'a>,
}

impl<'a, 't> EnumAccess<'a> for Variant<'a, 't> {
    type Error = Error;
    type Variant = Variant<'a, 't>;

    fn variant_seed<V: DeserializeSeed<'a>>(self, seed: V) -> Result<(V::Value, Self), Error> {
        let tag = seed.deserialize(BorrowedStrDeserializer::<Error>::new(self.name))?;
        Ok((tag, self))
    }
}

impl<'a> VariantAccess<'a> for Variant<'a, '_> {
    type Error = Error;

    fn unit_variant(self) -> Result<(), Error> {
        match self.value {
            None | Some(Value::Null) => Ok(()),
            Some(v) => Err(Error::invalid_type(
                At {
                    value: v,
                    trail: self.trail,
                }
                .unexpected(),
                &"unit",
            )),
        }
    }

    fn newtype_variant_seed<T: DeserializeSeed<'a>>(self, seed: T) -> Result<T::Value, Error> {
        match self.value {
            Some(v) => {
                let depth = self.trail.borrow().len();
                At::child(self.trail, depth, Step::Key(self.name), v, seed)
            }
            None => Err(Error::invalid_type(
                Unexpected::UnitVariant,
                &"newtype variant",
            )),
        }
    }

    fn tuple_variant<V: Visitor<'a>>(self, _len: usize, visitor: V) -> Result<V::Value, Error> {
        let fits = matches!(self.value, Some(Value::Array(_)));
        self.compound(fits, visitor, &"tuple variant")
    }

    fn struct_variant<V: Visitor<'a>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        let fits = matches!(self.value, Some(Value::Object(_) | Value::Array(_)));
        self.compound(fits, visitor, &"struct variant")
    }
}

impl<'a> Variant<'a, '_> {
    /// A tuple or struct variant's value, read under the variant's name when it
    /// `fits` (is an array, or an object for a struct variant).
    fn compound<V: Visitor<'a>>(
        self,
        fits: bool,
        visitor: V,
        expected: &dyn de::Expected,
    ) -> Result<V::Value, Error> {
        let value = match self.value {
            Some(v) if fits => v,
            Some(other) => {
                let at = At {
                    value: other,
                    trail: self.trail,
                };
                return Err(Error::invalid_type(at.unexpected(), expected));
            }
            None => return Err(Error::invalid_type(Unexpected::UnitVariant, expected)),
        };
        let depth = self.trail.borrow().len();
        self.trail.borrow_mut().push(Step::Key(self.name));
        let at = At {
            value,
            trail: self.trail,
        };
        let out = de::Deserializer::deserialize_any(at, visitor)?;
        self.trail.borrow_mut().truncate(depth);
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::deserialize;
    use serde::Deserialize;
    use serde_json::json;

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Host {
        name: String,
        gpus: Vec<Gpu>,
        #[serde(default)]
        role: Option<Role>,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    struct Gpu {
        id: String,
        count: u32,
        memory: Option<f64>,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(rename_all = "snake_case")]
    enum Role {
        Serve,
        Train { nodes: u8 },
        Pinned(u16),
    }

    fn fails(v: serde_json::Value) -> (String, String) {
        let (path, e) = deserialize::<Host>(&v).unwrap_err();
        (path, e.to_string())
    }

    #[test]
    fn reads_what_serde_json_reads() {
        let v = json!({"name": "h", "gpus": [{"id": "l40s", "count": 4, "memory": 48}],
                       "role": {"train": {"nodes": 2}}});
        let host: Host = deserialize(&v).unwrap();
        assert_eq!(host, Host::deserialize(&v).unwrap());
        assert_eq!(host.gpus[0].memory, Some(48.0));
        for role in [json!("serve"), json!({"pinned": 7}), json!(null)] {
            let v = json!({"name": "h", "gpus": [], "role": role});
            assert_eq!(
                deserialize::<Host>(&v).unwrap(),
                Host::deserialize(&v).unwrap()
            );
        }
    }

    #[test]
    fn names_the_value_at_fault() {
        let gpus = |g| json!({"name": "h", "gpus": [{"id": "a", "count": 1}, g]});
        assert_eq!(
            fails(gpus(json!({"id": "b", "count": -1}))),
            (
                "gpus[1].count".into(),
                "invalid value: integer `-1`, expected u32".into()
            )
        );
        assert_eq!(
            fails(gpus(json!({"id": "b", "count": 1.5}))).0,
            "gpus[1].count"
        );
        assert_eq!(
            fails(gpus(json!({"id": "b", "count": 1, "memory": "lots"}))),
            (
                "gpus[1].memory".into(),
                "invalid type: string \"lots\", expected f64".into()
            )
        );
        assert_eq!(
            fails(gpus(json!({"count": 1}))),
            ("gpus[1]".into(), "missing field `id`".into())
        );
        assert_eq!(
            fails(json!({"name": "h", "gpus": [], "colour": 1})),
            (
                "colour".into(),
                "unknown field `colour`, expected one of `name`, `gpus`, `role`".into()
            )
        );
        assert_eq!(
            fails(json!({"name": "h", "gpus": [], "role": {"train": {"nodes": 300}}})).0,
            "role.train.nodes"
        );
        assert_eq!(
            fails(json!({"name": "h", "gpus": [], "role": "fly"})).0,
            "role"
        );
        assert_eq!(
            fails(json!({"gpus": []})),
            (".".into(), "missing field `name`".into())
        );
        assert_eq!(fails(json!([1])).0, "[0]");
    }

    #[test]
    fn a_whole_number_may_carry_a_zero_fraction() {
        let host =
            |count: serde_json::Value| json!({"name": "h", "gpus": [{"id": "a", "count": count}]});
        for (count, read) in [(json!(8.0), 8), (json!(1e3), 1000), (json!(0.0), 0)] {
            assert_eq!(
                deserialize::<Host>(&host(count)).unwrap().gpus[0].count,
                read
            );
        }
        // A fraction, a negative, or past u32 still fails where it was written.
        assert_eq!(
            fails(host(json!(2.5))),
            (
                "gpus[0].count".into(),
                "invalid type: floating point `2.5`, expected u32".into()
            )
        );
        assert_eq!(
            fails(host(json!(-2.0))).1,
            "invalid value: integer `-2`, expected u32"
        );
        assert_eq!(
            fails(host(json!(5e9))).1,
            "invalid value: integer `5000000000`, expected u32"
        );
        assert_eq!(
            fails(host(json!(1e20))).1,
            "invalid type: floating point `1e+20`, expected u32"
        );
    }

    #[test]
    fn says_what_serde_json_says() {
        let bad = [
            json!({"name": 5, "gpus": []}),
            json!({"name": "h", "gpus": {}}),
            json!({"name": "h", "gpus": [{"id": [], "count": 1}]}),
            json!({"name": "h", "gpus": [{"id": "a", "count": true}]}),
            json!({"name": "h", "gpus": [{"id": "a", "count": 5000000000u64}]}),
            json!({"name": "h", "gpus": [{"id": "a", "count": 1, "memory": null}], "extra": 1}),
            json!({"name": "h", "gpus": ["l40s"]}),
            json!({"name": "h", "gpus": [], "role": {"serve": 1, "train": 2}}),
            json!({"name": "h", "gpus": [], "role": {"pinned": "x"}}),
            json!({"name": "h", "gpus": [], "role": ["serve"]}),
            json!({"name": "h", "gpus": [], "role": {"train": 3}}),
            json!({"name": "h", "gpus": [], "role": {"serve": 1}}),
            json!({"name": "h", "gpus": [], "role": {"pinned": null}}),
            json!({"name": "h", "gpus": [], "role": {"fly": {}}}),
            json!("host"),
            json!(null),
        ];
        for v in bad {
            let ours = deserialize::<Host>(&v).unwrap_err().1.to_string();
            let theirs = Host::deserialize(&v).unwrap_err().to_string();
            assert_eq!(ours, theirs, "for {v}");
        }
    }

    #[test]
    fn a_key_read_well_leaves_the_trail() {
        // The first GPU was read; the fault is the second's, not under the first.
        let v = json!({"name": "h", "gpus": [{"id": "a", "count": 1}], "role": 3});
        assert_eq!(fails(v).0, "role");
    }
}
