using System.Text.RegularExpressions;

namespace PhoneCrm.BrowserTests.Accessibility;

/// <summary>
/// What a page says in the wrong language. People's data (names, texts they typed, brand names, phones, emails, codes) is
/// marked <c>translate="no"</c> in the views — the HTML attribute for exactly this — and is not read; form fields' values
/// are what someone typed and are not read either. Everything else is the UI: in Russian no English word outside the short
/// list below, in English no Cyrillic, and in neither a raw wire code (<c>provider_rejected</c>) or a field path
/// (<c>rule.all[0].value</c>).
/// </summary>
public static partial class PageLanguage
{
    /// <summary>
    /// Latin words a Russian UI uses as they are: the product's name, standard acronyms and names (encodings, ciphers,
    /// hashes, the Ctrl key, «email», the iframe element, Excel as CSV downloads name it), and the language switch.
    /// </summary>
    private static readonly HashSet<string> _latinInRussian = new(StringComparer.Ordinal)
    {
        "PhoneCrm", "API", "SMS", "CSV", "XLSX", "PDF", "ZIP", "JSON", "TOTP", "URL", "UTC", "HTTP", "HTTPS", "IP", "ID", "RU", "EN",
        "Email", "email", "HTML", "UTF", "GSM", "UCS", "SHA", "AES", "GCM", "Windows", "Excel", "IANA", "QR", "ROI", "Ctrl", "iframe",
    };

    /// <summary>
    /// Texts of the page as a person meets them: text nodes, titles, labels for assistive technology, placeholders. The
    /// document's title is left out: it repeats the page's heading (read here), which often names data (a campaign).
    /// </summary>
    public const string CollectScript = """
        () => {
          const skipped = new Set(['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEXTAREA', 'TEMPLATE']);
          const isData = el => el.closest('[translate="no"]') !== null;
          const where = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
            + (el.classList.length ? '.' + [...el.classList].slice(0, 3).join('.') : '');
          const out = [];
          const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
          for (let n = walker.nextNode(); n; n = walker.nextNode()) {
            const el = n.parentElement;
            if (!el || skipped.has(el.tagName) || isData(el)) continue;
            const text = n.nodeValue.trim();
            if (text) out.push({ text, where: where(el) });
          }
          for (const el of document.body.querySelectorAll('[placeholder], [title], [aria-label], [alt], input[type=submit], input[type=button]')) {
            if (isData(el)) continue;
            for (const a of ['placeholder', 'title', 'aria-label', 'alt']) {
              if (el.getAttribute(a)) out.push({ text: el.getAttribute(a), where: where(el) + '@' + a });
            }
            if (el.tagName === 'INPUT' && (el.type === 'submit' || el.type === 'button') && el.value) out.push({ text: el.value, where: where(el) + '@value' });
          }
          return out;
        }
        """;

    /// <summary>Each text of the other language (or a raw code) with where it stands.</summary>
    public static IReadOnlyList<string> Foreign(IEnumerable<PageWalk.UiText> texts, string language)
    {
        var found = new List<string>();
        foreach (var t in texts)
        {
            var text = DataLike().Replace(t.Text, " ");
            var offending = RawCode().Match(text) is { Success: true } code ? code.Value
                : language == "ru" ? LatinWord().Matches(text).Select(m => m.Value).FirstOrDefault(w => !_latinInRussian.Contains(w))
                : Cyrillic().Match(text) is { Success: true } cyr ? cyr.Value : null;
            if (offending is not null) found.Add($"«{Shorten(t.Text)}» in {t.Where} (“{offending}”)");
        }

        return found.Distinct().ToList();
    }

    private static string Shorten(string text)
    {
        var oneLine = Regex.Replace(text, @"\s+", " ");
        return oneLine.Length <= 120 ? oneLine : oneLine[..120] + "…";
    }

    /// <summary>
    /// Data whatever the language: emails, web addresses and domain names, ids and hashes (hex with a digit), and text
    /// quoted «like this» (an example the person types as it is, e.g. the opt-out words of an SMS), configuration keys
    /// (<c>Hygiene:ReconsentMonths</c>).
    /// </summary>
    [GeneratedRegex(@"[\w.+-]+@[\w-]+(\.[\w-]+)+|https?://\S+|\b[\w-]+\.(ru|com|org|net|example)\b|\b(?=[0-9a-f-]*\d)[0-9a-f]{4,}(-[0-9a-f]{4,})*\b|«[^»]*»|\b[A-Z]\w+(:[A-Z]\w+)+\b")]
    private static partial Regex DataLike();

    [GeneratedRegex(@"\b[a-z]+(?:_[a-z0-9]+)+\b|\b\w+\[\d+\]")]
    private static partial Regex RawCode();

    [GeneratedRegex(@"\b[A-Za-z][A-Za-z'-]*[A-Za-z]\b")]
    private static partial Regex LatinWord();

    [GeneratedRegex(@"\p{IsCyrillic}+")]
    private static partial Regex Cyrillic();
}
