using System.Text.Json;

namespace PhoneCrm.Domain.Surveys;

/// <summary>One response as the reports read it.</summary>
public sealed record ResponseFacts(string Outcome, int? Nps, IReadOnlyDictionary<string, JsonElement> Answers, DateTimeOffset RecordedAt);

/// <summary>
/// The figures of a set of responses (api-v1 <c>report</c>): answered calls, NPS with promoters, passives and detractors,
/// the response rate (answered / calls recorded), the answers' distribution per step (<c>byStep</c>: step id → answer → count;
/// an open question counts its answers under <c>answered</c>) and per topic.
/// </summary>
public sealed record SurveyFigures(
    int Calls,
    int Responses,
    int? Nps,
    int Promoters,
    int Passives,
    int Detractors,
    double? ResponseRate,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>> ByStep,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>> ByTopic)
{
    public const string OpenAnswers = "answered";

    public static SurveyFigures Of(SurveyScript script, IReadOnlyCollection<ResponseFacts> responses)
    {
        ArgumentNullException.ThrowIfNull(script);
        ArgumentNullException.ThrowIfNull(responses);
        var answered = responses.Where(r => r.Outcome == SurveyOutcomes.Answered).ToList();
        var scores = answered.Where(r => r.Nps is not null).Select(r => r.Nps!.Value).ToList();
        var promoters = scores.Count(s => NpsScore.Category(s) == NpsScore.Promoter);
        var detractors = scores.Count(s => NpsScore.Category(s) == NpsScore.Detractor);
        var byStep = new Dictionary<string, IReadOnlyDictionary<string, int>>(StringComparer.Ordinal);
        var byTopic = new Dictionary<string, Dictionary<string, int>>(StringComparer.Ordinal);
        foreach (var step in script.Steps)
        {
            var counts = new SortedDictionary<string, int>(StringComparer.Ordinal);
            foreach (var r in answered)
            {
                if (!r.Answers.TryGetValue(step.Id, out var a)) continue;
                var key = step.Kind == SurveyStepKinds.Text ? OpenAnswers : a.ValueKind == JsonValueKind.String ? a.GetString()! : a.GetRawText();
                counts[key] = counts.GetValueOrDefault(key) + 1;
            }

            byStep[step.Id] = counts;
            if (step.Topic is null) continue;
            var topic = byTopic.TryGetValue(step.Topic, out var t) ? t : byTopic[step.Topic] = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var (k, v) in counts) topic[k] = topic.GetValueOrDefault(k) + v;
        }

        return new SurveyFigures(responses.Count, answered.Count, NpsScore.Of(promoters, detractors, scores.Count), promoters,
            scores.Count - promoters - detractors, detractors,
            responses.Count == 0 ? null : Math.Round((double)answered.Count / responses.Count, 4),
            byStep, byTopic.ToDictionary(p => p.Key, p => (IReadOnlyDictionary<string, int>)p.Value, StringComparer.Ordinal));
    }
}

/// <summary>A week's figures (weeks start on Monday in the tenant's zone).</summary>
public sealed record WeeklyFigures(DateOnly WeekStart, SurveyFigures Figures);
