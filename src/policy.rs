//! Policy documents (JSON, version 1): parsed once, validated with every error located by its JSON path,
//! compiled to dense indices (features, levels and roles become small integers) for the decisions.

use rustc_hash::{FxHashMap, FxHashSet};

use crate::error::{Error, Issue, Result};
use crate::json::{self, Map, Value, child, index};
use crate::permissions::distinct_ids;

/// Index of a feature in policy order.
pub type FeatureId = usize;
/// Index of a role in policy order.
pub type RoleId = usize;
/// Index of a level within its feature; 0 is "no access", higher is more.
pub type Level = u8;

pub const MAX_FEATURES: usize = 1024;
pub const MAX_ROLES: usize = 4096;
pub const MAX_LEVELS: usize = 64;
pub const MAX_NAME_LEN: usize = 128;
const MAX_RANK: u64 = 1_000_000;
const DAY_MS: u64 = 86_400_000;
const MAX_TTL_MS: u64 = 365 * DAY_MS;
const DEFAULT_TTL_MS: u64 = DAY_MS;

/// How rank-based grants compare the granted role's rank with the actor's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RankOrder {
    SameOrLower,
    StrictlyLower,
}

impl RankOrder {
    pub fn name(self) -> &'static str {
        match self {
            RankOrder::SameOrLower => "same-or-lower",
            RankOrder::StrictlyLower => "strictly-lower",
        }
    }

    /// Whether an actor of rank `actor` may grant (or manage a user of) rank `other`.
    pub fn permits(self, actor: u32, other: u32) -> bool {
        match self {
            RankOrder::SameOrLower => other <= actor,
            RankOrder::StrictlyLower => other < actor,
        }
    }

    /// [`RankOrder::permits`] for sets: nothing ranked is always permitted; an actor without a rank permits
    /// nothing ranked.
    pub fn permits_ranks(self, actor: Option<u32>, other: Option<u32>) -> bool {
        match (actor, other) {
            (_, None) => true,
            (None, Some(_)) => false,
            (Some(a), Some(o)) => self.permits(a, o),
        }
    }
}

/// Which roles an actor may hand out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GrantRule {
    /// Only roles the actor holds, directly or through `includes`.
    Held,
    /// Roles ranked at or below (or strictly below) the actor's highest rank.
    Rank(RankOrder),
    /// Roles whose permissions the actor's effective permissions cover, feature by feature.
    Covered,
}

impl GrantRule {
    pub fn name(self) -> &'static str {
        match self {
            GrantRule::Held => "held",
            GrantRule::Rank(_) => "rank",
            GrantRule::Covered => "covered",
        }
    }
}

/// A feature and its access levels, ordered low to high.
#[derive(Debug, Clone, serde::Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify_next::Tsify))]
pub struct Feature {
    pub name: String,
    pub label: String,
    pub levels: Vec<String>,
}

impl Feature {
    pub fn level_name(&self, level: Level) -> &str {
        self.levels.get(usize::from(level)).map_or("", String::as_str)
    }

    pub fn top(&self) -> Level {
        Level::try_from(self.levels.len().saturating_sub(1)).unwrap_or(Level::MAX)
    }
}

/// A compiled role: its own level per feature (includes already folded in) and every role it carries.
#[derive(Debug, Clone)]
pub struct Role {
    pub name: String,
    pub rank: Option<u32>,
    pub includes: Vec<RoleId>,
    /// Level per feature, `includes` folded in.
    pub(crate) levels: Vec<Level>,
    /// The same, only the features above no access: a union walks these, so it costs what the held roles
    /// grant, not roles x features.
    pub(crate) grants: Vec<(FeatureId, Level)>,
    /// This role and every role it includes, transitively; sorted.
    pub(crate) closure: Vec<RoleId>,
    /// The role's own grants, before `includes` (what names the role that gives a level).
    #[cfg(feature = "analysis")]
    pub(crate) own: Vec<(FeatureId, Level)>,
}

/// A role as a UI lists it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify_next::Tsify))]
pub struct RoleInfo {
    pub name: String,
    #[cfg_attr(target_arch = "wasm32", tsify(type = "number | null"))]
    pub rank: Option<u32>,
    /// Roles this one carries directly.
    pub includes: Vec<String>,
}

