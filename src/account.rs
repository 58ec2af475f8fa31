//! Account lifecycle: status and transitions are pure functions of (record, now); the clock is always injected.

use serde::Serialize;

use crate::error::{Error, Result};
use crate::input::{self, Input};
use crate::policy::Policy;

/// Epoch milliseconds.
pub type Millis = u64;

/// What origin stores about one user's account on one tenant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(target_arch = "wasm32", derive(tsify_next::Tsify))]
pub struct AccountRecord {
    /// Disabled on the platform: disabled on every tenant the user belongs to.
    pub platform_disabled: bool,
    pub tenant_enabled: bool,
    /// False means SSO only: platform authentication is disabled for this user on this tenant.
    pub platform_auth: bool,
    #[cfg_attr(target_arch = "wasm32", tsify(type = "number | null"))]
    pub invited_at: Option<Millis>,
    #[cfg_attr(target_arch = "wasm32", tsify(type = "number | null"))]
    pub accepted_at: Option<Millis>,
}

impl AccountRecord {
    /// Reads the five fields (all required; the two times may be null). Other fields are ignored.
    pub fn from_json<I: Input>(value: I, path: &str) -> Result<AccountRecord> {
        input::value(&value, path, input::object)?;
        let time = |key: &str| {
            input::present(&value, path, key)?;
            input::optional_field(&value, path, key, input::whole)
        };
        Ok(AccountRecord {
            platform_disabled: input::field(&value, path, "platformDisabled", input::boolean)?,
            tenant_enabled: input::field(&value, path, "tenantEnabled", input::boolean)?,
            platform_auth: input::field(&value, path, "platformAuth", input::boolean)?,
            invited_at: time("invitedAt")?,
            accepted_at: time("acceptedAt")?,
        })
    }
}

impl Default for AccountRecord {
    /// A user just added: enabled on the tenant, platform auth on, no invitation sent yet.
    fn default() -> Self {
        AccountRecord { platform_disabled: false, tenant_enabled: true, platform_auth: true, invited_at: None, accepted_at: None }
    }
}

/// Platform account status as seen from the current tenant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(target_arch = "wasm32", derive(tsify_next::Tsify))]
pub enum Status {
    PendingInvite,
    Invited,
    ExpiredInvitation,
    Enabled,
    Disabled,
    SsoOnly,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(target_arch = "wasm32", derive(tsify_next::Tsify))]
pub enum TenantStatus {
    Enabled,
    Disabled,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(target_arch = "wasm32", derive(tsify_next::Tsify))]
pub struct AccountStatus {
    pub status: Status,
    pub tenant_status: TenantStatus,
    /// The last valid millisecond of the invitation, while one is outstanding (invited or expired).
    #[cfg_attr(target_arch = "wasm32", tsify(type = "number | null"))]
    pub expires_at: Option<Millis>,
    /// Tenant enabled and the account enabled or SSO only.
    pub can_access_tenant: bool,
}

impl Policy {
    /// Status of `record` at `now`. Precedence: platform disabled, SSO only, enabled, invited/expired, pending.
    pub fn account_status(&self, record: &AccountRecord, now: Millis) -> AccountStatus {
        let expires_at = match (record.accepted_at, record.invited_at) {
            (None, Some(at)) => Some(at.saturating_add(self.invitation_ttl_ms)),
            _ => None,
        };
        let status = if record.platform_disabled {
            Status::Disabled
        } else if !record.platform_auth {
            Status::SsoOnly
        } else if record.accepted_at.is_some() {
            Status::Enabled
        } else {
            match expires_at {
                Some(last) if now <= last => Status::Invited,
                Some(_) => Status::ExpiredInvitation,
                None => Status::PendingInvite,
            }
        };
        let expires_at = expires_at.filter(|_| matches!(status, Status::Invited | Status::ExpiredInvitation));
        let tenant_status = if record.tenant_enabled { TenantStatus::Enabled } else { TenantStatus::Disabled };
        AccountStatus {
            status,
            tenant_status,
            expires_at,
            can_access_tenant: record.tenant_enabled && matches!(status, Status::Enabled | Status::SsoOnly),
        }
    }

    /// When the status of `record` next changes by time alone (the first expired millisecond), if ever.
    pub fn next_status_change(&self, record: &AccountRecord, now: Millis) -> Option<Millis> {
        let status = self.account_status(record, now);
        match status.status {
            Status::Invited => status.expires_at.map(|last| last.saturating_add(1)),
            _ => None,
        }
    }

    /// Sends or resends an invitation: a new window starts at `now` rounded down to the whole second, the
    /// resolution of the link's `iat`, so a record and the link signed at the same `now` expire together.
    pub fn invite(&self, record: &AccountRecord, now: Millis) -> Result<AccountRecord> {
        match self.account_status(record, now).status {
            Status::Disabled => Err(disabled()),
            Status::SsoOnly => Err(Error::new("sso_only", "this user signs in through SSO only and needs no invitation")),
            Status::Enabled => Err(Error::new("already_enabled", "this user already accepted an invitation")),
            Status::PendingInvite | Status::Invited | Status::ExpiredInvitation => {
                Ok(AccountRecord { invited_at: Some(now - now % 1000), ..*record })
            }
        }
    }

    /// Accepts the outstanding invitation; an expired one is refused (a new invitation must be sent).
    pub fn accept(&self, record: &AccountRecord, now: Millis) -> Result<AccountRecord> {
        match self.account_status(record, now).status {
            Status::Disabled => Err(disabled()),
            Status::SsoOnly => Err(Error::new("sso_only", "this user signs in through SSO only")),
            Status::Enabled => Err(Error::new("already_enabled", "this user already accepted an invitation")),
            Status::PendingInvite => Err(Error::new("not_invited", "no invitation has been sent to this user")),
            Status::ExpiredInvitation => {
                Err(Error::new("invitation_expired", "the invitation expired: a new invitation must be sent"))
            }
            Status::Invited => Ok(AccountRecord { accepted_at: Some(now), ..*record }),
        }
    }

    /// Disables the account on the platform (and so on every tenant).
    pub fn disable(&self, record: &AccountRecord, _now: Millis) -> Result<AccountRecord> {
        if record.platform_disabled {
            return Err(Error::new("already_disabled", "this account is already disabled"));
        }
        Ok(AccountRecord { platform_disabled: true, ..*record })
    }

    /// Re-enables a platform-disabled account; it returns to where it was (enabled only if it had accepted).
    pub fn enable(&self, record: &AccountRecord, _now: Millis) -> Result<AccountRecord> {
        if !record.platform_disabled {
            return Err(Error::new("not_disabled", "this account is not disabled"));
        }
        Ok(AccountRecord { platform_disabled: false, ..*record })
    }

    pub fn disable_tenant(&self, record: &AccountRecord, _now: Millis) -> Result<AccountRecord> {
        if !record.tenant_enabled {
            return Err(Error::new("tenant_already_disabled", "this user is already disabled on this tenant"));
        }
        Ok(AccountRecord { tenant_enabled: false, ..*record })
    }

    pub fn enable_tenant(&self, record: &AccountRecord, _now: Millis) -> Result<AccountRecord> {
        if record.tenant_enabled {
            return Err(Error::new("tenant_already_enabled", "this user is already enabled on this tenant"));
        }
        Ok(AccountRecord { tenant_enabled: true, ..*record })
    }
}

fn disabled() -> Error {
    Error::new("account_disabled", "this account is disabled on the platform")
}
