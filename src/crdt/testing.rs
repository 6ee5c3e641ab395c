//! Helpers for the unit tests beside each type: replay seed tables in a few words.

use super::{Edit, Elem, SetCrdt, Stamp};

pub fn e(word: &str) -> Elem {
    Elem::parse(word)
}
pub fn set<T: SetCrdt>(name: &str) -> T {
    T::new(&name.into())
}
fn edit<T: SetCrdt>(s: &mut T, edit: Edit, stamp: &Stamp) {
    let prepared = s.prepare(&edit, stamp).expect("the edit is accepted");
    s.apply(prepared.op);
}
pub fn add<T: SetCrdt>(s: &mut T, word: &str) {
    edit(s, Edit::Add(e(word)), &Stamp::default());
}
pub fn remove<T: SetCrdt>(s: &mut T, word: &str) {
    edit(s, Edit::Remove(e(word)), &Stamp::default());
}
pub fn add_at<T: SetCrdt>(s: &mut T, word: &str, stamp: Stamp) {
    edit(s, Edit::Add(e(word)), &stamp);
}
pub fn remove_at<T: SetCrdt>(s: &mut T, word: &str, stamp: Stamp) {
    edit(s, Edit::Remove(e(word)), &stamp);
}
/// Both directions, from the states as they were before the sync.
pub fn sync<T: SetCrdt>(a: &mut T, b: &mut T) {
    let a_before = a.clone();
    a.merge(b);
    b.merge(&a_before);
}
pub fn field<T: SetCrdt>(s: &T, name: &str) -> String {
    let found = s.describe().into_iter().find(|f| f.name == name);
    found.expect("the field exists").value.to_string()
}
/// Make an edit and hand back its op, to deliver elsewhere.
pub fn op<T: SetCrdt>(s: &mut T, e: Edit) -> T::Op {
    let prepared = s
        .prepare(&e, &Stamp::default())
        .expect("the edit is accepted");
    s.apply(prepared.op.clone());
    prepared.op
}
