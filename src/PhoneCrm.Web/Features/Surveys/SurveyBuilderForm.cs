using System.Text.Json;
using PhoneCrm.Domain.Surveys;
using PhoneCrm.Infrastructure.Surveys;

namespace PhoneCrm.Web.Features.Surveys;

/// <summary>
/// The script builder's form: the parts of a phone survey in the order they are said — greeting, identity confirmation,
/// the NPS question, a follow-up for detractors and one for promoters (branching on NPS), up to three more open or closed
/// questions, thanks — made into the api-v1 script.
/// </summary>
public sealed class SurveyBuilderForm
{
    public const int ExtraQuestions = 3;

    public string? Name { get; set; }
    public Guid? SegmentId { get; set; }
    public string? RewardCode { get; set; }
    public string? Greeting { get; set; }
    public string? IdentityQuestion { get; set; }
    public string? NpsQuestion { get; set; }
    public string? NpsTopic { get; set; }
    public string? DetractorQuestion { get; set; }
    public string? PromoterQuestion { get; set; }
    public List<ExtraQuestion> Extra { get; set; } = [];
    public string? Thanks { get; set; }

    public sealed class ExtraQuestion
    {
        /// <summary><c>choice</c>, <c>text</c> or empty (not asked).</summary>
        public string? Kind { get; set; }
        public string? Question { get; set; }
        /// <summary>Options one per line.</summary>
        public string? Options { get; set; }
        /// <summary>Options (one per line) that count as a negative answer.</summary>
        public string? Negative { get; set; }
        public string? Topic { get; set; }
    }

    /// <summary>An empty form with its extra question rows.</summary>
    public static SurveyBuilderForm Empty() => new() { Extra = Enumerable.Range(0, ExtraQuestions).Select(_ => new ExtraQuestion()).ToList() };

    /// <summary>The identity confirmation's options: words said to the customer, like the rest of the script.</summary>
    public static readonly IReadOnlyList<string> YesNo = ["Да", "Нет"];

    private static List<string>? Lines(string? text) =>
        text?.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToList() is { Count: > 0 } l ? l : null;

    private static string? Clean(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    public SurveyInput ToInput()
    {
        var steps = new List<SurveyStep>();
        if (Clean(IdentityQuestion) is { } identity) steps.Add(new SurveyStep("identity", SurveyStepKinds.Choice, identity, [.. YesNo]));
        if (Clean(NpsQuestion) is { } nps) steps.Add(new SurveyStep("nps", SurveyStepKinds.Nps, nps, Topic: Clean(NpsTopic)));
        if (Clean(DetractorQuestion) is { } d) steps.Add(new SurveyStep("detractor_followup", SurveyStepKinds.Text, d, ShowIf: NpsScore.Detractor));
        if (Clean(PromoterQuestion) is { } p) steps.Add(new SurveyStep("promoter_followup", SurveyStepKinds.Text, p, ShowIf: NpsScore.Promoter));
        for (var i = 0; i < Extra.Count; i++)
        {
            var q = Extra[i];
            if (q.Kind is not (SurveyStepKinds.Choice or SurveyStepKinds.Text) || Clean(q.Question) is not { } question) continue;
            steps.Add(q.Kind == SurveyStepKinds.Choice
                ? new SurveyStep($"q{i + 1}", q.Kind, question, Lines(q.Options) ?? [], Clean(q.Topic), Negative: Lines(q.Negative))
                : new SurveyStep($"q{i + 1}", q.Kind, question, Topic: Clean(q.Topic)));
        }

        var script = new SurveyScript(Clean(Greeting), steps, Clean(Thanks));
        return new SurveyInput
        {
            Name = Name, SegmentId = SegmentId, RewardCode = RewardCode,
            Script = JsonSerializer.SerializeToElement(JsonDocument.Parse(script.ToJson()).RootElement),
        };
    }
}
