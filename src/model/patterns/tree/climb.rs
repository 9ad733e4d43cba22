//! # A round's climb up the tree, aggregator by aggregator
//!
//! Each aggregator is invoked once its own children's objects are stored (not once its whole
//! layer's are), GETs them one after another, merges and PUTs. Where the service limits request
//! units (DynamoDB), every request waits at its operation's limit in the order the requests
//! come, the workers' and the aggregators' alike, as the simulator's channel admits them: an
//! aggregator's invocation and reads then overlap the workers' writes still queued, and only
//! its own write waits behind them.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::super::RoundContext;
use super::super::rhythm::Instant;
use super::super::script::{children_of, parent_of};
use crate::model::link::Op;

/// What is due to happen in a climb.
#[derive(Clone, Copy)]
enum Request {
    /// A worker's contribution.
    Contribution { worker: usize },
    /// The `child`-th read of aggregator `index` of `layer` (0: the root).
    Read {
        layer: usize,
        index: usize,
        child: u32,
    },
    /// The merged object of aggregator `index` of `layer`.
    Write { layer: usize, index: usize },
}

/// The tree's layer sizes (root first) with each node's state during one round's climb.
pub(super) struct Climb<'c, 'a> {
    ctx: &'c RoundContext<'a>,
    layers: &'c [u32],
    /// Children still to be stored, per aggregator, layer by layer from the root.
    waiting: Vec<Vec<u32>>,
    /// When each node's object is stored, layer by layer from the root (the workers last).
    stored: Vec<Vec<f64>>,
    put_free_s: f64,
    get_free_s: f64,
    /// Requests due, earliest first; at the same moment, the first made first. The workers'
    /// contributions, made first of all, wait in `arrivals` (sorted once), so the queue holds
    /// only the aggregators' requests: at most one per aggregator.
    due: BinaryHeap<Reverse<(Instant, usize)>>,
    requests: Vec<Request>,
    /// The contributions by when they want to start (then by worker), and the next one due.
    arrivals: Vec<(Instant, usize)>,
    next_arrival: usize,
}

impl<'c, 'a> Climb<'c, 'a> {
    /// The climb through `layers` whose write limit is busy until `put_free_s`.
    pub(super) fn new(ctx: &'c RoundContext<'a>, layers: &'c [u32], put_free_s: f64) -> Self {
        let waiting = layers
            .windows(2)
            .map(|pair| {
                (0..pair[0])
                    .map(|a| children_of(a, pair[0], pair[1]).len() as u32)
                    .collect()
            })
            .collect();
        Climb {
            ctx,
            layers,
            waiting,
            stored: layers.iter().map(|&n| vec![0.0; n as usize]).collect(),
            put_free_s,
            get_free_s: f64::NEG_INFINITY,
            due: BinaryHeap::new(),
            requests: Vec::new(),
            arrivals: Vec::new(),
            next_arrival: 0,
        }
    }

    /// When the root's result is stored, the workers' contributions wanting to be PUT at
    /// `ready` (one time a worker): that, when each contribution was stored, and when the
    /// write limit is free again.
    pub(super) fn run(mut self, ready: &[f64]) -> (f64, Vec<f64>, f64) {
        for (worker, &t) in ready.iter().enumerate() {
            self.arrivals.push((Instant(t), worker));
            self.requests.push(Request::Contribution { worker });
        }
        // Usually they come in worker order already (the rhythm follows them so).
        if !self.arrivals.is_sorted() {
            self.arrivals.sort_unstable();
        }
        while let Some((Instant(t), i)) = self.pop() {
            match self.requests[i] {
                Request::Contribution { worker } => {
                    let done = self.write(t, self.ctx.workers);
                    self.store(self.layers.len() - 1, worker, done);
                }
                Request::Read {
                    layer,
                    index,
                    child,
                } => self.read(t, layer, index, child),
                Request::Write { layer, index } => {
                    let done = self.write(t, f64::from(self.layers[layer]));
                    self.store(layer, index, done);
                }
            }
        }
        let workers = self.stored.pop().unwrap_or_default();
        (self.stored[0][0], workers, self.put_free_s)
    }

    /// The request due next: the earlier of the next contribution and the queue's first (at
    /// the same moment, the one made first).
    fn pop(&mut self) -> Option<(Instant, usize)> {
        let arrival = self.arrivals.get(self.next_arrival).copied();
        let queued = self.due.peek().map(|Reverse(r)| *r);
        match (arrival, queued) {
            (Some(a), Some(q)) if q < a => self.due.pop().map(|Reverse(r)| r),
            (Some(a), _) => {
                self.next_arrival += 1;
                Some(a)
            }
            (None, _) => self.due.pop().map(|Reverse(r)| r),
        }
    }

