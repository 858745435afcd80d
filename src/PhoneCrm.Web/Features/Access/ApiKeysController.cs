using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using PhoneCrm.Domain.Access;
using PhoneCrm.Infrastructure.Access;

namespace PhoneCrm.Web.Features.Access;

/// <summary>Integration keys: created with scopes, shown once, revoked at any time.</summary>
[Route("settings/api-keys"), RequirePermission(Permission.ApiKeysManage)]
public sealed class ApiKeysController(ApiKeyService keys, IStringLocalizer<SharedResource> t) : UiController
{
    public sealed class CreateForm
    {
        [Required(ErrorMessage = "Enter a name"), MaxLength(100)]
        public string Name { get; set; } = "";
        public List<string> Scopes { get; set; } = [];
    }

    public sealed record IndexModel(IReadOnlyList<ApiKey> Keys, CreateForm Form, string? NewToken);

    [HttpGet("")]
    public async Task<IActionResult> Index() => View(new IndexModel(await keys.ListAsync(), new CreateForm(), null));

    [HttpPost("")]
    public async Task<IActionResult> Create([Bind(Prefix = "Form")] CreateForm form)
    {
        form.Scopes = form.Scopes.Where(ApiScope.IsKnown).ToList();
        if (form.Scopes.Count == 0) ModelState.AddModelError("Form.Scopes", t["Choose at least one scope."]);
        if (!ModelState.IsValid)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return View(nameof(Index), new IndexModel(await keys.ListAsync(), form, null));
        }

        var token = await keys.IssueAsync(form.Name, form.Scopes);
        return View(nameof(Index), new IndexModel(await keys.ListAsync(), new CreateForm(), token));
    }

    [HttpPost("{id:guid}/revoke")]
    public async Task<IActionResult> Revoke(Guid id)
    {
        if (!await keys.RevokeAsync(id)) return NotFound();
        Flash(t["Key revoked. Calls with it are refused from now on."]);
        return RedirectToAction(nameof(Index));
    }
}
