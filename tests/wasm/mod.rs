//! The JS API as JS sees it, run by both `wasm_node` (Node) and `wasm_browser` (headless Chromium).

use gloo_timers::future::TimeoutFuture;
use js_sys::{Array, Function, JSON, Promise, Reflect};
#[cfg(feature = "token")]
use rolegate::js::Keyring as JsKeyring;
use rolegate::js::Engine as JsPolicy;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

const A: &str = include_str!("../../examples/product-a.json");
const B: &str = include_str!("../../examples/product-b.json");

fn policy(doc: &str) -> JsPolicy {
    JsPolicy::from_json(doc.into()).unwrap()
}

fn js(text: &str) -> JsValue {
    JSON::parse(text).unwrap()
}

fn get(v: &JsValue, key: &str) -> JsValue {
    Reflect::get(v, &key.into()).unwrap()
}

fn text(v: &JsValue) -> String {
    JSON::stringify(v).unwrap().as_string().unwrap()
}

fn code(err: impl Into<JsValue>) -> (String, Option<String>) {
    let err: JsValue = err.into();
    assert!(err.is_instance_of::<js_sys::Error>(), "throws a real Error");
    (get(&err, "code").as_string().unwrap(), get(&err, "path").as_string())
}

#[wasm_bindgen_test]
fn compiles_from_text_or_object() {
    let p = policy(A);
    assert_eq!(p.grant_rule(), "held");
    let from_object = JsPolicy::from_json(js(B)).unwrap();
    assert_eq!(from_object.grant_rule(), "rank");
    assert_eq!(from_object.invitation_ttl_ms(), 86_400_000.0);
}

