//! Inbound mail within limits, against the real mail servers (issue 24): the poller takes
//! one message at a time, sized first; a mail over the limit is not downloaded but
//! recorded from its headers with a note and marked seen, and the next mail is stored;
//! attachments are typed from their content and held to the upload limits.
use std::time::Duration;

use crate::email::{
    address, configure, customer_sends, loopback, mail_servers, mailbox_of, PASSWORD, SMTP_PORT,
};
use crate::helpers::TestApp;
use crate::on_both_backends;
use app::channels::email::poller::{poll, PollSummary};
use app::channels::email::{imap, inbox, Email};
use app::conversations::model::MessageExtra;
use app::domain::attachment::{FileRefusal, UploadLimits};

const MB: u64 = 1024 * 1024;
const FILE_LIMIT: u64 = 256 * 1024;

fn base64(bytes: &[u8]) -> String {
    const ABC: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for (n, chunk) in bytes.chunks(3).enumerate() {
        if n > 0 && n % 19 == 0 {
            out.push_str("\r\n");
        }
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let v = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ABC[(v >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn part(name: &str, declared: &str, bytes: &[u8]) -> String {
    format!(
        "--b\r\nContent-Type: {declared}; name=\"{name}\"\r\nContent-Disposition: attachment; filename=\"{name}\"\r\n\
Content-Transfer-Encoding: base64\r\n\r\n{}\r\n",
        base64(bytes)
    )
}

/// The unseen messages of a mailbox, by number.
async fn unseen(user: &str) -> Vec<u32> {
    let mut session = imap::login(&loopback(), &mailbox_of(user), PASSWORD)
        .await
        .unwrap();
    let uids = imap::unseen_uids(&mut session, "INBOX").await.unwrap();
    let _ = session.logout().await;
    uids
}

async fn oversized_mail_is_refused_and_the_next_is_stored(app: TestApp) {
    if !mail_servers().await {
        return;
    }
    let (inbox_id, support) = configure(&app, SMTP_PORT).await;
    // A mailbox of its own, which the server's watcher (with the default limits) never
    // reads; this poller has a 1 MB limit for mail and 256 KB for each file.
    let mailbox = address("buzon");
    let mut config = inbox::load(&app.state.db, &app.state.settings.secrets, inbox_id)
        .await
        .unwrap()
        .unwrap();
    config.imap.user = mailbox.clone();
    let email = Email {
        db: app.state.db.clone(),
        hub: app.state.hub.clone(),
        secrets: app.state.settings.secrets.clone(),
        files: app.state.settings.files.clone(),
        outbound: app.state.settings.outbound.clone(),
        max_mail_bytes: MB,
        uploads: UploadLimits {
            max_bytes: FILE_LIMIT,
            voice_max_seconds: 300,
        },
    };
    let customer = address("nuria");

    // 1.5 MB of text: over the limit.
    let big_id = format!("big.{}", address("id"));
    let filler = format!("{}\r\n", "x".repeat(76)).repeat(20_000);
    customer_sends(&customer, &mailbox, format!(
        "From: Nuria Gil <{customer}>\r\nTo: <{support}>\r\nSubject: Fotos de la boda\r\nMessage-ID: <{big_id}>\r\n\
Content-Type: text/plain; charset=utf-8\r\n\r\nAh\u{00ed} van.\r\n{filler}"
    )).await;

    // Then a small one whose files claim to be what they are not.
    let small_id = format!("small.{}", address("id"));
    let pdf = b"%PDF-1.4\n%factura de Nuria\n".to_vec();
    let mut elf = b"\x7fELF\x02\x01\x01".to_vec();
    elf.resize(512, 0);
    let mut large = pdf.clone();
    large.resize(300 * 1024, b'x');
    customer_sends(&customer, &mailbox, format!(
        "From: Nuria Gil <{customer}>\r\nTo: <{support}>\r\nSubject: Papeles\r\nMessage-ID: <{small_id}>\r\n\
MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n\
--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nOs mando los papeles.\r\n{}{}{}--b--\r\n",
        part("datos", "image/png", &pdf),
        part("factura.pdf", "application/pdf", &elf),
        part("grande.pdf", "application/pdf", &large),
    )).await;

    for _ in 0..150 {
        if unseen(&mailbox).await.len() >= 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(unseen(&mailbox).await.len(), 2, "both mails delivered");

    let summary = poll(&email, &config).await.expect("poll");
    assert_eq!(
        summary,
        PollSummary {
            stored: 1,
            refused: 1,
            ..PollSummary::default()
        }
    );
    assert!(
        unseen(&mailbox).await.is_empty(),
        "the refused mail is marked seen too"
    );
    assert_eq!(
        poll(&email, &config).await.unwrap(),
        PollSummary::default(),
        "nothing is tried again"
    );

    // The big one: a message of its sender with its subject and the reason.
    let (big, conversation, body, extra): (i64, i64, String, String) = sqlx::query_as(
        "SELECT m.id, m.conversation_id, m.body, m.content_attributes FROM messages m \
         JOIN contacts c ON c.id = m.sender_contact_id WHERE m.external_id = $1 AND c.email = $2",
    )
    .bind(&big_id)
    .bind(&customer)
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    assert_eq!(body, "Fotos de la boda");
    match serde_json::from_str::<MessageExtra>(&extra).unwrap() {
        MessageExtra::MailRefused {
            byte_size,
            limit_bytes,
        } => {
            assert!(byte_size > MB && byte_size < 2 * MB, "{byte_size}");
            assert_eq!(limit_bytes, MB);
        }
        other => panic!("{other:?}"),
    }
    let files: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM attachments WHERE message_id = $1")
        .bind(big)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(files, 0);

    // The small one: stored after it, with the file typed from its content; the program
    // and the file over the limit dropped, which an activity line says.
    let (small, small_conversation, body): (i64, i64, String) =
        sqlx::query_as("SELECT id, conversation_id, body FROM messages WHERE external_id = $1")
            .bind(&small_id)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    assert_eq!(body, "Os mando los papeles.");
    assert_eq!(
        small_conversation, conversation,
        "the same customer's conversation"
    );
    let kept: Vec<(String, String, i64, String)> = sqlx::query_as(
        "SELECT file_name, content_type, byte_size, storage_key FROM attachments WHERE message_id = $1",
    )
    .bind(small)
    .fetch_all(&app.state.db.pool)
    .await
    .unwrap();
    assert_eq!(kept.len(), 1, "{kept:?}");
    let (name, content_type, byte_size, key) = &kept[0];
    assert_eq!(
        (name.as_str(), content_type.as_str(), *byte_size),
        ("datos.pdf", "application/pdf", pdf.len() as i64),
        "the type of the content, not the declared image/png"
    );
    assert_eq!(
        app.state.settings.files.read(key).await.unwrap().as_ref(),
        pdf.as_slice()
    );
    let notes: Vec<String> = sqlx::query_scalar(
        "SELECT content_attributes FROM messages WHERE conversation_id = $1 AND direction = 'activity' AND id > $2",
    )
    .bind(conversation)
    .bind(small)
    .fetch_all(&app.state.db.pool)
    .await
    .unwrap();
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert_eq!(
        serde_json::from_str::<MessageExtra>(&notes[0]).unwrap(),
        MessageExtra::FilesRefused {
            files: vec![
                FileRefusal::Executable {
                    file_name: "factura.pdf".into()
                },
                FileRefusal::TooLarge {
                    file_name: "grande.pdf".into(),
                    limit_bytes: FILE_LIMIT
                },
            ]
        }
    );
}

on_both_backends!(oversized_mail_is_refused_and_the_next_is_stored);
