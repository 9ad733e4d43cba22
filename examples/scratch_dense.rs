use std::time::Instant;
use stratus::data::synthetic::higgs_like;
use stratus::data::{Partition, vecops};
use stratus::kernels::{Kernel, LinearSvm, LogisticRegression};
fn best(mut f: impl FnMut() -> f64) -> f64 {
    (0..15)
        .map(|_| {
            let t = Instant::now();
            std::hint::black_box(f());
            t.elapsed().as_secs_f64() * 1e3
        })
        .fold(f64::INFINITY, f64::min)
}
fn main() {
    let data = higgs_like(1_000_000, 1);
    let ids = Partition::in_order(data.rows(), 1);
    let shard = ids.shard(&data, 0);
    let lr = LogisticRegression::new(28);
    let svm = LinearSvm::new(28);
    let params = vec![0.01f32; 29];
    let mut grad = vec![0.0f32; 29];
    let buf = vec![1.0f32; 28_000_000];
    println!("sum {:.1}", best(|| vecops::sum(&buf) as f64));
    println!(
        "lr grad {:.1}",
        best(|| lr.gradient(&params, &shard, 0..shard.len(), &mut grad, &mut []))
    );
    println!(
        "svm grad {:.1}",
        best(|| svm.gradient(&params, &shard, 0..shard.len(), &mut grad, &mut []))
    );
    println!(
        "lr score {:.1}",
        best(|| lr.score(&params, &shard, 0..shard.len(), &mut []).loss_sum)
    );
    println!(
        "svm score {:.1}",
        best(|| svm.score(&params, &shard, 0..shard.len(), &mut []).loss_sum)
    );
}
