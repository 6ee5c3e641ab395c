//! The grader's model: our reference node (`crdt-lab node`) in process, one per replica, fed the same lines as the node under test; and what a state or a merge says about one element.

use super::workload::Step;
use crate::crdt::Elem;
use crate::node::{Node, NodeArgs, NodeType, Protocol};
use serde_json::{Value, json};
use std::collections::HashMap;

/// The request types of a set type.
#[derive(Clone, Copy, Debug)]
pub struct Verbs {
    pub add: &'static str,
    pub remove: &'static str,
    pub read: &'static str,
}

pub fn verbs(kind: NodeType) -> Verbs {
    match kind {
        NodeType::Orset | NodeType::Orswot => Verbs {
            add: "or_set_add",
            remove: "or_set_remove",
            read: "or_set_read",
        },
        _ => Verbs {
            add: "add",
            remove: "remove",
            read: "read",
        },
    }
}

/// The field of `read_ok` that carries the elements.
pub fn read_key(protocol: Protocol) -> &'static str {
    match protocol {
        Protocol::Course => "elements",
        Protocol::Maelstrom => "value",
    }
}

pub fn elem_to_json(elem: &Elem) -> Value {
    match elem {
        Elem::Int(n) => json!(n),
        Elem::Str(s) => json!(s.as_ref()),
    }
}

pub fn elem_from_json(value: &Value) -> Option<Elem> {
    match value {
        Value::String(s) => Some(Elem::Str(s.as_str().into())),
        Value::Number(n) => n.as_i64().map(Elem::Int),
        _ => None,
    }
}

/// One message on the wire, as the grader writes it (compact JSON, like the course's input).
pub fn line(src: &str, dest: &str, body: &Value) -> String {
    json!({"src": src, "dest": dest, "body": body}).to_string()
}

/// A request for one replica: who sends it and its body (without a `msg_id` yet).
#[derive(Clone, Debug)]
pub struct Request {
    pub to: usize,
    pub src: String,
    pub body: Value,
}

/// One reference node per replica. Replica 0 mirrors the node under test.
pub struct Model {
    pub kind: NodeType,
    pub names: Vec<String>,
    nodes: Vec<Node>,
    next_msg_id: u64,
}

impl Model {
    /// Replicas named `names`, each initialised alone (as the course's single-node tasks are).
    pub fn new(kind: NodeType, protocol: Protocol, names: &[String]) -> Model {
        let args = NodeArgs {
            kind,
            protocol,
            gossip_ms: 0,
        };
        let mut model = Model {
            kind,
            names: names.to_vec(),
            nodes: names.iter().map(|_| Node::new(&args)).collect(),
            next_msg_id: 1,
        };
        for (r, name) in names.iter().enumerate() {
            let init = json!({"type": "init", "msg_id": 0, "node_id": name, "node_ids": [name]});
            model.feed(r, &line("c0", name, &init));
        }
        model
    }

    /// Hand one line to replica `r`; its answer's body, if it answered.
    pub fn feed(&mut self, r: usize, text: &str) -> Option<Value> {
        let (mut out, mut log) = (Vec::new(), Vec::new());
        let node = self.nodes.get_mut(r)?;
        node.handle_line(text.as_bytes(), &mut out, &mut log).ok()?;
        let reply: Value = serde_json::from_slice(&out).ok()?;
        Some(reply["body"].clone())
    }

    /// Replica `r`'s whole state, as its merge message carries it.
    pub fn merge_body(&self, r: usize) -> Value {
        let body = self.nodes.get(r).and_then(Node::merge_body);
        body.unwrap_or(Value::Null)
    }

    /// What replica `r` reads now.
    pub fn read(&mut self, r: usize) -> Vec<Elem> {
        let body = json!({"type": verbs(self.kind).read, "msg_id": self.next_msg_id});
        self.next_msg_id += 1;
        let dest = self.names[r].clone();
        let reply = self.feed(r, &line("c0", &dest, &body)).unwrap_or_default();
        let list = reply
            .as_object()
            .and_then(|b| b.values().find_map(Value::as_array));
        list.map(|l| l.iter().filter_map(elem_from_json).collect())
            .unwrap_or_default()
    }