#[wasm_bindgen_test]
fn a_bad_policy_throws_every_error_with_its_path_as_data() {
    let doc = A.replace("\"users\": \"manage\", \"channels\"", "\"reprots\": \"manage\", \"channels\"");
    let err: JsValue = JsPolicy::from_json(doc.as_str().into()).err().unwrap().into();
    let errors = get(&err, "errors");
    assert_eq!(code(err).0, "invalid_policy");
    // Data for the JS layer to word: the message key and its parameters, the path, the place in the text.
    assert_eq!(text(&errors), r#"[{"path":"roles.UserManager.grants.reprots","key":"unknown_feature","params":{"feature":"reprots"},"line":15,"column":36}]"#);
    // An object has no text of the author's to point into: the path alone.
    let object: JsValue = JsPolicy::from_json(js(&doc)).err().unwrap().into();
    assert_eq!(text(&get(&object, "errors")), r#"[{"path":"roles.UserManager.grants.reprots","key":"unknown_feature","params":{"feature":"reprots"}}]"#);
    for bad in [JsValue::UNDEFINED, js("[1]"), "{".into()] {
        assert_eq!(code(JsPolicy::from_json(bad).err().unwrap()).0, "invalid_policy");
    }
}

/// A decision's words, read where the engine wrote them: their count first (`js::policy::written`).
fn words(address: u32) -> Vec<u32> {
    let memory = js_sys::Uint32Array::new(&wasm_bindgen::memory().unchecked_into::<js_sys::WebAssembly::Memory>().buffer());
    let at = address / 4;
    (at + 1..at + 1 + memory.get_index(at)).map(|i| memory.get_index(i)).collect()
}

#[wasm_bindgen_test]
fn decisions_cross_as_numbers_with_every_reason() {
    let p = policy(A);
    let keys: Vec<String> = Array::from(&JsPolicy::keys()).iter().filter_map(|k| k.as_string()).collect();
    let req = js(r#"{"actor":{"id":"um","roles":["UserManager","User"]},"target":null,"roles":["User","CustomerAdmin"]}"#);
    let d = words(p.check_grant(req).unwrap());
    // Refused (0), then one reason: role_not_held for role 3 (CustomerAdmin), nothing else.
    assert_eq!(d, [0, keys.iter().position(|k| k == "role_not_held").unwrap() as u32, 3, u32::MAX, u32::MAX, u32::MAX]);
    let ok = words(p.check_grant(js(r#"{"actor":{"id":"um","roles":["UserManager","User"],"name":"Uma"},"roles":["User"]}"#)).unwrap());
    assert_eq!(keys[ok[0] as usize], "allowed.held_roles");
    let grantable = p.grantable_roles(js(r#"{"id":"um","roles":["UserManager","User"]}"#)).unwrap();
    assert_eq!(grantable, [0, 2], "User and UserManager");
    let remove = words(p.check_remove(js(r#"{"actor":{"id":"a","roles":["UserManager"]},"target":{"id":"a","roles":[]}}"#)).unwrap());
    assert_eq!(keys[remove[1] as usize], "self_remove");
}

#[wasm_bindgen_test]
fn a_target_holding_an_unknown_role_name_is_refused_by_index_into_its_unknown_names() {
    let p = policy(A);
    let keys: Vec<String> = Array::from(&JsPolicy::keys()).iter().filter_map(|k| k.as_string()).collect();
    let drift = r#"{"id":"x","roles":["User","LegacySuper"]}"#;
    let refused = words(p.check_remove(js(&format!(r#"{{"actor":{{"id":"um","roles":["UserManager","User","Ghost"]}},"target":{drift}}}"#))).unwrap());
    // The role word: FOREIGN (1 << 30) plus the name's place among the target's unknown names.
    let kind = keys.iter().position(|k| k == "unknown_target_role").unwrap() as u32;
    assert_eq!(refused, [0, kind, 1 << 30, u32::MAX, u32::MAX, u32::MAX]);
    let cleaned = words(p.check_remove(js(&format!(r#"{{"actor":{{"id":"ca","roles":["CustomerAdmin"]}},"target":{drift}}}"#))).unwrap());
    assert_eq!(keys[cleaned[0] as usize], "allowed.administers_target");
}

#[wasm_bindgen_test]
fn malformed_requests_throw_invalid_request_with_a_path() {
    let p = policy(A);
    let cases = [
        (r#"{"actor":{"id":"a","roles":["User",1]},"roles":[]}"#, "actor.roles[1]"),
        (r#"{"roles":[]}"#, "actor"),
        (r#"{"actor":{"id":"a","roles":[]},"traget":null,"roles":[]}"#, "traget"),
        (r#"{"actor":{"id":"a","roles":[]},"roles":"User"}"#, "roles"),
        (r#"{"actor":{"id":"","roles":[]},"roles":[]}"#, "actor.id"),
        (r#"[]"#, ""),
    ];
    for (req, path) in cases {
        let (c, p_) = code(p.check_grant(js(req)).err().unwrap());
        assert_eq!((c.as_str(), p_.as_deref()), ("invalid_request", Some(path)), "{req}");
    }
    assert_eq!(code(p.check_grant(JsValue::UNDEFINED).err().unwrap()).0, "invalid_request");
    assert_eq!(code(p.effective(js(r#"["User",null]"#)).err().unwrap()).1.as_deref(), Some("roles[1]"));
    assert_eq!(code(p.effective(js(r#"["Ghost"]"#)).err().unwrap()).0, "unknown_role");
}

#[wasm_bindgen_test]
fn parse_json_refuses_a_member_named_twice_with_its_path() {
    use rolegate::js::parse_json;
    assert_eq!(text(&parse_json(r#"{"roles":["User"],"n":1.5}"#.into()).unwrap()), r#"{"roles":["User"],"n":1.5}"#);
    let err = parse_json(r#"{"roles":["User"],"x":[{"k":1,"k":2}],"roles":[]}"#.into()).unwrap_err();
    assert_eq!(code(err), ("duplicate_member".into(), Some("x[0].k".into())), "the first duplicate, where it is");
    assert_eq!(code(parse_json("{".into()).unwrap_err()).0, "invalid_json");
    assert_eq!(code(parse_json(JsValue::NULL).unwrap_err()).0, "invalid_request");
}

#[wasm_bindgen_test]
fn effective_and_explain_cross_as_level_and_role_ids_in_policy_order() {
    let p = policy(A);
    assert_eq!(p.effective(js(r#"["User","ReportViewer"]"#)).unwrap(), [1, 1, 2, 0, 0, 0, 0]);
    // Per feature: the level id, how many held roles supply it, their ids (ReportViewer is role 1).
    let why = p.explain(js(r#"["User","ReportViewer"]"#)).unwrap();
    assert_eq!(why, [1, 1, 0, 1, 1, 0, 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0]);
    assert!(p.allows(js(r#"["User"]"#), "reports".into(), "own".into()).unwrap());
}

#[wasm_bindgen_test]
fn the_fast_path_answers_with_numbers_only() {
    let p = policy(B);
    let sup = p.compile_roles(js(r#"["Supervisor"]"#)).unwrap();
    let id = |v: JsResult| f64::from(v.unwrap());
    let (users, manage) = (id(p.feature_id("users".into())), id(p.level_id("users".into(), "manage".into())));
    assert!(sup.allows(users, manage));
    assert!(!sup.allows(id(p.feature_id("settings".into())), id(p.level_id("settings".into(), "manage".into()))));
    assert_eq!(sup.levels(), vec![1, 2, 1, 1]);
    let nobody = p.compile_roles(Array::new().into()).unwrap();
    let admin = p.compile_roles(js(r#"["Administrator"]"#)).unwrap();
    let agent = p.compile_roles(js(r#"["Agent"]"#)).unwrap();
    assert!(p.allows_grant(&sup, &nobody, &agent, 0.0));
    assert!(!p.allows_grant(&sup, &nobody, &admin, 0.0));
    assert!(!p.allows_grant(&sup, &agent, &sup, 1.0), "self change");
    assert_eq!(code(p.feature_id("nope".into()).err().unwrap()).0, "unknown_feature");
}

type JsResult = Result<u32, rolegate::Error>;

/// `obj[method](...args)` called from JS, as a JS caller calls it: the value, or what it threw.
fn call(obj: &JsValue, method: &str, args: &[JsValue]) -> Result<JsValue, JsValue> {
    let f: Function = get(obj, method).dyn_into().unwrap();
    Reflect::apply(&f, obj, &args.iter().collect::<Array>())
}

#[wasm_bindgen_test]
fn malformed_numbers_flags_and_names_are_refused_not_coerced() {
    let p = policy(B);
    let users = f64::from(p.feature_id("users".into()).unwrap());
    let fast = JsValue::from(p.compile_roles(js(r#"["Supervisor"]"#)).unwrap());
    assert_eq!(call(&fast, "allows", &[users.into(), 1.into()]).unwrap(), true);
    // Each would read as level 0 (held by everyone) or as feature 0 if coerced.
    let undefined = JsValue::UNDEFINED;
    for (feature, level, path) in [
        (undefined.clone(), 1.into(), "feature"),
        (users.into(), undefined.clone(), "level"),
        (users.into(), "manage".into(), "level"),
        (users.into(), JsValue::NULL, "level"),
        (users.into(), false.into(), "level"),
        (users.into(), 0.into(), "level"),
        (users.into(), 0.9.into(), "level"),
        (999.into(), 1.into(), "feature"),
        ((-1).into(), 1.into(), "feature"),
    ] {
        let err = call(&fast, "allows", &[feature.clone(), level.clone()]).unwrap_err();
        assert_eq!(code(err), ("invalid_request".into(), Some(path.into())), "allows({feature:?}, {level:?})");
    }
    let js_policy = JsValue::from(policy(B));
    let sets = |same: JsValue| -> Vec<JsValue> {
        let set = |r: &str| JsValue::from(p.compile_roles(js(r)).unwrap());
        vec![set(r#"["Supervisor"]"#), set(r#"["Agent"]"#), set(r#"["Agent","Supervisor"]"#), same]
    };
    assert_eq!(call(&js_policy, "allowsGrant", &sets(true.into())).unwrap(), false, "a self change");
    for same in [undefined.clone(), "yes".into(), js("{}")] {
        let err = call(&js_policy, "allowsGrant", &sets(same)).unwrap_err();
        assert_eq!(code(err), ("invalid_request".into(), Some("sameUser".into())), "a missing sameUser is not 'someone else'");
    }
    // Times: null is not the epoch (an expired invitation would otherwise be accepted at time 0).
    let expired = record(1000.0);
    for now in [JsValue::NULL, "5".into(), false.into(), undefined.clone(), 1.5.into()] {
        assert_eq!(code(p.accept(expired.clone(), now).err().unwrap()), ("invalid_request".into(), Some("nowMs".into())));
    }
    for name in [JsValue::from(123), JsValue::NULL, js("{}")] {
        assert_eq!(code(p.feature_id(name.clone()).err().unwrap()).0, "invalid_request");
        assert_eq!(code(p.level_id("users".into(), name).err().unwrap()).0, "invalid_request");
    }
    assert_eq!(code(p.watch_invitation(record(1000.0), 1000.into(), 42.into()).err().unwrap()), ("invalid_request".into(), Some("callback".into())));
}

#[cfg(feature = "token")]
#[wasm_bindgen_test]
fn malformed_token_times_and_kids_are_refused_not_coerced() {
    let ring = JsKeyring::new("{\"k1\":\"0123456789abcdef0123456789abcdef\"}".into(), None).unwrap();
    let token = ring.sign_actor(js(r#"{"sub":"u1","tenant":"acme","roles":["User"],"exp":1000}"#), JsValue::UNDEFINED).unwrap();
    assert_eq!(code(ring.verify_actor(token.into(), JsValue::NULL).err().unwrap()).1.as_deref(), Some("nowMs"), "an expired token is not checked at time 0");
    assert_eq!(code(ring.sign_actor(js(r#"{"sub":"u1","tenant":"acme","roles":[],"exp":1}"#), 7.into()).err().unwrap()).1.as_deref(), Some("kid"));
}

#[wasm_bindgen_test]
fn a_watch_beyond_one_set_timeout_fires_exactly_at_expiry() {
    // setTimeout replaced by a recorder: the watch's timers are run by hand, in order, their delays added up.
    let global = js_sys::global();
    let real = get(&global, "setTimeout");
    let fake = Function::new_with_args("fn, ms", "(globalThis.__timers ??= []).push([fn, ms]); return 900000 + globalThis.__timers.length;");
    Reflect::set(&global, &"setTimeout".into(), &fake).unwrap();
    let p = policy(&B.replace("\"24h\"", "\"100d\""));
    let now = 1_790_000_000_000.0;
    let (calls, push) = recorder();
    let f: &Function = push.as_ref().unchecked_ref();
    let watch = p.watch_invitation(record(now), now.into(), f.into());
    let (mut elapsed, mut steps) = (0.0, Vec::new());
    let timers: Array = get(&global, "__timers").dyn_into().unwrap();
    while let Some(timer) = timers.shift().dyn_ref::<Array>().cloned().filter(|_| steps.len() < 100) {
        let delay = timer.get(1).as_f64().unwrap();
        steps.push(delay);
        elapsed += delay;
        let _ = timer.get(0).unchecked_into::<Function>().call0(&JsValue::NULL);
    }
    Reflect::set(&global, &"setTimeout".into(), &real).unwrap();
    let _watch = watch.unwrap();
    assert!(steps.iter().all(|&d| d <= 2_147_483_647.0), "every step fits one setTimeout: {steps:?}");
    assert_eq!(steps.len(), 5, "{steps:?}");
    assert_eq!(elapsed, 100.0 * 86_400_000.0 + 1.0, "fires at the first expired millisecond, not before");
    assert_eq!(calls.length(), 1);
    assert_eq!(get(&calls.get(0), "status"), "expired-invitation");
}

fn record(invited_at: f64) -> JsValue {
    js(&format!(r#"{{"platformDisabled":false,"tenantEnabled":true,"platformAuth":true,"invitedAt":{invited_at},"acceptedAt":null,"email":"x@example.com"}}"#))
}

#[wasm_bindgen_test]
fn account_transitions_return_new_records_and_keep_other_fields() {
    let p = policy(B);
    let invited = record(1000.0);
    let s = p.account_status(invited.clone(), (1000.0 + 86_400_000.0).into()).unwrap();
    assert_eq!(text(&s), r#"{"status":"invited","tenantStatus":"enabled","expiresAt":86401000,"canAccessTenant":false}"#);
    let accepted = p.accept(invited.clone(), 2000.into()).unwrap();
    assert_eq!(get(&accepted, "acceptedAt"), 2000.0);
    assert_eq!(get(&accepted, "email"), "x@example.com", "nothing lost");
    assert_eq!(get(&invited, "acceptedAt"), JsValue::NULL, "input untouched");
    let err = p.accept(invited, (1000.0 + 86_400_001.0).into()).err().unwrap();
    assert_eq!(code(err).0, "invitation_expired");
    assert_eq!(code(p.account_status(record(1.0), (-1).into()).err().unwrap()), ("invalid_request".into(), Some("nowMs".into())));
    assert_eq!(code(p.account_status(js("{}"), 1.into()).err().unwrap()).1.as_deref(), Some("record.platformDisabled"));
}

/// A promise and the function that resolves it (with the callback's first argument).
fn signal() -> (Promise, Function) {
    let mut resolve = None;
    let promise = Promise::new(&mut |res, _| resolve = Some(res));
    (promise, resolve.unwrap())
}

/// A callback that records each argument it is called with.
fn recorder() -> (Array, Closure<dyn Fn(JsValue)>) {
    let calls = Array::new();
    let push = Closure::<dyn Fn(JsValue)>::new({
        let calls = calls.clone();
        move |s: JsValue| {
            calls.push(&s);
        }
    });
    (calls, push)
}

#[wasm_bindgen_test]
async fn watch_invitation_fires_when_the_invitation_expires() {
    let p = policy(&B.replace("\"24h\"", "\"2s\""));
    let now = js_sys::Date::now();
    let invited_at = now - 2000.0 + 40.0; // expires 41 ms from now
    let (promise, resolve) = signal();
    let _watch = p.watch_invitation(record(invited_at), now.into(), resolve.into()).unwrap();
    let status = JsFuture::from(promise).await.unwrap();
    assert_eq!(get(&status, "status"), "expired-invitation");
    assert!(js_sys::Date::now() >= invited_at + 2000.0, "not before the window closes");
}

#[wasm_bindgen_test]
async fn a_cancelled_or_distant_watch_does_not_fire() {
    let p = policy(B);
    let now = js_sys::Date::now();
    let (calls, push) = recorder();
    let f: &Function = push.as_ref().unchecked_ref();
    // Expires in 10 ms, cancelled at once.
    let soon = p.watch_invitation(record(now - 86_400_000.0 + 10.0), now.into(), f.into()).unwrap();
    soon.cancel();
    // Expires in 30 days: beyond one setTimeout, which would otherwise fire at once.
    let far = 30.0 * 86_400_000.0;
    let long_ttl = B.replace("\"24h\"", "\"31d\"");
    let p31 = policy(&long_ttl);
    let distant = p31.watch_invitation(record(now - 31.0 * 86_400_000.0 + far), now.into(), f.into()).unwrap();
    TimeoutFuture::new(100).await;
    assert_eq!(calls.length(), 0);
    distant.cancel();
}

#[cfg(feature = "token")]
#[wasm_bindgen_test]
fn keyrings_sign_verify_and_refuse_with_reasons() {
    let ring = JsKeyring::new("{\"k1\":\"0123456789abcdef0123456789abcdef\"}".into(), None).unwrap();
    let claims = js(r#"{"sub":"u1","tenant":"acme","roles":["User"],"exp":2000000000}"#);
    let token = ring.sign_actor(claims, JsValue::UNDEFINED).unwrap();
    let got = ring.verify_actor(token.clone().into(), 1_900_000_000_000.0.into()).unwrap();
    assert_eq!(get(&got, "sub"), "u1");
    let tampered = format!("{}x", token);
    let err: JsValue = ring.verify_actor(tampered.into(), 1_900_000_000_000.0.into()).err().unwrap().into();
    assert_eq!(get(&err, "reason"), "bad_signature");
    assert_eq!(code(err).0, "invalid_token");
    assert_eq!(code(JsKeyring::new(js(r#"{"k":"short"}"#), None).err().unwrap()).0, "invalid_key");
    assert_eq!(code(ring.verify_actor(JsValue::UNDEFINED, 0.into()).err().unwrap()).0, "invalid_request");
}

#[cfg(feature = "analysis")]
#[wasm_bindgen_test]
fn analysis_answers_as_plain_objects() {
    let a = policy(A);
    assert_eq!(
        text(&a.who_can("reports".into(), "all".into()).unwrap()),
        r#"[{"role":"ReportViewer","level":"all","via":["ReportViewer"]},{"role":"CustomerAdmin","level":"all","via":["CustomerAdmin"]}]"#
    );
    assert_eq!(code(a.who_can("reports".into(), 3.into()).err().unwrap()), ("invalid_request".into(), Some("level".into())));
    assert_eq!(code(a.who_can("reprots".into(), "all".into()).err().unwrap()).0, "unknown_feature");
    assert_eq!(
        text(&policy(B).delegation().unwrap()),
        r#"{"grants":[{"granter":"Agent","roles":[]},{"granter":"Supervisor","roles":["Agent","Supervisor"]},{"granter":"Administrator","roles":["Agent","Supervisor","Administrator"]}],"escalations":[]}"#
    );
    let after = policy(&A.replace(r#"{ "grants": { "users": "manage""#, r#"{ "includes": ["ReportViewer"], "grants": { "users": "manage""#));
    let users = js(r#"[{"id":"uma","roles":["UserManager","User"],"name":"Uma"},{"id":"rita","roles":["ReportViewer"]}]"#);
    let d = JsPolicy::diff(&a, &after, users).unwrap();
    assert_eq!(
        text(&d),
        r#"{"changes":[{"code":"delegation_added","granter":"UserManager","role":"ReportViewer"},"#.to_string()
            + r#"{"code":"access_raised","role":"UserManager","feature":"reports","from":"none","to":"all"}],"#
            + r#""users":[{"id":"uma","code":"user_gains","feature":"reports","from":"own","to":"all"}]}"#
    );
    assert_eq!(text(&get(&JsPolicy::diff(&a, &a, JsValue::UNDEFINED).unwrap(), "changes")), "[]", "users are optional");
    for (users, path) in [(js(r#"[{"id":"u","roles":[1]}]"#), "users[0].roles[0]"), (js("{}"), "users"), (js("[null]"), "users[0]")] {
        assert_eq!(code(JsPolicy::diff(&a, &after, users).err().unwrap()), ("invalid_request".into(), Some(path.into())));
    }
}
