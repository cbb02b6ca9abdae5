//! mailwire-imap against a real Dovecot: a scripted session that covers the RFC 3501 commands and
//! the extensions Dovecot advertises. Every command is decoded and re-encoded by mailwire before it
//! is sent (synchronising literals wait for the server's `+`), and every byte Dovecot sends goes
//! through the framer and the decoder in strict mode, then round-trips through the encoder.

use std::net::TcpStream;

use mailwire_core::{Options, Status};
use mailwire_imap::response::StatusKind;
use mailwire_imap::{
    decode_command, decode_greeting, decode_response, ClientLine, Frame, Framer, Response, Side,
};

use super::{connect, read_some, send, IMAP_PORT};

/// A client connection whose every server message is decoded strictly and round-tripped.
pub(crate) struct Client {
    sock: TcpStream,
    framer: Framer,
    opts: Options,
    responses: usize,
}

impl Client {
    /// The next whole server message, decoded strictly and checked to round-trip.
    pub(crate) fn next(&mut self) -> Result<Response<'static>, String> {
        loop {
            let frame = self
                .framer
                .next_frame()
                .map_err(|e| format!("framer: {e}"))?;
            match frame {
                Some(Frame::Message(bytes)) => {
                    let bytes = bytes.to_vec();
                    return self.decode_checked(&bytes);
                }
                Some(other) => return Err(format!("unexpected frame {other:?}")),
                None => {
                    let data = read_some(&mut self.sock)?;
                    self.framer.feed(&data);
                }
            }
        }
    }

    /// The socket, for sending bytes whose responses the caller reads itself.
    pub(crate) fn sock_mut(&mut self) -> &mut TcpStream {
        &mut self.sock
    }

    fn decode_checked(&mut self, bytes: &[u8]) -> Result<Response<'static>, String> {
        let value = check_response(bytes, &self.opts)?;
        self.responses += 1;
        Ok(value)
    }

    /// Sends one command written as it would be typed, after checking that mailwire decodes it
    /// strictly; what goes on the wire is mailwire's own encoding of it.
    pub(crate) fn command(&mut self, line: &[u8]) -> Result<StatusKind, String> {
        let shown = String::from_utf8_lossy(&line[..line.len().min(120)]).into_owned();
        let cmd = match decode_command(line, &self.opts) {
            Ok(Status::Complete { value, consumed }) if consumed == line.len() => value.value,
            other => return Err(format!("command {shown:?} decoded as {other:?}")),
        };
        let tag = cmd.tag.as_str().to_string();
        let mut wire = Vec::new();
        let pauses = cmd.encode(&mut wire);
        let mut sent = 0;
        for &p in &pauses.0 {
            send(&mut self.sock, &wire[sent..p])?;
            sent = p;
            // A synchronising literal: the server must say `+` (or refuse the command).
            loop {
                match self.next()? {
                    Response::Continue(_) => break,
                    Response::Status(s) if s.tag().map(|t| t.as_str()) == Some(&*tag) => {
                        return Ok(s.kind())
                    }
                    _ => {}
                }
            }
        }
        send(&mut self.sock, &wire[sent..])?;
        self.until_tagged(&tag)
    }

    fn until_tagged(&mut self, tag: &str) -> Result<StatusKind, String> {
        loop {
            if let Response::Status(s) = self.next()? {
                if s.tag().map(|t| t.as_str()) == Some(tag) {
                    return Ok(s.kind());
                }
            }
        }
    }

    pub(crate) fn ok(&mut self, line: &str) -> Result<(), String> {
        match self.command(line.as_bytes())? {
            StatusKind::Ok => Ok(()),
            k => Err(format!("{line:?} answered {k:?}")),
        }
    }
}