/// A compiled policy. Build it once with [`Policy::from_json`]; every decision reads it without allocation
/// beyond its result.
#[derive(Debug, Clone)]
pub struct Policy {
    pub(crate) features: Vec<Feature>,
    pub(crate) roles: Vec<Role>,
    /// Name lookups are on every by-name call: FxHash, not SipHash (names come from the policy author).
    feature_ids: FxHashMap<String, FeatureId>,
    role_ids: FxHashMap<String, RoleId>,
    pub grant_rule: GrantRule,
    /// The permission needed to add, edit, delete or invite users at all.
    pub user_admin: (FeatureId, Level),
    /// The permission needed to edit this policy (`policyAdmin`); `None`: only a full administrator may.
    pub policy_admin: Option<(FeatureId, Level)>,
    pub protect_higher_users: bool,
    pub invitation_ttl_ms: u64,
    warnings: Vec<Issue>,
}

impl Policy {
    /// Parses and compiles a policy document; a bad one is refused whole with every error listed, each error
    /// and warning located by path, line and column.
    pub fn from_json(text: &str) -> Result<Policy> {
        match Policy::from_serialized(text) {
            Ok(mut policy) => {
                json::place(text, &mut policy.warnings);
                Ok(policy)
            }
            Err(mut e) => {
                json::place(text, &mut e.errors);
                Err(e)
            }
        }
    }

    /// Like [`Policy::from_json`] for text that is not the author's (a serialized object): issues carry paths
    /// only, since lines and columns of that text would point nowhere the author can see.
    pub fn from_serialized(text: &str) -> Result<Policy> {
        let value = json::parse(text).map_err(|e| {
            let issue = match e {
                json::ParseError::Duplicate(path) => Issue::new(path, "duplicate_member", "appears more than once in its object"),
                json::ParseError::Syntax(_) => Issue::new("", "invalid_json", e.to_string()),
            };
            Error::invalid_policy(vec![issue])
        })?;
        Policy::from_value(value)
    }

    /// Compiles an already parsed document (this crate's [`Value`], or a `&serde_json::Value`).
    pub fn from_value(doc: impl Into<Value>) -> Result<Policy> {
        Compiler::default().compile(&doc.into())
    }

    pub fn features(&self) -> &[Feature] {
        &self.features
    }

    pub fn roles(&self) -> &[Role] {
        &self.roles
    }

    pub fn role_infos(&self) -> Vec<RoleInfo> {
        self.roles
            .iter()
            .map(|r| RoleInfo {
                name: r.name.clone(),
                rank: r.rank,
                includes: r.includes.iter().map(|&i| self.role_name(i).to_string()).collect(),
            })
            .collect()
    }

    pub fn warnings(&self) -> &[Issue] {
        &self.warnings
    }

    pub fn feature_id(&self, name: &str) -> Option<FeatureId> {
        self.feature_ids.get(name).copied()
    }

    pub fn role_id(&self, name: &str) -> Option<RoleId> {
        self.role_ids.get(name).copied()
    }

    pub fn level_id(&self, feature: FeatureId, level: &str) -> Option<Level> {
        let levels = &self.features.get(feature)?.levels;
        levels.iter().position(|l| l == level).and_then(|i| Level::try_from(i).ok())
    }

    /// Feature id by name, or an `unknown_feature` error.
    pub fn feature(&self, name: &str) -> Result<FeatureId> {
        self.feature_id(name)
            .ok_or_else(|| Error::new("unknown_feature", format!("'{name}' is not a feature of this policy")))
    }

    /// Level id by feature and level name, or an `unknown_feature` / `unknown_level` error.
    pub fn level(&self, feature: &str, level: &str) -> Result<(FeatureId, Level)> {
        let f = self.feature(feature)?;
        let l = self.level_id(f, level).ok_or_else(|| {
            Error::new("unknown_level", format!("'{level}' is not a level of feature '{feature}'"))
        })?;
        Ok((f, l))
    }

