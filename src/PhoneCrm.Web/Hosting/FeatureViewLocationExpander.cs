using Microsoft.AspNetCore.Mvc.Controllers;
using Microsoft.AspNetCore.Mvc.Razor;

namespace PhoneCrm.Web.Hosting;

/// <summary>
/// Finds a controller's views in its capability's folder, <c>Features/{Capability}/Views/{Controller}/</c>, taking the
/// capability from the controller's namespace (<c>PhoneCrm.Web.Features.{Capability}</c>). Layouts and shared partials
/// stay in <c>Views/Shared</c>; there are no other view folders.
/// </summary>
public sealed class FeatureViewLocationExpander : IViewLocationExpander
{
    private const string FeatureKey = "feature";
    private const string FeaturesNamespace = "PhoneCrm.Web.Features.";

    public void PopulateValues(ViewLocationExpanderContext context)
    {
        if (context.ActionContext.ActionDescriptor is ControllerActionDescriptor action
            && action.ControllerTypeInfo.Namespace is { } ns
            && ns.StartsWith(FeaturesNamespace, StringComparison.Ordinal))
            context.Values[FeatureKey] = ns[FeaturesNamespace.Length..].Replace('.', '/');
    }

    public IEnumerable<string> ExpandViewLocations(ViewLocationExpanderContext context, IEnumerable<string> viewLocations)
    {
        // {0} = view name, {1} = controller name.
        var shared = viewLocations.Where(l => l.StartsWith("/Views/Shared/", StringComparison.Ordinal));
        return context.Values.TryGetValue(FeatureKey, out var feature) && feature is not null
            ? [$"/Features/{feature}/Views/{{1}}/{{0}}.cshtml", .. shared]
            : shared;
    }
}
