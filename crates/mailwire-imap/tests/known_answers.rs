//! Known-answer tables: responses and commands from RFC 3501 and the seeds' real servers, their
//! decoded values, defects, canonical re-encodings, and the prefix / split invariants.

use std::num::NonZeroU32;

use mailwire_core::{ErrorKind, Options, Status};
use mailwire_imap::command::*;
use mailwire_imap::response::*;
use mailwire_imap::types::*;
use mailwire_imap::*;

fn nz(n: u32) -> NonZeroU32 {
    NonZeroU32::new(n).unwrap()
}

fn resp(b: &[u8]) -> Decoded<Response<'_>> {
    match decode_response(b, &Options::default()) {
        Ok(Status::Complete { value, consumed }) => {
            assert_eq!(consumed, b.len(), "{:?}", String::from_utf8_lossy(b));
            value
        }
        other => panic!("{:?}: {other:?}", String::from_utf8_lossy(b)),
    }
}

fn cmd(b: &[u8]) -> Decoded<Command<'_>> {
    match decode_command(b, &Options::default()) {
        Ok(Status::Complete { value, consumed }) => {
            assert_eq!(consumed, b.len());
            value
        }
        other => panic!("{:?}: {other:?}", String::from_utf8_lossy(b)),
    }
}

fn enc_r(r: &Response<'_>) -> String {
    let mut o = Vec::new();
    r.encode(&mut o);
    String::from_utf8(o).unwrap()
}

fn enc_c(c: &Command<'_>) -> String {
    let mut o = Vec::new();
    c.encode(&mut o);
    String::from_utf8(o).unwrap()
}

fn codes(d: &Decoded<impl std::fmt::Debug>) -> Vec<&'static str> {
    use mailwire_core::DefectKind;
    d.defects.iter().map(|d| d.kind.code()).collect()
}

/// Canonical re-encodings: (input, canonical output).
const RESPONSES: &[(&str, &str)] = &[
    ("* OK [CAPABILITY IMAP4rev1 LITERAL+ SASL-IR LOGIN-REFERRALS ID ENABLE IDLE AUTH=PLAIN AUTH=LOGIN] Dovecot (Ubuntu) ready.\r\n", "* OK [CAPABILITY IMAP4rev1 LITERAL+ SASL-IR LOGIN-REFERRALS ID ENABLE IDLE AUTH=PLAIN AUTH=LOGIN] Dovecot (Ubuntu) ready.\r\n"),
    ("* LIST (\\HasNoChildren \\Trash) \".\" Trash\r\n", "* LIST (\\HasNoChildren \\Trash) \".\" Trash\r\n"),
    ("* list (\\Noselect) \"/\" \"\"\r\n", "* LIST (\\Noselect) \"/\" \"\"\r\n"),
    ("* LIST (\\HasNoChildren) \".\" \"TEST IPAD\"\r\n", "* LIST (\\HasNoChildren) \".\" \"TEST IPAD\"\r\n"),
    ("* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft NonJunk Junk $Forwarded \\*)] Flags permitted.\r\n", "* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft NonJunk Junk $Forwarded \\*)] Flags permitted.\r\n"),
    ("* 330 EXISTS\r\n", "* 330 EXISTS\r\n"),
    ("* 0 RECENT\r\n", "* 0 RECENT\r\n"),
    ("* OK [UIDVALIDITY 1501640115] UIDs valid\r\n", "* OK [UIDVALIDITY 1501640115] UIDs valid\r\n"),
    ("* OK [HIGHESTMODSEQ 12214] Highest\r\n", "* OK [HIGHESTMODSEQ 12214] Highest\r\n"),
    ("A OK [READ-WRITE] Select completed (0.067 secs).\r\n", "A OK [READ-WRITE] Select completed (0.067 secs).\r\n"),
    ("* OK [CLOSED] Previous mailbox closed.\r\n", "* OK [CLOSED] Previous mailbox closed.\r\n"),
    ("c1 OK [COPYUID 1548379804 17 1] Copy completed\r\n", "c1 OK [COPYUID 1548379804 17 1] Copy completed\r\n"),
    ("a1 OK [APPENDUID 1548379804 2] Append completed\r\n", "a1 OK [APPENDUID 1548379804 2] Append completed\r\n"),
    ("* NAMESPACE ((\"\" \".\")(\"virtual/\" \"/\")) NIL NIL\r\n", "* NAMESPACE ((\"\" \".\")(\"virtual/\" \"/\")) NIL NIL\r\n"),
    ("* SEARCH 2 84 882\r\n", "* SEARCH 2 84 882\r\n"),
    ("* SEARCH\r\n", "* SEARCH\r\n"),
    ("* SEARCH 2 5 (MODSEQ 917162500)\r\n", "* SEARCH 2 5 (MODSEQ 917162500)\r\n"),
    ("* STATUS blurdybloop (MESSAGES 231 UIDNEXT 44292)\r\n", "* STATUS blurdybloop (MESSAGES 231 UIDNEXT 44292)\r\n"),
    ("* ENABLED CONDSTORE QRESYNC\r\n", "* ENABLED CONDSTORE QRESYNC\r\n"),
    ("* ID (\"name\" \"Dovecot\" \"version\" NIL)\r\n", "* ID (\"name\" \"Dovecot\" \"version\" NIL)\r\n"),
    ("+ Ready for literal data\r\n", "+ Ready for literal data\r\n"),
    ("+ PDE4NTY1MTU5ODI1OTMyOTYuMTU3Nzc0OTgwOUBibHVlZmluLnA+\r\n", "+ PDE4NTY1MTU5ODI1OTMyOTYuMTU3Nzc0OTgwOUBibHVlZmluLnA+\r\n"),
    ("* 3 FETCH (UID 10 FLAGS (a-funny-flag))\r\n", "* 3 FETCH (UID 10 FLAGS (a-funny-flag))\r\n"),
    ("* 12 FETCH (FLAGS (\\Seen) MODSEQ (12121231000))\r\n", "* 12 FETCH (FLAGS (\\Seen) MODSEQ (12121231000))\r\n"),
    ("* 64 FETCH (UID 71 BODY[HEADER.FIELDS (SUBJECT)] {16}\r\nSubject: crash\r\n)\r\n", "* 64 FETCH (UID 71 BODY[HEADER.FIELDS (SUBJECT)] {16}\r\nSubject: crash\r\n)\r\n"),
    ("* 1 FETCH (BODY[1.2.MIME]<0> \"x\")\r\n", "* 1 FETCH (BODY[1.2.MIME]<0> \"x\")\r\n"),
    ("* 1 FETCH (BINARY[1] ~{3}\r\na\0b BINARY.SIZE[1] 3)\r\n", "* 1 FETCH (BINARY[1] ~{3}\r\na\0b BINARY.SIZE[1] 3)\r\n"),
    ("* 1 FETCH (X-GM-LABELS (\\Inbox foo) UID 3)\r\n", "* 1 FETCH (X-GM-LABELS (\\Inbox foo) UID 3)\r\n"),
    ("* OK [X-WEIRD some args] hi\r\n", "* OK [X-WEIRD some args] hi\r\n"),
    ("* XAPPLEPUSHSERVICE whatever (1 2) {2}\r\nab\r\n", "* XAPPLEPUSHSERVICE whatever (1 2) {2}\r\nab\r\n"),
    ("* BYE Microsoft Exchange Server 2010 IMAP4 server signing off.\r\n", "* BYE Microsoft Exchange Server 2010 IMAP4 server signing off.\r\n"),
    ("* PREAUTH IMAP4rev1 server logged in as Smith\r\n", "* PREAUTH IMAP4rev1 server logged in as Smith\r\n"),
    ("* 4 FETCH (FLAGS (\\Draft) INTERNALDATE \"25-Jul-2012 17:50:30 -0400\" RFC822.SIZE 34269 ENVELOPE (NIL NIL NIL NIL NIL NIL NIL NIL NIL \" <3D4A@S1P5DAG2C.EXCHPROD.USA.NET>\") BODY ((\"text\" \"html\" (\"charset\" \"us-ascii\") NIL NIL \"quoted-printable\" 28175 545)(\"image\" \"jpeg\" (\"name\" \"image001.jpg\") \"<x@y>\" \"image001.jpg\" \"base64\" 5778) \"related\"))\r\n",
     "* 4 FETCH (FLAGS (\\Draft) INTERNALDATE \"25-Jul-2012 17:50:30 -0400\" RFC822.SIZE 34269 ENVELOPE (NIL NIL NIL NIL NIL NIL NIL NIL NIL \" <3D4A@S1P5DAG2C.EXCHPROD.USA.NET>\") BODY ((\"TEXT\" \"html\" (\"charset\" \"us-ascii\") NIL NIL \"quoted-printable\" 28175 545)(\"image\" \"jpeg\" (\"name\" \"image001.jpg\") \"<x@y>\" \"image001.jpg\" \"base64\" 5778) \"related\"))\r\n"),
];

