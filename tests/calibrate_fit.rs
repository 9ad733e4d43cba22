//! Fits recover what generated the data: synthetic measurements from known parameters plus
//! seeded noise, read back through the same parsers and fits users run, land each true value
//! inside its reported confidence interval.

use rand::SeedableRng;
use rand::distr::Distribution;
use rand::rngs::StdRng;
use statrs::distribution::LogNormal;
use stratus::calibrate::curve::DurationCurve;
use stratus::calibrate::runs_fit::{self, Knob};
use stratus::calibrate::stats::FittedParam;
use stratus::calibrate::{CalibrateOptions, InputKind, Inputs, calibrate};
use stratus::model::Platform;
use stratus::optimize::estimate::estimate;
use stratus::profile::Profiles;
use stratus::scenario::Scenario;

const FENG: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/scenarios/feng2018-case-a.toml"
);

fn assert_within(param: &FittedParam, truth: f64) {
    assert!(
        param.fitted,
        "{} was not fitted: {}",
        param.name, param.note
    );
    assert!(
        param.ci_low <= truth && truth <= param.ci_high,
        "{}: true {truth} outside [{}, {}] (fitted {})",
        param.name,
        param.ci_low,
        param.ci_high,
        param.value
    );
}

/// REPORT lines of `per_size` warm invocations at each size, durations t(z) × log-normal noise.
fn report_log(curve: &DurationCurve, sizes: &[u32], per_size: usize, seed: u64) -> String {
    let noise = LogNormal::new(0.0, 0.15).unwrap();
    let mut rng = StdRng::seed_from_u64(seed);
    let mut log = String::new();
    for &z in sizes {
        for i in 0..per_size {
            let ms = curve.time_s(f64::from(z)) * noise.sample(&mut rng) * 1e3;
            log += &format!(
                "START RequestId: {z}-{i}\nREPORT RequestId: {z}-{i}\tDuration: {ms:.2} ms\tBilled Duration: {:.0} ms\tMemory Size: {z} MB\tMax Memory Used: 80 MB\t\n",
                ms.ceil()
            );
        }
    }
    log
}

fn fit_curve(truth: &DurationCurve, seed: u64) -> Vec<FittedParam> {
    let sizes = [128, 192, 256, 384, 512, 768, 1024, 1536, 2048, 3008];
    let mut inputs = Inputs::default();
    let log = report_log(truth, &sizes, 150, seed);
    inputs
        .add_reader(InputKind::ReportLog, log.as_bytes(), "synthetic.log")
        .unwrap();
    assert_eq!(inputs.sources[0].skipped, sizes.len() as u64 * 150);
    let profiles = Profiles::builtin().unwrap();
    let options = CalibrateOptions {
        seed,
        ..CalibrateOptions::default()
    };
    let calibration = calibrate(&inputs, &options, &profiles, &|_| {}).unwrap();
    calibration.function.unwrap().curve.params
}

#[test]
fn a_synthetic_duration_curve_is_recovered_within_its_intervals() {
    let truth = DurationCurve {
        fixed_s: 0.3,
        scalable_mb_s: 400.0,
        saturation_mb: 1400.0,
    };
    let params = fit_curve(&truth, 11);
    assert_within(&params[0], truth.fixed_s);
    assert_within(&params[1], truth.scalable_mb_s);
    assert_within(&params[2], truth.saturation_mb);
    assert!(params.iter().all(|p| p.pinned_down), "{params:?}");
}

#[test]
fn duration_curve_intervals_cover_the_truth_across_seeds() {
    let truth = DurationCurve {
        fixed_s: 0.05,
        scalable_mb_s: 900.0,
        saturation_mb: 2100.0,
    };
    let values = [truth.fixed_s, truth.scalable_mb_s, truth.saturation_mb];
    let mut covered = [0; 3];
    for seed in 1..=10 {
        for (k, p) in fit_curve(&truth, seed).iter().enumerate() {
            covered[k] += usize::from(p.fitted && p.ci_low <= values[k] && values[k] <= p.ci_high);
        }
    }
    assert!(covered.iter().all(|&c| c >= 8), "covered {covered:?} of 10");
}

/// Total times of `structures` under `patch`, times seeded log-normal noise of `sigma`.
fn synthetic_runs(patch: &str, structures: &[&str], sigma: f64, seed: u64) -> String {
    let profiles = Profiles::calibrated(&patch.parse().unwrap()).unwrap();
    let builtin = Profiles::builtin().unwrap();
    let noise = LogNormal::new(0.0, sigma).unwrap();
    let mut rng = StdRng::seed_from_u64(seed);
    let mut csv = String::from("# synthetic runs\nstructure,time_s\n");
    for s in structures {
        let sets = [format!("faas.structure={s}")];
        let scenario = Scenario::from_path(FENG.as_ref(), &sets, &builtin).unwrap();
        let time_s = estimate(&scenario, &profiles, Some(Platform::Faas))
            .unwrap()
            .feasible()
            .unwrap()
            .total_s();
        csv += &format!("{s},{:.3}\n", time_s * noise.sample(&mut rng));
    }
    csv
}

const STRUCTURES: [&str; 12] = [
    "1-100",
    "1-2-100",
    "1-4-100",
    "1-5-100",
    "1-10-100",
    "1-20-100",
    "1-25-100",
    "1-50-100",
    "1-5-50-100",
    "1-2-10-100",
    "1-4-20-100",
    "1-2-4-20-100",
];

