namespace PhoneCrm.Web;

/// <summary>Marker for the shared UI strings: keys are English, <c>Resources/SharedResource.ru.resx</c> has Russian.</summary>
public sealed class SharedResource;

/// <summary>Display names of wire codes (<c>source:web_shop</c>): translated where a resource exists, else the code made readable.</summary>
public static class CodeLabels
{
    public static string Code(this Microsoft.Extensions.Localization.IStringLocalizer localizer, string kind, string? code)
    {
        ArgumentNullException.ThrowIfNull(localizer);
        if (string.IsNullOrEmpty(code)) return "";
        var s = localizer[kind + ":" + code];
        return s.ResourceNotFound ? code.Replace('_', ' ') : s.Value;
    }
}
