//! Strategies: random valid policies (2 to 6 levels per feature, random grants, acyclic includes, ranks),
//! random role sets, account records and times; and the case counts.

use proptest::prelude::*;
use proptest::test_runner::{FailurePersistence, FileFailurePersistence};
use proptest::sample::Index;
use rolegate::{AccountRecord, Policy};

use crate::model::{Raw, RawRole, RuleSpec, Spec};

/// Cases per property: `base`, times `ROLEGATE_PROPTEST_SCALE` (default 1) for long runs.
pub fn config(base: u32) -> ProptestConfig {
    let scale = std::env::var("ROLEGATE_PROPTEST_SCALE").ok().and_then(|s| s.parse::<u32>().ok()).unwrap_or(1).max(1);
    // A failing case's seed is saved beside its source file (`grant.regressions`) and replayed first next time.
    let failure_persistence = Some(Box::new(FileFailurePersistence::WithSource("regressions")) as Box<dyn FailurePersistence>);
    ProptestConfig { cases: base.saturating_mul(scale), failure_persistence, ..ProptestConfig::default() }
}

fn raw_role() -> impl Strategy<Value = RawRole> {
    (
        prop::collection::vec((any::<usize>(), any::<usize>()), 0..4),
        prop::bool::weighted(0.15),
        prop::collection::vec(any::<usize>(), 0..3),
        prop::option::weighted(0.8, 0u32..5),
        any::<u64>(),
    )
        .prop_map(|(grants, max_all, includes, rank, position)| RawRole { grants, max_all, includes, rank, position })
}

fn rule() -> impl Strategy<Value = RuleSpec> {
    prop_oneof![
        Just(RuleSpec::Held),
        Just(RuleSpec::Covered),
        Just(RuleSpec::Rank { strictly_lower: false }),
        Just(RuleSpec::Rank { strictly_lower: true }),
    ]
}

/// A random valid policy spec in the given grant rule: 1 to 5 features of 2 to 6 levels, 1 to 7 roles.
pub fn spec_with(rule: impl Strategy<Value = RuleSpec>) -> impl Strategy<Value = Spec> {
    (
        prop::collection::vec(0usize..5, 1..=5),
        prop::collection::vec(raw_role(), 1..=7),
        rule,
        any::<usize>(),
        any::<bool>(),
        0u64..48 * 3_600_000,
    )
        .prop_map(|(features, roles, rule, admin, protect, ttl_ms)| Spec::place(Raw { features, roles, rule, admin, protect, ttl_ms }))
}

pub fn spec() -> impl Strategy<Value = Spec> {
    spec_with(rule())
}

/// Compiles a generated spec; every generated spec is a valid policy.
pub fn compile(spec: &Spec) -> Policy {
    match Policy::from_value(&spec.to_json()) {
        Ok(p) => p,
        Err(e) => panic!("a generated policy must compile: {e:?}\n{}", spec.to_json()),
    }
}

/// A role set as raw picks (resolve with [`pick`]): 0 to 5 entries, duplicates possible.
pub fn role_set() -> impl Strategy<Value = Vec<Index>> {
    prop::collection::vec(any::<Index>(), 0..=5)
}

pub fn pick(spec: &Spec, set: &[Index]) -> Vec<usize> {
    set.iter().map(|i| i.index(spec.roles.len())).collect()
}

/// Epoch milliseconds, from 0 to year 2100, biased to small and recent values.
pub fn millis() -> impl Strategy<Value = u64> {
    prop_oneof![0u64..1000, 1_700_000_000_000u64..1_800_000_000_000, 0u64..4_102_444_800_000]
}

pub fn record() -> impl Strategy<Value = AccountRecord> {
    (any::<bool>(), any::<bool>(), prop::bool::weighted(0.8), prop::option::of(millis()), prop::option::weighted(0.3, millis()))
        .prop_map(|(platform_disabled, tenant_enabled, platform_auth, invited_at, accepted_at)| AccountRecord {
            platform_disabled,
            tenant_enabled,
            platform_auth,
            invited_at,
            accepted_at,
        })
}