    pub(crate) fn feature_name(&self, f: FeatureId) -> &str {
        self.features.get(f).map_or("", |x| x.name.as_str())
    }

    pub(crate) fn level_name(&self, f: FeatureId, level: Level) -> &str {
        self.features.get(f).map_or("", |x| x.level_name(level))
    }

    pub(crate) fn role_name(&self, r: RoleId) -> &str {
        self.roles.get(r).map_or("", |x| x.name.as_str())
    }
}

/// Parses a duration such as `"24h"`, `"90m"`, `"7d"`, `"2s"` or `"500ms"` into milliseconds.
pub fn parse_duration(text: &str) -> Option<u64> {
    let split = text.find(|c: char| !c.is_ascii_digit())?;
    let (digits, unit) = text.split_at_checked(split)?;
    if digits.is_empty() || digits.len() > 12 {
        return None;
    }
    let n: u64 = digits.parse().ok()?;
    let unit_ms = match unit {
        "ms" => 1,
        "s" => 1_000,
        "m" => 60_000,
        "h" => 3_600_000,
        "d" => DAY_MS,
        _ => return None,
    };
    n.checked_mul(unit_ms)
}

/// Collects every error of a document while compiling it.
#[derive(Default)]
struct Compiler {
    errors: Vec<Issue>,
    /// Features whose own definition is broken: grants naming them are not reported again.
    broken_features: FxHashSet<String>,
}

const TOP_FIELDS: &[&str] =
    &["version", "features", "roles", "grantRule", "rankOrder", "userAdmin", "policyAdmin", "protectHigherUsers", "invitationTtl"];

impl Compiler {
    fn error(&mut self, path: impl Into<String>, code: &'static str, message: impl Into<String>) {
        self.errors.push(Issue::new(path, code, message));
    }

    /// Keeps the value of a read, or records its issue.
    fn read<T>(&mut self, read: json::Read<T>) -> Option<T> {
        read.map_err(|issue| self.errors.push(issue)).ok()
    }

