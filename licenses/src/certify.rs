//! The certification engine: parse, judge each licence term, combine with AND/OR.

use std::collections::{BTreeMap, BTreeSet};

use cdl_records::Kind;
use spdx::expression::{ExprNode, Operator};
use spdx::lexer::{Lexer, Token};
use spdx::{AdditionItem, Expression, LicenseItem, LicenseReq, ParseMode};

use crate::certificate::{Certificate, Reason, ReasonCode, Verdict};
use crate::messages;
use crate::policy::Policy;

/// The longest expression, in bytes, that is parsed. Longer ones get the
/// verdict `unknown` with the reason `too-long`.
pub const MAX_EXPRESSION_LEN: usize = 64 * 1024;

/// The largest number of licence terms in an expression. Expressions with more
/// get the verdict `unknown` with the reason `too-complex`.
pub const MAX_TERMS: usize = 1024;

/// The most suggestions a certificate offers.
const MAX_SUGGESTIONS: usize = 4;

/// SPDX syntax as the specification writes it, plus what can still be read
/// without doubt: deprecated ids (flagged and replaced in suggestions) and `+`
/// after a GNU id (read as `-or-later`).
pub(crate) const RELAXED: ParseMode = ParseMode {
    allow_slash_as_or_operator: false,
    allow_imprecise_license_names: false,
    allow_postfix_plus_on_gpl: true,
    allow_deprecated: true,
    allow_unknown: false,
};

/// What parsing an expression gave.
pub(crate) enum Parsed {
    Empty,
    TooLong(usize),
    NoLicence,
    NoAssertion,
    Invalid(spdx::ParseError),
    Valid {
        expr: Box<Expression>,
        /// The text that was parsed: the input, trimmed, with the case of ids and
        /// operators fixed (SPDX ids match case-insensitively).
        text: String,
        case_fixed: bool,
    },
}

/// Parses an expression leniently enough to judge it, never panicking.
pub(crate) fn parse(policy: &Policy, expression: &str) -> Parsed {
    if expression.len() > MAX_EXPRESSION_LEN {
        return Parsed::TooLong(expression.len());
    }
    let trimmed = expression.trim();
    if trimmed.is_empty() {
        return Parsed::Empty;
    }
    if trimmed.eq_ignore_ascii_case("NONE") {
        return Parsed::NoLicence;
    }
    if trimmed.eq_ignore_ascii_case("NOASSERTION") {
        return Parsed::NoAssertion;
    }
    let (text, case_fixed) = match fix_case(policy, trimmed) {
        Some(fixed) => (fixed, true),
        None => (trimmed.to_owned(), false),
    };
    match Expression::parse_mode(&text, RELAXED) {
        Ok(expr) => Parsed::Valid {
            expr: Box::new(expr),
            text,
            case_fixed,
        },
        Err(error) => Parsed::Invalid(error),
    }
}

