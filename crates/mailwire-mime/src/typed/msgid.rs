//! Message identifiers (RFC 5322 3.6.4): `Message-ID`, `In-Reply-To`, `References`,
//! `Resent-Message-ID`, `Content-ID`.
//!
//! ```text
//! msg-id   = [CFWS] "<" id-left "@" id-right ">" [CFWS]
//! ; obs-in-reply-to / obs-references: *(phrase / msg-id)   (RFC 5322 4.5.4)
//! ```

use std::borrow::Cow;
use std::fmt;

use mailwire_core::{DecodeError, Defects, Options};

use crate::lex::{tokenize, Mode, Tok};
use crate::MimeDefect;

/// A message identifier without its angle brackets (`id-left@id-right`), borrowed from the
/// input when written without comments or folds inside.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct MessageId<'a>(pub Cow<'a, str>);

impl MessageId<'_> {
    /// The identifier text without brackets.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The same identifier owning its text.
    pub fn into_owned(self) -> MessageId<'static> {
        MessageId(Cow::Owned(self.0.into_owned()))
    }
}

impl From<String> for MessageId<'static> {
    fn from(s: String) -> Self {
        MessageId(Cow::Owned(s))
    }
}

impl fmt::Display for MessageId<'_> {
    /// The wire form, `<id-left@id-right>`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<{}>", self.0)
    }
}

/// Parses a list of message identifiers (one for `Message-ID`). Words between identifiers
/// (obs-phrase) are skipped with a defect; a value without brackets yields its words as
/// identifiers with a [`MimeDefect::MessageIdSyntax`] defect.
pub fn parse_message_ids<'a>(
    value: &'a [u8],
    base: usize,
    opts: &Options,
    defects: &mut Defects<MimeDefect>,
) -> Result<Vec<MessageId<'a>>, DecodeError> {
    ids(value, base, opts, defects, false)
}

/// Parses a field that holds one message identifier (`Message-ID`, `Content-ID`,
/// `Resent-Message-ID`: RFC 5322 3.6.4 `"Message-ID:" msg-id`, RFC 2045 7). Every identifier
/// found is returned; a second one is a [`MimeDefect::MessageIdSyntax`] defect.
pub fn parse_message_id<'a>(
    value: &'a [u8],
    base: usize,
    opts: &Options,
    defects: &mut Defects<MimeDefect>,
) -> Result<Vec<MessageId<'a>>, DecodeError> {
    ids(value, base, opts, defects, true)
}

fn ids<'a>(
    value: &'a [u8],
    base: usize,
    opts: &Options,
    defects: &mut Defects<MimeDefect>,
    single: bool,
) -> Result<Vec<MessageId<'a>>, DecodeError> {
    if let Some(ids) = plain_ids(value, single) {
        return Ok(ids);
    }
    ids_tokenized(value, base, opts, defects, single)
}

