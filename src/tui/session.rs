//! The session: the lab on screen (a free one, or a lesson's through its player) and everything
//! derived from it for drawing: the view, what the last change did, the narration, what the
//! current step's commands did, the answers to queries, the timeline. Drawing only reads these;
//! they are worked out again whenever the lab changes, so nothing on screen goes stale.

use super::diff::Changes;
use super::markdown::{self, Block, Kind as Run};
use super::measure::widest_entry;
use crate::lab::{Comparison, Entry, Lab, LabView, Timeline, WorkedTable};
use crate::lesson::{Answered, Player};
use crate::script::render;
use crate::script::{self, Action, Failure, Format, Reply};

/// The lab being shown.
pub enum Source {
    Sandbox(Lab),
    Lesson(Box<Player>),
}

/// The answer to a query on screen, with the line that asked it, so that it can be asked again
/// when the lab changes.
#[derive(Clone, Debug, PartialEq)]
pub struct Answer {
    pub line: String,
    pub result: Result<Reply, Failure>,
    /// The command after which the line was asked again, if the lab changed since it was typed.
    pub after: Option<String>,
    /// For `export md`: the worked tables, as data to draw.
    pub worked: Vec<WorkedTable>,
}

impl Answer {
    pub fn new(
        lab: &Lab,
        line: &str,
        result: Result<Reply, Failure>,
        after: Option<String>,
    ) -> Answer {
        let worked = match &result {
            Ok(Reply::Exported {
                format: Format::Markdown,
                path: None,
                ..
            }) => lab.table(),
            _ => vec![],
        };
        Answer {
            line: line.to_string(),
            result,
            after,
            worked,
        }
    }
}

/// A question on screen: its prompt, the wrong choices tried, and the answer once it is
/// answered right (or given up on, or was answered on an earlier visit to the step).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Quiz {
    pub prompt: Vec<Block>,
    /// The step whose question this is.
    pub step: Option<usize>,
    /// Wrong choices tried so far (0-based), each marked ✗ while the learner tries again.
    pub tried: Vec<usize>,
    pub answered: Option<(usize, Answered)>,
    pub explanation: Vec<Block>,
    pub how: Solved,
}

/// How the question on screen came to be answered.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Solved {
    /// Answered right just now.
    #[default]
    Now,
    /// The learner gave up and was shown the answer.
    GaveUp,
    /// Answered on an earlier visit to this step (right the first time, or not).
    Before { first_right: bool },
}

pub struct Session {
    pub source: Source,
    pub view: LabView,
    /// What the last command, move or step changed, replica by replica, field by field.
    pub changes: Changes,
    /// The narration (or the sandbox's tips), then what the step's commands did.
    pub narration: Vec<Block>,
    /// What the current step's commands did, read off the log when the step was entered.
    pub report: Vec<Block>,
    /// The answers of the current step's queries (lookup, explain, compare ...).
    pub step_answers: Vec<Answer>,
    /// The answer shown in the side panel or an answer overlay.
    pub answer: Option<Answer>,
    pub compare: Vec<Comparison>,
    pub timeline: Timeline,
    pub quiz: Quiz,
    /// The worked-table view (`w`), built when it opens.
    pub worked: super::worked::Worked,
    /// The widest entry of each field of each replica, so a panel can choose its indent
    /// without measuring every entry on every frame.
    pub widest: Vec<Vec<usize>>,
    /// Each replica's gauge (live entries, metadata, bytes, metadata history), in panel order,
    /// worked out when the lab changes, only for the replicas that changed.
    pub gauges: Vec<Gauge>,
    /// What the last `explore` found, listed by the outcomes view.
    pub outcomes: Option<super::outcomes::Outcomes>,
}

/// What a replica costs, as its panel shows it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Gauge {
    pub name: String,
    /// Visible elements.
    pub live: usize,
    /// Pieces of metadata stored.
    pub metadata: usize,
    /// The state as JSON, in bytes.
    pub bytes: usize,
    /// The metadata after each command, oldest first, the last [`GAUGE_POINTS`] kept.
    pub history: Vec<usize>,
}

/// The most points of metadata history a panel's sparkline keeps.
pub const GAUGE_POINTS: usize = 32;

