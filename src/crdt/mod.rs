//! The core: one file per set CRDT, pure data and rules. No I/O, no terminal, no clock is read here.
//!
//! Every type implements [`SetCrdt`] (in `set.rs`). Preparing an op (`&self`) is separate from
//! applying it (`&mut self`), so an op is a value that can be shown, held in flight, duplicated
//! or reordered. [`AnySet`] and [`AnyOp`] (in `any.rs`) wrap the types for the layers above.
//!
//! - `value.rs`: names, elements, tags and dots, stamps, edits;
//! - `set.rs`: the trait, prepared ops, refusals and the shared rules;
//! - `merge.rs`: the in-place union and map join every merge is built on;
//! - `view.rs`: the labelled fields a type describes itself with;
//! - `any.rs`: the registry of types;
//! - `facts.rs`: the seed's comparison table, a row of facts per type;
//! - one file per type, opening with its rule.

mod any;
mod facts;
mod gset;
mod lww;
mod merge;
mod naive;
mod order;
mod orset;
mod orswot;
mod pnset;
mod set;
mod twopset;
mod value;
mod view;

#[cfg(test)]
pub(crate) mod testing;

pub use any::{AnyOp, AnySet, Kind};
pub use facts::{PROPERTIES, SEED_TYPES};
pub use gset::GSet;
pub use gset::Op as GSetOp;
pub use lww::Lww;
pub use naive::Naive;
pub use orset::Op as OrSetOp;
pub use orset::{OrSet, TagMap};
pub use orswot::Op as OrswotOp;
pub use orswot::{Clock, Orswot};
pub use pnset::{Counts, PnSet};
pub use set::{Arrival, Mistake, Prepared, Refusal, RemoveUnseen, Rules, SetCrdt, TieBreak};
pub use twopset::Op as TwoPSetOp;
pub use twopset::TwoPSet;
pub use value::{Edit, Elem, ElemOp, Name, Stamp, StampStyle, Tag, hms};
pub use view::{Delta, Field, Leaf, Role, Value};

pub(crate) use merge::{
    join_map, merge_map, new_items, new_keys, part_of, part_of_set, union_into,
};
pub(crate) use view::{entry, scope, set_of, tag_list, tag_map};
