//! A compact binary form for data the crate bundles, written by its tests from
//! the JSON files in `data/` and read at start-up instead of parsing JSON: the
//! bundled catalog (`catalog/packed.rs`) and the model zoo (`transformer/zoo.rs`).
//! Each file is checked against its JSON by a test, which writes it again when
//! `UPDATE_BUNDLED=1`: `UPDATE_BUNDLED=1 cargo test -p sizing binary_is_the_json_file`.
//!
//! The form: a struct's fields in the order its `packed_struct!` lists them
//! (taken apart without `..`, so a field added to a struct and not to its list
//! does not compile); `u32`, `u64`, `i64` and `f64` little-endian; `bool` one byte;
//! a string or list its length (`u32`) then its items; an option a byte (0 none,
//! 1 some) then its value; an enum a byte for the variant, then its value.

use serde_json::{Map, Number, Value};

/// Reads the form above from bytes this crate wrote and tested; a short or
/// malformed input panics (it never comes from a user).
pub(crate) struct Reader<'a> {
    bytes: &'a [u8],
}

impl<'a> Reader<'a> {
    pub(crate) fn new(bytes: &'a [u8]) -> Self {
        Reader { bytes }
    }

    fn take<const N: usize>(&mut self) -> [u8; N] {
        let (head, rest) = self
            .bytes
            .split_first_chunk::<N>()
            .expect("bundled data is complete (tested)");
        self.bytes = rest;
        *head
    }

    /// A string's or list's length; never more than the bytes left (each item
    /// takes at least one), so a copy older than its reader fails here rather
    /// than asking for an allocation of gigabytes.
    fn count(&mut self) -> usize {
        let n = u32::from_le_bytes(self.take()) as usize;
        assert!(
            n <= self.bytes.len(),
            "bundled data is complete (tested): a length of {n} with {} bytes left",
            self.bytes.len()
        );
        n
    }

    /// A one-byte tag: an enum's variant.
    pub(crate) fn tag(&mut self) -> u8 {
        self.take::<1>()[0]
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }
}

pub(crate) trait Packed: Sized {
    fn read(r: &mut Reader) -> Self;
    #[cfg(test)]
    fn write(&self, out: &mut Vec<u8>);
}

/// Numbers, little-endian.
macro_rules! packed_number {
    ($($t:ty),*) => {$(
        impl Packed for $t {
            fn read(r: &mut Reader) -> Self {
                <$t>::from_le_bytes(r.take())
            }
            #[cfg(test)]
            fn write(&self, out: &mut Vec<u8>) {
                out.extend_from_slice(&self.to_le_bytes());
            }
        }
    )*};
}
packed_number!(u32, u64, i64, f64);

impl Packed for bool {
    fn read(r: &mut Reader) -> Self {
        r.tag() != 0
    }
    #[cfg(test)]
    fn write(&self, out: &mut Vec<u8>) {
        out.push(u8::from(*self));
    }
}

impl Packed for String {
    fn read(r: &mut Reader) -> Self {
        let n = r.count();
        let (text, rest) = r
            .bytes
            .split_at_checked(n)
            .expect("bundled data is complete (tested)");
        r.bytes = rest;
        String::from_utf8(text.to_vec()).expect("bundled text is UTF-8 (tested)")
    }
    #[cfg(test)]
    fn write(&self, out: &mut Vec<u8>) {
        (self.len() as u32).write(out);
        out.extend_from_slice(self.as_bytes());
    }
}

impl<T: Packed> Packed for Option<T> {
    fn read(r: &mut Reader) -> Self {
        bool::read(r).then(|| T::read(r))
    }
    #[cfg(test)]
    fn write(&self, out: &mut Vec<u8>) {
        self.is_some().write(out);
        if let Some(v) = self {
            v.write(out);
        }
    }
}

