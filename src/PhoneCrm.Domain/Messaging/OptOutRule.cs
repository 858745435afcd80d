namespace PhoneCrm.Domain.Messaging;

/// <summary>
/// Marketing templates must tell the recipient how to opt out (spec §2.4, 38-FZ). The rule, kept
/// simple on purpose: the text must contain
/// (1) a stop word the recipient can reply with (СТОП, STOP, ОТПИСКА, ОТПИСАТЬСЯ, UNSUBSCRIBE — see <see cref="StopWords"/>), and
/// (2) a separate instruction word: a form of «отписка/отписаться», «отказ/отказаться», or a verb
///     such as «ответьте/отправьте/пришлите/напишите», «unsubscribe», «reply/send/text», «opt».
/// So «Отписка: СТОП», «Отказ: STOP», «отписаться: СТОП на 1234», «STOP — отписка» and
/// «Для отказа отправьте ОТПИСКА» pass; «Стоп-цены!» or a bare «Отписка» do not.
/// Or (3) the <c>{{unsubscribeLink}}</c> variable: every message renders it as the person's own preferences link, where
/// marketing is withdrawn in two clicks — an opt-out as good as a reply.
/// </summary>
public static class OptOutRule
{
    private static readonly string[] _markerStems =
    [
        "отпис", "отказ", "ответ", "отправ", "пришл", "напиш",
        "unsubscr", "reply", "send", "text", "opt",
    ];

    public const string LinkVariable = "unsubscribeLink";

    public static bool HasOptOutInstruction(string? text)
    {
        if (text is not null && SmsTemplate.Variables(text).Contains(LinkVariable)) return true;
        var words = ReplyWords.Split(text);
        for (var i = 0; i < words.Count; i++)
        {
            if (!StopWords.IsStopWord(words[i]))
            {
                continue;
            }

            for (var j = 0; j < words.Count; j++)
            {
                if (j != i && IsMarker(words[j]))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static bool IsMarker(string word) => _markerStems.Any(stem => word.StartsWith(stem, StringComparison.Ordinal));
}
