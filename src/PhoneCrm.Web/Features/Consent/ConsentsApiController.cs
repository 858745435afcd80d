using Microsoft.AspNetCore.Mvc;
using PhoneCrm.Domain.Access;
using PhoneCrm.Domain.Audit;
using PhoneCrm.Infrastructure.Audit;
using PhoneCrm.Infrastructure.Consent;
using PhoneCrm.Infrastructure.Contacts;
using PhoneCrm.Web.Features.Access;
using PhoneCrm.Web.Features.Contacts;
using PhoneCrm.Web.Hosting.Api;

namespace PhoneCrm.Web.Features.Consent;

/// <summary>The Consents section of api-v1.md: grant, withdraw, history and proof.</summary>
[Tags("Consents")]
public sealed class ConsentsApiController(ConsentLedger ledger, ConsentTexts texts, ContactService contacts, AuditLog audit, TimeProvider clock)
    : ApiV1Controller
{
    public sealed class EvidenceDto
    {
        public string? Method { get; set; }
        public DateTimeOffset? CapturedAt { get; set; }
        public string? Ip { get; set; }
        public string? UserAgent { get; set; }
        public string? SourceUrl { get; set; }
        public string? FormVersion { get; set; }
        public string? RecordingId { get; set; }
        public string? PaperReference { get; set; }

        public ConsentEvidence ToEvidence() => new(Method, CapturedAt, Ip, UserAgent, SourceUrl, FormVersion, RecordingId, PaperReference);
    }

    public sealed class GrantRequest
    {
        public string? Phone { get; set; }
        public string? Purpose { get; set; }
        public string? Channel { get; set; }
        public string? LegalBasis { get; set; }
        public Guid? TextVersionId { get; set; }
        public EvidenceDto? Evidence { get; set; }
    }

    public sealed class WithdrawRequest
    {
        public string? Phone { get; set; }
        public string? Purpose { get; set; }
        public string? Channel { get; set; }
        public string? Method { get; set; }
    }

    public sealed record GrantResponse(Guid Id, Guid ContactId, string Purpose, string Channel, string? LegalBasis, string Status,
        DateTime GrantedAt);

    public sealed record WithdrawResponse(int Withdrawn);

    [HttpPost("consents")]
    [RequirePermission(Permission.ConsentWrite)]
    [RequestBodyLimit(64 * 1024)]
    [ProducesResponseType<GrantResponse>(StatusCodes.Status201Created)]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    public async Task<IActionResult> GrantAsync([FromBody] GrantRequest? request, CancellationToken ct)
    {
        request ??= new GrantRequest();
        var evidence = (request.Evidence ?? new EvidenceDto()).ToEvidence();
        var result = await ledger.GrantAsync(
            new GrantInput(request.Phone, request.Purpose, request.Channel, request.LegalBasis, request.TextVersionId, evidence), ct);
        if (!result.IsValid) return ValidationProblemJson(result.Errors);
        var r = result.Record!;
        await audit.WriteAsync(AuditActions.Create, "consent", r.Id.ToString(),
            $"api grant; contact={r.ContactId};purpose={r.Purpose};channel={r.Channel};seq={r.Seq}", ct);
        return Created($"/api/v1/contacts/{r.ContactId}/consents",
            new GrantResponse(r.Id, r.ContactId, r.Purpose, r.Channel, r.LegalBasis, "active", r.CapturedAt.UtcDateTime));
    }

    [HttpPost("consents/withdraw")]
    [RequirePermission(Permission.ConsentWrite)]
    [RequestBodyLimit(16 * 1024)]
    [ProducesResponseType<WithdrawResponse>(StatusCodes.Status200OK)]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public async Task<IActionResult> WithdrawAsync([FromBody] WithdrawRequest? request, CancellationToken ct)
    {
        request ??= new WithdrawRequest();
        if (string.IsNullOrWhiteSpace(request.Phone))
            return ValidationProblemJson("phone", "Phone is required.");
        var (contact, valid) = await contacts.FindByPhoneAsync(request.Phone, ContactScope.Full, ct);
        if (!valid) return ValidationProblemJson("phone", "Enter a valid phone number.");
        if (contact is null) return NotFoundProblem("Contact");
        var result = await ledger.WithdrawAsync(contact.Id, request.Purpose, request.Channel,
            new ConsentEvidence(request.Method ?? "api", Ip: HttpContext.Connection.RemoteIpAddress?.ToString()), ct);
        if (!result.IsValid) return ValidationProblemJson(result.Errors);
        await audit.WriteAsync(AuditActions.Update, "consent", contact.Id.ToString(),
            $"api withdraw; purpose={request.Purpose ?? "*"};channel={request.Channel ?? "*"};withdrawn={result.Withdrawn}", ct);
        return Ok(new WithdrawResponse(result.Withdrawn));
    }

    [HttpGet("contacts/{id:guid}/consents")]
    [RequirePermission(Permission.ConsentRead)]
    [ProducesResponseType<ConsentProof.HistoryList>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public async Task<IActionResult> HistoryAsync(Guid id, CancellationToken ct)
    {
        if (await contacts.GetAsync(id, ContactAccess.ScopeFor(User), ct) is null) return NotFoundProblem("Contact");
        var items = ConsentHistoryItem.From(await ledger.HistoryAsync(id, ct), clock.GetUtcNow());
        await audit.WriteAsync(AuditActions.Read, "consent", id.ToString(), $"api history; records={items.Count}", ct);
        return Ok(new ConsentProof.HistoryList(items.Select(ConsentProof.Item.From).ToList()));
    }

    [HttpGet("contacts/{id:guid}/consent-proof")]
    [RequirePermission(Permission.ConsentRead)]
    [ProducesResponseType<ConsentProof.Proof>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public async Task<IActionResult> ProofAsync(Guid id, CancellationToken ct)
    {
        var contact = await contacts.GetAsync(id, ContactAccess.ScopeFor(User), ct);
        if (contact is null) return NotFoundProblem("Contact");
        var proof = await ConsentProof.BuildAsync(contacts.View(contact, ContactScope.Full), ledger, texts, clock.GetUtcNow(), ct);
        await audit.WriteAsync(AuditActions.Export, "consent_proof", id.ToString(),
            $"api proof; records={proof.Consents.Count};chainValid={proof.ChainValid}", ct);
        return Ok(proof);
    }
}
