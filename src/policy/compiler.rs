//! Policy documents (JSON, version 1) compiled to a [`Policy`]: every error of a document collected and located
//! by its JSON path (and, for text, its line and column), so a bad document is refused whole.

use rustc_hash::{FxHashMap, FxHashSet};

use crate::input::{self, Expected, InputKind};
use crate::json::{self, Map, Value, child, index};

use super::error::{Issue, IssueKind, PolicyError};
use super::model::{Feature, FeatureId, GrantRule, Level, MAX_FEATURES, MAX_LEVELS, MAX_NAME_LEN, MAX_RANK, MAX_ROLES, Policy, RankOrder, Role, RoleId, distinct_ids};

const DAY_MS: u64 = 86_400_000;
const MAX_TTL_MS: u64 = 365 * DAY_MS;
const DEFAULT_TTL_MS: u64 = DAY_MS;

impl Policy {
    /// Parses and compiles a policy document; a bad one is refused whole with every error listed, each located
    /// by path, line and column. (Warnings are computed when asked for: [`Policy::warnings`].)
    pub fn from_json(text: &str) -> Result<Policy, PolicyError> {
        Policy::from_serialized(text).map_err(|mut e| {
            json::place(text, &mut e.errors);
            e
        })
    }

    /// Like [`Policy::from_json`] for text that is not the author's (a serialized object): issues carry paths
    /// only, since lines and columns of that text would point nowhere the author can see.
    pub fn from_serialized(text: &str) -> Result<Policy, PolicyError> {
        // A member named twice is an error (another reader may keep the other one), listed with every other.
        let repeated = |paths: Vec<String>| paths.into_iter().map(|path| Issue::new(path, IssueKind::DuplicateMember)).collect::<Vec<_>>();
        let (value, mut errors) = match json::parse_document(text) {
            Ok((value, duplicates)) => (value, repeated(duplicates)),
            Err((e, duplicates)) => {
                let mut errors = repeated(duplicates);
                errors.push(Issue::new("", IssueKind::InvalidJson { detail: json::syntax_detail(&e) }));
                return Err(PolicyError { errors });
            }
        };
        match Policy::from_value(value) {
            Ok(policy) if errors.is_empty() => Ok(policy),
            Ok(_) => Err(PolicyError { errors }),
            Err(e) => {
                errors.extend(e.errors);
                Err(PolicyError { errors })
            }
        }
    }

