using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using PhoneCrm.Domain.Access;
using PhoneCrm.Infrastructure.Access;

namespace PhoneCrm.Web.Features.Access;

/// <summary>The admin's user management: invite, assign roles, enforce MFA, deactivate.</summary>
[Route("settings/users"), RequirePermission(Permission.UsersManage)]
public sealed class UsersController(UserAdministration admin, IStringLocalizer<SharedResource> t) : UiController
{
    public sealed class InviteForm
    {
        [Required(ErrorMessage = "Enter an email"), EmailAddress(ErrorMessage = "Enter a valid email"), MaxLength(256)]
        public string Email { get; set; } = "";
        [MaxLength(200)]
        public string? DisplayName { get; set; }
        public List<Role> Roles { get; set; } = [];
    }

    public sealed record IndexModel(IReadOnlyList<UserAdministration.Member> Users, InviteForm Invite, string? InvitedPassword,
        string? InvitedEmail);

    [HttpGet("")]
    public async Task<IActionResult> Index() => View(new IndexModel(await admin.ListAsync(), new InviteForm(), null, null));

    [HttpPost("invite")]
    public async Task<IActionResult> Invite([Bind(Prefix = "Invite")] InviteForm form)
    {
        if (form.Roles.Count == 0) ModelState.AddModelError("Invite.Roles", t["Choose at least one role."]);
        if (!ModelState.IsValid)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return View(nameof(Index), new IndexModel(await admin.ListAsync(), form, null, null));
        }

        var invited = await admin.InviteAsync(form.Email, form.DisplayName, form.Roles);
        if (invited is null)
        {
            ModelState.AddModelError("Invite.Email", t["This person is already a member."]);
            Response.StatusCode = StatusCodes.Status409Conflict;
            return View(nameof(Index), new IndexModel(await admin.ListAsync(), form, null, null));
        }

        Flash(t["Invited {0}.", invited.Email]);
        return View(nameof(Index), new IndexModel(await admin.ListAsync(), new InviteForm(), invited.OneTimePassword, invited.Email));
    }

    [HttpPost("{userId:guid}/roles")]
    public async Task<IActionResult> SetRoles(Guid userId, List<Role> roles) =>
        Answer(await admin.SetRolesAsync(userId, roles), t["Roles updated."]);

    [HttpPost("{userId:guid}/active")]
    public async Task<IActionResult> SetActive(Guid userId, bool active) =>
        Answer(await admin.SetActiveAsync(userId, active),
            active ? t["User activated."] : t["User deactivated. Their sessions end at their next request."]);

    [HttpPost("{userId:guid}/mfa")]
    public async Task<IActionResult> SetMfaRequired(Guid userId, bool required) =>
        Answer(await admin.SetMfaRequiredAsync(userId, required), t["Saved."]);

    private IActionResult Answer(UserAdministration.Change change, string saved)
    {
        if (change == UserAdministration.Change.NotMember) return NotFound();
        Flash(change switch
        {
            UserAdministration.Change.NoRoles => t["Choose at least one role."],
            UserAdministration.Change.OwnAdminRole => t["You cannot remove your own Admin role."],
            UserAdministration.Change.OwnDeactivation => t["You cannot deactivate yourself."],
            _ => saved,
        });
        return RedirectToAction(nameof(Index));
    }
}