#[test]
fn responses_decode_and_reencode_canonically() {
    for (input, canonical) in RESPONSES {
        let d = resp(input.as_bytes());
        assert!(d.defects.is_empty(), "{input}: {:?}", d.defects);
        assert_eq!(&enc_r(&d.value), canonical, "{input}");
        let again = resp(canonical.as_bytes());
        assert_eq!(again.value, d.value);
    }
}

#[test]
fn typed_values() {
    let d = resp(b"* OK [UNSEEN 20] First unseen.\r\n");
    assert_eq!(
        d.value,
        Response::Status(
            StatusResponse::new(
                None,
                StatusKind::Ok,
                Some(Code::Unseen(nz(20))),
                Text::try_from("First unseen.").unwrap()
            )
            .unwrap()
        )
    );
    let d = resp(b"* 10 EXPUNGE\r\n");
    assert_eq!(d.value, Response::Data(Data::Expunge(nz(10))));
    let d = resp(b"* LIST (\\HasNoChildren) \".\" INBOX\r\n");
    let Response::Data(Data::List(l)) = d.value else {
        panic!()
    };
    assert_eq!(l.mailbox, Mailbox::inbox());
    assert_eq!(l.delimiter, Delimiter::new(b'.').ok());
    assert_eq!(l.attributes, vec![MailboxAttribute::HasNoChildren]);
    let d = resp(b"* 1 FETCH (INTERNALDATE \" 7-Feb-1994 21:52:25 -0800\")\r\n");
    let Response::Data(Data::Fetch { items, .. }) = d.value else {
        panic!()
    };
    let FetchAttr::InternalDate(t) = items[0] else {
        panic!()
    };
    assert_eq!(
        (
            t.date().day(),
            t.date().month(),
            t.date().year(),
            t.time(),
            t.zone_minutes()
        ),
        (7, 2, 1994, (21, 52, 25), -480)
    );
}

#[test]
fn rfc3501_fetch_full_envelope_and_body() {
    let input = b"* 12 FETCH (FLAGS (\\Seen) INTERNALDATE \"17-Jul-1996 02:44:25 -0700\" RFC822.SIZE 4286 ENVELOPE (\"Wed, 17 Jul 1996 02:23:25 -0700 (PDT)\" \"IMAP4rev1 WG mtg summary and minutes\" ((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) ((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) ((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) ((NIL NIL \"imap\" \"cac.washington.edu\")) ((NIL NIL \"minutes\" \"CNRI.Reston.VA.US\")(\"John Klensin\" NIL \"KLENSIN\" \"MIT.EDU\")) NIL NIL \"<B27397-0100000@cac.washington.edu>\") BODY (\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 3028 92))\r\n";
    let d = resp(input);
    assert!(d.defects.is_empty());
    let Response::Data(Data::Fetch { seq, items }) = &d.value else {
        panic!()
    };
    assert_eq!(seq.get(), 12);
    let FetchAttr::Envelope(e) = &items[3] else {
        panic!()
    };
    assert_eq!(e.cc.len(), 2);
    assert_eq!(e.cc[1].name.as_ref().unwrap().as_bytes(), b"John Klensin");
    assert!(e.bcc.is_empty());
    let FetchAttr::Body(b) = &items[4] else {
        panic!()
    };
    let BodyStructure::Single {
        kind: SinglePartKind::Text { lines, .. },
        fields,
        ext: None,
    } = &**b
    else {
        panic!()
    };
    assert_eq!((*lines, fields.octets), (92, 3028));
    assert_eq!(enc_r(&d.value).as_bytes(), &input[..]);
}

#[test]
fn bodystructure_nesting_and_extensions() {
    let input = b"* 1 FETCH (BODYSTRUCTURE ((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"utf-8\") NIL NIL \"7BIT\" 10 1 NIL NIL NIL NIL)(\"MESSAGE\" \"RFC822\" NIL NIL NIL \"7BIT\" 300 (NIL \"sub\" NIL NIL NIL NIL NIL NIL NIL NIL) ((\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 2 1)(\"APPLICATION\" \"PDF\" (\"NAME\" \"a.pdf\") NIL NIL \"BASE64\" 100 NIL (\"attachment\" (\"filename\" \"a.pdf\")) (\"en\" \"de\") \"loc\" 5 (1 \"x\")) \"MIXED\" (\"BOUNDARY\" \"b\") NIL NIL NIL) 12 NIL (\"inline\" NIL) NIL NIL) \"MIXED\" (\"BOUNDARY\" \"a\") NIL \"en\" NIL))\r\n";
    let d = resp(input);
    assert!(d.defects.is_empty(), "{:?}", d.defects);
    let Response::Data(Data::Fetch { items, .. }) = &d.value else {
        panic!()
    };
    let FetchAttr::BodyStructure(b) = &items[0] else {
        panic!()
    };
    let BodyStructure::Multi { parts, ext, .. } = &**b else {
        panic!()
    };
    assert_eq!(parts.len(), 2);
    assert_eq!(
        ext.as_ref().unwrap().tail.language(),
        Some(&Language::Single(Some(IString::try_from("en").unwrap())))
    );
    let BodyStructure::Single {
        kind: SinglePartKind::Message { body, .. },
        ..
    } = &parts[1]
    else {
        panic!()
    };
    let BodyStructure::Multi { parts: inner, .. } = &**body else {
        panic!()
    };
    let BodyStructure::Single { ext, .. } = &inner[1] else {
        panic!()
    };
    assert_eq!(
        ext.as_ref().unwrap().tail.extensions(),
        &[
            BodyExtension::Number(5),
            BodyExtension::List(
                NonEmpty::new(vec![
                    BodyExtension::Number(1),
                    BodyExtension::NString(Some(IString::try_from("x").unwrap()))
                ])
                .unwrap()
            )
        ]
    );
    assert_eq!(resp(enc_r(&d.value).as_bytes()).value, d.value);
}

