//! Reading messages: a lenient envelope and body, so that an ill-typed field still leaves us the
//! `msg_id` and `src` to answer with an error, and the checks that turn fields into elements.
//! A line that is not a well-formed message (a duplicate key, a lone surrogate, a number out of
//! range) is salvaged for its `src` and `msg_id`, so it can be answered with an error too.

use super::json::{Field, RawJson};
use crate::crdt::Elem;
use serde::de::value::MapAccessDeserializer;
use serde::de::{Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;
use serde_json::value::RawValue;
use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

/// A scalar as received: an integer, a string, or a note of what else it was.
#[derive(Clone, Debug, PartialEq)]
pub enum Loose<'a> {
    Int(i64),
    Str(Cow<'a, str>),
    Other(&'static str),
}

/// A list of scalars as received, or a note of what else it was.
#[derive(Clone, Debug, PartialEq)]
pub enum LooseList<'a> {
    List(Vec<Loose<'a>>),
    Other(&'static str),
}

/// A message as received. A line or a body that is not an object makes the line unreadable.
#[derive(Debug, serde::Deserialize)]
pub struct Incoming<'a> {
    #[serde(borrow)]
    pub src: Option<Loose<'a>>,
    #[serde(borrow)]
    pub dest: Option<Loose<'a>>,
    #[serde(borrow, deserialize_with = "object")]
    pub body: Body<'a>,
}

impl<'a> Incoming<'a> {
    /// Read one line as a message: a JSON object, with nothing after it. A line of valid UTF-8
    /// (checked once, not string by string) is read as text, which is faster: by the quick
    /// reader when it is an everyday message, else by serde; any other line is read as bytes,
    /// which fails with the place of the first bad byte.
    pub fn parse(line: &'a [u8]) -> serde_json::Result<Incoming<'a>> {
        fn whole<'a, R: serde_json::de::Read<'a>>(
            mut de: serde_json::Deserializer<R>,
        ) -> serde_json::Result<Incoming<'a>> {
            let message = object(&mut de)?;
            de.end()?;
            Ok(message)
        }
        match std::str::from_utf8(line) {
            Ok(text) => match super::quick::parse(text) {
                Some(message) => Ok(message),
                None => whole(serde_json::Deserializer::from_str(text)),
            },
            Err(_) => whole(serde_json::Deserializer::from_slice(line)),
        }
    }
}

/// Read a struct from a JSON object only: serde's derive would also take a list of its fields.
fn object<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<T, D::Error> {
    struct ObjectOnly<T>(PhantomData<T>);
    impl<'de, T: Deserialize<'de>> Visitor<'de> for ObjectOnly<T> {
        type Value = T;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a JSON object")
        }
        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
            T::deserialize(MapAccessDeserializer::new(map))
        }
    }
    d.deserialize_map(ObjectOnly(PhantomData))
}

/// Every body field any node type reads; each is optional, and checked only where it is used.
/// Fields that only merges and `init` carry are boxed, which keeps the body small to move.
#[derive(Debug, Default, serde::Deserialize)]
pub struct Body<'a> {
    #[serde(rename = "type", borrow)]
    pub kind: Option<Loose<'a>>,
    #[serde(borrow)]
    pub msg_id: Option<MsgId<'a>>,
    #[serde(borrow)]
    pub element: Option<Loose<'a>>,
    #[serde(borrow)]
    pub elements: Option<Box<LooseList<'a>>>,
    #[serde(borrow)]
    pub add_set: Option<Box<LooseList<'a>>>,
    #[serde(borrow)]
    pub remove_set: Option<Box<LooseList<'a>>>,
    pub adds: Option<Box<Value>>,
    pub removes: Option<Box<Value>>,
    pub live: Option<Box<Value>>,
    pub tombstones: Option<Box<Value>>,
    pub entries: Option<Box<Value>>,
    pub clock: Option<Box<Value>>,
    #[serde(borrow)]
    pub node_id: Option<Loose<'a>>,
    #[serde(borrow)]
    pub node_ids: Option<Box<LooseList<'a>>>,
    pub code: Option<Box<Value>>,
    pub text: Option<Box<Value>>,
}

