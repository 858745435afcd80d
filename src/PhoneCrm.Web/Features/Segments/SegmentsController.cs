using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using PhoneCrm.Domain.Access;
using PhoneCrm.Domain.Audit;
using PhoneCrm.Domain.Segments;
using PhoneCrm.Infrastructure.Audit;
using PhoneCrm.Infrastructure.Segments;
using PhoneCrm.Web.Features.Access;

namespace PhoneCrm.Web.Features.Segments;

/// <summary>Segment list, template gallery and builder; the live count is a UI action over the same service as the API.</summary>
[Route("segments"), RequirePermission(Permission.SegmentsRead)]
public sealed class SegmentsController(SegmentService segments, AuditLog audit, IStringLocalizer<SharedResource> t) : UiController
{
    public sealed record EditModel(Guid? Id, string Name, string Rule, IReadOnlyDictionary<string, string[]> Errors);

    public sealed record CountModel(long? Count, IReadOnlyList<string> Errors);

    [HttpGet("")]
    public async Task<IActionResult> IndexAsync(CancellationToken ct) => View("Index", await segments.ListAsync(ct));

    [HttpGet("new")]
    [RequirePermission(Permission.SegmentsWrite)]
    public IActionResult New(string? template)
    {
        var chosen = SegmentTemplates.Find(template);
        return View("Edit", new EditModel(null, chosen is null ? "" : t[chosen.Title], chosen?.Rule ?? """{"all":[]}""",
            new Dictionary<string, string[]>()));
    }

    [HttpGet("{id:guid}")]
    public async Task<IActionResult> EditAsync(Guid id, CancellationToken ct)
    {
        var segment = await segments.GetAsync(id, ct);
        return segment is null ? NotFound() : View("Edit", new EditModel(segment.Id, segment.Name, Pretty(segment.Rule), new Dictionary<string, string[]>()));
    }

    /// <summary>Saves; <paramref name="asNew"/> duplicates the segment under the given name.</summary>
    [HttpPost("save")]
    [RequirePermission(Permission.SegmentsWrite)]
    public async Task<IActionResult> SaveAsync(Guid? id, string? name, string? rule, bool asNew, CancellationToken ct)
    {
        var parsed = Parse(rule);
        var result = await segments.SaveAsync(asNew ? null : id, name, parsed, ct);
        if (!result.IsValid || result.Segment is null)
        {
            var errors = result.Errors.Count > 0 ? result.Errors
                : new Dictionary<string, string[]> { ["rule"] = [t["The segment was not found."]] };
            return View("Edit", new EditModel(id, name ?? "", rule ?? "", errors));
        }

        await audit.WriteAsync(id is null || asNew ? AuditActions.Create : AuditActions.Update, "segment", result.Segment.Id.ToString(), "ui", ct);
        Flash(t["Segment saved."]);
        return Redirect($"/segments/{result.Segment.Id}");
    }

    /// <summary>The builder's live count: called by htmx as the rule is edited.</summary>
    [HttpPost("count")]
    public async Task<IActionResult> CountAsync(string? rule, CancellationToken ct)
    {
        var result = await segments.CountAsync(Parse(rule), ct);
        return PartialView("_Count", result.IsValid ? new CountModel(result.Count, []) : new CountModel(null, result.Errors["rule"]));
    }

    [HttpGet("{id:guid}/count")]
    public async Task<IActionResult> SavedCountAsync(Guid id, CancellationToken ct) =>
        await segments.CountByIdAsync(id, ct) is { } n ? PartialView("_Count", new CountModel(n, [])) : NotFound();

    private static JsonElement? Parse(string? rule)
    {
        if (string.IsNullOrWhiteSpace(rule)) return null;
        try
        {
            using var doc = JsonDocument.Parse(rule);
            return doc.RootElement.Clone();
        }
        catch (JsonException)
        {
            // The parser reports "a rule is required" for a null; a syntax error is shown as that too.
            return null;
        }
    }

    private static string Pretty(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return JsonSerializer.Serialize(doc.RootElement, new JsonSerializerOptions
        {
            WriteIndented = true,
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        });
    }
}