/// Decodes one server message strictly and checks that its encoding decodes to the same value.
fn check_response(bytes: &[u8], opts: &Options) -> Result<Response<'static>, String> {
    let shown = String::from_utf8_lossy(&bytes[..bytes.len().min(200)]).into_owned();
    let decoded = match decode_response(bytes, opts) {
        Ok(Status::Complete { value, consumed }) if consumed == bytes.len() => value,
        Ok(Status::Complete { consumed, .. }) => {
            return Err(format!(
                "decoded {consumed} of {} bytes: {shown:?}",
                bytes.len()
            ))
        }
        Ok(Status::Incomplete { .. }) => return Err(format!("incomplete frame: {shown:?}")),
        Err(e) => return Err(format!("strict decode failed {e}: {shown:?}")),
    };
    let value = decoded.value.into_owned();
    let mut again = Vec::new();
    value.encode(&mut again);
    match decode_response(&again, opts) {
        Ok(Status::Complete { value: v2, .. }) if v2.value == value => {}
        other => {
            return Err(format!(
                "round trip of {shown:?} via {:?} gave {other:?}",
                String::from_utf8_lossy(&again)
            ))
        }
    }
    Ok(value)
}

/// The testdata messages, as APPEND will upload them.
pub(crate) fn messages() -> Vec<Vec<u8>> {
    let dir = crate::root().join("testdata").join("mime");
    crate::corpus::files_with_ext(&dir, ".eml")
        .into_iter()
        .filter_map(|p| std::fs::read(p).ok())
        .filter(|m| !m.is_empty())
        .collect()
}

/// Connects to Dovecot and checks its greeting.
pub(crate) fn connect_client() -> Result<Client, String> {
    let opts = Options::strict();
    let mut sock = connect(IMAP_PORT)?;
    let mut framer = Framer::new(Side::Server, &opts);
    let greeting = loop {
        if let Some(Frame::Message(b)) = framer.next_frame().map_err(|e| e.to_string())? {
            break b.to_vec();
        }
        let data = read_some(&mut sock)?;
        framer.feed(&data);
    };
    match decode_greeting(&greeting, &opts) {
        Ok(Status::Complete { .. }) => {}
        other => return Err(format!("greeting {greeting:?}: {other:?}")),
    }
    Ok(Client {
        sock,
        framer,
        opts,
        responses: 1,
    })
}

