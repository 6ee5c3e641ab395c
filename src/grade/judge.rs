//! Comparing a reply of the node under test with the model's reply to the same line, and naming the rule a difference breaks, with what the node was told about each element.

use super::lines::Said;
use super::model::{Tags, carried, elem_from_json, elem_to_json, facts, read_key, removing, verbs};
use super::verdict::{Check, Failure, Semantic, rule, semantic_rule, set_text, show};
use crate::crdt::Elem;
use crate::node::{NodeType, Protocol};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// How the node was told about an element.
#[derive(Clone, Debug, PartialEq)]
pub enum How {
    Added,
    Removed,
    /// A merge from `from` carried it in `field`.
    Merged {
        from: String,
        field: String,
    },
}

/// What the node under test was told about each element, and which it read, by line.
#[derive(Clone, Debug, Default)]
pub struct Memory {
    told: BTreeMap<Elem, Vec<(usize, How)>>,
    last_read: BTreeMap<Elem, usize>,
}

impl Memory {
    /// Note what a request (sent on transcript line `line`) tells the node.
    pub fn note_request(&mut self, kind: NodeType, line: usize, src: &str, body: &Value) {
        let v = verbs(kind);
        let element = || body.get("element").and_then(elem_from_json);
        match body["type"].as_str() {
            Some(t) if t == v.add => element()
                .into_iter()
                .for_each(|e| self.tell(e, line, How::Added)),
            Some(t) if t == v.remove => element()
                .into_iter()
                .for_each(|e| self.tell(e, line, How::Removed)),
            _ => {
                for (e, field) in carried(body) {
                    let how = How::Merged {
                        from: src.to_string(),
                        field: field.to_string(),
                    };
                    self.tell(e, line, how);
                }
            }
        }
    }

    fn tell(&mut self, elem: Elem, line: usize, how: How) {
        self.told.entry(elem).or_default().push((line, how));
    }

    pub fn note_read(&mut self, line: usize, elems: &BTreeSet<Elem>) {
        for e in elems {
            self.last_read.insert(e.clone(), line);
        }
    }

    fn events(&self, elem: &Elem) -> &[(usize, How)] {
        self.told.get(elem).map_or(&[], Vec::as_slice)
    }

    /// The first time the node was given the element to have.
    fn first_add(&self, elem: &Elem) -> Option<&(usize, How)> {
        self.events(elem).iter().find(|(_, how)| adds(how))
    }

    /// The last time the node was told the element was removed.
    fn last_remove(&self, elem: &Elem) -> Option<&(usize, How)> {
        self.events(elem).iter().rev().find(|(_, how)| !adds(how))
    }
}

fn adds(how: &How) -> bool {
    match how {
        How::Added => true,
        How::Removed => false,
        How::Merged { field, .. } => !removing(field),
    }
}

/// A told event as a phrase: "line 4 (n1's own remove)".
fn told_text(event: &(usize, How)) -> String {
    let (line, how) = event;
    let what = match how {
        How::Added => "an add".to_string(),
        How::Removed => "a remove".to_string(),
        How::Merged { from, field } => format!("the merge from {from} carried it in {field}"),
    };
    format!("line {} ({what})", line + 1)
}

/// Everything a comparison needs.
pub struct Judge<'a> {
    pub kind: NodeType,
    pub protocol: Protocol,
    pub memory: &'a Memory,
    pub tags: &'a mut Tags,
    /// Tags minted by the replicas the grader plays.
    pub foreign_tags: &'a BTreeSet<String>,
    /// The model's state of the node after the request.
    pub state: &'a Value,
    /// The transcript line of the reply.
    pub at: usize,
}

