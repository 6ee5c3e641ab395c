//! The quick reader of the everyday message: a line whose every string is plain (no escape, no
//! control character) and whose values are strings, integers and lists of them, read straight
//! into the same [`Incoming`] serde's reader builds, with nothing generic in between. Any other line, and any
//! doubt (a duplicate key, a float, a `null`, a field it does not read), is left to serde's
//! reader, which says exactly what is wrong: this one only ever answers "I read it" or "not me".

use super::wire::{Body, Incoming, Loose, LooseList, MsgId};
use std::borrow::Cow;

/// Read `text` as a message, or `None` to leave it to serde's reader.
pub fn parse(text: &str) -> Option<Incoming<'_>> {
    let mut reader = Reader { text, at: 0 };
    let message = reader.message()?;
    reader.space();
    (reader.at == text.len()).then_some(message)
}

/// A place in the line. Between tokens only spaces are read; a tab or a newline is serde's.
struct Reader<'a> {
    text: &'a str,
    at: usize,
}

/// Which fields a message or body has had, so that a duplicate key goes to serde's reader.
#[derive(Default)]
struct Seen(u32);

impl Seen {
    fn first(&mut self, field: u32) -> Option<()> {
        let bit = 1 << field;
        (self.0 & bit == 0).then(|| self.0 |= bit)
    }
}

impl<'a> Reader<'a> {
    fn space(&mut self) {
        let bytes = self.text.as_bytes();
        while bytes.get(self.at) == Some(&b' ') {
            self.at += 1;
        }
    }

    /// The next byte after spaces, without taking it.
    fn peek(&mut self) -> Option<u8> {
        self.space();
        self.text.as_bytes().get(self.at).copied()
    }

    fn take(&mut self, byte: u8) -> Option<()> {
        (self.peek()? == byte).then(|| self.at += 1)
    }

    /// A string with no escape and no control character in it.
    fn string(&mut self) -> Option<&'a str> {
        self.take(b'"')?;
        let bytes = self.text.as_bytes();
        let start = self.at;
        let mut end = start;
        loop {
            match *bytes.get(end)? {
                b'"' => break,
                b'\\' => return None,
                b if b < b' ' => return None,
                _ => end += 1,
            }
        }
        self.at = end + 1;
        // Both ends are next to a quote, so they fall between characters.
        self.text.get(start..end)
    }

    /// The keys of an object, one by one: `each` reads the value of every key.
    fn object(&mut self, mut each: impl FnMut(&mut Self, &'a str) -> Option<()>) -> Option<()> {
        self.take(b'{')?;
        if self.peek()? == b'}' {
            self.at += 1;
            return Some(());
        }
        loop {
            let key = self.string()?;
            self.take(b':')?;
            each(self, key)?;
            match self.peek()? {
                b',' => self.at += 1,
                b'}' => {
                    self.at += 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }

    /// `{"src": .., "dest": .., "body": {..}}`, with any other key holding a string or integer.
    fn message(&mut self) -> Option<Incoming<'a>> {
        let (mut src, mut dest, mut body) = (None, None, None);
        let mut seen = Seen::default();
        self.object(|r, key| {
            match field_of(key) {
                Field::Src => {
                    seen.first(0)?;
                    src = Some(r.scalar()?);
                }
                Field::Dest => {
                    seen.first(1)?;
                    dest = Some(r.scalar()?);
                }
                Field::Body => {
                    seen.first(2)?;
                    body = Some(r.body()?);
                }
                _ => r.skip_scalar()?,
            }
            Some(())
        })?;
        Some(Incoming {
            src,
            dest,
            body: body?,
        })
    }

    fn body(&mut self) -> Option<Body<'a>> {
        let mut body = Body::default();
        let mut seen = Seen::default();
        self.object(|r, key| {
            let field = field_of(key);
            if !matches!(field, Field::Src | Field::Dest | Field::Body | Field::Other) {
                seen.first(field as u32)?;
            }
            match field {
                Field::Type => body.kind = Some(r.scalar()?),
                Field::MsgId => body.msg_id = Some(r.msg_id()?),
                Field::Element => body.element = Some(r.scalar()?),
                Field::Elements => body.elements = Some(Box::new(r.list()?)),
                Field::AddSet => body.add_set = Some(Box::new(r.list()?)),
                Field::RemoveSet => body.remove_set = Some(Box::new(r.list()?)),
                Field::NodeId => body.node_id = Some(r.scalar()?),
                Field::NodeIds => body.node_ids = Some(Box::new(r.list()?)),
                // Fields kept as JSON values (other types' merges, an error's code and text).
                Field::Valued => return None,
                // Not body fields: serde's reader skips them too.
                Field::Src | Field::Dest | Field::Body | Field::Other => r.skip_scalar()?,
            }
            Some(())
        })?;
        Some(body)
    }

    /// A string or an integer, as serde's reader would have read it.
    fn scalar(&mut self) -> Option<Loose<'a>> {
        if self.peek()? == b'"' {
            return self.string().map(|s| Loose::Str(Cow::Borrowed(s)));
        }
        self.integer().map(Loose::Int)
    }

    fn skip_scalar(&mut self) -> Option<()> {
        self.scalar().map(|_| ())
    }

    /// An integer written plainly (`0`, `-12`, at most 18 digits, so it fits an `i64`); a
    /// float, an exponent, `-0` (a float to serde_json) or anything longer is serde's to read.
    fn integer(&mut self) -> Option<i64> {
        self.space();
        let bytes = self.text.as_bytes();
        let minus = bytes.get(self.at) == Some(&b'-');
        let start = self.at + usize::from(minus);
        let (mut end, mut n) = (start, 0i64);
        while let Some(digit) = bytes.get(end).filter(|b| b.is_ascii_digit()) {
            if end - start == 18 {
                return None;
            }
            n = n * 10 + i64::from(digit - b'0');
            end += 1;
        }
        let digits = end - start;
        let leading_zero = bytes[start..end].first() == Some(&b'0') && (digits > 1 || minus);
        if digits == 0 || leading_zero || matches!(bytes.get(end), Some(b'.' | b'e' | b'E')) {
            return None;
        }
        self.at = end;
        Some(if minus { -n } else { n })
    }

    /// A `msg_id` that is a plain integer from 0 (anything else is echoed as sent, by serde's reader).
    fn msg_id(&mut self) -> Option<MsgId<'a>> {
        let n = self.integer()?;
        u64::try_from(n).ok().map(MsgId::Id)
    }

    /// A list of strings and integers.
    fn list(&mut self) -> Option<LooseList<'a>> {
        self.take(b'[')?;
        let mut items = Vec::with_capacity(4);
        if self.peek()? == b']' {
            self.at += 1;
            return Some(LooseList::List(items));
        }
        loop {
            items.push(self.scalar()?);
            match self.peek()? {
                b',' => self.at += 1,
                b']' => {
                    self.at += 1;
                    return Some(LooseList::List(items));
                }
                _ => return None,
            }
        }
    }
}

