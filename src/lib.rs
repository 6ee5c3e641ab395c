//! crdt-lab: a terminal lab for learning set CRDTs. The layers, from the bottom up:
//! `crdt` (pure set types), then the lab, the command language, lessons and the faces.
#![forbid(unsafe_code)]

pub mod check;
pub mod config;
pub mod crdt;
pub mod exit;
pub mod grade;
pub mod lab;
pub mod lesson;
pub mod node;
pub mod plain;
pub mod progress;
pub mod repl;
pub mod script;
pub mod term;
pub mod tui;
