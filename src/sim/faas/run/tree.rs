//! # Aggregation trees
//!
//! Feng et al.'s layered trees in the simulator: aggregator functions per layer, each invoked
//! once all its children's objects are there.

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
            s.at(
                now + self.model.profile().warm_invoke_s,
                Event::AggregatorStart(flat as u32),
            );
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
