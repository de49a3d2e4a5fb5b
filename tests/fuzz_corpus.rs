//! The fuzz targets' corpus, replayed on stable: every seed in `fuzz/corpus/<target>/` and every
//! past finding in `fuzz/regressions/<target>/` goes through the target's function (the same
//! function libFuzzer drives in `make fuzz`). CI never fuzzes; this keeps what fuzzing found fixed.

#![allow(clippy::unwrap_used, dead_code)]

#[path = "../fuzz/targets.rs"]
mod targets;

use std::path::Path;

#[test]
fn every_seed_and_every_past_finding_replays() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let mut total = 0;
    for (name, run) in targets::TARGETS {
        let mut n = 0;
        for dir in ["corpus", "regressions"] {
            let Ok(entries) = std::fs::read_dir(root.join(dir).join(name)) else { continue };
            let mut files: Vec<_> = entries.map(|e| e.unwrap().path()).collect();
            files.sort();
            for f in files {
                let data = std::fs::read(&f).unwrap();
                let outcome = std::panic::catch_unwind(|| run(&data));
                assert!(outcome.is_ok(), "{name}: {} panics", f.display());
                n += 1;
            }
        }
        assert!(n > 0, "{name}: the corpus has seeds");
        println!("fuzz corpus: {name}: {n} inputs");
        total += n;
    }
    println!("fuzz corpus: {total} inputs replayed");
}
