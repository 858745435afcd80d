using Microsoft.AspNetCore.Mvc;
using PhoneCrm.Domain.Access;
using PhoneCrm.Infrastructure.Consent;
using PhoneCrm.Infrastructure.Contacts;
using PhoneCrm.Web.Features.Access;
using PhoneCrm.Web.Hosting.Api;

namespace PhoneCrm.Web.Features.Consent;

/// <summary>api-v1 "Consent behind a message": the ledger record that allowed a message when it was queued.</summary>
[Route("api/v1/messages")]
[Tags("Consents")]
public sealed class MessageProofApiController(MessageConsentProofs proofs) : ApiV1Controller
{
    [HttpGet("{id:guid}/consent-proof")]
    [RequirePermission(Permission.ConsentRead)]
    [ProducesResponseType<MessageConsentProof>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public async Task<IActionResult> GetAsync(Guid id, CancellationToken ct) =>
        await proofs.GetAsync(id, ContactScope.Full, "api", ct) is { } proof ? Ok(proof) : NotFoundProblem("Message");
}