/// Lenient inputs: (input, defect codes).
const LENIENT: &[(&str, &[&str])] = &[
    ("A OK done   \r\n", &[]), // trailing spaces of text are text
    ("* SEARCH 1 2 \r\n", &["trailing-space"]),
    ("* OK [READ-WRITE]\r\n", &["missing-text"]),
    ("A OK\r\n", &["missing-text"]),
    ("* OK [ALERT]Disk full\r\n", &["missing-space-after-code"]),
    ("* 1 FETCH (BODY (\"TEXT\" \"PLAIN\" () NIL NIL \"7BIT\" 3 1))\r\n", &["empty-list-for-nil"]),
    ("* 1 FETCH (ENVELOPE (NIL NIL () NIL NIL NIL NIL NIL NIL NIL))\r\n", &["empty-list-for-nil"]),
    ("* 1 FETCH (BODY (\"TEXT\" \"PLAIN\" NIL NIL NIL NIL -1 -5))\r\n", &["nil-for-string", "negative-number", "negative-number"]),
    ("* LIST () \"/\" \"café\"\r\n", &["eight-bit-in-quoted"]),
    ("* FLAGS (\\Seen \\*)\r\n", &["wildcard-flag"]),
    ("* FLAGS (\\Seen foo[bar])\r\n", &["bracket-in-flag"]),
    ("* FLAGS (\\Seen )\r\n", &["space-before-paren"]),
    ("* FLAGS  (\\Seen)\r\n", &["double-space"]),
    ("* 3 EXISTS\n", &["bare-lf"]),
    ("* 1 FETCH (BODY (\"TEXT\" \"PLAIN\" NIL NIL \"a \"quoted\" word\" \"7BIT\" 3 1))\r\n", &["unescaped-quote", "unescaped-quote"]),
    ("* OK [UNSEEN 0] weird\r\n", &["malformed-code"]),
    ("* 0 EXPUNGE\r\n", &["malformed-data"]),
    ("*52 FETCH (FLAGS (\\Seen \\Deleted))\r\n", &["missing-space-after-star"]),
    ("+\r\n", &["bare-continuation"]),
    ("* 1 FETCH (INTERNALDATE \"7-Feb-1994 21:52:25 -0800\")\r\n", &["unpadded-day"]),
    ("* 1 FETCH (ENVELOPE (NIL NIL ((NIL NIL \"a\" \"b\") (NIL NIL \"c\" \"d\")) NIL NIL NIL NIL NIL NIL NIL))\r\n", &["space-between-items"]),
    ("* 1 FETCH (RFC822 {3}\r\na\0b)\r\n", &["nul-in-literal"]),
    // NIL where a list belongs.
    ("* 1 FETCH (FLAGS NIL)\r\n", &["nil-for-list"]),
    ("* FLAGS NIL\r\n", &["nil-for-list"]),
    ("* LIST NIL \"/\" INBOX\r\n", &["nil-for-list"]),
    ("* OK [PERMANENTFLAGS NIL] x\r\n", &["nil-for-list"]),
    ("* STATUS INBOX NIL\r\n", &["nil-for-list"]),
    // `()` where NIL belongs, in every nstring, envelope, body and namespace position.
    ("* 1 FETCH (BODY (\"TEXT\" \"PLAIN\" NIL () NIL \"7BIT\" 3 1))\r\n", &["empty-list-for-nil"]),
    ("* 1 FETCH (BODY (\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 3 1 NIL () NIL NIL))\r\n", &["empty-list-for-nil"]),
    ("* 1 FETCH (BODY (\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 3 1 () NIL NIL ()))\r\n", &["empty-list-for-nil", "empty-list-for-nil"]),
    ("* 1 FETCH (BODY (\"TEXT\" \"PLAIN\" NIL NIL NIL () 3 1))\r\n", &["empty-list-for-nil"]),
    ("* 1 FETCH (ENVELOPE (() NIL NIL NIL NIL NIL NIL NIL NIL ()))\r\n", &["empty-list-for-nil", "empty-list-for-nil"]),
    ("* 1 FETCH (ENVELOPE (NIL NIL ((() NIL \"a\" \"b\")) NIL NIL NIL NIL NIL NIL NIL))\r\n", &["empty-list-for-nil"]),
    ("* 1 FETCH (RFC822.HEADER ())\r\n", &["empty-list-for-nil"]),
    ("* NAMESPACE ((\"\" \"/\")) () ()\r\n", &["empty-list-for-nil", "empty-list-for-nil"]),
    ("* NAMESPACE ((\"\" ())) NIL NIL\r\n", &["empty-list-for-nil"]),
    // Spaces inside ENVELOPE / BODYSTRUCTURE after quoted strings, and after `(`.
    ("* 1 FETCH (ENVELOPE (NIL \"subj\" NIL NIL NIL NIL NIL NIL NIL \"<id@x>\" ))\r\n", &["space-before-paren"]),
    ("* 1 FETCH (BODY (\"TEXT\"  \"PLAIN\" NIL NIL NIL \"7BIT\" 3 1))\r\n", &["double-space"]),
    ("* 1 FETCH (BODY ((\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 3 1) \"MIXED\" ))\r\n", &["space-before-paren"]),
    ("* 1 FETCH (BODY ( \"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 3 1))\r\n", &["space-after-paren"]),
    ("* FLAGS ( \\Seen)\r\n", &["space-after-paren"]),
    // An unescaped quote before ` (`: the second reading takes it as text.
    ("* 1 FETCH (BODY (\"TEXT\" \"PLAIN\" NIL NIL \"say \"hi\" (ok)\" \"7BIT\" 3 1))\r\n", &["unescaped-quote", "unescaped-quote"]),
    // 8-bit response text, a bracket that opens no code, a server's `{n+}`.
    ("* OK caf\u{e9} ready\r\n", &["eight-bit-in-text"]),
    ("a NO [X-FOO caf\u{e9}] no\r\n", &["eight-bit-in-text"]),
    ("* OK [ALERT hi\r\n", &["malformed-code"]),
    ("* 1 FETCH (RFC822 {3+}\r\nabc)\r\n", &["non-sync-literal"]),
    ("*  OK hello {5}\r\n", &["double-space"]),
    ("a  OK hello {5}\r\n", &["double-space"]),
    // Extra data after a known response keeps it raw.
    ("* 3 EXISTS X\r\n", &["malformed-data"]),
    ("* FLAGS (\\Seen) X\r\n", &["malformed-data"]),
    ("* STATUS INBOX (MESSAGES 1) X\r\n", &["malformed-data"]),
    ("* 1 FETCH (UID 1) X\r\n", &["malformed-data"]),
    ("* ID (\"a\" NIL) X\r\n", &["malformed-data"]),
    ("* NAMESPACE NIL NIL NIL X\r\n", &["malformed-data"]),
    ("* SEARCH 1 (MODSEQ 5) X\r\n", &["malformed-data"]),
    ("* LSUB () \".\" foo bar\r\n", &["malformed-data"]),
    ("* CAPABILITY\r\n", &["malformed-data"]),
];