    /// The request a step makes, or `None` when the step cannot be taken in this state:
    /// a 2P-Set remove of an element this replica never added (the lab refuses it, and the
    /// course's hints forbid it), a remove on a G-Set replica the grader plays, a merge with
    /// itself, or a read of a replica the grader plays.
    pub fn request_for(&self, step: &Step) -> Option<Request> {
        let v = verbs(self.kind);
        let client = |to: usize, body: Value| Request {
            to,
            src: "c1".into(),
            body,
        };
        match step {
            Step::Add(r, e) => Some(client(
                *r,
                json!({"type": v.add, "element": elem_to_json(e)}),
            )),
            Step::Remove(r, e) => {
                let allowed = match self.kind {
                    NodeType::TwoPSet => facts(&self.merge_body(*r), e).added.is_some(),
                    NodeType::Gset => *r == 0,
                    _ => true,
                };
                allowed.then(|| client(*r, json!({"type": v.remove, "element": elem_to_json(e)})))
            }
            Step::Read(0) => Some(client(0, json!({"type": v.read}))),
            Step::Read(_) => None,
            Step::Merge { into, from } if into != from && *from < self.names.len() => {
                Some(Request {
                    to: *into,
                    src: self.names[*from].clone(),
                    body: self.merge_body(*from),
                })
            }
            Step::Merge { .. } => None,
        }
    }

    /// Number a request and write it as a line to its replica.
    pub fn number(&mut self, request: &Request) -> (u64, Value) {
        let id = self.next_msg_id;
        self.next_msg_id += 1;
        let mut body = request.body.clone();
        if let Some(fields) = body.as_object_mut() {
            fields.insert("msg_id".into(), json!(id));
        }
        (id, body)
    }

    /// Take a step on the model alone. Returns whether it could be taken.
    pub fn apply(&mut self, step: &Step) -> bool {
        self.take(step).is_some()
    }

    /// Take a step on the model alone: the replica's answer, or `None` if it cannot be taken.
    pub fn take(&mut self, step: &Step) -> Option<Value> {
        let request = self.request_for(step)?;
        let (_, body) = self.number(&request);
        let dest = self.names[request.to].clone();
        Some(
            self.feed(request.to, &line(&request.src, &dest, &body))
                .unwrap_or_default(),
        )
    }
}

/// The merge fields that carry what was added, and those that carry what was removed.
pub const ADD_FIELDS: [&str; 5] = ["add_set", "elements", "adds", "live", "entries"];
pub const REMOVE_FIELDS: [&str; 3] = ["remove_set", "removes", "tombstones"];

/// What a state (a merge body) holds for one element: its entry on the add side (the element,
/// or its `[element, ...]` pair or triple) and on the remove side.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Facts {
    pub added: Option<Value>,
    pub removed: Option<Value>,
}

/// The entry for `elem` in a list of elements or of `[element, ...]` items.
pub fn entry<'a>(list: &'a Value, elem: &Elem) -> Option<&'a Value> {
    let want = elem_to_json(elem);
    let items = list.as_array()?;
    items
        .iter()
        .find(|item| **item == want || item.get(0) == Some(&want))
}

/// Every element a merge body carries, with the field that carries it.
pub fn carried(body: &Value) -> Vec<(Elem, &'static str)> {
    let mut found = Vec::new();
    for field in ADD_FIELDS.iter().chain(&REMOVE_FIELDS) {
        for item in body[*field].as_array().into_iter().flatten() {
            let elem = elem_from_json(item).or_else(|| item.get(0).and_then(elem_from_json));
            found.extend(elem.map(|e| (e, *field)));
        }
    }
    found
}

/// Whether a merge field carries what was removed.
pub fn removing(field: &str) -> bool {
    REMOVE_FIELDS.contains(&field)
}

pub fn facts(body: &Value, elem: &Elem) -> Facts {
    let find = |fields: &[&str]| fields.iter().find_map(|f| entry(&body[*f], elem)).cloned();
    Facts {
        added: find(&ADD_FIELDS),
        removed: find(&REMOVE_FIELDS),
    }
}

/// The OR-Set's tags as the node under test names them, beside the model's: the node may
/// mint any unique strings, so each of its tags is paired with the model's tag for the same add.
#[derive(Clone, Debug, Default)]
pub struct Tags {
    to_node: HashMap<String, String>,
    /// The node's tag: the model's, and the transcript line of the reply that answered it.
    to_model: HashMap<String, (String, usize)>,
}