/// A `msg_id` as received: a proper one, or the JSON text of whatever else was sent (echoed, as
/// sent, in the error).
#[derive(Clone, Debug)]
pub enum MsgId<'a> {
    Id(u64),
    Other(&'a RawValue),
}

impl PartialEq for MsgId<'_> {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (MsgId::Id(a), MsgId::Id(b)) => a == b,
            (MsgId::Other(a), MsgId::Other(b)) => a.get() == b.get(),
            _ => false,
        }
    }
}

impl<'a> MsgId<'a> {
    fn read(raw: &'a RawValue) -> MsgId<'a> {
        match raw.get().parse() {
            Ok(n) => MsgId::Id(n),
            Err(_) => MsgId::Other(raw),
        }
    }

    /// The value to echo as `in_reply_to`: a number exactly as the client wrote it (even one too
    /// large for 64 bits), anything else as `json.dumps` writes it (or, when serde_json cannot
    /// read it, such as a lone surrogate, as sent if that is ASCII, else `null`).
    pub fn echo(&self) -> Field {
        let raw = match self {
            MsgId::Id(n) => return Field::Count(*n),
            MsgId::Other(raw) => raw,
        };
        let text = raw.get();
        if text.starts_with(|c: char| c == '-' || c.is_ascii_digit()) {
            return Field::Raw(RawJson::received(raw));
        }
        match serde_json::from_str(text) {
            Ok(value) => Field::Json(value),
            Err(_) if text.is_ascii() => Field::Raw(RawJson::received(raw)),
            Err(_) => Field::Json(Value::Null),
        }
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for MsgId<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        <&RawValue>::deserialize(d).map(MsgId::read)
    }
}

/// What a line that is not a well-formed message still says: who sent it, to whom, its type and
/// the `msg_id` to answer. Duplicate keys (the last one counts, as in Python), lone surrogates and
/// numbers out of range are read past, as long as they are not in these fields themselves.
#[derive(Debug, PartialEq)]
pub struct Salvaged<'a> {
    pub src: String,
    pub dest: Option<String>,
    pub kind: Option<String>,
    pub msg_id: MsgId<'a>,
}

pub fn salvage(line: &[u8]) -> Option<Salvaged<'_>> {
    let top: Entries = serde_json::from_slice(line).ok()?;
    let body: Entries = serde_json::from_str(top.last("body")?.get()).ok()?;
    let text = |raw: &RawValue| serde_json::from_str::<String>(raw.get()).ok();
    Some(Salvaged {
        src: text(top.last("src")?)?,
        dest: top.last("dest").and_then(text),
        kind: body.last("type").and_then(text),
        msg_id: MsgId::read(body.last("msg_id")?),
    })
}

/// The keys of a JSON object and their values as JSON text, duplicates included.
struct Entries<'a>(Vec<(String, &'a RawValue)>);

impl<'a> Entries<'a> {
    fn last(&self, key: &str) -> Option<&'a RawValue> {
        self.0.iter().rev().find(|(k, _)| k == key).map(|(_, v)| *v)
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Entries<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Each<'a>(PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for Each<'a> {
            type Value = Entries<'a>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Entries<'a>, A::Error> {
                let mut all = Vec::new();
                while let Some(entry) = map.next_entry::<String, &'a RawValue>()? {
                    all.push(entry);
                }
                Ok(Entries(all))
            }
        }
        d.deserialize_map(Each(PhantomData))
    }
}

/// Why a request cannot be served: a Maelstrom error code and a sentence for the sender.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    pub code: u64,
    pub text: String,
}

impl Failure {
    pub const NOT_SUPPORTED: u64 = 10;
    pub const TEMPORARILY_UNAVAILABLE: u64 = 11;
    pub const MALFORMED_REQUEST: u64 = 12;
    /// Maelstrom's `abort`: the request could not be done and definitely was not.
    pub const ABORT: u64 = 14;

