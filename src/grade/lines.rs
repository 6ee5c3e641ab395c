//! Reading what a node writes: one line as a message (`src`, `dest`, `body`), its `msg_id` numbering, and the course's byte format (Python's `json.dumps`, keys in the course's order).

use crate::node::{Protocol, PythonFormatter};
use serde::Serialize;
use serde_json::{Map, Value};

/// One message a node wrote.
#[derive(Clone, Debug, PartialEq)]
pub struct Said {
    pub src: String,
    pub dest: String,
    pub body: Map<String, Value>,
}

impl Said {
    pub fn kind(&self) -> &str {
        self.body.get("type").and_then(Value::as_str).unwrap_or("")
    }

    pub fn msg_id(&self) -> Option<u64> {
        self.body.get("msg_id").and_then(Value::as_u64)
    }

    pub fn in_reply_to(&self) -> Option<&Value> {
        self.body.get("in_reply_to")
    }
}

/// Read one line as a message, or say why it is not one.
pub fn read(bytes: &[u8]) -> Result<Said, String> {
    let text = std::str::from_utf8(bytes)
        .map_err(|_| "a line must be UTF-8 text, and this one is not".to_string())?;
    let value: Value = serde_json::from_str(text.trim_end_matches('\r'))
        .map_err(|e| format!("every line must be one JSON message, and this one is not ({e})"))?;
    let Value::Object(mut message) = value else {
        return Err("a message is a JSON object with src, dest and body".into());
    };
    let mut text_field = |name: &str| match message.remove(name) {
        Some(Value::String(s)) => Ok(s),
        Some(other) => Err(format!("{name} must be a string, not {other}")),
        None => Err(format!("a message needs {name}")),
    };
    let (src, dest) = (text_field("src")?, text_field("dest")?);
    let body = match message.remove("body") {
        Some(Value::Object(body)) => body,
        Some(_) => return Err("body must be a JSON object".into()),
        None => return Err("a message needs a body".into()),
    };
    match body.get("type") {
        Some(Value::String(_)) => {}
        Some(_) => return Err("the body's type must be a string".into()),
        None => return Err("the body needs a type".into()),
    }
    match body.get("msg_id") {
        Some(id) if !id.is_u64() => {
            return Err(format!("msg_id must be a non-negative integer, not {id}"));
        }
        _ => {}
    }
    Ok(Said { src, dest, body })
}

/// The `msg_id`s one node sends. The course's: every message carries one, from 0, one more each
/// time. Maelstrom's: each one (where there is one) is larger than the last.
#[derive(Clone, Debug)]
pub struct Numbering {
    protocol: Protocol,
    next: u64,
}

impl Numbering {
    pub fn new(protocol: Protocol) -> Numbering {
        Numbering { protocol, next: 0 }
    }

    /// Check the next message's `msg_id`. A reply must carry one; a message that is not a
    /// reply (gossip) may go without.
    pub fn check(&mut self, said: &Said) -> Result<(), String> {
        let kind = said.kind();
        let reply = said.in_reply_to().is_some() || kind.ends_with("_ok") || kind == "error";
        match (said.msg_id(), self.protocol) {
            (None, Protocol::Course) if reply => Err(format!(
                "its {kind} has no msg_id; the next would be {}",
                self.next
            )),
            (None, _) => Ok(()),
            (Some(id), Protocol::Course) if id != self.next => Err(match self.next {
                0 => format!("its first message (the {kind}) has msg_id {id}; it should be 0"),
                next => format!(
                    "after msg_id {} comes {next}, but its {kind} has msg_id {id}",
                    next - 1
                ),
            }),
            (Some(id), Protocol::Maelstrom) if id < self.next => Err(format!(
                "its {kind} has msg_id {id}, after {}: each msg_id must be larger than the last",
                self.next - 1
            )),
            (Some(id), _) => {
                self.next = id + 1;
                Ok(())
            }
        }
    }
}

/// Whether a message to the waiting requester answers the request `msg_id`, and what is wrong
/// with its `in_reply_to` if anything. An answer to an earlier request (late, or a second one) is
/// not taken for this one's; one with no or a garbled `in_reply_to` is, with the failure named.
pub fn answers(said: &Said, msg_id: u64) -> (bool, Option<String>) {
    let (who, kind) = (&said.src, said.kind());
    match said.in_reply_to() {
        Some(v) if v.as_u64() == Some(msg_id) => (true, None),
        Some(v) if v.as_u64().is_some_and(|n| n < msg_id) => (
            false,
            Some(format!(
                "{who}'s {kind} is in_reply_to {v}, an earlier request, while the grader waits for the reply to msg_id {msg_id}"
            )),
        ),
        Some(v) => (
            true,
            Some(format!(
                "{who}'s {kind} to msg_id {msg_id} says in_reply_to {v}; it is the request's msg_id, {msg_id}"
            )),
        ),
        None => (
            true,
            Some(format!(
                "{who}'s {kind} to msg_id {msg_id} has no in_reply_to"
            )),
        ),
    }
}

/// The course compares bytes: a reply must read exactly as Python's `json.dumps` writes it,
/// with `src`, `dest`, `body` in that order and the body's `type` first, its payload next,
/// then `in_reply_to` and `msg_id`.
pub fn course_bytes(line: &[u8], said: &Said) -> Result<(), String> {
    let want = canonical(said);
    if line == want.as_slice() {
        return Ok(());
    }
    let at = line.iter().zip(&want).take_while(|(a, b)| a == b).count();
    let show = |bytes: &[u8]| {
        let end = (at + 12).min(bytes.len());
        format!("{:?}", String::from_utf8_lossy(&bytes[at..end]))
    };
    let why = if line.iter().any(|b| !b.is_ascii()) {
        "outside ASCII, characters are written as \\u escapes"
    } else if !line.windows(2).any(|w| w == b", ") {
        "the separators are \", \" and \": \""
    } else {
        "keys go src, dest, body; in the body type, the payload, in_reply_to, msg_id"
    };
    Err(format!(
        "the course compares bytes, as Python's json.dumps writes them ({why}): \
         at byte {at} the line has {} where {} was expected; the whole line should be {}",
        show(line),
        show(&want),
        String::from_utf8_lossy(&want)
    ))
}

