using Microsoft.AspNetCore.Mvc;
using PhoneCrm.Domain.Access;
using PhoneCrm.Infrastructure.Messaging.Campaigns;
using PhoneCrm.Web.Features.Access;

namespace PhoneCrm.Web.Features.Messaging;

/// <summary>The dashboard's campaigns card: running, scheduled and recent campaigns with their flags; for readers of campaigns.</summary>
public sealed class CampaignOverviewViewComponent(CampaignOverviewQueries overview) : ViewComponent
{
    public const string Name = "CampaignOverview";

    public async Task<IViewComponentResult> InvokeAsync()
    {
        if (!UserClaimsPrincipal.Has(Permission.CampaignsRead)) return Content("");
        return View("/Features/Messaging/Views/Campaigns/_Overview.cshtml", await overview.OverviewAsync(HttpContext.RequestAborted));
    }
}
