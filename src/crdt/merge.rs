//! The merge helpers every type's `merge` is built on: unions and joins of sorted collections,
//! done in place. Each call chooses its path: when the other side is small next to mine, each of
//! its entries is looked up in mine (about `theirs × log mine` steps); otherwise both sides are
//! walked once, side by side (`mine + theirs` steps). Nothing is rebuilt when little is new.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

/// Whether looking up each of `theirs` entries in `mine` costs less than walking both.
fn few(theirs: usize, mine: usize) -> bool {
    let depth = (usize::BITS - mine.leading_zeros()) as usize;
    theirs.saturating_mul(depth) < mine
}

/// Union of two sorted sets in place.
///
/// Textbook: `mine := mine ∪ theirs`.
pub(crate) fn union_into<T: Ord + Clone>(mine: &mut BTreeSet<T>, theirs: &BTreeSet<T>) {
    // Nothing of mine to walk: a copy of theirs, node for node, with no comparison at all.
    if mine.is_empty() {
        mine.clone_from(theirs);
        return;
    }
    if few(theirs.len(), mine.len()) {
        for y in theirs {
            mine.insert(y.clone());
        }
        return;
    }
    let mut walk = theirs.iter().peekable();
    let mut new: Vec<T> = vec![];
    for x in mine.iter() {
        while let Some(y) = walk.next_if(|y| *y < x) {
            new.push(y.clone());
        }
        walk.next_if(|y| *y == x);
    }
    new.extend(walk.cloned());
    if new.len() > mine.len() / 8 {
        mine.append(&mut new.into_iter().collect());
    } else {
        mine.extend(new);
    }
}

/// The join of two maps, over the keys `theirs` holds: for a key both hold, `both` updates my
/// value from theirs and says whether to keep it; for a key only they hold, `fresh` turns their
/// value into one of mine, or `None` to skip it. Keys only I hold are left as they are.
///
/// Textbook: for every `k` in `theirs`,
/// `mine[k] := if k ∈ mine { join(mine[k], theirs[k]) } else { fresh(theirs[k]) }`.
pub(crate) fn merge_map<K: Ord + Clone, V>(
    mine: &mut BTreeMap<K, V>,
    theirs: &BTreeMap<K, V>,
    mut both: impl FnMut(&K, &mut V, &V) -> bool,
    mut fresh: impl FnMut(&K, &V) -> Option<V>,
) {
    if few(theirs.len(), mine.len()) {
        for (k, tv) in theirs {
            let keep = match mine.get_mut(k) {
                Some(v) => both(k, v, tv),
                None => {
                    if let Some(v) = fresh(k, tv) {
                        mine.insert(k.clone(), v);
                    }
                    true
                }
            };
            if !keep {
                mine.remove(k);
            }
        }
        return;
    }
    walk_map(mine, theirs, both, fresh, |_, _| true);
}

/// [`merge_map`] over every key either side holds: a key only I hold is given to `only_mine`,
/// which may change its value and says whether to keep it. One walk over both maps (visiting
/// all of `mine` is the point, so there is no shorter path).
///
/// Textbook: `merge_map`, then for every `k` in `mine` but not in `theirs`,
/// `mine[k] := only_mine(mine[k])`.
pub(crate) fn join_map<K: Ord + Clone, V>(
    mine: &mut BTreeMap<K, V>,
    theirs: &BTreeMap<K, V>,
    both: impl FnMut(&K, &mut V, &V) -> bool,
    fresh: impl FnMut(&K, &V) -> Option<V>,
    only_mine: impl FnMut(&K, &mut V) -> bool,
) {
    walk_map(mine, theirs, both, fresh, only_mine);
}