    fn object<'v>(&mut self, value: &'v Value, path: &str) -> Option<&'v Map> {
        self.read(json::map(value).map_err(|f| f.at(path)))
    }

    fn string<'v>(&mut self, value: &'v Value, path: &str) -> Option<&'v str> {
        let text = value.as_str();
        if text.is_none() {
            self.read(json::value(&value, path, json::string));
        }
        text
    }

    fn known_fields(&mut self, obj: &Map, path: &str, allowed: &[&str]) {
        self.errors.extend(json::unknown_fields(obj.keys(), path, allowed));
    }

    /// Names of features, levels and roles: non-empty, short, no surrounding space or control characters.
    fn name(&mut self, name: &str, path: &str, what: &str) -> bool {
        let ok = !name.is_empty()
            && name.len() <= MAX_NAME_LEN
            && name.trim() == name
            && !name.chars().any(char::is_control)
            && name != "*";
        if !ok {
            self.error(path, "invalid_name", format!("{what} names must be 1 to {MAX_NAME_LEN} characters, without surrounding spaces or control characters, and not '*'"));
        }
        ok
    }

    fn compile(mut self, doc: &Value) -> Result<Policy> {
        let Some(top) = self.object(doc, "") else {
            return Err(Error::invalid_policy(self.errors));
        };
        self.known_fields(top, "", TOP_FIELDS);
        match top.get("version") {
            None => self.error("version", "missing_field", "version is required (1)"),
            Some(v) if v.as_u64() == Some(1) => {}
            Some(_) => self.error("version", "unsupported_version", "only version 1 is supported"),
        }
        let features = self.features(top.get("features"));
        let feature_ids: FxHashMap<String, FeatureId> =
            features.iter().enumerate().map(|(i, f)| (f.name.clone(), i)).collect();
        let grant_rule = self.grant_rule(top);
        let parsed = self.roles(top.get("roles"), &features, &feature_ids, grant_rule);
        let role_ids: FxHashMap<String, RoleId> = parsed.iter().enumerate().map(|(i, r)| (r.name.clone(), i)).collect();
        let roles = self.fold_includes(parsed, features.len());
        let user_admin = match top.get("userAdmin") {
            Some(value) => self.permission(value, "userAdmin", &features, &feature_ids),
            None => {
                self.error("userAdmin", "missing_field", "userAdmin is required: the { feature, level } needed to administer users");
                (0, 0)
            }
        };
        let policy_admin = top.get("policyAdmin").map(|value| self.permission(value, "policyAdmin", &features, &feature_ids));
        let protect_higher_users = match top.get("protectHigherUsers") {
            None => true,
            Some(v) => v.as_bool().unwrap_or_else(|| {
                self.error("protectHigherUsers", "invalid_type", "protectHigherUsers must be true or false");
                true
            }),
        };
        let invitation_ttl_ms = self.ttl(top.get("invitationTtl"));
        if !self.errors.is_empty() {
            return Err(Error::invalid_policy(self.errors));
        }
        let mut policy = Policy {
            features,
            roles,
            feature_ids,
            role_ids,
            grant_rule,
            user_admin,
            policy_admin,
            protect_higher_users,
            invitation_ttl_ms,
            warnings: Vec::new(),
        };
        policy.warnings = warnings(&policy);
        Ok(policy)
    }

    fn features(&mut self, value: Option<&Value>) -> Vec<Feature> {
        let Some(value) = value else {
            self.error("features", "missing_field", "features is required");
            return Vec::new();
        };
        let Some(map) = self.object(value, "features") else { return Vec::new() };
        if map.is_empty() {
            self.error("features", "empty", "at least one feature is required");
        }
        if map.len() > MAX_FEATURES {
            self.error("features", "too_many", format!("at most {MAX_FEATURES} features"));
            return Vec::new();
        }
        let mut out = Vec::with_capacity(map.len());
        for (name, def) in map {
            let path = child("features", name);
            match self.feature(name, def, &path) {
                Some(f) => out.push(f),
                None => {
                    self.broken_features.insert(name.clone());
                }
            }
        }
        out
    }

    fn feature(&mut self, name: &str, def: &Value, path: &str) -> Option<Feature> {
        let name_ok = self.name(name, path, "feature");
        let obj = self.object(def, path)?;
        self.known_fields(obj, path, &["levels", "label"]);
        let label = match obj.get("label") {
            None => name.to_string(),
            Some(v) => self.string(v, &child(path, "label")).unwrap_or_default().to_string(),
        };
        let levels_path = child(path, "levels");
        let Some(levels) = obj.get("levels") else {
            self.error(levels_path, "missing_field", "levels is required, ordered low to high, the first meaning no access");
            return None;
        };
        let Some(items) = levels.as_array() else {
            self.error(levels_path, "invalid_type", "levels must be an array of strings");
            return None;
        };
        if items.len() < 2 || items.len() > MAX_LEVELS {
            self.error(&levels_path, "invalid_levels", format!("a feature needs 2 to {MAX_LEVELS} levels (the first means no access)"));
        }
        let errors_before = self.errors.len();
        let mut names: Vec<String> = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let p = index(&levels_path, i);
            let Some(level) = self.string(item, &p) else { continue };
            if !self.name(level, &p, "level") {
                continue;
            }
            if names.iter().any(|n| n == level) {
                self.error(p, "duplicate_level", format!("level '{level}' is listed twice"));
            } else {
                names.push(level.to_string());
            }
        }
        let ok = name_ok && self.errors.len() == errors_before && (2..=MAX_LEVELS).contains(&items.len());
        ok.then(|| Feature { name: name.to_string(), label, levels: names })
    }

    fn grant_rule(&mut self, top: &Map) -> GrantRule {
        let order = match top.get("rankOrder").map(|v| (v, v.as_str())) {
            None | Some((_, Some("same-or-lower"))) => RankOrder::SameOrLower,
            Some((_, Some("strictly-lower"))) => RankOrder::StrictlyLower,
            Some(_) => {
                self.error("rankOrder", "invalid_value", "rankOrder must be \"same-or-lower\" or \"strictly-lower\"");
                RankOrder::SameOrLower
            }
        };
        match top.get("grantRule").map(|v| v.as_str()) {
            None | Some(Some("covered")) => GrantRule::Covered,
            Some(Some("held")) => GrantRule::Held,
            Some(Some("rank")) => GrantRule::Rank(order),
            Some(_) => {
                self.error("grantRule", "invalid_value", "grantRule must be \"held\", \"rank\" or \"covered\"");
                GrantRule::Covered
            }
        }
    }

    /// First pass over roles: names, direct grants, ranks and include names (resolved once all names are known).
    fn roles(
        &mut self,
        value: Option<&Value>,
        features: &[Feature],
        feature_ids: &FxHashMap<String, FeatureId>,
        rule: GrantRule,
    ) -> Vec<ParsedRole> {
        let Some(value) = value else {
            self.error("roles", "missing_field", "roles is required");
            return Vec::new();
        };
        let Some(map) = self.object(value, "roles") else { return Vec::new() };
        if map.is_empty() {
            self.error("roles", "empty", "at least one role is required");
        }
        if map.len() > MAX_ROLES {
            self.error("roles", "too_many", format!("at most {MAX_ROLES} roles"));
            return Vec::new();
        }
        let mut roles: Vec<ParsedRole> = map
            .iter()
            .map(|(name, def)| self.role(name, def, features, feature_ids, rule))
            .collect();
        // Owned names: the same map type as the policy's own index, so the wasm carries one instance of it.
        let ids: FxHashMap<String, RoleId> = map.keys().enumerate().map(|(i, n)| (n.clone(), i)).collect();
        for role in &mut roles {
            let path = child(&child("roles", &role.name), "includes");
            let mut resolved = Vec::with_capacity(role.include_names.len());
            for (i, name) in role.include_names.iter().enumerate() {
                match ids.get(name.as_str()) {
                    Some(&id) if !resolved.contains(&id) => resolved.push(id),
                    Some(_) => {}
                    None => self.error(index(&path, i), "unknown_role", format!("'{name}' is not a role of this policy")),
                }
            }
            role.includes = resolved;
        }
        roles
    }

    fn role(
        &mut self,
        name: &str,
        def: &Value,
        features: &[Feature],
        feature_ids: &FxHashMap<String, FeatureId>,
        rule: GrantRule,
    ) -> ParsedRole {
        let path = child("roles", name);
        let mut role = ParsedRole { name: name.to_string(), levels: vec![0; features.len()], ..ParsedRole::default() };
        self.name(name, &path, "role");
        let Some(obj) = self.object(def, &path) else { return role };
        self.known_fields(obj, &path, &["grants", "includes", "rank", "label"]);
        if let Some(v) = obj.get("label") {
            self.string(v, &child(&path, "label"));
        }
        if let Some(grants) = obj.get("grants") {
            let gpath = child(&path, "grants");
            if let Some(grants) = self.object(grants, &gpath) {
                for (feature, level) in grants {
                    self.grant(&mut role.levels, feature, level, &child(&gpath, feature), features, feature_ids);
                }
            }
        }
        if let Some(includes) = obj.get("includes") {
            let ipath = child(&path, "includes");
            match includes.as_array() {
                Some(items) => {
                    for (i, item) in items.iter().enumerate() {
                        if let Some(s) = self.string(item, &index(&ipath, i)) {
                            role.include_names.push(s.to_string());
                        }
                    }
                }
                None => self.error(ipath, "invalid_type", "includes must be an array of role names"),
            }
        }
        let rpath = child(&path, "rank");
        match obj.get("rank") {
            Some(v) => match v.as_u64().filter(|r| *r <= MAX_RANK) {
                Some(r) => role.rank = u32::try_from(r).ok(),
                None => self.error(rpath, "invalid_type", format!("rank must be a whole number from 0 to {MAX_RANK}")),
            },
            None if matches!(rule, GrantRule::Rank(_)) => {
                self.error(rpath, "missing_rank", "grantRule \"rank\" needs a rank on every role");
            }
            None => {}
        }
        role
    }

    fn grant(
        &mut self,
        levels: &mut [Level],
        feature: &str,
        level: &Value,
        path: &str,
        features: &[Feature],
        feature_ids: &FxHashMap<String, FeatureId>,
    ) {
        let Some(level) = self.string(level, path) else { return };
        if feature == "*" {
            if level != "max" {
                self.error(path, "invalid_level", "\"*\" only takes \"max\" (every feature at its top level)");
                return;
            }
            for (slot, f) in levels.iter_mut().zip(features) {
                *slot = f.top();
            }
            return;
        }
        let Some(&f) = feature_ids.get(feature) else {
            if !self.broken_features.contains(feature) {
                self.error(path, "unknown_feature", "unknown feature");
            }
            return;
        };
        let def = features.get(f);
        match def.and_then(|d| d.levels.iter().position(|l| l == level)) {
            Some(l) => {
                if let Some(slot) = levels.get_mut(f) {
                    *slot = (*slot).max(Level::try_from(l).unwrap_or(Level::MAX));
                }
            }
            None => {
                let known = def.map(|d| d.levels.join(", ")).unwrap_or_default();
                self.error(path, "unknown_level", format!("'{level}' is not a level of '{feature}' (levels: {known})"));
            }
        }
    }

    /// Folds `includes` into each role's levels and closure; reports each include cycle once.
    fn fold_includes(&mut self, parsed: Vec<ParsedRole>, feature_count: usize) -> Vec<Role> {
        let n = parsed.len();
        let mut closures: Vec<Option<Vec<RoleId>>> = vec![None; n];
        let mut reported: FxHashSet<Vec<RoleId>> = FxHashSet::default();
        for start in 0..n {
            self.closure(start, &parsed, &mut closures, &mut Vec::new(), &mut reported);
        }
        parsed
            .iter()
            .zip(closures)
            .map(|(role, closure)| {
                let closure = closure.unwrap_or_default();
                let mut levels = vec![0; feature_count];
                for other in closure.iter().filter_map(|&r| parsed.get(r)) {
                    for (slot, &l) in levels.iter_mut().zip(&other.levels) {
                        *slot = (*slot).max(l);
                    }
                }
                let grants = sparse(&levels);
                Role {
                    name: role.name.clone(),
                    rank: role.rank,
                    includes: role.includes.clone(),
                    levels,
                    grants,
                    closure,
                    #[cfg(feature = "analysis")]
                    own: sparse(&role.levels),
                }
            })
            .collect()
    }

    /// Depth-first closure with an explicit path so a cycle can be named.
    fn closure(
        &mut self,
        role: RoleId,
        parsed: &[ParsedRole],
        done: &mut [Option<Vec<RoleId>>],
        stack: &mut Vec<RoleId>,
        reported: &mut FxHashSet<Vec<RoleId>>,
    ) -> Vec<RoleId> {
        if let Some(Some(c)) = done.get(role) {
            return c.clone();
        }
        if let Some(pos) = stack.iter().position(|&r| r == role) {
            let cycle: Vec<RoleId> = stack.get(pos..).map(<[RoleId]>::to_vec).unwrap_or_default();
            if reported.insert(distinct_ids(cycle.iter().copied(), parsed.len())) {
                let names: Vec<&str> =
                    cycle.iter().chain(std::iter::once(&role)).filter_map(|&r| parsed.get(r)).map(|r| r.name.as_str()).collect();
                let first = parsed.get(role).map_or("", |r| r.name.as_str());
                self.error(child(&child("roles", first), "includes"), "include_cycle", format!("includes form a cycle: {}", names.join(" -> ")));
            }
            return Vec::new();
        }
        stack.push(role);
        let mut closure = vec![role];
        let includes = parsed.get(role).map(|r| r.includes.clone()).unwrap_or_default();
        for inc in includes {
            closure.extend(self.closure(inc, parsed, done, stack, reported));
        }
        stack.pop();
        let closure = distinct_ids(closure, parsed.len());
        if let Some(slot) = done.get_mut(role) {
            *slot = Some(closure.clone());
        }
        closure
    }

    /// A `{ feature, level }` permission (`userAdmin`, `policyAdmin`): a feature of the policy and one of its
    /// levels above no access.
    fn permission(
        &mut self,
        value: &Value,
        path: &str,
        features: &[Feature],
        feature_ids: &FxHashMap<String, FeatureId>,
    ) -> (FeatureId, Level) {
        let Some(obj) = self.object(value, path) else { return (0, 0) };
        self.known_fields(obj, path, &["feature", "level"]);
        let field = |c: &mut Self, key: &str| match obj.get(key) {
            Some(v) => c.string(v, &child(path, key)).map(str::to_string),
            None => {
                c.error(child(path, key), "missing_field", format!("{key} is required"));
                None
            }
        };
        let (Some(feature), Some(level)) = (field(self, "feature"), field(self, "level")) else { return (0, 0) };
        let Some(&f) = feature_ids.get(&feature) else {
            if !self.broken_features.contains(&feature) {
                self.error(child(path, "feature"), "unknown_feature", format!("'{feature}' is not a feature of this policy"));
            }
            return (0, 0);
        };
        let def = features.get(f);
        match def.and_then(|d| d.levels.iter().position(|l| *l == level)) {
            Some(0) => {
                self.error(child(path, "level"), "invalid_level", format!("{path} must require more than the no-access level"));
                (f, 0)
            }
            Some(l) => (f, Level::try_from(l).unwrap_or(Level::MAX)),
            None => {
                self.error(child(path, "level"), "unknown_level", format!("'{level}' is not a level of '{feature}'"));
                (f, 0)
            }
        }
    }

    fn ttl(&mut self, value: Option<&Value>) -> u64 {
        let Some(value) = value else { return DEFAULT_TTL_MS };
        match value.as_str().and_then(parse_duration) {
            Some(ms) if ms > 0 && ms <= MAX_TTL_MS => ms,
            _ => {
                self.error("invitationTtl", "invalid_duration", "invitationTtl must be a duration such as \"24h\", \"90m\", \"7d\" or \"2s\", above zero and at most 365 days");
                DEFAULT_TTL_MS
            }
        }
    }
}

