//! The result of a certification: [`Certificate`], [`Verdict`] and [`Reason`].

use std::fmt;

use cdl_records::Kind;
use serde::{Deserialize, Serialize};

/// Whether a licence expression makes a resource free, for one kind of resource.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// The expression lets everyone use, study, share and modify the resource.
    Certified,
    /// The expression is known not to be free for this kind (non-commercial,
    /// no-derivatives, proprietary, not approved...).
    Rejected,
    /// The expression cannot be judged: unlisted `LicenseRef-*`, licence not
    /// reviewed for this kind, syntax error... Never treated as free.
    Unknown,
}

impl Verdict {
    /// The lowercase name used in JSON: `certified`, `rejected` or `unknown`.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Certified => "certified",
            Verdict::Rejected => "rejected",
            Verdict::Unknown => "unknown",
        }
    }

    /// The verdict of `a OR b`: free when one branch is free.
    pub(crate) fn or(self, other: Verdict) -> Verdict {
        use Verdict::{Certified, Rejected, Unknown};
        match (self, other) {
            (Certified, _) | (_, Certified) => Certified,
            (Unknown, _) | (_, Unknown) => Unknown,
            (Rejected, Rejected) => Rejected,
        }
    }

    /// The verdict of `a AND b`: free only when both parts are free.
    pub(crate) fn and(self, other: Verdict) -> Verdict {
        use Verdict::{Certified, Rejected, Unknown};
        match (self, other) {
            (Rejected, _) | (_, Rejected) => Rejected,
            (Unknown, _) | (_, Unknown) => Unknown,
            (Certified, Certified) => Certified,
        }
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The certificate of one licence expression for one kind of resource.
///
/// It is deterministic: the same policy, kind and expression always give an
/// equal certificate, with reasons in the same order. It holds no time stamp.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Certificate {
    /// The kind of resource the expression was judged for.
    pub kind: Kind,
    /// The expression exactly as given.
    pub expression: String,
    /// The expression in canonical SPDX form, when it could be parsed.
    pub canonical: Option<String>,
    /// The verdict.
    pub verdict: Verdict,
    /// Why: one reason per licence term judged, then notes (deprecated ids,
    /// exceptions...), in the order of the expression, without duplicates.
    pub reasons: Vec<Reason>,
    /// Corrected SPDX expressions to offer the author (deprecated ids, imprecise
    /// names, wrong case...). Empty when the expression is already right.
    pub suggestions: Vec<String>,
    /// The `policy_version` of the policy data used.
    pub policy_version: String,
    /// The version of the SPDX licence list used to parse and flag licences.
    pub spdx_list_version: String,
}

impl Certificate {
    /// True when the verdict is [`Verdict::Certified`].
    pub fn is_certified(&self) -> bool {
        self.verdict == Verdict::Certified
    }

    /// True when some reason has this code.
    pub fn has_reason(&self, code: ReasonCode) -> bool {
        self.reasons.iter().any(|r| r.code == code)
    }
}

/// One reason of a certificate: a stable machine code plus a message for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Reason {
    /// The stable machine code.
    pub code: ReasonCode,
    /// The licence term (SPDX id, `LicenseRef-*`, exception) it is about, if any.
    pub license: Option<String>,
    /// The message in French.
    pub message_fr: String,
    /// The message in English.
    pub message_en: String,
}

impl Reason {
    pub(crate) fn new(
        code: ReasonCode,
        license: Option<&str>,
        message_fr: String,
        message_en: String,
    ) -> Reason {
        Reason {
            code,
            license: license.map(str::to_owned),
            message_fr,
            message_en,
        }
    }
}