/// The longest lab history whose metadata history a full refresh replays to start the gauges'
/// sparklines; a longer one starts them from the present.
pub const GAUGE_REPLAY: usize = 500;

/// What the sandbox's side panel says before anything is asked.
pub const SANDBOX_TIPS: &str = "**The sandbox.** Type `:` then a command, for example:\n\n\
- `A add x` — add on replica A (or Tab to a replica, then `a x`)\n\
- `B merge A` — B absorbs A's state\n\
- `partition A | B`, `send A B`, `deliver`, `heal`\n\
- `new lww A B C` — start over with another type\n\n\
Press `c` to compare every type, `t` for the timeline, `?` for help.";

/// The longest history the wide screen's timeline follows after every command; longer ones are
/// drawn when `t` opens the timeline.
pub const LIVE_TIMELINE: usize = 2_000;

impl Session {
    pub fn new(source: Source) -> Session {
        let view = match &source {
            Source::Sandbox(lab) => lab.view(),
            Source::Lesson(player) => player.lab().view(),
        };
        Session {
            source,
            view,
            changes: Changes::default(),
            narration: vec![],
            report: vec![],
            step_answers: vec![],
            answer: None,
            compare: vec![],
            timeline: Timeline::default(),
            quiz: Quiz::default(),
            worked: Default::default(),
            widest: vec![],
            gauges: vec![],
            outcomes: None,
        }
    }

    pub fn lab(&self) -> &Lab {
        match &self.source {
            Source::Sandbox(lab) => lab,
            Source::Lesson(player) => player.lab(),
        }
    }

    pub fn player(&self) -> Option<&Player> {
        match &self.source {
            Source::Lesson(player) => Some(player),
            Source::Sandbox(_) => None,
        }
    }

    pub fn player_mut(&mut self) -> Option<&mut Player> {
        match &mut self.source {
            Source::Lesson(player) => Some(player),
            Source::Sandbox(_) => None,
        }
    }

    /// The lesson's title and (step, steps), if this is a lesson.
    pub fn lesson(&self) -> Option<(&str, usize, usize)> {
        let p = self.player()?;
        Some((&p.lesson().title, p.step(), p.step_count()))
    }

    /// A typed line: straight to the lab in the sandbox, an experiment in a lesson.
    pub fn execute(&mut self, line: &str) -> Result<Reply, Failure> {
        match &mut self.source {
            Source::Sandbox(lab) => script::execute(lab, line),
            Source::Lesson(player) => player.experiment(line),
        }
    }

    /// The replica names, in panel order.
    pub fn focused(&self, focus: usize) -> Option<&str> {
        self.view.replicas.get(focus).map(|r| r.name.as_str())
    }

    /// Work out again what drawing reads: the view, the narration, the step's answers and, when
    /// it is on screen, the timeline. Returns the view as it was.
    pub fn refresh(&mut self, timeline: bool) -> LabView {
        self.refresh_after(timeline, None)
    }

    /// `refresh` after a command that changed the states of the replicas in `changed` only (see
    /// `World::view_after`): the others keep their described fields, so the cost is what changed.
    /// The view returned then holds only the changed replicas' fields as they were.
    pub fn refresh_after(&mut self, timeline: bool, changed: Option<&[&str]>) -> LabView {
        let lab = match &self.source {
            Source::Sandbox(lab) => lab,
            Source::Lesson(player) => player.lab(),
        };
        let kept = changed.and_then(|c| lab.world().view_after(&mut self.view, c));
        let now = kept.unwrap_or_else(|| lab.view());
        let before = std::mem::replace(&mut self.view, now);
        let widest = |r: &crate::lab::ReplicaView| -> Vec<usize> {
            r.fields.iter().map(|f| widest_entry(&f.value)).collect()
        };
        let old = std::mem::take(&mut self.widest);
        self.widest = (self.view.replicas.iter().enumerate())
            .map(|(i, r)| match (changed, old.get(i)) {
                (Some(c), Some(w)) if !c.contains(&r.name.as_str()) => w.clone(),
                _ => widest(r),
            })
            .collect();
        self.gauges = self.gauges_after(changed);
        self.narration = self.narration_blocks();
        self.step_answers = self.ask_step_queries();
        self.timeline = if timeline {
            self.lab().timeline()
        } else {
            Timeline::default()
        };
        self.quiz.explanation = self
            .quiz
            .answered
            .as_ref()
            .map(|(_, a)| markdown::parse(&a.explanation))
            .unwrap_or_default();
        before
    }