#[test]
fn lenient_defects_and_strict_errors() {
    for (input, want) in LENIENT {
        let d = resp(input.as_bytes());
        assert_eq!(codes(&d), *want, "{input}");
        // The canonical encoding decodes to the same value.
        let e = enc_r(&d.value);
        assert_eq!(resp(e.as_bytes()).value, d.value, "{input} -> {e}");
        if !want.is_empty() {
            let err = decode_response(input.as_bytes(), &Options::strict()).unwrap_err();
            if want[0].starts_with("malformed") {
                // Strict mode reports the grammar's own error inside the malformed item.
                assert_eq!(err.kind, ErrorKind::Syntax, "{input}");
                assert!(err.offset >= d.defects[0].offset, "{input}");
            } else {
                assert_eq!(err.kind, ErrorKind::Strict { defect: want[0] }, "{input}");
                assert_eq!(err.offset, d.defects[0].offset, "{input}");
            }
        }
    }
}

#[test]
fn errors_are_positioned() {
    let e = decode_response(b"* 1 FETCH (UID 1\r\n", &Options::strict()).unwrap_err();
    assert_eq!(e.offset, 16);
    let e = decode_command(b"LIST \"\" \"*\"\r\n", &Options::default()).unwrap_err();
    assert_eq!(e.offset, 5);
    let e = decode_command(b"a1 FROB\r\n", &Options::default());
    assert!(e.is_ok(), "unknown commands are kept raw");
    let e = decode_command(b"a1 FETCH 0 FLAGS\r\n", &Options::default()).unwrap_err();
    assert_eq!((e.offset, e.expected), (9, "nz-number"));
    let e = decode_greeting(b"a OK hi\r\n", &Options::default()).unwrap_err();
    assert_eq!(e.offset, 0);
    // Text glued to a code kept raw is refused: its `]` may belong to the code's data.
    let e = decode_response(b"* OK [XFOO (a[1]b)] x\r\n", &Options::default()).unwrap_err();
    assert_eq!((e.offset, e.expected), (16, "SP after \"]\""));
}

