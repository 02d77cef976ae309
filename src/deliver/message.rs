//! One email per recipient: a plain-text body with an HTML alternative, and attachments.

use lettre::Message;
use lettre::message::header::ContentType;
use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Attachment as MimeAttachment, Mailbox, MultiPart, SinglePart};
use sha2::{Digest, Sha256};
use std::path::Path;

/// A file of the run's output folder, attached under its own name. Messages carry names,
/// not bytes, so a run of thousands of briefings never holds its PDFs in memory.
#[derive(Debug, Clone)]
pub struct Attachment {
    pub file_name: String,
    pub content_type: &'static str,
}

#[derive(Debug, Clone)]
pub struct OutgoingMessage {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    pub attachments: Vec<Attachment>,
}

/// Which briefing a message is, for the ledger and the receiving side: one (job, period,
/// recipient, scope) has one idempotency key, so a manager of two sites gets two messages
/// that no server or client takes for one; each resend gets its own Message-ID.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub job: String,
    pub period: String,
    pub recipient: String,
    /// Whose figures: `company`, `site:<id>`, `team:<id>`, `hr` or `notice`.
    pub scope: String,
    /// 0 for the run's own delivery, 1… for an admin's resends.
    pub resend: u32,
    /// A test send's id (`xbrief send-test`): its own key and Message-ID, so no server or
    /// client takes it for the briefing itself, and an `X-Xbrief-Test` header.
    pub test: Option<String>,
}

const IDEMPOTENCY: HeaderName = HeaderName::new_from_ascii_str("X-Xbrief-Idempotency-Key");
const RESEND: HeaderName = HeaderName::new_from_ascii_str("X-Xbrief-Resend");
const TEST: HeaderName = HeaderName::new_from_ascii_str("X-Xbrief-Test");

impl Identity {
    /// SHA-256 of job, period, recipient (lowercased) and scope, hex.
    pub fn idempotency_key(&self) -> String {
        let mut hash = Sha256::new();
        for part in [
            &self.job,
            &self.period,
            &self.recipient.to_ascii_lowercase(),
            &self.scope,
        ] {
            hash.update(part.as_bytes());
            hash.update([0]);
        }
        if let Some(test) = &self.test {
            hash.update(b"test\0");
            hash.update(test.as_bytes());
        }
        hex::encode(hash.finalize())
    }

    pub fn message_id(&self) -> String {
        let key = self.idempotency_key();
        match &self.test {
            Some(_) => format!("<{}.test@xbrief>", &key[..32]),
            None => format!("<{}.{}@xbrief>", &key[..32], self.resend),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum MessageError {
    #[error("invalid address `{address}`: {source}")]
    Address {
        address: String,
        #[source]
        source: lettre::address::AddressError,
    },
    #[error("cannot build the message to {to}: {source}")]
    Build {
        to: String,
        #[source]
        source: lettre::error::Error,
    },
    #[error("cannot read the attachment {}: {source}", path.display())]
    Attachment {
        path: std::path::PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// The MIME message; attachments are read from `folder`.
pub fn build(
    from: &Mailbox,
    reply_to: Option<&Mailbox>,
    message: &OutgoingMessage,
    folder: &Path,
    identity: &Identity,
) -> Result<Message, MessageError> {
    let to = message
        .to
        .parse::<Mailbox>()
        .map_err(|source| MessageError::Address {
            address: message.to.clone(),
            source,
        })?;
    let mut builder = Message::builder()
        .from(from.clone())
        .to(to)
        .subject(&message.subject)
        .message_id(Some(identity.message_id()))
        .raw_header(HeaderValue::new(IDEMPOTENCY, identity.idempotency_key()));
    if identity.resend > 0 {
        builder = builder.raw_header(HeaderValue::new(RESEND, identity.resend.to_string()));
    }
    if let Some(test) = &identity.test {
        builder = builder.raw_header(HeaderValue::new(TEST, test.clone()));
    }
    if let Some(reply_to) = reply_to {
        builder = builder.reply_to(reply_to.clone());
    }
    let mut body = MultiPart::mixed().multipart(MultiPart::alternative_plain_html(
        message.text.clone(),
        message.html.clone(),
    ));
    for attachment in &message.attachments {
        let content_type =
            ContentType::parse(attachment.content_type).expect("known content types parse");
        let path = folder.join(&attachment.file_name);
        let bytes = std::fs::read(&path).map_err(|source| MessageError::Attachment {
            path: path.clone(),
            source,
        })?;
        let part: SinglePart =
            MimeAttachment::new(attachment.file_name.clone()).body(bytes, content_type);
        body = body.singlepart(part);
    }
    builder
        .multipart(body)
        .map_err(|source| MessageError::Build {
            to: message.to.clone(),
            source,
        })
}
