//! The worked-table view (`w`): the history as the seeds' worked table, the very rows `export md`
//! writes (the lab's own `Lab::table`), the row of the step on screen marked and one row chosen.
//! In a lesson the table is the whole lesson's, played on a copy of the player, and choosing a
//! row jumps to its step.

use crate::lab::{Lab, WorkedTable};
use crate::lesson::Player;

/// The tables, and which step each row is.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Worked {
    pub tables: Vec<WorkedTable>,
    /// For each row, counted across the tables in order: the lesson step it shows (none in a
    /// sandbox, where a row is a command).
    pub steps: Vec<Option<usize>>,
    /// The row of what is on screen now.
    pub current: usize,
    /// The chosen row.
    pub chosen: usize,
}

impl Worked {
    /// A sandbox's table: its history so far, the last row current.
    pub fn of_lab(lab: &Lab) -> Worked {
        let tables = lab.table();
        let rows: usize = tables.iter().map(|t| t.rows.len()).sum();
        let current = rows.saturating_sub(1);
        Worked {
            tables,
            steps: vec![None; rows],
            current,
            chosen: current,
        }
    }

    /// A lesson's whole table (every step played on a copy), the current step's row current.
    pub fn of_lesson(player: &Player) -> Worked {
        let mut whole = player.clone();
        let _ = whole.goto(whole.step_count());
        let tables = whole.lab().table();
        let steps = lesson_steps(&tables);
        let current = steps
            .iter()
            .rposition(|s| *s == Some(player.step()))
            .unwrap_or(0);
        Worked {
            tables,
            steps,
            current,
            chosen: current,
        }
    }

    pub fn rows(&self) -> usize {
        self.steps.len()
    }

    /// The line of the view that row `row` is drawn on (each table has a caption and a header).
    pub fn line_of(&self, row: usize) -> usize {
        let (mut line, mut k) = (0, row);
        for table in &self.tables {
            if k < table.rows.len() {
                return line + 2 + k;
            }
            line += table.rows.len() + 2;
            k -= table.rows.len();
        }
        line
    }

    /// The row drawn on line `line` of the view, if a row is drawn there.
    pub fn row_at(&self, line: usize) -> Option<usize> {
        (0..self.rows()).find(|&row| self.line_of(row) == line)
    }
}

/// The step of each row of a lesson's tables: the first `start` row is the title page, each
/// step row the next step, and a later table's `start` row (a step that began with `new`) the
/// step that follows it.
fn lesson_steps(tables: &[WorkedTable]) -> Vec<Option<usize>> {
    let mut step = 0;
    let mut out = vec![];
    for (t, table) in tables.iter().enumerate() {
        for (k, row) in table.rows.iter().enumerate() {
            out.push(match (t, k) {
                (0, 0) => Some(0),
                (_, 0) => Some(step + 1),
                _ if row.step == "…" => None,
                _ => {
                    step += 1;
                    Some(step)
                }
            });
        }
    }
    out
}
