//! A node's replica and the requests each set type answers. Every change goes through the core:
//! `prepare` then `apply` for edits, `merge` for a peer's state rebuilt with `from_fields`. A read
//! answers the sorted elements as JSON written once and kept until the next visible change.

use super::NodeType;
use super::json::{Field, RawJson};
use super::payload::{
    clock_from_json, clock_to_json, stamps_from_json, stamps_to_json, tag_map_from_json,
    tag_map_to_json, tag_to_wire,
};
use super::wire::{Body, Failure, element, elements};
use crate::crdt::{
    Edit, Elem, GSet, Lww, Name, OrSet, OrSetOp, Orswot, OrswotOp, RemoveUnseen, Rules, SetCrdt,
    Stamp, TwoPSet,
};
use std::collections::BTreeSet;

/// A request as a handler sees it.
pub struct Request<'r, 'a> {
    pub name: &'r str,
    pub body: &'r Body<'a>,
    pub src: &'r str,
    /// `elements` for the course, `value` for Maelstrom's own workloads.
    pub read_key: &'static str,
}

/// A successful answer (or a gossip message): its type and payload fields.
#[derive(Clone, Debug, PartialEq)]
pub struct Reply {
    pub kind: &'static str,
    pub fields: Vec<(&'static str, Field)>,
}

fn ok(kind: &'static str) -> Reply {
    Reply {
        kind,
        fields: Vec::new(),
    }
}

/// What serving a request did: its answer, and whether the visible elements may have changed.
type Served = Result<(Reply, bool), Failure>;

/// An LWW replica and the node's Lamport clock, which stamps its adds and removes.
#[derive(Clone, Debug)]
pub struct Stamped {
    set: Lww,
    clock: u64,
    me: Name,
}

impl Stamped {
    /// The next stamp. The clock never wraps: once it cannot go past every time it has seen
    /// (no stamp may reach `u64::MAX`, which nothing could beat), the edit is refused.
    fn tick(&mut self) -> Result<Stamp, Failure> {
        match self.clock.checked_add(1).filter(|t| *t < u64::MAX) {
            Some(next) => {
                self.clock = next;
                Ok(Stamp::lamport(next, &self.me))
            }
            None => Err(Failure::abort(format!(
                "this node's Lamport clock is at {}, so it cannot stamp an edit later than every time it has seen; the edit is refused",
                self.clock
            ))),
        }
    }
}

/// The set this node runs, by type.
#[derive(Clone, Debug)]
enum Set {
    GSet(GSet),
    TwoPSet(TwoPSet),
    Lww(Stamped),
    OrSet(OrSet),
    Orswot(Orswot),
}

impl Set {
    /// The visible elements as a JSON list, borrowed from the state as it is written.
    fn to_json(&self) -> RawJson {
        match self {
            Set::GSet(s) => RawJson::list(s.iter()),
            Set::TwoPSet(s) => RawJson::list(s.iter()),
            Set::Lww(s) => RawJson::list(s.set.iter()),
            Set::OrSet(s) => RawJson::list(s.iter()),
            Set::Orswot(s) => RawJson::list(s.iter()),
        }
    }
}

#[derive(Clone, Debug)]
pub struct Replica {
    set: Set,
    /// The visible elements as a JSON list, while they are unchanged since it was written.
    read: Option<RawJson>,
}

/// Prepare and apply one edit; a refusal changes nothing. Also says whether the visible
/// elements may have changed: the core notes every edit that changes nothing visible.
fn edit<T: SetCrdt>(set: &mut T, edit: Edit, stamp: &Stamp) -> Result<(T::Op, bool), Failure> {
    let prepared = set
        .prepare(&edit, stamp)
        .map_err(|r| Failure::unsupported(r.rule))?;
    set.apply(prepared.op.clone());
    Ok((prepared.op, prepared.note.is_none()))
}

/// Merge a peer's state; whether an element it names changed visibility here. A merge changes
/// only the elements the peer's state names (the ORSWOT's handler also checks its count; the
/// grow-only sets' handlers compare sizes instead, which is cheaper).
fn merge<'a, T: SetCrdt>(set: &mut T, theirs: &T, named: impl Iterator<Item = &'a Elem>) -> bool {
    let named: Vec<(&Elem, bool)> = named.map(|e| (e, set.contains(e))).collect();
    set.merge(theirs);
    named.iter().any(|(e, was)| set.contains(e) != *was)
}

