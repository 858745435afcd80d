using System.Text.Json;
using System.Text.Json.Serialization;
using PhoneCrm.Domain.Validation;

namespace PhoneCrm.Domain.Surveys;

/// <summary>
/// A survey's script (api-v1 <c>script</c>): what the operator says first (<see cref="Greeting"/>) and last
/// (<see cref="Thanks"/>), and the steps in order. A step is an <c>nps</c> question (0–10), a closed <c>choice</c> among
/// <see cref="SurveyStep.Options"/> (the identity confirmation is one: «Да/Нет») or an open <c>text</c>. Branching on NPS:
/// a step with <see cref="SurveyStep.ShowIf"/> is asked only of promoters, passives or detractors.
/// </summary>
public sealed record SurveyScript(string? Greeting, IReadOnlyList<SurveyStep> Steps, string? Thanks)
{
    public const int MaxSteps = 30;
    public const int TextMax = 1000;

    private static readonly JsonSerializerOptions _json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public string ToJson() => JsonSerializer.Serialize(this, _json);

    public static SurveyScript FromJson(string json) =>
        JsonSerializer.Deserialize<SurveyScript>(json, _json) ?? throw new JsonException("Empty script.");

    /// <summary>The first NPS step, whose answer the branching and the reports read.</summary>
    public SurveyStep? NpsStep => Steps.FirstOrDefault(s => s.Kind == SurveyStepKinds.Nps);

    /// <summary>Whether <paramref name="step"/> is asked, given the NPS answer so far (a branch waits for its answer).</summary>
    public static bool IsAsked(SurveyStep step, int? nps)
    {
        ArgumentNullException.ThrowIfNull(step);
        return step.ShowIf is null || (nps is { } n && step.ShowIf.Split(',').Contains(NpsScore.Category(n), StringComparer.Ordinal));
    }

    /// <summary>Parses and checks a script: errors keyed by the API's field paths (<c>script.steps[1].options</c>).</summary>
    public static SurveyScript? Parse(JsonElement? element, ValidationErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (element is not { ValueKind: JsonValueKind.Object } e) { errors.Add("script", "A script with steps is required."); return null; }
        SurveyScript? script;
        try { script = e.Deserialize<SurveyScript>(_json); }
        catch (JsonException) { errors.Add("script", "A script with steps is required."); return null; }
        if (script?.Steps is not { Count: > 0 } steps) { errors.Add("script.steps", "A script with steps is required."); return null; }
        if (steps.Count > MaxSteps) errors.Add("script.steps", $"At most {MaxSteps} steps.");
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < steps.Count; i++)
        {
            var s = steps[i];
            var path = $"script.steps[{i}]";
            if (s is null) { errors.Add(path, "A step is required."); continue; }
            if (string.IsNullOrWhiteSpace(s.Id) || s.Id.Length > 64) errors.Add(path + ".id", "A step id is required.");
            else if (!ids.Add(s.Id)) errors.Add(path + ".id", "Step ids must be unique.");
            if (!SurveyStepKinds.All.Contains(s.Kind ?? "", StringComparer.Ordinal)) errors.Add(path + ".kind", "Kind must be one of: nps, choice, text.");
            if (string.IsNullOrWhiteSpace(s.Question) || s.Question.Length > TextMax) errors.Add(path + ".question", "A question is required.");
            if (s.Kind == SurveyStepKinds.Choice && (s.Options is not { Count: >= 2 and <= 9 } || s.Options.Any(string.IsNullOrWhiteSpace)))
                errors.Add(path + ".options", "A closed question needs 2 to 9 options.");
            if (s.ShowIf is not null && !s.ShowIf.Split(',').All(c => NpsScore.Categories.Contains(c, StringComparer.Ordinal)))
                errors.Add(path + ".showIf", "showIf lists promoter, passive or detractor.");
            if (s.Topic is not null && !SurveyTopics.All.Contains(s.Topic, StringComparer.Ordinal))
                errors.Add(path + ".topic", "Topic must be one of: product, delivery, support, site.");
        }

