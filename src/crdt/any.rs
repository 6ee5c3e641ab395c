//! The registry of set types: [`Kind`] names each one, [`AnySet`] holds a replica of any of them
//! and [`AnyOp`] an op of any of them, so the layers above never name a concrete type. Adding a
//! type means a variant in each of the three enums below and a row in `Kind`'s tables.

use super::{
    Arrival, Edit, Elem, Field, GSet, Lww, Naive, Name, OrSet, Orswot, PnSet, Prepared, Refusal,
    Rules, SetCrdt, Stamp, Tag, TwoPSet, Value, set_of,
};
use std::fmt;

/// The set types a lab can hold, by their type word.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    Naive,
    GSet,
    TwoPSet,
    Lww,
    OrSet,
    Orswot,
    PnSet,
}

impl Kind {
    pub const ALL: &'static [Kind] = &[
        Kind::Naive,
        Kind::GSet,
        Kind::TwoPSet,
        Kind::Lww,
        Kind::OrSet,
        Kind::Orswot,
        Kind::PnSet,
    ];

    /// The type word used by `new <type>`.
    pub fn word(self) -> &'static str {
        match self {
            Kind::Naive => "naive",
            Kind::GSet => "gset",
            Kind::TwoPSet => "2pset",
            Kind::Lww => "lww",
            Kind::OrSet => "orset",
            Kind::Orswot => "orswot",
            Kind::PnSet => "pnset",
        }
    }

    /// The name a learner knows it by.
    pub fn title(self) -> &'static str {
        match self {
            Kind::Naive => "naive set",
            Kind::GSet => "G-Set",
            Kind::TwoPSet => "2P-Set",
            Kind::Lww => "LWW-Element-Set",
            Kind::OrSet => "OR-Set",
            Kind::Orswot => "ORSWOT",
            Kind::PnSet => "PN-Set",
        }
    }

    /// One line on what it is.
    pub fn about(self) -> &'static str {
        match self {
            Kind::Naive => {
                "a plain set whose merge is union; not a CRDT (removed elements come back)"
            }
            Kind::GSet => "grow-only: add and merge by union, never remove",
            Kind::TwoPSet => "an add-set plus a tombstone set: remove wins, forever",
            Kind::Lww => "add and remove timestamps per element: the later one wins",
            Kind::OrSet => "every add mints a tag; remove tombstones the tags it saw: add wins",
            Kind::Orswot => "the OR-Set with dots and a version vector instead of tombstones",
            Kind::PnSet => "a counter per element, present while the count is above 0",
        }
    }

    /// The part of the state that records removals, which a merge that ships only the add side
    /// leaves behind (`None` when the type keeps no separate one).
    pub fn remove_side(self) -> Option<&'static str> {
        match self {
            Kind::TwoPSet => Some("tombstone set"),
            Kind::Lww => Some("remove stamps"),
            Kind::OrSet => Some("tombstones"),
            Kind::PnSet => Some("remove counts"),
            Kind::Naive | Kind::GSet | Kind::Orswot => None,
        }
    }

    pub fn from_word(word: &str) -> Option<Kind> {
        Kind::ALL
            .iter()
            .copied()
            .find(|k| k.word().eq_ignore_ascii_case(word))
    }
}

/// One replica's state, of any registered type.
#[derive(Clone, Debug)]
pub enum AnySet {
    Naive(Naive),
    GSet(GSet),
    TwoPSet(TwoPSet),
    Lww(Lww),
    OrSet(OrSet),
    Orswot(Orswot),
    PnSet(PnSet),
}

/// An op of any registered type.
#[derive(Clone, Debug, PartialEq)]
pub enum AnyOp {
    Naive(<Naive as SetCrdt>::Op),
    GSet(<GSet as SetCrdt>::Op),
    TwoPSet(<TwoPSet as SetCrdt>::Op),
    Lww(<Lww as SetCrdt>::Op),
    OrSet(<OrSet as SetCrdt>::Op),
    Orswot(<Orswot as SetCrdt>::Op),
    PnSet(<PnSet as SetCrdt>::Op),
}

