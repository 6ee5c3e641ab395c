//! The values the core is made of: replica names, elements, tags (and dots), LWW timestamps,
//! and the edits a user asks for.

use serde::Serialize;
use std::fmt;
use std::sync::Arc;

/// A replica's name inside the core (cheap to clone: tags and stamps carry it).
pub type Name = Arc<str>;

/// An element of a set. Integers sort before strings, numerically, so `{2, 10, x}` reads well.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Elem {
    Int(i64),
    Str(Arc<str>),
}

impl Ord for Elem {
    /// Integers first, by value; then strings, by their text. A lab keeps each string element
    /// once and replicas share it, so two that are the same copy are equal without reading it.
    fn cmp(&self, other: &Elem) -> std::cmp::Ordering {
        match (self, other) {
            (Elem::Int(a), Elem::Int(b)) => a.cmp(b),
            (Elem::Int(_), Elem::Str(_)) => std::cmp::Ordering::Less,
            (Elem::Str(_), Elem::Int(_)) => std::cmp::Ordering::Greater,
            (Elem::Str(a), Elem::Str(b)) if Arc::ptr_eq(a, b) => std::cmp::Ordering::Equal,
            (Elem::Str(a), Elem::Str(b)) => a.cmp(b),
        }
    }
}

impl PartialOrd for Elem {
    fn partial_cmp(&self, other: &Elem) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Elem {
    /// A word typed by a user: a plain integer becomes a number, anything else a string.
    pub fn parse(word: &str) -> Elem {
        match word.parse::<i64>() {
            Ok(n) if n.to_string() == word => Elem::Int(n),
            _ => Elem::Str(word.into()),
        }
    }
}

impl fmt::Display for Elem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Elem::Int(n) => write!(f, "{n}"),
            Elem::Str(s) => write!(f, "{s}"),
        }
    }
}

impl Serialize for Elem {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Elem::Int(n) => s.serialize_i64(*n),
            Elem::Str(text) => s.serialize_str(text),
        }
    }
}

/// A unique tag (OR-Set) or dot (ORSWOT): the lowercase replica name and that replica's
/// counter, from 1. Shown as `a1`, `b1`, `alice3`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Tag {
    pub replica: Name,
    pub n: u64,
}

impl Tag {
    pub fn new(replica: &Name, n: u64) -> Tag {
        Tag {
            replica: replica.clone(),
            n,
        }
    }
}

impl fmt::Display for Tag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.replica.to_lowercase(), self.n)
    }
}

/// How a timestamp is shown: a plain number, or a wall-clock time of day.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub enum StampStyle {
    #[default]
    Plain,
    Clock,
}

/// An LWW timestamp. Lamport stamps carry the replica that made them (`by`), which breaks a
/// tie between replicas; explicit and wall-clock stamps do not, so a tie goes to the tie-break.
#[derive(Clone, Debug, Default)]
pub struct Stamp {
    pub time: u64,
    pub by: Option<Name>,
    pub style: StampStyle,
}

impl Stamp {
    pub fn at(time: u64) -> Stamp {
        Stamp {
            time,
            ..Stamp::default()
        }
    }
    pub fn lamport(time: u64, by: &Name) -> Stamp {
        Stamp {
            time,
            by: Some(by.clone()),
            style: StampStyle::Plain,
        }
    }
    pub fn clock(seconds: u64) -> Stamp {
        Stamp {
            time: seconds,
            by: None,
            style: StampStyle::Clock,
        }
    }
}

impl PartialEq for Stamp {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other).is_eq()
    }
}
impl Eq for Stamp {}
impl PartialOrd for Stamp {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Stamp {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.time, &self.by).cmp(&(other.time, &other.by))
    }
}

impl fmt::Display for Stamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.style, &self.by) {
            (StampStyle::Clock, _) => write!(f, "{}", hms(self.time)),
            (StampStyle::Plain, Some(by)) => write!(f, "{}@{by}", self.time),
            (StampStyle::Plain, None) => write!(f, "{}", self.time),
        }
    }
}

/// Seconds since midnight as `hh:mm:ss`.
pub fn hms(seconds: u64) -> String {
    let (h, m, s) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    format!("{h:02}:{m:02}:{s:02}")
}

/// What a user asks a replica to do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Edit {
    Add(Elem),
    Remove(Elem),
}

/// The op of the sets whose ops carry only the element (naive, 2P-Set).
#[derive(Clone, Debug, PartialEq)]
pub enum ElemOp {
    Add(Elem),
    Remove(Elem),
}

impl fmt::Display for ElemOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ElemOp::Add(e) => write!(f, "add {e}"),
            ElemOp::Remove(e) => write!(f, "remove {e}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_sort_before_strings_and_numerically() {
        let mut v: Vec<Elem> = ["x", "10", "2", "apple", "-1"]
            .iter()
            .map(|w| Elem::parse(w))
            .collect();
        v.sort();
        let shown: Vec<String> = v.iter().map(Elem::to_string).collect();
        assert_eq!(shown, ["-1", "2", "10", "apple", "x"]);
        assert_eq!(Elem::parse("007"), Elem::Str("007".into()));
    }

    proptest::proptest! {
        /// Elements order as their words do (integers by value first, then strings by text),
        /// whether two strings are one shared copy or two.
        #[test]
        fn shared_and_separate_copies_order_alike(a in "-?[0-9]{1,3}|[a-c0-9]{1,3}", b in "-?[0-9]{1,3}|[a-c0-9]{1,3}") {
            let (x, y) = (Elem::parse(&a), Elem::parse(&b));
            let key = |e: &Elem| match e {
                Elem::Int(n) => (0, *n, String::new()),
                Elem::Str(s) => (1, 0, s.to_string()),
            };
            proptest::prop_assert_eq!(x.cmp(&y), key(&x).cmp(&key(&y)));
            proptest::prop_assert_eq!(x.cmp(&y) == std::cmp::Ordering::Equal, x == y);
            let shared = x.clone();
            proptest::prop_assert_eq!(x.cmp(&shared), std::cmp::Ordering::Equal);
        }
    }

    #[test]
    fn tags_show_lowercase_name_and_counter() {
        assert_eq!(Tag::new(&"A".into(), 1).to_string(), "a1");
        assert_eq!(Tag::new(&"Alice".into(), 12).to_string(), "alice12");
    }

    #[test]
    fn stamps_order_by_time_then_replica_and_show_their_style() {
        let (a, b): (Name, Name) = ("A".into(), "B".into());
        assert!(Stamp::lamport(3, &a) < Stamp::lamport(3, &b));
        assert!(Stamp::lamport(3, &b) < Stamp::lamport(4, &a));
        assert_eq!(Stamp::at(7), Stamp::at(7));
        assert_eq!(Stamp::clock(12 * 3600 + 5).to_string(), "12:00:05");
        assert_eq!(Stamp::lamport(3, &a).to_string(), "3@A");
        assert_eq!(Stamp::at(7).to_string(), "7");
    }
}
