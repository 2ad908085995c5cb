//! A customer's email as Charla reads it (mail-parser): ids for threading and
//! deduplication, the sender, the text with quoted earlier text trimmed (kept
//! separately), the HTML sanitised (ammonia), the files, and whether it is an
//! automatic message (auto-replies, bulk mail, our own mail coming back) that must
//! never open a conversation.
use mail_parser::{HeaderValue, MessageParser, MimeHeaders};
use sha2::{Digest, Sha256};

pub struct ParsedMail {
    /// Without angle brackets; a digest of the message when it has none.
    pub message_id: String,
    /// In-Reply-To then References, newest first.
    pub thread_ids: Vec<String>,
    pub from_address: String,
    pub from_name: Option<String>,
    pub subject: String,
    /// What the agent reads first: the new text, without the quoted earlier mail.
    pub shown: String,
    /// The quoted earlier text trimmed from `shown`, kept in full.
    pub quoted: Option<String>,
    pub html: Option<String>,
    pub files: Vec<(String, String, Vec<u8>)>,
    /// Unix ms from the Date header.
    pub date: Option<i64>,
    /// Why it must not open or join a conversation, if so.
    pub automatic: Option<&'static str>,
}

fn ids(value: &HeaderValue<'_>) -> Vec<String> {
    let raw: Vec<String> = match value {
        HeaderValue::Text(t) => vec![t.to_string()],
        HeaderValue::TextList(list) => list.iter().map(|t| t.to_string()).collect(),
        _ => Vec::new(),
    };
    raw.iter()
        .flat_map(|t| t.split_whitespace().map(str::to_owned).collect::<Vec<_>>())
        .map(|id| id.trim_matches(['<', '>']).to_owned())
        .filter(|id| !id.is_empty() && id.len() <= 250)
        .collect()
}

/// Splits the new text from the quoted mail below it ("On … wrote:", "El … escribió:",
/// "-----Original Message-----", or a trailing block of `>` lines).
pub fn split_quoted(text: &str) -> (String, Option<String>) {
    let lines: Vec<&str> = text.lines().collect();
    let is_attribution = |line: &str| {
        let l = line.trim();
        let lower = l.to_lowercase();
        (lower.starts_with("on ") && lower.ends_with("wrote:"))
            || (lower.starts_with("el ") && lower.ends_with("escribió:"))
            || lower.starts_with("-----original message-----")
            || lower.starts_with("-------- mensaje original --------")
            || lower.starts_with("--- mensaje original ---")
            || (lower.starts_with("de:") && lower.len() < 200 && l.contains('@'))
            || (lower.starts_with("from:") && lower.len() < 200 && l.contains('@'))
    };
    let cut = lines.iter().position(|l| is_attribution(l)).or_else(|| {
        // A quoted block that runs to the end.
        let mut start = None;
        for (i, line) in lines.iter().enumerate().rev() {
            let t = line.trim();
            if t.starts_with('>') {
                start = Some(i);
            } else if !t.is_empty() {
                break;
            }
        }
        start
    });
    match cut {
        Some(0) | None => (text.trim().to_owned(), None),
        Some(i) => {
            let shown = lines[..i].join("\n").trim().to_owned();
            let quoted = lines[i..].join("\n").trim().to_owned();
            if shown.is_empty() {
                (text.trim().to_owned(), None)
            } else {
                (shown, Some(quoted).filter(|q| !q.is_empty()))
            }
        }
    }
}

/// HTML an agent can look at safely: no scripts, styles that could escape, forms,
/// frames or event handlers; links open elsewhere.
pub fn sanitise_html(html: &str) -> String {
    ammonia::Builder::default()
        .link_rel(Some("noopener noreferrer nofollow"))
        .url_schemes(
            ["http", "https", "mailto", "cid", "data"]
                .into_iter()
                .collect(),
        )
        // `data:` only as an image's source (inline pictures); as a link it could
        // carry a whole page of its own.
        .attribute_filter(|element, attribute, value| {
            let data = value
                .trim_start()
                .get(..5)
                .is_some_and(|scheme| scheme.eq_ignore_ascii_case("data:"));
            let image = element == "img"
                && attribute == "src"
                && value
                    .trim_start()
                    .get(..11)
                    .is_some_and(|p| p.eq_ignore_ascii_case("data:image/"));
            (!data || image).then(|| value.into())
        })
        .clean(html)
        .to_string()
}

