//! The player: walks a lab through a lesson. Entering a step runs `step <title>` and then the
//! step's block; going back is a `Lab::goto` to the previous step boundary (a position in the
//! log). Experiments run on a copy of the lesson's lab, so the next move simply drops them.

use super::{Lesson, Question};
use crate::lab::{Change, Command, Lab};
use crate::script::{self, Action, Failure, Reply};
use std::fmt;

/// What entering a step did: each command with its result, and the experiments rolled back first.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct StepReport {
    pub lines: Vec<(String, Result<Reply, Failure>)>,
    pub rolled_back: Vec<String>,
}

impl StepReport {
    /// The first line that failed (a refusal or a failed expectation), if any.
    pub fn failure(&self) -> Option<&(String, Result<Reply, Failure>)> {
        self.lines.iter().find(|(_, result)| result.is_err())
    }
}

/// The result of answering a question.
#[derive(Clone, Debug, PartialEq)]
pub struct Answered {
    pub correct: bool,
    /// The right choice, 0-based.
    pub right: usize,
    pub explanation: String,
}

/// Why the player did not move.
#[derive(Clone, Debug, PartialEq)]
pub enum PlayError {
    /// The current step's question waits for an answer.
    QuestionPending { choices: usize },
    /// There is no step after the last.
    AtEnd { steps: usize },
    /// There is no step before the title page.
    AtStart,
    /// A jump to a step that does not exist.
    NoSuchStep { step: usize, steps: usize },
    /// An answer with no question waiting.
    NoQuestion,
    /// An answer that is not one of the choices (0-based).
    NoSuchChoice { choice: usize, choices: usize },
}

impl fmt::Display for PlayError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PlayError::QuestionPending { choices } => {
                write!(
                    f,
                    "a question is waiting: answer it with a number from 1 to {choices} first"
                )
            }
            PlayError::AtEnd { steps } => write!(
                f,
                "that was the last step ({steps} of {steps}); there is no next one"
            ),
            PlayError::AtStart => f.write_str("this is the title page; there is no step before it"),
            PlayError::NoSuchStep { step, steps } => {
                write!(
                    f,
                    "there is no step {step}; this lesson has steps 1 to {steps} (0 is the title page)"
                )
            }
            PlayError::NoQuestion => f.write_str("no question is waiting to be answered"),
            PlayError::NoSuchChoice { choice, choices } => {
                write!(
                    f,
                    "there is no choice {}; pick a number from 1 to {choices}",
                    choice.saturating_add(1)
                )
            }
        }
    }
}

impl std::error::Error for PlayError {}

/// How a learner has answered one question.
#[derive(Clone, Copy, Debug, Default)]
struct Attempt {
    first_right: bool,
    solved: bool,
}

/// Plays one lesson on a lab.
#[derive(Clone, Debug)]
pub struct Player {
    lesson: Lesson,
    /// The lesson's own lab: only the setup and step blocks change it.
    lab: Lab,
    /// A copy of the lab for the learner's experiments in this step, if any.
    sandbox: Option<Lab>,
    step: usize,
    /// `ends[k]` is the log position when step k was done (`ends[0]`: after the setup).
    ends: Vec<usize>,
    /// `lines[k]`: what each line of step k + 1 answered when it ran.
    lines: Vec<Vec<(String, Result<Reply, Failure>)>>,
    /// Per step: how its question was answered, if it was.
    attempts: Vec<Option<Attempt>>,
    experiments: Vec<String>,
    setup: StepReport,
}

impl Player {
    /// Open a lesson: its setup runs, and the player stands on the title page (step 0).
    pub fn new(lesson: Lesson) -> Player {
        let mut lab = Lab::new();
        let lines = lesson
            .setup
            .iter()
            .map(|(_, line)| (line.clone(), script::execute(&mut lab, line)))
            .collect();
        let attempts = vec![None; lesson.steps.len()];
        let ends = vec![lab.position()];
        let setup = StepReport {
            lines,
            rolled_back: vec![],
        };
        Player {
            lesson,
            lab,
            sandbox: None,
            step: 0,
            ends,
            lines: vec![],
            attempts,
            experiments: vec![],
            setup,
        }
    }