const TRUTH: [(&str, f64); 3] = [
    ("network_gflops_per_vcpu", 0.5),
    ("warm_invoke_s", 1.0),
    ("latency_s", 0.06),
];
const TRUE_PATCH: &str = "[runtimes.pytorch]\nnetwork_gflops_per_vcpu = 0.5\n[faas.\"aws-lambda-2018\".startup]\nwarm_invoke_s = 1.0\n[channels.s3]\nlatency_s = 0.06\n";

fn fit_synthetic(seed: u64, sigma: f64) -> runs_fit::RunsFit {
    let text = synthetic_runs(TRUE_PATCH, &STRUCTURES, sigma, seed);
    let mut inputs = Inputs::default();
    inputs
        .add_reader(InputKind::Runs, text.as_bytes(), "runs.csv")
        .unwrap();
    runs_fit::fit(&inputs.runs, FENG.as_ref(), &Knob::ALL).unwrap()
}

fn param<'a>(fit: &'a runs_fit::RunsFit, suffix: &str) -> &'a FittedParam {
    fit.params
        .iter()
        .find(|p| p.name.ends_with(suffix))
        .unwrap()
}

#[test]
fn noise_free_synthetic_runs_are_reproduced_with_values_near_the_truth() {
    // Waiting workers poll every 0.264 s (an S3 GET and LambdaML's 0.1 s sleep), so runs move
    // in steps and nearby parameter values fit them equally well (and the linearised
    // intervals of a near-perfect fit are too narrow to say so): the fit must reproduce the
    // runs and land within 10% of the truth.
    let fit = fit_synthetic(1, 1e-9);
    for (suffix, truth) in TRUTH {
        let p = param(&fit, suffix);
        assert!(
            p.fitted && (p.value / truth - 1.0).abs() < 0.10,
            "{p:?} vs {truth}"
        );
    }
    assert!(fit.rms_rel_err < 0.01, "{}", fit.rms_rel_err);
    let bandwidth = param(&fit, "bandwidth_mb_s");
    // The runs barely tell bandwidth from latency: left fixed, or fitted without being pinned.
    assert!(
        (!bandwidth.fitted && bandwidth.note.contains("latency_s")) || !bandwidth.pinned_down,
        "{bandwidth:?}"
    );
    // Start-up moves every run alike but for the re-invocations of runs past the duration
    // limit: left fixed, fitted back to the truth (the profile's value), or, where the polling
    // steps let it drift, never silently: flagged as implausible or as not pinned down by the
    // runs (a wide interval reaching down to within 10% of the truth).
    let startup = param(&fit, "cold_start_mean_s");
    assert!(
        if startup.fitted {
            (startup.value / 1.011 - 1.0).abs() < 0.05
                || startup.note.contains("IMPLAUSIBLE")
                || (!startup.pinned_down && startup.ci_low <= 1.011 * 1.1)
        } else {
            startup.note.contains("network_gflops")
        },
        "{startup:?}"
    );
}

#[test]
fn noisy_synthetic_runs_land_the_truth_inside_the_95_percent_intervals() {
    // 3% seeded noise over ten seeds: a 95% interval may miss now and then, but rarely. (With
    // noise near the model's own 50 ms polling steps, about 1%, a fit partly exploits the steps
    // and the intervals come out narrower than they should.)
    let seeds = 1..=10;
    let mut covered = [0; 3];
    for seed in seeds.clone() {
        let fit = fit_synthetic(seed, 0.03);
        for (k, (suffix, truth)) in TRUTH.iter().enumerate() {
            let p = param(&fit, suffix);
            covered[k] += usize::from(p.fitted && p.ci_low <= *truth && *truth <= p.ci_high);
        }
    }
    assert!(
        covered.iter().all(|&c| c >= 8),
        "covered {covered:?} of {}",
        seeds.count()
    );
}

#[test]
fn runs_of_different_lengths_separate_start_up_from_compute() {
    let patch = "[runtimes.pytorch]\nnetwork_gflops_per_vcpu = 0.5\n[faas.\"aws-lambda-2018\".startup]\ncold_start_mean_s = 30.0\n";
    let builtin = Profiles::builtin().unwrap();
    let profiles = Profiles::calibrated(&patch.parse().unwrap()).unwrap();
    let mut csv = String::from("structure,iterations,time_s\n");
    for (s, n) in [
        ("1-5-100", 10),
        ("1-5-100", 20),
        ("1-5-100", 40),
        ("1-10-100", 10),
        ("1-10-100", 30),
    ] {
        let sets = [
            format!("faas.structure={s}"),
            format!("workload.iterations={n}"),
        ];
        let scenario = Scenario::from_path(FENG.as_ref(), &sets, &builtin).unwrap();
        let t = estimate(&scenario, &profiles, None)
            .unwrap()
            .feasible()
            .unwrap()
            .total_s();
        csv += &format!("{s},{n},{t}\n");
    }
    let mut inputs = Inputs::default();
    inputs
        .add_reader(InputKind::Runs, csv.as_bytes(), "runs.csv")
        .unwrap();
    let fit = runs_fit::fit(&inputs.runs, FENG.as_ref(), &[Knob::Compute, Knob::Startup]).unwrap();
    let startup = fit
        .params
        .iter()
        .find(|p| p.name.ends_with("cold_start_mean_s"))
        .unwrap();
    assert!(startup.fitted, "{startup:?}");
    approx::assert_relative_eq!(startup.value, 30.0, max_relative = 0.05);
    let invoke = fit
        .params
        .iter()
        .find(|p| p.name.ends_with("warm_invoke_s"))
        .unwrap();
    assert!(invoke.note.contains("--fit"), "{invoke:?}");
}