impl Judge<'_> {
    /// Compare the node's reply to a request with the model's `expected` reply body.
    pub fn reply(&mut self, request: &Value, expected: &Value, got: &Said) -> Vec<Failure> {
        let (want, kind) = (expected["type"].as_str().unwrap_or(""), got.kind());
        let asked = request["type"].as_str().unwrap_or("request");
        let fail =
            |check, rule: &str, detail: String| vec![Failure::new(check, rule, detail).at(self.at)];
        if want == "error" {
            return self.error(request, expected, got);
        }
        if kind == "error" {
            let code = &got.body["code"];
            return fail(
                Check::Protocol,
                rule::REPLY_TYPE,
                format!(
                    "n1 answered error {code} to the {asked}, which it should accept; the reply is {want}"
                ),
            );
        }
        if kind != want {
            return fail(
                Check::Protocol,
                rule::REPLY_TYPE,
                format!("n1 answered {kind:?} to the {asked}; the reply to {asked} is {want:?}"),
            );
        }
        match want {
            "read_ok" | "or_set_read_ok" => self.read(expected, got),
            "merge_ok" if self.kind == NodeType::Gset => self.new_count(expected, got),
            "or_set_add_ok" => self.tag(expected, got),
            "or_set_remove_ok" => self.tags_removed(request, expected, got),
            _ => Vec::new(),
        }
    }

    fn fail(&self, check: Check, rule: impl Into<String>, detail: String) -> Vec<Failure> {
        vec![Failure::new(check, rule, detail).at(self.at)]
    }

    fn semantic(&self, which: Semantic, detail: String) -> Vec<Failure> {
        self.fail(Check::Semantics, semantic_rule(self.kind, which), detail)
    }

    fn error(&self, request: &Value, expected: &Value, got: &Said) -> Vec<Failure> {
        let code = &expected["code"];
        let asked = request["type"].as_str().unwrap_or("request");
        match got.kind() {
            "error" if got.body.get("code") == Some(code) => Vec::new(),
            "error" => self.fail(Check::Protocol, rule::ERROR_CODE, format!(
                "this {asked} gets error {code} ({}), but n1 answered error {}",
                code_name(code.as_u64()),
                got.body.get("code").unwrap_or(&Value::Null)
            )),
            other if self.kind == NodeType::Gset && asked == "remove" => self.semantic(
                Semantic::NoRemove,
                format!("n1 answered {other:?} to a remove; a G-Set has no remove, so it answers error 10"),
            ),
            other => self.fail(Check::Protocol, rule::ERROR_CODE, format!(
                "this {asked} gets error {code} ({}), but n1 answered {other:?}",
                code_name(code.as_u64())
            )),
        }
    }

    fn read(&mut self, expected: &Value, got: &Said) -> Vec<Failure> {
        let (set, problems) = read_elements(self.protocol, got);
        let Some(set) = set else {
            let failures = problems.into_iter();
            return failures
                .map(|(rule, detail)| Failure::new(Check::Protocol, rule, detail).at(self.at))
                .collect();
        };
        // An unsorted read is about its elements: the shrinker keeps the steps that add them.
        let mut failures: Vec<Failure> = problems
            .into_iter()
            .map(|(rule, detail)| {
                let failure = Failure::new(Check::Protocol, rule, detail).at(self.at);
                set.iter().fold(failure, Failure::about)
            })
            .collect();
        let want: BTreeSet<Elem> = expected[read_key(self.protocol)]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(elem_from_json)
            .collect();
        failures.extend(self.compare_sets(&want, &set));
        failures
    }

    /// The first element the node has that it should not, then the first it lacks, named by rule.
    fn compare_sets(&self, want: &BTreeSet<Elem>, got: &BTreeSet<Elem>) -> Vec<Failure> {
        let read = format!("n1's read (line {}) is {}", self.at + 1, set_text(got));
        let should = format!("it should be {}", set_text(want));
        if let Some(e) = got.difference(want).next() {
            let found = self.extra(e, &format!("{read}; {should}"));
            return found.into_iter().map(|f| f.about(e)).collect();
        }
        if let Some(e) = want.difference(got).next() {
            let found = self.missing(e, &format!("{read}; {should}"));
            return found.into_iter().map(|f| f.about(e)).collect();
        }
        Vec::new()
    }

    /// The node reads `e`, which the model does not.
    fn extra(&self, e: &Elem, read: &str) -> Vec<Failure> {
        let s = show(e);
        let Some(added) = self.memory.first_add(e) else {
            return self.fail(
                Check::SetFull,
                rule::NEVER_ADDED,
                format!(
                    "nothing ever gave n1 {s}: no add of it and no merge that carried it. {read}"
                ),
            );
        };
        let removed = self.memory.last_remove(e);
        let detail = match (self.kind, removed) {
            (NodeType::Lww, _) => format!("{s} is out: {}. {read}", self.stamps(e)),
            (NodeType::TwoPSet, Some(r)) => format!(
                "{s} has been in n1's remove-set since {}, so it never comes back. {read}",
                told_text(r)
            ),
            (_, Some(r)) => format!(
                "every tag of {s} that n1 had seen was removed, last at {}, and no add of {s} came after. {read}",
                told_text(r)
            ),
            (_, None) => format!(
                "{s} was given to n1 at {} and later removed. {read}",
                told_text(added)
            ),
        };
        self.semantic(Semantic::RemovedStaysOut, detail)
    }

    /// The node lacks `e`, which the model reads.
    fn missing(&self, e: &Elem, read: &str) -> Vec<Failure> {
        let s = show(e);
        let added = self.memory.first_add(e).map(told_text).unwrap_or_default();
        let removed = self.memory.last_remove(e);
        match (self.kind, removed) {
            (NodeType::Gset, _) if self.memory.last_read.contains_key(e) => self.semantic(
                Semantic::OnlyGrows,
                format!(
                    "n1 read {s} at line {}, and a G-Set never loses an element. {read}",
                    self.memory.last_read[e] + 1
                ),
            ),
            (NodeType::Lww, Some(_)) => self.semantic(
                Semantic::AddWins,
                format!("{s} is in: {}. {read}", self.stamps(e)),
            ),
            (NodeType::Orset | NodeType::Orswot, Some(r)) => self.semantic(
                Semantic::AddWins,
                format!(
                    "the remove at {} took out only the tags it had observed, and {s} still has a \
                     tag that no remove observed (given at {added}), so {s} stays. {read}",
                    told_text(r)
                ),
            ),
            _ => self.fail(
                Check::SetFull,
                rule::LOST_ADD,
                format!("n1 was given {s} at {added} and nothing removed it. {read}"),
            ),
        }
    }

    /// An LWW element's latest add and remove stamps, from the model's state.
    fn stamps(&self, e: &Elem) -> String {
        let state = facts(self.state, e);
        let stamp = |entry: Option<Value>| match entry.as_ref().and_then(Value::as_array) {
            Some(t) if t.len() >= 2 => format!(
                "@{} by {}",
                t[1],
                t.get(2).and_then(Value::as_str).unwrap_or("?")
            ),
            _ => "none".into(),
        };
        format!(
            "its latest add is {} and its latest remove {}",
            stamp(state.added),
            stamp(state.removed)
        )
    }

    fn new_count(&self, expected: &Value, got: &Said) -> Vec<Failure> {
        match got.body.get("new_count") {
            Some(n) if n == &expected["new_count"] => Vec::new(),
            Some(n) => self.semantic(
                Semantic::NewCount,
                format!(
                    "{} of the merged elements were new to n1, but its merge_ok says new_count {n}",
                    expected["new_count"]
                ),
            ),
            None => self.fail(
                Check::Protocol,
                rule::PAYLOAD,
                "a G-Set's merge_ok carries new_count".into(),
            ),
        }
    }

    fn tag(&mut self, expected: &Value, got: &Said) -> Vec<Failure> {
        let want = expected["tag"].as_str().unwrap_or("");
        let Some(tag) = got.body.get("tag").and_then(Value::as_str) else {
            return self.fail(
                Check::Protocol,
                rule::PAYLOAD,
                "or_set_add_ok carries the new tag, a string".into(),
            );
        };
        if self.kind == NodeType::Orswot && tag != want {
            return self.fail(Check::Protocol, rule::PAYLOAD, format!(
                "an ORSWOT dot is the node id, a colon and the node's counter from 1: this add's \
                 dot is {want}, but n1 answered {tag}"
            ));
        }
        let clash = if self.foreign_tags.contains(tag) {
            Some("a tag another replica minted".to_string())
        } else {
            let earlier = self.tags.pair(want, tag, self.at).err();
            earlier.map(|line| {
                format!(
                    "the tag n1 answered for an earlier add, at line {}",
                    line + 1
                )
            })
        };
        match clash {
            Some(what) => self.semantic(
                Semantic::FreshTag,
                format!("n1 answered the tag {tag}, which is {what}"),
            ),
            None => Vec::new(),
        }
    }

    fn tags_removed(&self, request: &Value, expected: &Value, got: &Said) -> Vec<Failure> {
        let Some(list) = got.body.get("tags_removed").and_then(Value::as_array) else {
            return self.fail(
                Check::Protocol,
                rule::PAYLOAD,
                "or_set_remove_ok carries tags_removed, a list of tags".into(),
            );
        };
        let Some(tags) = list
            .iter()
            .map(Value::as_str)
            .collect::<Option<Vec<&str>>>()
        else {
            return self.fail(
                Check::Protocol,
                rule::PAYLOAD,
                "tags_removed is a list of strings".into(),
            );
        };
        let got_set: BTreeSet<String> = tags.iter().map(|t| self.tags.to_model(t)).collect();
        let want: BTreeSet<String> = expected["tags_removed"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|t| t.as_str().map(String::from))
            .collect();
        if got_set == want {
            return Vec::new();
        }
        let e = request.get("element").and_then(elem_from_json);
        let name = e.as_ref().map_or("the element".into(), show);
        let failures = self.semantic(Semantic::ObservedTags, format!(
            "n1 had observed {} live tag(s) of {name} (the model's {}), so its remove takes out \
             exactly those; it answered tags_removed {}",
            want.len(),
            list_text(&want.iter().collect::<Vec<_>>()),
            Value::Array(list.clone())
        ));
        failures
            .into_iter()
            .map(|f| match &e {
                Some(e) => f.about(e),
                None => f,
            })
            .collect()
    }
}