    pub fn lesson(&self) -> &Lesson {
        &self.lesson
    }

    /// The lab to show: the learner's experiment if one is under way, else the lesson's.
    pub fn lab(&self) -> &Lab {
        self.sandbox.as_ref().unwrap_or(&self.lab)
    }

    /// What the setup commands did when the lesson opened.
    pub fn setup(&self) -> &StepReport {
        &self.setup
    }

    /// 0 on the title page; k once step k has been entered (from 1).
    pub fn step(&self) -> usize {
        self.step
    }

    pub fn step_count(&self) -> usize {
        self.lesson.steps.len()
    }

    /// How many of the lesson's steps ask a question.
    pub fn question_count(&self) -> usize {
        self.lesson
            .steps
            .iter()
            .filter(|s| s.question.is_some())
            .count()
    }

    /// The current step's title (the lesson's title on the title page).
    pub fn title(&self) -> &str {
        match self.current() {
            Some(step) => &step.title,
            None => &self.lesson.title,
        }
    }

    /// The current step's prose (the lesson's intro on the title page).
    pub fn narration(&self) -> &str {
        match self.current() {
            Some(step) => &step.narration,
            None => &self.lesson.intro,
        }
    }

    fn current(&self) -> Option<&super::Step> {
        self.step
            .checked_sub(1)
            .and_then(|k| self.lesson.steps.get(k))
    }

    pub fn at_end(&self) -> bool {
        self.step == self.step_count()
    }

