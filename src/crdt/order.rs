//! The order every set type's states sit in: `a ≤ b` when merging `a` into `b` changes nothing
//! (`b ⊔ a = b`), the order a join defines. The law checks ask each op and merge to move a
//! replica up it; a naive set's remove ({1, 2, 3} → {2, 3}) moves it down.

use super::AnySet;

impl AnySet {
    /// Is `self` at or below `other` in its type's order? Replicas of different types never are.
    pub fn le(&self, other: &AnySet) -> bool {
        let mut joined = other.clone();
        joined.merge(self).is_ok()
            && joined.same_state(other)
            && joined.elements() == other.elements()
    }
}

#[cfg(test)]
mod tests {
    use crate::crdt::{AnySet, Edit, Elem, Kind, Mistake, Name, Rules, Stamp};

    fn with(kind: Kind, edits: &[Edit]) -> AnySet {
        let name: Name = "A".into();
        let mut set = AnySet::new(kind, &name);
        for (n, edit) in edits.iter().enumerate() {
            let op = set.prepare(edit, &Stamp::lamport(n as u64 + 1, &name));
            set.apply(op.expect("accepted").op).expect("same type");
        }
        set
    }

    fn add(e: i64) -> Edit {
        Edit::Add(Elem::Int(e))
    }
    fn remove(e: i64) -> Edit {
        Edit::Remove(Elem::Int(e))
    }

    #[test]
    fn a_naive_remove_goes_down_the_order_and_every_crdt_remove_goes_up() {
        let three = [add(1), add(2), add(3)];
        let removed = [add(1), add(2), add(3), remove(1)];
        let before = with(Kind::Naive, &three);
        let after = with(Kind::Naive, &removed);
        assert!(
            !before.le(&after),
            "{{1, 2, 3}} → {{2, 3}} is not an inflation"
        );
        assert!(after.le(&before));
        for kind in [
            Kind::TwoPSet,
            Kind::Lww,
            Kind::OrSet,
            Kind::Orswot,
            Kind::PnSet,
        ] {
            let (before, after) = (with(kind, &three), with(kind, &removed));
            assert!(before.le(&after), "{kind:?}: a remove moves up");
            assert!(!after.le(&before), "{kind:?}: and not back down");
        }
    }

    #[test]
    fn a_reused_tag_makes_the_re_add_go_down() {
        let name: Name = "A".into();
        let mut set = AnySet::new(Kind::OrSet, &name);
        set.configure(&Rules {
            mistake: Mistake::ReuseTags,
            ..Rules::default()
        });
        for (n, edit) in [add(1), remove(1)].iter().enumerate() {
            let op = set.prepare(edit, &Stamp::lamport(n as u64 + 1, &name));
            set.apply(op.expect("accepted").op).expect("same type");
        }
        let before = set.clone();
        let op = set.prepare(&add(1), &Stamp::lamport(3, &name));
        set.apply(op.expect("accepted").op).expect("same type");
        assert!(set.contains(&Elem::Int(1)));
        assert!(
            !before.le(&set),
            "merging the old state back swallows the re-add"
        );
    }
}
