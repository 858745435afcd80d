using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using PhoneCrm.Domain.Access;
using PhoneCrm.Infrastructure.Platform;
using PhoneCrm.Web.Features.Access;

namespace PhoneCrm.Web.Features.Platform;

/// <summary>The installation's tenants: create one (its Admin's one-time password and API key are shown once), suspend, resume.</summary>
[Route("platform/tenants"), RequirePermission(Permission.PlatformOperations)]
public sealed class TenantsController(PlatformTenants tenants, IStringLocalizer<SharedResource> t) : UiController
{
    public sealed class CreateForm
    {
        [Required(ErrorMessage = "Enter the company name"), MaxLength(200)]
        public string Name { get; set; } = "";
        [Required(ErrorMessage = "Enter your email"), EmailAddress(ErrorMessage = "Enter a valid email")]
        public string AdminEmail { get; set; } = "";
    }

    public sealed record Page(IReadOnlyList<PlatformTenantRow> Tenants, CreateForm Form);

    [HttpGet("")]
    public async Task<IActionResult> Index(CancellationToken ct) => View(new Page(await tenants.ListAsync(ct), new CreateForm()));

    [HttpPost("")]
    public async Task<IActionResult> Create([Bind(Prefix = nameof(Page.Form))] CreateForm form, CancellationToken ct)
    {
        if (!ModelState.IsValid)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return View(nameof(Index), new Page(await tenants.ListAsync(ct), form));
        }

        try
        {
            return View("Created", await tenants.CreateAsync(form.Name, form.AdminEmail, ct));
        }
        catch (ArgumentException)
        {
            ModelState.AddModelError("Form.AdminEmail", t["This email belongs to a platform operator; use another one."]);
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return View(nameof(Index), new Page(await tenants.ListAsync(ct), form));
        }
    }

    [HttpPost("{id:guid}/suspend")]
    public Task<IActionResult> Suspend(Guid id, CancellationToken ct) => SetSuspendedAsync(id, true, ct);

    [HttpPost("{id:guid}/resume")]
    public Task<IActionResult> Resume(Guid id, CancellationToken ct) => SetSuspendedAsync(id, false, ct);

    private async Task<IActionResult> SetSuspendedAsync(Guid id, bool suspend, CancellationToken ct)
    {
        if (!await tenants.SetSuspendedAsync(id, suspend, ct)) return NotFound();
        Flash(suspend ? t["The tenant is suspended: its people cannot sign in and its API keys are refused."] : t["The tenant is active again."]);
        return RedirectToAction(nameof(Index));
    }
}