/// [`ids`] through the tokenizer: every form, with its defects.
fn ids_tokenized<'a>(
    value: &'a [u8],
    base: usize,
    opts: &Options,
    defects: &mut Defects<MimeDefect>,
    single: bool,
) -> Result<Vec<MessageId<'a>>, DecodeError> {
    let toks = tokenize(value, Mode::Mail, opts.limits.max_depth, base, defects)?;
    let mut out = Vec::new();
    let mut i = 0;
    let any_angle = toks.iter().any(|t| t.is_special(b'<'));
    if !any_angle {
        // `Message-ID: abc@x` : runs of non-whitespace text are identifiers.
        let mut start: Option<usize> = None;
        let mut end = 0;
        for t in &toks {
            if matches!(t.tok, Tok::Comment(_)) {
                continue;
            }
            if t.ws_before {
                if let Some(s) = start.take() {
                    push_id(
                        &mut out,
                        Cow::Borrowed(&value[s..end]),
                        base + s,
                        defects,
                        true,
                    )?;
                    if single && out.len() == 2 {
                        defects.report(base + s, MimeDefect::MessageIdSyntax)?;
                    }
                }
            }
            start.get_or_insert(t.start);
            end = t.end;
        }
        if let Some(s) = start {
            push_id(
                &mut out,
                Cow::Borrowed(&value[s..end]),
                base + s,
                defects,
                true,
            )?;
            if single && out.len() == 2 {
                defects.report(base + s, MimeDefect::MessageIdSyntax)?;
            }
        }
        return Ok(out);
    }
    let mut reported_phrase = false;
    while let Some(t) = toks.get(i) {
        if t.is_special(b'<') {
            let close = toks[i..]
                .iter()
                .position(|t| t.is_special(b'>'))
                .map(|p| i + p);
            let next = match close {
                Some(c) => c + 1,
                None => {
                    defects.report(base + t.start, MimeDefect::Unterminated)?;
                    toks.len()
                }
            };
            // The identifier is the tokens' text: obsolete CFWS between them is not part of it.
            let inners = toks
                .get(i + 1..next.saturating_sub(usize::from(close.is_some())))
                .unwrap_or_default();
            let contiguous = inners.windows(2).all(|w| w[0].end == w[1].start)
                && !inners.iter().any(|t| matches!(t.tok, Tok::Comment(_)));
            let raw: Cow<'a, [u8]> = match (contiguous, inners.first(), inners.last()) {
                (true, Some(f), Some(l)) => {
                    Cow::Borrowed(value.get(f.start..l.end).unwrap_or_default())
                }
                (true, _, _) => Cow::Borrowed(&[]),
                (false, _, _) => {
                    let mut raw = Vec::with_capacity(match (inners.first(), inners.last()) {
                        (Some(f), Some(l)) => l.end.saturating_sub(f.start),
                        _ => 0,
                    });
                    for inner in inners {
                        if !matches!(inner.tok, Tok::Comment(_)) {
                            raw.extend_from_slice(
                                value.get(inner.start..inner.end).unwrap_or_default(),
                            )
                        }
                    }
                    Cow::Owned(raw)
                }
            };
            let before = out.len();
            push_id(&mut out, raw, base + t.end, defects, false)?;
            if single && before == 1 && out.len() == 2 {
                // RFC 5322 3.6.4: this field holds one msg-id.
                defects.report(base + t.start, MimeDefect::MessageIdSyntax)?;
            }
            if out.len() > opts.limits.max_items {
                return Err(DecodeError::limit(
                    base + t.start,
                    "max_items",
                    opts.limits.max_items,
                ));
            }
            i = next;
            continue;
        }
        if !matches!(t.tok, Tok::Comment(_)) && !reported_phrase {
            reported_phrase = true;
            defects.report(base + t.start, MimeDefect::ObsoletePhraseInIds)?;
        }
        i += 1;
    }
    Ok(out)
}

/// The common form, read without tokenising: identifiers in angle brackets separated by white
/// space, each ASCII with an `@` and nothing the full parser reads differently (comments,
/// quotes, literals, white space inside). `None` otherwise (the full parser decides).
fn plain_ids(value: &[u8], single: bool) -> Option<Vec<MessageId<'_>>> {
    let mut out = Vec::new();
    let mut rest = value;
    loop {
        while let [b' ' | b'\t' | b'\r' | b'\n', r @ ..] = rest {
            rest = r;
        }
        let [b'<', r @ ..] = rest else {
            break;
        };
        let close = memchr::memchr(b'>', r)?;
        let id = &r[..close];
        if id.is_empty()
            || !id.iter().all(|&b| crate::lex::is_plain_id_byte(b))
            || memchr::memchr(b'@', id).is_none()
        {
            return None;
        }
        out.push(MessageId(Cow::Borrowed(std::str::from_utf8(id).ok()?)));
        rest = &r[close + 1..];
    }
    (rest.is_empty() && !out.is_empty() && !(single && out.len() > 1)).then_some(out)
}