/// The elements of a read's reply, and what is wrong with its form (as protocol rules and
/// details). `None` when the elements cannot be read at all; a course reply whose elements are
/// not sorted is read, and also named.
pub fn read_elements(
    protocol: Protocol,
    got: &Said,
) -> (Option<BTreeSet<Elem>>, Vec<(&'static str, String)>) {
    let key = read_key(protocol);
    let Some(list) = got.body.get(key).and_then(Value::as_array) else {
        let other = if key == "elements" {
            "value"
        } else {
            "elements"
        };
        let hint = if got.body.contains_key(other) {
            format!(" (it has {other}: that is the other protocol's field; see --protocol)")
        } else {
            String::new()
        };
        let detail = format!(
            "{} carries the elements as a list in {key}{hint}",
            got.kind()
        );
        return (None, vec![(rule::PAYLOAD, detail)]);
    };
    let shown = Value::Array(list.clone());
    let Some(elems) = list
        .iter()
        .map(elem_from_json)
        .collect::<Option<Vec<Elem>>>()
    else {
        let detail = format!("elements are strings or integers, but the {key} is {shown}");
        return (None, vec![(rule::PAYLOAD, detail)]);
    };
    let set: BTreeSet<Elem> = elems.iter().cloned().collect();
    if set.len() < elems.len() {
        let detail = format!("a read lists each element once, but the {key} is {shown}");
        return (None, vec![(rule::PAYLOAD, detail)]);
    }
    let mut problems = Vec::new();
    if protocol == Protocol::Course && !elems.iter().is_sorted() {
        let sorted = Value::Array(set.iter().map(elem_to_json).collect());
        problems.push((
            rule::BYTES,
            format!(
                "the course compares bytes, so a read's elements come sorted (numbers first, \
                 then strings): {sorted} rather than {shown}"
            ),
        ));
    }
    (Some(set), problems)
}

fn list_text<T: std::fmt::Display>(items: &[T]) -> String {
    let words: Vec<String> = items.iter().map(|i| i.to_string()).collect();
    format!("[{}]", words.join(", "))
}

/// The name Maelstrom gives an error code.
pub fn code_name(code: Option<u64>) -> &'static str {
    match code {
        Some(10) => "not-supported",
        Some(11) => "temporarily-unavailable",
        Some(12) => "malformed-request",
        Some(13) => "crash",
        Some(14) => "abort",
        _ => "unknown",
    }
}
