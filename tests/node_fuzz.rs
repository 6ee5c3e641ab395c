//! Arbitrary input never crashes the node: raw bytes, and JSON messages with every field of
//! every type filled with arbitrary values. Whatever it prints is still one ASCII JSON message
//! per line, keyed `src`, `dest`, `body`, numbered 0, 1, 2, ... in the order sent.

use crdt_lab::node::{NodeArgs, NodeType, Protocol, run};
use proptest::prelude::*;
use serde_json::{Map, Value, json};
use std::io::Cursor;

fn run_node(kind: NodeType, protocol: Protocol, input: Vec<u8>) -> (Vec<u8>, Vec<u8>) {
    let args = NodeArgs {
        kind,
        protocol,
        gossip_ms: 1,
    };
    let (mut out, mut log) = (Vec::new(), Vec::new());
    run(&args, Cursor::new(input), &mut out, &mut log).expect("the node reaches end of input");
    (out, log)
}

/// Every line is an ASCII JSON object `{src, dest, body}` and the msg_ids count up from 0.
fn assert_well_formed(out: &[u8]) {
    assert!(
        out.is_ascii(),
        "output is ASCII, as Python's json.dumps writes it"
    );
    let text = std::str::from_utf8(out).unwrap();
    let mut next_id = 0;
    for line in text.lines() {
        let msg: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
        let keys: Vec<&String> = msg.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["src", "dest", "body"], "{line}");
        let body = msg["body"].as_object().unwrap();
        assert_eq!(
            body.keys().next().map(String::as_str),
            Some("type"),
            "{line}"
        );
        if let Some(id) = body.get("msg_id") {
            assert_eq!(id, &json!(next_id), "{line}");
            assert_eq!(
                body.keys().next_back().map(String::as_str),
                Some("msg_id"),
                "{line}"
            );
            next_id += 1;
        }
        if body["type"] == "error" {
            let code = body["code"].as_u64().unwrap();
            assert!([10, 11, 12, 14].contains(&code), "{line}");
        }
    }
}

fn node_type() -> impl Strategy<Value = NodeType> {
    prop_oneof![
        Just(NodeType::TwoPSet),
        Just(NodeType::Gset),
        Just(NodeType::Lww),
        Just(NodeType::Orset),
        Just(NodeType::Orswot)
    ]
}

fn protocol() -> impl Strategy<Value = Protocol> {
    prop_oneof![Just(Protocol::Course), Just(Protocol::Maelstrom)]
}

/// Any JSON value, biased towards the shapes the node reads: tags, stamps, elements.
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        (-1e6..1e6f64).prop_map(Value::from),
        "[a-z]{0,3}".prop_map(Value::from),
        "n[0-9]:[0-9]{1,2}".prop_map(Value::from),
        any::<String>().prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
            prop::collection::btree_map("[a-z0-9]{1,3}", inner, 0..3)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn message_type() -> impl Strategy<Value = Value> {
    let known = [
        "init",
        "add",
        "remove",
        "read",
        "merge",
        "or_set_add",
        "or_set_remove",
        "or_set_read",
        "or_set_merge",
        "error",
        "merge_ok",
        "echo",
    ];
    prop_oneof![
        8 => prop::sample::select(known.to_vec()).prop_map(Value::from),
        1 => any_json(),
    ]
}

/// A message whose fields are each present or not, and well- or ill-typed.
fn message() -> impl Strategy<Value = Value> {
    let fields = [
        "msg_id",
        "element",
        "elements",
        "add_set",
        "remove_set",
        "adds",
        "removes",
        "live",
        "tombstones",
        "entries",
        "clock",
        "node_id",
        "node_ids",
        "in_reply_to",
        "code",
        "text",
    ];
    let body = (
        prop::option::of(message_type()),
        prop::option::of(0..50u64),
        prop::collection::vec((prop::sample::select(fields.to_vec()), any_json()), 0..5),
    )
        .prop_map(|(kind, id, extra)| {
            let mut body = Map::new();
            if let Some(kind) = kind {
                body.insert("type".into(), kind);
            }
            if let Some(id) = id {
                body.insert("msg_id".into(), id.into());
            }
            for (k, v) in extra {
                body.insert(k.into(), v);
            }
            Value::Object(body)
        });
    let src = prop_oneof![4 => Just(json!("c1")), 1 => Just(json!("n2")), 1 => any_json()];
    (src, body).prop_map(|(src, body)| json!({"src": src, "dest": "n1", "body": body}))
}

const INIT: &str = r#"{"src":"c0","dest":"n1","body":{"type":"init","msg_id":1,"node_id":"n1","node_ids":["n1","n2"]}}"#;

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_crash_the_node(
        kind in node_type(),
        lines in prop::collection::vec(prop::collection::vec(any::<u8>(), 0..60), 0..12),
        init_first in any::<bool>(),
    ) {
        let mut input = if init_first { format!("{INIT}\n").into_bytes() } else { Vec::new() };
        for line in lines {
            input.extend(line);
            input.push(b'\n');
        }
        let (out, _) = run_node(kind, Protocol::Course, input);
        assert_well_formed(&out);
    }

    #[test]
    fn arbitrary_messages_never_crash_the_node_and_get_well_formed_answers(
        kind in node_type(),
        protocol in protocol(),
        messages in prop::collection::vec(message(), 0..16),
    ) {
        let mut input = format!("{INIT}\n");
        for m in &messages {
            input.push_str(&m.to_string());
            input.push('\n');
        }
        let (out, _) = run_node(kind, protocol, input.into_bytes());
        assert_well_formed(&out);
        // Every request with a msg_id (of any type) and a non-empty string src got exactly one answer.
        let asked = messages.iter().filter(|m| {
            let t = m["body"]["type"].as_str();
            m["src"].as_str().is_some_and(|s| !s.is_empty()) && !m["body"]["msg_id"].is_null()
                && !t.is_some_and(|t| t.ends_with("_ok") || t == "error")
        });
        let replies = String::from_utf8(out).unwrap();
        let answered = replies.lines()
            .filter(|l| serde_json::from_str::<Value>(l).unwrap()["body"].get("in_reply_to").is_some())
            .count();
        prop_assert_eq!(answered, asked.count() + 1);
    }
}