/// The walk behind [`merge_map`] and [`join_map`]: both maps side by side, one comparison of
/// keys per step, values edited in place; the keys to drop and the entries to add are gathered
/// and applied after (appended in bulk when they are many).
fn walk_map<K: Ord + Clone, V>(
    mine: &mut BTreeMap<K, V>,
    theirs: &BTreeMap<K, V>,
    mut both: impl FnMut(&K, &mut V, &V) -> bool,
    mut fresh: impl FnMut(&K, &V) -> Option<V>,
    mut only_mine: impl FnMut(&K, &mut V) -> bool,
) {
    let mut walk = theirs.iter().peekable();
    let (mut new, mut dead): (Vec<(K, V)>, Vec<K>) = (vec![], vec![]);
    for (k, v) in mine.iter_mut() {
        let keep = loop {
            let Some(&(tk, tv)) = walk.peek() else {
                break only_mine(k, v);
            };
            match tk.cmp(k) {
                Ordering::Less => {
                    new.extend(fresh(tk, tv).map(|v| (tk.clone(), v)));
                    walk.next();
                }
                Ordering::Equal => {
                    walk.next();
                    break both(k, v, tv);
                }
                Ordering::Greater => break only_mine(k, v),
            }
        };
        if !keep {
            dead.push(k.clone());
        }
    }
    for (tk, tv) in walk {
        new.extend(fresh(tk, tv).map(|v| (tk.clone(), v)));
    }
    for k in &dead {
        mine.remove(k);
    }
    if new.len() > mine.len() / 8 {
        mine.append(&mut new.into_iter().collect());
    } else {
        mine.extend(new);
    }
}

/// The entries of `map` for `keys` only (those it holds): the part of a state a merge of only
/// what changed carries. About `keys × log map` steps.
pub(crate) fn part_of<K: Ord + Clone, V: Clone>(
    map: &BTreeMap<K, V>,
    keys: &[K],
) -> BTreeMap<K, V> {
    let held = keys.iter().filter_map(|k| map.get_key_value(k));
    held.map(|(k, v)| (k.clone(), v.clone())).collect()
}

/// The items of `set` among `keys`.
pub(crate) fn part_of_set<T: Ord + Clone>(set: &BTreeSet<T>, keys: &[T]) -> BTreeSet<T> {
    keys.iter().filter_map(|k| set.get(k)).cloned().collect()
}

/// The keys of `theirs` whose entry differs from mine (or that I lack), added to `out`: the only
/// keys a join over `theirs` can change. `same` says whether two entries are the same in every
/// way a join can see. Looked up one by one when they are few, else both walked.
pub(crate) fn new_keys<K: Ord + Clone, V>(
    mine: &BTreeMap<K, V>,
    theirs: &BTreeMap<K, V>,
    same: impl Fn(&V, &V) -> bool,
    out: &mut Vec<K>,
) {
    if few(theirs.len(), mine.len()) {
        let new = theirs
            .iter()
            .filter(|(k, v)| !mine.get(*k).is_some_and(|w| same(w, v)));
        out.extend(new.map(|(k, _)| k.clone()));
        return;
    }
    let mut walk = mine.iter().peekable();
    for (k, v) in theirs {
        while walk.next_if(|(m, _)| *m < k).is_some() {}
        if walk.next_if(|(m, w)| *m == k && same(w, v)).is_none() {
            out.push(k.clone());
        }
    }
}

