//! Account lifecycle: status and transitions are pure functions of (record, now); the clock is always injected.

use serde::Serialize;

use crate::input::{self, Input, InputError};
use crate::policy::Policy;

/// Epoch milliseconds.
pub type Millis = u64;

/// What origin stores about one user's account on one tenant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountRecord {
    /// Disabled on the platform: disabled on every tenant the user belongs to.
    pub platform_disabled: bool,
    pub tenant_enabled: bool,
    /// False means SSO only: platform authentication is disabled for this user on this tenant.
    pub platform_auth: bool,
    pub invited_at: Option<Millis>,
    pub accepted_at: Option<Millis>,
}

impl AccountRecord {
    /// Reads the five fields (all required; the two times may be null). Other fields are ignored.
    pub fn from_json<I: Input>(value: I, path: &str) -> Result<AccountRecord, InputError> {
        input::value(&value, path, input::object)?;
        let time = |key: &'static str| {
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
pub enum TenantStatus {
    Enabled,
    Disabled,
}

impl Status {
    /// As JS and JSON spell it: `pending-invite`, `invited`, ...
    pub fn name(self) -> &'static str {
        match self {
            Status::PendingInvite => "pending-invite",
            Status::Invited => "invited",
            Status::ExpiredInvitation => "expired-invitation",
            Status::Enabled => "enabled",
            Status::Disabled => "disabled",
            Status::SsoOnly => "sso-only",
        }
    }
}

impl TenantStatus {
    pub fn name(self) -> &'static str {
        match self {
            TenantStatus::Enabled => "enabled",
            TenantStatus::Disabled => "disabled",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountStatus {
    pub status: Status,
    pub tenant_status: TenantStatus,
    /// The last valid millisecond of the invitation, while one is outstanding (invited or expired).
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

    /// Sends or resends an invitation: a new window starts at `now`, to the millisecond (a link signed at the same
    /// `now` carries it as `iatMs`, so the two expire together).
    pub fn invite(&self, record: &AccountRecord, now: Millis) -> Result<AccountRecord, AccountError> {
        match self.account_status(record, now).status {
            Status::Disabled => Err(AccountError::Disabled),
            Status::SsoOnly => Err(AccountError::SsoOnly),
            Status::Enabled => Err(AccountError::AlreadyEnabled),
            Status::PendingInvite | Status::Invited | Status::ExpiredInvitation => {
                Ok(AccountRecord { invited_at: Some(now), ..*record })
            }
        }
    }

    /// Accepts the outstanding invitation; an expired one is refused (a new invitation must be sent).
    pub fn accept(&self, record: &AccountRecord, now: Millis) -> Result<AccountRecord, AccountError> {
        match self.account_status(record, now).status {
            Status::Disabled => Err(AccountError::Disabled),
            Status::SsoOnly => Err(AccountError::SsoOnly),
            Status::Enabled => Err(AccountError::AlreadyEnabled),
            Status::PendingInvite => Err(AccountError::NotInvited),
            Status::ExpiredInvitation => Err(AccountError::InvitationExpired),
            Status::Invited => Ok(AccountRecord { accepted_at: Some(now), ..*record }),
        }
    }

    /// Disables the account on the platform (and so on every tenant).
    pub fn disable(&self, record: &AccountRecord, _now: Millis) -> Result<AccountRecord, AccountError> {
        if record.platform_disabled {
            return Err(AccountError::AlreadyDisabled);
        }
        Ok(AccountRecord { platform_disabled: true, ..*record })
    }

    /// Re-enables a platform-disabled account; it returns to where it was (enabled only if it had accepted).
    pub fn enable(&self, record: &AccountRecord, _now: Millis) -> Result<AccountRecord, AccountError> {
        if !record.platform_disabled {
            return Err(AccountError::NotDisabled);
        }
        Ok(AccountRecord { platform_disabled: false, ..*record })
    }

    pub fn disable_tenant(&self, record: &AccountRecord, _now: Millis) -> Result<AccountRecord, AccountError> {
        if !record.tenant_enabled {
            return Err(AccountError::TenantAlreadyDisabled);
        }
        Ok(AccountRecord { tenant_enabled: false, ..*record })
    }

    pub fn enable_tenant(&self, record: &AccountRecord, _now: Millis) -> Result<AccountRecord, AccountError> {
        if record.tenant_enabled {
            return Err(AccountError::TenantAlreadyEnabled);
        }
        Ok(AccountRecord { tenant_enabled: true, ..*record })
    }
}

/// A transition the account's state does not allow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum AccountError {
    /// `account_disabled`: disabled on the platform.
    Disabled,
    /// `sso_only`: signs in through SSO only (no invitation to send or accept).
    SsoOnly,
    /// `already_enabled`: the invitation was already accepted.
    AlreadyEnabled,
    /// `not_invited`
    NotInvited,
    /// `invitation_expired`: a new invitation must be sent.
    InvitationExpired,
    /// `already_disabled`
    AlreadyDisabled,
    /// `not_disabled`
    NotDisabled,
    /// `tenant_already_disabled`
    TenantAlreadyDisabled,
    /// `tenant_already_enabled`
    TenantAlreadyEnabled,
}

impl AccountError {
    pub fn code(self) -> &'static str {
        match self {
            AccountError::Disabled => "account_disabled",
            AccountError::SsoOnly => "sso_only",
            AccountError::AlreadyEnabled => "already_enabled",
            AccountError::NotInvited => "not_invited",
            AccountError::InvitationExpired => "invitation_expired",
            AccountError::AlreadyDisabled => "already_disabled",
            AccountError::NotDisabled => "not_disabled",
            AccountError::TenantAlreadyDisabled => "tenant_already_disabled",
            AccountError::TenantAlreadyEnabled => "tenant_already_enabled",
        }
    }

    pub fn message(self) -> &'static str {
        match self {
            AccountError::Disabled => "this account is disabled on the platform",
            AccountError::SsoOnly => "this user signs in through SSO only and needs no invitation",
            AccountError::AlreadyEnabled => "this user already accepted an invitation",
            AccountError::NotInvited => "no invitation has been sent to this user",
            AccountError::InvitationExpired => "the invitation expired: a new invitation must be sent",
            AccountError::AlreadyDisabled => "this account is already disabled",
            AccountError::NotDisabled => "this account is not disabled",
            AccountError::TenantAlreadyDisabled => "this user is already disabled on this tenant",
            AccountError::TenantAlreadyEnabled => "this user is already enabled on this tenant",
        }
    }
}