fn push_id<'a>(
    out: &mut Vec<MessageId<'a>>,
    raw: Cow<'a, [u8]>,
    at: usize,
    defects: &mut Defects<MimeDefect>,
    unbracketed: bool,
) -> Result<(), DecodeError> {
    // Folding whitespace inside an identifier is not part of it.
    let is_ws = |b: &u8| matches!(b, b' ' | b'\t' | b'\r' | b'\n');
    let id: Cow<'a, [u8]> = if raw.iter().any(is_ws) {
        Cow::Owned(raw.iter().copied().filter(|b| !is_ws(b)).collect())
    } else {
        raw
    };
    if id.is_empty() {
        defects.report(at, MimeDefect::MessageIdSyntax)?;
        return Ok(());
    }
    if unbracketed || memchr::memchr(b'@', &id).is_none() {
        defects.report(at, MimeDefect::MessageIdSyntax)?;
    }
    let text = match id {
        Cow::Borrowed(b) => crate::words::header_text(b, at, defects)?,
        Cow::Owned(v) => Cow::Owned(crate::words::header_text(&v, at, defects)?.into_owned()),
    };
    out.push(MessageId(text));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use mailwire_core::DefectKind;

    fn p(s: &str) -> (Vec<String>, Vec<&'static str>) {
        let opts = Options::default();
        let mut d = opts.defects();
        let v = parse_message_ids(s.as_bytes(), 0, &opts, &mut d).unwrap();
        (
            v.into_iter().map(|m| m.0.into_owned()).collect(),
            d.as_slice().iter().map(|d| d.kind.code()).collect(),
        )
    }

    proptest::proptest! {
        #[test]
        fn the_plain_form_reads_as_the_full_parser_does(
            v in "[ \t<>@a-z.\\-\\[\\](\"=\r\n]{0,40}", single in proptest::bool::ANY,
        ) {
            if let Some(fast) = plain_ids(v.as_bytes(), single) {
                let opts = Options::default();
                let mut d = opts.defects();
                let slow = ids_tokenized(v.as_bytes(), 0, &opts, &mut d, single).unwrap();
                proptest::prop_assert_eq!(fast, slow, "{:?}", v);
                proptest::prop_assert!(d.is_empty(), "{:?} {:?}", v, d);
            }
        }

        #[test]
        fn bracketed_lists_read_alike(
            ids in proptest::collection::vec("[a-z.@\\[\\](\"=-]{0,8}", 1..4),
            seps in proptest::collection::vec(proptest::prop_oneof![proptest::strategy::Just(" "), proptest::strategy::Just("\r\n "), proptest::strategy::Just("")], 4),
            single in proptest::bool::ANY,
        ) {
            let mut v = String::new();
            for (i, id) in ids.iter().enumerate() {
                v.push_str(seps[i]);
                v.push('<');
                v.push_str(id);
                v.push('>');
            }
            if let Some(fast) = plain_ids(v.as_bytes(), single) {
                let opts = Options::default();
                let mut d = opts.defects();
                let slow = ids_tokenized(v.as_bytes(), 0, &opts, &mut d, single).unwrap();
                proptest::prop_assert_eq!(fast, slow, "{:?}", v);
                proptest::prop_assert!(d.is_empty(), "{:?} {:?}", v, d);
            }
        }
    }

    #[test]
    fn ids() {
        assert_eq!(
            p(" <1234@local.machine.example>"),
            (vec!["1234@local.machine.example".into()], vec![])
        );
        assert_eq!(
            p("<1234@local.machine.example>\r\n <3456@example.net>").0,
            vec!["1234@local.machine.example", "3456@example.net"]
        );
        assert_eq!(
            p("Your message of <a@b> (comment) <c@d>"),
            (
                vec!["a@b".into(), "c@d".into()],
                vec!["obsolete-phrase-in-ids"]
            )
        );
        assert_eq!(
            p("abc@x"),
            (vec!["abc@x".into()], vec!["message-id-syntax"])
        );
        assert_eq!(p("<\"quoted\"@[literal]>").0, vec!["\"quoted\"@[literal]"]);
        let opts = Options::default();
        let mut d = opts.defects();
        let v = parse_message_id(b"<a@b> <c@d>", 0, &opts, &mut d).unwrap();
        assert_eq!(v.len(), 2);
        assert_eq!(d.as_slice()[0].offset, 6);
        assert_eq!(d.as_slice()[0].kind, MimeDefect::MessageIdSyntax);
    }
}
