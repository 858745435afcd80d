using Microsoft.AspNetCore.Mvc;
using PhoneCrm.Domain.Access;
using PhoneCrm.Domain.Requests;
using PhoneCrm.Infrastructure.Requests;
using PhoneCrm.Web.Features.Access;
using PhoneCrm.Web.Hosting.Api;

namespace PhoneCrm.Web.Features.Requests;

/// <summary>Extension of api-v1 "Data-subject requests": the access report of a contact, the same document an access request answers with.</summary>
[Route("api/v1/contacts")]
[Tags("Subject requests")]
public sealed class AccessReportApiController(AccessReports reports) : ApiV1Controller
{
    [HttpGet("{id:guid}/access-report")]
    [RequirePermission(Permission.RequestsManage)]
    [ProducesResponseType<AccessReport>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public async Task<IActionResult> GetAsync(Guid id, CancellationToken ct)
    {
        var report = await reports.BuildAsync(id, ct);
        return report.Held ? Ok(report) : NotFoundProblem("Contact");
    }
}
