using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using PhoneCrm.Domain.Access;
using PhoneCrm.Domain.Audit;
using PhoneCrm.Domain.Contacts;
using PhoneCrm.Domain.Segments;
using PhoneCrm.Domain.Validation;
using PhoneCrm.Infrastructure.Audit;
using PhoneCrm.Infrastructure.Contacts;
using PhoneCrm.Infrastructure.Segments;
using PhoneCrm.Web.Features.Access;
using PhoneCrm.Web.Features.Contacts;

namespace PhoneCrm.Web.Features.Segments;

/// <summary>
/// Segment list, template gallery and the visual builder (segment-builder.js edits the rule JSON kept in the form's
/// <c>rule</c> field; the JSON stays editable as "advanced"). Count and sample are UI actions over the same service as the API.
/// </summary>
[Route("segments"), RequirePermission(Permission.SegmentsRead)]
public sealed class SegmentsController(
    SegmentService segments,
    AuditLog audit,
    IStringLocalizer<SharedResource> t) : UiController
{
    public const int SampleSize = 10;

    public sealed record EditModel(Guid? Id, string Name, string Rule, IReadOnlyList<Guid> Exclude, IReadOnlyDictionary<string, string[]> Errors,
        IReadOnlyList<Segment> Others, string BuilderJson);

    public sealed record CountModel(long? Count, IReadOnlyList<string> Errors);

    public sealed record SampleModel(IReadOnlyList<ContactView> Contacts, long? Count);

    [HttpGet("")]
    public async Task<IActionResult> IndexAsync(CancellationToken ct) => View("Index", await segments.ListAsync(ct));

    [HttpGet("new")]
    [RequirePermission(Permission.SegmentsWrite)]
    public async Task<IActionResult> NewAsync(string? template, CancellationToken ct)
    {
        var chosen = SegmentTemplates.Find(template);
        return View("Edit", await EditModelAsync(null, chosen is null ? "" : t[chosen.Title], chosen?.Rule ?? """{"all":[]}""", [],
            new Dictionary<string, string[]>(), ct));
    }

    [HttpGet("{id:guid}")]
    public async Task<IActionResult> EditAsync(Guid id, CancellationToken ct)
    {
        var segment = await segments.GetAsync(id, ct);
        return segment is null ? NotFound()
            : View("Edit", await EditModelAsync(segment.Id, segment.Name, Pretty(segment.Rule), segment.ExcludeSegmentIds, new Dictionary<string, string[]>(), ct));
    }

    /// <summary>Saves; <paramref name="asNew"/> duplicates the segment under the given name.</summary>
    [HttpPost("save")]
    [RequirePermission(Permission.SegmentsWrite)]
    public async Task<IActionResult> SaveAsync(Guid? id, string? name, string? rule, List<Guid>? exclude, bool asNew, CancellationToken ct)
    {
        var parsed = Parse(rule);
        var result = await segments.SaveAsync(asNew ? null : id, name, parsed, exclude, ct);
        if (!result.IsValid || result.Segment is null)
        {
            var errors = result.IsValid ? ValidationErrors.Of("rule", t["The segment was not found."]) : result.Errors;
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return View("Edit", await EditModelAsync(id, name ?? "", rule ?? "", exclude ?? [], errors.ByField, ct));
        }

        await audit.WriteAsync(id is null || asNew ? AuditActions.Create : AuditActions.Update, "segment", result.Segment.Id.ToString(), "ui", ct);
        Flash(t["Segment saved."]);
        return Redirect($"/segments/{result.Segment.Id}");
    }

    /// <summary>The builder's live count: fetched (debounced) as the rule is edited.</summary>
    [HttpPost("count")]
    public async Task<IActionResult> CountAsync(string? rule, List<Guid>? exclude, CancellationToken ct)
    {
        var result = await segments.CountAsync(Parse(rule), exclude, ct);
        return PartialView("_Count", result.IsValid ? new CountModel(result.Count, []) : new CountModel(null, result.Errors.ByField["rule"]));
    }

    /// <summary>Some matching contacts, masked for roles without personal access (Analyst), limited to a SalesManager's own.</summary>
    [HttpPost("sample")]
    public async Task<IActionResult> SampleAsync(string? rule, List<Guid>? exclude, CancellationToken ct)
    {
        var node = SegmentService.Validate(Parse(rule), out _);
        if (node is null) return PartialView("_Sample", new SampleModel([], null));
        var scope = ContactAccess.ScopeFor(User);
        var views = await segments.SampleContactsAsync(node, exclude ?? [], SampleSize, scope, ct);
        await audit.WriteAsync(AuditActions.Read, "contact_list", null, $"segment sample;rows={views.Count};personal={scope.Personal}", ct);
        return PartialView("_Sample", new SampleModel(views, views.Count));
    }

    /// <summary>City autocomplete: distinct existing cities starting with <paramref name="q"/> (case-insensitive).</summary>
    [HttpGet("cities")]
    public async Task<IActionResult> CitiesAsync(string? q, CancellationToken ct)
    {
        return Json(await segments.CitiesStartingWithAsync((q ?? "").Trim(), ct));
    }

    [HttpGet("{id:guid}/count")]
    public async Task<IActionResult> SavedCountAsync(Guid id, CancellationToken ct) =>
        await segments.CountByIdAsync(id, ct) is { } n ? PartialView("_Count", new CountModel(n, [])) : NotFound();

    private async Task<EditModel> EditModelAsync(Guid? id, string name, string rule, IReadOnlyList<Guid> exclude,
        IReadOnlyDictionary<string, string[]> errors, CancellationToken ct)
    {
        var others = (await segments.ListAsync(ct)).Where(s => s.Id != id).OrderBy(s => s.Name, StringComparer.CurrentCulture).ToList();
        var (categories, purposes) = await segments.BuilderChoicesAsync(ct);
        var builder = SegmentBuilderMeta.Build(t, categories, purposes);
        return new EditModel(id, name, rule, exclude, errors, others, builder);
    }

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
        return JsonSerializer.Serialize(doc.RootElement, PrettyJson);
    }

    private static readonly JsonSerializerOptions PrettyJson = new()
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