pub(crate) fn dovecot_session() -> Result<(), String> {
    let mut c = connect_client()?;
    for line in [
        "a1 CAPABILITY\r\n",
        "a2 NOOP\r\n",
        "a3 LOGIN alice secret\r\n",
        "a4 ENABLE CONDSTORE\r\n",
        "a5 ID (\"name\" \"mailwire-interop\" \"version\" \"0.1\")\r\n",
        "a6 NAMESPACE\r\n",
        "a7 CREATE \"Entw&APw-rfe\"\r\n",
        "a8 CREATE Archive2026\r\n",
        "a9 SUBSCRIBE Archive2026\r\n",
        "a10 LIST \"\" \"*\"\r\n",
        "a11 LSUB \"\" \"*\"\r\n",
        "a13 RENAME Archive2026 Archive2025\r\n",
        "a14 STATUS INBOX (MESSAGES RECENT UIDNEXT UIDVALIDITY UNSEEN HIGHESTMODSEQ)\r\n",
    ] {
        c.ok(line)?;
    }
    let msgs = messages();
    if msgs.is_empty() {
        return Err("no testdata/mime/*.eml to append".into());
    }
    for (i, m) in msgs.iter().enumerate() {
        let mut line = format!(
            "b{i} APPEND INBOX (\\Seen $Interop) \"22-Nov-2026 10:00:00 +0100\" {{{}}}\r\n",
            m.len()
        )
        .into_bytes();
        line.extend_from_slice(m);
        line.extend_from_slice(b"\r\n");
        match c.command(&line)? {
            StatusKind::Ok => {}
            k => return Err(format!("APPEND of message {i} answered {k:?}")),
        }
    }
    for line in [
        "c1 SELECT INBOX (CONDSTORE)\r\n",
        "c2 FETCH 1:* (UID FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODYSTRUCTURE MODSEQ)\r\n",
        "c3 FETCH 1:* (BODY BODY.PEEK[HEADER.FIELDS (SUBJECT FROM DATE)] BODY.PEEK[1]<0.64>)\r\n",
        "c4 UID FETCH 1:* (BODY.PEEK[] RFC822.HEADER BODY.PEEK[TEXT])\r\n",
        "c5 FETCH 1 (RFC822)\r\n",
        "c6 FETCH 2:3 FAST\r\n",
        "c7 FETCH 1 ALL\r\n",
        "c8 FETCH 1 FULL\r\n",
        "c9 SEARCH ALL\r\n",
        "c10 UID SEARCH CHARSET UTF-8 OR SUBJECT \"example\" FROM \"a\" NOT DELETED SINCE 1-Jan-2000\r\n",
        "c11 SEARCH MODSEQ 1\r\n",
        "c12 SEARCH (SEEN LARGER 10) NOT (KEYWORD $Junk) BEFORE 1-Jan-2100 UID 1:*\r\n",
        "c13 STORE 1 +FLAGS (\\Flagged)\r\n",
        "c14 UID STORE 1:* +FLAGS.SILENT (\\Answered)\r\n",
        "c15 STORE 1 (UNCHANGEDSINCE 1) -FLAGS (\\Answered)\r\n",
        "c16 FETCH 1:* (FLAGS) (CHANGEDSINCE 1)\r\n",
        "c17 COPY 1 \"Entw&APw-rfe\"\r\n",
        "c18 UID MOVE 2 Archive2025\r\n",
        "c19 CHECK\r\n",
        "c20 STORE 1 +FLAGS (\\Deleted)\r\n",
        "c21 UID EXPUNGE 1:*\r\n",
        "c22 EXPUNGE\r\n",
        "c23 EXAMINE \"Entw&APw-rfe\"\r\n",
        "c24 UNSELECT\r\n",
        "c25 SELECT Archive2025\r\n",
        "c26 CLOSE\r\n",
        "c27 UNSUBSCRIBE Archive2025\r\n",
        "c28 DELETE Archive2025\r\n",
    ] {
        c.ok(line)?;
    }
    // IDLE: wait for `+`, then the client line DONE ends it.
    send(&mut c.sock, b"d1 IDLE\r\n")?;
    loop {
        if let Response::Continue(_) = c.next()? {
            break;
        }
    }
    let mut done = Vec::new();
    ClientLine::IdleDone.encode(&mut done);
    send(&mut c.sock, &done)?;
    match c.until_tagged("d1")? {
        StatusKind::Ok => {}
        k => return Err(format!("IDLE answered {k:?}")),
    }
    // A command the server must refuse, and the BYE of LOGOUT.
    if c.command(b"e1 SELECT \"No such mailbox\"\r\n")? != StatusKind::No {
        return Err("SELECT of a missing mailbox was not refused".into());
    }
    c.ok("e2 LOGOUT\r\n")?;
    println!(
        "      dovecot: {} messages appended, {} server messages decoded strictly and round-tripped",
        msgs.len(),
        c.responses
    );
    Ok(())
}

/// Decodes a whole recorded server stream (greeting, then responses) strictly; returns how many
/// messages it held.
fn check_server_stream(bytes: &[u8], opts: &Options) -> Result<usize, String> {
    let mut framer = Framer::new(Side::Server, opts);
    framer.feed(bytes);
    let mut n = 0;
    while let Some(frame) = framer
        .next_frame()
        .map_err(|e| format!("server framer: {e}"))?
    {
        let Frame::Message(m) = frame else {
            return Err(format!("unexpected server frame {frame:?}"));
        };
        if n == 0 {
            match decode_greeting(m, opts) {
                Ok(Status::Complete { .. }) => {}
                other => return Err(format!("greeting {:?}: {other:?}", lossy(m))),
            }
        } else {
            check_response(m, opts)?;
        }
        n += 1;
    }
    if framer.buffered() > 0 {
        return Err(format!("{} server bytes left unframed", framer.buffered()));
    }
    Ok(n)
}

/// Decodes a whole recorded client stream strictly: commands (re-encoded and decoded again to
/// the same value), and the client lines of AUTHENTICATE and IDLE.
fn check_client_stream(bytes: &[u8], opts: &Options) -> Result<usize, String> {
    let mut framer = Framer::new(Side::Client, opts);
    framer.feed(bytes);
    let mut n = 0;
    while let Some(frame) = framer
        .next_frame()
        .map_err(|e| format!("client framer: {e}"))?
    {
        let Frame::Message(m) = frame else { continue };
        match decode_command(m, opts) {
            Ok(Status::Complete { value, consumed }) if consumed == m.len() => {
                let mut again = Vec::new();
                value.value.encode(&mut again);
                match decode_command(&again, opts) {
                    Ok(Status::Complete { value: v2, .. }) if v2.value == value.value => {}
                    other => {
                        return Err(format!("round trip of {:?} gave {other:?}", lossy(m)));
                    }
                }
            }
            first => match (
                mailwire_imap::decode_auth_line(m, opts),
                mailwire_imap::decode_idle_done(m, opts),
            ) {
                (Ok(Status::Complete { .. }), _) | (_, Ok(Status::Complete { .. })) => {}
                _ => return Err(format!("client message {:?}: {first:?}", lossy(m))),
            },
        }
        n += 1;
    }
    if framer.buffered() > 0 {
        return Err(format!("{} client bytes left unframed", framer.buffered()));
    }
    Ok(n)
}

