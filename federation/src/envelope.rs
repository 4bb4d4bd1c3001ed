//! DSSE envelopes: a payload, its type, and signatures over both.
//!
//! The signature covers the pre-authentication encoding (PAE) of the type
//! and the payload's exact bytes, so no JSON canonicalisation is needed and
//! a statement of one type cannot be passed off as another.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::error::VerifyError;
use crate::identity::{Identity, PublicKey};

/// At most this many signatures are looked at, so that an envelope with
/// thousands of signatures costs no more than a normal one.
pub const MAX_SIGNATURES: usize = 8;

/// A statement of the protocol, with the payload type it travels under.
pub trait Statement: Serialize + DeserializeOwned {
    /// Its DSSE payload type.
    const PAYLOAD_TYPE: &'static str;
}

/// A signed statement in DSSE form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Envelope {
    /// What the payload is.
    #[serde(rename = "payloadType")]
    pub payload_type: String,
    /// The payload's bytes, in standard base64.
    pub payload: String,
    /// The signatures.
    pub signatures: Vec<EnvelopeSignature>,
}

/// One signature of an envelope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnvelopeSignature {
    /// The signing key's fingerprint: a hint, never trusted by itself.
    pub keyid: String,
    /// The 64 signature bytes, in standard base64.
    pub sig: String,
}

/// The DSSE pre-authentication encoding of a type and a payload.
pub fn pae(payload_type: &str, payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(payload.len() + payload_type.len() + 32);
    out.extend_from_slice(b"DSSEv1 ");
    out.extend_from_slice(payload_type.len().to_string().as_bytes());
    out.push(b' ');
    out.extend_from_slice(payload_type.as_bytes());
    out.push(b' ');
    out.extend_from_slice(payload.len().to_string().as_bytes());
    out.push(b' ');
    out.extend_from_slice(payload);
    out
}

impl Envelope {
    /// Signs `statement` with each of `signers`.
    pub fn seal<T: Statement>(statement: &T, signers: &[&Identity]) -> Envelope {
        // Serialising plain data structures to JSON does not fail.
        let payload = serde_json::to_vec(statement).unwrap_or_default();
        Envelope::sign(T::PAYLOAD_TYPE, &payload, signers)
    }

    /// Signs raw `payload` bytes of `payload_type`.
    pub fn sign(payload_type: &str, payload: &[u8], signers: &[&Identity]) -> Envelope {
        let message = pae(payload_type, payload);
        Envelope {
            payload_type: payload_type.to_owned(),
            payload: STANDARD.encode(payload),
            signatures: signers
                .iter()
                .map(|s| EnvelopeSignature {
                    keyid: s.public().fingerprint().to_string(),
                    sig: STANDARD.encode(s.sign(&message)),
                })
                .collect(),
        }
    }

