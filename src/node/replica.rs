//! A node's replica and the requests each set type answers. Every change goes through the core:
//! `prepare` then `apply` for edits, `merge` for a peer's state rebuilt from the message.

use super::NodeType;
use super::json::Field;
use super::payload::{
    clock_from_json, clock_to_json, stamps_from_json, stamps_to_json, tag_map_from_json,
    tag_map_to_json, tag_to_wire,
};
use super::wire::{Body, Failure, element, elements};
use crate::crdt::{
    Edit, Elem, GSet, GSetOp, Lww, Name, OrSet, OrSetOp, Orswot, OrswotOp, SetCrdt, Stamp, TwoPSet,
    TwoPSetOp,
};

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

fn read_ok(kind: &'static str, req: &Request, elems: Vec<Elem>) -> Reply {
    Reply {
        kind,
        fields: vec![(req.read_key, Field::Elems(elems))],
    }
}

/// An LWW replica and the node's Lamport clock, which stamps its adds and removes.
#[derive(Clone, Debug)]
pub struct Stamped {
    set: Lww,
    clock: u64,
    me: Name,
}

impl Stamped {
    fn tick(&mut self) -> Stamp {
        self.clock += 1;
        Stamp::lamport(self.clock, &self.me)
    }
}

#[derive(Clone, Debug)]
pub enum Replica {
    GSet(GSet),
    TwoPSet(TwoPSet),
    Lww(Stamped),
    OrSet(OrSet),
    Orswot(Orswot),
}

/// Prepare and apply one edit; a refusal changes nothing.
fn edit<T: SetCrdt>(set: &mut T, edit: Edit, stamp: &Stamp) -> Result<T::Op, Failure> {
    let prepared = set
        .prepare(&edit, stamp)
        .map_err(|r| Failure::unsupported(r.rule))?;
    set.apply(prepared.op.clone());
    Ok(prepared.op)
}

impl Replica {
    pub fn new(kind: NodeType, me: &Name) -> Replica {
        match kind {
            NodeType::Gset => Replica::GSet(GSet::new(me)),
            NodeType::TwoPSet => Replica::TwoPSet(TwoPSet::new(me)),
            NodeType::Lww => Replica::Lww(Stamped {
                set: Lww::new(me),
                clock: 0,
                me: me.clone(),
            }),
            NodeType::Orset => Replica::OrSet(OrSet::new(me)),
            NodeType::Orswot => Replica::Orswot(Orswot::new(me)),
        }
    }

    /// The request types this replica answers, for the not-supported error.
    pub fn requests(&self) -> &'static str {
        match self {
            Replica::GSet(_) => "add, read and merge",
            Replica::TwoPSet(_) | Replica::Lww(_) => "add, remove, read and merge",
            Replica::OrSet(_) | Replica::Orswot(_) => {
                "or_set_add, or_set_remove, or_set_read and or_set_merge"
            }
        }
    }

    /// Serve a request; `None` when this type has no such request.
    pub fn handle(&mut self, req: &Request) -> Option<Result<Reply, Failure>> {
        match self {
            Replica::GSet(set) => gset(set, req),
            Replica::TwoPSet(set) => two_p_set(set, req),
            Replica::Lww(set) => lww(set, req),
            Replica::OrSet(set) => tagged(set, req, or_set_tags, merge_or_set),
            Replica::Orswot(set) => tagged(set, req, orswot_dots, merge_orswot),
        }
    }

    /// The whole state as this type's merge message, for gossip.
    pub fn gossip(&self) -> Reply {
        let elems =
            |set: &std::collections::BTreeSet<Elem>| Field::Elems(set.iter().cloned().collect());
        let (kind, fields) = match self {
            Replica::GSet(set) => ("merge", vec![("elements", elems(&set.elements))]),
            Replica::TwoPSet(set) => (
                "merge",
                vec![
                    ("add_set", elems(&set.added)),
                    ("remove_set", elems(&set.removed)),
                ],
            ),
            Replica::Lww(s) => (
                "merge",
                vec![
                    ("adds", Field::Json(stamps_to_json(&s.set.adds))),
                    ("removes", Field::Json(stamps_to_json(&s.set.removes))),
                ],
            ),
            Replica::OrSet(set) => (
                "or_set_merge",
                vec![
                    ("live", Field::Json(tag_map_to_json(&set.live))),
                    ("tombstones", Field::Json(tag_map_to_json(&set.tombstones))),
                ],
            ),
            Replica::Orswot(set) => (
                "or_set_merge",
                vec![
                    ("entries", Field::Json(tag_map_to_json(&set.entries))),
                    ("clock", Field::Json(clock_to_json(&set.clock))),
                ],
            ),
        };
        Reply { kind, fields }
    }
}

