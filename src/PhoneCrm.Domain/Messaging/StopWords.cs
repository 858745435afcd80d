namespace PhoneCrm.Domain.Messaging;

/// <summary>
/// Recognises inbound replies that withdraw marketing consent (spec §2.4). A reply counts only when
/// every word in it is a stop word: "стоп!", " Stop.", "«СТОП»", "стоп стоп", "STOP 1234" do;
/// "не стоп-кран" or "остановите доставку" do not (they go to the inbox for a person to read).
/// </summary>
public static class StopWords
{
    private static readonly HashSet<string> _stop = Build(
        "стоп", "stop", "stopall",
        "отписка", "отписаться", "отписатся", "отписать", "отпишите", "отписываюсь",
        "unsubscribe", "unsub",
        "cnjg", // "стоп" typed with the English layout
        "ыещз"); // "stop" typed with the Russian layout

    private static readonly HashSet<string> _newNumber = Build("новый", "new", "yjdsq");
    private static readonly HashSet<string> _newNumberFiller = Build("номер", "number");

    /// <summary>True when the reply is a stop request and nothing else.</summary>
    public static bool IsStop(string? replyText)
    {
        var words = ReplyWords.Split(replyText);
        return words.Count > 0 && words.All(_stop.Contains);
    }

    /// <summary>True for «НОВЫЙ» (also "новый номер"): starts the number-change flow.</summary>
    public static bool IsNewNumber(string? replyText)
    {
        var words = ReplyWords.Split(replyText);
        return words.Any(_newNumber.Contains) && words.All(w => _newNumber.Contains(w) || _newNumberFiller.Contains(w));
    }

    /// <summary>True for a single word that is a stop word (used by <see cref="OptOutRule"/>).</summary>
    internal static bool IsStopWord(string normalizedWord) => _stop.Contains(normalizedWord);

    private static HashSet<string> Build(params string[] words) => [.. words.Select(ReplyWords.Normalize)];
}
