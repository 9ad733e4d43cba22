//! # Partitions and shards
//!
//! Splits a dataset across w workers the way LambdaML does (Jiang et al., SIGMOD 2021): one
//! seeded shuffle of the row ids, then contiguous pieces of that permutation, one per worker.
//! A [`Shard`] is a view (the dataset plus a slice of row ids); no worker copies data.

use rand::SeedableRng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;

use super::{Dataset, RowRef};

/// Row ids 0..rows in a seeded random order.
pub fn shuffled_order(rows: usize, seed: u64) -> Vec<u32> {
    let mut order: Vec<u32> = (0..rows as u32).collect();
    order.shuffle(&mut StdRng::seed_from_u64(seed));
    order
}

/// An assignment of row ids to workers: contiguous pieces of one ordering of the rows.
/// Piece sizes differ by at most one (the first `rows % workers` pieces get one more).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Partition {
    order: Vec<u32>,
    bounds: Vec<usize>,
}

impl Partition {
    /// Pieces of a seeded shuffle of the rows. Panics if `workers` is 0.
    pub fn shuffled(rows: usize, workers: usize, seed: u64) -> Self {
        Self::from_order(shuffled_order(rows, seed), workers)
    }

    /// Pieces of the rows in file order (for data shuffled beforehand, and streaming benches).
    pub fn in_order(rows: usize, workers: usize) -> Self {
        Self::from_order((0..rows as u32).collect(), workers)
    }

    /// Pieces of a given ordering of row ids. Panics if `workers` is 0.
    pub fn from_order(order: Vec<u32>, workers: usize) -> Self {
        assert!(workers > 0, "a partition needs at least one worker");
        let (base, extra) = (order.len() / workers, order.len() % workers);
        let mut bounds = vec![0];
        for j in 0..workers {
            bounds.push(bounds[j] + base + usize::from(j < extra));
        }
        Partition { order, bounds }
    }

    pub fn workers(&self) -> usize {
        self.bounds.len() - 1
    }

    /// Worker `j`'s view of `data`. Panics if `j` is out of range or `data` is smaller than the partition.
    pub fn shard<'a>(&'a self, data: &'a Dataset, j: usize) -> Shard<'a> {
        assert!(
            self.order.len() <= data.rows(),
            "partition larger than the dataset"
        );
        Shard::new(data, &self.order[self.bounds[j]..self.bounds[j + 1]])
    }

    /// Every worker's shard, in worker order.
    pub fn shards<'a>(&'a self, data: &'a Dataset) -> Vec<Shard<'a>> {
        (0..self.workers()).map(|j| self.shard(data, j)).collect()
    }
}

/// A worker's view of a dataset: the rows it owns, in the order it visits them.
#[derive(Debug, Clone, Copy)]
pub struct Shard<'a> {
    data: &'a Dataset,
    ids: &'a [u32],
}

impl<'a> Shard<'a> {
    /// A view of the rows `ids` of `data`. Panics if an id is out of range.
    pub fn new(data: &'a Dataset, ids: &'a [u32]) -> Self {
        assert!(
            ids.iter().all(|&i| (i as usize) < data.rows()),
            "shard row id out of range"
        );
        Shard { data, ids }
    }
    pub fn data(&self) -> &'a Dataset {
        self.data
    }
    /// Row ids of the dataset, in visiting order.
    pub fn ids(&self) -> &'a [u32] {
        self.ids
    }
    pub fn len(&self) -> usize {
        self.ids.len()
    }
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }
    /// The row at position `pos` of the shard.
    pub fn row(&self, pos: usize) -> RowRef<'a> {
        self.data.row(self.ids[pos] as usize)
    }
    pub fn label(&self, pos: usize) -> u32 {
        self.data.labels()[self.ids[pos] as usize]
    }
    /// Stored values (non-zeros when sparse) in the rows at positions `range`.
    pub fn stored_in(&self, range: std::ops::Range<usize>) -> usize {
        match self.data.matrix() {
            super::Features::Dense(_) => range.len() * self.data.features(),
            super::Features::Sparse(m) => {
                use super::{Row, Rows};
                self.ids[range]
                    .iter()
                    .map(|&i| m.row(i as usize).stored())
                    .sum()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::{DenseMatrix, Features};

    fn column(rows: usize) -> Dataset {
        let values = (0..rows).map(|i| i as f32).collect();
        Dataset::new(
            Features::Dense(DenseMatrix::new(1, values)),
            vec![0; rows],
            2,
        )
    }

    #[test]
    fn shards_are_contiguous_pieces_of_one_permutation() {
        let data = column(10);
        let partition = Partition::shuffled(10, 3, 42);
        let shards = partition.shards(&data);
        assert_eq!(
            shards.iter().map(Shard::len).collect::<Vec<_>>(),
            vec![4, 3, 3]
        );
        let mut seen: Vec<u32> = shards.iter().flat_map(|s| s.ids().to_vec()).collect();
        assert_eq!(seen, partition.order);
        seen.sort();
        assert_eq!(seen, (0..10).collect::<Vec<_>>());
    }

    #[test]
    fn the_same_seed_gives_the_same_partition() {
        assert_eq!(
            Partition::shuffled(100, 4, 9),
            Partition::shuffled(100, 4, 9)
        );
        assert_ne!(
            Partition::shuffled(100, 4, 9),
            Partition::shuffled(100, 4, 10)
        );
    }

    #[test]
    fn shards_read_rows_of_the_shared_dataset() {
        let data = column(5);
        let partition = Partition::in_order(5, 2);
        let second = partition.shard(&data, 1);
        assert!(matches!(second.row(0), RowRef::Dense([3.0])));
        assert_eq!(second.stored_in(0..2), 2);
    }
}