    /// The gauges after a refresh: worked out again for the replicas in `changed` (all of them
    /// when `None`), kept for the others; after a command each history gains the metadata now.
    /// A full refresh starts the histories from the lab's own when its log is short enough to
    /// replay.
    fn gauges_after(&self, changed: Option<&[&str]>) -> Vec<Gauge> {
        let lab = self.lab();
        let world = lab.world();
        let histories = match changed {
            None if lab.history().len() <= GAUGE_REPLAY => lab.metadata_history(),
            _ => Default::default(),
        };
        let views = self.view.replicas.iter();
        let gauges = views.zip(&world.replicas).map(|(view, replica)| {
            let old = self.gauges.iter().find(|g| g.name == view.name);
            let fresh = changed.is_none_or(|c| c.contains(&view.name.as_str()));
            let mut gauge = match old {
                Some(g) if !fresh => g.clone(),
                _ => Gauge {
                    name: view.name.clone(),
                    live: replica.set.elements().len(),
                    metadata: view.meta_size,
                    bytes: crate::lab::json_bytes(&view.fields),
                    history: old.map(|g| g.history.clone()).unwrap_or_default(),
                },
            };
            let last = gauge.history.last().copied();
            match histories.get(&view.name) {
                Some(h) => gauge.history = h.clone(),
                // A full refresh of a long log (a move, a resize, an overlay) adds a point only
                // when the metadata moved, so redrawing leaves no trace in the history.
                None if changed.is_none() && last == Some(view.meta_size) => {}
                None => gauge.history.push(view.meta_size),
            }
            let extra = gauge.history.len().saturating_sub(GAUGE_POINTS);
            gauge.history.drain(..extra);
            gauge
        });
        gauges.collect()
    }

    /// After a move between steps: what the step now shown changed and what its commands did.
    pub fn entered_step(&mut self) {
        let (changes, report) = match self.player() {
            Some(p) => (p.changes(), step_report(p.step_lines())),
            None => (vec![], vec![]),
        };
        let (before, now) = (self.step_start(), self.lab().view());
        self.changes = Changes::of(&changes, before.as_ref(), &now);
        self.report = report;
    }

    /// The lab as it was when the current step began (before its `step` entry).
    fn step_start(&self) -> Option<LabView> {
        let lab = self.lab();
        let start = lab.history().iter().rposition(is_step)?;
        let mut before = lab.clone();
        before.goto(start);
        Some(before.view())
    }

    /// After the lab changed (by `command`), ask the answer on screen again.
    pub fn ask_again(&mut self, command: &str) {
        let Some(answer) = self.answer.take() else {
            return;
        };
        let result = self.query(&answer.line);
        let after = Some(command.to_string());
        self.answer = Some(Answer::new(self.lab(), &answer.line, result, after));
    }

    /// Run a query line on the lab on screen. Queries do not change a lab; a lesson's lab is
    /// the player's to change, so a lesson is asked on a copy (lesson labs are small).
    fn query(&mut self, line: &str) -> Result<Reply, Failure> {
        match &mut self.source {
            Source::Sandbox(lab) => query(lab, line),
            Source::Lesson(player) => query(&mut player.lab().clone(), line),
        }
    }

    fn narration_blocks(&self) -> Vec<Block> {
        let Source::Lesson(p) = &self.source else {
            return markdown::parse(SANDBOX_TIPS);
        };
        if p.step() == 0 {
            let text = format!(
                "## {}\n\n{}\n\n*Press → to begin.*",
                p.title(),
                p.narration()
            );
            return markdown::parse(&text);
        }
        let end = match (p.at_end(), p.question().is_some()) {
            (true, true) => "\n\n*The last step: → asks its question, q leaves, ← goes back.*",
            (true, false) => "\n\n*The last step: q leaves, ← goes back.*",
            (false, _) => "",
        };
        let text = format!("## {}. {}{end}\n\n{}", p.step(), p.title(), p.narration());
        let mut blocks = markdown::parse(&text);
        blocks.extend(self.report.iter().cloned());
        blocks
    }