/// Call the same method on whichever type `$value` holds: `each!(AnySet, self, s => s.contains(e))`.
macro_rules! each {
    ($enum:ident, $value:expr, $s:ident => $call:expr) => {
        match $value {
            $enum::Naive($s) => $call,
            $enum::GSet($s) => $call,
            $enum::TwoPSet($s) => $call,
            $enum::Lww($s) => $call,
            $enum::OrSet($s) => $call,
            $enum::Orswot($s) => $call,
            $enum::PnSet($s) => $call,
        }
    };
}

impl fmt::Display for AnyOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        each!(AnyOp, self, op => op.fmt(f))
    }
}

impl AnyOp {
    /// What the op carries, in its type's own fields.
    pub fn carries(&self) -> Vec<Field> {
        match self {
            AnyOp::Naive(op) => Naive::carries(op),
            AnyOp::GSet(op) => GSet::carries(op),
            AnyOp::TwoPSet(op) => TwoPSet::carries(op),
            AnyOp::Lww(op) => Lww::carries(op),
            AnyOp::OrSet(op) => OrSet::carries(op),
            AnyOp::Orswot(op) => Orswot::carries(op),
            AnyOp::PnSet(op) => PnSet::carries(op),
        }
    }

    /// The element the op is about.
    pub fn subject(&self) -> &Elem {
        match self {
            AnyOp::Naive(op) => Naive::subject(op),
            AnyOp::GSet(op) => GSet::subject(op),
            AnyOp::TwoPSet(op) => TwoPSet::subject(op),
            AnyOp::Lww(op) => Lww::subject(op),
            AnyOp::OrSet(op) => OrSet::subject(op),
            AnyOp::Orswot(op) => Orswot::subject(op),
            AnyOp::PnSet(op) => PnSet::subject(op),
        }
    }
}

impl AnySet {
    pub fn new(kind: Kind, replica: &Name) -> AnySet {
        match kind {
            Kind::Naive => AnySet::Naive(Naive::new(replica)),
            Kind::GSet => AnySet::GSet(GSet::new(replica)),
            Kind::TwoPSet => AnySet::TwoPSet(TwoPSet::new(replica)),
            Kind::Lww => AnySet::Lww(Lww::new(replica)),
            Kind::OrSet => AnySet::OrSet(OrSet::new(replica)),
            Kind::Orswot => AnySet::Orswot(Orswot::new(replica)),
            Kind::PnSet => AnySet::PnSet(PnSet::new(replica)),
        }
    }

    pub fn kind(&self) -> Kind {
        match self {
            AnySet::Naive(_) => Kind::Naive,
            AnySet::GSet(_) => Kind::GSet,
            AnySet::TwoPSet(_) => Kind::TwoPSet,
            AnySet::Lww(_) => Kind::Lww,
            AnySet::OrSet(_) => Kind::OrSet,
            AnySet::Orswot(_) => Kind::Orswot,
            AnySet::PnSet(_) => Kind::PnSet,
        }
    }

    /// Write an element's entry in the map view (only a 2P-Set has one).
    pub fn prepare_set(&self, elem: &Elem, removed: bool) -> Result<Prepared<AnyOp>, Refusal> {
        Ok(match self {
            AnySet::Naive(s) => s.prepare_set(elem, removed)?.map(AnyOp::Naive),
            AnySet::GSet(s) => s.prepare_set(elem, removed)?.map(AnyOp::GSet),
            AnySet::TwoPSet(s) => s.prepare_set(elem, removed)?.map(AnyOp::TwoPSet),
            AnySet::Lww(s) => s.prepare_set(elem, removed)?.map(AnyOp::Lww),
            AnySet::OrSet(s) => s.prepare_set(elem, removed)?.map(AnyOp::OrSet),
            AnySet::Orswot(s) => s.prepare_set(elem, removed)?.map(AnyOp::Orswot),
            AnySet::PnSet(s) => s.prepare_set(elem, removed)?.map(AnyOp::PnSet),
        })
    }