const COMMANDS: &[(&str, &str)] = &[
    ("A LOGIN vinhtest1@123flo.com 123456\r\n", "A LOGIN vinhtest1@123flo.com 123456\r\n"),
    ("A LIST \"\" \"*\"\r\n", "A LIST \"\" \"*\"\r\n"),
    ("A LIST ~/ p*\r\n", "A LIST ~/ p*\r\n"),
    ("A RENAME \"testfolder\" \"rename_folder\"\r\n", "A RENAME \"testfolder\" \"rename_folder\"\r\n"),
    ("a002 select inbox\r\n", "a002 SELECT INBOX\r\n"),
    ("A SELECT INBOX (CONDSTORE)\r\n", "A SELECT INBOX (CONDSTORE)\r\n"),
    ("a authenticate cram-md5\r\n", "a AUTHENTICATE cram-md5\r\n"),
    ("a AUTHENTICATE PLAIN dGVzdAB0ZXN0AHRlc3Q=\r\n", "a AUTHENTICATE PLAIN dGVzdAB0ZXN0AHRlc3Q=\r\n"),
    ("a AUTHENTICATE PLAIN =\r\n", "a AUTHENTICATE PLAIN =\r\n"),
    ("f fetch 1:5 UID\r\n", "f FETCH 1:5 UID\r\n"),
    ("a003 fetch 12 full\r\n", "a003 FETCH 12 FULL\r\n"),
    ("A654 FETCH 2:4 (FLAGS BODY[HEADER.FIELDS (DATE FROM)])\r\n", "A654 FETCH 2:4 (FLAGS BODY[HEADER.FIELDS (DATE FROM)])\r\n"),
    ("u UID FETCH 71 BODY[HEADER.FIELDS (SUBJECT)]\r\n", "u UID FETCH 71 BODY[HEADER.FIELDS (SUBJECT)]\r\n"),
    ("a FETCH 1:* (BODY.PEEK[1.2.TEXT]<0.2048> BINARY.PEEK[1]<0.10> BINARY.SIZE[2] MODSEQ) (CHANGEDSINCE 12345)\r\n", "a FETCH 1:* (BODY.PEEK[1.2.TEXT]<0.2048> BINARY.PEEK[1]<0.10> BINARY.SIZE[2] MODSEQ) (CHANGEDSINCE 12345)\r\n"),
    ("g STORE 2 +FLAGS (some-flag)\r\n", "g STORE 2 +FLAGS (some-flag)\r\n"),
    ("a005 store 12 +flags \\deleted\r\n", "a005 STORE 12 +FLAGS \\Deleted\r\n"),
    ("a STORE 1,3:5 (UNCHANGEDSINCE 200) -FLAGS.SILENT (\\Seen $Junk)\r\n", "a STORE 1,3:5 (UNCHANGEDSINCE 200) -FLAGS.SILENT (\\Seen $Junk)\r\n"),
    ("s4 SEARCH OR SMALLER 10000 HEADER SUBJECT \"crash\"\r\n", "s4 SEARCH OR SMALLER 10000 HEADER SUBJECT \"crash\"\r\n"),
    ("A282 SEARCH SINCE 1-Feb-1994 NOT FROM \"Smith\"\r\n", "A282 SEARCH SINCE 1-Feb-1994 NOT FROM \"Smith\"\r\n"),
    ("a SEARCH CHARSET UTF-8 (OR (SEEN FLAGGED) UID 1:*,5) 2,4:* MODSEQ \"/flags/\\\\draft\" all 620162338 KEYWORD $Junk\r\n", "a SEARCH CHARSET UTF-8 (OR (SEEN FLAGGED) UID 1:*,5) 2,4:* MODSEQ \"/flags/\\\\draft\" all 620162338 KEYWORD $Junk\r\n"),
    ("c1 COPY 10 \"work.due today\"\r\n", "c1 COPY 10 \"work.due today\"\r\n"),
    ("a UID MOVE 1:3 Archive\r\n", "a UID MOVE 1:3 Archive\r\n"),
    ("a UID EXPUNGE 3000:3002\r\n", "a UID EXPUNGE 3000:3002\r\n"),
    ("A042 STATUS blurdybloop (UIDNEXT MESSAGES HIGHESTMODSEQ)\r\n", "A042 STATUS blurdybloop (UIDNEXT MESSAGES HIGHESTMODSEQ)\r\n"),
    ("a1 APPEND \"work.due today\" {5}\r\nhello\r\n", "a1 APPEND \"work.due today\" {5}\r\nhello\r\n"),
    ("A003 APPEND saved-messages (\\Seen) \" 7-Feb-1994 21:52:25 -0800\" {5+}\r\nhello\r\n", "A003 APPEND saved-messages (\\Seen) \" 7-Feb-1994 21:52:25 -0800\" {5+}\r\nhello\r\n"),
    ("a ENABLE CONDSTORE\r\n", "a ENABLE CONDSTORE\r\n"),
    ("a ID (\"name\" \"sodr\" \"version\" \"19.34\")\r\n", "a ID (\"name\" \"sodr\" \"version\" \"19.34\")\r\n"),
    ("a ID NIL\r\n", "a ID NIL\r\n"),
    ("a CREATE MyJunk (USE (\\Junk))\r\n", "a CREATE MyJunk (USE (\\Junk))\r\n"),
    ("a IDLE\r\n", "a IDLE\r\n"),
    ("n namespace\r\n", "n NAMESPACE\r\n"),
    ("a UNSELECT\r\n", "a UNSELECT\r\n"),
    ("B LOGIN {4}\r\npepe {6}\r\npasswd\r\n", "B LOGIN {4}\r\npepe {6}\r\npasswd\r\n"),
    ("a XFROB 1 (2 3)\r\n", "a XFROB 1 (2 3)\r\n"),
    // Extensions' arguments are kept, never a failure of the whole command.
    ("a FETCH 1 (UID X-GM-LABELS)\r\n", "a FETCH 1 (UID X-GM-LABELS)\r\n"),
    ("a UID FETCH 1:* (EMAILID X-FOO[1]<0.5>)\r\n", "a UID FETCH 1:* (EMAILID X-FOO[1]<0.5>)\r\n"),
    ("a SELECT INBOX (QRESYNC (67890007 20050715194045000 41,43:211,214:541))\r\n", "a SELECT INBOX (QRESYNC (67890007 20050715194045000 41,43:211,214:541))\r\n"),
    ("a examine INBOX (condstore)\r\n", "a EXAMINE INBOX (condstore)\r\n"),
    ("a LIST \"\" * RETURN (CHILDREN)\r\n", "a LIST \"\" * RETURN (CHILDREN)\r\n"),
    ("a LIST (SUBSCRIBED REMOTE) \"\" (\"INBOX\" %) RETURN (STATUS (MESSAGES UNSEEN))\r\n", "a LIST (SUBSCRIBED REMOTE) \"\" (\"INBOX\" %) RETURN (STATUS (MESSAGES UNSEEN))\r\n"),
    ("a LIST () \"\" % RETURN ()\r\n", "a LIST () \"\" % RETURN ()\r\n"),
    ("a FETCH 1:* (FLAGS) (CHANGEDSINCE 5 VANISHED)\r\n", "a FETCH 1:* (FLAGS) (CHANGEDSINCE 5 VANISHED)\r\n"),
    ("a SEARCH YOUNGER 5\r\n", "a SEARCH YOUNGER 5\r\n"),
    ("a UID SEARCH RETURN (MIN MAX) UNSEEN\r\n", "a UID SEARCH RETURN (MIN MAX) UNSEEN\r\n"),
    ("a UID THREAD REFERENCES UTF-8 ALL\r\n", "a UID THREAD REFERENCES UTF-8 ALL\r\n"),
    ("a CREATE x (USE ())\r\n", "a CREATE x (USE ())\r\n"),
    ("a STORE 1 (UNCHANGEDSINCE 0) FLAGS.SILENT ()\r\n", "a STORE 1 (UNCHANGEDSINCE 0) FLAGS.SILENT ()\r\n"),
    ("a AUTHENTICATE SCRAM-SHA-1 biwsbj11c2VyLHI9ZnlrbytkMmxiYkZnT05Sdjl0WXhkUT09\r\n", "a AUTHENTICATE SCRAM-SHA-1 biwsbj11c2VyLHI9ZnlrbytkMmxiYkZnT05Sdjl0WXhkUT09\r\n"),
    ("a select \"inbox\"\r\n", "a SELECT INBOX\r\n"),
    ("a APPEND INBOX ~{3}\r\na\0b\r\n", "a APPEND INBOX ~{3}\r\na\0b\r\n"),
];

#[test]
fn commands_decode_and_reencode_canonically() {
    for (input, canonical) in COMMANDS {
        let d = cmd(input.as_bytes());
        assert!(d.defects.is_empty(), "{input}: {:?}", d.defects);
        assert_eq!(&enc_c(&d.value), canonical, "{input}");
        assert_eq!(cmd(canonical.as_bytes()).value, d.value);
    }
}

#[test]
fn trailing_spaces_in_commands() {
    let d = cmd(b"A UNSUBSCRIBE \"Junk\"                 \r\n");
    assert_eq!(codes(&d), vec!["trailing-space"]);
    let CommandBody::Unsubscribe(m) = d.value.body else {
        panic!()
    };
    assert_eq!(m.as_bytes(), b"Junk");
}

#[test]
fn encoder_pauses_at_sync_literals() {
    let c = Command {
        tag: Tag::new("B").unwrap(),
        body: CommandBody::Login {
            username: AString::from_bytes(&b"a b\r\n"[..]).unwrap(),
            password: AString::from_bytes(&b"x"[..]).unwrap(),
        },
    };
    let mut out = Vec::new();
    let p = c.encode(&mut out);
    assert_eq!(out, b"B LOGIN {5}\r\na b\r\n x\r\n");
    assert_eq!(p.0, vec![13]);
}

#[test]
fn client_lines() {
    let o = Options::default();
    let auth = |b: &[u8]| {
        decode_auth_line(b, &o)
            .unwrap()
            .complete_value()
            .unwrap()
            .0
            .value
            .into_owned()
    };
    assert_eq!(
        auth(b"ZHJpY2hhcmRz\r\n"),
        ClientLine::AuthData(Base64::new(&b"ZHJpY2hhcmRz"[..]).unwrap())
    );
    assert_eq!(auth(b"*\r\n"), ClientLine::AuthCancel);
    assert_eq!(auth(b"\r\n"), ClientLine::AuthData(Base64::default()));
    // `DONE` is base64 inside AUTHENTICATE, and the end of IDLE only there.
    assert_eq!(
        auth(b"DONE\r\n"),
        ClientLine::AuthData(Base64::new(&b"DONE"[..]).unwrap())
    );
    assert_eq!(
        decode_idle_done(b"done\r\n", &o)
            .unwrap()
            .complete_value()
            .unwrap()
            .0
            .value,
        ClientLine::IdleDone
    );
    assert!(decode_idle_done(b"ZHJp\r\n", &o).is_err());
    assert!(decode_auth_line(b"abc\r\n", &o).is_err());
    assert!(decode_auth_line(b"b NOOP\r\n", &o).is_err());
    // These lines have no literals: a `{3}` at the end is an error, not a wait for 3 bytes.
    assert!(decode_auth_line(b"AB {3}\r\n", &o).is_err());
    assert!(decode_idle_done(b"DONE {3}\r\n", &o).is_err());
    assert!(matches!(
        decode_auth_line(b"ZHJp", &o),
        Ok(Status::Incomplete { .. })
    ));
}