    /// Enter the next step and run its block. Refused while a question waits, or at the end.
    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self) -> Result<StepReport, PlayError> {
        if let Some(q) = self.question() {
            return Err(PlayError::QuestionPending {
                choices: q.choices.len(),
            });
        }
        if self.at_end() {
            return Err(PlayError::AtEnd {
                steps: self.step_count(),
            });
        }
        let rolled_back = self.roll_back();
        let lines = self.enter_next();
        Ok(StepReport { lines, rolled_back })
    }

    /// Run the next step's block from the current step boundary.
    fn enter_next(&mut self) -> Vec<(String, Result<Reply, Failure>)> {
        self.lab.goto(self.ends[self.step]);
        self.ends.truncate(self.step + 1);
        self.lines.truncate(self.step);
        let step = &self.lesson.steps[self.step];
        let _ = self.lab.run(Command::Step(step.title.clone()));
        let lines: Vec<(String, Result<Reply, Failure>)> = step
            .commands
            .iter()
            .map(|(_, line)| (line.clone(), script::execute(&mut self.lab, line)))
            .collect();
        self.step += 1;
        self.ends.push(self.lab.position());
        self.lines.push(lines.clone());
        lines
    }

    /// What each of the current step's lines answered when the step ran (nothing on the title
    /// page): kept, so that coming back to a step shows it again.
    pub fn step_lines(&self) -> &[(String, Result<Reply, Failure>)] {
        let k = self.step.checked_sub(1);
        k.and_then(|k| self.lines.get(k)).map_or(&[], Vec::as_slice)
    }

    /// Back to the previous step boundary (experiments are rolled back too).
    pub fn back(&mut self) -> Result<(), PlayError> {
        if self.step == 0 {
            return Err(PlayError::AtStart);
        }
        self.goto(self.step - 1)
    }

    /// Jump to step `step` (0 is the title page). Forward jumps pass questions by unanswered.
    pub fn goto(&mut self, step: usize) -> Result<(), PlayError> {
        if step > self.step_count() {
            return Err(PlayError::NoSuchStep {
                step,
                steps: self.step_count(),
            });
        }
        self.roll_back();
        if let Some(&position) = self.ends.get(step) {
            self.lab.goto(position);
            self.step = step;
            return Ok(());
        }
        while self.step < step {
            self.enter_next();
        }
        Ok(())
    }

    /// What the current step changed, replica by replica (nothing on the title page).
    pub fn changes(&self) -> Vec<Change> {
        match self.step.checked_sub(1) {
            Some(k) => self.lab.changes_between(self.ends[k], self.ends[self.step]),
            None => vec![],
        }
    }

    /// The current step's question, until it is answered right.
    pub fn question(&self) -> Option<&Question> {
        let k = self.step.checked_sub(1)?;
        let solved = self
            .attempts
            .get(k)
            .copied()
            .flatten()
            .is_some_and(|a| a.solved);
        if solved {
            None
        } else {
            self.lesson.steps.get(k)?.question.as_ref()
        }
    }

    /// Answer the waiting question with a 0-based choice. A wrong answer leaves it waiting.
    pub fn answer(&mut self, choice: usize) -> Result<Answered, PlayError> {
        let q = self.question().ok_or(PlayError::NoQuestion)?;
        if choice >= q.choices.len() {
            return Err(PlayError::NoSuchChoice {
                choice,
                choices: q.choices.len(),
            });
        }
        let answered = Answered {
            correct: choice == q.answer,
            right: q.answer,
            explanation: q.explanation.clone(),
        };
        let slot = &mut self.attempts[self.step - 1];
        let attempt = slot.get_or_insert(Attempt {
            first_right: answered.correct,
            solved: false,
        });
        attempt.solved |= answered.correct;
        Ok(answered)
    }

    /// Give up on the waiting question: it counts as not right the first time, and the right
    /// choice is given, so the lesson can go on.
    pub fn give_up(&mut self) -> Result<Answered, PlayError> {
        let q = self.question().ok_or(PlayError::NoQuestion)?;
        let answered = Answered {
            correct: false,
            right: q.answer,
            explanation: q.explanation.clone(),
        };
        let slot = &mut self.attempts[self.step - 1];
        slot.get_or_insert(Attempt {
            first_right: false,
            solved: false,
        })
        .solved = true;
        Ok(answered)
    }

    /// The current step's question once it has been answered right (or given up on): whether
    /// it was right the first time, and the answer with its explanation.
    pub fn solved(&self) -> Option<(bool, Answered)> {
        let k = self.step.checked_sub(1)?;
        let attempt = self.attempts.get(k).copied().flatten()?;
        let q = self.lesson.steps.get(k)?.question.as_ref()?;
        attempt.solved.then(|| {
            let answered = Answered {
                correct: attempt.first_right,
                right: q.answer,
                explanation: q.explanation.clone(),
            };
            (attempt.first_right, answered)
        })
    }

    /// The step a `go <step>` line asks for, read by the one grammar (every face jumps this way).
    pub fn jump_of(line: &str) -> Option<usize> {
        match script::parse(line) {
            Ok(Some(Action::Go(step))) => Some(step),
            _ => None,
        }
    }

    /// (questions answered right the first time, questions answered at all).
    pub fn score(&self) -> (usize, usize) {
        let tried = self.attempts.iter().flatten();
        (
            tried.clone().filter(|a| a.first_right).count(),
            tried.count(),
        )
    }

    /// Each answered question as (its step, from 1; answered right the first time), for
    /// saved progress.
    pub fn first_answers(&self) -> Vec<(usize, bool)> {
        let answered = self.attempts.iter().enumerate();
        answered
            .filter_map(|(k, a)| a.map(|a| (k + 1, a.first_right)))
            .collect()
    }

    /// Run a line the learner typed, on a copy of the lesson's lab.
    pub fn experiment(&mut self, line: &str) -> Result<Reply, Failure> {
        let lab = self.sandbox.get_or_insert_with(|| self.lab.clone());
        let changes = matches!(
            script::parse(line),
            Ok(Some(
                Action::Change(_) | Action::Undo | Action::Redo | Action::Reset | Action::Load(_)
            ))
        );
        let result = script::execute(lab, line);
        if changes && result.is_ok() {
            self.experiments.push(line.trim().to_string());
        }
        result
    }

    /// The lines typed since entering this step that changed the lab: what next or back rolls back.
    pub fn experiments(&self) -> &[String] {
        &self.experiments
    }

    fn roll_back(&mut self) -> Vec<String> {
        self.sandbox = None;
        std::mem::take(&mut self.experiments)
    }
}
