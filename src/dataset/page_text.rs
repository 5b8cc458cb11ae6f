//! The words of a captured page, and whether a quote is among them: the text of an HTML,
//! XHTML, MHTML or plain-text capture (markup, scripts and styles dropped, character
//! references decoded, the declared character set honoured), and a matcher that compares a
//! quote with it after normalising what typography varies: white space and line breaks,
//! curly and straight quotes, dashes, the ellipsis, soft hyphens and zero-width characters.
//! A quote that omits words (`…`, `...`, `[…]`) is found when its parts occur in order.
//! A leaf: bytes and text only.

/// What kind of text a capture holds, if it can be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PageKind {
    /// HTML or XHTML.
    Html,
    /// A web page saved as MHTML (MIME, `multipart/related`).
    Mhtml,
    /// Plain text.
    Plain,
}

impl PageKind {
    /// The kind of a capture from its recorded media type, else its file name; `None` for
    /// what Sortie does not read (PDF, images, archives).
    pub fn of(media_type: Option<&str>, file: &str) -> Option<Self> {
        if let Some(media) = media_type {
            let media = media
                .split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase();
            return match media.as_str() {
                "text/html" | "application/xhtml+xml" => Some(Self::Html),
                "multipart/related" | "message/rfc822" | "application/x-mimearchive" => {
                    Some(Self::Mhtml)
                }
                "text/plain" => Some(Self::Plain),
                _ => None,
            };
        }
        let ext = file.rsplit_once('.')?.1.to_ascii_lowercase();
        match ext.as_str() {
            "html" | "htm" | "xhtml" => Some(Self::Html),
            "mht" | "mhtml" => Some(Self::Mhtml),
            "txt" | "text" => Some(Self::Plain),
            _ => None,
        }
    }
}

/// The readable text of a capture's bytes, normalised for [`quote_found`].
pub fn page_text(bytes: &[u8], kind: PageKind) -> String {
    let text = match kind {
        PageKind::Plain => decode(bytes, None),
        PageKind::Html => html_text(&decode(bytes, declared_charset(bytes))),
        PageKind::Mhtml => match mhtml_html(bytes) {
            Some((html, charset)) => {
                let charset = charset.or_else(|| declared_charset(&html));
                html_text(&decode(&html, charset))
            }
            None => String::new(),
        },
    };
    normalise(&text)
}

/// Whether `quote` occurs in `page` (a [`page_text`]): compared after normalising both; a
/// quote with omissions is found when each part occurs, in order. An empty quote is never
/// found.
pub fn quote_found(page: &str, quote: &str) -> bool {
    let quote = normalise(quote);
    let quote = strip_quote_marks(&quote);
    let parts: Vec<&str> = quote
        .split("[...]")
        .flat_map(|p| p.split("(...)"))
        .flat_map(|p| p.split("..."))
        .map(|p| p.trim_matches(|c: char| c == ' ' || c == '[' || c == ']'))
        .filter(|p| !p.is_empty())
        .collect();
    if parts.is_empty() {
        return false;
    }
    let mut from = 0;
    for part in parts {
        match page.get(from..).and_then(|rest| rest.find(part)) {
            Some(at) => from += at + part.len(),
            None => return false,
        }
    }
    true
}

/// A quote without the quotation marks around it (`"…"` as typed into a form).
fn strip_quote_marks(quote: &str) -> &str {
    let inner = quote
        .strip_prefix('"')
        .and_then(|q| q.strip_suffix('"'))
        .or_else(|| quote.strip_prefix('\'').and_then(|q| q.strip_suffix('\'')));
    inner.map_or(quote, str::trim)
}

/// Text with typography made uniform: each run of white space one space, curly quotes
/// straight, dashes a hyphen-minus, `…` three dots, soft hyphens and zero-width characters
/// gone; trimmed.
pub fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.chars() {
        let mapped = match c {
            '\u{ad}' | '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{2060}' | '\u{feff}' => continue,
            c if c.is_whitespace() => {
                space = true;
                continue;
            }
            '\u{2018}' | '\u{2019}' | '\u{201a}' | '\u{201b}' | '\u{2032}' | '\u{2035}' => '\'',
            '\u{201c}' | '\u{201d}' | '\u{201e}' | '\u{201f}' | '\u{2033}' | '\u{ab}'
            | '\u{bb}' => '"',
            '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' | '\u{2015}'
            | '\u{2212}' => '-',
            '\u{2026}' => {
                push_spaced(&mut out, &mut space, "...");
                continue;
            }
            c => c,
        };
        let mut buf = [0u8; 4];
        push_spaced(&mut out, &mut space, mapped.encode_utf8(&mut buf));
    }
    out
}