    /// How a delivered op stands here; an op of another type is never ready.
    pub fn arrival(&self, op: &AnyOp) -> Arrival {
        match (self, op) {
            (AnySet::Naive(s), AnyOp::Naive(op)) => s.arrival(op),
            (AnySet::GSet(s), AnyOp::GSet(op)) => s.arrival(op),
            (AnySet::TwoPSet(s), AnyOp::TwoPSet(op)) => s.arrival(op),
            (AnySet::Lww(s), AnyOp::Lww(op)) => s.arrival(op),
            (AnySet::OrSet(s), AnyOp::OrSet(op)) => s.arrival(op),
            (AnySet::Orswot(s), AnyOp::Orswot(op)) => s.arrival(op),
            (AnySet::PnSet(s), AnyOp::PnSet(op)) => s.arrival(op),
            _ => Arrival::Wait("it is an op of another set type".into()),
        }
    }

    /// The state as a merge that ships only its add side would send it.
    pub fn adds_only(&self) -> AnySet {
        match self {
            AnySet::Naive(s) => AnySet::Naive(s.adds_only()),
            AnySet::GSet(s) => AnySet::GSet(s.adds_only()),
            AnySet::TwoPSet(s) => AnySet::TwoPSet(s.adds_only()),
            AnySet::Lww(s) => AnySet::Lww(s.adds_only()),
            AnySet::OrSet(s) => AnySet::OrSet(s.adds_only()),
            AnySet::Orswot(s) => AnySet::Orswot(s.adds_only()),
            AnySet::PnSet(s) => AnySet::PnSet(s.adds_only()),
        }
    }

    pub fn prepare(&self, edit: &Edit, stamp: &Stamp) -> Result<Prepared<AnyOp>, Refusal> {
        Ok(match self {
            AnySet::Naive(s) => s.prepare(edit, stamp)?.map(AnyOp::Naive),
            AnySet::GSet(s) => s.prepare(edit, stamp)?.map(AnyOp::GSet),
            AnySet::TwoPSet(s) => s.prepare(edit, stamp)?.map(AnyOp::TwoPSet),
            AnySet::Lww(s) => s.prepare(edit, stamp)?.map(AnyOp::Lww),
            AnySet::OrSet(s) => s.prepare(edit, stamp)?.map(AnyOp::OrSet),
            AnySet::Orswot(s) => s.prepare(edit, stamp)?.map(AnyOp::Orswot),
            AnySet::PnSet(s) => s.prepare(edit, stamp)?.map(AnyOp::PnSet),
        })
    }

    /// Apply an op; an op of another type is refused and changes nothing.
    pub fn apply(&mut self, op: AnyOp) -> Result<(), Refusal> {
        match (self, op) {
            (AnySet::Naive(s), AnyOp::Naive(op)) => s.apply(op),
            (AnySet::GSet(s), AnyOp::GSet(op)) => s.apply(op),
            (AnySet::TwoPSet(s), AnyOp::TwoPSet(op)) => s.apply(op),
            (AnySet::Lww(s), AnyOp::Lww(op)) => s.apply(op),
            (AnySet::OrSet(s), AnyOp::OrSet(op)) => s.apply(op),
            (AnySet::Orswot(s), AnyOp::Orswot(op)) => s.apply(op),
            (AnySet::PnSet(s), AnyOp::PnSet(op)) => s.apply(op),
            _ => return Err(Refusal::new("that op belongs to another set type")),
        }
        Ok(())
    }