#[test]
fn every_prefix_is_incomplete() {
    let all: Vec<&str> = RESPONSES
        .iter()
        .map(|r| r.0)
        .chain(LENIENT.iter().map(|l| l.0))
        .collect();
    for input in all {
        let b = input.as_bytes();
        for k in 0..b.len() {
            match decode_response(&b[..k], &Options::default()) {
                Ok(Status::Incomplete { .. }) => {}
                other => panic!("{input:?} prefix {k}: {other:?}"),
            }
        }
    }
    for (input, _) in COMMANDS {
        let b = input.as_bytes();
        for k in 0..b.len() {
            assert!(
                matches!(
                    decode_command(&b[..k], &Options::default()),
                    Ok(Status::Incomplete { .. })
                ),
                "{input:?} {k}"
            );
        }
    }
}

#[test]
fn framer_split_anywhere() {
    let stream: Vec<u8> = RESPONSES.iter().flat_map(|r| r.0.bytes()).collect();
    let whole = frame(&stream, &[stream.len()], Side::Server);
    assert_eq!(whole.len(), RESPONSES.len());
    for cut in 0..stream.len() {
        assert_eq!(
            frame(&stream, &[cut, stream.len()], Side::Server),
            whole,
            "cut {cut}"
        );
    }
    let ones: Vec<usize> = (1..=stream.len()).collect();
    assert_eq!(frame(&stream, &ones, Side::Server), whole);
    let cstream: Vec<u8> = COMMANDS.iter().flat_map(|r| r.0.bytes()).collect();
    let whole = frame(&cstream, &[cstream.len()], Side::Client);
    assert_eq!(whole.len(), COMMANDS.len());
    for cut in 0..cstream.len() {
        assert_eq!(frame(&cstream, &[cut, cstream.len()], Side::Client), whole);
    }
    // Streaming every literal of 3 bytes or more: the same events at every split.
    for (stream, side) in [(&stream, Side::Server), (&cstream, Side::Client)] {
        let whole = events(stream, &[stream.len()], side, 3);
        assert!(whole.iter().any(|e| e.starts_with(b"P:")));
        for cut in 0..stream.len() {
            assert_eq!(
                events(stream, &[cut, stream.len()], side, 3),
                whole,
                "cut {cut}"
            );
        }
        let ones: Vec<usize> = (1..=stream.len()).collect();
        assert_eq!(events(stream, &ones, side, 3), whole);
    }
}

/// Framer events with literals from `threshold` bytes streamed (pieces joined).
fn events(data: &[u8], cuts: &[usize], side: Side, threshold: usize) -> Vec<Vec<u8>> {
    let mut f = Framer::new(side, &Options::default()).with_streaming(threshold);
    let mut prev = 0;
    let mut out: Vec<Vec<u8>> = Vec::new();
    for &c in cuts {
        f.feed(&data[prev..c]);
        prev = c;
        while let Some(fr) = f.next_frame().unwrap() {
            match fr {
                Frame::LiteralPiece(p) => match out.last_mut() {
                    Some(l) if l.starts_with(b"P:") => l.extend_from_slice(p),
                    _ => out.push([&b"P:"[..], p].concat()),
                },
                Frame::Message(m) => out.push([&b"M:"[..], m].concat()),
                other => out.push(format!("{other:?}").into_bytes()),
            }
        }
    }
    out
}

fn frame(data: &[u8], cuts: &[usize], side: Side) -> Vec<Vec<u8>> {
    let mut f = Framer::new(side, &Options::default());
    let mut prev = 0;
    let mut out = Vec::new();
    for &c in cuts {
        f.feed(&data[prev..c]);
        prev = c;
        while let Some(fr) = f.next_frame().unwrap() {
            if let Frame::Message(m) = fr {
                out.push(m.to_vec());
            }
        }
    }
    out
}