/// The items of `theirs` that mine lacks, added to `out` (what a union with them adds).
pub(crate) fn new_items<T: Ord + Clone>(
    mine: &BTreeSet<T>,
    theirs: &BTreeSet<T>,
    out: &mut Vec<T>,
) {
    if few(theirs.len(), mine.len()) {
        out.extend(theirs.iter().filter(|y| !mine.contains(*y)).cloned());
        return;
    }
    let mut walk = mine.iter().peekable();
    for y in theirs {
        while walk.next_if(|x| *x < y).is_some() {}
        if walk.next_if(|x| *x == y).is_none() {
            out.push(y.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A join that takes the max of a value and drops a key whose value becomes 5.
    fn join(mine: &mut BTreeMap<u32, u32>, theirs: &BTreeMap<u32, u32>) {
        merge_map(
            mine,
            theirs,
            |_, v, w| {
                *v = (*v).max(*w);
                *v != 5
            },
            |_, w| (*w > 0).then_some(*w),
        );
    }

    #[test]
    fn merge_map_updates_drops_and_adds_only_their_keys() {
        let mut mine: BTreeMap<u32, u32> = [(1, 10), (3, 30), (5, 1), (7, 5)].into();
        let theirs: BTreeMap<u32, u32> = [(0, 1), (3, 33), (4, 4), (5, 5), (9, 0)].into();
        join(&mut mine, &theirs);
        assert_eq!(mine, [(0, 1), (1, 10), (3, 33), (4, 4), (7, 5)].into());
    }

    /// Both paths (a few entries looked up, or both sides walked) give the textbook result.
    #[test]
    fn both_paths_of_every_helper_match_the_textbook_at_every_size() {
        for (n, m) in [(0, 3), (3, 0), (5, 100), (100, 5), (1000, 3), (1000, 1000)] {
            let mut a: BTreeSet<u32> = (0..n).map(|i| i * 3).collect();
            let b: BTreeSet<u32> = (0..m).map(|i| i * 2).collect();
            let want: BTreeSet<u32> = a.union(&b).copied().collect();
            union_into(&mut a, &b);
            assert_eq!(a, want, "union of {n} and {m}");

            let mut mine: BTreeMap<u32, u32> = (0..n).map(|i| (i * 3, i % 7)).collect();
            let theirs: BTreeMap<u32, u32> = (0..m).map(|i| (i * 2, i % 6)).collect();
            let mut want = mine.clone();
            for (k, w) in &theirs {
                let joined = match want.get(k) {
                    Some(v) => Some(*v.max(w)).filter(|v| *v != 5),
                    None => Some(*w).filter(|w| *w > 0),
                };
                match joined {
                    Some(v) => want.insert(*k, v),
                    None => want.remove(k),
                };
            }
            join(&mut mine, &theirs);
            assert_eq!(mine, want, "join of {n} and {m}");
        }
    }

    /// Both paths find exactly the keys whose entries differ, and the items mine lacks.
    #[test]
    fn new_keys_and_items_match_the_textbook_on_both_paths() {
        for (n, m) in [(0, 3), (3, 0), (5, 100), (100, 5), (1000, 3), (1000, 1000)] {
            let mine: BTreeMap<u32, u32> = (0..n).map(|i| (i * 3, i % 7)).collect();
            let theirs: BTreeMap<u32, u32> = (0..m).map(|i| (i * 2, i % 6)).collect();
            let want: Vec<u32> = theirs
                .iter()
                .filter(|(k, v)| mine.get(k) != Some(v))
                .map(|(k, _)| *k)
                .collect();
            let mut got = vec![];
            new_keys(&mine, &theirs, |a, b| a == b, &mut got);
            assert_eq!(got, want, "keys of {m} against {n}");

            let (a, b): (BTreeSet<u32>, BTreeSet<u32>) = (
                mine.keys().copied().collect(),
                theirs.keys().copied().collect(),
            );
            let mut got = vec![];
            new_items(&a, &b, &mut got);
            assert_eq!(got, b.difference(&a).copied().collect::<Vec<_>>());
        }
    }

    /// Every key only mine holds goes to `only_mine` (and only those), on top of the join.
    #[test]
    fn join_map_also_visits_the_keys_only_mine_holds() {
        let mut mine: BTreeMap<u32, u32> = [(1, 1), (2, 2), (3, 3), (4, 4), (7, 5)].into();
        let theirs: BTreeMap<u32, u32> = [(2, 20), (4, 1), (5, 5), (7, 5)].into();
        let mut seen = vec![];
        join_map(
            &mut mine,
            &theirs,
            |_, v, w| {
                *v = (*v).max(*w);
                *v != 5
            },
            |_, w| Some(*w),
            |k, v| {
                seen.push(*k);
                *v *= 10;
                *k != 1
            },
        );
        assert_eq!(seen, [1, 3]);
        assert_eq!(mine, [(2, 20), (3, 30), (4, 4), (5, 5)].into());
    }
}