/// Rewrites ids, exceptions, `LicenseRef-` prefixes and operators written in
/// the wrong case. Returns `None` when nothing changed or the text does not lex.
fn fix_case(policy: &Policy, text: &str) -> Option<String> {
    let mode = ParseMode {
        allow_unknown: true,
        ..RELAXED
    };
    let mut edits: Vec<(std::ops::Range<usize>, String)> = Vec::new();
    for token in Lexer::new_mode(text, mode) {
        let token = token.ok()?;
        let Token::Unknown(word) = token.token else {
            continue;
        };
        let fixed = if ["and", "or", "with"]
            .iter()
            .any(|op| word.eq_ignore_ascii_case(op))
        {
            Some(word.to_ascii_uppercase())
        } else if let Some(id) = policy.suggester.license_ci(word) {
            Some(id.to_owned())
        } else if let Some(id) = policy.suggester.exception_ci(word) {
            Some(id.to_owned())
        } else {
            fix_ref_prefix(word)
        };
        if let Some(fixed) = fixed {
            edits.push((token.span, fixed));
        }
    }
    if edits.is_empty() {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for (span, fixed) in edits {
        out.push_str(text.get(last..span.start)?);
        out.push_str(&fixed);
        last = span.end;
    }
    out.push_str(text.get(last..)?);
    Some(out)
}

fn fix_ref_prefix(word: &str) -> Option<String> {
    for prefix in ["LicenseRef-", "AdditionRef-"] {
        if let Some(head) = word.get(..prefix.len())
            && head.eq_ignore_ascii_case(prefix)
            && head != prefix
        {
            return word
                .get(prefix.len()..)
                .map(|rest| format!("{prefix}{rest}"));
        }
    }
    None
}

/// Judges one licence term for a kind.
fn judge(policy: &Policy, kind: Kind, req: &LicenseReq) -> (Verdict, Vec<Reason>) {
    let (mut verdict, mut reasons) = match &req.license {
        LicenseItem::Spdx { id, .. } => judge_id(policy, kind, *id),
        LicenseItem::Other(reference) => {
            let shown = reference.to_string();
            if reference.doc_ref.is_some() {
                (Verdict::Unknown, vec![messages::unknown_ref(&shown)])
            } else if let Some(seed) = policy.seed(&shown) {
                if seed.kinds.contains(&kind) {
                    (
                        Verdict::Certified,
                        vec![messages::seed_commons(&seed.id, &seed.name)],
                    )
                } else {
                    (
                        Verdict::Unknown,
                        vec![messages::not_for_this_kind(&seed.id, &seed.name, kind)],
                    )
                }
            } else if let Some(known) = policy.known_ref(&shown) {
                (
                    Verdict::Rejected,
                    vec![messages::non_free_ref(
                        &known.id,
                        &known.why_fr,
                        &known.why_en,
                    )],
                )
            } else {
                (Verdict::Unknown, vec![messages::unknown_ref(&shown)])
            }
        }
    };
    if verdict == Verdict::Certified {
        let licence = req.license.to_string();
        match &req.addition {
            None => {}
            Some(AdditionItem::Spdx(exception)) => {
                reasons.push(messages::exception(&licence, exception.name));
            }
            Some(AdditionItem::Other(addition)) => {
                verdict = Verdict::Unknown;
                reasons.push(messages::unknown_addition(&licence, &addition.to_string()));
            }
        }
    }
    (verdict, reasons)
}

fn judge_id(policy: &Policy, kind: Kind, id: spdx::LicenseId) -> (Verdict, Vec<Reason>) {
    let name = id.name;
    if name == "NOASSERTION" {
        return (Verdict::Unknown, vec![messages::no_assertion()]);
    }
    if let Some(group) = policy.group_for(name, kind) {
        let reason = if group.verdict == Verdict::Certified {
            messages::policy_accepted(name, &group.why_fr, &group.why_en)
        } else {
            messages::policy_rejected(name, &group.why_fr, &group.why_en)
        };
        return (group.verdict, vec![reason]);
    }
    let Some(rules) = policy.kinds.get(&kind) else {
        return (
            Verdict::Unknown,
            vec![messages::unlisted(ReasonCode::NotReviewed, name, kind)],
        );
    };
    if rules.free_software && (id.is_osi_approved() || id.is_fsf_free_libre()) {
        return (
            Verdict::Certified,
            vec![messages::free_software(
                name,
                id.is_osi_approved(),
                id.is_fsf_free_libre(),
            )],
        );
    }
    (
        rules.unlisted.verdict,
        vec![messages::unlisted(rules.unlisted.code, name, kind)],
    )
}

/// Combines the verdicts of the terms along the postfix expression. `None` if
/// the expression is malformed (never expected from a parsed expression).
pub(crate) fn fold<T: Copy>(
    expr: &Expression,
    mut term: impl FnMut(&LicenseReq) -> T,
    and: impl Fn(T, T) -> T,
    or: impl Fn(T, T) -> T,
) -> Option<T> {
    let mut stack: Vec<T> = Vec::new();
    for node in expr.iter() {
        match node {
            ExprNode::Req(req) => stack.push(term(&req.req)),
            ExprNode::Op(op) => {
                let right = stack.pop()?;
                let left = stack.pop()?;
                stack.push(match op {
                    Operator::And => and(left, right),
                    Operator::Or => or(left, right),
                });
            }
        }
    }
    let result = stack.pop()?;
    stack.is_empty().then_some(result)
}

/// Writes the expression back in canonical form (uppercase operators, minimal
/// parentheses), each term written by `term`. Iterative: no recursion, so deep
/// nesting cannot overflow the stack.
pub(crate) fn render(
    expr: &Expression,
    mut term: impl FnMut(&LicenseReq) -> String,
) -> Option<String> {
    let mut stack: Vec<(String, Option<Operator>)> = Vec::new();
    for node in expr.iter() {
        match node {
            ExprNode::Req(req) => stack.push((term(&req.req), None)),
            ExprNode::Op(op) => {
                let (right, right_op) = stack.pop()?;
                let (left, left_op) = stack.pop()?;
                let text = match op {
                    Operator::Or => format!("{left} OR {right}"),
                    Operator::And => {
                        let wrap = |text: String, inner: Option<Operator>| {
                            if inner == Some(Operator::Or) {
                                format!("({text})")
                            } else {
                                text
                            }
                        };
                        format!("{} AND {}", wrap(left, left_op), wrap(right, right_op))
                    }
                };
                stack.push((text, Some(*op)));
            }
        }
    }
    let (result, _) = stack.pop()?;
    stack.is_empty().then_some(result)
}

/// A deprecated id met in the text, in order.
struct DeprecatedUse {
    id: spdx::LicenseId,
    with_plus: bool,
}

struct Notes {
    deprecated: Vec<DeprecatedUse>,
    deprecated_exceptions: Vec<&'static str>,
    gnu_plus: bool,
}

fn scan_notes(text: &str) -> Notes {
    let tokens: Vec<Token<'_>> = Lexer::new_mode(text, RELAXED)
        .map_while(Result::ok)
        .map(|t| t.token)
        .collect();
    let mut notes = Notes {
        deprecated: Vec::new(),
        deprecated_exceptions: Vec::new(),
        gnu_plus: false,
    };
    for (index, token) in tokens.iter().enumerate() {
        let next_is_plus = matches!(tokens.get(index + 1), Some(Token::Plus));
        match token {
            Token::Spdx(id) if id.is_deprecated() => {
                // `GPL-2.0+` is read as `GPL-2.0-or-later`: nothing left to
                // choose. A `+` after a non-GNU deprecated id is kept as `+`.
                let with_plus = next_is_plus && id.is_gnu();
                if !notes
                    .deprecated
                    .iter()
                    .any(|d| d.id == *id && d.with_plus == with_plus)
                {
                    notes.deprecated.push(DeprecatedUse { id: *id, with_plus });
                }
            }
            Token::Spdx(id) if id.is_gnu() && next_is_plus => notes.gnu_plus = true,
            Token::Exception(exception)
                if exception.is_deprecated()
                    && !notes.deprecated_exceptions.contains(&exception.name) =>
            {
                notes.deprecated_exceptions.push(exception.name);
            }
            _ => {}
        }
    }
    notes
}

/// Writes one term with a deprecated id replaced by its `choice`-th replacement.
fn replaced_term(policy: &Policy, req: &LicenseReq, choice: usize, terms: usize) -> String {
    let LicenseItem::Spdx { id, or_later } = &req.license else {
        return req.to_string();
    };
    if !id.is_deprecated() {
        return req.to_string();
    }
    let alternatives = policy.replacements(*id);
    let Some(picked) = alternatives
        .get(choice)
        .or_else(|| alternatives.last())
        .cloned()
    else {
        return req.to_string();
    };
    let mut text = picked;
    let single = !text.contains(' ');
    if *or_later && single {
        if let Some(base) = text.strip_suffix("-only") {
            text = format!("{base}-or-later");
        } else if !text.ends_with("-or-later") {
            text.push('+');
        }
    }
    if let Some(addition) = &req.addition {
        text = format!("{text} WITH {addition}");
    }
    if terms > 1 && (text.contains(" AND ") || text.contains(" OR ")) {
        text = format!("({text})");
    }
    text
}

fn push_unique(list: &mut Vec<String>, item: String) {
    if list.len() < MAX_SUGGESTIONS && !list.contains(&item) {
        list.push(item);
    }
}

/// Builds certificates, keeping reasons unique and in order.
struct Builder<'a> {
    policy: &'a Policy,
    kind: Kind,
    expression: &'a str,
    reasons: Vec<Reason>,
    seen: BTreeSet<(ReasonCode, Option<String>)>,
}

