// The demo provider's own pages: pick who you are, confirm sign-out, and errors. Plain HTML (no
// script), a `lang`, real buttons and labels, readable at 390 px.
import { escapeHtml } from "./http.js";

const STYLE = `
  :root { font: 16px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1d2330; background: #f5f6f8; }
  body { margin: 0; }
  main { box-sizing: border-box; max-width: min(34rem, calc(100% - 2rem)); margin: 2rem auto; padding: 1.25rem; background: #fff; border: 1px solid #dde1e8; border-radius: 8px; }
  h1 { font-size: 1.3rem; margin: 0 0 .5rem; }
  h2 { font-size: 1rem; margin: 1.2rem 0 .4rem; }
  p { margin: .4rem 0; }
  ul { list-style: none; margin: 0; padding: 0; }
  li { display: flex; flex-wrap: wrap; align-items: baseline; gap: .2rem .6rem; padding: .3rem 0; border-bottom: 1px solid #eceff3; }
  button { font: inherit; padding: .35rem .8rem; border: 1px solid #2f5bd3; border-radius: 6px; background: #2f5bd3; color: #fff; cursor: pointer; }
  button.plain { background: #fff; color: #1d2330; border-color: #b9c0cc; }
  .roles, .note { color: #5b6474; font-size: .9rem; }
  .error { color: #b3261e; font-weight: 600; }
  :focus-visible { outline: 3px solid #f0a500; outline-offset: 2px; }`;

function page(title, body) {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · rolegate demo provider</title>
<link rel="icon" href="data:,">
<style>${STYLE}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>`;
}

/**
 * Who signs in: a button per person who may sign in now, by tenant (the `login_hint` one focused).
 * @param {{ uid: string, people: { tenant: string, label: string, users: object[] }[], hint?: string, error?: string }} options
 */
export function interactionPage({ uid, people, hint, error }) {
  const action = `/interaction/${encodeURIComponent(uid)}`;
  const tenants = people.map(({ tenant, label, users }) => `<section aria-labelledby="tenant-${escapeHtml(tenant)}">
<h2 id="tenant-${escapeHtml(tenant)}">${escapeHtml(tenant)} · ${escapeHtml(label)}</h2>
<ul>
${users.map((u) => `<li><button type="submit" name="account" value="${escapeHtml(u.id)}"${u.id === hint ? " autofocus" : ""}>${escapeHtml(u.name)}</button>
<span class="roles">${escapeHtml(u.roles.join(", "))} · ${escapeHtml(u.email)}</span></li>`).join("\n")}
</ul>
</section>`).join("\n");
  return page("Sign in", `<h1>Sign in to the rolegate console</h1>
<p class="note">This is the demo's own OpenID Provider: pick who you are. A real identity provider would ask for a
password or your company's single sign-on.</p>
${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ""}
<form method="post" action="${action}">
${tenants}
</form>
<p><a href="${action}/abort">Cancel</a></p>`);
}

/** Sign-out confirmation; `form` is oidc-provider's hidden form (`op.logoutForm`, with its xsrf token). */
export function logoutPage(form) {
  return page("Sign out", `<h1>Sign out of the demo provider?</h1>
<p class="note">The console has forgotten your tokens; this also ends your session at the provider.</p>
${form}
<p><button type="submit" form="op.logoutForm" name="logout" value="yes" autofocus>Sign out</button>
<button type="submit" form="op.logoutForm" class="plain">Stay signed in here</button></p>`);
}

/** A message page (errors, signed out). */
export function problemPage(title, message) {
  return page(title, `<h1>${escapeHtml(title)}</h1>
<p>${escapeHtml(message)}</p>`);
}