fn lossy(b: &[u8]) -> String {
    String::from_utf8_lossy(&b[..b.len().min(200)]).into_owned()
}

/// Checks every recorded connection in both directions.
fn check_recorded(who: &str, conns: &[super::proxy::Recorded]) -> Result<(), String> {
    let opts = Options::strict();
    if conns.is_empty() {
        return Err(format!("{who} made no connection"));
    }
    let (mut cn, mut sn) = (0, 0);
    for (c2s, s2c) in conns {
        cn += check_client_stream(c2s, &opts).map_err(|e| format!("{who} client side: {e}"))?;
        sn += check_server_stream(s2c, &opts).map_err(|e| format!("{who} server side: {e}"))?;
    }
    println!(
        "      {who}: {cn} client and {sn} server messages decoded strictly and round-tripped"
    );
    Ok(())
}

const IMAPLIB_SCRIPT: &str = r#"
import imaplib, sys, time
M = imaplib.IMAP4("127.0.0.1", int(sys.argv[1]))
M.login("alice", "secret")
M.capability()
M.create("py-box")
M.list()
msg = b"From: =?utf-8?q?Jos=C3=A9?= <jose@example.com>\r\nSubject: imaplib\r\n\r\nhello\r\n"
M.append("INBOX", "(\\Seen)", imaplib.Time2Internaldate(time.time()), msg)
M.select("INBOX")
typ, data = M.search(None, "ALL")
M.fetch("1:*", "(UID FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODYSTRUCTURE BODY.PEEK[])")
M.store("1", "+FLAGS", "(\\Flagged)")
M.uid("SEARCH", "UNDELETED")
M.copy("1", "py-box")
M.status("py-box", "(MESSAGES UIDNEXT)")
M.expunge()
M.close()
M.delete("py-box")
M.logout()
"#;

/// Python's imaplib, a real client, through the recording proxy.
pub(crate) fn python_imaplib() -> Result<(), String> {
    let conns = super::proxy::record(IMAP_PORT, |port| {
        crate::run::status(
            std::process::Command::new("python3")
                .args(["-c", IMAPLIB_SCRIPT])
                .arg(port.to_string()),
        )
    })?;
    check_recorded("python imaplib", &conns)
}

/// mbsync (isync), a real synchronising client, mirroring the mailbox through the proxy.
pub(crate) fn mbsync() -> Result<(), String> {
    let dir = std::env::temp_dir().join(format!("mailwire-mbsync-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("local")).map_err(|e| e.to_string())?;
    let outcome = super::proxy::record(IMAP_PORT, |port| {
        let rc = dir.join("mbsyncrc");
        let local = dir.join("local");
        let conf = format!(
            "IMAPAccount t\nHost 127.0.0.1\nPort {port}\nUser alice\nPass secret\nSSLType None\n\
             AuthMechs LOGIN\n\nIMAPStore remote\nAccount t\n\nMaildirStore local\nPath {l}/\n\
             Inbox {l}/INBOX\nSubFolders Verbatim\n\nChannel c\nFar :remote:\nNear :local:\n\
             Patterns *\nCreate Both\nExpunge Both\nSyncState *\n",
            l = local.display()
        );
        std::fs::write(&rc, conf).map_err(|e| e.to_string())?;
        crate::run::status(
            std::process::Command::new("mbsync")
                .arg("-c")
                .arg(&rc)
                .args(["-a", "-q"]),
        )
    });
    let _ = std::fs::remove_dir_all(&dir);
    check_recorded("mbsync", &outcome?)
}