    pub fn malformed(text: impl Into<String>) -> Failure {
        Failure {
            code: Self::MALFORMED_REQUEST,
            text: text.into(),
        }
    }
    pub fn unsupported(text: impl Into<String>) -> Failure {
        Failure {
            code: Self::NOT_SUPPORTED,
            text: text.into(),
        }
    }
    pub fn abort(text: impl Into<String>) -> Failure {
        Failure {
            code: Self::ABORT,
            text: text.into(),
        }
    }
}

/// A scalar as an element, or what it was instead.
pub fn to_elem(value: &Loose) -> Result<Elem, &'static str> {
    match value {
        Loose::Int(n) => Ok(Elem::Int(*n)),
        Loose::Str(s) => Ok(Elem::Str(s.as_ref().into())),
        Loose::Other(what) => Err(what),
    }
}

/// A JSON value as an element, or what it was instead.
pub fn value_to_elem(value: &Value) -> Result<Elem, &'static str> {
    match value {
        Value::String(s) => Ok(Elem::Str(s.as_str().into())),
        Value::Number(n) => n.as_i64().map(Elem::Int).ok_or(kind_of_number(n)),
        other => Err(kind_of(other)),
    }
}

/// The `element` of a request such as `add`.
pub fn element(body: &Body, request: &str) -> Result<Elem, Failure> {
    let Some(value) = &body.element else {
        return Err(Failure::malformed(format!(
            "{request} needs an element: a string or an integer"
        )));
    };
    to_elem(value).map_err(|what| {
        Failure::malformed(format!(
            "the element of {request} must be a string or an integer, not {what}"
        ))
    })
}

/// A list field of elements, such as `add_set`.
pub fn elements(
    list: &Option<Box<LooseList>>,
    request: &str,
    name: &str,
) -> Result<Vec<Elem>, Failure> {
    let bad = |what: &str| {
        Failure::malformed(format!(
            "{request} needs {name}: a list of strings and integers (got {what})"
        ))
    };
    match list {
        None => Err(bad("nothing")),
        Some(list) => match &**list {
            LooseList::Other(what) => Err(bad(what)),
            LooseList::List(items) => items.iter().map(|i| to_elem(i).map_err(bad)).collect(),
        },
    }
}

/// A word for what a JSON value is, for error texts.
pub fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(n) => kind_of_number(n),
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

fn kind_of_number(n: &serde_json::Number) -> &'static str {
    if n.is_f64() {
        "a float"
    } else {
        "an integer outside the 64-bit range"
    }
}

struct LooseVisitor<'a>(PhantomData<&'a ()>);

impl<'de: 'a, 'a> Visitor<'de> for LooseVisitor<'a> {
    type Value = Loose<'a>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_i64<E>(self, n: i64) -> Result<Loose<'a>, E> {
        Ok(Loose::Int(n))
    }
    fn visit_u64<E>(self, n: u64) -> Result<Loose<'a>, E> {
        Ok(i64::try_from(n).map_or(
            Loose::Other("an integer outside the 64-bit range"),
            Loose::Int,
        ))
    }
    fn visit_f64<E>(self, _: f64) -> Result<Loose<'a>, E> {
        Ok(Loose::Other("a float"))
    }
    fn visit_bool<E>(self, _: bool) -> Result<Loose<'a>, E> {
        Ok(Loose::Other("a boolean"))
    }
    fn visit_unit<E>(self) -> Result<Loose<'a>, E> {
        Ok(Loose::Other("null"))
    }
    fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Loose<'a>, E> {
        Ok(Loose::Str(Cow::Borrowed(s)))
    }
    fn visit_str<E>(self, s: &str) -> Result<Loose<'a>, E> {
        Ok(Loose::Str(Cow::Owned(s.to_owned())))
    }
    fn visit_string<E>(self, s: String) -> Result<Loose<'a>, E> {
        Ok(Loose::Str(Cow::Owned(s)))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Loose<'a>, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Loose::Other("a list"))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Loose<'a>, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Loose::Other("an object"))
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Loose<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(LooseVisitor(PhantomData))
    }
}