    /// The envelope as JSON bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        serde_json::to_vec_pretty(self).unwrap_or_default()
    }

    /// Reads an envelope of at most `limit` bytes.
    pub fn from_bytes(bytes: &[u8], limit: usize) -> Result<Envelope, VerifyError> {
        if bytes.len() > limit {
            return Err(VerifyError::TooLarge {
                size: bytes.len(),
                limit,
            });
        }
        serde_json::from_slice(bytes).map_err(|e| VerifyError::Malformed(e.to_string()))
    }

    /// The keys among `trusted` that signed this envelope's type and
    /// payload, and the payload's bytes; an error when the type is not
    /// `expected` or no trusted key signed.
    fn verified(
        &self,
        expected: &'static str,
        trusted: &[PublicKey],
    ) -> Result<(Vec<PublicKey>, Vec<u8>), VerifyError> {
        if self.payload_type != expected {
            return Err(VerifyError::WrongType {
                expected,
                found: self.payload_type.chars().take(80).collect(),
            });
        }
        let payload = STANDARD
            .decode(&self.payload)
            .map_err(|e| VerifyError::Malformed(format!("the payload is not base64: {e}")))?;
        let message = pae(&self.payload_type, &payload);
        let mut signed_by = Vec::new();
        for signature in self.signatures.iter().take(MAX_SIGNATURES) {
            let Some(sig) = STANDARD
                .decode(&signature.sig)
                .ok()
                .and_then(|b| <[u8; 64]>::try_from(b).ok())
            else {
                continue;
            };
            for key in trusted {
                if !signed_by.contains(key) && key.verifies(&message, &sig) {
                    signed_by.push(*key);
                }
            }
        }
        if signed_by.is_empty() {
            let names = |it: Vec<String>| {
                if it.is_empty() {
                    "nobody".to_owned()
                } else {
                    it.join(", ")
                }
            };
            return Err(VerifyError::Unsigned {
                trusted: names(
                    trusted
                        .iter()
                        .map(|k| k.fingerprint().to_string())
                        .collect(),
                ),
                signed: names(
                    self.signatures
                        .iter()
                        .take(MAX_SIGNATURES)
                        .map(|s| s.keyid.chars().take(48).collect())
                        .collect(),
                ),
            });
        }
        Ok((signed_by, payload))
    }

    /// Verifies that one of `trusted` signed this envelope, then reads its
    /// statement. Nothing of the payload is read before the signature holds.
    pub fn open<T: Statement>(&self, trusted: &[PublicKey]) -> Result<T, VerifyError> {
        let (_, payload) = self.verified(T::PAYLOAD_TYPE, trusted)?;
        serde_json::from_slice(&payload).map_err(|e| VerifyError::BadPayload(e.to_string()))
    }

    /// Verifies that every one of `required` signed this envelope (a key
    /// rotation needs the old and the new key), then reads its statement.
    pub fn open_signed_by_all<T: Statement>(
        &self,
        required: &[PublicKey],
    ) -> Result<T, VerifyError> {
        let (signed_by, payload) = self.verified(T::PAYLOAD_TYPE, required)?;
        if let Some(missing) = required.iter().find(|k| !signed_by.contains(k)) {
            return Err(VerifyError::Unsigned {
                trusted: missing.fingerprint().to_string(),
                signed: signed_by
                    .iter()
                    .map(|k| k.fingerprint().to_string())
                    .collect::<Vec<_>>()
                    .join(", "),
            });
        }
        serde_json::from_slice(&payload).map_err(|e| VerifyError::BadPayload(e.to_string()))
    }

    /// Reads the statement without checking any signature: only to learn
    /// which key a discovery document names before deciding to trust it.
    pub fn peek<T: Statement>(&self) -> Result<T, VerifyError> {
        if self.payload_type != T::PAYLOAD_TYPE {
            return Err(VerifyError::WrongType {
                expected: T::PAYLOAD_TYPE,
                found: self.payload_type.chars().take(80).collect(),
            });
        }
        let payload = STANDARD
            .decode(&self.payload)
            .map_err(|e| VerifyError::Malformed(format!("the payload is not base64: {e}")))?;
        serde_json::from_slice(&payload).map_err(|e| VerifyError::BadPayload(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Note {
        text: String,
    }
    impl Statement for Note {
        const PAYLOAD_TYPE: &'static str = "application/vnd.conservatoire.test+json";
    }

    #[test]
    fn pae_matches_the_dsse_specification() {
        // The example of the DSSE protocol document.
        assert_eq!(
            pae("http://example.com/HelloWorld", b"hello world"),
            b"DSSEv1 29 http://example.com/HelloWorld 11 hello world".to_vec()
        );
    }

    #[test]
    fn sealed_statements_open_only_with_their_key() {
        let paris = Identity::from_secret([1; 32]);
        let lyon = Identity::from_secret([2; 32]);
        let note = Note {
            text: "bonjour".into(),
        };
        let envelope = Envelope::seal(&note, &[&paris]);
        let bytes = envelope.to_bytes();
        let read = Envelope::from_bytes(&bytes, 4096).unwrap();
        assert_eq!(read.open::<Note>(&[paris.public()]).unwrap(), note);
        assert_eq!(
            read.open::<Note>(&[lyon.public(), paris.public()]).unwrap(),
            note
        );
        let err = read.open::<Note>(&[lyon.public()]).unwrap_err();
        assert!(matches!(err, VerifyError::Unsigned { .. }), "{err}");
        assert!(
            err.to_string()
                .contains(&paris.public().fingerprint().to_string())
        );
        // Too large.
        assert!(matches!(
            Envelope::from_bytes(&bytes, 10),
            Err(VerifyError::TooLarge { .. })
        ));
    }

    #[test]
    fn any_change_to_type_payload_or_signature_is_refused() {
        let paris = Identity::from_secret([1; 32]);
        let envelope = Envelope::seal(&Note { text: "a".into() }, &[&paris]);
        let trusted = [paris.public()];
        // Another payload, same signature.
        let mut other = envelope.clone();
        other.payload = STANDARD.encode(br#"{"text":"b"}"#);
        assert!(other.open::<Note>(&trusted).is_err());
        // Another type, same payload and signature.
        let mut retyped = envelope.clone();
        retyped.payload_type = "application/vnd.conservatoire.other+json".into();
        assert!(matches!(
            retyped.open::<Note>(&trusted),
            Err(VerifyError::WrongType { .. })
        ));
        // Every single bit of the signature flipped, one at a time.
        let sig = STANDARD.decode(&envelope.signatures[0].sig).unwrap();
        for bit in 0..sig.len() * 8 {
            let mut flipped = sig.clone();
            flipped[bit / 8] ^= 1 << (bit % 8);
            let mut tampered = envelope.clone();
            tampered.signatures[0].sig = STANDARD.encode(&flipped);
            assert!(tampered.open::<Note>(&trusted).is_err(), "bit {bit}");
        }
        // No signature at all.
        let mut bare = envelope.clone();
        bare.signatures.clear();
        let err = bare.open::<Note>(&trusted).unwrap_err();
        assert!(err.to_string().contains("nobody"), "{err}");
    }

    #[test]
    fn a_rotation_needs_both_keys() {
        let old = Identity::from_secret([1; 32]);
        let new = Identity::from_secret([2; 32]);
        let note = Note { text: "r".into() };
        let both = Envelope::seal(&note, &[&old, &new]);
        assert_eq!(
            both.open_signed_by_all::<Note>(&[old.public(), new.public()])
                .unwrap(),
            note
        );
        let one = Envelope::seal(&note, &[&old]);
        assert!(
            one.open_signed_by_all::<Note>(&[old.public(), new.public()])
                .is_err()
        );
        // The same signature twice does not count as two keys.
        let mut twice = one.clone();
        twice.signatures.push(twice.signatures[0].clone());
        assert!(
            twice
                .open_signed_by_all::<Note>(&[old.public(), new.public()])
                .is_err()
        );
    }
}
