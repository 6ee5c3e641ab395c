//! Writing messages exactly as Python's `json.dumps` does: `", "` and `": "` separators, and
//! only ASCII (anything else becomes a `\uXXXX` escape), with keys in a fixed order.

use crate::crdt::Elem;
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use serde_json::ser::Formatter;
use serde_json::value::RawValue;
use std::io::{self, Write};
use std::sync::Arc;

/// The formatting of Python's `json.dumps` with its default arguments.
#[derive(Clone, Copy, Debug, Default)]
pub struct PythonFormatter;

impl Formatter for PythonFormatter {
    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        if first { Ok(()) } else { w.write_all(b", ") }
    }

    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        if first { Ok(()) } else { w.write_all(b", ") }
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        w.write_all(b": ")
    }

    /// Python's `ensure_ascii`: every character outside space..`~` is escaped, in UTF-16 units.
    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        w: &mut W,
        text: &str,
    ) -> io::Result<()> {
        if text.bytes().all(|b| (b' '..=b'~').contains(&b)) {
            return w.write_all(text.as_bytes());
        }
        let plain = |c: char| (' '..='~').contains(&c);
        let mut start = 0;
        for (i, c) in text.char_indices().filter(|(_, c)| !plain(*c)) {
            w.write_all(&text.as_bytes()[start..i])?;
            for unit in c.encode_utf16(&mut [0u16; 2]) {
                write!(w, "\\u{unit:04x}")?;
            }
            start = i + c.len_utf8();
        }
        w.write_all(&text.as_bytes()[start..])
    }
}

/// Write one message and a newline.
pub fn write_line<W: Write>(w: &mut W, message: &impl Serialize) -> io::Result<()> {
    let mut ser = serde_json::Serializer::with_formatter(&mut *w, PythonFormatter);
    message.serialize(&mut ser)?;
    w.write_all(b"\n")
}

/// JSON text written once and sent as it is, as often as needed (a read's elements, or an
/// echoed `msg_id`). Cloning it shares the text.
#[derive(Clone, Debug)]
pub struct RawJson(Arc<RawValue>);

impl RawJson {
    /// `json` if it is one JSON value.
    pub fn new(json: String) -> Option<RawJson> {
        RawValue::from_string(json)
            .ok()
            .map(|raw| RawJson(raw.into()))
    }

    /// A list, written as `json.dumps` writes it.
    pub fn list<'a, T: Serialize + 'a>(items: impl Iterator<Item = &'a T>) -> Option<RawJson> {
        let mut out = Vec::new();
        let mut ser = serde_json::Serializer::with_formatter(&mut out, PythonFormatter);
        ser.collect_seq(items).ok()?;
        RawJson::new(String::from_utf8(out).ok()?)
    }
}

impl PartialEq for RawJson {
    fn eq(&self, other: &Self) -> bool {
        self.0.get() == other.0.get()
    }
}

/// A payload value in a body we send.
#[derive(Clone, Debug, PartialEq)]
pub enum Field {
    Elems(Vec<Elem>),
    Count(u64),
    Text(String),
    Texts(Vec<String>),
    Json(serde_json::Value),
    Raw(RawJson),
}

impl Serialize for Field {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Field::Elems(elems) => list(s, elems),
            Field::Count(n) => s.serialize_u64(*n),
            Field::Text(text) => s.serialize_str(text),
            Field::Texts(texts) => list(s, texts),
            Field::Json(value) => value.serialize(s),
            Field::Raw(raw) => raw.0.serialize(s),
        }
    }
}

fn list<S: Serializer, T: Serialize>(s: S, items: &[T]) -> Result<S::Ok, S::Error> {
    let mut seq = s.serialize_seq(Some(items.len()))?;
    items
        .iter()
        .try_for_each(|item| seq.serialize_element(item))?;
    seq.end()
}

/// A body we send: `type`, then the payload fields in order, then `in_reply_to`, then `msg_id`.
#[derive(Clone, Debug, PartialEq)]
pub struct Body {
    pub kind: &'static str,
    pub fields: Vec<(&'static str, Field)>,
    pub in_reply_to: Option<Field>,
    pub msg_id: Option<u64>,
}

impl Serialize for Body {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(None)?;
        map.serialize_entry("type", self.kind)?;
        for (key, value) in &self.fields {
            map.serialize_entry(key, value)?;
        }
        if let Some(id) = &self.in_reply_to {
            map.serialize_entry("in_reply_to", id)?;
        }
        if let Some(id) = self.msg_id {
            map.serialize_entry("msg_id", &id)?;
        }
        map.end()
    }
}

/// A whole message: `src`, `dest`, `body`, in that order.
#[derive(Debug, serde::Serialize)]
pub struct Message<'a> {
    pub src: &'a str,
    pub dest: &'a str,
    pub body: &'a Body,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(message: &Message) -> String {
        let mut out = Vec::new();
        write_line(&mut out, message).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn a_reply_reads_exactly_like_the_course_expects() {
        let body = Body {
            kind: "read_ok",
            fields: vec![("elements", Field::Elems(vec![Elem::Str("x".into())]))],
            in_reply_to: Some(Field::Count(3)),
            msg_id: Some(2),
        };
        let msg = Message {
            src: "n1",
            dest: "c1",
            body: &body,
        };
        assert_eq!(
            line(&msg),
            "{\"src\": \"n1\", \"dest\": \"c1\", \"body\": {\"type\": \"read_ok\", \"elements\": [\"x\"], \"in_reply_to\": 3, \"msg_id\": 2}}\n"
        );
    }

    #[test]
    fn strings_are_escaped_like_python_ensure_ascii() {
        let texts = vec![
            "caf\u{e9}".into(),
            "\u{1F600}".into(),
            "a\"b\\c\n\t\u{1}\u{7f}".into(),
        ];
        let body = Body {
            kind: "t",
            fields: vec![("x", Field::Texts(texts))],
            in_reply_to: None,
            msg_id: None,
        };
        let msg = Message {
            src: "n1",
            dest: "c1",
            body: &body,
        };
        let want = r#"{"src": "n1", "dest": "c1", "body": {"type": "t", "x": ["caf\u00e9", "\ud83d\ude00", "a\"b\\c\n\t\u0001\u007f"]}}"#;
        assert_eq!(line(&msg), format!("{want}\n"));
    }
}