impl<T: Packed> Packed for Vec<T> {
    fn read(r: &mut Reader) -> Self {
        let n = r.count();
        (0..n).map(|_| T::read(r)).collect()
    }
    #[cfg(test)]
    fn write(&self, out: &mut Vec<u8>) {
        (self.len() as u32).write(out);
        for v in self {
            v.write(out);
        }
    }
}

/// A JSON value (a zoo model's `config.json`), numbers kept as unsigned, signed
/// or floating, as serde_json read them.
impl Packed for Value {
    fn read(r: &mut Reader) -> Self {
        match r.tag() {
            0 => Value::Null,
            1 => Value::Bool(bool::read(r)),
            2 => Value::Number(u64::read(r).into()),
            3 => Value::Number(i64::read(r).into()),
            4 => Value::Number(
                Number::from_f64(f64::read(r)).expect("bundled numbers are finite (tested)"),
            ),
            5 => Value::String(String::read(r)),
            6 => Value::Array(Vec::read(r)),
            _ => Value::Object(Map::read(r)),
        }
    }
    #[cfg(test)]
    fn write(&self, out: &mut Vec<u8>) {
        match self {
            Value::Null => out.push(0),
            Value::Bool(b) => {
                out.push(1);
                b.write(out);
            }
            Value::Number(n) => {
                if let Some(u) = n.as_u64() {
                    out.push(2);
                    u.write(out);
                } else if let Some(i) = n.as_i64() {
                    out.push(3);
                    i.write(out);
                } else {
                    out.push(4);
                    n.as_f64().expect("a JSON number").write(out);
                }
            }
            Value::String(s) => {
                out.push(5);
                s.write(out);
            }
            Value::Array(items) => {
                out.push(6);
                items.write(out);
            }
            Value::Object(map) => {
                out.push(7);
                map.write(out);
            }
        }
    }
}

impl Packed for Map<String, Value> {
    fn read(r: &mut Reader) -> Self {
        let n = r.count();
        (0..n).map(|_| (String::read(r), Value::read(r))).collect()
    }
    #[cfg(test)]
    fn write(&self, out: &mut Vec<u8>) {
        (self.len() as u32).write(out);
        for (k, v) in self {
            k.write(out);
            v.write(out);
        }
    }
}

/// `value` in the form above.
#[cfg(test)]
pub(crate) fn pack<T: Packed>(value: &T) -> Vec<u8> {
    let mut out = Vec::new();
    value.write(&mut out);
    out
}

/// For the tests that check a bundled copy: with `UPDATE_BUNDLED=1`, writes
/// `packed` to `path` (under the crate) and says yes; otherwise says whether
/// `bundled`, the copy compiled in, is `packed`.
#[cfg(test)]
pub(crate) fn check_or_write(bundled: &[u8], packed: &[u8], path: &str) -> bool {
    if std::env::var("UPDATE_BUNDLED").as_deref() == Ok("1") {
        std::fs::write(format!("{}/{path}", env!("CARGO_MANIFEST_DIR")), packed).unwrap();
        return true;
    }
    bundled == packed
}

/// The value `bytes` hold, all of them.
pub(crate) fn unpack<T: Packed>(bytes: &[u8]) -> T {
    let mut r = Reader::new(bytes);
    let value = T::read(&mut r);
    assert!(r.is_empty(), "bundled data has no tail (tested)");
    value
}

/// A struct's fields, read and written in the order listed.
macro_rules! packed_struct {
    ($t:ident { $($f:ident),* $(,)? }) => {
        impl $crate::packed::Packed for $t {
            fn read(r: &mut $crate::packed::Reader) -> Self {
                // Fields of a struct expression are evaluated in the order written.
                $t { $($f: $crate::packed::Packed::read(r)),* }
            }
            #[cfg(test)]
            fn write(&self, out: &mut Vec<u8>) {
                let $t { $($f),* } = self;
                $($crate::packed::Packed::write($f, out);)*
            }
        }
    };
}

pub(crate) use packed_struct;