    /// Compiles an already parsed document (this crate's [`Value`], or a `&serde_json::Value`).
    pub fn from_value(doc: impl Into<Value>) -> Result<Policy, PolicyError> {
        Compiler::default().compile(&doc.into())
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
    fn error(&mut self, path: impl Into<String>, kind: IssueKind) {
        self.errors.push(Issue::new(path, kind));
    }

    /// Keeps the value of a read, or records its issue.
    fn read<T>(&mut self, read: input::Read<T>) -> Option<T> {
        read.map_err(|e| self.errors.push(e.into())).ok()
    }

    fn object<'v>(&mut self, value: &'v Value, path: &str) -> Option<&'v Map> {
        self.read(input::map(value).map_err(|f| f.at(path)))
    }

    /// A required top-level object (`features`, `roles`): missing, not an object or over `max` members is recorded
    /// and none; an empty one is recorded and kept (its siblings are still checked).
    fn top_map<'v>(&mut self, value: Option<&'v Value>, name: &'static str, max: usize) -> Option<&'v Map> {
        let Some(value) = value else {
            self.error(name, IssueKind::Input(InputKind::MissingField(name)));
            return None;
        };
        let map = self.object(value, name)?;
        if map.is_empty() {
            self.error(name, IssueKind::Empty);
        }
        if map.len() > max {
            self.error(name, IssueKind::Input(InputKind::TooMany(max)));
            return None;
        }
        Some(map)
    }

    fn string<'v>(&mut self, value: &'v Value, path: &str) -> Option<&'v str> {
        let text = value.as_str();
        if text.is_none() {
            self.read(input::value(&value, path, input::string));
        }
        text
    }

    fn known_fields(&mut self, obj: &Map, path: &str, allowed: &'static [&'static str]) {
        self.errors.extend(input::unknown_fields(obj.keys(), path, allowed).map(Issue::from));
    }

    /// Names of features, levels and roles: non-empty, short, no surrounding space or control characters.
    fn name(&mut self, name: &str, path: &str) -> bool {
        let ok = !name.is_empty()
            && name.len() <= MAX_NAME_LEN
            && name.trim() == name
            && !name.chars().any(char::is_control)
            && name != "*";
        if !ok {
            self.error(path, IssueKind::InvalidName { max: MAX_NAME_LEN });
        }
        ok
    }

    fn compile(mut self, doc: &Value) -> Result<Policy, PolicyError> {
        let Some(top) = self.object(doc, "") else {
            return Err(PolicyError { errors: self.errors });
        };
        self.known_fields(top, "", TOP_FIELDS);
        match top.get("version") {
            None => self.error("version", IssueKind::Input(InputKind::MissingField("version"))),
            Some(v) if v.as_u64() == Some(1) => {}
            Some(_) => self.error("version", IssueKind::UnsupportedVersion),
        }
        let features = self.features(top.get("features"));
        let feature_ids: FxHashMap<String, FeatureId> =
            features.iter().enumerate().map(|(i, f)| (f.name.clone(), i)).collect();
        let grant_rule = self.grant_rule(top);
        let parsed = self.roles(top.get("roles"), &features, &feature_ids, grant_rule);
        let role_ids: FxHashMap<String, RoleId> = parsed.iter().enumerate().map(|(i, r)| (r.name.clone(), i)).collect();
        let roles = self.fold_includes(parsed, features.len());
        let user_admin = match top.get("userAdmin") {
            Some(value) => self.permission(value, "userAdmin", IssueKind::AdminNeedsAccess, &features, &feature_ids),
            None => {
                self.error("userAdmin", IssueKind::Input(InputKind::MissingField("userAdmin")));
                (0, 0)
            }
        };
        let policy_admin = top
            .get("policyAdmin")
            .map(|value| self.permission(value, "policyAdmin", IssueKind::EditorNeedsAccess, &features, &feature_ids));
        let protect_higher_users = match top.get("protectHigherUsers") {
            None => true,
            Some(v) => v.as_bool().unwrap_or_else(|| {
                self.error("protectHigherUsers", IssueKind::Input(InputKind::Expected(Expected::Boolean)));
                true
            }),
        };
        let invitation_ttl_ms = self.ttl(top.get("invitationTtl"));
        if !self.errors.is_empty() {
            return Err(PolicyError { errors: self.errors });
        }
        Ok(Policy { features, roles, feature_ids, role_ids, grant_rule, user_admin, policy_admin, protect_higher_users, invitation_ttl_ms })
    }

    fn features(&mut self, value: Option<&Value>) -> Vec<Feature> {
        let Some(map) = self.top_map(value, "features", MAX_FEATURES) else { return Vec::new() };
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
        let name_ok = self.name(name, path);
        let obj = self.object(def, path)?;
        self.known_fields(obj, path, &["levels", "label"]);
        let label = match obj.get("label") {
            None => name.to_string(),
            Some(v) => self.string(v, &child(path, "label")).unwrap_or_default().to_string(),
        };
        let levels_path = child(path, "levels");
        let Some(levels) = obj.get("levels") else {
            self.error(levels_path, IssueKind::Input(InputKind::MissingField("levels")));
            return None;
        };
        let Some(items) = levels.as_array() else {
            self.error(levels_path, IssueKind::Input(InputKind::Expected(Expected::Strings)));
            return None;
        };
        if items.len() < 2 || items.len() > MAX_LEVELS {
            self.error(&levels_path, IssueKind::InvalidLevels { max: MAX_LEVELS });
        }
        let errors_before = self.errors.len();
        let mut names: Vec<String> = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let p = index(&levels_path, i);
            let Some(level) = self.string(item, &p) else { continue };
            if !self.name(level, &p) {
                continue;
            }
            if names.iter().any(|n| n == level) {
                self.error(p, IssueKind::DuplicateLevel { level: level.to_string() });
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
                self.error("rankOrder", IssueKind::InvalidValue { expected: &["same-or-lower", "strictly-lower"] });
                RankOrder::SameOrLower
            }
        };
        match top.get("grantRule").map(|v| v.as_str()) {
            None | Some(Some("covered")) => GrantRule::Covered,
            Some(Some("held")) => GrantRule::Held,
            Some(Some("rank")) => GrantRule::Rank(order),
            Some(_) => {
                self.error("grantRule", IssueKind::InvalidValue { expected: &["held", "rank", "covered"] });
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
        let Some(map) = self.top_map(value, "roles", MAX_ROLES) else { return Vec::new() };
        let mut roles: Vec<ParsedRole> = map
            .iter()
            .map(|(name, def)| self.role(name, def, features, feature_ids, rule))
            .collect();
        // Owned names: the same map type as the policy's own index, so the wasm carries one instance of it.
        let ids: FxHashMap<String, RoleId> = map.keys().enumerate().map(|(i, n)| (n.clone(), i)).collect();
        for role in &mut roles {
            let path = child(&child("roles", &role.name), "includes");
            let mut resolved = Vec::with_capacity(role.include_names.len());
            for (i, name) in &role.include_names {
                match ids.get(name.as_str()) {
                    Some(&id) if !resolved.contains(&id) => resolved.push(id),
                    Some(_) => {}
                    None => self.error(index(&path, *i), IssueKind::UnknownRole { role: name.clone() }),
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
        self.name(name, &path);
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
                            role.include_names.push((i, s.to_string()));
                        }
                    }
                }
                None => self.error(ipath, IssueKind::Input(InputKind::Expected(Expected::Strings))),
            }
        }
        let rpath = child(&path, "rank");
        match obj.get("rank") {
            Some(v) => match v.as_u64().filter(|r| *r <= MAX_RANK) {
                Some(r) => role.rank = u32::try_from(r).ok(),
                None => self.error(rpath, IssueKind::InvalidRank { max: MAX_RANK }),
            },
            None if matches!(rule, GrantRule::Rank(_)) => {
                self.error(rpath, IssueKind::MissingRank);
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
                self.error(path, IssueKind::StarTakesMax);
                return;
            }
            for (slot, f) in levels.iter_mut().zip(features) {
                *slot = f.top();
            }
            return;
        }
        let Some(&f) = feature_ids.get(feature) else {
            if !self.broken_features.contains(feature) {
                self.error(path, IssueKind::UnknownFeature { feature: feature.to_string() });
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
                let levels = def.map(|d| d.levels.clone()).unwrap_or_default();
                self.error(path, IssueKind::UnknownLevel { feature: feature.to_string(), level: level.to_string(), levels });
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
                let cycle: Vec<String> =
                    cycle.iter().chain(std::iter::once(&role)).filter_map(|&r| parsed.get(r)).map(|r| r.name.clone()).collect();
                let first = parsed.get(role).map_or("", |r| r.name.as_str());
                self.error(child(&child("roles", first), "includes"), IssueKind::IncludeCycle { cycle });
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
    /// levels above no access (`at_no_access` is the issue when it names that level).
    fn permission(
        &mut self,
        value: &Value,
        path: &str,
        at_no_access: IssueKind,
        features: &[Feature],
        feature_ids: &FxHashMap<String, FeatureId>,
    ) -> (FeatureId, Level) {
        let Some(obj) = self.object(value, path) else { return (0, 0) };
        self.known_fields(obj, path, &["feature", "level"]);
        let field = |c: &mut Self, key: &'static str| match obj.get(key) {
            Some(v) => c.string(v, &child(path, key)).map(str::to_string),
            None => {
                c.error(child(path, key), IssueKind::Input(InputKind::MissingField(key)));
                None
            }
        };
        let (Some(feature), Some(level)) = (field(self, "feature"), field(self, "level")) else { return (0, 0) };
        let Some(&f) = feature_ids.get(&feature) else {
            if !self.broken_features.contains(&feature) {
                self.error(child(path, "feature"), IssueKind::UnknownFeature { feature: feature.clone() });
            }
            return (0, 0);
        };
        let def = features.get(f);
        match def.and_then(|d| d.levels.iter().position(|l| *l == level)) {
            Some(0) => {
                self.error(child(path, "level"), at_no_access);
                (f, 0)
            }
            Some(l) => (f, Level::try_from(l).unwrap_or(Level::MAX)),
            None => {
                let levels = def.map(|d| d.levels.clone()).unwrap_or_default();
                self.error(child(path, "level"), IssueKind::UnknownLevel { feature, level, levels });
                (f, 0)
            }
        }
    }

    fn ttl(&mut self, value: Option<&Value>) -> u64 {
        let Some(value) = value else { return DEFAULT_TTL_MS };
        match value.as_str().and_then(parse_duration) {
            Some(ms) if ms > 0 && ms <= MAX_TTL_MS => ms,
            _ => {
                self.error("invitationTtl", IssueKind::InvalidDuration);
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
    /// Each name with its place in the `includes` array (items that are not strings are reported, and skipped).
    include_names: Vec<(usize, String)>,
    includes: Vec<RoleId>,
}