        if (steps.Any(s => s?.ShowIf is not null) && script.NpsStep is null) errors.Add("script.steps", "Branching on NPS needs an NPS step.");
        return errors.IsValid ? script with { Steps = steps.Select(s => s with { Options = s.Kind == SurveyStepKinds.Choice ? s.Options : null }).ToList() } : null;
    }

    /// <summary>
    /// Checks the answers of a call against the script: keys are step ids, an NPS answer an integer 0–10, a choice one of
    /// its options, a text at most <see cref="TextMax"/> characters. Returns the NPS answer, if any.
    /// </summary>
    public int? CheckAnswers(IReadOnlyDictionary<string, JsonElement> answers, ValidationErrors errors)
    {
        ArgumentNullException.ThrowIfNull(answers);
        ArgumentNullException.ThrowIfNull(errors);
        int? nps = null;
        foreach (var (id, value) in answers)
        {
            var step = Steps.FirstOrDefault(s => s.Id == id);
            var path = $"answers.{id}";
            if (step is null) { errors.Add(path, "No such step in the script."); continue; }
            switch (step.Kind)
            {
                case SurveyStepKinds.Nps when value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var n) && n is >= 0 and <= 10:
                    if (step == NpsStep) nps = n;
                    break;
                case SurveyStepKinds.Nps:
                    errors.Add(path, "An NPS answer is a whole number from 0 to 10.");
                    break;
                case SurveyStepKinds.Choice when value.ValueKind == JsonValueKind.String && step.Options!.Contains(value.GetString()!, StringComparer.Ordinal):
                    break;
                case SurveyStepKinds.Choice:
                    errors.Add(path, "The answer must be one of the options.");
                    break;
                default:
                    if (value.ValueKind != JsonValueKind.String || value.GetString()!.Length > TextMax) errors.Add(path, $"A text answer of at most {TextMax} characters.");
                    break;
            }
        }

        return nps;
    }

    /// <summary>
    /// The console form's answers (text fields keyed by step id) as the API's: an NPS answer a number (left as text when it
    /// is not one, so <see cref="CheckAnswers"/> names it), the rest text; empty fields are not answers.
    /// </summary>
    public Dictionary<string, JsonElement> AnswersFromForm(IReadOnlyDictionary<string, string?> form)
    {
        ArgumentNullException.ThrowIfNull(form);
        var answers = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var (id, raw) in form)
        {
            if (string.IsNullOrWhiteSpace(raw)) continue;
            var value = raw.Trim();
            var step = Steps.FirstOrDefault(s => s.Id == id);
            answers[id] = step?.Kind == SurveyStepKinds.Nps && int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n)
                ? JsonSerializer.SerializeToElement(n)
                : JsonSerializer.SerializeToElement(value);
        }

        return answers;
    }

    /// <summary>
    /// Why the answers route the contact to the quality queue, or null: NPS ≤ 6 (<see cref="QualityReasons.LowNps"/>), else a
    /// choice among the step's <see cref="SurveyStep.Negative"/> options (<see cref="QualityReasons.NegativeAnswer"/>).
    /// </summary>
    public string? QualityReason(int? nps, IReadOnlyDictionary<string, JsonElement> answers)
    {
        ArgumentNullException.ThrowIfNull(answers);
        if (nps is { } n && NpsScore.Category(n) == NpsScore.Detractor) return QualityReasons.LowNps;
        foreach (var s in Steps.Where(s => s.Kind == SurveyStepKinds.Choice && s.Negative is { Count: > 0 }))
        {
            if (answers.TryGetValue(s.Id, out var a) && a.ValueKind == JsonValueKind.String && s.Negative!.Contains(a.GetString()!, StringComparer.Ordinal))
                return QualityReasons.NegativeAnswer;
        }

        return null;
    }
}

/// <param name="Topic">What the question is about, for the weekly report's distribution: product, delivery, support or site.</param>
/// <param name="ShowIf">Asked only of these NPS categories (comma-separated: <c>detractor</c>, <c>passive</c>, <c>promoter</c>); null: always.</param>
/// <param name="Negative">The options of a closed question that count as a negative answer (routed to the quality queue).</param>
public sealed record SurveyStep(string Id, string Kind, string Question, IReadOnlyList<string>? Options = null, string? Topic = null,
    string? ShowIf = null, IReadOnlyList<string>? Negative = null);

public static class SurveyStepKinds
{
    public const string Nps = "nps";
    public const string Choice = "choice";
    public const string Text = "text";
    public static IReadOnlyList<string> All { get; } = [Nps, Choice, Text];
}

public static class SurveyTopics
{
    public static IReadOnlyList<string> All { get; } = ["product", "delivery", "support", "site"];
}

public static class QualityReasons
{
    public const string LowNps = "lowNps";
    public const string NegativeAnswer = "negativeAnswer";
}

/// <summary>Net Promoter Score: promoters answer 9–10, passives 7–8, detractors 0–6; NPS = round(100 × (promoters − detractors) / answers).</summary>
public static class NpsScore
{
    public const string Promoter = "promoter";
    public const string Passive = "passive";
    public const string Detractor = "detractor";
    public static IReadOnlyList<string> Categories { get; } = [Promoter, Passive, Detractor];

    public static string Category(int score) => score >= 9 ? Promoter : score >= 7 ? Passive : Detractor;

    /// <summary>Null when nobody answered the NPS question. Halves round away from zero.</summary>
    public static int? Of(int promoters, int detractors, int answers) =>
        answers == 0 ? null : (int)Math.Round(100.0 * (promoters - detractors) / answers, MidpointRounding.AwayFromZero);
}

/// <summary>When a follow-up is due: <see cref="DueHours"/> after the call.</summary>
public static class QualityRules
{
    public const int DueHours = 48;
}