impl Replica {
    pub fn new(kind: NodeType, me: &Name) -> Replica {
        let set = match kind {
            NodeType::Gset => Set::GSet(GSet::new(me)),
            // The course's node tombstones a remove it has not seen added: the client saw the add
            // on another node, and it may arrive here later.
            NodeType::TwoPSet => {
                let mut set = TwoPSet::new(me);
                set.configure(&Rules {
                    remove_unseen: RemoveUnseen::Accept,
                    ..Rules::default()
                });
                Set::TwoPSet(set)
            }
            NodeType::Lww => Set::Lww(Stamped {
                set: Lww::new(me),
                clock: 0,
                me: me.clone(),
            }),
            NodeType::Orset => Set::OrSet(OrSet::new(me)),
            NodeType::Orswot => Set::Orswot(Orswot::new(me)),
        };
        Replica { set, read: None }
    }

    /// The request types this replica answers, for the not-supported error.
    pub fn requests(&self) -> &'static str {
        match self.set {
            Set::GSet(_) => "add, read and merge",
            Set::TwoPSet(_) | Set::Lww(_) => "add, remove, read and merge",
            Set::OrSet(_) | Set::Orswot(_) => {
                "or_set_add, or_set_remove, or_set_read and or_set_merge"
            }
        }
    }

    /// Serve a request; `None` when this type has no such request.
    pub fn handle(&mut self, req: &Request) -> Option<Result<Reply, Failure>> {
        let read = match self.set {
            Set::OrSet(_) | Set::Orswot(_) => "or_set_read",
            _ => "read",
        };
        if req.name == read {
            let reply = Reply {
                kind: if read == "read" {
                    "read_ok"
                } else {
                    "or_set_read_ok"
                },
                fields: vec![(req.read_key, self.read())],
            };
            return Some(Ok(reply));
        }
        let served = match &mut self.set {
            Set::GSet(set) => gset(set, req),
            Set::TwoPSet(set) => two_p_set(set, req),
            Set::Lww(set) => lww(set, req),
            Set::OrSet(set) => tagged(set, req, or_set_tags, merge_or_set),
            Set::Orswot(set) => tagged(set, req, orswot_dots, merge_orswot),
        }?;
        Some(served.map(|(reply, changed)| {
            if changed {
                self.read = None;
            }
            reply
        }))
    }

    /// The sorted elements as JSON: written on the first read after a change, then kept.
    fn read(&mut self) -> Field {
        let Replica { set, read } = self;
        Field::Raw(read.get_or_insert_with(|| set.to_json()).clone())
    }

    /// The whole state as this type's merge message, for gossip.
    pub fn gossip(&self) -> Reply {
        let elems = |set: &BTreeSet<Elem>| Field::Elems(set.iter().cloned().collect());
        let (kind, fields) = match &self.set {
            Set::GSet(set) => ("merge", vec![("elements", elems(set.fields()))]),
            Set::TwoPSet(set) => {
                let (added, removed) = set.fields();
                let fields = vec![("add_set", elems(added)), ("remove_set", elems(removed))];
                ("merge", fields)
            }
            Set::Lww(s) => {
                let (adds, removes) = s.set.fields();
                let fields = vec![
                    ("adds", Field::Json(stamps_to_json(adds))),
                    ("removes", Field::Json(stamps_to_json(removes))),
                ];
                ("merge", fields)
            }
            Set::OrSet(set) => {
                let (live, tombstones) = set.fields();
                let fields = vec![
                    ("live", Field::Json(tag_map_to_json(live))),
                    ("tombstones", Field::Json(tag_map_to_json(tombstones))),
                ];
                ("or_set_merge", fields)
            }
            Set::Orswot(set) => {
                let (entries, clock) = set.fields();
                let fields = vec![
                    ("entries", Field::Json(tag_map_to_json(entries))),
                    ("clock", Field::Json(clock_to_json(clock))),
                ];
                ("or_set_merge", fields)
            }
        };
        Reply { kind, fields }
    }
}

/// The add and remove of the sets whose edits need no stamp (G-Set, 2P-Set).
fn add_or_remove<T: SetCrdt>(set: &mut T, req: &Request) -> Option<Served> {
    let body = req.body;
    Some(match req.name {
        "add" => element(body, "add")
            .and_then(|e| edit(set, Edit::Add(e), &Stamp::default()))
            .map(|(_, changed)| (ok("add_ok"), changed)),
        // A G-Set's remove goes through prepare too, so the core's refusal is what the client reads.
        "remove" => element(body, "remove")
            .and_then(|e| edit(set, Edit::Remove(e), &Stamp::default()))
            .map(|(_, changed)| (ok("remove_ok"), changed)),
        _ => return None,
    })
}

