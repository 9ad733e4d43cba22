//! # Object keys
//!
//! The names of the objects workers and aggregators exchange in one round, packed into a u64
//! (kind, round, two indices) so a store can hash them cheaply. Pattern scripts name their
//! objects with them; the simulator's store and channel key their state by them.

/// What an object is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Worker a's gradient (or model, or ADMM pair) of a round.
    Contribution = 1,
    /// The merged result of a round.
    Result = 2,
    /// Worker a's piece of shard b (ScatterReduce).
    Piece = 3,
    /// The merged shard a (ScatterReduce).
    Merged = 4,
    /// Aggregator b of tree layer a.
    Aggregate = 5,
    /// The shared model (asynchronous protocols), version = round field.
    Model = 6,
    /// Worker a's checkpoint.
    Checkpoint = 7,
    /// The barrier at the end of epoch `round` (HSP).
    Barrier = 8,
    /// Worker a's update has been applied by the parameter server.
    Applied = 9,
    /// Every worker has finished round `round`.
    AllDone = 10,
}

impl Kind {
    fn from_u8(v: u8) -> Option<Kind> {
        const ALL: [Kind; 10] = [
            Kind::Contribution,
            Kind::Result,
            Kind::Piece,
            Kind::Merged,
            Kind::Aggregate,
            Kind::Model,
            Kind::Checkpoint,
            Kind::Barrier,
            Kind::Applied,
            Kind::AllDone,
        ];
        ALL.into_iter().find(|k| *k as u8 == v)
    }
}

/// The largest worker (or aggregator, or shard) index a key holds.
pub const MAX_INDEX: u64 = 0xFFFF;
/// The largest round a key holds.
pub const MAX_ROUND: u64 = 0xFF_FFFF;

/// Unpacks a key into (kind, round, a, b).
pub fn decode(key: u64) -> Option<(Kind, u64, u32, u32)> {
    let kind = Kind::from_u8((key >> 56) as u8)?;
    Some((
        kind,
        (key >> 32) & 0xFF_FFFF,
        ((key >> 16) & 0xFFFF) as u32,
        (key & 0xFFFF) as u32,
    ))
}

/// Packs a key: kind (8 bits), round (24 bits), a and b (16 bits each).
pub fn key(kind: Kind, round: u64, a: u32, b: u32) -> u64 {
    ((kind as u64) << 56)
        | ((round & 0xFF_FFFF) << 32)
        | (u64::from(a & 0xFFFF) << 16)
        | u64::from(b & 0xFFFF)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_decode_to_what_they_encode() {
        assert_eq!(
            decode(key(Kind::Aggregate, 77, 2, 15)),
            Some((Kind::Aggregate, 77, 2, 15))
        );
    }

    #[test]
    fn distinct_objects_have_distinct_keys() {
        let keys = [
            key(Kind::Contribution, 3, 1, 0),
            key(Kind::Contribution, 3, 2, 0),
            key(Kind::Contribution, 4, 1, 0),
            key(Kind::Piece, 3, 1, 2),
            key(Kind::Piece, 3, 2, 1),
            key(Kind::Result, 3, 0, 0),
        ];
        for (i, a) in keys.iter().enumerate() {
            for b in &keys[i + 1..] {
                assert_ne!(a, b);
            }
        }
    }
}