    fn push(&mut self, t: f64, request: Request) {
        self.due.push(Reverse((Instant(t), self.requests.len())));
        self.requests.push(request);
    }

    /// A PUT wanting to start at `t` among `concurrent` writers: admitted at the limit, then
    /// moved; returns when it is stored.
    fn write(&mut self, t: f64, concurrent: f64) -> f64 {
        let (link, bytes) = (self.ctx.link, self.ctx.bytes);
        let start = t.max(self.put_free_s);
        self.put_free_s = start + link.stagger_s(Op::Put, 2.0, bytes);
        start + link.transfer_s(bytes, concurrent)
    }

    /// Node `index` of `layer` is stored at `t`: its parent starts once all its children are.
    fn store(&mut self, layer: usize, index: usize, t: f64) {
        self.stored[layer][index] = t;
        if layer == 0 {
            return;
        }
        let (parents, children) = (self.layers[layer - 1], self.layers[layer]);
        let parent = parent_of(index as u32, parents, children) as usize;
        let waiting = &mut self.waiting[layer - 1][parent];
        *waiting -= 1;
        if *waiting == 0 {
            let start = t + self.ctx.invoke_s;
            self.push(
                start,
                Request::Read {
                    layer: layer - 1,
                    index: parent,
                    child: 0,
                },
            );
        }
    }

    /// Aggregator `index` of `layer` reads its `child`-th child at `t`; after the last it
    /// merges and writes.
    fn read(&mut self, t: f64, layer: usize, index: usize, child: u32) {
        let (link, bytes) = (self.ctx.link, self.ctx.bytes);
        let start = t.max(self.get_free_s);
        self.get_free_s = start + link.stagger_s(Op::Get, 2.0, bytes);
        let done = start + link.transfer_s(bytes, f64::from(self.layers[layer]));
        let fan_in = children_of(index as u32, self.layers[layer], self.layers[layer + 1]).len();
        if (child as usize) + 1 < fan_in {
            let next = child + 1;
            self.push(
                done,
                Request::Read {
                    layer,
                    index,
                    child: next,
                },
            );
        } else {
            let merged = done + fan_in as f64 * bytes / self.ctx.merge_bytes_per_s;
            self.push(merged, Request::Write { layer, index });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::super::test_support::{ctx, link, profile};
    use super::*;
    use approx::assert_relative_eq;

    #[test]
    fn without_limits_the_climb_is_fengs_layer_sum() {
        let (link, profile) = (link(), profile());
        let c = ctx(&link, &profile, 4.0);
        let (result_s, stored, _) = Climb::new(&c, &[1, 2, 4], f64::NEG_INFINITY).run(&[0.0; 4]);
        // Contributions stored after 20 ms; each layer: invocation 0.1 s, GETs of 20 ms per
        // child, merge 1 ms per MB, PUT 20 ms.
        let layer = |fan_in: f64| 0.1 + fan_in * 0.02 + fan_in * 0.001 + 0.02;
        assert_relative_eq!(result_s, 0.02 + layer(2.0) + layer(2.0), epsilon = 1e-12);
        assert!(stored.iter().all(|&t| (t - 0.02).abs() < 1e-12));
    }

    #[test]
    fn under_a_write_limit_an_aggregator_starts_while_later_contributions_queue() {
        let mut limited = link();
        limited.put_unit_bytes = Some(1e6);
        limited.put_units_per_s = Some(20.0); // one 1 MB object admitted every 50 ms
        let profile = profile();
        let c = ctx(&limited, &profile, 4.0);
        let (result_s, stored, put_free_s) =
            Climb::new(&c, &[1, 2, 4], f64::NEG_INFINITY).run(&[0.0; 4]);
        // Contributions admitted at 0, 50, 100, 150 ms, stored 20 ms later. Aggregator 0 has
        // its children at 70 ms, starts at 170 ms, reads them (40 ms), merges (2 ms) and writes
        // at 212 ms; aggregator 1 writes at 312 ms; the root starts at 432 ms and stores the
        // result at 494 ms. Layer after layer (each once the one below is stored, its writes a
        // slot apart) it would be 170 + 142 + 50 + 20 + 162 = 544 ms.
        assert_relative_eq!(stored[3], 0.17, epsilon = 1e-12);
        assert_relative_eq!(result_s, 0.494, epsilon = 1e-12);
        assert_relative_eq!(put_free_s, 0.524, epsilon = 1e-12);
    }
}