fn automatic(message: &mail_parser::Message<'_>, own_address: &str) -> Option<&'static str> {
    let header = |name: &str| {
        message
            .header_raw(name)
            .map(|v| v.trim().to_ascii_lowercase())
    };
    if header("Auto-Submitted").is_some_and(|v| v != "no") {
        return Some("auto-submitted");
    }
    if header("Precedence")
        .is_some_and(|v| ["bulk", "junk", "list", "auto_reply"].contains(&v.as_str()))
    {
        return Some("precedence");
    }
    if header("X-Autoreply").is_some()
        || header("X-Autorespond").is_some()
        || header("X-Auto-Response-Suppress").is_some_and(|v| v.contains("all"))
    {
        return Some("auto-reply");
    }
    if message.message_id().is_some_and(super::smtp::is_ours) {
        return Some("our own message");
    }
    let from = message
        .from()
        .and_then(|a| a.first())
        .and_then(|a| a.address())
        .map(str::to_ascii_lowercase);
    if from.as_deref() == Some(own_address.to_ascii_lowercase().as_str()) {
        return Some("from this inbox");
    }
    let sender = from.unwrap_or_default();
    if sender.starts_with("mailer-daemon@") || sender.starts_with("postmaster@") {
        return Some("bounce");
    }
    None
}

/// Reads one raw message; `None` when it is not an email at all or has no sender.
pub fn parse(raw: &[u8], own_address: &str) -> Option<ParsedMail> {
    // Whatever a stranger mails us, the mailbox watcher must survive it: a panic in the
    // parser (mail-parser has debug assertions on malformed multiparts, found by
    // app/tests/fuzz.rs) counts as "not an email".
    std::panic::catch_unwind(|| parse_unguarded(raw, own_address)).unwrap_or_else(|_| {
        tracing::warn!(
            bytes = raw.len(),
            "a message the MIME parser could not read"
        );
        None
    })
}

/// How many In-Reply-To and References ids are read (the newest ones).
pub const MAX_THREAD_IDS: usize = 20;

fn parse_unguarded(raw: &[u8], own_address: &str) -> Option<ParsedMail> {
    let message = MessageParser::default().parse(raw)?;
    let from = message.from().and_then(|a| a.first())?;
    let from_address = from.address()?.trim().to_owned();
    let message_id = message
        .message_id()
        .map(|id| id.trim_matches(['<', '>']).to_owned())
        .filter(|id| !id.is_empty() && id.len() <= 250)
        .unwrap_or_else(|| {
            let digest = Sha256::digest(raw);
            let hex: String = digest.iter().take(16).map(|b| format!("{b:02x}")).collect();
            format!("sha256.{hex}@charla.invalid")
        });
    let mut thread_ids = ids(message.in_reply_to());
    let mut references = ids(message.references());
    references.reverse();
    for id in references {
        if !thread_ids.contains(&id) {
            thread_ids.push(id);
        }
    }
    // Each is a lookup: a forged header with thousands of ids must not cost thousands.
    thread_ids.truncate(MAX_THREAD_IDS);
    let html = message.body_html(0).map(|h| sanitise_html(&h));
    let text = message
        .body_text(0)
        .map(|t| t.replace("\r\n", "\n"))
        .unwrap_or_default();
    let (shown, quoted) = split_quoted(&text);
    let files = message
        .attachments()
        .map(|part| {
            let name = part.attachment_name().unwrap_or("adjunto").to_owned();
            let mime = part
                .content_type()
                .map(|ct| match ct.subtype() {
                    Some(sub) => format!("{}/{}", ct.ctype(), sub),
                    None => ct.ctype().to_owned(),
                })
                .unwrap_or_else(|| "application/octet-stream".into())
                .to_ascii_lowercase();
            (name, mime, part.contents().to_vec())
        })
        .collect();
    Some(ParsedMail {
        automatic: automatic(&message, own_address),
        message_id,
        thread_ids,
        from_name: from
            .name()
            .map(|n| n.trim().to_owned())
            .filter(|n| !n.is_empty()),
        from_address,
        subject: message.subject().unwrap_or_default().trim().to_owned(),
        shown,
        quoted,
        html,
        files,
        date: message.date().map(|d| d.to_timestamp() * 1000),
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn data_addresses_only_as_image_sources() {
        let clean = super::sanitise_html(
            r#"<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">premio</a>
               <a href=" DATA:text/html,hola">otro</a>
               <img src="data:image/png;base64,iVBORw0KGgo=" alt="logo">
               <img src="data:text/html,hola" alt="no">"#,
        );
        assert!(!clean.contains("text/html"), "{clean}");
        assert!(
            clean.contains(r#"src="data:image/png;base64,iVBORw0KGgo=""#),
            "{clean}"
        );
        assert!(
            clean.contains("premio") && clean.contains("otro"),
            "{clean}"
        );
    }

    #[test]
    fn reads_at_most_twenty_thread_ids() {
        let refs: String = (0..500).map(|n| format!(" <r{n}@x.example>")).collect();
        let raw = format!("From: a@b.example\r\nMessage-ID: <m@b.example>\r\nIn-Reply-To: <p@x.example>\r\nReferences:{refs}\r\n\r\nhola");
        let mail = parse(raw.as_bytes(), "soporte@tienda.example").unwrap();
        assert_eq!(mail.thread_ids.len(), MAX_THREAD_IDS);
        assert_eq!(mail.thread_ids[0], "p@x.example");
        assert_eq!(
            mail.thread_ids[1], "r499@x.example",
            "the newest references first"
        );
    }

    use super::*;

    const MAIL: &[u8] = b"From: Elena Prieto <elena@example.org>\r\nTo: soporte@tienda.example\r\n\
Subject: Re: Tu pedido\r\nMessage-ID: <CAF1@mail.example.org>\r\nIn-Reply-To: <charla.7.a1@tienda.example>\r\n\
References: <first@tienda.example> <charla.7.a1@tienda.example>\r\nDate: Tue, 24 Nov 2026 10:00:00 +0000\r\n\
MIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n\
Gracias, lo espero.\r\n\r\nEl lun, 23 nov 2026 a las 10:00, Soporte <soporte@tienda.example> escribi\xc3\xb3:\r\n> Ya sali\xc3\xb3.\r\n\
--b\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p onclick=\"x()\">Gracias<script>alert(1)</script><img src=\"https://track.example/p.gif\"></p>\r\n--b--\r\n";

    #[test]
    fn reads_ids_text_and_html() {
        let mail = parse(MAIL, "soporte@tienda.example").unwrap();
        assert_eq!(mail.message_id, "CAF1@mail.example.org");
        assert_eq!(
            mail.thread_ids,
            vec!["charla.7.a1@tienda.example", "first@tienda.example"]
        );
        assert_eq!(mail.from_address, "elena@example.org");
        assert_eq!(mail.from_name.as_deref(), Some("Elena Prieto"));
        assert_eq!(mail.shown, "Gracias, lo espero.");
        assert!(mail.quoted.unwrap().contains("> Ya salió."));
        let html = mail.html.unwrap();
        assert!(
            !html.contains("script") && !html.contains("onclick"),
            "{html}"
        );
        assert!(html.contains("https://track.example/p.gif"));
        assert_eq!(mail.automatic, None);
        assert_eq!(mail.date, Some(1_795_514_400_000));
    }

    #[test]
    fn automatic_mail_is_recognised() {
        let with = |header: &str| {
            let raw = format!("From: a@example.org\r\nMessage-ID: <x@example.org>\r\n{header}\r\nSubject: s\r\n\r\nhola\r\n");
            parse(raw.as_bytes(), "soporte@tienda.example")
                .unwrap()
                .automatic
        };
        assert_eq!(with("Auto-Submitted: auto-replied"), Some("auto-submitted"));
        assert_eq!(with("Auto-Submitted: no"), None);
        assert_eq!(with("Precedence: bulk"), Some("precedence"));
        assert_eq!(with("X-Autoreply: yes"), Some("auto-reply"));
        let own = parse(
            b"From: soporte@tienda.example\r\n\r\nx",
            "Soporte@tienda.example",
        )
        .unwrap();
        assert_eq!(own.automatic, Some("from this inbox"));
        let ours = parse(
            b"From: a@b.example\r\nMessage-ID: <charla.1.ab@tienda.example>\r\n\r\nx",
            "s@t.example",
        )
        .unwrap();
        assert_eq!(ours.automatic, Some("our own message"));
        let no_id = parse(b"From: a@b.example\r\n\r\nx", "s@t.example").unwrap();
        assert!(no_id.message_id.starts_with("sha256."));
    }

    #[test]
    fn quoted_text_is_split_off() {
        assert_eq!(split_quoted("Hola"), ("Hola".into(), None));
        let (shown, quoted) =
            split_quoted("Vale\n\nOn Mon, Nov 23, 2026 Ana <a@b.c> wrote:\n> antes");
        assert_eq!(shown, "Vale");
        assert!(quoted.unwrap().starts_with("On Mon"));
        let (shown, quoted) = split_quoted("Sí\n> pregunta\n> más");
        assert_eq!(
            (shown.as_str(), quoted.as_deref()),
            ("Sí", Some("> pregunta\n> más"))
        );
        assert_eq!(
            split_quoted("> solo cita").1,
            None,
            "nothing new: keep everything"
        );
    }
}