fn gset(set: &mut GSet, req: &Request) -> Option<Result<Reply, Failure>> {
    let body = req.body;
    Some(match req.name {
        // An add is never refused (its only note is for the lab), so it goes straight to apply.
        "add" => element(body, "add").map(|e| {
            set.apply(GSetOp(e));
            ok("add_ok")
        }),
        // A remove goes through prepare, so the core's refusal is what the client reads.
        "remove" => element(body, "remove")
            .and_then(|e| edit(set, Edit::Remove(e), &Stamp::default()))
            .map(|_| ok("remove_ok")),
        "read" => Ok(read_ok("read_ok", req, set.elements())),
        "merge" => elements(&body.elements, "merge", "elements").map(|got| {
            let before = set.elements.len();
            set.merge(&GSet {
                elements: got.into_iter().collect(),
            });
            let new_count = (set.elements.len() - before) as u64;
            Reply {
                kind: "merge_ok",
                fields: vec![("new_count", Field::Count(new_count))],
            }
        }),
        _ => return None,
    })
}

/// A 2P-Set node applies every add and remove as the course's hints say: an add goes into
/// the add-set, a remove into the remove-set, even for an element this node has not seen added
/// (the core's `prepare` would refuse that remove, since a lab replica must have seen the add;
/// here the client saw it on another node). `prepare` is skipped because its only other output
/// is a note for the lab, which a node has nowhere to show.
fn two_p_set(set: &mut TwoPSet, req: &Request) -> Option<Result<Reply, Failure>> {
    let body = req.body;
    Some(match req.name {
        "add" => element(body, "add").map(|e| {
            set.apply(TwoPSetOp::Add(e));
            ok("add_ok")
        }),
        "remove" => element(body, "remove").map(|e| {
            set.apply(TwoPSetOp::Remove(e));
            ok("remove_ok")
        }),
        "read" => Ok(read_ok("read_ok", req, set.elements())),
        "merge" => elements(&body.add_set, "merge", "add_set").and_then(|added| {
            let removed = elements(&body.remove_set, "merge", "remove_set")?;
            let theirs = TwoPSet {
                added: added.into_iter().collect(),
                removed: removed.into_iter().collect(),
                ..TwoPSet::default()
            };
            set.merge(&theirs);
            Ok(ok("merge_ok"))
        }),
        _ => return None,
    })
}

fn lww(s: &mut Stamped, req: &Request) -> Option<Result<Reply, Failure>> {
    let body = req.body;
    Some(match req.name {
        "add" => element(body, "add").and_then(|e| {
            let stamp = s.tick();
            edit(&mut s.set, Edit::Add(e), &stamp).map(|_| ok("add_ok"))
        }),
        "remove" => element(body, "remove").and_then(|e| {
            let stamp = s.tick();
            edit(&mut s.set, Edit::Remove(e), &stamp).map(|_| ok("remove_ok"))
        }),
        "read" => Ok(read_ok("read_ok", req, s.set.elements())),
        "merge" => stamps_from_json(body.adds.as_deref(), "merge", "adds").and_then(|adds| {
            let removes = stamps_from_json(body.removes.as_deref(), "merge", "removes")?;
            let latest = adds.values().chain(removes.values()).map(|t| t.time).max();
            s.clock = s.clock.max(latest.unwrap_or(0));
            s.set.merge(&Lww {
                adds,
                removes,
                ..Lww::default()
            });
            Ok(ok("merge_ok"))
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

fn merge_or_set(set: &mut OrSet, req: &Request) -> Result<(), Failure> {
    let live = tag_map_from_json(req.body.live.as_deref(), "or_set_merge", "live")?;
    let dead = tag_map_from_json(req.body.tombstones.as_deref(), "or_set_merge", "tombstones")?;
    set.merge(&OrSet::from_fields(&req.src.into(), live, dead));
    Ok(())
}

fn merge_orswot(set: &mut Orswot, req: &Request) -> Result<(), Failure> {
    let entries = tag_map_from_json(req.body.entries.as_deref(), "or_set_merge", "entries")?;
    let clock = clock_from_json(req.body.clock.as_deref(), "or_set_merge")?;
    set.merge(&Orswot::from_fields(&req.src.into(), clock, entries));
    Ok(())
}

/// The OR-Set protocol, shared by the OR-Set (tags) and the ORSWOT (dots, shown as tags).
fn tagged<T: SetCrdt>(
    set: &mut T,
    req: &Request,
    tags_of: fn(&T::Op) -> Vec<String>,
    merge: fn(&mut T, &Request) -> Result<(), Failure>,
) -> Option<Result<Reply, Failure>> {
    let body = req.body;
    Some(match req.name {
        "or_set_add" => element(body, "or_set_add")
            .and_then(|e| edit(set, Edit::Add(e), &Stamp::default()))
            .map(|op| {
                let tag = Field::Text(tags_of(&op).concat());
                Reply {
                    kind: "or_set_add_ok",
                    fields: vec![("tag", tag)],
                }
            }),
        "or_set_remove" => element(body, "or_set_remove")
            .and_then(|e| edit(set, Edit::Remove(e), &Stamp::default()))
            .map(|op| {
                let removed = Field::Texts(tags_of(&op));
                Reply {
                    kind: "or_set_remove_ok",
                    fields: vec![("tags_removed", removed)],
                }
            }),
        "or_set_read" => Ok(read_ok("or_set_read_ok", req, set.elements())),
        "or_set_merge" => merge(set, req).map(|()| ok("or_set_merge_ok")),
        _ => return None,
    })
}
