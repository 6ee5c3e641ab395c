//! The five checks, a failure (its check, the rule it breaks, the sentence with the real values), and the transcript lines a failure points at.

use crate::crdt::Elem;
use crate::node::NodeType;
use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Check {
    Protocol,
    Semantics,
    SetFull,
    Convergence,
    Liveness,
}

impl Check {
    pub const ALL: [Check; 5] = [
        Check::Protocol,
        Check::Semantics,
        Check::SetFull,
        Check::Convergence,
        Check::Liveness,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Check::Protocol => "protocol",
            Check::Semantics => "semantics",
            Check::SetFull => "set-full",
            Check::Convergence => "convergence",
            Check::Liveness => "liveness",
        }
    }

    /// What the check asks, in one line.
    pub fn about(self) -> &'static str {
        match self {
            Check::Protocol => {
                "JSON lines, msg_id and in_reply_to, the course's types, fields and bytes"
            }
            Check::Semantics => "every reply is what the type allows",
            Check::SetFull => {
                "every acknowledged add is read; nothing is read that was never added"
            }
            Check::Convergence => "after the heal, every node reads the same set in time",
            Check::Liveness => "every request is answered in time; no node exits",
        }
    }
}

/// The rules, as the report names them. Semantic rules start with the type's title.
pub mod rule {
    pub const NOT_A_MESSAGE: &str = "every line is one JSON message with src, dest and body";
    pub const MSG_ID: &str =
        "msg_id starts at 0 and goes up by one with every message a node sends";
    pub const IN_REPLY_TO: &str = "a reply carries in_reply_to: the msg_id of its request";
    pub const ADDRESS: &str = "a reply goes from the node's own id to whoever asked";
    pub const REPLY_TYPE: &str = "each request has its own reply type";
    pub const PAYLOAD: &str = "a reply carries the course's fields";
    pub const BYTES: &str = "the course compares bytes";
    pub const ERROR_CODE: &str = "errors use the right codes";
    pub const UNASKED: &str = "a node sends only replies and its merge messages";
    pub const GOSSIP: &str = "nodes gossip with the type's own merge message";
    pub const NEVER_ADDED: &str = "nothing is read that was never added";
    pub const LOST_ADD: &str = "every acknowledged add is read, unless a remove explains it";
    pub const DIVERGED: &str =
        "after the heal, every node reads the same set within the time limit";
    pub const NO_ANSWER: &str = "every request is answered within the time limit";
    pub const EXITED: &str = "a node runs until its input ends";
}

/// The type's name as the lab writes it.
pub fn title(kind: NodeType) -> &'static str {
    match kind {
        NodeType::TwoPSet => "2P-Set",
        NodeType::Gset => "G-Set",
        NodeType::Lww => "LWW-Element-Set",
        NodeType::Orset => "OR-Set",
        NodeType::Orswot => "ORSWOT",
    }
}

/// The semantic rules of each type.
pub fn semantic_rule(kind: NodeType, which: Semantic) -> String {
    let rule = match which {
        Semantic::RemovedStaysOut => match kind {
            NodeType::TwoPSet => "a removed element never returns",
            NodeType::Lww => "the latest timestamp wins",
            NodeType::Gset => "an element is never taken out",
            _ => "a remove takes out the tags it has observed, for good",
        },
        Semantic::AddWins => match kind {
            NodeType::Lww => "the latest timestamp wins",
            _ => "an add wins over a concurrent remove",
        },
        Semantic::OnlyGrows => "only grows",
        Semantic::NoRemove => "remove is refused with error 10 (not-supported)",
        Semantic::NewCount => "merge_ok counts the elements that were new here",
        Semantic::FreshTag => "every add mints a fresh tag",
        Semantic::ObservedTags => "a remove takes out exactly the tags it has observed",
    };
    format!("{}: {rule}", title(kind))
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Semantic {
    RemovedStaysOut,
    AddWins,
    OnlyGrows,
    NoRemove,
    NewCount,
    FreshTag,
    ObservedTags,
}

/// One failed check.
#[derive(Clone, Debug, PartialEq)]
pub struct Failure {
    pub check: Check,
    pub rule: String,
    /// What happened, with the real values and the numbers of the lines that show it.
    pub detail: String,
    /// The transcript line (from 0) that shows it.
    pub line: Option<usize>,
    /// The elements it is about, if any.
    pub elems: Vec<Elem>,
}

impl Failure {
    pub fn new(check: Check, rule: impl Into<String>, detail: impl Into<String>) -> Failure {
        Failure {
            check,
            rule: rule.into(),
            detail: detail.into(),
            line: None,
            elems: Vec::new(),
        }
    }

    pub fn at(mut self, line: usize) -> Failure {
        self.line = Some(line);
        self
    }

    pub fn about(mut self, elem: &Elem) -> Failure {
        self.elems.push(elem.clone());
        self
    }

    /// What makes two failures the same: their check and rule.
    pub fn same_as(&self, other: &Failure) -> bool {
        self.check == other.check && self.rule == other.rule
    }
}

/// One line of a run, as the node saw it: sent to it, or written by it.
#[derive(Clone, Debug, PartialEq)]
pub struct Line {
    pub node: String,
    pub sent: bool,
    pub text: String,
}

impl fmt::Display for Line {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let arrow = if self.sent { "->" } else { "<-" };
        write!(f, "{arrow} {:<3} {}", self.node, self.text)
    }
}

/// Failures keep the first of each check.
#[derive(Clone, Debug, Default)]
pub struct Failures(Vec<Failure>);

impl Failures {
    /// Keep `failure` unless its check already failed. Returns whether it was kept.
    pub fn push(&mut self, failure: Failure) -> bool {
        let new = !self.has(failure.check);
        if new {
            self.0.push(failure);
        }
        new
    }

    pub fn has(&self, check: Check) -> bool {
        self.0.iter().any(|f| f.check == check)
    }

    pub fn all(&self) -> &[Failure] {
        &self.0
    }

    pub fn into_vec(self) -> Vec<Failure> {
        self.0
    }
}

/// A set as the lab writes it: `{1, apple, x}`.
pub fn set_text<'a>(elems: impl IntoIterator<Item = &'a Elem>) -> String {
    let words: Vec<String> = elems.into_iter().map(show).collect();
    format!("{{{}}}", words.join(", "))
}

/// An element as the lab writes it (`x`, `5`), but quoted when it is a string that would read
/// as a number (`"5"`), so that `5` and `"5"` never look the same.
pub fn show(elem: &Elem) -> String {
    match elem {
        Elem::Str(s) if Elem::parse(s) != *elem => format!("{s:?}"),
        _ => elem.to_string(),
    }
}