struct ListVisitor<'a>(PhantomData<&'a ()>);

impl<'de: 'a, 'a> Visitor<'de> for ListVisitor<'a> {
    type Value = LooseList<'a>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<LooseList<'a>, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(4));
        while let Some(item) = seq.next_element::<Loose>()? {
            items.push(item);
        }
        Ok(LooseList::List(items))
    }
    fn visit_i64<E>(self, _: i64) -> Result<LooseList<'a>, E> {
        Ok(LooseList::Other("an integer"))
    }
    fn visit_u64<E>(self, _: u64) -> Result<LooseList<'a>, E> {
        Ok(LooseList::Other("an integer"))
    }
    fn visit_f64<E>(self, _: f64) -> Result<LooseList<'a>, E> {
        Ok(LooseList::Other("a float"))
    }
    fn visit_bool<E>(self, _: bool) -> Result<LooseList<'a>, E> {
        Ok(LooseList::Other("a boolean"))
    }
    fn visit_unit<E>(self) -> Result<LooseList<'a>, E> {
        Ok(LooseList::Other("null"))
    }
    fn visit_str<E>(self, _: &str) -> Result<LooseList<'a>, E> {
        Ok(LooseList::Other("a string"))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<LooseList<'a>, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(LooseList::Other("an object"))
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for LooseList<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ListVisitor(PhantomData))
    }
}

/// Why a line could not be read as a message, for the log.
pub fn unreadable(line: &[u8], err: &serde_json::Error) -> String {
    let object = line.trim_ascii_start().starts_with(b"{");
    match err.classify() {
        serde_json::error::Category::Data if !object => {
            "not a message (a message is a JSON object with src, dest and body)".into()
        }
        serde_json::error::Category::Data => format!("not a message ({err})"),
        _ => format!("not JSON ({err})"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(line: &str) -> Incoming<'_> {
        Incoming::parse(line.as_bytes()).expect("a readable message")
    }

    #[test]
    fn ill_typed_fields_still_leave_the_msg_id_to_answer() {
        let m = parse(r#"{"src":"c1","body":{"type":"add","msg_id":7,"element":[1,{"a":2}]}}"#);
        assert_eq!(m.body.msg_id, Some(MsgId::Id(7)));
        let err = element(&m.body, "add").unwrap_err();
        assert_eq!(err.code, 12);
        assert_eq!(
            err.text,
            "the element of add must be a string or an integer, not a list"
        );
    }

    #[test]
    fn elements_are_kept_as_given() {
        let m = parse(r#"{"body":{"add_set":["5",5,"x"]}}"#);
        let got = elements(&m.body.add_set, "merge", "add_set").unwrap();
        assert_eq!(
            got,
            vec![Elem::Str("5".into()), Elem::Int(5), Elem::Str("x".into())]
        );
    }

    #[test]
    fn floats_booleans_and_huge_integers_are_not_elements() {
        for (json, what) in [
            ("1.5", "a float"),
            ("true", "a boolean"),
            (
                "18446744073709551615",
                "an integer outside the 64-bit range",
            ),
        ] {
            let line = format!(r#"{{"body":{{"element":{json}}}}}"#);
            let err = element(&parse(&line).body, "add").unwrap_err();
            assert!(err.text.ends_with(what), "{json}: {}", err.text);
        }
    }

    #[test]
    fn a_missing_list_or_a_list_of_objects_is_named_in_the_error() {
        let m = parse(r#"{"body":{"add_set":[{}]}}"#);
        let err = elements(&m.body.remove_set, "merge", "remove_set").unwrap_err();
        assert_eq!(
            err.text,
            "merge needs remove_set: a list of strings and integers (got nothing)"
        );
        let err = elements(&m.body.add_set, "merge", "add_set").unwrap_err();
        assert!(err.text.ends_with("(got an object)"));
    }
}