    /// The answers of the current step's queries, asked of the lab on screen (so an experiment
    /// shows in them, and going back to a step shows its answers again).
    fn ask_step_queries(&self) -> Vec<Answer> {
        let Some(p) = self.player() else {
            return vec![];
        };
        let Some(step) = p
            .step()
            .checked_sub(1)
            .and_then(|k| p.lesson().steps.get(k))
        else {
            return vec![];
        };
        let after = p.experiments().last().cloned();
        let mut lab = p.lab().clone();
        let lines = step.commands.iter().map(|(_, line)| line);
        let queries =
            lines.filter(|line| matches!(script::parse(line), Ok(Some(a)) if is_query(&a)));
        queries
            .map(|line| {
                let result = query(&mut lab, line);
                Answer::new(&lab, line, result, after.clone())
            })
            .collect()
    }
}

/// Answer a query line (anything else answers nothing).
fn query(lab: &mut Lab, line: &str) -> Result<Reply, Failure> {
    match script::parse(line)?.filter(is_query) {
        Some(action) => script::act(lab, action),
        None => Ok(Reply::Nothing),
    }
}

/// Queries answer from the lab without changing it; an export to a file is not one.
pub fn is_query(action: &Action) -> bool {
    matches!(
        action,
        Action::Lookup(..)
            | Action::Explain(..)
            | Action::Show(..)
            | Action::ShowMessage(_)
            | Action::Compare
            | Action::Export(_, None)
    )
}

fn is_step(entry: &Entry) -> bool {
    matches!(entry.command, crate::lab::Command::Step(_))
}

/// What the current step's commands did, as the player kept it: each command with its notes,
/// refusals (an expected one too), messages sent and what each delivery changed.
fn step_report(lines: &[(String, Result<Reply, Failure>)]) -> Vec<Block> {
    let said: Vec<Block> = lines
        .iter()
        .flat_map(|(line, result)| line_blocks(line, result))
        .collect();
    if said.is_empty() {
        return vec![];
    }
    let mut blocks = vec![Block {
        indent: 0,
        gap: true,
        runs: vec![("What this step ran".to_string(), Run::Strong)],
    }];
    blocks.extend(said);
    blocks
}

fn line_blocks(line: &str, result: &Result<Reply, Failure>) -> Vec<Block> {
    let block = |runs: Vec<(String, Run)>| Block {
        indent: 4,
        gap: false,
        runs,
    };
    let head = block(vec![
        ("• ".to_string(), Run::Bullet),
        (render::escape(line).into_owned(), Run::Code),
    ]);
    match result {
        Ok(Reply::Changed { applied, .. }) => {
            let mut out = vec![head];
            out.extend(
                applied_lines(applied)
                    .into_iter()
                    .map(|(text, run)| block(vec![(text, run)])),
            );
            out
        }
        Ok(Reply::Passed {
            refusal: Some(rule),
            ..
        }) => vec![
            head,
            block(vec![(
                format!("  refused, as expected: {rule}"),
                Run::Refused,
            )]),
        ],
        Err(failure) => vec![head, block(vec![(format!("  {failure}"), Run::Refused)])],
        Ok(_) => vec![],
    }
}

/// What an accepted command did, line by line: notes, messages sent, deliveries.
fn applied_lines(applied: &crate::lab::Applied) -> Vec<(String, Run)> {
    let mut out = vec![];
    for note in &applied.notes {
        out.push((format!("  note: {note}"), Run::Note));
    }
    for sent in &applied.sent {
        let text = format!(
            "  #{} {} → {} is in flight",
            sent.number, sent.from, sent.to
        );
        out.push((text, Run::Text));
    }
    for d in &applied.deliveries {
        let what = match d.delta.is_empty() {
            true => format!("nothing new for {}", d.to),
            false => render::delta(&d.to, &d.delta),
        };
        let text = format!("  delivered #{} {} → {}: {what}", d.number, d.from, d.to);
        out.push((text, Run::Text));
    }
    out
}