/// The line as the course writes this message.
fn canonical(said: &Said) -> Vec<u8> {
    let mut body = Map::new();
    let tail = ["in_reply_to", "msg_id"];
    if let Some(kind) = said.body.get("type") {
        body.insert("type".into(), kind.clone());
    }
    for (key, value) in &said.body {
        if key != "type" && !tail.contains(&key.as_str()) {
            body.insert(key.clone(), value.clone());
        }
    }
    for key in tail {
        if let Some(value) = said.body.get(key) {
            body.insert(key.into(), value.clone());
        }
    }
    let mut message = Map::new();
    message.insert("src".into(), Value::String(said.src.clone()));
    message.insert("dest".into(), Value::String(said.dest.clone()));
    message.insert("body".into(), Value::Object(body));
    let mut out = Vec::new();
    let mut ser = serde_json::Serializer::with_formatter(&mut out, PythonFormatter);
    let _ = Value::Object(message).serialize(&mut ser);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEED_REPLY: &str = r#"{"src": "n1", "dest": "c1", "body": {"type": "read_ok", "elements": ["x"], "in_reply_to": 3, "msg_id": 2}}"#;

    #[test]
    fn the_seed_tasks_expected_output_is_in_the_course_byte_format() {
        let said = read(SEED_REPLY.as_bytes()).unwrap();
        assert_eq!(said.kind(), "read_ok");
        assert_eq!(said.msg_id(), Some(2));
        assert_eq!(course_bytes(SEED_REPLY.as_bytes(), &said), Ok(()));
    }

    #[test]
    fn compact_separators_reordered_keys_and_raw_utf8_are_named() {
        let compact = r#"{"src":"n1","dest":"c1","body":{"type":"read_ok","elements":["x"],"in_reply_to":3,"msg_id":2}}"#;
        let err = course_bytes(compact.as_bytes(), &read(compact.as_bytes()).unwrap()).unwrap_err();
        assert!(
            err.contains("separators") && err.contains("at byte 7"),
            "{err}"
        );
        let reordered = r#"{"src": "n1", "dest": "c1", "body": {"msg_id": 2, "type": "read_ok", "elements": ["x"], "in_reply_to": 3}}"#;
        let err =
            course_bytes(reordered.as_bytes(), &read(reordered.as_bytes()).unwrap()).unwrap_err();
        assert!(err.contains("keys go src, dest, body"), "{err}");
        assert!(err.ends_with(SEED_REPLY), "{err}");
        let raw = "{\"src\": \"n1\", \"dest\": \"c1\", \"body\": {\"type\": \"read_ok\", \"elements\": [\"caf\u{e9}\"], \"in_reply_to\": 3, \"msg_id\": 2}}";
        let err = course_bytes(raw.as_bytes(), &read(raw.as_bytes()).unwrap()).unwrap_err();
        assert!(
            err.contains("\\u escapes") && err.contains("caf\\u00e9"),
            "{err}"
        );
    }

    #[test]
    fn lines_that_are_not_messages_say_why() {
        let cases = [
            (&b"hello"[..], "one JSON message"),
            (b"[1]", "JSON object"),
            (br#"{"src":"n1","body":{"type":"x"}}"#, "needs dest"),
            (br#"{"src":"n1","dest":"c1","body":{}}"#, "needs a type"),
            (
                br#"{"src":"n1","dest":"c1","body":{"type":"x","msg_id":-1}}"#,
                "non-negative",
            ),
            (b"\xff", "UTF-8"),
        ];
        for (line, why) in cases {
            let err = read(line).unwrap_err();
            assert!(err.contains(why), "{err}");
        }
    }

    #[test]
    fn course_msg_ids_start_at_0_and_go_up_by_one() {
        let said = |id: u64| {
            read(
                format!(r#"{{"src":"n1","dest":"c1","body":{{"type":"add_ok","msg_id":{id}}}}}"#)
                    .as_bytes(),
            )
            .unwrap()
        };
        let mut course = Numbering::new(Protocol::Course);
        let err = course.check(&said(1)).unwrap_err();
        assert_eq!(
            err,
            "its first message (the add_ok) has msg_id 1; it should be 0"
        );
        let mut course = Numbering::new(Protocol::Course);
        assert!(course.check(&said(0)).is_ok());
        assert!(course.check(&said(1)).is_ok());
        assert!(
            course
                .check(&said(3))
                .unwrap_err()
                .contains("after msg_id 1 comes 2")
        );
        let mut maelstrom = Numbering::new(Protocol::Maelstrom);
        assert!(maelstrom.check(&said(5)).is_ok());
        assert!(maelstrom.check(&said(9)).is_ok());
        assert!(maelstrom.check(&said(9)).is_err());
        let gossip = read(br#"{"src":"n1","dest":"n2","body":{"type":"merge"}}"#).unwrap();
        assert!(
            Numbering::new(Protocol::Course).check(&gossip).is_ok(),
            "gossip needs no msg_id"
        );
        let reply =
            read(br#"{"src":"n1","dest":"c1","body":{"type":"add_ok","in_reply_to":3}}"#).unwrap();
        assert!(
            Numbering::new(Protocol::Course)
                .check(&reply)
                .unwrap_err()
                .contains("no msg_id")
        );
    }
}
