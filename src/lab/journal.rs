//! What each replica changed since its peers last took its state, so that a merge between
//! replicas that met before carries only that: it costs the change, not the state.
//!
//! Why it is the same as a whole merge: right after B merges A, B holds everything A holds, and
//! merging A again would change nothing. A merge decides each element from the two entries
//! (and an ORSWOT's clocks), so the next merge of A into B can change only the elements A
//! changed since (A's journal after B's mark of A) or B changed since (B's own journal after
//! the mark B kept of itself): it takes A's entries for those. For a CRDT B's own changes can be
//! left out (they only grow its state, so A's unchanged entries stay inside it); for the naive
//! set they are the point (B removed an element A still holds, and the union brings it back).
//! A merge notes every element it carried in the receiver's journal, changed or not, so that
//! what a version vector now covers stays named downstream (an ORSWOT drops a dot that the
//! sender's clock covers and the sender lacks; the element whose add or remove made that clock
//! grow is named in every journal it passed).

use crate::crdt::{Elem, Name};
use std::collections::BTreeMap;

/// Below this many entries a journal never starts over for being long.
const MIN_CAP: usize = 64;

/// Where a replica's journal stood at some moment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Mark {
    epoch: u64,
    at: usize,
}

/// The elements whose entries changed on one replica, in order, since the journal last started
/// over, and where each peer's journal stood when this replica last took in its whole state.
#[derive(Clone, Debug, Default)]
pub struct Journal {
    /// Counts the times the journal started over: a peer's mark from before is void.
    epoch: u64,
    elems: Vec<Elem>,
    /// Past this many entries (or `MIN_CAP`) the journal starts over, with room for twice the
    /// elements it named: it stays about as long as the part of the state that changes, past
    /// which a merge of what it names would cost about as much as a whole one.
    cap: usize,
    /// Per peer: its journal's mark when this replica last took in everything it held, and this
    /// journal's own mark just after.
    seen: BTreeMap<Name, (Mark, Mark)>,
}

impl Journal {
    /// The entry of `elem` changed.
    pub fn note(&mut self, elem: &Elem) {
        self.note_all(std::slice::from_ref(elem));
    }

    /// The entries of `elems` may have changed.
    pub fn note_all(&mut self, elems: &[Elem]) {
        if self.elems.len() + elems.len() > self.cap.max(MIN_CAP) {
            // Room for twice the elements it named: a replica that grows by its own adds keeps
            // a journal that grows with it, and one that keeps changing a few stays short.
            self.cap = 2 * distinct(&self.elems);
            self.restart();
        } else {
            self.elems.extend_from_slice(elems);
        }
    }

    /// Anything may have changed (a whole merge): peers take the whole state next time.
    pub fn restart(&mut self) {
        self.epoch += 1;
        self.elems.clear();
    }

    /// Where the journal stands now.
    pub fn mark(&self) -> Mark {
        Mark {
            epoch: self.epoch,
            at: self.elems.len(),
        }
    }

    /// The elements changed since `mark`, sorted and each once; `None` when the journal started
    /// over since.
    pub fn since(&self, mark: Mark) -> Option<Vec<Elem>> {
        let changed = self
            .elems
            .get(mark.at..)
            .filter(|_| mark.epoch == self.epoch)?;
        let mut elems = changed.to_vec();
        elems.sort();
        elems.dedup();
        Some(elems)
    }

    /// This replica has just taken in everything `peer` held at `theirs`.
    pub fn took(&mut self, peer: &Name, theirs: Mark) {
        self.seen.insert(peer.clone(), (theirs, self.mark()));
    }

    /// The elements a merge of `peer`'s state (its journal given) may change here: those its
    /// journal names since this replica last took in its state, and those this one names since,
    /// unless this replica's state only grows (`mine_too` false). `None` when they never met,
    /// or a journal that counts started over since.
    pub fn to_take(&self, peer: &Name, theirs: &Journal, mine_too: bool) -> Option<Vec<Elem>> {
        let (their_mark, my_mark) = self.seen.get(peer)?;
        let mut elems = theirs.since(*their_mark)?;
        if mine_too {
            elems.extend(self.since(*my_mark)?);
        }
        elems.sort();
        elems.dedup();
        Some(elems)
    }

    /// Take nothing from before: the next merges with every peer take whole states.
    pub fn forget_peers(&mut self) {
        self.seen.clear();
    }
}

/// How many different elements `elems` names.
fn distinct(elems: &[Elem]) -> usize {
    let mut all: Vec<&Elem> = elems.iter().collect();
    all.sort();
    all.dedup();
    all.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(s: &str) -> Elem {
        Elem::parse(s)
    }

    #[test]
    fn a_mark_sees_what_changed_after_it_once_each_and_nothing_after_a_restart() {
        let mut j = Journal::default();
        j.note(&e("x"));
        let mark = j.mark();
        j.note_all(&[e("z"), e("y"), e("z")]);
        assert_eq!(j.since(mark), Some(vec![e("y"), e("z")]));
        assert_eq!(j.since(j.mark()), Some(vec![]));
        j.restart();
        assert_eq!(j.since(mark), None);
    }

    #[test]
    fn a_merge_takes_what_either_side_changed_since_they_met() {
        let (mut a, mut b) = (Journal::default(), Journal::default());
        let peer: Name = "A".into();
        assert_eq!(b.to_take(&peer, &a, true), None, "they never met");
        a.note(&e("old"));
        b.took(&peer, a.mark());
        a.note(&e("x"));
        b.note_all(&[e("y"), e("x")]);
        assert_eq!(b.to_take(&peer, &a, true), Some(vec![e("x"), e("y")]));
        assert_eq!(b.to_take(&peer, &a, false), Some(vec![e("x")]));
        b.restart();
        assert_eq!(b.to_take(&peer, &a, true), None, "b started over");
        assert_eq!(b.to_take(&peer, &a, false), Some(vec![e("x")]));
    }

    #[test]
    fn a_journal_longer_than_its_state_starts_over() {
        let mut j = Journal::default();
        let mark = j.mark();
        for n in 0..MIN_CAP {
            j.note(&Elem::Int(n as i64));
        }
        assert_eq!(j.since(mark).map(|v| v.len()), Some(MIN_CAP));
        j.note(&e("one too many"));
        assert_eq!(j.since(mark), None, "past its cap the journal starts over");
        let mark = j.mark();
        for n in 0..MIN_CAP * 2 {
            j.note(&Elem::Int(n as i64));
        }
        assert!(
            j.since(mark).is_some(),
            "a journal of a growing replica grows"
        );
        let mut j = Journal::default();
        for n in 0..MIN_CAP * 4 {
            j.note(&Elem::Int(n as i64 % 3));
        }
        assert!(
            j.elems.len() < MIN_CAP * 2,
            "one of a few elements stays short"
        );
    }
}
