//! Writing messages exactly as Python's `json.dumps` does: `", "` and `": "` separators, and
//! only ASCII (anything else becomes a `\uXXXX` escape), with keys in a fixed order.

use crate::crdt::Elem;
use serde::ser::{Serialize, Serializer};
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

/// Write one message and a newline: `src`, `dest`, then the body.
pub fn write_line<W: Write>(w: &mut W, message: &Message) -> io::Result<()> {
    w.write_all(b"{\"src\": ")?;
    text(w, message.src)?;
    w.write_all(b", \"dest\": ")?;
    text(w, message.dest)?;
    w.write_all(b", \"body\": ")?;
    message.body.write(w)?;
    w.write_all(b"}\n")
}

/// Write a string as `json.dumps` does: as it is between quotes when every character is printable
/// ASCII and neither a quote nor a backslash (a name, a type, a key), else escaped.
fn text<W: Write>(w: &mut W, s: &str) -> io::Result<()> {
    let plain = |b: &u8| (b' '..=b'~').contains(b) && *b != b'"' && *b != b'\\';
    if !s.as_bytes().iter().all(plain) {
        return python(w, s);
    }
    w.write_all(b"\"")?;
    w.write_all(s.as_bytes())?;
    w.write_all(b"\"")
}

fn count<W: Write>(w: &mut W, n: u64) -> io::Result<()> {
    w.write_all(itoa::Buffer::new().format(n).as_bytes())
}

/// Write one value as `json.dumps` does.
fn python<W: Write, T: Serialize + ?Sized>(w: &mut W, value: &T) -> io::Result<()> {
    let mut ser = serde_json::Serializer::with_formatter(w, PythonFormatter);
    value.serialize(&mut ser).map_err(io::Error::from)
}

/// JSON text, written once and sent as it is, as often as needed: a read's elements, or a
/// `msg_id` echoed as the client wrote it. Cloning it shares the text.
#[derive(Clone, Debug, PartialEq)]
pub struct RawJson(Arc<str>);

impl RawJson {
    /// A list, written as `json.dumps` writes it.
    pub fn list<'a, T: Serialize + 'a>(items: impl Iterator<Item = &'a T>) -> RawJson {
        let mut out = Vec::new();
        let mut ser = serde_json::Serializer::with_formatter(&mut out, PythonFormatter);
        // Writing strings and integers into a Vec cannot fail, and writes only ASCII.
        let _ = ser.collect_seq(items);
        RawJson(String::from_utf8_lossy(&out).into())
    }

    /// A value received, exactly as it was sent.
    pub fn received(value: &RawValue) -> RawJson {
        RawJson(value.get().into())
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

impl Field {
    fn write<W: Write>(&self, w: &mut W) -> io::Result<()> {
        match self {
            Field::Elems(elems) => python(w, elems),
            Field::Count(n) => count(w, *n),
            Field::Text(t) => text(w, t),
            Field::Texts(texts) => python(w, texts),
            Field::Json(value) => python(w, value),
            Field::Raw(raw) => w.write_all(raw.0.as_bytes()),
        }
    }
}

/// A body we send: `type`, then the payload fields in order, then `in_reply_to`, then `msg_id`.
#[derive(Clone, Debug, PartialEq)]
pub struct Body {
    pub kind: &'static str,
    pub fields: Vec<(&'static str, Field)>,
    pub in_reply_to: Option<Field>,
    pub msg_id: Option<u64>,
}

impl Body {
    /// Write the body as `json.dumps` does, keys in their order.
    pub fn write<W: Write>(&self, w: &mut W) -> io::Result<()> {
        w.write_all(b"{\"type\": ")?;
        text(w, self.kind)?;
        for (key, value) in &self.fields {
            w.write_all(b", ")?;
            text(w, key)?;
            w.write_all(b": ")?;
            value.write(w)?;
        }
        if let Some(id) = &self.in_reply_to {
            w.write_all(b", \"in_reply_to\": ")?;
            id.write(w)?;
        }
        if let Some(id) = self.msg_id {
            w.write_all(b", \"msg_id\": ")?;
            count(w, id)?;
        }
        w.write_all(b"}")
    }
}

/// For any other serializer (the node itself writes with [`Body::write`]): the same JSON, read
/// back as a value.
impl Serialize for Body {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut out = Vec::new();
        self.write(&mut out).map_err(serde::ser::Error::custom)?;
        let value: &RawValue = serde_json::from_slice(&out).map_err(serde::ser::Error::custom)?;
        value.serialize(s)
    }
}

/// A whole message: `src`, `dest`, `body`, in that order.
#[derive(Debug)]
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