/// The features above no access, with their level.
fn sparse(levels: &[Level]) -> Vec<(FeatureId, Level)> {
    levels.iter().enumerate().filter(|&(_, &l)| l > 0).map(|(f, &l)| (f, l)).collect()
}

#[derive(Default)]
struct ParsedRole {
    name: String,
    rank: Option<u32>,
    levels: Vec<Level>,
    include_names: Vec<String>,
    includes: Vec<RoleId>,
}

/// Warnings for a valid policy: roles that grant nothing, and (rank mode) roles an actor could grant by rank
/// although they give more than the actor's own role.
fn warnings(policy: &Policy) -> Vec<Issue> {
    let mut out = Vec::new();
    for role in &policy.roles {
        if role.levels.iter().all(|&l| l == 0) {
            out.push(Issue::new(child("roles", &role.name), "empty_role", format!("role '{}' grants nothing", role.name)));
        }
    }
    if let GrantRule::Rank(order) = policy.grant_rule {
        for (fid, feature) in policy.features.iter().enumerate() {
            // For each role, the lowest level of this feature among roles that could grant it by rank.
            for low in &policy.roles {
                let (Some(low_rank), Some(&low_level)) = (low.rank, low.levels.get(fid)) else { continue };
                let weaker_granter = policy.roles.iter().filter(|high| high.name != low.name).find(|high| {
                    high.rank.is_some_and(|hr| order.permits(hr, low_rank))
                        && high.levels.get(fid).is_some_and(|&hl| hl < low_level)
                });
                if let Some(high) = weaker_granter {
                    out.push(Issue::new(
                        child(&child(&child("roles", &low.name), "grants"), &feature.name),
                        "rank_grants_unheld",
                        format!(
                            "'{}' (rank {}) gives {} '{}' but '{}' (rank {}) only has '{}': rank-based grants would let a {} hand out access he does not hold",
                            low.name, low_rank, feature.name, feature.level_name(low_level),
                            high.name, high.rank.unwrap_or(0), feature.level_name(high.levels.get(fid).copied().unwrap_or(0)), high.name
                        ),
                    ));
                }
            }
        }
    }
    out
}