fn gset(set: &mut GSet, req: &Request) -> Option<Served> {
    if req.name != "merge" {
        return add_or_remove(set, req);
    }
    Some(
        elements(&req.body.elements, "merge", "elements").map(|got| {
            let before = set.fields().len();
            set.merge(&GSet::from_fields(in_bulk(got)));
            let new_count = (set.fields().len() - before) as u64;
            let reply = Reply {
                kind: "merge_ok",
                fields: vec![("new_count", Field::Count(new_count))],
            };
            (reply, new_count > 0)
        }),
    )
}

/// Received elements as a set, sorted in place first: the set is then built from one sorted run
/// in a single pass, and a large payload needs no second buffer to be sorted in.
fn in_bulk(mut elems: Vec<Elem>) -> BTreeSet<Elem> {
    elems.sort_unstable();
    elems.dedup();
    elems.into_iter().collect()
}

/// A 2P-Set node is configured to accept a remove of an element it has not seen added (the
/// course's rule), so a remove that arrives before its add is tombstoned and the add has no effect.
fn two_p_set(set: &mut TwoPSet, req: &Request) -> Option<Served> {
    if req.name != "merge" {
        return add_or_remove(set, req);
    }
    let body = req.body;
    Some(
        elements(&body.add_set, "merge", "add_set").and_then(|added| {
            let removed = elements(&body.remove_set, "merge", "remove_set")?;
            let theirs = TwoPSet::from_fields(in_bulk(added), in_bulk(removed));
            // Both sets only grow, so any change shows in their sizes.
            let sizes = |s: &TwoPSet| (s.fields().0.len(), s.fields().1.len());
            let before = sizes(set);
            set.merge(&theirs);
            Ok((ok("merge_ok"), sizes(set) != before))
        }),
    )
}

fn lww(s: &mut Stamped, req: &Request) -> Option<Served> {
    let body = req.body;
    Some(match req.name {
        "add" => element(body, "add").and_then(|e| {
            let stamp = s.tick()?;
            edit(&mut s.set, Edit::Add(e), &stamp).map(|(_, changed)| (ok("add_ok"), changed))
        }),
        "remove" => element(body, "remove").and_then(|e| {
            let stamp = s.tick()?;
            edit(&mut s.set, Edit::Remove(e), &stamp)
                .map(|(_, changed)| (ok("remove_ok"), changed))
        }),
        "merge" => stamps_from_json(body.adds.as_deref(), "merge", "adds").and_then(|adds| {
            let removes = stamps_from_json(body.removes.as_deref(), "merge", "removes")?;
            let latest = adds.values().chain(removes.values()).map(|t| t.time).max();
            if latest == Some(u64::MAX) {
                return Err(Failure::malformed(format!(
                    "merge carries the time {}, which no later stamp could beat; nothing was merged",
                    u64::MAX
                )));
            }
            s.clock = s.clock.max(latest.unwrap_or(0));
            let theirs = Lww::from_fields(adds, removes);
            let (adds, removes) = theirs.fields();
            let changed = merge(&mut s.set, &theirs, adds.keys().chain(removes.keys()));
            Ok((ok("merge_ok"), changed))
        }),
        _ => return None,
    })
}

fn or_set_tags(op: &OrSetOp) -> Vec<String> {
    match op {
        OrSetOp::Add(_, tag) => vec![tag_to_wire(tag)],
        OrSetOp::Remove(_, tags) => tags.iter().map(tag_to_wire).collect(),
    }
}

fn orswot_dots(op: &OrswotOp) -> Vec<String> {
    match op {
        OrswotOp::Add { dot, .. } => vec![tag_to_wire(dot)],
        OrswotOp::Remove(_, dots) => dots.iter().map(tag_to_wire).collect(),
    }
}

fn merge_or_set(set: &mut OrSet, req: &Request) -> Result<bool, Failure> {
    let live = tag_map_from_json(req.body.live.as_deref(), "or_set_merge", "live")?;
    let dead = tag_map_from_json(req.body.tombstones.as_deref(), "or_set_merge", "tombstones")?;
    let theirs = OrSet::from_fields(&req.src.into(), live, dead);
    let (live, dead) = theirs.fields();
    Ok(merge(set, &theirs, live.keys().chain(dead.keys())))
}

/// An ORSWOT merge may also drop elements it does not name (their clock covers my dots), which
/// shows in how many elements there are.
fn merge_orswot(set: &mut Orswot, req: &Request) -> Result<bool, Failure> {
    let entries = tag_map_from_json(req.body.entries.as_deref(), "or_set_merge", "entries")?;
    let clock = clock_from_json(req.body.clock.as_deref(), "or_set_merge")?;
    let theirs = Orswot::from_fields(&req.src.into(), entries, clock);
    let count = set.fields().0.len();
    let named = merge(set, &theirs, theirs.fields().0.keys());
    Ok(named || set.fields().0.len() != count)
}

