//! A header field's value for display (the inspector's `headers[].value`): unfolded, with RFC
//! 2047 encoded words decoded only where RFC 2047 section 5 allows them.

use std::borrow::Cow;

use mailwire_core::{DecodeError, Defect, Defects, Options};
use mailwire_rfc2047::Context;

use crate::fields::Grammar;
use crate::header::{unfold, HeaderField};
use crate::lex::{comment_text, tokenize, Mode, Tok, Token};
use crate::words::{decode_words, has_encoded_word, header_text};
use crate::MimeDefect;

impl<'a> HeaderField<'a> {
    /// The value as text for display: unfolded (RFC 5322 2.2.3), RFC 2047 encoded words
    /// decoded only where they are allowed (RFC 2047 section 5): everywhere in unstructured
    /// fields (as [`HeaderField::text`]); in structured fields only in comments (rule 2: a
    /// comment with an encoded word is shown decoded, its quoted-pairs resolved; others as
    /// written) and in the phrases of address lists and `List-Id` (rule 3: display names, group
    /// names). An
    /// encoded word elsewhere (an addr-spec, a msg-id, a quoted string, a parameter) is shown as
    /// written. The rest of the value is kept as written; bytes that are not UTF-8 are read
    /// with the fallback charset. Defects carry absolute offsets.
    ///
    /// ```
    /// use mailwire_mime::{HeaderField, Options};
    ///
    /// let raw = b"To: =?utf-8?q?J=C3=B6rg?= <=?utf-8?q?b?=@x.test> (=?utf-8?q?caf=C3=A9?=)\r\n";
    /// let f = HeaderField::from_raw(raw, 0).unwrap();
    /// let (value, _) = f.decoded(&Options::default())?;
    /// assert_eq!(value, "Jörg <=?utf-8?q?b?=@x.test> (café)");
    /// # Ok::<(), mailwire_mime::DecodeError>(())
    /// ```
    pub fn decoded(
        &self,
        opts: &Options,
    ) -> Result<(Cow<'a, str>, Vec<Defect<MimeDefect>>), DecodeError> {
        let grammar = Grammar::of(self.name());
        if grammar == Grammar::Text {
            return self.text(opts);
        }
        let raw = self.raw_value();
        let base = self.value_offset();
        let phrases = matches!(grammar, Grammar::Addresses | Grammar::ListId);
        let mut d = opts.defects();
        if memchr::memchr(b'(', raw).is_none() && !(phrases && has_encoded_word(raw)) {
            let text = match unfold(raw) {
                Cow::Borrowed(b) => header_text(b, base, &mut d)?,
                Cow::Owned(b) => Cow::Owned(header_text(&b, base, &mut d)?.into_owned()),
            };
            return Ok((text, d.into_vec()));
        }
        let mode = match grammar {
            Grammar::ContentType | Grammar::ContentDisposition | Grammar::TransferEncoding => {
                Mode::Mime
            }
            _ => Mode::Mail,
        };
        let toks = tokenize(raw, mode, opts.limits.max_depth, base, &mut d)?;
        let mut out = Out {
            text: String::with_capacity(raw.len()),
            pending: Vec::with_capacity(raw.len()),
        };
        let mut last = 0;
        let mut angle = false;
        let mut i = 0;
        while let Some(t) = toks.get(i) {
            out.raw(raw.get(last..t.start).unwrap_or_default());
            match t.tok {
                Tok::Comment(c) if has_encoded_word(c) => {
                    out.raw(b"(");
                    let text = comment_text(c, base + t.start + 1, &mut d)?;
                    out.text(&text, base, &mut d)?;
                    out.raw(b")");
                    last = t.end;
                    i += 1;
                    continue;
                }
                Tok::Special(b'<') => angle = true,
                Tok::Special(b'>') => angle = false,
                _ => {}
            }
            if phrases && !angle && phrase_atom(&toks, i) {
                // A run of phrase atoms, decoded together (a character may be split across two
                // encoded words).
                let mut j = i + 1;
                while toks.get(j).is_some_and(|_| phrase_atom(&toks, j)) {
                    j += 1;
                }
                let end = toks[j - 1].end;
                let run = unfold(raw.get(t.start..end).unwrap_or_default());
                if has_encoded_word(&run) {
                    let text = decode_words(&run, Context::Phrase, base + t.start, &mut d)?;
                    out.text(&text, base, &mut d)?;
                } else {
                    out.raw(&run);
                }
                last = end;
                i = j;
                continue;
            }
            out.raw(raw.get(t.start..t.end).unwrap_or_default());
            last = t.end;
            i += 1;
        }
        out.raw(raw.get(last..).unwrap_or_default());
        out.flush(base, &mut d)?;
        let text = out.text.trim_matches([' ', '\t']);
        Ok((Cow::Owned(text.to_string()), d.into_vec()))
    }
}

/// Is token `i` an atom of a phrase: not next to an `@` or `.` (which would make it part of an
/// addr-spec) and not a special?
fn phrase_atom(toks: &[Token<'_>], i: usize) -> bool {
    if !matches!(toks.get(i).map(|t| &t.tok), Some(Tok::Atom(_))) {
        return false;
    }
    let significant = |t: &&Token<'_>| !matches!(t.tok, Tok::Comment(_));
    let joins = |t: Option<&Token<'_>>| t.is_some_and(|t| t.is_special(b'@') || t.is_special(b'.'));
    let next = toks
        .get(i + 1..)
        .unwrap_or_default()
        .iter()
        .find(significant);
    let prev = toks
        .get(..i)
        .unwrap_or_default()
        .iter()
        .rev()
        .find(significant);
    !joins(next) && !joins(prev)
}

/// The display text being built: raw bytes wait in `pending` (unfolded) until decoded text
/// follows, so each raw run is read as UTF-8 or the fallback charset on its own.
struct Out {
    text: String,
    pending: Vec<u8>,
}

impl Out {
    fn raw(&mut self, bytes: &[u8]) {
        self.pending
            .extend(bytes.iter().copied().filter(|&b| b != b'\r' && b != b'\n'));
    }

    fn flush(&mut self, base: usize, d: &mut Defects<MimeDefect>) -> Result<(), DecodeError> {
        if !self.pending.is_empty() {
            self.text.push_str(&header_text(&self.pending, base, d)?);
            self.pending.clear();
        }
        Ok(())
    }

    fn text(
        &mut self,
        s: &str,
        base: usize,
        d: &mut Defects<MimeDefect>,
    ) -> Result<(), DecodeError> {
        self.flush(base, d)?;
        self.text.push_str(s);
        Ok(())
    }
}
