using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using PhoneCrm.Domain.Access;
using PhoneCrm.Domain.Audit;
using PhoneCrm.Infrastructure.Access;
using PhoneCrm.Infrastructure.Audit;
using PhoneCrm.Infrastructure.Database;

namespace PhoneCrm.Web.Features.Access;

/// <summary>Integration keys: created with scopes, shown once, revoked at any time.</summary>
[Route("settings/api-keys"), RequirePermission(Permission.ApiKeysManage)]
public sealed class ApiKeysController(
    PhoneCrmDbContext db,
    ApiKeyService keys,
    AuditLog audit,
    AuditActor actor,
    IStringLocalizer<SharedResource> t) : UiController
{
    public sealed class CreateForm
    {
        [Required(ErrorMessage = "Enter a name"), MaxLength(100)]
        public string Name { get; set; } = "";
        public List<string> Scopes { get; set; } = [];
    }

    public sealed record IndexModel(IReadOnlyList<ApiKey> Keys, CreateForm Form, string? NewToken);

    [HttpGet("")]
    public async Task<IActionResult> Index() => View(new IndexModel(await ListAsync(), new CreateForm(), null));

    [HttpPost("")]
    public async Task<IActionResult> Create([Bind(Prefix = "Form")] CreateForm form)
    {
        form.Scopes = form.Scopes.Where(ApiScope.IsKnown).ToList();
        if (form.Scopes.Count == 0) ModelState.AddModelError("Form.Scopes", t["Choose at least one scope."]);
        if (!ModelState.IsValid)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return View(nameof(Index), new IndexModel(await ListAsync(), form, null));
        }

        var issued = await keys.CreateAsync(form.Name, form.Scopes, actor.UserId);
        await audit.WriteAsync(AuditActions.ApiKeyCreated, "api_key", issued.Key.Id.ToString(), string.Join(",", form.Scopes));
        return View(nameof(Index), new IndexModel(await ListAsync(), new CreateForm(), issued.Token));
    }

    [HttpPost("{id:guid}/revoke")]
    public async Task<IActionResult> Revoke(Guid id)
    {
        if (!await keys.RevokeAsync(id)) return NotFound();
        await audit.WriteAsync(AuditActions.ApiKeyRevoked, "api_key", id.ToString());
        Flash(t["Key revoked. Calls with it are refused from now on."]);
        return RedirectToAction(nameof(Index));
    }

    private Task<List<ApiKey>> ListAsync() => db.ApiKeys.AsNoTracking().OrderByDescending(k => k.CreatedAt).ToListAsync();
}
