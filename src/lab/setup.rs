//! What a law check runs on: a set type, its replicas and the options set on them (mistakes
//! included), read off a lab or made fresh, and the lines that make such a lab.

use super::{ClockMode, Command, Setting, SyncMode, World};
use crate::crdt::{Kind, Rules};

/// What a check runs on: a type, its replicas and the options set on them (mistakes included).
#[derive(Clone, Debug, PartialEq)]
pub struct Setup {
    pub kind: Kind,
    pub replicas: Vec<String>,
    /// `option` commands run after `new`.
    pub options: Vec<Command>,
    /// A replica no history touches, which keeps an earlier state in an inflation story.
    pub spare: String,
}

impl Setup {
    /// A type with replicas A B C and no options.
    pub fn new(kind: Kind) -> Setup {
        Setup::with(kind, vec!["A".into(), "B".into(), "C".into()], vec![])
    }

    fn with(kind: Kind, replicas: Vec<String>, options: Vec<Command>) -> Setup {
        let taken = |n: &str| replicas.iter().any(|r| r.eq_ignore_ascii_case(n));
        let spare = ["old", "before", "earlier"]
            .into_iter()
            .find(|n| !taken(n))
            .unwrap_or("old-state")
            .to_string();
        Setup {
            kind,
            replicas,
            options,
            spare,
        }
    }

    /// The current lab's type, its first three replicas (two at least) and their options.
    pub fn of(world: &World) -> Setup {
        let mut replicas: Vec<String> = world.names().into_iter().take(3).collect();
        for extra in ["A", "B", "C", "D"] {
            let taken = replicas.iter().any(|r| r.eq_ignore_ascii_case(extra));
            if replicas.len() < 2 && !taken {
                replicas.push(extra.into());
            }
        }
        let mut options = vec![];
        if world.sync == SyncMode::Ops {
            options.push(lab_option(Setting::Sync(SyncMode::Ops)));
        }
        if world.clock == ClockMode::Wall {
            options.push(lab_option(Setting::Clock(ClockMode::Wall)));
        }
        let rules: Vec<(String, Rules)> = replicas
            .iter()
            .map(|n| {
                (
                    n.clone(),
                    world.replica(n).map(|r| r.rules).unwrap_or_default(),
                )
            })
            .collect();
        options.extend(rule_options(&rules));
        Setup::with(world.kind, replicas, options)
    }

    /// The lines that make the lab: `new`, with the spare replica when asked, then the options.
    pub fn commands(&self, spare: bool) -> Vec<Command> {
        let mut replicas = self.replicas.clone();
        if spare {
            replicas.push(self.spare.clone());
        }
        let new = Command::New {
            kind: self.kind,
            replicas,
        };
        std::iter::once(new).chain(self.options.clone()).collect()
    }

    pub(super) fn world(&self) -> World {
        let mut world = World::default();
        for command in self.commands(true) {
            let _ = world.replay(&command);
        }
        world
    }

    /// Options and sync mode in words: `state sync, option mistake reuse-tags`.
    pub fn options_text(&self) -> String {
        let sync = match self.options.iter().any(|c| {
            matches!(
                c,
                Command::Option {
                    setting: Setting::Sync(SyncMode::Ops),
                    ..
                }
            )
        }) {
            true => "op-based sync",
            false => "state sync",
        };
        let mut parts = vec![sync.to_string()];
        parts.extend(self.options.iter().filter_map(|c| match c {
            Command::Option {
                setting: Setting::Sync(_),
                ..
            } => None,
            other => Some(other.to_string()),
        }));
        parts.join(", ")
    }
}

pub(super) fn lab_option(setting: Setting) -> Command {
    Command::Option {
        setting,
        replicas: vec![],
    }
}

/// The `option` lines that give each replica its rules: once for all when they share them.
fn rule_options(rules: &[(String, Rules)]) -> Vec<Command> {
    let all_same = rules.windows(2).all(|w| w[0].1 == w[1].1);
    let default = Rules::default();
    let settings = |r: &Rules| {
        let mut out = vec![];
        if r.tiebreak != default.tiebreak {
            out.push(Setting::TieBreak(r.tiebreak));
        }
        if r.remove_unseen != default.remove_unseen {
            out.push(Setting::RemoveUnseen(r.remove_unseen));
        }
        if r.mistake != default.mistake {
            out.push(Setting::Mistake(r.mistake));
        }
        out
    };
    match (all_same, rules.first()) {
        (true, Some((_, r))) => settings(r).into_iter().map(lab_option).collect(),
        _ => rules
            .iter()
            .flat_map(|(name, r)| {
                settings(r).into_iter().map(|setting| Command::Option {
                    setting,
                    replicas: vec![name.clone()],
                })
            })
            .collect(),
    }
}