    /// See [`SetCrdt::merges_in_part`]; false for sets of different types.
    pub fn merges_in_part(&self, other: &AnySet) -> bool {
        match (self, other) {
            (AnySet::Naive(s), AnySet::Naive(o)) => s.merges_in_part(o),
            (AnySet::GSet(s), AnySet::GSet(o)) => s.merges_in_part(o),
            (AnySet::TwoPSet(s), AnySet::TwoPSet(o)) => s.merges_in_part(o),
            (AnySet::Lww(s), AnySet::Lww(o)) => s.merges_in_part(o),
            (AnySet::OrSet(s), AnySet::OrSet(o)) => s.merges_in_part(o),
            (AnySet::Orswot(s), AnySet::Orswot(o)) => s.merges_in_part(o),
            (AnySet::PnSet(s), AnySet::PnSet(o)) => s.merges_in_part(o),
            _ => false,
        }
    }

    /// See [`SetCrdt::grows_only`].
    pub fn grows_only(&self) -> bool {
        match self {
            AnySet::Naive(s) => s.grows_only(),
            AnySet::GSet(s) => s.grows_only(),
            AnySet::TwoPSet(s) => s.grows_only(),
            AnySet::Lww(s) => s.grows_only(),
            AnySet::OrSet(s) => s.grows_only(),
            AnySet::Orswot(s) => s.grows_only(),
            AnySet::PnSet(s) => s.grows_only(),
        }
    }

    /// See [`SetCrdt::merge_elems`].
    pub fn merge_elems(&mut self, other: &AnySet, elems: &[Elem]) -> Result<(), Refusal> {
        match (self, other) {
            (AnySet::Naive(s), AnySet::Naive(o)) => s.merge_elems(o, elems),
            (AnySet::GSet(s), AnySet::GSet(o)) => s.merge_elems(o, elems),
            (AnySet::TwoPSet(s), AnySet::TwoPSet(o)) => s.merge_elems(o, elems),
            (AnySet::Lww(s), AnySet::Lww(o)) => s.merge_elems(o, elems),
            (AnySet::OrSet(s), AnySet::OrSet(o)) => s.merge_elems(o, elems),
            (AnySet::Orswot(s), AnySet::Orswot(o)) => s.merge_elems(o, elems),
            (AnySet::PnSet(s), AnySet::PnSet(o)) => s.merge_elems(o, elems),
            _ => return Err(Refusal::new("replicas of different set types cannot merge")),
        }
        Ok(())
    }

    /// Merge another replica of the same type; another type is refused.
    pub fn merge(&mut self, other: &AnySet) -> Result<(), Refusal> {
        match (self, other) {
            (AnySet::Naive(s), AnySet::Naive(o)) => s.merge(o),
            (AnySet::GSet(s), AnySet::GSet(o)) => s.merge(o),
            (AnySet::TwoPSet(s), AnySet::TwoPSet(o)) => s.merge(o),
            (AnySet::Lww(s), AnySet::Lww(o)) => s.merge(o),
            (AnySet::OrSet(s), AnySet::OrSet(o)) => s.merge(o),
            (AnySet::Orswot(s), AnySet::Orswot(o)) => s.merge(o),
            (AnySet::PnSet(s), AnySet::PnSet(o)) => s.merge(o),
            _ => return Err(Refusal::new("replicas of different set types cannot merge")),
        }
        Ok(())
    }

    pub fn contains(&self, elem: &Elem) -> bool {
        each!(AnySet, self, s => s.contains(elem))
    }

    pub fn elements(&self) -> Vec<Elem> {
        each!(AnySet, self, s => s.elements())
    }

    pub fn describe(&self) -> Vec<Field> {
        each!(AnySet, self, s => s.describe())
    }

    /// `describe`, cut down to what an edit of `elem` can change.
    pub fn describe_elem(&self, elem: &Elem) -> Vec<Field> {
        each!(AnySet, self, s => s.describe_elem(elem))
    }

