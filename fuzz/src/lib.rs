//! Shared by the fuzz targets: the property tests' reference model, policies to decide against (the examples
//! in each grant rule they can take, or one built from fuzz input), and the keys tokens are signed with.

#[path = "../../tests/properties/model.rs"]
pub mod model;

use arbitrary::{Arbitrary, Unstructured};
use model::{Raw, RawRole, RoleSpec, RuleSpec, Spec};
use rolegate::Policy;
use serde_json::Value;

pub const PRODUCT_A: &str = include_str!("../../examples/product-a.json");
pub const PRODUCT_B: &str = include_str!("../../examples/product-b.json");

/// The token targets' keys (`seeds.mjs` signs the seed tokens with the same ones).
pub const KEYS: [(&str, &str); 2] =
    [("k1", "fuzz-key-one-fuzz-key-one-fuzz-key-one"), ("k2", "fuzz-key-two-fuzz-key-two-fuzz-key-two")];

/// A compiled policy with its reference spec and the name of each role index.
pub struct Subject {
    pub spec: Spec,
    pub policy: Policy,
    pub names: Vec<String>,
}

/// Picks the policy from the first input byte: the seven example variants, or (8 and above) one built from
/// the rest of the input.
pub fn subject(selector: u8, u: &mut Unstructured) -> arbitrary::Result<Subject> {
    let example = |doc: &str, rule: &str, order: &str, protect: bool| {
        let mut doc: Value = serde_json::from_str(doc).unwrap();
        doc["grantRule"] = rule.into();
        doc["rankOrder"] = order.into();
        doc["protectHigherUsers"] = protect.into();
        doc
    };
    let doc = match selector {
        0 => example(PRODUCT_A, "held", "same-or-lower", true),
        1 => example(PRODUCT_A, "covered", "same-or-lower", true),
        2 => example(PRODUCT_A, "covered", "same-or-lower", false),
        3 => example(PRODUCT_B, "rank", "same-or-lower", true),
        4 => example(PRODUCT_B, "rank", "strictly-lower", true),
        5 => example(PRODUCT_B, "covered", "same-or-lower", true),
        6 => example(PRODUCT_B, "held", "same-or-lower", false),
        _ => {
            let spec = Spec::place(raw(u)?);
            let policy = Policy::from_value(&spec.to_json()).unwrap_or_else(|e| panic!("a placed spec must compile: {e:?}"));
            let names = (0..spec.roles.len()).map(model::role_name).collect();
            return Ok(Subject { spec, policy, names });
        }
    };
    let policy = Policy::from_value(&doc).unwrap();
    let (spec, names) = spec_of(&doc);
    Ok(Subject { spec, policy, names })
}

#[derive(Arbitrary, Debug)]
struct ArbRole {
    grants: Vec<(u8, u8)>,
    max_all: bool,
    includes: Vec<u8>,
    rank: Option<u8>,
    position: u8,
}

fn raw(u: &mut Unstructured) -> arbitrary::Result<Raw> {
    let features: Vec<u8> = u.arbitrary()?;
    let roles: Vec<ArbRole> = u.arbitrary()?;
    let rule = match u.int_in_range(0..=3u8)? {
        0 => RuleSpec::Held,
        1 => RuleSpec::Covered,
        n => RuleSpec::Rank { strictly_lower: n == 3 },
    };
    Ok(Raw {
        features: features.into_iter().map(usize::from).collect(),
        roles: roles
            .into_iter()
            .map(|r| RawRole {
                grants: r.grants.into_iter().map(|(f, l)| (usize::from(f), usize::from(l))).collect(),
                max_all: r.max_all,
                includes: r.includes.into_iter().map(usize::from).collect(),
                rank: r.rank.map(|x| u32::from(x % 8)),
                position: u64::from(r.position),
            })
            .collect(),
        rule,
        admin: usize::from(u.arbitrary::<u8>()?),
        protect: u.arbitrary()?,
        ttl_ms: u.arbitrary()?,
    })
}

/// A naive reading of a valid example document as a spec (document order), with its role names.
fn spec_of(doc: &Value) -> (Spec, Vec<String>) {
    let empty = serde_json::Map::new();
    let features = doc.get("features").and_then(Value::as_object).unwrap_or(&empty);
    let levels: Vec<Vec<&str>> = features
        .values()
        .map(|f| f.get("levels").and_then(Value::as_array).map(|l| l.iter().filter_map(Value::as_str).collect()).unwrap_or_default())
        .collect();
    let feature = |name: &str| features.keys().position(|k| k == name);
    let level = |f: usize, name: &str| levels.get(f).and_then(|l| l.iter().position(|x| *x == name));
    let roles = doc.get("roles").and_then(Value::as_object).unwrap_or(&empty);
    let names: Vec<String> = roles.keys().cloned().collect();
    let specs = roles
        .values()
        .map(|r| {
            let grants = r.get("grants").and_then(Value::as_object).unwrap_or(&empty);
            RoleSpec {
                grants: grants
                    .iter()
                    .filter_map(|(f, l)| feature(f).and_then(|f| level(f, l.as_str()?).map(|l| (f, l))))
                    .collect(),
                max_all: grants.contains_key("*"),
                includes: r
                    .get("includes")
                    .and_then(Value::as_array)
                    .map(|i| i.iter().filter_map(|n| names.iter().position(|x| Some(x.as_str()) == n.as_str())).collect())
                    .unwrap_or_default(),
                rank: r.get("rank").and_then(Value::as_u64).and_then(|r| u32::try_from(r).ok()),
            }
        })
        .collect();
    let text = |key: &str| doc.get(key).and_then(Value::as_str).unwrap_or_default();
    let rule = match (text("grantRule"), text("rankOrder")) {
        ("held", _) => RuleSpec::Held,
        ("rank", "strictly-lower") => RuleSpec::Rank { strictly_lower: true },
        ("rank", _) => RuleSpec::Rank { strictly_lower: false },
        _ => RuleSpec::Covered,
    };
    let admin = doc.get("userAdmin").unwrap_or(&Value::Null);
    let uf = feature(admin.get("feature").and_then(Value::as_str).unwrap_or_default()).unwrap_or(0);
    let ul = level(uf, admin.get("level").and_then(Value::as_str).unwrap_or_default()).unwrap_or(1);
    let spec = Spec {
        features: levels.iter().map(Vec::len).collect(),
        roles: specs,
        order: (0..names.len()).collect(),
        rule,
        user_admin: (uf, ul),
        protect: doc.get("protectHigherUsers").and_then(Value::as_bool).unwrap_or(true),
        ttl_ms: 86_400_000,
    };
    (spec, names)
}
