using Microsoft.AspNetCore.Mvc;
using PhoneCrm.Domain.Access;
using PhoneCrm.Infrastructure.Requests;
using PhoneCrm.Web.Features.Access;

namespace PhoneCrm.Web.Features.Requests;

/// <summary>The compliance officer's page: the acts of destruction, each as a page, JSON and PDF.</summary>
[Route("compliance"), RequirePermission(Permission.DestructionActsRead)]
public sealed class ComplianceController(DestructionActs acts, DestructionActPdf pdf) : UiController
{
    public const int ListLimit = 500;

    [HttpGet("")]
    public async Task<IActionResult> IndexAsync(CancellationToken ct) => View("Index", await acts.ListAsync(ListLimit, ct));

    [HttpGet("destruction-acts/{id:guid}")]
    public async Task<IActionResult> ActAsync(Guid id, CancellationToken ct) =>
        await acts.GetAsync(id, "ui", ct) is { } act ? View("Act", act) : NotFound();

    [HttpGet("destruction-acts/{id:guid}/json")]
    public async Task<IActionResult> JsonAsync(Guid id, CancellationToken ct) =>
        await acts.GetAsync(id, "ui-json", ct) is { } act ? Json(DestructionActDto.From(act)) : NotFound();

    [HttpGet("destruction-acts/{id:guid}/pdf")]
    public async Task<IActionResult> PdfAsync(Guid id, CancellationToken ct) =>
        await acts.GetAsync(id, "ui-pdf", ct) is { } act ? File(await pdf.RenderAsync(act, ct), "application/pdf", act.Number + ".pdf") : NotFound();
}