/// The stable machine code of a [`Reason`], written in kebab-case in JSON.
///
/// Codes are part of the public contract: web pages and other cities match on
/// them. New codes may be added; existing ones keep their meaning.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum ReasonCode {
    /// The licence is OSI-approved or FSF-libre (a free-software licence).
    FreeSoftwareLicence,
    /// The licence is accepted by a group of the policy for this kind.
    PolicyAccepted,
    /// The `LicenseRef-*` is a seed commons licence accepted for this kind.
    SeedCommons,
    /// A listed SPDX exception follows `WITH`: it only adds permissions.
    ExceptionAddsPermissions,
    /// Software: the licence is neither OSI-approved nor FSF-libre.
    NotFreeSoftware,
    /// The licence is rejected by a group of the policy for this kind.
    PolicyRejected,
    /// The `LicenseRef-*` is a known non-free licence.
    NonFreeLicenceRef,
    /// The expression is `NONE`: no licence, so all rights are reserved.
    NoLicence,
    /// The licence is not reviewed by the policy for this kind.
    NotReviewed,
    /// Seeds and ferments: an SPDX (copyright) licence cannot make living material free.
    NotAMaterialLicence,
    /// A known licence meant for another kind of resource.
    NotForThisKind,
    /// A `LicenseRef-*` (or `DocumentRef-*`) the policy does not know.
    UnknownLicenceRef,
    /// An `AdditionRef-*` after `WITH`: its terms are unknown.
    UnknownAddition,
    /// The expression is not a valid SPDX expression.
    InvalidExpression,
    /// The expression is empty.
    EmptyExpression,
    /// The expression is `NOASSERTION`: nobody stated the licence.
    NoAssertion,
    /// The expression is longer than [`crate::MAX_EXPRESSION_LEN`] bytes.
    TooLong,
    /// The expression has more than [`crate::MAX_TERMS`] licence terms.
    TooComplex,
    /// The expression uses a deprecated SPDX id.
    DeprecatedId,
    /// The expression is valid but not written in canonical form (case, `+` on a GNU id).
    NonCanonicalForm,
    /// The embedded policy data could not be loaded (never expected: a test checks it).
    PolicyUnavailable,
}

impl ReasonCode {
    /// Every code, in declaration order.
    pub const ALL: [ReasonCode; 21] = [
        ReasonCode::FreeSoftwareLicence,
        ReasonCode::PolicyAccepted,
        ReasonCode::SeedCommons,
        ReasonCode::ExceptionAddsPermissions,
        ReasonCode::NotFreeSoftware,
        ReasonCode::PolicyRejected,
        ReasonCode::NonFreeLicenceRef,
        ReasonCode::NoLicence,
        ReasonCode::NotReviewed,
        ReasonCode::NotAMaterialLicence,
        ReasonCode::NotForThisKind,
        ReasonCode::UnknownLicenceRef,
        ReasonCode::UnknownAddition,
        ReasonCode::InvalidExpression,
        ReasonCode::EmptyExpression,
        ReasonCode::NoAssertion,
        ReasonCode::TooLong,
        ReasonCode::TooComplex,
        ReasonCode::DeprecatedId,
        ReasonCode::NonCanonicalForm,
        ReasonCode::PolicyUnavailable,
    ];

    /// The kebab-case code, as written in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            ReasonCode::FreeSoftwareLicence => "free-software-licence",
            ReasonCode::PolicyAccepted => "policy-accepted",
            ReasonCode::SeedCommons => "seed-commons",
            ReasonCode::ExceptionAddsPermissions => "exception-adds-permissions",
            ReasonCode::NotFreeSoftware => "not-free-software",
            ReasonCode::PolicyRejected => "policy-rejected",
            ReasonCode::NonFreeLicenceRef => "non-free-licence-ref",
            ReasonCode::NoLicence => "no-licence",
            ReasonCode::NotReviewed => "not-reviewed",
            ReasonCode::NotAMaterialLicence => "not-a-material-licence",
            ReasonCode::NotForThisKind => "not-for-this-kind",
            ReasonCode::UnknownLicenceRef => "unknown-licence-ref",
            ReasonCode::UnknownAddition => "unknown-addition",
            ReasonCode::InvalidExpression => "invalid-expression",
            ReasonCode::EmptyExpression => "empty-expression",
            ReasonCode::NoAssertion => "no-assertion",
            ReasonCode::TooLong => "too-long",
            ReasonCode::TooComplex => "too-complex",
            ReasonCode::DeprecatedId => "deprecated-id",
            ReasonCode::NonCanonicalForm => "non-canonical-form",
            ReasonCode::PolicyUnavailable => "policy-unavailable",
        }
    }
}

impl fmt::Display for ReasonCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_valued_logic() {
        use Verdict::{Certified as C, Rejected as R, Unknown as U};
        assert_eq!(C.or(R), C);
        assert_eq!(R.or(U), U);
        assert_eq!(R.or(R), R);
        assert_eq!(C.and(U), U);
        assert_eq!(U.and(R), R);
        assert_eq!(C.and(C), C);
    }

    #[test]
    fn codes_serialize_as_their_name() {
        for code in ReasonCode::ALL {
            let json = serde_json::to_string(&code).unwrap();
            assert_eq!(json, format!("\"{}\"", code.as_str()));
            let back: ReasonCode = serde_json::from_str(&json).unwrap();
            assert_eq!(back, code);
        }
        assert_eq!(
            serde_json::to_string(&Verdict::Certified).unwrap(),
            "\"certified\""
        );
    }
}
