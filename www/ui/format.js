// Human wording for account states and time left.

export const STATUS_LABELS = {
  "pending-invite": "Pending invite",
  invited: "Invited",
  "expired-invitation": "Expired invitation",
  enabled: "Enabled",
  disabled: "Disabled",
  "sso-only": "SSO only",
};

/** "23 h 59 m", "4 m 10 s", "9 s": whole seconds rounded up, so it never reads 0 before expiry. */
export function timeLeft(ms) {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return `${h} h ${m} m`;
  if (m > 0) return `${m} m ${s} s`;
  return `${s} s`;
}
