//! Compiles a rank-mode policy of 1,000 roles x 50 features from its text, with its warnings placed by line and
//! column, and prints how long each step takes (issue 16's target: all of it within 0.5 s, natively).
//! `cargo run --release --example large_policy [roles] [features]`
#![allow(clippy::indexing_slicing)] // a measuring tool, not library code

use std::time::Instant;

use serde_json::{Map, Value, json};

fn main() {
    let mut args = std::env::args().skip(1).map(|a| a.parse::<usize>().unwrap_or(0));
    let (roles, features) = (args.next().unwrap_or(1000), args.next().unwrap_or(50));
    let levels = ["none", "view", "edit", "all"];
    let fs: Map<String, Value> = (0..features).map(|f| (format!("f{f}"), json!({ "levels": levels }))).collect();
    let rs: Map<String, Value> = (0..roles)
        .map(|r| {
            let grants: Map<String, Value> = (0..features).map(|f| (format!("f{f}"), json!(levels[(r * 7 + f * 3) % 4]))).collect();
            (format!("Role{r}"), json!({ "rank": r % 50, "grants": grants }))
        })
        .collect();
    let doc = json!({ "version": 1, "features": fs, "roles": rs, "grantRule": "rank", "userAdmin": { "feature": "f0", "level": "view" } });
    let text = serde_json::to_string_pretty(&doc).unwrap_or_default();

    let start = Instant::now();
    let Ok(policy) = rolegate::Policy::from_json(&text) else { return eprintln!("the generated policy does not compile") };
    let compiled = start.elapsed();
    let mut warnings = policy.warnings();
    let linted = start.elapsed();
    rolegate::json::place(&text, &mut warnings);
    let placed = start.elapsed();
    println!(
        "{roles} roles x {features} features, {} KB of text: compile {:.1} ms, + {} warnings {:.1} ms, + line/column {:.1} ms: {:.3} s in all",
        text.len() / 1024,
        compiled.as_secs_f64() * 1e3,
        warnings.len(),
        (linted - compiled).as_secs_f64() * 1e3,
        (placed - linted).as_secs_f64() * 1e3,
        placed.as_secs_f64()
    );
}