#[test]
fn constructors_reject_what_the_wire_cannot_say() {
    use std::borrow::Cow;
    let b = |s: &'static str| Some(Cow::Borrowed(s.as_bytes()));
    // Injection through raw parts and tokens.
    assert!(ListToken::new("x\r\nb DELETE INBOX").is_err());
    assert!(Base64::new(&b"AA==\r\nb DELETE INBOX"[..]).is_err());
    for name in ["OK", "no", "BAD", "BYE", "PREAUTH", "LIST", "3 EXISTS"] {
        assert!(
            OtherData::new(name.as_bytes(), b("x {9}\r\n* BYE pwn")).is_err() || name == "LIST",
            "{name}"
        );
        assert!(
            OtherData::new(name.as_bytes(), b("() \"/\" INBOX")).is_err(),
            "{name}"
        );
    }
    // With an unknown name, the literal holds the bytes: one response, not two.
    let d = OtherData::new(&b"XFOO"[..], b("x {9}\r\n* BYE pwn")).unwrap();
    let r = Response::Data(Data::Other(d));
    let out = enc_r(&r);
    let mut f = Framer::new(Side::Server, &Options::default());
    f.feed(out.as_bytes());
    assert_eq!(
        f.next_frame().unwrap(),
        Some(Frame::Message(out.as_bytes()))
    );
    assert!(OtherData::new(&b"XFOO"[..], b("x\r\n* BYE pwn")).is_err());
    assert!(OtherCommand::new(Atom::new("XFOO").unwrap(), b("a\r\nb DELETE INBOX")).is_err());
    assert!(OtherCommand::new(Atom::new("FETCH").unwrap(), b("1 FLAGS")).is_err());
    assert!(OtherCommand::new(Atom::new("UID").unwrap(), b("THREAD REFS UTF-8 ALL")).is_ok());
    assert!(OtherCommand::new(Atom::new("SEARCH").unwrap(), b("YOUNGER 5")).is_ok());
    assert!(OtherFetchItem::new(&b"UID"[..]).is_err());
    assert!(OtherFetchItem::new(&b"X-GM-LABELS"[..]).is_ok());
    assert!(OtherAttr::new(&b"UID"[..], &b"5"[..]).is_err());
    assert!(OtherAttr::new(&b"X-GM-LABELS"[..], &b"(\\Inbox)"[..]).is_ok());
    assert!(OtherAttr::new(&b"X-GM-LABELS"[..], &b"a b"[..]).is_err());
    for c in [b'\r', b'\n', 0, 0x80, 0xff] {
        assert!(Delimiter::new(c).is_err());
    }
    // Response text: a tagged BYE / PREAUTH, an empty text, a leading `[` without a code.
    let t = |s: &'static str| Text::try_from(s).unwrap();
    let tag = || Some(Tag::new("a").unwrap());
    assert!(StatusResponse::new(tag(), StatusKind::Bye, None, t("x")).is_err());
    assert!(StatusResponse::new(tag(), StatusKind::PreAuth, None, t("x")).is_err());
    assert!(Text::new(&b""[..]).is_err());
    assert!(StatusResponse::new(None, StatusKind::Ok, None, t("[ALERT hi")).is_err());
    assert!(StatusResponse::new(None, StatusKind::Ok, None, t("[UNSEEN 5] x")).is_err());
    let with_code = StatusResponse::new(None, StatusKind::Ok, Some(Code::Alert), t("[x")).unwrap();
    assert_eq!(
        resp(enc_r(&Response::Status(with_code.clone())).as_bytes()).value,
        Response::Status(with_code)
    );
    assert!(Continue::new(Some(Code::Alert), None).is_err());
    assert!(Continue::new(None, Some(t("[x"))).is_err());
    // Codes: a known name, a `]` in the text.
    let a = |s: &'static str| Atom::new(s).unwrap();
    assert!(OtherCode::new(a("UIDNEXT"), b("5")).is_err());
    assert!(OtherCode::new(a("X-FOO"), b("a]b")).is_err());
    assert!(OtherCode::new(a("X-FOO"), b("")).is_err());
    assert!(OtherCode::new(a("X-FOO"), b("a [b")).is_ok());
    // BADCHARSET names cannot be literals.
    assert!(Charset::new(&b"a\r\nb"[..]).is_err());
    assert!(Charset::new("é".as_bytes()).is_err());
    assert!(matches!(
        Charset::new(&b"a b"[..]).unwrap().as_astring(),
        AString::String(IString::Quoted(_))
    ));
    // Lists the grammar needs non-empty.
    assert!(NonEmpty::<Capability<'_>>::new(vec![]).is_err());
    // Bodies: TEXT is not a basic type; extension data without gaps.
    assert!(BasicType::new(IString::try_from("text").unwrap()).is_err());
    assert!(BodyExtTail::new(None, None, Some(None), vec![]).is_err());
    assert!(BodyExtTail::new(Some(None), None, None, vec![BodyExtension::Number(1)]).is_err());
    assert!(BodyExtTail::new(Some(None), Some(Language::Single(None)), Some(None), vec![]).is_ok());
    // Canonical names: system flags, INBOX.
    assert!(FlagExtension::new(a("Seen")).is_err());
    assert_eq!(Flag::parse("\\SEEN").unwrap(), Flag::Seen);
    let inbox = Mailbox::from_astring(AString::String(IString::try_from("inbox").unwrap()));
    assert_eq!(inbox, Mailbox::inbox());
    assert!(inbox.is_inbox());
    // Numbers: mod-sequences are 63-bit.
    assert!(ModSeq::new(u64::MAX).is_err());
    // Parameters.
    let raw = |s: &'static str| Raw::value(s.as_bytes()).unwrap();
    assert!(Param::new(a("CONDSTORE"), Some(raw("5"))).is_err());
    assert!(Param::new(a("CHANGEDSINCE"), None).is_err());
    assert!(Param::new(a("CHANGEDSINCE"), Some(raw("(1)"))).is_err());
    assert!(Param::new(a("X"), Some(raw("abc"))).is_err());
    assert!(Param::new(a("X"), Some(raw("(a b)"))).is_ok());
    assert!(Param::new(a("9X"), None).is_err());
}

#[test]
fn empty_text_encodes_without_a_trailing_space() {
    for input in ["* OK [READ-ONLY]\r\n", "* OK [READ-ONLY] \r\n"] {
        let d = resp(input.as_bytes());
        assert_eq!(codes(&d), vec!["missing-text"]);
        assert_eq!(enc_r(&d.value), "* OK [READ-ONLY]\r\n");
    }
    for input in ["a OK\r\n", "a OK \r\n"] {
        let d = resp(input.as_bytes());
        assert_eq!(enc_r(&d.value), "a OK\r\n");
    }
    // `+ ` is an empty base64 challenge, valid as is.
    let d = resp(b"+ \r\n");
    assert!(d.defects.is_empty());
    assert_eq!(enc_r(&d.value), "+ \r\n");
}

#[test]
fn literal_policies_follow_the_capabilities() {
    let login = |user: &[u8]| Command {
        tag: Tag::new("a").unwrap(),
        body: CommandBody::Login {
            username: AString::String(IString::Literal(Literal::new(user.to_vec()).unwrap())),
            password: AString::try_from("pw").unwrap(),
        },
    };
    let enc = |c: &Command<'_>, p: LiteralPolicy| {
        let mut out = Vec::new();
        let pauses = c.encode_with(&mut out, &EncodeOptions::with_literals(p));
        (String::from_utf8_lossy(&out).into_owned(), pauses.0.len())
    };
    let small = login(b"bob");
    assert_eq!(
        enc(&small, LiteralPolicy::AsIs),
        ("a LOGIN {3}\r\nbob pw\r\n".into(), 1)
    );
    assert_eq!(
        enc(&small, LiteralPolicy::LiteralPlus),
        ("a LOGIN {3+}\r\nbob pw\r\n".into(), 0)
    );
    assert_eq!(
        enc(&small, LiteralPolicy::LiteralMinus),
        ("a LOGIN {3+}\r\nbob pw\r\n".into(), 0)
    );
    let big = login(&[b'x'; 5000]);
    let (out, pauses) = enc(&big, LiteralPolicy::LiteralMinus);
    assert!(out.starts_with("a LOGIN {5000}\r\n") && pauses == 1);
    let (out, pauses) = enc(&big, LiteralPolicy::LiteralPlus);
    assert!(out.starts_with("a LOGIN {5000+}\r\n") && pauses == 0);
    let nonsync = Command {
        tag: Tag::new("a").unwrap(),
        body: CommandBody::Append {
            mailbox: Mailbox::inbox(),
            flags: None,
            date: None,
            message: AppendData::Literal(
                Literal::new(&b"hi"[..])
                    .unwrap()
                    .with_mode(LiteralMode::NonSync),
            ),
        },
    };
    assert_eq!(
        enc(&nonsync, LiteralPolicy::Synchronizing),
        ("a APPEND INBOX {2}\r\nhi\r\n".into(), 1)
    );
    // A literal inside an extension's raw arguments is a literal like any other: a pause when
    // synchronising, announced as the policy says.
    let other = Command {
        tag: Tag::new("a").unwrap(),
        body: CommandBody::Other(
            OtherCommand::new(
                Atom::new("XFOO").unwrap(),
                Some(std::borrow::Cow::Borrowed(&b"x {3}\r\nabc y"[..])),
            )
            .unwrap(),
        ),
    };
    assert_eq!(
        enc(&other, LiteralPolicy::AsIs),
        ("a XFOO x {3}\r\nabc y\r\n".into(), 1)
    );
    let mut out = Vec::new();
    assert_eq!(other.encode(&mut out).0, vec![14]);
    assert_eq!(
        enc(&other, LiteralPolicy::LiteralPlus),
        ("a XFOO x {3+}\r\nabc y\r\n".into(), 0)
    );
    // Kept byte for byte when the policy keeps the announcement (a raw value stays itself).
    let zero = cmd(b"a XFOO {03}\r\nabc\r\n");
    assert_eq!(
        enc(&zero.value, LiteralPolicy::AsIs),
        ("a XFOO {03}\r\nabc\r\n".into(), 1)
    );
    let select = Command {
        tag: Tag::new("a").unwrap(),
        body: CommandBody::Select {
            mailbox: Mailbox::inbox(),
            params: vec![Param::new(
                Atom::new("X-P").unwrap(),
                Some(Raw::value(&b"(~{2}\r\n\x00z 1)"[..]).unwrap()),
            )
            .unwrap()],
        },
    };
    assert_eq!(
        enc(&select, LiteralPolicy::AsIs),
        ("a SELECT INBOX (X-P (~{2}\r\n\u{0}z 1))\r\n".into(), 1)
    );
    assert_eq!(
        enc(&select, LiteralPolicy::LiteralMinus),
        ("a SELECT INBOX (X-P (~{2+}\r\n\u{0}z 1))\r\n".into(), 0)
    );
    let caps = |s: &[&'static str]| {
        s.iter()
            .map(|c| Capability(Atom::new(*c).unwrap()))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        LiteralPolicy::for_capabilities(&caps(&["IMAP4rev1"])),
        LiteralPolicy::Synchronizing
    );
    assert_eq!(
        LiteralPolicy::for_capabilities(&caps(&["LITERAL-"])),
        LiteralPolicy::LiteralMinus
    );
    assert_eq!(
        LiteralPolicy::for_capabilities(&caps(&["literal-", "LITERAL+"])),
        LiteralPolicy::LiteralPlus
    );
    // A server's literals are never `{n+}`, whatever the value says.
    let r = Response::Data(Data::Fetch {
        seq: nz(1),
        items: NonEmpty::one(FetchAttr::Rfc822(Some(IString::Literal(
            Literal::new(&b"abc"[..])
                .unwrap()
                .with_mode(LiteralMode::NonSync),
        )))),
    });
    assert_eq!(enc_r(&r), "* 1 FETCH (RFC822 {3}\r\nabc)\r\n");
}