impl<'a> Builder<'a> {
    fn new(policy: &'a Policy, kind: Kind, expression: &'a str) -> Self {
        Builder {
            policy,
            kind,
            expression,
            reasons: Vec::new(),
            seen: BTreeSet::new(),
        }
    }

    fn reason(&mut self, reason: Reason) {
        if self.seen.insert((reason.code, reason.license.clone())) {
            self.reasons.push(reason);
        }
    }

    fn finish(
        self,
        verdict: Verdict,
        canonical: Option<String>,
        suggestions: Vec<String>,
    ) -> Certificate {
        Certificate {
            kind: self.kind,
            expression: self.expression.to_owned(),
            canonical,
            verdict,
            reasons: self.reasons,
            suggestions,
            policy_version: self.policy.version.clone(),
            spdx_list_version: spdx::license_version().to_owned(),
        }
    }
}

/// Certifies `expression` for `kind` under `policy`.
pub(crate) fn certify(policy: &Policy, kind: Kind, expression: &str) -> Certificate {
    let mut out = Builder::new(policy, kind, expression);
    let (expr, text, case_fixed) = match parse(policy, expression) {
        Parsed::Empty => {
            out.reason(messages::empty());
            return out.finish(Verdict::Unknown, None, Vec::new());
        }
        Parsed::TooLong(len) => {
            out.reason(messages::too_long(len, MAX_EXPRESSION_LEN));
            return out.finish(Verdict::Unknown, None, Vec::new());
        }
        Parsed::NoLicence => {
            out.reason(messages::no_licence());
            return out.finish(Verdict::Rejected, Some("NONE".to_owned()), Vec::new());
        }
        Parsed::NoAssertion => {
            out.reason(messages::no_assertion());
            return out.finish(Verdict::Unknown, Some("NOASSERTION".to_owned()), Vec::new());
        }
        Parsed::Invalid(error) => {
            out.reason(messages::invalid(&error));
            let suggestions = policy.suggester.suggest(policy, expression.trim());
            return out.finish(Verdict::Unknown, None, suggestions);
        }
        Parsed::Valid {
            expr,
            text,
            case_fixed,
        } => (expr, text, case_fixed),
    };

    let terms = expr.requirements().count();
    if terms > MAX_TERMS {
        out.reason(messages::too_complex(terms, MAX_TERMS));
        return out.finish(Verdict::Unknown, None, Vec::new());
    }

    // Judge each distinct term once, in the order of the expression.
    let mut judged: BTreeMap<String, Verdict> = BTreeMap::new();
    for req in expr.requirements() {
        let key = req.req.to_string();
        if judged.contains_key(&key) {
            continue;
        }
        let (verdict, reasons) = judge(policy, kind, &req.req);
        for reason in reasons {
            out.reason(reason);
        }
        judged.insert(key, verdict);
    }
    let verdict = fold(
        &expr,
        |req| {
            judged
                .get(&req.to_string())
                .copied()
                .unwrap_or(Verdict::Unknown)
        },
        Verdict::and,
        Verdict::or,
    );
    let canonical = render(&expr, |req| req.to_string());
    let (Some(verdict), Some(canonical)) = (verdict, canonical) else {
        // Unreachable with a parsed expression; stay safe and never certify.
        out.reason(messages::too_complex(terms, MAX_TERMS));
        return out.finish(Verdict::Unknown, None, Vec::new());
    };

    let notes = scan_notes(&text);
    let mut suggestions = Vec::new();
    for used in &notes.deprecated {
        let replacements = if used.with_plus {
            spdx::gnu_license_id(used.id.name, true)
                .map(|id| vec![id.name.to_owned()])
                .unwrap_or_default()
        } else {
            policy.replacements(used.id)
        };
        let shown = if used.with_plus {
            format!("{}+", used.id.name)
        } else {
            used.id.name.to_owned()
        };
        out.reason(messages::deprecated(&shown, &replacements));
    }
    for exception in &notes.deprecated_exceptions {
        out.reason(messages::deprecated(exception, &[]));
    }
    let bare_deprecated = notes.deprecated.iter().any(|used| !used.with_plus);
    if bare_deprecated {
        let choices = notes
            .deprecated
            .iter()
            .map(|used| policy.replacements(used.id).len())
            .max()
            .unwrap_or(1)
            .clamp(1, MAX_SUGGESTIONS);
        for choice in 0..choices {
            if let Some(variant) = render(&expr, |req| replaced_term(policy, req, choice, terms))
                && Expression::parse(&variant).is_ok()
            {
                push_unique(&mut suggestions, variant);
            }
        }
    } else if case_fixed || notes.gnu_plus || !notes.deprecated.is_empty() {
        if case_fixed || notes.gnu_plus {
            out.reason(messages::non_canonical(&canonical));
        }
        push_unique(&mut suggestions, canonical.clone());
    }
    out.finish(verdict, Some(canonical), suggestions)
}
