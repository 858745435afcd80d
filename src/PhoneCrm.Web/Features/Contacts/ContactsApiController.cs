using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc;
using PhoneCrm.Domain.Access;
using PhoneCrm.Domain.Audit;
using PhoneCrm.Domain.Contacts;
using PhoneCrm.Infrastructure.Audit;
using PhoneCrm.Infrastructure.Contacts;
using PhoneCrm.Web.Features.Access;
using PhoneCrm.Web.Hosting.Api;

namespace PhoneCrm.Web.Features.Contacts;

/// <summary>Contacts of api-v1.md: create-or-merge by normalised phone, read by id, look up by phone in any format.</summary>
[Route("api/v1/contacts")]
[Tags("Contacts")]
public sealed class ContactsApiController(ContactService contacts, AuditLog audit) : ApiV1Controller
{
    public sealed record SourceDto(string? Channel, string? Detail);

    public sealed class ContactRequest
    {
        public string? Phone { get; set; }
        public string? FirstName { get; set; }
        public string? LastName { get; set; }
        public string? Email { get; set; }
        public string? City { get; set; }
        public string? Gender { get; set; }
        /// <summary><c>yyyy-MM-dd</c></summary>
        public string? BirthDate { get; set; }
        public List<string>? Tags { get; set; }
        public SourceDto? Source { get; set; }
        public JsonObject? Attributes { get; set; }
    }

    public sealed record ContactResponse(
        Guid Id, string Phone, string? Extension, string PhoneType, string? Carrier, string Region, string TimeZone,
        string? FirstName, string? LastName, string? Email, string? City, string Gender, DateOnly? BirthDate,
        IReadOnlyList<string> Tags, SourceDto Source, Guid? OwnerId, JsonObject Attributes, string Status, string? StatusReason,
        DateTime CreatedAt, DateTime UpdatedAt)
    {
        /// <summary>Beyond api-v1.md (an addition): the patronymic an import brought.</summary>
        public string? MiddleName { get; init; }

        /// <summary>Beyond api-v1.md (an addition): the other numbers an import brought (E.164), kept, never messaged.</summary>
        public IReadOnlyList<string> OtherPhones { get; init; } = [];

        public static ContactResponse From(ContactView v) => new(v.Id, v.Phone, v.Extension, v.PhoneType, v.Carrier, v.Region,
            v.TimeZone, v.FirstName, v.LastName, v.Email, v.City, v.Gender, v.BirthDate, v.Tags,
            new SourceDto(v.SourceChannel, v.SourceDetail), v.OwnerId, JsonNode.Parse(v.Attributes) as JsonObject ?? [], v.Status, v.StatusReason,
            v.CreatedAt.UtcDateTime, v.UpdatedAt.UtcDateTime)
        {
            MiddleName = v.MiddleName,
            OtherPhones = v.OtherPhones,
        };
    }

    public sealed record ContactList(IReadOnlyList<ContactResponse> Items, string? NextCursor);

    /// <summary>Creates the contact (201) or merges into the one with the same normalised phone (200).</summary>
    [HttpPost("")]
    [RequirePermission(Permission.ContactsWrite)]
    [RequestBodyLimit(1024 * 1024)]
    [ProducesResponseType<ContactResponse>(StatusCodes.Status201Created)]
    [ProducesResponseType<ContactResponse>(StatusCodes.Status200OK)]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status413PayloadTooLarge, "application/problem+json")]
    public async Task<IActionResult> UpsertAsync([FromBody] ContactRequest? request, CancellationToken ct)
    {
        request ??= new ContactRequest();
        var result = await contacts.UpsertAsync(new ContactInput
        {
            Phone = request.Phone,
            FirstName = request.FirstName,
            LastName = request.LastName,
            Email = request.Email,
            City = request.City,
            Gender = request.Gender,
            BirthDate = request.BirthDate,
            Tags = request.Tags,
            SourceChannel = request.Source?.Channel,
            SourceDetail = request.Source?.Detail,
            Attributes = request.Attributes,
        }, ct);
        if (!result.IsValid) return ValidationProblemJson(result.Errors);

        var contact = result.Contact!;
        await audit.WriteAsync(result.Created ? AuditActions.Create : AuditActions.Update, "contact", contact.Id.ToString(),
            "api upsert; fields=" + string.Join(",", GivenFields(request)), ct);
        var body = ContactResponse.From(contacts.View(contact, ContactScope.Full));
        return result.Created ? Created($"/api/v1/contacts/{contact.Id}", body) : Ok(body);
    }

    [HttpGet("{id:guid}")]
    [RequirePermission(Permission.ContactsRead)]
    [ProducesResponseType<ContactResponse>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public async Task<IActionResult> GetAsync(Guid id, CancellationToken ct)
    {
        var scope = ContactAccess.ScopeFor(User);
        var contact = await contacts.GetAsync(id, scope, ct);
        if (contact is null) return NotFoundProblem("Contact");
        await audit.WriteAsync(AuditActions.Read, "contact", id.ToString(), "api", ct);
        return Ok(ContactResponse.From(contacts.View(contact, scope)));
    }

    /// <summary>With <c>phone</c>: the contact with that number (any format), zero or one item. Without: a page of all contacts.</summary>
    [HttpGet("")]
    [RequirePermission(Permission.ContactsRead)]
    [ProducesResponseType<ContactList>(StatusCodes.Status200OK)]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    public async Task<IActionResult> ListAsync([FromQuery] string? phone, [FromQuery] string? cursor, [FromQuery] int? limit,
        CancellationToken ct)
    {
        var scope = ContactAccess.ScopeFor(User);
        if (phone is not null)
        {
            var (found, valid) = await contacts.FindByPhoneAsync(phone, scope, ct);
            if (!valid) return ValidationProblemJson("phone", "Enter a valid phone number.");
            await audit.WriteAsync(AuditActions.Read, "contact", found?.Id.ToString(), $"api lookup by phone; found={found is not null}", ct);
            return Ok(new ContactList(found is null ? [] : [ContactResponse.From(contacts.View(found, scope))], null));
        }

        var page = await contacts.PageAsync(new ContactFilter { After = cursor }, scope, Math.Clamp(limit ?? 100, 1, 500), ct);
        await audit.WriteAsync(AuditActions.Read, "contact", null, $"api list; rows={page.Items.Count}", ct);
        return Ok(new ContactList(page.Items.Select(c => ContactResponse.From(contacts.View(c, scope))).ToList(), page.NextCursor));
    }


    private static IEnumerable<string> GivenFields(ContactRequest r)
    {
        if (r.FirstName is not null) yield return "firstName";
        if (r.LastName is not null) yield return "lastName";
        if (r.Email is not null) yield return "email";
        if (r.City is not null) yield return "city";
        if (r.Gender is not null) yield return "gender";
        if (r.BirthDate is not null) yield return "birthDate";
        if (r.Tags is not null) yield return "tags";
        if (r.Source is not null) yield return "source";
        if (r.Attributes is not null) yield return "attributes";
    }
}
