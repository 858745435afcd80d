using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using PhoneCrm.Domain.Access;
using PhoneCrm.Domain.Audit;
using PhoneCrm.Infrastructure.Access;
using PhoneCrm.Infrastructure.Audit;
using PhoneCrm.Infrastructure.Database;
using PhoneCrm.Infrastructure.Tenancy;

namespace PhoneCrm.Web.Features.Access;

/// <summary>The admin's user management: invite, assign roles, enforce MFA, deactivate.</summary>
[Route("settings/users"), RequirePermission(Permission.UsersManage)]
public sealed class UsersController(
    PhoneCrmDbContext db,
    UserManager<AppUser> users,
    TenantProvisioner provisioner,
    AuditLog audit,
    AuditActor actor,
    IStringLocalizer<SharedResource> t) : UiController
{
    public sealed record Row(Guid UserId, string Email, string? DisplayName, IReadOnlyList<Role> Roles, bool IsActive,
        bool MfaRequired, bool MfaEnabled, bool LockedOut, DateTimeOffset CreatedAt);

    public sealed class InviteForm
    {
        [Required(ErrorMessage = "Enter an email"), EmailAddress(ErrorMessage = "Enter a valid email"), MaxLength(256)]
        public string Email { get; set; } = "";
        [MaxLength(200)]
        public string? DisplayName { get; set; }
        public List<Role> Roles { get; set; } = [];
    }

    public sealed record IndexModel(IReadOnlyList<Row> Users, InviteForm Invite, string? InvitedPassword, string? InvitedEmail);

    [HttpGet("")]
    public async Task<IActionResult> Index() => View(new IndexModel(await RowsAsync(), new InviteForm(), null, null));

    [HttpPost("invite")]
    public async Task<IActionResult> Invite([Bind(Prefix = "Invite")] InviteForm form)
    {
        if (form.Roles.Count == 0) ModelState.AddModelError("Invite.Roles", t["Choose at least one role."]);
        if (!ModelState.IsValid)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return View(nameof(Index), new IndexModel(await RowsAsync(), form, null, null));
        }

        var email = form.Email.Trim();
        var existing = await users.FindByEmailAsync(email);
        if (existing is not null && await db.Memberships.AnyAsync(m => m.UserId == existing.Id))
        {
            ModelState.AddModelError("Invite.Email", t["This person is already a member."]);
            Response.StatusCode = StatusCodes.Status409Conflict;
            return View(nameof(Index), new IndexModel(await RowsAsync(), form, null, null));
        }

        // A new person gets a one-time password to hand over; they must change it at first sign-in.
        var password = existing is null ? TenantProvisioner.GeneratePassword() : null;
        var user = existing ?? await provisioner.EnsureUserAsync(email, password!, mustChangePassword: true);
        if (existing is null && !string.IsNullOrWhiteSpace(form.DisplayName))
        {
            user.DisplayName = form.DisplayName.Trim();
            await users.UpdateAsync(user);
        }

        await provisioner.AddMemberAsync(user.Id, form.Roles);
        await audit.WriteAsync(AuditActions.UserInvited, "user", user.Id.ToString(), string.Join(",", form.Roles));
        Flash(t["Invited {0}.", email]);
        return View(nameof(Index), new IndexModel(await RowsAsync(), new InviteForm(), password, email));
    }

    [HttpPost("{userId:guid}/roles")]
    public async Task<IActionResult> SetRoles(Guid userId, List<Role> roles)
    {
        var m = await db.Memberships.SingleOrDefaultAsync(x => x.UserId == userId);
        if (m is null) return NotFound();
        if (roles.Count == 0)
        {
            Flash(t["Choose at least one role."]);
            return RedirectToAction(nameof(Index));
        }

        if (userId == actor.UserId && m.Roles.Contains(Role.Admin) && !roles.Contains(Role.Admin))
        {
            Flash(t["You cannot remove your own Admin role."]);
            return RedirectToAction(nameof(Index));
        }

        var before = string.Join(",", m.Roles);
        m.Roles = roles.Distinct().ToList();
        await db.SaveChangesAsync();
        await audit.WriteAsync(AuditActions.RolesChanged, "user", userId.ToString(), $"{before} -> {string.Join(",", m.Roles)}");
        Flash(t["Roles updated."]);
        return RedirectToAction(nameof(Index));
    }

    [HttpPost("{userId:guid}/active")]
    public async Task<IActionResult> SetActive(Guid userId, bool active)
    {
        var m = await db.Memberships.SingleOrDefaultAsync(x => x.UserId == userId);
        if (m is null) return NotFound();
        if (userId == actor.UserId && !active)
        {
            Flash(t["You cannot deactivate yourself."]);
            return RedirectToAction(nameof(Index));
        }

        m.IsActive = active;
        await db.SaveChangesAsync();
        await audit.WriteAsync(active ? AuditActions.UserActivated : AuditActions.UserDeactivated, "user", userId.ToString());
        Flash(active ? t["User activated."] : t["User deactivated. Their sessions end at their next request."]);
        return RedirectToAction(nameof(Index));
    }

    [HttpPost("{userId:guid}/mfa")]
    public async Task<IActionResult> SetMfaRequired(Guid userId, bool required)
    {
        var m = await db.Memberships.SingleOrDefaultAsync(x => x.UserId == userId);
        if (m is null) return NotFound();
        m.MfaRequired = required;
        await db.SaveChangesAsync();
        await audit.WriteAsync(AuditActions.MfaEnforced, "user", userId.ToString(), required ? "required" : "optional");
        Flash(t["Saved."]);
        return RedirectToAction(nameof(Index));
    }

    private async Task<List<Row>> RowsAsync()
    {
        var now = DateTimeOffset.UtcNow;
        var rows = await (
                from m in db.Memberships.AsNoTracking()
                join u in db.Users.AsNoTracking() on m.UserId equals u.Id
                orderby u.Email
                select new { m, u })
            .ToListAsync();
        return rows.Select(x => new Row(x.u.Id, x.u.Email!, x.u.DisplayName, x.m.Roles, x.m.IsActive, x.m.MfaRequired,
            x.u.TwoFactorEnabled, x.u.LockoutEnd > now, x.m.CreatedAt)).ToList();
    }
}