/// The OR-Set protocol, shared by the OR-Set (tags) and the ORSWOT (dots, shown as tags).
fn tagged<T: SetCrdt>(
    set: &mut T,
    req: &Request,
    tags_of: fn(&T::Op) -> Vec<String>,
    merge: fn(&mut T, &Request) -> Result<bool, Failure>,
) -> Option<Served> {
    let body = req.body;
    Some(match req.name {
        "or_set_add" => element(body, "or_set_add")
            .and_then(|e| edit(set, Edit::Add(e), &Stamp::default()))
            .map(|(op, changed)| {
                let tag = Field::Text(tags_of(&op).concat());
                let reply = Reply {
                    kind: "or_set_add_ok",
                    fields: vec![("tag", tag)],
                };
                (reply, changed)
            }),
        "or_set_remove" => element(body, "or_set_remove")
            .and_then(|e| edit(set, Edit::Remove(e), &Stamp::default()))
            .map(|(op, changed)| {
                let removed = Field::Texts(tags_of(&op));
                let reply = Reply {
                    kind: "or_set_remove_ok",
                    fields: vec![("tags_removed", removed)],
                };
                (reply, changed)
            }),
        "or_set_merge" => merge(set, req).map(|changed| (ok("or_set_merge_ok"), changed)),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::node::wire::Incoming;
    use proptest::prelude::*;

    const WORDS: [&str; 4] = ["\"x\"", "\"y\"", "3", "\"z\""];

    /// One request of a type's protocol, on a universe of four elements, as a JSON line.
    fn line(kind: NodeType, pick: u8, word: usize, n: u64) -> String {
        let e = WORDS[word % WORDS.len()];
        let peer = ["n2", "n3"][(n % 2) as usize];
        let body = match (kind, pick % 3) {
            (NodeType::Orset | NodeType::Orswot, 0) => {
                format!(r#""type":"or_set_add","element":{e}"#)
            }
            (NodeType::Orset | NodeType::Orswot, 1) => {
                format!(r#""type":"or_set_remove","element":{e}"#)
            }
            (NodeType::Orset, _) => format!(
                r#""type":"or_set_merge","live":[[{e},["{peer}:{n}"]]],"tombstones":[[{},["n1:{n}"]]]"#,
                WORDS[(word + 1) % WORDS.len()]
            ),
            (NodeType::Orswot, _) => format!(
                r#""type":"or_set_merge","entries":[[{e},["{peer}:{n}"]]],"clock":{{"{peer}":{n},"n1":{}}}"#,
                n / 2
            ),
            (_, 0) => format!(r#""type":"add","element":{e}"#),
            (_, 1) => format!(r#""type":"remove","element":{e}"#),
            (NodeType::Gset, _) => format!(r#""type":"merge","elements":[{e}]"#),
            (NodeType::Lww, _) => format!(
                r#""type":"merge","adds":[[{e},{n},"{peer}"]],"removes":[[{},{},"{peer}"]]"#,
                WORDS[(word + 1) % WORDS.len()],
                n + 1
            ),
            (NodeType::TwoPSet, _) => format!(
                r#""type":"merge","add_set":[{e}],"remove_set":[{}]"#,
                WORDS[(word + 2) % WORDS.len()]
            ),
        };
        format!(r#"{{"src":"{peer}","dest":"n1","body":{{{body}}}}}"#)
    }

    fn serve(replica: &mut Replica, line: &str) {
        let message = Incoming::parse(line.as_bytes()).expect("a message");
        let Some(crate::node::wire::Loose::Str(kind)) = &message.body.kind else {
            panic!("no type: {line}");
        };
        let request = Request {
            name: kind,
            body: &message.body,
            src: "n2",
            read_key: "elements",
        };
        let _ = replica.handle(&request).expect("a request of this type");
    }

    proptest! {
        /// The JSON a read answers, kept between changes, is always the elements as they are now.
        #[test]
        fn a_kept_read_is_always_the_current_elements(
            kind in prop_oneof![
                Just(NodeType::TwoPSet),
                Just(NodeType::Gset),
                Just(NodeType::Lww),
                Just(NodeType::Orset),
                Just(NodeType::Orswot),
            ],
            steps in proptest::collection::vec((0u8..3, 0usize..4, 1u64..6), 1..30),
        ) {
            let mut replica = Replica::new(kind, &"n1".into());
            for (pick, word, n) in steps {
                serve(&mut replica, &line(kind, pick, word, n));
                let now = Field::Raw(replica.set.to_json());
                prop_assert_eq!(replica.read(), now);
            }
        }
    }
}
