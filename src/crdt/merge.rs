//! The merge helpers every type's `merge` is built on: unions and joins of sorted collections,
//! done in place with one walk, so nothing is rebuilt when little is new.

use std::collections::{BTreeMap, BTreeSet};

/// Union of two sorted sets in place: `mine ∪ theirs`.
///
/// One linear walk finds what `other` adds, then those are inserted (or appended in bulk when
/// they are many). Nothing is rebuilt when nothing is new.
pub(crate) fn union_into<T: Ord + Clone>(mine: &mut BTreeSet<T>, other: &BTreeSet<T>) {
    let mut theirs = other.iter().peekable();
    let mut new: Vec<T> = vec![];
    for x in mine.iter() {
        while let Some(y) = theirs.next_if(|y| *y < x) {
            new.push(y.clone());
        }
        theirs.next_if(|y| *y == x);
    }
    new.extend(theirs.cloned());
    add_all(mine, new);
}

fn add_all<T: Ord>(mine: &mut BTreeSet<T>, new: Vec<T>) {
    if new.len() > mine.len() / 8 {
        mine.append(&mut new.into_iter().collect());
    } else {
        mine.extend(new);
    }
}

/// The join of two maps, key by key: for a key in both, `both` updates my value (given theirs,
/// if any) and says whether to keep it; for a key only they have, `fresh` turns their value into
/// one of mine, or `None` to skip it.
///
/// Done in place with one linear walk over both sorted maps; new keys are inserted after the walk.
pub(crate) fn merge_map<K: Ord + Clone, V>(
    mine: &mut BTreeMap<K, V>,
    theirs: &BTreeMap<K, V>,
    mut both: impl FnMut(&K, &mut V, Option<&V>) -> bool,
    mut fresh: impl FnMut(&K, &V) -> Option<V>,
) {
    let mut walk = theirs.iter().peekable();
    let (mut new, mut dead): (Vec<(K, V)>, Vec<K>) = (vec![], vec![]);
    for (k, v) in mine.iter_mut() {
        while let Some((tk, tv)) = walk.next_if(|(tk, _)| *tk < k) {
            new.extend(fresh(tk, tv).map(|v| (tk.clone(), v)));
        }
        let w = walk.next_if(|(tk, _)| *tk == k).map(|(_, w)| w);
        if !both(k, v, w) {
            dead.push(k.clone());
        }
    }
    for (tk, tv) in walk {
        new.extend(fresh(tk, tv).map(|v| (tk.clone(), v)));
    }
    dead.iter().for_each(|k| {
        mine.remove(k);
    });
    if new.len() > mine.len() / 8 {
        mine.append(&mut new.into_iter().collect());
    } else {
        mine.extend(new);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merge_map_updates_drops_and_adds_in_one_walk() {
        let mut mine: BTreeMap<u32, u32> = [(1, 10), (3, 30), (5, 50)].into();
        let theirs: BTreeMap<u32, u32> = [(0, 1), (3, 33), (4, 4), (9, 0)].into();
        merge_map(
            &mut mine,
            &theirs,
            |k, v, w| {
                *v = (*v).max(w.copied().unwrap_or(0));
                *k != 5
            },
            |_, w| (*w > 0).then_some(*w),
        );
        assert_eq!(mine, [(0, 1), (1, 10), (3, 33), (4, 4)].into());
    }

    #[test]
    fn union_into_matches_btreeset_union_at_every_size() {
        for (n, m) in [(0, 3), (3, 0), (5, 100), (100, 5), (1000, 1000)] {
            let mut a: BTreeSet<u32> = (0..n).map(|i| i * 3).collect();
            let b: BTreeSet<u32> = (0..m).map(|i| i * 2).collect();
            let want: BTreeSet<u32> = a.union(&b).copied().collect();
            union_into(&mut a, &b);
            assert_eq!(a, want);
        }
    }
}
