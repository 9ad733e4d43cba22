//! # Rounds computed ahead of the clock
//!
//! Under BSP a run's arithmetic does not depend on when things happen: round r reads the model
//! merged from round r − 1 and nothing else. So while the event loop plays one round's
//! transfers, a producer thread already computes the next rounds in order (each round's workers
//! across cores), merges them and scores the model at epoch ends. The event loop collects each
//! worker's work when its turn comes in virtual time and takes the merged model once the last
//! worker of a round has collected, exactly where an inline trainer would merge. The
//! arithmetic and its order are the inline trainer's, so results are byte-identical; only the
//! wall time changes.

use std::sync::Arc;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::thread::Scope;

use super::data::Math;
use super::trainer::{Trainer, Work, evaluate};
use crate::data::Dataset;

/// Rounds the producer may run ahead of the event loop (bounds the memory held and the work a
/// run that stops early throws away).
const ROUNDS_AHEAD: usize = 4;

/// One round as the producer finished it.
struct Round {
    works: Vec<Work>,
    /// The model merged from this round.
    params: Arc<Vec<f32>>,
    /// The training loss of `params`, when the round ends an epoch.
    loss: Option<f64>,
}

/// What the producer needs to know about the run.
#[derive(Debug, Clone, Copy)]
pub struct Plan {
    /// Rounds planned (a run may end sooner: a target loss, a stop; the event loop then hangs
    /// up, and the producer, at most `ROUNDS_AHEAD` rounds further, ends too).
    pub rounds: u64,
    pub rounds_per_epoch: u64,
}

/// Whether a run may compute ahead here: not on a thread of the shared pool (runs of
/// `simulate --runs` already spread over it, and a pool thread waiting for rounds would hold
/// back the pool that computes them).
pub fn may_compute_ahead() -> bool {
    rayon::current_thread_index().is_none()
}

/// The event loop's side: rounds arriving in order.
pub struct Ahead<'a> {
    rounds: Receiver<Round>,
    /// The round being collected, its number, and how many workers collected it.
    current: Option<(u64, Round)>,
    collected: usize,
    /// The model merged from the last fully collected round, that round and its epoch loss.
    params: Arc<Vec<f32>>,
    merged: Option<(u64, Option<f64>)>,
    /// Rounds received so far: the number of the next.
    received: u64,
    math: &'a Math,
    data: &'a Dataset,
}

impl<'a> Ahead<'a> {
    /// Moves `trainer` to a producer thread of `scope` that computes `plan`'s rounds.
    pub fn spawn<'scope>(
        scope: &'scope Scope<'scope, '_>,
        trainer: Trainer<'a>,
        plan: Plan,
    ) -> Ahead<'a>
    where
        'a: 'scope,
    {
        let (math, data) = trainer.parts();
        let params = Arc::new(trainer.params().to_vec());
        let (sender, rounds) = sync_channel(ROUNDS_AHEAD);
        scope.spawn(move || produce(trainer, plan, &sender));
        Ahead {
            rounds,
            current: None,
            collected: 0,
            params,
            merged: None,
            received: 0,
            math,
            data,
        }
    }

    /// Worker `j`'s work in round `round`; the round's merged model takes over once every
    /// worker has collected.
    pub fn compute(&mut self, j: usize, round: u64) -> Work {
        let (number, now) = self.current.get_or_insert_with(|| {
            let next = self
                .rounds
                .recv()
                .expect("the producer computes every round the event loop asks for");
            self.received += 1;
            self.collected = 0;
            (self.received - 1, next)
        });
        debug_assert_eq!(*number, round, "BSP workers compute rounds in order");
        let work = now.works[j];
        let workers = now.works.len();
        self.collected += 1;
        if self.collected == workers {
            let (number, done) = self.current.take().expect("the current round");
            self.params = done.params;
            self.merged = Some((number, done.loss));
        }
        work
    }

    /// The model merged from the last fully collected round (the initial one before).
    pub fn params(&self) -> &[f32] {
        &self.params
    }

    /// The training loss of the current model, which round `round` merged: computed ahead
    /// when that round ended an epoch, else now.
    pub fn merged_loss(&self, round: u64) -> f64 {
        match self.merged {
            Some((number, Some(loss))) if number == round => loss,
            _ => self.train_loss(&self.params),
        }
    }

    /// The training loss of `params`, computed now.
    pub fn train_loss(&self, params: &[f32]) -> f64 {
        evaluate(self.math, params, self.data).0
    }
}

/// Computes rounds in order until the plan's last, or until the event loop hangs up. It does
/// not stop at a target loss: workers that began the next round before the loss was known
/// still compute it, as they do inline.
fn produce(mut trainer: Trainer, plan: Plan, sender: &SyncSender<Round>) {
    let workers = trainer.workers();
    for round in 0..plan.rounds {
        let works = (0..workers).map(|j| trainer.compute(j, round)).collect();
        let ends_epoch = (round + 1).is_multiple_of(plan.rounds_per_epoch.max(1));
        let loss = ends_epoch.then(|| trainer.train_loss(trainer.params()));
        let params = Arc::new(trainer.params().to_vec());
        if sender
            .send(Round {
                works,
                params,
                loss,
            })
            .is_err()
        {
            return;
        }
    }
}

/// The arithmetic of a run: computed inline as the event loop asks, or ahead of it (BSP).
pub enum Arithmetic<'a> {
    Inline(Trainer<'a>),
    Ahead(Ahead<'a>),
}

impl Arithmetic<'_> {
    /// Worker `j`'s synchronous round `round`.
    pub fn compute(&mut self, j: usize, round: u64) -> Work {
        match self {
            Arithmetic::Inline(trainer) => trainer.compute(j, round),
            Arithmetic::Ahead(ahead) => ahead.compute(j, round),
        }
    }

    /// Worker `j`'s asynchronous round on the model it read (inline only: asynchronous rounds
    /// depend on the clock).
    pub fn compute_async(&mut self, j: usize, round: u64, snapshot: &[f32]) -> (Work, Vec<f32>) {
        match self {
            Arithmetic::Inline(trainer) => trainer.compute_async(j, round, snapshot),
            Arithmetic::Ahead(_) => {
                unreachable!("only synchronous runs compute ahead of the clock")
            }
        }
    }

    /// The merged model (BSP) or the initial one.
    pub fn params(&self) -> &[f32] {
        match self {
            Arithmetic::Inline(trainer) => trainer.params(),
            Arithmetic::Ahead(ahead) => ahead.params(),
        }
    }

    /// The training loss of the merged model, which round `round` merged.
    pub fn merged_loss(&self, round: u64) -> f64 {
        match self {
            Arithmetic::Inline(trainer) => trainer.train_loss(trainer.params()),
            Arithmetic::Ahead(ahead) => ahead.merged_loss(round),
        }
    }

    /// The training loss of `params`.
    pub fn train_loss(&self, params: &[f32]) -> f64 {
        match self {
            Arithmetic::Inline(trainer) => trainer.train_loss(params),
            Arithmetic::Ahead(ahead) => ahead.train_loss(params),
        }
    }
}