/// The keys this reader knows; `Valued` ones are serde's to read.
#[derive(Clone, Copy)]
enum Field {
    Type,
    MsgId,
    Element,
    Elements,
    AddSet,
    RemoveSet,
    NodeId,
    NodeIds,
    Src,
    Dest,
    Body,
    Valued,
    Other,
}

fn field_of(key: &str) -> Field {
    match key {
        "type" => Field::Type,
        "msg_id" => Field::MsgId,
        "element" => Field::Element,
        "elements" => Field::Elements,
        "add_set" => Field::AddSet,
        "remove_set" => Field::RemoveSet,
        "node_id" => Field::NodeId,
        "node_ids" => Field::NodeIds,
        "src" => Field::Src,
        "dest" => Field::Dest,
        "body" => Field::Body,
        "adds" | "removes" | "live" | "tombstones" | "entries" | "clock" | "code" | "text" => {
            Field::Valued
        }
        _ => Field::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// What serde's reader makes of a line, to compare with.
    fn by_serde(text: &str) -> Option<String> {
        let mut de = serde_json::Deserializer::from_str(text);
        let message: Incoming = serde::Deserialize::deserialize(&mut de).ok()?;
        de.end().ok()?;
        Some(format!("{message:?}"))
    }

    /// The quick reader either leaves the line to serde, or reads exactly what serde reads.
    fn agrees(text: &str) -> Option<String> {
        let quick = parse(text).map(|m| format!("{m:?}"));
        if let Some(quick) = &quick {
            assert_eq!(Some(quick), by_serde(text).as_ref(), "{text}");
        }
        quick
    }

    #[test]
    fn everyday_messages_are_read_quickly_and_as_serde_reads_them() {
        for line in [
            r#"{"src":"c1","dest":"n1","body":{"type":"add","msg_id":1,"element":"k7"}}"#,
            r#"{"src": "c1", "dest": "n1", "body": {"type": "remove", "msg_id": 0, "element": -12}}"#,
            r#"{"id":4,"src":"n2","dest":"n1","body":{"type":"merge","msg_id":9,"add_set":[1,"x",-3],"remove_set":[]}}"#,
            r#"{"src":"c0","dest":"n1","body":{"type":"init","msg_id":0,"node_id":"n1","node_ids":["n1","n2"]}}"#,
            r#" {"body":{"type":"read","in_reply_to":3,"msg_id":2,"note":"caf\u00e9 not escaped: é"},"src":"c1"} "#,
            r#"{"src":"c1","body":{}}"#,
        ] {
            let line = line.replace("\\u00e9 not escaped: ", "");
            assert!(agrees(&line).is_some(), "read quickly: {line}");
        }
    }

    #[test]
    fn anything_unusual_is_left_to_serde() {
        for line in [
            // Values serde reads differently from how they look: -0 and 1.0 are floats to it.
            r#"{"src":"c1","body":{"type":"add","msg_id":1,"element":-0}}"#,
            r#"{"src":"c1","body":{"type":"add","msg_id":1,"element":1.0}}"#,
            r#"{"src":"c1","body":{"type":"add","msg_id":1,"element":1e3}}"#,
            r#"{"src":"c1","body":{"type":"add","msg_id":1,"element":9223372036854775808}}"#,
            r#"{"src":"c1","body":{"type":"add","msg_id":1,"element":-9999999999999999999}}"#,
            r#"{"src":"c1","body":{"type":"add","msg_id":1,"element":1234567890123456789}}"#,
            r#"{"src":"c1","body":{"type":"add","msg_id":-1,"element":1}}"#,
            r#"{"src":"c1","body":{"type":"add","msg_id":01,"element":1}}"#,
            r#"{"src":"c1","body":{"type":"add","msg_id":1,"element":null}}"#,
            r#"{"src":"c1","body":{"type":"add","msg_id":1,"element":"a\"b"}}"#,
            r#"{"src":"c1","body":{"type":"add","msg_id":1,"element":"\ud800"}}"#,
            "{\"src\":\"c1\",\"body\":{\"type\":\"add\",\"msg_id\":1,\"element\":\"a\tb\"}}",
            "{\"src\":\"c1\",\t\"body\":{\"type\":\"add\",\"msg_id\":1}}",
            // Duplicate keys (an error to serde), fields kept as values, other shapes.
            r#"{"src":"c1","src":"c2","body":{"type":"add","msg_id":1}}"#,
            r#"{"src":"c1","body":{"type":"add","type":"remove","msg_id":1}}"#,
            r#"{"src":"c1","body":{"type":"merge","msg_id":1,"adds":[["x",1,"n2"]]}}"#,
            r#"{"src":"c1","body":{"type":"add","msg_id":1,"extra":[1]}}"#,
            r#"{"src":"c1","body":{"type":"add","msg_id":1}} x"#,
            r#"{"src":"c1","body":{"type":"add","msg_id":1}"#,
            r#"{"src":"c1","body":[]}"#,
            r#"{"src":"c1"}"#,
            r#"[]"#,
            "",
        ] {
            assert_eq!(agrees(line), None, "left to serde: {line}");
        }
    }

    /// A JSON value of the kinds a message's fields hold, written with or without spaces.
    fn value() -> impl Strategy<Value = String> {
        let scalar = prop_oneof![
            any::<i64>().prop_map(|n| n.to_string()),
            (0u64..30).prop_map(|n| n.to_string()),
            Just("-0".to_string()),
            Just("1.5".to_string()),
            Just("null".to_string()),
            Just("true".to_string()),
            "[a-z\"\\\\é\t]{0,4}".prop_map(|s| serde_json::to_string(&s).unwrap()),
            "[a-z]{0,4}".prop_map(|s| format!("\"{s}\"")),
        ];
        prop_oneof![
            3 => scalar.clone(),
            1 => proptest::collection::vec(scalar, 0..4).prop_map(|v| format!("[{}]", v.join(", "))),
        ]
    }

    proptest! {
        #[test]
        fn the_quick_reader_never_reads_a_line_otherwise_than_serde(
            fields in proptest::collection::vec(
                (prop_oneof![
                    Just("type"), Just("msg_id"), Just("element"), Just("add_set"),
                    Just("remove_set"), Just("elements"), Just("node_id"), Just("node_ids"),
                    Just("src"), Just("other")
                ], value()),
                0..6,
            ),
            src in value(),
            spaced in any::<bool>(),
        ) {
            let sep = if spaced { ", " } else { "," };
            let body: Vec<String> = fields.iter().map(|(k, v)| format!("\"{k}\": {v}")).collect();
            let line = format!("{{\"src\": {src}{sep}\"body\": {{{}}}}}", body.join(sep));
            agrees(&line);
        }
    }
}