#[test]
fn typed_extension_data() {
    let d = resp(b"* LIST (\\HasNoChildren) \"/\" INBOX (\"CHILDINFO\" (\"SUBSCRIBED\") \"OLDNAME\" (\"foo\"))\r\n");
    assert!(d.defects.is_empty());
    let Response::Data(Data::List(l)) = &d.value else {
        panic!()
    };
    let x = l.extended.as_ref().unwrap();
    assert_eq!(x.len(), 2);
    assert_eq!(x[0].tag().as_bytes(), b"CHILDINFO");
    assert_eq!(x[0].value().as_bytes(), b"(\"SUBSCRIBED\")");
    let c = cmd(b"a SELECT INBOX (QRESYNC (1 2) CONDSTORE)\r\n");
    assert!(c.value.body.condstore());
    let CommandBody::Select { params, .. } = &c.value.body else {
        panic!()
    };
    assert_eq!(params[0].name().as_str(), "QRESYNC");
    assert_eq!(params[0].value(), Some(&b"(1 2)"[..]));
    let c = cmd(b"a FETCH 1 FLAGS (CHANGEDSINCE 12345)\r\n");
    assert_eq!(c.value.body.modseq_modifier(), ModSeq::new(12345).ok());
    let c = cmd(b"a UID THREAD REFERENCES UTF-8 ALL\r\n");
    let CommandBody::Other(o) = &c.value.body else {
        panic!()
    };
    assert_eq!(
        (o.name().as_str(), o.rest()),
        ("UID", Some(&b"THREAD REFERENCES UTF-8 ALL"[..]))
    );
    let d = resp(b"* STATUS INBOX (MESSAGES 3 MAILBOXID (F2212ea87) SIZE 44)\r\n");
    assert!(d.defects.is_empty());
    let Response::Data(Data::Status { items, .. }) = &d.value else {
        panic!()
    };
    let StatusItem::Other(o) = &items[1] else {
        panic!()
    };
    assert_eq!(
        (o.name().as_str(), o.value().as_bytes()),
        ("MAILBOXID", &b"(F2212ea87)"[..])
    );
}

#[test]
fn errors_name_the_right_offset() {
    let e = decode_response(
        b"* STATUS INBOX (MESSAGES 99999999999)\r\n",
        &Options::strict(),
    )
    .unwrap_err();
    assert_eq!((e.offset, e.expected), (25, "number (32 bits)"));
    let e = decode_greeting(b"* FOO ready\r\n", &Options::default()).unwrap_err();
    assert_eq!(e.offset, 2);
    let e = decode_greeting(b"*  XYZ\r\n", &Options::default()).unwrap_err();
    assert_eq!(e.offset, 3);
}

#[test]
fn decoded_values_have_owned_forms() {
    let owned: Decoded<Response<'static>> = {
        let input = b"* 1 FETCH (BODY[] {3}\r\nabc)\r\n".to_vec();
        resp(&input).into_owned()
    };
    assert!(matches!(owned.value, Response::Data(Data::Fetch { .. })));
    let c: Decoded<Command<'static>> = {
        let input = b"a FETCH 1 (FLAGS X-FOO) (CHANGEDSINCE 1)\r\n".to_vec();
        cmd(&input).into_owned()
    };
    assert_eq!(c.value.body.name(), "FETCH");
    let _: Disposition<'static> = Disposition {
        kind: IString::try_from("inline").unwrap(),
        params: vec![],
    }
    .into_owned();
    let _: Language<'static> = Language::Single(None).into_owned();
    let _: FetchItems<'static> = FetchItems::All.into_owned();
    let _: InitialResponse<'static> = InitialResponse::new(Base64::default()).into_owned();
}

#[test]
fn standalone_envelope_and_body_structure() {
    let env = b"(\"d\" \"s\" ((\"A\" NIL \"a\" \"b\")) NIL NIL NIL NIL NIL NIL \"<m@x>\")";
    let e = decode_envelope(env, &Options::strict()).unwrap();
    let mut out = Vec::new();
    e.value.encode(&mut out);
    assert_eq!(out, env);
    let body = b"((\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" {3}\r\n1 2 1)\"MIXED\")";
    assert!(decode_body_structure(body, &Options::strict()).is_err());
    let body = b"((\"TEXT\" \"PLAIN\" NIL NIL NIL {4}\r\n7BIT 3 1) \"MIXED\")";
    let b = decode_body_structure(body, &Options::strict()).unwrap();
    let mut out = Vec::new();
    b.value.encode(&mut out);
    assert_eq!(out, body);
}