    /// The elements a merge of `other` into this one may change; `None`: any of them.
    pub fn merge_touches(&self, other: &AnySet) -> Option<Vec<Elem>> {
        match (self, other) {
            (AnySet::Naive(s), AnySet::Naive(o)) => s.merge_touches(o),
            (AnySet::GSet(s), AnySet::GSet(o)) => s.merge_touches(o),
            (AnySet::TwoPSet(s), AnySet::TwoPSet(o)) => s.merge_touches(o),
            (AnySet::Lww(s), AnySet::Lww(o)) => s.merge_touches(o),
            (AnySet::OrSet(s), AnySet::OrSet(o)) => s.merge_touches(o),
            (AnySet::Orswot(s), AnySet::Orswot(o)) => s.merge_touches(o),
            (AnySet::PnSet(s), AnySet::PnSet(o)) => s.merge_touches(o),
            _ => None,
        }
    }

    /// Do both hold the same replicated state (and are of the same type)?
    pub fn same_state(&self, other: &AnySet) -> bool {
        match (self, other) {
            (AnySet::Naive(s), AnySet::Naive(o)) => s.same_state(o),
            (AnySet::GSet(s), AnySet::GSet(o)) => s.same_state(o),
            (AnySet::TwoPSet(s), AnySet::TwoPSet(o)) => s.same_state(o),
            (AnySet::Lww(s), AnySet::Lww(o)) => s.same_state(o),
            (AnySet::OrSet(s), AnySet::OrSet(o)) => s.same_state(o),
            (AnySet::Orswot(s), AnySet::Orswot(o)) => s.same_state(o),
            (AnySet::PnSet(s), AnySet::PnSet(o)) => s.same_state(o),
            _ => false,
        }
    }

    pub fn explain(&self, elem: &Elem) -> String {
        each!(AnySet, self, s => s.explain(elem))
    }

    pub fn meta_size(&self) -> usize {
        each!(AnySet, self, s => s.meta_size())
    }

    pub fn metadata(&self) -> Vec<(&'static str, usize)> {
        each!(AnySet, self, s => s.metadata())
    }

    pub fn layouts(&self) -> &'static [&'static str] {
        each!(AnySet, self, s => s.layouts())
    }

    pub fn layout(&self, name: &str) -> Option<Vec<Field>> {
        each!(AnySet, self, s => s.layout(name))
    }

    pub fn tombstoned(&self) -> Vec<(Elem, Tag)> {
        each!(AnySet, self, s => s.tombstoned())
    }

    pub fn forget(&mut self, tags: &[(Elem, Tag)]) {
        each!(AnySet, self, s => s.forget(tags))
    }

    pub fn configure(&mut self, rules: &Rules) {
        each!(AnySet, self, s => s.configure(rules))
    }

    /// The visible elements as `{a, b}`.
    pub fn visible(&self) -> Value {
        each!(AnySet, self, s => set_of(s.iter()))
    }

    /// Do both show the same elements? (Compared in place, nothing copied.)
    pub fn same_elements(&self, other: &AnySet) -> bool {
        self.elems().eq(other.elems())
    }

    fn elems(&self) -> Box<dyn Iterator<Item = &Elem> + '_> {
        each!(AnySet, self, s => Box::new(s.iter()))
    }

    /// How many elements are visible, counting no further than `limit`.
    pub fn count_upto(&self, limit: usize) -> usize {
        each!(AnySet, self, s => s.iter().take(limit).count())
    }

    /// One field by its canonical name, or `elements` for the visible set; failing those, a
    /// field of another layout (`tokens`, `by_element`).
    pub fn field(&self, name: &str) -> Option<Value> {
        if name == "elements" {
            return Some(self.visible());
        }
        let layouts = self.layouts().iter().filter_map(|l| self.layout(l));
        std::iter::once(self.describe())
            .chain(layouts)
            .flatten()
            .find(|f| f.name == name)
            .map(|f| f.value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_type_word_round_trips_and_mixed_types_refuse_to_merge() {
        for kind in Kind::ALL {
            assert_eq!(Kind::from_word(kind.word()), Some(*kind));
            assert_eq!(AnySet::new(*kind, &"A".into()).kind(), *kind);
        }
        let name: Name = "A".into();
        let mut g = AnySet::new(Kind::GSet, &name);
        let o = AnySet::new(Kind::OrSet, &name);
        assert!(g.merge(&o).is_err());
    }
}
