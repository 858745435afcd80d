using Microsoft.AspNetCore.Mvc;
using PhoneCrm.Domain.Access;
using PhoneCrm.Infrastructure.Requests;
using PhoneCrm.Web.Features.Access;
using PhoneCrm.Web.Hosting.Api;

namespace PhoneCrm.Web.Features.Requests;

/// <summary>api-v1 "Destruction acts": an act as JSON or PDF (scope <c>requests</c>). Another tenant's or unknown id → 404.</summary>
[Route("api/v1/destruction-acts")]
[Tags("Destruction acts")]
public sealed class DestructionActsApiController(DestructionActs acts, DestructionActPdf pdf) : ApiV1Controller
{
    [HttpGet("{id:guid}")]
    [RequirePermission(Permission.DestructionActsRead)]
    [ProducesResponseType<DestructionActDto>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public async Task<IActionResult> GetAsync(Guid id, CancellationToken ct) =>
        await acts.GetAsync(id, "api", ct) is { } act ? Ok(DestructionActDto.From(act)) : NotFoundProblem("destruction act");

    [HttpGet("{id:guid}/pdf")]
    [RequirePermission(Permission.DestructionActsRead)]
    [ProducesResponseType<FileContentResult>(StatusCodes.Status200OK, "application/pdf")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public async Task<IActionResult> PdfAsync(Guid id, CancellationToken ct) =>
        await acts.GetAsync(id, "api-pdf", ct) is { } act
            ? File(await pdf.RenderAsync(act, ct), "application/pdf", act.Number + ".pdf")
            : NotFoundProblem("destruction act");
}