impl Tags {
    /// Pair the model's tag with the node's (answered on `line`); `Err` with the line of the
    /// earlier reply that answered the same tag.
    pub fn pair(&mut self, model: &str, node: &str, line: usize) -> Result<(), usize> {
        if let Some((_, earlier)) = self.to_model.get(node) {
            return Err(*earlier);
        }
        self.to_node.insert(model.into(), node.into());
        self.to_model.insert(node.into(), (model.into(), line));
        Ok(())
    }

    pub fn to_model(&self, node: &str) -> String {
        self.to_model
            .get(node)
            .map_or_else(|| node.into(), |(m, _)| m.clone())
    }

    /// Rewrite the tags of a merge body (`[[element, [tag, ...]], ...]` lists) into the node's.
    pub fn body_to_node(&self, body: &mut Value) {
        for field in ["live", "tombstones"] {
            let Some(pairs) = body.get_mut(field).and_then(Value::as_array_mut) else {
                continue;
            };
            for tags in pairs.iter_mut().filter_map(|p| p.get_mut(1)) {
                for tag in tags.as_array_mut().into_iter().flatten() {
                    if let Some(theirs) = tag.as_str().and_then(|t| self.to_node.get(t)) {
                        *tag = json!(theirs);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names() -> Vec<String> {
        vec!["n1".into(), "n2".into()]
    }

    fn x() -> Elem {
        Elem::Str("x".into())
    }

    #[test]
    fn a_merge_carries_the_peers_state_and_a_remove_wins_in_a_2p_set() {
        let mut model = Model::new(NodeType::TwoPSet, Protocol::Course, &names());
        assert!(model.apply(&Step::Add(1, x())));
        assert!(model.apply(&Step::Merge { into: 0, from: 1 }));
        assert_eq!(model.read(0), vec![x()]);
        assert!(model.apply(&Step::Remove(1, x())));
        assert!(model.apply(&Step::Merge { into: 0, from: 1 }));
        assert_eq!(model.read(0), vec![]);
        let state = facts(&model.merge_body(0), &x());
        assert_eq!(state.added, Some(json!("x")));
        assert_eq!(state.removed, Some(json!("x")));
    }

    #[test]
    fn steps_that_cannot_be_taken_are_refused() {
        let model = Model::new(NodeType::TwoPSet, Protocol::Course, &names());
        assert!(
            model.request_for(&Step::Remove(0, x())).is_none(),
            "never added"
        );
        assert!(
            model
                .request_for(&Step::Merge { into: 1, from: 1 })
                .is_none()
        );
        assert!(model.request_for(&Step::Read(1)).is_none());
        let gset = Model::new(NodeType::Gset, Protocol::Course, &names());
        assert!(
            gset.request_for(&Step::Remove(0, x())).is_some(),
            "the node is asked"
        );
        assert!(gset.request_for(&Step::Remove(1, x())).is_none());
    }

    #[test]
    fn or_set_facts_find_the_element_in_its_pairs() {
        let mut model = Model::new(NodeType::Orset, Protocol::Course, &names());
        model.apply(&Step::Add(0, x()));
        model.apply(&Step::Remove(0, x()));
        let state = facts(&model.merge_body(0), &x());
        assert_eq!(state.added, None);
        assert_eq!(state.removed, Some(json!(["x", ["n1:1"]])));
    }

    #[test]
    fn tags_are_paired_once_and_rewritten_into_the_nodes_names() {
        let mut tags = Tags::default();
        tags.pair("n1:1", "uuid-a", 3).unwrap();
        assert_eq!(tags.pair("n1:2", "uuid-a", 5), Err(3));
        let mut body =
            json!({"type": "or_set_merge", "live": [["x", ["n1:1", "n2:1"]]], "tombstones": []});
        tags.body_to_node(&mut body);
        assert_eq!(body["live"], json!([["x", ["uuid-a", "n2:1"]]]));
        assert_eq!(tags.to_model("uuid-a"), "n1:1");
        assert_eq!(tags.to_model("n2:1"), "n2:1");
    }
}