/// Pushes `s`, after one space if white space came before it (none at the start).
fn push_spaced(out: &mut String, space: &mut bool, s: &str) {
    if *space && !out.is_empty() {
        out.push(' ');
    }
    *space = false;
    out.push_str(s);
}

/// Bytes as text: by the byte-order mark, else the declared character set, else UTF-8
/// (bytes that are not UTF-8 replaced).
fn decode(bytes: &[u8], charset: Option<String>) -> String {
    let encoding = charset
        .and_then(|c| encoding_rs::Encoding::for_label(c.trim().as_bytes()))
        .unwrap_or(encoding_rs::UTF_8);
    let (text, _, _) = encoding.decode(bytes);
    text.into_owned()
}

/// The character set an HTML page declares in its first 4 KiB (`<meta charset=…>` or
/// `content="text/html; charset=…"`).
fn declared_charset(bytes: &[u8]) -> Option<String> {
    let head = &bytes[..bytes.len().min(4096)];
    let head = String::from_utf8_lossy(head).to_ascii_lowercase();
    let at = head.find("charset=")? + "charset=".len();
    let rest = head[at..].trim_start_matches(['"', '\'', ' ']);
    let end = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
        .unwrap_or(rest.len());
    (end > 0).then(|| rest[..end].to_owned())
}

/// The tags whose content is no text of the page.
const HIDDEN: [&str; 5] = ["script", "style", "noscript", "template", "svg"];

/// The tags that break a line of text (so that the words either side stay apart).
const BLOCK: [&str; 32] = [
    "address",
    "article",
    "aside",
    "blockquote",
    "br",
    "caption",
    "dd",
    "div",
    "dl",
    "dt",
    "figcaption",
    "figure",
    "footer",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "li",
    "main",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "table",
    "td",
    "th",
    "tr",
];

/// The text of an HTML page: tags dropped (a block's tags leave a space, an inline one's
/// nothing, so "<b>Ham</b>edan" reads "Hamedan"), comments and the content of scripts and
/// styles dropped, character references decoded.
fn html_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len() / 2);
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        out.push_str(&decode_references(&rest[..lt]));
        rest = &rest[lt..];
        if let Some(comment) = rest.strip_prefix("<!--") {
            rest = comment.find("-->").map_or("", |end| &comment[end + 3..]);
            continue;
        }
        let Some(gt) = tag_end(rest) else {
            // A `<` that opens no tag is text.
            out.push('<');
            rest = &rest[1..];
            continue;
        };
        let tag = &rest[1..gt];
        rest = &rest[gt + 1..];
        let closing = tag.starts_with('/');
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        if name.is_empty() && !closing && !tag.starts_with('!') && !tag.starts_with('?') {
            out.push('<');
            out.push_str(tag);
            out.push('>');
            continue;
        }
        if BLOCK.contains(&name.as_str()) {
            out.push(' ');
        }
        if !closing && !tag.ends_with('/') && HIDDEN.contains(&name.as_str()) {
            rest = skip_to_closing(rest, &name);
        }
    }
    out.push_str(&decode_references(rest));
    out
}

/// Where the tag starting `text` (at its `<`) ends: its `>` outside quoted attribute
/// values.
fn tag_end(text: &str) -> Option<usize> {
    let mut quote = None;
    for (i, b) in text.bytes().enumerate().skip(1) {
        match (quote, b) {
            (None, b'>') => return Some(i),
            (None, b'"' | b'\'') => quote = Some(b),
            (Some(q), b) if b == q => quote = None,
            (None, b'<') if i == 1 => return None,
            _ => {}
        }
    }
    None
}

/// The text after the closing tag `</name>` (ASCII case ignored); empty when there is none.
fn skip_to_closing<'a>(text: &'a str, name: &str) -> &'a str {
    let closing = format!("</{name}");
    let bytes = text.as_bytes();
    let mut from = 0;
    while let Some(at) = memchr::memchr(b'<', &bytes[from..]) {
        let start = from + at;
        let candidate = bytes.get(start..start + closing.len());
        if candidate.is_some_and(|c| c.eq_ignore_ascii_case(closing.as_bytes())) {
            let after = &text[start..];
            return after.find('>').map_or("", |gt| &after[gt + 1..]);
        }
        from = start + 1;
    }
    ""
}

