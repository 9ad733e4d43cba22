//! # Aggregation trees
//!
//! Feng et al.'s layered trees in the simulator: aggregator functions per layer, each invoked
//! once all its children's objects are there. While variance is on, each invocation's overhead
//! is drawn from the platform's measured spread of warm invocations, so a parent waits for its
//! slowest child, and a layer of many aggregators waits longer: Feng's Case A with
//! `simulation.straggler_cv = 0.3` (4 runs) takes 463 s through 1-5-100 and 524 s through
//! 1-25-100, 9 and 17 s more than with variance off. Trees with the same layers and fan-in sum
//! differ only by where the fan-in sits: 1-5-50-100 and 1-10-50-100 come within 1% of each
//! other, less than the spread between seeds (389.0 s for both with variance off).

use super::*;

impl FaasRun<'_> {
    /// A child object of tree layer `layer` arrived: its parent is invoked once all are there.
    pub(super) fn child_arrived(
        &mut self,
        layer: u32,
        index: u32,
        round: u64,
        now: SimTime,
        s: &mut Scheduler<Event>,
    ) {
        let structure = self
            .settings
            .cfg
            .pattern
            .structure()
            .expect("a tree")
            .to_vec();
        let (parents, children) = (structure[layer as usize - 1], structure[layer as usize]);
        let parent = parent_of(index, parents, children);
        let flat = (self.layer_offsets[layer as usize - 1] + parent) as usize;
        let agg = &mut self.aggregators[flat];
        if agg.round != round || agg.waiting_for == 0 {
            agg.round = round;
            agg.waiting_for = agg.children.len() as u32;
        }
        agg.waiting_for -= 1;
        if agg.waiting_for == 0 {
            let invoke_s = self.noise.warm_invoke_s(self.model.profile().warm_invoke_s);
            s.at(now + invoke_s, Event::AggregatorStart(flat as u32));
        }
    }
}

/// Aggregator states of a tree (none for other patterns) and the flat index of each layer's first.
pub(super) fn aggregators(pattern: &Pattern) -> (Vec<AggregatorState>, Vec<u32>) {
    let Some(structure) = pattern.structure() else {
        return (Vec::new(), Vec::new());
    };
    let mut states = Vec::new();
    let mut offsets = Vec::new();
    for (layer, pair) in structure.windows(2).enumerate() {
        offsets.push(states.len() as u32);
        for index in 0..pair[0] {
            states.push(AggregatorState {
                layer: layer as u32,
                index,
                children: children_of(index, pair[0], pair[1]),
                ..AggregatorState::default()
            });
        }
    }
    (states, offsets)
}