/// Text with its character references (`&amp;`, `&#8217;`, `&#x2019;`, `&eacute;`) decoded;
/// an unknown one is left as written.
fn decode_references(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains('&') {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let end = rest
            .char_indices()
            .skip(1)
            .take(33)
            .find(|&(_, c)| !(c.is_ascii_alphanumeric() || c == '#'))
            .map(|(i, c)| (i, c == ';'));
        let decoded = end.and_then(|(i, semicolon)| {
            let c = reference(&rest[1..i])?;
            Some((c, i + usize::from(semicolon)))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    std::borrow::Cow::Owned(out)
}

/// The character a reference's name (`amp`, `#8217`, `#x2019`) stands for.
fn reference(name: &str) -> Option<char> {
    if let Some(number) = name.strip_prefix('#') {
        let code = match number.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => number.parse().ok()?,
        };
        return char::from_u32(code).filter(|&c| c != '\0');
    }
    let c = match name {
        "amp" | "AMP" => '&',
        "lt" | "LT" => '<',
        "gt" | "GT" => '>',
        "quot" | "QUOT" => '"',
        "apos" => '\'',
        "nbsp" => '\u{a0}',
        "ensp" | "emsp" | "thinsp" => ' ',
        "shy" => '\u{ad}',
        "zwj" => '\u{200d}',
        "zwnj" => '\u{200c}',
        "lrm" => '\u{200e}',
        "rlm" => '\u{200f}',
        "ndash" => '–',
        "mdash" => '—',
        "hyphen" | "dash" => '‐',
        "minus" => '−',
        "lsquo" => '‘',
        "rsquo" | "rsquor" => '’',
        "sbquo" => '‚',
        "ldquo" => '“',
        "rdquo" | "rdquor" => '”',
        "bdquo" => '„',
        "laquo" => '«',
        "raquo" => '»',
        "lsaquo" => '‹',
        "rsaquo" => '›',
        "hellip" | "mldr" => '…',
        "middot" => '·',
        "bull" => '•',
        "deg" => '°',
        "prime" => '′',
        "Prime" => '″',
        "times" => '×',
        "divide" => '÷',
        "copy" => '©',
        "reg" => '®',
        "trade" => '™',
        "sect" => '§',
        "para" => '¶',
        "euro" => '€',
        "pound" => '£',
        "yen" => '¥',
        "cent" => '¢',
        "iexcl" => '¡',
        "iquest" => '¿',
        "ordf" => 'ª',
        "ordm" => 'º',
        "szlig" => 'ß',
        "oelig" => 'œ',
        "OElig" => 'Œ',
        "scaron" => 'š',
        "Scaron" => 'Š',
        "zcaron" => 'ž',
        "Zcaron" => 'Ž',
        "yuml" => 'ÿ',
        "Yuml" => 'Ÿ',
        _ => return latin1_letter(name),
    };
    Some(c)
}

/// The Latin-1 letters named by base letter and accent (`eacute`, `Ouml`, `ccedil`).
fn latin1_letter(name: &str) -> Option<char> {
    const ACCENTS: [(&str, &str, &str); 7] = [
        ("grave", "AEIOU", "ÀÈÌÒÙàèìòù"),
        ("acute", "AEIOUY", "ÁÉÍÓÚÝáéíóúý"),
        ("circ", "AEIOU", "ÂÊÎÔÛâêîôû"),
        ("tilde", "ANO", "ÃÑÕãñõ"),
        ("uml", "AEIOU", "ÄËÏÖÜäëïöü"),
        ("ring", "A", "Åå"),
        ("cedil", "C", "Çç"),
    ];
    match name {
        "AElig" => return Some('Æ'),
        "aelig" => return Some('æ'),
        "Oslash" => return Some('Ø'),
        "oslash" => return Some('ø'),
        "ETH" => return Some('Ð'),
        "eth" => return Some('ð'),
        "THORN" => return Some('Þ'),
        "thorn" => return Some('þ'),
        _ => {}
    }
    let mut chars = name.chars();
    let base = chars.next()?;
    let accent = chars.as_str();
    let (_, bases, letters) = ACCENTS.iter().find(|(a, _, _)| *a == accent)?;
    let at = bases.find(base.to_ascii_uppercase())?;
    let letters: Vec<char> = letters.chars().collect();
    let upper_count = bases.len();
    letters
        .get(if base.is_ascii_uppercase() {
            at
        } else {
            upper_count + at
        })
        .copied()
}

/// The first HTML part of an MHTML file, decoded from its transfer encoding, with the
/// character set its header declares.
fn mhtml_html(bytes: &[u8]) -> Option<(Vec<u8>, Option<String>)> {
    let text = String::from_utf8_lossy(bytes);
    let (head, _) = split_header(&text)?;
    let boundary = header_parameter(head, "boundary")?;
    let delimiter = format!("--{boundary}");
    for part in text.split(delimiter.as_str()).skip(1) {
        let part = part.trim_start_matches(['\r', '\n']);
        let Some((header, body)) = split_header(part) else {
            continue;
        };
        let lower = header.to_ascii_lowercase();
        let content_type = header_value(&lower, "content-type").unwrap_or_default();
        if !content_type.starts_with("text/html") {
            continue;
        }
        let charset = header_parameter(header, "charset");
        let encoding = header_value(&lower, "content-transfer-encoding").unwrap_or_default();
        let body = body.trim_end_matches(['\r', '\n']);
        let body = if encoding.trim() == "quoted-printable" {
            quoted_printable(body)
        } else {
            body.as_bytes().to_vec()
        };
        return Some((body, charset));
    }
    None
}

/// A MIME entity's header and body (split at the first blank line).
fn split_header(text: &str) -> Option<(&str, &str)> {
    let crlf = text.find("\r\n\r\n").map(|i| (i, 4));
    let lf = text.find("\n\n").map(|i| (i, 2));
    let (at, len) = match (crlf, lf) {
        (Some(a), Some(b)) => a.min(b),
        (a, b) => a.or(b)?,
    };
    Some((&text[..at], &text[at + len..]))
}

/// The value of header `name` (lowercase) in a lowercased header, its folded lines joined.
fn header_value(header: &str, name: &str) -> Option<String> {
    let mut lines = header.lines().peekable();
    while let Some(line) = lines.next() {
        let Some(value) = line
            .strip_prefix(name)
            .and_then(|r| r.trim_start().strip_prefix(':'))
        else {
            continue;
        };
        let mut value = value.trim().to_owned();
        while let Some(next) = lines.peek().filter(|l| l.starts_with([' ', '\t'])) {
            value.push(' ');
            value.push_str(next.trim());
            lines.next();
        }
        return Some(value);
    }
    None
}

/// A parameter of a header (`boundary="----abc"`, `charset=utf-8`), its case kept.
fn header_parameter(header: &str, name: &str) -> Option<String> {
    let lower = header.to_ascii_lowercase();
    let key = format!("{name}=");
    let at = lower.find(&key)? + key.len();
    let rest = &header[at..];
    let value = match rest.strip_prefix('"') {
        Some(quoted) => &quoted[..quoted.find('"')?],
        None => rest
            .split(|c: char| c == ';' || c.is_whitespace())
            .next()
            .unwrap_or(""),
    };
    (!value.is_empty()).then(|| value.to_owned())
}

/// Decodes quoted-printable text: `=XX` a byte, `=` at a line's end a soft break.
fn quoted_printable(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'=' {
            match bytes.get(i + 1..i + 3) {
                Some(b"\r\n") => {
                    i += 3;
                    continue;
                }
                Some([b'\n', _]) => {
                    i += 2;
                    continue;
                }
                Some(&[h, l]) => {
                    let digit = |c: u8| char::from(c).to_digit(16);
                    if let (Some(h), Some(l)) = (digit(h), digit(l)) {
                        out.push(u8::try_from(h * 16 + l).unwrap_or(b'?'));
                        i += 3;
                        continue;
                    }
                }
                _ if bytes.get(i + 1) == Some(&b'\n') => {
                    i += 2;
                    continue;
                }
                _ => {}
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    /// A report as a news site serves it: entities, curly quotes, line breaks inside
    /// sentences, inline markup inside words, a script and a comment.
    const PAGE: &str = r#"<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Russia&#8217;s bombers</title>
<style>p { color: red } /* Tu-22M3 bombers took off */</style>
<script>var s = "Tu-22M3 bombers took off from Hamedan";</script></head>
<body><!-- Tu-22M3 bombers took off from Hamedan -->
<p>Long-range Tu&#8209;22M3 bombers and Su-34 front-line bombers, taking off
   from the Hamadan airfield, delivered a <b>concentrated</b> air&nbsp;strike
   against facilities of the &laquo;ISIS&raquo; terrorist group in the Aleppo,
   Deir&#x2d;ez-Zor and Idlib provinces.</p>
<p>&ldquo;The aircraft returned to their base,&rdquo; the ministry said &mdash; it
gave no losses. Caf&eacute; <i>Ham</i>edan.</p>
<p>5 &lt; 6 &amp; AT&T &unknown; stays</p>
</body></html>"#;

    fn found(quote: &str) -> bool {
        quote_found(&page_text(PAGE.as_bytes(), PageKind::Html), quote)
    }

    #[test]
    fn quotes_found_in_html() {
        for quote in [
            // Line breaks and runs of spaces in the page.
            "taking off from the Hamadan airfield",
            // An entity for a non-breaking space; markup inside the sentence.
            "delivered a concentrated air strike",
            // A non-breaking hyphen written as a reference, typed as a plain hyphen.
            "Long-range Tu-22M3 bombers",
            // Curly quotes in the page, straight in the quote; an em dash as a hyphen.
            "\"The aircraft returned to their base,\" the ministry said - it gave no losses",
            // Guillemets; a hexadecimal reference.
            "the \"ISIS\" terrorist group in the Aleppo, Deir-ez-Zor and Idlib provinces",
            // Words left out, marked with an ellipsis (either form).
            "Long-range Tu-22M3 bombers … delivered a concentrated air strike",
            "Su-34 front-line bombers [...] in the Aleppo",
            // The quote typed inside quotation marks.
            "“the Hamadan airfield”",
            // Named Latin-1 letters; inline markup inside a word.
            "Café Hamedan.",
            "5 < 6 & AT&T &unknown; stays",
            // The title.
            "Russia's bombers",
        ] {
            assert!(found(quote), "not found: {quote}");
        }
    }

    #[test]
    fn quotes_not_found_in_html() {
        for quote in [
            // Only in the script, the style and a comment.
            "Tu-22M3 bombers took off from Hamedan",
            "Tu-22M3 bombers took off",
            // A word changed, a word added, case changed.
            "taking off from the Hamedan airfield",
            "delivered a very concentrated air strike",
            "DELIVERED A CONCENTRATED AIR STRIKE",
            // The parts of an elided quote out of order.
            "delivered a concentrated air strike … Long-range Tu-22M3 bombers",
            // Words that run together across a paragraph break are not one sentence.
            "Idlib provinces.\"The aircraft",
            "",
            "  …  ",
        ] {
            assert!(!found(quote), "found: {quote}");
        }
    }

    #[test]
    fn character_sets_and_plain_text() {
        // A page in windows-1252 declares it; its curly quote is byte 0x92.
        let mut page = b"<meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1252\"><p>Russia".to_vec();
        page.extend_from_slice(b"\x92s strike</p>");
        let text = page_text(&page, PageKind::Html);
        assert!(quote_found(&text, "Russia's strike"), "{text}");
        let plain = page_text("Line one\r\nof the   report.\n".as_bytes(), PageKind::Plain);
        assert_eq!(plain, "Line one of the report.");
        assert!(!quote_found(&plain, "Line one of the report.."));
    }

    #[test]
    fn an_mhtml_page_is_read_through_its_html_part() {
        let mhtml = "From: <Saved by Blink>\r\nSubject: report\r\nMIME-Version: 1.0\r\nContent-Type: multipart/related;\r\n\ttype=\"text/html\";\r\n\tboundary=\"----MultipartBoundary--abc----\"\r\n\r\n------MultipartBoundary--abc----\r\nContent-Type: text/html\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n<html><p class=3D\"lead\">Bombers took off from Hama=\r\ndan =E2=80=94 the ministry</p></html>\r\n------MultipartBoundary--abc----\r\nContent-Type: image/png\r\n\r\nxx\r\n------MultipartBoundary--abc------\r\n";
        let text = page_text(mhtml.as_bytes(), PageKind::Mhtml);
        assert!(
            quote_found(&text, "Bombers took off from Hamadan - the ministry"),
            "{text}"
        );
    }

    #[test]
    fn kinds_from_media_types_and_names() {
        assert_eq!(
            PageKind::of(Some("text/html; charset=utf-8"), "x.bin"),
            Some(PageKind::Html)
        );
        assert_eq!(PageKind::of(Some("application/pdf"), "x.html"), None);
        assert_eq!(
            PageKind::of(None, "captures/ab.MHTML"),
            Some(PageKind::Mhtml)
        );
        assert_eq!(PageKind::of(None, "captures/ab.txt"), Some(PageKind::Plain));
        assert_eq!(PageKind::of(None, "captures/ab"), None);
    }

    #[test]
    fn broken_markup_does_not_panic() {
        for page in [
            "<",
            "<p",
            "&",
            "&#",
            "&#x110000;",
            "<script>",
            "<!--",
            "a<b",
            "<<p>>",
            "&#0;é",
        ] {
            let _ = page_text(page.as_bytes(), PageKind::Html);
            let _ = page_text(page.as_bytes(), PageKind::Mhtml);
        }
    }
}
